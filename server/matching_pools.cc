// MatchingService::Assign with pools_only: a shard's pools for a national assignment gathered by the
// caller (docs/cluster.md, "Shards"; engine/batch/shard_gather.h).
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/batch/cohort_assignment.h"
#include "engine/common/status_macros.h"
#include "server/batch_convert.h"
#include "server/call_log.h"
#include "server/matching_internal.h"
#include "server/matching_service.h"
#include "server/request_limits.h"

namespace passerelle::server {

absl::Status MatchingService::AnswerPools(const grpc::ServerContext* context, CallLog& log, const Claims& claims,
                                          const engine::ScoringProfile& profile,
                                          const engine::CohortAssignmentOptions& options,
                                          v1::AssignResponse* response) {
  absl::StatusOr<engine::CohortPools> pools = engine::PoolCohort(catalog_->index(), profile, options);
  if (absl::IsCancelled(pools.status())) return BatchStopStatus(context, pools.status().message());
  PASSERELLE_RETURN_IF_ERROR(pools.status());
  CohortPoolsToProto(*pools, response->mutable_pools());
  // Checked before the audit: an answer that cannot go out discloses nobody.
  const size_t bytes = response->pools().ByteSizeLong();
  if (bytes > kMaxPoolsAnswerBytes) {
    response->Clear();
    return absl::ResourceExhaustedError(
        absl::StrCat("pools_only: the pools take ", bytes >> 20, " MiB, over the ", kMaxPoolsAnswerBytes >> 20,
                     " MiB cap; lower openings_per_candidate or run the assignment on a node holding every région"));
  }
  // Every pooled candidate's record goes out (their groups and pool), so every one is audited.
  std::vector<std::string> returned;
  returned.reserve(pools->candidates.size());
  for (const engine::PooledCandidate& c : pools->candidates) returned.push_back(c.candidate_id);
  PASSERELLE_RETURN_IF_ERROR(matching_internal::AuditCall(catalog_, claims, "Assign", returned));
  // Candidates are the caller's own: their ids go out as the caller knows them (the order is unchanged,
  // the owner prefix being the same). Openings keep "<owner>:<id>": ids are unique per owner only.
  for (v1::PooledCandidate& c : *response->mutable_pools()->mutable_candidates()) {
    c.set_candidate_id(std::string(engine::UnqualifiedId(c.candidate_id())));
  }
  response->set_pairs_scored(pools->rerank.pairs_scored);
  response->set_pairs_pruned(pools->rerank.pairs_pruned);
  response->set_rerank_seconds(pools->rerank.elapsed_seconds);
  response->set_scoring_profile(profile.name);
  log.Count("candidates", static_cast<int64_t>(pools->candidates.size()));
  return absl::OkStatus();
}

}  // namespace passerelle::server
