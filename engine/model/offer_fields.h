// Validation of the fields France Travail offers carry (experience, licence categories, languages,
// qualification, salary, hours, dates, source) and of the candidate fields they are matched against.
// ResolveCandidateWith / ResolveOpeningWith call these; errors name the field as the others do
// ("languages[1].code: ...").
#ifndef PASSERELLE_ENGINE_MODEL_OFFER_FIELDS_H_
#define PASSERELLE_ENGINE_MODEL_OFFER_FIELDS_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/status.h"
#include "engine/model/types.h"

namespace passerelle::engine {

inline constexpr size_t kMaxLanguagesPerRecord = 16;
inline constexpr size_t kMaxLabelBytes = 512;        // experience, salary and working-time labels
inline constexpr size_t kMaxSourceBytes = 64;
inline constexpr size_t kMaxDisplayFields = 32;
inline constexpr size_t kMaxDisplayNameBytes = 128;
inline constexpr size_t kMaxDisplayValueBytes = 1024;
inline constexpr float kMaxMonthlySalaryEur = 1000000;  // well above any real salary: catches unit mistakes
inline constexpr float kMaxCandidateSalaryEur = 100000;
inline constexpr float kMaxExperienceMonths = 600;      // 50 years
inline constexpr float kMaxWeeklyHours = 168;           // hours in a week
inline constexpr uint32_t kAllLicencesMask = (1u << kLicenceCategoryCount) - 1;

// The licence categories a candidate holds for matching: licence_categories, or category B alone for a
// record that says driving_licence and names no category held or pending (records written before
// categories existed: B is by far the commonest licence, and what "a driving licence" meant there).
inline uint32_t HeldLicences(const Candidate& c) {
  const bool legacy = c.driving_licence && c.licence_categories == 0 && c.licence_categories_pending == 0;
  return legacy ? LicenceBit(LicenceCategory::kB) : c.licence_categories;
}

// Categories that let a person drive a car: B and every category French law grants only on top of B
// (BE, C1, C, D1, D and their trailers). Motorcycle categories (AM, A1, A2, A) do not.
inline constexpr uint32_t kCarLicencesMask =
    kAllLicencesMask & ~(LicenceBit(LicenceCategory::kAm) | LicenceBit(LicenceCategory::kA1) |
                         LicenceBit(LicenceCategory::kA2) | LicenceBit(LicenceCategory::kA));

// Whether the person holds a driving licence in the sense of the older Opening::driving_licence
// requirement and of the car commute radius: the legacy flag, or a car category held valid in France
// (a record that lists B in licence_categories without setting the flag holds one).
inline bool HoldsDrivingLicence(const Candidate& c) {
  return c.driving_licence || (c.licence_categories & kCarLicencesMask) != 0;
}

// The week's night slots and weekend slots (Saturday and Sunday, every part of the day): an opening with
// night_work (weekend_work) needs a candidate available in at least one of them, or stating no
// availability at all.
inline constexpr uint32_t kNightSlots = [] {
  uint32_t mask = 0;
  for (int day = 0; day < 7; ++day) mask |= WeeklySlotBit(day, 3);
  return mask;
}();
inline constexpr uint32_t kWeekendSlots = ((1u << (2 * kSlotsPerDay)) - 1) << (5 * kSlotsPerDay);

absl::Status ValidateCandidateOfferFields(const Candidate& candidate);
absl::Status ValidateOpeningOfferFields(const Opening& opening);

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_MODEL_OFFER_FIELDS_H_
