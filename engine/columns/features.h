// The feature columns of each record, listed once. Everything that holds one value per feature (the row
// structs, a segment's columns and their setters, the gathered blocks of row selection, the kernel's
// column and broadcast views) is generated from these lists, so a new feature is one line here plus its
// scoring (engine/scoring/criteria/).
//
// X(name, type, neutral, encoding): `type` is float or uint32_t (a bit mask); `neutral` is the value of
// an empty row (it must keep the kernel's arithmetic finite: radius_km is 1, not 0); `encoding` computes
// the value from a resolved record `c` whose caller-written record is `r`. Flags are 0/1 floats so that
// the kernel is pure float arithmetic.
#ifndef PASSERELLE_ENGINE_COLUMNS_FEATURES_H_
#define PASSERELLE_ENGINE_COLUMNS_FEATURES_H_

#include <cstdint>

#include <Eigen/Core>

namespace passerelle::engine {

// Candidate features the kernel reads (gathered and broadcast with the rows it scores).
#define PASSERELLE_CANDIDATE_FEATURES(X)                                                                 \
  X(x, float, 0, c.position.x)                                                                           \
  X(y, float, 0, c.position.y)                                                                           \
  X(z, float, 0, c.position.z)                                                                           \
  X(radius_km, float, 1, c.radius_km)                                                                    \
  X(french_level, float, 0, static_cast<float>(r.french_level))                                          \
  X(french_attested, float, 0, r.french_attested ? 1.0f : 0.0f)                                          \
  X(french_hours_planned, float, 0, r.french_hours_planned)                                              \
  /* 1 for emergency shelter or no housing */                                                            \
  X(needs_housing_locally, float, 0,                                                                     \
    (r.housing == HousingStatus::kEmergency || r.housing == HousingStatus::kNone) ? 1.0f : 0.0f)         \
  X(relocation_accepted, float, 0, r.relocation_accepted ? 1.0f : 0.0f)                                  \
  X(driving_licence, float, 0, HoldsDrivingLicence(r) ? 1.0f : 0.0f) /* flag or a car category */        \
  X(right_to_work, float, 0, r.right_to_work ? 1.0f : 0.0f)                                              \
  X(available_from, float, 0, static_cast<float>(r.available_from)) /* day number */                     \
  X(accepted_contracts, uint32_t, 0, r.accepted_contracts)                                               \
  X(weekly_availability, uint32_t, 0, r.weekly_availability)                                             \
  X(held_licences, uint32_t, 0, HeldLicences(r))    /* LicenceBit mask valid in France */                \
  X(pending_licences, uint32_t, 0, r.licence_categories_pending) /* exchange under way */            \
  X(min_salary_eur, float, 0, r.min_monthly_salary_eur) /* gross monthly floor, 0 = any */ \
  /* languages spoken, three words of (language, level) bits (engine/model/language_columns.h) */         \
  X(languages_spoken_0, uint32_t, 0, SpokenLanguageWord(r, 0))                                           \
  X(languages_spoken_1, uint32_t, 0, SpokenLanguageWord(r, 1))                                           \
  X(languages_spoken_2, uint32_t, 0, SpokenLanguageWord(r, 2))                                           \
  /* qualification level reached (3 = CAP .. 8), and 1 when recognised in France (experience criterion) */ \
  X(qualification_level, float, 0, static_cast<float>(r.qualification_level))                            \
  X(qualification_recognised, float, 0, r.qualification_recognised ? 1.0f : 0.0f)

// Candidate columns only filters read (not gathered, not seen by the kernel): who may see the row.
#define PASSERELLE_CANDIDATE_FILTER_COLUMNS(X)                                                           \
  X(owner_code, uint32_t, 0, c.owner_code)                                                               \
  X(shared_with_employers, uint32_t, 0, r.shared_with_employers ? 1u : 0u)

// Opening features the kernel reads. Requirements are 0 none, 1 desired (S), 2 required (E).
#define PASSERELLE_OPENING_FEATURES(X)                                                                   \
  X(x, float, 0, c.position.x)                                                                           \
  X(y, float, 0, c.position.y)                                                                           \
  X(z, float, 0, c.position.z)                                                                           \
  X(french_min_level, float, 0, static_cast<float>(r.french_min_level))                                  \
  X(french_requirement, float, 0, static_cast<float>(r.french_requirement))                              \
  X(french_training_hours, float, 0, r.french_training_hours)                                            \
  /* the route's steps before the start, in days (engine/model/route.h): POEC French, job training */   \
  X(poec_days, float, 0, RouteStepDays(PoecHoursBeforeStart(r), kPoecWeeklyHours))                      \
  X(job_training_days, float, 0, RouteStepDays(JobTrainingHoursBeforeStart(r), kJobTrainingWeeklyHours))   \
  X(licence_requirement, float, 0, static_cast<float>(r.driving_licence))                                \
  X(start_date, float, 0, static_cast<float>(r.start_date))                                              \
  X(housing_provided, float, 0, r.housing_provided ? 1.0f : 0.0f)                                        \
  X(tension, float, 0, c.tension)                                                                        \
  X(contract_bit, uint32_t, 0, ContractBit(r.contract))                                                  \
  X(weekly_schedule, uint32_t, 0, r.weekly_schedule)                                                     \
  X(licences_required, uint32_t, 0, r.licences_required)                                                 \
  /* the slots of which the candidate must cover one: night, weekend (0 = no such work) */               \
  X(night_slots, uint32_t, 0, r.night_work ? kNightSlots : 0u)                                           \
  X(weekend_slots, uint32_t, 0, r.weekend_work ? kWeekendSlots : 0u)                                     \
  X(salary_max_eur, float, 0, r.salary_monthly_max_eur) /* gross monthly, 0 = not stated */               \
  X(expires_on, float, 0, static_cast<float>(r.expires_on)) /* last open day, 0 = none; exact in float */ \
  /* required languages at the level asked, the same three words */                                      \
  X(languages_required_0, uint32_t, 0, RequiredLanguageWord(r, 0))                                       \
  X(languages_required_1, uint32_t, 0, RequiredLanguageWord(r, 1))                                       \
  X(languages_required_2, uint32_t, 0, RequiredLanguageWord(r, 2))                                       \
  /* experience and qualification asked (experience criterion; requirements as above) */                 \
  X(experience_requirement, float, 0, static_cast<float>(r.experience_requirement))                      \
  X(experience_months, float, 0, r.experience_months)                                                    \
  X(qualification_requirement, float, 0, static_cast<float>(r.qualification_requirement))                \
  X(qualification_level, float, 0, static_cast<float>(r.qualification_level))                            \
  /* desired assets (exigence S, experience criterion): languages at the level asked, the same three  */ \
  /* words, and licence categories (LicenceBit mask)                                                   */ \
  X(languages_desired_0, uint32_t, 0, DesiredLanguageWord(r, 0))                                         \
  X(languages_desired_1, uint32_t, 0, DesiredLanguageWord(r, 1))                                         \
  X(languages_desired_2, uint32_t, 0, DesiredLanguageWord(r, 2))                                         \
  X(licences_desired, uint32_t, 0, r.licences_desired)

template <class T>
using Column = Eigen::Array<T, Eigen::Dynamic, 1>;
using FloatColumn = Column<float>;
using MaskColumn = Column<uint32_t>;

// Helpers for the generated code.
#define PASSERELLE_FEATURE_FIELD(name, type, neutral, encoding) type name = neutral;
#define PASSERELLE_FEATURE_COLUMN(name, type, neutral, encoding) Column<type> name;
#define PASSERELLE_FEATURE_ENCODE(name, type, neutral, encoding) f.name = encoding;

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_COLUMNS_FEATURES_H_
