// Criterion "French": the gap between the opening's minimum CEFR level and the candidate's, the hours of
// tuition to close it, and whether the route's training plus the hours already planned cover them.
//   no requirement: 1; level met: 1 if attested, 0.9 if declared only; gap closable by the hours: 0.7;
//   gap not closable: required -> 0.7 and hard constraint kFrenchGap (relaxable), desired -> 1 - 0.35 * gap.
// Vectorised in engine/scoring/pair_kernel.h (ScorePairs); reason sentences in
// engine/scoring/explanation.cc (FrenchReason).
#ifndef PASSERELLE_ENGINE_SCORING_CRITERIA_FRENCH_H_
#define PASSERELLE_ENGINE_SCORING_CRITERIA_FRENCH_H_

#include <array>

#include "engine/model/types.h"

namespace passerelle::engine::scoring {

// Hours of tuition to go from level i to level i + 1 (pre-A1->A1, A1->A2, ...). OFII courses give
// 200-600 h to reach A1 and HOPE adds 400 h of POEC French: 200 h a step up to B1 matches those
// programmes; the higher levels take longer.
inline constexpr std::array<float, kCefrLevelCount - 1> kHoursPerCefrStep = {200, 200, 200, 250, 300, 300};
inline constexpr float kFrenchGapClosable = 0.7f;     // gap closed by the route's training hours
inline constexpr float kFrenchDesiredGapPenalty = 0.35f;  // per missing level when only desired
inline constexpr float kFrenchDeclaredOnly = 0.9f;    // level met but declared, not attested

// Cumulative hours of French from pre-A1 to each CEFR level (0, 200, 400, ...).
inline constexpr std::array<float, kCefrLevelCount> kCumulativeFrenchHours = [] {
  std::array<float, kCefrLevelCount> hours{};
  for (int i = 1; i < kCefrLevelCount; ++i) hours[i] = hours[i - 1] + kHoursPerCefrStep[i - 1];
  return hours;
}();
inline float CumulativeFrenchHours(float level) {
  const int index = static_cast<int>(level + 0.5f);
  return kCumulativeFrenchHours[index < 0 ? 0 : (index >= kCefrLevelCount ? kCefrLevelCount - 1 : index)];
}

// Cumulative hours from pre-A1 to an integral level l, piecewise linear so that it vectorises:
// 200 per step up to B1 (3), 250 for B1->B2, 300 per step beyond (kHoursPerCefrStep).
template <class Array>
auto CumulativeHours(const Array& level) {
  return kHoursPerCefrStep[0] * level.min(3.0f) + kHoursPerCefrStep[3] * (level - 3.0f).max(0.0f).min(1.0f) +
         kHoursPerCefrStep[4] * (level - 4.0f).max(0.0f);
}
static_assert(kHoursPerCefrStep[0] == kHoursPerCefrStep[1] && kHoursPerCefrStep[1] == kHoursPerCefrStep[2] &&
                  kHoursPerCefrStep[4] == kHoursPerCefrStep[5],
              "CumulativeHours assumes equal steps up to B1 and beyond B2");

}  // namespace passerelle::engine::scoring

#endif  // PASSERELLE_ENGINE_SCORING_CRITERIA_FRENCH_H_
