// Criterion "tension": how hard the occupation is to staff in the opening's région, from the reference
// data's index in [0, 1] (ReferenceData::Tension), raised to at least 0.8 for an opening flagged hard to
// fill. Applied when an opening is resolved (OpeningTension); the kernel copies it. Reason sentences in
// engine/scoring/explanation.cc (TensionReason), worded with the thresholds below.
#ifndef PASSERELLE_ENGINE_SCORING_CRITERIA_TENSION_H_
#define PASSERELLE_ENGINE_SCORING_CRITERIA_TENSION_H_

#include <algorithm>

namespace passerelle::engine::scoring {

// An opening flagged hard to fill scores at least this on tension, whatever the region's index.
inline constexpr float kHardToFillTensionFloor = 0.8f;
// The reason calls tension "high" from this index, "medium" from the next, "low" below.
inline constexpr float kTensionHighFrom = 0.6f;
inline constexpr float kTensionMediumFrom = 0.35f;

// The tension score of an opening: the région's index for its occupation, with the hard-to-fill floor.
inline float OpeningTension(float region_index_value, bool hard_to_fill) {
  return hard_to_fill ? std::max(region_index_value, kHardToFillTensionFloor) : region_index_value;
}

}  // namespace passerelle::engine::scoring

#endif  // PASSERELLE_ENGINE_SCORING_CRITERIA_TENSION_H_
