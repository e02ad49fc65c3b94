// Openings as columns: one segment holds kRows rows, one Eigen array per numeric feature and two sparse
// matrices of skill items (required, desired; rows = openings, columns = items).
//
// The index keeps a segment's rows in place order within its région/housing bucket (MatchIndex), so each
// block of kBlockRows consecutive rows covers a small area; its BlockSummary lets a query read only the
// rows of the blocks within its reach (engine/index/segment_scan.h, OpeningBlocksInReach).
//
// Thread-safety: thread-compatible; published segments are immutable and read by any thread.
#ifndef PASSERELLE_ENGINE_COLUMNS_OPENING_SEGMENT_H_
#define PASSERELLE_ENGINE_COLUMNS_OPENING_SEGMENT_H_

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/strings/string_view.h"
#include "engine/columns/candidate_segment.h"
#include "engine/columns/features.h"
#include "engine/model/resolve.h"

namespace passerelle::engine {

// The numeric features of one opening row, as the kernel reads them (PASSERELLE_OPENING_FEATURES).
struct OpeningRowFeatures {
  PASSERELLE_OPENING_FEATURES(PASSERELLE_FEATURE_FIELD)
};
OpeningRowFeatures EncodeOpeningRow(const ResolvedOpening& o);

class OpeningSegment {
 public:
  static constexpr int kRows = 1024;
  // Rows per block summary: a multiple of the kernel's row multiple (16), so a range of whole blocks
  // starts where the selection's vector pass starts a chunk.
  static constexpr int kBlockRows = 64;
  static constexpr int kBlocks = kRows / kBlockRows;

  OpeningSegment();

  void Set(int row, std::shared_ptr<const ResolvedOpening> opening);
  void Clear(int row);
  // Row `row` takes `from`'s live row `from_row` (SegmentedTable::Reorder).
  void CopyRow(int row, const OpeningSegment& from, int from_row) { Set(row, from.records_[from_row]); }
  // Rebuilds the skill matrices after Set/Clear.
  void Finish();

  bool live(int row) const { return records_[row] != nullptr; }
  const std::shared_ptr<const ResolvedOpening>& record(int row) const { return records_[row]; }
  // The row's id (pointing into its record, which the segment keeps); empty when the row is not live.
  absl::string_view id(int row) const { return records_[row] ? absl::string_view(records_[row]->record.id) : absl::string_view(); }

  // Rows [0, used_rows) may be live; queries scan only these.
  int used_rows = 0;

  // What a query needs to skip the whole segment; recomputed by Finish().
  struct Summary {
    UnitVector center;            // normalised mean of the live rows' positions
    float max_distance_km = 0;    // every live row is within this of the center
    bool any_housing = false;     // some live row provides housing (a far candidate who moves may take it)
    int live_rows = 0;            // rows holding a record (a skipped segment still counts them as scored)
  };
  Summary summary;
  // The same for rows [b * kBlockRows, (b + 1) * kBlockRows) (any_housing is the segment's); recomputed by
  // Finish(). A block without live rows has live_rows 0 and is never read.
  struct BlockSummary {
    UnitVector center;
    float max_distance_km = 0;
    int live_rows = 0;
  };
  std::array<BlockSummary, kBlocks> blocks;

  FloatColumn alive;
  PASSERELLE_OPENING_FEATURES(PASSERELLE_FEATURE_COLUMN)
  FloatColumn required_skill_count, desired_skill_count, core_skill_count;
  Eigen::Array<int32_t, Eigen::Dynamic, 1> rome;  // -1 on a cleared row

  SkillMatrix required_skills, desired_skills, core_skills;  // kRows x items, value 1

 private:
  void FinishBlocks();
  std::vector<std::shared_ptr<const ResolvedOpening>> records_;
};

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_COLUMNS_OPENING_SEGMENT_H_
