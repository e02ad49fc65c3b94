// Best openings for a block of candidates at once, for batch work (engine/batch/rerank.cc).
//
// Why: MatchOpeningsIn pays per candidate for its set-up (query and profile checks, kernel parameters,
// the occupation filter, working arrays of a segment's size, a relation row over every ROME code) and
// tests every opening segment's bounds. Re-ranking a cohort asks the same query of every candidate, and
// the candidate table holds neighbours next to each other (place order), so an OpeningBlockMatcher does
// the set-up once per worker and the segment test once per block of neighbouring candidates: a segment
// that no candidate of the block can reach is skipped for all of them. Each candidate then runs exactly
// MatchOpeningsIn's scan over the segments left (the same selection, walk, kernel and top-k), so the
// answers are the same (tests/engine/block_match_test.cc).
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

namespace passerelle::engine {

class OpeningBlockMatcher {
 public:
  // Checks `query` and `profile` as MatchOpeningsIn does; queries with near-misses are not supported
  // (InvalidArgument "near_misses"): those score every row, so a block has nothing to share.
  static absl::StatusOr<std::unique_ptr<OpeningBlockMatcher>> Create(
      const MatchIndex& index, std::shared_ptr<const MatchIndex::OpeningTable::Snapshot> openings,
      const MatchQuery& query, const ScoringProfile& profile);
  ~OpeningBlockMatcher();

  // results[i] = MatchOpeningsIn(openings, *block[i], query, profile) with count_blockers_in_scope off
  // (blocker_counts stay zero). `results` is resized to the block's size.
  void Match(absl::Span<const ResolvedCandidate* const> block, std::vector<MatchResult>* results);

  // Segments the last Match skipped for the whole block.
  int64_t block_pruned_segments() const { return block_pruned_segments_; }

 private:
  struct State;
  explicit OpeningBlockMatcher(std::unique_ptr<State> state);
  // The segments some candidate of `block` may reach, into reachable_; returns the live rows of the others.
  int64_t ReachableSegments(absl::Span<const ResolvedCandidate* const> block);
  void MatchOne(const ResolvedCandidate& candidate, int64_t block_pruned_rows, MatchResult* result);

  std::unique_ptr<State> state_;
  std::vector<int32_t> reachable_;
  int64_t block_pruned_segments_ = 0;
};

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_INDEX_BLOCK_MATCH_H_
