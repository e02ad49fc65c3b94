// Tests of engine/batch/cohort_formation.h: the exact search against exhaustive enumeration, the cohort
// constraints on larger instances (exact and repaired), the left-out reasons and input validation.
#include "engine/batch/cohort_formation.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <vector>

#include "gtest/gtest.h"

namespace passerelle::engine::cohort_formation_test {
namespace {

struct Figures {
  int32_t count = 0;
  int64_t units = 0;
};

int64_t Units(float score) { return std::llround(static_cast<double>(score) * 1e6); }

bool SplitsInto(int32_t n, int32_t min_size, int32_t max_size) {
  for (int32_t c = 0; c * min_size <= n; ++c) {
    if (n >= c * min_size && n <= c * max_size) return true;
  }
  return false;
}

CohortFormationProblem Random(uint64_t seed, int32_t candidates, int32_t openings, int32_t groups,
                              int32_t max_capacity, int32_t percent_pairs) {
  std::mt19937_64 rng(seed);
  CohortFormationProblem problem;
  problem.candidate_count = candidates;
  problem.group_count = groups;
  for (int32_t j = 0; j < openings; ++j) {
    problem.opening_capacity.push_back(static_cast<int32_t>(rng() % (max_capacity + 1)));
    problem.opening_group.push_back(static_cast<int32_t>(rng() % groups));
  }
  const int32_t levels = seed % 2 == 0 ? 4 : 1000;
  for (int32_t i = 0; i < candidates; ++i) {
    for (int32_t j = 0; j < openings; ++j) {
      if (static_cast<int32_t>(rng() % 100) < percent_pairs) {
        problem.pairs.push_back({i, j, static_cast<float>(rng() % (levels + 1)) / levels});
      }
    }
  }
  std::shuffle(problem.pairs.begin(), problem.pairs.end(), rng);
  return problem;
}

// Every candidate's choice (nothing or one opening), kept when capacities hold and every group's count
// splits into cohorts; the best by (count, units) or (units, count).
Figures BruteForce(const CohortFormationProblem& problem, const CohortFormationOptions& options) {
  std::vector<std::vector<EligiblePair>> choices(problem.candidate_count);
  for (const EligiblePair& p : problem.pairs) choices[p.candidate].push_back(p);
  std::vector<int32_t> left = problem.opening_capacity;
  std::vector<int32_t> in_group(problem.group_count, 0);
  const bool people_first = options.objective == AssignmentObjective::kMaxPeoplePlaced;
  Figures best, current;
  const auto search = [&](auto&& self, int32_t i) -> void {
    if (i == problem.candidate_count) {
      for (int32_t n : in_group) {
        if (!SplitsInto(n, options.min_cohort_size, options.max_cohort_size)) return;
      }
      const bool better = people_first ? (current.count != best.count ? current.count > best.count : current.units > best.units)
                                       : (current.units != best.units ? current.units > best.units : current.count > best.count);
      if (better) best = current;
      return;
    }
    self(self, i + 1);
    for (const EligiblePair& p : choices[i]) {
      if (left[p.opening] == 0) continue;
      --left[p.opening];
      ++in_group[problem.opening_group[p.opening]];
      ++current.count;
      current.units += Units(p.score);
      self(self, i + 1);
      ++left[p.opening];
      --in_group[problem.opening_group[p.opening]];
      --current.count;
      current.units -= Units(p.score);
    }
  };
  search(search, 0);
  return best;
}

// Checks every constraint of a result and returns its figures.
Figures CheckConstraints(const CohortFormationProblem& problem, const CohortFormationOptions& options,
                         const CohortFormationResult& result) {
  std::map<std::pair<int32_t, int32_t>, float> score;
  for (const EligiblePair& p : problem.pairs) score[{p.candidate, p.opening}] = p.score;
  Figures figures;
  std::vector<int32_t> used(problem.opening_capacity.size(), 0);
  for (int32_t i = 0; i < problem.candidate_count; ++i) {
    const int32_t j = result.opening_of_candidate[i];
    if (j < 0) continue;
    EXPECT_TRUE(score.count({i, j})) << "candidate " << i << " placed on a pair that is not eligible";
    ++used[j];
    ++figures.count;
    figures.units += Units(score[{i, j}]);
  }
  for (size_t j = 0; j < used.size(); ++j) EXPECT_LE(used[j], problem.opening_capacity[j]) << "opening " << j;
  std::set<int32_t> in_a_cohort;
  for (const FormedCohort& cohort : result.cohorts) {
    EXPECT_GE(static_cast<int32_t>(cohort.members.size()), options.min_cohort_size);
    EXPECT_LE(static_cast<int32_t>(cohort.members.size()), options.max_cohort_size);
    int32_t in_openings = 0;
    for (const auto& [opening, members] : cohort.openings) {
      EXPECT_EQ(problem.opening_group[opening], cohort.group);
      in_openings += members;
    }
    EXPECT_EQ(in_openings, static_cast<int32_t>(cohort.members.size()));
    for (int32_t i : cohort.members) {
      EXPECT_TRUE(in_a_cohort.insert(i).second) << "candidate " << i << " in two cohorts";
      EXPECT_EQ(problem.opening_group[result.opening_of_candidate[i]], cohort.group);
    }
  }
  EXPECT_EQ(static_cast<int32_t>(in_a_cohort.size()), figures.count) << "every placed candidate is in a cohort";
  EXPECT_EQ(result.placed, figures.count);
  EXPECT_EQ(result.left_out_no_eligible_opening + result.left_out_cohort_too_small + result.left_out_positions_exhausted,
            problem.candidate_count - figures.count);
  return figures;
}

CohortFormationOptions Sizes(int32_t min_size, int32_t max_size) {
  CohortFormationOptions options;
  options.min_cohort_size = min_size;
  options.max_cohort_size = max_size;
  return options;
}

TEST(CohortFormationTest, SmallGroupStaysClosedAndItsCandidateIsToldWhy) {
  CohortFormationProblem problem;
  problem.candidate_count = 4;
  problem.group_count = 2;
  problem.opening_capacity = {2, 1, 5};
  problem.opening_group = {0, 1, 1};
  problem.pairs = {{0, 0, 0.9f}, {1, 0, 0.5f}, {2, 1, 0.8f}, {3, 0, 0.4f}};
  absl::StatusOr<CohortFormationResult> result = FormCohorts(problem, Sizes(2, 3));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->exact);
  EXPECT_EQ(result->opening_of_candidate, (std::vector<int32_t>{0, 0, -1, -1}));
  ASSERT_EQ(result->cohorts.size(), 1u);
  EXPECT_EQ(result->cohorts[0].group, 0);
  EXPECT_EQ(result->cohorts[0].members, (std::vector<int32_t>{0, 1}));
  EXPECT_EQ(result->cohorts[0].openings, (std::vector<std::pair<int32_t, int32_t>>{{0, 2}}));
  EXPECT_EQ(result->left_out_reason[2], CohortLeftOutReason::kCohortTooSmall);
  EXPECT_EQ(result->left_out_reason[3], CohortLeftOutReason::kPositionsExhausted);
  EXPECT_EQ(result->groups_considered, 2);
  EXPECT_EQ(result->groups_closed, 1);
  EXPECT_NEAR(result->total_score, 1.4, 1e-6);
}

TEST(CohortFormationTest, MovesPeopleSoThatASecondGroupCanOpen) {
  // Free choice would put everyone on their best opening (group 0, 3 places): 3 placed. Sending
  // candidates 2 and 3 to group 1 opens a second cohort: 5 placed.
  CohortFormationProblem problem;
  problem.candidate_count = 5;
  problem.group_count = 2;
  problem.opening_capacity = {3, 2};
  problem.opening_group = {0, 1};
  problem.pairs = {{0, 0, 0.9f}, {1, 0, 0.9f}, {2, 0, 0.9f}, {2, 1, 0.2f}, {3, 0, 0.8f}, {3, 1, 0.1f}, {4, 0, 0.7f}};
  absl::StatusOr<CohortFormationResult> result = FormCohorts(problem, Sizes(2, 3));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->placed, 5);
  EXPECT_EQ(result->opening_of_candidate[2], 1);
  EXPECT_EQ(result->opening_of_candidate[3], 1);
  EXPECT_EQ(result->cohorts.size(), 2u);
}

