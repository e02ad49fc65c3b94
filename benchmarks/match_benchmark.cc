// Match queries at national scale, side by side with the scalar peer, in one run.
//
// 1. Generates a realistic cohort (engine/sample) of --candidates and --openings and loads it into the
//    engine's index and into the scalar peer.
// 2. Checks, for --verify_queries queries in each direction, that the engine's top-k equals the peer's
//    (ids, and scores within 1e-4). A mismatch fails the run before any time is reported.
// 3. Measures the machine's memory read bandwidth, then times both sides with Google Benchmark and prints,
//    per query, the engine/peer speed-up, the bytes the query must read and the fraction of the bandwidth
//    floor reached. Exit status 1 on a mismatch or when the engine is not faster than the scalar peer.
//
// Usage: passerelle_match_benchmark [--candidates=N] [--openings=M] [--k=10] [--verify_queries=20]
//                                   [--json=FILE] [Google Benchmark flags]
#include <chrono>
#include <cstdio>
#include <map>
#include <numeric>
#include <set>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "benchmark/benchmark.h"
#include "benchmarks/peers/scalar_peer.h"
#include "engine/index/match_index.h"
#include "engine/sample/cohort_generator.h"

namespace passerelle::benchmarks {
namespace {

using engine::MatchIndex;

struct Settings {
  int64_t candidates = 10000;
  int64_t openings = 1000;
  int k = 10;
  int verify_queries = 20;
  std::string json_path;
};

// Removes this program's flags from argv, leaving Google Benchmark's.
Settings ParseSettings(int* argc, char** argv) {
  Settings s;
  int out = 1;
  for (int i = 1; i < *argc; ++i) {
    absl::string_view arg = argv[i];
    auto value = [&](absl::string_view name) -> std::optional<absl::string_view> {
      if (absl::StartsWith(arg, name)) return arg.substr(name.size());
      return std::nullopt;
    };
    if (auto v = value("--candidates=")) { (void)absl::SimpleAtoi(*v, &s.candidates); continue; }
    if (auto v = value("--openings=")) { (void)absl::SimpleAtoi(*v, &s.openings); continue; }
    if (auto v = value("--k=")) { (void)absl::SimpleAtoi(*v, &s.k); continue; }
    if (auto v = value("--verify_queries=")) { (void)absl::SimpleAtoi(*v, &s.verify_queries); continue; }
    if (auto v = value("--json=")) { s.json_path = std::string(*v); continue; }
    argv[out++] = argv[i];
  }
  *argc = out;
  return s;
}

struct World {
  std::shared_ptr<const engine::ReferenceData> data;
  std::unique_ptr<MatchIndex> index;
  std::unique_ptr<ScalarPeer> peer;
  std::vector<std::shared_ptr<const engine::ResolvedCandidate>> candidates;
  std::vector<std::shared_ptr<const engine::ResolvedOpening>> openings;
};

World Build(const Settings& settings) {
  World w;
  w.data = *engine::ReferenceData::Load(engine::ReferenceData::DefaultDataDir());
  w.index = std::make_unique<MatchIndex>(w.data);
  w.peer = std::make_unique<ScalarPeer>(w.index->relations(), engine::DefaultScoringProfile());
  engine::CohortOptions options;
  options.candidates = settings.candidates;
  options.openings = settings.openings;
  engine::CohortGenerator generator(w.data, options);
  const auto start = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < settings.candidates; ++i) w.candidates.push_back(*w.index->ResolveCandidate(generator.MakeCandidate(i)));
  for (int64_t i = 0; i < settings.openings; ++i) w.openings.push_back(*w.index->ResolveOpening(generator.MakeOpening(i)));
  for (size_t i = 0; i < w.candidates.size(); i += 4096) {
    w.index->UpsertCandidates(absl::MakeConstSpan(w.candidates).subspan(i, 4096));
  }
  w.index->UpsertOpenings(w.openings);
  for (const auto& c : w.candidates) w.peer->AddCandidate(c);
  for (const auto& o : w.openings) w.peer->AddOpening(o);
  std::printf("built %lld candidates and %lld openings in %.1f s\n", static_cast<long long>(settings.candidates),
              static_cast<long long>(settings.openings),
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return w;
}

// Engine and peer agree when the scores match rank by rank and the same ids score clearly above the k-th
// score (below that, ids within float tolerance of each other may swap places).
bool SameTopK(const std::vector<engine::ScoredMatch>& engine, const std::vector<PeerMatch>& peer, std::string* why) {
  constexpr float kTolerance = 1e-4f;
  if (engine.size() != peer.size()) {
    *why = "sizes " + std::to_string(engine.size()) + " vs " + std::to_string(peer.size());
    return false;
  }
  std::set<std::string> engine_ids, peer_ids;
  for (size_t i = 0; i < engine.size(); ++i) {
    if (std::abs(engine[i].total - peer[i].score) > kTolerance) {
      *why = "rank " + std::to_string(i) + ": " + engine[i].id + " " + std::to_string(engine[i].total) + " vs " +
             peer[i].id + " " + std::to_string(peer[i].score);
      return false;
    }
    if (engine[i].total > engine.back().total + kTolerance) engine_ids.insert(engine[i].id);
    if (peer[i].score > peer.back().score + kTolerance) peer_ids.insert(peer[i].id);
  }
  if (engine_ids != peer_ids) *why = "different ids above the k-th score";
  return engine_ids == peer_ids;
}

bool VerifyAgainstPeer(const World& w, const Settings& s) {
  engine::MatchQuery q;
  q.k = s.k;
  q.explain = false;
  int checked = 0, non_empty = 0;
  for (int i = 0; i < s.verify_queries; ++i) {
    const auto& opening = *w.openings[(i * 7919) % w.openings.size()];
    const auto& candidate = *w.candidates[(i * 104729) % w.candidates.size()];
    auto by_opening = w.index->MatchCandidatesFor(opening, q, engine::DefaultScoringProfile());
    auto by_candidate = w.index->MatchOpeningsFor(candidate, q, engine::DefaultScoringProfile());
    std::string why;
    if (!SameTopK(by_opening->matches, w.peer->MatchCandidates(opening, s.k), &why) ||
        !SameTopK(by_candidate->matches, w.peer->MatchOpenings(candidate, s.k), &why)) {
      std::fprintf(stderr, "TOP-K MISMATCH with the scalar peer (query %d): %s\n", i, why.c_str());
      return false;
    }
    checked += 2;
    non_empty += !by_opening->matches.empty() + !by_candidate->matches.empty();
  }
  std::printf("verified: %d queries, top-%d equal to the scalar peer (%d with results)\n", checked, s.k, non_empty);
  return true;
}

// Bytes a query must read: every column the kernel touches, plus the sparse entries it walks.
double CandidateQueryBytes(const World& w, const engine::ResolvedOpening& o) {
  double bytes = 0;
  for (const auto& seg : w.index->CandidateSnapshot()->segments) {
    bytes += engine::CandidateSegment::kRows * (13 * 4 + 2 * 4 + 4.0);  // 13 float columns, 2 masks, offsets
    bytes += seg->occupation_rome.size() * 8.0;
    for (int32_t item : o.required_skill_indices) if (item < seg->skills.cols()) bytes += seg->skills.col(item).nonZeros() * 8.0;
    for (int32_t item : o.desired_skill_indices) if (item < seg->skills.cols()) bytes += seg->skills.col(item).nonZeros() * 8.0;
  }
  return bytes;
}

double OpeningQueryBytes(const World& w, const engine::ResolvedCandidate& c) {
  double bytes = 0;
  for (const auto& seg : w.index->OpeningSnapshot()->segments) {
    bytes += engine::OpeningSegment::kRows * (13 * 4 + 2 * 4 + 4.0);  // 13 float columns, 2 masks, ROME code
    for (int32_t item : c.skill_indices) {
      if (item < seg->required_skills.cols()) bytes += seg->required_skills.col(item).nonZeros() * 8.0;
      if (item < seg->desired_skills.cols()) bytes += seg->desired_skills.col(item).nonZeros() * 8.0;
    }
  }
  return bytes;
}

// Streaming read bandwidth of this machine, in bytes per second: best of 5 passes in which every core
// sums its share of 1 GiB with Eigen's vectorised reduction (several accumulators, so the adds do not
// serialise and memory is the limit).
double MeasureReadBandwidth() {
  const size_t floats = 256u << 20;
  std::vector<float> buffer(floats, 1.0f);
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  double best = 0;
  for (int pass = 0; pass < 5; ++pass) {
    std::vector<float> sums(cores);
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < cores; ++t) {
      threads.emplace_back([&, t] {
        const size_t begin = floats * t / cores, end = floats * (t + 1) / cores;
        sums[t] = Eigen::Map<const Eigen::ArrayXf>(buffer.data() + begin, end - begin).sum();
      });
    }
    for (std::thread& th : threads) th.join();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    benchmark::DoNotOptimize(sums);
    best = std::max(best, floats * sizeof(float) / seconds);
  }
  return best;
}

// Keeps each benchmark's mean real time per iteration, by name.
class CollectingReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) seconds[run.benchmark_name()] = run.real_accumulated_time / static_cast<double>(run.iterations);
    ConsoleReporter::ReportRuns(runs);
  }
  std::map<std::string, double> seconds;  // wall seconds per query
};

}  // namespace
}  // namespace passerelle::benchmarks

