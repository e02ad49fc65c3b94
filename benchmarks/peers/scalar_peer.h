// The scalar peer: scoring model v1 written as a platform developer would write it without the engine —
// objects in a vector, one pair at a time, branches per criterion, then a sort. It shares only the model's
// constants and the distance formula with the engine, so agreement between the two is a real check, and
// the time ratio shows what the columnar kernels buy.
//
// Thread-safety: thread-compatible.
#ifndef PASSERELLE_BENCHMARKS_PEERS_SCALAR_PEER_H_
#define PASSERELLE_BENCHMARKS_PEERS_SCALAR_PEER_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/model/resolve.h"
#include "engine/scoring/occupation_relations.h"
#include "engine/scoring/profile.h"

namespace passerelle::benchmarks {

struct PeerMatch {
  std::string id;
  float score = 0;
};

class ScalarPeer {
 public:
  // `today` as MatchQuery::today: openings past their expires_on are not matched, and readiness routes
  // start on it (0 = unknown: nothing expires, routes start on available_from).
  ScalarPeer(const engine::OccupationRelations& relations, const engine::ScoringProfile& profile,
             engine::Day today = 0);

  void AddCandidate(std::shared_ptr<const engine::ResolvedCandidate> c) { candidates_.push_back(std::move(c)); }
  void AddOpening(std::shared_ptr<const engine::ResolvedOpening> o) { openings_.push_back(std::move(o)); }

  // Best k eligible candidates for an opening / openings for a candidate: score descending, id ascending.
  std::vector<PeerMatch> MatchCandidates(const engine::ResolvedOpening& opening, int k) const;
  std::vector<PeerMatch> MatchOpenings(const engine::ResolvedCandidate& candidate, int k) const;

  // The total of one pair, or nullopt when a hard constraint fails.
  std::optional<float> ScorePair(const engine::ResolvedCandidate& c, const engine::ResolvedOpening& o) const;

 private:
  const engine::OccupationRelations& relations_;
  engine::ScoringProfile profile_;
  engine::Day today_ = 0;
  float weight_sum_ = 0;
  std::vector<std::shared_ptr<const engine::ResolvedCandidate>> candidates_;
  std::vector<std::shared_ptr<const engine::ResolvedOpening>> openings_;
};

}  // namespace passerelle::benchmarks

#endif  // PASSERELLE_BENCHMARKS_PEERS_SCALAR_PEER_H_
