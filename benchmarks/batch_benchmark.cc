// Whole-cohort batch work at scale, side by side with the scalar peer, in one run:
// 1. re-ranks every candidate against every opening (engine::Rerank, all cores, geographic pruning) and
//    reports pairs per second next to the scalar peer's rate on a slice of the same cohort (the peer
//    scores every pair; the slice keeps the run short, rates are per pair);
// 2. checks the two agree on that slice (top-k ids and scores) before reporting any rate;
// 3. assigns candidates to openings under capacities from the re-ranked pairs with each mechanism and
//    prints time, total score and the gain over the greedy baseline (optimal also with the objective
//    "most people placed");
// 4. measures how the openings' top-10 candidate lists fall across French level bands, and what a
//    representative re-ranking that keeps candidates at A1 at their pool share of every top-10 prefix
//    costs in score.
//
// Rankings are kept as (opening index, score) pairs, 8 bytes each, so that 1M candidates x top 50 fit in
// memory. Steps 3 and 4 run only when the pools hold at most --assign_max_pairs pairs (the optimal
// assignment of 50M pairs would take longer than everything else; the large run re-ranks only).
//
// Openings are kept in place order within their région/housing bucket (a candidate block reads only the
// opening blocks within its reach); --openings_arrival_order keeps them in arrival order, to measure the
// layout before and after in runs of the same binary. --no_top_k_bound scores every row the selection
// keeps (RerankOptions::skip_rows_below_top_k off), the same A/B for the bound below a candidate's top k;
// --candidate_major scores each block of candidates one candidate at a time rather than segment by segment
// (RerankOptions::segment_major off). The printed rankings digest (every candidate's ranking hashed) must be
// the same with any of these flags.
//
// Usage: passerelle_batch_benchmark [--candidates=100000] [--openings=10000] [--k=50] [--peer_slice=2000]
//                                   [--assign_max_pairs=10000000] [--openings_arrival_order] [--no_top_k_bound]
//                                   [--candidate_major] [--json=FILE]
#include <sys/resource.h>

#include <bit>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "benchmarks/peers/scalar_peer.h"
#include "engine/batch/assignment.h"
#include "engine/batch/exposure.h"
#include "engine/batch/rerank.h"
#include "engine/index/match_index.h"
#include "engine/sample/cohort_generator.h"

namespace passerelle::benchmarks {
namespace {

using Clock = std::chrono::steady_clock;
double Since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// CPU seconds (user + system) of the process so far: on a machine shared with other work, the re-ranking's
// CPU time moves less with the load than its wall time.
double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + 1e-6 * static_cast<double>(t.tv_usec);
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

struct Settings {
  int64_t candidates = 100000;
  int64_t openings = 10000;
  int k = 50;
  int64_t peer_slice = 2000;
  int64_t assign_max_pairs = 10000000;
  bool openings_arrival_order = false;
  bool top_k_bound = true;
  bool segment_major = true;
  std::string json_path;
};

Settings Parse(int argc, char** argv) {
  Settings s;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    auto take = [&](absl::string_view name, auto* out) {
      if (!absl::StartsWith(arg, name)) return false;
      return absl::SimpleAtoi(arg.substr(name.size()), out);
    };
    if (take("--candidates=", &s.candidates) || take("--openings=", &s.openings) || take("--k=", &s.k) ||
        take("--peer_slice=", &s.peer_slice) || take("--assign_max_pairs=", &s.assign_max_pairs)) {
      continue;
    }
    if (arg == "--openings_arrival_order") {
      s.openings_arrival_order = true;
      continue;
    }
    if (arg == "--no_top_k_bound") {
      s.top_k_bound = false;
      continue;
    }
    if (arg == "--candidate_major") {
      s.segment_major = false;
      continue;
    }
    if (absl::StartsWith(arg, "--json=")) {
      s.json_path = std::string(arg.substr(7));
      continue;
    }
    std::fprintf(stderr, "unknown argument: %s\n", argv[i]);
    std::exit(2);
  }
  return s;
}

struct Cohort {
  std::unique_ptr<engine::MatchIndex> index;
  std::vector<std::shared_ptr<const engine::ResolvedCandidate>> candidates;
  std::vector<std::shared_ptr<const engine::ResolvedOpening>> openings;
};

Cohort Build(const Settings& s, std::shared_ptr<const engine::ReferenceData> data) {
  Cohort c;
  engine::MatchIndexOptions index_options;
  if (s.openings_arrival_order) index_options.opening_reorder_min_rows = 0;
  c.index = std::make_unique<engine::MatchIndex>(data, index_options);
  engine::CohortOptions options;
  options.candidates = s.candidates;
  options.openings = s.openings;
  engine::CohortGenerator generator(data, options);
  for (int64_t i = 0; i < s.candidates; ++i) c.candidates.push_back(*c.index->ResolveCandidate(generator.MakeCandidate(i)));
  for (int64_t i = 0; i < s.openings; ++i) c.openings.push_back(*c.index->ResolveOpening(generator.MakeOpening(i)));
  for (size_t i = 0; i < c.candidates.size(); i += 4096) {
    c.index->UpsertCandidates(absl::MakeConstSpan(c.candidates).subspan(i, 4096));
  }
  c.index->UpsertOpenings(c.openings);
  return c;
}

// One entry of a candidate's ranking: the opening's index in Cohort::openings and the score.
struct Ranked {
  int32_t opening;
  float score;
};

// Record index of a generated id ("cand-000042", "open-000042": CohortGenerator::CandidateId/OpeningId).
int32_t IndexOf(absl::string_view id) {
  int32_t i = -1;
  if (id.size() <= 5 || !absl::SimpleAtoi(id.substr(5), &i)) {
    std::fprintf(stderr, "unexpected generated id %s\n", std::string(id).c_str());
    std::exit(1);
  }
  return i;
}

// The first line of /proc/loadavg (the machine is shared: every figure goes with its load).
std::string LoadAverage() {
  char buf[128] = {};
  if (FILE* f = std::fopen("/proc/loadavg", "r")) {
    if (std::fgets(buf, sizeof(buf), f) == nullptr) buf[0] = 0;
    std::fclose(f);
  }
  std::string out(buf);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

}  // namespace
}  // namespace passerelle::benchmarks

