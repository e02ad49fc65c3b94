// An in-memory ReplicatedLog for tests of the cluster node (server/cluster/replicated_log.h): the same
// contract as the JetStream log (tests/cluster/log_contract_test.cc runs one suite against both), plus
// two test hooks the real log has no cheap equivalent for: dropping old entries (to reach
// FailedPrecondition) and refusing calls (to reach Unavailable).
//
// Example:
//   MemoryLog log;
//   absl::StatusOr<uint64_t> seq = log.Append("payload", "put-1", absl::Seconds(1));  // 1
//   log.TruncateBefore(2);  // Read(0) is now FailedPrecondition
#ifndef PASSERELLE_SERVER_CLUSTER_MEMORY_LOG_H_
#define PASSERELLE_SERVER_CLUSTER_MEMORY_LOG_H_

#include <cstdint>
#include <memory>

#include "server/cluster/replicated_log.h"

namespace passerelle::cluster {

// Thread-safe. Readers share the log's state, so they stay valid after the log is destroyed.
class MemoryLog final : public ReplicatedLog {
 public:
  MemoryLog();
  ~MemoryLog() override;

  // InvalidArgument when dedup_id is not 1 to 64 printable ASCII bytes (as the JetStream log).
  // Dedup ids are remembered for the log's whole life (the JetStream log forgets them after its
  // duplicate window). Unavailable while SetAvailable(false); the timeout is not otherwise used.
  absl::StatusOr<uint64_t> Append(absl::string_view payload, absl::string_view dedup_id,
                                  absl::Duration timeout) override;
  // FailedPrecondition when entries after `after` were dropped by TruncateBefore; Unavailable while
  // SetAvailable(false).
  absl::StatusOr<std::unique_ptr<LogReader>> Read(uint64_t after) override;
  absl::StatusOr<uint64_t> LastSequence(absl::Duration timeout) override;

  // Test hook: drops the entries with sequence < `first_kept` (as a stream's max age or max bytes
  // would). Sequences are not reused: the next append still gets LastSequence() + 1.
  void TruncateBefore(uint64_t first_kept);

  // Test hook: while false every call (Append, Read, LastSequence, LogReader::Next) returns
  // Unavailable, as when no log server can be reached. Default: true.
  void SetAvailable(bool available);

  struct State;  // shared with the readers (memory_log.cc)

 private:
  std::shared_ptr<State> state_;
};

}  // namespace passerelle::cluster

#endif  // PASSERELLE_SERVER_CLUSTER_MEMORY_LOG_H_
