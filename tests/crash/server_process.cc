#include "tests/crash/server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <thread>

#include "absl/strings/strip.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace passerelle::tests {

using Clock = std::chrono::steady_clock;

ServerProcess::ServerProcess(std::string data_dir, const std::string& scratch, std::vector<std::string> extra_args)
    : data_dir_(std::move(data_dir)), port_file_(scratch + "/port"), log_file_(scratch + "/server.log") {
  args_ = {PASSERELLE_SERVER_BINARY, "--listen=127.0.0.1:0", "--data_dir=" + data_dir_, "--port_file=" + port_file_,
           "--shutdown_grace_seconds=1"};
  args_.insert(args_.end(), extra_args.begin(), extra_args.end());
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

bool ServerProcess::Start() {
  std::remove(port_file_.c_str());
  port_ = 0;
  exit_status_ = -1;
  std::vector<char*> argv;
  for (std::string& arg : args_) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const int log = open(log_file_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  pid_ = fork();
  if (pid_ == 0) {  // child: only async-signal-safe calls until exec
    dup2(log, STDERR_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(log);
  const auto give_up = Clock::now() + std::chrono::seconds(60);
  while (Clock::now() < give_up) {
    std::ifstream in(port_file_);
    if (in >> port_) return true;
    port_ = 0;
    int status = 0;
    if (Exited(&status)) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

bool ServerProcess::Exited(int* status) {
  if (pid_ > 0) {
    if (waitpid(pid_, &exit_status_, WNOHANG) != pid_) return false;
    pid_ = -1;
  }
  *status = exit_status_;
  return true;
}

void ServerProcess::Signal(int signal) {
  if (pid_ > 0) kill(pid_, signal);
}

int ServerProcess::Wait(std::chrono::milliseconds timeout) {
  const auto give_up = Clock::now() + timeout;
  int status = 0;
  while (Clock::now() < give_up) {
    if (Exited(&status)) return status;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  Signal(SIGKILL);
  Wait(std::chrono::seconds(10));
  return -1;
}

std::string ServerProcess::Log() const {
  std::ifstream in(log_file_);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string ServerProcess::NewKey(const std::string& organisation, const std::string& role) const {
  std::ifstream in(data_dir_ + "/bootstrap-admin.key");
  std::string admin;
  std::getline(in, admin);
  auto stub = v1::Access::NewStub(grpc::CreateChannel(address(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + std::string(absl::StripAsciiWhitespace(admin)));
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  v1::CreateKeyRequest request;
  request.set_organisation(organisation);
  request.set_role(role);
  v1::CreateKeyResponse response;
  return stub->CreateKey(&context, request, &response).ok() ? response.secret() : "";
}

}  // namespace passerelle::tests
