#include "server/cluster/memory_log.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"

namespace passerelle::cluster {

// std::mutex rather than absl::Mutex: ThreadSanitizer understands it without an instrumented Abseil
// (the node's tests run on this log under ThreadSanitizer).
struct MemoryLog::State {
  std::mutex mu;
  std::condition_variable changed;  // an append, or a change of availability
  // Guarded by mu. entries[i] has sequence first_held + i.
  std::deque<std::string> entries;
  uint64_t first_held = 1;
  absl::flat_hash_map<std::string, uint64_t> sequence_by_dedup_id;
  bool available = true;

  uint64_t LastLocked() const { return first_held + entries.size() - 1; }
};

namespace {

absl::Status UnavailableError() { return absl::UnavailableError("memory log set unavailable"); }

class MemoryLogReader final : public LogReader {
 public:
  MemoryLogReader(std::shared_ptr<MemoryLog::State> state, uint64_t after)
      : state_(std::move(state)), last_returned_(after) {}

  absl::StatusOr<std::vector<LogEntry>> Next(int max_entries, absl::Duration wait) override {
    MemoryLog::State& s = *state_;
    std::unique_lock<std::mutex> lock(s.mu);
    // Wake on a new entry or on a change of availability; give up after `wait` (a year at most, so
    // that an infinite wait does not overflow the clock).
    auto ready = [&s, this] { return !s.available || s.LastLocked() > last_returned_; };
    s.changed.wait_for(lock, absl::ToChronoNanoseconds(std::clamp(wait, absl::ZeroDuration(), absl::Hours(24 * 365))),
                       ready);
    if (!s.available) return UnavailableError();
    if (last_returned_ + 1 < s.first_held) {
      return absl::FailedPreconditionError("memory log: entries after the reader's position were dropped");
    }
    std::vector<LogEntry> out;
    while (static_cast<int>(out.size()) < max_entries && last_returned_ < s.LastLocked()) {
      ++last_returned_;
      out.push_back(LogEntry{last_returned_, s.entries[last_returned_ - s.first_held]});
    }
    return out;
  }

 private:
  std::shared_ptr<MemoryLog::State> state_;
  uint64_t last_returned_;  // only this reader's thread touches it
};

}  // namespace

MemoryLog::MemoryLog() : state_(std::make_shared<State>()) {}
MemoryLog::~MemoryLog() = default;

absl::StatusOr<uint64_t> MemoryLog::Append(absl::string_view payload, absl::string_view dedup_id,
                                           absl::Duration /*timeout*/) {
  // The JetStream log's rule, so that a node test catches an id the real log would refuse.
  if (dedup_id.empty() || dedup_id.size() > 64 ||
      std::any_of(dedup_id.begin(), dedup_id.end(), [](char c) { return c < ' ' || c > '~'; })) {
    return absl::InvalidArgumentError("dedup_id must be 1 to 64 printable ASCII bytes");
  }
  std::lock_guard<std::mutex> lock(state_->mu);
  if (!state_->available) return UnavailableError();
  auto [it, inserted] = state_->sequence_by_dedup_id.try_emplace(dedup_id, 0);
  if (!inserted) return it->second;
  state_->entries.emplace_back(payload);
  it->second = state_->LastLocked();
  state_->changed.notify_all();
  return it->second;
}

absl::StatusOr<std::unique_ptr<LogReader>> MemoryLog::Read(uint64_t after) {
  std::lock_guard<std::mutex> lock(state_->mu);
  if (!state_->available) return UnavailableError();
  if (after + 1 < state_->first_held) {
    return absl::FailedPreconditionError("memory log: entries after the requested sequence were dropped");
  }
  return std::make_unique<MemoryLogReader>(state_, after);
}

absl::StatusOr<uint64_t> MemoryLog::LastSequence(absl::Duration /*timeout*/) {
  std::lock_guard<std::mutex> lock(state_->mu);
  if (!state_->available) return UnavailableError();
  return state_->LastLocked();
}

void MemoryLog::TruncateBefore(uint64_t first_kept) {
  std::lock_guard<std::mutex> lock(state_->mu);
  // Sequences are never reused: dropping everything leaves first_held at LastSequence() + 1.
  uint64_t limit = std::min(first_kept, state_->LastLocked() + 1);
  while (state_->first_held < limit) {
    state_->entries.pop_front();
    ++state_->first_held;
  }
}

void MemoryLog::SetAvailable(bool available) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->available = available;
  state_->changed.notify_all();
}

}  // namespace passerelle::cluster
