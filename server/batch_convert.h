// Conversions for the batch rpcs (Rerank, Assign): request validation into engine options, and engine
// results into response messages. Errors name the request field ("k: must be in [1, 1000] ...").
//
// Thread-safety: stateless functions.
#ifndef PASSERELLE_SERVER_BATCH_CONVERT_H_
#define PASSERELLE_SERVER_BATCH_CONVERT_H_

#include "absl/status/statusor.h"
#include "engine/batch/cohort_assignment.h"
#include "engine/batch/poec_cohorts.h"
#include "engine/batch/rerank.h"
#include "engine/refdata/reference_data.h"
#include "passerelle/v1/matching.pb.h"

namespace passerelle::server {

// Default of RerankRequest.k, AssignRequest.openings_per_candidate, RerankRequest.progress_every and
// AssignRequest.max_left_out_listed when left at 0.
inline constexpr int kDefaultRerankK = 10;
inline constexpr int kDefaultOpeningsPerCandidate = 50;
inline constexpr int64_t kDefaultProgressEvery = 1000;
inline constexpr int kDefaultMaxLeftOutListed = 1000;

// Checks k (against max_k), progress_every and the départements (against the reference data) and fills
// the options. Occupation codes and the scoring profile are checked by the engine.
absl::StatusOr<engine::RerankOptions> RerankOptionsFromProto(const v1::RerankRequest& request, int max_k,
                                                             const engine::ReferenceData& data);

// Checks every field of the request the same way and fills the options.
absl::StatusOr<engine::CohortAssignmentOptions> CohortAssignmentOptionsFromProto(const v1::AssignRequest& request,
                                                                                 int max_k,
                                                                                 const engine::ReferenceData& data);

// The assignment step's fields only (mechanism, objective, cap, reserve), checked the same way:
// the options AssignPools reads, for a caller that gathers the shards' pools.
absl::StatusOr<engine::CohortAssignmentOptions> AssignPoolsOptionsFromProto(const v1::AssignRequest& request);

void RerankProgressToProto(const engine::RerankProgress& progress, bool done, v1::RerankProgress* out);

// Fills the response from a finished run; lists at most `max_left_out_listed` left-out candidates.
void CohortAssignmentToProto(const engine::CohortAssignment& run, int max_left_out_listed, v1::AssignResponse* out);

// AssignRequest.pools_only: a node's pools, ids as PoolCohort gives them (qualified); and back, for the
// caller that gathers the shards' pools (InvalidArgument when an index or a list length does not fit).
void CohortPoolsToProto(const engine::CohortPools& pools, v1::CohortPools* out);
absl::StatusOr<engine::CohortPools> CohortPoolsFromProto(const v1::CohortPools& pools);

// FormCohorts: checks every field (sizes, objective, régions, départements, counts) and fills the
// options; max_k is also the default of openings_per_candidate.
absl::StatusOr<engine::PoecCohortOptions> PoecCohortOptionsFromProto(const v1::FormCohortsRequest& request, int max_k,
                                                                     const engine::ReferenceData& data);

// Fills the result from a finished run; lists at most `max_left_out_listed` left-out candidates.
void PoecCohortRunToProto(const engine::PoecCohortRun& run, int max_left_out_listed, v1::CohortsResult* out);

}  // namespace passerelle::server

#endif  // PASSERELLE_SERVER_BATCH_CONVERT_H_
