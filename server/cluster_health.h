// gRPC health in cluster mode (docs/cluster.md, "Health"): a thread that sets the listed services
// SERVING while the node is serving, and NOT_SERVING while it is starting, catching up (behind the log by
// more than NodeOptions::max_lag_entries) or draining, so that load balancers and proxies send queries
// to nodes that have caught up only.
//
// Thread-safety: thread-safe; the destructor stops the thread.
//
// Example:
//   ClusterHealth health(node.get(), server->GetHealthCheckService(), {"", "passerelle.v1.Matching"});
#ifndef PASSERELLE_SERVER_CLUSTER_HEALTH_H_
#define PASSERELLE_SERVER_CLUSTER_HEALTH_H_

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "grpcpp/health_check_service_interface.h"
#include "server/cluster/node.h"

namespace passerelle::server {

class ClusterHealth {
 public:
  // Both must outlive this object. Sets the services NOT_SERVING at once, then follows node->health()
  // every `interval`.
  ClusterHealth(const cluster::Node* node, grpc::HealthCheckServiceInterface* health,
                std::vector<std::string> services, absl::Duration interval = absl::Milliseconds(100));
  ~ClusterHealth();
  ClusterHealth(const ClusterHealth&) = delete;
  ClusterHealth& operator=(const ClusterHealth&) = delete;

 private:
  void Run();
  void Set(bool serving);

  const cluster::Node* const node_;
  grpc::HealthCheckServiceInterface* const health_;
  const std::vector<std::string> services_;
  const absl::Duration interval_;
  std::mutex mu_;
  std::condition_variable stop_cv_;
  bool stop_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace passerelle::server

#endif  // PASSERELLE_SERVER_CLUSTER_HEALTH_H_
