// Filter "expiry": an opening whose expires_on (its last open day) is before the query's day
// (MatchQuery::today, from the server's clock) is the hard constraint kExpired, not relaxable (nothing a
// counsellor does reopens an offer), in both directions, near-misses included. today = 0 (unknown) or
// expires_on = 0 (no expiry) never expires. A filter only: no weight, nothing added to a score. Computed
// in engine/scoring/pair_kernel.h (ScorePairs, from KernelParams::today); the retention sweeper erases
// the record the day after (docs/security.md), so this only covers the hours in between and stores whose
// sweeper has not run (docs/scoring.md).
#ifndef PASSERELLE_ENGINE_SCORING_CRITERIA_EXPIRY_H_
#define PASSERELLE_ENGINE_SCORING_CRITERIA_EXPIRY_H_

#include "engine/model/types.h"

namespace passerelle::engine::scoring {

// True when the opening is past its last open day on `today`.
inline bool OpeningExpired(Day today, Day expires_on) {
  return (today != 0) & (expires_on != 0) & (expires_on < today);
}

}  // namespace passerelle::engine::scoring

#endif  // PASSERELLE_ENGINE_SCORING_CRITERIA_EXPIRY_H_
