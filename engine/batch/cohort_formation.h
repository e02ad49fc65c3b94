// Training cohorts for a POEC: which candidates train together, in which sector and région, for which
// openings.
//
// HOPE forms groups by sector and région before the training (a POEC of 400 h for a session of 10 to 15
// people) and then places each trainee in an opening of that sector. Given the openings that offer such
// a route, grouped (by the caller) into sector x région groups, their positions, and the eligible
// (candidate, opening, score) pairs, FormCohorts places each candidate in at most one opening, each
// opening taking at most its positions, so that every group either places nobody or a number of people
// that splits into cohorts of min_cohort_size to max_cohort_size. It maximises the number of people
// placed, then their total score (or the reverse, with the objective), and says why each candidate left
// out is out. docs/batch.md ("Cohorts for a POEC") has the algorithm, its guarantees and complexity.
//
// Example:
//   CohortFormationProblem problem;
//   problem.candidate_count = 3;
//   problem.opening_capacity = {2, 1};
//   problem.opening_group = {0, 1};  // two groups of one opening each
//   problem.pairs = {{0, 0, 0.9f}, {1, 0, 0.5f}, {2, 1, 0.8f}};
//   CohortFormationOptions options;
//   options.min_cohort_size = 2;
//   options.max_cohort_size = 3;
//   // One cohort in group 0 (candidates 0 and 1); candidate 2 alone is too few for group 1.
#ifndef PASSERELLE_ENGINE_BATCH_COHORT_FORMATION_H_
#define PASSERELLE_ENGINE_BATCH_COHORT_FORMATION_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/batch/assignment.h"

namespace passerelle::engine {

// Thread-compatible value type. Candidates, openings and groups are dense indices.
struct CohortFormationProblem {
  int32_t candidate_count = 0;
  // Per opening: its positions (>= 0) and its group (a sector x région, in [0, group_count)).
  std::vector<int32_t> opening_capacity;
  std::vector<int32_t> opening_group;
  int32_t group_count = 0;
  // Eligible pairs, each (candidate, opening) at most once, scores in [0, 1].
  std::vector<EligiblePair> pairs;
};

struct CohortFormationOptions {
  // Size range of one cohort (one training session). 1 <= min <= max <= 1000.
  // Default: 10 and 15 (HOPE's sessions).
  int32_t min_cohort_size = 10;
  int32_t max_cohort_size = 15;
  // What to maximise first. Default: kMaxPeoplePlaced (the programme default, docs/batch.md).
  AssignmentObjective objective = AssignmentObjective::kMaxPeoplePlaced;
  // Exact search tries every choice of "closed / one size band" per group, separately for each set of
  // groups linked by shared candidates, while each set has at most this many; beyond, a repair heuristic
  // runs (result.exact = false). In [1, 1000000]. Default: 4096.
  int64_t max_exact_choices = 4096;
};

// Why a candidate is in no cohort.
enum class CohortLeftOutReason : uint8_t {
  // No pair with a POEC opening that has positions.
  kNoEligibleOpening = 0,
  // Every group they are eligible in opened no cohort: too few people for min_cohort_size.
  kCohortTooSmall = 1,
  // A group of theirs opened, but its positions went to others, or more people would not have split
  // into cohorts of the allowed sizes.
  kPositionsExhausted = 2,
};

// "no_eligible_opening", "cohort_too_small", "positions_exhausted".
const char* CohortLeftOutReasonName(CohortLeftOutReason reason);

struct FormedCohort {
  int32_t group = 0;
  // Members, ascending by (opening, candidate): min_cohort_size to max_cohort_size of them.
  std::vector<int32_t> members;
  // The openings the members are placed in, each with how many of them: (opening, members).
  std::vector<std::pair<int32_t, int32_t>> openings;
};

struct CohortFormationResult {
  // Per candidate: the opening, or -1.
  std::vector<int32_t> opening_of_candidate;
  // Per candidate: why they were left out (meaningful only where opening_of_candidate is -1).
  std::vector<CohortLeftOutReason> left_out_reason;
  // By group, then by first member.
  std::vector<FormedCohort> cohorts;
  int32_t placed = 0;
  double total_score = 0;
  // Per reason, the candidates left out.
  int32_t left_out_no_eligible_opening = 0;
  int32_t left_out_cohort_too_small = 0;
  int32_t left_out_positions_exhausted = 0;
  // Groups with at least one eligible pair, and those that opened no cohort.
  int32_t groups_considered = 0;
  int32_t groups_closed = 0;
  // True when the result is the exact optimum (exhaustive over size bands); false after the heuristic.
  bool exact = false;
  // Flow problems solved.
  int64_t solves = 0;
};

// Returns InvalidArgumentError naming the field for malformed input or options, ResourceExhaustedError
// when the problem is too large for one exact solve. Same input, same output. Thread-safe.
absl::StatusOr<CohortFormationResult> FormCohorts(const CohortFormationProblem& problem,
                                                  const CohortFormationOptions& options);

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_BATCH_COHORT_FORMATION_H_
