// Fair exposure, measured: how the slots of ranked lists (top-k) and the placements of an assignment
// fall across groups a programme watches, against each group's share of the pool; and representative
// re-ranking, which keeps a minimum share of a list's top positions for one group (as LinkedIn's
// representative ranking does) and reports the score it costs.
//
// The watched groups are NOT protected attributes: French level band, housing status, transport mode,
// département. GroupOf reads only those fields of a candidate; nothing here reads nationality, origin,
// gender, age, name, religion or health (the records do not hold them).
//
// Example:
//   std::vector<RankedEntry> list = ...;  // one opening's candidates, best first, with their group
//   RepresentativeList fair = RepresentativeRerank(list, /*k=*/10, /*group=*/"A1", /*min_share=*/0.3);
//   // fair.entries: the top 10 with at least floor(0.3 * p) "A1" entries in every prefix p when possible;
//   // fair.score_cost: top-10 total before minus after.
#ifndef PASSERELLE_ENGINE_BATCH_EXPOSURE_H_
#define PASSERELLE_ENGINE_BATCH_EXPOSURE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "engine/model/types.h"
#include "engine/refdata/reference_data.h"

namespace passerelle::engine {

// The attributes a programme may watch. None is a protected attribute.
enum class WatchedAttribute : uint8_t {
  kFrenchBand = 0,     // "below A1", "A1", "A2", "B1", "B2 and above"
  kHousing = 1,        // "stable", "temporary", "emergency", "none"
  kTransportMode = 2,  // "walking", "bicycle", "public transport", "car" (unspecified counts as public)
  kDepartement = 3,    // INSEE département code of the candidate's commune
};

// "french_band", "housing", "transport_mode", "departement".
const char* WatchedAttributeName(WatchedAttribute attribute);

// The candidate's group under `attribute` (see above). `data` resolves the commune's département; an
// unknown commune gives "unknown".
std::string GroupOf(const Candidate& candidate, WatchedAttribute attribute, const ReferenceData& data);

// One group's share of the pool against its share of the slots (or placements).
struct GroupExposure {
  std::string group;
  int64_t pool_count = 0;
  double pool_share = 0;  // pool_count / pool size
  int64_t slot_count = 0;
  double slot_share = 0;  // slot_count / slots
  // slot_share / pool_share: 1 = exposed in proportion, below 1 = under-exposed; 0 when pool_share is 0.
  double exposure_ratio = 0;
};

// Groups sorted by name. Shares are 0 when their denominator is 0.
struct ExposureReport {
  WatchedAttribute attribute = WatchedAttribute::kFrenchBand;
  int64_t pool_size = 0;
  int64_t slots = 0;
  std::vector<GroupExposure> groups;
};

// `pool_group[i]` is candidate i's group; `slot_candidates` lists the candidate of every slot (a
// candidate in three top-k lists fills three slots; a placement is one slot). Candidates out of range
// are ignored.
ExposureReport MeasureExposure(WatchedAttribute attribute, const std::vector<std::string>& pool_group,
                               const std::vector<int32_t>& slot_candidates);

// One entry of a ranked list.
struct RankedEntry {
  int32_t candidate = 0;
  float score = 0;
  std::string group;
};

struct RepresentativeList {
  // The top k after re-ranking, best first within the constraint.
  std::vector<RankedEntry> entries;
  // Sum of the top k scores before (plain order) and after; cost = before - after (>= 0).
  double score_before = 0;
  double score_after = 0;
  double score_cost = 0;
  // Prefixes p (1..k) where the group has fewer than floor(min_share * p) entries because the list had
  // no more of them.
  int32_t prefixes_short = 0;
};

// Re-ranks `list` (best first: score descending, ties by position) into its top k such that every
// prefix of length p holds at least floor(min_share * p) entries of `group` while the list has them:
// at each position, the best remaining entry of `group` goes first when the prefix would otherwise
// fall short, else the best remaining entry of any group. Among lists meeting the constraint this one
// has the largest top-k total (tested against exhaustive search); with min_share = 0 it is the plain
// top k. REQUIRES: min_share in [0, 1], k >= 0.
RepresentativeList RepresentativeRerank(const std::vector<RankedEntry>& list, int32_t k, const std::string& group,
                                        double min_share);

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_BATCH_EXPOSURE_H_
