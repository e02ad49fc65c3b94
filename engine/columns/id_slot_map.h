// The id -> slot map of a SegmentedTable, with the ids' bytes kept in large append-only chunks.
//
// Why: a map of std::string held 118 bytes per row at 1M candidates (a 32-byte string plus its own heap
// block for ids past 15 bytes, in a table at half load); string_view keys into chunks hold about 70.
// Erased ids leave dead bytes in their chunk; once those outweigh the live ones (WantsCompaction), the
// owner swaps in Compacted(), a copy of the live ids in fresh chunks, made outside its readers' lock.
//
// Thread-safety: none; SegmentedTable guards it. A view returned by ForEach lives until the next Set,
// Erase or assignment.
#ifndef PASSERELLE_ENGINE_COLUMNS_ID_SLOT_MAP_H_
#define PASSERELLE_ENGINE_COLUMNS_ID_SLOT_MAP_H_

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"

namespace passerelle::engine {

class IdSlotMap {
 public:
  // The slot of `id`, or -1.
  int64_t Find(absl::string_view id) const {
    auto it = slots_.find(id);
    return it == slots_.end() ? -1 : it->second;
  }

  // Inserts `id` or moves it to `slot`.
  void Set(absl::string_view id, int64_t slot) {
    if (auto it = slots_.find(id); it != slots_.end()) {
      it->second = slot;
      return;
    }
    slots_.emplace(Keep(id), slot);
  }

  // Returns whether `id` was there.
  bool Erase(absl::string_view id) {
    auto it = slots_.find(id);
    if (it == slots_.end()) return false;
    live_bytes_ -= it->first.size();
    dead_bytes_ += it->first.size();
    slots_.erase(it);
    return true;
  }

  bool WantsCompaction() const { return dead_bytes_ > kChunkBytes && dead_bytes_ > live_bytes_; }

  // The same entries with the ids copied into fresh chunks (no dead bytes).
  IdSlotMap Compacted() const {
    IdSlotMap fresh;
    fresh.reserve(slots_.size());
    for (const auto& [id, slot] : slots_) fresh.slots_.emplace(fresh.Keep(id), slot);
    return fresh;
  }

  size_t size() const { return slots_.size(); }
  void reserve(size_t rows) { slots_.reserve(rows); }

  // fn(absl::string_view id, int64_t slot) for every entry, in no particular order.
  template <class Fn>
  void ForEach(Fn&& fn) const {
    for (const auto& [id, slot] : slots_) fn(id, slot);
  }

 private:
  static constexpr size_t kChunkBytes = 64 << 10;

  // A copy of `id` in the last chunk (a new one when it has no room); chunks never move.
  absl::string_view Keep(absl::string_view id) {
    if (chunks_.empty() || chunk_used_ + id.size() > chunk_capacity_) {
      chunk_capacity_ = std::max(kChunkBytes, id.size());
      chunks_.push_back(std::make_unique<char[]>(chunk_capacity_));
      chunk_used_ = 0;
    }
    char* at = chunks_.back().get() + chunk_used_;
    if (!id.empty()) std::memcpy(at, id.data(), id.size());
    chunk_used_ += id.size();
    live_bytes_ += id.size();
    return absl::string_view(at, id.size());
  }

  absl::flat_hash_map<absl::string_view, int64_t> slots_;  // views into chunks_
  std::vector<std::unique_ptr<char[]>> chunks_;
  size_t chunk_used_ = 0, chunk_capacity_ = 0;  // of the last chunk
  size_t live_bytes_ = 0, dead_bytes_ = 0;
};

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_COLUMNS_ID_SLOT_MAP_H_
