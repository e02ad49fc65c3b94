#include "engine/batch/greedy_assignment.h"

namespace passerelle::engine::assignment_internal {

std::vector<int32_t> AssignGreedy(const MechanismInput& input) {
  const EligibilityGraph& g = input.graph;
  const int32_t n = g.candidate_count();
  std::vector<int32_t> open_left(input.opening_count());
  std::vector<int32_t> reserved_left = input.reserved;
  for (int32_t j = 0; j < input.opening_count(); ++j) open_left[j] = input.capacity[j] - input.reserved[j];

  // Takes i's best opening with a position i may use; `any_position` releases the reserved ones.
  std::vector<int32_t> opening_of(n, -1);
  const auto take_best = [&](int32_t i, bool any_position) {
    const bool reserved_ok = any_position || input.is_cohort[i];
    for (int64_t e = g.begin[i]; e < g.begin[i + 1]; ++e) {
      const int32_t j = g.opening[e];
      // A cohort candidate uses a reserved position first; a released one is used last.
      int32_t* pool = nullptr;
      if (reserved_ok && !any_position && reserved_left[j] > 0) {
        pool = &reserved_left[j];
      } else if (open_left[j] > 0) {
        pool = &open_left[j];
      } else if (reserved_ok && reserved_left[j] > 0) {
        pool = &reserved_left[j];
      }
      if (pool != nullptr) {
        --*pool;
        opening_of[i] = j;
        return;
      }
    }
  };
  for (int32_t i = 0; i < n; ++i) take_best(i, /*any_position=*/false);
  if (input.HasReservedPlaces()) {
    for (int32_t i = 0; i < n; ++i) {
      if (opening_of[i] < 0) take_best(i, /*any_position=*/true);
    }
  }
  return opening_of;
}

}  // namespace passerelle::engine::assignment_internal
