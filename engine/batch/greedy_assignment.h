// Internal to engine/batch: the kGreedy baseline mechanism.
#ifndef PASSERELLE_ENGINE_BATCH_GREEDY_ASSIGNMENT_H_
#define PASSERELLE_ENGINE_BATCH_GREEDY_ASSIGNMENT_H_

#include <cstdint>
#include <vector>

#include "engine/batch/eligibility_graph.h"

namespace passerelle::engine::assignment_internal {

// Candidates in index order each take their best opening (score descending, then lower opening index)
// that still has a position for them, and keep it. Cohort candidates may take open or reserved
// positions (reserved ones first, which leaves the open ones to others); other candidates only open
// ones. Then the reserved positions still free are released, and the candidates still unplaced, in
// index order again, take their best opening with any position left.
// Returns the opening per candidate, -1 = unassigned.
std::vector<int32_t> AssignGreedy(const MechanismInput& input);

}  // namespace passerelle::engine::assignment_internal

#endif  // PASSERELLE_ENGINE_BATCH_GREEDY_ASSIGNMENT_H_
