// Cases on each blocker code (engine/scoring/pair_kernel.h, scoring::Blocker): the reason names both
// sides' values, a relaxable blocker is a near-miss with its unlock, one that cannot be lifted is neither
// a match nor a near-miss and has no score once lifted; when nothing is eligible the blockers are counted.
#include "tests/quality/cases.h"

namespace passerelle::engine::quality {
namespace {
constexpr uint32_t kB = LicenceBit(LicenceCategory::kB);
constexpr uint32_t kC = LicenceBit(LicenceCategory::kC);
constexpr uint32_t kCe = LicenceBit(LicenceCategory::kCe);
}  // namespace

std::vector<Case> BlockerCases() {
  return {
      {.name = "no-right-to-work-blocks-everything",
       .topic = "NO_RIGHT_TO_WORK",
       .story = "An asylum seeker whose permit to work is not yet granted; three maçon openings nearby.",
       .today = "2026-02-02",
       .people = {Mason("p-asylum-seeker").NoRightToWork()},
       .openings = {MasonJob("o-bobigny", kBobigny), MasonJob("o-montreuil", kMontreuil), MasonJob("o-paris", kParis)},
       .checks = {{"", "in scope", "NO_RIGHT_TO_WORK x3"},
                  {"o-bobigny", "NO_RIGHT_TO_WORK", "Pas d'autorisation de travail en France"},
                  {"o-bobigny", "no score", ""}},
       .why = "Nothing a counsellor does for a given job lifts this: the person is told why nothing comes, "
              "not shown scores for jobs she cannot take."},
      {.name = "contract-not-accepted",
       .topic = "CONTRACT_MISMATCH",
       .story = "A person who accepts only CDD and temp work (she wants to try the trade first); a CDI in Bobigny, "
                "a CDD in Montreuil and a temp mission in Créteil.",
       .today = "2026-02-02",
       .people = {Mason("p-mason-cdd").Accepts({ContractType::kCdd, ContractType::kInterim})},
       .openings = {MasonJob("o-cdi", kBobigny), MasonJob("o-cdd", kMontreuil).Contract(ContractType::kCdd),
                    MasonJob("o-interim", kCreteil).Contract(ContractType::kInterim)},
       .order = {"o-cdd", "o-interim"},
       .checks = {{"o-cdi", "blockers", "CONTRACT_MISMATCH"},
                  {"o-cdi", "CONTRACT_MISMATCH", "Contrat proposé (CDI) non accepté par la personne (accepte : CDD, "
                                                 "intérim)"},
                  {"o-cdi", "no score", ""}},
       .why = "The contract is the person's choice; the CDI is not offered to her against it."},
      {.name = "schedule-outside-childcare-hours",
       .topic = "SCHEDULE_CONFLICT",
       .story = "A mother free only on weekday mornings (school hours); an office-cleaning opening on weekday "
                "evenings and one on weekday mornings.",
       .today = "2026-02-02",
       .people = {Person("p-parent").Wishes({"K2204"}).AvailableSlots(SchoolHours())},
       .openings = {Job("o-evenings", "K2204", kPantin).Shifts(WeekdayEvenings()),
                    Job("o-mornings", "K2204", kPantin).Shifts(SchoolHours())},
       .order = {"o-mornings"},
       .checks = {{"o-evenings", "blockers", "SCHEDULE_CONFLICT"},
                  {"o-evenings", "SCHEDULE_CONFLICT", "Aucun des 5 créneaux de l'offre parmi les 5 créneaux où la "
                                                      "personne est disponible"},
                  {"o-evenings", "no score", ""}},
       .why = "None of the shifts fits her hours: she cannot take the job, whatever its score."},
      {.name = "night-and-weekend-work",
       .topic = "NIGHT_OR_WEEKEND_UNAVAILABLE",
       .story = "A cleaner available on weekdays, mornings and afternoons; a night cleaning job, a weekend job and "
                "a weekday job, none stating precise shifts.",
       .today = "2026-02-02",
       .people = {Person("p-cleaner").Wishes({"K2204"}).AvailableSlots(WeekdayDaytime())},
       .openings = {Job("o-night", "K2204", kPantin).NightWork(), Job("o-weekend", "K2204", kPantin).WeekendWork(),
                    Job("o-weekdays", "K2204", kPantin)},
       .order = {"o-weekdays"},
       .checks = {{"o-night", "NIGHT_OR_WEEKEND_UNAVAILABLE", "Travail de nuit, hors des disponibilités"},
                  {"o-weekend", "NIGHT_OR_WEEKEND_UNAVAILABLE", "Travail de week-end"},
                  {"o-night", "no score", ""}},
       .why = "Night or weekend work she has not said she can do is not proposed."},
      {.name = "strict-profile-requires-every-item",
       .topic = "MISSING_REQUIRED_SKILLS",
       .story = "A programme that places only people who already have every required item (strict profile); a "
                "person who knows masonry only.",
       .today = "2026-02-02",
       .people = {Mason("p-partial").Knows({kMasonry})},
       .openings = {Job("o-two-items", "F1703", kBobigny).Requires({kMasonry, kMeasuring}),
                    Job("o-one-item", "F1703", kBobigny).Requires({kMasonry})},
       .order = {"o-one-item"},
       .checks = {{"o-two-items", "MISSING_REQUIRED_SKILLS", "1 compétence(s) requise(s) sur 2 manquante(s) (profil "
                                                             "strict)"},
                  {"o-two-items", "no score", ""}},
       .why = "Under the programme's rule a missing required item excludes; without it, it only lowers the score.",
       .strict_skills = true},
      {.name = "french-gap-not-closable",
       .topic = "FRENCH_GAP",
       .story = "A mason with A1 French and no course planned; an opening requiring B1 with no training.",
       .today = "2026-02-02",
       .people = {Mason("p-mason-a1").French(CefrLevel::kA1)},
       .openings = {MasonJob("o-b1", kBobigny).FrenchRequired(CefrLevel::kB1), MasonJob("o-no-french", kMontreuil)},
       .order = {"o-no-french"},
       .near_misses = {"o-b1"},
       .checks = {{"o-b1", "FRENCH_GAP", "Niveau de français B1 requis, A1 atteint : environ 400 h de formation, "
                                         "au-delà des 0 h prévues"},
                  {"o-b1", "unlock FRENCH_GAP", "+2 niveau(x) de français : environ 400 h de formation en plus de "
                                                "celles prévues (ou une POEC)"}},
       .why = "Two levels short with nothing planned: not now, but the counsellor sees what a course would open."},
      {.name = "car-licence-required-or-desired",
       .topic = "DRIVING_LICENCE_REQUIRED",
       .story = "A landscape mason without a licence; three openings in Bobigny: one requires a car licence, one "
                "desires it, one says nothing.",
       .today = "2026-02-02",
       .people = {Person("p-landscaper").Wishes({"F1707"}).French(CefrLevel::kB1)},
       .openings = {Job("o-licence-required", "F1707", kBobigny).CarLicence(Requirement::kRequired),
                    Job("o-licence-desired", "F1707", kBobigny).CarLicence(Requirement::kDesired),
                    Job("o-no-licence", "F1707", kBobigny)},
       .order = {"o-no-licence", "o-licence-desired"},
       .near_misses = {"o-licence-required"},
       .checks = {{"o-licence-desired", "mobility", "permis souhaité, non détenu"},
                  {"o-licence-required", "DRIVING_LICENCE_REQUIRED", "Permis de conduire exigé, non détenu"},
                  {"o-licence-required", "unlock DRIVING_LICENCE_REQUIRED", "Obtenir le permis de conduire"}},
       .why = "A desired licence is a plus she lacks; a required one is a barrier a licence course lifts."},
      {.name = "heavy-goods-licence-category",
       .topic = "LICENCE_CATEGORY_MISSING",
       .story = "A lorry driver from abroad: B valid in France, his C licence being exchanged at the ANTS; a "
                "delivery job (B), a heavy-goods job (C) and an articulated-lorry job (CE).",
       .today = "2026-02-02",
       .people = {Person("p-driver").Wishes({"N4101", "N4105"}).Licences(kB, kC).French(CefrLevel::kB1)},
       .openings = {Job("o-delivery-b", "N4105", kRoissy).LicencesRequired(kB),
                    Job("o-lorry-c", "N4101", kRoissy).LicencesRequired(kC),
                    Job("o-lorry-ce", "N4101", kRoissy).LicencesRequired(kC | kCe)},
       .order = {"o-delivery-b"},
       .near_misses = {"o-lorry-c", "o-lorry-ce"},
       .checks = {{"o-lorry-c", "LICENCE_CATEGORY_MISSING", "Permis exigé non détenu en France : C (détenus : B)"},
                  {"o-lorry-c", "unlock LICENCE_CATEGORY_MISSING", "permis C : échange du permis étranger en cours, "
                                                                   "environ 12 semaines"},
                  {"o-lorry-ce", "unlock LICENCE_CATEGORY_MISSING", "permis CE : environ 3 semaines de formation"},
                  {"o-lorry-c", "ready", "2026-03-02"},
                  {"o-lorry-c", "timing", "Disponible à la date de début"},
                  {"o-lorry-ce", "ready", "2026-03-02"}},
       .why = "His trade is heavy goods, but until the exchange lands he can drive only a van; the lorry jobs "
              "are near-misses with the exchange's delay and, for CE, the extra training.",
       .disagreement = "a licence near-miss is scored as if the licence were there on the start date: both lorry "
                       "jobs read « Disponible à la date de début » (ready 2 March) although the exchange takes "
                       "about 12 weeks, and the CE job (12 weeks plus 3 of training) ties with the C job (0.759 "
                       "each, listed C first only by id). A counsellor expects the unlock's delay in the ready "
                       "day, as the French route already is, and so the C job before the CE job. The same holds "
                       "for a required car licence (about 8 weeks, case car-licence-required-or-desired)."},
      {.name = "salary-below-the-floor",
       .topic = "SALARY_BELOW_FLOOR",
       .story = "A mason who needs at least 2,000 € gross a month (rent); openings paying at most 1,950 €, at most "
                "2,000 €, and one not stating pay.",
       .today = "2026-02-02",
       .people = {Mason("p-mason-floor").MinSalaryEur(2000)},
       .openings = {MasonJob("o-1950", kBobigny).SalaryMaxEur(1950), MasonJob("o-2000", kMontreuil).SalaryMaxEur(2000),
                    MasonJob("o-unstated", kCreteil)},
       .order = {"o-2000", "o-unstated"},
       .checks = {{"o-1950", "SALARY_BELOW_FLOOR", "Salaire maximum proposé (1950 € brut/mois) inférieur au minimum "
                                                   "de la personne (2000 €)"},
                  {"o-1950", "no score", ""}},
       .why = "The floor is hers to set; an opening that cannot reach it is not proposed, one that says nothing is."},
      {.name = "expired-opening",
       .topic = "OPENING_EXPIRED",
       .story = "Asked on 2 February 2026: an opening whose last day was 1 February, one open until 2 February.",
       .today = "2026-02-02",
       .people = {Mason("p-mason")},
       .openings = {MasonJob("o-closed-yesterday", kBobigny).ExpiresOn("2026-02-01"),
                    MasonJob("o-last-day-today", kBobigny).ExpiresOn("2026-02-02")},
       .order = {"o-last-day-today"},
       .checks = {{"o-closed-yesterday", "OPENING_EXPIRED", "Offre expirée (dernier jour : 2026-02-01)"},
                  {"o-closed-yesterday", "no score", ""}},
       .why = "A closed offer wastes an application; on its last day it is still open."},
      {.name = "required-language-not-spoken",
       .topic = "LANGUAGE_REQUIRED_MISSING",
       .story = "A person who speaks Arabic (C1) and some English (A2); a job requiring English B1 and one "
                "requiring Arabic B1 (a multilingual site team).",
       .today = "2026-02-02",
       .people = {Mason("p-arabic").Speaks("ar", CefrLevel::kC1).Speaks("en", CefrLevel::kA2)},
       .openings = {MasonJob("o-english-b1", kBobigny).LanguageRequired("en", CefrLevel::kB1),
                    MasonJob("o-arabic-b1", kMontreuil).LanguageRequired("ar", CefrLevel::kB1)},
       .order = {"o-arabic-b1"},
       .checks = {{"o-english-b1", "LANGUAGE_REQUIRED_MISSING", "Langue exigée non parlée au niveau demandé : en B1 "
                                                                "(niveau A2)"},
                  {"o-english-b1", "no score", ""}},
       .why = "A working language is needed on day one and is not taught by the programme, unlike French."},
      {.name = "employer-sees-who-can-come",
       .topic = "blockers for an opening",
       .story = "An employer's maçon opening in Bobigny; four masons: one in Saint-Denis, one in Lyon who will not "
                "move, one in Saint-Denis without a permit to work, one in Montreuil who wants only temp work.",
       .today = "2026-02-02",
       .ask = Ask::kPeopleForOpening,
       .people = {Mason("p-lyon").LivesIn(kLyon), Mason("p-no-permit").NoRightToWork(),
                  Mason("p-temp-only").LivesIn(kMontreuil).Accepts({ContractType::kInterim}), Mason("p-saint-denis")},
       .openings = {MasonJob("o-macon-bobigny", kBobigny)},
       .order = {"p-saint-denis"},
       .near_misses = {"p-lyon"},
       .checks = {{"p-lyon", "blockers", "TOO_FAR"},
                  {"p-no-permit", "blockers", "NO_RIGHT_TO_WORK"},
                  {"p-temp-only", "CONTRACT_MISMATCH", "Contrat proposé (CDI) non accepté par la personne (accepte : "
                                                       "intérim)"}},
       .why = "The employer sees who can come now, and who could with a move; people who cannot work or do "
              "not want the contract are not put forward."},
      {.name = "blockers-counted-when-nothing-fits",
       .topic = "blockers in scope",
       .story = "A mason in Saint-Denis who accepts only a CDI and will not move; openings in Lyon (CDI), Rennes "
                "(CDI) and Meaux (CDD).",
       .today = "2026-02-02",
       .people = {Mason("p-mason-cdi").Accepts({ContractType::kCdi})},
       .openings = {MasonJob("o-lyon", kLyon), MasonJob("o-rennes", kRennes),
                    MasonJob("o-meaux-cdd", kMeaux).Contract(ContractType::kCdd)},
       .near_misses = {"o-rennes", "o-lyon"},
       .checks = {{"", "in scope", "TOO_FAR x3, CONTRACT_MISMATCH x1"},
                  {"o-meaux-cdd", "blockers", "CONTRACT_MISMATCH,TOO_FAR"}},
       .why = "The counsellor needs the reason most of the openings fail (distance), not a bare 'no result'."},
  };
}

}  // namespace passerelle::engine::quality
