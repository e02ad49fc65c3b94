// The id -> slot map of a SegmentedTable, with the ids' bytes kept in large append-only chunks.
//
// Why: a map of std::string held 118 bytes per row at 1M candidates (a 32-byte string plus its own heap
// block for ids past 15 bytes, in a table at half load). Here an entry is 8 bytes, the place of its id
// in the chunks and its slot, and the table hashes and compares through the chunks: at 1M rows (a table
// of 2M entries, half full) that is about 18 bytes per row plus the id's bytes, where string_view keys
// with 64-bit slots (24-byte entries) held about 50 plus the bytes. Each id is stored once, behind a
// varint length. Erased ids leave dead bytes in their chunk; once those outweigh the live ones
// (WantsCompaction), the owner swaps in Compacted(), a copy of the live ids in fresh chunks, made
// outside its readers' lock.
//
// Limits: 4 GiB of id bytes (65,536 chunks) and slots below 2^32; a table of a billion ids stays below both.
//
// Thread-safety: none; SegmentedTable guards it. A view returned by ForEach lives until the next Set,
// Erase or assignment.
#ifndef PASSERELLE_ENGINE_COLUMNS_ID_SLOT_MAP_H_
#define PASSERELLE_ENGINE_COLUMNS_ID_SLOT_MAP_H_

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"

namespace passerelle::engine {

class IdSlotMap {
 public:
  IdSlotMap() : chunks_(std::make_unique<Chunks>()), slots_(0, Hash{chunks_.get()}, Eq{chunks_.get()}) {}
  IdSlotMap(IdSlotMap&&) = default;
  IdSlotMap& operator=(IdSlotMap&&) = default;

  // The slot of `id`, or -1.
  int64_t Find(absl::string_view id) const {
    auto it = slots_.find(id);
    return it == slots_.end() ? -1 : static_cast<int64_t>(it->slot);
  }

  // Inserts `id` or moves it to `slot` (0 <= slot < 2^32); returns its previous slot, -1 when it was new.
  int64_t Set(absl::string_view id, int64_t slot) {
    if (auto it = slots_.find(id); it != slots_.end()) {
      const int64_t previous = it->slot;
      // The set's element is const only because its id must not change; the slot is not hashed.
      const_cast<Entry&>(*it).slot = static_cast<uint32_t>(slot);
      return previous;
    }
    slots_.insert(Entry{chunks_->Keep(id), static_cast<uint32_t>(slot)});
    return -1;
  }

  // Returns whether `id` was there.
  bool Erase(absl::string_view id) {
    auto it = slots_.find(id);
    if (it == slots_.end()) return false;
    chunks_->live_bytes -= id.size();
    chunks_->dead_bytes += id.size();
    slots_.erase(it);
    return true;
  }

  bool WantsCompaction() const {
    return chunks_->dead_bytes > kChunkBytes && chunks_->dead_bytes > chunks_->live_bytes;
  }

  // The same entries with the ids copied into fresh chunks (no dead bytes).
  IdSlotMap Compacted() const {
    IdSlotMap fresh;
    fresh.reserve(slots_.size());
    for (const Entry& e : slots_) fresh.slots_.insert(Entry{fresh.chunks_->Keep(chunks_->Id(e.where)), e.slot});
    return fresh;
  }

  size_t size() const { return slots_.size(); }
  void reserve(size_t rows) { slots_.reserve(rows); }

  // fn(absl::string_view id, int64_t slot) for every entry, in no particular order.
  template <class Fn>
  void ForEach(Fn&& fn) const {
    for (const Entry& e : slots_) fn(chunks_->Id(e.where), static_cast<int64_t>(e.slot));
  }

 private:
  static constexpr size_t kChunkBytes = 64 << 10;
  static constexpr int kOffsetBits = 16;  // kChunkBytes == 1 << kOffsetBits

  // Ids back to back, each behind its length as a varint; a place is (chunk << 16 | offset). Held by
  // pointer so that the set's hash and equality, which read it, stay right when the map moves.
  struct Chunks {
    std::vector<std::unique_ptr<char[]>> blocks;
    size_t used = kChunkBytes;  // of the last block; a full one makes the next Keep start a block
    size_t live_bytes = 0, dead_bytes = 0;

    absl::string_view Id(uint32_t where) const {
      const auto* p = reinterpret_cast<const unsigned char*>(blocks[where >> kOffsetBits].get()) +
                      (where & (kChunkBytes - 1));
      size_t size = 0;
      for (int shift = 0;; shift += 7) {
        const unsigned char byte = *p++;
        size |= static_cast<size_t>(byte & 0x7f) << shift;
        if (byte < 0x80) break;
      }
      return absl::string_view(reinterpret_cast<const char*>(p), size);
    }

    // A copy of `id` in the last block (a new one when it has no room; one of its own when it is longer
    // than a block); blocks never move.
    uint32_t Keep(absl::string_view id) {
      unsigned char length[10];
      size_t length_bytes = 0;
      for (size_t size = id.size(); ; size >>= 7) {
        length[length_bytes++] = static_cast<unsigned char>((size & 0x7f) | (size >= 0x80 ? 0x80 : 0));
        if (size < 0x80) break;
      }
      const size_t need = length_bytes + id.size();
      if (used + need > kChunkBytes) {
        if (blocks.size() >= (size_t{1} << (32 - kOffsetBits))) std::abort();  // past the 4 GiB limit
        blocks.push_back(std::make_unique<char[]>(std::max(kChunkBytes, need)));
        used = 0;
      }
      const uint32_t where = static_cast<uint32_t>(((blocks.size() - 1) << kOffsetBits) | used);
      char* at = blocks.back().get() + used;
      std::memcpy(at, length, length_bytes);
      if (!id.empty()) std::memcpy(at + length_bytes, id.data(), id.size());
      // A block longer than kChunkBytes holds its one id only; offsets stay below 2^16.
      used = need > kChunkBytes ? kChunkBytes : used + need;
      live_bytes += id.size();
      return where;
    }
  };

  struct Entry {
    uint32_t where;  // of the id in Chunks
    uint32_t slot;
  };

  // Hash and equality of entries by their ids' bytes, usable with a bare string_view for lookups.
  struct Hash {
    using is_transparent = void;
    const Chunks* chunks;
    size_t operator()(absl::string_view id) const { return absl::Hash<absl::string_view>()(id); }
    size_t operator()(const Entry& e) const { return (*this)(chunks->Id(e.where)); }
  };
  struct Eq {
    using is_transparent = void;
    const Chunks* chunks;
    absl::string_view IdOf(absl::string_view id) const { return id; }
    absl::string_view IdOf(const Entry& e) const { return chunks->Id(e.where); }
    template <class A, class B>
    bool operator()(const A& a, const B& b) const { return IdOf(a) == IdOf(b); }
  };

  std::unique_ptr<Chunks> chunks_;
  absl::flat_hash_set<Entry, Hash, Eq> slots_;
};

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_COLUMNS_ID_SLOT_MAP_H_
