// Internal to engine/batch: the eligible pairs as a graph every assignment mechanism reads, with the
// congestion cap and the reserved places already applied.
#ifndef PASSERELLE_ENGINE_BATCH_ELIGIBILITY_GRAPH_H_
#define PASSERELLE_ENGINE_BATCH_ELIGIBILITY_GRAPH_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "engine/batch/assignment.h"

namespace passerelle::engine::assignment_internal {

// Pairs grouped by candidate (compressed rows). Candidate i's pairs are [begin[i], begin[i + 1]), sorted
// by the candidate's preference: score descending, then opening index ascending.
// Thread-compatible value type.
struct EligibilityGraph {
  std::vector<int64_t> begin;  // candidate_count + 1 entries
  std::vector<int32_t> opening;
  std::vector<float> score;

  int32_t candidate_count() const { return static_cast<int32_t>(begin.size()) - 1; }
  int64_t pair_count() const { return static_cast<int64_t>(opening.size()); }
  // The score of (candidate, opening), or -1 if that pair is not in the graph.
  float ScoreOf(int32_t candidate, int32_t opening_index) const;
};

// What a mechanism needs: the graph after the cap, capacities, cohort flags, reserved places.
// Thread-compatible value type.
struct MechanismInput {
  EligibilityGraph graph;          // pairs with positions, after the congestion cap
  std::vector<int32_t> capacity;   // per opening
  std::vector<int32_t> reserved;   // per opening, in [0, capacity]
  std::vector<uint8_t> is_cohort;  // per candidate, 0 or 1 (never empty)
  std::vector<uint8_t> had_pair;   // per candidate: 1 if it had a pair with positions before the cap

  int32_t opening_count() const { return static_cast<int32_t>(capacity.size()); }
  bool HasReservedPlaces() const;
};

// Returns InvalidArgumentError naming the first offending field, or OK. Never crashes on bad input.
absl::Status ValidateAssignmentInput(const AssignmentProblem& problem, const AssignmentOptions& options);

// Builds the mechanism input from a validated problem: drops pairs with zero-capacity openings, applies
// the congestion cap and computes the reserved places (see AssignmentOptions).
MechanismInput BuildMechanismInput(const AssignmentProblem& problem, const AssignmentOptions& options);

// The cap alone: keeps, for every opening, its `max_per_opening` best pairs (score descending, then
// candidate index ascending). Exposed for tests.
EligibilityGraph ApplyCongestionCap(const EligibilityGraph& graph, int32_t opening_count, int32_t max_per_opening);

// ceil(share * capacity) with a 1e-9 tolerance, so 0.3 * 10 gives 3 and not 4.
int32_t ReservedPositions(double share, int32_t capacity);

}  // namespace passerelle::engine::assignment_internal

#endif  // PASSERELLE_ENGINE_BATCH_ELIGIBILITY_GRAPH_H_
