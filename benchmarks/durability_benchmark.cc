// What durability costs, side by side in one run:
// 1. Raw RocksDB: the exact key and value bytes the store writes (engine/store/store.h: key = the 32-byte
//    keyed hash RecordKeyer::Key(owner, id), value = the 8-byte update time + the binary record), put in
//    WriteBatches of --batch records in key order (as the catalog orders a batch), each written with
//    sync = true, into a fresh database with RocksDB's default options. This is the floor: nothing but the
//    synced batch writes. Keys and values are made outside the timed section.
// 2. The real write path: the same candidates, as the server's import receives them (passerelle.v1.Candidate
//    messages), decoded (CandidateFromProto) and stored with Catalog::PutCandidates in batches of --batch,
//    one synced WriteBatch each (engine/store/catalog.h: resolve, synced write, index
//    update), into a fresh data directory. Records per second of both, and the ratio.
// 2b. With --streams=N (N > 1, default 2): the same import again into another fresh directory, by N
//    threads calling PutCandidates at once, as a server does with N concurrent import streams; each takes
//    the next batch in turn. Records are generated in rounds of 16 batches per stream, untimed, between
//    the timed rounds. Their synced writes share RocksDB's group commit and their CPU work overlaps the
//    other streams' syncs.
// 3. Start-up: closes the catalog, then a fresh process (this binary again, --reopen) loads the reference
//    data and opens the catalog (RocksDB open and the index rebuilt from it), timed; --reopens times in
//    turn (default 3), each run printed, the median the figure (on a shared 2-core VM one start-up moved
//    by a second between runs of the same binary, 2026-12-02-d notes). Resident memory
//    (VmRSS, /proc/self/status, after malloc_trim) before and after the open gives the bytes per candidate
//    of a started server's engine; the child also prints, on stderr, how many of those bytes each index
//    structure holds. The importing process's own VmRSS before and after the import is reported too (it
//    also holds RocksDB's memtables).
//
// Records are generated (CohortGenerator, seed --seed) batch by batch outside the timed sections.
//
// Usage: passerelle_durability_benchmark [--candidates=100000] [--batch=1000] [--streams=2] [--seed=42]
//                                         [--reopens=3] [--dir=DIR] [--keep] [--json=FILE]
// --dir: where the two databases are made (default: a new folder under $TMPDIR or /tmp, deleted at the
// end unless --keep). It must be on the disk being measured.
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "engine/columns/candidate_segment.h"
#include "engine/refdata/reference_data.h"
#include "engine/sample/cohort_generator.h"
#include "engine/store/catalog.h"
#include "engine/store/record_codec.h"
#include "engine/store/record_key.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "rocksdb/write_batch.h"

namespace passerelle::benchmarks {
namespace {

using Clock = std::chrono::steady_clock;
double Since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

struct Settings {
  int64_t candidates = 100000;
  int64_t batch = 1000;
  int64_t streams = 2;
  int64_t reopens = 3;
  uint64_t seed = 42;
  std::string dir;
  bool keep = false;
  std::string json_path;
  std::string reopen_dir;  // child mode
};

Settings Parse(int argc, char** argv) {
  Settings s;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    auto take = [&](absl::string_view name, auto* out) {
      if (!absl::StartsWith(arg, name)) return false;
      if (!absl::SimpleAtoi(arg.substr(name.size()), out)) {
        std::fprintf(stderr, "bad value: %s\n", argv[i]);
        std::exit(2);
      }
      return true;
    };
    auto text = [&](absl::string_view name, std::string* out) {
      if (!absl::StartsWith(arg, name)) return false;
      *out = std::string(arg.substr(name.size()));
      return true;
    };
    if (take("--candidates=", &s.candidates) || take("--batch=", &s.batch) || take("--streams=", &s.streams) ||
        take("--reopens=", &s.reopens) || take("--seed=", &s.seed) ||
        text("--dir=", &s.dir) || text("--json=", &s.json_path) || text("--reopen=", &s.reopen_dir)) {
      continue;
    }
    if (arg == "--keep") {
      s.keep = true;
      continue;
    }
    std::fprintf(stderr, "unknown argument: %s\n", argv[i]);
    std::exit(2);
  }
  if (s.candidates < 1 || s.batch < 1 || s.streams < 1 || s.reopens < 1) {
    std::fprintf(stderr, "--candidates, --batch, --streams and --reopens must be at least 1\n");
    std::exit(2);
  }
  return s;
}

// VmRSS of this process in bytes, after giving freed heap back to the system.
int64_t ResidentBytes() {
  malloc_trim(0);
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (absl::StartsWith(line, "VmRSS:")) {
      int64_t kib = 0;
      (void)absl::SimpleAtoi(absl::StripAsciiWhitespace(absl::StripSuffix(line.substr(6), "kB")), &kib);
      return kib * 1024;
    }
  }
  return 0;
}

