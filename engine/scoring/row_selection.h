// Which rows of a segment a query scores, and those rows gathered into a compact block.
//
// Why: a query without near-misses keeps only eligible pairs, and most pairs fail a hard constraint that
// a few columns decide, above all the distance: the other side lives beyond the commute radius and no
// move is possible. The Select*EligibleRows functions find, from those columns alone, the rows that may
// be eligible; the walks and the kernel then run on these rows only, gathered into a block, instead of
// on the whole segment.
//
// The selection is conservative: a row it drops fails some hard constraint of ScorePairs (distance with
// a margin, alive, right to work, contract, schedule, required licence, required licence categories,
// night and weekend work, salary floor, required languages), so the matches are exactly
// those of scoring every row (tests/engine/row_selection_test.cc). A dropped row might have been a
// near-miss, so queries that ask for near-misses score every row (SelectAllRows).
#ifndef PASSERELLE_ENGINE_SCORING_ROW_SELECTION_H_
#define PASSERELLE_ENGINE_SCORING_ROW_SELECTION_H_

#include <array>
#include <cstdint>
#include <vector>

#include "engine/columns/candidate_segment.h"
#include "engine/columns/features.h"
#include "engine/columns/opening_segment.h"
#include "engine/scoring/pair_kernel.h"

namespace passerelle::engine::scoring {

// Rows of one segment to score. Block row i is segment row rows[i]; slot[row] is the block row + 1 of
// a selected segment row and 0 otherwise (the walks count skill items through it, slot 0 collecting
// the rows not selected).
struct RowSelection {
  std::vector<int32_t> rows;
  std::vector<int32_t> slot;
  int count = 0;
  // Rows the kernel computes: count rounded up to kBlockRowMultiple.
  int padded() const { return PaddedRows(count); }
  // Set by SelectAllRows: the slots to reset next time are a prefix.
  bool all_rows = false;
  // Every selected row is in [begin_row, end_row) (the walks read only the skill items of these rows).
  // Set by every selection.
  int begin_row = 0;
  int end_row = 0;
};

// Every row [0, used_rows) of the segment, dead ones included (the selection of matches skips them):
// block row i is segment row i.
void SelectAllRows(int used_rows, int capacity, RowSelection* out);

// One opening against a candidate segment: the rows that may be eligible, from one vectorised pass over
// the columns those constraints read. `scratch` is working space.
void SelectEligibleCandidateRows(const CandidateSegment& segment, const OpeningRowFeatures& opening,
                                 FloatColumn* scratch, RowSelection* out);
// The same among the rows of the blocks of `blocks` only (bit b: rows [b, b + 1) x
// CandidateSegment::kBlockRows; the blocks in the opening's reach, engine/index/segment_scan.h).
inline constexpr uint64_t kAllCandidateBlocks = ~uint64_t{0};
static_assert(CandidateSegment::kBlocks == 64, "one bit of the mask per block");
void SelectEligibleCandidateRows(const CandidateSegment& segment, const OpeningRowFeatures& opening, uint64_t blocks,
                                 FloatColumn* scratch, RowSelection* out);

// One candidate against an opening segment: the rows that may be eligible. `scratch` is working space.
void SelectEligibleOpeningRows(const OpeningSegment& segment, const CandidateRowFeatures& candidate,
                               FloatColumn* scratch, RowSelection* out);
// The same among the rows of the blocks of `blocks` only (bit b: rows [b, b + 1) x
// OpeningSegment::kBlockRows; the blocks in the candidate's reach, engine/index/segment_scan.h).
inline constexpr uint32_t kAllOpeningBlocks = (1u << OpeningSegment::kBlocks) - 1;
void SelectEligibleOpeningRows(const OpeningSegment& segment, const CandidateRowFeatures& candidate, uint32_t blocks,
                               FloatColumn* scratch, RowSelection* out);

struct WalkedCriteria;  // engine/scoring/criteria_walks.h

// One candidate's side of an upper bound of a pair's total, for the selected rows of one opening segment
// (DropOpeningRowsBelow). engine/index/block_match.cc fills it; docs/batch.md ("How it works", step 5)
// says why each term is at most the kernel's.
struct OpeningRowBound {
  // Per 64-row block b (OpeningSegment::kBlockRows): the terms known per block (experience, mobility,
  // housing) plus the slack, at 2 b for a row that provides no housing and at 2 b + 1 for one that does.
  // Only the blocks holding selected rows are read.
  std::array<float, 2 * OpeningSegment::kBlocks> base_of;
  // KernelParams::normalized_weights.
  std::array<float, kCriterionCount> weights{};
  float french_met = 1;      // the French score when the level is met (1, or kFrenchDeclaredOnly)
  float french_level = 0;    // the candidate's CEFR level
  float available_from = 0;  // the candidate's available_from, a day number
  float today = 0;           // KernelParams::today
  float threshold = 0;       // rows whose bound is strictly below it are dropped
};
// Whole days of wait whose timing decay DropOpeningRowsBelow reads from a table; a longer wait is bounded
// by the decay at kBoundTimingDays - 1 days (the decay only falls with the wait).
inline constexpr int kBoundTimingDays = 1024;

// Drops from `selection` (and the walked criteria of its rows, `walked`, as the opening walk left them)
// the rows whose bound is strictly below bound.threshold, keeping the others in order, and returns how
// many were dropped. The bound of selected row i: base_of[its block and housing] + the weighted walked
// occupation and skills + the weighted tension + the weighted French bound + the weighted timing bound
// (the decay from the opening's start, or today, to available_from: table[min(wait, kBoundTimingDays - 1)]
// over whole days, rounded down). Branch-free passes (vectorised on the AVX2 and AVX-512 paths) compute
// every row's bound, then the rows kept are copied down; the rows kept are numbered afresh in `slot`,
// every other slot of [selection->begin_row, selection->end_row) is set to 0 (the selected rows lie
// there, as every selection sets), and the walked values past the rows kept, up to the padded count,
// are set to 0. `scratch` is working space.
int64_t DropOpeningRowsBelow(const OpeningSegment& segment, const OpeningRowBound& bound, FloatColumn* scratch,
                             RowSelection* selection, WalkedCriteria* walked);

// The candidate feature columns of selected rows, block row i = segment row rows[i]; the rows from count
// to padded() repeat block row 0 so that the kernel computes on valid values there.
struct CandidateBlock {
  CandidateBlock();
  PASSERELLE_CANDIDATE_FEATURES(PASSERELLE_FEATURE_COLUMN)
};
void GatherCandidateRows(const CandidateSegment& segment, const RowSelection& selection, CandidateBlock* out);

// The same for openings.
struct OpeningBlock {
  OpeningBlock();
  PASSERELLE_OPENING_FEATURES(PASSERELLE_FEATURE_COLUMN)
};
void GatherOpeningRows(const OpeningSegment& segment, const RowSelection& selection, OpeningBlock* out);

}  // namespace passerelle::engine::scoring

#endif  // PASSERELLE_ENGINE_SCORING_ROW_SELECTION_H_
