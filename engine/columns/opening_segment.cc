#include "engine/columns/opening_segment.h"

#include <algorithm>
#include <cmath>

namespace passerelle::engine {
namespace {

using Triplets = std::vector<Eigen::Triplet<float, int32_t>>;

SkillMatrix BuildSkillMatrix(const Triplets& triplets, int32_t columns) {
  SkillMatrix m(OpeningSegment::kRows, columns);
  m.setFromTriplets(triplets.begin(), triplets.end());
  m.makeCompressed();
  return m;
}

}  // namespace

OpeningSegment::OpeningSegment()
    : alive(FloatColumn::Zero(kRows)), required_skill_count(FloatColumn::Zero(kRows)),
      desired_skill_count(FloatColumn::Zero(kRows)), core_skill_count(FloatColumn::Zero(kRows)),
      rome(Eigen::Array<int32_t, Eigen::Dynamic, 1>::Constant(kRows, -1)), required_skills(kRows, 0),
      desired_skills(kRows, 0), core_skills(kRows, 0), records_(kRows) {
#define PASSERELLE_INIT(name, type, neutral, encoding) name = Column<type>::Constant(kRows, neutral);
  PASSERELLE_OPENING_FEATURES(PASSERELLE_INIT)
#undef PASSERELLE_INIT
}

OpeningRowFeatures EncodeOpeningRow(const ResolvedOpening& c) {
  const Opening& r = c.record;
  OpeningRowFeatures f;
  PASSERELLE_OPENING_FEATURES(PASSERELLE_FEATURE_ENCODE)
  return f;
}

void OpeningSegment::Set(int row, std::shared_ptr<const ResolvedOpening> opening) {
  const ResolvedOpening& o = *opening;
  const OpeningRowFeatures f = EncodeOpeningRow(o);
  alive[row] = 1;
  used_rows = std::max(used_rows, row + 1);
#define PASSERELLE_SET(name, type, neutral, encoding) name[row] = f.name;
  PASSERELLE_OPENING_FEATURES(PASSERELLE_SET)
#undef PASSERELLE_SET
  required_skill_count[row] = static_cast<float>(o.required_skill_indices.size());
  desired_skill_count[row] = static_cast<float>(o.desired_skill_indices.size());
  core_skill_count[row] = static_cast<float>(o.core_skill_indices.size());
  rome[row] = o.rome_index;
  records_[row] = std::move(opening);
}

void OpeningSegment::Clear(int row) {
  alive[row] = 0;
  rome[row] = -1;
  core_skill_count[row] = 0;
  records_[row] = nullptr;
}

void OpeningSegment::Finish() {
  Triplets required, desired, core;
  int32_t columns = 0;
  for (int row = 0; row < kRows; ++row) {
    if (!records_[row]) continue;
    for (int32_t item : records_[row]->required_skill_indices) {
      required.emplace_back(row, item, 1.0f);
      columns = std::max(columns, item + 1);
    }
    for (int32_t item : records_[row]->core_skill_indices) core.emplace_back(row, item, 1.0f);
    for (int32_t item : records_[row]->desired_skill_indices) {
      desired.emplace_back(row, item, 1.0f);
      columns = std::max(columns, item + 1);
    }
  }
  required_skills = BuildSkillMatrix(required, columns);
  desired_skills = BuildSkillMatrix(desired, columns);
  core_skills = BuildSkillMatrix(core, columns);
  summary = Summary{};
  summary.center = LiveCenter(*this);
  for (int row = 0; row < used_rows; ++row) {
    if (!records_[row]) continue;
    ++summary.live_rows;
    summary.max_distance_km = std::max(summary.max_distance_km, GreatCircleKm(summary.center, records_[row]->position));
    summary.any_housing |= housing_provided[row] > 0.5f;
  }
  FinishBlocks();
}

// Each block's center is the normalised mean of its live rows, as the segment's.
void OpeningSegment::FinishBlocks() {
  for (int b = 0; b < kBlocks; ++b) {
    BlockSummary& block = blocks[b];
    block = BlockSummary{};
    const int first = b * kBlockRows, end = std::min(used_rows, first + kBlockRows);
    double sx = 0, sy = 0, sz = 0;
    for (int row = first; row < end; ++row) {
      if (!records_[row]) continue;
      ++block.live_rows;
      sx += x[row], sy += y[row], sz += z[row];
    }
    if (block.live_rows == 0) continue;
    const double norm = std::max(1e-12, std::sqrt(sx * sx + sy * sy + sz * sz));
    block.center = {static_cast<float>(sx / norm), static_cast<float>(sy / norm), static_cast<float>(sz / norm)};
    for (int row = first; row < end; ++row) {
      if (records_[row]) block.max_distance_km = std::max(block.max_distance_km, GreatCircleKm(block.center, records_[row]->position));
    }
  }
}

}  // namespace passerelle::engine
