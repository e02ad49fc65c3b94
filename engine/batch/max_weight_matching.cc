#include "engine/batch/max_weight_matching.h"

#include <algorithm>
#include <limits>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace passerelle::engine::assignment_internal {
namespace {

// Each scaling phase divides epsilon by this. Larger means fewer phases but possibly more bids per
// phase. On the 100k x 10k benchmark (continuous scores, and scores on 4 or 20 levels) the solve time
// fell from 8 to 64 and was flat beyond, where forward bids start to grow again.
constexpr int64_t kEpsilonDivisor = 64;
constexpr int64_t kMaxScaledWeight = int64_t{1} << 61;

// A left node holding a position of a right node, with the bid it paid.
struct Holder {
  int64_t bid;
  int32_t left;
};

// Heap order: the weakest holder (lowest bid; ties: higher left index) on top.
bool Stronger(const Holder& a, const Holder& b) { return a.bid != b.bid ? a.bid > b.bid : a.left < b.left; }

// One solve. Not thread-safe; one instance per call.
//
// Invariants between bids, with price p[j] >= 0 per right node and the profit of a matched left node
// i on edge e to j being w(e) - p[j]:
//  - a matched left node's profit is within epsilon of max(0, best w - p over its edges);
//  - an unmatched left node not waiting to bid has no edge with w - p >= epsilon;
//  - in the forward pass, p[j] only rises: it is the weakest holder's bid while j is full.
class AuctionSolver {
 public:
  AuctionSolver(const BMatchingProblem& problem, int64_t scale)
      : problem_(problem),
        scale_(scale),
        price_(problem.right_capacity.size(), 0),
        holder_count_(problem.right_capacity.size(), 0),
        slot_begin_(problem.right_capacity.size() + 1, 0),
        matched_edge_(problem.left_count(), -1) {
    for (size_t j = 0; j < problem.right_capacity.size(); ++j) {
      slot_begin_[j + 1] = slot_begin_[j] + problem.right_capacity[j];
    }
    slots_.resize(slot_begin_.back());
  }

  std::vector<int64_t> Solve(int64_t max_scaled_weight, AuctionStats& stats) {
    int64_t epsilon = std::max<int64_t>(1, max_scaled_weight / kEpsilonDivisor);
    while (true) {
      ++stats.phases;
      RunForwardPhase(epsilon, stats);
      RunReversePass(epsilon, stats);
      if (epsilon == 1) break;
      epsilon = std::max<int64_t>(1, epsilon / kEpsilonDivisor);
    }
    return matched_edge_;
  }

 private:
  int64_t Weight(int64_t e) const { return problem_.edge_weight[e] * scale_; }
  int32_t RightOf(int64_t e) const { return problem_.edge_right[e]; }
  int64_t Profit(int32_t i) const {
    const int64_t e = matched_edge_[i];
    return e < 0 ? 0 : Weight(e) - price_[RightOf(e)];
  }

  // Starts from nobody matched, keeps the prices of the previous phase, and lets every unmatched left
  // node bid until each is matched or finds nothing worth epsilon. Bids go in rounds: everyone
  // unmatched bids once, then those evicted during the round bid in the next.
  void RunForwardPhase(int64_t epsilon, AuctionStats& stats) {
    std::fill(holder_count_.begin(), holder_count_.end(), 0);
    std::fill(matched_edge_.begin(), matched_edge_.end(), -1);
    std::vector<int32_t> bidders;
    for (int32_t i = 0; i < problem_.left_count(); ++i) {
      if (problem_.left_begin[i + 1] > problem_.left_begin[i]) bidders.push_back(i);
    }
    while (!bidders.empty()) {
      evicted_.clear();
      for (int32_t i : bidders) Bid(i, epsilon);
      stats.forward_bids += static_cast<int64_t>(bidders.size());
      bidders.swap(evicted_);
    }
  }

  // Left node i bids for its best right node: enough to make it exactly epsilon better than its second
  // best (the outside option, worth 0, counts as a choice).
  void Bid(int32_t i, int64_t epsilon) {
    int64_t best = std::numeric_limits<int64_t>::min();
    int64_t second = 0;
    int64_t best_edge = -1;
    for (int64_t e = problem_.left_begin[i]; e < problem_.left_begin[i + 1]; ++e) {
      const int64_t value = Weight(e) - price_[RightOf(e)];
      if (value > best) {
        second = std::max(second, best);
        best = value;
        best_edge = e;
      } else if (value > second) {
        second = value;
      }
    }
    if (best < epsilon) return;  // stays out: nothing is worth epsilon to it
    matched_edge_[i] = best_edge;
    Hold(RightOf(best_edge), Holder{Weight(best_edge) - second + epsilon, i});
  }

  // Gives a position of j to `holder`, evicting the weakest holder if j was full.
  void Hold(int32_t j, Holder holder) {
    Holder* heap = slots_.data() + slot_begin_[j];
    int32_t& count = holder_count_[j];
    const int32_t capacity = problem_.right_capacity[j];
    if (count == capacity) {
      // The new bid beats the price, which is the weakest bid: replace that holder.
      std::pop_heap(heap, heap + count, Stronger);
      const int32_t evicted = heap[count - 1].left;
      matched_edge_[evicted] = -1;
      evicted_.push_back(evicted);
      heap[count - 1] = holder;
    } else {
      heap[count++] = holder;
    }
    std::push_heap(heap, heap + count, Stronger);
    if (count == capacity) price_[j] = heap[0].bid;
  }

