// The counsellor-judgement cases, by family. To add a case, append one entry to the family's table
// (cases_*.cc), then regenerate docs/quality.md (PASSERELLE_UPDATE_QUALITY_DOC=1, docs/quality.md).
#ifndef PASSERELLE_TESTS_QUALITY_CASES_H_
#define PASSERELLE_TESTS_QUALITY_CASES_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "tests/quality/case_format.h"

namespace passerelle::engine::quality {

// ROME 4.0 skill items of Maçon / Maçonne (F1703): core items of the occupation, then peripheral ones.
inline constexpr int64_t kMasonry = 100596;      // Techniques de maçonnerie (core)
inline constexpr int64_t kMeasuring = 100854;    // Techniques de mesure et traçage (core)
inline constexpr int64_t kCalculation = 102181;  // Calcul dimensionnel (core)
inline constexpr int64_t kPlans = 103070;        // Lecture de plans et de schémas (core)
inline constexpr int64_t kPlumb = 103315;        // Prise d'aplomb et de niveau (core)
inline constexpr int64_t kSquaring = 103395;     // Techniques d'équerrage (core)
inline constexpr int64_t kCosting = 100038;      // Chiffrage et calcul de coût (peripheral)
inline constexpr int64_t kSiteSafety = 100240;   // Sécuriser un équipement, un périmètre (peripheral)

// A mason's file, the base of many cases: wishes Maçon / Maçonne, knows three of its core items, French B1
// attested, lives in Saint-Denis with stable housing, public transport, available 2026-03-02.
inline Person Mason(std::string id) {
  return Person(std::move(id)).Wishes({"F1703"}).Knows({kMasonry, kMeasuring, kCalculation}).French(CefrLevel::kB1);
}
// A maçon CDI opening that asks what the mason has: requires masonry and measuring, desires reading plans.
inline Job MasonJob(std::string id, std::string insee) {
  return Job(std::move(id), "F1703", std::move(insee), "Maçon (H/F)").Requires({kMasonry, kMeasuring}).Desires({kPlans});
}

std::vector<Case> CriteriaCases();      // occupation, skills, French (cases_criteria.cc)
std::vector<Case> PlaceAndTimeCases();  // mobility, housing, tension, timing (cases_place_time.cc)
std::vector<Case> BlockerCases();   // each blocker code (cases_blockers.cc)
std::vector<Case> PathwayCases();   // the HOPE route, dated readiness and near-miss unlocks (cases_pathway.cc)

// Every case, in the order docs/quality.md lists them.
std::vector<Case> AllCases();

}  // namespace passerelle::engine::quality

#endif  // PASSERELLE_TESTS_QUALITY_CASES_H_
