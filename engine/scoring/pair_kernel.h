// The scoring kernel: every criterion of scoring model v1 (docs/scoring.md) computed over n pairs at
// once, as Eigen array expressions.
//
// What it computes: for each pair i, the seven criterion scores s_k[i] in [0, 1], the great-circle
// distance, the bitmask of hard constraints the pair fails (`blockers`), and
// total[i] = sum_k (w_k / sum w) * s_k[i].
// Why it is fast: each side is either a segment's columns or one record broadcast as a constant
// expression, so a query is a handful of passes over contiguous float arrays (no per-object branching,
// no virtual calls), which the compiler turns into SIMD loops; occupation and skill scores, which need
// look-ups, are computed beforehand by the direction-specific walks in engine/scoring/criteria_walks.h.
//
// For a pair that fails only relaxable constraints (French gap, distance, licence, housing for a move)
// the criterion arrays hold the value the pair would have once that barrier is lifted: French 0.7
// (closed by training), mobility 0.4 (relocation with housing). That is what near-misses report.
#ifndef PASSERELLE_ENGINE_SCORING_PAIR_KERNEL_H_
#define PASSERELLE_ENGINE_SCORING_PAIR_KERNEL_H_

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>

#include "engine/index/candidate_segment.h"
#include "engine/scoring/constants.h"
#include "engine/scoring/profile.h"

