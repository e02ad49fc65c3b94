#include "benchmarks/peers/scalar_peer.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include "engine/model/language_columns.h"
#include "engine/model/offer_fields.h"
#include "engine/model/route.h"
#include "engine/scoring/constants.h"

namespace passerelle::benchmarks {
namespace {

using namespace passerelle::engine;  // NOLINT: a peer reads like application code
namespace sc = passerelle::engine::scoring;

float HoursToLevel(int level) {
  float hours = 0;
  for (int i = 0; i < level; ++i) hours += sc::kHoursPerCefrStep[i];
  return hours;
}

bool Contains(const std::vector<int32_t>& sorted, int32_t item) {
  return std::binary_search(sorted.begin(), sorted.end(), item);
}

std::vector<PeerMatch> TopK(std::vector<PeerMatch> all, int k) {
  auto better = [](const PeerMatch& a, const PeerMatch& b) {
    return a.score != b.score ? a.score > b.score : a.id < b.id;
  };
  const size_t n = std::min<size_t>(k, all.size());
  std::partial_sort(all.begin(), all.begin() + n, all.end(), better);
  all.resize(n);
  return all;
}

}  // namespace

ScalarPeer::ScalarPeer(const OccupationRelations& relations, const ScoringProfile& profile, Day today)
    : relations_(relations), profile_(profile), today_(today) {
  for (float w : profile_.weights) weight_sum_ += w;
}

std::optional<float> ScalarPeer::ScorePair(const ResolvedCandidate& c, const ResolvedOpening& o) const {
  const Candidate& cr = c.record;
  const Opening& orec = o.record;
  if (!cr.right_to_work) return std::nullopt;
  if (today_ != 0 && orec.expires_on != 0 && orec.expires_on < today_) return std::nullopt;
  // Required languages of the 16 the engine checks (engine/model/language_columns.h), at the level asked.
  for (const LanguageRequirement& l : orec.languages) {
    if (l.requirement != Requirement::kRequired || ScoredLanguageIndex(l.code) < 0) continue;
    const int asked = l.min_level == CefrLevel::kPreA1 ? 1 : static_cast<int>(l.min_level);
    bool spoken = false;
    for (const LanguageSkill& s : cr.languages) spoken |= s.code == l.code && static_cast<int>(s.level) >= asked;
    if (!spoken) return std::nullopt;
  }
  if (cr.accepted_contracts != 0 && (cr.accepted_contracts & ContractBit(orec.contract)) == 0) return std::nullopt;
  if ((orec.licences_required & ~HeldLicences(cr)) != 0) return std::nullopt;
  if (!sc::WorkingTimeFits(cr.weekly_availability, orec.night_work ? kNightSlots : 0u,
                           orec.weekend_work ? kWeekendSlots : 0u)) {
    return std::nullopt;
  }
  if (cr.min_monthly_salary_eur > 0 && orec.salary_monthly_max_eur > 0 &&
      orec.salary_monthly_max_eur < cr.min_monthly_salary_eur) {
    return std::nullopt;
  }
  float coverage = 1;
  if (cr.weekly_availability != 0 && orec.weekly_schedule != 0) {
    coverage = static_cast<float>(std::popcount(cr.weekly_availability & orec.weekly_schedule)) /
               static_cast<float>(std::popcount(orec.weekly_schedule));
    if (coverage == 0) return std::nullopt;
  }
  // Occupation.
  float occupation = 0;
  for (const WeightedOccupation& w : c.occupations) occupation = std::max(occupation, w.factor * relations_.Score(w.rome_index, o.rome_index));
  // Skills.
  int have_required = 0, have_desired = 0;
  for (int32_t item : o.required_skill_indices) have_required += Contains(c.skill_indices, item);
  for (int32_t item : o.desired_skill_indices) have_desired += Contains(c.skill_indices, item);
  int have_core = 0;  // core items weigh 2: one more on top of their weight as required items
  for (int32_t item : o.core_skill_indices) have_core += Contains(c.skill_indices, item);
  const float skill_total = o.required_skill_indices.size() + 1.0f * o.core_skill_indices.size() +
                            0.5f * o.desired_skill_indices.size();
  const float skills =
      skill_total > 0 ? (have_required + 1.0f * have_core + 0.5f * have_desired) / skill_total : 1.0f;
  if (profile_.strict_required_skills && have_required < static_cast<int>(o.required_skill_indices.size())) return std::nullopt;
  // French.
  float french = 1;
  const int level = static_cast<int>(cr.french_level), needed = static_cast<int>(orec.french_min_level);
  if (orec.french_requirement != Requirement::kNone) {
    if (level >= needed) {
      french = cr.french_attested ? 1.0f : sc::kFrenchDeclaredOnly;
    } else if (HoursToLevel(needed) - HoursToLevel(level) <= orec.french_training_hours + cr.french_hours_planned) {
      french = sc::kFrenchGapClosable;
    } else if (orec.french_requirement == Requirement::kDesired) {
      french = std::max(0.0f, 1.0f - sc::kFrenchDesiredGapPenalty * (needed - level));
    } else {
      return std::nullopt;
    }
  }
  // Mobility and housing.
  const float d = GreatCircleKm(c.position, o.position);
  float mobility;
  bool housing_needed = cr.housing == HousingStatus::kEmergency || cr.housing == HousingStatus::kNone;
  if (d <= c.radius_km) {
    mobility = std::exp(-std::log(2.0f) * (d / c.radius_km) * (d / c.radius_km));
  } else {
    if (!cr.relocation_accepted || !orec.housing_provided) return std::nullopt;
    mobility = sc::kRelocationMobilityScore;
    housing_needed = true;
  }
  if (!HoldsDrivingLicence(cr) && orec.driving_licence == Requirement::kRequired) return std::nullopt;
  if (!HoldsDrivingLicence(cr) && orec.driving_licence == Requirement::kDesired) mobility *= sc::kDesiredLicenceMissingFactor;
  const float housing = (housing_needed && !orec.housing_provided) ? sc::kHousingBarrierScore : 1.0f;
  // Readiness: short of a stated French level, the route's steps from today (or available_from).
  Day ready = cr.available_from;
  if (orec.french_requirement != Requirement::kNone && level < needed) {
    const float french = std::max(0.0f, HoursToLevel(needed) - HoursToLevel(level) - orec.french_training_hours);
    const float days = RouteStepDays(french, kOfiiFrenchWeeklyHours) +
                       RouteStepDays(PoecHoursBeforeStart(orec), kPoecWeeklyHours) +
                       RouteStepDays(JobTrainingHoursBeforeStart(orec), kJobTrainingWeeklyHours);
    ready = std::max(ready, (today_ != 0 ? today_ : cr.available_from) + static_cast<Day>(days));
  }
  // Timing: no stated start date (0) means no wait.
  // A start date already past counts from today (when known), as in the kernel.
  const float wait =
      orec.start_date == 0 ? 0.0f : static_cast<float>(std::max(0, ready - std::max(orec.start_date, today_)));
  const float timing = std::exp(-std::log(2.0f) * wait / sc::kTimingHalfLifeDays) *
                       ((1 - sc::kScheduleShare) + sc::kScheduleShare * coverage);
  // Experience, qualification and desired assets (engine/scoring/criteria/experience.h).
  const float experience =
      sc::ExperienceWithAssetsScore(cr, orec, sc::BestCreditedExperienceMonths(c, o.rome_index, relations_));
  const float s[kCriterionCount] = {occupation, skills, french, mobility, housing, o.tension, timing, experience};
  float total = 0;
  for (int k = 0; k < kCriterionCount; ++k) total += profile_.weights[k] / weight_sum_ * s[k];
  return total;
}

std::vector<PeerMatch> ScalarPeer::MatchCandidates(const ResolvedOpening& opening, int k) const {
  std::vector<PeerMatch> all;
  for (const auto& c : candidates_) {
    if (std::optional<float> s = ScorePair(*c, opening)) all.push_back({c->record.id, *s});
  }
  return TopK(std::move(all), k);
}

std::vector<PeerMatch> ScalarPeer::MatchOpenings(const ResolvedCandidate& candidate, int k) const {
  std::vector<PeerMatch> all;
  for (const auto& o : openings_) {
    if (std::optional<float> s = ScorePair(candidate, *o)) all.push_back({o->record.id, *s});
  }
  return TopK(std::move(all), k);
}

}  // namespace passerelle::benchmarks
