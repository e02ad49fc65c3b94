// `passerelle match openings|candidates` and `passerelle explain`.
#include <ostream>

#include "absl/strings/str_cat.h"
#include "clients/command.h"
#include "clients/match_view.h"
#include "clients/record_view.h"
#include "engine/common/status_macros.h"

namespace passerelle::clients {
namespace {

using Stub = v1::Matching::Stub;

std::vector<OptionSpec> RankingOptions() {
  return {
      {"k", "N", "How many results. Default: 10."},
      {"min-score", "X", "Leave out results scoring below X, in [0, 1]. Default: 0."},
      {"max-distance-km", "KM", "Leave out pairs farther apart than KM. Default: 0 (each person's own limit)."},
      {"near-misses", "N", "Also show up to N pairs that fail only for reasons support can lift. Default: 0."},
      {"profile", "NAME", "Scoring profile (see 'passerelle profiles list'). Default: default."},
      {"reasons", "N", "Tables: print the reasons of the first N results. Default: 3."},
      {"no-explain", "", "Ask for no explanations (smaller, faster; --json prints scores only)."},
  };
}

// The options both match commands share, into their request.
template <typename Request>
absl::Status FillRanking(const Session& session, const ParsedArgs& args, Request& request) {
  PASSERELLE_ASSIGN_OR_RETURN(int64_t k, args.GetInt("k", 10, 1, kMaxListLength));
  PASSERELLE_ASSIGN_OR_RETURN(double min_score, args.GetDouble("min-score", 0, 0, 1));
  PASSERELLE_ASSIGN_OR_RETURN(double max_km, args.GetDouble("max-distance-km", 0, 0, 20000));
  PASSERELLE_ASSIGN_OR_RETURN(int64_t near_misses, args.GetInt("near-misses", 0, 0, kMaxListLength));
  PASSERELLE_ASSIGN_OR_RETURN(int64_t reasons, args.GetInt("reasons", 3, 0, kMaxListLength));
  request.set_k(static_cast<int32_t>(k));
  request.set_min_score(static_cast<float>(min_score));
  request.set_max_distance_km(static_cast<float>(max_km));
  request.set_near_misses(static_cast<int32_t>(near_misses));
  request.set_scoring_profile(args.Get("profile"));
  // Tables print reasons for a few results only, but near-misses need theirs for the unlock lines.
  bool needs_reasons = args.Has("json") || reasons > 0;
  request.set_explain(!args.Has("no-explain") && needs_reasons);
  request.set_language(ReasonLanguageOf(session.options().language));
  return absl::OkStatus();
}

absl::Status FillOpeningFilters(const ParsedArgs& args, v1::MatchOpeningsRequest& request) {
  for (const std::string& name : SplitList(args.Get("contract"))) {
    PASSERELLE_ASSIGN_OR_RETURN(int value, EnumValueByLabel(*v1::ContractType_descriptor(), name, "--contract"));
    request.add_contract_types(static_cast<v1::ContractType>(value));
  }
  for (std::string& code : SplitList(args.Get("occupation"))) request.add_occupations(std::move(code));
  return absl::OkStatus();
}

// Titles of the openings listed, for the table (one GetOpening each; a title that cannot be fetched is
// left blank rather than failing a result the server already gave).
absl::flat_hash_map<std::string, std::string> FetchTitles(Session& session, const v1::MatchOpeningsResponse& response) {
  absl::flat_hash_map<std::string, std::string> titles;
  for (const auto* list : {&response.matches(), &response.near_misses()}) {
    for (const v1::Match& match : *list) {
      v1::GetOpeningRequest request;
      request.set_opening_id(match.id());
      request.set_opening_owner(match.owner_id());
      v1::GetOpeningResponse opening;
      bool ok = CallMatching(session, &Stub::GetOpening, request, opening).ok();
      titles[match.id()] = ok ? opening.opening().title() : "";
    }
  }
  return titles;
}

MatchListView ListView(Session& session, const ParsedArgs& args, std::string kind, std::string heading) {
  MatchListView view;
  view.kind = std::move(kind);
  view.heading = std::move(heading);
  view.reasons = static_cast<int>(args.GetInt("reasons", 3, 0, kMaxListLength).value_or(3));
  view.language = session.options().language;
  return view;
}

absl::StatusOr<CommandOutcome> MatchOpenings(Session& session, const ParsedArgs& args) {
  v1::MatchOpeningsRequest request;
  PASSERELLE_ASSIGN_OR_RETURN(*request.mutable_candidate_id(), args.Require("candidate"));
  request.set_candidate_owner(args.Get("candidate-owner"));
  PASSERELLE_RETURN_IF_ERROR(FillRanking(session, args, request));
  PASSERELLE_RETURN_IF_ERROR(FillOpeningFilters(args, request));
  v1::MatchOpeningsResponse response;
  PASSERELLE_RETURN_IF_ERROR(CallMatching(session, &Stub::MatchOpenings, request, response));
  if (session.json()) {
    PrintJson(session, response);
    return CommandOutcome{};
  }
  MatchListView view = ListView(session, args, "openings",
                                absl::StrCat(Label(session.options().language, "Best openings for candidate ",
                                                   "Meilleures offres pour "),
                                             request.candidate_id()));
  view.near_misses_requested = request.near_misses() > 0;
  view.blockers_in_scope.assign(response.blockers_in_scope().begin(), response.blockers_in_scope().end());
  if (!args.Has("no-titles")) view.titles = FetchTitles(session, response);
  session.out() << RenderMatchList(view, response.matches(), response.near_misses(), response.scored_pairs(),
                                   response.eligible_pairs(), response.scoring_profile());
  return CommandOutcome{};
}

absl::StatusOr<CommandOutcome> MatchCandidates(Session& session, const ParsedArgs& args) {
  v1::MatchCandidatesRequest request;
  PASSERELLE_ASSIGN_OR_RETURN(*request.mutable_opening_id(), args.Require("opening"));
  request.set_opening_owner(args.Get("opening-owner"));
  PASSERELLE_RETURN_IF_ERROR(FillRanking(session, args, request));
  v1::MatchCandidatesResponse response;
  PASSERELLE_RETURN_IF_ERROR(CallMatching(session, &Stub::MatchCandidates, request, response));
  if (session.json()) {
    PrintJson(session, response);
    return CommandOutcome{};
  }
  std::string heading = absl::StrCat(
      Label(session.options().language, "Best candidates for opening ", "Meilleur·es candidat·es pour l'offre "),
      request.opening_id());
  v1::GetOpeningRequest get;
  get.set_opening_id(request.opening_id());
  get.set_opening_owner(request.opening_owner());
  v1::GetOpeningResponse opening;
  if (CallMatching(session, &Stub::GetOpening, get, opening).ok() && !opening.opening().title().empty()) {
    absl::StrAppend(&heading, " (", opening.opening().title(), ")");
  }
  MatchListView view = ListView(session, args, "candidates", heading);
  view.near_misses_requested = request.near_misses() > 0;
  session.out() << RenderMatchList(view, response.matches(), response.near_misses(), response.scored_pairs(),
                                   response.eligible_pairs(), response.scoring_profile());
  return CommandOutcome{};
}

absl::StatusOr<CommandOutcome> Explain(Session& session, const ParsedArgs& args) {
  v1::ExplainRequest request;
  PASSERELLE_ASSIGN_OR_RETURN(*request.mutable_candidate_id(), args.Require("candidate"));
  PASSERELLE_ASSIGN_OR_RETURN(*request.mutable_opening_id(), args.Require("opening"));
  request.set_candidate_owner(args.Get("candidate-owner"));
  request.set_opening_owner(args.Get("opening-owner"));
  request.set_scoring_profile(args.Get("profile"));
  request.set_language(ReasonLanguageOf(session.options().language));
  v1::ExplainResponse response;
  PASSERELLE_RETURN_IF_ERROR(CallMatching(session, &Stub::Explain, request, response));
  if (session.json()) {
    PrintJson(session, response);
    return CommandOutcome{};
  }
  v1::GetOpeningRequest get;
  get.set_opening_id(request.opening_id());
  get.set_opening_owner(request.opening_owner());
  v1::GetOpeningResponse opening;
  std::string title = CallMatching(session, &Stub::GetOpening, get, opening).ok() ? opening.opening().title() : "";
  session.out() << RenderExplanation(response.explanation(), title, response.scoring_profile(),
                                     session.options().language);
  return CommandOutcome{};
}

}  // namespace

void AddMatchCommands(std::vector<Command>& commands) {
  Command openings;
  openings.path = {"match", "openings"};
  openings.arguments = "--candidate ID";
  openings.summary = "The best openings for a stored candidate, with reasons.";
  openings.details =
      "Ranks every opening for the candidate (docs/scoring.md) and prints a table: the total score, each\n"
      "criterion's score in [0, 1] and the distance, then the reasons in words for the first results.";
  openings.options = {{"candidate", "ID", "The candidate's id. Required."}, {"candidate-owner", "ORG", "Organisation that owns the candidate, when not yours. Default: looked up."}};
  for (OptionSpec& spec : RankingOptions()) openings.options.push_back(std::move(spec));
  openings.options.push_back({"contract", "LIST", "Only these contract types, e.g. CDI,CDD,INTERIM. Default: any."});
  openings.options.push_back(
      {"occupation", "LIST", "Only these ROME codes, domaines (F17) or grands domaines (F). Default: any."});
  openings.options.push_back({"no-titles", "", "Tables: do not fetch the openings' titles."});
  openings.examples = {"passerelle match openings --candidate cand-000042",
                       "passerelle match openings --candidate cand-000042 --k 5 --near-misses 3 --lang fr",
                       "passerelle match openings --candidate cand-000042 --contract CDI,CDD --json"};
  openings.run = MatchOpenings;
  commands.push_back(std::move(openings));

  Command candidates;
  candidates.path = {"match", "candidates"};
  candidates.arguments = "--opening ID";
  candidates.summary = "The best candidates for a stored opening, with reasons.";
  candidates.details = "Ranks every candidate for the opening, as 'match openings' does the other way.";
  candidates.options = {{"opening", "ID", "The opening's id. Required."}, {"opening-owner", "ORG", "Organisation that publishes the opening, when several do. Default: looked up."}};
  for (OptionSpec& spec : RankingOptions()) candidates.options.push_back(std::move(spec));
  candidates.examples = {"passerelle match candidates --opening open-000007 --k 20",
                         "passerelle match candidates --opening open-000007 --near-misses 5 --json"};
  candidates.run = MatchCandidates;
  commands.push_back(std::move(candidates));

  Command explain;
  explain.path = {"explain"};
  explain.arguments = "--candidate ID --opening ID";
  explain.summary = "Score and explain one candidate-opening pair, eligible or not.";
  explain.details =
      "Prints each criterion's score, weight and contribution (they add up to the total), the reasons in\n"
      "words, the hard constraints the pair fails and what would lift them.";
  explain.options = {{"candidate", "ID", "The candidate's id. Required."},
                     {"opening", "ID", "The opening's id. Required."},
                     {"candidate-owner", "ORG", "Organisation that owns the candidate, when not yours. Default: looked up."},
                     {"opening-owner", "ORG", "Organisation that publishes the opening, when several do. Default: looked up."},
                     {"profile", "NAME", "Scoring profile. Default: default."}};
  explain.examples = {"passerelle explain --candidate cand-000042 --opening open-000007 --lang fr"};
  explain.run = Explain;
  commands.push_back(std::move(explain));
}

}  // namespace passerelle::clients
