// Internal to engine/batch: exact maximum-weight bipartite b-matching by an auction algorithm.
//
// Left nodes (candidates) take at most one right node each; right node j (an opening) takes at most
// capacity[j] left nodes; only the given edges can be used; weights are positive integers. The matching
// maximises the total weight. It does not have to match everyone: with positive weights it never leaves
// a left node unmatched when a free right node it has an edge to remains.
//
// Algorithm: forward auction with epsilon-scaling, candidates bidding for openings whose single price per
// opening is the lowest holder's bid once full, followed in every scaling phase by a reverse pass that
// lets openings left partly empty at a positive price lower it (Bertsekas's forward/reverse auction for
// asymmetric problems). At the end every unfilled opening has price 0 and every left node is within
// epsilon of its best choice (epsilon-complementary slackness), so the matching is within
// left_count * epsilon of the optimum. Weights are multiplied by (active left nodes + 1) and the last
// phase runs with epsilon = 1, which makes that gap smaller than one unit of the original weights: the
// result is the exact optimum. docs/batch.md has the proof sketch and the complexity.
#ifndef PASSERELLE_ENGINE_BATCH_MAX_WEIGHT_MATCHING_H_
#define PASSERELLE_ENGINE_BATCH_MAX_WEIGHT_MATCHING_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"

namespace passerelle::engine::assignment_internal {

// Thread-compatible value type.
struct BMatchingProblem {
  // Left node i's edges are [left_begin[i], left_begin[i + 1]); left_count + 1 entries.
  std::vector<int64_t> left_begin;
  std::vector<int32_t> edge_right;      // right node per edge, in [0, right_capacity.size())
  std::vector<int64_t> edge_weight;     // per edge, >= 1
  std::vector<int32_t> right_capacity;  // >= 0

  int32_t left_count() const { return static_cast<int32_t>(left_begin.size()) - 1; }
};

// Work counters of one solve, for benchmarks and tests.
struct AuctionStats {
  int32_t phases = 0;
  int64_t forward_bids = 0;
  int64_t reverse_bids = 0;
};

// Returns, per left node, the index of its matched edge or -1. REQUIRES: a well-formed problem with no
// repeated (left, right) edge and no edge to a right node of capacity 0. Returns ResourceExhaustedError if max weight *
// (left nodes with an edge
// + 1) does not fit comfortably in 64 bits (more than 2^61).
absl::StatusOr<std::vector<int64_t>> SolveMaxWeightBMatching(const BMatchingProblem& problem,
                                                             AuctionStats* stats = nullptr);

}  // namespace passerelle::engine::assignment_internal

#endif  // PASSERELLE_ENGINE_BATCH_MAX_WEIGHT_MATCHING_H_
