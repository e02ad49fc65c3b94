#include "engine/batch/deferred_acceptance.h"

#include <algorithm>
#include <bit>
#include <functional>

namespace passerelle::engine::assignment_internal {
namespace {

// An opening's ranking of a candidate as one integer, higher is better: score first (non-negative
// floats order like their bit patterns), then lower candidate index.
uint64_t RankKey(float score, int32_t candidate) {
  return (uint64_t{std::bit_cast<uint32_t>(score)} << 32) | (0xFFFFFFFFu - static_cast<uint32_t>(candidate));
}
int32_t CandidateOf(uint64_t key) { return static_cast<int32_t>(0xFFFFFFFFu - static_cast<uint32_t>(key)); }

// A min-heap of rank keys: the weakest holder on top. Thread-compatible.
class WeakestFirst {
 public:
  bool empty() const { return keys_.empty(); }
  size_t size() const { return keys_.size(); }
  uint64_t weakest() const { return keys_.front(); }
  void Push(uint64_t key) {
    keys_.push_back(key);
    std::push_heap(keys_.begin(), keys_.end(), std::greater<>());
  }
  uint64_t PopWeakest() {
    std::pop_heap(keys_.begin(), keys_.end(), std::greater<>());
    const uint64_t key = keys_.back();
    keys_.pop_back();
    return key;
  }

 private:
  std::vector<uint64_t> keys_;
};

// The holders of one opening, kept as the choice rule in deferred_acceptance.h splits them: `open_` holds
// the best (capacity - reserved); the rest, all ranked below them, are split by group. Rejection only
// ever comes from the rest. Thread-compatible.
class OpeningHolders {
 public:
  OpeningHolders(int32_t capacity, int32_t reserved) : capacity_(capacity), open_capacity_(capacity - reserved) {}

  // Adds a proposer; returns the candidate the rule now rejects (maybe the proposer), or -1.
  int32_t Admit(uint64_t key, const std::vector<uint8_t>& is_cohort) {
    if (static_cast<int32_t>(open_.size()) < open_capacity_) {
      open_.Push(key);
    } else if (open_capacity_ > 0 && key > open_.weakest()) {
      PushRest(open_.PopWeakest(), is_cohort);
      open_.Push(key);
    } else {
      PushRest(key, is_cohort);
    }
    if (static_cast<int32_t>(open_.size() + rest_cohort_.size() + rest_others_.size()) <= capacity_) return -1;
    // Step 2 of the rule seats cohort candidates first, so a non-cohort one loses if there is one.
    WeakestFirst& loser_group = rest_others_.empty() ? rest_cohort_ : rest_others_;
    return CandidateOf(loser_group.PopWeakest());
  }

 private:
  void PushRest(uint64_t key, const std::vector<uint8_t>& is_cohort) {
    (is_cohort[CandidateOf(key)] ? rest_cohort_ : rest_others_).Push(key);
  }

  int32_t capacity_;
  int32_t open_capacity_;
  WeakestFirst open_;
  WeakestFirst rest_cohort_;
  WeakestFirst rest_others_;
};

}  // namespace

StableAssignment AssignStable(const MechanismInput& input) {
  const EligibilityGraph& g = input.graph;
  const int32_t n = g.candidate_count();
  StableAssignment out;
  out.opening_of_candidate.assign(n, -1);
  out.proposals_per_opening.assign(input.opening_count(), 0);
  std::vector<OpeningHolders> holders;
  holders.reserve(input.opening_count());
  for (int32_t j = 0; j < input.opening_count(); ++j) holders.emplace_back(input.capacity[j], input.reserved[j]);

  std::vector<int64_t> next_choice(g.begin.begin(), g.begin.end() - 1);
  std::vector<int32_t> free_candidates;
  for (int32_t i = n - 1; i >= 0; --i) free_candidates.push_back(i);  // lowest index proposes first
  while (!free_candidates.empty()) {
    const int32_t i = free_candidates.back();
    free_candidates.pop_back();
    while (next_choice[i] < g.begin[i + 1]) {
      const int64_t e = next_choice[i]++;
      const int32_t j = g.opening[e];
      ++out.proposals_per_opening[j];
      const int32_t rejected = holders[j].Admit(RankKey(g.score[e], i), input.is_cohort);
      if (rejected == i) continue;
      out.opening_of_candidate[i] = j;
      if (rejected >= 0) {
        out.opening_of_candidate[rejected] = -1;
        free_candidates.push_back(rejected);
      }
      break;
    }
  }
  return out;
}

}  // namespace passerelle::engine::assignment_internal
