// passerelle-generate: writes a sample cohort (candidates and openings) as JSON Lines, ready for
// `passerelle import`. Records come from the engine's CohortGenerator, go through the store's record
// codec (the same encoding the server stores and returns) and are printed in the proto3 JSON mapping.
//
//   passerelle-generate --seed 42 --candidates 500 --openings 150 --out-dir data/sample
//   passerelle-generate --candidates 1000000 --openings 100000 --out-dir /tmp/bench --threads 2
//
// A seed and a count give the same files on every machine (see engine/sample/cohort_generator.h).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clients/command_line.h"
#include "clients/json_io.h"
#include "engine/common/status_macros.h"
#include "engine/model/dates.h"
#include "engine/refdata/reference_data.h"
#include "engine/sample/cohort_generator.h"
#include "engine/store/record_codec.h"

namespace passerelle::clients {
namespace {

// Records per slice: one thread's unit of work, written in order.
constexpr int64_t kSliceSize = 4096;

std::vector<OptionSpec> Options() {
  return {
      {"seed", "N", "Seed of the random streams; the same seed gives the same records. Default: 42."},
      {"candidates", "N", "Number of candidates (ids cand-000000 ..). Default: 1000."},
      {"openings", "N", "Number of openings (ids open-000000 ..). Default: 200."},
      {"out-dir", "DIR", "Where candidates.jsonl and openings.jsonl are written (created). Default: ."},
      {"reference-day", "YYYY-MM-DD",
       "The cohort's 'today' (availability and start dates follow it). "
       "Default: 2026-01-05."},
      {"owner", "ID", "owner_id of every record. Default: sample."},
      {"data-dir", "DIR", "Reference data directory. Default: $PASSERELLE_DATA_DIR, else the build's data/."},
      {"threads", "N", "Threads generating records (output is the same for any N). Default: 1."},
      {"help", "", "Show this help."},
  };
}

// Slice [begin, end) as JSON Lines.
using SliceWriter = std::function<std::string(int64_t begin, int64_t end)>;

std::string CandidateLines(const engine::CohortGenerator& gen, int64_t begin, int64_t end) {
  std::string out;
  for (const engine::Candidate& c : gen.CandidateRange(begin, end)) {
    absl::StrAppend(&out, ToJson(engine::CandidateToProto(c), {.single_line = true, .include_defaults = false}), "\n");
  }
  return out;
}

std::string OpeningLines(const engine::CohortGenerator& gen, int64_t begin, int64_t end) {
  std::string out;
  for (const engine::Opening& o : gen.OpeningRange(begin, end)) {
    absl::StrAppend(&out, ToJson(engine::OpeningToProto(o), {.single_line = true, .include_defaults = false}), "\n");
  }
  return out;
}

// Writes `count` records to `path`, `threads` slices at a time, in index order.
absl::Status WriteJsonLines(const std::string& path, int64_t count, int threads, const SliceWriter& slice) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) return absl::PermissionDeniedError(absl::StrCat("cannot write ", path));
  for (int64_t round = 0; round < count; round += kSliceSize * threads) {
    std::vector<std::string> texts(threads);
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      int64_t begin = std::min(count, round + t * kSliceSize);
      int64_t end = std::min(count, begin + kSliceSize);
      workers.emplace_back([&texts, &slice, t, begin, end] { texts[t] = slice(begin, end); });
    }
    for (std::thread& worker : workers) worker.join();
    for (const std::string& text : texts) file << text;
  }
  file.close();
  if (!file) return absl::DataLossError(absl::StrCat("cannot finish writing ", path));
  return absl::OkStatus();
}

absl::StatusOr<engine::CohortOptions> CohortOptionsFrom(const ParsedArgs& args) {
  engine::CohortOptions options;
  PASSERELLE_ASSIGN_OR_RETURN(int64_t seed, args.GetInt("seed", 42, 0, INT64_MAX));
  PASSERELLE_ASSIGN_OR_RETURN(options.candidates, args.GetInt("candidates", 1000, 0, 100'000'000));
  PASSERELLE_ASSIGN_OR_RETURN(options.openings, args.GetInt("openings", 200, 0, 100'000'000));
  options.seed = static_cast<uint64_t>(seed);
  if (args.Has("reference-day")) {
    PASSERELLE_ASSIGN_OR_RETURN(options.reference_day, engine::ParseDay(args.Get("reference-day"), "--reference-day"));
  }
  options.owner_id = args.Get("owner", options.owner_id);
  return options;
}

absl::Status Generate(const ParsedArgs& args) {
  if (!args.positionals().empty()) return absl::InvalidArgumentError("unexpected argument " + args.positionals()[0]);
  PASSERELLE_ASSIGN_OR_RETURN(engine::CohortOptions options, CohortOptionsFrom(args));
  PASSERELLE_ASSIGN_OR_RETURN(int64_t threads, args.GetInt("threads", 1, 1, 256));
  const std::string out_dir = args.Get("out-dir", ".");
  std::error_code error;
  std::filesystem::create_directories(out_dir, error);
  if (error) return absl::PermissionDeniedError(absl::StrCat("cannot create ", out_dir, ": ", error.message()));

  PASSERELLE_ASSIGN_OR_RETURN(
      auto data, engine::ReferenceData::Load(args.Get("data-dir", engine::ReferenceData::DefaultDataDir())));
  const engine::CohortGenerator gen(data, options);
  const std::string candidates_path = absl::StrCat(out_dir, "/candidates.jsonl");
  const std::string openings_path = absl::StrCat(out_dir, "/openings.jsonl");
  PASSERELLE_RETURN_IF_ERROR(WriteJsonLines(candidates_path, options.candidates, static_cast<int>(threads),
                                            [&gen](int64_t b, int64_t e) { return CandidateLines(gen, b, e); }));
  PASSERELLE_RETURN_IF_ERROR(WriteJsonLines(openings_path, options.openings, static_cast<int>(threads),
                                            [&gen](int64_t b, int64_t e) { return OpeningLines(gen, b, e); }));
  std::cerr << "Wrote " << options.candidates << " candidates to " << candidates_path << " and " << options.openings
            << " openings to " << openings_path << " (seed " << options.seed << ").\n";
  return absl::OkStatus();
}

}  // namespace
}  // namespace passerelle::clients

int main(int argc, char** argv) {
  using namespace passerelle::clients;
  std::vector<std::string> raw(argv + 1, argv + argc);
  absl::StatusOr<ParsedArgs> args = ParseArgs(raw, Options());
  if (args.ok() && args->Has("help")) {
    std::cout << "Usage: passerelle-generate [OPTIONS]\n\nWrites a sample cohort as JSON Lines "
                 "(candidates.jsonl, openings.jsonl) for 'passerelle import'.\n\nOptions:\n"
              << FormatOptions(Options());
    return 0;
  }
  absl::Status status = args.ok() ? Generate(*args) : args.status();
  if (!status.ok()) {
    std::cerr << "passerelle-generate: " << status.message() << "\n";
    return args.ok() && !absl::IsInvalidArgument(status) ? 1 : 2;
  }
  return 0;
}
