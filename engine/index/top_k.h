// Partial selection of the k best scored rows: a bounded heap, O(n log k), no full sort. Ties on score
// are broken by id (smaller first) so that results do not depend on insertion order.
//
// Thread-safety: thread-compatible.
#ifndef PASSERELLE_ENGINE_INDEX_TOP_K_H_
#define PASSERELLE_ENGINE_INDEX_TOP_K_H_

#include <algorithm>
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

  explicit TopK(size_t k) : k_(k) { heap_.reserve(k); }

  // Cheap pre-check: false when `score` cannot enter the selection.
  bool MayAccept(float score) const { return k_ > 0 && (heap_.size() < k_ || score >= heap_.front().score); }

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
  }

  // The selection, best first. Leaves the TopK empty.
  std::vector<Entry> Take() {
    std::sort_heap(heap_.begin(), heap_.end(), Better);
    return std::move(heap_);
  }

  size_t size() const { return heap_.size(); }

 private:
  // With this order the heap's front is the worst entry kept.
  static bool Better(const Entry& a, const Entry& b) {
    if (a.score != b.score) return a.score > b.score;
    return a.id < b.id;
  }

  size_t k_;
  std::vector<Entry> heap_;
};

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_INDEX_TOP_K_H_
