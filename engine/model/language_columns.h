// Languages other than French as fixed-width columns for the kernel. The lists (Candidate::languages,
// Opening::languages) have variable length; the kernel reads three 32-bit words per side instead:
// word k holds, for each of the kScoredLanguages (bit i = language i), the CEFR level 2k+1 in bits 0..15
// and the level 2k+2 in bits 16..31 (A1/A2, B1/B2, C1/C2).
//   candidate: bit set when the person speaks the language at that level or above;
//   opening:   bit set at the level a required language (exigence E) asks (not stated = A1), once.
//   opening, desired: the same for each desired language (exigence S), in their own three words.
// A required language is met when every opening bit is also a candidate bit (LanguagesMissing).
// Limit: 16 languages, the ones France Travail offers ask most and the ones the people the programmes
// place speak most. A language outside them is stored and returned but never checked: a required one
// does not block (the kernel cannot see it), and the explanation says it was not checked.
#ifndef PASSERELLE_ENGINE_MODEL_LANGUAGE_COLUMNS_H_
#define PASSERELLE_ENGINE_MODEL_LANGUAGE_COLUMNS_H_

#include <array>
#include <cstdint>
#include <string_view>

#include "engine/model/types.h"

namespace passerelle::engine {

inline constexpr int kScoredLanguageCount = 16;
// ISO 639 codes as the model writes them (types.h), bit i = entry i. English and the languages of the
// main asylum and temporary-protection origins, then the European languages offers ask for.
inline constexpr std::array<std::string_view, kScoredLanguageCount> kScoredLanguages = {
    "en", "ar", "prs", "ps", "ti", "uk", "ru", "fa", "tr", "ku", "so", "es", "de", "it", "pt", "zh"};
inline constexpr int kLanguageWords = 3;

// Bit index of a language code in kScoredLanguages, or -1 when it is not one of them.
inline int ScoredLanguageIndex(std::string_view code) {
  for (int i = 0; i < kScoredLanguageCount; ++i) {
    if (kScoredLanguages[i] == code) return i;
  }
  return -1;
}

// The bit of (language i, CEFR level 1..6) in word (level - 1) / 2.
inline constexpr uint32_t LanguageLevelBit(int language, int level) {
  return 1u << (language + ((level - 1) % 2) * kScoredLanguageCount);
}

// Word `word` of the levels the candidate speaks (each level up to theirs).
inline uint32_t SpokenLanguageWord(const Candidate& c, int word) {
  uint32_t bits = 0;
  for (const LanguageSkill& l : c.languages) {
    const int i = ScoredLanguageIndex(l.code);
    for (int level = 1; i >= 0 && level <= static_cast<int>(l.level); ++level) {
      if ((level - 1) / 2 == word) bits |= LanguageLevelBit(i, level);
    }
  }
  return bits;
}

// The level a required language asks, as a number 1..6 (not stated = A1).
inline int RequiredLanguageLevel(const LanguageRequirement& l) {
  return l.min_level == CefrLevel::kPreA1 ? 1 : static_cast<int>(l.min_level);
}

// Word `word` of the opening's languages with exigence `requirement`, each at the level it asks.
inline uint32_t OpeningLanguageWord(const Opening& o, int word, Requirement requirement) {
  uint32_t bits = 0;
  for (const LanguageRequirement& l : o.languages) {
    const int i = ScoredLanguageIndex(l.code);
    const int level = RequiredLanguageLevel(l);
    if (i >= 0 && l.requirement == requirement && (level - 1) / 2 == word) bits |= LanguageLevelBit(i, level);
  }
  return bits;
}

// Word `word` of the opening's required languages (exigence E) at the level each asks.
inline uint32_t RequiredLanguageWord(const Opening& o, int word) {
  return OpeningLanguageWord(o, word, Requirement::kRequired);
}

// Word `word` of the opening's desired languages (exigence S): the desired assets of the experience
// criterion (engine/scoring/criteria/desired_assets.h).
inline uint32_t DesiredLanguageWord(const Opening& o, int word) {
  return OpeningLanguageWord(o, word, Requirement::kDesired);
}

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_MODEL_LANGUAGE_COLUMNS_H_
