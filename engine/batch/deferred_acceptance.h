// Internal to engine/batch: the kStableDeferredAcceptance mechanism.
#ifndef PASSERELLE_ENGINE_BATCH_DEFERRED_ACCEPTANCE_H_
#define PASSERELLE_ENGINE_BATCH_DEFERRED_ACCEPTANCE_H_

#include <cstdint>
#include <vector>

#include "engine/batch/eligibility_graph.h"

namespace passerelle::engine::assignment_internal {

struct StableAssignment {
  std::vector<int32_t> opening_of_candidate;   // -1 = unassigned
  std::vector<int32_t> proposals_per_opening;  // applications each opening received
};

// Candidate-proposing deferred acceptance with capacities. Candidates propose in the order of their
// graph rows (score descending, then opening index); each opening keeps, among the candidates holding
// one of its positions plus the new proposer, the set its choice rule picks, and rejects the rest:
//
//   1. the capacity - reserved best candidates by score (ties: lower candidate index) take the open
//      positions, whatever their group;
//   2. the best remaining cohort candidates take the reserved positions;
//   3. reserved positions still free go to the best remaining candidates of any group.
//
// This rule is substitutable and satisfies the law of aggregate demand, so the result is the
// candidate-optimal stable matching whatever the order of proposals: no candidate i and opening j such
// that i prefers j to their assignment and j's rule would pick i from its holders plus i. Without
// reserved positions that is the usual "no blocking pair" (j has a free position, or holds someone it
// ranks below i).
StableAssignment AssignStable(const MechanismInput& input);

}  // namespace passerelle::engine::assignment_internal

#endif  // PASSERELLE_ENGINE_BATCH_DEFERRED_ACCEPTANCE_H_
