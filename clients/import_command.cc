// `passerelle import candidates|openings FILE`: streams a JSON Lines file to ImportCandidates /
// ImportOpenings in batches, shows progress on long imports, and reports every rejected line with its
// line number, field and reason. A line that is not valid JSON for the record is rejected here, without
// stopping the import; the server rejects the lines that do not validate.
//
// Batches are separate streams: each is acknowledged once synced to disk, so progress counts only
// what is stored, and a failure loses at most the batch in flight (imports are idempotent: rerun them).
// The next batch is parsed while one is in flight (InFlight below).
#include <future>
#include <optional>
#include <ostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "clients/command.h"
#include "clients/import_report.h"
#include "clients/json_io.h"
#include "engine/common/status_macros.h"

namespace passerelle::clients {
namespace {

// How one kind of record is streamed.
template <typename Request>
struct ImportKind;

template <>
struct ImportKind<v1::ImportCandidatesRequest> {
  static constexpr char kPlural[] = "candidates";
  static google::protobuf::Message& Record(v1::ImportCandidatesRequest& r) { return *r.mutable_candidate(); }
  static auto Open(v1::Matching::Stub& stub, grpc::ClientContext* context, v1::ImportResponse* response) {
    return stub.ImportCandidates(context, response);
  }
};

template <>
struct ImportKind<v1::ImportOpeningsRequest> {
  static constexpr char kPlural[] = "openings";
  static google::protobuf::Message& Record(v1::ImportOpeningsRequest& r) { return *r.mutable_opening(); }
  static auto Open(v1::Matching::Stub& stub, grpc::ClientContext* context, v1::ImportResponse* response) {
    return stub.ImportOpenings(context, response);
  }
};

// Reads up to `batch_size` records, rejecting lines that do not parse into `tally`.
template <typename Request>
void ReadBatch(JsonLinesReader& reader, int64_t batch_size, std::vector<Request>& requests, std::vector<int64_t>& lines,
               ImportTally& tally) {
  std::string line;
  while (static_cast<int64_t>(requests.size()) < batch_size && reader.Next(line)) {
    ++tally.lines_read;
    Request request;
    absl::Status parsed = ParseJson(line, ImportKind<Request>::Record(request));
    if (!parsed.ok()) {
      tally.RejectUnparsed(reader.line_number(), line, parsed.message());
      continue;
    }
    requests.push_back(std::move(request));
    lines.push_back(reader.line_number());
  }
}

// Streams one batch; the server's per-item report once the batch is synced.
template <typename Request>
absl::StatusOr<v1::ImportResponse> SendBatch(const Session& session, v1::Matching::Stub& stub,
                                             const std::vector<Request>& requests) {
  v1::ImportResponse response;
  std::unique_ptr<grpc::ClientContext> context = session.NewContext(/*with_deadline=*/false);
  auto writer = ImportKind<Request>::Open(stub, context.get(), &response);
  for (const Request& request : requests) {
    if (!writer->Write(request)) break;  // the stream broke; Finish() says why
  }
  writer->WritesDone();
  PASSERELLE_RETURN_IF_ERROR(session.FromGrpc(writer->Finish()));
  return response;
}

// The batch being sent on another thread while this one parses the next: parsing (ParseJson) costs about
// as much as the server's decode, store and sync, so the two overlap. One batch at a time still goes to
// the server, in file order, so a later line with the same id still replaces an earlier one.
struct InFlight {
  std::vector<int64_t> lines;  // of the batch's items
  int64_t bytes_read = 0;      // of the file, up to the batch's last line
  std::future<absl::StatusOr<v1::ImportResponse>> response;
};

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
  std::optional<InFlight> in_flight;
  // Waits for the batch in flight and folds its report into the tally.
  auto land = [&]() -> absl::Status {
    absl::StatusOr<v1::ImportResponse> response = in_flight->response.get();
    if (!response.ok()) {
      progress.Finish();
      session.err() << "Import stopped at line " << in_flight->lines.front() << "; the " << tally.accepted
                    << " records acknowledged before stay stored (rerunning the import is safe).\n";
      return response.status();
    }
    tally.AddServerReport(*response, in_flight->lines);
    progress.Update(tally, in_flight->bytes_read, reader->total_bytes());
    in_flight.reset();
    return absl::OkStatus();
  };
  while (true) {
    std::vector<Request> requests;
    std::vector<int64_t> lines;
    ReadBatch(*reader, batch_size, requests, lines, tally);
    if (in_flight) PASSERELLE_RETURN_IF_ERROR(land());
    if (requests.empty() && !reader->status().ok()) return reader->status();
    if (requests.empty()) break;
    in_flight.emplace();
    in_flight->lines = std::move(lines);
    in_flight->bytes_read = reader->bytes_read();
    in_flight->response = std::async(std::launch::async, [&session, &stub, batch = std::move(requests)] {
      return SendBatch(session, stub, batch);
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
