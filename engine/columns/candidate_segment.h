// Candidates as columns: one segment holds kRows rows, one Eigen array per numeric feature, the rows
// holding each skill item (SegmentSkills) and a compressed list of occupations.
// The records themselves are kept packed (engine/model/candidate_pack.h) in one byte arena per segment,
// not as objects: queries read the columns, and only the rows they explain are unpacked.
//
// Thread-safety: thread-compatible; published segments are immutable and read by any thread.
#ifndef PASSERELLE_ENGINE_COLUMNS_CANDIDATE_SEGMENT_H_
#define PASSERELLE_ENGINE_COLUMNS_CANDIDATE_SEGMENT_H_

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>
#include <Eigen/SparseCore>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "engine/columns/features.h"
#include "engine/model/candidate_pack.h"
#include "engine/model/language_columns.h"
#include "engine/model/offer_fields.h"
#include "engine/model/route.h"
#include "engine/model/resolve.h"

namespace passerelle::engine {

// Column-major so that the rows holding one skill item are contiguous: scoring one opening walks only
// the columns of its items (an inverted-index walk). Opening segments hold their items this way.
using SkillMatrix = Eigen::SparseMatrix<float, Eigen::ColMajor, int32_t>;

// The skill items of a candidate segment's rows, by item: Rows(item) lists the rows holding it, in
// ascending order (the same walk as a SkillMatrix column). It is the pattern of such a matrix without
// its values, which were all 1, and with 16-bit rows: 2 bytes per item held instead of 8 (about 45 of a
// candidate's bytes at 1M, docs/operations.md "Memory").
class SegmentSkills {
 public:
  // Items 0 .. cols() - 1 may have rows; any other item has none.
  int32_t cols() const { return offsets_.empty() ? 0 : static_cast<int32_t>(offsets_.size() - 1); }
  absl::Span<const uint16_t> Rows(int32_t item) const {
    if (item < 0 || item >= cols()) return {};
    return absl::MakeConstSpan(rows_.data() + offsets_[item], offsets_[item + 1] - offsets_[item]);
  }
  size_t nonZeros() const { return rows_.size(); }
  // Replaces the contents with (item, row) pairs given by ascending row; rows < 65,536.
  void Build(absl::Span<const std::pair<int32_t, uint16_t>> item_rows, int32_t columns);

 private:
  std::vector<int32_t> offsets_;  // cols() + 1; item i's rows are rows_[offsets_[i], offsets_[i + 1])
  std::vector<uint16_t> rows_;
};

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

// Candidate rows made ready away from the table: packed, encoded and keyed. Start-up fills one of these
// per chunk of stored records on several threads, then the table takes them all in place order in one
// pass (MatchIndex::LoadCandidates): no row is built twice, and no record object outlives its chunk.
struct EncodedCandidates {
  // Appends `candidate` with its owner code `owner_code` and its order key `place_key`.
  void Add(const ResolvedCandidate& candidate, uint32_t owner_code, uint64_t place_key);
  // Room for `records` more records of about `packed_bytes` packed bytes in all (growing by doubling
  // copied each part's bytes about twice over).
  void Reserve(size_t records, size_t packed_bytes);
  size_t size() const { return place_keys.size(); }
  absl::string_view packed_of(size_t i) const {
    const uint32_t begin = i == 0 ? 0 : packed_end[i - 1];
    return absl::string_view(packed).substr(begin, packed_end[i] - begin);
  }

  std::string packed;                  // AppendPackedCandidate of each, back to back
  std::vector<uint32_t> packed_end;    // where each one's bytes end in `packed`
  std::vector<CandidateRowFeatures> features;
  std::vector<CandidateRowFilters> filters;
  std::vector<uint64_t> place_keys;
};

class CandidateSegment {
 public:
  static constexpr int kRows = 4096;
  // Rows per block summary: a multiple of the kernel's row multiple (16), so a run of whole blocks starts
  // where the selection's vector pass starts a chunk; 64 blocks fit a 64-bit mask.
  static constexpr int kBlockRows = 64;
  static constexpr int kBlocks = kRows / kBlockRows;

  CandidateSegment();

  void Set(int row, const std::shared_ptr<const ResolvedCandidate>& candidate);
  // Set from what EncodedCandidates holds: the row's columns and its packed record.
  void SetEncoded(int row, const CandidateRowFeatures& features, const CandidateRowFilters& filters,
                  absl::string_view packed);
  // Room for this many bytes of packed records, so that filling a new segment row by row grows the arena
  // once (Finish then has no spare capacity to drop).
  void ReserveArena(size_t bytes) { arena_.reserve(bytes); }
  void Clear(int row);
  // Copies a live row of another segment (its columns and packed record) into `row`; Finish() rebuilds
  // the rest. For SegmentedTable::Reorder.
  void CopyRow(int row, const CandidateSegment& from, int from_row);
  // Rebuilds the skill matrix, the occupation and experience lists and the segment and block summaries
  // after Set/Clear, and drops the bytes of replaced or cleared rows from the arena.
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
  // The same for rows [b * kBlockRows, (b + 1) * kBlockRows), so that a query reads only the blocks within
  // its reach (engine/index/segment_scan.h, CandidateBlocksInReach); recomputed by Finish(). A block
  // without live rows has live_rows 0 and is never read. 24 bytes a block, 0.4 byte a row.
  std::array<Summary, kBlocks> blocks;

  // Columns, kRows long; a cleared row has alive = 0 and neutral values elsewhere.
  FloatColumn alive;
  PASSERELLE_CANDIDATE_FEATURES(PASSERELLE_FEATURE_COLUMN)
  PASSERELLE_CANDIDATE_FILTER_COLUMNS(PASSERELLE_FEATURE_COLUMN)

  SegmentSkills skills;  // by item (up to the largest item index held), the rows holding it
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
  // Summary of the live rows [begin, end): their normalised mean position and reach, from the columns.
  Summary SummaryOf(int begin, int end) const;

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
