// The replicated log that is the source of truth in cluster mode (docs/cluster.md): writes are appended
// to it, acknowledged once a quorum holds them durably, and every node applies them in order.
//
// Two implementations: NATS JetStream (server/cluster/nats/, a stream with replicas on nats-server) and
// an in-memory log for tests (server/cluster/memory_log.h). The node side (server/cluster/) sees only
// this interface.
//
// Sequences start at 1 and have no gaps as seen by a reader: entry n+1 is delivered after entry n.
//
// Example:
//   PASSERELLE_ASSIGN_OR_RETURN(uint64_t seq, log.Append(entry_bytes, "put-7f3a", absl::Seconds(5)));
//   PASSERELLE_ASSIGN_OR_RETURN(std::unique_ptr<LogReader> reader, log.Read(/*after=*/applied));
//   PASSERELLE_ASSIGN_OR_RETURN(std::vector<LogEntry> entries, reader->Next(256, absl::Milliseconds(500)));
#ifndef PASSERELLE_SERVER_CLUSTER_REPLICATED_LOG_H_
#define PASSERELLE_SERVER_CLUSTER_REPLICATED_LOG_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace passerelle::cluster {

struct LogEntry {
  uint64_t sequence = 0;  // >= 1
  std::string payload;    // opaque to the log
};

// Reads entries in sequence order from a starting point. Not thread-safe: one reader per thread.
class LogReader {
 public:
  virtual ~LogReader() = default;
  // Up to `max_entries` entries following the last one returned (or the start), waiting at most `wait`
  // for the first one; an empty vector when none came in time. Unavailable when the log cannot be
  // reached; the reader may be used again after that.
  virtual absl::StatusOr<std::vector<LogEntry>> Next(int max_entries, absl::Duration wait) = 0;
};

class ReplicatedLog {
 public:
  virtual ~ReplicatedLog() = default;

  // Appends `payload` and returns its sequence once the log holds it durably on a quorum of replicas.
  // `dedup_id` (unique per logical write, at most 64 printable ASCII bytes) makes a retried append
  // of the same write return the first append's sequence instead of appending it twice.
  // DeadlineExceeded or Unavailable when no quorum answered within `timeout`: the entry may or may not
  // have been appended (a retry with the same dedup_id settles it).
  virtual absl::StatusOr<uint64_t> Append(absl::string_view payload, absl::string_view dedup_id,
                                          absl::Duration timeout) = 0;

  // A reader of the entries with sequence > `after`. FailedPrecondition when entries after `after` are
  // no longer held (the log was truncated past them: the node must start from a newer snapshot).
  virtual absl::StatusOr<std::unique_ptr<LogReader>> Read(uint64_t after) = 0;

  // The sequence of the last entry the log holds (0 when empty), as the log's leader knows it.
  virtual absl::StatusOr<uint64_t> LastSequence(absl::Duration timeout) = 0;
};

}  // namespace passerelle::cluster

#endif  // PASSERELLE_SERVER_CLUSTER_REPLICATED_LOG_H_
