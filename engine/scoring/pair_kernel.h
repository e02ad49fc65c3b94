// The scoring kernel: every criterion of scoring model v1 (docs/scoring.md) computed over n pairs at
// once, as Eigen array expressions.
//
// What it computes: for each pair i, the eight criterion scores s_k[i] in [0, 1], the great-circle
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

#include "engine/columns/candidate_segment.h"
#include "engine/scoring/constants.h"
#include "engine/scoring/criteria/experience.h"
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
  kLicenceCategoryMissing = 1u << 8, // a licence category required (E) and not held valid in France
  kNightOrWeekendUnavailable = 1u << 9,  // night or weekend work, no such slot in the availability
  kSalaryBelowFloor = 1u << 10,      // the opening's stated maximum salary is below the candidate's floor
  kExpired = 1u << 11,               // the opening's expires_on is before the query's today (not relaxable)
  kLanguageMissing = 1u << 12,       // a required language not spoken at the level asked (not relaxable)
};
inline constexpr uint32_t kLastBlocker = kLanguageMissing;
// Barriers a counsellor can act on; a pair failing only these is a near-miss.
inline constexpr uint32_t kRelaxableBlockers =
    kFrenchGap | kTooFar | kRelocationNeedsHousing | kLicenceRequired | kLicenceCategoryMissing;

// Kernel parameters derived once per query from a ScoringProfile.
struct KernelParams {
  std::array<float, kCriterionCount> normalized_weights{};  // w_k / sum(w)
  bool strict_required_skills = false;
  // The day the query is answered (MatchQuery::today) as a float day number: openings past their expiry
  // are blocked, and a readiness route starts on it. 0 = unknown: nothing counts as expired and the route
  // starts on the person's available_from.
  float today = 0;
  // MatchQuery::score_experience: false leaves the experience criterion at 1 (the benchmark's cost
  // measure). Default: true.
  bool score_experience = true;
};
KernelParams MakeKernelParams(const ScoringProfile& profile, Day today = 0);

// Blocks are scored in multiples of this many rows (the widest float packet, AVX-512), so that every
// real row goes through the vectorised code and never the scalar tail (see ScorePairs).
inline constexpr int kBlockRowMultiple = 16;
inline constexpr int PaddedRows(int n) { return (n + kBlockRowMultiple - 1) / kBlockRowMultiple * kBlockRowMultiple; }
static_assert(CandidateSegment::kRows % kBlockRowMultiple == 0, "segments hold whole padded blocks");

// Output of one kernel call: rows [0, n) of every array hold the n pairs. The arrays only ever grow
// (Reserve), so a scan that reuses one BlockScores allocates once rather than per segment.
struct BlockScores {
  std::array<FloatColumn, kCriterionCount> criteria;
  FloatColumn total;
  FloatColumn distance_km;
  MaskColumn blockers;
  // Intermediates the kernel reads more than once.
  FloatColumn beyond, no_licence, licence_required, gap, closable, required, met, coverage, contract_ok;
  FloatColumn categories_missing, working_time_ok;
  FloatColumn languages_missing;
  // Readiness (docs/scoring.md): the hours of French from the person's level to the opening's, and the
  // day the person can start (available_from, or later by the route's steps when French falls short).
  FloatColumn french_hours_needed, ready_day;

  void Reserve(Eigen::Index n) {
    if (total.size() >= n) return;
    for (FloatColumn& c : criteria) c.resize(n);
    for (FloatColumn* c : {&total, &distance_km, &beyond, &no_licence, &licence_required, &gap, &closable, &required,
                           &met, &coverage, &contract_ok, &categories_missing, &working_time_ok,
                           &languages_missing, &french_hours_needed, &ready_day}) {
      c->resize(n);
    }
    blockers.resize(n);
  }
};

// asin(x) for x in [0, 1] as an odd polynomial (terms to x^11), which Eigen vectorises where std::asin
// would be a libm call per pair. Relative error below 1e-9 for x < 0.1 (distances under 1,270 km, all of
// metropolitan France) and below 1e-4 at x = 0.6 (overseas distances), where only the displayed
// distance can move, by under a kilometre.
template <class Array>
auto AsinSmall(const Array& x) {
  const auto x2 = x.square();
  return x * (1.0f + x2 * (1.0f / 6 + x2 * (3.0f / 40 + x2 * (5.0f / 112 + x2 * (35.0f / 1152 + x2 * (63.0f / 2816))))));
}

