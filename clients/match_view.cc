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
constexpr const char* kCriterionHeaders[] = {"occup", "skills", "french", "mobil", "housing", "tension", "timing", "exper"};
constexpr const char* kCriterionHeadersFr[] = {"métier", "compét", "français", "mobil", "logement", "tension", "délai", "expér"};
constexpr int kCriterionColumns = static_cast<int>(std::size(kCriterionHeaders));
// Criterion names in French, in Criterion order (CRITERION_OCCUPATION = 1).
constexpr const char* kCriterionNamesFr[] = {"métier", "compétences", "français", "mobilité",
                                             "logement", "tension", "délai", "expérience"};

std::string Id(const std::string& kind) { return kind == "openings" ? "opening" : "candidate"; }
std::string Id(const std::string& kind, Language language) {
  if (language == Language::kFrench) return kind == "openings" ? "offre" : "candidat·e";
  return Id(kind);
}

using Titles = absl::flat_hash_map<std::string, std::string>;

// Rank, id, title when there are titles, and the score under `score_header`: the columns every ranked
// table starts with.
std::vector<Column> RankedColumns(const std::string& id_header, const Titles& titles,
                                  const std::string& score_header, Language language = Language::kEnglish) {
  std::vector<Column> columns = {{"#", Align::kRight}, {id_header}};
  if (!titles.empty()) columns.push_back({Label(language, "title", "intitulé"), Align::kLeft, kTitleColumnWidth});
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
  const Language l = view.language;
  std::vector<Column> columns =
      RankedColumns(Id(view.kind, l), view.titles, Label(l, "score if lifted", "score si levé"), l);
  columns.push_back({"distance", Align::kRight});
  columns.push_back({Label(l, "blocked by", "bloqué par")});
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
    const std::string name = CriterionLabel(c.criterion(), language);
    const int pad = 10 + static_cast<int>(name.size()) - static_cast<int>(DisplayWidth(name));  // accents
    std::string head = absl::StrFormat("%s%-*s  %s  ", indent, pad, name, FormatScore(c.score()));
    std::string wrapped = Wrap(InLanguage(c.reason(), language), kReasonWidth, std::string(DisplayWidth(head), ' '));
    absl::StrAppend(&out, head, absl::StripLeadingAsciiWhitespace(wrapped));
  }
  return out;
}

std::string BlockerLines(const v1::Explanation& explanation, Language language, const std::string& indent) {
  std::string out;
  const std::string inner = indent + "    ";
  for (const v1::Blocker& b : explanation.blockers()) {
    absl::StrAppend(&out, indent, b.code(),
                    b.relaxable() ? Label(language, " (can be lifted)", " (peut être levé)")
                                  : Label(language, " (cannot be lifted)", " (ne peut pas être levé)"),
                    "\n", Wrap(InLanguage(b.reason(), language), kReasonWidth, inner));
    const std::string& unlock = InLanguage(b.unlock(), language);
    if (b.relaxable() && !unlock.empty()) {
      absl::StrAppend(&out, Wrap(absl::StrCat(Label(language, "To lift it: ", "Pour le lever : "), unlock),
                                 kReasonWidth, inner));
    }
  }
  return out;
}

std::string TitleOf(const MatchListView& view, const std::string& id) {
  auto it = view.titles.find(id);
  return it == view.titles.end() || it->second.empty() ? "" : absl::StrCat("  ", it->second);
}

