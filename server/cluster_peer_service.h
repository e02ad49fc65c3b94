// passerelle.cluster.ClusterPeer (proto/passerelle/cluster_peer.proto, internal): serves this node's
// snapshot to a node that joins the cluster (docs/cluster.md, "Adding a node"). Only a credential of role
// cluster-peer may call it (the authorizer's rules): a snapshot holds every organisation's data.
//
// The snapshot is a RocksDB checkpoint taken while the node's applier is paused, so its records and its
// applied sequence match exactly; it is hard linked beside the data directory
// ("<data_dir>.serving-snapshot-N"), streamed, then removed. One snapshot at a time: a second caller gets
// RESOURCE_EXHAUSTED.
//
// Thread-safety: thread-safe.
#ifndef PASSERELLE_SERVER_CLUSTER_PEER_SERVICE_H_
#define PASSERELLE_SERVER_CLUSTER_PEER_SERVICE_H_

#include <atomic>
#include <mutex>
#include <string>

#include "engine/store/catalog.h"
#include "passerelle/cluster_peer.grpc.pb.h"
#include "server/call_gate.h"
#include "server/cluster/node.h"

namespace passerelle::server {

class ClusterPeerService final : public cluster::ClusterPeer::Service {
 public:
  // All must outlive the service. Removes the checkpoints a previous run left while serving one.
  ClusterPeerService(cluster::Node* node, engine::Catalog* catalog, CallGate* gate);

  grpc::Status GetSnapshot(grpc::ServerContext* context, const cluster::GetSnapshotRequest* request,
                           grpc::ServerWriter<cluster::SnapshotChunk>* writer) override;

 private:
  absl::Status Serve(grpc::ServerContext& context, grpc::ServerWriter<cluster::SnapshotChunk>& writer,
                     CallLog& log);

  cluster::Node* const node_;
  engine::Catalog* const catalog_;
  CallGate* const gate_;
  std::mutex serving_;  // held while a snapshot is served
  std::atomic<int> next_id_{0};
};

}  // namespace passerelle::server

#endif  // PASSERELLE_SERVER_CLUSTER_PEER_SERVICE_H_
