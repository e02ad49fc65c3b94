// `passerelle rerank` and `passerelle assign`: the batch rpcs (docs/batch.md) from a shell.
//
// Both run for as long as the cohort needs: they have no deadline unless --timeout is given.
#include <optional>
#include <ostream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/batch_view.h"
#include "clients/exposure_view.h"
#include "clients/command.h"
#include "clients/json_io.h"
#include "clients/record_view.h"
#include "clients/shard_gather.h"
#include "engine/common/status_macros.h"
#include "server/request_limits.h"

namespace passerelle::clients {
namespace {

using Stub = v1::Matching::Stub;

std::vector<OptionSpec> CohortOptions() {
  return {
      {"owner", "ID", "Your organisation (the key's); any other is refused. Default: the key's organisation."},
      {"departement", "LIST", "Only candidates living in these départements, e.g. 93,94,2A. Default: all."},
      {"occupation", "LIST", "Only openings with these ROME codes, domaines (F17) or grands domaines (F). Default: all."},
      {"profile", "NAME", "Scoring profile (see 'passerelle profiles list'). Default: default."},
      {"no-titles", "", "Tables: do not fetch the openings' titles."},
      {"shards", "LIST",
       "A national batch gathered from région shards, e.g. shard-a:50051,shard-b:50051 (one node per shard;\n"
       "docs/cluster.md). Titles are read from --server. Default: none (one call to --server)."},
  };
}

template <typename Request>
void FillCohort(const ParsedArgs& args, Request& request) {
  request.set_owner_id(args.Get("owner"));
  for (std::string& code : SplitList(args.Get("departement"))) request.add_departements(std::move(code));
  for (std::string& code : SplitList(args.Get("occupation"))) request.add_occupations(std::move(code));
  request.set_scoring_profile(args.Get("profile"));
}

// --shards HOST:PORT,...: one session per shard, with the command's key and settings; empty without it.
struct ShardSessions {
  std::vector<std::unique_ptr<Session>> owned;
  std::vector<Session*> sessions;
};

ShardSessions OpenShards(Session& session, const ParsedArgs& args) {
  ShardSessions out;
  for (const std::string& address : SplitList(args.Get("shards"))) {
    SessionOptions options = session.options();
    options.server = address;
    // A shard's pools run to a few hundred bytes per candidate.
    options.max_receive_message_bytes = static_cast<int>(server::kMaxPoolsAnswerBytes + (1 << 20));
    out.owned.push_back(std::make_unique<Session>(options, session.out(), session.err()));
    out.sessions.push_back(out.owned.back().get());
  }
  return out;
}

// Batch calls take as long as the cohort needs: a deadline only when --timeout is given.
std::unique_ptr<grpc::ClientContext> BatchContext(Session& session, const ParsedArgs& args) {
  return session.NewContext(/*with_deadline=*/args.Has("timeout"));
}

// Titles of `ids` (one GetOpening each; a title that cannot be fetched is left blank).
template <typename Ids>
void FetchTitles(Session& session, const Ids& ids, absl::flat_hash_map<std::string, std::string>& titles) {
  for (const std::string& id : ids) {
    if (titles.contains(id)) continue;
    v1::GetOpeningRequest request;
    request.set_opening_id(id);
    v1::GetOpeningResponse opening;
    titles[id] = CallMatching(session, &Stub::GetOpening, request, opening).ok() ? opening.opening().title() : "";
  }
}

// --exposure, --slots and --min-exposure ATTRIBUTE=GROUP:SHARE ("french_band=A1:0.3"); the server checks
// the names and the range.
absl::Status FillExposure(const ParsedArgs& args, v1::RerankRequest& request) {
  for (std::string& attribute : SplitList(args.Get("exposure"))) request.add_exposure_attributes(std::move(attribute));
  PASSERELLE_ASSIGN_OR_RETURN(int64_t slots, args.GetInt("slots", 0, 0, kMaxListLength));
  request.set_slots_per_opening(static_cast<int32_t>(slots));
  if (!args.Has("min-exposure")) return absl::OkStatus();
  const std::string text = args.Get("min-exposure");
  const size_t equals = text.find('='), colon = text.rfind(':');
  double share = 0;
  if (equals == std::string::npos || colon == std::string::npos || colon < equals ||
      !absl::SimpleAtod(text.substr(colon + 1), &share)) {
    return UsageError("--min-exposure: use ATTRIBUTE=GROUP:SHARE, e.g. french_band=A1:0.3");
  }
  v1::MinimumExposure* minimum = request.mutable_min_exposure();
  minimum->set_attribute(text.substr(0, equals));
  minimum->set_group(text.substr(equals + 1, colon - equals - 1));
  minimum->set_min_share(share);
  return absl::OkStatus();
}

// The first `show` shortlists (by opening id) the minimum share changed.
void KeepChanged(v1::OpeningShortlist shortlist, size_t show, std::vector<v1::OpeningShortlist>& kept) {
  if (shortlist.reordered() && kept.size() < show) kept.push_back(std::move(shortlist));
}

// The table summary of a re-ranking (titles from the session's server: with --shards, the first one).
absl::StatusOr<CommandOutcome> PrintRerankSummary(Session& session, const ParsedArgs& args,
                                                  const v1::RerankRequest& request, RerankTally& tally, int k,
                                                  int show) {
  RerankView view;
  view.k = k;
  view.show = show;
  view.profile = request.scoring_profile();
  if (!args.Has("no-titles")) {
    std::vector<std::string> ids;
    for (const auto& [id, count] : tally.MostListed(view.top_openings)) ids.push_back(id);
    for (const v1::CandidateRanking& r : tally.first()) {
      for (const v1::Match& m : r.matches()) ids.push_back(m.id());
    }
    FetchTitles(session, ids, view.titles);
  }
  session.out() << tally.Summary(view);
  return CommandOutcome{};
}

absl::StatusOr<CommandOutcome> Rerank(Session& session, const ParsedArgs& args) {
  v1::RerankRequest request;
  PASSERELLE_RETURN_IF_ERROR(FillExposure(args, request));
  PASSERELLE_ASSIGN_OR_RETURN(int64_t k, args.GetInt("k", 10, 1, kMaxListLength));
  PASSERELLE_ASSIGN_OR_RETURN(int64_t show, args.GetInt("show", 3, 0, 1000));
  PASSERELLE_ASSIGN_OR_RETURN(int64_t every, args.GetInt("progress-every", 1000, 1, 1000000000));
  request.set_k(static_cast<int32_t>(k));
  request.set_progress_every(every);
  request.set_explain(args.Has("explain"));
  request.set_language(ReasonLanguageOf(session.options().language));
  FillCohort(args, request);

  RerankTally tally(static_cast<int>(show));
  const JsonStyle lines{.single_line = true, .include_defaults = true};
  ShardSessions shards = OpenShards(session, args);
  if (!shards.sessions.empty()) {
    PASSERELLE_ASSIGN_OR_RETURN(GatheredRerank gathered, GatherRerank(shards.sessions, request, args.Has("timeout")));
    for (v1::CandidateRanking& ranking : gathered.rankings) {
      if (session.json()) {
        session.out() << ToJson(ranking, lines) << "\n";
      } else {
        tally.Add(std::move(ranking));
      }
    }
    tally.SetFinal(gathered.progress);
    if (session.json()) return CommandOutcome{};
    return PrintRerankSummary(session, args, request, tally, static_cast<int>(k), static_cast<int>(show));
  }
  std::unique_ptr<grpc::ClientContext> context = BatchContext(session, args);
  std::unique_ptr<grpc::ClientReader<v1::RerankResponse>> reader = session.matching().Rerank(context.get(), request);
  BatchProgressLine progress(session.err(), !args.Has("quiet"));
  v1::RerankResponse response;
  std::optional<v1::RerankExposure> exposure;
  std::vector<v1::OpeningShortlist> changed;
  while (reader->Read(&response)) {
    if (response.has_progress()) {
      progress.Update(response.progress());
      if (response.progress().done()) tally.SetFinal(response.progress());
    } else if (session.json() && !response.has_ranking()) {
      session.out() << ToJson(response, lines) << "\n";  // {"shortlist": ...} or {"exposure": ...}
    } else if (response.has_shortlist()) {
      KeepChanged(std::move(*response.mutable_shortlist()), static_cast<size_t>(show), changed);
    } else if (response.has_exposure()) {
      exposure = std::move(*response.mutable_exposure());
    } else if (session.json()) {
      session.out() << ToJson(response.ranking(), lines) << "\n";
    } else {
      tally.Add(std::move(*response.mutable_ranking()));
    }
  }
  PASSERELLE_RETURN_IF_ERROR(session.FromGrpc(reader->Finish()));
  if (session.json()) return CommandOutcome{};
  PASSERELLE_ASSIGN_OR_RETURN(CommandOutcome outcome,
                              PrintRerankSummary(session, args, request, tally, static_cast<int>(k), static_cast<int>(show)));
  if (exposure) session.out() << RenderRerankExposure(*exposure, changed, session.options().language);
  return outcome;
}

// --reserve-for: "below-a2", "emergency-housing", or several joined by commas (a union).
absl::Status FillReserve(const std::string& text, v1::ReserveCohort& reserve) {
  for (const std::string& item : SplitList(absl::AsciiStrToLower(text))) {
    if (absl::StartsWith(item, "below-")) {
      PASSERELLE_ASSIGN_OR_RETURN(int level, EnumValueByLabel(*v1::CefrLevel_descriptor(), item.substr(6), "--reserve-for below-"));
      if (level == v1::CEFR_LEVEL_UNSPECIFIED) return UsageError("--reserve-for: below-LEVEL needs a CEFR level, e.g. below-a2");
      reserve.set_french_below(static_cast<v1::CefrLevel>(level));
    } else if (item == "emergency-housing") {
      reserve.add_housing(v1::HOUSING_STATUS_EMERGENCY);
    } else if (item == "no-housing") {
      reserve.add_housing(v1::HOUSING_STATUS_NONE);
    } else if (item == "temporary-housing") {
      reserve.add_housing(v1::HOUSING_STATUS_TEMPORARY);
    } else {
      return UsageError(absl::StrCat("--reserve-for: unknown cohort '", item,
                                     "'; use below-a1 .. below-c2, emergency-housing, no-housing or temporary-housing"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::AssignmentMechanism> ParseMechanism(const std::string& name) {
  const std::string lower = absl::AsciiStrToLower(name);
  if (lower == "optimal") return v1::ASSIGNMENT_MECHANISM_OPTIMAL;
  if (lower == "stable") return v1::ASSIGNMENT_MECHANISM_STABLE;
  if (lower == "greedy") return v1::ASSIGNMENT_MECHANISM_GREEDY;
  return UsageError(absl::StrCat("--mechanism must be optimal, stable or greedy, got '", name, "'"));
}

absl::StatusOr<v1::AssignmentObjective> ParseObjective(const std::string& name) {
  const std::string lower = absl::AsciiStrToLower(name);
  if (lower == "score") return v1::ASSIGNMENT_OBJECTIVE_MAX_TOTAL_SCORE;
  if (lower == "people") return v1::ASSIGNMENT_OBJECTIVE_MAX_PEOPLE_PLACED;
  return UsageError(absl::StrCat("--objective must be score or people, got '", name, "'"));
}

absl::StatusOr<CommandOutcome> Assign(Session& session, const ParsedArgs& args) {
  v1::AssignRequest request;
  PASSERELLE_ASSIGN_OR_RETURN(v1::AssignmentMechanism mechanism, ParseMechanism(args.Get("mechanism", "optimal")));
  PASSERELLE_ASSIGN_OR_RETURN(v1::AssignmentObjective objective, ParseObjective(args.Get("objective", "score")));
  request.set_objective(objective);
  PASSERELLE_ASSIGN_OR_RETURN(int64_t pool, args.GetInt("pool", 50, 1, kMaxListLength));
  PASSERELLE_ASSIGN_OR_RETURN(int64_t cap, args.GetInt("cap", 0, 0, 1000000));
  PASSERELLE_ASSIGN_OR_RETURN(double share, args.GetDouble("reserve-share", 0, 0, 1));
  PASSERELLE_ASSIGN_OR_RETURN(int64_t show, args.GetInt("show", 10, 0, 1000000));
  PASSERELLE_ASSIGN_OR_RETURN(int64_t left_out, args.GetInt("max-left-out", 1000, 0, 1000000));
  if (share > 0 && args.Get("reserve-for").empty()) {
    return UsageError("--reserve-share needs --reserve-for (e.g. below-a2 or emergency-housing)");
  }
  request.set_mechanism(mechanism);
  request.set_openings_per_candidate(static_cast<int32_t>(pool));
  request.set_max_proposals_per_opening(static_cast<int32_t>(cap));
  request.set_reserved_share(share);
  PASSERELLE_RETURN_IF_ERROR(FillReserve(args.Get("reserve-for"), *request.mutable_reserve_for()));
  // 0 would mean the server's default (1000); "none" is what the person asked for.
  request.set_max_left_out_listed(static_cast<int32_t>(std::max<int64_t>(left_out, 1)));
  FillCohort(args, request);

  v1::AssignResponse response;
  ShardSessions shards = OpenShards(session, args);
  if (!shards.sessions.empty()) {
    PASSERELLE_ASSIGN_OR_RETURN(response, GatherAssign(shards.sessions, request, args.Has("timeout")));
  } else {
    std::unique_ptr<grpc::ClientContext> context = BatchContext(session, args);
    PASSERELLE_RETURN_IF_ERROR(session.FromGrpc(session.matching().Assign(context.get(), request, &response)));
  }
  if (left_out == 0) response.clear_left_out();
  if (session.json()) {
    PrintJson(session, response);
    return CommandOutcome{};
  }
  AssignView view;
  view.show = static_cast<int>(show);
  view.reserve_for = absl::AsciiStrToLower(args.Get("reserve-for"));
  view.reserved_share = share;
  view.max_proposals_per_opening = static_cast<int32_t>(cap);
  view.openings_per_candidate = static_cast<int32_t>(pool);
  if (!args.Has("no-titles")) {
    std::vector<std::string> ids;
    for (int i = 0; i < std::min<int>(view.show, response.assignments_size()); ++i) {
      ids.push_back(response.assignments(i).opening_id());
    }
    FetchTitles(session, ids, view.titles);
  }
  session.out() << RenderAssignReport(view, response);
  return CommandOutcome{};
}

}  // namespace

void AddBatchCommands(std::vector<Command>& commands) {
  Command rerank;
  rerank.path = {"rerank"};
  rerank.summary = "Re-rank a whole cohort: every candidate's best openings, on one snapshot.";
  rerank.details =
      "Scores every candidate of the cohort (your organisation's, filtered by --departement) against every\n"
      "opening in scope on one consistent snapshot of the server's data, and streams each candidate's top k.\n"
      "Progress goes to stderr. Prints a summary: pairs scored and pruned, how many candidates have an\n"
      "eligible opening, the openings listed most often, and the first candidates' rankings. With --json,\n"
      "prints one CandidateRanking per line (JSON Lines) instead, in no fixed order. No deadline unless\n"
      "--timeout is given; Ctrl-C cancels the run on the server too. With --exposure or --min-exposure,\n"
      "also reports fair exposure: each opening's list is the candidates that have it in their top k, and\n"
      "its first --slots entries are its slots (with --json: one {\"shortlist\"} line per opening, then one\n"
      "{\"exposure\"} line). See docs/batch.md.";
  rerank.options = {
      {"k", "N", "Openings per candidate. Default: 10."},
      {"show", "N", "Tables: print the rankings of the first N candidates (by id) with an eligible opening. Default: 3."},
      {"explain", "", "Ask for full explanations (much larger output; useful with --json)."},
      {"progress-every", "N", "The server reports progress every N candidates. Default: 1000."},
      {"quiet", "", "No progress line on stderr."},
      {"exposure", "LIST",
       "Report how the openings' top slots fall across these groups: french_band, housing, transport_mode,\n"
       "departement. Default: no report."},
      {"slots", "N", "Slots of each opening's list counted by the exposure report. Default: 10."},
      {"min-exposure", "ATTRIBUTE=GROUP:SHARE",
       "Re-rank every opening's list so that each prefix of its slots holds at least SHARE of GROUP, e.g.\n"
       "french_band=A1:0.3; prints the score it costs and the first --show lists it changed."},
  };
  for (OptionSpec& spec : CohortOptions()) rerank.options.push_back(std::move(spec));
  rerank.examples = {"passerelle rerank",
                     "passerelle rerank --k 5 --departement 93,94 --occupation F17 --show 5",
                     "passerelle rerank --departement 93 --json > rankings.jsonl",
                     "passerelle rerank --exposure french_band,housing --min-exposure french_band=A1:0.3 --lang fr"};
  rerank.run = Rerank;
  commands.push_back(std::move(rerank));

  Command assign;
  assign.path = {"assign"};
  assign.summary = "Assign a cohort to openings under capacities, with a report against greedy.";
  assign.details =
      "Places each candidate of the cohort in at most one opening, each opening taking at most its number\n"
      "of positions, over eligible pairs only (each candidate's --pool best openings). Mechanisms:\n"
      "  optimal  maximises the total score (programme managers filling cohorts and multi-post openings)\n"
      "  stable   deferred acceptance: nobody is passed over by someone with a lower score for that\n"
      "           opening (decisions explained to each person)\n"
      "  greedy   candidates in id order take their best free opening (the baseline; not for decisions)\n"
      "With optimal, --objective people places the most people first, then maximises the score.\n"
      "Prints how many were placed, total and mean score, positions left empty, who was left out and why,\n"
      "beside the greedy baseline with the gain, the optimum under the other objective (optimal only),\n"
      "then how concentrated pairs, applications and placements are on few openings (exposure spread).\n"
      "--reserve-for takes below-a1 .. below-c2, emergency-housing,\n"
      "no-housing, temporary-housing, or several joined by commas (a candidate in any of them counts).\n"
      "No deadline unless --timeout is given. See docs/batch.md.";
  assign.options = {
      {"mechanism", "optimal|stable|greedy", "How to assign. Default: optimal."},
      {"objective", "score|people", "What optimal maximises: total score, or people placed then score. Default: score."},
      {"cap", "N", "Congestion cap: each opening is proposed to at most its N best candidates. Default: 0 (none)."},
      {"reserve-share", "X", "Share of each opening's positions kept for the --reserve-for cohort, in [0, 1]. Default: 0."},
      {"reserve-for", "LIST", "The cohort of the reserve, e.g. below-a2 or emergency-housing. Default: none."},
      {"pool", "N", "Best eligible openings per candidate the mechanism may choose from. Default: 50."},
      {"show", "N", "Tables: list the first N assignments and left-out candidates. Default: 10."},
      {"max-left-out", "N", "--json: list at most N left-out candidates (counts cover all). Default: 1000."},
  };
  for (OptionSpec& spec : CohortOptions()) assign.options.push_back(std::move(spec));
  assign.examples = {"passerelle assign",
                     "passerelle assign --mechanism stable --cap 20",
                     "passerelle assign --objective people --occupation F17",
                     "passerelle assign --reserve-share 0.2 --reserve-for below-a2,emergency-housing --json"};
  assign.run = Assign;
  commands.push_back(std::move(assign));
}

}  // namespace passerelle::clients
