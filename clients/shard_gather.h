// National batches gathered from région shards (docs/cluster.md, "Shards"): `passerelle rerank --shards`
// and `passerelle assign --shards` call every shard and join their answers here, into what one node
// holding every région answers (engine/batch/shard_gather.h says why they are the same).
//
// Thread-safety: stateless functions; the sessions are used from the calling thread only.
#ifndef PASSERELLE_CLIENTS_SHARD_GATHER_H_
#define PASSERELLE_CLIENTS_SHARD_GATHER_H_

#include <vector>

#include "absl/status/statusor.h"
#include "clients/session.h"
#include "passerelle/v1/matching.pb.h"

namespace passerelle::clients {

struct GatheredRerank {
  // Every shard's rankings, by candidate id.
  std::vector<v1::CandidateRanking> rankings;
  // The shards' final counts summed (elapsed_seconds: the longest), done.
  v1::RerankProgress progress;
};

// Runs `request` on every shard (one after the other) and merges the rankings. FailedPrecondition when
// two shards ranked the same candidate (overlapping shards, or one that has not applied a move yet);
// the first failing shard's error otherwise, naming its address. Shortlists and exposure reports are not
// gathered: InvalidArgument when the request asks for them.
absl::StatusOr<GatheredRerank> GatherRerank(const std::vector<Session*>& shards, const v1::RerankRequest& request,
                                            bool with_deadline);

// Asks every shard for its pools (AssignRequest.pools_only), merges them (engine MergePools) and runs the
// assignment once here: the response a node holding every région gives to `request`, ids as it gives
// them. FailedPrecondition when two shards pooled the same candidate or disagree on an opening's
// positions.
absl::StatusOr<v1::AssignResponse> GatherAssign(const std::vector<Session*>& shards, const v1::AssignRequest& request,
                                                bool with_deadline);

}  // namespace passerelle::clients

#endif  // PASSERELLE_CLIENTS_SHARD_GATHER_H_
