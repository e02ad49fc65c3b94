#include "engine/scoring/pair_kernel.h"

#include <algorithm>

namespace passerelle::engine::scoring {

KernelParams MakeKernelParams(const ScoringProfile& profile) {
  KernelParams params;
  float sum = 0;
  for (float w : profile.weights) sum += w;
  for (int k = 0; k < kCriterionCount; ++k) params.normalized_weights[k] = sum > 0 ? profile.weights[k] / sum : 0;
  params.strict_required_skills = profile.strict_required_skills;
  return params;
}

float CumulativeFrenchHours(float level) {
  const int steps = std::clamp(static_cast<int>(level + 0.5f), 0, kCefrLevelCount - 1);
  float hours = 0;
  for (int i = 0; i < steps; ++i) hours += kHoursPerCefrStep[i];
  return hours;
}

}  // namespace passerelle::engine::scoring
