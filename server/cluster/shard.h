// A node's share of the records when it holds only some régions (--cluster_regions; docs/cluster.md,
// "Shards"). Every node still reads every log entry; a shard applies only the records of its share and
// skips the others (their sequence is stored all the same), so that a batch of one of its régions gives the
// same answer as on a node holding everything.
//
// What a shard holds, and why the answers do not change:
// - Candidates living in one of its régions. Each candidate lives in exactly one région, so with shards
//   that together cover every région each candidate is on exactly one of them.
// - Openings located in its régions; openings that provide housing, wherever they are (a candidate who
//   accepts to move may be eligible for them at any distance); and openings within `opening_reach_km` of
//   any commune of its régions. A pair is eligible only within the candidate's commute radius or, beyond
//   it, by a move to an opening with housing (near misses, which relax distance, are not part of batch
//   work). Distances run between commune centroids, so an opening within radius r of a candidate of the
//   shard is within r of a commune of its régions: with opening_reach_km >= r it is held. The default
//   reach is the largest radius a record may state (max_commute_km <= 1000), which is exact for every
//   candidate; a smaller reach (50 km covers every transport mode's default radius) keeps shards small and
//   is exact for candidates whose radius is within it (the node counts those beyond, see Shard).
// Every pair a candidate of the shard can score is therefore scored on the shard with the same score, and
// top-k ties break by opening id (engine/index/top_k.h), not by what else the index holds.
//
// A put of a record outside the share deletes this shard's copy, if it has one (the record moved away).
//
// Thread-safety: Shard is immutable after Create.
#ifndef PASSERELLE_SERVER_CLUSTER_SHARD_H_
#define PASSERELLE_SERVER_CLUSTER_SHARD_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/refdata/reference_data.h"
#include "engine/store/catalog.h"

namespace passerelle::v1 {
class Candidate;
class Opening;
}  // namespace passerelle::v1

namespace passerelle::cluster {

class LogRecord;
struct ApplyOutcome;

struct ShardOptions {
  // INSEE codes of the régions this node holds ("11", "84"); empty: every région (no shard).
  // Default: empty
  std::vector<std::string> regions;
  // Openings outside the régions are held when their commune is within this distance of a commune of the
  // régions. The default is the largest max_commute_km a record may state. Range (0, 20000].
  // Default: 1000 km
  double opening_reach_km = 1000;
};

class Shard {
 public:
  // InvalidArgument naming the field for an unknown région code or a reach out of range. Returns null
  // when options.regions is empty (every région: nothing to filter).
  static absl::StatusOr<std::unique_ptr<Shard>> Create(const ShardOptions& options,
                                                       const engine::ReferenceData& data);

  // A record whose commune is unknown is held: the catalog rejects it, as on every node.
  bool HoldsCandidate(const v1::Candidate& candidate) const;
  bool HoldsOpening(const v1::Opening& opening) const;

  // The régions, as given ("11,84"), for logs and status.
  const std::string& description() const { return description_; }
  // Puts of candidates held here whose commute radius exceeds opening_reach_km, since start (a put applied
  // again after a storage failure counts twice): their batch answers may miss openings a node holding
  // everything would give them.
  int64_t candidates_beyond_reach() const { return beyond_reach_.load(std::memory_order_relaxed); }

 private:
  friend absl::StatusOr<ApplyOutcome> ApplyShardRecord(engine::Catalog* catalog, const Shard& shard,
                                                       const LogRecord& record);
  Shard(const engine::ReferenceData& data, double reach_km) : data_(data), reach_km_(reach_km) {}
  // Counts `candidate` when its radius is beyond the reach (called for the candidates this shard holds).
  void CheckReach(const v1::Candidate& candidate) const;

  const engine::ReferenceData& data_;
  const double reach_km_;
  std::string description_;
  std::vector<uint8_t> candidate_commune_;  // by commune index: in one of the régions
  std::vector<uint8_t> opening_commune_;    // by commune index: in the régions or within the reach
  mutable std::atomic<int64_t> beyond_reach_{0};
};

// ApplyRecord (node.h) for a shard: puts only the records of the share, deletes this shard's copy of a
// put record outside it, and answers a delete of a record it does not hold with OK (another shard holds
// it). The outcomes keep the entry's order; a record skipped here is OK and not created. A non-OK return
// is a storage failure and the entry is applied again (puts are idempotent).
absl::StatusOr<ApplyOutcome> ApplyShardRecord(engine::Catalog* catalog, const Shard& shard, const LogRecord& record);

}  // namespace passerelle::cluster

#endif  // PASSERELLE_SERVER_CLUSTER_SHARD_H_
