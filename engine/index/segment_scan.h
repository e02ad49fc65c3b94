// How MatchIndex scans a table of segments for one record, in either direction: which segments and rows
// it skips, how the walks and the kernel run on the rest, how the best matches and near-misses are kept,
// and how a large scan is split over threads. Internal to engine/index/match_index.cc.
#ifndef PASSERELLE_ENGINE_INDEX_SEGMENT_SCAN_H_
#define PASSERELLE_ENGINE_INDEX_SEGMENT_SCAN_H_

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "absl/types/span.h"
#include "engine/columns/place_order.h"
#include "engine/common/parallel.h"
#include "engine/index/match_index.h"
#include "engine/index/top_k.h"
#include "engine/scoring/criteria_walks.h"
#include "engine/scoring/feature_sources.h"
#include "engine/scoring/pair_kernel.h"
#include "engine/scoring/row_selection.h"

namespace passerelle::engine::scan_internal {

namespace sc = scoring;

// A row kept by the selection: where it lives in the query's snapshot and its scores, copied out of the
// block arrays (which the next segment overwrites).
struct KeptRow {
  int32_t segment = 0;
  int32_t row = 0;
  std::array<float, kCriterionCount> criteria{};
  float distance_km = 0;
  uint32_t blockers = 0;
  float ready_day = 0;
};

// `at`: the row's place in the block arrays.
inline KeptRow Keep(const sc::BlockScores& scores, int32_t segment, int32_t row, int at) {
  KeptRow kept{segment, row, {}, scores.distance_km[at], scores.blockers[at], scores.ready_day[at]};
  for (int k = 0; k < kCriterionCount; ++k) kept.criteria[k] = scores.criteria[k][at];
  return kept;
}

inline ScoredMatch MakeMatch(const TopK<KeptRow>::Entry& entry, const sc::KernelParams& params) {
  ScoredMatch m;
  m.id = std::string(entry.id);
  m.total = entry.score;
  m.distance_km = entry.payload.distance_km;
  m.blockers = entry.payload.blockers;
  m.ready_day = static_cast<Day>(entry.payload.ready_day);
  m.criteria = entry.payload.criteria;
  for (int k = 0; k < kCriterionCount; ++k) m.contributions[k] = params.normalized_weights[k] * m.criteria[k];
  return m;
}

// Selection state of one query: the best matches and, optionally, the best near-misses.
struct Selection {
  Selection(const MatchQuery& q) : query(q), matches(q.k), near_misses(q.near_misses) {}

  // Considers every live row of one scored segment; `extra_ok(row)` applies direction-specific filters.
  template <class Segment, class ExtraFilter>
  void Consider(const Segment& segment, int32_t segment_index, const sc::BlockScores& scores, ExtraFilter extra_ok,
                MatchResult* result) {
    for (int row = 0; row < segment.used_rows; ++row) {
      if (segment.alive[row] < 0.5f) continue;
      ++result->scored;
      const float total = scores.total[row];
      const uint32_t blockers = scores.blockers[row];
      if (count_blockers && blockers != 0 && !(query.max_distance_km > 0 && scores.distance_km[row] > query.max_distance_km) &&
          extra_ok(row)) {
        for (uint32_t bits = blockers; bits != 0; bits &= bits - 1) ++result->blocker_counts[std::countr_zero(bits)];
      }
      if (total < query.min_score) continue;
      if (query.max_distance_km > 0 && scores.distance_km[row] > query.max_distance_km) continue;
      if (blockers == 0) {
        if (!extra_ok(row)) continue;
        ++result->eligible;
        if (matches.MayAccept(total)) matches.Push(total, segment.id(row), Keep(scores, segment_index, row, row));
      } else if ((blockers & ~sc::kRelaxableBlockers) == 0 && near_misses.MayAccept(total) && extra_ok(row)) {
        near_misses.Push(total, segment.id(row), Keep(scores, segment_index, row, row));
      }
    }
  }

