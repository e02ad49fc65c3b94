// Match queries at national scale, side by side with the scalar peer, in one run.
//
// 1. Generates a realistic cohort (engine/sample) of --candidates and --openings and loads it into the
//    engine's index and into the scalar peer.
// 2. Checks, for --verify_queries queries in each direction, that the engine's top-k equals the peer's
//    (ids, and scores within 1e-4). A mismatch fails the run before any time is reported.
// 3. With --postgres, starts a throwaway PostgreSQL 15 + PostGIS cluster (benchmarks/peers/postgres_peer.h),
//    loads the same records, and checks --postgres_queries queries in each direction the same way; it then
//    times PostgreSQL on the same query as the others, and both engine and PostgreSQL on all the verified
//    queries in turn ("mix"). --postgres_conf adds postgresql.conf lines; --postgres_explain prints plans.
// 4. Measures the machine's memory read bandwidth, then times every side with Google Benchmark and prints,
//    per query, the engine/peer speed-ups, the bytes the query must read and the fraction of the bandwidth
//    floor reached. Exit status 1 on any error, on a mismatch, or when the engine is not faster than the
//    scalar peer (never on an absolute time, nor on the ratio to PostgreSQL).
//
//    It also times the verified queries with the experience criterion and without it
//    (MatchQuery::score_experience) and prints the ratio: what the criterion costs.
// 5. Times each verified query on its own, --latency_rounds times (default 5), and prints the engine's
//    latency percentiles per direction (--per_query: each query's median too). Without --postgres the
//    engine's side of the mix is timed and printed all the same (engine-only A/B runs).
// 6. Prints, over the verified openings, what MatchCandidates reads against what is in reach: the
//    candidate segments and 64-row blocks it does not skip, and the rows within an opening's reach (the
//    true floor). The
//    candidates are stored in place order (engine/columns/place_order.h); --arrival_order keeps them in
//    arrival order (no reorder), to measure the layout before and after in runs of the same binary;
//    --as_written loads them as a running server takes an import (batches of 1,000, the reorder rule of
//    MatchIndexOptions, no final reorder), the layout a server has after an import until a restart.
//    The same for MatchOpenings over the verified candidates: the rows it reads (MatchResult::scored:
//    the openings of the segments and blocks it does not skip), the rows of the segments it does not
//    skip, and the rows in the candidate's reach. Openings are kept in place order within their
//    région/housing bucket; --openings_arrival_order keeps them in arrival order.
//
// Usage: passerelle_match_benchmark [--candidates=N] [--openings=M] [--k=10] [--verify_queries=20]
//                                   [--latency_rounds=5] [--per_query] [--arrival_order] [--as_written]
//                                   [--openings_arrival_order]
//                                   [--postgres] [--postgres_queries=20] [--postgres_conf="jit = off" ...]
//                                   [--postgres_explain] [--postgres_sql] [--json=FILE]
//                                   [Google Benchmark flags]
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <map>
#include <numeric>
#include <set>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "benchmark/benchmark.h"
#include "benchmarks/peers/postgres_peer.h"
#include "benchmarks/collecting_reporter.h"
#include "benchmarks/peers/scalar_peer.h"
#include "engine/columns/place_order.h"
#include "engine/index/match_index.h"
#include "engine/sample/cohort_generator.h"
#include "engine/scoring/kernel_dispatch.h"
#include "engine/scoring/row_selection.h"

