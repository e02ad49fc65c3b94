#include "engine/index/opening_segment.h"

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
    : alive(FloatColumn::Zero(kRows)), x(FloatColumn::Zero(kRows)), y(FloatColumn::Zero(kRows)),
      z(FloatColumn::Zero(kRows)), french_min_level(FloatColumn::Zero(kRows)),
      french_requirement(FloatColumn::Zero(kRows)), french_training_hours(FloatColumn::Zero(kRows)),
      licence_requirement(FloatColumn::Zero(kRows)), start_date(FloatColumn::Zero(kRows)),
      housing_provided(FloatColumn::Zero(kRows)), tension(FloatColumn::Zero(kRows)),
      required_skill_count(FloatColumn::Zero(kRows)), desired_skill_count(FloatColumn::Zero(kRows)),
      contract_bit(MaskColumn::Zero(kRows)), weekly_schedule(MaskColumn::Zero(kRows)),
      rome(Eigen::Array<int32_t, Eigen::Dynamic, 1>::Constant(kRows, -1)), required_skills(kRows, 0),
      desired_skills(kRows, 0), records_(kRows) {}

OpeningRowFeatures EncodeOpeningRow(const ResolvedOpening& o) {
  const Opening& r = o.record;
  OpeningRowFeatures f;
  f.x = o.position.x;
  f.y = o.position.y;
  f.z = o.position.z;
  f.french_min_level = static_cast<float>(r.french_min_level);
  f.french_requirement = static_cast<float>(r.french_requirement);
  f.french_training_hours = r.french_training_hours;
  f.licence_requirement = static_cast<float>(r.driving_licence);
  f.start_date = static_cast<float>(r.start_date);
  f.housing_provided = r.housing_provided ? 1 : 0;
  f.tension = o.tension;
  f.contract_bit = ContractBit(r.contract);
  f.weekly_schedule = r.weekly_schedule;
  return f;
}

void OpeningSegment::Set(int row, std::shared_ptr<const ResolvedOpening> opening) {
  const ResolvedOpening& o = *opening;
  const OpeningRowFeatures f = EncodeOpeningRow(o);
  alive[row] = 1;
  used_rows = std::max(used_rows, row + 1);
  x[row] = f.x;
  y[row] = f.y;
  z[row] = f.z;
  french_min_level[row] = f.french_min_level;
  french_requirement[row] = f.french_requirement;
  french_training_hours[row] = f.french_training_hours;
  licence_requirement[row] = f.licence_requirement;
  start_date[row] = f.start_date;
  housing_provided[row] = f.housing_provided;
  tension[row] = f.tension;
  required_skill_count[row] = static_cast<float>(o.required_skill_indices.size());
  desired_skill_count[row] = static_cast<float>(o.desired_skill_indices.size());
  contract_bit[row] = f.contract_bit;
  weekly_schedule[row] = f.weekly_schedule;
  rome[row] = o.rome_index;
  records_[row] = std::move(opening);
}

void OpeningSegment::Clear(int row) {
  alive[row] = 0;
  rome[row] = -1;
  records_[row] = nullptr;
}

void OpeningSegment::Finish() {
  Triplets required, desired;
  int32_t columns = 0;
  for (int row = 0; row < kRows; ++row) {
    if (!records_[row]) continue;
    for (int32_t item : records_[row]->required_skill_indices) {
      required.emplace_back(row, item, 1.0f);
      columns = std::max(columns, item + 1);
    }
    for (int32_t item : records_[row]->desired_skill_indices) {
      desired.emplace_back(row, item, 1.0f);
      columns = std::max(columns, item + 1);
    }
  }
  required_skills = BuildSkillMatrix(required, columns);
  desired_skills = BuildSkillMatrix(desired, columns);
  summary = Summary{};
  summary.center = LiveCenter(*this);
  for (int row = 0; row < used_rows; ++row) {
    if (!records_[row]) continue;
    ++summary.live_rows;
    summary.max_distance_km = std::max(summary.max_distance_km, GreatCircleKm(summary.center, records_[row]->position));
    summary.any_housing |= housing_provided[row] > 0.5f;
  }
}

}  // namespace passerelle::engine
