#include "engine/batch/assignment.h"

#include <utility>

#include "engine/batch/assignment_report.h"
#include "engine/batch/deferred_acceptance.h"
#include "engine/batch/eligibility_graph.h"
#include "engine/batch/greedy_assignment.h"
#include "engine/batch/optimal_assignment.h"
#include "engine/common/status_macros.h"

namespace passerelle::engine {
namespace {

using assignment_internal::MechanismInput;

// Runs one mechanism on a prepared input and reports on it.
absl::StatusOr<AssignmentResult> RunMechanism(const MechanismInput& input, AssignmentMechanism mechanism,
                                              AssignmentObjective objective) {
  AssignmentResult result;
  std::vector<int32_t> proposals;
  switch (mechanism) {
    case AssignmentMechanism::kOptimal: {
      PASSERELLE_ASSIGN_OR_RETURN(result.opening_of_candidate, assignment_internal::AssignOptimal(input, nullptr, objective));
      break;
    }
    case AssignmentMechanism::kStableDeferredAcceptance: {
      assignment_internal::StableAssignment stable = assignment_internal::AssignStable(input);
      result.opening_of_candidate = std::move(stable.opening_of_candidate);
      proposals = std::move(stable.proposals_per_opening);
      break;
    }
    case AssignmentMechanism::kGreedy:
      result.opening_of_candidate = assignment_internal::AssignGreedy(input);
      break;
  }
  const bool has_proposals = mechanism == AssignmentMechanism::kStableDeferredAcceptance;
  result.report = assignment_internal::BuildAssignmentReport(input, mechanism, result.opening_of_candidate,
                                                             has_proposals ? &proposals : nullptr);
  result.report.objective = objective;
  return result;
}

}  // namespace

const char* AssignmentMechanismName(AssignmentMechanism mechanism) {
  switch (mechanism) {
    case AssignmentMechanism::kOptimal:
      return "optimal";
    case AssignmentMechanism::kStableDeferredAcceptance:
      return "stable_deferred_acceptance";
    case AssignmentMechanism::kGreedy:
      return "greedy";
  }
  return "unknown";
}

const char* AssignmentObjectiveName(AssignmentObjective objective) {
  switch (objective) {
    case AssignmentObjective::kMaxTotalScore:
      return "max_total_score";
    case AssignmentObjective::kMaxPeoplePlaced:
      return "max_people_placed";
  }
  return "unknown";
}

absl::StatusOr<AssignmentResult> Assign(const AssignmentProblem& problem, const AssignmentOptions& options) {
  PASSERELLE_RETURN_IF_ERROR(assignment_internal::ValidateAssignmentInput(problem, options));
  const MechanismInput input = assignment_internal::BuildMechanismInput(problem, options);
  PASSERELLE_ASSIGN_OR_RETURN(AssignmentResult result, RunMechanism(input, options.mechanism, options.objective));
  if (options.compute_greedy_baseline) {
    if (options.mechanism == AssignmentMechanism::kGreedy) {
      result.greedy_baseline = result.report;
    } else {
      PASSERELLE_ASSIGN_OR_RETURN(AssignmentResult greedy, RunMechanism(input, AssignmentMechanism::kGreedy, options.objective));
      result.greedy_baseline = std::move(greedy.report);
    }
  }
  if (options.compute_other_objective && options.mechanism == AssignmentMechanism::kOptimal) {
    const AssignmentObjective other = options.objective == AssignmentObjective::kMaxTotalScore
                                          ? AssignmentObjective::kMaxPeoplePlaced
                                          : AssignmentObjective::kMaxTotalScore;
    PASSERELLE_ASSIGN_OR_RETURN(AssignmentResult run, RunMechanism(input, AssignmentMechanism::kOptimal, other));
    result.other_objective = std::move(run.report);
  }
  return result;
}

}  // namespace passerelle::engine
