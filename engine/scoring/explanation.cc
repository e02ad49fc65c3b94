#include "engine/scoring/explanation.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "engine/model/dates.h"
#include "engine/model/language_columns.h"
#include "engine/model/offer_fields.h"
#include "engine/model/route.h"
#include "engine/scoring/constants.h"
#include "engine/scoring/criteria_walks.h"
#include "engine/scoring/experience_reason.h"
#include "engine/scoring/feature_sources.h"
#include "engine/scoring/pair_kernel.h"
#include "engine/scoring/sentence_words.h"

namespace passerelle::engine {
namespace {

namespace sc = scoring;

constexpr const char* kContractNames[] = {"CDI", "CDD", "CDD d'usage", "intérim", "CDPI", "contrat de professionnalisation",
                                          "apprentissage", "POEC", "immersion (PMSMP)", "stage", "AFEST", "contrat IAE"};

// French decimal comma for displayed numbers.
std::string FrNumber(double v, int decimals) {
  std::string out = absl::StrFormat("%.*f", decimals, v);
  std::replace(out.begin(), out.end(), '.', ',');
  return out;
}
std::string Km(float km) { return WholeNumber(km); }
std::string Hours(float h) { return WholeNumber(h); }
std::string Plural(int n, absl::string_view word) { return absl::StrCat(n, " ", word, n == 1 ? "" : "s"); }

// "CDI, CDD" for a ContractBit mask; 0 accepts any.
std::string AcceptedContracts(uint32_t mask) {
  if (mask == 0) return "tous";
  std::vector<std::string> names;
  for (int k = 0; k < kContractTypeCount; ++k) {
    if (mask & (1u << k)) names.push_back(kContractNames[k]);
  }
  return absl::StrJoin(names, ", ");
}

const RomeOccupation& Occ(const ReferenceData& data, int32_t index) { return data.occupations()[index]; }

// Where the candidate's best occupation came from: rank of a wish (1-based) or years of a past job.
struct OccupationSource {
  int32_t rome_index = -1;
  int wish_rank = 0;
  float past_years = -1;
};

OccupationSource BestOccupationSource(const ResolvedCandidate& c, const ResolvedOpening& o,
                                      const ReferenceData& data, const OccupationRelations& relations) {
  OccupationSource best;
  float best_score = -1;
  for (const WeightedOccupation& w : c.occupations) {
    const float s = w.factor * relations.Score(w.rome_index, o.rome_index);
    if (s > best_score) best_score = s, best.rome_index = w.rome_index;
  }
  const std::string& code = best.rome_index >= 0 ? Occ(data, best.rome_index).code : "";
  for (size_t r = 0; r < c.record.wished_occupations.size(); ++r) {
    if (c.record.wished_occupations[r] == code) { best.wish_rank = static_cast<int>(r) + 1; break; }
  }
  for (const PastOccupation& p : c.record.past_occupations) {
    if (p.rome_code == code) best.past_years = std::max(best.past_years, p.years);
  }
  return best;
}

// Where the best occupation came from, in words: « métier souhaité n°2 » / « 3,5 an(s) d'expérience ».
std::string OriginFr(const OccupationSource& src) {
  return src.wish_rank > 0 ? absl::StrCat("métier souhaité n°", src.wish_rank)
                           : absl::StrFormat("%s d'expérience", FrNumber(src.past_years, 1) + " an(s)");
}
std::string OriginEn(const OccupationSource& src) {
  return src.wish_rank > 0 ? absl::StrCat("wish #", src.wish_rank)
                           : absl::StrFormat("%.1f year(s) of experience", src.past_years);
}

Sentence OccupationReason(const ResolvedCandidate& c, const ResolvedOpening& o, const ReferenceData& data,
                          const OccupationRelations& relations, Wanted w) {
  const RomeOccupation& to = Occ(data, o.rome_index);
  const OccupationSource src = BestOccupationSource(c, o, data, relations);
  const OccupationRelation rel =
      src.rome_index < 0 ? OccupationRelation::kNone : relations.Relation(src.rome_index, o.rome_index);
  switch (rel) {
    case OccupationRelation::kExact:
      return PASSERELLE_SAY(w, absl::StrCat("Métier de l'offre ", to.label, " (", to.code, ") : ", OriginFr(src)),
                            absl::StrCat("Opening's occupation ", to.label, " (", to.code, "): ", OriginEn(src)));
    case OccupationRelation::kMobilityLink:
      return PASSERELLE_SAY(w,
                            absl::StrCat("Passerelle ROME de ", Occ(data, src.rome_index).label, " (", OriginFr(src),
                                         ") vers ", to.label),
                            absl::StrCat("ROME lists a move from ", Occ(data, src.rome_index).label, " (",
                                         OriginEn(src), ") to ", to.label));
    case OccupationRelation::kSameDomaine:
      return PASSERELLE_SAY(
          w, absl::StrCat("Même domaine professionnel (", to.domaine_label, ") que ", Occ(data, src.rome_index).label),
          absl::StrCat("Same occupational field (", to.domaine_label, ") as ", Occ(data, src.rome_index).label));
    case OccupationRelation::kSameGrandDomaine:
      return PASSERELLE_SAY(
          w, absl::StrCat("Même grand domaine (", to.grand_domaine_label, ") que ", Occ(data, src.rome_index).label),
          absl::StrCat("Same broad sector (", to.grand_domaine_label, ") as ", Occ(data, src.rome_index).label));
    case OccupationRelation::kNone:
      break;
  }
  return PASSERELLE_SAY(w, absl::StrCat("Aucun lien entre les métiers souhaités ou exercés et ", to.label),
                        absl::StrCat("No link between the wished or past occupations and ", to.label));
}

// Skill items of `items` the candidate lacks, as code_ogr.
// Both lists are sorted: one merge, as std::set_difference (an item listed twice and held once is missing
// once), writing the codes straight into one vector sized once.
std::vector<int64_t> Missing(const std::vector<int32_t>& items, const ResolvedCandidate& c, const ReferenceData& data) {
  std::vector<int64_t> codes;
  codes.reserve(items.size());
  auto held = c.skill_indices.begin();
  const auto held_end = c.skill_indices.end();
  for (const int32_t item : items) {
    while (held != held_end && *held < item) ++held;
    if (held != held_end && *held == item) {
      ++held;
      continue;
    }
    codes.push_back(data.skills()[item].code_ogr);
  }
  return codes;
}

std::string SkillList(const std::vector<int64_t>& codes, const ReferenceData& data, bool french) {
  std::vector<absl::string_view> labels;  // views: the labels live in `data`
  for (size_t i = 0; i < codes.size() && i < size_t{sc::kMissingSkillsNamed}; ++i) labels.push_back(data.skills()[*data.FindSkill(codes[i])].label);
  std::string out = absl::StrJoin(labels, ", ");
  if (codes.size() > size_t{sc::kMissingSkillsNamed}) absl::StrAppend(&out, french ? " et " : " and ", codes.size() - sc::kMissingSkillsNamed, french ? " autre(s)" : " more");
  return out;
}

Sentence SkillsReason(const ResolvedOpening& o, const Explanation& e, const ReferenceData& data, Wanted w) {
  const int required = static_cast<int>(o.required_skill_indices.size());
  const int desired = static_cast<int>(o.desired_skill_indices.size());
  if (required + desired == 0)
    return PASSERELLE_SAY(w, "L'offre ne liste aucune compétence", "The opening lists no skill items");
  if (o.skills_from_occupation) {  // the occupation's core items stand in for the opening's list
    const int have = required - static_cast<int>(e.missing_required_skills.size());
    Sentence s = PASSERELLE_SAY(
        w,
        absl::StrCat("L'offre ne liste aucune compétence : ", have, " sur ", required, " compétence(s) cœur du métier"),
        absl::StrCat("The opening lists no skill items: ", have, " of the occupation's ", required, " core item(s)"));
    if (!e.missing_core_skills.empty()) {
      if (w.fr) absl::StrAppend(&s.fr, " ; manquent : ", SkillList(e.missing_core_skills, data, true));
      if (w.en) absl::StrAppend(&s.en, "; missing: ", SkillList(e.missing_core_skills, data, false));
    }
    return s;
  }
  const int have_req = required - static_cast<int>(e.missing_required_skills.size());
  const int have_des = desired - static_cast<int>(e.missing_desired_skills.size());
  Sentence s = PASSERELLE_SAY(
      w,
      absl::StrCat(have_req, " compétence(s) requise(s) sur ", required, ", ", have_des, " souhaitée(s) sur ", desired),
      absl::StrCat(have_req, " of ", required, " required and ", have_des, " of ", desired, " desired skill items"));
  if (!e.missing_core_skills.empty()) {  // core items first: they weigh kCoreSkillWeight
    if (w.fr) absl::StrAppend(&s.fr, " ; manquent, cœur du métier : ", SkillList(e.missing_core_skills, data, true));
    if (w.en)
      absl::StrAppend(&s.en, "; missing, core to the occupation: ", SkillList(e.missing_core_skills, data, false));
  }
  std::vector<int64_t> peripheral;
  for (int64_t code : e.missing_required_skills) {
    if (std::find(e.missing_core_skills.begin(), e.missing_core_skills.end(), code) == e.missing_core_skills.end()) {
      peripheral.push_back(code);
    }
  }
  if (!peripheral.empty()) {
    if (w.fr) {
      absl::StrAppend(
          &s.fr, e.missing_core_skills.empty() ? " ; manquent : " : " ; autres : ", SkillList(peripheral, data, true));
    }
    if (w.en) {
      absl::StrAppend(&s.en,
                      e.missing_core_skills.empty() ? "; missing: " : "; others: ", SkillList(peripheral, data, false));
    }
  }
  return s;
}

struct FrenchFacts {
  int level = 0, min_level = 0;
  Requirement requirement = Requirement::kNone;
  float hours_needed = 0, hours_available = 0;
};

FrenchFacts GetFrenchFacts(const ResolvedCandidate& c, const ResolvedOpening& o) {
  FrenchFacts f;
  f.level = static_cast<int>(c.record.french_level);
  f.min_level = static_cast<int>(o.record.french_min_level);
  f.requirement = o.record.french_requirement;
  f.hours_needed = std::max(0.0f, sc::CumulativeFrenchHours(static_cast<float>(f.min_level)) -
                                      sc::CumulativeFrenchHours(static_cast<float>(f.level)));
  f.hours_available = o.record.french_training_hours + c.record.french_hours_planned;
  return f;
}

Sentence FrenchReason(const ResolvedCandidate& c, const FrenchFacts& f, Wanted w) {
  if (f.requirement == Requirement::kNone)
    return PASSERELLE_SAY(w, "Pas d'exigence de français", "No French requirement");
  const bool req = f.requirement == Requirement::kRequired;
  Sentence s = PASSERELLE_SAY(w,
                              absl::StrCat("Niveau de français ", kCefrNames[f.min_level],
                                           req ? " requis, " : " souhaité, ", kCefrNames[f.level], " atteint"),
                              absl::StrCat("French ", kCefrNamesEn[f.min_level], req ? " required, " : " desired, ",
                                           kCefrNamesEn[f.level], " reached"));
  if (f.level >= f.min_level) {
    if (!c.record.french_attested) {
      if (w.fr) absl::StrAppend(&s.fr, " (déclaré, à faire attester)");
      if (w.en) absl::StrAppend(&s.en, " (declared, not yet attested)");
    }
    return s;
  }
  const std::string needed = Hours(f.hours_needed), available = Hours(f.hours_available);
  const bool covered = f.hours_needed <= f.hours_available;
  if (w.fr) {
    absl::StrAppend(&s.fr, " : environ ", needed, " h de formation",
                    covered ? ", couvertes par les " : ", au-delà des ", available,
                    covered ? " h prévues (offre et parcours)" : " h prévues");
  }
  if (w.en) {
    absl::StrAppend(&s.en, ": about ", needed, " hours of French", covered ? ", covered by the " : ", beyond the ",
                    available, covered ? " hours planned (opening and pathway)" : " hours planned");
  }
  return s;
}

Sentence MobilityReason(const ResolvedCandidate& c, const ResolvedOpening& o, float d, Wanted w) {
  const std::string km = Km(d), limit = Km(c.radius_km);
  Sentence s;
  if (d <= c.radius_km) {
    s = PASSERELLE_SAY(w, absl::StrCat(km, " km du domicile (limite ", limit, " km)"),
                       absl::StrCat(km, " km from home (limit ", limit, " km)"));
  } else if (c.record.relocation_accepted && o.record.housing_provided) {
    s = PASSERELLE_SAY(w, absl::StrCat(km, " km : déménagement accepté, logement fourni"),
                       absl::StrCat(km, " km: relocation accepted, housing provided"));
  } else {
    s = PASSERELLE_SAY(w, absl::StrCat(km, " km, au-delà de la limite de ", limit, " km"),
                       absl::StrCat(km, " km, beyond the ", limit, " km limit"));
  }
  if (o.record.driving_licence == Requirement::kDesired && !HoldsDrivingLicence(c.record)) {
    if (w.fr) absl::StrAppend(&s.fr, " ; permis souhaité, non détenu");
    if (w.en) absl::StrAppend(&s.en, "; driving licence desired, not held");
  }
  return s;
}

Sentence HousingReason(float score, const ResolvedOpening& o, Wanted w) {
  if (score < 1.0f) {
    return PASSERELLE_SAY(w, "Logement à trouver : frein à lever avant l'embauche",
                          "Housing to be found: a barrier to lift before hiring");
  }
  if (o.record.housing_provided)
    return PASSERELLE_SAY(w, "Logement fourni avec le poste", "Housing provided with the job");
  return PASSERELLE_SAY(w, "Pas de besoin de logement pour ce poste", "No housing need for this job");
}

Sentence TensionReason(float t, const ResolvedOpening& o, const ReferenceData& data, Wanted w) {
  const std::string& region = data.regions()[o.region_index].name;
  const char* level_fr = t >= sc::kTensionHighFrom ? "forte" : t >= sc::kTensionMediumFrom ? "moyenne" : "faible";
  const char* level_en = t >= sc::kTensionHighFrom ? "High" : t >= sc::kTensionMediumFrom ? "Medium" : "Low";
  Sentence s = PASSERELLE_SAY(
      w, absl::StrCat("Tension ", level_fr, " sur ce métier en ", region, " (indice ", FrNumber(t, 2), ")"),
      absl::StrFormat("%s hiring difficulty for this occupation in %s (index %.2f)", level_en, region, t));
  if (o.record.hard_to_fill) {
    if (w.fr) absl::StrAppend(&s.fr, ", offre signalée difficile à pourvoir");
    if (w.en) absl::StrAppend(&s.en, ", opening flagged hard to fill");
  }
  return s;
}

// "14 avril 2027" / "14 April 2027".
Sentence DateWords(Day day, Wanted w) {
  static constexpr const char* kMonthsFr[] = {"janvier", "février", "mars", "avril", "mai", "juin", "juillet",
                                              "août", "septembre", "octobre", "novembre", "décembre"};
  static constexpr const char* kMonthsEn[] = {"January", "February", "March", "April", "May", "June", "July",
                                              "August", "September", "October", "November", "December"};
  const std::string iso = FormatDay(day);  // YYYY-MM-DD
  int month = 1, dom = 1;
  if (iso.size() == 10) month = std::stoi(iso.substr(5, 2)), dom = std::stoi(iso.substr(8, 2));
  const std::string year = iso.substr(0, iso.size() >= 4 ? 4 : 0);
  return PASSERELLE_SAY(w, absl::StrCat(dom == 1 ? "1er" : std::to_string(dom), " ", kMonthsFr[month - 1], " ", year),
                        absl::StrCat(dom, " ", kMonthsEn[month - 1], " ", year));
}

// The route's steps joined: "environ 400 h de français puis POEC Maçon 400 h".
Sentence RouteWords(const std::vector<RouteStep>& route, Wanted w) {
  const auto join = [&](std::string Sentence::*side, absl::string_view separator) {
    std::string out;
    for (const RouteStep& step : route) absl::StrAppend(&out, out.empty() ? "" : separator, step.label.*side);
    return out;
  };
  return PASSERELLE_SAY(w, join(&Sentence::fr, " puis "), join(&Sentence::en, ", then "));
}

int RouteDays(const std::vector<RouteStep>& route) {
  int days = 0;
  for (const RouteStep& step : route) days += step.days;
  return days;
}

// The steps before the start for a person short of the opening's stated French level (engine/model/route.h).
std::vector<RouteStep> RouteSteps(const ResolvedCandidate& c, const ResolvedOpening& o, float hours_needed,
                                  const ReferenceData& data, Wanted w) {
  std::vector<RouteStep> route;
  if (o.record.french_requirement == Requirement::kNone || c.record.french_level >= o.record.french_min_level) {
    return route;
  }
  const float french = std::max(0.0f, hours_needed - o.record.french_training_hours);
  if (french > 0) {
    route.push_back({"FRENCH", french, static_cast<int>(RouteStepDays(french, kOfiiFrenchWeeklyHours)),
                     PASSERELLE_SAY(w, absl::StrCat("environ ", Hours(french), " h de français"),
                                    absl::StrCat("about ", Hours(french), " h of French"))});
  }
  const std::string& occupation = Occ(data, o.rome_index).label;
  if (const float poec = PoecHoursBeforeStart(o.record); poec > 0) {
    route.push_back({"POEC", poec, static_cast<int>(RouteStepDays(poec, kPoecWeeklyHours)),
                     PASSERELLE_SAY(w, absl::StrCat("POEC ", occupation, " ", Hours(poec), " h"),
                                    absl::StrCat("POEC ", occupation, " ", Hours(poec), " h"))});
  }
  if (const float job = JobTrainingHoursBeforeStart(o.record); job > 0) {
    route.push_back({"JOB_TRAINING", job, static_cast<int>(RouteStepDays(job, kJobTrainingWeeklyHours)),
                     PASSERELLE_SAY(w, absl::StrCat(Hours(job), " h de formation métier"),
                                    absl::StrCat(Hours(job), " h of job training"))});
  }
  return route;
}

Sentence TimingReason(const ResolvedCandidate& c, const ResolvedOpening& o, const Explanation& e, Day today, Wanted w) {
  const Day stated = o.record.start_date;
  // A start date already past counts from today (as in the kernel): the opening waits from now.
  const bool past = stated != 0 && today != 0 && stated < today;
  const Day start = past ? today : stated;
  const int wait = stated == 0 ? 0 : std::max(0, e.ready_day - start);
  Sentence s =
      stated == 0 ? PASSERELLE_SAY(w, "L'offre ne fixe pas de date de début (dès que possible)",
                                   "The opening states no start date (as soon as possible)")
      : past && wait == 0
          ? PASSERELLE_SAY(w, "Poste à pourvoir dès maintenant (début prévu passé) ; disponible dès maintenant",
                           "Position open now (stated start passed); available now")
      : past
          ? PASSERELLE_SAY(w,
                           absl::StrCat("Poste à pourvoir dès maintenant (début prévu passé) ; "
                                        "disponible dans ",
                                        wait, " jour(s)"),
                           absl::StrCat("Position open now (stated start passed); available in ", Plural(wait, "day")))
      : wait == 0 ? PASSERELLE_SAY(w, "Disponible à la date de début", "Available by the start date")
                  : PASSERELLE_SAY(w, absl::StrCat("Disponible ", wait, " jour(s) après le début du poste"),
                                   absl::StrCat("Available ", Plural(wait, "day"), " after the start date"));
  if (!e.route.empty()) {
    const Sentence date = DateWords(e.ready_day, w), route = RouteWords(e.route, w);
    if (w.fr) {
      s.fr = absl::StrCat("Prête vers le ", date.fr, " : ", route.fr, " ; ", absl::AsciiStrToLower(s.fr.substr(0, 1)),
                          s.fr.substr(1));
    }
    if (w.en) {
      s.en = absl::StrCat("Ready around ", date.en, ": ", route.en, "; ", absl::AsciiStrToLower(s.en.substr(0, 1)),
                          s.en.substr(1));
    }
  }
  const float coverage = sc::ScheduleCoverage(c.record.weekly_availability, o.record.weekly_schedule);
  if (coverage < 1.0f) {
    if (w.fr) absl::StrAppend(&s.fr, " ; horaires couverts à ", Km(coverage * 100), " %");
    if (w.en) absl::StrAppend(&s.en, "; ", Km(coverage * 100), "% of the shifts covered");
  }
  return s;
}

}  // namespace

std::string BlockerCode(uint32_t bit) {
  switch (bit) {
    case sc::kNoRightToWork: return "NO_RIGHT_TO_WORK";
    case sc::kContractMismatch: return "CONTRACT_MISMATCH";
    case sc::kScheduleConflict: return "SCHEDULE_CONFLICT";
    case sc::kMissingRequiredSkills: return "MISSING_REQUIRED_SKILLS";
    case sc::kFrenchGap: return "FRENCH_GAP";
    case sc::kTooFar: return "TOO_FAR";
    case sc::kRelocationNeedsHousing: return "RELOCATION_NEEDS_HOUSING";
    case sc::kLicenceRequired: return "DRIVING_LICENCE_REQUIRED";
    case sc::kLicenceCategoryMissing: return "LICENCE_CATEGORY_MISSING";
    case sc::kNightOrWeekendUnavailable: return "NIGHT_OR_WEEKEND_UNAVAILABLE";
    case sc::kSalaryBelowFloor: return "SALARY_BELOW_FLOOR";
    case sc::kExpired: return "OPENING_EXPIRED";
    case sc::kLanguageMissing: return "LANGUAGE_REQUIRED_MISSING";
  }
  return "UNKNOWN";
}

Sentence BlockerSentence(uint32_t bit, SentenceLanguages languages) {
  const Wanted w = Wanted::Of(languages);
  switch (bit) {
    case sc::kNoRightToWork:
      return PASSERELLE_SAY(w, "Pas d'autorisation de travail en France", "No right to work in France");
    case sc::kContractMismatch:
      return PASSERELLE_SAY(w, "Type de contrat proposé non accepté par la personne",
                            "Contract type offered not accepted by the person");
    case sc::kScheduleConflict:
      return PASSERELLE_SAY(w, "Aucun créneau de l'offre dans les disponibilités",
                            "No shift of the opening within the availability");
    case sc::kMissingRequiredSkills:
      return PASSERELLE_SAY(w, "Compétences requises manquantes (profil strict)",
                            "Required skill items missing (strict profile)");
    case sc::kFrenchGap:
      return PASSERELLE_SAY(w, "Niveau de français requis hors d'atteinte avec les heures prévues",
                            "Required French level out of reach with the hours planned");
    case sc::kTooFar:
      return PASSERELLE_SAY(w, "Au-delà de la limite de trajet, déménagement non accepté",
                            "Beyond the commute limit, relocation not accepted");
    case sc::kRelocationNeedsHousing:
      return PASSERELLE_SAY(w, "Déménagement accepté mais pas de logement fourni",
                            "Relocation accepted but no housing provided");
    case sc::kLicenceRequired:
      return PASSERELLE_SAY(w, "Permis de conduire exigé, non détenu", "Driving licence required, not held");
    case sc::kLicenceCategoryMissing:
      return PASSERELLE_SAY(w, "Catégorie de permis exigée non détenue en France",
                            "Licence category required, not held valid in France");
    case sc::kNightOrWeekendUnavailable:
      return PASSERELLE_SAY(w, "Travail de nuit ou de week-end hors des disponibilités",
                            "Night or weekend work outside the availability");
    case sc::kSalaryBelowFloor:
      return PASSERELLE_SAY(w, "Salaire maximum proposé inférieur au minimum de la personne",
                            "Maximum salary offered below the person's minimum");
  }
  return PASSERELLE_SAY(w, BlockerCode(bit), BlockerCode(bit));
}

bool BlockerRelaxable(uint32_t bit) { return (bit & sc::kRelaxableBlockers) != 0; }

namespace {

// The required categories not held: each one's unlock is the exchange under way (pending) or training.
void DescribeMissingCategories(const ResolvedCandidate& c, const ResolvedOpening& o, Wanted w, Blocker* b) {
  const uint32_t missing = o.record.licences_required & ~HeldLicences(c.record);
  std::vector<std::string> names, fr, en;
  for (int k = 0; k < kLicenceCategoryCount; ++k) {
    if (!(missing & (1u << k))) continue;
    const std::string name = sc::kLicenceCategoryNames[k];
    names.push_back(name);
    const bool pending = (c.record.licence_categories_pending & (1u << k)) != 0;
    const int weeks = pending ? sc::kLicenceExchangeWeeks : sc::kLicenceTrainingWeeks[k];
    if (w.fr) {
      fr.push_back(absl::StrCat("permis ", name,
                                pending ? " : échange du permis étranger en cours, environ " : " : environ ", weeks,
                                pending ? " semaines" : " semaines de formation"));
    }
    if (w.en) {
      en.push_back(absl::StrCat("licence ", name, pending ? ": foreign licence exchange under way, about " : ": about ",
                                weeks, pending ? " weeks" : " weeks of training"));
    }
  }
  std::vector<std::string> held;
  for (int k = 0; k < kLicenceCategoryCount; ++k) {
    if (HeldLicences(c.record) & (1u << k)) held.push_back(sc::kLicenceCategoryNames[k]);
  }
  const std::string held_list = held.empty() ? "" : absl::StrJoin(held, ", ");
  b->reason = PASSERELLE_SAY(
      w,
      absl::StrCat("Permis exigé non détenu en France : ", absl::StrJoin(names, ", "),
                   held.empty() ? " (aucun permis détenu)" : absl::StrCat(" (détenus : ", held_list, ")")),
      absl::StrCat("Licence category required, not held valid in France: ", absl::StrJoin(names, ", "),
                   held.empty() ? " (none held)" : absl::StrCat(" (held: ", held_list, ")")));
  b->unlock = PASSERELLE_SAY(w, absl::StrJoin(fr, " ; "), absl::StrJoin(en, "; "));
}

// The required languages (of kScoredLanguages) the person does not speak at the level asked, with the
// level they have: « Langue exigée non parlée au niveau demandé : en B1 (niveau A2) ».
Sentence MissingLanguagesReason(const ResolvedCandidate& c, const ResolvedOpening& o, Wanted w) {
  std::vector<std::string> fr, en;
  for (const LanguageRequirement& l : o.record.languages) {
    if (l.requirement != Requirement::kRequired || ScoredLanguageIndex(l.code) < 0) continue;
    int have = -1;
    for (const LanguageSkill& s : c.record.languages) {
      if (s.code == l.code) have = std::max(have, static_cast<int>(s.level));
    }
    const int asked = RequiredLanguageLevel(l);
    if (have >= asked) continue;
    if (w.fr) {
      fr.push_back(absl::StrCat(l.code, " ", kCefrNames[asked],
                                have < 0 ? " (non parlée)" : absl::StrCat(" (niveau ", kCefrNames[have], ")")));
    }
    if (w.en) {
      en.push_back(absl::StrCat(l.code, " ", kCefrNamesEn[asked],
                                have < 0 ? " (not spoken)" : absl::StrCat(" (level ", kCefrNamesEn[have], ")")));
    }
  }
  return PASSERELLE_SAY(w, absl::StrCat("Langue exigée non parlée au niveau demandé : ", absl::StrJoin(fr, ", ")),
                        absl::StrCat("Required language not spoken at the level asked: ", absl::StrJoin(en, ", ")));
}

Blocker DescribeBlocker(uint32_t bit, const ResolvedCandidate& c, const ResolvedOpening& o, const Explanation& e,
                        Wanted w) {
  Blocker b{BlockerCode(bit), (bit & sc::kRelaxableBlockers) != 0, {}, {}};
  const FrenchFacts f = GetFrenchFacts(c, o);
  switch (bit) {
    case sc::kNoRightToWork:
      b.reason = PASSERELLE_SAY(w, "Pas d'autorisation de travail en France", "No right to work in France");
      break;
    case sc::kContractMismatch: {
      const std::string offered = kContractNames[static_cast<int>(o.record.contract)];
      const std::string accepted = AcceptedContracts(c.record.accepted_contracts);
      b.reason = PASSERELLE_SAY(
          w, absl::StrCat("Contrat proposé (", offered, ") non accepté par la personne (accepte : ", accepted, ")"),
          absl::StrCat("Contract offered (", offered, ") not among those the person accepts (", accepted, ")"));
      break;
    }
    case sc::kScheduleConflict: {
      const int shifts = std::popcount(o.record.weekly_schedule), slots = std::popcount(c.record.weekly_availability);
      b.reason = PASSERELLE_SAY(w,
                                absl::StrCat("Aucun des ", shifts, " créneaux de l'offre parmi les ", slots,
                                             " créneaux où la personne est disponible (garde d'enfants ?)"),
                                absl::StrCat("None of the opening's ", Plural(shifts, "shift"), " within the person's ",
                                             Plural(slots, "available slot"), " (childcare?)"));
      break;
    }
    case sc::kMissingRequiredSkills: {
      const size_t required = o.required_skill_indices.size();
      b.reason = PASSERELLE_SAY(w,
                                absl::StrCat(e.missing_required_skills.size(), " compétence(s) requise(s) sur ",
                                             required, " manquante(s) (profil strict)"),
                                absl::StrCat(e.missing_required_skills.size(), " of ", required,
                                             " required skill item(s) missing (strict profile)"));
      break;
    }
    case sc::kFrenchGap: {
      const int levels = f.min_level - f.level;
      const std::string extra = Hours(f.hours_needed - f.hours_available);
      b.reason = FrenchReason(c, f, w);
      b.unlock = PASSERELLE_SAY(w,
                                absl::StrCat("+", levels, " niveau(x) de français : environ ", extra,
                                             " h de formation en plus de celles prévues (ou une POEC)"),
                                absl::StrCat("+", levels, " CEFR level(s): about ", extra,
                                             " more hours of French than planned (or a POEC route)"));
      if (!e.route.empty()) {  // the route, its length and the date it leads to
        const Sentence route = RouteWords(e.route, w), date = DateWords(e.ready_day, w);
        const int weeks = (RouteDays(e.route) + 6) / 7;
        if (w.fr) {
          absl::StrAppend(&b.unlock.fr, " ; parcours : ", route.fr, ", environ ", weeks, " semaine(s), prête vers le ",
                          date.fr);
        }
        if (w.en) {
          absl::StrAppend(&b.unlock.en, "; route: ", route.en, ", about ", Plural(weeks, "week"), ", ready around ",
                          date.en);
        }
      }
      break;
    }
    case sc::kTooFar:
      b.reason =
          PASSERELLE_SAY(w, absl::StrCat(Km(e.distance_km), " km, au-delà de la limite de ", Km(c.radius_km), " km"),
                         absl::StrCat(Km(e.distance_km), " km, beyond the ", Km(c.radius_km), " km limit"));
      b.unlock = o.record.housing_provided ? PASSERELLE_SAY(w, "Accepter de déménager : le logement est fourni",
                                                            "Agree to relocate: housing is provided")
                                           : PASSERELLE_SAY(w, "Accepter de déménager et trouver un logement sur place",
                                                            "Agree to relocate and find housing there");
      break;
    case sc::kRelocationNeedsHousing:
      b.reason = PASSERELLE_SAY(
          w, absl::StrCat(Km(e.distance_km), " km : déménagement accepté mais l'offre ne fournit pas de logement"),
          absl::StrCat(Km(e.distance_km), " km: relocation accepted but the opening provides no housing"));
      b.unlock = PASSERELLE_SAY(w, "Un logement sur place (employeur, programme HOPE, bailleur social)",
                                "Housing near the job (employer, HOPE programme, social landlord)");
      break;
    case sc::kLicenceRequired:
      b.reason = PASSERELLE_SAY(w, "Permis de conduire exigé, non détenu", "Driving licence required, not held");
      b.unlock = PASSERELLE_SAY(w, "Obtenir le permis de conduire", "Obtain a driving licence");
      break;
    case sc::kLicenceCategoryMissing:
      DescribeMissingCategories(c, o, w, &b);
      break;
    case sc::kNightOrWeekendUnavailable: {
      // Which of the opening's conditions the availability misses (WorkingTimeFits).
      const bool night = o.record.night_work && (c.record.weekly_availability & kNightSlots) == 0;
      b.reason =
          night ? PASSERELLE_SAY(w, "Travail de nuit, hors des disponibilités de la personne (aucun créneau de nuit)",
                                 "Night work, outside the person's availability (no night slot)")
                : PASSERELLE_SAY(w,
                                 "Travail de week-end, hors des disponibilités de la personne (aucun créneau le "
                                 "samedi ni le dimanche)",
                                 "Weekend work, outside the person's availability (no Saturday or Sunday slot)");
      break;
    }
    case sc::kSalaryBelowFloor:
      b.reason = PASSERELLE_SAY(
          w,
          absl::StrCat("Salaire maximum proposé (", Km(o.record.salary_monthly_max_eur),
                       " € brut/mois) inférieur au minimum de la personne (", Km(c.record.min_monthly_salary_eur),
                       " €)"),
          absl::StrCat("Maximum salary offered (EUR ", Km(o.record.salary_monthly_max_eur),
                       " gross a month) below the person's minimum (EUR ", Km(c.record.min_monthly_salary_eur), ")"));
      break;
    case sc::kLanguageMissing:
      b.reason = MissingLanguagesReason(c, o, w);
      break;
    case sc::kExpired:
      b.reason = PASSERELLE_SAY(w, absl::StrCat("Offre expirée (dernier jour : ", FormatDay(o.record.expires_on), ")"),
                                absl::StrCat("Opening expired (last day: ", FormatDay(o.record.expires_on), ")"));
      break;
  }
  return b;
}

}  // namespace

Explanation ExplainPair(const ResolvedCandidate& candidate, const ResolvedOpening& opening,
                        const ScoringProfile& profile, const ReferenceData& data, const OccupationRelations& relations,
                        Day today, SentenceLanguages languages) {
  const Wanted w = Wanted::Of(languages);
  const sc::KernelParams params = sc::MakeKernelParams(profile, today);
  // One pair's working arrays, kept by the thread from pair to pair: a BlockScores is some twenty-five
  // columns, and allocating them for each of a query's k explanations was a visible share of malloc in a
  // served MatchOpenings (docs/benchmarks.md, "Load and durability"). Every value read below is written
  // for this pair first (WalkPair, and the kernel's row 0).
  thread_local sc::WalkedCriteria walked;
  thread_local sc::BlockScores scores;
  sc::WalkPair(candidate, opening, relations, &walked);
  sc::ScoreOnePair(sc::CandidateBroadcast(candidate, 1), sc::OpeningBroadcast(opening, 1), walked.occupation,
                   walked.skills, walked.missing_required, walked.credited_experience_months, params, &scores);

  Explanation e;
  e.candidate_id = candidate.record.id;
  e.opening_id = opening.record.id;
  e.total = scores.total[0];
  e.distance_km = scores.distance_km[0];
  const uint32_t blockers = scores.blockers[0];
  e.eligible = blockers == 0;
  e.near_miss = blockers != 0 && (blockers & ~sc::kRelaxableBlockers) == 0;
  e.missing_required_skills = Missing(opening.required_skill_indices, candidate, data);
  e.missing_desired_skills = Missing(opening.desired_skill_indices, candidate, data);
  e.missing_core_skills = Missing(opening.core_skill_indices, candidate, data);
  const FrenchFacts french = GetFrenchFacts(candidate, opening);
  e.french_training_hours_needed = french.hours_needed;
  e.ready_day = static_cast<Day>(scores.ready_day[0]);
  e.route = RouteSteps(candidate, opening, scores.french_hours_needed[0], data, w);

  std::array<Sentence, kCriterionCount> reasons = {
      OccupationReason(candidate, opening, data, relations, w),
      SkillsReason(opening, e, data, w),
      FrenchReason(candidate, french, w),
      MobilityReason(candidate, opening, e.distance_km, w),
      HousingReason(scores.criteria[static_cast<int>(Criterion::kHousing)][0], opening, w),
      TensionReason(scores.criteria[static_cast<int>(Criterion::kTension)][0], opening, data, w),
      TimingReason(candidate, opening, e, today, w),
      ExperienceReason(candidate, opening, walked.credited_experience_months[0], data, relations, languages)};
  for (int k = 0; k < kCriterionCount; ++k) {
    const float s = scores.criteria[k][0];
    e.criteria[k] = {static_cast<Criterion>(k), s, profile.weights[k], params.normalized_weights[k] * s,
                     std::move(reasons[k])};
  }
  for (uint32_t bit = 1; bit != 0 && bit <= sc::kLastBlocker; bit <<= 1) {
    if (blockers & bit) e.blockers.push_back(DescribeBlocker(bit, candidate, opening, e, w));
  }
  return e;
}

}  // namespace passerelle::engine
