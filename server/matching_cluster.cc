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
  return server::AwaitMinSequence(cluster_node_, min_sequence_wait_, context);
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
