// Criterion "timing": how long the opening would wait for the person, and how much of its schedule the
// person can cover. s = 0.5^(wait_days / 56) * (0.5 + 0.5 * coverage) (ScorePairs in
// engine/scoring/pair_kernel.h; ScheduleCoverage there too). No coverage at all is a hard constraint
// (kScheduleConflict). Reason sentences in engine/scoring/explanation.cc.
// wait_days = max(0, ready_day - start_date), 0 when the opening states no start date (day 0: as soon as
// possible). ready_day = max(available_from, route_start + route_days), route_start = the query's day
// (available_from when unknown); route_days = 0 unless the opening states a French level the person lacks,
// then ceil(7 h / weekly) per step: French before the route (hours to the level beyond the opening's
// French training hours, kOfiiFrenchWeeklyHours), the POEC and job training (engine/model/route.h).
#ifndef PASSERELLE_ENGINE_SCORING_CRITERIA_TIMING_H_
#define PASSERELLE_ENGINE_SCORING_CRITERIA_TIMING_H_

#include "engine/model/route.h"

namespace passerelle::engine::scoring {

// The timing score halves for every 8 weeks the opening would wait for the person to be available.
inline constexpr float kTimingHalfLifeDays = 56;
// Share of the timing score that depends on how much of the opening's schedule the person can cover.
inline constexpr float kScheduleShare = 0.5f;

}  // namespace passerelle::engine::scoring

#endif  // PASSERELLE_ENGINE_SCORING_CRITERIA_TIMING_H_
