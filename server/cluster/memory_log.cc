#include "server/cluster/memory_log.h"

#include <algorithm>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace passerelle::cluster {

struct MemoryLog::State {
  absl::Mutex mu;
  // entries[i] has sequence first_held + i.
  std::deque<std::string> entries ABSL_GUARDED_BY(mu);
  uint64_t first_held ABSL_GUARDED_BY(mu) = 1;
  absl::flat_hash_map<std::string, uint64_t> sequence_by_dedup_id ABSL_GUARDED_BY(mu);
  bool available ABSL_GUARDED_BY(mu) = true;

  uint64_t LastLocked() const ABSL_SHARED_LOCKS_REQUIRED(mu) { return first_held + entries.size() - 1; }
};

namespace {

absl::Status UnavailableError() { return absl::UnavailableError("memory log set unavailable"); }

class MemoryLogReader final : public LogReader {
 public:
  MemoryLogReader(std::shared_ptr<MemoryLog::State> state, uint64_t after)
      : state_(std::move(state)), last_returned_(after) {}

  absl::StatusOr<std::vector<LogEntry>> Next(int max_entries, absl::Duration wait) override {
    MemoryLog::State& s = *state_;
    absl::MutexLock lock(&s.mu);
    // Wake on a new entry or on a change of availability; give up after `wait`.
    auto ready = [&s, this]() ABSL_SHARED_LOCKS_REQUIRED(s.mu) {
      return !s.available || s.LastLocked() > last_returned_;
    };
    s.mu.AwaitWithTimeout(absl::Condition(&ready), wait);
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
  if (dedup_id.empty() || dedup_id.size() > 64) {
    return absl::InvalidArgumentError("dedup_id must be 1 to 64 bytes");
  }
  absl::MutexLock lock(&state_->mu);
  if (!state_->available) return UnavailableError();
  auto [it, inserted] = state_->sequence_by_dedup_id.try_emplace(dedup_id, 0);
  if (!inserted) return it->second;
  state_->entries.emplace_back(payload);
  it->second = state_->LastLocked();
  return it->second;
}

absl::StatusOr<std::unique_ptr<LogReader>> MemoryLog::Read(uint64_t after) {
  absl::MutexLock lock(&state_->mu);
  if (!state_->available) return UnavailableError();
  if (after + 1 < state_->first_held) {
    return absl::FailedPreconditionError("memory log: entries after the requested sequence were dropped");
  }
  return std::make_unique<MemoryLogReader>(state_, after);
}

absl::StatusOr<uint64_t> MemoryLog::LastSequence(absl::Duration /*timeout*/) {
  absl::MutexLock lock(&state_->mu);
  if (!state_->available) return UnavailableError();
  return state_->LastLocked();
}

void MemoryLog::TruncateBefore(uint64_t first_kept) {
  absl::MutexLock lock(&state_->mu);
  // Sequences are never reused: dropping everything leaves first_held at LastSequence() + 1.
  uint64_t limit = std::min(first_kept, state_->LastLocked() + 1);
  while (state_->first_held < limit) {
    state_->entries.pop_front();
    ++state_->first_held;
  }
}

void MemoryLog::SetAvailable(bool available) {
  absl::MutexLock lock(&state_->mu);
  state_->available = available;
}

}  // namespace passerelle::cluster
