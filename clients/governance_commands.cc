// `passerelle audit`, `passerelle expiring`, `passerelle offboard`: the passerelle.v1.Governance rpcs
// (docs/security.md). The server scopes each to the caller's key: an admin sees the whole audit log and
// may off-board an organisation; others see the entries about their own candidates and their own
// expiring records.
#include <ostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/command.h"
#include "clients/table.h"
#include "engine/common/status_macros.h"
#include "passerelle/v1/governance.grpc.pb.h"

namespace passerelle::clients {
namespace {

template <typename Request, typename Response>
absl::Status CallGovernance(Session& session,
                            grpc::Status (v1::Governance::Stub::*method)(grpc::ClientContext*, const Request&,
                                                                         Response*),
                            const Request& request, Response& response) {
  std::unique_ptr<v1::Governance::Stub> stub = v1::Governance::NewStub(session.channel());
  std::unique_ptr<grpc::ClientContext> context = session.NewContext();
  return session.FromGrpc(((*stub).*method)(context.get(), request, &response));
}

std::string CandidateList(const v1::AuditEntry& e) {
  std::vector<std::string> names;
  for (const v1::AuditCandidate& c : e.candidates()) {
    names.push_back(absl::StrCat(c.organisation(), ":", c.erased() ? "(erased)" : c.id()));
  }
  if (names.size() > 5) {
    const size_t more = names.size() - 5;
    names.resize(5);
    names.push_back(absl::StrCat("... ", more, " more"));
  }
  return absl::StrJoin(names, ", ");
}

absl::StatusOr<CommandOutcome> Audit(Session& session, const ParsedArgs& args) {
  v1::ListAuditEntriesRequest request;
  request.set_candidate_id(args.Get("candidate"));
  request.set_candidate_organisation(args.Get("organisation"));
  request.set_rpc(args.Get("rpc"));
  request.set_since(args.Get("since"));
  request.set_until(args.Get("until"));
  PASSERELLE_ASSIGN_OR_RETURN(const int64_t page_size, args.GetInt("page-size", 100, 1, 1000));
  request.set_page_size(static_cast<int32_t>(page_size));
  request.set_page_token(args.Get("page-token"));
  v1::ListAuditEntriesResponse response;
  PASSERELLE_RETURN_IF_ERROR(CallGovernance(session, &v1::Governance::Stub::ListAuditEntries, request, response));
  if (session.json()) {
    PrintJson(session, response);
    return CommandOutcome{};
  }
  Table table({{"time"}, {"organisation"}, {"key"}, {"acting person"}, {"rpc"}, {"candidates"}});
  for (const v1::AuditEntry& e : response.entries()) {
    table.AddRow({e.time(), e.organisation(), e.key_id(), e.acting_person(), e.rpc(), CandidateList(e)});
  }
  session.out() << table.Render();
  if (!response.next_page_token().empty()) {
    session.out() << "More: --page-token " << response.next_page_token() << "\n";
  }
  return CommandOutcome{};
}

absl::StatusOr<CommandOutcome> Expiring(Session& session, const ParsedArgs& args) {
  v1::ListExpiringRecordsRequest request;
  PASSERELLE_ASSIGN_OR_RETURN(const int64_t days, args.GetInt("within-days", 30, 0, 3650));
  request.set_within_days(static_cast<int32_t>(days));
  v1::ListExpiringRecordsResponse response;
  PASSERELLE_RETURN_IF_ERROR(
      CallGovernance(session, &v1::Governance::Stub::ListExpiringRecords, request, response));
  if (session.json()) {
    PrintJson(session, response);
    return CommandOutcome{};
  }
  Table table({{"erased on"}, {"kind"}, {"id"}});
  for (const v1::ExpiringRecord& r : response.records()) table.AddRow({r.erased_on(), r.kind(), r.id()});
  session.out() << table.Render();
  return CommandOutcome{};
}

absl::StatusOr<CommandOutcome> Offboard(Session& session, const ParsedArgs& args) {
  v1::EraseOrganisationRequest request;
  PASSERELLE_ASSIGN_OR_RETURN(std::string organisation, args.Require("organisation"));
  request.set_organisation(organisation);
  v1::EraseOrganisationResponse response;
  PASSERELLE_RETURN_IF_ERROR(CallGovernance(session, &v1::Governance::Stub::EraseOrganisation, request, response));
  if (session.json()) {
    PrintJson(session, response);
  } else {
    session.out() << "Erased " << response.candidates_erased() << " candidates and " << response.openings_erased()
                  << " openings of " << organisation << "; revoked " << response.keys_revoked()
                  << " keys and deleted " << response.agreements_deleted() << " sharing agreements.\n";
  }
  return CommandOutcome{};
}

}  // namespace

void AddGovernanceCommands(std::vector<Command>& commands) {
  Command audit;
  audit.path = {"audit"};
  audit.summary = "List the audit log of candidate reads (admin: all; others: about their candidates).";
  audit.details =
      "One entry per call that returned candidate data: when, which organisation and key, the acting person\n"
      "if one was passed, the rpc and the candidates. Erased candidates show as (erased). Oldest first;\n"
      "a page ends with the token of the next one.";
  audit.options = {{"candidate", "ID", "Only entries about this candidate."},
                   {"organisation", "ORG", "Admin: only entries about this organisation's candidates."},
                   {"rpc", "NAME", "Only entries of this rpc, e.g. GetCandidate."},
                   {"since", "TIME", "Only entries at or after this RFC 3339 time."},
                   {"until", "TIME", "Only entries before this RFC 3339 time."},
                   {"page-size", "N", "Entries per page, in [1, 1000]. Default: 100."},
                   {"page-token", "TOKEN", "Go on from a previous page."}};
  audit.examples = {"passerelle audit --candidate c-42", "passerelle audit --rpc Rerank --since 2026-11-01T00:00:00Z"};
  audit.run = Audit;
  commands.push_back(std::move(audit));

  Command expiring;
  expiring.path = {"expiring"};
  expiring.summary = "List your records the retention sweeper erases within N days.";
  expiring.details =
      "Candidates not updated for the server's --candidate_retention_days and openings past their expires_on\n"
      "are erased. Warn the person first, or put the record again to keep it.";
  expiring.options = {{"within-days", "N", "Horizon in days, in [0, 3650]. Default: 30."}};
  expiring.examples = {"passerelle expiring --within-days 30"};
  expiring.run = Expiring;
  commands.push_back(std::move(expiring));

  Command offboard;
  offboard.path = {"offboard"};
  offboard.summary = "Admin: erase every candidate and opening an organisation owns.";
  offboard.options = {{"organisation", "ORG", "The organisation to off-board (required)."}};
  offboard.examples = {"passerelle offboard --organisation platform-horizon"};
  offboard.run = Offboard;
  commands.push_back(std::move(offboard));
}

}  // namespace passerelle::clients
