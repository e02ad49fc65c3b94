#include "server/cluster_peer_service.h"

#include <filesystem>
#include <utility>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/common/status_macros.h"
#include "server/cluster/snapshot.h"

namespace passerelle::server {

ClusterPeerService::ClusterPeerService(cluster::Node* node, engine::Catalog* catalog, CallGate* gate)
    : node_(node), catalog_(catalog), gate_(gate) {
  cluster::RemoveServingLeftovers(catalog_->store().dir());
}

grpc::Status ClusterPeerService::GetSnapshot(grpc::ServerContext* context, const cluster::GetSnapshotRequest*,
                                             grpc::ServerWriter<cluster::SnapshotChunk>* writer) {
  return RunGated(*gate_, *context, "GetSnapshot", [&](CallLog& log, const Claims&) {
    return Serve(*context, *writer, log);
  });
}

absl::Status ClusterPeerService::Serve(grpc::ServerContext& context,
                                       grpc::ServerWriter<cluster::SnapshotChunk>& writer, CallLog& log) {
  std::unique_lock<std::mutex> serving(serving_, std::try_to_lock);
  if (!serving.owns_lock()) {
    return absl::ResourceExhaustedError("this node is already serving a snapshot; retry later or ask another node");
  }
  // Beside the data directory, on the same file system: the checkpoint hard links RocksDB's files.
  const std::string dir = cluster::SiblingPath(
      catalog_->store().dir(), absl::StrCat(".serving-snapshot-", next_id_.fetch_add(1), "-", absl::ToUnixMicros(absl::Now())));
  absl::Cleanup remove = [&dir] {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  };
  uint64_t applied = 0;
  PASSERELLE_RETURN_IF_ERROR(node_->WithApplierPaused([&](uint64_t sequence) {
    applied = sequence;
    return catalog_->store().Checkpoint(dir);
  }));
  PASSERELLE_ASSIGN_OR_RETURN(cluster::SnapshotManifest manifest, cluster::DescribeSnapshot(dir, applied));
  int64_t bytes = 0;
  for (const cluster::SnapshotFile& file : manifest.files()) bytes += static_cast<int64_t>(file.size_bytes());
  log.Count("files", manifest.files_size());
  log.Count("bytes", bytes);
  log.Count("applied_sequence", static_cast<int64_t>(applied));
  return cluster::StreamSnapshot(dir, manifest, [&](const cluster::SnapshotChunk& chunk) {
    if (context.IsCancelled() || !writer.Write(chunk)) {
      return absl::CancelledError("the peer stopped reading the snapshot");
    }
    return absl::OkStatus();
  });
}

}  // namespace passerelle::server
