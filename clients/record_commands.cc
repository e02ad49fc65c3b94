// Commands on single records and on the server itself: put, get, delete, status, health.
#include <chrono>
#include <ostream>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "clients/command.h"
#include "clients/json_io.h"
#include "clients/record_view.h"
#include "clients/table.h"
#include "engine/common/status_macros.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace passerelle::clients {
namespace {

using Stub = v1::Matching::Stub;

// The one positional argument of a command: a file, or an id.
absl::StatusOr<std::string> OnePositional(const ParsedArgs& args, absl::string_view what) {
  if (args.positionals().size() != 1) {
    return UsageError(absl::StrCat("expected one ", what, ", got ", args.positionals().size(), " arguments"));
  }
  return args.positionals()[0];
}

// A record from the file named on the command line ("-" = stdin), as one JSON object.
template <typename Record>
absl::StatusOr<Record> ReadRecordArg(const ParsedArgs& args) {
  PASSERELLE_ASSIGN_OR_RETURN(std::string path, OnePositional(args, "FILE (or - for stdin)"));
  PASSERELLE_ASSIGN_OR_RETURN(std::string text, ReadFileOrStdin(path));
  Record record;
  absl::Status parsed = ParseJson(text, record);
  if (!parsed.ok()) {
    // Several records in the file read as a syntax error: point to import.
    const bool syntax = absl::StartsWith(parsed.message(), "not a valid JSON");
    return UsageError(absl::StrCat(path, ": ", parsed.message(),
                                   syntax ? " (put takes one JSON object; 'passerelle import' takes JSON Lines)" : ""));
  }
  return record;
}

template <typename Response>
CommandOutcome ReportPut(Session& session, const Response& response, absl::string_view kind, const std::string& id) {
  if (session.json()) {
    PrintJson(session, response);
  } else {
    session.out() << "Stored " << kind << " " << id << (response.created() ? " (new)." : " (replaced).") << "\n";
  }
  return {};
}

absl::StatusOr<CommandOutcome> PutCandidate(Session& session, const ParsedArgs& args) {
  v1::PutCandidateRequest request;
  PASSERELLE_ASSIGN_OR_RETURN(*request.mutable_candidate(), ReadRecordArg<v1::Candidate>(args));
  v1::PutCandidateResponse response;
  PASSERELLE_RETURN_IF_ERROR(CallMatching(session, &Stub::PutCandidate, request, response));
  return ReportPut(session, response, "candidate", request.candidate().id());
}

absl::StatusOr<CommandOutcome> PutOpening(Session& session, const ParsedArgs& args) {
  v1::PutOpeningRequest request;
  PASSERELLE_ASSIGN_OR_RETURN(*request.mutable_opening(), ReadRecordArg<v1::Opening>(args));
  v1::PutOpeningResponse response;
  PASSERELLE_RETURN_IF_ERROR(CallMatching(session, &Stub::PutOpening, request, response));
  return ReportPut(session, response, "opening", request.opening().id());
}

void ShowRecord(Session& session, const google::protobuf::Message& record, bool matchable) {
  session.out() << RenderRecord(record);
  if (!matchable) {
    session.out() << "\nNot matchable: this record no longer validates against the reference data and takes no\n"
                     "part in matching until it is put again ('passerelle status' says why).\n";
  }
}

absl::StatusOr<CommandOutcome> GetCandidate(Session& session, const ParsedArgs& args) {
  v1::GetCandidateRequest request;
  PASSERELLE_ASSIGN_OR_RETURN(*request.mutable_candidate_id(), OnePositional(args, "ID"));
  v1::GetCandidateResponse response;
  PASSERELLE_RETURN_IF_ERROR(CallMatching(session, &Stub::GetCandidate, request, response));
  session.json() ? PrintJson(session, response) : ShowRecord(session, response.candidate(), response.matchable());
  return CommandOutcome{};
}

absl::StatusOr<CommandOutcome> GetOpening(Session& session, const ParsedArgs& args) {
  v1::GetOpeningRequest request;
  PASSERELLE_ASSIGN_OR_RETURN(*request.mutable_opening_id(), OnePositional(args, "ID"));
  v1::GetOpeningResponse response;
  PASSERELLE_RETURN_IF_ERROR(CallMatching(session, &Stub::GetOpening, request, response));
  session.json() ? PrintJson(session, response) : ShowRecord(session, response.opening(), response.matchable());
  return CommandOutcome{};
}

CommandOutcome ReportDelete(Session& session, const google::protobuf::Message& response, absl::string_view kind,
                            const std::string& id) {
  if (session.json()) {
    PrintJson(session, response);
  } else {
    session.out() << "Deleted " << kind << " " << id << ".\n";
  }
  return {};
}

absl::StatusOr<CommandOutcome> DeleteCandidate(Session& session, const ParsedArgs& args) {
  v1::DeleteCandidateRequest request;
  PASSERELLE_ASSIGN_OR_RETURN(*request.mutable_candidate_id(), OnePositional(args, "ID"));
  v1::DeleteCandidateResponse response;
  PASSERELLE_RETURN_IF_ERROR(CallMatching(session, &Stub::DeleteCandidate, request, response));
  return ReportDelete(session, response, "candidate", request.candidate_id());
}

absl::StatusOr<CommandOutcome> DeleteOpening(Session& session, const ParsedArgs& args) {
  v1::DeleteOpeningRequest request;
  PASSERELLE_ASSIGN_OR_RETURN(*request.mutable_opening_id(), OnePositional(args, "ID"));
  v1::DeleteOpeningResponse response;
  PASSERELLE_RETURN_IF_ERROR(CallMatching(session, &Stub::DeleteOpening, request, response));
  return ReportDelete(session, response, "opening", request.opening_id());
}

absl::StatusOr<CommandOutcome> ShowStatus(Session& session, const ParsedArgs& args) {
  v1::GetStatusResponse response;
  PASSERELLE_RETURN_IF_ERROR(CallMatching(session, &Stub::GetStatus, v1::GetStatusRequest(), response));
  if (session.json()) {
    PrintJson(session, response);
    return CommandOutcome{};
  }
  std::ostream& out = session.out();
  out << "server                  " << session.options().server << "\n"
      << "candidates              " << response.candidate_count() << "\n"
      << "openings                " << response.opening_count() << "\n"
      << "scoring profiles        " << response.scoring_profile_count() << "\n"
      << "reference data version  " << response.reference_data_version() << "\n"
      << "storage schema version  " << response.schema_version() << "\n";
  if (response.invalid_records_size() == 0) return CommandOutcome{};
  out << "\nRecords that no longer validate against the reference data (not matchable):\n";
  Table table({{"kind"}, {"id"}, {"reason"}});
  for (const v1::InvalidRecord& record : response.invalid_records()) {
    table.AddRow({absl::AsciiStrToLower(EnumLabel(*v1::RecordKind_descriptor()->FindValueByNumber(record.kind()))),
                  record.id(), record.reason()});
  }
  out << table.Render();
  return CommandOutcome{};
}

// One health check; the status of the server's overall health ("" service) unless --service says.
absl::Status CheckHealthOnce(Session& session, const std::string& service,
                             grpc::health::v1::HealthCheckResponse& response) {
  auto stub = grpc::health::v1::Health::NewStub(session.channel());
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  PASSERELLE_RETURN_IF_ERROR(session.FromGrpc(stub->Check(context.get(), request, &response)));
  if (response.status() != grpc::health::v1::HealthCheckResponse::SERVING) {
    return session.FromGrpc(
        grpc::Status(grpc::StatusCode::UNAVAILABLE,
                     absl::StrCat("server reports ", HealthCheckResponse_ServingStatus_Name(response.status()))));
  }
  return absl::OkStatus();
}

absl::StatusOr<CommandOutcome> Health(Session& session, const ParsedArgs& args) {
  PASSERELLE_ASSIGN_OR_RETURN(double wait_seconds, args.GetDouble("wait", 0, 0, 3600));
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::milliseconds(int64_t(wait_seconds * 1000));
  grpc::health::v1::HealthCheckResponse response;
  absl::Status status = CheckHealthOnce(session, args.Get("service"), response);
  // A server that is starting refuses connections for a moment: retry until --wait runs out.
  while (!status.ok() && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    status = CheckHealthOnce(session, args.Get("service"), response);
  }
  PASSERELLE_RETURN_IF_ERROR(status);
  session.json() ? PrintJson(session, response) : void(session.out() << "SERVING\n");
  return CommandOutcome{};
}

Command RecordCommand(std::vector<std::string> path, std::string arguments, std::string summary,
                      std::function<absl::StatusOr<CommandOutcome>(Session&, const ParsedArgs&)> run,
                      std::string example) {
  Command command;
  command.path = std::move(path);
  command.arguments = std::move(arguments);
  command.summary = std::move(summary);
  command.run = std::move(run);
  command.examples = {std::move(example)};
  return command;
}

}  // namespace

