// Capacity-aware assignment of a cohort of stored candidates to stored openings: the glue between batch
// re-ranking (engine/batch/rerank.h) and the assignment mechanisms (engine/batch/assignment.h).
//
// On one snapshot of the index, every candidate of the cohort is re-ranked against every opening in
// scope; each candidate's `openings_per_candidate` best *eligible* openings form their pool. The pools
// become an AssignmentProblem (one position per France Travail "nombrePostes", the pair score as weight)
// and Assign() decides who goes where. Only eligible pairs can be assigned, each opening takes at most its
// positions, each candidate at most one opening.
//
// Mechanisms are exact over the pools, not over every eligible pair: a candidate is never assigned beyond
// their `openings_per_candidate` best openings. docs/batch.md says why 50 is enough in practice.
//
// Dense indices, and so the greedy baseline's order ("candidates in index order"), follow the ids:
// candidates sorted by id, openings sorted by id. Same index version and options, same result.
//
// Thread-safety: AssignCohort is thread-safe (it reads the index on a snapshot and holds no state).
//
// Example:
//   CohortAssignmentOptions options;
//   options.assignment.mechanism = AssignmentMechanism::kStableDeferredAcceptance;
//   options.assignment.reserved_share = 0.2;
//   options.reserve_for.french_below = CefrLevel::kA2;
//   PASSERELLE_ASSIGN_OR_RETURN(CohortAssignment run, AssignCohort(index, DefaultScoringProfile(), options));
//   // run.placements, run.left_out, run.report, *run.greedy_baseline
#ifndef PASSERELLE_ENGINE_BATCH_COHORT_ASSIGNMENT_H_
#define PASSERELLE_ENGINE_BATCH_COHORT_ASSIGNMENT_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/batch/assignment.h"
#include "engine/batch/exposure.h"
#include "engine/batch/rerank.h"
#include "engine/index/match_index.h"
#include "engine/model/types.h"

namespace passerelle::engine {

// Who a reserved share of positions is kept for. A candidate belongs to the cohort when any condition
// set here holds (a union). Nothing set = nobody.
struct ReserveCohort {
  // Candidates whose French level is strictly below this one (kA2: pre-A1 and A1). Default: none.
  std::optional<CefrLevel> french_below;
  // Candidates whose housing status is one of these (for example kEmergency). Default: empty.
  std::vector<HousingStatus> housing;

