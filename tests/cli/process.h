// Helpers for the CLI's end-to-end tests: run the real `passerelle` binary and capture what it prints,
// and run the real `passerelle-server` on an ephemeral loopback port with its own data directory.
//
// Thread-safety: thread-compatible; the tests use them from one thread.
#ifndef PASSERELLE_TESTS_CLI_PROCESS_H_
#define PASSERELLE_TESTS_CLI_PROCESS_H_

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "tests/common/temp_dir.h"

namespace passerelle::clients::testing {

using ::passerelle::tests::TempDir;

struct ProcessResult {
  int exit_code = -1;  // 128 + signal number when killed by a signal
  std::string out;     // everything written to stdout
  std::string err;     // everything written to stderr
};

// Runs `argv` to completion with this process's environment plus `env` (which wins), stdin read from
// `stdin_path`, and stdout and stderr captured through files in `scratch`.
ProcessResult RunProcess(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                         const std::string& stdin_path, const TempDir& scratch);

// The real passerelle-server, started on 127.0.0.1:0 with --port_file so that tests never collide on a
// port, and stopped with SIGTERM.
class ServerProcess {
 public:
  // Starts the server on a data directory under `dir` (with `extra_args`, e.g. TLS flags) and waits (up
  // to 30 s) until it has written its port. Check ok() afterwards; log() has the server's stderr when it
  // failed.
  ServerProcess(const std::string& binary, const TempDir& dir, const std::vector<std::string>& extra_args = {});
  ~ServerProcess();  // Stop() if still running

  bool ok() const { return port_ > 0; }
  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string log() const;

  // Sends SIGTERM and waits; returns the exit code (0 for a clean shutdown).
  int Stop();

 private:
  std::string log_path_;
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace passerelle::clients::testing

#endif  // PASSERELLE_TESTS_CLI_PROCESS_H_
