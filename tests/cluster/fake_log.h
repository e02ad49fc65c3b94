// A minimal in-memory ReplicatedLog for the node tests (the real in-memory log is server/cluster/
// memory_log.h, written beside the NATS one): entries in a vector, dedup ids remembered, and a gate that
// holds readers back so that a test can make a node fall behind.
#ifndef PASSERELLE_TESTS_CLUSTER_FAKE_LOG_H_
#define PASSERELLE_TESTS_CLUSTER_FAKE_LOG_H_

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "server/cluster/replicated_log.h"

namespace passerelle::cluster::testing {

class FakeLog : public ReplicatedLog {
 public:
  absl::StatusOr<uint64_t> Append(absl::string_view payload, absl::string_view dedup_id, absl::Duration) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto [it, inserted] = dedup_.emplace(std::string(dedup_id), entries_.size() + 1);
    if (inserted) entries_.emplace_back(payload);
    changed_.notify_all();
    return it->second;
  }

  absl::StatusOr<std::unique_ptr<LogReader>> Read(uint64_t after) override {
    std::lock_guard<std::mutex> lock(mu_);
    reads_from_.push_back(after);
    return std::unique_ptr<LogReader>(new Reader(this, after));
  }

  absl::StatusOr<uint64_t> LastSequence(absl::Duration) override {
    std::lock_guard<std::mutex> lock(mu_);
    return entries_.size();
  }

  // While closed, readers get no entries (the node falls behind).
  void SetGate(bool open) {
    std::lock_guard<std::mutex> lock(mu_);
    gate_open_ = open;
    changed_.notify_all();
  }
  // The `after` of every Read() so far.
  std::vector<uint64_t> reads_from() const {
    std::lock_guard<std::mutex> lock(mu_);
    return reads_from_;
  }
  uint64_t size() const {
    std::lock_guard<std::mutex> lock(mu_);
    return entries_.size();
  }
  // Every entry's payload, in order.
  std::vector<std::string> payloads() const {
    std::lock_guard<std::mutex> lock(mu_);
    return entries_;
  }

 private:
  class Reader : public LogReader {
   public:
    Reader(FakeLog* log, uint64_t after) : log_(log), position_(after) {}
    absl::StatusOr<std::vector<LogEntry>> Next(int max_entries, absl::Duration wait) override {
      std::unique_lock<std::mutex> lock(log_->mu_);
      log_->changed_.wait_for(lock, absl::ToChronoNanoseconds(wait),
                              [&] { return log_->gate_open_ && log_->entries_.size() > position_; });
      std::vector<LogEntry> out;
      while (log_->gate_open_ && position_ < log_->entries_.size() && static_cast<int>(out.size()) < max_entries) {
        out.push_back({position_ + 1, log_->entries_[position_]});
        ++position_;
      }
      return out;
    }

   private:
    FakeLog* log_;
    uint64_t position_;
  };

  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::vector<std::string> entries_;
  std::map<std::string, uint64_t> dedup_;
  std::vector<uint64_t> reads_from_;
  bool gate_open_ = true;
};

}  // namespace passerelle::cluster::testing

#endif  // PASSERELLE_TESTS_CLUSTER_FAKE_LOG_H_
