// Micro benchmarks of the engine's parts, each next to a peer measured in the same run (docs/benchmarks.md):
//
// 1. The scoring kernels, both directions, on every row: a query with near-misses requested scores every
//    live row with the full kernel (no row selection, no segment skipped), against the scalar peer
//    scoring every pair one at a time over objects. Printed as nanoseconds per pair and the ratio, from
//    wall time and from CPU time, after the vector path that ran (`kernel path:`); then the engine's side
//    again on every other vector path the CPU supports (`kernel path avx2, CPU time: ...`), each
//    checked against the peer first.
// 2. Top-k selection: engine::TopK (bounded heap, ties by id, fed one score at a time as a scan produces
//    them) against std::partial_sort and std::sort of the whole scored list, on the same scores and ids;
//    TopK's result is checked equal to partial_sort's first.
// 3. Index update under concurrent queries: batches of 1,000 candidates upserted into the index, timed
//    alone and while another thread runs MatchCandidates without pause; and the queries' latency alone
//    and during the updates. Printed as ratios (under load / alone).
//
// Usage: passerelle_micro_benchmark [--candidates=100000] [--openings=10000] [--k=10] [--json=FILE]
//                                   [Google Benchmark flags]
// Exit status 1 when a check fails (kernel results differ from the peer's, top-k differs from the sort).
#include <algorithm>
#include <cmath>
#include <atomic>
#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "benchmark/benchmark.h"
#include "benchmarks/collecting_reporter.h"
#include "benchmarks/peers/scalar_peer.h"
#include "engine/index/match_index.h"
#include "engine/index/top_k.h"
#include "engine/sample/cohort_generator.h"
#include "engine/scoring/kernel_dispatch.h"

