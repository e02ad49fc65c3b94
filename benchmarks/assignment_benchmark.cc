// Capacity-aware assignment at the scale: 100k candidates x 10k openings, about 50 eligible pairs
// per candidate (5M pairs), on a synthetic, deterministic instance with skew: opening popularity follows
// a Zipf-like law, so a few openings are eligible for a large share of the candidates, as when the same
// few offers are recommended to everyone.
//
// Measures each mechanism end to end (validation, graph build, mechanism, report), with and without the
// congestion cap and the reserved share, then prints the optimal and stable totals as a ratio to the
// greedy baseline's.
//
//   assignment_benchmark [--candidates=100000] [--openings=10000] [--pairs_per_candidate=50]
//                        [--score_levels=0] [google benchmark flags]
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "engine/batch/assignment.h"
#include "engine/batch/eligibility_graph.h"
#include "engine/batch/optimal_assignment.h"

namespace passerelle::engine {
namespace {

struct Scale {
  int32_t candidates = 100000;
  int32_t openings = 10000;
  int32_t pairs_per_candidate = 50;
  // Scores rounded to multiples of 1 / score_levels (0: not rounded). Few levels make many ties, the
  // hard case for auctions (price wars).
  int32_t score_levels = 0;
};

// splitmix64: a fixed generator, so the instance is the same on every platform and standard library.
// Not thread-safe.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  int32_t Below(int32_t n) { return static_cast<int32_t>(Next() % static_cast<uint64_t>(n)); }

