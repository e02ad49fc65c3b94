// Every constant of scoring model v1, in one place so that docs/scoring.md can quote them and a change
// shows up in one diff. Each says why it has its value.
#ifndef PASSERELLE_ENGINE_SCORING_CONSTANTS_H_
#define PASSERELLE_ENGINE_SCORING_CONSTANTS_H_

#include <array>

#include "engine/model/types.h"

namespace passerelle::engine::scoring {

// --- Occupation: how close the candidate's occupation is to the opening's ROME code. ---
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

// --- Skills: weighted coverage of the opening's items. ---
inline constexpr float kRequiredSkillWeight = 1.0f;
inline constexpr float kDesiredSkillWeight = 0.5f;

// --- French. ---
// Hours of tuition to go from level i to level i + 1 (pre-A1->A1, A1->A2, ...). OFII courses give
// 200-600 h to reach A1 and HOPE adds 400 h of POEC French: 200 h a step up to B1 matches those
// programmes; the higher levels take longer.
inline constexpr std::array<float, kCefrLevelCount - 1> kHoursPerCefrStep = {200, 200, 200, 250, 300, 300};
inline constexpr float kFrenchGapClosable = 0.7f;     // gap closed by the route's training hours
inline constexpr float kFrenchDesiredGapPenalty = 0.35f;  // per missing level when only desired
inline constexpr float kFrenchDeclaredOnly = 0.9f;    // level met but declared, not attested

// --- Mobility. ---
// Default one-way commute limit per transport mode, in km, when the person states none.
inline constexpr float kRadiusWalkingKm = 3;
inline constexpr float kRadiusBicycleKm = 10;
inline constexpr float kRadiusPublicTransportKm = 30;
inline constexpr float kRadiusCarKm = 50;
inline constexpr float kEarthRadiusKm = 6371.0088f;  // mean Earth radius (IUGG)
inline constexpr float kRelocationMobilityScore = 0.4f;  // farther than the radius, moving with housing
inline constexpr float kDesiredLicenceMissingFactor = 0.8f;  // licence desired (S) but not held

// --- Housing. ---
inline constexpr float kHousingBarrierScore = 0.3f;  // housing needed and the opening provides none

// --- Tension. ---
// An opening flagged hard to fill scores at least this on tension, whatever the region's index.
inline constexpr float kHardToFillTensionFloor = 0.8f;

// --- Timing. ---
// The timing score halves for every 8 weeks the opening would wait for the person to be available.
inline constexpr float kTimingHalfLifeDays = 56;
// Share of the timing score that depends on how much of the opening's schedule the person can cover.
inline constexpr float kScheduleShare = 0.5f;

}  // namespace passerelle::engine::scoring

#endif  // PASSERELLE_ENGINE_SCORING_CONSTANTS_H_