// "No eligible openings." and, when the server counted them, what blocks the openings in scope.
std::string NoMatches(const MatchListView& view) {
  const Language l = view.language;
  std::string out = l == Language::kFrench
                        ? std::string(view.kind == "openings" ? "Aucune offre éligible." : "Aucun·e candidat·e éligible.")
                        : absl::StrCat("No eligible ", view.kind, ".");
  if (!view.blockers_in_scope.empty()) {
    absl::StrAppend(&out, Label(l, " What blocks them:\n", " Ce qui bloque :\n"));
    Table table({{Label(l, "blocker", "blocage")}, {Label(l, "openings", "offres"), Align::kRight},
                 {Label(l, "reason", "raison")}});
    for (const v1::BlockerCount& b : view.blockers_in_scope) {
      table.AddRow({b.code(), absl::StrCat(b.openings()), InLanguage(b.reason(), l)});
    }
    return absl::StrCat(out, table.Render());
  }
  if (!view.near_misses_requested) {
    absl::StrAppend(&out, Label(l, " Try --near-misses 5 to see what blocks the closest ones.",
                                " Essayez --near-misses 5 pour voir ce qui bloque les plus proches."));
  }
  return absl::StrCat(out, "\n");
}

}  // namespace

const char* Label(Language language, const char* en, const char* fr) {
  return language == Language::kFrench ? fr : en;
}

