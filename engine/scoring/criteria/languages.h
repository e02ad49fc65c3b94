// Constraint "required languages": a language other than French an opening requires (France Travail
// langues[] with exigence E), at the level it asks (A1 when none is stated), against the CEFR level the
// candidate speaks it at (engine/model/language_columns.h: the 16 languages of kScoredLanguages as three
// 32-bit words per side). A required language not spoken at that level is the hard constraint
// kLanguageMissing, not relaxable: a working language is needed on the first day and a CEFR level takes
// months of study, unlike the French routes (POEC) a programme funds before hiring; a counsellor looks
// for other openings rather than closing the gap. Desired languages (exigence S) are desired assets of
// the experience criterion (engine/scoring/criteria/desired_assets.h).
// Computed in engine/scoring/pair_kernel.h and row_selection's keep passes; reason sentences in
// engine/scoring/explanation.cc (docs/scoring.md).
#ifndef PASSERELLE_ENGINE_SCORING_CRITERIA_LANGUAGES_H_
#define PASSERELLE_ENGINE_SCORING_CRITERIA_LANGUAGES_H_

#include <cstdint>

namespace passerelle::engine::scoring {

// True when some required (language, level) bit of the three words is not spoken. Branch-free so that
// the kernel's loop vectorises.
inline bool LanguagesMissing(uint32_t spoken0, uint32_t spoken1, uint32_t spoken2, uint32_t required0,
                             uint32_t required1, uint32_t required2) {
  return ((required0 & ~spoken0) | (required1 & ~spoken1) | (required2 & ~spoken2)) != 0;
}

}  // namespace passerelle::engine::scoring

#endif  // PASSERELLE_ENGINE_SCORING_CRITERIA_LANGUAGES_H_
