// The physical order of candidate rows: by place, so that each segment of the candidate table covers a
// compact area and a query reads only the segments within its reach.
//
// Why: an opening can take only candidates within their commute radius, plus, when it provides housing,
// those who would move. With rows in arrival order every segment holds people from all over France, so
// every query streamed every row to find the few percent in reach (benchmarks/results/2026-11-23-b). The
// key sorts the people who would move after everyone else, and each part along a Hilbert curve over the
// commune centroid (latitude, longitude on a 65,536 x 65,536 grid, about 0.3 km a cell): rows close on
// the curve are close on the map, and, unlike a Z-order curve, the curve never jumps across the map
// between neighbouring keys, so a run of 4,096 rows covers one compact area. The segment summaries
// (CandidateSegment::Summary: centre, reach, any mover) then decide which segments a query skips, and
// the same summary of each 64-row block (CandidateSegment::blocks) which rows of a segment it reads.
// Openings are kept in the same curve's order within their région/housing bucket (OpeningPlaceKey), and
// their 64-row block summaries decide which rows of a segment a candidate's query reads.
#ifndef PASSERELLE_ENGINE_COLUMNS_PLACE_ORDER_H_
#define PASSERELLE_ENGINE_COLUMNS_PLACE_ORDER_H_

#include <cstdint>

#include "engine/columns/candidate_segment.h"
#include "engine/model/resolve.h"

namespace passerelle::engine {

// Position of (x, y) along a Hilbert curve over a 65,536 x 65,536 grid (x, y < 65,536); 0 .. 2^32 - 1.
uint32_t HilbertIndex(uint32_t x, uint32_t y);

// Hilbert index of a place (the commune centroid) over a latitude x longitude grid of 65,536 x 65,536.
uint32_t PlaceIndex(const UnitVector& position);

// Sort key of a candidate row: bit 32 set for people who would move for a job with housing, bits 0..31
// the Hilbert index of the commune centroid.
uint64_t CandidatePlaceKey(const ResolvedCandidate& candidate);

// Sort key of an opening row inside its région/housing bucket: the Hilbert index of its commune centroid,
// so that a segment, and each block of OpeningSegment::kBlockRows rows in it, covers a compact part of
// the région (OpeningSegment::BlockSummary).
uint64_t OpeningPlaceKey(const ResolvedOpening& opening);

// Whether no row of a candidate segment (or 64-row block) with this summary can be within reach of an
// opening at `position`: every row is beyond its commute radius from it, and no move is possible (nobody
// in it would move, or the opening provides no housing). 1 km of slack covers the kernel's float
// distance. The rule by which MatchCandidates skips a segment whole, and a block of one it reads.
inline bool CandidateSegmentOutOfReach(const CandidateSegment::Summary& summary, const UnitVector& position,
                                       bool housing_provided) {
  if (housing_provided && summary.any_relocating) return false;
  return GreatCircleBeyond(position, summary.center, 0.0f, summary.max_reach_km + 1.0f);
}

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_COLUMNS_PLACE_ORDER_H_
