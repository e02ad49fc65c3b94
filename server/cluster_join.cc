#include "server/cluster_join.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/common/status_macros.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "passerelle/cluster_peer.grpc.pb.h"
#include "server/cluster/snapshot.h"

namespace passerelle::server {
namespace {

std::shared_ptr<grpc::Channel> PeerChannel(const SnapshotSource& source) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(4 * static_cast<int>(cluster::kSnapshotChunkBytes));
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (!source.peer_root_ca_pem.empty()) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = source.peer_root_ca_pem;
    credentials = grpc::SslCredentials(ssl);
  }
  return grpc::CreateCustomChannel(source.peer_address, credentials, args);
}

// How long a starting node keeps asking a log that does not answer yet: servers started together elect
// the stream's leader within seconds, and until then the stream's state goes unanswered.
constexpr absl::Duration kLogAnswerWait = absl::Seconds(30);

// Whether the log still holds every entry after `applied`.
absl::StatusOr<bool> LogHoldsAfter(cluster::ReplicatedLog* log, uint64_t applied) {
  const absl::Time deadline = absl::Now() + kLogAnswerWait;
  absl::StatusOr<std::unique_ptr<cluster::LogReader>> reader = log->Read(applied);
  while (absl::IsUnavailable(reader.status()) && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(200));
    reader = log->Read(applied);
  }
  if (absl::IsFailedPrecondition(reader.status())) return false;
  if (!reader.ok()) return reader.status();
  return true;
}

absl::StatusOr<uint64_t> StoredAppliedSequence(const std::string& data_dir, const engine::StoreOptions& options) {
  PASSERELLE_ASSIGN_OR_RETURN(std::unique_ptr<engine::Store> store, engine::Store::Open(data_dir, options));
  return store->AppliedSequence();
}

}  // namespace

absl::StatusOr<uint64_t> FetchSnapshot(const SnapshotSource& source, const std::string& data_dir) {
  PASSERELLE_ASSIGN_OR_RETURN(std::unique_ptr<cluster::SnapshotReceiver> receiver,
                              cluster::SnapshotReceiver::Begin(data_dir));
  std::unique_ptr<cluster::ClusterPeer::Stub> stub = cluster::ClusterPeer::NewStub(PeerChannel(source));
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + source.peer_key);
  context.set_deadline(absl::ToChronoTime(absl::Now() + source.timeout));
  std::unique_ptr<grpc::ClientReader<cluster::SnapshotChunk>> reader =
      stub->GetSnapshot(&context, cluster::GetSnapshotRequest());
  cluster::SnapshotChunk chunk;
  absl::StatusOr<uint64_t> applied = absl::DataLossError(
      absl::StrCat("snapshot from ", source.peer_address, ": the stream ended before its manifest"));
  while (reader->Read(&chunk)) {
    if (chunk.has_manifest()) {
      applied = receiver->Finish(chunk.manifest());
      break;
    }
    if (absl::Status added = receiver->Add(chunk); !added.ok()) {
      applied = added;
      context.TryCancel();  // the peer need not send the rest
      break;
    }
    if (source.after_chunk) source.after_chunk(chunk);
  }
  const grpc::Status finished = reader->Finish();
  if (!applied.ok() && !finished.ok() && finished.error_code() != grpc::StatusCode::CANCELLED) {
    return absl::Status(static_cast<absl::StatusCode>(finished.error_code()),
                        absl::StrCat("snapshot from ", source.peer_address, ": ", finished.error_message()));
  }
  return applied;
}

absl::StatusOr<JoinReport> PrepareClusterDataDir(cluster::ReplicatedLog* log, const std::string& data_dir,
                                                 const SnapshotSource& source,
                                                 const engine::StoreOptions& store_options) {
  JoinReport report;
  if (!cluster::HasStore(data_dir)) {
    if (source.peer_address.empty()) {
      PASSERELLE_ASSIGN_OR_RETURN(bool whole, LogHoldsAfter(log, 0));
      if (whole) return report;  // a new node without a peer replays the log from sequence 1
      return absl::FailedPreconditionError(
          "cluster: the data directory is empty and the log no longer holds its first entries (retention): "
          "start this node with --cluster_snapshot_from=host:port and --cluster_peer_key_file");
    }
    report.reason = "empty data directory";
  } else {
    PASSERELLE_ASSIGN_OR_RETURN(report.applied_sequence, StoredAppliedSequence(data_dir, store_options));
    PASSERELLE_ASSIGN_OR_RETURN(bool holds, LogHoldsAfter(log, report.applied_sequence));
    if (holds) return report;
    if (source.peer_address.empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "cluster: this node applied the log up to sequence ", report.applied_sequence,
          " but the log no longer holds the entries after it (retention): start this node with "
          "--cluster_snapshot_from=host:port and --cluster_peer_key_file to load a newer snapshot"));
    }
    report.reason = absl::StrCat("log trimmed past ", report.applied_sequence);
  }
  PASSERELLE_ASSIGN_OR_RETURN(report.applied_sequence, FetchSnapshot(source, data_dir));
  report.loaded = true;
  PASSERELLE_ASSIGN_OR_RETURN(bool holds, LogHoldsAfter(log, report.applied_sequence));
  if (!holds) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cluster: the snapshot of ", source.peer_address, " reflects sequence ", report.applied_sequence,
        " but the log no longer holds the entries after it: fetch it from a node that is up to date"));
  }
  return report;
}

}  // namespace passerelle::server