std::shared_ptr<const engine::ReferenceData> LoadData() {
  auto data = engine::ReferenceData::Load(engine::ReferenceData::DefaultDataDir());
  if (!data.ok()) {
    std::fprintf(stderr, "reference data: %s\n", std::string(data.status().message()).c_str());
    std::exit(1);
  }
  return *data;
}

// Decodes and puts one batch; exits on any failure or rejected record.
void DecodeAndPut(engine::Catalog& catalog, const std::vector<v1::Candidate>& protos) {
  std::vector<engine::Candidate> records;
  records.reserve(protos.size());
  for (const v1::Candidate& p : protos) {
    absl::StatusOr<engine::Candidate> record = engine::CandidateFromProto(p);
    if (!record.ok()) {
      std::fprintf(stderr, "decode %s: %s\n", p.id().c_str(), std::string(record.status().message()).c_str());
      std::exit(1);
    }
    records.push_back(*std::move(record));
  }
  absl::StatusOr<std::vector<engine::PutOutcome>> outcomes = catalog.PutCandidates("sample", records);
  if (!outcomes.ok()) {
    std::fprintf(stderr, "catalog put: %s\n", std::string(outcomes.status().message()).c_str());
    std::exit(1);
  }
  for (const engine::PutOutcome& o : *outcomes) {
    if (!o.status.ok()) {
      std::fprintf(stderr, "catalog put: a record was rejected: %s\n", std::string(o.status.message()).c_str());
      std::exit(1);
    }
  }
}

// Where the index's bytes per candidate are, structure by structure (what the resident figure is made
// of, besides the id map, malloc's overhead and RocksDB), on stderr: capacities, not sizes.
void PrintCandidateBytes(const engine::MatchIndex& index) {
#define PASSERELLE_COUNT(name, type, neutral, encoding) +1
  constexpr int kColumns = 1 + PASSERELLE_CANDIDATE_FEATURES(PASSERELLE_COUNT)
                           PASSERELLE_CANDIDATE_FILTER_COLUMNS(PASSERELLE_COUNT);  // alive too
#undef PASSERELLE_COUNT
  constexpr double kRows = engine::CandidateSegment::kRows;
  double columns = 0, skill_rows = 0, skill_offsets = 0, occupations = 0, experience = 0, packed = 0, live = 0;
  for (const auto& segment : index.CandidateSnapshot()->segments) {
    columns += kColumns * 4 * kRows + 8 * kRows;  // 4-byte columns, packed offset and size
    skill_rows += 2.0 * segment->skills.nonZeros();
    skill_offsets += 4.0 * (segment->skills.cols() + 1);
    occupations += 4.0 * (segment->occupation_offsets.capacity() + segment->occupation_rome.capacity() +
                          segment->occupation_factor.capacity());
    experience += 4.0 * (segment->experience_offsets.capacity() + segment->experience_rome.capacity() +
                         segment->experience_years.capacity());
    for (int row = 0; row < segment->used_rows; ++row) {
      packed += segment->packed(row).size();
      live += segment->live(row);
    }
  }
  if (live == 0) return;
  std::fprintf(stderr,
               "index bytes per candidate: columns %.1f, skill rows %.1f, skill offsets %.1f, occupations %.1f, "
               "experience %.1f, packed records %.1f (sum %.1f; the id map and the heap's overhead besides)\n",
               columns / live, skill_rows / live, skill_offsets / live, occupations / live, experience / live,
               packed / live, (columns + skill_rows + skill_offsets + occupations + experience + packed) / live);
}

