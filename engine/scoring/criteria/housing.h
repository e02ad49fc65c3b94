// Criterion "housing": housing is needed when the person has no stable base (emergency shelter, none) or
// must move; it is a barrier unless the opening provides it. s = 0.3 when needed and not provided, else 1
// (computed in engine/scoring/pair_kernel.h, ScorePairs). Reason sentences in engine/scoring/explanation.cc.
#ifndef PASSERELLE_ENGINE_SCORING_CRITERIA_HOUSING_H_
#define PASSERELLE_ENGINE_SCORING_CRITERIA_HOUSING_H_

namespace passerelle::engine::scoring {

inline constexpr float kHousingBarrierScore = 0.3f;  // housing needed and the opening provides none

}  // namespace passerelle::engine::scoring

#endif  // PASSERELLE_ENGINE_SCORING_CRITERIA_HOUSING_H_
