// A table of records stored as fixed-size column segments with copy-on-write publication.
//
// Why: queries must never wait on writers, and must see each record either before or after an update,
// never half-written. A writer copies only the segments it touches (kRows rows each), rebuilds their
// columns, and publishes a new immutable Snapshot (a vector of segment pointers) in one pointer swap.
// Readers hold a shared_ptr to the snapshot they started with, so old segments live as long as a query
// uses them.
//
// Records can be grouped into buckets (for example by département): a segment then holds rows of one
// bucket only, so that a query can skip whole segments by a summary of what they hold (see
// CandidateSegment::summary). Rows fill each bucket's open segment from row 0, and a segment's
// `used_rows` bounds the rows queries scan.
//
// Segment requirements: `static constexpr int kRows`; default-constructible; copyable;
// `void Set(int row, const std::shared_ptr<const Record>&)`, `void Clear(int row)`, `void Finish()`
// (rebuild derived structures after a batch of Set/Clear); `record(int row)` returning a
// std::shared_ptr<const Record> (the segment may keep the record in another form and rebuild it).
// Record requirement: `record.id()` is its key. The table keeps only ids and slots besides the segments.
//
// Thread-safety: thread-safe. Writers are serialised; readers never block on a writer's work, only on
// the few instructions of a pointer swap.
#ifndef PASSERELLE_ENGINE_COLUMNS_SEGMENTED_TABLE_H_
#define PASSERELLE_ENGINE_COLUMNS_SEGMENTED_TABLE_H_

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/types/span.h"

namespace passerelle::engine {

template <class Record, class Segment>
class SegmentedTable {
 public:
  struct Snapshot {
    std::vector<std::shared_ptr<const Segment>> segments;
    size_t live_rows = 0;
  };

  // Bucket of a record; records of different buckets never share a segment. Empty = one bucket.
  using BucketFn = std::function<uint32_t(const Record&)>;

  explicit SegmentedTable(BucketFn bucket_of = nullptr)
      : bucket_of_(std::move(bucket_of)), snapshot_(std::make_shared<const Snapshot>()) {}

  // The current version of the whole table.
  std::shared_ptr<const Snapshot> snapshot() const {
    std::lock_guard<std::mutex> lock(publish_mu_);
    return snapshot_;
  }

  // The current version of one record, or nullptr.
  std::shared_ptr<const Record> Find(const std::string& id) const {
    std::shared_ptr<const Snapshot> snapshot;
    int64_t slot = -1;
    {
      std::lock_guard<std::mutex> lock(publish_mu_);
      auto it = rows_.find(id);
      if (it == rows_.end()) return nullptr;
      snapshot = snapshot_;  // published together with rows_, so the slot is in it
      slot = it->second;
    }
    return snapshot->segments[slot / Segment::kRows]->record(slot % Segment::kRows);
  }

  size_t size() const {
    std::lock_guard<std::mutex> lock(publish_mu_);
    return rows_.size();
  }

  // Inserts or replaces `upserts` (by id) and removes `removals`, published as one new version.
  // Returns how many of `removals` existed.
  size_t Apply(absl::Span<const std::shared_ptr<const Record>> upserts, absl::Span<const std::string> removals) {
    std::lock_guard<std::mutex> write_lock(write_mu_);
    Batch batch(*snapshot());
    Pending pending;
    size_t erased = 0;
    for (const std::shared_ptr<const Record>& record : upserts) {
      const int64_t slot = SlotFor(*record, pending, batch);
      batch.Mutable(slot / Segment::kRows)->Set(slot % Segment::kRows, record);
      pending[record->id()] = Entry{slot, true};
    }
    for (const std::string& id : removals) {
      const int64_t slot = PendingSlot(id, pending);
      if (slot < 0) continue;
      batch.Mutable(slot / Segment::kRows)->Clear(slot % Segment::kRows);
      ++erased;
      ReleaseSlot(slot);
      pending[id] = Entry{slot, false};
    }
    Publish(std::move(batch), std::move(pending));
    return erased;
  }

 private:
  // A change of the version being written.
  struct Entry {
    int64_t slot = -1;
    bool live = true;  // false: removed
  };

