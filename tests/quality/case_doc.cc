#include "tests/quality/case_doc.h"

#include <bit>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/model/dates.h"

namespace passerelle::engine::quality {
namespace {

constexpr const char* kLevels[] = {"pre-A1", "A1", "A2", "B1", "B2", "C1", "C2"};
constexpr const char* kContracts[] = {"CDI", "CDD", "CDD d'usage", "intérim", "CDPI", "contrat de professionnalisation",
                                      "apprentissage", "POEC", "immersion (PMSMP)", "stage", "AFEST", "contrat IAE"};
constexpr const char* kTransport[] = {"transport not stated", "walks", "cycles", "public transport", "car"};
constexpr const char* kHousing[] = {"stable housing", "temporary housing (CADA, CPH)", "emergency shelter (115)",
                                    "no housing"};
constexpr const char* kLicences[] = {"AM", "A1", "A2", "A", "B", "BE", "C1", "C1E", "C", "CE", "D1", "D1E", "D", "DE"};

std::string Place(const std::string& insee, const ReferenceData& data) {
  auto i = data.FindCommune(insee);
  return i ? absl::StrCat(data.communes()[*i].name, " (", insee, ")") : insee;
}
std::string Occupation(const std::string& code, const ReferenceData& data) {
  auto i = data.FindRome(code);
  return i ? absl::StrCat(data.occupations()[*i].label, " (", code, ")") : code;
}
std::string Skills(const std::vector<int64_t>& codes, const ReferenceData& data) {
  std::vector<std::string> labels;
  for (int64_t code : codes) {
    auto i = data.FindSkill(code);
    labels.push_back(i ? data.skills()[*i].label : absl::StrCat(code));
  }
  return absl::StrJoin(labels, ", ");
}
std::string Licences(uint32_t mask) {
  std::vector<std::string> names;
  for (int k = 0; k < kLicenceCategoryCount; ++k) {
    if (mask & (1u << k)) names.push_back(kLicences[k]);
  }
  return absl::StrJoin(names, ", ");
}
std::string Contracts(uint32_t mask) {
  if (mask == 0) return "any contract";
  std::vector<std::string> names;
  for (int k = 0; k < kContractTypeCount; ++k) {
    if (mask & (1u << k)) names.push_back(kContracts[k]);
  }
  return absl::StrCat("accepts ", absl::StrJoin(names, ", "));
}
std::string Slots(uint32_t mask) { return absl::StrCat(std::popcount(mask), " of the 28 weekly slots"); }
const char* Asked(Requirement r) { return r == Requirement::kRequired ? "required" : "desired"; }

std::string CheckWords(const Check& check) {
  const std::string& pair = check.other;
  if (check.what == "in scope") return absl::StrCat("nothing eligible; blockers counted in scope: ", check.words);
  if (check.what == "blockers") {
    return absl::StrCat(pair, ": ", check.words.empty() ? "no blocker" : absl::StrCat("blockers ", check.words));
  }
  if (check.what == "ready") return absl::StrCat(pair, ": ready on ", check.words);
  if (check.what == "no score") return absl::StrCat(pair, ": a blocker that cannot be lifted, so no score once lifted");
  return absl::StrCat(pair, ", ", check.what, ": « ", check.words, " »");
}

}  // namespace

std::string DescribePerson(const Candidate& c, const ReferenceData& data) {
  std::vector<std::string> parts;
  parts.push_back(absl::StrCat("lives in ", Place(c.commune_insee, data), ", ",
                               kTransport[static_cast<int>(c.transport_mode)],
                               c.max_commute_km > 0 ? absl::StrCat(" (at most ", c.max_commute_km, " km)") : "",
                               ", ", kHousing[static_cast<int>(c.housing)],
                               c.relocation_accepted ? ", would move for a job" : ""));
  if (c.licence_categories || c.licence_categories_pending) {
    parts.push_back(absl::StrCat("licence ", c.licence_categories ? Licences(c.licence_categories) : "none",
                                 c.licence_categories_pending
                                     ? absl::StrCat(" (exchange under way: ", Licences(c.licence_categories_pending), ")")
                                     : "",
                                 c.vehicle ? ", has a car" : ""));
  }
  parts.push_back(absl::StrCat("French ", kLevels[static_cast<int>(c.french_level)],
                               c.french_attested ? " (attested)" : " (declared)",
                               c.french_hours_planned > 0 ? absl::StrCat(", ", c.french_hours_planned, " h planned") : ""));
  for (const LanguageSkill& l : c.languages) parts.push_back(absl::StrCat("speaks ", l.code, " ", kLevels[static_cast<int>(l.level)]));
  std::vector<std::string> wishes;
  for (const std::string& w : c.wished_occupations) wishes.push_back(Occupation(w, data));
  if (!wishes.empty()) parts.push_back(absl::StrCat("wishes ", absl::StrJoin(wishes, ", then ")));
  for (const PastOccupation& p : c.past_occupations) {
    parts.push_back(absl::StrCat(p.years, " year(s) as ", Occupation(p.rome_code, data)));
  }
  if (!c.skills.empty()) parts.push_back(absl::StrCat("knows ", Skills(c.skills, data)));
  if (c.qualification_level > 0) {
    parts.push_back(absl::StrCat("qualification level ", c.qualification_level,
                                 c.qualification_recognised ? " (diploma recognised in France)" : " (no diploma recognised in France)"));
  }
  parts.push_back(Contracts(c.accepted_contracts));
  if (c.weekly_availability) parts.push_back(absl::StrCat("available ", Slots(c.weekly_availability)));
  parts.push_back(absl::StrCat("available from ", FormatDay(c.available_from)));
  if (c.min_monthly_salary_eur > 0) parts.push_back(absl::StrCat("asks at least ", c.min_monthly_salary_eur, " € a month"));
  if (!c.right_to_work) parts.push_back("no right to work in France yet");
  return absl::StrCat(c.id, ": ", absl::StrJoin(parts, "; "));
}

std::string DescribeOpening(const Opening& o, const ReferenceData& data) {
  std::vector<std::string> parts;
  parts.push_back(absl::StrCat(Occupation(o.rome_code, data), " in ", Place(o.commune_insee, data), ", ",
                               kContracts[static_cast<int>(o.contract)], ", starts ",
                               o.start_date ? FormatDay(o.start_date) : "as soon as possible"));
  if (o.french_requirement != Requirement::kNone) {
    parts.push_back(absl::StrCat("French ", kLevels[static_cast<int>(o.french_min_level)], " ",
                                 Asked(o.french_requirement)));
  }
  if (o.french_training_hours > 0) parts.push_back(absl::StrCat(o.french_training_hours, " h of French in its route"));
  if (o.training_provided) parts.push_back("job training provided");
  if (o.housing_provided) parts.push_back("housing provided");
  if (o.hard_to_fill) parts.push_back("flagged hard to fill");
  if (!o.required_skills.empty()) parts.push_back(absl::StrCat("requires ", Skills(o.required_skills, data)));
  if (!o.desired_skills.empty()) parts.push_back(absl::StrCat("desires ", Skills(o.desired_skills, data)));
  if (o.required_skills.empty() && o.desired_skills.empty()) parts.push_back("lists no skill");
  if (o.experience_requirement != Requirement::kNone) {
    parts.push_back(absl::StrCat(o.experience_months, " months of experience ", Asked(o.experience_requirement)));
  }
  if (o.qualification_requirement != Requirement::kNone) {
    parts.push_back(absl::StrCat("qualification level ", o.qualification_level, " ", Asked(o.qualification_requirement)));
  }
  if (o.weekly_schedule) parts.push_back(absl::StrCat("shifts on ", Slots(o.weekly_schedule)));
  if (o.night_work) parts.push_back("night work");
  if (o.weekend_work) parts.push_back("weekend work");
  if (o.driving_licence != Requirement::kNone) parts.push_back(absl::StrCat("car licence ", Asked(o.driving_licence)));
  if (o.licences_required) parts.push_back(absl::StrCat("licence ", Licences(o.licences_required), " required"));
  if (o.licences_desired) parts.push_back(absl::StrCat("licence ", Licences(o.licences_desired), " desired"));
  for (const LanguageRequirement& l : o.languages) {
    parts.push_back(absl::StrCat(l.code, " ", kLevels[static_cast<int>(l.min_level)], " ", Asked(l.requirement)));
  }
  if (o.salary_monthly_max_eur > 0) parts.push_back(absl::StrCat("pays at most ", o.salary_monthly_max_eur, " € a month"));
  if (o.expires_on) parts.push_back(absl::StrCat("open until ", FormatDay(o.expires_on)));
  return absl::StrCat(o.id, ": ", absl::StrJoin(parts, "; "));
}

std::string RenderCases(const std::vector<Case>& cases, const ReferenceData& data) {
  std::string out = "\n## Disagreements found\n\n";
  int disagreements = 0;
  for (const Case& c : cases) {
    if (c.disagreement.empty()) continue;
    absl::StrAppend(&out, "- [", c.name, "](#", c.name, "): ", c.disagreement, "\n");
    ++disagreements;
  }
  if (disagreements == 0) absl::StrAppend(&out, "None: every case gives the order and reasons a counsellor expects.\n");
  absl::StrAppend(&out, "\n## The cases\n");
  for (const Case& c : cases) {
    const bool for_person = c.ask == Ask::kOpeningsForPerson;
    absl::StrAppend(&out, "\n### ", c.name, "\n\n", "*About:* ", c.topic, ". ", c.story, "\n\n");
    absl::StrAppend(&out, "On ", c.today, " the counsellor asks for ",
                    for_person ? "the openings of this person" : "the people for this opening", ":\n");
    for (const Person& p : c.people) absl::StrAppend(&out, "- ", DescribePerson(p.record(), data), "\n");
    for (const Job& j : c.openings) absl::StrAppend(&out, "- ", DescribeOpening(j.record(), data), "\n");
    absl::StrAppend(&out, "\nExpected: ", c.order.empty() ? "nothing eligible" : absl::StrJoin(c.order, ", then "));
    if (!c.near_misses.empty()) absl::StrAppend(&out, "; near-misses: ", absl::StrJoin(c.near_misses, ", then "));
    if (c.strict_skills) absl::StrAppend(&out, " (profile with strict required skills)");
    absl::StrAppend(&out, ".\n");
    for (const Check& check : c.checks) absl::StrAppend(&out, "- ", CheckWords(check), "\n");
    absl::StrAppend(&out, "\nWhy: ", c.why, "\n");
    if (!c.disagreement.empty()) absl::StrAppend(&out, "\n**Disagreement:** ", c.disagreement, "\n");
  }
  return out;
}

}  // namespace passerelle::engine::quality