 private:
  uint64_t state_;
};

// Positions per opening: most single posts, some multi-post openings, a few training cohorts.
int32_t DrawCapacity(Rng& rng) {
  const double u = rng.Unit();
  if (u < 0.60) return 1;
  if (u < 0.85) return 2 + rng.Below(3);
  if (u < 0.97) return 5 + rng.Below(11);
  return 20 + rng.Below(41);
}

AssignmentProblem MakeProblem(const Scale& scale, uint64_t seed) {
  Rng rng(seed);
  AssignmentProblem problem;
  problem.candidate_count = scale.candidates;
  const int32_t m = scale.openings;
  // Opening j has popularity rank j: weight 1 / (j + 20). At full scale the top opening is eligible for
  // about a third of all candidates, the 100th for about 6,500, the median one for about 160.
  std::vector<double> cumulative(m);
  std::vector<float> appeal(m);
  double sum = 0;
  for (int32_t j = 0; j < m; ++j) {
    problem.opening_capacity.push_back(DrawCapacity(rng));
    sum += 1.0 / (j + 20.0);
    cumulative[j] = sum;
    // Popular openings also tend to score higher: that is why everyone is shown them.
    appeal[j] = static_cast<float>(0.5 * rng.Unit() + 0.5 * (1.0 - static_cast<double>(j) / m));
  }
  problem.pairs.reserve(static_cast<size_t>(scale.candidates) * scale.pairs_per_candidate);
  std::vector<int32_t> last_candidate(m, -1);
  for (int32_t i = 0; i < scale.candidates; ++i) {
    const int32_t degree = std::min(m / 2, scale.pairs_per_candidate / 2 + rng.Below(scale.pairs_per_candidate + 1));
    const double strength = rng.Unit();
    for (int32_t d = 0; d < degree;) {
      const double target = rng.Unit() * sum;
      const int32_t j =
          static_cast<int32_t>(std::lower_bound(cumulative.begin(), cumulative.end(), target) - cumulative.begin());
      if (j >= m || last_candidate[j] == i) continue;  // already drawn for this candidate: draw again
      last_candidate[j] = i;
      double score = std::min(1.0, 0.3 * appeal[j] + 0.25 * strength + 0.45 * rng.Unit());
      if (scale.score_levels > 0) score = std::round(score * scale.score_levels) / scale.score_levels;
      problem.pairs.push_back({i, j, static_cast<float>(score)});
      ++d;
    }
  }
  // A quarter of the candidates in the protected cohort, for the reserved-share runs.
  problem.reserved_cohort.resize(scale.candidates);
  for (uint8_t& flag : problem.reserved_cohort) flag = rng.Unit() < 0.25;
  return problem;
}

Scale& GlobalScale() {
  static Scale scale;
  return scale;
}

const AssignmentProblem& Problem() {
  static const AssignmentProblem problem = MakeProblem(GlobalScale(), 20240601);
  return problem;
}

struct Variant {
  const char* name;
  int32_t cap;
  double share;
};
constexpr Variant kVariants[] = {{"plain", 0, 0}, {"cap200", 200, 0}, {"reserve20pct", 0, 0.2}};

void BM_Assign(benchmark::State& state, AssignmentMechanism mechanism, Variant variant) {
  const AssignmentProblem& problem = Problem();
  AssignmentOptions options;
  options.mechanism = mechanism;
  options.max_proposals_per_opening = variant.cap;
  options.reserved_share = variant.share;
  options.compute_greedy_baseline = false;
  AssignmentReport report;
  for (auto _ : state) {
    absl::StatusOr<AssignmentResult> result = Assign(problem, options);
    if (!result.ok()) {
      state.SkipWithError(std::string(result.status().message()).c_str());
      return;
    }
    report = result->report;
  }
  state.counters["assigned"] = report.assigned_count;
  state.counters["total_score"] = report.total_score;
  state.counters["proposals_gini"] = report.proposals.gini;
}

// The auction alone, without validation, graph build or report, with its work counters.
void BM_OptimalAuctionOnly(benchmark::State& state) {
  AssignmentOptions options;
  const assignment_internal::MechanismInput input = assignment_internal::BuildMechanismInput(Problem(), options);
  assignment_internal::AuctionStats stats;
  for (auto _ : state) {
    stats = {};
    benchmark::DoNotOptimize(assignment_internal::AssignOptimal(input, &stats));
  }
  state.counters["phases"] = stats.phases;
  state.counters["forward_bids"] = static_cast<double>(stats.forward_bids);
  state.counters["reverse_bids"] = static_cast<double>(stats.reverse_bids);
}

void PrintLine(const char* variant, const AssignmentReport& r, double greedy_total) {
  std::printf(
      "%-13s %-27s assigned %6d (cohort %6d)  total %10.1f  mean %.4f  ratio_to_greedy %.4f  "
      "empty %6lld  cut_by_cap %6d  lost %6d  proposals gini %.3f top1%% %.3f\n",
      variant, AssignmentMechanismName(r.mechanism), r.assigned_count, r.cohort_assigned_count, r.total_score,
      r.mean_score, r.total_score / greedy_total, static_cast<long long>(r.positions_left_empty),
      r.left_out_cut_by_congestion_cap, r.left_out_lost_to_competition, r.proposals.gini, r.proposals.top_1pct_share);
}

// Runs each variant once more outside the timer and prints the figures, greedy as the reference.
void PrintSummary() {
  const AssignmentProblem& problem = Problem();
  int64_t positions = 0;
  for (int32_t c : problem.opening_capacity) positions += c;
  std::printf("\ninstance: %d candidates, %zu openings, %lld positions, %zu eligible pairs\n", problem.candidate_count,
              problem.opening_capacity.size(), static_cast<long long>(positions), problem.pairs.size());
  for (const Variant& variant : kVariants) {
    for (AssignmentMechanism mechanism : {AssignmentMechanism::kOptimal, AssignmentMechanism::kStableDeferredAcceptance,
                                          AssignmentMechanism::kGreedy}) {
      AssignmentOptions options;
      options.mechanism = mechanism;
      options.max_proposals_per_opening = variant.cap;
      options.reserved_share = variant.share;
      absl::StatusOr<AssignmentResult> result = Assign(problem, options);
      if (!result.ok()) {
        std::printf("%s: %s\n", variant.name, std::string(result.status().message()).c_str());
        continue;
      }
      PrintLine(variant.name, result->report, result->greedy_baseline->total_score);
    }
  }
}

void ParseScaleFlags(int* argc, char** argv) {
  Scale& scale = GlobalScale();
  int kept = 1;
  for (int a = 1; a < *argc; ++a) {
    int value = 0;
    if (std::sscanf(argv[a], "--candidates=%d", &value) == 1) {
      scale.candidates = value;
    } else if (std::sscanf(argv[a], "--openings=%d", &value) == 1) {
      scale.openings = value;
    } else if (std::sscanf(argv[a], "--pairs_per_candidate=%d", &value) == 1) {
      scale.pairs_per_candidate = value;
    } else if (std::sscanf(argv[a], "--score_levels=%d", &value) == 1) {
      scale.score_levels = value;
    } else {
      argv[kept++] = argv[a];
    }
  }
  *argc = kept;
}

void RegisterBenchmarks() {
  for (const Variant& variant : kVariants) {
    for (AssignmentMechanism mechanism : {AssignmentMechanism::kOptimal, AssignmentMechanism::kStableDeferredAcceptance,
                                          AssignmentMechanism::kGreedy}) {
      const std::string name = std::string("BM_Assign/") + AssignmentMechanismName(mechanism) + "/" + variant.name;
      benchmark::RegisterBenchmark(name.c_str(), BM_Assign, mechanism, variant)
          ->Unit(benchmark::kMillisecond)
          ->Iterations(1);
    }
  }
  benchmark::RegisterBenchmark("BM_OptimalAuctionOnly", BM_OptimalAuctionOnly)
      ->Unit(benchmark::kMillisecond)
      ->Iterations(1);
}

}  // namespace
}  // namespace passerelle::engine

int main(int argc, char** argv) {
  using namespace passerelle::engine;
  ParseScaleFlags(&argc, argv);
  benchmark::Initialize(&argc, argv);
  Problem();  // build the instance before any timer starts
  RegisterBenchmarks();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  PrintSummary();
  return 0;
}
