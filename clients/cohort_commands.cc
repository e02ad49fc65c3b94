// `passerelle cohorts`: POEC training cohorts (the FormCohorts rpc, docs/batch.md "Cohorts for a POEC").
#include <algorithm>
#include <ostream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "clients/batch_view.h"
#include "clients/command.h"
#include "clients/json_io.h"
#include "clients/table.h"
#include "engine/common/status_macros.h"

namespace passerelle::clients {
namespace {

absl::StatusOr<v1::AssignmentObjective> ParseCohortObjective(const std::string& name) {
  const std::string lower = absl::AsciiStrToLower(name);
  if (lower == "people") return v1::ASSIGNMENT_OBJECTIVE_MAX_PEOPLE_PLACED;
  if (lower == "score") return v1::ASSIGNMENT_OBJECTIVE_MAX_TOTAL_SCORE;
  return UsageError(absl::StrCat("--objective must be people or score, got '", name, "'"));
}

std::string ReasonLabel(v1::CohortLeftOutReason reason) {
  switch (reason) {
    case v1::COHORT_LEFT_OUT_REASON_NO_ELIGIBLE_OPENING:
      return "no eligible POEC opening";
    case v1::COHORT_LEFT_OUT_REASON_COHORT_TOO_SMALL:
      return "cohort too small to open";
    case v1::COHORT_LEFT_OUT_REASON_POSITIONS_EXHAUSTED:
      return "positions exhausted";
    default:
      return absl::StrCat(static_cast<int>(reason));
  }
}

std::string RenderCohort(int number, const v1::TrainingCohort& cohort, int show) {
  std::string out = absl::StrFormat("\nCohort %d: %s %s, %s (%s): %d people\n", number, cohort.domaine_code(),
                                    cohort.domaine_label(), cohort.region_name(), cohort.region_code(),
                                    cohort.members_size());
  std::vector<std::string> openings;
  for (const v1::CohortOpening& o : cohort.openings()) openings.push_back(absl::StrCat(o.opening_id(), " (", o.members(), ")"));
  absl::StrAppend(&out, "  openings (people): ", absl::StrJoin(openings, ", "), "\n");
  if (!cohort.start_date().empty()) {
    absl::StrAppend(&out, "  starts ", cohort.start_date(), " (the last member's ready date; ready dates spread over ",
                    cohort.ready_spread_days(), cohort.ready_spread_days() == 1 ? " day)\n" : " days)\n");
  }
  const int shown = std::min(show, cohort.members_size());
  if (shown == 0) return out;
  Table table({{"candidate"}, {"opening"}, {"score", Align::kRight}, {"ready"}});
  for (int i = 0; i < shown; ++i) {
    const v1::CohortMember& m = cohort.members(i);
    table.AddRow({m.candidate_id(), m.opening_id(), FormatScore(m.score()), m.ready_date()});
  }
  absl::StrAppend(&out, table.Render());
  if (shown < cohort.members_size()) absl::StrAppend(&out, "  ... and ", cohort.members_size() - shown, " more\n");
  return out;
}

std::string RenderCohorts(const v1::CohortsResult& r, int min_size, int max_size, int show) {
  std::string out = absl::StrFormat(
      "POEC cohorts for %d candidates: %d POEC openings (%d positions) in %d sector x région groups;\n"
      "sessions of %d to %d people, objective %s, scoring profile %s.\n",
      r.candidate_count(), r.poec_opening_count(), r.poec_position_count(), r.group_count(), min_size, max_size,
      r.objective() == v1::ASSIGNMENT_OBJECTIVE_MAX_TOTAL_SCORE ? "highest total score" : "most people placed",
      r.scoring_profile().empty() ? "default" : r.scoring_profile());
  absl::StrAppendFormat(&out, "Placed %d people in %d cohorts, total score %.2f (mean %s); %d groups opened no cohort.\n",
                        r.placed_count(), r.cohorts_size(), r.total_score(),
                        FormatScore(r.placed_count() > 0 ? r.total_score() / r.placed_count() : 0), r.groups_closed());
  absl::StrAppend(&out, r.exact() ? "This is the exact optimum.\n"
                                  : "Too many groups for the exact search: a repair heuristic ran (docs/batch.md).\n");
  absl::StrAppendFormat(&out, "Scoring %.2f s, forming cohorts %.2f s.\n", r.rerank_seconds(), r.formation_seconds());
  for (int i = 0; i < r.cohorts_size(); ++i) absl::StrAppend(&out, RenderCohort(i + 1, r.cohorts(i), show));

  const int left_out = r.candidate_count() - r.placed_count();
  absl::StrAppend(&out, "\nLeft out: ", left_out, "\n");
  Table reasons({{"reason"}, {"people", Align::kRight}});
  reasons.AddRow({"no eligible POEC opening", absl::StrCat(r.left_out_no_eligible_opening())});
  reasons.AddRow({"cohort too small to open", absl::StrCat(r.left_out_cohort_too_small())});
  reasons.AddRow({"positions exhausted", absl::StrCat(r.left_out_positions_exhausted())});
  absl::StrAppend(&out, reasons.Render());
  const int listed = std::min(show, r.left_out_size());
  if (listed > 0) {
    absl::StrAppend(&out, "\nFirst ", listed, " left out, by candidate id:\n");
    Table table({{"candidate"}, {"reason"}});
    for (int i = 0; i < listed; ++i) table.AddRow({r.left_out(i).candidate_id(), ReasonLabel(r.left_out(i).reason())});
    absl::StrAppend(&out, table.Render());
  }
  return out;
}

absl::StatusOr<CommandOutcome> FormCohorts(Session& session, const ParsedArgs& args) {
  v1::FormCohortsRequest request;
  PASSERELLE_ASSIGN_OR_RETURN(int64_t min_size, args.GetInt("min-size", 10, 1, 1000));
  PASSERELLE_ASSIGN_OR_RETURN(int64_t max_size, args.GetInt("max-size", std::max<int64_t>(15, min_size), 1, 1000));
  if (min_size > max_size) return UsageError("--min-size must not exceed --max-size");
  PASSERELLE_ASSIGN_OR_RETURN(v1::AssignmentObjective objective, ParseCohortObjective(args.Get("objective", "people")));
  PASSERELLE_ASSIGN_OR_RETURN(int64_t pool, args.GetInt("pool", 0, 0, kMaxListLength));
  PASSERELLE_ASSIGN_OR_RETURN(int64_t show, args.GetInt("show", 10, 0, 1000000));
  PASSERELLE_ASSIGN_OR_RETURN(int64_t left_out, args.GetInt("max-left-out", 1000, 0, 1000000));
  request.set_min_cohort_size(static_cast<int32_t>(min_size));
  request.set_max_cohort_size(static_cast<int32_t>(max_size));
  request.set_objective(objective);
  request.set_openings_per_candidate(static_cast<int32_t>(pool));
  request.set_max_left_out_listed(static_cast<int32_t>(std::max<int64_t>(left_out, 1)));
  request.set_owner_id(args.Get("owner"));
  for (std::string& code : SplitList(args.Get("departement"))) request.add_departements(std::move(code));
  for (std::string& code : SplitList(args.Get("occupation"))) request.add_occupations(std::move(code));
  for (std::string& code : SplitList(args.Get("region"))) request.add_regions(std::move(code));
  request.set_scoring_profile(args.Get("profile"));

  std::unique_ptr<grpc::ClientContext> context = session.NewContext(/*with_deadline=*/args.Has("timeout"));
  std::unique_ptr<grpc::ClientReader<v1::FormCohortsResponse>> reader =
      session.matching().FormCohorts(context.get(), request);
  BatchProgressLine progress(session.err(), !args.Has("quiet"));
  v1::CohortsResult result;
  v1::FormCohortsResponse response;
  while (reader->Read(&response)) {
    if (response.has_progress()) progress.Update(response.progress());
    if (response.has_result()) result = std::move(*response.mutable_result());
  }
  PASSERELLE_RETURN_IF_ERROR(session.FromGrpc(reader->Finish()));
  if (left_out == 0) result.clear_left_out();
  if (session.json()) {
    PrintJson(session, result);
    return CommandOutcome{};
  }
  session.out() << RenderCohorts(result, static_cast<int>(min_size), static_cast<int>(max_size), static_cast<int>(show));
  return CommandOutcome{};
}

}  // namespace

void AddCohortCommands(std::vector<Command>& commands) {
  Command cohorts;
  cohorts.path = {"cohorts"};
  cohorts.summary = "Form POEC training cohorts by sector and région, placing the most people.";
  cohorts.details =
      "Groups the candidates of your organisation (filtered by --departement) into training sessions of\n"
      "--min-size to --max-size people, by sector (ROME domaine) and région, each member placed in an\n"
      "opening of that group that offers a POEC route (contract POEC, or training with French hours) and\n"
      "has a position. Maximises the people placed, then their scores (--objective score: the reverse).\n"
      "Progress goes to stderr. Prints each cohort with its openings and first members, then who is left\n"
      "out and why: no eligible POEC opening, cohort too small to open, positions exhausted. With --json,\n"
      "prints the CohortsResult. No deadline unless --timeout is given. See docs/batch.md.";
  cohorts.options = {
      {"min-size", "N", "Fewest people in one cohort. Default: 10."},
      {"max-size", "N", "Most people in one cohort. Default: 15 (or --min-size if larger)."},
      {"objective", "people|score", "Most people placed then score, or the reverse. Default: people."},
      {"region", "LIST", "Only openings in these régions (INSEE codes, e.g. 11,84). Default: all."},
      {"pool", "N", "Best eligible openings per candidate to look for POEC ones in. Default: the server's max_k."},
      {"show", "N", "Tables: members listed per cohort, and left-out candidates listed. Default: 10."},
      {"max-left-out", "N", "--json: list at most N left-out candidates (counts cover all). Default: 1000."},
      {"quiet", "", "No progress line on stderr."},
      {"owner", "ID", "Your organisation (the key's); any other is refused. Default: the key's organisation."},
      {"departement", "LIST", "Only candidates living in these départements, e.g. 93,94. Default: all."},
      {"occupation", "LIST", "Only openings with these ROME codes, domaines (F17) or grands domaines (F). Default: all."},
      {"profile", "NAME", "Scoring profile (see 'passerelle profiles list'). Default: default."},
  };
  cohorts.examples = {"passerelle cohorts --region 11",
                      "passerelle cohorts --occupation F17 --min-size 8 --max-size 12 --show 15",
                      "passerelle cohorts --region 11,84 --json > cohorts.json"};
  cohorts.run = FormCohorts;
  commands.push_back(std::move(cohorts));
}

}  // namespace passerelle::clients