int main(int argc, char** argv) {
  using namespace passerelle::benchmarks;  // NOLINT
  const Settings settings = ParseSettings(&argc, argv);
  benchmark::Initialize(&argc, argv);
  World w = Build(settings);
  if (!VerifyAgainstPeer(w, settings)) return 1;
  const double bandwidth = MeasureReadBandwidth();
  std::printf("memory read bandwidth: %.2f GB/s\n", bandwidth / 1e9);

  const auto& opening = *w.openings[0];
  const auto& candidate = *w.candidates[0];
  // Equal work on both sides: scores and contributions, no sentences (BM_Explain measures those).
  passerelle::engine::MatchQuery q;
  q.k = settings.k;
  q.explain = false;
  const auto profile = passerelle::engine::DefaultScoringProfile();
  const std::string nc = std::to_string(settings.candidates), no = std::to_string(settings.openings);
  benchmark::RegisterBenchmark(("BM_MatchCandidates/engine/" + nc).c_str(), [&](benchmark::State& st) {
    for (auto _ : st) benchmark::DoNotOptimize(w.index->MatchCandidatesFor(opening, q, profile));
  })->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark(("BM_MatchCandidates/scalar/" + nc).c_str(), [&](benchmark::State& st) {
    for (auto _ : st) benchmark::DoNotOptimize(w.peer->MatchCandidates(opening, settings.k));
  })->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark(("BM_MatchOpenings/engine/" + no).c_str(), [&](benchmark::State& st) {
    for (auto _ : st) benchmark::DoNotOptimize(w.index->MatchOpeningsFor(candidate, q, profile));
  })->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark(("BM_MatchOpenings/scalar/" + no).c_str(), [&](benchmark::State& st) {
    for (auto _ : st) benchmark::DoNotOptimize(w.peer->MatchOpenings(candidate, settings.k));
  })->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_ExplainPair", [&](benchmark::State& st) {
    for (auto _ : st) {
      benchmark::DoNotOptimize(passerelle::engine::ExplainPair(candidate, opening, profile, *w.data, w.index->relations()));
    }
  })->Unit(benchmark::kMicrosecond);
  CollectingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);

  struct Row { std::string query, scale; double engine_s, scalar_s, bytes; };
  const std::vector<Row> rows = {
      {"MatchCandidates", nc, reporter.seconds["BM_MatchCandidates/engine/" + nc],
       reporter.seconds["BM_MatchCandidates/scalar/" + nc], CandidateQueryBytes(w, opening)},
      {"MatchOpenings", no, reporter.seconds["BM_MatchOpenings/engine/" + no],
       reporter.seconds["BM_MatchOpenings/scalar/" + no], OpeningQueryBytes(w, candidate)}};
  std::printf("\n%-16s %10s %12s %12s %9s %12s %12s\n", "query", "rows", "engine ms", "scalar ms", "speed-up",
              "bytes read", "of floor");
  bool faster = true;
  std::string json = "{\"bandwidth_bytes_per_s\": " + std::to_string(bandwidth) + ", \"queries\": [";
  for (const Row& r : rows) {
    const double floor_s = r.bytes / bandwidth;
    std::printf("%-16s %10s %12.3f %12.3f %8.1fx %11.1fM %11.1f%%\n", r.query.c_str(), r.scale.c_str(),
                r.engine_s * 1e3, r.scalar_s * 1e3, r.scalar_s / r.engine_s, r.bytes / 1e6, 100 * floor_s / r.engine_s);
    faster = faster && r.engine_s < r.scalar_s;
    json += (r.query == "MatchCandidates" ? "" : ", ") + std::string("{\"query\": \"") + r.query + "\", \"rows\": " +
            r.scale + ", \"engine_s\": " + std::to_string(r.engine_s) + ", \"scalar_s\": " +
            std::to_string(r.scalar_s) + ", \"bytes\": " + std::to_string(r.bytes) + "}";
  }
  json += "]}\n";
  if (!settings.json_path.empty()) {
    if (FILE* f = std::fopen(settings.json_path.c_str(), "w")) std::fputs(json.c_str(), f), std::fclose(f);
  }
  if (!faster) std::fprintf(stderr, "FAIL: the engine is not faster than the scalar peer\n");
  return faster ? 0 : 1;
}
