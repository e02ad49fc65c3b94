// Best openings for a block of candidates at once, for batch work (engine/batch/rerank.cc).
//
// Why: MatchOpeningsIn pays per candidate for its set-up (query and profile checks, kernel parameters,
// the occupation filter, working arrays of a segment's size, a relation row over every ROME code) and
// tests every opening segment's bounds. Re-ranking a cohort asks the same query of every candidate, and
// the candidate table holds neighbours next to each other (place order), so an OpeningBlockMatcher does
// the set-up once per worker and the segment test once per block of neighbouring candidates: a segment
// that no candidate of the block can reach is skipped for all of them. Each candidate then runs exactly
// MatchOpeningsIn's scan over the segments left (the same selection, walk, kernel and top-k), so the
// answers are the same (tests/engine/block_match_test.cc). By default the block is scored segment-major:
// each segment left against every candidate of the block in turn, while it is in cache, each candidate
// still visiting its segments in its own order (near ones first); and the kernel reads a candidate's
// selected rows where they lie when they are dense, rather than gathering them.
//
// A candidate whose top k is full also skips the gather and the kernel for every selected row whose
// score cannot reach the k-th best: an upper bound of the total from the walks' occupation and skills,
// the row's French, timing, housing and tension, and its 64-row block's distance
// (BlockMatchOptions::skip_rows_below_top_k).
//
// Thread-safety: thread-compatible; one matcher per thread.
#ifndef PASSERELLE_ENGINE_INDEX_BLOCK_MATCH_H_
#define PASSERELLE_ENGINE_INDEX_BLOCK_MATCH_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "engine/index/match_index.h"
#include "engine/scoring/pair_kernel.h"
#include "engine/scoring/row_selection.h"

namespace passerelle::engine {

struct BlockMatchOptions {
  // Skip the selected rows whose upper bound of the total is below the candidate's current k-th best
  // score (a row tied with it may still enter, ties going to the smaller id, so it is kept). The rankings
  // are the same either way; MatchResult::eligible then counts only the rows scored. Default: true.
  bool skip_rows_below_top_k = true;
  // Score the block segment by segment: each reachable segment against every candidate of the block in
  // turn, while its columns are in cache (each candidate still visits its segments in the same order, so
  // the results, rows_below_top_k included, are the same). false: one candidate at a time over all its
  // segments (kept to measure the difference). Default: true.
  bool segment_major = true;
  // The kernel reads a candidate's selected rows of a segment where they lie (no gather) when they are at
  // least this fraction of the rows they span (scan_internal::SpanOf, the rule MatchCandidates and
  // MatchOpenings use with their own values): scoring the rows between costs less than gathering the
  // selected ones. 0: always in place; above 1: always gathered. The scores are the same bit for bit
  // either way (the kernel's arithmetic is per row). Default: 0.25.
  double in_place_fraction = 0.25;
};

class OpeningBlockMatcher {
 public:
  // Checks `query` and `profile` as MatchOpeningsIn does; queries with near-misses are not supported
  // (InvalidArgument "near_misses"): those score every row, so a block has nothing to share.
  static absl::StatusOr<std::unique_ptr<OpeningBlockMatcher>> Create(
      const MatchIndex& index, std::shared_ptr<const MatchIndex::OpeningTable::Snapshot> openings,
      const MatchQuery& query, const ScoringProfile& profile, const BlockMatchOptions& options = {});
  ~OpeningBlockMatcher();

  // results[i] = MatchOpeningsIn(openings, *block[i], query, profile) with count_blockers_in_scope off
  // (blocker_counts stay zero; `eligible` as BlockMatchOptions says). `results` is resized to the
  // block's size.
  void Match(absl::Span<const ResolvedCandidate* const> block, std::vector<MatchResult>* results);

  // Segments the last Match skipped for the whole block.
  int64_t block_pruned_segments() const { return block_pruned_segments_; }
  // Rows the last Match selected for block[i] but skipped as below its top k (walked, never gathered
  // nor scored by the kernel; they stay counted in MatchResult::scored, which counts the rows read).
  int64_t rows_below_top_k(size_t i) const { return rows_below_top_k_[i]; }

 private:
  struct State;
  explicit OpeningBlockMatcher(std::unique_ptr<State> state);
  // The segments some candidate of `block` may reach, into reachable_; returns the live rows of the others.
  int64_t ReachableSegments(absl::Span<const ResolvedCandidate* const> block);
  struct CandidateScan;
  // Segment `s` (index into the snapshot) for one candidate of the block; `near`: within its radius.
  void MatchSegment(int32_t s, bool near, CandidateScan* scan);
  void Finish(CandidateScan* scan, MatchResult* result);

  std::unique_ptr<State> state_;
  std::vector<int32_t> reachable_;
  std::vector<int64_t> rows_below_top_k_;
  int64_t block_pruned_segments_ = 0;
};

namespace block_match_internal {

// The candidate's side of the bound below its top k (OpeningBlockMatcher, BlockMatchOptions::
// skip_rows_below_top_k) for the 64-row blocks [first_block, end_block) of `segment`, with `threshold`,
// for scoring::DropOpeningRowsBelow (engine/scoring/row_selection.h). Exposed for the tests.
void FillRowBound(const OpeningSegment& segment, const ResolvedCandidate& candidate,
                  const CandidateRowFeatures& features, const scoring::KernelParams& params, float threshold,
                  int first_block, int end_block, scoring::OpeningRowBound* bound);

}  // namespace block_match_internal

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_INDEX_BLOCK_MATCH_H_
