// Capacity-aware assignment of a whole cohort of candidates to openings.
//
// The caller brings the eligible (candidate, opening, score) pairs, already scored; this library only
// decides who goes where. Each opening takes at most its number of positions, each candidate at most one
// opening, and only given pairs can be assigned. Three mechanisms are offered, side by side:
//
//   kOptimal                   maximises the total score (exact, see AssignmentMechanism).
//   kStableDeferredAcceptance  candidate-proposing deferred acceptance: no candidate is passed over for an
//                              opening they prefer by someone that opening ranks lower.
//   kGreedy                    candidates in index order each take their best remaining opening: the
//                              baseline that shows what the other two gain.
//
// Two optional constraints apply to every mechanism alike: a congestion cap (each opening is proposed to
// at most K candidates) and a reserved share of each opening's positions for a protected cohort.
// docs/batch.md explains the guarantees and when to use which.
//
// Example:
//   AssignmentProblem problem;
//   problem.candidate_count = 3;
//   problem.opening_capacity = {1, 2};
//   problem.pairs = {{0, 0, 0.9f}, {1, 0, 0.8f}, {1, 1, 0.7f}, {2, 1, 0.4f}};
//   AssignmentOptions options;  // kOptimal, with a greedy baseline in the result
//   PASSERELLE_ASSIGN_OR_RETURN(AssignmentResult result, Assign(problem, options));
//   // result.opening_of_candidate == {0, 1, 1}; result.report.total_score == 2.0 (up to float rounding)
#ifndef PASSERELLE_ENGINE_BATCH_ASSIGNMENT_H_
#define PASSERELLE_ENGINE_BATCH_ASSIGNMENT_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"

namespace passerelle::engine {

// One candidate may be assigned to one opening with this score.
struct EligiblePair {
  int32_t candidate = 0;  // in [0, candidate_count)
  int32_t opening = 0;    // in [0, opening_capacity.size())
  float score = 0;        // in [0, 1], higher is better
};

// The input of one assignment run. Candidates and openings are dense indices; mapping them to ids is the
// caller's business.
struct AssignmentProblem {
  int32_t candidate_count = 0;
  // Positions per opening; an opening with 0 positions takes nobody (its pairs are accepted and ignored).
  std::vector<int32_t> opening_capacity;
  // Eligible pairs, each (candidate, opening) at most once, in any order.
  std::vector<EligiblePair> pairs;
  // Per candidate: 1 if in the protected cohort (for example below A2, or in emergency housing), else 0.
  // Empty means nobody is in the cohort.
  std::vector<uint8_t> reserved_cohort;
};

enum class AssignmentMechanism : uint8_t {
  // Maximum total score. Scores are rounded to multiples of 1e-6 and the result is the exact optimum of
  // that integer problem (so within candidate_count * 5e-7 of the float optimum); among assignments with
  // that total, one that places the most candidates. Auction algorithm with epsilon-scaling.
  kOptimal = 0,
  // Candidate-proposing deferred acceptance with capacities: each candidate ranks openings by score (ties:
  // lower opening index first), each opening ranks candidates by score (ties: lower candidate index).
  // The result is stable: no blocking pair.
  kStableDeferredAcceptance = 1,
  // Candidates in index order each take the best opening that still has a position for them.
  kGreedy = 2,
};

// Returns "optimal", "stable_deferred_acceptance" or "greedy".
const char* AssignmentMechanismName(AssignmentMechanism mechanism);

// What kOptimal maximises. The other mechanisms have no objective: they are defined by their rules.
enum class AssignmentObjective : uint8_t {
  // The total score; among equal totals, the number of people placed.
  kMaxTotalScore = 0,
  // The number of people placed; among equal numbers, the total score. What a programme that must fill
  // its places wants (docs/batch.md, "Objective").
  kMaxPeoplePlaced = 1,
};

// Returns "max_total_score" or "max_people_placed".
const char* AssignmentObjectiveName(AssignmentObjective objective);

struct AssignmentOptions {
  // Which mechanism decides the assignment.
  // Default: kOptimal
  AssignmentMechanism mechanism = AssignmentMechanism::kOptimal;

  // Congestion cap K: each opening is proposed to at most K candidates, namely its K best-scored eligible
  // candidates (ties: lower candidate index first); its other pairs are dropped before any mechanism runs.
  // So no opening receives more than K applications under deferred acceptance, and no mechanism places a
  // candidate on an opening outside that opening's shortlist. 0 means no cap.
  // Default: 0
  int32_t max_proposals_per_opening = 0;

