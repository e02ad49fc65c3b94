#include "tests/cli/process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace passerelle::clients::testing {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// "NAME=value" strings: this process's environment with `overrides` applied.
std::vector<std::string> Environment(const std::map<std::string, std::string>& overrides) {
  std::map<std::string, std::string> merged;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string item(*entry);
    size_t eq = item.find('=');
    if (eq != std::string::npos) merged[item.substr(0, eq)] = item.substr(eq + 1);
  }
  for (const auto& [name, value] : overrides) merged[name] = value;
  std::vector<std::string> out;
  for (const auto& [name, value] : merged) out.push_back(name + "=" + value);
  return out;
}

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Starts `argv` with stdin, stdout and stderr redirected to files; -1 on failure.
pid_t Spawn(std::vector<std::string> argv, std::vector<std::string> env, const std::string& in, const std::string& out,
            const std::string& err) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, in.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> args = Pointers(argv);
  std::vector<char*> vars = Pointers(env);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), vars.data());
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}

int WaitExitCode(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

ProcessResult RunProcess(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                         const std::string& stdin_path, const TempDir& scratch) {
  static int counter = 0;
  const std::string stem = scratch.Sub("run-" + std::to_string(++counter));
  ProcessResult result;
  pid_t pid = Spawn(argv, Environment(env), stdin_path, stem + ".out", stem + ".err");
  if (pid < 0) {
    result.err = "cannot start " + argv[0];
    return result;
  }
  result.exit_code = WaitExitCode(pid);
  result.out = ReadAll(stem + ".out");
  result.err = ReadAll(stem + ".err");
  return result;
}

ServerProcess::ServerProcess(const std::string& binary, const TempDir& dir, const std::vector<std::string>& extra_args)
    : log_path_(dir.Sub("server.log")) {
  const std::string port_file = dir.Sub("port");
  std::vector<std::string> argv = {binary, "--listen=127.0.0.1:0", "--data_dir=" + dir.Sub("data"),
                                   "--port_file=" + port_file};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  pid_ = Spawn(argv, Environment({}), "/dev/null", dir.Sub("server.out"), log_path_);
  if (pid_ < 0) return;
  // The server writes the port file (atomically) once it serves.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < give_up) {
    std::ifstream file(port_file);
    if (file >> port_) return;
    port_ = 0;
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) {  // exited before serving
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

ServerProcess::~ServerProcess() { Stop(); }

std::string ServerProcess::log() const { return ReadAll(log_path_); }

int ServerProcess::Stop() {
  if (pid_ < 0) return -1;
  kill(pid_, SIGTERM);
  int code = WaitExitCode(pid_);
  pid_ = -1;
  return code;
}

}  // namespace passerelle::clients::testing