std::string RenderMatchTable(const google::protobuf::RepeatedPtrField<v1::Match>& matches, const std::string& id_header,
                             const absl::flat_hash_map<std::string, std::string>& titles, Language language) {
  std::vector<Column> columns = RankedColumns(id_header, titles, "score", language);
  for (const char* header : language == Language::kFrench ? kCriterionHeadersFr : kCriterionHeaders) {
    columns.push_back({header, Align::kRight});
  }
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

std::string CriterionLabel(v1::Criterion criterion, Language language) {
  const int index = static_cast<int>(criterion) - 1;
  if (language == Language::kFrench && index >= 0 && index < static_cast<int>(std::size(kCriterionNamesFr))) {
    return kCriterionNamesFr[index];
  }
  return CriterionLabel(criterion);
}

std::string CriterionLabel(v1::Criterion criterion) {
  const auto* value = v1::Criterion_descriptor()->FindValueByNumber(criterion);
  return value == nullptr ? absl::StrCat(static_cast<int>(criterion)) : absl::AsciiStrToLower(EnumLabel(*value));
}

std::string RenderMatchList(const MatchListView& view, const google::protobuf::RepeatedPtrField<v1::Match>& matches,
                            const google::protobuf::RepeatedPtrField<v1::Match>& near_misses, int64_t scored,
                            int64_t eligible, const std::string& profile) {
  // The server leaves the counts at 0 when they would describe candidates the caller may not see.
  const Language l = view.language;
  const std::string counts =
      scored > 0 ? absl::StrCat(", ", eligible, Label(l, " eligible of ", " éligibles sur "), scored,
                                Label(l, " scored", " évaluées"))
                 : "";
  std::string out = absl::StrCat(view.heading, Label(l, ": ", " : "), matches.size(), Label(l, " shown", " affichées"),
                                 counts, Label(l, " (scoring profile ", " (profil de score "),
                                 profile.empty() ? "default" : profile, ").\n\n");
  if (matches.empty()) {
    absl::StrAppend(&out, NoMatches(view));
  } else {
    absl::StrAppend(&out, RenderMatchTable(matches, Id(view.kind, l), view.titles, l));
  }
  int reasons = std::min(view.reasons, matches.size());
  for (int i = 0; i < reasons; ++i) {
    if (!matches[i].has_explanation()) break;
    absl::StrAppend(&out, "\n", i + 1, ". ", matches[i].id(), TitleOf(view, matches[i].id()), "  score ",
                    FormatScore(matches[i].total()), "\n",
                    CriterionReasons(matches[i].explanation(), view.language, "   "));
  }
  if (near_misses.empty()) return out;
  absl::StrAppend(&out,
                  Label(l, "\nNear-misses (ineligible only for reasons that support can lift):\n",
                        "\nPresque éligibles (bloqués seulement par des freins qu'un accompagnement peut lever) :\n"),
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
  const Language l = language;
  // A pair with a blocker that cannot be lifted has no "score once lifted" to show.
  const std::string score =
      e.eligible()    ? absl::StrCat(Label(l, "Score ", "Score "), FormatScore(e.total()))
      : e.near_miss() ? absl::StrCat(Label(l, "Score ", "Score "), FormatScore(e.total()),
                                     Label(l, " once lifted", " une fois levé"))
                      : Label(l, "No score (a blocker cannot be lifted)", "Pas de score (un blocage ne peut pas être levé)");
  const std::string verdict = e.eligible()    ? Label(l, "Eligible", "Éligible")
                              : e.near_miss() ? Label(l, "Near-miss (ineligible, can be lifted)",
                                                      "Presque éligible (bloqué, peut être levé)")
                                              : Label(l, "Ineligible", "Non éligible");
  std::string out = absl::StrCat(
      Label(l, "Candidate ", "Candidat·e "), e.candidate_id(), Label(l, " and opening ", " et offre "), e.opening_id(),
      title.empty() ? "" : absl::StrCat(" (", title, ")"), "\n", verdict, ". ", score,
      Label(l, " (scoring profile ", " (profil de score "), profile.empty() ? "default" : profile,
      Label(l, "); ", ") ; à "), FormatKm(e.distance_km()), Label(l, " apart.\n\n", ".\n\n"));
  Table table({{Label(l, "criterion", "critère")}, {"score", Align::kRight}, {Label(l, "weight", "poids"), Align::kRight},
               {"contribution", Align::kRight}});
  for (const v1::CriterionScore& c : e.criteria()) {
    table.AddRow({CriterionLabel(c.criterion(), l), FormatScore(c.score()), absl::StrCat(c.weight()),
                  absl::StrFormat("%.3f", c.contribution())});
  }
  table.AddRow({"total", "", "", absl::StrFormat("%.3f", e.total())});
  absl::StrAppend(&out, table.Render(), Label(l, "\nReasons:\n", "\nRaisons :\n"), CriterionReasons(e, language, "  "));
  if (e.blockers_size() > 0) {
    absl::StrAppend(&out, Label(l, "\nBlockers:\n", "\nBlocages :\n"), BlockerLines(e, language, "  "));
  }
  if (e.french_training_hours_needed() > 0) {
    absl::StrAppend(&out,
                    Label(l, "\nFrench training needed to reach the opening's level: about ",
                          "\nFormation en français pour atteindre le niveau de l'offre : environ "),
                    absl::StrFormat("%.0f", e.french_training_hours_needed()), " h.\n");
  }
  if (!e.ready_date().empty()) {
    absl::StrAppend(&out, Label(l, "Ready to start: ", "Prête à commencer le : "), e.ready_date());
    std::vector<std::string> steps;
    for (const v1::RouteStep& step : e.route()) steps.push_back(InLanguage(step.label(), l));
    if (!steps.empty()) {
      absl::StrAppend(&out, Label(l, " (route: ", " (parcours : "), absl::StrJoin(steps, Label(l, ", then ", " puis ")),
                      ")");
    }
    absl::StrAppend(&out, "\n");
  }
  // Codes only: the labels are in the skills reason above (the client holds no reference data).
  if (e.missing_required_skills_size() > 0 || e.missing_desired_skills_size() > 0) absl::StrAppend(&out, "\n");
  if (e.missing_required_skills_size() > 0) {
    absl::StrAppend(&out, Label(l, "Missing required skills (code_ogr): ", "Compétences requises manquantes (code_ogr) : "),
                    absl::StrJoin(e.missing_required_skills(), ", "), "\n");
  }
  if (e.missing_desired_skills_size() > 0) {
    absl::StrAppend(&out, Label(l, "Missing desired skills (code_ogr): ", "Compétences souhaitées manquantes (code_ogr) : "),
                    absl::StrJoin(e.missing_desired_skills(), ", "), "\n");
  }
  return out;
}

}  // namespace passerelle::clients
