// The real passerelle-server binary as a child process, for the crash and disk-fault tests: started
// with fork/exec on 127.0.0.1:0 (--port_file, so tests never collide on a port), signalled, waited for.
// Its stderr (the JSON log) goes to a file, appended across restarts.
//
// Thread-safety: thread-compatible.
#ifndef PASSERELLE_TESTS_CRASH_SERVER_PROCESS_H_
#define PASSERELLE_TESTS_CRASH_SERVER_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "grpcpp/channel.h"
#include "passerelle/v1/access.grpc.pb.h"
#include "passerelle/v1/matching.grpc.pb.h"

namespace passerelle::tests {

class ServerProcess {
 public:
  // `data_dir`: the server's data directory; `scratch`: where the port and log files go.
  ServerProcess(std::string data_dir, const std::string& scratch, std::vector<std::string> extra_args = {});
  ~ServerProcess();  // SIGKILL if still running
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts the process and waits until it serves (true) or exits or 60 s pass (false).
  bool Start();
  // Whether the process has exited by now (or was never started); its wait status in *status.
  bool Exited(int* status);
  void Signal(int signal);
  // Waits for the process to end; its wait status, or -1 after `timeout` (the process is then killed).
  int Wait(std::chrono::milliseconds timeout = std::chrono::seconds(60));
  std::string Log() const;
  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  const std::string& data_dir() const { return data_dir_; }

  // A new API key of `role` for `organisation`, created with the bootstrap admin key; "" on failure.
  std::string NewKey(const std::string& organisation, const std::string& role) const;

 private:
  std::string data_dir_, port_file_, log_file_;
  std::vector<std::string> args_;
  pid_t pid_ = -1;
  int exit_status_ = -1;  // wait status once the process has exited
  int port_ = 0;
};

}  // namespace passerelle::tests

#endif  // PASSERELLE_TESTS_CRASH_SERVER_PROCESS_H_