TEST(CohortFormationTest, ExactSearchMatchesBruteForceOnSmallRandomInstances) {
  int32_t with_a_closed_group = 0;  // instances where the size range binds
  for (uint64_t seed = 0; seed < 240; ++seed) {
    const CohortFormationProblem problem =
        Random(seed, 2 + static_cast<int32_t>(seed % 6), 1 + static_cast<int32_t>(seed % 4),
               1 + static_cast<int32_t>((seed / 4) % 3), 3, 60);
    CohortFormationOptions options = Sizes(2, 2 + static_cast<int32_t>(seed % 2));
    options.objective = seed % 3 == 0 ? AssignmentObjective::kMaxTotalScore : AssignmentObjective::kMaxPeoplePlaced;
    absl::StatusOr<CohortFormationResult> result = FormCohorts(problem, options);
    ASSERT_TRUE(result.ok()) << result.status();
    ASSERT_TRUE(result->exact);
    const Figures got = CheckConstraints(problem, options, *result);
    const Figures expected = BruteForce(problem, options);
    EXPECT_EQ(got.count, expected.count) << "seed " << seed;
    EXPECT_EQ(got.units, expected.units) << "seed " << seed;
    with_a_closed_group += result->groups_closed > 0;
  }
  EXPECT_GT(with_a_closed_group, 20);
}

