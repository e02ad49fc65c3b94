#include "tests/cluster/nats_test_server.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

namespace passerelle::cluster::testing {
namespace {

// A port the kernel just handed out; free again once the socket closes (a tiny race, fine on loopback).
int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

bool Accepts(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return ok;
}

}  // namespace

std::string NatsTestCluster::BinaryPath() {
  std::vector<std::string> dirs;
  if (const char* path = std::getenv("PATH")) dirs = absl::StrSplit(path, ':', absl::SkipEmpty());
  dirs.push_back("/usr/sbin");
  dirs.push_back("/usr/bin");
  for (const std::string& dir : dirs) {
    std::string candidate = dir + "/nats-server";
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

absl::StatusOr<std::unique_ptr<NatsTestCluster>> NatsTestCluster::Start(int size) {
  std::unique_ptr<NatsTestCluster> cluster(new NatsTestCluster);
  cluster->binary_ = BinaryPath();
  if (cluster->binary_.empty()) return absl::NotFoundError("nats-server is not installed");
  std::string pattern = (std::filesystem::temp_directory_path() / "passerelle-nats-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) return absl::InternalError("mkdtemp failed");
  cluster->dir_ = pattern;
  cluster->nodes_.resize(size);
  for (Node& node : cluster->nodes_) {
    node.client_port = FreePort();
    node.route_port = FreePort();
  }
  for (int i = 0; i < size; ++i) {
    absl::Status launched = cluster->Launch(i);
    if (!launched.ok()) return launched;
  }
  return cluster;
}

NatsTestCluster::~NatsTestCluster() {
  for (int i = 0; i < size(); ++i) Kill(i);
  std::error_code ignored;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
}

std::string NatsTestCluster::Server(int index) const {
  return absl::StrCat("nats://127.0.0.1:", nodes_[index].client_port);
}

std::string NatsTestCluster::Servers() const {
  std::vector<std::string> all;
  for (int i = 0; i < size(); ++i) all.push_back(Server(i));
  return absl::StrJoin(all, ",");
}

absl::Status NatsTestCluster::Launch(int index) {
  Node& node = nodes_[index];
  std::string name = absl::StrCat("s", index);
  std::vector<std::string> args = {binary_, "-a", "127.0.0.1", "-p", absl::StrCat(node.client_port),
                                   "-n", name, "-js", "-sd", dir_ + "/" + name, "-l", dir_ + "/" + name + ".log"};
  if (size() > 1) {
    std::vector<std::string> routes;
    for (const Node& other : nodes_) routes.push_back(absl::StrCat("nats://127.0.0.1:", other.route_port));
    for (std::string arg : {std::string("--cluster_name"), std::string("passerelle-test"), std::string("--cluster"),
                            absl::StrCat("nats://127.0.0.1:", node.route_port), std::string("--routes"),
                            absl::StrJoin(routes, ",")}) {
      args.push_back(arg);
    }
  }
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    // A test binary that crashes or is killed takes its servers with it.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    execv(argv[0], argv.data());
    _exit(127);
  }
  node.pid = pid;
  absl::Time deadline = absl::Now() + absl::Seconds(15);
  while (!Accepts(node.client_port)) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      node.pid = -1;
      return absl::InternalError(absl::StrCat("nats-server exited at start: ", LogTail(index)));
    }
    if (absl::Now() > deadline) return absl::DeadlineExceededError("nats-server did not start listening");
    absl::SleepFor(absl::Milliseconds(20));
  }
  return absl::OkStatus();
}

void NatsTestCluster::Kill(int index) {
  Node& node = nodes_[index];
  if (node.pid <= 0) return;
  kill(node.pid, SIGKILL);  // also ends a paused one
  waitpid(node.pid, nullptr, 0);
  node.pid = -1;
}

void NatsTestCluster::Pause(int index) {
  pid_t pid = nodes_[index].pid;
  if (pid <= 0) return;
  kill(pid, SIGSTOP);
  // kill() returns before the process is stopped: wait until /proc says it is ('T').
  for (int polls = 0; polls < 500; ++polls) {
    std::ifstream stat(absl::StrCat("/proc/", pid, "/stat"));
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    size_t paren = text.rfind(')');
    if (paren != std::string::npos && paren + 2 < text.size() && text[paren + 2] == 'T') return;
    absl::SleepFor(absl::Milliseconds(2));
  }
}

void NatsTestCluster::Resume(int index) {
  if (nodes_[index].pid > 0) kill(nodes_[index].pid, SIGCONT);
}

absl::Status NatsTestCluster::Restart(int index) { return Launch(index); }

std::string NatsTestCluster::LogTail(int index) const {
  std::ifstream in(absl::StrCat(dir_, "/s", index, ".log"));
  std::stringstream all;
  all << in.rdbuf();
  std::string text = all.str();
  return text.size() > 2000 ? text.substr(text.size() - 2000) : text;
}

}  // namespace passerelle::cluster::testing
