// Real nats-server processes with JetStream for the cluster tests: one server, or a cluster of several
// joined by routes, on free loopback ports with their stores in a fresh temporary directory.
#ifndef PASSERELLE_TESTS_CLUSTER_NATS_TEST_SERVER_H_
#define PASSERELLE_TESTS_CLUSTER_NATS_TEST_SERVER_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace passerelle::cluster::testing {

class NatsTestCluster {
 public:
  // The nats-server binary (PATH, then /usr/sbin and /usr/bin), empty when it is not installed.
  static std::string BinaryPath();

  // Starts `size` servers (1: a standalone JetStream server; more: a JetStream cluster) and waits
  // until each accepts connections.
  static absl::StatusOr<std::unique_ptr<NatsTestCluster>> Start(int size);
  ~NatsTestCluster();  // kills every server and removes the directory

  // "nats://127.0.0.1:<port>,..." in server order.
  std::string Servers() const;
  std::string Server(int index) const;
  int size() const { return static_cast<int>(nodes_.size()); }

  // kill -9, and waits for the process to end.
  void Kill(int index);
  // SIGSTOP / SIGCONT: a server that keeps its sockets open but answers nothing (a hung machine).
  void Pause(int index);
  void Resume(int index);
  // Starts a killed server again with the same ports and store.
  absl::Status Restart(int index);
  // The server's log file, for failure messages.
  std::string LogTail(int index) const;

 private:
  struct Node {
    int client_port = 0;
    int route_port = 0;
    pid_t pid = -1;
  };
  NatsTestCluster() = default;
  absl::Status Launch(int index);

  std::string binary_;
  std::string dir_;
  std::vector<Node> nodes_;
};

}  // namespace passerelle::cluster::testing

#endif  // PASSERELLE_TESTS_CLUSTER_NATS_TEST_SERVER_H_