  // Adds the other part's selections and counts (the other part scanned other segments).
  void Merge(Selection& other, const MatchResult& other_counts, MatchResult* result) {
    for (auto& entry : other.matches.Take()) matches.Push(entry.score, entry.id, entry.payload);
    for (auto& entry : other.near_misses.Take()) near_misses.Push(entry.score, entry.id, entry.payload);
    result->scored += other_counts.scored;
    result->eligible += other_counts.eligible;
    for (int i = 0; i < kBlockerKinds; ++i) result->blocker_counts[i] += other_counts.blocker_counts[i];
  }

  // Moves the selections into `result`; `explain(kept)` explains one kept row.
  template <class ExplainFn>
  void Finish(const sc::KernelParams& params, ExplainFn explain, MatchResult* result) {
    auto drain = [&](TopK<KeptRow>& top, std::vector<ScoredMatch>* out) {
      for (const auto& entry : top.Take()) {
        out->push_back(MakeMatch(entry, params));
        if (query.explain) out->back().explanation = std::make_shared<const Explanation>(explain(entry.payload));
      }
    };
    drain(matches, &result->matches);
    drain(near_misses, &result->near_misses);
  }

  const MatchQuery& query;
  // Count each ineligible row's blockers in MatchResult::blocker_counts (full scans only: a selected scan
  // never sees most blocked rows).
  bool count_blockers = false;
  TopK<KeptRow> matches;
  TopK<KeptRow> near_misses;
};

// A segment can be skipped when none of its rows can be eligible: all of them are beyond the commute
// radius and no move is possible (nobody in it would move, or the opening provides no housing). 1 km
// of slack covers the kernel's float distance.
inline bool CannotBeEligible(const ResolvedOpening& opening, const CandidateSegment::Summary& segment) {
  return CandidateSegmentOutOfReach(segment, opening.position, opening.record.housing_provided);
}
inline bool CannotBeEligible(const ResolvedCandidate& candidate, const OpeningSegment::Summary& segment) {
  if (!candidate.record.right_to_work) return true;
  if (candidate.record.relocation_accepted && segment.any_housing) return false;
  return GreatCircleBeyond(candidate.position, segment.center, segment.max_distance_km, candidate.radius_km + 1.0f);
}

// The blocks of an opening segment (OpeningSegment::BlockSummary) `candidate` may reach, as a mask for
// SelectEligibleOpeningRows: those with live rows not beyond its commute radius, by CannotBeEligible's
// rule; every block when the candidate would move and the segment provides housing. Returns the live
// rows of the other blocks, which are neither read nor scored.
inline int64_t OpeningBlocksInReach(const ResolvedCandidate& candidate, const OpeningSegment& segment,
                                    uint32_t* blocks) {
  if (candidate.record.relocation_accepted && segment.summary.any_housing) {
    *blocks = sc::kAllOpeningBlocks;
    return 0;
  }
  const int count = (segment.used_rows + OpeningSegment::kBlockRows - 1) / OpeningSegment::kBlockRows;
  const float reach_km = candidate.radius_km + 1.0f;
  uint32_t mask = 0;
  int64_t pruned = 0;
  for (int b = 0; b < count; ++b) {
    const OpeningSegment::BlockSummary& block = segment.blocks[b];
    if (block.live_rows == 0) continue;
    if (GreatCircleBeyond(candidate.position, block.center, block.max_distance_km, reach_km)) {
      pruned += block.live_rows;
    } else {
      mask |= 1u << b;
    }
  }
  *blocks = mask;
  return pruned;
}

// The blocks of a candidate segment (CandidateSegment::blocks) `opening` may reach, as a mask for
// SelectEligibleCandidateRows: those with live rows, less those out of reach by the rule that skips a
// segment whole (CandidateSegmentOutOfReach: every row beyond its commute radius, and no move possible).
// Returns the live rows of the other blocks, which are neither read nor scored.
inline int64_t CandidateBlocksInReach(const ResolvedOpening& opening, const CandidateSegment& segment,
                                      uint64_t* blocks) {
  const int count = (segment.used_rows + CandidateSegment::kBlockRows - 1) / CandidateSegment::kBlockRows;
  const bool housing = opening.record.housing_provided;
  uint64_t mask = 0;
  int64_t pruned = 0;
  for (int b = 0; b < count; ++b) {
    const CandidateSegment::Summary& block = segment.blocks[b];
    if (block.live_rows == 0) continue;
    if (CandidateSegmentOutOfReach(block, opening.position, housing)) {
      pruned += block.live_rows;
    } else {
      mask |= uint64_t{1} << b;
    }
  }
  *blocks = mask;
  return pruned;
}

// Counts the queries running in an index while in scope; returns how many others were running.
class RunningQuery {
 public:
  explicit RunningQuery(std::atomic<int>& running) : running_(running), others_(running.fetch_add(1)) {}
  ~RunningQuery() { running_.fetch_sub(1); }
  int others() const { return others_; }

