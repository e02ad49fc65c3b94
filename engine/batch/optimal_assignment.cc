#include "engine/batch/optimal_assignment.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "engine/common/status_macros.h"

namespace passerelle::engine::assignment_internal {
namespace {

// Integer weight of a pair, lexicographic in (first criterion, second criterion):
//  - kMaxTotalScore: rounded score * base + 1. Since base exceeds the number of candidates that can be
//    placed, the +1s never outweigh one score unit: they only break ties between equal totals in favour
//    of placing more candidates.
//  - kMaxPeoplePlaced: base * kScoreUnits + rounded score. One more person adds base * kScoreUnits, more
//    than the scores of all the people that can be placed together (at most (base - 1) * kScoreUnits).
struct WeightRule {
  AssignmentObjective objective;
  int64_t base;

  int64_t operator()(float score) const {
    const int64_t units = std::llround(static_cast<double>(score) * kScoreUnits);
    if (objective == AssignmentObjective::kMaxPeoplePlaced) return base * static_cast<int64_t>(kScoreUnits) + units;
    return units * base + 1;
  }
};

WeightRule MakeWeightRule(const MechanismInput& input, AssignmentObjective objective) {
  int64_t active = 0;
  for (int32_t i = 0; i < input.graph.candidate_count(); ++i) {
    active += input.graph.begin[i + 1] > input.graph.begin[i];
  }
  const int64_t positions = std::accumulate(input.capacity.begin(), input.capacity.end(), int64_t{0});
  return WeightRule{objective, std::min(active, positions) + 1};
}

// Builds a b-matching problem whose right nodes are `capacity`. For every candidate i with
// take_candidate(i), and every pair e of i, right_nodes(e, out) appends the right nodes that pair may use.
template <typename TakeCandidate, typename RightNodes>
BMatchingProblem MakeProblem(const MechanismInput& input, std::vector<int32_t> capacity, WeightRule weight,
                             TakeCandidate take_candidate, RightNodes right_nodes) {
  const EligibilityGraph& g = input.graph;
  BMatchingProblem problem;
  problem.right_capacity = std::move(capacity);
  problem.left_begin.assign(static_cast<size_t>(g.candidate_count()) + 1, 0);
  problem.edge_right.reserve(g.pair_count());
  problem.edge_weight.reserve(g.pair_count());
  std::vector<int32_t> rights;
  for (int32_t i = 0; i < g.candidate_count(); ++i) {
    if (take_candidate(i)) {
      for (int64_t e = g.begin[i]; e < g.begin[i + 1]; ++e) {
        rights.clear();
        right_nodes(i, e, rights);
        for (int32_t r : rights) {
          if (problem.right_capacity[r] == 0) continue;
          problem.edge_right.push_back(r);
          problem.edge_weight.push_back(weight(g.score[e]));
        }
      }
    }
    problem.left_begin[i + 1] = static_cast<int64_t>(problem.edge_right.size());
  }
  return problem;
}

void MergeStats(const AuctionStats& from, AuctionStats* into) {
  if (into == nullptr) return;
  into->phases += from.phases;
  into->forward_bids += from.forward_bids;
  into->reverse_bids += from.reverse_bids;
}

// Solves `problem` and writes opening_of(right node) into `out` for every matched candidate.
template <typename OpeningOf>
absl::Status SolveInto(const BMatchingProblem& problem, OpeningOf opening_of, std::vector<int32_t>& out,
                       AuctionStats* stats) {
  AuctionStats local;
  PASSERELLE_ASSIGN_OR_RETURN(std::vector<int64_t> matched, SolveMaxWeightBMatching(problem, &local));
  MergeStats(local, stats);
  for (int32_t i = 0; i < problem.left_count(); ++i) {
    if (matched[i] >= 0) out[i] = opening_of(problem.edge_right[matched[i]]);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<int32_t>> AssignOptimal(const MechanismInput& input, AuctionStats* stats,
                                                   AssignmentObjective objective) {
  const EligibilityGraph& g = input.graph;
  const int32_t m = input.opening_count();
  const WeightRule weight = MakeWeightRule(input, objective);
  std::vector<int32_t> opening_of(g.candidate_count(), -1);
  const auto identity = [](int32_t r) { return r; };
  const auto same_opening = [&g](int32_t, int64_t e, std::vector<int32_t>& out) { out.push_back(g.opening[e]); };
  if (!input.HasReservedPlaces()) {
    const BMatchingProblem all = MakeProblem(
        input, input.capacity, weight, [](int32_t) { return true; }, same_opening);
    PASSERELLE_RETURN_IF_ERROR(SolveInto(all, identity, opening_of, stats));
    return opening_of;
  }

  // Stage 1: right node j is the open part of opening j, m + j its reserved part.
  std::vector<int32_t> split(2 * static_cast<size_t>(m));
  for (int32_t j = 0; j < m; ++j) {
    split[j] = input.capacity[j] - input.reserved[j];
    split[m + j] = input.reserved[j];
  }
  const BMatchingProblem stage1 = MakeProblem(
      input, split, weight, [](int32_t) { return true; },
      [&](int32_t i, int64_t e, std::vector<int32_t>& out) {
        out.push_back(g.opening[e]);
        if (input.is_cohort[i]) out.push_back(m + g.opening[e]);
      });
  std::vector<int32_t> stage1_opening(g.candidate_count(), -1);
  PASSERELLE_RETURN_IF_ERROR(SolveInto(
      stage1, [m](int32_t r) { return r < m ? r : r - m; }, stage1_opening, stats));

  // Stage 2: keep the cohort's places; re-solve everyone else over what is left.
  std::vector<int32_t> left_over = input.capacity;
  for (int32_t i = 0; i < g.candidate_count(); ++i) {
    if (input.is_cohort[i] && stage1_opening[i] >= 0) {
      opening_of[i] = stage1_opening[i];
      --left_over[stage1_opening[i]];
    }
  }
  const BMatchingProblem stage2 = MakeProblem(
      input, left_over, weight, [&](int32_t i) { return !input.is_cohort[i]; }, same_opening);
  PASSERELLE_RETURN_IF_ERROR(SolveInto(stage2, identity, opening_of, stats));
  return opening_of;
}

}  // namespace passerelle::engine::assignment_internal