void AddRecordCommands(std::vector<Command>& commands) {
  const std::string put_details =
      "FILE holds one JSON object in the proto3 JSON mapping of the record (field names as in\n"
      "proto/passerelle/v1/records.proto; camelCase is accepted too). A record with the same id is replaced.";
  commands.push_back(RecordCommand({"put", "candidate"}, "FILE|-", "Store one candidate (JSON object).", PutCandidate,
                                   "passerelle put candidate cand-42.json"));
  commands.back().details = put_details;
  commands.push_back(RecordCommand({"put", "opening"}, "FILE|-", "Store one opening (JSON object).", PutOpening,
                                   "echo '{\"id\": \"o-1\", ...}' | passerelle put opening -"));
  commands.back().details = put_details;
  commands.push_back(RecordCommand({"get", "candidate"}, "ID", "Show a stored candidate.", GetCandidate,
                                   "passerelle get candidate cand-000042 --json"));
  commands.push_back(RecordCommand({"get", "opening"}, "ID", "Show a stored opening.", GetOpening,
                                   "passerelle get opening open-000007"));
  commands.push_back(RecordCommand({"delete", "candidate"}, "ID", "Erase a candidate for good.", DeleteCandidate,
                                   "passerelle delete candidate cand-000042"));
  commands.push_back(RecordCommand({"delete", "opening"}, "ID", "Erase an opening.", DeleteOpening,
                                   "passerelle delete opening open-000007"));
  commands.push_back(RecordCommand({"status"}, "", "Counts, versions, records that no longer validate.", ShowStatus,
                                   "passerelle status"));
  commands.push_back(RecordCommand({"health"}, "", "Check that the server is serving (grpc.health.v1).", Health,
                                   "passerelle health --wait 30"));
  commands.back().options = {
      {"wait", "SECONDS", "Keep trying until the server serves or this time has passed. Default: 0 (one try)."},
      {"service", "NAME", "Service to check, e.g. passerelle.v1.Matching. Default: the whole server."},
  };
}

}  // namespace passerelle::clients
