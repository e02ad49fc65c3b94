// Tests of AssignmentOptions::objective: "most people placed, then total score" against exhaustive
// search, the report of the other objective, and that the reserve still holds under it.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "engine/batch/assignment.h"
#include "gtest/gtest.h"

namespace passerelle::engine::assignment_objective_test {
namespace {

// (people placed, total score in 1e-6 units), compared lexicographically in either order.
struct Figures {
  int32_t count = 0;
  int64_t units = 0;
};

int64_t Units(float score) { return std::llround(static_cast<double>(score) * 1e6); }

AssignmentProblem Random(uint64_t seed, int32_t candidates, int32_t openings) {
  std::mt19937_64 rng(seed);
  AssignmentProblem problem;
  problem.candidate_count = candidates;
  for (int32_t j = 0; j < openings; ++j) problem.opening_capacity.push_back(static_cast<int32_t>(rng() % 3));
  const int32_t levels = seed % 2 == 0 ? 5 : 1000;  // few levels: many ties
  for (int32_t i = 0; i < candidates; ++i) {
    for (int32_t j = 0; j < openings; ++j) {
      if (rng() % 10 < 6) problem.pairs.push_back({i, j, static_cast<float>(rng() % (levels + 1)) / levels});
    }
  }
  return problem;
}

// Exhaustive search: the best (count, units) or (units, count), depending on `people_first`.
Figures BruteForce(const AssignmentProblem& problem, bool people_first) {
  std::vector<std::vector<EligiblePair>> options(problem.candidate_count);
  for (const EligiblePair& p : problem.pairs) options[p.candidate].push_back(p);
  std::vector<int32_t> left = problem.opening_capacity;
  Figures best, current;
  const auto better = [people_first](const Figures& a, const Figures& b) {
    if (people_first) return a.count != b.count ? a.count > b.count : a.units > b.units;
    return a.units != b.units ? a.units > b.units : a.count > b.count;
  };
  const auto search = [&](auto&& self, int32_t i) -> void {
    if (i == problem.candidate_count) {
      if (better(current, best)) best = current;
      return;
    }
    self(self, i + 1);
    for (const EligiblePair& p : options[i]) {
      if (left[p.opening] == 0) continue;
      --left[p.opening];
      ++current.count;
      current.units += Units(p.score);
      self(self, i + 1);
      ++left[p.opening];
      --current.count;
      current.units -= Units(p.score);
    }
  };
  search(search, 0);
  return best;
}

Figures FiguresOf(const AssignmentProblem& problem, const std::vector<int32_t>& opening_of) {
  Figures figures;
  std::vector<int32_t> used(problem.opening_capacity.size(), 0);
  for (const EligiblePair& p : problem.pairs) {
    if (opening_of[p.candidate] != p.opening) continue;
    ++figures.count;
    figures.units += Units(p.score);
    ++used[p.opening];
  }
  for (size_t j = 0; j < used.size(); ++j) EXPECT_LE(used[j], problem.opening_capacity[j]);
  return figures;
}

AssignmentOptions PeopleFirst() {
  AssignmentOptions options;
  options.objective = AssignmentObjective::kMaxPeoplePlaced;
  return options;
}

TEST(AssignmentObjectiveTest, PeopleFirstPlacesBothWhereScoreFirstPlacesOne) {
  // Score first: candidate 0 on opening 0 alone (1.0) beats both placed (0.1 + 0.5).
  AssignmentProblem problem;
  problem.candidate_count = 2;
  problem.opening_capacity = {1, 1};
  problem.pairs = {{0, 0, 1.0f}, {0, 1, 0.1f}, {1, 0, 0.5f}};
  absl::StatusOr<AssignmentResult> people = Assign(problem, PeopleFirst());
  ASSERT_TRUE(people.ok()) << people.status();
  EXPECT_EQ(people->opening_of_candidate, (std::vector<int32_t>{1, 0}));
  EXPECT_EQ(people->report.objective, AssignmentObjective::kMaxPeoplePlaced);
  EXPECT_EQ(people->report.assigned_count, 2);
  EXPECT_NEAR(people->report.total_score, 0.6, 1e-6);
  // The other objective's figures come with it, so the choice's cost is visible.
  ASSERT_TRUE(people->other_objective.has_value());
  EXPECT_EQ(people->other_objective->objective, AssignmentObjective::kMaxTotalScore);
  EXPECT_EQ(people->other_objective->assigned_count, 1);
  EXPECT_NEAR(people->other_objective->total_score, 1.0, 1e-6);

  absl::StatusOr<AssignmentResult> score = Assign(problem, AssignmentOptions());
  ASSERT_TRUE(score.ok()) << score.status();
  EXPECT_EQ(score->opening_of_candidate, (std::vector<int32_t>{0, -1}));
  ASSERT_TRUE(score->other_objective.has_value());
  EXPECT_EQ(score->other_objective->assigned_count, 2);
}

TEST(AssignmentObjectiveTest, AmongEqualCountsTakesTheBestTotal) {
  // Both assignments place two people; the swap scores 1.7 against 1.0.
  AssignmentProblem problem;
  problem.candidate_count = 2;
  problem.opening_capacity = {1, 1};
  problem.pairs = {{0, 0, 0.2f}, {0, 1, 0.9f}, {1, 0, 0.8f}, {1, 1, 0.8f}};
  absl::StatusOr<AssignmentResult> result = Assign(problem, PeopleFirst());
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->opening_of_candidate, (std::vector<int32_t>{1, 0}));
}

TEST(AssignmentObjectiveTest, BothObjectivesMatchBruteForceOnSmallRandomInstances) {
  for (uint64_t seed = 0; seed < 300; ++seed) {
    const AssignmentProblem problem =
        Random(seed, 1 + static_cast<int32_t>(seed % 7), 1 + static_cast<int32_t>((seed / 7) % 4));
    for (const bool people_first : {true, false}) {
      AssignmentOptions options;
      options.objective = people_first ? AssignmentObjective::kMaxPeoplePlaced : AssignmentObjective::kMaxTotalScore;
      absl::StatusOr<AssignmentResult> result = Assign(problem, options);
      ASSERT_TRUE(result.ok()) << result.status();
      const Figures got = FiguresOf(problem, result->opening_of_candidate);
      const Figures expected = BruteForce(problem, people_first);
      EXPECT_EQ(got.count, expected.count) << "seed " << seed << " people_first " << people_first;
      EXPECT_EQ(got.units, expected.units) << "seed " << seed << " people_first " << people_first;
      // The other objective's report is the other optimum.
      ASSERT_TRUE(result->other_objective.has_value());
      const Figures other = BruteForce(problem, !people_first);
      EXPECT_EQ(result->other_objective->assigned_count, other.count) << "seed " << seed;
      EXPECT_NEAR(result->other_objective->total_score, static_cast<double>(other.units) / 1e6, 1e-4);
    }
  }
}

TEST(AssignmentObjectiveTest, PeopleFirstStillKeepsReservedPositionsForTheCohort) {
  // One position, reserved at 100% for candidate 1 (cohort); candidate 0 scores higher.
  AssignmentProblem problem;
  problem.candidate_count = 2;
  problem.opening_capacity = {1};
  problem.pairs = {{0, 0, 0.9f}, {1, 0, 0.3f}};
  problem.reserved_cohort = {0, 1};
  AssignmentOptions options = PeopleFirst();
  options.reserved_share = 1;
  absl::StatusOr<AssignmentResult> result = Assign(problem, options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->opening_of_candidate, (std::vector<int32_t>{-1, 0}));
}

TEST(AssignmentObjectiveTest, OnlyOptimalReportsTheOtherObjective) {
  AssignmentProblem problem;
  problem.candidate_count = 1;
  problem.opening_capacity = {1};
  problem.pairs = {{0, 0, 0.5f}};
  AssignmentOptions options = PeopleFirst();
  options.mechanism = AssignmentMechanism::kStableDeferredAcceptance;
  absl::StatusOr<AssignmentResult> result = Assign(problem, options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_FALSE(result->other_objective.has_value());
  options.mechanism = AssignmentMechanism::kOptimal;
  options.compute_other_objective = false;
  result = Assign(problem, options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_FALSE(result->other_objective.has_value());
}

TEST(AssignmentObjectiveTest, RejectsAnUnknownObjective) {
  AssignmentProblem problem;
  problem.candidate_count = 1;
  problem.opening_capacity = {1};
  AssignmentOptions options;
  options.objective = static_cast<AssignmentObjective>(7);
  const absl::StatusOr<AssignmentResult> result = Assign(problem, options);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("objective"), absl::string_view::npos) << result.status();
}

}  // namespace
}  // namespace passerelle::engine::assignment_objective_test
