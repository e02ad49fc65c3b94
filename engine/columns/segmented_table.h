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
// Records can instead be kept in an order (OrderKeyFn, for example a space-filling curve over their
// place): new rows and rows whose key changed go to a tail of unordered segments, rows whose key did not
// change stay in place, and Reorder() rewrites the table with every live row sorted by key, published as
// one version like any write (queries keep the version they started with; writes go on while the sorted
// copy is built, and the records they touch meanwhile are carried over into it). A query then
// skips the segments of rows far from it (engine/columns/place_order.h). A tail segment, once full, is
// sorted by key among its own rows (SortFullTailSegments), so that its blocks too hold neighbours until
// the next Reorder places its rows among the others. Freed slots of ordered segments
// are not reused: they would bring unrelated rows into a compact segment; Reorder reclaims them. Buckets
// and an order combine: Reorder then sorts each bucket's rows by key into segments of that bucket only,
// and each bucket's new rows go to its own tail segments (openings: région/housing buckets in place order).
//
// Segment requirements: `static constexpr int kRows`; default-constructible; copyable;
// `void Set(int row, const std::shared_ptr<const Record>&)`, `void Clear(int row)`, `void Finish()`
// (rebuild derived structures after a batch of Set/Clear); `record(int row)` returning a
// std::shared_ptr<const Record> (the segment may keep the record in another form and rebuild it).
// With an order also `void CopyRow(int row, const Segment& from, int from_row)` (a live row, values and
// record), `id(int row)` (convertible to std::string), `bool live(int row)` and `int used_rows` (rows
// [0, used_rows) may be live; Set and CopyRow raise it).
// Record requirement: `record.id()` is its key. The table keeps only ids and slots besides the segments.
//
// Thread-safety: thread-safe. Writers are serialised, and wait for a Reorder only while it carries over
// the records written since it started; readers never block on a writer's work, only on the few
// instructions of a pointer swap.
#ifndef PASSERELLE_ENGINE_COLUMNS_SEGMENTED_TABLE_H_
#define PASSERELLE_ENGINE_COLUMNS_SEGMENTED_TABLE_H_

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/types/span.h"
#include "engine/columns/id_slot_map.h"
#include "engine/common/parallel.h"

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

  // Sort key of a record for Reorder; records of equal keys keep no particular order. Empty = no order.
  using OrderKeyFn = std::function<uint64_t(const Record&)>;

  // With both, rows are sorted by key within their bucket.
  explicit SegmentedTable(BucketFn bucket_of = nullptr, OrderKeyFn order_key = nullptr)
      : bucket_of_(std::move(bucket_of)), order_key_(std::move(order_key)),
        snapshot_(std::make_shared<const Snapshot>()) {}

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
      slot = rows_.Find(id);
      if (slot < 0) return nullptr;
      snapshot = snapshot_;  // published together with rows_, so the slot is in it
    }
    return snapshot->segments[slot / Segment::kRows]->record(slot % Segment::kRows);
  }

  size_t size() const {
    std::lock_guard<std::mutex> lock(publish_mu_);
    return rows_.size();
  }

  // With an order: the live rows outside the ordered segments plus the slots of ordered segments that
  // were freed since the last Reorder (what a Reorder would put back in order). 0 without an order.
  size_t unordered_rows() const {
    std::lock_guard<std::mutex> write_lock(write_mu_);
    std::lock_guard<std::mutex> lock(publish_mu_);
    return rows_.size() - ordered_live_ + (ordered_rows_ - ordered_live_);
  }

  // Inserts or replaces `upserts` (by id) and removes `removals`, published as one new version.
  // Returns how many of `removals` existed.
  size_t Apply(absl::Span<const std::shared_ptr<const Record>> upserts, absl::Span<const std::string> removals) {
    size_t erased = 0;
    ApplyIf(upserts, removals, nullptr, &erased);
    return erased;
  }

  // Apply, with the new version published only if `durable` (when set) returns true: it is called once the
  // changed segments are built, under the write lock, so that a writer builds them while its synced
  // write runs and nothing is visible before that write is durable. When it returns false nothing
  // changes. Returns whether the version was published; `erased` (optional): how many of `removals` existed.
  bool ApplyIf(absl::Span<const std::shared_ptr<const Record>> upserts, absl::Span<const std::string> removals,
               const std::function<bool()>& durable, size_t* erased = nullptr) {
    std::lock_guard<std::mutex> write_lock(write_mu_);
    std::optional<Undo> undo;
    if (durable) undo.emplace(Undo{buckets_, segment_bucket_, ordered_live_, slot_key_.size(), {}});
    undo_ = undo ? &*undo : nullptr;
    Batch batch(*snapshot());
    Pending pending;
    size_t removed = 0;
    for (const std::shared_ptr<const Record>& record : upserts) {
      const int64_t slot = SlotFor(*record, pending, batch);
      batch.Mutable(slot / Segment::kRows)->Set(slot % Segment::kRows, record);
      pending[record->id()] = Entry{slot, true};
    }
    for (const std::string& id : removals) {
      const int64_t slot = PendingSlot(id, pending);
      if (slot < 0) continue;
      batch.Mutable(slot / Segment::kRows)->Clear(slot % Segment::kRows);
      ++removed;
      ReleaseSlot(slot);
      pending[id] = Entry{slot, false};
    }
    if (order_key_) SortFullTailSegments(batch, pending);
    undo_ = nullptr;
    for (auto& segment : batch.owned) segment->Finish();
    if (durable && !durable()) {
      RollBack(*std::move(undo));
      return false;
    }
    if (reorder_started_) {  // a Reorder is copying the version it started from: it carries these over
      for (const std::shared_ptr<const Record>& record : upserts) written_since_reorder_.insert(record->id());
      for (const std::string& id : removals) written_since_reorder_.insert(id);
    }
    Publish(std::move(batch), std::move(pending));
    CompactIds();  // the old map is freed after the lock
    if (erased != nullptr) *erased = removed;
    return true;
  }

  // With an order: rewrites the live rows sorted by key into new, full segments (the last one partial)
  // and publishes them as one version; nothing when no row is out of order. The sorted copy is made of
  // the version current when the Reorder starts, without the write lock, so writes go on meanwhile; then,
  // under the lock, the records written since have their sorted copies cleared and their current rows
  // added after the sorted segments, in key order, as the tail new rows go to, and all of it is
  // published at once. Costs a copy of every live row (and, while it runs, the memory of both versions);
  // the segments are built on up to `threads` threads. `while_copying`, when set, is called while the
  // copy is made (tests write then). Reorders run one at a time. No-op without an order.
  void Reorder(int threads = 1, const std::function<void()>& while_copying = nullptr) {
    if (!order_key_) return;
    std::lock_guard<std::mutex> reorder_lock(reorder_mu_);
    std::shared_ptr<const Snapshot> base;
    std::vector<std::tuple<uint32_t, uint64_t, int64_t>> order;  // (bucket, key, slot in base)
    {
      std::lock_guard<std::mutex> write_lock(write_mu_);
      // Two reorders one after the other: the second has nothing to do unless writes came in between.
      if (rows_.size() == ordered_live_ && ordered_rows_ == ordered_live_) return;
      base = snapshot();
      order.reserve(rows_.size());
      rows_.ForEach([&](absl::string_view, int64_t slot) {
        order.emplace_back(segment_bucket_[slot / Segment::kRows], slot_key_[slot], slot);
      });
      written_since_reorder_.clear();
      reorder_started_ = true;
    }
    if (while_copying) while_copying();
    std::sort(order.begin(), order.end());
    // Segment s holds order[starts[s], starts[s + 1]): full segments, a new one at each bucket's start.
    std::vector<size_t> starts;
    for (size_t i = 0; i < order.size(); ++i) {
      if (starts.empty() || i - starts.back() == Segment::kRows || std::get<0>(order[i]) != std::get<0>(order[i - 1])) {
        starts.push_back(i);
      }
    }
    const size_t count = starts.size();
    starts.push_back(order.size());
    std::vector<std::shared_ptr<Segment>> segments(count);
    ParallelRanges(count, static_cast<size_t>(std::max(threads, 1)), [&](size_t, size_t begin, size_t end) {
      for (size_t s = begin; s < end; ++s) {
        auto segment = std::make_shared<Segment>();
        for (size_t i = starts[s]; i < starts[s + 1]; ++i) {
          const int64_t from = std::get<2>(order[i]);
          segment->CopyRow(static_cast<int>(i - starts[s]), *base->segments[from / Segment::kRows], from % Segment::kRows);
        }
        segment->Finish();
        segments[s] = std::move(segment);
      }
    });
    IdSlotMap rows;
    rows.reserve(order.size());
    std::vector<uint64_t> keys(count * Segment::kRows, 0);
    std::vector<uint32_t> buckets(count, 0);
    for (size_t s = 0; s < count; ++s) {
      buckets[s] = std::get<0>(order[starts[s]]);
      for (size_t i = starts[s]; i < starts[s + 1]; ++i) {
        const int64_t from = std::get<2>(order[i]);
        const int64_t slot = static_cast<int64_t>(s * Segment::kRows + (i - starts[s]));
        rows.Set(base->segments[from / Segment::kRows]->id(from % Segment::kRows), slot);
        keys[slot] = std::get<1>(order[i]);
      }
    }
    base.reset();  // the rows carried over below come from the current version
    std::lock_guard<std::mutex> write_lock(write_mu_);
    reorder_started_ = false;
    const size_t cleared = CarryOver(&segments, &buckets, &keys, &rows);
    absl::flat_hash_set<std::string>().swap(written_since_reorder_);
    InstallOrdered(std::vector<std::shared_ptr<const Segment>>(segments.begin(), segments.end()), count,
                   std::move(buckets), std::move(keys), order.size(), order.size() - cleared, std::move(rows));
  }

  // With an order, on an empty table: fills it in one pass, published as one version and left as
  // Reorder leaves a table (every row in order). `rows` are (order key, reference), sorted here by key
  // (equal keys keep their order in `rows`) and cut into full segments (the last one partial);
  // fill(Segment& segment, span of (key, reference)) fills rows 0, 1, ... of a new segment from those
  // references, in that order, and id_of(reference) gives each row's id (a string_view that lives until
  // Load returns). Segments are filled and finished on up to `threads` threads while the first one
  // builds the id map, reading the ids in the order of `rows` (the caller's storage order: no random
  // reads). Of rows sharing an id the later one in `rows` stays, as with upserts one after the other.
  // Returns false, changing nothing, when the table has no order, has buckets or is not empty. For
  // start-up: no row is written twice.
  template <class Fill, class IdOf>
  bool Load(std::vector<std::pair<uint64_t, uint64_t>> rows, const Fill& fill, const IdOf& id_of, int threads = 1) {
    if (!order_key_ || bucket_of_) return false;
    std::lock_guard<std::mutex> write_lock(write_mu_);
    if (rows_.size() > 0 || !segment_bucket_.empty()) return false;
    const size_t n = rows.size();
    std::vector<uint64_t> references(n);
    for (size_t i = 0; i < n; ++i) references[i] = std::exchange(rows[i].second, i);
    std::sort(rows.begin(), rows.end());  // (key, position in `rows`)
    std::vector<uint32_t> slot_of(n);
    for (size_t i = 0; i < n; ++i) {
      slot_of[rows[i].second] = static_cast<uint32_t>(i);
      rows[i].second = references[rows[i].second];
    }
    const size_t count = (n + Segment::kRows - 1) / Segment::kRows;
    std::vector<std::shared_ptr<Segment>> built(count);
    IdSlotMap ids;
    std::vector<int64_t> replaced;  // slots whose id a later row took
    std::atomic<size_t> next_segment{0};
    RunOnThreads(std::max(threads, 1), [&](int thread) {
      if (thread == 0) {
        ids.reserve(n);
        for (size_t p = 0; p < n; ++p) {
          const int64_t previous = ids.Set(id_of(references[p]), slot_of[p]);
          if (previous >= 0) replaced.push_back(previous);
        }
      }
      for (size_t s = next_segment++; s < count; s = next_segment++) {
        auto segment = std::make_shared<Segment>();
        const size_t first = s * Segment::kRows, last = std::min(n, first + Segment::kRows);
        fill(*segment, absl::MakeConstSpan(rows.data() + first, last - first));
        segment->Finish();
        built[s] = std::move(segment);
      }
    });
    std::vector<size_t> refinish;
    for (int64_t slot : replaced) {
      built[slot / Segment::kRows]->Clear(static_cast<int>(slot % Segment::kRows));
      refinish.push_back(static_cast<size_t>(slot / Segment::kRows));
    }
    std::sort(refinish.begin(), refinish.end());
    refinish.erase(std::unique(refinish.begin(), refinish.end()), refinish.end());
    for (size_t s : refinish) built[s]->Finish();
    std::vector<uint64_t> keys(count * Segment::kRows, 0);
    for (size_t i = 0; i < n; ++i) keys[i] = rows[i].first;
    InstallOrdered(std::vector<std::shared_ptr<const Segment>>(built.begin(), built.end()), count,
                   std::vector<uint32_t>(count, 0), std::move(keys), n, n - replaced.size(), std::move(ids));
    return true;
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
    return rows_.Find(id);
  }

  // Where a bucket puts its next rows.
  struct BucketState {
    std::vector<int64_t> free_slots;
    int64_t open_segment = -1;
    int next_row = Segment::kRows;  // kRows = no open segment with room
  };

  // The slot bookkeeping as it was before an ApplyIf, to put back when its write failed.
  struct Undo {
    absl::flat_hash_map<uint32_t, BucketState> buckets;
    std::vector<uint32_t> segment_bucket;
    size_t ordered_live = 0;
    size_t slot_keys = 0;                                 // slot_key_.size()
    std::vector<std::pair<int64_t, uint64_t>> old_keys;  // (slot, key) overwritten below slot_keys, in order
  };

  void SetSlotKey(int64_t slot, uint64_t key) {
    if (undo_ != nullptr && static_cast<size_t>(slot) < undo_->slot_keys) {
      undo_->old_keys.emplace_back(slot, slot_key_[slot]);
    }
    slot_key_[slot] = key;
  }

  void RollBack(Undo undo) {
    for (auto it = undo.old_keys.rbegin(); it != undo.old_keys.rend(); ++it) slot_key_[it->first] = it->second;
    slot_key_.resize(undo.slot_keys);
    buckets_ = std::move(undo.buckets);
    segment_bucket_ = std::move(undo.segment_bucket);
    ordered_live_ = undo.ordered_live;
  }

  bool InOrderedSegment(int64_t slot) const { return slot / Segment::kRows < ordered_segments_; }

  // A freed slot of an ordered segment stays empty until the next Reorder.
  void ReleaseSlot(int64_t slot) {
    if (InOrderedSegment(slot)) {
      --ordered_live_;
      return;
    }
    buckets_[segment_bucket_[slot / Segment::kRows]].free_slots.push_back(slot);
  }

  // The record's current slot if it stays in the same bucket (with an order: and is in the unordered
  // tail or keeps its key), else a free slot of its bucket (clearing its old row when it moved), else the
  // next row of the bucket's open segment or of a new segment.
  int64_t SlotFor(const Record& record, const Pending& pending, Batch& batch) {
    const uint32_t bucket = bucket_of_ ? bucket_of_(record) : 0;
    const int64_t existing = PendingSlot(record.id(), pending);
    const uint64_t key = order_key_ ? order_key_(record) : 0;
    if (existing >= 0) {
      const bool stays = segment_bucket_[existing / Segment::kRows] == bucket &&
                         (!order_key_ || !InOrderedSegment(existing) || slot_key_[existing] == key);
      if (stays) {
        if (order_key_) SetSlotKey(existing, key);
        return existing;
      }
      batch.Mutable(existing / Segment::kRows)->Clear(existing % Segment::kRows);
      ReleaseSlot(existing);
    }
    const int64_t slot = NewSlot(bucket);
    if (order_key_) {
      if (slot_key_.size() <= static_cast<size_t>(slot)) slot_key_.resize(segment_bucket_.size() * Segment::kRows, 0);
      SetSlotKey(slot, key);
    }
    return slot;
  }

  // Whether segment `s` is its bucket's open segment with rows still to fill.
  bool OpenWithRoom(int64_t s) const {
    const auto it = buckets_.find(segment_bucket_[s]);
    return it != buckets_.end() && it->second.open_segment == s && it->second.next_row < Segment::kRows;
  }

  // With an order: puts the live rows of each full tail segment this write touched in key order among
  // themselves, in the slots they already hold (free slots stay free). A tail segment fills in arrival
  // order, so each of its blocks would span the whole country and a query would read all of them; once
  // sorted, its blocks hold neighbours and a query reads only those in reach, as in the ordered
  // segments. Costs one more copy of a segment as it fills (and when a later write touches it out of
  // order); the open segment of each bucket stays in arrival order until it is full.
  void SortFullTailSegments(Batch& batch, Pending& pending) {
    for (size_t s = 0; s < batch.touched.size(); ++s) {
      const int64_t segment_index = static_cast<int64_t>(s);
      if (!batch.touched[s] || segment_index < ordered_segments_ || OpenWithRoom(segment_index)) continue;
      const Segment& arrival = *batch.segments[s];
      const int64_t base = segment_index * Segment::kRows;
      std::vector<int> rows;  // live rows, by row
      for (int row = 0; row < arrival.used_rows; ++row) {
        if (arrival.live(row)) rows.push_back(row);
      }
      const auto by_key = [&](int a, int b) { return slot_key_[base + a] < slot_key_[base + b]; };
      if (std::is_sorted(rows.begin(), rows.end(), by_key)) continue;
      std::vector<int> sources = rows;
      std::stable_sort(sources.begin(), sources.end(), by_key);
      auto sorted = std::make_shared<Segment>();
      std::vector<uint64_t> keys(rows.size());
      for (size_t k = 0; k < rows.size(); ++k) {
        sorted->CopyRow(rows[k], arrival, sources[k]);
        keys[k] = slot_key_[base + sources[k]];
      }
      sorted->used_rows = arrival.used_rows;
      for (size_t k = 0; k < rows.size(); ++k) {
        if (rows[k] == sources[k]) continue;
        SetSlotKey(base + rows[k], keys[k]);
        pending[std::string(sorted->id(rows[k]))] = Entry{base + rows[k], true};
      }
      for (auto& owned : batch.owned) {
        if (owned.get() == &arrival) owned = sorted;
      }
      batch.segments[s] = std::move(sorted);
    }
  }

  // A free slot of the bucket, else the next row of its open segment or of a new segment.
  int64_t NewSlot(uint32_t bucket) {
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
    auto next = std::make_shared<Snapshot>();
    next->segments = std::move(batch.segments);
    std::lock_guard<std::mutex> lock(publish_mu_);
    for (auto& [id, entry] : entries) {
      if (entry.live) {
        rows_.Set(id, entry.slot);
      } else {
        rows_.Erase(id);
      }
    }
    next->live_rows = rows_.size();
    snapshot_ = std::move(next);
  }

  // Reorder's last step, under write_mu_: brings the records written since the sorted copy was started
  // into it. Each one's sorted row (the version the copy started from) is cleared, and its current row,
  // if it is still live, goes after the sorted segments, into tail segments of its bucket filled in key
  // order (the last of each bucket left open for the next writes, SortFullTailSegments sorting it once
  // full). Updates `segments` (a bucket each in `buckets`), `keys` and `rows`, and the buckets' open
  // segments; returns how many sorted rows were cleared.
  size_t CarryOver(std::vector<std::shared_ptr<Segment>>* segments, std::vector<uint32_t>* buckets,
                   std::vector<uint64_t>* keys, IdSlotMap* rows) {
    buckets_.clear();  // each bucket's next rows open a tail segment of their own
    if (written_since_reorder_.empty()) return 0;
    const std::shared_ptr<const Snapshot> current = snapshot();
    std::vector<bool> refinish(segments->size(), false);
    size_t cleared = 0;
    std::vector<std::tuple<uint32_t, uint64_t, int64_t>> carried;  // (bucket, key, slot now)
    for (const std::string& id : written_since_reorder_) {
      if (const int64_t stale = rows->Find(id); stale >= 0) {
        (*segments)[stale / Segment::kRows]->Clear(static_cast<int>(stale % Segment::kRows));
        refinish[stale / Segment::kRows] = true;
        rows->Erase(id);
        ++cleared;
      }
      if (const int64_t now = rows_.Find(id); now >= 0) {
        carried.emplace_back(segment_bucket_[now / Segment::kRows], slot_key_[now], now);
      }
    }
    for (size_t s = 0; s < refinish.size(); ++s) {
      if (refinish[s]) (*segments)[s]->Finish();
    }
    std::sort(carried.begin(), carried.end());
    for (size_t i = 0; i < carried.size();) {
      const uint32_t bucket = std::get<0>(carried[i]);
      const int64_t index = static_cast<int64_t>(segments->size());
      auto segment = std::make_shared<Segment>();
      int row = 0;
      for (; i < carried.size() && std::get<0>(carried[i]) == bucket && row < Segment::kRows; ++i, ++row) {
        const int64_t from = std::get<2>(carried[i]);
        segment->CopyRow(row, *current->segments[from / Segment::kRows], static_cast<int>(from % Segment::kRows));
        rows->Set(segment->id(row), index * Segment::kRows + row);
      }
      segment->Finish();
      keys->resize(static_cast<size_t>(index + 1) * Segment::kRows, 0);
      for (int r = 0; r < row; ++r) (*keys)[index * Segment::kRows + r] = std::get<1>(carried[i - row + r]);
      segments->push_back(std::move(segment));
      buckets->push_back(bucket);
      if (row < Segment::kRows) buckets_[bucket] = BucketState{{}, index, row};  // the bucket's last one
    }
    return cleared;
  }

  // Publishes `segments` as the whole table: the first `ordered` in key order within their bucket (a
  // bucket each in `buckets`), holding `placed` rows of which `live` are still live; the others tail
  // segments (CarryOver). `ids` maps every live row, `keys` holds the key of each slot. The buckets' open
  // segments (buckets_) are the caller's to set. Holds write_mu_ (Reorder, Load).
  void InstallOrdered(std::vector<std::shared_ptr<const Segment>> segments, size_t ordered,
                      std::vector<uint32_t> buckets, std::vector<uint64_t> keys, size_t placed, size_t live,
                      IdSlotMap ids) {
    slot_key_ = std::move(keys);
    segment_bucket_ = std::move(buckets);
    ordered_segments_ = static_cast<int64_t>(ordered);
    ordered_rows_ = placed;
    ordered_live_ = live;
    auto next = std::make_shared<Snapshot>();
    next->segments = std::move(segments);
    next->live_rows = ids.size();
    {
      std::lock_guard<std::mutex> lock(publish_mu_);
      std::swap(rows_, ids);
      snapshot_ = std::move(next);
    }
    // The old id map is freed here, outside publish_mu_.
  }

  // Called after Publish; rows_ changes only under write_mu_, held here, so the copy is made without
  // publish_mu_ and readers wait only for the swap.
  void CompactIds() {
    if (!rows_.WantsCompaction()) return;
    IdSlotMap compacted = rows_.Compacted();
    std::lock_guard<std::mutex> lock(publish_mu_);
    std::swap(rows_, compacted);
  }

  const BucketFn bucket_of_;
  const OrderKeyFn order_key_;
  std::mutex reorder_mu_;                            // serialises Reorders (taken before write_mu_)
  mutable std::mutex write_mu_;                      // serialises writes, and Reorder's first and last steps
  bool reorder_started_ = false;                     // GUARDED_BY(write_mu_); a Reorder is copying
  absl::flat_hash_set<std::string> written_since_reorder_;  // GUARDED_BY(write_mu_); ids to carry over
  std::vector<uint64_t> slot_key_;                   // GUARDED_BY(write_mu_); with an order, the key of each slot
  int64_t ordered_segments_ = 0;                     // GUARDED_BY(write_mu_); segments [0, this) are in key order
  size_t ordered_rows_ = 0;                          // GUARDED_BY(write_mu_); rows the last Reorder placed
  size_t ordered_live_ = 0;                          // GUARDED_BY(write_mu_); of those, still live in place
  absl::flat_hash_map<uint32_t, BucketState> buckets_;  // GUARDED_BY(write_mu_)
  std::vector<uint32_t> segment_bucket_;             // GUARDED_BY(write_mu_); bucket of each segment
  Undo* undo_ = nullptr;                             // GUARDED_BY(write_mu_); set while ApplyIf stages
  // std::mutex rather than absl::Mutex: ThreadSanitizer understands it without an instrumented Abseil.
  mutable std::mutex publish_mu_;
  std::shared_ptr<const Snapshot> snapshot_;        // GUARDED_BY(publish_mu_)
  IdSlotMap rows_;  // GUARDED_BY(publish_mu_); id -> slot; written only under write_mu_ too
};

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_COLUMNS_SEGMENTED_TABLE_H_