int main(int argc, char** argv) {
  using namespace passerelle;  // NOLINT
  using namespace passerelle::benchmarks;  // NOLINT
  const Settings s = Parse(argc, argv);
  auto data = *engine::ReferenceData::Load(engine::ReferenceData::DefaultDataDir());
  auto start = Clock::now();
  Cohort cohort = Build(s, data);
  std::printf("built %lld candidates x %lld openings in %.1f s (openings in %s order)\n",
              static_cast<long long>(s.candidates), static_cast<long long>(s.openings), Since(start),
              s.openings_arrival_order ? "arrival" : "place");

  // 1. Re-rank everyone.
  engine::RerankOptions options;
  options.k = s.k;
  options.skip_rows_below_top_k = s.top_k_bound;
  options.segment_major = s.segment_major;
  options.progress_every = std::max<int64_t>(1000, s.candidates / 20);  // a line on stderr every 5%
  std::vector<std::vector<Ranked>> rankings(static_cast<size_t>(s.candidates));
  engine::RerankProgress last;
  const std::string load_before = LoadAverage();
  start = Clock::now();
  const double cpu_before = CpuSeconds();
  absl::Status status = engine::Rerank(
      *cohort.index, engine::DefaultScoringProfile(), options,
      [&](engine::CandidateRanking r) {  // called under Rerank's lock, one ranking at a time
        std::vector<Ranked>& out = rankings[IndexOf(r.candidate_id)];
        out.reserve(r.matches.size());
        for (const engine::ScoredMatch& m : r.matches) out.push_back({IndexOf(m.id), m.total});
      },
      [&](const engine::RerankProgress& p) {
        last = p;
        std::fprintf(stderr, "rerank progress: %lld of %lld candidates, %lld pairs scored, %.1f s\n",
                     static_cast<long long>(p.candidates_done), static_cast<long long>(p.candidates_total),
                     static_cast<long long>(p.pairs_scored), p.elapsed_seconds);
      });
  const double rerank_s = Since(start);
  const double rerank_cpu_s = CpuSeconds() - cpu_before;
  std::printf("load average before / after the re-ranking: %s / %s\n", load_before.c_str(), LoadAverage().c_str());
  if (!status.ok()) {
    std::fprintf(stderr, "rerank failed: %s\n", std::string(status.message()).c_str());
    return 1;
  }
  const double all_pairs = static_cast<double>(s.candidates) * static_cast<double>(s.openings);
  // Every candidate's ranking (opening indices and score bits, in candidate order) in one FNV-1a hash: two
  // runs, two binaries or two paths with the same digest gave every candidate the same ranking.
  uint64_t digest = 14695981039346656037ull;
  const auto mix = [&digest](uint32_t v) {
    for (int b = 0; b < 4; ++b) digest = (digest ^ ((v >> (8 * b)) & 0xFF)) * 1099511628211ull;
  };
  for (const auto& ranking : rankings) {
    mix(static_cast<uint32_t>(ranking.size()));
    for (const Ranked& m : ranking) mix(static_cast<uint32_t>(m.opening)), mix(std::bit_cast<uint32_t>(m.score));
  }
  std::printf("rankings digest: %016llx (%s)\n", static_cast<unsigned long long>(digest),
              s.segment_major ? "segment-major" : "candidate-major");

  // 2. The scalar peer on a slice, checked against the engine's rankings.
  ScalarPeer peer(cohort.index->relations(), engine::DefaultScoringProfile());
  for (const auto& o : cohort.openings) peer.AddOpening(o);
  const int64_t slice = std::min<int64_t>(s.peer_slice, s.candidates);
  start = Clock::now();
  int mismatches = 0;
  for (int64_t i = 0; i < slice; ++i) {
    const auto& c = *cohort.candidates[i];
    std::vector<PeerMatch> expected = peer.MatchOpenings(c, s.k);
    const auto& got = rankings[i];
    bool same = expected.size() == got.size();
    for (size_t j = 0; same && j < got.size(); ++j) same = std::abs(expected[j].score - got[j].score) < 1e-4f;
    mismatches += !same;
  }
  const double peer_s = Since(start);
  if (mismatches > 0) {
    std::fprintf(stderr, "TOP-K MISMATCH: %d of %lld candidates differ from the scalar peer\n", mismatches,
                 static_cast<long long>(slice));
    return 1;
  }
  const double engine_rate = all_pairs / rerank_s;
  const double peer_rate = static_cast<double>(slice) * static_cast<double>(s.openings) / peer_s;
  std::printf("rerank: %.2f s (%.2f s of CPU) for %.3g pairs (%.3g pairs/s; %lld scored, %lld pruned; of those scored %lld below "
              "the top k, bound %s); scalar peer %.3g pairs/s on %lld candidates (equal top-%d): %.1fx\n",
              rerank_s, rerank_cpu_s, all_pairs, engine_rate, static_cast<long long>(last.pairs_scored),
              static_cast<long long>(last.pairs_pruned), static_cast<long long>(last.pairs_below_top_k),
              s.top_k_bound ? "on" : "off", peer_rate, static_cast<long long>(slice), s.k,
              engine_rate / peer_rate);

  std::string json = "{\"candidates\": " + std::to_string(s.candidates) + ", \"openings\": " +
                     std::to_string(s.openings) + ", \"rerank_s\": " + std::to_string(rerank_s) +
                     ", \"rerank_cpu_s\": " + std::to_string(rerank_cpu_s) + ", \"engine_pairs_per_s\": " +
                     std::to_string(engine_rate) + ", \"scalar_pairs_per_s\": " + std::to_string(peer_rate) +
                     ", \"pairs_scored\": " + std::to_string(last.pairs_scored) +
                     ", \"pairs_pruned\": " + std::to_string(last.pairs_pruned) + ", \"pairs_below_top_k\": " +
                     std::to_string(last.pairs_below_top_k) + ", \"opening_order\": \"" +
                     (s.openings_arrival_order ? "arrival" : "place") + "\"";
  int64_t pool_pairs = 0;
  for (const auto& r : rankings) pool_pairs += static_cast<int64_t>(r.size());
  if (pool_pairs > s.assign_max_pairs) {
    std::printf("assignment and exposure skipped: %lld pairs in the pools > --assign_max_pairs=%lld\n",
                static_cast<long long>(pool_pairs), static_cast<long long>(s.assign_max_pairs));
    json += "}\n";
    if (!s.json_path.empty()) {
      if (FILE* f = std::fopen(s.json_path.c_str(), "w")) std::fputs(json.c_str(), f), std::fclose(f);
    }
    return 0;
  }

  // 3. Assignment under capacities over the re-ranked pairs.
  engine::AssignmentProblem problem;
  problem.candidate_count = static_cast<int32_t>(s.candidates);
  for (size_t j = 0; j < cohort.openings.size(); ++j) {
    problem.opening_capacity.push_back(cohort.openings[j]->record.positions);
  }
  for (size_t i = 0; i < cohort.candidates.size(); ++i) {
    for (const Ranked& m : rankings[i]) problem.pairs.push_back({static_cast<int32_t>(i), m.opening, m.score});
  }
  json += ", \"assignment\": [";
  struct Row {
    const char* name;
    engine::AssignmentMechanism mechanism;
    engine::AssignmentObjective objective;
  };
  using M = engine::AssignmentMechanism;
  using O = engine::AssignmentObjective;
  const Row rows[] = {{"optimal", M::kOptimal, O::kMaxTotalScore},
                      {"people", M::kOptimal, O::kMaxPeoplePlaced},  // optimal, most people placed first
                      {"stable", M::kStableDeferredAcceptance, O::kMaxTotalScore},
                      {"greedy", M::kGreedy, O::kMaxTotalScore}};
  for (const Row& row : rows) {
    engine::AssignmentOptions a;
    a.mechanism = row.mechanism;
    a.objective = row.objective;
    a.compute_other_objective = false;  // each objective is timed on its own row
    const char* name = row.name;
    start = Clock::now();
    auto result = engine::Assign(problem, a);
    const double assign_s = Since(start);
    if (!result.ok()) {
      std::fprintf(stderr, "assignment failed: %s\n", std::string(result.status().message()).c_str());
      return 1;
    }
    const auto& r = result->report;
    const double greedy_total = result->greedy_baseline ? result->greedy_baseline->total_score : r.total_score;
    std::printf("assign %-9s %6.2f s  assigned %d  total %.1f  mean %.3f  empty positions %lld  vs greedy %.3fx\n",
                name, assign_s, r.assigned_count, r.total_score, r.mean_score,
                static_cast<long long>(r.positions_left_empty), r.total_score / greedy_total);
    json += std::string(&row == rows ? "" : ", ") + "{\"mechanism\": \"" + name +
            "\", \"seconds\": " + std::to_string(assign_s) +
            ", \"assigned\": " + std::to_string(r.assigned_count) + ", \"total_score\": " +
            std::to_string(r.total_score) + ", \"greedy_total_score\": " + std::to_string(greedy_total) + "}";
  }
  json += "]";

  // 4. Exposure of the openings' top-10 lists by French band; representative re-ranking for A1.
  std::vector<std::string> band(cohort.candidates.size());
  for (size_t i = 0; i < band.size(); ++i) {
    band[i] = engine::GroupOf(cohort.candidates[i]->record, engine::WatchedAttribute::kFrenchBand, *data);
  }
  std::vector<std::vector<engine::RankedEntry>> lists(cohort.openings.size());
  for (size_t i = 0; i < cohort.candidates.size(); ++i) {
    for (const Ranked& m : rankings[i]) lists[m.opening].push_back({static_cast<int32_t>(i), m.score, band[i]});
  }
  const std::string group = "A1";
  const double pool_share = static_cast<double>(std::count(band.begin(), band.end(), group)) / band.size();
  std::vector<int32_t> plain_slots, fair_slots;
  double before = 0, after = 0;
  int64_t short_prefixes = 0;
  start = Clock::now();
  for (auto& list : lists) {
    std::stable_sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.score > b.score; });
    const engine::RepresentativeList fair = engine::RepresentativeRerank(list, 10, group, pool_share);
    for (size_t p = 0; p < fair.entries.size(); ++p) {
      plain_slots.push_back(list[p].candidate);
      fair_slots.push_back(fair.entries[p].candidate);
    }
    before += fair.score_before;
    after += fair.score_after;
    short_prefixes += fair.prefixes_short;
  }
  const double fair_s = Since(start);
  const auto ratio = [&](const std::vector<int32_t>& slots) {
    for (const engine::GroupExposure& g : engine::MeasureExposure(engine::WatchedAttribute::kFrenchBand, band, slots).groups) {
      if (g.group == group) return g.exposure_ratio;
    }
    return 0.0;
  };
  std::printf("exposure of %s (%.1f%% of the pool) in the openings' top-10: ratio %.2f plain, %.2f representative; "
              "score %.1f -> %.1f (cost %.2f%%), %lld prefixes short of members, %.2f s\n",
              group.c_str(), 100 * pool_share, ratio(plain_slots), ratio(fair_slots), before, after,
              before > 0 ? 100 * (before - after) / before : 0.0, static_cast<long long>(short_prefixes), fair_s);
  json += ", \"exposure_a1\": {\"pool_share\": " + std::to_string(pool_share) + ", \"ratio_plain\": " +
          std::to_string(ratio(plain_slots)) + ", \"ratio_representative\": " + std::to_string(ratio(fair_slots)) +
          ", \"score_before\": " + std::to_string(before) + ", \"score_after\": " + std::to_string(after) + "}}\n";
  if (!s.json_path.empty()) {
    if (FILE* f = std::fopen(s.json_path.c_str(), "w")) std::fputs(json.c_str(), f), std::fclose(f);
  }
  return 0;
}
