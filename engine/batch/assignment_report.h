// Internal to engine/batch: the per-run report shared by every mechanism, so that a mechanism and its
// greedy baseline are measured the same way.
#ifndef PASSERELLE_ENGINE_BATCH_ASSIGNMENT_REPORT_H_
#define PASSERELLE_ENGINE_BATCH_ASSIGNMENT_REPORT_H_

#include <cstdint>
#include <vector>

#include "engine/batch/assignment.h"
#include "engine/batch/eligibility_graph.h"

namespace passerelle::engine::assignment_internal {

// Gini coefficient, top-1% share, total and maximum of per-opening counts.
ExposureSpread ComputeExposureSpread(std::vector<int64_t> counts);

// The report of `opening_of_candidate` (-1 = unassigned), every assignment being a pair of input.graph.
// `proposals_per_opening` is the applications per opening for deferred acceptance; pass nullptr for
// mechanisms whose only proposals are their assignments.
AssignmentReport BuildAssignmentReport(const MechanismInput& input, AssignmentMechanism mechanism,
                                       const std::vector<int32_t>& opening_of_candidate,
                                       const std::vector<int32_t>* proposals_per_opening);

}  // namespace passerelle::engine::assignment_internal

#endif  // PASSERELLE_ENGINE_BATCH_ASSIGNMENT_REPORT_H_