// Bits set in x. std::popcount is one instruction, but GCC 12 does not vectorise it (x86-64-v4 has no
// vector popcount). Nor the usual bit-trick form ending in `(x * 0x01010101) >> 24`: GCC 12 recognises
// that as a popcount and emits the scalar instruction, which left the kernel's schedule and desired-asset
// loops scalar (perf). Summing the byte counts with shifts it does not recognise, and vectorises.
inline uint32_t PopCount(uint32_t x) {
  x = x - ((x >> 1) & 0x55555555u);
  x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
  x = (x + (x >> 4)) & 0x0F0F0F0Fu;
  x += x >> 8;
  x += x >> 16;
  return x & 0x3Fu;
}
// A 0/1 float from a bool through int32: GCC 12 converts bool to float as an unsigned value
// (vcvtusi2ss), which it does not vectorise; from int32 it does.
inline float FloatOf(bool b) { return static_cast<float>(static_cast<int32_t>(b)); }
// 1 if `accepted` (0 = any) contains the opening's contract bit, else 0.
inline float ContractAccepted(uint32_t accepted, uint32_t contract_bit) {
  return static_cast<float>((accepted == 0) | ((accepted & contract_bit) != 0));
}
// Share of the opening's shifts the person can cover; 1 when either side states no schedule. Without
// branches, so that the kernel's loop over a block vectorises.
inline float ScheduleCoverage(uint32_t availability, uint32_t schedule) {
  const float share = static_cast<float>(PopCount(availability & schedule)) /
                      static_cast<float>(PopCount(schedule) + (schedule == 0));
  const float none = static_cast<float>((availability == 0) | (schedule == 0));
  return none + (1.0f - none) * share;
}

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