// Child mode: time the start of a catalog over `dir` in a fresh process and print one line
// "reopen <data_s> <open_s> <load_s> <rss_start> <rss_before> <rss_after> <candidates>".
int Reopen(const std::string& dir) {
  const int64_t rss_start = ResidentBytes();
  const Clock::time_point start = Clock::now();
  auto data = LoadData();
  const double data_s = Since(start);
  const int64_t rss_before = ResidentBytes();
  const Clock::time_point open_start = Clock::now();
  auto catalog = engine::Catalog::Open(dir, data, {});
  const double open_s = Since(open_start);
  if (!catalog.ok()) {
    std::fprintf(stderr, "reopen: %s\n", std::string(catalog.status().message()).c_str());
    return 1;
  }
  const int64_t rss_after = ResidentBytes();
  PrintCandidateBytes((*catalog)->index());
  std::printf("reopen %.6f %.6f %.6f %lld %lld %lld %lld\n", data_s, open_s, (*catalog)->load_report().seconds,
              static_cast<long long>(rss_start), static_cast<long long>(rss_before), static_cast<long long>(rss_after),
              static_cast<long long>((*catalog)->load_report().candidates_loaded));
  return 0;
}

std::vector<v1::Candidate> Protos(const engine::CohortGenerator& generator, int64_t begin, int64_t end) {
  std::vector<v1::Candidate> protos;
  protos.reserve(static_cast<size_t>(end - begin));
  for (const engine::Candidate& c : generator.CandidateRange(begin, end)) protos.push_back(engine::CandidateToProto(c));
  return protos;
}

struct WriteResult {
  double seconds = 0;  // timed sections only
  int64_t bytes = 0;   // keys + values
};

// Bytes of a candidate as the store writes it: key, update time header, record.
int64_t StoredBytes(const v1::Candidate& p) {
  return static_cast<int64_t>(engine::kRecordKeyBytes + 8 + p.ByteSizeLong());
}

WriteResult RawRocksDb(const engine::CohortGenerator& generator, const Settings& s, const std::string& dir) {
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status status = rocksdb::DB::Open(options, dir, &raw);
  if (!status.ok()) {
    std::fprintf(stderr, "raw rocksdb open: %s\n", status.ToString().c_str());
    std::exit(1);
  }
  std::unique_ptr<rocksdb::DB> db(raw);
  absl::StatusOr<std::string> secret = engine::NewRecordSecret();
  if (!secret.ok()) {
    std::fprintf(stderr, "%s\n", std::string(secret.status().message()).c_str());
    std::exit(1);
  }
  const engine::RecordKeyer keyer(*std::move(secret));
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  rocksdb::WriteOptions write_options;
  write_options.sync = true;
  WriteResult r;
  for (int64_t begin = 0; begin < s.candidates; begin += s.batch) {
    const int64_t end = std::min(s.candidates, begin + s.batch);
    std::vector<std::pair<std::string, std::string>> kv;
    for (const v1::Candidate& p : Protos(generator, begin, end)) {
      kv.emplace_back(keyer.Key(p.owner_id(), p.id()), engine::EncodeStoredValue(now, p.SerializeAsString()));
    }
    std::sort(kv.begin(), kv.end());
    const Clock::time_point start = Clock::now();
    rocksdb::WriteBatch batch;
    for (const auto& [key, value] : kv) {
      status = batch.Put(key, value);
      r.bytes += static_cast<int64_t>(key.size() + value.size());
    }
    if (status.ok()) status = db->Write(write_options, &batch);
    r.seconds += Since(start);
    if (!status.ok()) {
      std::fprintf(stderr, "raw rocksdb write: %s\n", status.ToString().c_str());
      std::exit(1);
    }
  }
  db->Close();
  return r;
}