namespace passerelle::benchmarks {
namespace {

using engine::MatchIndex;

struct Settings {
  int64_t candidates = 100000;
  int64_t openings = 10000;
  int k = 10;
  std::string json_path;  // --json=FILE: every timing, in seconds per iteration
};

Settings ParseSettings(int* argc, char** argv) {
  Settings s;
  int kept = 1;
  for (int i = 1; i < *argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](const std::string& prefix) -> const char* {
      return arg.rfind(prefix, 0) == 0 ? argv[i] + prefix.size() : nullptr;
    };
    if (const char* v = value("--candidates=")) { (void)absl::SimpleAtoi(v, &s.candidates); continue; }
    if (const char* v = value("--openings=")) { (void)absl::SimpleAtoi(v, &s.openings); continue; }
    if (const char* v = value("--k=")) { (void)absl::SimpleAtoi(v, &s.k); continue; }
    if (const char* v = value("--json=")) { s.json_path = v; continue; }
    argv[kept++] = argv[i];  // Google Benchmark's own flags
  }
  *argc = kept;
  return s;
}

// Same top-k (rank by rank, scores within float tolerance) from the engine and the peer.
bool SameScores(const absl::StatusOr<engine::MatchResult>& engine_top, const std::vector<PeerMatch>& peer_top) {
  if (!engine_top.ok() || engine_top->matches.size() != peer_top.size()) return false;
  for (size_t i = 0; i < peer_top.size(); ++i) {
    if (std::abs(engine_top->matches[i].total - peer_top[i].score) > 1e-4f) return false;
  }
  return true;
}

int Run(int argc, char** argv) {
  const Settings s = ParseSettings(&argc, argv);
  benchmark::Initialize(&argc, argv);
  auto data = *engine::ReferenceData::Load(engine::ReferenceData::DefaultDataDir());
  MatchIndex index(data);
  ScalarPeer peer(index.relations(), engine::DefaultScoringProfile());
  engine::CohortOptions options;
  options.candidates = s.candidates;
  options.openings = s.openings;
  engine::CohortGenerator generator(data, options);
  std::vector<std::shared_ptr<const engine::ResolvedCandidate>> candidates;
  std::vector<std::shared_ptr<const engine::ResolvedOpening>> openings;
  for (int64_t i = 0; i < s.candidates; ++i) candidates.push_back(*index.ResolveCandidate(generator.MakeCandidate(i)));
  for (int64_t i = 0; i < s.openings; ++i) openings.push_back(*index.ResolveOpening(generator.MakeOpening(i)));
  for (size_t i = 0; i < candidates.size(); i += 4096) index.UpsertCandidates(absl::MakeConstSpan(candidates).subspan(i, 4096));
  index.UpsertOpenings(openings);
  for (const auto& c : candidates) peer.AddCandidate(c);
  for (const auto& o : openings) peer.AddOpening(o);
  std::printf("kernel path: %s (PASSERELLE_KERNEL may force a lower one)\n",
              std::string(engine::scoring::ActiveKernelPathName()).c_str());
  const auto profile = engine::DefaultScoringProfile();
  const engine::ResolvedOpening& opening = *openings.front();
  const engine::ResolvedCandidate& candidate = *candidates.front();
  bool ok = true;

  // 1. Kernels on every row: near_misses = 1 turns off row selection and segment skipping.
  engine::MatchQuery full;
  full.k = s.k;
  full.near_misses = 1;
  full.explain = false;
  if (!SameScores(index.MatchCandidatesFor(opening, full, profile), peer.MatchCandidates(opening, s.k)) ||
      !SameScores(index.MatchOpeningsFor(candidate, full, profile), peer.MatchOpenings(candidate, s.k))) {
    std::printf("FAIL: the full kernel's top-%d differs from the scalar peer's\n", s.k);
    ok = false;
  }
  benchmark::RegisterBenchmark("BM_Kernel/candidates/engine", [&](benchmark::State& st) {
    for (auto _ : st) benchmark::DoNotOptimize(index.MatchCandidatesFor(opening, full, profile));
  })->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_Kernel/candidates/scalar", [&](benchmark::State& st) {
    for (auto _ : st) benchmark::DoNotOptimize(peer.MatchCandidates(opening, s.k));
  })->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_Kernel/openings/engine", [&](benchmark::State& st) {
    for (auto _ : st) benchmark::DoNotOptimize(index.MatchOpeningsFor(candidate, full, profile));
  })->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_Kernel/openings/scalar", [&](benchmark::State& st) {
    for (auto _ : st) benchmark::DoNotOptimize(peer.MatchOpenings(candidate, s.k));
  })->Unit(benchmark::kMillisecond);
  // The same engine cases on every other vector path this CPU supports (BM_KernelPath/<path>/...), each
  // checked against the scalar peer first: the portable binary must meet the targets on each of them.
  const std::string active_path(engine::scoring::ActiveKernelPathName());
  std::vector<std::string> other_paths;
  for (const auto* path : engine::scoring::SupportedKernelPaths()) {
    if (path->name != active_path) other_paths.push_back(path->name);
  }
  for (const std::string& path : other_paths) {
    (void)engine::scoring::UseKernelPath(path);
    if (!SameScores(index.MatchCandidatesFor(opening, full, profile), peer.MatchCandidates(opening, s.k)) ||
        !SameScores(index.MatchOpeningsFor(candidate, full, profile), peer.MatchOpenings(candidate, s.k))) {
      std::printf("FAIL: the full kernel's top-%d on path %s differs from the scalar peer's\n", s.k, path.c_str());
      ok = false;
    }
    auto on_path = [&, path](auto query) {
      return [&, path, query](benchmark::State& st) {
        (void)engine::scoring::UseKernelPath(path);
        for (auto _ : st) benchmark::DoNotOptimize(query());
        (void)engine::scoring::UseKernelPath(active_path);
      };
    };
    benchmark::RegisterBenchmark(("BM_KernelPath/" + path + "/candidates/engine").c_str(),
                                 on_path([&] { return index.MatchCandidatesFor(opening, full, profile); }))
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("BM_KernelPath/" + path + "/openings/engine").c_str(),
                                 on_path([&] { return index.MatchOpeningsFor(candidate, full, profile); }))
        ->Unit(benchmark::kMillisecond);
  }
  (void)engine::scoring::UseKernelPath(active_path);

  // 2. Top-k over one score per candidate (random, with ties: scores on a 1/1000 grid).
  std::vector<std::string> ids;
  ids.reserve(candidates.size());
  for (const auto& c : candidates) ids.push_back(c->id());
  std::mt19937 rng(7);
  std::vector<float> scores(ids.size());
  for (float& x : scores) x = static_cast<float>(rng() % 1000) / 1000.0f;
  auto heap_top = [&] {
    engine::TopK<int> top(static_cast<size_t>(s.k));
    for (size_t i = 0; i < scores.size(); ++i) {
      if (top.MayAccept(scores[i])) top.Push(scores[i], ids[i], static_cast<int>(i));
    }
    return top.Take();
  };
  auto sort_top = [&] {
    std::vector<int> order(scores.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
    const size_t k = std::min<size_t>(s.k, order.size());
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(), [&](int a, int b) {
      return scores[a] != scores[b] ? scores[a] > scores[b] : ids[a] < ids[b];
    });
    order.resize(k);
    return order;
  };
  {
    const auto heap = heap_top();
    const auto sorted = sort_top();
    bool same = heap.size() == sorted.size();
    for (size_t i = 0; same && i < heap.size(); ++i) same = heap[i].payload == sorted[i];
    if (!same) {
      std::printf("FAIL: TopK differs from std::partial_sort\n");
      ok = false;
    }
  }
  benchmark::RegisterBenchmark("BM_TopK/heap", [&](benchmark::State& st) {
    for (auto _ : st) benchmark::DoNotOptimize(heap_top());
  })->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_TopK/partial_sort", [&](benchmark::State& st) {
    for (auto _ : st) benchmark::DoNotOptimize(sort_top());
  })->Unit(benchmark::kMillisecond);
  // What a first implementation often does: sort everything, keep the first k.
  benchmark::RegisterBenchmark("BM_TopK/full_sort", [&](benchmark::State& st) {
    for (auto _ : st) {
      std::vector<int> order(scores.size());
      for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
      std::sort(order.begin(), order.end(), [&](int a, int b) {
        return scores[a] != scores[b] ? scores[a] > scores[b] : ids[a] < ids[b];
      });
      order.resize(std::min<size_t>(s.k, order.size()));
      benchmark::DoNotOptimize(order);
    }
  })->Unit(benchmark::kMillisecond);

  // 3. Updates under concurrent queries: 1,000 of the cohort's own records put again (replaced in place)
  // per iteration, alone and while a second thread queries without pause; and the query alone and while
  // a second thread updates without pause.
  engine::MatchQuery query;
  query.k = s.k;
  query.explain = false;
  const size_t batches = std::max<size_t>(1, candidates.size() / 1000);
  auto update = [&](size_t iteration) {
    const size_t begin = (iteration % batches) * 1000;
    index.UpsertCandidates(absl::MakeConstSpan(candidates).subspan(begin, std::min<size_t>(1000, candidates.size() - begin)));
  };
  // Runs `body` in a loop on another thread for the duration of `st`.
  auto with_background = [](benchmark::State& st, auto measured, auto body) {
    std::atomic<bool> stop{false};
    std::thread other([&] {
      for (size_t i = 0; !stop; ++i) body(i);
    });
    size_t i = 0;
    for (auto _ : st) measured(i++);
    stop = true;
    other.join();
  };
  benchmark::RegisterBenchmark("BM_Update/alone", [&](benchmark::State& st) {
    size_t i = 0;
    for (auto _ : st) update(i++);
  })->Unit(benchmark::kMillisecond)->UseRealTime();
  benchmark::RegisterBenchmark("BM_Update/under_queries", [&](benchmark::State& st) {
    with_background(st, update, [&](size_t) { benchmark::DoNotOptimize(index.MatchCandidatesFor(opening, query, profile)); });
  })->Unit(benchmark::kMillisecond)->UseRealTime();
  benchmark::RegisterBenchmark("BM_Query/alone", [&](benchmark::State& st) {
    for (auto _ : st) benchmark::DoNotOptimize(index.MatchCandidatesFor(opening, query, profile));
  })->Unit(benchmark::kMillisecond)->UseRealTime();
  benchmark::RegisterBenchmark("BM_Query/during_updates", [&](benchmark::State& st) {
    with_background(st, [&](size_t) { benchmark::DoNotOptimize(index.MatchCandidatesFor(opening, query, profile)); },
                    update);
  })->Unit(benchmark::kMillisecond)->UseRealTime();

  CollectingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  auto t = [&](const char* name) { return reporter.seconds[name]; };
  const double nc = static_cast<double>(s.candidates), no = static_cast<double>(s.openings);
  std::printf("\nkernel, one opening x every candidate: %.2f ns/pair, scalar peer %.2f ns/pair: %.1fx\n",
              t("BM_Kernel/candidates/engine") / nc * 1e9, t("BM_Kernel/candidates/scalar") / nc * 1e9,
              t("BM_Kernel/candidates/scalar") / t("BM_Kernel/candidates/engine"));
  std::printf("kernel, one candidate x every opening: %.2f ns/pair, scalar peer %.2f ns/pair: %.1fx\n",
              t("BM_Kernel/openings/engine") / no * 1e9, t("BM_Kernel/openings/scalar") / no * 1e9,
              t("BM_Kernel/openings/scalar") / t("BM_Kernel/openings/engine"));
  // The same from CPU time (the kernel cases are single-threaded below 65,536 rows per thread): steadier
  // than wall time when other work shares the cores.
  auto c = [&](const char* name) { return reporter.cpu_seconds[name]; };
  std::printf("same, CPU time: one opening x every candidate %.2f vs %.2f ns/pair (%.1fx); one candidate x every "
              "opening %.2f vs %.2f ns/pair (%.1fx)\n",
              c("BM_Kernel/candidates/engine") / nc * 1e9, c("BM_Kernel/candidates/scalar") / nc * 1e9,
              c("BM_Kernel/candidates/scalar") / c("BM_Kernel/candidates/engine"),
              c("BM_Kernel/openings/engine") / no * 1e9, c("BM_Kernel/openings/scalar") / no * 1e9,
              c("BM_Kernel/openings/scalar") / c("BM_Kernel/openings/engine"));
  for (const std::string& path : other_paths) {
    const std::string prefix = "BM_KernelPath/" + path + "/";
    const double ec = c((prefix + "candidates/engine").c_str()), eo = c((prefix + "openings/engine").c_str());
    std::printf("kernel path %s, CPU time: one opening x every candidate %.2f vs %.2f ns/pair (%.1fx); one candidate "
                "x every opening %.2f vs %.2f ns/pair (%.1fx)\n",
                path.c_str(), ec / nc * 1e9, c("BM_Kernel/candidates/scalar") / nc * 1e9,
                c("BM_Kernel/candidates/scalar") / ec, eo / no * 1e9, c("BM_Kernel/openings/scalar") / no * 1e9,
                c("BM_Kernel/openings/scalar") / eo);
  }
  std::printf("top-%d of %zu scores: TopK %.3f ms; std::partial_sort %.3f ms (%.2fx); std::sort %.3f ms (%.1fx)\n",
              s.k, scores.size(), t("BM_TopK/heap") * 1e3, t("BM_TopK/partial_sort") * 1e3,
              t("BM_TopK/partial_sort") / t("BM_TopK/heap"), t("BM_TopK/full_sort") * 1e3,
              t("BM_TopK/full_sort") / t("BM_TopK/heap"));
  std::printf("update of 1,000 candidates: %.2f ms alone, %.2f ms under queries (%.2fx)\n", t("BM_Update/alone") * 1e3,
              t("BM_Update/under_queries") * 1e3, t("BM_Update/under_queries") / t("BM_Update/alone"));
  std::printf("MatchCandidates over %lld: %.3f ms alone, %.3f ms during updates (%.2fx)\n",
              static_cast<long long>(s.candidates), t("BM_Query/alone") * 1e3, t("BM_Query/during_updates") * 1e3,
              t("BM_Query/during_updates") / t("BM_Query/alone"));
  if (!s.json_path.empty()) {
    std::FILE* f = std::fopen(s.json_path.c_str(), "w");
    if (f == nullptr) {
      std::printf("FAIL: cannot write %s\n", s.json_path.c_str());
      return 1;
    }
    std::fprintf(f, "{\"candidates\": %lld, \"openings\": %lld, \"k\": %d, \"ok\": %s, \"seconds\": {",
                 static_cast<long long>(s.candidates), static_cast<long long>(s.openings), s.k, ok ? "true" : "false");
    const char* separator = "";
    for (const auto& [name, seconds] : reporter.seconds) {
      std::fprintf(f, "%s\"%s\": %.9g", separator, name.c_str(), seconds);
      separator = ", ";
    }
    std::fprintf(f, "}}\n");
    std::fclose(f);
  }
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace passerelle::benchmarks

int main(int argc, char** argv) { return passerelle::benchmarks::Run(argc, argv); }