// Scores n pairs. `occupation`, `skills`, `missing_required` (required skill items the candidate lacks)
// and `credited_experience_months` are the walked criteria, read on rows [0, n). Conditions are 0/1 float arrays combined with
// Step and Blend, so every line is one vectorised pass over the block. Every pass writes into `out`'s
// reserved arrays: nothing is allocated once `out` has held n rows.
//
// Each pair's values depend only on its own row, but Eigen computes whole packets with vectorised
// exp/sqrt and a scalar tail with libm, which can differ in the last bit: callers that compare blocks of
// different sizes pass n rounded up to kBlockRowMultiple (padding rows are computed and ignored).
//
// `begin`: the sides present rows [begin, begin + n) of the block (n = c.x().size()), which are read
// from and written to those rows of the walked arrays and of `out`; `out` must hold begin + n rows
// (ScoreBlockInChunks passes an L1/L2-sized chunk at a time).
template <class CandidateSide, class OpeningSide>
void ScorePairs(const CandidateSide& c, const OpeningSide& o, const FloatColumn& occupation,
                const FloatColumn& skills, const FloatColumn& missing_required,
                const FloatColumn& credited_experience_months, const KernelParams& params,
                BlockScores* out, Eigen::Index begin = 0) {
  const Eigen::Index n = c.x().size();
  out->Reserve(begin + n);
  auto H = [n, begin](auto& column) { return column.segment(begin, n); };
  auto criterion = [&](Criterion k) { return out->criteria[static_cast<int>(k)].segment(begin, n); };

  // Mobility: great-circle distance from the chord between unit vectors; Gaussian decay, 0.5 at the radius.
  H(out->distance_km) = (2.0f * kEarthRadiusKm) *
      AsinSmall((((c.x() - o.x()).square() + (c.y() - o.y()).square() + (c.z() - o.z()).square()).sqrt() * 0.5f).min(1.0f));
  const auto distance = H(out->distance_km);
  H(out->beyond) = Step(distance - c.radius_km());
  H(out->no_licence) = 1.0f - c.driving_licence();
  H(out->licence_required) = Step(o.licence_requirement() - 1.5f);
  const auto beyond = H(out->beyond);
  const auto no_licence = H(out->no_licence);
  const auto licence_required = H(out->licence_required);
  criterion(Criterion::kMobility) =
      Blend(beyond, kRelocationMobilityScore, ((distance / c.radius_km()).square() * -std::log(2.0f)).exp()) *
      Blend(Step(o.licence_requirement() - 0.5f) * (1.0f - licence_required) * no_licence,
            kDesiredLicenceMissingFactor, 1.0f);

  // Housing: needed when the person has no stable base or must move; a barrier unless provided.
  criterion(Criterion::kHousing) =
      Blend(c.needs_housing_locally().max(beyond) * (1.0f - o.housing_provided()), kHousingBarrierScore, 1.0f);

  // French: level gap, hours to close it, and whether the route's training (plus planned hours) covers them.
  H(out->gap) = (o.french_min_level() - c.french_level()).max(0.0f);
  H(out->french_hours_needed) = (CumulativeHours(o.french_min_level()) - CumulativeHours(c.french_level())).max(0.0f);
  H(out->closable) = 1.0f - Step(H(out->french_hours_needed) - (o.french_training_hours() + c.french_hours_planned()));
  H(out->required) = Step(o.french_requirement() - 1.5f);
  H(out->met) = 1.0f - Step(H(out->gap) - 0.5f);
  const auto gap = H(out->gap);
  const auto closable = H(out->closable);
  const auto required = H(out->required);
  const auto met = H(out->met);
  const auto unmet = Blend(closable, kFrenchGapClosable,
                           Blend(required, kFrenchGapClosable, (1.0f - kFrenchDesiredGapPenalty * gap).max(0.0f)));
  criterion(Criterion::kFrench) = Blend(Step(o.french_requirement() - 0.5f),
                                        Blend(met, Blend(c.french_attested(), 1.0f, kFrenchDeclaredOnly), unmet), 1.0f);

  // The two bit-mask conditions as plain loops: Eigen has no packet form for a lambda, and one
  // binaryExpr would make the whole expression it sits in scalar. GCC vectorises these loops (the
  // functions are branch-free).
  const auto availability = c.weekly_availability();
  const auto schedule = o.weekly_schedule();
  const auto accepted = c.accepted_contracts();
  const auto contract = o.contract_bit();
  float* coverage_out = out->coverage.data() + begin;
  float* contract_out = out->contract_ok.data() + begin;
  for (Eigen::Index i = 0; i < n; ++i) coverage_out[i] = ScheduleCoverage(availability.coeff(i), schedule.coeff(i));
  for (Eigen::Index i = 0; i < n; ++i) contract_out[i] = ContractAccepted(accepted.coeff(i), contract.coeff(i));
  const auto held = c.held_licences();
  const auto licences_required = o.licences_required();
  const auto night = o.night_slots();
  const auto weekend = o.weekend_slots();
  float* categories_out = out->categories_missing.data() + begin;
  float* working_time_out = out->working_time_ok.data() + begin;
  for (Eigen::Index i = 0; i < n; ++i) categories_out[i] = LicencesMissing(held.coeff(i), licences_required.coeff(i));
  for (Eigen::Index i = 0; i < n; ++i) {
    working_time_out[i] = FloatOf(WorkingTimeFits(availability.coeff(i), night.coeff(i), weekend.coeff(i)));
  }
  {
    const auto s0 = c.languages_spoken_0(), s1 = c.languages_spoken_1(), s2 = c.languages_spoken_2();
    const auto r0 = o.languages_required_0(), r1 = o.languages_required_1(), r2 = o.languages_required_2();
    float* languages_out = out->languages_missing.data() + begin;
    for (Eigen::Index i = 0; i < n; ++i) {
      languages_out[i] =
          FloatOf(LanguagesMissing(s0.coeff(i), s1.coeff(i), s2.coeff(i), r0.coeff(i), r1.coeff(i), r2.coeff(i)));
    }
  }
  const auto coverage = H(out->coverage);
  const auto contract_ok = H(out->contract_ok);

  // Readiness: a person short of a stated French level follows the route (French before it, the
  // opening's POEC, job training; engine/model/route.h) from today (or available_from when today is
  // unknown); whole days per step, so every sum is exact in float.
  const float has_today = params.today > 0 ? 1.0f : 0.0f;
  const auto on_route = Step(o.french_requirement() - 0.5f) * (1.0f - met);
  const auto french_days =
      ((H(out->french_hours_needed) - o.french_training_hours()).max(0.0f) * 7.0f / kOfiiFrenchWeeklyHours).ceil();
  H(out->ready_day) = c.available_from().max(on_route * ((1.0f - has_today) * c.available_from() + params.today +
                                                         french_days + o.poec_days() + o.job_training_days()));
  // Timing: halves every kTimingHalfLifeDays of wait after the start date (0 = none stated: no wait);
  // part of it scaled by schedule coverage. A start date already past when the query is answered counts
  // from today: that opening waits from now, not from a day nobody can start on.
  criterion(Criterion::kTiming) =
      ((H(out->ready_day) - o.start_date().max(params.today)).max(0.0f) * Step(o.start_date()) *
       (-std::log(2.0f) / kTimingHalfLifeDays)).exp() *
      ((1.0f - kScheduleShare) + kScheduleShare * coverage);

  // Experience and qualification: one branch-free scalar loop over the shared formula
  // (engine/scoring/criteria/experience.h), which GCC vectorises.
  if (!params.score_experience) {
    criterion(Criterion::kExperience).setConstant(1.0f);
  } else {
    const auto experience_asked = o.experience_requirement(), months_asked = o.experience_months();
    const auto qualification_asked = o.qualification_requirement(), level_asked = o.qualification_level();
    const auto level_held = c.qualification_level(), recognised = c.qualification_recognised();
    float* experience_out = out->criteria[static_cast<int>(Criterion::kExperience)].data() + begin;
    const float* credited = credited_experience_months.data() + begin;
    for (Eigen::Index i = 0; i < n; ++i) {
      experience_out[i] = ExperienceQualificationScore(
          ExperienceScoreOf(experience_asked.coeff(i), months_asked.coeff(i), credited[i]),
          QualificationScoreOf(qualification_asked.coeff(i), level_asked.coeff(i), level_held.coeff(i),
                               recognised.coeff(i)));
    }
    // Desired assets (engine/scoring/criteria/desired_assets.h): a second loop, also branch-free.
    const auto d0 = o.languages_desired_0(), d1 = o.languages_desired_1(), d2 = o.languages_desired_2();
    const auto s0 = c.languages_spoken_0(), s1 = c.languages_spoken_1(), s2 = c.languages_spoken_2();
    // One declaration per side: a broadcast side and a column side are different Eigen types.
    const auto desired = o.licences_desired();
    const auto held = c.held_licences(), pending = c.pending_licences();
    for (Eigen::Index i = 0; i < n; ++i) {
      const DesiredAssetBits b{{d0.coeff(i), d1.coeff(i), d2.coeff(i)}, {s0.coeff(i), s1.coeff(i), s2.coeff(i)},
                               desired.coeff(i), held.coeff(i), pending.coeff(i)};
      experience_out[i] = ExperienceWithAssetsScore(experience_out[i], DesiredAssetsAsked(b), DesiredAssetsCredit(b));
    }
  }

  criterion(Criterion::kOccupation) = occupation.segment(begin, n);
  criterion(Criterion::kSkills) = skills.segment(begin, n);
  criterion(Criterion::kTension) = o.tension();

  // Hard constraints as a sum of bit values (exact in float up to 2^24), cast once. The sum is built in
  // the total's array, which is overwritten below.
  auto bits = H(out->total);
  bits = (1.0f - c.right_to_work()) * float{kNoRightToWork} + (1.0f - contract_ok) * float{kContractMismatch} +
         (1.0f - Step(coverage)) * float{kScheduleConflict} +
         required * (1.0f - met) * (1.0f - closable) * float{kFrenchGap} +
         beyond * (1.0f - c.relocation_accepted()) * float{kTooFar} +
         beyond * c.relocation_accepted() * (1.0f - o.housing_provided()) * float{kRelocationNeedsHousing} +
         licence_required * no_licence * float{kLicenceRequired} +
         H(out->categories_missing) * float{kLicenceCategoryMissing} +
         (1.0f - H(out->working_time_ok)) * float{kNightOrWeekendUnavailable} +
         Step(c.min_salary_eur()) * Step(o.salary_max_eur()) * Step(c.min_salary_eur() - o.salary_max_eur()) *
             float{kSalaryBelowFloor} +
         Step(o.expires_on()) * Step(params.today - o.expires_on()) * float{kExpired} +  // OpeningExpired
         H(out->languages_missing) * float{kLanguageMissing};
  if (params.strict_required_skills) bits += Step(missing_required.segment(begin, n) - 0.5f) * float{kMissingRequiredSkills};
  // Through int32 (exact below 2^11), which vectorises where a float -> uint32 cast does not.
  uint32_t* blockers_out = out->blockers.data() + begin;
  for (Eigen::Index i = 0; i < n; ++i) blockers_out[i] = static_cast<uint32_t>(static_cast<int32_t>(bits[i]));

  // Summed in criterion order, exactly as the explanation adds contributions.
  auto total = H(out->total);
  total = params.normalized_weights[0] * out->criteria[0].segment(begin, n);
  for (int k = 1; k < kCriterionCount; ++k) total += params.normalized_weights[k] * out->criteria[k].segment(begin, n);
}

}  // namespace passerelle::engine::scoring

#endif  // PASSERELLE_ENGINE_SCORING_PAIR_KERNEL_H_