namespace passerelle::engine::scoring {

// Hard constraints a pair can fail, as bits of BlockScores::blockers.
enum Blocker : uint32_t {
  kNoRightToWork = 1u << 0,
  kContractMismatch = 1u << 1,
  kScheduleConflict = 1u << 2,
  kMissingRequiredSkills = 1u << 3,  // strict profiles only
  kFrenchGap = 1u << 4,              // required level, gap not closable by the training hours
  kTooFar = 1u << 5,                 // beyond the commute radius, relocation not accepted
  kRelocationNeedsHousing = 1u << 6, // beyond the radius, would move, but the opening provides no housing
  kLicenceRequired = 1u << 7,        // driving licence required (E) and not held
};
// Barriers a counsellor can act on; a pair failing only these is a near-miss.
inline constexpr uint32_t kRelaxableBlockers = kFrenchGap | kTooFar | kRelocationNeedsHousing | kLicenceRequired;

// Kernel parameters derived once per query from a ScoringProfile.
struct KernelParams {
  std::array<float, kCriterionCount> normalized_weights{};  // w_k / sum(w)
  bool strict_required_skills = false;
};
KernelParams MakeKernelParams(const ScoringProfile& profile);

// Output of one kernel call; arrays are resized to n.
struct BlockScores {
  std::array<FloatColumn, kCriterionCount> criteria;
  FloatColumn total;
  FloatColumn distance_km;
  MaskColumn blockers;
};

// Cumulative hours of French from pre-A1 to each CEFR level (0, 200, 400, ...).
inline constexpr std::array<float, kCefrLevelCount> kCumulativeFrenchHours = [] {
  std::array<float, kCefrLevelCount> hours{};
  for (int i = 1; i < kCefrLevelCount; ++i) hours[i] = hours[i - 1] + kHoursPerCefrStep[i - 1];
  return hours;
}();
inline float CumulativeFrenchHours(float level) {
  const int index = static_cast<int>(level + 0.5f);
  return kCumulativeFrenchHours[index < 0 ? 0 : (index >= kCefrLevelCount ? kCefrLevelCount - 1 : index)];
}

// asin(x) for x in [0, 1] as an odd polynomial (terms to x^11), which Eigen vectorises where std::asin
// would be a libm call per pair. Relative error below 1e-9 for x < 0.1 (distances under 1,270 km, all of
// metropolitan France) and below 1e-4 at x = 0.6 (overseas distances), where only the displayed
// distance can move, by under a kilometre.
template <class Array>
auto AsinSmall(const Array& x) {
  const auto x2 = x.square();
  return x * (1.0f + x2 * (1.0f / 6 + x2 * (3.0f / 40 + x2 * (5.0f / 112 + x2 * (35.0f / 1152 + x2 * (63.0f / 2816))))));
}

// 1 if `accepted` (0 = any) contains the opening's contract bit, else 0.
inline float ContractAccepted(uint32_t accepted, uint32_t contract_bit) {
  return (accepted == 0 || (accepted & contract_bit) != 0) ? 1.0f : 0.0f;
}
// Share of the opening's shifts the person can cover; 1 when either side states no schedule.
inline float ScheduleCoverage(uint32_t availability, uint32_t schedule) {
  if (availability == 0 || schedule == 0) return 1.0f;
  return static_cast<float>(std::popcount(availability & schedule)) / static_cast<float>(std::popcount(schedule));
}

// Scores n pairs. `occupation` and `skills` are the precomputed criterion scores (length n), and
// `missing_required` the count of required skill items each candidate lacks.
// 1 where x > 0, else 0, as arithmetic so that Eigen vectorises it (Eigen 3.4's select() and boolean
// arrays are evaluated one coefficient at a time). Inputs here are distances, levels, hours and 0/1 flags,
// never within 1e-30 of zero unless exactly zero.
template <class Array>
auto Step(const Array& x) {
  return (x * 1e30f).max(0.0f).min(1.0f);
}

// mask * a + (1 - mask) * b for a 0/1 mask: exactly a or exactly b.
template <class Mask, class A, class B>
auto Blend(const Mask& mask, const A& a, const B& b) {
  return mask * a + (1.0f - mask) * b;
}

// Cumulative hours from pre-A1 to an integral level l, piecewise linear so that it vectorises:
// 200 per step up to B1 (3), 250 for B1->B2, 300 per step beyond (kHoursPerCefrStep).
template <class Array>
auto CumulativeHours(const Array& level) {
  return kHoursPerCefrStep[0] * level.min(3.0f) + kHoursPerCefrStep[3] * (level - 3.0f).max(0.0f).min(1.0f) +
         kHoursPerCefrStep[4] * (level - 4.0f).max(0.0f);
}
static_assert(kHoursPerCefrStep[0] == kHoursPerCefrStep[1] && kHoursPerCefrStep[1] == kHoursPerCefrStep[2] &&
                  kHoursPerCefrStep[4] == kHoursPerCefrStep[5],
              "CumulativeHours assumes equal steps up to B1 and beyond B2");

// Scores n pairs. `occupation` and `skills` are the precomputed criterion scores (length n), and
// `missing_required` the count of required skill items each candidate lacks. Conditions are 0/1 float
// arrays combined with Step and Blend, so every line is one vectorised pass over the block.
template <class CandidateSide, class OpeningSide>
void ScorePairs(const CandidateSide& c, const OpeningSide& o, const FloatColumn& occupation,
                const FloatColumn& skills, const FloatColumn& missing_required, const KernelParams& params,
                BlockScores* out) {
  // Mobility: great-circle distance from the chord between unit vectors; Gaussian decay, 0.5 at the radius.
  const FloatColumn chord2 = (c.x() - o.x()).square() + (c.y() - o.y()).square() + (c.z() - o.z()).square();
  out->distance_km = (2.0f * kEarthRadiusKm) * AsinSmall((chord2.sqrt() * 0.5f).min(1.0f));
  const FloatColumn beyond = Step(out->distance_km - c.radius_km());
  const FloatColumn no_licence = 1.0f - c.driving_licence();
  const FloatColumn licence_required = Step(o.licence_requirement() - 1.5f);
  const FloatColumn licence_desired_missing =
      Step(o.licence_requirement() - 0.5f) * (1.0f - licence_required) * no_licence;
  const FloatColumn gaussian = ((out->distance_km / c.radius_km()).square() * -std::log(2.0f)).exp();
  out->criteria[static_cast<int>(Criterion::kMobility)] =
      Blend(beyond, kRelocationMobilityScore, gaussian) * Blend(licence_desired_missing, kDesiredLicenceMissingFactor, 1.0f);

  // Housing: needed when the person has no stable base or must move; a barrier unless provided.
  const FloatColumn housing_barrier = c.needs_housing_locally().max(beyond) * (1.0f - o.housing_provided());
  out->criteria[static_cast<int>(Criterion::kHousing)] = Blend(housing_barrier, kHousingBarrierScore, 1.0f);

  // French: level gap, hours to close it, and whether the route's training (plus planned hours) covers them.
  const FloatColumn gap = (o.french_min_level() - c.french_level()).max(0.0f);
  const FloatColumn hours_needed = (CumulativeHours(o.french_min_level()) - CumulativeHours(c.french_level())).max(0.0f);
  const FloatColumn closable =
      1.0f - Step(hours_needed - (o.french_training_hours() + c.french_hours_planned()));
  const FloatColumn has_requirement = Step(o.french_requirement() - 0.5f);
  const FloatColumn required = Step(o.french_requirement() - 1.5f);
  const FloatColumn met = 1.0f - Step(gap - 0.5f);
  const FloatColumn desired_gap = (1.0f - kFrenchDesiredGapPenalty * gap).max(0.0f);
  const FloatColumn unmet =
      Blend(closable, kFrenchGapClosable, Blend(required, kFrenchGapClosable, desired_gap));
  out->criteria[static_cast<int>(Criterion::kFrench)] =
      Blend(has_requirement, Blend(met, Blend(c.french_attested(), 1.0f, kFrenchDeclaredOnly), unmet), 1.0f);

  // Timing: halves every kTimingHalfLifeDays of wait; part of it scaled by schedule coverage.
  const FloatColumn coverage = c.weekly_availability().binaryExpr(
      o.weekly_schedule(), [](uint32_t a, uint32_t s) { return ScheduleCoverage(a, s); });
  const FloatColumn wait_days = (c.available_from() - o.start_date()).max(0.0f);
  out->criteria[static_cast<int>(Criterion::kTiming)] = (wait_days * (-std::log(2.0f) / kTimingHalfLifeDays)).exp() *
                                                        ((1.0f - kScheduleShare) + kScheduleShare * coverage);

  out->criteria[static_cast<int>(Criterion::kOccupation)] = occupation;
  out->criteria[static_cast<int>(Criterion::kSkills)] = skills;
  out->criteria[static_cast<int>(Criterion::kTension)] = o.tension();

  // Hard constraints as a sum of bit values (exact in float up to 2^24), cast once.
  const FloatColumn contract_ok = c.accepted_contracts().binaryExpr(
      o.contract_bit(), [](uint32_t a, uint32_t b) { return ContractAccepted(a, b); });
  FloatColumn bits = (1.0f - c.right_to_work()) * float{kNoRightToWork} +
                     (1.0f - contract_ok) * float{kContractMismatch} +
                     (1.0f - Step(coverage)) * float{kScheduleConflict} +
                     required * (1.0f - met) * (1.0f - closable) * float{kFrenchGap} +
                     beyond * (1.0f - c.relocation_accepted()) * float{kTooFar} +
                     beyond * c.relocation_accepted() * (1.0f - o.housing_provided()) * float{kRelocationNeedsHousing} +
                     licence_required * no_licence * float{kLicenceRequired};
  if (params.strict_required_skills) bits += Step(missing_required - 0.5f) * float{kMissingRequiredSkills};
  out->blockers = bits.template cast<uint32_t>();

  // Summed in criterion order, exactly as the explanation adds contributions.
  out->total = params.normalized_weights[0] * out->criteria[0];
  for (int k = 1; k < kCriterionCount; ++k) out->total += params.normalized_weights[k] * out->criteria[k];
}

}  // namespace passerelle::engine::scoring

#endif  // PASSERELLE_ENGINE_SCORING_PAIR_KERNEL_H_
