// Criterion "occupation": how close the candidate's occupations are to the opening's ROME code.
// s = max over the candidate's occupations of factor(occupation) * relation(candidate code -> opening code),
// walked per segment in engine/scoring/criteria_walks.cc; relations in engine/scoring/occupation_relations.h;
// reason sentences in engine/scoring/explanation.cc (OccupationSentence).
#ifndef PASSERELLE_ENGINE_SCORING_CRITERIA_OCCUPATION_H_
#define PASSERELLE_ENGINE_SCORING_CRITERIA_OCCUPATION_H_

#include <algorithm>
#include <cstddef>

namespace passerelle::engine::scoring {

inline constexpr float kOccupationExact = 1.0f;
inline constexpr float kOccupationMobility = 0.7f;       // ROME lists the move (rubrique mobilité)
inline constexpr float kOccupationSameDomaine = 0.5f;    // same domaine professionnel (F17)
inline constexpr float kOccupationSameGrandDomaine = 0.2f;  // same grand domaine (F)
// A wished occupation ranked r (1 = first) counts 1 - 0.05 * (r - 1), never below 0.85: the person's
// own choice matters more than our guess, but the order among their wishes matters less.
inline constexpr float kWishRankStep = 0.05f;
inline constexpr float kWishRankFloor = 0.85f;
// A past occupation counts 0.8 + 0.04 * min(years, 5): experience is evidence (VAE), even undocumented,
// and five years is treated as fully established.
inline constexpr float kPastBase = 0.8f;
inline constexpr float kPastPerYear = 0.04f;
inline constexpr float kPastYearsCap = 5.0f;

// Factor of the wished occupation at 0-based position `index` of the candidate's list.
inline float WishedOccupationFactor(size_t index) {
  return std::max(kWishRankFloor, 1.0f - kWishRankStep * static_cast<float>(index));
}
// Factor of a past occupation held for `years`.
inline float PastOccupationFactor(float years) { return kPastBase + kPastPerYear * std::min(years, kPastYearsCap); }

}  // namespace passerelle::engine::scoring

#endif  // PASSERELLE_ENGINE_SCORING_CRITERIA_OCCUPATION_H_
