// Internal to engine/batch: the kOptimal mechanism on top of the auction solver.
#ifndef PASSERELLE_ENGINE_BATCH_OPTIMAL_ASSIGNMENT_H_
#define PASSERELLE_ENGINE_BATCH_OPTIMAL_ASSIGNMENT_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/batch/eligibility_graph.h"
#include "engine/batch/max_weight_matching.h"

namespace passerelle::engine::assignment_internal {

// Score resolution of the optimal mechanism: scores are rounded to multiples of 1 / kScoreUnits.
inline constexpr double kScoreUnits = 1e6;

// Returns the opening per candidate (-1 = unassigned) that maximises the total rounded score and, among
// those, the number of candidates placed (kMaxTotalScore), or the other way round (kMaxPeoplePlaced).
//
// With reserved places: stage 1 splits every opening into an open part (capacity - reserved) and a
// reserved part only cohort candidates may use, and solves that; the cohort's assignments are then kept,
// and stage 2 re-solves everyone else over the positions the cohort left, including reserved ones it did
// not use. So a non-cohort candidate takes a reserved position of opening j only if every cohort
// candidate eligible for j is placed.
absl::StatusOr<std::vector<int32_t>> AssignOptimal(const MechanismInput& input, AuctionStats* stats = nullptr,
                                                   AssignmentObjective objective = AssignmentObjective::kMaxTotalScore);

}  // namespace passerelle::engine::assignment_internal

#endif  // PASSERELLE_ENGINE_BATCH_OPTIMAL_ASSIGNMENT_H_
