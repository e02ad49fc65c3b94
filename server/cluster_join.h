// How a node joins the cluster or comes back after the log was trimmed (docs/cluster.md, "Adding a
// node"): before its catalog opens, a node whose data directory holds no store, or whose applied
// sequence is older than the log's first retained entry, loads a peer's snapshot
// (passerelle.cluster.ClusterPeer, server/cluster_peer_service.h) and then applies the log from the
// snapshot's sequence + 1.
//
// Example:
//   SnapshotSource source{.peer_address = "10.0.0.2:50051", .peer_key = secret};
//   PASSERELLE_ASSIGN_OR_RETURN(JoinReport report, PrepareClusterDataDir(log, "data", source, {}));
#ifndef PASSERELLE_SERVER_CLUSTER_JOIN_H_
#define PASSERELLE_SERVER_CLUSTER_JOIN_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/store/store.h"
#include "passerelle/cluster_peer.pb.h"
#include "server/cluster/replicated_log.h"

namespace passerelle::server {

struct SnapshotSource {
  // host:port of the node to fetch a snapshot from (--cluster_snapshot_from); "" = none.
  // Default: ""
  std::string peer_address;
  // The secret of an API key of role cluster-peer (read from --cluster_peer_key_file; never logged).
  // Default: ""
  std::string peer_key;
  // PEM of the CA that signed the peer's TLS certificate; "" = plaintext (loopback or private network).
  // Default: ""
  std::string peer_root_ca_pem;
  // Longest time the whole transfer may take.
  // Default: 1 h
  absl::Duration timeout = absl::Hours(1);
  // Test hook: called after each chunk is stored (a test kills the process there).
  // Default: none
  std::function<void(const cluster::SnapshotChunk&)> after_chunk;
};

// Fetches a snapshot from `source.peer_address` and puts it in place of `data_dir`; returns the log
// sequence it reflects. Nothing is installed unless every chunk and file matched its SHA-256.
absl::StatusOr<uint64_t> FetchSnapshot(const SnapshotSource& source, const std::string& data_dir);

struct JoinReport {
  bool loaded = false;            // a snapshot was loaded
  uint64_t applied_sequence = 0;  // where the node starts applying the log (+1)
  std::string reason;             // why it loaded one: "empty data directory" or "log trimmed past N"
};

// In cluster mode, before the catalog opens: loads a snapshot when `data_dir` holds no store (and a
// source is set) or when `log` no longer holds the entries after the stored applied sequence
// (FailedPrecondition naming --cluster_snapshot_from when no source is set, or when the peer's snapshot
// is itself too old).
absl::StatusOr<JoinReport> PrepareClusterDataDir(cluster::ReplicatedLog* log, const std::string& data_dir,
                                                 const SnapshotSource& source,
                                                 const engine::StoreOptions& store_options);

}  // namespace passerelle::server

#endif  // PASSERELLE_SERVER_CLUSTER_JOIN_H_