  // Right nodes left partly empty at a positive price lower it and take the left nodes that gain most.
  void RunReversePass(int64_t epsilon, AuctionStats& stats) {
    std::vector<int32_t> pending;
    for (int32_t j = 0; j < static_cast<int32_t>(price_.size()); ++j) {
      if (price_[j] > 0 && holder_count_[j] < problem_.right_capacity[j]) pending.push_back(j);
    }
    if (pending.empty()) return;
    BuildColumns();
    for (size_t head = 0; head < pending.size(); ++head) {
      const int32_t j = pending[head];
      if (price_[j] == 0 || holder_count_[j] == problem_.right_capacity[j]) continue;
      ReverseBid(j, epsilon, pending);
      ++stats.reverse_bids;
    }
  }

  // One reverse step for right node j with `free` empty positions: rank the left nodes it is not holding
  // by how much j is worth to them above their current profit (beta), set the price so that the
  // (free + 1)-th best is not tempted, and take the top ones that gain at least epsilon. Afterwards j is
  // full or its price is 0, every moved node gains at least epsilon, and no other node is tempted.
  void ReverseBid(int32_t j, int64_t epsilon, std::vector<int32_t>& pending) {
    const int32_t free = problem_.right_capacity[j] - holder_count_[j];
    offers_.clear();
    for (int64_t c = column_begin_[j]; c < column_begin_[j + 1]; ++c) {
      const int64_t e = column_edge_[c];
      const int32_t i = column_left_[c];
      const int64_t current = matched_edge_[i];
      if (current >= 0 && RightOf(current) == j) continue;
      offers_.push_back(Offer{Weight(e) - Profit(i), i, e});
    }
    int64_t new_price = 0;
    if (static_cast<int64_t>(offers_.size()) > free) {
      std::nth_element(offers_.begin(), offers_.begin() + free, offers_.end(), Offer::Better);
      new_price = std::max<int64_t>(0, offers_[free].beta - epsilon);
      offers_.resize(free);
    }
    std::sort(offers_.begin(), offers_.end(), Offer::Better);  // deterministic move order
    for (const Offer& offer : offers_) {
      if (offer.beta < new_price + epsilon) break;
      const int64_t previous = matched_edge_[offer.left];
      if (previous >= 0) {
        const int32_t k = RightOf(previous);
        --holder_count_[k];
        if (price_[k] > 0) pending.push_back(k);
      }
      matched_edge_[offer.left] = offer.edge;
      ++holder_count_[j];
    }
    price_[j] = new_price;
  }

  // Right-major copy of the edges, built on the first reverse pass that needs it.
  void BuildColumns() {
    if (!column_begin_.empty()) return;
    const size_t right_count = problem_.right_capacity.size();
    column_begin_.assign(right_count + 1, 0);
    for (int32_t r : problem_.edge_right) ++column_begin_[r + 1];
    for (size_t j = 1; j <= right_count; ++j) column_begin_[j] += column_begin_[j - 1];
    std::vector<int64_t> next(column_begin_.begin(), column_begin_.end() - 1);
    column_left_.resize(problem_.edge_right.size());
    column_edge_.resize(problem_.edge_right.size());
    for (int32_t i = 0; i < problem_.left_count(); ++i) {
      for (int64_t e = problem_.left_begin[i]; e < problem_.left_begin[i + 1]; ++e) {
        const int64_t c = next[RightOf(e)]++;
        column_left_[c] = i;
        column_edge_[c] = e;
      }
    }
  }

  struct Offer {
    int64_t beta;
    int32_t left;
    int64_t edge;
    static bool Better(const Offer& a, const Offer& b) { return a.beta != b.beta ? a.beta > b.beta : a.left < b.left; }
  };

  const BMatchingProblem& problem_;
  const int64_t scale_;
  std::vector<int64_t> price_;
  std::vector<int32_t> holder_count_;
  std::vector<int64_t> slot_begin_;
  std::vector<Holder> slots_;  // per right node, a heap of its holders in [slot_begin, +count)
  std::vector<int64_t> matched_edge_;
  std::vector<int32_t> evicted_;  // left nodes evicted in the current round
  std::vector<int64_t> column_begin_;
  std::vector<int32_t> column_left_;
  std::vector<int64_t> column_edge_;
  std::vector<Offer> offers_;
};

}  // namespace

absl::StatusOr<std::vector<int64_t>> SolveMaxWeightBMatching(const BMatchingProblem& problem, AuctionStats* stats) {
  int64_t active_left = 0;
  for (int32_t i = 0; i < problem.left_count(); ++i) {
    active_left += problem.left_begin[i + 1] > problem.left_begin[i];
  }
  int64_t max_weight = 1;
  for (int64_t w : problem.edge_weight) max_weight = std::max(max_weight, w);
  // The scale makes left_count * epsilon (epsilon = 1) smaller than one unit of weight.
  const int64_t scale = active_left + 1;
  if (max_weight > kMaxScaledWeight / scale) {
    return absl::ResourceExhaustedError(
        absl::StrCat("optimal assignment: weight ", max_weight, " times ", scale,
                     " candidates exceeds 2^61; split the problem into smaller batches"));
  }
  AuctionStats local_stats;
  AuctionSolver solver(problem, scale);
  std::vector<int64_t> matched = solver.Solve(max_weight * scale, stats ? *stats : local_stats);
  return matched;
}

}  // namespace passerelle::engine::assignment_internal
