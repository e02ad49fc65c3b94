// Partial selection of the k best scored rows: a bounded heap, O(n log k), no full sort. Ties on score
// are broken by id (smaller first) so that results do not depend on insertion order.
//
// Thread-safety: thread-compatible.
#ifndef PASSERELLE_ENGINE_INDEX_TOP_K_H_
#define PASSERELLE_ENGINE_INDEX_TOP_K_H_

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace passerelle::engine {

template <class Payload>
class TopK {
 public:
  struct Entry {
    float score;
    absl::string_view id;  // must outlive the TopK (points into a segment of the query's snapshot)
    Payload payload;
  };

  explicit TopK(size_t k) : k_(k), threshold_(k == 0 ? kNever : kAnything) { heap_.reserve(k); }

  // Cheap pre-check, called for every scored row: false when `score` cannot enter the selection.
  bool MayAccept(float score) const { return score >= threshold_; }

  void Push(float score, absl::string_view id, Payload payload) {
    if (k_ == 0) return;
    Entry entry{score, id, std::move(payload)};
    if (heap_.size() < k_) {
      heap_.push_back(std::move(entry));
      std::push_heap(heap_.begin(), heap_.end(), Better);
    } else if (Better(entry, heap_.front())) {
      std::pop_heap(heap_.begin(), heap_.end(), Better);
      heap_.back() = std::move(entry);
      std::push_heap(heap_.begin(), heap_.end(), Better);
    }
    if (heap_.size() == k_) threshold_ = heap_.front().score;  // ties may still enter, by id
  }

  // The selection, best first. Leaves the TopK empty.
  std::vector<Entry> Take() {
    std::sort_heap(heap_.begin(), heap_.end(), Better);
    threshold_ = k_ == 0 ? kNever : kAnything;
    return std::move(heap_);
  }

  size_t size() const { return heap_.size(); }

 private:
  // With this order the heap's front is the worst entry kept.
  static bool Better(const Entry& a, const Entry& b) {
    if (a.score != b.score) return a.score > b.score;
    return a.id < b.id;
  }

  static constexpr float kAnything = -std::numeric_limits<float>::infinity();
  static constexpr float kNever = std::numeric_limits<float>::infinity();

  size_t k_;
  float threshold_;  // the worst kept score once k are kept (one load per row in MayAccept)
  std::vector<Entry> heap_;
};

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_INDEX_TOP_K_H_
