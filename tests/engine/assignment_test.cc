// Tests of engine/batch/assignment.h: feasibility, optimality against brute force and an independent
// min-cost-flow, stability of deferred acceptance, the greedy baseline, the congestion cap, the reserved
// share, the report, input validation and determinism. Reference implementations here are written
// independently of the engine's (sorting and enumeration rather than heaps and auctions).
#include "engine/batch/assignment.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/batch/assignment_report.h"
#include "engine/batch/eligibility_graph.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace passerelle::engine::assignment_test {
namespace {

using ::testing::HasSubstr;

constexpr AssignmentMechanism kAllMechanisms[] = {
    AssignmentMechanism::kOptimal, AssignmentMechanism::kStableDeferredAcceptance, AssignmentMechanism::kGreedy};

// ---------------------------------------------------------------------------------------------------
// Random instances and independent references.

struct RandomSpec {
  int32_t candidates = 6;
  int32_t openings = 4;
  int32_t max_capacity = 2;
  double pair_probability = 0.6;
  int32_t score_levels = 1000;  // scores are k / score_levels: exact after rounding to 1e-6
  double cohort_probability = 0;
};

AssignmentProblem RandomProblem(const RandomSpec& spec, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0, 1);
  AssignmentProblem problem;
  problem.candidate_count = spec.candidates;
  for (int32_t j = 0; j < spec.openings; ++j) {
    problem.opening_capacity.push_back(static_cast<int32_t>(rng() % (spec.max_capacity + 1)));
  }
  for (int32_t i = 0; i < spec.candidates; ++i) {
    for (int32_t j = 0; j < spec.openings; ++j) {
      if (unit(rng) >= spec.pair_probability) continue;
      const float score = static_cast<float>(rng() % (spec.score_levels + 1)) / spec.score_levels;
      problem.pairs.push_back({i, j, score});
    }
  }
  std::shuffle(problem.pairs.begin(), problem.pairs.end(), rng);
  if (spec.cohort_probability > 0) {
    for (int32_t i = 0; i < spec.candidates; ++i)
      problem.reserved_cohort.push_back(unit(rng) < spec.cohort_probability);
  }
  return problem;
}

int64_t Units(float score) { return std::llround(static_cast<double>(score) * 1e6); }

using PairScores = std::map<std::pair<int32_t, int32_t>, float>;

// The pairs a mechanism may use: capacity > 0, and each opening's `cap` best when cap > 0.
PairScores UsablePairs(const AssignmentProblem& problem, int32_t cap) {
  std::vector<std::vector<EligiblePair>> by_opening(problem.opening_capacity.size());
  for (const EligiblePair& p : problem.pairs) {
    if (problem.opening_capacity[p.opening] > 0) by_opening[p.opening].push_back(p);
  }
  PairScores usable;
  for (auto& list : by_opening) {
    std::sort(list.begin(), list.end(), [](const EligiblePair& a, const EligiblePair& b) {
      return a.score != b.score ? a.score > b.score : a.candidate < b.candidate;
    });
    if (cap > 0 && static_cast<int32_t>(list.size()) > cap) list.resize(cap);
    for (const EligiblePair& p : list) usable[{p.candidate, p.opening}] = p.score;
  }
  return usable;
}

struct Totals {
  int64_t units = 0;
  int32_t count = 0;
};

// Exhaustive search over every candidate's choice (nothing or one usable opening).
Totals BruteForceOptimum(const AssignmentProblem& problem, int32_t cap) {
  const PairScores usable = UsablePairs(problem, cap);
  std::vector<std::vector<std::pair<int32_t, int64_t>>> options(problem.candidate_count);
  for (const auto& [key, score] : usable) options[key.first].push_back({key.second, Units(score)});
  std::vector<int32_t> left = problem.opening_capacity;
  Totals best;
  Totals current;
  const auto search = [&](auto&& self, int32_t i) -> void {
    if (i == problem.candidate_count) {
      if (current.units > best.units || (current.units == best.units && current.count > best.count)) best = current;
      return;
    }
    self(self, i + 1);
    for (const auto& [j, units] : options[i]) {
      if (left[j] == 0) continue;
      --left[j];
      current.units += units;
      ++current.count;
      self(self, i + 1);
      ++left[j];
      current.units -= units;
      --current.count;
    }
  };
  search(search, 0);
  return best;
}

