#include "engine/batch/cohort_assignment.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "engine/batch/eligibility_graph.h"
#include "engine/common/field_status.h"
#include "engine/common/status_macros.h"

namespace passerelle::engine {
namespace {

using Clock = std::chrono::steady_clock;

// The groups placement_exposure reports, in order (PooledCandidate::groups).
constexpr WatchedAttribute kWatched[] = {WatchedAttribute::kFrenchBand, WatchedAttribute::kHousing,
                                         WatchedAttribute::kTransportMode, WatchedAttribute::kDepartement};

// The openings in scope on one snapshot, by id, with their positions.
struct OpeningScope {
  std::vector<std::string> ids;  // ascending
  std::vector<int32_t> capacity;
  absl::flat_hash_map<std::string, int32_t> index_of;
};

// `occupations` was checked (ValidateOptions): a code it does not know cannot get here.
OpeningScope OpeningsInScope(const MatchIndex::OpeningTable::Snapshot& snapshot, const ReferenceData& data,
                             const std::vector<std::string>& occupations) {
  const std::vector<uint8_t> allowed = BuildOccupationFilter(occupations, data).value_or(std::vector<uint8_t>());
  std::vector<const ResolvedOpening*> openings;
  for (const auto& segment : snapshot.segments) {
    for (int row = 0; row < OpeningSegment::kRows; ++row) {
      const ResolvedOpening* o = segment->record(row).get();
      if (o != nullptr && (allowed.empty() || allowed[o->rome_index])) openings.push_back(o);
    }
  }
  std::sort(openings.begin(), openings.end(), [](auto* a, auto* b) { return a->record.id < b->record.id; });
  OpeningScope scope;
  for (const ResolvedOpening* o : openings) {
    scope.index_of[o->record.id] = static_cast<int32_t>(scope.ids.size());
    scope.ids.push_back(o->record.id);
    scope.capacity.push_back(o->record.positions);
  }
  return scope;
}

absl::Status ValidateOptions(const CohortAssignmentOptions& options, const ReferenceData& data) {
  if (options.openings_per_candidate < 1 || options.openings_per_candidate > kMaxK) {
    return InvalidFieldError("openings_per_candidate",
                             absl::StrCat("must be in [1, ", kMaxK, "], got ", options.openings_per_candidate));
  }
  if (options.assignment.max_proposals_per_opening < 0) {
    return InvalidFieldError("assignment.max_proposals_per_opening",
                             absl::StrCat("must be >= 0, got ", options.assignment.max_proposals_per_opening));
  }
  const double share = options.assignment.reserved_share;
  if (!(share >= 0 && share <= 1)) {  // NaN fails too
    return InvalidFieldError("assignment.reserved_share", absl::StrCat("must be in [0, 1], got ", share));
  }
  if (share > 0 && options.reserve_for.empty()) {
    return InvalidFieldError("reserve_for", "required when assignment.reserved_share > 0");
  }
  MatchQuery query;
  query.occupations = options.occupations;
  return ValidateMatchQuery(query, data);
}

// Re-ranks the cohort on the pinned snapshots; returns the pools sorted by candidate id.
absl::StatusOr<std::vector<PooledCandidate>> RerankPools(const MatchIndex& index, const ScoringProfile& profile,
                                              const CohortAssignmentOptions& options, const OpeningScope& scope,
                                              RerankOptions rerank, RerankProgress* progress) {
  rerank.k = options.openings_per_candidate;
  rerank.threads = options.threads;
  rerank.owner_id = options.owner_id;
  rerank.departements = options.departements;
  rerank.occupations = options.occupations;
  rerank.explain = false;
  rerank.progress_every = int64_t{1} << 40;  // only the final figures are needed
  rerank.cancelled = options.cancelled;
  std::vector<PooledCandidate> pools;
  PASSERELLE_RETURN_IF_ERROR(Rerank(
      index, profile, rerank,
      [&](CandidateRanking ranking) {  // Rerank serialises calls
        PooledCandidate pool;
        pool.candidate_id = std::move(ranking.candidate_id);
        for (const ScoredMatch& m : ranking.matches) pool.openings.emplace_back(scope.index_of.at(m.id), m.total);
        pools.push_back(std::move(pool));
      },
      [&](const RerankProgress& p) { *progress = p; }));
  std::sort(pools.begin(), pools.end(),
            [](const PooledCandidate& a, const PooledCandidate& b) { return a.candidate_id < b.candidate_id; });
  return pools;
}

// Where each candidate of `snapshot` lives, by id (views into the snapshot's segments).
absl::flat_hash_map<absl::string_view, std::pair<const CandidateSegment*, int>> CandidateRows(
    const MatchIndex::CandidateTable::Snapshot& snapshot) {
  absl::flat_hash_map<absl::string_view, std::pair<const CandidateSegment*, int>> rows;
  rows.reserve(snapshot.live_rows);
  for (const auto& segment : snapshot.segments) {
    for (int row = 0; row < segment->used_rows; ++row) {
      if (segment->live(row)) rows[segment->id(row)] = {segment.get(), row};
    }
  }
  return rows;
}

// Per unassigned candidate, the reason the report counts them under (the same rules as
// assignment_report.cc), with "no right to work" told apart.
void ListLeftOut(const AssignmentProblem& problem, const AssignmentOptions& options,
                 const std::vector<int32_t>& opening_of, const std::vector<PooledCandidate>& pools,
                 CohortAssignment& out) {
  std::vector<uint8_t> has_pair_after_cap;
  if (options.max_proposals_per_opening > 0) {
    const assignment_internal::MechanismInput input = assignment_internal::BuildMechanismInput(problem, options);
    has_pair_after_cap.resize(problem.candidate_count);
    for (int32_t i = 0; i < problem.candidate_count; ++i) has_pair_after_cap[i] = input.graph.begin[i + 1] > input.graph.begin[i];
  }
  for (int32_t i = 0; i < problem.candidate_count; ++i) {
    if (opening_of[i] >= 0) continue;
    bool had_pair = false;
    for (const auto& [j, score] : pools[i].openings) had_pair |= problem.opening_capacity[j] > 0;
    LeftOutReason reason = LeftOutReason::kLostToCompetition;
    if (!pools[i].right_to_work) {
      reason = LeftOutReason::kNoRightToWork;
      ++out.left_out_no_right_to_work;
    } else if (!had_pair) {
      reason = LeftOutReason::kNoEligibleOpening;
    } else if (!has_pair_after_cap.empty() && !has_pair_after_cap[i]) {
      reason = LeftOutReason::kCutByCongestionCap;
    }
    out.left_out.push_back({pools[i].candidate_id, reason});
  }
}

}  // namespace

bool ReserveCohort::Contains(const Candidate& candidate) const {
  if (french_below.has_value() && candidate.french_level < *french_below) return true;
  return std::find(housing.begin(), housing.end(), candidate.housing) != housing.end();
}

const char* LeftOutReasonName(LeftOutReason reason) {
  switch (reason) {
    case LeftOutReason::kNoRightToWork:
      return "no_right_to_work";
    case LeftOutReason::kNoEligibleOpening:
      return "no_eligible_opening";
    case LeftOutReason::kCutByCongestionCap:
      return "cut_by_congestion_cap";
    case LeftOutReason::kLostToCompetition:
      return "lost_to_competition";
  }
  return "unknown";
}

absl::StatusOr<CohortPools> PoolCohort(const MatchIndex& index, const ScoringProfile& profile,
                                       const CohortAssignmentOptions& options) {
  PASSERELLE_RETURN_IF_ERROR(ValidateOptions(options, index.data()));
  // One version of each table for the whole run: re-ranking, positions and the candidates' records.
  RerankOptions rerank;
  rerank.today = options.today;
  rerank.candidate_snapshot = index.CandidateSnapshot();
  rerank.opening_snapshot = index.OpeningSnapshot();
  OpeningScope scope = OpeningsInScope(*rerank.opening_snapshot, index.data(), options.occupations);

  CohortPools out;
  PASSERELLE_ASSIGN_OR_RETURN(out.candidates, RerankPools(index, profile, options, scope, rerank, &out.rerank));
  const auto candidate_rows = CandidateRows(*rerank.candidate_snapshot);
  for (PooledCandidate& pool : out.candidates) {
    const auto [segment, row] = candidate_rows.at(pool.candidate_id);
    const std::shared_ptr<const ResolvedCandidate> resolved = segment->record(row);
    const Candidate& c = resolved->record;
    pool.right_to_work = c.right_to_work;
    pool.reserved = options.reserve_for.Contains(c);
    for (WatchedAttribute attribute : kWatched) pool.groups.push_back(GroupOf(c, attribute, index.data()));
  }
  out.opening_ids = std::move(scope.ids);
  out.opening_positions = std::move(scope.capacity);
  return out;
}

absl::StatusOr<CohortAssignment> AssignPools(const CohortPools& cohort, const CohortAssignmentOptions& options) {
  if (options.cancelled && options.cancelled()) return absl::CancelledError("assignment cancelled after re-ranking");
  const auto start = Clock::now();
  const std::vector<PooledCandidate>& pools = cohort.candidates;
  CohortAssignment out;
  out.opening_count = static_cast<int32_t>(cohort.opening_ids.size());
  out.rerank = cohort.rerank;
  AssignmentProblem problem;
  problem.candidate_count = static_cast<int32_t>(pools.size());
  problem.opening_capacity = cohort.opening_positions;
  std::vector<std::vector<std::string>> group_of(std::size(kWatched), std::vector<std::string>(pools.size()));
  if (!options.reserve_for.empty()) problem.reserved_cohort.assign(pools.size(), 0);
  for (size_t i = 0; i < pools.size(); ++i) {
    for (size_t a = 0; a < std::size(kWatched) && a < pools[i].groups.size(); ++a) group_of[a][i] = pools[i].groups[a];
    if (!problem.reserved_cohort.empty()) problem.reserved_cohort[i] = pools[i].reserved;
    for (const auto& [j, score] : pools[i].openings) {
      problem.pairs.push_back({static_cast<int32_t>(i), j, std::clamp(score, 0.0f, 1.0f)});
    }
  }
  out.pool_pairs = static_cast<int64_t>(problem.pairs.size());

  PASSERELLE_ASSIGN_OR_RETURN(AssignmentResult result, Assign(problem, options.assignment));
  for (size_t i = 0; i < pools.size(); ++i) {
    const int32_t j = result.opening_of_candidate[i];
    if (j < 0) continue;
    float score = 0;
    for (const auto& [opening, s] : pools[i].openings) {
      if (opening == j) score = std::clamp(s, 0.0f, 1.0f);
    }
    out.placements.push_back({pools[i].candidate_id, cohort.opening_ids[j], score});
  }
  ListLeftOut(problem, options.assignment, result.opening_of_candidate, pools, out);
  std::vector<int32_t> placed;
  for (int32_t i = 0; i < problem.candidate_count; ++i) {
    if (result.opening_of_candidate[i] >= 0) placed.push_back(i);
  }
  for (size_t a = 0; a < std::size(kWatched); ++a) {
    out.placement_exposure.push_back(MeasureExposure(kWatched[a], group_of[a], placed));
  }
  out.report = std::move(result.report);
  out.greedy_baseline = std::move(result.greedy_baseline);
  out.other_objective = std::move(result.other_objective);
  out.assignment_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return out;
}

absl::StatusOr<CohortAssignment> AssignCohort(const MatchIndex& index, const ScoringProfile& profile,
                                              const CohortAssignmentOptions& options) {
  PASSERELLE_ASSIGN_OR_RETURN(const CohortPools pools, PoolCohort(index, profile, options));
  return AssignPools(pools, options);
}

}  // namespace passerelle::engine
