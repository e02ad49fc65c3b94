// Cases on the person's own project and abilities: occupation (exact, ROME link, field, sector, none; wish
// rank; past jobs), skills (required and desired items, core items, an opening that lists none) and French
// (attested or declared, a gap the route closes, a desired level).
#include "tests/quality/cases.h"

namespace passerelle::engine::quality {

std::vector<Case> CriteriaCases() {
  const std::vector<int64_t> mason_items = {kMasonry, kMeasuring};
  return {
      {.name = "occupation-exact-then-related-then-unrelated",
       .topic = "occupation",
       .story = "A mason looks at five openings in Bobigny that ask for the same two skill items: her own trade, "
                "a trade ROME lists as a move from hers, a trade of the same field, one of the same sector, and a "
                "kitchen job.",
       .today = "2026-02-02",
       .people = {Mason("p-mason")},
       .openings = {Job("o-macon", "F1703", kBobigny).Requires(mason_items),
                    Job("o-carreleur", "F1608", kBobigny).Requires(mason_items),
                    Job("o-manoeuvre", "F1704", kBobigny).Requires(mason_items),
                    Job("o-peintre", "F1606", kBobigny).Requires(mason_items),
                    Job("o-commis-cuisine", "G1602", kBobigny).Requires(mason_items)},
       .order = {"o-macon", "o-carreleur", "o-manoeuvre", "o-peintre", "o-commis-cuisine"},
       .checks = {{"o-macon", "occupation", "Métier de l'offre Maçon / Maçonne (F1703) : métier souhaité n°1"},
                  {"o-carreleur", "occupation", "Passerelle ROME de Maçon / Maçonne"},
                  {"o-manoeuvre", "occupation", "Même domaine professionnel"},
                  {"o-peintre", "occupation", "Même grand domaine"},
                  {"o-commis-cuisine", "occupation", "Aucun lien"}},
       .why = "Her own project comes first; a trade ROME names as a usual move (tiling) uses her gestures; the "
              "same field (site labourer) less so; the same broad sector (painting) still less; a kitchen is "
              "another world."},
      {.name = "occupation-first-wish-before-second",
       .topic = "occupation",
       .story = "A person wishes tiling first and masonry second; both openings are in Bobigny and ask for the "
                "same items.",
       .today = "2026-02-02",
       .people = {Mason("p-tiler").Wishes({"F1608", "F1703"})},
       .openings = {Job("o-carreleur", "F1608", kBobigny).Requires(mason_items),
                    Job("o-macon", "F1703", kBobigny).Requires(mason_items)},
       .order = {"o-carreleur", "o-macon"},
       .checks = {{"o-macon", "occupation", "métier souhaité n°2"}},
       .why = "The first wish is the person's project; the second is still close (a wish of rank 2 keeps 95 %)."},
      {.name = "occupation-past-job-counts",
       .topic = "occupation",
       .story = "A person states no wish but worked five years as a mason and one year in industrial cleaning.",
       .today = "2026-02-02",
       .people = {Person("p-former-mason").WorkedAs("F1703", 5).WorkedAs("K2204", 1).French(CefrLevel::kB1)},
       .openings = {Job("o-nettoyage", "K2204", kBobigny), Job("o-macon", "F1703", kBobigny)},
       .order = {"o-macon", "o-nettoyage"},
       .checks = {{"o-macon", "occupation", "5,0 an(s) d'expérience"},
                  {"o-nettoyage", "occupation", "1,0 an(s) d'expérience"}},
       .why = "Five years in a trade weigh more than one; with no wish stated, experience is the project."},
      {.name = "occupation-wish-against-long-experience",
       .topic = "occupation",
       .story = "A person who worked five years as a mason and now wishes to become a tiler; a tiling and a "
                "masonry opening in Bobigny asking for the same items.",
       .today = "2026-02-02",
       .people = {Mason("p-mason-to-tiler").Wishes({"F1608"}).WorkedAs("F1703", 5)},
       .openings = {Job("o-carreleur", "F1608", kBobigny).Requires(mason_items),
                    Job("o-macon", "F1703", kBobigny).Requires(mason_items)},
       .order = {"o-macon", "o-carreleur"},
       .checks = {{"o-carreleur", "occupation", "métier souhaité n°1"},
                  {"o-macon", "occupation", "5,0 an(s) d'expérience"}},
       .why = "Both trades are hers: one by choice, one by five years of work.",
       .disagreement = "five years in a past occupation weigh exactly as much as the first wish (factor 1 each, "
                       "docs/scoring.md, Occupation), so the masonry opening comes first only by its higher "
                       "tension (0.940 against 0.936). A counsellor puts the person's project first (the tiling "
                       "opening), keeping the old trade as the fallback; a past occupation's factor capped below "
                       "the first wish's would give that order."},
      {.name = "skills-required-items-before-desired",
       .topic = "skills",
       .story = "A mason who masters masonry and measuring but cannot yet read plans; one opening requires what "
                "she has and only desires plans, the other requires plans.",
       .today = "2026-02-02",
       .people = {Mason("p-mason")},
       .openings = {Job("o-requires-plans", "F1703", kBobigny).Requires({kMasonry, kPlans}).Desires({kMeasuring}),
                    Job("o-desires-plans", "F1703", kBobigny).Requires({kMasonry, kMeasuring}).Desires({kPlans})},
       .order = {"o-desires-plans", "o-requires-plans"},
       .checks = {{"o-desires-plans", "skills", "2 compétence(s) requise(s) sur 2, 0 souhaitée(s) sur 1"},
                  {"o-requires-plans", "skills", "manquent, cœur du métier : Lecture de plans et de schémas"}},
       .why = "A missing required item is a real gap for the employer; a missing desired one is a plus she lacks."},
      {.name = "skills-core-item-weighs-more",
       .topic = "skills",
       .story = "A person knows measuring (core to masonry) and site safety (peripheral). One opening misses "
                "her on masonry technique (core), the other on costing (peripheral).",
       .today = "2026-02-02",
       .people = {Mason("p-helper").Knows({kMeasuring, kSiteSafety})},
       .openings = {Job("o-misses-core", "F1703", kBobigny).Requires({kMasonry, kSiteSafety}),
                    Job("o-misses-peripheral", "F1703", kBobigny).Requires({kMeasuring, kCosting})},
       .order = {"o-misses-peripheral", "o-misses-core"},
       .checks = {{"o-misses-core", "skills", "manquent, cœur du métier : Techniques de maçonnerie"},
                  {"o-misses-peripheral", "skills", "manquent : Chiffrage et calcul de coût"}},
       .why = "Masonry technique is the heart of the trade; costing is learnt on the job. ROME 4.0 marks which "
              "items are core."},
      {.name = "skills-opening-without-list-uses-core-items",
       .topic = "skills",
       .story = "An employer posts a maçon opening without listing skills; two masons apply, one who knows six "
                "core items of the trade, one who knows one.",
       .today = "2026-02-02",
       .ask = Ask::kPeopleForOpening,
       .people = {Mason("p-beginner").Knows({kMasonry}),
                  Mason("p-experienced").Knows({kMasonry, kMeasuring, kCalculation, kPlans, kPlumb, kSquaring})},
       .openings = {Job("o-macon-no-list", "F1703", kBobigny)},
       .order = {"p-experienced", "p-beginner"},
       .checks = {{"p-beginner", "skills", "L'offre ne liste aucune compétence : 1 sur 24 compétence(s) cœur du "
                                            "métier ; manquent"},
                  {"p-experienced", "skills", "6 sur 24"}},
       .why = "An opening that lists nothing still asks for the trade: the occupation's core items stand in, so "
              "the experienced mason is not tied with the beginner."},
      {.name = "skills-unlisted-opening-below-listed",
       .topic = "skills",
       .story = "A mason who knows three core items; two maçon openings in Bobigny, one requiring masonry and "
                "measuring, the other listing no skill at all.",
       .today = "2026-02-02",
       .people = {Mason("p-mason")},
       .openings = {Job("o-a-unlisted", "F1703", kBobigny), Job("o-b-listed", "F1703", kBobigny).Requires(mason_items)},
       .order = {"o-b-listed", "o-a-unlisted"},
       .checks = {{"o-b-listed", "skills", "2 compétence(s) requise(s) sur 2"},
                  {"o-a-unlisted", "skills", "3 sur 24 compétence(s) cœur du métier"}},
       .why = "The listed opening asks for what she has; the other gives no evidence, so it is judged on the "
              "whole trade's core items rather than handed a perfect score."},
      {.name = "french-attested-before-declared",
       .topic = "french",
       .story = "Two masons with B1 French for an opening that requires B1: one has a DELF attestation, the "
                "other only declares it.",
       .today = "2026-02-02",
       .ask = Ask::kPeopleForOpening,
       .people = {Mason("p-declared").French(CefrLevel::kB1, /*attested=*/false), Mason("p-attested")},
       .openings = {MasonJob("o-macon-b1", kBobigny).FrenchRequired(CefrLevel::kB1)},
       .order = {"p-attested", "p-declared"},
       .checks = {{"p-declared", "french", "Niveau de français B1 requis, B1 atteint (déclaré, à faire attester)"},
                  {"p-attested", "french", "B1 requis, B1 atteint"}},
       .why = "Both can do the job; the declared level still has to be attested, a step the counsellor plans."},
      {.name = "french-gap-closed-by-the-route",
       .topic = "french",
       .story = "A mason with A2 French looks at three openings in Bobigny: one with no French requirement, one "
                "requiring B1 with 400 h of French in its route (POEC), one requiring B1 with no training.",
       .today = "2026-02-02",
       .people = {Mason("p-mason-a2").French(CefrLevel::kA2)},
       .openings = {MasonJob("o-no-french", kBobigny),
                    MasonJob("o-b1-with-poec", kBobigny).FrenchRequired(CefrLevel::kB1).FrenchTrainingHours(400),
                    MasonJob("o-b1-no-training", kBobigny).FrenchRequired(CefrLevel::kB1)},
       .order = {"o-no-french", "o-b1-with-poec"},
       .near_misses = {"o-b1-no-training"},
       .checks = {{"o-no-french", "french", "Pas d'exigence de français"},
                  {"o-b1-with-poec", "french", "environ 200 h de formation, couvertes par les 400 h prévues"},
                  {"o-b1-with-poec", "blockers", ""},
                  {"o-b1-no-training", "blockers", "FRENCH_GAP"},
                  {"o-b1-no-training", "unlock FRENCH_GAP", "+1 niveau(x) de français : environ 200 h"}},
       .why = "A gap the route closes is no reason to exclude her; a gap nobody pays for is a near-miss, shown "
              "with the hours that would lift it."},
      {.name = "french-desired-level-lowers-not-excludes",
       .topic = "french",
       .story = "A person with A1 French; two cleaning openings desire (do not require) French, one A2, one B1.",
       .today = "2026-02-02",
       .people = {Person("p-cleaner").Wishes({"K2204"}).French(CefrLevel::kA1)},
       .openings = {Job("o-desires-b1", "K2204", kPantin).FrenchDesired(CefrLevel::kB1),
                    Job("o-desires-a2", "K2204", kPantin).FrenchDesired(CefrLevel::kA2)},
       .order = {"o-desires-a2", "o-desires-b1"},
       .checks = {{"o-desires-b1", "french", "B1 souhaité, A1 atteint"},
                  {"o-desires-b1", "blockers", ""},
                  {"o-desires-a2", "ready", "2026-04-13"},
                  {"o-desires-a2", "timing", "Prête vers le 13 avril 2026 : environ 200 h de français ; disponible "
                                             "42 jour(s) après le début du poste"}},
       .why = "A desired level is a preference: the smaller the gap, the better, but nobody is excluded.",
       .disagreement = "a desired (not required) French level the person lacks postpones her ready day by the "
                       "hours to reach it (here 200 h, to 13 April instead of 2 March), as a required level does "
                       "(docs/scoring.md, Readiness). A counsellor expects her to start when the job starts and "
                       "learn alongside, since the employer only prefers A2: the French criterion already lowers "
                       "the score (0.65), and the wait counts the same gap a second time (timing 0.59 instead of "
                       "1). The order is the same either way."},
      {.name = "experience-years-in-the-trade-before-a-paper",
       .topic = "experience",
       .story = "A kitchen opening in Bobigny asks two years of experience (required) and a CAP (level 3, "
                "desired); one cook worked four years in kitchens abroad and has the level without a diploma "
                "recognised in France, the other holds a recognised CAP and has never worked in a kitchen.",
       .today = "2026-02-02",
       .ask = Ask::kPeopleForOpening,
       .people = {Person("p-cap-no-experience").Wishes({"G1602"}).French(CefrLevel::kB1).Qualification(3, true),
                  Person("p-four-years-abroad").Wishes({"G1602"}).French(CefrLevel::kB1).WorkedAs("G1602", 4)
                      .Qualification(3, false)},
       .openings = {Job("o-commis", "G1602", kBobigny, "Commis de cuisine (H/F)")
                        .AsksExperience(Requirement::kRequired, 24)
                        .AsksQualification(Requirement::kDesired, 3)},
       .order = {"p-four-years-abroad", "p-cap-no-experience"},
       .checks = {{"p-four-years-abroad", "experience", "sans diplôme reconnu en France"},
                  {"p-cap-no-experience", "experience", "manquent 24 mois"}},
       .why = "Kitchens in shortage hire on gestures: four years of service outweigh a paper without them, and "
              "the counsellor's next step for the first cook is the diploma's recognition, for the second an "
              "immersion."},
      {.name = "experience-required-never-empties-the-list",
       .topic = "experience",
       .story = "A maçon opening asks five years of experience and a level-6 qualification, both required; the "
                "only mason in the pool has neither.",
       .today = "2026-02-02",
       .ask = Ask::kPeopleForOpening,
       .people = {Mason("p-mason")},
       .openings = {MasonJob("o-chef-equipe", kBobigny)
                        .AsksExperience(Requirement::kRequired, 60)
                        .AsksQualification(Requirement::kRequired, 6)},
       .order = {"p-mason"},
       .checks = {{"p-mason", "experience", "manquent 60 mois"}},
       .why = "Experience abroad is under-declared and foreign diplomas are rarely recognised: a required "
              "experience lowers the score and says what is short, it never hides the person."},
      {.name = "experience-desired-dari-lifts-the-speaker",
       .topic = "experience",
       .story = "A builder in Bobigny posts a maçon opening and would like someone who speaks Dari (A2), for a "
                "site team recently arrived from Afghanistan. Two masons alike apply; one speaks Dari at B1.",
       .today = "2026-02-02",
       .ask = Ask::kPeopleForOpening,
       .people = {Mason("p-a-other"), Mason("p-b-dari").Speaks("prs", CefrLevel::kB1)},
       .openings = {Job("o-macon-dari", "F1703", kBobigny).LanguageDesired("prs", CefrLevel::kA2)},
       .order = {"p-b-dari", "p-a-other"},
       .checks = {{"p-b-dari", "experience", "parle dari (B1), demandé"},
                  {"p-a-other", "experience", "dari A2 souhaité : non parlé"},
                  {"p-a-other", "blockers", ""}},
       .why = "A language the employer names is a real reason to put the speaker forward; a desired one lifts "
              "her (a fifth of the experience criterion) without excluding the other mason."},
  };
}

}  // namespace passerelle::engine::quality
