// What the in-process cluster tests share: a node's options over a test log, and the sequence a write's
// answer carries (docs/cluster.md, "Read your writes").
#ifndef PASSERELLE_TESTS_CLUSTER_CLUSTER_NODE_OPTIONS_H_
#define PASSERELLE_TESTS_CLUSTER_CLUSTER_NODE_OPTIONS_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "grpcpp/client_context.h"
#include "server/cluster/replicated_log.h"
#include "server/server.h"

namespace passerelle::server::testing {

// A node named `node_id` over `log`: polls the log every 20 ms, keeps deleted records' files (the tests
// compare checksums), runs no retention sweeper, and bootstraps its own admin key, which InProcessServer
// reads from its data directory (the cluster-wide key through the log is tested in cluster_writes_test).
inline ServerOptions ClusterNodeOptions(cluster::ReplicatedLog* log, const std::string& node_id) {
  ServerOptions options;
  options.cluster_log = log;
  options.cluster_node.node_id = node_id;
  options.cluster_node.poll_wait = absl::Milliseconds(20);
  options.catalog.erase_on_delete = false;
  options.sweep_interval_seconds = 0;
  options.cluster_bootstrap_through_log = false;
  return options;
}

// The write's log sequence from its trailing metadata (x-passerelle-sequence); 0 when absent.
inline uint64_t SequenceOf(const grpc::ClientContext& context) {
  const auto& trailers = context.GetServerTrailingMetadata();
  auto it = trailers.find("x-passerelle-sequence");
  if (it == trailers.end()) return 0;
  return std::stoull(std::string(it->second.data(), it->second.size()));
}

}  // namespace passerelle::server::testing

#endif  // PASSERELLE_TESTS_CLUSTER_CLUSTER_NODE_OPTIONS_H_