 private:
  std::atomic<int>& running_;
  const int others_;
};

// Where each of `parts` parts of `count` items begins, so that every part holds about the same number of
// rows, `rows_of(i)` being item i's (segments differ in size: an opening bucket may hold a few rows or a
// full segment); cuts[parts] is the end.
template <class RowsOf>
std::vector<size_t> RowBalancedCuts(size_t count, RowsOf rows_of, size_t parts) {
  int64_t total = 0;
  for (size_t i = 0; i < count; ++i) total += rows_of(i);
  std::vector<size_t> cuts(parts + 1, count);
  cuts[0] = 0;
  int64_t before = 0;
  size_t part = 1;
  for (size_t s = 0; s < count && part < parts; ++s) {
    while (part < parts && before >= total * static_cast<int64_t>(part) / static_cast<int64_t>(parts)) cuts[part++] = s;
    before += rows_of(s);
  }
  return cuts;
}
template <class Segments>
std::vector<size_t> RowBalancedCuts(const Segments& segments, size_t parts) {
  return RowBalancedCuts(segments.size(), [&](size_t s) -> int64_t { return segments[s]->used_rows; }, parts);
}

// Runs scan(cuts[p], cuts[p + 1], ...) for each part p on a thread of its own (part 0 on the calling
// thread into `selection` and `result`) and merges the parts.
template <class ScanFn>
void RunParts(const std::vector<size_t>& cuts, const MatchQuery& query, ScanFn scan, Selection* selection,
              MatchResult* result) {
  const size_t parts = cuts.size() - 1;
  std::vector<Selection> part_selections(parts - 1, Selection(query));
  for (Selection& part : part_selections) part.count_blockers = selection->count_blockers;
  std::vector<MatchResult> part_counts(parts - 1);
  RunOnThreads(static_cast<int>(parts), [&](int part) {
    if (part == 0) {
      scan(cuts[0], cuts[1], *selection, *result);
    } else {
      scan(cuts[part], cuts[part + 1], part_selections[part - 1], part_counts[part - 1]);
    }
  });
  for (size_t p = 1; p < parts; ++p) selection->Merge(part_selections[p - 1], part_counts[p - 1], result);
}

// Scans `segments` with `scan(begin, end, selection, counts)`, split over up to options.query_threads
// threads when there are enough rows to pay for a thread and cores to spare (each other query running
// takes one), each thread given about the same number of rows, and merges the parts into `selection` and
// `result`.
template <class Segments, class ScanFn>
void ScanSegments(const Segments& segments, int64_t live_rows, const MatchIndexOptions& options, int other_queries,
                  const MatchQuery& query, ScanFn scan, Selection* selection, MatchResult* result) {
  const size_t count = segments.size();
  const int64_t rows = live_rows;
  const int64_t spare_threads = std::max(1, options.query_threads - other_queries);
  const size_t parts =
      static_cast<size_t>(std::max<int64_t>(1, std::min<int64_t>(spare_threads, rows / options.min_rows_per_thread)));
  if (parts <= 1 || count < parts) {
    scan(0, count, *selection, *result);
    return;
  }
  RunParts(RowBalancedCuts(segments, parts), query, scan, selection, result);
}

// The same over segments [0, count) when their sizes are not at hand: each thread gets the same number
// of segments (the form callers used before the row-balanced one).
template <class ScanFn>
void ScanSegments(size_t count, int64_t live_rows, const MatchIndexOptions& options, int other_queries,
                  const MatchQuery& query, ScanFn scan, Selection* selection, MatchResult* result) {
  struct Counted {
    int used_rows = 1;
  };
  const std::vector<std::shared_ptr<const Counted>> segments(count, std::make_shared<const Counted>());
  ScanSegments(segments, live_rows, options, other_queries, query, scan, selection, result);
}

// Working arrays of one scanning thread. They only grow, and each thread keeps its own from query to
// query (ThreadScratch): allocating them afresh (a block is a few hundred kilobytes) was a fair share of
// a query over 1k openings.
template <class Block>
struct ScanScratch {
  sc::RowSelection selection;
  Block block;
  FloatColumn keep;  // the selection's working array
  sc::WalkedCriteria walked;
  sc::WalkedCriteria in_place_walked;  // `walked` moved to the rows' places in their span (ScatterWalked)
  sc::BlockScores scores;
};

template <class Block>
ScanScratch<Block>& ThreadScratch() {
  thread_local ScanScratch<Block> scratch;
  return scratch;
}

// Whether to score a segment's selected rows where they lie rather than gather them into a block, the one
// rule of both directions (MatchIndexOptions::candidate_in_place_fraction and opening_in_place_fraction,
// BlockMatchOptions::in_place_fraction): the span runs from the first selected row,
// rounded down to a multiple of kBlockRowMultiple, to the last selected row, and the rows are read in
// place when the selected ones are at least `fill` of the span (0: always in place; above 1: never).
// In place, the kernel also computes the rows between (padded() of them from `first`), for nothing.
struct SelectedSpan {
  int first = 0;  // a multiple of sc::kBlockRowMultiple
  int rows = 0;   // from `first` to the last selected row, inclusive
  bool in_place = false;
  int padded() const { return sc::PaddedRows(rows); }
};

inline SelectedSpan SpanOf(const sc::RowSelection& selection, double fill) {  // selection.count > 0
  SelectedSpan span;
  span.first = selection.rows[0] / sc::kBlockRowMultiple * sc::kBlockRowMultiple;
  span.rows = selection.rows[selection.count - 1] + 1 - span.first;
  span.in_place = selection.count >= fill * span.rows;
  return span;
}

// The walked criteria of selected row i (as the walks of a selection leave them) moved to the row's
// place in the span of `padded` rows from `first`, the rows between set to 0; for the kernel run in place
// over that span. `padded` is at most the segment's kRows.
[[gnu::noinline]] inline void ScatterWalked(const sc::RowSelection& selection, int first, int padded,
                                            const sc::WalkedCriteria& walked, sc::WalkedCriteria* out) {
  const std::pair<const FloatColumn*, FloatColumn*> columns[] = {
      {&walked.occupation, &out->occupation},
      {&walked.skills, &out->skills},
      {&walked.missing_required, &out->missing_required},
      {&walked.credited_experience_months, &out->credited_experience_months}};
  const int32_t* rows = selection.rows.data();
  for (const auto& [from, to] : columns) {
    if (static_cast<int>(to->size()) < padded) to->resize(padded);
    float* dst = to->data();
    std::fill_n(dst, padded, 0.0f);
    const float* src = from->data();
    for (int i = 0; i < selection.count; ++i) dst[rows[i] - first] = src[i];
  }
}

// Live rows of a segment, for MatchResult::scored of segments skipped whole (counted by Finish: summing
// the alive column of every skipped segment was a fair share of a short query).
template <class Segment>
int64_t LiveRows(const Segment& segment) {
  return segment.summary.live_rows;
}

// Selection::Consider for the selected rows of a segment, in a query without near-misses: every row the
// selection left out fails a hard constraint. The scores of selected row i are at index i of `scores`
// (the rows gathered into a block), or, when `in_place_begin` >= 0, at its segment row less
// in_place_begin (rows scored in place, ScanPlannedCandidates). Counts `eligible`; `scored` (every live
// row of the segment) is the caller's.
template <class Segment, class ExtraFilter>
void ConsiderSelected(Selection& part, const Segment& segment, int32_t segment_index,
                      const sc::RowSelection& selection, const sc::BlockScores& scores, ExtraFilter extra_ok,
                      MatchResult* result, int in_place_begin = -1) {
  const MatchQuery& query = part.query;
  for (int i = 0; i < selection.count; ++i) {
    const int row = selection.rows[i];
    const int at = in_place_begin < 0 ? i : row - in_place_begin;
    const float total = scores.total[at];
    if (scores.blockers[at] != 0 || total < query.min_score) continue;
    if (query.max_distance_km > 0 && scores.distance_km[at] > query.max_distance_km) continue;
    if (!extra_ok(row)) continue;
    ++result->eligible;
    if (!part.matches.MayAccept(total)) continue;
    part.matches.Push(total, segment.id(row), Keep(scores, segment_index, row, at));
  }
}

// What differs between the two directions of a scan: the segments scanned, their gathered block, and
// the selection, walk and kernel entry points. `Other` is the one record scored against every row.
struct CandidateRows {  // one opening against candidate segments
  using Segment = CandidateSegment;
  using Block = sc::CandidateBlock;
  using Other = ResolvedOpening;
  using OtherFeatures = OpeningRowFeatures;
  using BlockMask = uint64_t;  // bit b: CandidateSegment::blocks[b]
  static int64_t InReach(const Other& o, const Segment& s, BlockMask* blocks) {
    return CandidateBlocksInReach(o, s, blocks);
  }
  static void Select(const Segment& s, const OtherFeatures& o, BlockMask blocks, FloatColumn* keep,
                     sc::RowSelection* out) {
    sc::SelectEligibleCandidateRows(s, o, blocks, keep, out);
  }
  static void Gather(const Segment& s, const sc::RowSelection& selection, Block* out) {
    sc::GatherCandidateRows(s, selection, out);
  }
  static void Walk(const Segment& s, const Other& o, absl::Span<const float> lookup, const sc::RowSelection& selection,
                   bool experience, sc::WalkedCriteria* out) {
    sc::WalkCandidateSegment(s, o, lookup, selection, out, experience);
  }
  template <class Columns>
  static void Score(const Columns& rows, const OtherFeatures& o, int padded, const sc::WalkedCriteria& walked,
                    const sc::KernelParams& params, sc::BlockScores* out) {
    sc::ScoreCandidateBlock(sc::CandidateColumns(rows, padded), sc::OpeningBroadcast(o, padded), walked.occupation,
                            walked.skills, walked.missing_required, walked.credited_experience_months, params, out);
  }
  // The kernel in place over `padded` rows of the segment from `first` (a multiple of kBlockRowMultiple).
  static void ScoreSpan(const Segment& s, int first, int padded, const OtherFeatures& o,
                        const sc::WalkedCriteria& walked, const sc::KernelParams& params, sc::BlockScores* out) {
    sc::ScoreCandidateBlock(sc::CandidateColumns(s, first + padded).Rows(first, padded),
                            sc::OpeningBroadcast(o, padded), walked.occupation, walked.skills, walked.missing_required,
                            walked.credited_experience_months, params, out);
  }
};

struct OpeningRows {  // one candidate against opening segments
  using Segment = OpeningSegment;
  using Block = sc::OpeningBlock;
  using Other = ResolvedCandidate;
  using OtherFeatures = CandidateRowFeatures;
  using BlockMask = uint32_t;  // bit b: OpeningSegment::blocks[b]
  static int64_t InReach(const Other& c, const Segment& s, BlockMask* blocks) {
    return OpeningBlocksInReach(c, s, blocks);
  }
  static void Select(const Segment& s, const OtherFeatures& c, BlockMask blocks, FloatColumn* keep,
                     sc::RowSelection* out) {
    sc::SelectEligibleOpeningRows(s, c, blocks, keep, out);
  }
  static void Gather(const Segment& s, const sc::RowSelection& selection, Block* out) {
    sc::GatherOpeningRows(s, selection, out);
  }
  static void Walk(const Segment& s, const Other& c, absl::Span<const float> lookup, const sc::RowSelection& selection,
                   bool experience, sc::WalkedCriteria* out) {
    sc::WalkOpeningSegment(s, c, lookup, selection, out, experience);
  }
  template <class Columns>
  static void Score(const Columns& rows, const OtherFeatures& c, int padded, const sc::WalkedCriteria& walked,
                    const sc::KernelParams& params, sc::BlockScores* out) {
    sc::ScoreOpeningBlock(sc::CandidateBroadcast(c, padded), sc::OpeningColumns(rows, padded), walked.occupation,
                          walked.skills, walked.missing_required, walked.credited_experience_months, params, out);
  }
  // The kernel in place over `padded` rows of the segment from `first` (a multiple of kBlockRowMultiple).
  static void ScoreSpan(const Segment& s, int first, int padded, const OtherFeatures& c,
                        const sc::WalkedCriteria& walked, const sc::KernelParams& params, sc::BlockScores* out) {
    sc::ScoreOpeningBlock(sc::CandidateBroadcast(c, padded), sc::OpeningColumns(s, first + padded).Rows(first, padded),
                          walked.occupation, walked.skills, walked.missing_required,
                          walked.credited_experience_months, params, out);
  }
};

// A full scan (near-misses asked: every row scored) of segments [begin, end), each segment scored in
// place. (Copying the small segments of a query one after the other into one block, to pay the kernel's
// per-call cost once, was measured no faster: the copy touches the same scattered column lines the
// kernel reads, docs/benchmarks.md.)
template <class Rows, class Segments, class ExtraFilter>
void ScanEveryRow(const Segments& segments, size_t begin, size_t end, const typename Rows::Other& other,
                  const typename Rows::OtherFeatures& other_features, absl::Span<const float> lookup,
                  const sc::KernelParams& params, ExtraFilter extra_ok, Selection& part, MatchResult& counts) {
  ScanScratch<typename Rows::Block>& w = ThreadScratch<typename Rows::Block>();
  for (size_t s = begin; s < end; ++s) {
    const typename Rows::Segment& segment = *segments[s];
    if (segment.used_rows == 0) continue;
    sc::SelectAllRows(segment.used_rows, Rows::Segment::kRows, &w.selection);
    Rows::Walk(segment, other, lookup, w.selection, params.score_experience, &w.walked);
    Rows::Score(segment, other_features, w.selection.padded(), w.walked, params, &w.scores);
    part.Consider(segment, static_cast<int32_t>(s), w.scores, [&](int row) { return extra_ok(segment, row); },
                  &counts);
  }
}

// Scans segments [begin, end) of `segments` for `other`, in either direction. Without near-misses
// (`may_skip`) only eligible pairs count: segments nobody in which can be eligible are skipped whole,
// and so are a segment's blocks out of reach (`scored` is every live row less those, the
// caller adding the live rows), and the walks and the kernel run on the rows that may be eligible:
// walked as selected, then scored in place over their span when they fill at least `in_place_fraction`
// of it (SpanOf; the walked values moved to the rows' places), else gathered into a block. A row scores
// the same either way, bit for bit. With near-misses every row is scored (ScanEveryRow).
// `extra_ok(segment, row)` applies the query's filters on the scanned side.
template <class Rows, class Segments, class ExtraFilter>
void ScanPart(const Segments& segments, size_t begin, size_t end, const typename Rows::Other& other,
              const typename Rows::OtherFeatures& other_features, absl::Span<const float> lookup, bool may_skip,
              double in_place_fraction, const sc::KernelParams& params, ExtraFilter extra_ok, Selection& part,
              MatchResult& counts) {
  if (!may_skip) {
    ScanEveryRow<Rows>(segments, begin, end, other, other_features, lookup, params, extra_ok, part, counts);
    return;
  }
  ScanScratch<typename Rows::Block>& w = ThreadScratch<typename Rows::Block>();
  for (size_t s = begin; s < end; ++s) {
    const typename Rows::Segment& segment = *segments[s];
    if (segment.used_rows == 0) continue;
    if (CannotBeEligible(other, segment.summary)) {
      counts.scored -= LiveRows(segment);
      continue;
    }
    typename Rows::BlockMask blocks = 0;
    counts.scored -= Rows::InReach(other, segment, &blocks);
    if (blocks == 0) continue;
    Rows::Select(segment, other_features, blocks, &w.keep, &w.selection);
    if (w.selection.count == 0) continue;
    Rows::Walk(segment, other, lookup, w.selection, params.score_experience, &w.walked);
    const SelectedSpan span = SpanOf(w.selection, in_place_fraction);
    if (span.in_place) {
      const int padded = span.padded();  // span.first + padded <= kRows: kRows is a multiple of 16
      ScatterWalked(w.selection, span.first, padded, w.walked, &w.in_place_walked);
      Rows::ScoreSpan(segment, span.first, padded, other_features, w.in_place_walked, params, &w.scores);
    } else {
      Rows::Gather(segment, w.selection, &w.block);
      Rows::Score(w.block, other_features, w.selection.padded(), w.walked, params, &w.scores);
    }
    ConsiderSelected(part, segment, static_cast<int32_t>(s), w.selection, w.scores,
                     [&](int row) { return extra_ok(segment, row); }, &counts, span.in_place ? span.first : -1);
  }
}

// What an opening's query without near-misses reads of the candidate segments: the segments not skipped
// whole (CannotBeEligible), each with its blocks in reach (CandidateBlocksInReach), worked out before the
// scan so that the scan is split over threads by the rows it will read, not by the rows of the table
// (in place order the segments read lie together: split by the table's rows, one thread got them all).
struct CandidateReads {
  std::vector<int32_t> segments;  // indices into the snapshot, ascending
  std::vector<uint64_t> blocks;   // the blocks in reach of each
  std::vector<int64_t> rows;      // the used rows of those blocks: the work
  int64_t rows_read = 0;          // sum of `rows`
  int64_t live_rows_skipped = 0;  // live rows of the segments and blocks not read (not scored)
};

template <class Segments>
CandidateReads PlanCandidateReads(const Segments& segments, const ResolvedOpening& opening) {
  CandidateReads plan;
  for (size_t s = 0; s < segments.size(); ++s) {
    const CandidateSegment& segment = *segments[s];
    if (segment.used_rows == 0) continue;
    if (CannotBeEligible(opening, segment.summary)) {
      plan.live_rows_skipped += LiveRows(segment);
      continue;
    }
    uint64_t blocks = 0;
    plan.live_rows_skipped += CandidateBlocksInReach(opening, segment, &blocks);
    if (blocks == 0) continue;
    int64_t rows = 0;
    for (uint64_t bits = blocks; bits != 0; bits &= bits - 1) {
      const int first = std::countr_zero(bits) * CandidateSegment::kBlockRows;
      rows += std::min(segment.used_rows, first + CandidateSegment::kBlockRows) - first;
    }
    plan.segments.push_back(static_cast<int32_t>(s));
    plan.blocks.push_back(blocks);
    plan.rows.push_back(rows);
    plan.rows_read += rows;
  }
  return plan;
}

// ScanPart without near-misses over the planned segments [begin, end) of `plan`. Where the selected rows
// are dense (SpanOf with `in_place_fraction`), every row of that span is walked and scored in place, from the
// segment's own columns, and only the selected ones are considered: the kernel computes the rows left
// out too, but nothing is gathered (the gather of some twenty columns cost more per row than the
// kernel). A row scores the same either way, bit for bit: the same compiled kernel, each row computed
// on its own in whole 16-row packets, from the same walked values (tests/engine/row_selection_test.cc).
template <class Segments, class ExtraFilter>
void ScanPlannedCandidates(const Segments& segments, const CandidateReads& plan, size_t begin, size_t end,
                           const ResolvedOpening& opening, const OpeningRowFeatures& opening_features,
                           absl::Span<const float> lookup, const sc::KernelParams& params, double in_place_fraction,
                           ExtraFilter extra_ok, Selection& part, MatchResult& counts) {
  using Rows = CandidateRows;
  ScanScratch<Rows::Block>& w = ThreadScratch<Rows::Block>();
  for (size_t k = begin; k < end; ++k) {
    const int32_t s = plan.segments[k];
    const CandidateSegment& segment = *segments[s];
    Rows::Select(segment, opening_features, plan.blocks[k], &w.keep, &w.selection);
    if (w.selection.count == 0) continue;
    const SelectedSpan span = SpanOf(w.selection, in_place_fraction);
    if (span.in_place) {
      const int first = span.first;
      const int last = first + span.rows;
      const int padded = span.padded();  // first + padded <= kRows: kRows is a multiple of 16
      sc::WalkCandidateRows(segment, opening, lookup, first, last, &w.walked, params.score_experience);
      Rows::ScoreSpan(segment, first, padded, opening_features, w.walked, params, &w.scores);
      ConsiderSelected(part, segment, s, w.selection, w.scores, [&](int row) { return extra_ok(segment, row); },
                       &counts, first);
      continue;
    }
    Rows::Gather(segment, w.selection, &w.block);
    Rows::Walk(segment, opening, lookup, w.selection, params.score_experience, &w.walked);
    Rows::Score(w.block, opening_features, w.selection.padded(), w.walked, params, &w.scores);
    ConsiderSelected(part, segment, s, w.selection, w.scores, [&](int row) { return extra_ok(segment, row); },
                     &counts);
  }
}

// Scans the planned segments with `scan(begin, end, selection, counts)` (indices into plan.segments),
// split as ScanSegments does, by the rows each segment will read.
template <class ScanFn>
void ScanPlanned(const CandidateReads& plan, const MatchIndexOptions& options, int other_queries,
                 const MatchQuery& query, ScanFn scan, Selection* selection, MatchResult* result) {
  const size_t count = plan.segments.size();
  const int64_t spare_threads = std::max(1, options.query_threads - other_queries);
  const size_t parts = static_cast<size_t>(
      std::max<int64_t>(1, std::min<int64_t>(spare_threads, plan.rows_read / options.min_rows_per_thread)));
  if (parts <= 1 || count < parts) {
    scan(0, count, *selection, *result);
    return;
  }
  RunParts(RowBalancedCuts(count, [&](size_t k) { return plan.rows[k]; }, parts), query, scan, selection, result);
}

}  // namespace passerelle::engine::scan_internal

#endif  // PASSERELLE_ENGINE_INDEX_SEGMENT_SCAN_H_
