#include "engine/columns/candidate_segment.h"

#include <algorithm>
#include <cmath>

namespace passerelle::engine {

static_assert(CandidateSegment::kRows <= 65536, "SegmentSkills keeps rows in 16 bits");

void SegmentSkills::Build(absl::Span<const std::pair<int32_t, uint16_t>> item_rows, int32_t columns) {
  // A counting sort by item; rows stay ascending within an item because they come in row order.
  offsets_.assign(static_cast<size_t>(columns) + 1, 0);
  for (const auto& [item, row] : item_rows) ++offsets_[item + 1];
  for (int32_t i = 0; i < columns; ++i) offsets_[i + 1] += offsets_[i];
  rows_.resize(item_rows.size());
  std::vector<int32_t> next(offsets_.begin(), offsets_.end() - 1);
  for (const auto& [item, row] : item_rows) rows_[next[item]++] = row;
  if (columns == 0) offsets_.clear();
}

CandidateSegment::CandidateSegment()
    : alive(FloatColumn::Zero(kRows)), occupation_offsets(kRows + 1, 0),
      experience_offsets(kRows + 1, 0), packed_offset_(kRows, 0),
      packed_size_(kRows, 0) {
#define PASSERELLE_INIT(name, type, neutral, encoding) name = Column<type>::Constant(kRows, neutral);
  PASSERELLE_CANDIDATE_FEATURES(PASSERELLE_INIT)
  PASSERELLE_CANDIDATE_FILTER_COLUMNS(PASSERELLE_INIT)
#undef PASSERELLE_INIT
}

CandidateRowFeatures EncodeCandidateRow(const ResolvedCandidate& c) {
  const Candidate& r = c.record;
  CandidateRowFeatures f;
  PASSERELLE_CANDIDATE_FEATURES(PASSERELLE_FEATURE_ENCODE)
  return f;
}

CandidateRowFilters EncodeCandidateFilters(const ResolvedCandidate& c) {
  const Candidate& r = c.record;
  CandidateRowFilters f;
  PASSERELLE_CANDIDATE_FILTER_COLUMNS(PASSERELLE_FEATURE_ENCODE)
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

void EncodedCandidates::Reserve(size_t records, size_t packed_bytes) {
  packed.reserve(packed.size() + packed_bytes);
  packed_end.reserve(packed_end.size() + records);
  features.reserve(features.size() + records);
  filters.reserve(filters.size() + records);
  place_keys.reserve(place_keys.size() + records);
}

void EncodedCandidates::Add(const ResolvedCandidate& candidate, uint32_t owner_code, uint64_t place_key) {
  AppendPackedCandidate(candidate, &packed);
  packed_end.push_back(static_cast<uint32_t>(packed.size()));
  features.push_back(EncodeCandidateRow(candidate));
  filters.push_back(EncodeCandidateFilters(candidate));
  filters.back().owner_code = owner_code;
  place_keys.push_back(place_key);
}

// Writes field `name` of the row struct `f` into the column of that name.
#define PASSERELLE_SET(name, type, neutral, encoding) name[row] = f.name;

void CandidateSegment::Set(int row, const std::shared_ptr<const ResolvedCandidate>& candidate) {
  const CandidateRowFeatures f = EncodeCandidateRow(*candidate);
  alive[row] = 1;
  used_rows = std::max(used_rows, row + 1);
  PASSERELLE_CANDIDATE_FEATURES(PASSERELLE_SET)
  {
    const CandidateRowFilters f = EncodeCandidateFilters(*candidate);
    PASSERELLE_CANDIDATE_FILTER_COLUMNS(PASSERELLE_SET)
  }
  dead_bytes_ += packed_size_[row];
  packed_offset_[row] = static_cast<uint32_t>(arena_.size());
  AppendPackedCandidate(*candidate, &arena_);
  packed_size_[row] = static_cast<uint32_t>(arena_.size() - packed_offset_[row]);
}

void CandidateSegment::SetEncoded(int row, const CandidateRowFeatures& features, const CandidateRowFilters& filters,
                                  absl::string_view packed) {
  alive[row] = 1;
  used_rows = std::max(used_rows, row + 1);
  {
    const CandidateRowFeatures& f = features;
    PASSERELLE_CANDIDATE_FEATURES(PASSERELLE_SET)
  }
  {
    const CandidateRowFilters& f = filters;
    PASSERELLE_CANDIDATE_FILTER_COLUMNS(PASSERELLE_SET)
  }
#undef PASSERELLE_SET
  dead_bytes_ += packed_size_[row];
  packed_offset_[row] = static_cast<uint32_t>(arena_.size());
  arena_.append(packed.data(), packed.size());
  packed_size_[row] = static_cast<uint32_t>(packed.size());
}

void CandidateSegment::CopyRow(int row, const CandidateSegment& from, int from_row) {
  alive[row] = from.alive[from_row];
  used_rows = std::max(used_rows, row + 1);
#define PASSERELLE_COPY(name, type, neutral, encoding) name[row] = from.name[from_row];
  PASSERELLE_CANDIDATE_FEATURES(PASSERELLE_COPY)
  PASSERELLE_CANDIDATE_FILTER_COLUMNS(PASSERELLE_COPY)
#undef PASSERELLE_COPY
  const absl::string_view bytes = from.packed(from_row);
  dead_bytes_ += packed_size_[row];
  packed_offset_[row] = static_cast<uint32_t>(arena_.size());
  arena_.append(bytes.data(), bytes.size());
  packed_size_[row] = static_cast<uint32_t>(bytes.size());
}

void CandidateSegment::Clear(int row) {
  alive[row] = 0;
  right_to_work[row] = 0;
  owner_code[row] = 0;
  shared_with_employers[row] = 0;
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

CandidateSegment::Summary CandidateSegment::SummaryOf(int begin, int end) const {
  Summary out;
  double sx = 0, sy = 0, sz = 0;
  for (int row = begin; row < end; ++row) {
    if (!live(row)) continue;
    ++out.live_rows;
    sx += x[row], sy += y[row], sz += z[row];
  }
  if (out.live_rows == 0) return out;
  // The normalised mean, as LiveCenter computes it (the same sums in the same order).
  const double norm = std::max(1e-12, std::sqrt(sx * sx + sy * sy + sz * sz));
  out.center = {static_cast<float>(sx / norm), static_cast<float>(sy / norm), static_cast<float>(sz / norm)};
  for (int row = begin; row < end; ++row) {
    if (!live(row)) continue;
    const float reach = GreatCircleKm(out.center, UnitVector{x[row], y[row], z[row]}) + radius_km[row];
    out.max_reach_km = std::max(out.max_reach_km, reach);
    out.any_relocating |= relocation_accepted[row] > 0.5f;
  }
  return out;
}

void CandidateSegment::Finish() {
  // Appending grows the arena's capacity up to twice its size, and replaced rows leave dead bytes: an
  // exact copy keeps the index at the packed size (the arena is most of a candidate's memory).
  if (dead_bytes_ > 0 || arena_.capacity() > arena_.size() + arena_.size() / 8) CompactArena();
  std::vector<std::pair<int32_t, uint16_t>> item_rows;
  std::vector<int32_t> skill_indices;
  std::vector<WeightedOccupation> occupations, experience;
  int32_t columns = 0;
  occupation_rome.clear();
  occupation_factor.clear();
  experience_rome.clear();
  experience_years.clear();
  for (int row = 0; row < kRows; ++row) {
    occupation_offsets[row] = static_cast<int32_t>(occupation_rome.size());
    experience_offsets[row] = static_cast<int32_t>(experience_rome.size());
    if (!live(row)) continue;
    PackedFeatures(packed(row), &skill_indices, &occupations, &experience);
    for (const WeightedOccupation& o : experience) {
      experience_rome.push_back(o.rome_index);
      experience_years.push_back(o.factor);
    }
    for (int32_t item : skill_indices) {
      item_rows.emplace_back(item, static_cast<uint16_t>(row));
      columns = std::max(columns, item + 1);
    }
    for (const WeightedOccupation& o : occupations) {
      occupation_rome.push_back(o.rome_index);
      occupation_factor.push_back(o.factor);
    }
  }
  occupation_offsets[kRows] = static_cast<int32_t>(occupation_rome.size());
  experience_offsets[kRows] = static_cast<int32_t>(experience_rome.size());
  summary = SummaryOf(0, used_rows);
  for (int b = 0; b < kBlocks; ++b) {
    const int first = b * kBlockRows;
    blocks[b] = first < used_rows ? SummaryOf(first, std::min(used_rows, first + kBlockRows)) : Summary{};
  }
  skills.Build(item_rows, columns);
  // Built by appending: drop the spare capacity (segments live long, and there are many).
  for (std::vector<int32_t>* v : {&occupation_rome, &experience_rome}) v->shrink_to_fit();
  for (std::vector<float>* v : {&occupation_factor, &experience_years}) v->shrink_to_fit();
}

}  // namespace passerelle::engine
