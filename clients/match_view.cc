#include "clients/match_view.h"

#include <algorithm>
#include <iterator>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "clients/record_view.h"
#include "clients/table.h"

namespace passerelle::clients {
namespace {

// Reasons are wrapped to this many characters so they read well in an 80-column terminal.
constexpr size_t kReasonWidth = 76;

// Short criterion headers keep the ranked table under 120 columns.
constexpr const char* kCriterionHeaders[] = {"occup", "skills", "french", "mobil", "housing", "tension", "timing"};
constexpr int kCriterionColumns = static_cast<int>(std::size(kCriterionHeaders));

std::string Id(const std::string& kind) { return kind == "openings" ? "opening" : "candidate"; }

using Titles = absl::flat_hash_map<std::string, std::string>;

// Rank, id, title when there are titles, and the score under `score_header`: the columns every ranked
// table starts with.
std::vector<Column> RankedColumns(const std::string& id_header, const Titles& titles,
                                  const std::string& score_header) {
  std::vector<Column> columns = {{"#", Align::kRight}, {id_header}};
  if (!titles.empty()) columns.push_back({"title", Align::kLeft, kTitleColumnWidth});
  columns.push_back({score_header, Align::kRight});
  return columns;
}

std::vector<std::string> RankedCells(const Titles& titles, size_t rank, const v1::Match& match) {
  std::vector<std::string> cells = {absl::StrCat(rank), match.id()};
  if (!titles.empty()) {
    auto it = titles.find(match.id());
    cells.push_back(it == titles.end() ? "" : it->second);
  }
  cells.push_back(FormatScore(match.total()));
  return cells;
}

std::string NearMissTable(const MatchListView& view, const google::protobuf::RepeatedPtrField<v1::Match>& misses) {
  std::vector<Column> columns = RankedColumns(Id(view.kind), view.titles, "score if lifted");
  columns.push_back({"distance", Align::kRight});
  columns.push_back({"blocked by"});
  Table table(std::move(columns));
  for (int i = 0; i < misses.size(); ++i) {
    std::vector<std::string> cells = RankedCells(view.titles, i + 1, misses[i]);
    cells.push_back(FormatKm(misses[i].distance_km()));
    cells.push_back(absl::StrJoin(misses[i].blocker_codes(), ", "));
    table.AddRow(std::move(cells));
  }
  return table.Render();
}

// "    occupation  1.00  Wished occupation ..." with the reason wrapped under itself.
std::string CriterionReasons(const v1::Explanation& explanation, Language language, const std::string& indent) {
  std::string out;
  for (const v1::CriterionScore& c : explanation.criteria()) {
    std::string head = absl::StrFormat("%s%-10s  %s  ", indent, CriterionLabel(c.criterion()), FormatScore(c.score()));
    std::string wrapped = Wrap(InLanguage(c.reason(), language), kReasonWidth, std::string(DisplayWidth(head), ' '));
    absl::StrAppend(&out, head, absl::StripLeadingAsciiWhitespace(wrapped));
  }
  return out;
}

std::string BlockerLines(const v1::Explanation& explanation, Language language, const std::string& indent) {
  std::string out;
  const std::string inner = indent + "    ";
  for (const v1::Blocker& b : explanation.blockers()) {
    absl::StrAppend(&out, indent, b.code(), b.relaxable() ? " (can be lifted)" : " (cannot be lifted)", "\n",
                    Wrap(InLanguage(b.reason(), language), kReasonWidth, inner));
    const std::string& unlock = InLanguage(b.unlock(), language);
    if (!unlock.empty()) absl::StrAppend(&out, Wrap(absl::StrCat("To lift it: ", unlock), kReasonWidth, inner));
  }
  return out;
}

std::string TitleOf(const MatchListView& view, const std::string& id) {
  auto it = view.titles.find(id);
  return it == view.titles.end() || it->second.empty() ? "" : absl::StrCat("  ", it->second);
}

}  // namespace

std::string RenderMatchTable(const google::protobuf::RepeatedPtrField<v1::Match>& matches, const std::string& id_header,
                             const absl::flat_hash_map<std::string, std::string>& titles) {
  std::vector<Column> columns = RankedColumns(id_header, titles, "score");
  for (const char* header : kCriterionHeaders) columns.push_back({header, Align::kRight});
  columns.push_back({"distance", Align::kRight});
  Table table(std::move(columns));
  for (int i = 0; i < matches.size(); ++i) {
    std::vector<std::string> cells = RankedCells(titles, i + 1, matches[i]);
    for (const v1::CriterionScore& c : matches[i].criteria()) cells.push_back(FormatScore(c.score()));
    cells.resize(cells.size() + (kCriterionColumns - std::min(matches[i].criteria_size(), kCriterionColumns)));
    cells.push_back(FormatKm(matches[i].distance_km()));
    table.AddRow(std::move(cells));
  }
  return table.Render();
}

const std::string& InLanguage(const v1::Sentence& sentence, Language language) {
  const std::string& wanted = language == Language::kFrench ? sentence.fr() : sentence.en();
  if (!wanted.empty()) return wanted;
  return language == Language::kFrench ? sentence.en() : sentence.fr();
}

std::string CriterionLabel(v1::Criterion criterion) {
  const auto* value = v1::Criterion_descriptor()->FindValueByNumber(criterion);
  return value == nullptr ? absl::StrCat(static_cast<int>(criterion)) : absl::AsciiStrToLower(EnumLabel(*value));
}

std::string RenderMatchList(const MatchListView& view, const google::protobuf::RepeatedPtrField<v1::Match>& matches,
                            const google::protobuf::RepeatedPtrField<v1::Match>& near_misses, int64_t scored,
                            int64_t eligible, const std::string& profile) {
  // The server leaves the counts at 0 when they would describe candidates the caller may not see.
  const std::string counts = scored > 0 ? absl::StrFormat(", %d eligible of %d scored", eligible, scored) : "";
  std::string out = absl::StrFormat("%s: %d shown%s (scoring profile %s).\n\n", view.heading, matches.size(), counts,
                                    profile.empty() ? "default" : profile);
  if (matches.empty()) {
    absl::StrAppend(&out, "No eligible ", view.kind, ". Try --near-misses 5 to see what blocks the closest ones.\n");
  } else {
    absl::StrAppend(&out, RenderMatchTable(matches, Id(view.kind), view.titles));
  }
  int reasons = std::min(view.reasons, matches.size());
  for (int i = 0; i < reasons; ++i) {
    if (!matches[i].has_explanation()) break;
    absl::StrAppend(&out, "\n", i + 1, ". ", matches[i].id(), TitleOf(view, matches[i].id()), "  score ",
                    FormatScore(matches[i].total()), "\n",
                    CriterionReasons(matches[i].explanation(), view.language, "   "));
  }
  if (near_misses.empty()) return out;
  absl::StrAppend(&out, "\nNear-misses (ineligible only for reasons that support can lift):\n",
                  NearMissTable(view, near_misses));
  for (int i = 0; i < std::min(view.reasons, near_misses.size()); ++i) {
    if (!near_misses[i].has_explanation()) break;
    absl::StrAppend(&out, "\n", i + 1, ". ", near_misses[i].id(), TitleOf(view, near_misses[i].id()), "\n",
                    BlockerLines(near_misses[i].explanation(), view.language, "   "));
  }
  return out;
}

std::string RenderExplanation(const v1::Explanation& e, const std::string& title, const std::string& profile,
                              Language language) {
  std::string verdict = e.eligible()    ? "Eligible"
                        : e.near_miss() ? "Near-miss (ineligible, can be lifted)"
                                        : "Ineligible";
  std::string out = absl::StrFormat(
      "Candidate %s and opening %s%s\n%s. Score %s%s (scoring profile %s); %s apart.\n\n", e.candidate_id(),
      e.opening_id(), title.empty() ? "" : absl::StrCat(" (", title, ")"), verdict, FormatScore(e.total()),
      e.eligible() ? "" : " once lifted", profile.empty() ? "default" : profile, FormatKm(e.distance_km()));
  Table table({{"criterion"}, {"score", Align::kRight}, {"weight", Align::kRight}, {"contribution", Align::kRight}});
  for (const v1::CriterionScore& c : e.criteria()) {
    table.AddRow({CriterionLabel(c.criterion()), FormatScore(c.score()), absl::StrCat(c.weight()),
                  absl::StrFormat("%.3f", c.contribution())});
  }
  table.AddRow({"total", "", "", absl::StrFormat("%.3f", e.total())});
  absl::StrAppend(&out, table.Render(), "\nReasons:\n", CriterionReasons(e, language, "  "));
  if (e.blockers_size() > 0) absl::StrAppend(&out, "\nBlockers:\n", BlockerLines(e, language, "  "));
  if (e.french_training_hours_needed() > 0) {
    absl::StrAppendFormat(&out, "\nFrench training needed to reach the opening's level: about %.0f h.\n",
                          e.french_training_hours_needed());
  }
  // Codes only: the labels are in the skills reason above (the client holds no reference data).
  if (e.missing_required_skills_size() > 0 || e.missing_desired_skills_size() > 0) absl::StrAppend(&out, "\n");
  if (e.missing_required_skills_size() > 0) {
    absl::StrAppend(&out, "Missing required skills (code_ogr): ", absl::StrJoin(e.missing_required_skills(), ", "),
                    "\n");
  }
  if (e.missing_desired_skills_size() > 0) {
    absl::StrAppend(&out, "Missing desired skills (code_ogr): ", absl::StrJoin(e.missing_desired_skills(), ", "), "\n");
  }
  return out;
}

}  // namespace passerelle::clients
