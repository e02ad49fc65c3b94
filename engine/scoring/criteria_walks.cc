#include "engine/scoring/criteria_walks.h"

#include <algorithm>

#include "engine/scoring/constants.h"

namespace passerelle::engine::scoring {
namespace {

// Adds 1 to `counts[row]` for every row of `matrix` holding item `item`.
void AddColumn(const SkillMatrix& matrix, int32_t item, FloatColumn* counts) {
  if (item >= matrix.cols()) return;
  for (SkillMatrix::InnerIterator it(matrix, item); it; ++it) (*counts)[it.row()] += 1.0f;
}

}  // namespace

float SkillCoverage(float covered_required, float covered_desired, float required, float desired) {
  const float total = kRequiredSkillWeight * required + kDesiredSkillWeight * desired;
  if (total <= 0) return 1.0f;
  return (kRequiredSkillWeight * covered_required + kDesiredSkillWeight * covered_desired) / total;
}

std::vector<float> RelationScoresTo(const OccupationRelations& relations, int32_t opening_rome) {
  std::vector<float> scores(relations.count());
  for (int32_t from = 0; from < relations.count(); ++from) scores[from] = relations.Score(from, opening_rome);
  return scores;
}

std::vector<float> BestOccupationScoresFrom(const OccupationRelations& relations, const ResolvedCandidate& c) {
  std::vector<float> best(relations.count(), 0.0f);
  for (const WeightedOccupation& o : c.occupations) {
    for (int32_t to = 0; to < relations.count(); ++to) {
      best[to] = std::max(best[to], o.factor * relations.Score(o.rome_index, to));
    }
  }
  return best;
}

void WalkCandidateSegment(const CandidateSegment& segment, const ResolvedOpening& opening,
                          absl::Span<const float> relation_to_opening, WalkedCriteria* out) {
  const int n = segment.used_rows;
  out->occupation.setZero(n);
  for (int row = 0; row < n; ++row) {
    float best = 0;
    for (int32_t i = segment.occupation_offsets[row]; i < segment.occupation_offsets[row + 1]; ++i) {
      best = std::max(best, segment.occupation_factor[i] * relation_to_opening[segment.occupation_rome[i]]);
    }
    out->occupation[row] = best;
  }
  FloatColumn covered_required = FloatColumn::Zero(n), covered_desired = FloatColumn::Zero(n);
  for (int32_t item : opening.required_skill_indices) AddColumn(segment.skills, item, &covered_required);
  for (int32_t item : opening.desired_skill_indices) AddColumn(segment.skills, item, &covered_desired);
  const float required = static_cast<float>(opening.required_skill_indices.size());
  const float desired = static_cast<float>(opening.desired_skill_indices.size());
  out->skills = covered_required.binaryExpr(covered_desired, [required, desired](float r, float d) {
    return SkillCoverage(r, d, required, desired);
  });
  out->missing_required = required - covered_required;
}

void WalkOpeningSegment(const OpeningSegment& segment, const ResolvedCandidate& candidate,
                        absl::Span<const float> best_occupation_by_rome, WalkedCriteria* out) {
  const int n = segment.used_rows;
  out->occupation = segment.rome.head(n).unaryExpr([&](int32_t rome) {
    return rome < 0 ? 0.0f : best_occupation_by_rome[rome];
  });
  FloatColumn covered_required = FloatColumn::Zero(n), covered_desired = FloatColumn::Zero(n);
  for (int32_t item : candidate.skill_indices) {
    AddColumn(segment.required_skills, item, &covered_required);
    AddColumn(segment.desired_skills, item, &covered_desired);
  }
  out->skills.resize(n);
  for (int row = 0; row < n; ++row) {
    out->skills[row] = SkillCoverage(covered_required[row], covered_desired[row], segment.required_skill_count[row],
                                     segment.desired_skill_count[row]);
  }
  out->missing_required = segment.required_skill_count.head(n) - covered_required;
}

void WalkPair(const ResolvedCandidate& candidate, const ResolvedOpening& opening,
              const OccupationRelations& relations, WalkedCriteria* out) {
  float best = 0;
  for (const WeightedOccupation& o : candidate.occupations) {
    best = std::max(best, o.factor * relations.Score(o.rome_index, opening.rome_index));
  }
  auto count_common = [&candidate](const std::vector<int32_t>& items) {
    std::vector<int32_t> common;
    std::set_intersection(items.begin(), items.end(), candidate.skill_indices.begin(), candidate.skill_indices.end(),
                          std::back_inserter(common));
    return static_cast<float>(common.size());
  };
  const float covered_required = count_common(opening.required_skill_indices);
  const float covered_desired = count_common(opening.desired_skill_indices);
  const float required = static_cast<float>(opening.required_skill_indices.size());
  const float desired = static_cast<float>(opening.desired_skill_indices.size());
  out->occupation = FloatColumn::Constant(1, best);
  out->skills = FloatColumn::Constant(1, SkillCoverage(covered_required, covered_desired, required, desired));
  out->missing_required = FloatColumn::Constant(1, required - covered_required);
}

}  // namespace passerelle::engine::scoring
