#include "engine/scoring/pair_kernel.h"

#include <algorithm>

#include "engine/scoring/feature_sources.h"

namespace passerelle::engine::scoring {

KernelParams MakeKernelParams(const ScoringProfile& profile) {
  KernelParams params;
  float sum = 0;
  for (float w : profile.weights) sum += w;
  for (int k = 0; k < kCriterionCount; ++k) params.normalized_weights[k] = sum > 0 ? profile.weights[k] / sum : 0;
  params.strict_required_skills = profile.strict_required_skills;
  return params;
}

void ScoreCandidateBlock(const CandidateColumns& c, const OpeningBroadcast& o, const FloatColumn& occupation,
                         const FloatColumn& skills, const FloatColumn& missing_required, const KernelParams& params,
                         BlockScores* out) {
  ScorePairs(c, o, occupation, skills, missing_required, params, out);
}

void ScoreOpeningBlock(const CandidateBroadcast& c, const OpeningColumns& o, const FloatColumn& occupation,
                       const FloatColumn& skills, const FloatColumn& missing_required, const KernelParams& params,
                       BlockScores* out) {
  ScorePairs(c, o, occupation, skills, missing_required, params, out);
}

}  // namespace passerelle::engine::scoring