TEST(CohortFormationTest, RepairKeepsEveryConstraintAndIsCloseToTheExactSearch) {
  int32_t exact_total = 0, repaired_total = 0;
  for (uint64_t seed = 0; seed < 20; ++seed) {
    const CohortFormationProblem problem = Random(seed, 60, 12, 4, 6, 15);
    CohortFormationOptions options = Sizes(4, 6);
    absl::StatusOr<CohortFormationResult> exact = FormCohorts(problem, options);
    ASSERT_TRUE(exact.ok()) << exact.status();
    ASSERT_TRUE(exact->exact);
    options.max_exact_choices = 1;
    absl::StatusOr<CohortFormationResult> repaired = FormCohorts(problem, options);
    ASSERT_TRUE(repaired.ok()) << repaired.status();
    EXPECT_FALSE(repaired->exact);
    const Figures e = CheckConstraints(problem, options, *exact);
    const Figures r = CheckConstraints(problem, options, *repaired);
    EXPECT_LE(r.count, e.count) << "seed " << seed << ": the exact search is the optimum";
    exact_total += e.count;
    repaired_total += r.count;
  }
  EXPECT_GE(repaired_total, exact_total * 9 / 10);
}

TEST(CohortFormationTest, CandidatesWithoutAPoecPairAreNotEligible) {
  CohortFormationProblem problem;
  problem.candidate_count = 2;
  problem.group_count = 1;
  problem.opening_capacity = {0};
  problem.opening_group = {0};
  problem.pairs = {{0, 0, 0.9f}};  // an opening without positions counts as none
  absl::StatusOr<CohortFormationResult> result = FormCohorts(problem, CohortFormationOptions());
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->left_out_no_eligible_opening, 2);
  EXPECT_EQ(result->groups_considered, 0);
  EXPECT_TRUE(result->cohorts.empty());
}

TEST(CohortFormationTest, RejectsBadInputNamingTheField) {
  CohortFormationProblem problem;
  problem.candidate_count = 1;
  problem.group_count = 1;
  problem.opening_capacity = {1};
  problem.opening_group = {0};
  const auto field_of = [&](const CohortFormationOptions& options) {
    absl::StatusOr<CohortFormationResult> result = FormCohorts(problem, options);
    return result.ok() ? std::string("ok") : std::string(result.status().message());
  };
  EXPECT_EQ(field_of(Sizes(5, 4)).rfind("min_cohort_size", 0), 0u);
  EXPECT_EQ(field_of(Sizes(0, 4)).rfind("min_cohort_size", 0), 0u);
  problem.opening_group = {1};
  EXPECT_EQ(field_of(Sizes(1, 2)).rfind("opening_group[0]", 0), 0u);
  problem.opening_group = {0};
  problem.pairs = {{0, 0, 0.5f}, {0, 0, 0.4f}};
  EXPECT_EQ(field_of(Sizes(1, 2)).rfind("pairs", 0), 0u);
  problem.pairs = {{0, 0, 1.5f}};
  EXPECT_EQ(field_of(Sizes(1, 2)).rfind("pairs[0]", 0), 0u);
}

}  // namespace
}  // namespace passerelle::engine::cohort_formation_test
