#include "clients/exposure_view.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "clients/match_view.h"
#include "clients/table.h"

namespace passerelle::clients {
namespace {

// English name as the server sends it -> French label.
constexpr std::pair<const char*, const char*> kFrench[] = {
    {"french_band", "niveau de français"}, {"housing", "logement"},
    {"transport_mode", "mode de transport"}, {"departement", "département"},
    {"below A1", "sous A1"},             {"B2 and above", "B2 et plus"},
    {"stable", "stable"},                 {"temporary", "temporaire"},
    {"emergency", "urgence"},             {"none", "sans logement"},
    {"walking", "à pied"},                {"bicycle", "à vélo"},
    {"public transport", "transports en commun"}, {"car", "voiture"},
};

std::string Translate(const std::string& name, Language language) {
  if (language != Language::kFrench) return name;
  for (const auto& [en, fr] : kFrench) {
    if (name == en) return fr;
  }
  return name;
}

// The server sorts groups by name; bands, housing and transport read better in their own order.
std::vector<v1::GroupExposure> InOrder(const v1::ExposureByAttribute& report) {
  static constexpr const char* kOrder[] = {"below A1", "A1", "A2", "B1", "B2 and above", "stable", "temporary",
                                           "emergency", "none", "walking", "bicycle", "public transport", "car"};
  const auto rank = [](const std::string& group) {
    return std::find(std::begin(kOrder), std::end(kOrder), group) - std::begin(kOrder);
  };
  std::vector<v1::GroupExposure> groups(report.groups().begin(), report.groups().end());
  std::stable_sort(groups.begin(), groups.end(),
                   [&](const auto& a, const auto& b) { return rank(a.group()) < rank(b.group()); });
  return groups;
}

std::string ExposureTable(const v1::ExposureByAttribute& plain, const v1::ExposureByAttribute* fair, Language l) {
  std::vector<Column> columns = {{Label(l, "group", "groupe")},
                                 {Label(l, "of the cohort", "de la cohorte"), Align::kRight},
                                 {Label(l, "of the slots", "des places"), Align::kRight},
                                 {Label(l, "ratio", "ratio"), Align::kRight}};
  if (fair != nullptr) {
    columns.push_back({Label(l, "after re-rank", "après reclassement"), Align::kRight});
    columns.push_back({Label(l, "ratio after", "ratio après"), Align::kRight});
  }
  Table table(std::move(columns));
  for (const v1::GroupExposure& g : InOrder(plain)) {
    std::vector<std::string> cells = {Translate(g.group(), l), Percent(g.pool_share()), Percent(g.slot_share()),
                                      absl::StrFormat("%.2f", g.exposure_ratio())};
    if (fair != nullptr) {
      double share = 0, ratio = 0;
      for (const v1::GroupExposure& f : fair->groups()) {
        if (f.group() == g.group()) share = f.slot_share(), ratio = f.exposure_ratio();
      }
      cells.push_back(Percent(share));
      cells.push_back(absl::StrFormat("%.2f", ratio));
    }
    table.AddRow(std::move(cells));
  }
  return table.Render();
}

std::string Fixed2(double x) { return absl::StrFormat("%.2f", x); }

std::string MinimumSummary(const v1::RerankExposure& e, Language l) {
  const v1::MinimumExposure& m = e.min_exposure();
  const double cost_share = e.score_before() > 0 ? e.score_cost() / e.score_before() : 0;
  const bool fr = l == Language::kFrench;
  std::string out = absl::StrCat(
      fr ? "Reclassé avec au moins " : "Re-ranked with at least ", Percent(m.min_share()),
      fr ? " de chaque début de liste pour " : " of every prefix for ", Translate(m.group(), l), " (",
      Translate(m.attribute(), l), fr ? ") : " : "): ", e.openings_reordered(), fr ? " listes modifiées sur " : " of ",
      e.opening_lists(), fr ? ".\n" : " lists changed.\n");
  absl::StrAppend(&out, fr ? "Score des places : " : "Score of the slots: ", Fixed2(e.score_before()),
                  fr ? " avant, " : " before, ", Fixed2(e.score_after()), fr ? " après, coût " : " after, cost ",
                  Fixed2(e.score_cost()), " (", Percent(cost_share), ").\n");
  if (e.prefixes_short() > 0) {
    absl::StrAppend(&out, e.prefixes_short(),
                    fr ? " débuts de liste en deçà du minimum : la liste n'avait plus de membre du groupe.\n"
                       : " prefixes fell short of the minimum: their list had no more members of the group.\n");
  }
  return out;
}

}  // namespace

std::string AttributeLabel(const std::string& attribute, Language language) { return Translate(attribute, language); }
std::string GroupLabel(const std::string& group, Language language) { return Translate(group, language); }

std::string RenderRerankExposure(const v1::RerankExposure& e, const std::vector<v1::OpeningShortlist>& shortlists,
                                 Language l) {
  const bool fr = l == Language::kFrench;
  std::string out = absl::StrCat(
      fr ? "\nExposition dans les " : "\nExposure in the openings' top ", e.slots_per_opening(),
      fr ? " premières places des offres (" : " slots (", e.opening_lists(),
      fr ? " offres dans le top k d'au moins un candidat ; ratio 1 = en proportion) :\n"
         : " openings in some candidate's top k; ratio 1 = in proportion):\n");
  for (const v1::ExposureByAttribute& plain : e.slot_exposure()) {
    const bool constrained = e.has_min_exposure() && plain.attribute() == e.min_exposure().attribute();
    absl::StrAppend(&out, "\n", Translate(plain.attribute(), l), ":\n",
                    ExposureTable(plain, constrained ? &e.representative_exposure() : nullptr, l));
  }
  if (!e.has_min_exposure()) return out;
  absl::StrAppend(&out, "\n", MinimumSummary(e, l));
  if (!shortlists.empty()) {
    absl::StrAppend(&out, l == Language::kFrench ? "\nPremières listes modifiées (par offre), score entre parenthèses :\n"
                                                 : "\nFirst lists the re-rank changed (by opening), scores in brackets:\n");
  }
  for (const v1::OpeningShortlist& s : shortlists) {
    absl::StrAppend(&out, s.opening_id(), ":");
    for (const v1::ShortlistEntry& entry : s.entries()) {
      absl::StrAppend(&out, " ", entry.candidate_id(), absl::StrFormat(" (%.3f)", entry.score()));
    }
    absl::StrAppend(&out, "\n");
  }
  return out;
}

}  // namespace passerelle::clients
