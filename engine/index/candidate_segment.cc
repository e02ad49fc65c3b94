#include "engine/index/candidate_segment.h"

#include <algorithm>
#include <cmath>

#include "engine/scoring/constants.h"

namespace passerelle::engine {
namespace {

// Spreads the low 16 bits of `v` to the even bits of the result.
uint32_t SpreadBits(uint32_t v) {
  v &= 0xffff;
  v = (v | (v << 8)) & 0x00ff00ff;
  v = (v | (v << 4)) & 0x0f0f0f0f;
  v = (v | (v << 2)) & 0x33333333;
  v = (v | (v << 1)) & 0x55555555;
  return v;
}

// Sort key of a row for spatial_order: the relocation flag in the top bit, then a Z-order (Morton) code of
// latitude (15 bits) and longitude (16 bits), so that rows close in the key are mostly close on the map.
uint32_t SpatialKey(const CandidateRowFeatures& f) {
  const double latitude = std::asin(std::clamp(f.z, -1.0f, 1.0f));  // radians
  const double longitude = std::atan2(f.y, f.x);
  const auto lat_cell = static_cast<uint32_t>(std::clamp((latitude / M_PI + 0.5) * 32767.0, 0.0, 32767.0));
  const auto lon_cell = static_cast<uint32_t>(std::clamp((longitude / (2 * M_PI) + 0.5) * 65535.0, 0.0, 65535.0));
  const uint32_t morton = (SpreadBits(lat_cell) << 1) | SpreadBits(lon_cell);  // bit 31 is free: lat < 2^15
  return (f.relocation_accepted > 0.5f ? 0x80000000u : 0u) | morton;
}

}  // namespace

CandidateSegment::CandidateSegment()
    : alive(FloatColumn::Zero(kRows)), x(FloatColumn::Zero(kRows)), y(FloatColumn::Zero(kRows)),
      z(FloatColumn::Zero(kRows)), radius_km(FloatColumn::Ones(kRows)), french_level(FloatColumn::Zero(kRows)),
      french_attested(FloatColumn::Zero(kRows)), french_hours_planned(FloatColumn::Zero(kRows)),
      needs_housing_locally(FloatColumn::Zero(kRows)), relocation_accepted(FloatColumn::Zero(kRows)),
      driving_licence(FloatColumn::Zero(kRows)), right_to_work(FloatColumn::Zero(kRows)),
      available_from(FloatColumn::Zero(kRows)), accepted_contracts(MaskColumn::Zero(kRows)),
      weekly_availability(MaskColumn::Zero(kRows)), skills(kRows, 0), occupation_offsets(kRows + 1, 0),
      packed_offset_(kRows, 0), packed_size_(kRows, 0), spatial_key_(kRows, 0) {}

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
  spatial_key_[row] = SpatialKey(f);
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
    const float reach = GreatCircleKm(summary.center, UnitVector{x[row], y[row], z[row]}) + radius_km[row];
    summary.max_reach_km = std::max(summary.max_reach_km, reach);
    summary.any_relocating |= relocation_accepted[row] > 0.5f;
  }
  BuildBlocks();
  skills = SkillMatrix(kRows, columns);
  skills.setFromTriplets(triplets.begin(), triplets.end());
  skills.makeCompressed();
}

}  // namespace passerelle::engine

namespace passerelle::engine {

void CandidateSegment::BuildBlocks() {
  std::vector<uint64_t> keyed;  // key << 16 | row: one sort orders rows by key, ties by row
  keyed.reserve(used_rows);
  for (int row = 0; row < used_rows; ++row) {
    if (live(row)) keyed.push_back(static_cast<uint64_t>(spatial_key_[row]) << 16 | static_cast<uint64_t>(row));
  }
  std::sort(keyed.begin(), keyed.end());
  spatial_order.resize(keyed.size());
  for (size_t i = 0; i < keyed.size(); ++i) spatial_order[i] = static_cast<uint16_t>(keyed[i] & 0xffff);

  blocks.clear();
  for (size_t begin = 0; begin < spatial_order.size(); begin += kBlockRows) {
    const size_t end = std::min(spatial_order.size(), begin + kBlockRows);
    double sx = 0, sy = 0, sz = 0;
    for (size_t i = begin; i < end; ++i) {
      const int row = spatial_order[i];
      sx += x[row], sy += y[row], sz += z[row];
    }
    const double norm = std::max(1e-12, std::sqrt(sx * sx + sy * sy + sz * sz));
    Summary block;
    block.center = {static_cast<float>(sx / norm), static_cast<float>(sy / norm), static_cast<float>(sz / norm)};
    for (size_t i = begin; i < end; ++i) {
      const int row = spatial_order[i];
      const float reach = GreatCircleKm(block.center, UnitVector{x[row], y[row], z[row]}) + radius_km[row];
      block.max_reach_km = std::max(block.max_reach_km, reach);
      block.any_relocating |= relocation_accepted[row] > 0.5f;
    }
    const double angle = std::min(M_PI, (block.max_reach_km + 1.0) / scoring::kEarthRadiusKm);
    const double chord = 2.0 * std::sin(angle / 2.0);
    block.reach_chord2 = static_cast<float>(chord * chord) * (1.0f + 1e-5f);  // rounding: keep, never drop
    blocks.push_back(block);
  }
}

void CandidateSegment::AppendReachableRows(const UnitVector& position, bool housing_provided,
                                           std::vector<uint16_t>* rows) const {
  for (size_t b = 0; b < blocks.size(); ++b) {
    const Summary& block = blocks[b];
    if (!(housing_provided && block.any_relocating)) {
      const float dx = position.x - block.center.x, dy = position.y - block.center.y, dz = position.z - block.center.z;
      if (dx * dx + dy * dy + dz * dz > block.reach_chord2) continue;  // OutOfReach(block, ...)
    }
    const size_t begin = b * kBlockRows;
    const size_t end = std::min(spatial_order.size(), begin + kBlockRows);
    rows->insert(rows->end(), spatial_order.begin() + begin, spatial_order.begin() + end);
  }
}

}  // namespace passerelle::engine
