// Criterion "timing": how long the opening would wait for the person, and how much of its schedule the
// person can cover. s = 0.5^(wait_days / 56) * (0.5 + 0.5 * coverage) (ScorePairs in
// engine/scoring/pair_kernel.h; ScheduleCoverage there too). No coverage at all is a hard constraint
// (kScheduleConflict). Reason sentences in engine/scoring/explanation.cc.
#ifndef PASSERELLE_ENGINE_SCORING_CRITERIA_TIMING_H_
#define PASSERELLE_ENGINE_SCORING_CRITERIA_TIMING_H_

namespace passerelle::engine::scoring {

// The timing score halves for every 8 weeks the opening would wait for the person to be available.
inline constexpr float kTimingHalfLifeDays = 56;
// Share of the timing score that depends on how much of the opening's schedule the person can cover.
inline constexpr float kScheduleShare = 0.5f;

}  // namespace passerelle::engine::scoring

#endif  // PASSERELLE_ENGINE_SCORING_CRITERIA_TIMING_H_
