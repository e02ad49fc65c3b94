// The HOPE route an opening offers a person who lacks its French level (docs/scoring.md, "Readiness"):
// French before the route (OFII courses or those the person has planned), then the opening's POEC
// French, then job training, each at its documented weekly hours. The kernel dates the person's
// readiness from these steps (engine/scoring/pair_kernel.h); the opening's two steps are encoded into
// its feature columns once (engine/columns/features.h), the explanation names them.
#ifndef PASSERELLE_ENGINE_MODEL_ROUTE_H_
#define PASSERELLE_ENGINE_MODEL_ROUTE_H_

#include <cmath>

#include "engine/model/types.h"

namespace passerelle::engine {

// Weekly hours of each step. OFII French runs as intensive courses of about 4 h a day; a POEC and job
// training are full-time (35 h). Estimates from the programmes (domain.md), not regulation.
inline constexpr float kOfiiFrenchWeeklyHours = 20;
inline constexpr float kPoecWeeklyHours = 35;
inline constexpr float kJobTrainingWeeklyHours = 35;
// HOPE's job training: "450 heures d'apprentissage métier et de soutien en français".
inline constexpr float kJobTrainingHours = 450;

// Whole calendar days a step of `hours` takes at `weekly_hours` a week: ceil(hours * 7 / weekly).
inline float RouteStepDays(float hours, float weekly_hours) {
  return std::ceil(hours * 7.0f / weekly_hours);
}

// A work-study contract carries its job training inside the job; a POEC opening is itself the POEC.
inline bool IsWorkStudy(ContractType t) {
  return t == ContractType::kCdpi || t == ContractType::kProfessionnalisation ||
         t == ContractType::kApprentissage;
}
// Hours of POEC French before the job: the opening's French training hours, unless the opening is the
// POEC itself (then they follow its start date).
inline float PoecHoursBeforeStart(const Opening& o) {
  return o.contract == ContractType::kPoec ? 0.0f : o.french_training_hours;
}
// Hours of job training before the job: kJobTrainingHours when the opening provides training and is
// neither a work-study contract nor a POEC.
inline float JobTrainingHoursBeforeStart(const Opening& o) {
  return o.training_provided && !IsWorkStudy(o.contract) && o.contract != ContractType::kPoec ? kJobTrainingHours
                                                                                              : 0.0f;
}

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_MODEL_ROUTE_H_