  // The segments of the version being written: untouched ones shared, touched ones copied once.
  struct Batch {
    explicit Batch(const Snapshot& base) : segments(base.segments), touched(base.segments.size(), false) {}
    Segment* Mutable(size_t index) {
      while (segments.size() <= index) {
        segments.push_back(std::make_shared<const Segment>());
        touched.push_back(false);
      }
      if (!touched[index]) {
        owned.push_back(std::make_shared<Segment>(*segments[index]));
        segments[index] = owned.back();
        touched[index] = true;
      }
      return const_cast<Segment*>(segments[index].get());
    }
    std::vector<std::shared_ptr<const Segment>> segments;
    std::vector<bool> touched;
    std::vector<std::shared_ptr<Segment>> owned;
  };

  // Changes of the version being written, by id.
  using Pending = absl::flat_hash_map<std::string, Entry>;

  // Slot of `id` in the version being written (pending change first, else published), or -1.
  int64_t PendingSlot(const std::string& id, const Pending& pending) {
    if (auto it = pending.find(id); it != pending.end()) return it->second.live ? it->second.slot : -1;
    std::lock_guard<std::mutex> lock(publish_mu_);
    auto found = rows_.find(id);
    return found == rows_.end() ? -1 : found->second;
  }

  // Where a bucket puts its next rows.
  struct BucketState {
    std::vector<int64_t> free_slots;
    int64_t open_segment = -1;
    int next_row = Segment::kRows;  // kRows = no open segment with room
  };

  void ReleaseSlot(int64_t slot) { buckets_[segment_bucket_[slot / Segment::kRows]].free_slots.push_back(slot); }

  // The record's current slot if it stays in the same bucket, else a free slot of its bucket (clearing
  // its old row when it moved), else the next row of the bucket's open segment or of a new segment.
  int64_t SlotFor(const Record& record, const Pending& pending, Batch& batch) {
    const uint32_t bucket = bucket_of_ ? bucket_of_(record) : 0;
    const int64_t existing = PendingSlot(record.id(), pending);
    if (existing >= 0) {
      if (segment_bucket_[existing / Segment::kRows] == bucket) return existing;
      batch.Mutable(existing / Segment::kRows)->Clear(existing % Segment::kRows);
      ReleaseSlot(existing);
    }
    BucketState& state = buckets_[bucket];
    if (!state.free_slots.empty()) {
      const int64_t slot = state.free_slots.back();
      state.free_slots.pop_back();
      return slot;
    }
    if (state.next_row == Segment::kRows) {
      state.open_segment = static_cast<int64_t>(segment_bucket_.size());
      segment_bucket_.push_back(bucket);
      state.next_row = 0;
    }
    return state.open_segment * Segment::kRows + state.next_row++;
  }

  void Publish(Batch batch, Pending entries) {
    for (auto& segment : batch.owned) segment->Finish();
    auto next = std::make_shared<Snapshot>();
    next->segments = std::move(batch.segments);
    std::lock_guard<std::mutex> lock(publish_mu_);
    for (auto& [id, entry] : entries) {
      if (entry.live) {
        rows_[id] = entry.slot;
      } else {
        rows_.erase(id);
      }
    }
    next->live_rows = rows_.size();
    snapshot_ = std::move(next);
  }

  const BucketFn bucket_of_;
  std::mutex write_mu_;                              // serialises Apply
  absl::flat_hash_map<uint32_t, BucketState> buckets_;  // GUARDED_BY(write_mu_)
  std::vector<uint32_t> segment_bucket_;             // GUARDED_BY(write_mu_); bucket of each segment
  // std::mutex rather than absl::Mutex: ThreadSanitizer understands it without an instrumented Abseil.
  mutable std::mutex publish_mu_;
  std::shared_ptr<const Snapshot> snapshot_;        // GUARDED_BY(publish_mu_)
  absl::flat_hash_map<std::string, int64_t> rows_;  // GUARDED_BY(publish_mu_); id -> slot; written only under write_mu_ too
};

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_COLUMNS_SEGMENTED_TABLE_H_
