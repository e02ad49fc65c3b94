#include "engine/index/candidate_segment.h"

#include <algorithm>
#include <cmath>

namespace passerelle::engine {

CandidateSegment::CandidateSegment()
    : alive(FloatColumn::Zero(kRows)), x(FloatColumn::Zero(kRows)), y(FloatColumn::Zero(kRows)),
      z(FloatColumn::Zero(kRows)), radius_km(FloatColumn::Ones(kRows)), french_level(FloatColumn::Zero(kRows)),
      french_attested(FloatColumn::Zero(kRows)), french_hours_planned(FloatColumn::Zero(kRows)),
      needs_housing_locally(FloatColumn::Zero(kRows)), relocation_accepted(FloatColumn::Zero(kRows)),
      driving_licence(FloatColumn::Zero(kRows)), right_to_work(FloatColumn::Zero(kRows)),
      available_from(FloatColumn::Zero(kRows)), accepted_contracts(MaskColumn::Zero(kRows)),
      weekly_availability(MaskColumn::Zero(kRows)), skills(kRows, 0), occupation_offsets(kRows + 1, 0),
      packed_offset_(kRows, 0), packed_size_(kRows, 0) {}

CandidateRowFeatures EncodeCandidateRow(const ResolvedCandidate& c) {
  const Candidate& r = c.record;
  CandidateRowFeatures f;
  f.x = c.position.x;
  f.y = c.position.y;
  f.z = c.position.z;
  f.radius_km = c.radius_km;
  f.french_level = static_cast<float>(r.french_level);
  f.french_attested = r.french_attested ? 1 : 0;
  f.french_hours_planned = r.french_hours_planned;
  f.needs_housing_locally = (r.housing == HousingStatus::kEmergency || r.housing == HousingStatus::kNone) ? 1 : 0;
  f.relocation_accepted = r.relocation_accepted ? 1 : 0;
  f.driving_licence = r.driving_licence ? 1 : 0;
  f.right_to_work = r.right_to_work ? 1 : 0;
  f.available_from = static_cast<float>(r.available_from);
  f.accepted_contracts = r.accepted_contracts;
  f.weekly_availability = r.weekly_availability;
  return f;
}

std::shared_ptr<const ResolvedCandidate> CandidateSegment::record(int row) const {
  if (!live(row)) return nullptr;
  return std::make_shared<const ResolvedCandidate>(UnpackCandidate(packed(row)));
}

absl::string_view CandidateSegment::id(int row) const {
  if (!live(row)) return {};
  return PackedCandidateView(packed(row)).id;
}

void CandidateSegment::Set(int row, const std::shared_ptr<const ResolvedCandidate>& candidate) {
  const CandidateRowFeatures f = EncodeCandidateRow(*candidate);
  alive[row] = 1;
  used_rows = std::max(used_rows, row + 1);
  x[row] = f.x;
  y[row] = f.y;
  z[row] = f.z;
  radius_km[row] = f.radius_km;
  french_level[row] = f.french_level;
  french_attested[row] = f.french_attested;
  french_hours_planned[row] = f.french_hours_planned;
  needs_housing_locally[row] = f.needs_housing_locally;
  relocation_accepted[row] = f.relocation_accepted;
  driving_licence[row] = f.driving_licence;
  right_to_work[row] = f.right_to_work;
  available_from[row] = f.available_from;
  accepted_contracts[row] = f.accepted_contracts;
  weekly_availability[row] = f.weekly_availability;
  dead_bytes_ += packed_size_[row];
  packed_offset_[row] = static_cast<uint32_t>(arena_.size());
  AppendPackedCandidate(*candidate, &arena_);
  packed_size_[row] = static_cast<uint32_t>(arena_.size() - packed_offset_[row]);
}

void CandidateSegment::Clear(int row) {
  alive[row] = 0;
  right_to_work[row] = 0;
  dead_bytes_ += packed_size_[row];
  packed_size_[row] = 0;
}

void CandidateSegment::CompactArena() {
  std::string compact;
  compact.reserve(arena_.size() - dead_bytes_);
  for (int row = 0; row < used_rows; ++row) {
    if (!live(row)) continue;
    const absl::string_view bytes = packed(row);
    packed_offset_[row] = static_cast<uint32_t>(compact.size());
    compact.append(bytes.data(), bytes.size());
  }
  arena_ = std::move(compact);
  dead_bytes_ = 0;
}

void CandidateSegment::Finish() {
  // Appending grows the arena's capacity up to twice its size, and replaced rows leave dead bytes: an
  // exact copy keeps the index at the packed size (the arena is most of a candidate's memory).
  if (dead_bytes_ > 0 || arena_.capacity() > arena_.size() + arena_.size() / 8) CompactArena();
  std::vector<Eigen::Triplet<float, int32_t>> triplets;
  std::vector<int32_t> skill_indices;
  std::vector<WeightedOccupation> occupations;
  int32_t columns = 0;
  occupation_rome.clear();
  occupation_factor.clear();
  for (int row = 0; row < kRows; ++row) {
    occupation_offsets[row] = static_cast<int32_t>(occupation_rome.size());
    if (!live(row)) continue;
    PackedFeatures(packed(row), &skill_indices, &occupations);
    for (int32_t item : skill_indices) {
      triplets.emplace_back(row, item, 1.0f);
      columns = std::max(columns, item + 1);
    }
    for (const WeightedOccupation& o : occupations) {
      occupation_rome.push_back(o.rome_index);
      occupation_factor.push_back(o.factor);
    }
  }
  occupation_offsets[kRows] = static_cast<int32_t>(occupation_rome.size());
  summary = Summary{};
  summary.center = LiveCenter(*this);
  for (int row = 0; row < used_rows; ++row) {
    if (!live(row)) continue;
    ++summary.live_rows;
    const float reach = GreatCircleKm(summary.center, UnitVector{x[row], y[row], z[row]}) + radius_km[row];
    summary.max_reach_km = std::max(summary.max_reach_km, reach);
    summary.any_relocating |= relocation_accepted[row] > 0.5f;
  }
  skills = SkillMatrix(kRows, columns);
  skills.setFromTriplets(triplets.begin(), triplets.end());
  skills.makeCompressed();
}

}  // namespace passerelle::engine
