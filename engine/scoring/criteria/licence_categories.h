// Constraint "licence categories": an opening's required categories (France Travail permis[] with
// exigence E) against the categories the candidate holds valid in France (HeldLicences: the legacy
// driving_licence flag alone reads as B). A required category not held is the relaxable hard constraint
// kLicenceCategoryMissing: a near-miss whose unlock is the exchange under way (category pending) or
// training (kLicenceTrainingWeeks). Computed in engine/scoring/pair_kernel.h (ScorePairs) and
// row_selection's keep passes; reason sentences in engine/scoring/explanation.cc. Never scored: the
// weights are untouched (docs/scoring.md).
#ifndef PASSERELLE_ENGINE_SCORING_CRITERIA_LICENCE_CATEGORIES_H_
#define PASSERELLE_ENGINE_SCORING_CRITERIA_LICENCE_CATEGORIES_H_

#include <array>
#include <cstdint>

#include "engine/model/types.h"

namespace passerelle::engine::scoring {

// Rough weeks of full-time training to obtain each category, by LicenceCategory value, as the unlock
// states them. Estimates from the usual programmes of French driving schools and transport training
// centres (not a regulation; a counsellor adjusts them per territory): AM 1 (the 7 h BSR course), A1/A2/A
// 2 (20 h minimum of lessons each), B 8 (20 h minimum of lessons plus the code, spread over evenings),
// BE 1 (7 h course), C1/C 4 (the 140 h heavy-goods programmes, FIMO excluded), C1E/CE 3 (on top of C),
// D1/D 5 (the 175 h coach programmes), D1E/DE 2 (on top of D).
inline constexpr std::array<int, kLicenceCategoryCount> kLicenceTrainingWeeks = {1, 2, 2, 2, 8, 1, 4,
                                                                                 3, 4, 3, 5, 2, 5, 2};
// Weeks an exchange of a foreign licence for a French one usually takes at the ANTS once filed
// (several months is the common experience; the unlock says "about").
inline constexpr int kLicenceExchangeWeeks = 12;

// Names as France Travail writes them, by LicenceCategory value.
inline constexpr std::array<const char*, kLicenceCategoryCount> kLicenceCategoryNames = {
    "AM", "A1", "A2", "A", "B", "BE", "C1", "C1E", "C", "CE", "D1", "D1E", "D", "DE"};

// 1 when some required category is not held, else 0. Branch-free so that the kernel's loop vectorises.
inline float LicencesMissing(uint32_t held, uint32_t required) {
  return static_cast<float>(static_cast<int32_t>((required & ~held) != 0));  // through int32: vectorises
}

}  // namespace passerelle::engine::scoring

#endif  // PASSERELLE_ENGINE_SCORING_CRITERIA_LICENCE_CATEGORIES_H_