WriteResult CatalogImport(const engine::CohortGenerator& generator, std::shared_ptr<const engine::ReferenceData> data,
                          const Settings& s, const std::string& dir, int64_t* rss_loaded) {
  auto catalog = engine::Catalog::Open(dir, data, {});
  if (!catalog.ok()) {
    std::fprintf(stderr, "catalog open: %s\n", std::string(catalog.status().message()).c_str());
    std::exit(1);
  }
  WriteResult r;
  for (int64_t begin = 0; begin < s.candidates; begin += s.batch) {
    const int64_t end = std::min(s.candidates, begin + s.batch);
    const std::vector<v1::Candidate> protos = Protos(generator, begin, end);
    for (const v1::Candidate& p : protos) r.bytes += StoredBytes(p);
    const Clock::time_point start = Clock::now();
    DecodeAndPut(**catalog, protos);
    r.seconds += Since(start);  // the checks of the outcomes are not worth excluding
  }
  *rss_loaded = ResidentBytes();  // with the catalog still open
  return r;
}

// 2b in the file comment: s.streams threads putting batches at once; wall time of the timed rounds.
WriteResult CatalogImportStreams(const engine::CohortGenerator& generator,
                                 std::shared_ptr<const engine::ReferenceData> data, const Settings& s,
                                 const std::string& dir) {
  constexpr int64_t kBatchesPerStreamRound = 16;
  auto catalog = engine::Catalog::Open(dir, data, {});
  if (!catalog.ok()) {
    std::fprintf(stderr, "catalog open: %s\n", std::string(catalog.status().message()).c_str());
    std::exit(1);
  }
  WriteResult r;
  const int64_t batches = (s.candidates + s.batch - 1) / s.batch;
  for (int64_t first = 0; first < batches; first += s.streams * kBatchesPerStreamRound) {
    const int64_t last = std::min(batches, first + s.streams * kBatchesPerStreamRound);
    std::vector<std::vector<v1::Candidate>> round;
    for (int64_t b = first; b < last; ++b) {
      round.push_back(Protos(generator, b * s.batch, std::min(s.candidates, (b + 1) * s.batch)));
      for (const v1::Candidate& p : round.back()) r.bytes += StoredBytes(p);
    }
    const Clock::time_point start = Clock::now();
    std::atomic<size_t> next{0};
    std::vector<std::thread> streams;
    for (int64_t t = 0; t < s.streams; ++t) {
      streams.emplace_back([&] {
        for (size_t b = next++; b < round.size(); b = next++) DecodeAndPut(**catalog, round[b]);
      });
    }
    for (std::thread& t : streams) t.join();
    r.seconds += Since(start);
  }
  return r;
}

struct ReopenResult {
  double data_s = 0, open_s = 0, load_s = 0;
  int64_t rss_start = 0, rss_before = 0, rss_after = 0, loaded = 0;
};

ReopenResult ReopenInChild(const std::string& dir) {
  const std::string command = absl::StrCat("/proc/", getpid(), "/exe --reopen=", dir);
  FILE* pipe = popen(command.c_str(), "r");
  ReopenResult r;
  if (pipe == nullptr) {
    std::fprintf(stderr, "cannot run %s\n", command.c_str());
    std::exit(1);
  }
  char line[512] = {};
  bool found = false;
  while (std::fgets(line, sizeof line, pipe) != nullptr) {
    long long a, b, c, d;
    if (std::sscanf(line, "reopen %lf %lf %lf %lld %lld %lld %lld", &r.data_s, &r.open_s, &r.load_s, &a, &b, &c,
                    &d) == 7) {
      r.rss_start = a, r.rss_before = b, r.rss_after = c, r.loaded = d;
      found = true;
    }
  }
  if (pclose(pipe) != 0 || !found) {
    std::fprintf(stderr, "the reopen process failed\n");
    std::exit(1);
  }
  return r;
}

}  // namespace
}  // namespace passerelle::benchmarks

