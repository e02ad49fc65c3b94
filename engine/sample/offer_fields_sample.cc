#include "engine/sample/offer_fields_sample.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "engine/sample/counter_rng.h"

namespace passerelle::engine::sample {
namespace {

constexpr uint64_t kCandidateOfferStream = 0x63616e646f666672ULL;  // "candoffr"
constexpr uint64_t kOpeningOfferStream = 0x6f70656e6f666672ULL;    // "openoffr"

// First languages of the people the programmes place (asylum and temporary-protection origins most
// represented in France); weights in percent of candidates.
struct LanguageShare {
  const char* code;
  uint32_t weight;
};
constexpr LanguageShare kFirstLanguages[] = {
    {"ar", 26}, {"prs", 13}, {"ps", 10}, {"ti", 8}, {"uk", 12}, {"ru", 5}, {"ku", 5}, {"so", 4},
    {"tr", 4},  {"bn", 3},   {"ta", 3},  {"fa", 3}, {"ln", 2},  {"en", 2}};

uint32_t LicenceBits(std::initializer_list<LicenceCategory> categories) {
  uint32_t mask = 0;
  for (LicenceCategory c : categories) mask |= LicenceBit(c);
  return mask;
}

std::string Months(float months) {
  return months >= 12 ? absl::StrCat(static_cast<int>(months / 12), " An(s)")
                      : absl::StrCat(static_cast<int>(months), " Mois");
}

}  // namespace

void FillCandidateOfferFields(uint64_t seed, int64_t i, Candidate& c) {
  RecordRng rng(seed, kCandidateOfferStream, static_cast<uint64_t>(i));
  // Licences: 60 % of holders have their categories listed (the others keep the legacy flag, read as B);
  // a few drove trucks or buses before. 12 % of the others have a foreign licence being exchanged.
  if (c.driving_licence) {
    if (rng.Chance(0.60)) {
      c.licence_categories = LicenceBit(LicenceCategory::kB);
      if (rng.Chance(0.08)) c.licence_categories |= LicenceBits({LicenceCategory::kC, LicenceCategory::kC1});
      if (rng.Chance(0.03)) c.licence_categories |= LicenceBit(LicenceCategory::kCe) | LicenceBit(LicenceCategory::kC);
      if (rng.Chance(0.02)) c.licence_categories |= LicenceBit(LicenceCategory::kD);
    }
  } else if (rng.Chance(0.12)) {
    c.licence_categories_pending = LicenceBit(LicenceCategory::kB);
    if (rng.Chance(0.15)) c.licence_categories_pending |= LicenceBit(LicenceCategory::kC);
  }
  // Languages: a first language at C2, English for 40 % (A2 .. B2), a second regional language for 20 %.
  uint32_t weights[std::size(kFirstLanguages)];
  for (size_t k = 0; k < std::size(kFirstLanguages); ++k) weights[k] = kFirstLanguages[k].weight;
  const size_t first = rng.Pick(weights);
  c.languages.push_back({kFirstLanguages[first].code, CefrLevel::kC2});
  if (std::string(kFirstLanguages[first].code) != "en" && rng.Chance(0.40)) {
    c.languages.push_back({"en", static_cast<CefrLevel>(rng.Between(2, 4))});
  }
  if (rng.Chance(0.20)) {
    const size_t second = rng.Pick(weights);
    bool seen = false;
    for (const LanguageSkill& l : c.languages) seen |= l.code == kFirstLanguages[second].code;
    if (!seen) c.languages.push_back({kFirstLanguages[second].code, static_cast<CefrLevel>(rng.Between(2, 5))});
  }
  // Qualification: none 30 %, CAP/BEP 25 %, bac 20 %, bac+2 10 %, licence 10 %, master 5 %; recognised
  // for a quarter of those with a level (foreign diplomas seldom are).
  static constexpr uint32_t kLevels[] = {30, 0, 0, 25, 20, 10, 10, 5};
  c.qualification_level = static_cast<int32_t>(rng.Pick(kLevels));
  c.qualification_recognised = c.qualification_level > 0 && rng.Chance(0.25);
  // Salary floor: 25 % state one, 1,800 .. 2,200 EUR gross a month (around the minimum wage).
  if (rng.Chance(0.25)) c.min_monthly_salary_eur = static_cast<float>(1800 + 50 * rng.Below(9));
}

void FillOpeningOfferFields(uint64_t seed, int64_t i, Day reference_day, Opening& o) {
  RecordRng rng(seed, kOpeningOfferStream, static_cast<uint64_t>(i));
  // Experience: none ("D", débutant accepté) 55 %, desired 25 %, required 20 %; 6 .. 36 months.
  static constexpr uint32_t kExperience[] = {55, 25, 20};
  o.experience_requirement = static_cast<Requirement>(rng.Pick(kExperience));
  if (o.experience_requirement == Requirement::kNone) {
    o.experience_label = "Débutant accepté";
  } else {
    static constexpr float kMonths[] = {6, 12, 24, 36};
    static constexpr uint32_t kMonthWeights[] = {30, 35, 25, 10};
    o.experience_months = kMonths[rng.Pick(kMonthWeights)];
    o.experience_label = absl::StrCat(Months(o.experience_months),
                                      o.experience_requirement == Requirement::kRequired ? "" : " - expérience souhaitée");
  }
  // Licence categories: a required licence is B 85 %, C 10 %, CE 3 %, D 2 %; B desired on 8 % of the others.
  if (o.driving_licence == Requirement::kRequired) {
    static constexpr uint32_t kRequired[] = {85, 10, 3, 2};
    static constexpr LicenceCategory kValues[] = {LicenceCategory::kB, LicenceCategory::kC, LicenceCategory::kCe,
                                                  LicenceCategory::kD};
    o.licences_required = LicenceBit(kValues[rng.Pick(kRequired)]);
  } else if (rng.Chance(0.08)) {
    o.licences_desired = LicenceBit(LicenceCategory::kB);
  }
  // Languages: English desired 8 % / required 2 % (B1); a refugees' language desired 4 % (interpreting,
  // community services).
  if (rng.Chance(0.10)) {
    o.languages.push_back({"en", CefrLevel::kB1, rng.Chance(0.2) ? Requirement::kRequired : Requirement::kDesired});
  }
  if (rng.Chance(0.04)) {
    static constexpr const char* kCodes[] = {"ar", "prs", "ps", "ti", "uk"};
    o.languages.push_back({kCodes[rng.Below(5)], CefrLevel::kB2, Requirement::kDesired});
  }
  // Qualification asked: none 50 %, CAP/BEP desired 30 % / required 10 %, bac desired 10 %.
  static constexpr uint32_t kQualification[] = {50, 30, 10, 10};
  switch (rng.Pick(kQualification)) {
    case 1: o.qualification_level = 3, o.qualification_requirement = Requirement::kDesired; break;
    case 2: o.qualification_level = 3, o.qualification_requirement = Requirement::kRequired; break;
    case 3: o.qualification_level = 4, o.qualification_requirement = Requirement::kDesired; break;
    default: break;
  }
  // Salary stated on 70 %: 1,800 .. 2,150 EUR, half of them a range of up to 400 EUR.
  if (rng.Chance(0.70)) {
    o.salary_monthly_min_eur = static_cast<float>(1800 + 50 * rng.Below(8));
    o.salary_monthly_max_eur = o.salary_monthly_min_eur + (rng.Chance(0.5) ? 50.0f * rng.Below(9) : 0.0f);
    o.salary_label = absl::StrCat("Mensuel de ", o.salary_monthly_min_eur, " Euros à ", o.salary_monthly_max_eur,
                                  " Euros sur 12 mois");
  }
  static constexpr float kHours[] = {35, 39, 24};
  static constexpr uint32_t kHourWeights[] = {80, 10, 10};
  o.weekly_hours = kHours[rng.Pick(kHourWeights)];
  o.working_time_label = absl::StrCat(o.weekly_hours, "H Horaires normaux");
  // Night work 5 % (cleaning, logistics, care), weekend work 15 % (catering, retail).
  o.night_work = rng.Chance(0.05);
  o.weekend_work = rng.Chance(0.15);
  o.created_on = reference_day - static_cast<Day>(rng.Below(31));
  o.updated_on = o.created_on + static_cast<Day>(rng.Below(static_cast<uint64_t>(reference_day - o.created_on) + 1));
}

}  // namespace passerelle::engine::sample
