// Filter "salary floor": a candidate's min_monthly_salary_eur against an opening's
// salary_monthly_max_eur, when both are stated (> 0). An opening whose stated maximum is below the floor
// is the hard constraint kSalaryBelowFloor (not relaxable: the floor is the person's to set), in both
// directions, so a MatchOpenings query never returns it and a MatchCandidates query never ranks that
// candidate for it. A filter only: no weight, nothing added to a score. Computed in
// engine/scoring/pair_kernel.h and row_selection's keep passes (docs/scoring.md).
#ifndef PASSERELLE_ENGINE_SCORING_CRITERIA_SALARY_H_
#define PASSERELLE_ENGINE_SCORING_CRITERIA_SALARY_H_

namespace passerelle::engine::scoring {

// True when the opening's stated maximum is below the candidate's stated floor.
inline bool SalaryBelowFloor(float candidate_min_eur, float opening_max_eur) {
  return (candidate_min_eur > 0.0f) & (opening_max_eur > 0.0f) & (opening_max_eur < candidate_min_eur);
}

}  // namespace passerelle::engine::scoring

#endif  // PASSERELLE_ENGINE_SCORING_CRITERIA_SALARY_H_
