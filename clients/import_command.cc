// `passerelle import candidates|openings FILE`: streams a JSON Lines file to ImportCandidates /
// ImportOpenings in batches, shows progress on long imports, and reports every rejected line with its
// line number, field and reason. A line that is not valid JSON for the record is rejected here, without
// stopping the import; the server rejects the lines that do not validate.
//
// Batches are separate streams: each is acknowledged once synced to disk, so progress counts only
// what is stored, and a failure loses at most the batches in flight (imports are idempotent: rerun them).
// The next batch is parsed while earlier ones are in flight (InFlight below).
#include <deque>
#include <future>
#include <memory>
#include <ostream>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "clients/command.h"
#include "clients/import_report.h"
#include "clients/json_io.h"
#include "engine/common/status_macros.h"
#include "google/protobuf/arena.h"

namespace passerelle::clients {
namespace {

// How one kind of record is streamed.
template <typename Request>
struct ImportKind;

template <>
struct ImportKind<v1::ImportCandidatesRequest> {
  static constexpr char kPlural[] = "candidates";
  static google::protobuf::Message& Record(v1::ImportCandidatesRequest& r) { return *r.mutable_candidate(); }
  static const std::string& Id(const v1::ImportCandidatesRequest& r) { return r.candidate().id(); }
  static auto Open(v1::Matching::Stub& stub, grpc::ClientContext* context, v1::ImportResponse* response) {
    return stub.ImportCandidates(context, response);
  }
};

template <>
struct ImportKind<v1::ImportOpeningsRequest> {
  static constexpr char kPlural[] = "openings";
  static google::protobuf::Message& Record(v1::ImportOpeningsRequest& r) { return *r.mutable_opening(); }
  static const std::string& Id(const v1::ImportOpeningsRequest& r) { return r.opening().id(); }
  static auto Open(v1::Matching::Stub& stub, grpc::ClientContext* context, v1::ImportResponse* response) {
    return stub.ImportOpenings(context, response);
  }
};

// One batch's requests, made in an arena of their own: freeing the batch is one free, not one per
// field of every record.
template <typename Request>
struct Batch {
  std::unique_ptr<google::protobuf::Arena> arena;
  std::vector<const Request*> requests;
  std::vector<int64_t> lines;  // of the requests' records
};

template <typename Request>
Batch<Request> NewBatch() {
  google::protobuf::ArenaOptions options;
  options.start_block_size = 64 << 10;  // a batch of 1000 candidates holds about 1.5 MB
  options.max_block_size = 1 << 20;
  return Batch<Request>{std::make_unique<google::protobuf::Arena>(options), {}, {}};
}

// Reads up to `batch_size` records, rejecting lines that do not parse into `tally`.
template <typename Request>
void ReadBatch(JsonLinesReader& reader, int64_t batch_size, Batch<Request>& batch, ImportTally& tally) {
  std::string line;
  Request* request = nullptr;  // kept for the next line when this one is rejected
  while (static_cast<int64_t>(batch.requests.size()) < batch_size && reader.Next(line)) {
    ++tally.lines_read;
    if (request == nullptr) request = google::protobuf::Arena::CreateMessage<Request>(batch.arena.get());
    absl::Status parsed = ParseJson(line, ImportKind<Request>::Record(*request));
    if (!parsed.ok()) {
      tally.RejectUnparsed(reader.line_number(), line, parsed.message());
      continue;
    }
    batch.requests.push_back(request);
    batch.lines.push_back(reader.line_number());
    request = nullptr;
  }
}

// Streams one batch; the server's per-item report once the batch is synced.
template <typename Request>
absl::StatusOr<v1::ImportResponse> SendBatch(const Session& session, v1::Matching::Stub& stub,
                                             const std::vector<const Request*>& requests) {
  v1::ImportResponse response;
  std::unique_ptr<grpc::ClientContext> context = session.NewContext(/*with_deadline=*/false);
  auto writer = ImportKind<Request>::Open(stub, context.get(), &response);
  // Buffered: nothing waits for an item's answer, so gRPC may put many items in one write (one syscall,
  // one wake-up of the server's reader) instead of one each; WritesDone() flushes the rest.
  const grpc::WriteOptions buffered = grpc::WriteOptions().set_buffer_hint();
  for (const Request* request : requests) {
    if (!writer->Write(*request, buffered)) break;  // the stream broke; Finish() says why
  }
  writer->WritesDone();
  PASSERELLE_RETURN_IF_ERROR(session.FromGrpc(writer->Finish()));
  return response;
}

// A batch sent on another thread while this one parses the next. Two go at once, each on its stream: the
// server decodes one while it syncs and indexes the other. A batch holding an id of a batch still in
// flight waits for that one, so a later line with the same id still replaces an earlier one.
constexpr size_t kBatchesInFlight = 2;

struct InFlight {
  std::vector<int64_t> lines;            // of the batch's items
  int64_t bytes_read = 0;                // of the file, up to the batch's last line
  absl::flat_hash_set<std::string> ids;  // of the batch's records
  std::future<absl::StatusOr<v1::ImportResponse>> response;
};

template <typename Request>
absl::flat_hash_set<std::string> IdsOf(const Batch<Request>& batch) {
  absl::flat_hash_set<std::string> ids;
  ids.reserve(batch.requests.size());
  for (const Request* request : batch.requests) ids.insert(ImportKind<Request>::Id(*request));
  return ids;
}

bool SharesAnId(const std::deque<InFlight>& in_flight, const absl::flat_hash_set<std::string>& ids) {
  for (const InFlight& batch : in_flight) {
    for (const std::string& id : ids) {
      if (batch.ids.contains(id)) return true;
    }
  }
  return false;
}

template <typename Request>
absl::StatusOr<CommandOutcome> RunImport(Session& session, const ParsedArgs& args) {
  if (args.positionals().size() != 1) return UsageError("expected one FILE (JSON Lines, or - for stdin)");
  const std::string path = args.positionals()[0];
  PASSERELLE_ASSIGN_OR_RETURN(int64_t batch_size, args.GetInt("batch", 1000, 1, 100000));
  PASSERELLE_ASSIGN_OR_RETURN(int64_t show_rejected, args.GetInt("show-rejected", 50, 0, int64_t{1} << 40));
  PASSERELLE_ASSIGN_OR_RETURN(auto reader, JsonLinesReader::Open(path));

  ImportTally tally;
  ProgressLine progress(session.err(), ImportKind<Request>::kPlural, !args.Has("quiet") && !session.json());
  v1::Matching::Stub& stub = session.matching();  // made here: the sending threads only use it
  std::deque<InFlight> in_flight;  // in file order
  // Waits for the oldest batch in flight and folds its report into the tally.
  auto land = [&]() -> absl::Status {
    absl::StatusOr<v1::ImportResponse> response = in_flight.front().response.get();
    if (!response.ok()) {
      progress.Finish();
      session.err() << "Import stopped at line " << in_flight.front().lines.front() << "; the " << tally.accepted
                    << " records acknowledged before stay stored (rerunning the import is safe).\n";
      return response.status();
    }
    tally.AddServerReport(*response, in_flight.front().lines);
    progress.Update(tally, in_flight.front().bytes_read, reader->total_bytes());
    in_flight.pop_front();
    return absl::OkStatus();
  };
  while (true) {
    Batch<Request> batch = NewBatch<Request>();
    ReadBatch(*reader, batch_size, batch, tally);
    absl::flat_hash_set<std::string> ids = IdsOf(batch);
    while (!in_flight.empty() && (in_flight.size() >= kBatchesInFlight || batch.requests.empty() ||
                                  SharesAnId(in_flight, ids))) {
      PASSERELLE_RETURN_IF_ERROR(land());
    }
    if (batch.requests.empty() && !reader->status().ok()) return reader->status();
    if (batch.requests.empty()) break;
    InFlight& sent = in_flight.emplace_back();
    sent.lines = std::move(batch.lines);
    sent.bytes_read = reader->bytes_read();
    sent.ids = std::move(ids);
    sent.response = std::async(std::launch::async, [&session, &stub, batch = std::move(batch)] {
      return SendBatch(session, stub, batch.requests);
    });
  }
  PASSERELLE_RETURN_IF_ERROR(reader->status());
  progress.Finish();

  const ReportOptions report{path, ImportKind<Request>::kPlural, show_rejected};
  session.out() << (session.json() ? tally.ToJson(report) + "\n" : tally.Summary(report));
  if (tally.unaccounted > 0) {
    return absl::DataLossError(absl::StrCat(tally.unaccounted, " of the ", tally.lines_read,
                                            " lines sent were neither stored nor rejected by the server; import them again"));
  }
  return CommandOutcome{tally.rejected == 0 ? kExitOk : kExitImportRejected};
}

Command ImportCommand(absl::string_view plural,
                      std::function<absl::StatusOr<CommandOutcome>(Session&, const ParsedArgs&)> run) {
  Command command;
  command.path = {"import", std::string(plural)};
  command.arguments = "FILE|-";
  command.summary = absl::StrCat("Store many ", plural, " from a JSON Lines file (one object per line).");
  command.details = absl::StrCat(
      "Each line is one record in the proto3 JSON mapping, as 'put' takes it; blank lines and lines\n"
      "starting with '#' are skipped. A bad line is reported (line number, field, reason) and does not stop\n"
      "the others. Records are sent in batches, each acknowledged once synced to disk; an import can be\n"
      "rerun safely (records are replaced by id). Exit code 0 when every line was stored, 3 when some\n"
      "lines were rejected (the others are stored), 1 when the server failed the import or its report\n"
      "left a line sent neither stored nor rejected (listed with code UNACCOUNTED).\n"
      "With --json, prints {file, kind, lines_read, accepted, rejected, unaccounted, rejected_lines: [{line,\n"
      "id, code, field, reason}]}.");
  command.options = {
      {"batch", "N", "Records per stream, each synced to disk before the next. Default: 1000."},
      {"show-rejected", "N", "How many rejected lines to list in the table (--json lists all). Default: 50."},
      {"quiet", "", "No progress line on stderr."},
  };
  command.examples = {absl::StrCat("passerelle import ", plural, " data/sample/", plural, ".jsonl")};
  command.run = std::move(run);
  return command;
}

}  // namespace

void AddImportCommands(std::vector<Command>& commands) {
  commands.push_back(ImportCommand("candidates", RunImport<v1::ImportCandidatesRequest>));
  commands.push_back(ImportCommand("openings", RunImport<v1::ImportOpeningsRequest>));
  AddFranceTravailImportCommand(commands);  // import_francetravail.cc
}

}  // namespace passerelle::clients
