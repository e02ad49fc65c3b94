#include "clients/batch_view.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ostream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "clients/match_view.h"
#include "clients/record_view.h"
#include "clients/table.h"

namespace passerelle::clients {
namespace {

// 1234567 -> "1,234,567".
std::string Thousands(int64_t n) {
  std::string digits = absl::StrCat(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string Seconds(double s) { return s < 10 ? absl::StrFormat("%.2f s", s) : absl::StrFormat("%.1f s", s); }

std::string Signed(int64_t n) { return n > 0 ? "+" + Thousands(n) : Thousands(n); }

std::string TitleOf(const absl::flat_hash_map<std::string, std::string>& titles, const std::string& id) {
  auto it = titles.find(id);
  return it == titles.end() ? "" : it->second;
}

std::string MostListedTable(const std::vector<std::pair<std::string, int64_t>>& top, int64_t candidates,
                            const RerankView& view) {
  std::vector<Column> columns = {{"opening"}};
  if (!view.titles.empty()) columns.push_back({"title", Align::kLeft, kTitleColumnWidth});
  columns.push_back({"in lists of", Align::kRight});
  columns.push_back({"of the cohort", Align::kRight});
  Table table(std::move(columns));
  for (const auto& [id, count] : top) {
    std::vector<std::string> cells = {id};
    if (!view.titles.empty()) cells.push_back(TitleOf(view.titles, id));
    cells.push_back(Thousands(count));
    cells.push_back(Percent(static_cast<double>(count) / std::max<int64_t>(1, candidates)));
    table.AddRow(std::move(cells));
  }
  return table.Render();
}

// Rows of the assignment figures: label, chosen mechanism, and when there is a baseline, greedy and gain.
struct FigureRow {
  std::string label;
  std::string chosen;
  std::string greedy;
  std::string gain;
};

std::vector<FigureRow> Figures(const v1::AssignResponse& r, const std::string& reserve_for) {
  const v1::AssignmentReport& a = r.report();
  const v1::AssignmentReport& g = r.greedy_baseline();
  auto counts = [](std::string label, int64_t x, int64_t y) {
    return FigureRow{std::move(label), Thousands(x), Thousands(y), Signed(x - y)};
  };
  auto left_out = [](const v1::AssignmentReport& x) {
    return int64_t{x.left_out_no_eligible_pair()} + x.left_out_cut_by_congestion_cap() +
           x.left_out_lost_to_competition();
  };
  std::vector<FigureRow> rows;
  rows.push_back(counts("placed", a.assigned_count(), g.assigned_count()));
  if (!reserve_for.empty() || a.cohort_candidate_count() > 0) {
    rows.push_back(counts("  from the cohort", a.cohort_assigned_count(), g.cohort_assigned_count()));
  }
  const double gain = g.total_score() > 0 ? a.total_score() / g.total_score() - 1 : 0;
  rows.push_back({"total score", absl::StrFormat("%.2f", a.total_score()), absl::StrFormat("%.2f", g.total_score()),
                  absl::StrFormat("%+.1f%%", 100 * gain)});
  rows.push_back({"mean score", FormatScore(a.mean_score()), FormatScore(g.mean_score()),
                  absl::StrFormat("%+.2f", a.mean_score() - g.mean_score())});
  rows.push_back(counts("positions left empty", a.positions_left_empty(), g.positions_left_empty()));
  rows.push_back(counts("left out", left_out(a), left_out(g)));
  const int64_t no_rtw = r.left_out_no_right_to_work();
  rows.push_back(counts("  no right to work", no_rtw, no_rtw));
  rows.push_back(counts("  no eligible opening", a.left_out_no_eligible_pair() - no_rtw,
                        g.left_out_no_eligible_pair() - no_rtw));
  rows.push_back(counts("  cut by the congestion cap", a.left_out_cut_by_congestion_cap(),
                        g.left_out_cut_by_congestion_cap()));
  rows.push_back(counts("  lost to competition", a.left_out_lost_to_competition(), g.left_out_lost_to_competition()));
  return rows;
}

std::string FiguresTable(const v1::AssignResponse& r, const AssignView& view) {
  const bool baseline = r.has_greedy_baseline() && r.report().mechanism() != v1::ASSIGNMENT_MECHANISM_GREEDY;
  std::vector<Column> columns = {{""}, {MechanismLabel(r.report().mechanism()), Align::kRight}};
  if (baseline) {
    columns.push_back({"greedy baseline", Align::kRight});
    columns.push_back({"gain", Align::kRight});
  }
  Table table(std::move(columns));
  for (FigureRow& row : Figures(r, view.reserve_for)) {
    if (baseline) {
      table.AddRow({std::move(row.label), std::move(row.chosen), std::move(row.greedy), std::move(row.gain)});
    } else {
      table.AddRow({std::move(row.label), std::move(row.chosen)});
    }
  }
  return table.Render();
}

std::string ObjectiveLabel(v1::AssignmentObjective objective) {
  return objective == v1::ASSIGNMENT_OBJECTIVE_MAX_PEOPLE_PLACED ? "most people placed" : "highest total score";
}

// The optimum under the chosen objective beside the optimum under the other one.
std::string ObjectivesTable(const v1::AssignResponse& r) {
  const v1::AssignmentReport& a = r.report();
  const v1::AssignmentReport& o = r.other_objective();
  Table table({{""},
               {absl::StrCat(ObjectiveLabel(a.objective()), " (chosen)"), Align::kRight},
               {ObjectiveLabel(o.objective()), Align::kRight},
               {"difference", Align::kRight}});
  table.AddRow({"placed", Thousands(a.assigned_count()), Thousands(o.assigned_count()),
                Signed(int64_t{a.assigned_count()} - o.assigned_count())});
  table.AddRow({"total score", absl::StrFormat("%.2f", a.total_score()), absl::StrFormat("%.2f", o.total_score()),
                absl::StrFormat("%+.2f", a.total_score() - o.total_score())});
  table.AddRow({"mean score", FormatScore(a.mean_score()), FormatScore(o.mean_score()),
                absl::StrFormat("%+.2f", a.mean_score() - o.mean_score())});
  return table.Render();
}

// Pairs considered, applications (deferred acceptance only: for the other mechanisms they are the
// placements) and placements per opening.
std::string SpreadTable(const v1::AssignmentReport& a) {
  const bool stable = a.mechanism() == v1::ASSIGNMENT_MECHANISM_STABLE;
  std::vector<Column> columns = {{""}, {"pairs considered", Align::kRight}};
  std::vector<const v1::ExposureSpread*> spreads = {&a.considered()};
  if (stable) {
    columns.push_back({"applications", Align::kRight});
    spreads.push_back(&a.proposals());
  }
  columns.push_back({"placements", Align::kRight});
  spreads.push_back(&a.assignments());
  Table table(std::move(columns));
  std::vector<std::string> gini = {"Gini (0 = even, 1 = all on one opening)"};
  std::vector<std::string> top = {"share held by the top 1% of openings"};
  std::vector<std::string> max = {"most on one opening"};
  for (const v1::ExposureSpread* s : spreads) {
    gini.push_back(absl::StrFormat("%.2f", s->gini()));
    top.push_back(Percent(s->top_1pct_share()));
    max.push_back(Thousands(s->max_per_opening()));
  }
  table.AddRow(std::move(gini));
  table.AddRow(std::move(top));
  table.AddRow(std::move(max));
  return table.Render();
}

// Placements by watched group (French band, housing, transport; départements are in --json only).
std::string ExposureTable(const v1::AssignResponse& r) {
  Table table({{"group"}, {"of the cohort", Align::kRight}, {"of placements", Align::kRight}, {"ratio", Align::kRight}});
  for (const v1::ExposureByAttribute& e : r.placement_exposure()) {
    if (e.attribute() == "departement") continue;
    const std::string attribute = absl::StrReplaceAll(e.attribute(), {{"_", " "}});
    for (const v1::GroupExposure& g : e.groups()) {
      table.AddRow({absl::StrCat(attribute, ": ", g.group()), Percent(g.pool_share()), Percent(g.slot_share()),
                    absl::StrFormat("%.2f", g.exposure_ratio())});
    }
  }
  return table.Render();
}

std::string Listings(const v1::AssignResponse& r, const AssignView& view) {
  std::string out;
  const int shown = std::min(view.show, r.assignments_size());
  if (shown > 0) {
    absl::StrAppend(&out, "\nFirst ", shown, " assignments (of ", Thousands(r.assignments_size()),
                    "), by candidate id:\n");
    std::vector<Column> columns = {{"candidate"}, {"opening"}};
    if (!view.titles.empty()) columns.push_back({"title", Align::kLeft, kTitleColumnWidth});
    columns.push_back({"score", Align::kRight});
    Table table(std::move(columns));
    for (int i = 0; i < shown; ++i) {
      const v1::Assignment& a = r.assignments(i);
      std::vector<std::string> cells = {a.candidate_id(), a.opening_id()};
      if (!view.titles.empty()) cells.push_back(TitleOf(view.titles, a.opening_id()));
      cells.push_back(FormatScore(a.score()));
      table.AddRow(std::move(cells));
    }
    absl::StrAppend(&out, table.Render());
  }
  const int left = std::min(view.show, r.left_out_size());
  if (left > 0) {
    const v1::AssignmentReport& a = r.report();
    const int64_t total =
        int64_t{a.left_out_no_eligible_pair()} + a.left_out_cut_by_congestion_cap() + a.left_out_lost_to_competition();
    absl::StrAppend(&out, "\nFirst ", left, " candidates left out (of ", Thousands(total), "), by candidate id:\n");
    Table table({{"candidate"}, {"reason"}});
    for (int i = 0; i < left; ++i) {
      table.AddRow({r.left_out(i).candidate_id(), LeftOutReasonLabel(r.left_out(i).reason())});
    }
    absl::StrAppend(&out, table.Render());
  }
  return out;
}

}  // namespace

void RerankTally::Add(v1::CandidateRanking ranking) {
  ++candidates_;
  matches_ += ranking.matches_size();
  if (ranking.matches_size() > 0) {
    ++with_matches_;
    best_score_sum_ += ranking.matches(0).total();
  }
  for (const v1::Match& m : ranking.matches()) ++listed_[m.id()];
  if (show_ <= 0 || ranking.matches().empty()) return;
  auto by_id = [](const v1::CandidateRanking& a, const v1::CandidateRanking& b) {
    return a.candidate_id() < b.candidate_id();
  };
  if (static_cast<int>(first_.size()) == show_ && !by_id(ranking, first_.back())) return;
  first_.insert(std::upper_bound(first_.begin(), first_.end(), ranking, by_id), std::move(ranking));
  if (static_cast<int>(first_.size()) > show_) first_.pop_back();
}

std::vector<std::pair<std::string, int64_t>> RerankTally::MostListed(int n) const {
  std::vector<std::pair<std::string, int64_t>> top(listed_.begin(), listed_.end());
  auto most_first = [](auto& a, auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; };
  const size_t kept = std::min(top.size(), static_cast<size_t>(std::max(n, 0)));
  std::partial_sort(top.begin(), top.begin() + kept, top.end(), most_first);
  top.resize(kept);
  return top;
}

std::string RerankTally::Summary(const RerankView& view) const {
  const int64_t scored = final_.pairs_scored(), pruned = final_.pairs_pruned();
  std::string out = absl::StrFormat("Re-ranked %s candidates in %s (top %d openings each, scoring profile %s).\n",
                                    Thousands(candidates_), Seconds(final_.elapsed_seconds()), view.k,
                                    view.profile.empty() ? "default" : view.profile);
  absl::StrAppendFormat(&out,
                        "Pairs: %s scored, %s pruned before scoring (%s of %s): too far with no housing for a move,\n"
                        "or no right to work.\n",
                        Thousands(scored), Thousands(pruned),
                        Percent(static_cast<double>(pruned) / std::max<int64_t>(1, scored + pruned)),
                        Thousands(scored + pruned));
  if (candidates_ == 0) return out + "The cohort is empty: no candidate matches the filters.\n";
  absl::StrAppendFormat(&out, "With at least one eligible opening: %s candidates (%s); %s with none.\n",
                        Thousands(with_matches_), Percent(static_cast<double>(with_matches_) / candidates_),
                        Thousands(candidates_ - with_matches_));
  if (with_matches_ > 0) {
    absl::StrAppendFormat(&out, "Openings listed per candidate: %.1f on average; mean best score %s.\n",
                          static_cast<double>(matches_) / candidates_, FormatScore(best_score_sum_ / with_matches_));
    absl::StrAppend(&out, "\nMost listed openings (how many candidates have them in their top ", view.k,
                    "; 'passerelle assign' spreads them):\n",
                    MostListedTable(MostListed(view.top_openings), candidates_, view));
  }
  if (first_.empty()) return out;
  absl::StrAppend(&out, "\n", first_.size() == 1 ? "First candidate" : absl::StrCat("First ", first_.size(), " candidates"),
                  " with an eligible opening, by id:\n");
  for (const v1::CandidateRanking& ranking : first_) {
    absl::StrAppend(&out, "\n", ranking.candidate_id(), ": ", ranking.matches_size(),
                    ranking.matches_size() == 1 ? " opening\n" : " openings\n", RenderMatchTable(ranking.matches(), "opening", view.titles));
  }
  return out;
}

BatchProgressLine::BatchProgressLine(std::ostream& err, bool enabled)
    : err_(err), enabled_(enabled), terminal_(isatty(fileno(stderr)) != 0), last_(std::chrono::steady_clock::now()) {}

void BatchProgressLine::Update(const v1::RerankProgress& p) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  const auto every = terminal_ ? std::chrono::milliseconds(200) : std::chrono::milliseconds(5000);
  if (!p.done() && now - last_ < every) return;
  last_ = now;
  const double share = p.candidates_total() > 0 ? static_cast<double>(p.candidates_done()) / p.candidates_total() : 1;
  std::string line = absl::StrFormat("rerank: %s of %s candidates (%.0f%%), %s pairs scored, %s pruned, %s",
                                     Thousands(p.candidates_done()), Thousands(p.candidates_total()), 100 * share,
                                     Thousands(p.pairs_scored()), Thousands(p.pairs_pruned()),
                                     Seconds(p.elapsed_seconds()));
  if (p.done()) line += ", done";
  err_ << (terminal_ ? "\r\033[K" : "") << line << (terminal_ && !p.done() ? "" : "\n") << std::flush;
  shown_ = true;
}

std::string MechanismLabel(v1::AssignmentMechanism mechanism) {
  const auto* value = v1::AssignmentMechanism_descriptor()->FindValueByNumber(mechanism);
  return value == nullptr ? absl::StrCat(static_cast<int>(mechanism)) : absl::AsciiStrToLower(EnumLabel(*value));
}

std::string LeftOutReasonLabel(v1::LeftOutReason reason) {
  const auto* value = v1::LeftOutReason_descriptor()->FindValueByNumber(reason);
  if (value == nullptr) return absl::StrCat(static_cast<int>(reason));
  return absl::StrReplaceAll(absl::AsciiStrToLower(EnumLabel(*value)), {{"_", " "}});
}

std::string RenderAssignReport(const AssignView& view, const v1::AssignResponse& r) {
  const v1::AssignmentReport& a = r.report();
  std::string out = absl::StrFormat(
      "Assignment of %s candidates to %s openings (%s positions): mechanism %s, scoring profile %s.\n",
      Thousands(a.candidate_count()), Thousands(r.opening_count()), Thousands(a.position_count()),
      MechanismLabel(a.mechanism()), r.scoring_profile().empty() ? "default" : r.scoring_profile());
  absl::StrAppendFormat(&out, "Pools: each candidate's %d best eligible openings, %s pairs (re-ranking %s, assignment %s).\n",
                        view.openings_per_candidate, Thousands(r.pool_pairs()), Seconds(r.rerank_seconds()),
                        Seconds(r.assignment_seconds()));
  if (view.max_proposals_per_opening > 0) {
    absl::StrAppend(&out, "Congestion cap: each opening is proposed to at most its ", view.max_proposals_per_opening,
                    " best candidates.\n");
  }
  if (!view.reserve_for.empty() || a.cohort_candidate_count() > 0) {
    absl::StrAppend(&out, "Cohort (", view.reserve_for, "): ", Thousands(a.cohort_candidate_count()), " candidates; ");
    if (view.reserved_share > 0) {
      absl::StrAppend(&out, Percent(view.reserved_share), " of each opening's positions kept for them, ",
                      Thousands(a.positions_reserved()), " in all.\n");
    } else {
      absl::StrAppend(&out, "no positions reserved.\n");
    }
  }
  absl::StrAppend(&out, "\n", FiguresTable(r, view));
  if (r.has_other_objective()) {
    absl::StrAppend(&out, "\nObjective: ", ObjectiveLabel(a.objective()), ", beside the optimum for ",
                    ObjectiveLabel(r.other_objective().objective()), ":\n", ObjectivesTable(r));
  }
  absl::StrAppend(&out, "\nExposure spread over the ", Thousands(r.opening_count()), " openings (", MechanismLabel(a.mechanism()),
                  "):\n", SpreadTable(a));
  if (r.placement_exposure_size() > 0) {
    absl::StrAppend(&out, "\nPlacements by group (share of the cohort, share of the placements, ratio: 1 = in "
                          "proportion):\n", ExposureTable(r));
  }
  absl::StrAppend(&out, Listings(r, view));
  return out;
}

}  // namespace passerelle::clients
