// `passerelle list candidates|openings`, `search openings|candidates`, `lookup occupations|communes|skills`
// and `watch`: the integration rpcs (docs/api.md, "Listing", "Searching without storing", "Reference
// look-ups", "Watching matches").
#include <ostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "clients/command.h"
#include "clients/json_io.h"
#include "clients/match_view.h"
#include "clients/table.h"
#include "engine/common/status_macros.h"

namespace passerelle::clients {
namespace {

using Stub = v1::Matching::Stub;

std::vector<std::string> CommaList(const std::string& value) {
  return absl::StrSplit(value, ',', absl::SkipEmpty());
}

absl::StatusOr<v1::ListFilter> FilterOf(const ParsedArgs& args) {
  v1::ListFilter filter;
  for (const std::string& d : CommaList(args.Get("departement"))) filter.add_departements(d);
  for (const std::string& o : CommaList(args.Get("occupation"))) filter.add_occupations(o);
  for (const std::string& c : CommaList(args.Get("contract"))) {
    v1::ContractType type;
    if (!v1::ContractType_Parse(absl::StrCat("CONTRACT_TYPE_", c), &type)) {
      return UsageError(absl::StrCat("--contract: unknown contract type \"", c, "\""));
    }
    filter.add_contract_types(type);
  }
  PASSERELLE_ASSIGN_OR_RETURN(const int64_t since, args.GetInt("updated-since", 0, 0, int64_t{1} << 40));
  filter.set_updated_since_unix_seconds(since);
  filter.set_owner_id(args.Get("owner"));
  return filter;
}

// Lists one page, or every page with --all.
template <class Request, class Response>
absl::StatusOr<CommandOutcome> ListPages(Session& session, const ParsedArgs& args,
                                         grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                                         const std::function<void(const Response&, Table&)>& rows, Table table) {
  Request request;
  PASSERELLE_ASSIGN_OR_RETURN(const int64_t size, args.GetInt("page-size", 0, 0, 1000));
  request.set_page_size(static_cast<int32_t>(size));
  request.set_page_token(args.Get("page-token"));
  PASSERELLE_ASSIGN_OR_RETURN(*request.mutable_filter(), FilterOf(args));
  std::string next;
  do {
    Response response;
    PASSERELLE_RETURN_IF_ERROR(CallMatching(session, method, request, response));
    session.json() ? PrintJson(session, response) : rows(response, table);
    next = response.next_page_token();
    request.set_page_token(next);
  } while (args.Has("all") && !next.empty());
  if (!session.json()) {
    session.out() << table.Render();
    if (!next.empty()) session.out() << "More: --page-token " << next << "\n";
  }
  return CommandOutcome{};
}

absl::StatusOr<CommandOutcome> ListCandidates(Session& session, const ParsedArgs& args) {
  return ListPages<v1::ListCandidatesRequest, v1::ListCandidatesResponse>(
      session, args, &Stub::ListCandidates,
      [](const v1::ListCandidatesResponse& r, Table& table) {
        for (int i = 0; i < r.candidates_size(); ++i) {
          const v1::Candidate& c = r.candidates(i);
          table.AddRow({c.id(), r.infos(i).owner_id(), c.commune_insee(), absl::StrJoin(c.wished_occupations(), ","),
                        absl::StrCat(r.infos(i).updated_unix_seconds()), r.infos(i).matchable() ? "yes" : "no"});
        }
      },
      Table({{"candidate"}, {"owner"}, {"commune"}, {"wishes"}, {"updated (unix s)", Align::kRight}, {"matchable"}}));
}

absl::StatusOr<CommandOutcome> ListOpenings(Session& session, const ParsedArgs& args) {
  return ListPages<v1::ListOpeningsRequest, v1::ListOpeningsResponse>(
      session, args, &Stub::ListOpenings,
      [](const v1::ListOpeningsResponse& r, Table& table) {
        for (int i = 0; i < r.openings_size(); ++i) {
          const v1::Opening& o = r.openings(i);
          table.AddRow({o.id(), r.infos(i).owner_id(), Truncate(o.title(), 28), o.rome_code(), o.commune_insee(),
                        absl::StrCat(r.infos(i).updated_unix_seconds()), r.infos(i).matchable() ? "yes" : "no"});
        }
      },
      Table({{"opening"}, {"owner"}, {"title"}, {"rome"}, {"commune"}, {"updated (unix s)", Align::kRight},
             {"matchable"}}));
}

template <class Request>
absl::Status ReadProfile(const ParsedArgs& args, Request* request) {
  if (args.positionals().size() != 1) return UsageError("expected one FILE (or - for stdin) holding the profile");
  PASSERELLE_ASSIGN_OR_RETURN(std::string text, ReadFileOrStdin(args.positionals()[0]));
  absl::Status parsed = ParseJson(text, *request->mutable_profile());
  if (!parsed.ok()) return UsageError(absl::StrCat(args.positionals()[0], ": ", parsed.message()));
  PASSERELLE_ASSIGN_OR_RETURN(const int64_t k, args.GetInt("k", 0, 0, 1000));
  request->set_k(static_cast<int32_t>(k));
  request->set_explain(false);
  return absl::OkStatus();
}

absl::StatusOr<CommandOutcome> SearchOpenings(Session& session, const ParsedArgs& args) {
  v1::SearchOpeningsRequest request;
  PASSERELLE_RETURN_IF_ERROR(ReadProfile(args, &request));
  v1::MatchOpeningsResponse response;
  PASSERELLE_RETURN_IF_ERROR(CallMatching(session, &Stub::SearchOpenings, request, response));
  session.json() ? PrintJson(session, response)
                 : void(session.out() << RenderMatchTable(response.matches(), "opening", {}));
  return CommandOutcome{};
}

absl::StatusOr<CommandOutcome> SearchCandidates(Session& session, const ParsedArgs& args) {
  v1::SearchCandidatesRequest request;
  PASSERELLE_RETURN_IF_ERROR(ReadProfile(args, &request));
  v1::MatchCandidatesResponse response;
  PASSERELLE_RETURN_IF_ERROR(CallMatching(session, &Stub::SearchCandidates, request, response));
  session.json() ? PrintJson(session, response)
                 : void(session.out() << RenderMatchTable(response.matches(), "candidate", {}));
  return CommandOutcome{};
}

absl::StatusOr<std::string> OneQuery(const ParsedArgs& args) {
  if (args.positionals().empty()) return UsageError("expected the words to look up");
  return absl::StrJoin(args.positionals(), " ");
}

absl::StatusOr<CommandOutcome> LookupOccupations(Session& session, const ParsedArgs& args) {
  v1::LookupOccupationsRequest request;
  PASSERELLE_ASSIGN_OR_RETURN(*request.mutable_query(), OneQuery(args));
  PASSERELLE_ASSIGN_OR_RETURN(const int64_t limit, args.GetInt("limit", 0, 0, 100));
  request.set_limit(static_cast<int32_t>(limit));
  v1::LookupOccupationsResponse response;
  PASSERELLE_RETURN_IF_ERROR(CallMatching(session, &Stub::LookupOccupations, request, response));
  if (session.json()) {
    PrintJson(session, response);
    return CommandOutcome{};
  }
  Table table({{"appellation", Align::kRight}, {"title"}, {"rome"}, {"occupation"}});
  for (const v1::OccupationHit& h : response.hits()) {
    table.AddRow({absl::StrCat(h.appellation_code()), h.appellation_label(), h.rome_code(), h.rome_label()});
  }
  session.out() << table.Render();
  return CommandOutcome{};
}

absl::StatusOr<CommandOutcome> LookupCommunes(Session& session, const ParsedArgs& args) {
  v1::LookupCommunesRequest request;
  PASSERELLE_ASSIGN_OR_RETURN(*request.mutable_query(), OneQuery(args));
  request.set_departement(args.Get("departement"));
  PASSERELLE_ASSIGN_OR_RETURN(const int64_t limit, args.GetInt("limit", 0, 0, 100));
  request.set_limit(static_cast<int32_t>(limit));
  v1::LookupCommunesResponse response;
  PASSERELLE_RETURN_IF_ERROR(CallMatching(session, &Stub::LookupCommunes, request, response));
  if (session.json()) {
    PrintJson(session, response);
    return CommandOutcome{};
  }
  Table table({{"insee"}, {"name"}, {"département"}, {"population", Align::kRight}});
  for (const v1::CommuneHit& h : response.hits()) {
    table.AddRow({h.insee_code(), h.name(), h.departement(), absl::StrCat(h.population())});
  }
  session.out() << table.Render();
  return CommandOutcome{};
}

absl::StatusOr<CommandOutcome> LookupSkills(Session& session, const ParsedArgs& args) {
  if (args.positionals().size() != 1) return UsageError("expected one ROME code");
  v1::LookupSkillsRequest request;
  request.set_rome_code(args.positionals()[0]);
  v1::LookupSkillsResponse response;
  PASSERELLE_RETURN_IF_ERROR(CallMatching(session, &Stub::LookupSkills, request, response));
  if (session.json()) {
    PrintJson(session, response);
    return CommandOutcome{};
  }
  session.out() << request.rome_code() << " " << response.rome_label() << "\n";
  Table table({{"code_ogr", Align::kRight}, {"kind"}, {"core"}, {"skill"}});
  for (const v1::SkillHit& s : response.skills()) {
    table.AddRow({absl::StrCat(s.code_ogr()), s.kind(), s.core() ? "yes" : "", s.label()});
  }
  session.out() << table.Render();
  return CommandOutcome{};
}

const char* ChangeWord(v1::MatchChangeKind kind) {
  switch (kind) {
    case v1::MATCH_CHANGE_KIND_ENTERED:
      return "entered";
    case v1::MATCH_CHANGE_KIND_MOVED:
      return "moved";
    case v1::MATCH_CHANGE_KIND_RESCORED:
      return "rescored";
    case v1::MATCH_CHANGE_KIND_LEFT:
      return "left";
    default:
      return "?";
  }
}

absl::StatusOr<CommandOutcome> Watch(Session& session, const ParsedArgs& args) {
  v1::WatchMatchesRequest request;
  request.set_candidate_id(args.Get("candidate"));
  request.set_opening_id(args.Get("opening"));
  if (request.candidate_id().empty() == request.opening_id().empty()) {
    return UsageError("give one of --candidate ID and --opening ID");
  }
  request.set_candidate_owner(args.Get("candidate-owner"));
  request.set_opening_owner(args.Get("opening-owner"));
  PASSERELLE_ASSIGN_OR_RETURN(const int64_t k, args.GetInt("k", 0, 0, 100));
  request.set_k(static_cast<int32_t>(k));
  request.set_scoring_profile(args.Get("profile"));
  PASSERELLE_ASSIGN_OR_RETURN(const int64_t seconds, args.GetInt("for-seconds", 0, 0, int64_t{1} << 31));
  std::unique_ptr<grpc::ClientContext> context = session.NewContext(/*with_deadline=*/false);
  if (seconds > 0) context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
  auto reader = session.matching().WatchMatches(context.get(), request);
  v1::WatchMatchesResponse message;
  while (reader->Read(&message)) {
    if (session.json()) {
      PrintJson(session, message);
    } else if (message.sequence() == 1) {
      session.out() << RenderMatchTable(message.top(), request.candidate_id().empty() ? "candidate" : "opening", {});
    } else {
      for (const v1::MatchChange& c : message.changes()) {
        session.out() << ChangeWord(c.kind()) << " " << c.match().id() << " (" << c.match().owner_id() << ")"
                      << " rank " << c.previous_rank() << " -> " << c.rank() << " score " << FormatScore(c.match().total())
                      << " " << v1::MatchChangeReason_Name(c.reason()) << "\n";
      }
    }
    session.out().flush();
  }
  const grpc::Status status = reader->Finish();
  // The end the user asked for (--for-seconds) is a success.
  if (seconds > 0 && status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) return CommandOutcome{};
  PASSERELLE_RETURN_IF_ERROR(session.FromGrpc(status));
  return CommandOutcome{};
}

std::vector<OptionSpec> FilterOptions() {
  return {{"departement", "CODES", "Only records in these départements, comma-separated (93,2A). Default: any."},
          {"occupation", "CODES", "ROME codes, domaines or grands domaines (F1703,F17,F). Default: any."},
          {"contract", "TYPES", "Contract types (CDI,CDD,INTERIM...). Default: any."},
          {"updated-since", "UNIX_SECONDS", "Only records put at or after this time. Default: any."},
          {"owner", "ORG", "Only records of this organisation. Default: every one you may read."},
          {"page-size", "N", "Records per page, 0..1000. Default: 100."},
          {"page-token", "TOKEN", "Continue from a previous page (the token it printed)."},
          {"all", "", "Fetch every page."}};
}

}  // namespace

void AddDiscoveryCommands(std::vector<Command>& commands) {
  const std::string order = "Records come ordered by (owner, id); a page token stays valid across writes.";
  commands.push_back({{"list", "candidates"}, "", "List the candidates you may read, a page at a time.", order,
                      FilterOptions(), {"passerelle list candidates --departement 93 --occupation F17 --all"},
                      ListCandidates});
  commands.push_back({{"list", "openings"}, "", "List the openings you may read, a page at a time.", order,
                      FilterOptions(), {"passerelle list openings --contract CDI --page-size 50"}, ListOpenings});
  const std::string unstored = "FILE holds the profile as JSON (the record's proto3 JSON mapping); it is ranked\n"
                               "against what is stored and never stored, logged or audited itself.";
  commands.push_back({{"search", "openings"}, "FILE|-", "Best openings for a candidate profile, without storing it.",
                      unstored, {{"k", "N", "How many results. Default: 10."}},
                      {"passerelle search openings profile.json --k 20"}, SearchOpenings});
  commands.push_back({{"search", "candidates"}, "FILE|-",
                      "Best candidates you may read for an opening profile, without storing it.", unstored,
                      {{"k", "N", "How many results. Default: 10."}},
                      {"passerelle search candidates offer.json"}, SearchCandidates});
  commands.push_back({{"lookup", "occupations"}, "WORDS...", "ROME job titles matching words of a title.",
                      "Accents and case are ignored; every word must start a word of the title.",
                      {{"limit", "N", "At most N titles, 0..100. Default: 20."}},
                      {"passerelle lookup occupation aide soignant"}, LookupOccupations});
  commands.push_back({{"lookup", "communes"}, "NAME|INSEE", "Communes by name (or its start) or INSEE code.",
                      "Postal codes are not in the reference data yet.",
                      {{"departement", "CODE", "Only this département."},
                       {"limit", "N", "At most N communes, 0..100. Default: 20."}},
                      {"passerelle lookup commune saint denis --departement 93"}, LookupCommunes});
  commands.push_back({{"lookup", "skills"}, "ROME", "The skill items ROME lists for an occupation, core first.", "",
                      {}, {"passerelle lookup skills F1703"}, LookupSkills});
  commands.push_back(
      {{"watch"}, "", "Print a record's top matches, then each change, until interrupted.",
       "With --candidate: its best openings; with --opening: the best candidates you may read.\n"
       "Changes are coalesced: a burst of writes gives one line per match that changed.",
       {{"candidate", "ID", "Watch this candidate's best openings."},
        {"opening", "ID", "Watch this opening's best candidates."},
        {"candidate-owner", "ORG", "Owner of the candidate, when not yours."},
        {"opening-owner", "ORG", "Owner of the opening, when several publish that id."},
        {"k", "N", "Size of the watched top, 0..100. Default: 10."},
        {"profile", "NAME", "Scoring profile. Default: default."},
        {"for-seconds", "S", "Stop after S seconds (exit 0). Default: until interrupted."}},
       {"passerelle watch --candidate c-7f3a --k 5"},
       Watch});
}

}  // namespace passerelle::clients
