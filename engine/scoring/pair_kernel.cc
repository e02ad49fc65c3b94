#include "engine/scoring/pair_kernel.h"

#include <algorithm>


namespace passerelle::engine::scoring {

KernelParams MakeKernelParams(const ScoringProfile& profile, Day today) {
  KernelParams params;
  float sum = 0;
  for (float w : profile.weights) sum += w;
  for (int k = 0; k < kCriterionCount; ++k) params.normalized_weights[k] = sum > 0 ? profile.weights[k] / sum : 0;
  params.strict_required_skills = profile.strict_required_skills;
  params.today = static_cast<float>(today);
  return params;
}

}  // namespace passerelle::engine::scoring
