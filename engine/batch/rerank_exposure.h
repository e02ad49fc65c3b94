// Fair exposure of a re-rank: the per-candidate rankings of Rerank inverted into per-opening lists, the
// exposure of their top slots across watched groups, and on request each list re-ranked with a minimum
// share for one group (RepresentativeRerank) with the score it costs.
//
// Inversion: opening j's list holds every candidate of the cohort that has j in their own top k, with
// the pair's score, best first (ties: candidate id). Its slots are the first `slots_per_opening`
// entries. A candidate who does not have j in their top k is not in j's list: a larger k gives longer
// lists (docs/batch.md, "Fair exposure of re-ranks").
//
// Example:
//   RerankExposureCollector collector(options, data);
//   for each ranking: collector.Add(candidate_record, ranking.matches);   // any order
//   RerankExposure exposure = collector.Finish();
//
// Thread-safety: thread-compatible (Rerank calls its sink from one thread at a time).
#ifndef PASSERELLE_ENGINE_BATCH_RERANK_EXPOSURE_H_
#define PASSERELLE_ENGINE_BATCH_RERANK_EXPOSURE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "engine/batch/exposure.h"
#include "engine/index/match_index.h"

namespace passerelle::engine {

// A minimum share of every opening list's top slots kept for one group.
struct MinimumExposure {
  WatchedAttribute attribute = WatchedAttribute::kFrenchBand;
  // A group of `attribute` as GroupOf names it ("A1", "emergency", "car", "93"). Default: "".
  std::string group;
  // Every prefix of length p of the slots holds at least floor(min_share * p) members while the list
  // has any left. Range [0, 1]. Default: 0.
  double min_share = 0;
};

struct RerankExposureOptions {
  // Attributes whose slot exposure is reported, in this order, each at most once. Default: none.
  std::vector<WatchedAttribute> attributes;
  // Slots of each opening list (its top entries). Range 1..kMaxK. Default: 10.
  int32_t slots_per_opening = 10;
  // Re-rank every opening list with this minimum share. Default: none.
  std::optional<MinimumExposure> minimum;

  bool enabled() const { return !attributes.empty() || minimum.has_value(); }
};

// Field-named errors: "slots_per_opening", "min_exposure.attribute", "min_exposure.group",
// "min_exposure.min_share", "exposure_attributes".
absl::Status ValidateRerankExposureOptions(const RerankExposureOptions& options, const ReferenceData& data);

// The group names GroupOf gives for `attribute`, except départements (any code of the reference data).
const std::vector<std::string>& KnownGroups(WatchedAttribute attribute);

// Parses "french_band", "housing", "transport_mode", "departement".
std::optional<WatchedAttribute> WatchedAttributeFromName(const std::string& name);

struct ShortlistEntry {
  std::string candidate_id;
  float score = 0;
};

// One opening's slots after the minimum-share re-rank.
struct OpeningShortlist {
  std::string opening_id;
  std::vector<ShortlistEntry> entries;  // best first within the constraint
  double score_before = 0;              // the plain slots' total
  double score_after = 0;
  int32_t prefixes_short = 0;
  bool reordered = false;  // entries differ from the plain slots (as a sequence)
};

struct RerankExposure {
  int32_t slots_per_opening = 10;
  int64_t opening_lists = 0;  // openings in some candidate's top k
  // Plain slots, one report per asked attribute (plus the minimum's attribute), in that order.
  std::vector<ExposureReport> slot_exposure;
  // With a minimum: the minimum's attribute over the re-ranked slots, the totals over all lists
  // (score_cost = score_before - score_after), and each list's slots by opening id.
  std::optional<MinimumExposure> minimum;
  ExposureReport representative_exposure;
  double score_before = 0;
  double score_after = 0;
  double score_cost = 0;
  int64_t prefixes_short = 0;
  int64_t openings_reordered = 0;
  std::vector<OpeningShortlist> shortlists;
};

class RerankExposureCollector {
 public:
  // REQUIRES: ValidateRerankExposureOptions(options, data).ok(); `data` outlives the collector.
  RerankExposureCollector(RerankExposureOptions options, const ReferenceData& data);

  // One candidate of the cohort and their ranking (best first). Every candidate counts in the pool,
  // with or without matches.
  void Add(const Candidate& candidate, const std::vector<ScoredMatch>& matches);

  RerankExposure Finish() const;

 private:
  struct Entry {
    int32_t candidate;
    float score;
  };
  RerankExposureOptions options_;
  const ReferenceData& data_;
  std::vector<WatchedAttribute> reported_;            // options_.attributes + the minimum's
  std::vector<std::vector<std::string>> group_of_;    // [reported attribute][candidate]
  std::vector<std::string> candidate_ids_;
  absl::flat_hash_map<std::string, std::vector<Entry>> lists_;  // opening id -> entries
};

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_BATCH_RERANK_EXPOSURE_H_
