// Constraint "night and weekend work": an opening with night_work needs a candidate available in at least
// one night slot, with weekend_work in at least one Saturday or Sunday slot (kNightSlots, kWeekendSlots
// in engine/model/offer_fields.h); a candidate stating no availability (0) fits any. Failing it is the
// hard constraint kNightOrWeekendUnavailable (not relaxable: the person's availability is theirs to
// state). Computed in engine/scoring/pair_kernel.h and row_selection's keep passes; never scored.
#ifndef PASSERELLE_ENGINE_SCORING_CRITERIA_WORKING_TIME_H_
#define PASSERELLE_ENGINE_SCORING_CRITERIA_WORKING_TIME_H_

#include <cstdint>

namespace passerelle::engine::scoring {

// 1 when the availability fits the night and weekend slots the opening needs one of (0 = none needed).
// Branch-free so that the kernel's loop vectorises.
inline bool WorkingTimeFits(uint32_t availability, uint32_t night_slots, uint32_t weekend_slots) {
  return (availability == 0) |
         (((night_slots == 0) | ((availability & night_slots) != 0)) &
          ((weekend_slots == 0) | ((availability & weekend_slots) != 0)));
}

}  // namespace passerelle::engine::scoring

#endif  // PASSERELLE_ENGINE_SCORING_CRITERIA_WORKING_TIME_H_
