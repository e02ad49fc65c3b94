// Cases on the HOPE pathway (French with OFII, then a 400 h POEC with more French, then about 450 h of job
// training, then the job): the dated route, how the contract changes it, people ranked by readiness, a
// near-miss whose unlock names the route, and a person's project with a route against a job now.
#include "tests/quality/cases.h"

namespace passerelle::engine::quality {
namespace {

// A newcomer at the OFII course's entry point, 200 h of French planned: HOPE's usual starting point.
Person Newcomer(std::string id) {
  return Mason(std::move(id)).French(CefrLevel::kPreA1, /*attested=*/true, /*hours_planned=*/200);
}
// A HOPE maçon opening: B1 required, 400 h of French in its POEC, job training provided.
Job HopeJob(std::string id, std::string insee = kBobigny) {
  return MasonJob(std::move(id), std::move(insee)).FrenchRequired(CefrLevel::kB1).FrenchTrainingHours(400).TrainingProvided();
}

}  // namespace

std::vector<Case> PathwayCases() {
  return {
      {.name = "pathway-hope-route-dated",
       .topic = "pathway",
       .story = "In January a newcomer starts HOPE: pre-A1 French with 200 h of OFII course planned, a maçon CDI "
                "in Bobigny requiring B1 whose route has a 400 h POEC and job training.",
       .today = "2026-01-05",
       .people = {Newcomer("p-newcomer")},
       .openings = {HopeJob("o-hope-macon")},
       .order = {"o-hope-macon"},
       .checks = {{"o-hope-macon", "french", "environ 600 h de formation, couvertes par les 600 h prévues"},
                  {"o-hope-macon", "ready", "2026-09-02"},
                  {"o-hope-macon", "timing", "Prête vers le 2 septembre 2026 : environ 200 h de français puis POEC "
                                             "Maçon / Maçonne 400 h puis 450 h de formation métier ; disponible 184 "
                                             "jour(s) après le début du poste"}},
       .why = "The counsellor plans the whole route: 200 h of French (10 weeks at 20 h), the POEC (400 h at "
              "35 h), 450 h of job training; she can start around 2 September."},
      {.name = "pathway-route-depends-on-contract",
       .topic = "pathway",
       .story = "The same newcomer; three maçon openings with the same French route: a POEC itself, a contrat "
                "de professionnalisation (training inside the job) and a CDI after job training.",
       .today = "2026-01-05",
       .people = {Newcomer("p-newcomer")},
       .openings = {HopeJob("o-cdi"), HopeJob("o-poec").Contract(ContractType::kPoec),
                    HopeJob("o-pro").Contract(ContractType::kProfessionnalisation)},
       .order = {"o-poec", "o-pro", "o-cdi"},
       .checks = {{"o-poec", "ready", "2026-03-16"},
                  {"o-pro", "ready", "2026-06-04"},
                  {"o-pro", "timing", "Prête vers le 4 juin 2026 : environ 200 h de français puis POEC Maçon / "
                                      "Maçonne 400 h ;"},
                  {"o-cdi", "ready", "2026-09-02"}},
       .why = "A POEC starts once the French before it is done; a work-study contract has its training inside; "
              "a CDI waits for the whole route. The sooner she can start, the likelier the hire."},
      {.name = "pathway-people-ranked-by-readiness",
       .topic = "pathway",
       .story = "A HOPE maçon opening; three masons: one already B1, one A2 (the POEC's French is enough), one "
                "pre-A1 with 200 h of OFII course planned.",
       .today = "2026-01-05",
       .ask = Ask::kPeopleForOpening,
       .people = {Newcomer("p-pre-a1"), Mason("p-a2").French(CefrLevel::kA2), Mason("p-b1")},
       .openings = {HopeJob("o-hope-macon")},
       .order = {"p-b1", "p-a2", "p-pre-a1"},
       .checks = {{"p-b1", "ready", "2026-03-02"},
                  {"p-a2", "ready", "2026-06-24"},
                  {"p-a2", "timing", "Prête vers le 24 juin 2026 : POEC Maçon / Maçonne 400 h puis 450 h de "
                                     "formation métier"},
                  {"p-pre-a1", "ready", "2026-09-02"}},
       .why = "All three can get there; the employer starts with who is ready first, and the route says when "
              "the others will be."},
      {.name = "pathway-near-miss-unlock-names-the-route",
       .topic = "pathway",
       .story = "A newcomer at pre-A1 with no course planned yet; a HOPE maçon opening whose POEC gives 400 h of "
                "the 600 h she needs to reach B1.",
       .today = "2026-01-05",
       .people = {Mason("p-no-course").French(CefrLevel::kPreA1)},
       .openings = {HopeJob("o-hope-macon")},
       .near_misses = {"o-hope-macon"},
       .checks = {{"o-hope-macon", "blockers", "FRENCH_GAP"},
                  {"o-hope-macon", "unlock FRENCH_GAP",
                   "+3 niveau(x) de français : environ 200 h de formation en plus de celles prévues (ou une POEC) ; "
                   "parcours : environ 200 h de français puis POEC Maçon / Maçonne 400 h puis 450 h de formation "
                   "métier, environ 35 semaine(s), prête vers le 2 septembre 2026"}},
       .why = "Booking 200 h of OFII course makes the route whole: the unlock says so, with its length and date."},
      {.name = "pathway-project-before-unrelated-job-now",
       .topic = "pathway",
       .story = "The newcomer wants masonry; a HOPE maçon opening (ready in September) and an industrial cleaning "
                "job in Pantin with no French requirement (she could start in March).",
       .today = "2026-01-05",
       .people = {Newcomer("p-newcomer")},
       .openings = {Job("o-cleaning-now", "K2204", kPantin), HopeJob("o-hope-macon")},
       .order = {"o-hope-macon", "o-cleaning-now"},
       .checks = {{"o-cleaning-now", "occupation", "Aucun lien"}, {"o-cleaning-now", "ready", "2026-03-02"}},
       .why = "HOPE builds a project: the route to her trade comes first; the cleaning job stays visible as a "
              "fallback."},
  };
}

std::vector<Case> AllCases() {
  std::vector<Case> all;
  for (std::vector<Case> family : {CriteriaCases(), PlaceAndTimeCases(), BlockerCases(), PathwayCases()}) {
    for (Case& c : family) all.push_back(std::move(c));
  }
  return all;
}

}  // namespace passerelle::engine::quality
