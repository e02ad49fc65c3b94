#include "engine/scoring/profile.h"

#include <cmath>

#include "absl/strings/str_cat.h"

namespace passerelle::engine {

absl::string_view CriterionName(Criterion c) {
  switch (c) {
    case Criterion::kOccupation: return "occupation";
    case Criterion::kSkills: return "skills";
    case Criterion::kFrench: return "french";
    case Criterion::kMobility: return "mobility";
    case Criterion::kHousing: return "housing";
    case Criterion::kTension: return "tension";
    case Criterion::kTiming: return "timing";
    case Criterion::kExperience: return "experience";
  }
  return "unknown";
}

ScoringProfile DefaultScoringProfile() { return ScoringProfile{}; }

absl::Status ValidateScoringProfile(const ScoringProfile& profile) {
  if (profile.name.empty()) return absl::InvalidArgumentError("name must not be empty");
  if (profile.name.size() > 64) return absl::InvalidArgumentError("name must be at most 64 bytes");
  double sum = 0;
  for (int k = 0; k < kCriterionCount; ++k) {
    const float w = profile.weights[k];
    if (!std::isfinite(w) || w < 0 || w > 1000) {
      return absl::InvalidArgumentError(absl::StrCat("weights.", CriterionName(static_cast<Criterion>(k)),
                                                     " must be finite and in [0, 1000], got ", w));
    }
    sum += w;
  }
  if (sum <= 0) return absl::InvalidArgumentError("weights must not all be zero");
  return absl::OkStatus();
}

}  // namespace passerelle::engine