  bool empty() const { return !french_below.has_value() && housing.empty(); }
  bool Contains(const Candidate& candidate) const;
};

struct CohortAssignmentOptions {
  // Cohort filters on candidates, as in RerankOptions; empty = no filter. Default: empty.
  std::string owner_id;
  std::vector<std::string> departements;
  // Openings in scope: ROME codes, domaines ("F17") or grands domaines ("F"). Default: empty (all).
  std::vector<std::string> occupations;
  // Size of each candidate's pool: their best eligible openings the mechanism may choose from.
  // Range 1..kMaxK. Default: 50.
  int openings_per_candidate = 50;
  // Threads of the re-ranking step (the assignment itself runs on one). Default: 2.
  int threads = 2;
  // The day of the run (MatchQuery::today): openings past their expiry get no candidate. 0 = unknown
  // (none is). Default: 0.
  Day today = 0;
  // Mechanism, congestion cap, reserved share, greedy baseline (see AssignmentOptions).
  AssignmentOptions assignment;
  // The cohort the reserved share is for. Required (non-empty) when assignment.reserved_share > 0.
  // Also counted when the share is 0, so that the report shows how the cohort fares without a reserve.
  ReserveCohort reserve_for;
  // Asked between candidates while re-ranking and once before assigning; true stops the run with
  // Cancelled. Must be thread-safe. Default: empty (never cancelled).
  std::function<bool()> cancelled;
};

// Why a candidate got no opening. The first three add up to AssignmentReport::left_out_no_eligible_pair
// (kNoRightToWork and kNoEligibleOpening) and its two other left-out counts.
enum class LeftOutReason : uint8_t {
  // The candidate's record says they may not work in France: no pair can be eligible.
  kNoRightToWork = 0,
  // No eligible opening in scope with at least one position (too far, contract, French, licence...).
  kNoEligibleOpening = 1,
  // Every pair of their pool was beyond the openings' shortlists (AssignmentOptions::max_proposals_per_opening).
  kCutByCongestionCap = 2,
  // The openings of their pool went to others, or were kept for the cohort.
  kLostToCompetition = 3,
};

// "no_right_to_work", "no_eligible_opening", "cut_by_congestion_cap", "lost_to_competition".
const char* LeftOutReasonName(LeftOutReason reason);

struct CohortPlacement {
  std::string candidate_id;
  std::string opening_id;
  float score = 0;  // the pair's total score, in [0, 1]
};

struct LeftOutCandidate {
  std::string candidate_id;
  LeftOutReason reason = LeftOutReason::kNoEligibleOpening;
};

struct CohortAssignment {
  // One per assigned candidate, by candidate id.
  std::vector<CohortPlacement> placements;
  // One per candidate of the cohort left without an opening, by candidate id.
  std::vector<LeftOutCandidate> left_out;
  // Figures of the chosen mechanism, and of the greedy baseline under the same constraints (when
  // assignment.compute_greedy_baseline).
  AssignmentReport report;
  std::optional<AssignmentReport> greedy_baseline;
  // kOptimal's figures under the other objective (AssignmentOptions::compute_other_objective).
  std::optional<AssignmentReport> other_objective;
  // How the placements fall across the watched groups (French band, housing, transport mode,
  // département), against each group's share of the cohort: one report per WatchedAttribute, in order.
  std::vector<ExposureReport> placement_exposure;
  // Of report.left_out_no_eligible_pair, those without the right to work.
  int32_t left_out_no_right_to_work = 0;
  // Openings in scope (after the occupation filter), including those nobody is eligible for: their
  // positions count in report.position_count and positions_left_empty.
  int32_t opening_count = 0;
  // Pairs in the pools, handed to the mechanism (before the congestion cap).
  int64_t pool_pairs = 0;
  // The re-ranking step's final counts (pairs scored and pruned, its time).
  RerankProgress rerank;
  // Time of the assignment step (building the problem, mechanism, baseline, reports), in seconds.
  double assignment_seconds = 0;
};

// A cohort's pools, the part of an assignment that depends on where the records are: each candidate's
// best eligible openings and what the assignment reads of their record, and the openings in scope with
// their positions. Shards each make theirs (PoolCohort) and MergePools (engine/batch/shard_gather.h) joins
// them; AssignPools then gives what AssignCohort gives on one node holding every record.
struct PooledCandidate {
  std::string candidate_id;
  std::vector<std::pair<int32_t, float>> openings;  // (index into CohortPools::opening_ids, score), best first
  bool right_to_work = false;
  bool reserved = false;  // in CohortAssignmentOptions::reserve_for
  // GroupOf the candidate for kFrenchBand, kHousing, kTransportMode, kDepartement (placement_exposure).
  std::vector<std::string> groups;
};

struct CohortPools {
  std::vector<PooledCandidate> candidates;  // by candidate id
  std::vector<std::string> opening_ids;     // openings in scope, ascending
  std::vector<int32_t> opening_positions;   // beside opening_ids
  RerankProgress rerank;                    // the re-ranking's final counts
};

// The first half of AssignCohort: validates the options, re-ranks the cohort on one snapshot and reads
// what the assignment needs. Same errors as AssignCohort.
absl::StatusOr<CohortPools> PoolCohort(const MatchIndex& index, const ScoringProfile& profile,
                                       const CohortAssignmentOptions& options);

// The second half: the assignment over `pools` (only options.assignment, options.cancelled and whether
// options.reserve_for is empty are read).
absl::StatusOr<CohortAssignment> AssignPools(const CohortPools& pools, const CohortAssignmentOptions& options);

// Re-ranks the cohort on one snapshot, builds the pools and assigns (PoolCohort then AssignPools). Returns InvalidArgument naming the
// option (openings_per_candidate, occupations[i], assignment.reserved_share, reserve_for, ...) when one
// is out of range, Cancelled when options.cancelled turned true, ResourceExhausted when the problem is
// too large for the exact optimum (see Assign).
absl::StatusOr<CohortAssignment> AssignCohort(const MatchIndex& index, const ScoringProfile& profile,
                                              const CohortAssignmentOptions& options);

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_BATCH_COHORT_ASSIGNMENT_H_
