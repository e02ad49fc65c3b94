// MatchingService in cluster mode: the node it writes through and read-your-writes (docs/cluster.md).
#include <charconv>
#include <string>

#include "absl/strings/str_cat.h"
#include "engine/store/record_codec.h"
#include "server/matching_cluster.h"
#include "server/matching_service.h"

namespace passerelle::server {

void SetSequenceMetadata(grpc::ServerContextBase& context, uint64_t sequence) {
  if (sequence != 0) context.AddTrailingMetadata(kSequenceMetadata, std::to_string(sequence));
}

void MatchingService::SetClusterNode(cluster::Node* node, absl::Duration min_sequence_wait) {
  cluster_node_ = node;
  min_sequence_wait_ = min_sequence_wait;
}

absl::Status MatchingService::AwaitMinSequence(const grpc::ServerContextBase& context) const {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find(kMinSequenceMetadata);
  if (it == metadata.end()) return absl::OkStatus();
  const absl::string_view text(it->second.data(), it->second.size());
  uint64_t sequence = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), sequence);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat(kMinSequenceMetadata, ": expected a sequence number (the ", kSequenceMetadata,
                     " of a write's answer)"));
  }
  // A single process applies every write before answering it: it is never behind.
  if (cluster_node_ == nullptr) return absl::OkStatus();
  return cluster_node_->WaitApplied(sequence, min_sequence_wait_);
}

absl::Status MatchingService::PutProfileThroughLog(grpc::ServerContextBase& context, const v1::ScoringProfile& profile,
                                                   v1::PutScoringProfileResponse* response) {
  PASSERELLE_RETURN_IF_ERROR(engine::PrefixFieldPath(
      engine::Catalog::ValidateProfile(engine::ScoringProfileFromProto(profile)), "profile"));
  cluster::LogRecord entry;
  *entry.mutable_put_profile() = profile;
  PASSERELLE_ASSIGN_OR_RETURN(cluster::Node::Applied applied, cluster_node_->Write(std::move(entry)));
  SetSequenceMetadata(context, applied.sequence);
  if (applied.outcome.puts.size() != 1) return absl::OkStatus();  // applied before this node could keep it
  PASSERELLE_RETURN_IF_ERROR(engine::PrefixFieldPath(applied.outcome.puts[0].status, "profile"));
  response->set_created(applied.outcome.puts[0].created);
  return absl::OkStatus();
}

}  // namespace passerelle::server