  // Minimum share of each opening's positions kept for cohort candidates, in [0, 1]. Opening j reserves
  // min(ceil(reserved_share * capacity_j), number of cohort candidates eligible for j) positions (the
  // ceiling ignores float noise of 1e-9, so 0.3 * 10 reserves 3). Reserved positions that no eligible
  // cohort candidate takes are released to everyone; docs/batch.md gives the exact rule per mechanism.
  // Default: 0
  double reserved_share = 0;

  // Also run kGreedy under the same constraints and put its report in AssignmentResult::greedy_baseline,
  // so the gain of the chosen mechanism is visible.
  // Default: true
  bool compute_greedy_baseline = true;

  // What kOptimal maximises; ignored by the other mechanisms.
  // Default: kMaxTotalScore
  AssignmentObjective objective = AssignmentObjective::kMaxTotalScore;

  // With kOptimal, also solve for the other objective under the same constraints and put its report in
  // AssignmentResult::other_objective, so the cost of the choice (people or score) is visible.
  // Default: true
  bool compute_other_objective = true;
};

// How concentrated a per-opening count (pairs, proposals or assignments) is over all openings.
struct ExposureSpread {
  // Sum of the counts over all openings.
  int64_t total = 0;
  // Gini coefficient over all openings, zero-count ones included: 0 when every opening has the same
  // count, close to 1 when one opening has it all.
  double gini = 0;
  // Share of the total held by the top 1% of openings by count (at least one opening); 0 if total is 0.
  double top_1pct_share = 0;
  // Largest count on any one opening.
  int32_t max_per_opening = 0;
};

// Figures of one run, for a programme manager or a counsellor.
struct AssignmentReport {
  AssignmentMechanism mechanism = AssignmentMechanism::kOptimal;
  // What kOptimal maximised (for the other mechanisms, the option as given).
  AssignmentObjective objective = AssignmentObjective::kMaxTotalScore;
  int32_t candidate_count = 0;
  int32_t cohort_candidate_count = 0;
  int32_t assigned_count = 0;
  int32_t cohort_assigned_count = 0;
  // Sum and mean of the scores of the assigned pairs (mean is 0 when nobody is assigned).
  double total_score = 0;
  double mean_score = 0;
  // Positions over all openings, those left empty, and those kept for the cohort (after the clamp to the
  // number of eligible cohort candidates).
  int64_t position_count = 0;
  int64_t positions_left_empty = 0;
  int64_t positions_reserved = 0;
  // Unassigned candidates, by the first reason that applies:
  // no pair with an opening that has positions;
  int32_t left_out_no_eligible_pair = 0;
  // every such pair was dropped by the congestion cap;
  int32_t left_out_cut_by_congestion_cap = 0;
  // the openings they could have had went to others (or were kept for the cohort).
  int32_t left_out_lost_to_competition = 0;
  // Pairs per opening that the mechanism considered (after the congestion cap).
  ExposureSpread considered;
  // Applications received per opening under deferred acceptance; for the other mechanisms, whose only
  // proposal to a candidate is their assignment, the same as `assignments`.
  ExposureSpread proposals;
  // Candidates assigned per opening.
  ExposureSpread assignments;
};

struct AssignmentResult {
  // Per candidate: the assigned opening, or -1 when unassigned.
  std::vector<int32_t> opening_of_candidate;
  AssignmentReport report;
  // kGreedy's report under the same constraints, when AssignmentOptions::compute_greedy_baseline is set.
  std::optional<AssignmentReport> greedy_baseline;
  // kOptimal's report under the other objective, when the mechanism is kOptimal and
  // AssignmentOptions::compute_other_objective is set.
  std::optional<AssignmentReport> other_objective;
};

// Assigns candidates to openings with options.mechanism. Same input, same output.
// Returns InvalidArgumentError naming the field when the input is malformed: negative candidate_count or
// capacity, a pair whose candidate or opening is out of range, a score that is not a finite number in
// [0, 1], a repeated (candidate, opening), a reserved_cohort that is neither empty nor candidate_count long
// or holds a value other than 0 or 1, a negative max_proposals_per_opening, a reserved_share outside
// [0, 1], an unknown mechanism or objective. Returns ResourceExhaustedError if the problem is too large for the exact
// optimum in 64-bit integers (beyond about a million candidates with a million positions).
// Thread-safe: it holds no state between calls.
absl::StatusOr<AssignmentResult> Assign(const AssignmentProblem& problem, const AssignmentOptions& options);

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_BATCH_ASSIGNMENT_H_