// Successive longest augmenting paths (Bellman-Ford) on source -> candidate -> opening -> sink, with
// weight units * (n + 1) + 1 so ties go to more placements: an independent exact optimum for mid sizes.
Totals MinCostFlowOptimum(const AssignmentProblem& problem, int32_t cap) {
  struct Arc {
    int32_t to;
    int32_t capacity;
    int64_t gain;
  };
  const int32_t n = problem.candidate_count;
  const int32_t m = static_cast<int32_t>(problem.opening_capacity.size());
  const int32_t source = n + m, sink = n + m + 1, nodes = n + m + 2;
  std::vector<Arc> arcs;
  std::vector<std::vector<int32_t>> out(nodes);
  const auto add = [&](int32_t from, int32_t to, int32_t capacity, int64_t gain) {
    out[from].push_back(static_cast<int32_t>(arcs.size()));
    arcs.push_back({to, capacity, gain});
    out[to].push_back(static_cast<int32_t>(arcs.size()));
    arcs.push_back({from, 0, -gain});
  };
  for (int32_t i = 0; i < n; ++i) add(source, i, 1, 0);
  for (int32_t j = 0; j < m; ++j) add(n + j, sink, problem.opening_capacity[j], 0);
  for (const auto& [key, score] : UsablePairs(problem, cap))
    add(key.first, n + key.second, 1, Units(score) * (n + 1) + 1);
  int64_t total = 0;
  while (true) {
    std::vector<int64_t> best(nodes, std::numeric_limits<int64_t>::min());
    std::vector<int32_t> via(nodes, -1);
    best[source] = 0;
    for (int32_t round = 0; round < nodes; ++round) {
      bool changed = false;
      for (int32_t u = 0; u < nodes; ++u) {
        if (best[u] == std::numeric_limits<int64_t>::min()) continue;
        for (int32_t a : out[u]) {
          if (arcs[a].capacity > 0 && best[u] + arcs[a].gain > best[arcs[a].to]) {
            best[arcs[a].to] = best[u] + arcs[a].gain;
            via[arcs[a].to] = a;
            changed = true;
          }
        }
      }
      if (!changed) break;
    }
    if (via[sink] < 0 || best[sink] <= 0) break;
    total += best[sink];
    for (int32_t v = sink; v != source; v = arcs[via[v] ^ 1].to) {
      --arcs[via[v]].capacity;
      ++arcs[via[v] ^ 1].capacity;
    }
  }
  return Totals{total / (n + 1), static_cast<int32_t>(total % (n + 1))};
}

