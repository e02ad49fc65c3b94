// A scoring profile: the weights of each criterion and the few switches a programme may change.
// total = sum_k(w_k * s_k) / sum_k(w_k); see docs/scoring.md.
#ifndef PASSERELLE_ENGINE_SCORING_PROFILE_H_
#define PASSERELLE_ENGINE_SCORING_PROFILE_H_

#include <array>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace passerelle::engine {

// The weighted criteria, in the order contributions are reported. Right to work is a hard constraint
// only: it never adds to a score, so it has no weight.
enum class Criterion : int {
  kOccupation = 0,
  kSkills = 1,
  kFrench = 2,
  kMobility = 3,
  kHousing = 4,
  kTension = 5,
  kTiming = 6,
  kExperience = 7,  // experience and qualification (engine/scoring/criteria/experience.h)
};
inline constexpr int kCriterionCount = 8;

// Stable lower-case name used in the API and docs ("occupation", "skills", ...).
absl::string_view CriterionName(Criterion c);

struct ScoringProfile {
  // Name callers use to pick the profile. Default: "default".
  std::string name = "default";

  // Non-negative, finite weights indexed by Criterion; at least one must be > 0.
  // Default: occupation 3, skills 2, French 2, mobility 2, housing 1, tension 1, timing 1, experience 1.
  std::array<float, kCriterionCount> weights = {3, 2, 2, 2, 1, 1, 1, 1};

  // When true, a candidate who lacks any required skill item of an opening is ineligible
  // (reason MISSING_REQUIRED_SKILLS, not relaxable). Default: false (missing items lower the score).
  bool strict_required_skills = false;

  float weight(Criterion c) const { return weights[static_cast<int>(c)]; }
};

// The profile used when a request names none.
ScoringProfile DefaultScoringProfile();

// OK, or InvalidArgument naming the field ("weights.skills must be finite and >= 0, got nan").
absl::Status ValidateScoringProfile(const ScoringProfile& profile);

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_SCORING_PROFILE_H_