namespace passerelle::benchmarks {
namespace {

using engine::MatchIndex;

struct Settings {
  int64_t candidates = 10000;
  int64_t openings = 1000;
  int k = 10;
  int verify_queries = 20;
  int latency_rounds = 5;  // rounds of the verified queries timed one by one (percentiles); 0 = none
  bool postgres = false;  // also compare with and time the PostgreSQL peer
  int postgres_queries = 20;
  std::vector<std::string> postgres_conf;  // extra postgresql.conf lines
  bool postgres_explain = false;           // print EXPLAIN ANALYZE of the two timed queries
  bool postgres_sql = false;               // print the peer's schema, indexes and queries, and exit
  std::string json_path;
  bool arrival_order = false;  // candidates in arrival order: no place-order reorder (the layout before)
  bool as_written = false;     // candidates put in batches of 1,000 under the reorder rule, no final reorder
  bool openings_arrival_order = false;  // the same for the openings
  bool per_query = false;  // print each verified query's median latency too
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
    if (auto v = value("--latency_rounds=")) { (void)absl::SimpleAtoi(*v, &s.latency_rounds); continue; }
    if (arg == "--postgres") { s.postgres = true; continue; }
    if (arg == "--arrival_order") { s.arrival_order = true; continue; }
    if (arg == "--as_written") { s.as_written = true; continue; }
    if (arg == "--openings_arrival_order") { s.openings_arrival_order = true; continue; }
    if (arg == "--per_query") { s.per_query = true; continue; }
    if (auto v = value("--postgres_conf=")) { s.postgres_conf.emplace_back(*v); continue; }
    if (arg == "--postgres_explain") { s.postgres_explain = true; continue; }
    if (arg == "--postgres_sql") { s.postgres_sql = true; continue; }
    if (auto v = value("--postgres_queries=")) { (void)absl::SimpleAtoi(*v, &s.postgres_queries); continue; }
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

double ProcessCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + t.tv_nsec * 1e-9;
}

const char* CandidateOrder(const Settings& settings) {
  return settings.as_written ? "as_written" : settings.arrival_order ? "arrival" : "place";
}

World Build(const Settings& settings) {
  World w;
  w.data = *engine::ReferenceData::Load(engine::ReferenceData::DefaultDataDir());
  engine::MatchIndexOptions index_options;
  if (settings.arrival_order) index_options.candidate_reorder_min_rows = 0;
  if (settings.openings_arrival_order) index_options.opening_reorder_min_rows = 0;
  w.index = std::make_unique<MatchIndex>(w.data, index_options);
  w.peer = std::make_unique<ScalarPeer>(w.index->relations(), engine::DefaultScoringProfile());
  engine::CohortOptions options;
  options.candidates = settings.candidates;
  options.openings = settings.openings;
  engine::CohortGenerator generator(w.data, options);
  const auto start = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < settings.candidates; ++i) w.candidates.push_back(*w.index->ResolveCandidate(generator.MakeCandidate(i)));
  for (int64_t i = 0; i < settings.openings; ++i) w.openings.push_back(*w.index->ResolveOpening(generator.MakeOpening(i)));
  if (settings.as_written) {
    // As a server takes an import of synced batches: reorders when the rule calls for one, none at the end.
    for (size_t i = 0; i < w.candidates.size(); i += 1000) {
      w.index->UpsertCandidates(absl::MakeConstSpan(w.candidates).subspan(i, 1000));
    }
    std::printf("candidates as written (batches of 1,000; %zu of %zu rows out of place order)\n",
                w.index->unordered_candidate_rows(), w.candidates.size());
  } else {
    w.index->PauseCandidateReorders(true);
    for (size_t i = 0; i < w.candidates.size(); i += 4096) {
      w.index->UpsertCandidates(absl::MakeConstSpan(w.candidates).subspan(i, 4096));
    }
    // As at start-up (engine/store/catalog.cc): the rows the loading writes left out of order are put in
    // place order once at the end.
    w.index->PauseCandidateReorders(false);
    const auto reorder_start = std::chrono::steady_clock::now();
    const double reorder_cpu_start = ProcessCpuSeconds();
    if (!settings.arrival_order) w.index->ReorderCandidates();
    std::printf("candidates in %s order (final reorder %.2f s, %.2f s of CPU on all threads)\n",
                settings.arrival_order ? "arrival" : "place",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - reorder_start).count(),
                ProcessCpuSeconds() - reorder_cpu_start);
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


double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Starts the PostgreSQL peer and loads the world into it.
absl::StatusOr<std::unique_ptr<PostgresPeer>> StartPostgres(const World& w, const Settings& settings) {
  auto start = std::chrono::steady_clock::now();
  PostgresPeerOptions options;
  options.extra_settings = settings.postgres_conf;
  auto pg = PostgresPeer::Start(options);
  if (!pg.ok()) return pg.status();
  std::printf("postgres %s: throwaway cluster in %s, started in %.1f s\n", (*pg)->server_version().c_str(),
              (*pg)->directory().c_str(), Seconds(start));
  start = std::chrono::steady_clock::now();
  if (absl::Status s = (*pg)->Load(*w.data, w.candidates, w.openings, engine::DefaultScoringProfile()); !s.ok()) {
    return s;
  }
  const PostgresPeer::LoadTimes& t = (*pg)->load_times();
  std::printf("postgres: loaded in %.1f s (COPY %.1f s, indexes %.1f s, VACUUM ANALYZE %.1f s)\n", Seconds(start),
              t.copy_s, t.index_s, t.analyze_s);
  return pg;
}

// The queries VerifyAgainstPeer checks first: opening (i * 7919) and candidate (i * 104729), i < n.
std::vector<const engine::ResolvedOpening*> QueryOpenings(const World& w, int n) {
  std::vector<const engine::ResolvedOpening*> out;
  for (int i = 0; i < n; ++i) out.push_back(w.openings[(i * 7919) % w.openings.size()].get());
  return out;
}
std::vector<const engine::ResolvedCandidate*> QueryCandidates(const World& w, int n) {
  std::vector<const engine::ResolvedCandidate*> out;
  for (int i = 0; i < n; ++i) out.push_back(w.candidates[(i * 104729) % w.candidates.size()].get());
  return out;
}

// The same check against PostgreSQL, on the first --postgres_queries of the queries VerifyAgainstPeer uses.
bool VerifyAgainstPostgres(const World& w, const Settings& s, PostgresPeer& pg) {
  engine::MatchQuery q;
  q.k = s.k;
  q.explain = false;
  int checked = 0, non_empty = 0;
  const auto openings = QueryOpenings(w, s.postgres_queries);
  const auto candidates = QueryCandidates(w, s.postgres_queries);
  for (int i = 0; i < s.postgres_queries; ++i) {
    const auto& opening = *openings[i];
    const auto& candidate = *candidates[i];
    auto by_opening = w.index->MatchCandidatesFor(opening, q, engine::DefaultScoringProfile());
    auto pg_by_opening = pg.MatchCandidates(opening.id(), s.k);
    auto by_candidate = w.index->MatchOpeningsFor(candidate, q, engine::DefaultScoringProfile());
    auto pg_by_candidate = pg.MatchOpenings(candidate.id(), s.k);
    for (const absl::Status& st : {by_opening.status(), by_candidate.status(), pg_by_opening.status(),
                                   pg_by_candidate.status()}) {
      if (!st.ok()) {
        std::fprintf(stderr, "ERROR (postgres query %d): %s\n", i, std::string(st.message()).c_str());
        return false;
      }
    }
    std::string why;
    if (!SameTopK(by_opening->matches, *pg_by_opening, &why)) {
      std::fprintf(stderr, "TOP-K MISMATCH with PostgreSQL (MatchCandidates %s): %s\n", opening.id().c_str(), why.c_str());
      return false;
    }
    if (!SameTopK(by_candidate->matches, *pg_by_candidate, &why)) {
      std::fprintf(stderr, "TOP-K MISMATCH with PostgreSQL (MatchOpenings %s): %s\n", candidate.id().c_str(), why.c_str());
      return false;
    }
    checked += 2;
    non_empty += !by_opening->matches.empty() + !by_candidate->matches.empty();
  }
  std::printf("verified: %d queries, top-%d equal to PostgreSQL (%d with results)\n", checked, s.k, non_empty);
  return true;
}

// Bytes a full scan must read: every column the kernel reads on every row of the segments scanned
// (segments of candidates or openings that cannot be eligible are skipped, see MatchIndex), plus the
// sparse entries it walks on those rows (estimated pro rata of the rows scanned). This is the floor the
// "of floor" column uses. A query without near-misses reads less (see SelectedCandidateQueryBytes).
double CandidateQueryBytes(const World& w, const engine::ResolvedOpening& o, int64_t rows_scanned) {
  double postings = 0, skill_rows = 0, rows = 0;
  for (const auto& seg : w.index->CandidateSnapshot()->segments) {
    rows += seg->used_rows;
    postings += seg->occupation_rome.size();
    for (int32_t item : o.required_skill_indices) skill_rows += seg->skills.Rows(item).size();
    for (int32_t item : o.desired_skill_indices) skill_rows += seg->skills.Rows(item).size();
  }
  const double share = rows > 0 ? rows_scanned / rows : 0;
  // 13 float columns, 2 masks, offsets; occupation postings 8 bytes, skill postings 2 (a 16-bit row)
  return rows_scanned * (13 * 4 + 2 * 4 + 4.0) + share * (postings * 8.0 + skill_rows * 2.0);
}

// Bytes MatchCandidates without near-misses reads (docs/scoring.md, section 4): the columns that decide
// the cheap hard constraints on every row (position, radius, alive, right to work, contracts,
// availability; relocation when the opening provides housing, licence when it requires one), then, for
// the rows the selection keeps, the 64-byte lines holding them in the other columns and in the
// occupation lists, and the skill postings of the opening's items. Estimated by running the selection
// on every segment.
// The blocks of `seg` MatchCandidates reads for an opening at `position` (CandidateBlocksInReach in
// engine/index/segment_scan.h: the blocks with live rows not out of reach by the segment's rule), as a
// mask, and the used rows they hold in `rows`.
uint64_t CandidateBlocksRead(const engine::CandidateSegment& seg, const engine::UnitVector& position, bool housing,
                             int64_t* rows) {
  uint64_t mask = 0;
  *rows = 0;
  for (int b = 0; b < engine::CandidateSegment::kBlocks; ++b) {
    const int first = b * engine::CandidateSegment::kBlockRows;
    if (first >= seg.used_rows) break;
    const auto& block = seg.blocks[b];
    if (block.live_rows == 0 || engine::CandidateSegmentOutOfReach(block, position, housing)) continue;
    mask |= uint64_t{1} << b;
    *rows += std::min(seg.used_rows, first + engine::CandidateSegment::kBlockRows) - first;
  }
  return mask;
}

double SelectedCandidateQueryBytes(const World& w, const engine::ResolvedOpening& o) {
  const engine::OpeningRowFeatures features = engine::EncodeOpeningRow(o);
  const int streamed = 8 + (features.housing_provided > 0.5f) + (features.licence_requirement > 1.5f);
  engine::scoring::RowSelection selection;
  engine::FloatColumn scratch;
  double bytes = 0;
  for (const auto& seg : w.index->CandidateSnapshot()->segments) {
    if (engine::CandidateSegmentOutOfReach(seg->summary, o.position, o.record.housing_provided)) continue;
    int64_t block_rows = 0;
    const uint64_t blocks = CandidateBlocksRead(*seg, o.position, o.record.housing_provided, &block_rows);
    bytes += block_rows * 4.0 * streamed;
    engine::scoring::SelectEligibleCandidateRows(*seg, features, blocks, &scratch, &selection);
    int lines = 0;
    for (int i = 0, last = -1; i < selection.count; ++i) {
      const int line = selection.rows[i] / 16;
      lines += line != last;
      last = line;
    }
    // The other feature columns (15 in all) and the occupation offsets by line; occupation codes and
    // factors, about a line each per row.
    bytes += 64.0 * ((15 - streamed + 1) * lines + 2 * selection.count);
    for (const auto& items : {o.required_skill_indices, o.desired_skill_indices}) {
      for (int32_t item : items) bytes += 2.0 * seg->skills.Rows(item).size();
    }
  }
  return bytes;
}

// What MatchCandidates without near-misses reads of the candidate columns against the floor: the rows of
// the segments and 64-row blocks it does not skip (CandidateSegmentOutOfReach, on the segment's summary
// and then on each block's; `segment_rows`: the rows of the segments not skipped whole) against the
// live rows within the opening's
// reach (distance within the commute radius plus the 1 km the skip allows, or willing to move when the
// opening provides housing), both at the bytes per row its selection pass streams.
struct ReachBytes {
  int64_t segments = 0, segments_read = 0, rows = 0, segment_rows = 0, rows_read = 0, rows_in_reach = 0;
  double bytes_read = 0, bytes_in_reach = 0;
};
ReachBytes CandidateReachBytes(const World& w, const engine::ResolvedOpening& o) {
  const engine::OpeningRowFeatures features = engine::EncodeOpeningRow(o);
  const double row_bytes = 4.0 * (8 + (features.housing_provided > 0.5f) + (features.licence_requirement > 1.5f));
  const bool housing = o.record.housing_provided;
  ReachBytes r;
  for (const auto& seg : w.index->CandidateSnapshot()->segments) {
    ++r.segments;
    r.rows += seg->used_rows;
    for (int row = 0; row < seg->used_rows; ++row) {
      if (!seg->live(row)) continue;
      const engine::UnitVector at{seg->x[row], seg->y[row], seg->z[row]};
      r.rows_in_reach += (housing && seg->relocation_accepted[row] > 0.5f) ||
                         engine::GreatCircleKm(o.position, at) <= seg->radius_km[row] + 1.0f;
    }
    if (engine::CandidateSegmentOutOfReach(seg->summary, o.position, housing)) continue;
    ++r.segments_read;
    r.segment_rows += seg->used_rows;
    int64_t block_rows = 0;
    CandidateBlocksRead(*seg, o.position, housing, &block_rows);
    r.rows_read += block_rows;
  }
  r.bytes_read = r.rows_read * row_bytes;
  r.bytes_in_reach = r.rows_in_reach * row_bytes;
  return r;
}

// What MatchOpenings without near-misses reads of the opening columns: the rows of the segments and
// blocks it does not skip (MatchResult::scored), the rows of the segments it does not skip whole, and the
// live rows within the candidate's reach (distance within the commute radius plus 1 km, or providing
// housing when the candidate would move: the floor).
struct OpeningReach {
  int64_t rows = 0, segment_rows = 0, rows_read = 0, rows_in_reach = 0;
};
OpeningReach OpeningReachRows(const World& w, const engine::ResolvedCandidate& c) {
  OpeningReach r;
  engine::MatchQuery q;
  q.explain = false;
  q.count_blockers_in_scope = false;
  const auto snapshot = w.index->OpeningSnapshot();
  if (auto result = w.index->MatchOpeningsIn(*snapshot, c, q, engine::DefaultScoringProfile()); result.ok()) {
    r.rows_read = result->scored;
  }
  if (!c.record.right_to_work) return r;
  const bool moves = c.record.relocation_accepted;
  for (const auto& seg : snapshot->segments) {
    r.rows += seg->summary.live_rows;
    const auto& sum = seg->summary;
    if (!(moves && sum.any_housing) && engine::GreatCircleKm(c.position, sum.center) - sum.max_distance_km > c.radius_km + 1.0f) {
      continue;
    }
    r.segment_rows += sum.live_rows;
    for (int row = 0; row < seg->used_rows; ++row) {
      if (!seg->live(row)) continue;
      const engine::UnitVector at{seg->x[row], seg->y[row], seg->z[row]};
      r.rows_in_reach += (moves && seg->housing_provided[row] > 0.5f) ||
                         engine::GreatCircleKm(c.position, at) <= c.radius_km + 1.0f;
    }
  }
  return r;
}

double OpeningQueryBytes(const World& w, const engine::ResolvedCandidate& c, int64_t rows_scanned) {
  double postings = 0, rows = 0;
  for (const auto& seg : w.index->OpeningSnapshot()->segments) {
    rows += seg->used_rows;
    for (int32_t item : c.skill_indices) {
      if (item < seg->required_skills.cols()) postings += seg->required_skills.col(item).nonZeros();
      if (item < seg->desired_skills.cols()) postings += seg->desired_skills.col(item).nonZeros();
    }
  }
  const double share = rows > 0 ? rows_scanned / rows : 0;
  return rows_scanned * (13 * 4 + 2 * 4 + 4.0) + share * postings * 8.0;  // 13 float columns, 2 masks, ROME code
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

}  // namespace
}  // namespace passerelle::benchmarks

int main(int argc, char** argv) {
  using namespace passerelle::benchmarks;  // NOLINT
  const Settings settings = ParseSettings(&argc, argv);
  if (settings.postgres_sql) {
    const auto profile = passerelle::engine::DefaultScoringProfile();
    std::printf("-- schema\n%s\n-- indexes\n%s\n-- MatchCandidates ($1 = opening id, $2 = k)\n%s;\n\n"
                "-- MatchOpenings ($1 = candidate id, $2 = k)\n%s;\n",
                PostgresPeer::SchemaSql(), PostgresPeer::IndexSql(), PostgresPeer::MatchCandidatesSql(profile).c_str(),
                PostgresPeer::MatchOpeningsSql(profile).c_str());
    return 0;
  }
  benchmark::Initialize(&argc, argv);
  World w = Build(settings);
  if (!VerifyAgainstPeer(w, settings)) return 1;
  std::unique_ptr<PostgresPeer> pg;  // destroyed (server stopped, directory deleted) on every return below
  if (settings.postgres) {
    if (settings.postgres_queries < 1) {
      std::fprintf(stderr, "ERROR: --postgres_queries must be at least 1\n");
      return 1;
    }
    auto started = StartPostgres(w, settings);
    if (!started.ok()) {
      std::fprintf(stderr, "ERROR: postgres peer: %s\n", std::string(started.status().message()).c_str());
      return 1;
    }
    pg = *std::move(started);
    if (!VerifyAgainstPostgres(w, settings, *pg)) return 1;
  }
  const double bandwidth = MeasureReadBandwidth();
  std::printf("memory read bandwidth: %.2f GB/s\n", bandwidth / 1e9);
  std::printf("kernel path: %s (PASSERELLE_KERNEL may force a lower one)\n",
              std::string(passerelle::engine::scoring::ActiveKernelPathName()).c_str());

  const auto& opening = *w.openings[0];
  const auto& candidate = *w.candidates[0];
  if (pg && settings.postgres_explain) {
    // The timed queries, and the first verified opening that provides housing (every candidate who would
    // move is then in reach) and the first verified candidate who would move.
    std::vector<std::string> statements = {
        "EXPLAIN (ANALYZE, BUFFERS) EXECUTE match_candidates('" + opening.id() + "', " + std::to_string(settings.k) + ")",
        "EXPLAIN (ANALYZE, BUFFERS) EXECUTE match_openings('" + candidate.id() + "', " + std::to_string(settings.k) + ")"};
    for (const auto* o : QueryOpenings(w, settings.postgres_queries)) {
      if (!o->record.housing_provided) continue;
      statements.push_back("EXPLAIN (ANALYZE, BUFFERS) EXECUTE match_candidates('" + o->id() + "', " +
                           std::to_string(settings.k) + ")");
      break;
    }
    for (const auto* c : QueryCandidates(w, settings.postgres_queries)) {
      if (!c->record.relocation_accepted) continue;
      statements.push_back("EXPLAIN (ANALYZE, BUFFERS) EXECUTE match_openings('" + c->id() + "', " +
                           std::to_string(settings.k) + ")");
      break;
    }
    for (const std::string& sql : statements) {
      auto plan = pg->QueryText(sql);
      std::printf("%s\n%s\n\n", sql.c_str(), plan.ok() ? plan->c_str() : std::string(plan.status().message()).c_str());
    }
  }
  // Equal work on both sides: scores and contributions, no sentences (BM_Explain measures those), and no
  // second scan counting what blocks a candidate with no eligible opening (the peer counts nothing).
  passerelle::engine::MatchQuery q;
  q.k = settings.k;
  q.explain = false;
  q.count_blockers_in_scope = false;
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
  // The cost of the experience criterion (issue 11): the verified queries of each direction, in turn,
  // with the criterion computed and with it skipped (MatchQuery::score_experience = false: no walk over
  // past occupations, no kernel pass), in the same run.
  passerelle::engine::MatchQuery q_without_experience = q;
  q_without_experience.score_experience = false;
  const auto cost_openings = QueryOpenings(w, settings.verify_queries);
  const auto cost_candidates = QueryCandidates(w, settings.verify_queries);
  for (const bool with : {true, false}) {
    const auto& query = with ? q : q_without_experience;
    const std::string variant = with ? "experience_on/" : "experience_off/";
    benchmark::RegisterBenchmark(("BM_MatchCandidates/" + variant + nc).c_str(), [&, &query = query](benchmark::State& st) {
      for (auto _ : st) {
        for (const auto* o : cost_openings) benchmark::DoNotOptimize(w.index->MatchCandidatesFor(*o, query, profile));
      }
    })->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("BM_MatchOpenings/" + variant + no).c_str(), [&, &query = query](benchmark::State& st) {
      for (auto _ : st) {
        for (const auto* c : cost_candidates) benchmark::DoNotOptimize(w.index->MatchOpeningsFor(*c, query, profile));
      }
    })->Unit(benchmark::kMillisecond);
  }
  // PostgreSQL answers the same two queries with one prepared statement each. A failed query stops the
  // benchmark with an error (and the run exits 1). One query can be unrepresentative (a person with no
  // opening in reach costs PostgreSQL one index probe), so both sides are also timed on the whole set of
  // verified queries: one iteration runs them all, in turn ("mix"; the summary divides by their number).
  // Iterations are counted in wall time: PostgreSQL works in another process, so this one's CPU time
  // would make Google Benchmark run thousands of iterations.
  bool pg_failed = false;
  const auto mix_openings = QueryOpenings(w, settings.postgres_queries);
  const auto mix_candidates = QueryCandidates(w, settings.postgres_queries);
  // The engine's side of the mix runs without PostgreSQL too (engine-only A/B runs compare it).
  benchmark::RegisterBenchmark(("BM_MatchCandidates/engine_mix/" + nc).c_str(), [&](benchmark::State& st) {
    for (auto _ : st) {
      for (const auto* o : mix_openings) benchmark::DoNotOptimize(w.index->MatchCandidatesFor(*o, q, profile));
    }
  })->Unit(benchmark::kMillisecond)->UseRealTime();
  benchmark::RegisterBenchmark(("BM_MatchOpenings/engine_mix/" + no).c_str(), [&](benchmark::State& st) {
    for (auto _ : st) {
      for (const auto* c : mix_candidates) benchmark::DoNotOptimize(w.index->MatchOpeningsFor(*c, q, profile));
    }
  })->Unit(benchmark::kMillisecond)->UseRealTime();
  if (pg) {
    benchmark::RegisterBenchmark(("BM_MatchCandidates/postgres_mix/" + nc).c_str(), [&](benchmark::State& st) {
      for (auto _ : st) {
        for (const auto* o : mix_openings) {
          auto r = pg->MatchCandidates(o->id(), settings.k);
          if (!r.ok()) { pg_failed = true; st.SkipWithError(std::string(r.status().message()).c_str()); return; }
          benchmark::DoNotOptimize(r);
        }
      }
    })->Unit(benchmark::kMillisecond)->UseRealTime();
    benchmark::RegisterBenchmark(("BM_MatchOpenings/postgres_mix/" + no).c_str(), [&](benchmark::State& st) {
      for (auto _ : st) {
        for (const auto* c : mix_candidates) {
          auto r = pg->MatchOpenings(c->id(), settings.k);
          if (!r.ok()) { pg_failed = true; st.SkipWithError(std::string(r.status().message()).c_str()); return; }
          benchmark::DoNotOptimize(r);
        }
      }
    })->Unit(benchmark::kMillisecond)->UseRealTime();
    benchmark::RegisterBenchmark(("BM_MatchCandidates/postgres/" + nc).c_str(), [&](benchmark::State& st) {
      for (auto _ : st) {
        auto r = pg->MatchCandidates(opening.id(), settings.k);
        if (!r.ok()) { pg_failed = true; st.SkipWithError(std::string(r.status().message()).c_str()); break; }
        benchmark::DoNotOptimize(r);
      }
    })->Unit(benchmark::kMillisecond)->UseRealTime();
    benchmark::RegisterBenchmark(("BM_MatchOpenings/postgres/" + no).c_str(), [&](benchmark::State& st) {
      for (auto _ : st) {
        auto r = pg->MatchOpenings(candidate.id(), settings.k);
        if (!r.ok()) { pg_failed = true; st.SkipWithError(std::string(r.status().message()).c_str()); break; }
        benchmark::DoNotOptimize(r);
      }
    })->Unit(benchmark::kMillisecond)->UseRealTime();
  }
  benchmark::RegisterBenchmark("BM_ExplainPair", [&](benchmark::State& st) {
    for (auto _ : st) {
      benchmark::DoNotOptimize(passerelle::engine::ExplainPair(candidate, opening, profile, *w.data, w.index->relations()));
    }
  })->Unit(benchmark::kMicrosecond);
  CollectingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);

  struct Row { std::string query, scale; double engine_s, scalar_s, postgres_s, bytes; };
  const std::vector<Row> rows = {
      {"MatchCandidates", nc, reporter.seconds["BM_MatchCandidates/engine/" + nc],
       reporter.seconds["BM_MatchCandidates/scalar/" + nc], reporter.seconds["BM_MatchCandidates/postgres/" + nc],
       CandidateQueryBytes(w, opening, w.index->MatchCandidatesFor(opening, q, profile)->scored)},
      {"MatchOpenings", no, reporter.seconds["BM_MatchOpenings/engine/" + no],
       reporter.seconds["BM_MatchOpenings/scalar/" + no], reporter.seconds["BM_MatchOpenings/postgres/" + no],
       OpeningQueryBytes(w, candidate, w.index->MatchOpeningsFor(candidate, q, profile)->scored)}};
  std::printf("\n%-16s %10s %12s %12s %9s %12s %12s", "query", "rows", "engine ms", "scalar ms", "speed-up",
              "bytes read", "of floor");
  if (pg) std::printf(" %12s %12s", "postgres ms", "vs postgres");
  std::printf("\n");
  bool faster = true;
  std::string json = "{\"bandwidth_bytes_per_s\": " + std::to_string(bandwidth) + ", \"queries\": [";
  for (const Row& r : rows) {
    const double floor_s = r.bytes / bandwidth;
    std::printf("%-16s %10s %12.3f %12.3f %8.1fx %11.1fM %11.1f%%", r.query.c_str(), r.scale.c_str(),
                r.engine_s * 1e3, r.scalar_s * 1e3, r.scalar_s / r.engine_s, r.bytes / 1e6, 100 * floor_s / r.engine_s);
    if (pg) std::printf(" %12.1f %11.0fx", r.postgres_s * 1e3, r.postgres_s / r.engine_s);
    std::printf("\n");
    faster = faster && r.engine_s < r.scalar_s;
    json += (r.query == "MatchCandidates" ? "" : ", ") + std::string("{\"query\": \"") + r.query + "\", \"rows\": " +
            r.scale + ", \"engine_s\": " + std::to_string(r.engine_s) + ", \"scalar_s\": " +
            std::to_string(r.scalar_s) + ", \"bytes\": " + std::to_string(r.bytes);
    if (pg) {
      json += ", \"postgres_s\": " + std::to_string(r.postgres_s) +
              ", \"speedup_vs_postgres\": " + std::to_string(r.postgres_s / r.engine_s);
    }
    json += "}";
  }
  json += "]";
  {
    // The floor of what the selected scan reads, next to the full scan's above.
    const double bytes = SelectedCandidateQueryBytes(w, opening);
    const double engine_s = rows[0].engine_s;
    std::printf("MatchCandidates without near-misses reads about %.1fM (selected rows, docs/scoring.md section 4): "
                "%.1f%% of that floor\n", bytes / 1e6, 100 * bytes / bandwidth / engine_s);
    json += ", \"match_candidates_selected_bytes\": " + std::to_string(bytes);
  }
  {
    // What the verified openings read against what is in reach (see CandidateReachBytes).
    ReachBytes sum;
    int housing = 0;
    const auto openings = QueryOpenings(w, settings.verify_queries);
    for (const auto* o : openings) {
      const ReachBytes r = CandidateReachBytes(w, *o);
      housing += o->record.housing_provided;
      sum.segments += r.segments, sum.segments_read += r.segments_read, sum.rows += r.rows;
      sum.segment_rows += r.segment_rows, sum.rows_read += r.rows_read, sum.rows_in_reach += r.rows_in_reach;
      sum.bytes_read += r.bytes_read, sum.bytes_in_reach += r.bytes_in_reach;
    }
    const double n = std::max<double>(1, static_cast<double>(openings.size()));
    std::printf("\nMatchCandidates over the %zu verified openings (%d provide housing), %s order, mean per query: "
                "reads %.1f of %.1f segments, %.0f of %.0f rows (%.1f%%; the segments read hold %.0f), %.2fM; "
                "in reach %.0f rows, %.2fM (the floor): %.2fx the floor\n",
                openings.size(), housing, CandidateOrder(settings), sum.segments_read / n,
                sum.segments / n, sum.rows_read / n, sum.rows / n, 100.0 * sum.rows_read / std::max<int64_t>(1, sum.rows),
                sum.segment_rows / n,
                sum.bytes_read / n / 1e6, sum.rows_in_reach / n, sum.bytes_in_reach / n / 1e6,
                sum.bytes_read / std::max(1.0, sum.bytes_in_reach));
    json += std::string(", \"candidate_order\": \"") + CandidateOrder(settings) +
            "\", \"match_candidates_reach\": {\"queries\": " + std::to_string(openings.size()) +
            ", \"housing_queries\": " + std::to_string(housing) +
            ", \"segments_per_query\": " + std::to_string(sum.segments / n) +
            ", \"segments_read_per_query\": " + std::to_string(sum.segments_read / n) +
            ", \"segment_rows_per_query\": " + std::to_string(sum.segment_rows / n) +
            ", \"rows_read_per_query\": " + std::to_string(sum.rows_read / n) +
            ", \"rows_in_reach_per_query\": " + std::to_string(sum.rows_in_reach / n) +
            ", \"bytes_read_per_query\": " + std::to_string(sum.bytes_read / n) +
            ", \"bytes_in_reach_per_query\": " + std::to_string(sum.bytes_in_reach / n) + "}";
  }
  {
    // What the verified candidates' MatchOpenings reads against what is in reach (see OpeningReachRows).
    OpeningReach sum;
    const auto candidates = QueryCandidates(w, settings.verify_queries);
    for (const auto* c : candidates) {
      const OpeningReach r = OpeningReachRows(w, *c);
      sum.rows += r.rows, sum.segment_rows += r.segment_rows, sum.rows_read += r.rows_read;
      sum.rows_in_reach += r.rows_in_reach;
    }
    const double n = std::max<double>(1, static_cast<double>(candidates.size()));
    std::printf("MatchOpenings over the %zu verified candidates, openings in %s order, mean per query: reads %.0f of "
                "%.0f rows (%.1f%%; the segments not skipped hold %.0f); in reach %.0f rows (the floor): %.2fx the "
                "floor\n",
                candidates.size(), settings.openings_arrival_order ? "arrival" : "place", sum.rows_read / n,
                sum.rows / n, 100.0 * sum.rows_read / std::max<int64_t>(1, sum.rows), sum.segment_rows / n,
                sum.rows_in_reach / n, sum.rows_read / std::max(1.0, static_cast<double>(sum.rows_in_reach)));
    json += std::string(", \"opening_order\": \"") + (settings.openings_arrival_order ? "arrival" : "place") +
            "\", \"match_openings_reach\": {\"queries\": " + std::to_string(candidates.size()) +
            ", \"rows_per_query\": " + std::to_string(sum.rows / n) +
            ", \"segment_rows_per_query\": " + std::to_string(sum.segment_rows / n) +
            ", \"rows_read_per_query\": " + std::to_string(sum.rows_read / n) +
            ", \"rows_in_reach_per_query\": " + std::to_string(sum.rows_in_reach / n) + "}";
  }
  {
    // The experience criterion's cost: the same queries with it and without it (see above).
    std::printf("\nexperience criterion: the %d verified queries of each kind, with it / without it\n",
                settings.verify_queries);
    json += ", \"experience_cost\": [";
    for (const auto& [query, scale] : {std::pair{std::string("MatchCandidates"), nc}, std::pair{std::string("MatchOpenings"), no}}) {
      const double n = std::max<double>(1, query == "MatchCandidates" ? cost_openings.size() : cost_candidates.size());
      const double on = reporter.seconds["BM_" + query + "/experience_on/" + scale] / n;
      const double off = reporter.seconds["BM_" + query + "/experience_off/" + scale] / n;
      std::printf("%-16s %10s %12.4f ms with %12.4f ms without: x%.3f\n", query.c_str(), scale.c_str(), on * 1e3,
                  off * 1e3, on / off);
      json += (query == "MatchCandidates" ? "" : ", ") + std::string("{\"query\": \"") + query + "\", \"rows\": " +
              scale + ", \"with_s\": " + std::to_string(on) + ", \"without_s\": " + std::to_string(off) +
              ", \"ratio\": " + std::to_string(on / off) + "}";
    }
    json += "]";
  }
  if (pg) {
    const int n = settings.postgres_queries;
    std::printf("\nmix: the %d verified queries of each kind, timed in turn (mean per query)\n", n);
    std::printf("%-16s %10s %12s %12s %12s\n", "query", "rows", "engine ms", "postgres ms", "vs postgres");
    json += ", \"postgres_version\": \"" + pg->server_version() + "\", \"mix_queries\": " + std::to_string(n) +
            ", \"mix\": [";
    for (const auto& [query, scale] : {std::pair{std::string("MatchCandidates"), nc}, std::pair{std::string("MatchOpenings"), no}}) {
      const double engine_s = reporter.seconds["BM_" + query + "/engine_mix/" + scale] / n;
      const double postgres_s = reporter.seconds["BM_" + query + "/postgres_mix/" + scale] / n;
      std::printf("%-16s %10s %12.3f %12.1f %11.0fx\n", query.c_str(), scale.c_str(), engine_s * 1e3, postgres_s * 1e3,
                  postgres_s / engine_s);
      json += (query == "MatchCandidates" ? "" : ", ") + std::string("{\"query\": \"") + query + "\", \"rows\": " +
              scale + ", \"engine_s\": " + std::to_string(engine_s) + ", \"postgres_s\": " +
              std::to_string(postgres_s) + ", \"speedup_vs_postgres\": " + std::to_string(postgres_s / engine_s) + "}";
    }
    json += "]";
  } else {
    const double n = std::max(1, settings.postgres_queries);
    std::printf("\nmix: the %d verified queries of each kind, timed in turn (mean per query, wall; no PostgreSQL)\n",
                settings.postgres_queries);
    for (const auto& [query, scale] : {std::pair{std::string("MatchCandidates"), nc}, std::pair{std::string("MatchOpenings"), no}}) {
      std::printf("%-16s %10s %12.3f ms\n", query.c_str(), scale.c_str(),
                  reporter.seconds["BM_" + query + "/engine_mix/" + scale] / n * 1e3);
    }
  }
  // Latency over the verified queries rather than one: an opening that provides housing puts every
  // candidate who would move in reach, which is where the slow queries are.
  if (settings.latency_rounds > 0) {
    auto percentiles = [&](const char* name, auto run_one, auto describe, int queries) {
      // Wall time, and the process's CPU time (all query threads), which a loaded machine inflates less.
      std::vector<double> wall_ms, cpu_ms;
      std::vector<std::vector<double>> query_wall_ms(queries), query_cpu_ms(queries);
      for (int round = 0; round < settings.latency_rounds; ++round) {
        for (int i = 0; i < queries; ++i) {
          const double cpu_start = ProcessCpuSeconds();
          const auto start = std::chrono::steady_clock::now();
          run_one(i);
          wall_ms.push_back(Seconds(start) * 1e3);
          cpu_ms.push_back((ProcessCpuSeconds() - cpu_start) * 1e3);
          query_wall_ms[i].push_back(wall_ms.back());
          query_cpu_ms[i].push_back(cpu_ms.back());
        }
      }
      if (settings.per_query) {
        // Each query's median over the rounds: which queries carry the mean.
        for (int i = 0; i < queries; ++i) {
          for (auto* ms : {&query_wall_ms[i], &query_cpu_ms[i]}) std::sort(ms->begin(), ms->end());
          std::printf("%-16s query %2d: wall %.3f ms, cpu %.3f ms (medians); %s\n", name, i,
                      query_wall_ms[i][query_wall_ms[i].size() / 2], query_cpu_ms[i][query_cpu_ms[i].size() / 2],
                      describe(i).c_str());
        }
      }
      for (auto* ms : {&wall_ms, &cpu_ms}) std::sort(ms->begin(), ms->end());
      auto at = [](const std::vector<double>& ms, double p) {
        return ms[std::min(ms.size() - 1, static_cast<size_t>(p * ms.size()))];
      };
      std::printf("%-16s %d queries x %d rounds: wall p50 %.3f / p90 %.3f / p99 %.3f / max %.3f ms; "
                  "cpu p50 %.3f / p99 %.3f ms\n",
                  name, queries, settings.latency_rounds, at(wall_ms, 0.5), at(wall_ms, 0.9), at(wall_ms, 0.99),
                  wall_ms.back(), at(cpu_ms, 0.5), at(cpu_ms, 0.99));
      json += std::string(", \"") + name + "_latency_ms\": {\"p50\": " + std::to_string(at(wall_ms, 0.5)) +
              ", \"p90\": " + std::to_string(at(wall_ms, 0.9)) + ", \"p99\": " + std::to_string(at(wall_ms, 0.99)) +
              ", \"max\": " + std::to_string(wall_ms.back()) + ", \"cpu_p50\": " + std::to_string(at(cpu_ms, 0.5)) +
              ", \"cpu_p99\": " + std::to_string(at(cpu_ms, 0.99)) + "}";
    };
    const auto openings = QueryOpenings(w, settings.verify_queries);
    const auto candidates = QueryCandidates(w, settings.verify_queries);
    std::printf("\n");
    const auto summary = [&](const auto& result, const char* kind) {
      return std::string(kind) + ", rows scored " + std::to_string(result->scored) +
             ", eligible " + std::to_string(result->eligible);
    };
    percentiles("MatchCandidates", [&](int i) { benchmark::DoNotOptimize(w.index->MatchCandidatesFor(*openings[i], q, profile)); },
                [&](int i) {
                  return summary(w.index->MatchCandidatesFor(*openings[i], q, profile),
                                  openings[i]->record.housing_provided ? "housing" : "no housing");
                },
                settings.verify_queries);
    percentiles("MatchOpenings", [&](int i) { benchmark::DoNotOptimize(w.index->MatchOpeningsFor(*candidates[i], q, profile)); },
                [&](int i) {
                  return summary(w.index->MatchOpeningsFor(*candidates[i], q, profile),
                                  candidates[i]->record.relocation_accepted ? "would move" : "stays");
                },
                settings.verify_queries);
  }
  json += "}\n";
  if (!settings.json_path.empty()) {
    if (FILE* f = std::fopen(settings.json_path.c_str(), "w")) std::fputs(json.c_str(), f), std::fclose(f);
  }
  if (!faster) std::fprintf(stderr, "FAIL: the engine is not faster than the scalar peer\n");
  if (pg_failed) std::fprintf(stderr, "FAIL: a PostgreSQL query failed while timing\n");
  return faster && !pg_failed ? 0 : 1;
}