// Deferred acceptance's outcome when both sides rank by the same pair score: repeatedly match the best
// remaining pair (score, then lower candidate, then lower opening) whose two sides are still free.
std::vector<int32_t> BestPairFirst(const AssignmentProblem& problem, int32_t cap) {
  const PairScores usable = UsablePairs(problem, cap);
  std::vector<std::pair<std::pair<int32_t, int32_t>, float>> pairs(usable.begin(), usable.end());
  std::sort(pairs.begin(), pairs.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  std::vector<int32_t> opening_of(problem.candidate_count, -1);
  std::vector<int32_t> left = problem.opening_capacity;
  for (const auto& [key, score] : pairs) {
    if (opening_of[key.first] >= 0 || left[key.second] == 0) continue;
    opening_of[key.first] = key.second;
    --left[key.second];
  }
  return opening_of;
}

Totals TotalsOf(const AssignmentProblem& problem, const std::vector<int32_t>& opening_of) {
  PairScores all;
  for (const EligiblePair& p : problem.pairs) all[{p.candidate, p.opening}] = p.score;
  Totals totals;
  for (int32_t i = 0; i < problem.candidate_count; ++i) {
    if (opening_of[i] < 0) continue;
    totals.units += Units(all.at({i, opening_of[i]}));
    ++totals.count;
  }
  return totals;
}

bool IsCohort(const AssignmentProblem& problem, int32_t i) {
  return !problem.reserved_cohort.empty() && problem.reserved_cohort[i] != 0;
}

// Reserved positions of each opening, as documented in AssignmentOptions::reserved_share.
std::vector<int32_t> ExpectedReserved(const AssignmentProblem& problem, const AssignmentOptions& options) {
  std::vector<int32_t> eligible_cohort(problem.opening_capacity.size(), 0);
  for (const auto& [key, score] : UsablePairs(problem, options.max_proposals_per_opening)) {
    eligible_cohort[key.second] += IsCohort(problem, key.first);
  }
  std::vector<int32_t> reserved(problem.opening_capacity.size());
  for (size_t j = 0; j < reserved.size(); ++j) {
    const int32_t wanted = static_cast<int32_t>(std::ceil(options.reserved_share * problem.opening_capacity[j] - 1e-9));
    reserved[j] = std::min(std::max(wanted, 0), eligible_cohort[j]);
  }
  return reserved;
}

// Capacities respected, only usable pairs assigned, result sized to the candidates.
void ExpectFeasible(const AssignmentProblem& problem, const AssignmentOptions& options,
                    const std::vector<int32_t>& opening_of) {
  ASSERT_EQ(opening_of.size(), static_cast<size_t>(problem.candidate_count));
  const PairScores usable = UsablePairs(problem, options.max_proposals_per_opening);
  std::vector<int32_t> taken(problem.opening_capacity.size(), 0);
  for (int32_t i = 0; i < problem.candidate_count; ++i) {
    if (opening_of[i] < 0) continue;
    EXPECT_TRUE(usable.count({i, opening_of[i]})) << "candidate " << i << " opening " << opening_of[i];
    ++taken[opening_of[i]];
  }
  for (size_t j = 0; j < taken.size(); ++j) EXPECT_LE(taken[j], problem.opening_capacity[j]) << "opening " << j;
}

// The documented choice rule of an opening over a set of applicants, by sorting.
std::set<int32_t> ChooseReference(const AssignmentProblem& problem, const PairScores& usable, int32_t j,
                                  int32_t capacity, int32_t reserved, std::vector<int32_t> applicants) {
  std::sort(applicants.begin(), applicants.end(), [&](int32_t a, int32_t b) {
    const float sa = usable.at({a, j}), sb = usable.at({b, j});
    return sa != sb ? sa > sb : a < b;
  });
  std::set<int32_t> chosen;
  size_t k = 0;
  for (; k < applicants.size() && static_cast<int32_t>(chosen.size()) < capacity - reserved; ++k)
    chosen.insert(applicants[k]);
  int32_t cohort_seats = reserved;
  for (size_t q = k; q < applicants.size() && cohort_seats > 0; ++q) {
    if (IsCohort(problem, applicants[q])) {
      chosen.insert(applicants[q]);
      --cohort_seats;
    }
  }
  for (size_t q = k; q < applicants.size() && static_cast<int32_t>(chosen.size()) < capacity; ++q)
    chosen.insert(applicants[q]);
  return chosen;
}

// True if candidate i prefers opening a to opening b (b = -1: unassigned).
bool Prefers(const PairScores& usable, int32_t i, int32_t a, int32_t b) {
  if (b < 0) return true;
  const float sa = usable.at({i, a}), sb = usable.at({i, b});
  return sa != sb ? sa > sb : a < b;
}

// Returns the number of blocking pairs of a deferred-acceptance result.
int32_t CountBlockingPairs(const AssignmentProblem& problem, const AssignmentOptions& options,
                           const std::vector<int32_t>& opening_of) {
  const PairScores usable = UsablePairs(problem, options.max_proposals_per_opening);
  const std::vector<int32_t> reserved = ExpectedReserved(problem, options);
  std::vector<std::vector<int32_t>> holders(problem.opening_capacity.size());
  for (int32_t i = 0; i < problem.candidate_count; ++i) {
    if (opening_of[i] >= 0) holders[opening_of[i]].push_back(i);
  }
  int32_t blocking = 0;
  for (const auto& [key, score] : usable) {
    const auto [i, j] = key;
    if (opening_of[i] == j || !Prefers(usable, i, j, opening_of[i])) continue;
    std::vector<int32_t> applicants = holders[j];
    applicants.push_back(i);
    blocking += ChooseReference(problem, usable, j, problem.opening_capacity[j], reserved[j], applicants).count(i);
  }
  return blocking;
}

AssignmentResult MustAssign(const AssignmentProblem& problem, const AssignmentOptions& options) {
  absl::StatusOr<AssignmentResult> result = Assign(problem, options);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? *std::move(result) : AssignmentResult{};
}

AssignmentOptions With(AssignmentMechanism mechanism, int32_t cap = 0, double share = 0) {
  AssignmentOptions options;
  options.mechanism = mechanism;
  options.max_proposals_per_opening = cap;
  options.reserved_share = share;
  return options;
}

// ---------------------------------------------------------------------------------------------------
// Hand examples.

// Candidate 0 likes opening 0 (0.6) a bit more than opening 1 (0.5); candidate 1 only fits opening 0
// (0.9). Both have one position.
AssignmentProblem TwoByTwo() {
  AssignmentProblem problem;
  problem.candidate_count = 2;
  problem.opening_capacity = {1, 1};
  problem.pairs = {{0, 0, 0.6f}, {0, 1, 0.5f}, {1, 0, 0.9f}};
  return problem;
}

TEST(GreedyAssignmentTest, FirstCandidateTakesItsBestAndShutsOutTheSecond) {
  const AssignmentResult result = MustAssign(TwoByTwo(), With(AssignmentMechanism::kGreedy));
  EXPECT_EQ(result.opening_of_candidate, (std::vector<int32_t>{0, -1}));
  EXPECT_EQ(result.report.assigned_count, 1);
  EXPECT_NEAR(result.report.total_score, 0.6, 1e-6);
  EXPECT_EQ(result.report.left_out_lost_to_competition, 1);
  EXPECT_EQ(result.report.positions_left_empty, 1);
}

TEST(OptimalAssignmentTest, MovesFirstCandidateToPlaceBoth) {
  const AssignmentResult result = MustAssign(TwoByTwo(), With(AssignmentMechanism::kOptimal));
  EXPECT_EQ(result.opening_of_candidate, (std::vector<int32_t>{1, 0}));
  EXPECT_NEAR(result.report.total_score, 1.4, 1e-6);
  EXPECT_NEAR(result.report.mean_score, 0.7, 1e-6);
  ASSERT_TRUE(result.greedy_baseline.has_value());
  EXPECT_NEAR(result.greedy_baseline->total_score, 0.6, 1e-6);
  EXPECT_EQ(result.greedy_baseline->mechanism, AssignmentMechanism::kGreedy);
}

TEST(StableAssignmentTest, OpeningPrefersHigherScoredCandidate) {
  const AssignmentResult result = MustAssign(TwoByTwo(), With(AssignmentMechanism::kStableDeferredAcceptance));
  EXPECT_EQ(result.opening_of_candidate, (std::vector<int32_t>{1, 0}));
  // Candidate 0 applied to both openings, candidate 1 to opening 0.
  EXPECT_EQ(result.report.proposals.total, 3);
  EXPECT_EQ(result.report.proposals.max_per_opening, 2);
}

TEST(OptimalAssignmentTest, DoesNotForceMaximumCardinality) {
  // Placing both (0.1 + 0.5) scores less than placing candidate 0 on opening 0 alone (1.0).
  AssignmentProblem problem;
  problem.candidate_count = 2;
  problem.opening_capacity = {1, 1};
  problem.pairs = {{0, 0, 1.0f}, {0, 1, 0.1f}, {1, 0, 0.5f}};
  const AssignmentResult result = MustAssign(problem, With(AssignmentMechanism::kOptimal));
  EXPECT_EQ(result.opening_of_candidate, (std::vector<int32_t>{0, -1}));
  EXPECT_EQ(result.report.left_out_lost_to_competition, 1);
}

TEST(OptimalAssignmentTest, PlacesMoreCandidatesAmongEqualTotals) {
  // A zero-score pair adds nothing to the total but still places someone.
  AssignmentProblem problem;
  problem.candidate_count = 2;
  problem.opening_capacity = {1, 1};
  problem.pairs = {{0, 0, 1.0f}, {1, 1, 0.0f}};
  const AssignmentResult result = MustAssign(problem, With(AssignmentMechanism::kOptimal));
  EXPECT_EQ(result.opening_of_candidate, (std::vector<int32_t>{0, 1}));
}

TEST(AssignmentTest, ZeroCapacityOpeningsTakeNobody) {
  AssignmentProblem problem;
  problem.candidate_count = 3;
  problem.opening_capacity = {0, 2, 0};
  problem.pairs = {{0, 0, 1.0f}, {1, 0, 0.9f}, {1, 1, 0.2f}, {2, 2, 0.5f}};
  for (AssignmentMechanism mechanism : kAllMechanisms) {
    const AssignmentResult result = MustAssign(problem, With(mechanism));
    EXPECT_EQ(result.opening_of_candidate, (std::vector<int32_t>{-1, 1, -1})) << AssignmentMechanismName(mechanism);
    EXPECT_EQ(result.report.left_out_no_eligible_pair, 2);
    EXPECT_EQ(result.report.positions_left_empty, 1);
  }
}

TEST(AssignmentTest, EmptyProblemsGiveEmptyResults) {
  AssignmentProblem nobody;
  nobody.opening_capacity = {3, 1};
  AssignmentProblem no_openings;
  no_openings.candidate_count = 4;
  AssignmentProblem no_pairs;
  no_pairs.candidate_count = 2;
  no_pairs.opening_capacity = {1};
  no_pairs.reserved_cohort = {1, 0};
  for (AssignmentMechanism mechanism : kAllMechanisms) {
    for (const AssignmentProblem* problem : {&nobody, &no_openings, &no_pairs}) {
      const AssignmentResult result = MustAssign(*problem, With(mechanism, 1, 0.5));
      EXPECT_EQ(result.opening_of_candidate, std::vector<int32_t>(problem->candidate_count, -1));
      EXPECT_EQ(result.report.assigned_count, 0);
      EXPECT_EQ(result.report.mean_score, 0);
      EXPECT_EQ(result.report.left_out_no_eligible_pair, problem->candidate_count);
      EXPECT_EQ(result.report.assignments.gini, 0);
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Optimality.

TEST(OptimalAssignmentTest, MatchesBruteForceOnSmallRandomInstances) {
  RandomSpec spec;
  for (uint64_t seed = 0; seed < 400; ++seed) {
    spec.candidates = 1 + static_cast<int32_t>(seed % 6);
    spec.openings = 1 + static_cast<int32_t>((seed / 6) % 4);
    spec.score_levels = seed % 3 == 0 ? 4 : 1000;  // few levels: many ties
    const AssignmentProblem problem = RandomProblem(spec, seed);
    const int32_t cap = seed % 5 == 0 ? 1 + static_cast<int32_t>(seed % 3) : 0;
    const AssignmentOptions options = With(AssignmentMechanism::kOptimal, cap);
    const AssignmentResult result = MustAssign(problem, options);
    ExpectFeasible(problem, options, result.opening_of_candidate);
    const Totals expected = BruteForceOptimum(problem, cap);
    const Totals got = TotalsOf(problem, result.opening_of_candidate);
    EXPECT_EQ(got.units, expected.units) << "seed " << seed;
    EXPECT_EQ(got.count, expected.count) << "seed " << seed;
  }
}

TEST(OptimalAssignmentTest, MatchesMinCostFlowOnMidSizeInstances) {
  for (uint64_t seed = 0; seed < 12; ++seed) {
    RandomSpec spec{.candidates = 120, .openings = 25, .max_capacity = 6, .pair_probability = 0.25};
    spec.score_levels = seed % 2 == 0 ? 10 : 1000000;
    const AssignmentProblem problem = RandomProblem(spec, 1000 + seed);
    const int32_t cap = seed % 3 == 0 ? 8 : 0;
    const AssignmentOptions options = With(AssignmentMechanism::kOptimal, cap);
    const AssignmentResult result = MustAssign(problem, options);
    ExpectFeasible(problem, options, result.opening_of_candidate);
    const Totals expected = MinCostFlowOptimum(problem, cap);
    const Totals got = TotalsOf(problem, result.opening_of_candidate);
    EXPECT_EQ(got.units, expected.units) << "seed " << seed;
    EXPECT_EQ(got.count, expected.count) << "seed " << seed;
  }
}

TEST(OptimalAssignmentTest, BeatsOrTiesStableAndGreedyOnRandomInstances) {
  for (uint64_t seed = 0; seed < 30; ++seed) {
    RandomSpec spec{.candidates = 300, .openings = 40, .max_capacity = 5, .pair_probability = 0.15};
    const AssignmentProblem problem = RandomProblem(spec, 2000 + seed);
    const int64_t optimal =
        TotalsOf(problem, MustAssign(problem, With(AssignmentMechanism::kOptimal)).opening_of_candidate).units;
    for (AssignmentMechanism other : {AssignmentMechanism::kStableDeferredAcceptance, AssignmentMechanism::kGreedy}) {
      const int64_t total = TotalsOf(problem, MustAssign(problem, With(other)).opening_of_candidate).units;
      EXPECT_GE(optimal, total) << AssignmentMechanismName(other) << " seed " << seed;
      // Matching pairs best-first is a 1/2-approximation of the maximum weight; so is the stable result.
      if (other == AssignmentMechanism::kStableDeferredAcceptance) {
        EXPECT_GE(2 * total, optimal);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Stability.

TEST(StableAssignmentTest, HasNoBlockingPairOnRandomInstances) {
  for (uint64_t seed = 0; seed < 200; ++seed) {
    RandomSpec spec{.candidates = 5 + static_cast<int32_t>(seed % 40),
                    .openings = 2 + static_cast<int32_t>(seed % 7),
                    .max_capacity = 4,
                    .pair_probability = 0.5};
    spec.score_levels = seed % 2 == 0 ? 3 : 1000;
    spec.cohort_probability = seed % 3 == 0 ? 0.3 : 0;
    const AssignmentProblem problem = RandomProblem(spec, 3000 + seed);
    const AssignmentOptions options =
        With(AssignmentMechanism::kStableDeferredAcceptance, seed % 4 == 0 ? 3 : 0, seed % 3 == 0 ? 0.4 : 0);
    const AssignmentResult result = MustAssign(problem, options);
    ExpectFeasible(problem, options, result.opening_of_candidate);
    EXPECT_EQ(CountBlockingPairs(problem, options, result.opening_of_candidate), 0) << "seed " << seed;
  }
}

TEST(StableAssignmentTest, EqualsBestPairFirstWhenBothSidesRankByTheSameScore) {
  for (uint64_t seed = 0; seed < 100; ++seed) {
    RandomSpec spec{.candidates = 60, .openings = 10, .max_capacity = 4, .pair_probability = 0.3};
    spec.score_levels = seed % 2 == 0 ? 5 : 1000;
    const AssignmentProblem problem = RandomProblem(spec, 4000 + seed);
    const int32_t cap = seed % 3 == 0 ? 4 : 0;
    const AssignmentResult result = MustAssign(problem, With(AssignmentMechanism::kStableDeferredAcceptance, cap));
    EXPECT_EQ(result.opening_of_candidate, BestPairFirst(problem, cap)) << "seed " << seed;
  }
}

TEST(StableAssignmentTest, BlockingPairCheckerFindsOne) {
  // The checker itself must be able to fail: the greedy result of TwoByTwo is blocked by (1, 0).
  EXPECT_EQ(CountBlockingPairs(TwoByTwo(), AssignmentOptions{}, {0, -1}), 1);
}

// ---------------------------------------------------------------------------------------------------
// Congestion cap.

TEST(CongestionCapTest, CutsCandidatesOutsideTheShortlist) {
  AssignmentProblem problem;
  problem.candidate_count = 4;
  problem.opening_capacity = {3, 1};
  problem.pairs = {{0, 0, 0.5f}, {1, 0, 0.9f}, {2, 0, 0.7f}, {3, 0, 0.7f}, {3, 1, 0.1f}};
  for (AssignmentMechanism mechanism : kAllMechanisms) {
    const AssignmentResult result = MustAssign(problem, With(mechanism, /*cap=*/2));
    // Opening 0 is proposed to its two best: candidate 1 (0.9) and candidate 2 (0.7, lower index than 3).
    EXPECT_EQ(result.opening_of_candidate, (std::vector<int32_t>{-1, 0, 0, 1})) << AssignmentMechanismName(mechanism);
    EXPECT_EQ(result.report.left_out_cut_by_congestion_cap, 1);
    EXPECT_EQ(result.report.considered.max_per_opening, 2);
  }
}

TEST(CongestionCapTest, NoOpeningReceivesMoreApplicationsThanTheCap) {
  for (uint64_t seed = 0; seed < 30; ++seed) {
    RandomSpec spec{.candidates = 200, .openings = 20, .max_capacity = 6, .pair_probability = 0.4};
    const AssignmentProblem problem = RandomProblem(spec, 5000 + seed);
    const int32_t cap = 1 + static_cast<int32_t>(seed % 10);
    for (AssignmentMechanism mechanism : kAllMechanisms) {
      const AssignmentOptions options = With(mechanism, cap);
      const AssignmentResult result = MustAssign(problem, options);
      ExpectFeasible(problem, options, result.opening_of_candidate);
      EXPECT_LE(result.report.proposals.max_per_opening, cap);
      EXPECT_LE(result.report.considered.max_per_opening, cap);
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Reserved share.

TEST(ReservedShareTest, ReservedPositionsIgnoreFloatNoise) {
  using assignment_internal::ReservedPositions;
  EXPECT_EQ(ReservedPositions(0.3, 10), 3);
  EXPECT_EQ(ReservedPositions(0.25, 10), 3);
  EXPECT_EQ(ReservedPositions(0.1, 3), 1);
  EXPECT_EQ(ReservedPositions(0, 5), 0);
  EXPECT_EQ(ReservedPositions(1, 5), 5);
  EXPECT_EQ(ReservedPositions(0.5, 0), 0);
}

TEST(ReservedShareTest, CohortCandidateGetsReservedPositionDespiteLowerScore) {
  AssignmentProblem problem;
  problem.candidate_count = 4;
  problem.opening_capacity = {2};
  problem.pairs = {{0, 0, 0.9f}, {1, 0, 0.8f}, {2, 0, 0.7f}, {3, 0, 0.2f}};
  problem.reserved_cohort = {0, 0, 0, 1};
  for (AssignmentMechanism mechanism : kAllMechanisms) {
    const AssignmentResult result = MustAssign(problem, With(mechanism, 0, 0.5));
    EXPECT_EQ(result.opening_of_candidate, (std::vector<int32_t>{0, -1, -1, 0})) << AssignmentMechanismName(mechanism);
    EXPECT_EQ(result.report.cohort_assigned_count, 1);
    EXPECT_EQ(result.report.positions_reserved, 1);
  }
}

TEST(ReservedShareTest, ReservedPositionsNoCohortCandidateWantsAreReleased) {
  // Opening 0 reserves 2 of 3 positions; the only cohort candidate prefers opening 1.
  AssignmentProblem problem;
  problem.candidate_count = 4;
  problem.opening_capacity = {3, 1};
  problem.pairs = {{0, 0, 0.9f}, {1, 0, 0.8f}, {2, 0, 0.7f}, {3, 0, 0.5f}, {3, 1, 0.6f}};
  problem.reserved_cohort = {0, 0, 0, 1};
  for (AssignmentMechanism mechanism : kAllMechanisms) {
    const AssignmentResult result = MustAssign(problem, With(mechanism, 0, 0.6));
    EXPECT_EQ(result.opening_of_candidate, (std::vector<int32_t>{0, 0, 0, 1})) << AssignmentMechanismName(mechanism);
  }
}

TEST(ReservedShareTest, EmptyCohortChangesNothing) {
  for (uint64_t seed = 0; seed < 20; ++seed) {
    RandomSpec spec{.candidates = 80, .openings = 12, .max_capacity = 5, .pair_probability = 0.3};
    const AssignmentProblem problem = RandomProblem(spec, 6000 + seed);
    AssignmentProblem all_zero = problem;
    all_zero.reserved_cohort.assign(problem.candidate_count, 0);
    for (AssignmentMechanism mechanism : kAllMechanisms) {
      const std::vector<int32_t> plain = MustAssign(problem, With(mechanism)).opening_of_candidate;
      EXPECT_EQ(MustAssign(problem, With(mechanism, 0, 0.5)).opening_of_candidate, plain);
      EXPECT_EQ(MustAssign(all_zero, With(mechanism, 0, 1.0)).opening_of_candidate, plain);
    }
  }
}

// Non-cohort candidates exceed an opening's open positions only if the cohort could not use the rest:
// every eligible cohort candidate is placed (optimal, greedy), or none prefers this opening (stable).
TEST(ReservedShareTest, ReservedPositionsGoToOthersOnlyWhenTheCohortCannotUseThem) {
  for (uint64_t seed = 0; seed < 60; ++seed) {
    RandomSpec spec{.candidates = 60, .openings = 8, .max_capacity = 6, .pair_probability = 0.35};
    spec.cohort_probability = 0.3;
    const AssignmentProblem problem = RandomProblem(spec, 7000 + seed);
    for (AssignmentMechanism mechanism : kAllMechanisms) {
      const AssignmentOptions options = With(mechanism, seed % 2 ? 6 : 0, 0.2 + 0.1 * (seed % 8));
      const AssignmentResult result = MustAssign(problem, options);
      const std::vector<int32_t>& opening_of = result.opening_of_candidate;
      ExpectFeasible(problem, options, opening_of);
      const PairScores usable = UsablePairs(problem, options.max_proposals_per_opening);
      const std::vector<int32_t> reserved = ExpectedReserved(problem, options);
      std::vector<int32_t> others(reserved.size(), 0);
      for (int32_t i = 0; i < problem.candidate_count; ++i) {
        if (opening_of[i] >= 0 && !IsCohort(problem, i)) ++others[opening_of[i]];
      }
      for (size_t j = 0; j < reserved.size(); ++j) {
        if (others[j] <= problem.opening_capacity[j] - reserved[j]) continue;
        for (const auto& [key, score] : usable) {
          const auto [i, opening] = key;
          if (opening != static_cast<int32_t>(j) || !IsCohort(problem, i)) continue;
          if (mechanism == AssignmentMechanism::kStableDeferredAcceptance) {
            EXPECT_FALSE(Prefers(usable, i, opening, opening_of[i])) << "seed " << seed << " cohort " << i;
          } else {
            EXPECT_GE(opening_of[i], 0) << AssignmentMechanismName(mechanism) << " seed " << seed << " cohort " << i;
          }
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Report.

TEST(AssignmentReportTest, ExposureSpreadOfKnownCounts) {
  using assignment_internal::ComputeExposureSpread;
  const ExposureSpread even = ComputeExposureSpread({2, 2, 2, 2});
  EXPECT_EQ(even.total, 8);
  EXPECT_NEAR(even.gini, 0, 1e-12);
  const ExposureSpread concentrated = ComputeExposureSpread({0, 0, 0, 4});
  EXPECT_NEAR(concentrated.gini, 0.75, 1e-12);  // (n - 1) / n for one opening holding all
  EXPECT_NEAR(concentrated.top_1pct_share, 1.0, 1e-12);
  EXPECT_EQ(concentrated.max_per_opening, 4);
  std::vector<int64_t> counts(200, 1);
  counts[7] = 101;  // top 1% of 200 openings = 2 openings holding 101 + 1 of 300
  EXPECT_NEAR(ComputeExposureSpread(counts).top_1pct_share, 102.0 / 300.0, 1e-12);
}

TEST(AssignmentReportTest, FiguresAddUp) {
  RandomSpec spec{.candidates = 150, .openings = 20, .max_capacity = 4, .pair_probability = 0.1};
  spec.cohort_probability = 0.2;
  const AssignmentProblem problem = RandomProblem(spec, 9000);
  for (AssignmentMechanism mechanism : kAllMechanisms) {
    const AssignmentResult result = MustAssign(problem, With(mechanism, 5, 0.3));
    const AssignmentReport& r = result.report;
    EXPECT_EQ(r.candidate_count, problem.candidate_count);
    EXPECT_EQ(r.assigned_count + r.left_out_no_eligible_pair + r.left_out_cut_by_congestion_cap +
                  r.left_out_lost_to_competition,
              r.candidate_count);
    EXPECT_EQ(r.positions_left_empty + r.assigned_count, r.position_count);
    EXPECT_EQ(r.assignments.total, r.assigned_count);
    EXPECT_NEAR(r.total_score, TotalsOf(problem, result.opening_of_candidate).units * 1e-6, 1e-4);
    EXPECT_NEAR(r.mean_score * r.assigned_count, r.total_score, 1e-6);
    EXPECT_LE(r.cohort_assigned_count, r.cohort_candidate_count);
    EXPECT_GE(r.proposals.total, r.assigned_count);
  }
}

// ---------------------------------------------------------------------------------------------------
// Validation.

void ExpectInvalid(const AssignmentProblem& problem, const AssignmentOptions& options, const std::string& field) {
  const absl::StatusOr<AssignmentResult> result = Assign(problem, options);
  ASSERT_FALSE(result.ok()) << field;
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(result.status().message()), HasSubstr(field));
}

TEST(AssignmentValidationTest, NamesTheOffendingField) {
  const AssignmentProblem good = TwoByTwo();
  AssignmentProblem p = good;
  p.candidate_count = -1;
  ExpectInvalid(p, {}, "candidate_count");
  p = good;
  p.opening_capacity[1] = -2;
  ExpectInvalid(p, {}, "opening_capacity[1]");
  p = good;
  p.pairs[2].candidate = 2;
  ExpectInvalid(p, {}, "pairs[2].candidate");
  p = good;
  p.pairs[1].opening = -1;
  ExpectInvalid(p, {}, "pairs[1].opening");
  p = good;
  p.pairs[0].score = std::numeric_limits<float>::quiet_NaN();
  ExpectInvalid(p, {}, "pairs[0].score");
  p = good;
  p.pairs[0].score = std::numeric_limits<float>::infinity();
  ExpectInvalid(p, {}, "pairs[0].score");
  p = good;
  p.pairs[0].score = 1.5f;
  ExpectInvalid(p, {}, "pairs[0].score");
  p = good;
  p.pairs.push_back({0, 1, 0.1f});
  ExpectInvalid(p, {}, "pairs[3] repeats candidate 0 and opening 1 of pairs[1]");
  p = good;
  p.reserved_cohort = {1};
  ExpectInvalid(p, {}, "reserved_cohort");
  p.reserved_cohort = {0, 2};
  ExpectInvalid(p, {}, "reserved_cohort[1]");
  ExpectInvalid(good, With(AssignmentMechanism::kOptimal, -1), "max_proposals_per_opening");
  ExpectInvalid(good, With(AssignmentMechanism::kOptimal, 0, 1.5), "reserved_share");
  ExpectInvalid(good, With(AssignmentMechanism::kOptimal, 0, std::nan("")), "reserved_share");
  ExpectInvalid(good, With(static_cast<AssignmentMechanism>(9)), "mechanism");
}

// ---------------------------------------------------------------------------------------------------
// Determinism.

TEST(AssignmentDeterminismTest, SameInputSameOutputWhateverThePairOrder) {
  RandomSpec spec{.candidates = 400, .openings = 40, .max_capacity = 6, .pair_probability = 0.1};
  spec.score_levels = 20;  // many ties, where an unstable tie-break would show
  spec.cohort_probability = 0.2;
  const AssignmentProblem problem = RandomProblem(spec, 10000);
  AssignmentProblem shuffled = problem;
  std::mt19937_64 rng(7);
  std::shuffle(shuffled.pairs.begin(), shuffled.pairs.end(), rng);
  for (AssignmentMechanism mechanism : kAllMechanisms) {
    for (const AssignmentOptions& options : {With(mechanism), With(mechanism, 7, 0.3)}) {
      const AssignmentResult first = MustAssign(problem, options);
      EXPECT_EQ(MustAssign(problem, options).opening_of_candidate, first.opening_of_candidate);
      EXPECT_EQ(MustAssign(shuffled, options).opening_of_candidate, first.opening_of_candidate);
    }
  }
}

}  // namespace
}  // namespace passerelle::engine::assignment_test