int main(int argc, char** argv) {
  using namespace passerelle::benchmarks;  // NOLINT
  namespace engine = passerelle::engine;
  const Settings s = Parse(argc, argv);
  if (!s.reopen_dir.empty()) return Reopen(s.reopen_dir);

  std::string root = s.dir;
  if (root.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = absl::StrCat(tmp && *tmp ? tmp : "/tmp", "/passerelle-durability-XXXXXX");
    if (mkdtemp(pattern.data()) == nullptr) {
      std::fprintf(stderr, "cannot make a temporary folder\n");
      return 1;
    }
    root = pattern;
  } else {
    std::filesystem::create_directories(root);
  }
  const std::string raw_dir = root + "/raw-rocksdb", catalog_dir = root + "/catalog",
                    streams_dir = root + "/catalog-streams";
  std::filesystem::remove_all(raw_dir);
  std::filesystem::remove_all(catalog_dir);
  std::filesystem::remove_all(streams_dir);

  auto data = LoadData();
  engine::CohortOptions options;
  options.seed = s.seed;
  options.candidates = s.candidates;
  options.openings = 0;
  const engine::CohortGenerator generator(data, options);
  std::printf("durability: %lld candidates in synced batches of %lld, under %s\n",
              static_cast<long long>(s.candidates), static_cast<long long>(s.batch), root.c_str());

  const Clock::time_point raw_wall = Clock::now();
  const WriteResult raw = RawRocksDb(generator, s, raw_dir);
  std::printf("raw RocksDB synced WriteBatch: %.2f s timed (%.1f s with generation), %.0f records/s, %.1f MB/s\n",
              raw.seconds, Since(raw_wall), s.candidates / raw.seconds, raw.bytes / raw.seconds / 1e6);

  const int64_t rss_before_import = ResidentBytes();
  const Clock::time_point catalog_wall = Clock::now();
  int64_t rss_after_import = 0;
  const WriteResult imported = CatalogImport(generator, data, s, catalog_dir, &rss_after_import);
  std::printf("catalog import (decode + PutCandidates): %.2f s timed (%.1f s with generation), %.0f records/s\n",
              imported.seconds, Since(catalog_wall), s.candidates / imported.seconds);
  if (imported.bytes != raw.bytes) {
    std::fprintf(stderr, "the two sides wrote different bytes: %lld vs %lld\n", static_cast<long long>(imported.bytes),
                 static_cast<long long>(raw.bytes));
    return 1;
  }
  const double ratio = raw.seconds / imported.seconds;
  std::printf("same keys (32-byte keyed hashes) and bytes (%.1f MB, %.0f B per record); import at %.1f%% of raw "
              "RocksDB's synced batch throughput\n",
              raw.bytes / 1e6, static_cast<double>(raw.bytes) / s.candidates, 100 * ratio);

  WriteResult streamed;
  double streamed_ratio = 0;
  if (s.streams > 1) {
    const Clock::time_point streams_wall = Clock::now();
    streamed = CatalogImportStreams(generator, data, s, streams_dir);
    streamed_ratio = raw.seconds / streamed.seconds;
    std::printf("catalog import, %lld concurrent streams: %.2f s timed (%.1f s with generation), %.0f records/s, "
                "%.1f%% of raw RocksDB's synced batch throughput\n",
                static_cast<long long>(s.streams), streamed.seconds, Since(streams_wall),
                s.candidates / streamed.seconds, 100 * streamed_ratio);
    if (streamed.bytes != raw.bytes) {
      std::fprintf(stderr, "the streamed import wrote different bytes: %lld vs %lld\n",
                   static_cast<long long>(streamed.bytes), static_cast<long long>(raw.bytes));
      return 1;
    }
    std::filesystem::remove_all(streams_dir);  // only the first catalog is reopened
  }

  std::vector<ReopenResult> reopens;
  std::string runs;  // each run's seconds, comma-separated (for the JSON)
  for (int64_t i = 0; i < s.reopens; ++i) {
    reopens.push_back(ReopenInChild(catalog_dir));
    const ReopenResult& r = reopens.back();
    std::printf("start-up %lld of %lld in a fresh process: reference data %.3f s + catalog open %.3f s (index "
                "rebuild %.3f s) = %.3f s for %lld candidates\n",
                static_cast<long long>(i + 1), static_cast<long long>(s.reopens), r.data_s, r.open_s, r.load_s,
                r.data_s + r.open_s, static_cast<long long>(r.loaded));
    absl::StrAppend(&runs, i > 0 ? ", " : "", absl::StrFormat("%.3f", r.data_s + r.open_s));
  }
  std::sort(reopens.begin(), reopens.end(), [](const ReopenResult& a, const ReopenResult& b) {
    return a.data_s + a.open_s < b.data_s + b.open_s;
  });
  const ReopenResult& reopen = reopens[reopens.size() / 2];  // the median run (the upper one of an even count)
  const double per_candidate = static_cast<double>(reopen.rss_after - reopen.rss_before) / s.candidates;
  std::printf("start-up, median of %lld: %.3f s (reference data %.3f s + catalog open %.3f s)\n",
              static_cast<long long>(s.reopens), reopen.data_s + reopen.open_s, reopen.data_s, reopen.open_s);
  std::printf("resident memory: %.1f MB before the open, %.1f MB after: %.0f bytes per candidate\n",
              reopen.rss_before / 1e6, reopen.rss_after / 1e6, per_candidate);
  std::printf("importing process: %.1f MB before the import, %.1f MB after it (catalog open, RocksDB memtables "
              "included): %.0f bytes per candidate\n",
              rss_before_import / 1e6, rss_after_import / 1e6,
              static_cast<double>(rss_after_import - rss_before_import) / s.candidates);

  if (!s.json_path.empty()) {
    std::ofstream out(s.json_path, std::ios::trunc);
    out << "{\"candidates\": " << s.candidates << ", \"batch\": " << s.batch << ", \"bytes\": " << raw.bytes
        << ", \"raw_rocksdb_s\": " << raw.seconds << ", \"raw_rocksdb_records_per_s\": " << s.candidates / raw.seconds
        << ", \"import_s\": " << imported.seconds << ", \"import_records_per_s\": " << s.candidates / imported.seconds
        << ", \"import_vs_raw\": " << ratio << ", \"import_streams\": " << s.streams
        << ", \"import_streams_s\": " << streamed.seconds
        << ", \"import_streams_records_per_s\": " << (s.streams > 1 ? s.candidates / streamed.seconds : 0)
        << ", \"import_streams_vs_raw\": " << streamed_ratio << ", \"startup_reference_data_s\": " << reopen.data_s
        << ", \"startup_catalog_open_s\": " << reopen.open_s << ", \"startup_index_load_s\": " << reopen.load_s
        << ", \"startup_s\": " << reopen.data_s + reopen.open_s << ", \"startup_runs_s\": [" << runs << "]"
        << ", \"candidates_loaded\": " << reopen.loaded
        << ", \"rss_process_start_bytes\": " << reopen.rss_start << ", \"rss_before_open_bytes\": " << reopen.rss_before
        << ", \"rss_after_open_bytes\": " << reopen.rss_after << ", \"rss_bytes_per_candidate\": " << per_candidate
        << ", \"import_process_rss_before_bytes\": " << rss_before_import
        << ", \"import_process_rss_after_bytes\": " << rss_after_import << "}\n";
  }
  if (!s.keep) {
    std::filesystem::remove_all(raw_dir);
    std::filesystem::remove_all(catalog_dir);
    if (s.dir.empty()) std::filesystem::remove_all(root);
  }
  return 0;
}
