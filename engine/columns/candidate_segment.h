// Candidates as columns: one segment holds kRows rows, one Eigen array per numeric feature, a sparse
// matrix of skill items (rows = candidates, columns = items) and a compressed list of occupations.
// The records themselves are kept packed (engine/model/candidate_pack.h) in one byte arena per segment,
// not as objects: queries read the columns, and only the rows they explain are unpacked.
//
// Thread-safety: thread-compatible; published segments are immutable and read by any thread.
#ifndef PASSERELLE_ENGINE_COLUMNS_CANDIDATE_SEGMENT_H_
#define PASSERELLE_ENGINE_COLUMNS_CANDIDATE_SEGMENT_H_

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include <Eigen/Core>
#include <Eigen/SparseCore>

#include "absl/strings/string_view.h"
#include "engine/columns/features.h"
#include "engine/model/candidate_pack.h"
#include "engine/model/language_columns.h"
#include "engine/model/offer_fields.h"
#include "engine/model/route.h"
#include "engine/model/resolve.h"

namespace passerelle::engine {

// Column-major so that the rows holding one skill item are contiguous: scoring one opening walks only
// the columns of its items (an inverted-index walk).
using SkillMatrix = Eigen::SparseMatrix<float, Eigen::ColMajor, int32_t>;

// The numeric features of one candidate row, as the kernel reads them (PASSERELLE_CANDIDATE_FEATURES).
struct CandidateRowFeatures {
  PASSERELLE_CANDIDATE_FEATURES(PASSERELLE_FEATURE_FIELD)
};
CandidateRowFeatures EncodeCandidateRow(const ResolvedCandidate& c);

// The values of a candidate row's filter columns (PASSERELLE_CANDIDATE_FILTER_COLUMNS).
struct CandidateRowFilters {
  PASSERELLE_CANDIDATE_FILTER_COLUMNS(PASSERELLE_FEATURE_FIELD)
};
CandidateRowFilters EncodeCandidateFilters(const ResolvedCandidate& c);

class CandidateSegment {
 public:
  static constexpr int kRows = 4096;

  CandidateSegment();

  void Set(int row, const std::shared_ptr<const ResolvedCandidate>& candidate);
  void Clear(int row);
  // Copies a live row of another segment (its columns and packed record) into `row`; Finish() rebuilds
  // the rest. For SegmentedTable::Reorder.
  void CopyRow(int row, const CandidateSegment& from, int from_row);
  // Rebuilds the skill matrix, the occupation and experience lists and the summary after Set/Clear, and drops the bytes
  // of replaced or cleared rows from the arena.
  void Finish();

  bool live(int row) const { return packed_size_[row] > 0; }
  // The row's record, unpacked (a copy), or nullptr when the row is not live.
  std::shared_ptr<const ResolvedCandidate> record(int row) const;
  // The row's id, pointing into this segment; empty when the row is not live.
  absl::string_view id(int row) const;
  // The row's packed bytes; empty when the row is not live.
  absl::string_view packed(int row) const { return absl::string_view(arena_).substr(packed_offset_[row], packed_size_[row]); }

  // Rows [0, used_rows) may be live; queries scan only these.
  int used_rows = 0;

  // What a query needs to skip the whole segment; recomputed by Finish().
  struct Summary {
    UnitVector center;          // normalised mean of the live rows' positions
    float max_reach_km = 0;     // max over live rows of (distance from center + commute radius)
    bool any_relocating = false;  // some live row accepts to move for a job
    int live_rows = 0;            // rows holding a record (a skipped segment still counts them as scored)
  };
  Summary summary;

  // Columns, kRows long; a cleared row has alive = 0 and neutral values elsewhere.
  FloatColumn alive;
  PASSERELLE_CANDIDATE_FEATURES(PASSERELLE_FEATURE_COLUMN)
  PASSERELLE_CANDIDATE_FILTER_COLUMNS(PASSERELLE_FEATURE_COLUMN)

  SkillMatrix skills;  // kRows x (largest item index + 1), value 1 where the person holds the item
  // Occupations of row r: occupation_rome/factor[occupation_offsets[r] .. occupation_offsets[r + 1]).
  std::vector<int32_t> occupation_offsets;
  std::vector<int32_t> occupation_rome;
  std::vector<float> occupation_factor;
  // Past occupations of row r with their years (ResolvedCandidate::experience), for the experience
  // criterion: experience_rome/years[experience_offsets[r] .. experience_offsets[r + 1]).
  std::vector<int32_t> experience_offsets;
  std::vector<int32_t> experience_rome;
  std::vector<float> experience_years;

 private:
  void CompactArena();

  std::string arena_;                   // packed records, back to back
  size_t dead_bytes_ = 0;               // bytes of replaced or cleared rows still in arena_
  std::vector<uint32_t> packed_offset_;  // kRows; where a row's bytes start in arena_
  std::vector<uint32_t> packed_size_;    // kRows; 0 = no record
};

// Normalised mean position of a segment's live rows (its x, y, z columns), the centre of its summary.
template <class Segment>
UnitVector LiveCenter(const Segment& segment) {
  double sx = 0, sy = 0, sz = 0;
  for (int row = 0; row < segment.used_rows; ++row) {
    if (segment.live(row)) sx += segment.x[row], sy += segment.y[row], sz += segment.z[row];
  }
  const double norm = std::max(1e-12, std::sqrt(sx * sx + sy * sy + sz * sz));
  return {static_cast<float>(sx / norm), static_cast<float>(sy / norm), static_cast<float>(sz / norm)};
}

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_COLUMNS_CANDIDATE_SEGMENT_H_
