// Internal to engine/batch: the exact solve behind cohort formation, a maximum-gain flow
//
//   source -> candidate (1) -> opening (1 per pair, gain w) -> group (opening's positions) -> sink
//
// where each group's flow must lie in [lower, upper]. Lower bounds are met by giving the first `lower`
// units of a group's arc to the sink a bonus larger than every possible total gain: the maximum-gain flow
// then meets every lower bound whenever some flow does, and among those has the largest gain.
//
// Algorithm: successive longest augmenting paths (Bellman-Ford with a queue on the residual graph), while
// a path with a positive gain remains. Each augmentation places one more candidate or moves several; the
// flow after each is the best of its value, so stopping at the first non-positive path gives the best
// flow of any value. O(people placed x pairs x nodes) in the worst case, far less in practice: cohort
// problems are a région's POEC sessions and a programme's candidates.
#ifndef PASSERELLE_ENGINE_BATCH_COHORT_FLOW_H_
#define PASSERELLE_ENGINE_BATCH_COHORT_FLOW_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"

namespace passerelle::engine::cohort_internal {

// Thread-compatible value type. Candidate i's pairs are [pair_begin[i], pair_begin[i + 1]).
struct GroupFlowProblem {
  std::vector<int64_t> pair_begin;      // candidate_count + 1 entries
  std::vector<int32_t> pair_opening;    // opening per pair
  std::vector<int64_t> pair_gain;       // per pair, >= 1
  std::vector<int32_t> opening_capacity;
  std::vector<int32_t> opening_group;   // in [0, group_count)
  std::vector<int32_t> group_lower;     // per group; lower <= upper
  std::vector<int32_t> group_upper;

  int32_t candidate_count() const { return static_cast<int32_t>(pair_begin.size()) - 1; }
};

struct GroupFlow {
  std::vector<int32_t> opening_of_candidate;  // -1 = not placed
  std::vector<int32_t> group_count;           // people placed per group
  int64_t gain = 0;                           // sum of the used pairs' gains
  bool meets_lower_bounds = false;            // false: no flow meets every group's lower bound
};

// Returns ResourceExhaustedError when the bonus for the lower bounds would not fit in 63 bits.
absl::StatusOr<GroupFlow> SolveGroupFlow(const GroupFlowProblem& problem);

}  // namespace passerelle::engine::cohort_internal

#endif  // PASSERELLE_ENGINE_BATCH_COHORT_FLOW_H_
