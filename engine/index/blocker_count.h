// MatchResult::blocker_counts of a MatchOpenings query that found no eligible opening: per blocker bit,
// the openings in scope (the query's contract, occupation and distance filters; not min_score) that it
// stops. Internal to engine/index/match_index.cc.
//
// Why a scan of its own: the counts were a second full scan through the ranking path (walks, kernel,
// Selection::Consider), and 7% of a served load's MatchOpenings calls take it (candidates without the
// right to work, far from every opening): about 0.2 ms more each at 10k openings. The blocker
// bits read none of what the walks compute (occupation, skills, credited experience) except the
// required skills a strict profile counts as missing, so the walks run only for strict profiles; the
// bits still come from the one scoring kernel, so they equal its bits row for row.
#ifndef PASSERELLE_ENGINE_INDEX_BLOCKER_COUNT_H_
#define PASSERELLE_ENGINE_INDEX_BLOCKER_COUNT_H_

#include <bit>
#include <cstdint>

#include "absl/types/span.h"
#include "engine/index/match_index.h"
#include "engine/index/segment_scan.h"
#include "engine/scoring/criteria_walks.h"
#include "engine/scoring/pair_kernel.h"

namespace passerelle::engine::scan_internal {

// Walk outputs of a segment with every value 0, for the kernel runs whose totals nobody reads: the
// blocker bits do not depend on them (they read `missing_required` only under a strict profile, whose
// count walks the segment instead). Read-only once built.
inline const sc::WalkedCriteria& UnwalkedSegment() {
  static const sc::WalkedCriteria zeros = [] {
    sc::WalkedCriteria w;
    for (FloatColumn* c : {&w.occupation, &w.skills, &w.missing_required, &w.credited_experience_months}) {
      c->setZero(OpeningSegment::kRows);
    }
    return w;
  }();
  return zeros;
}

// Adds to `counts->blocker_counts`, over the live rows of opening segments [begin, end), each blocker bit
// of every blocked row in scope: not beyond `query.max_distance_km` (when set) and `extra_ok(segment,
// row)` (the query's contract and occupation filters). The same rows and bits as Selection::Consider
// with count_blockers over a full scan (tests/engine/blocker_count_test.cc).
template <class Segments, class ExtraFilter>
void CountOpeningBlockers(const Segments& segments, size_t begin, size_t end, const ResolvedCandidate& candidate,
                          const CandidateRowFeatures& candidate_features, absl::Span<const float> best_by_rome,
                          const sc::KernelParams& params, const MatchQuery& query, ExtraFilter extra_ok,
                          MatchResult* counts) {
  ScanScratch<sc::OpeningBlock>& w = ThreadScratch<sc::OpeningBlock>();
  const bool walk = params.strict_required_skills;
  for (size_t s = begin; s < end; ++s) {
    const OpeningSegment& segment = *segments[s];
    if (segment.used_rows == 0 || segment.summary.live_rows == 0) continue;
    sc::SelectAllRows(segment.used_rows, OpeningSegment::kRows, &w.selection);
    if (walk) OpeningRows::Walk(segment, candidate, best_by_rome, w.selection, params.score_experience, &w.walked);
    OpeningRows::Score(segment, candidate_features, w.selection.padded(), walk ? w.walked : UnwalkedSegment(), params,
                       &w.scores);
    const uint32_t* blockers = w.scores.blockers.data();
    const float* distance_km = w.scores.distance_km.data();
    for (int row = 0; row < segment.used_rows; ++row) {
      if (blockers[row] == 0 || segment.alive[row] < 0.5f) continue;
      if (query.max_distance_km > 0 && distance_km[row] > query.max_distance_km) continue;
      if (!extra_ok(segment, row)) continue;
      for (uint32_t bits = blockers[row]; bits != 0; bits &= bits - 1) {
        ++counts->blocker_counts[std::countr_zero(bits)];
      }
    }
  }
}

}  // namespace passerelle::engine::scan_internal

#endif  // PASSERELLE_ENGINE_INDEX_BLOCKER_COUNT_H_
