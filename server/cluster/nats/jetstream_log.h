// The replicated log on NATS JetStream (docs/cluster.md, "The replicated log"): one stream with
// `replicas` copies kept by nats-server's Raft groups. An append is acknowledged by the stream leader
// once a quorum of replicas stored it; a retried append with the same Nats-Msg-Id inside the stream's
// duplicate window returns the first append's sequence.
//
// Reads use an ephemeral pull consumer per reader (deliver_policy by_start_sequence, ack_policy none,
// kept in memory, one replica), fetched with $JS.API.CONSUMER.MSG.NEXT in batches: a round trip per
// batch rather than per entry (a direct get by sequence would be one per entry). When the consumer is
// lost (its server died, it idled past `consumer_inactive_threshold`) or its delivery skips a sequence,
// the reader creates a new one from the entry after the last it returned.
//
// Example:
//   JetStreamLogOptions options;
//   options.connection.servers = "nats://10.0.0.1:4222,nats://10.0.0.2:4222,nats://10.0.0.3:4222";
//   PASSERELLE_ASSIGN_OR_RETURN(std::unique_ptr<JetStreamLog> log, JetStreamLog::Open(options));
#ifndef PASSERELLE_SERVER_CLUSTER_NATS_JETSTREAM_LOG_H_
#define PASSERELLE_SERVER_CLUSTER_NATS_JETSTREAM_LOG_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "server/cluster/nats/connection.h"
#include "server/cluster/replicated_log.h"

namespace passerelle::cluster::nats {

struct JetStreamLogOptions {
  // The servers, the keepalive and reconnection (connection.h).
  NatsConnectionOptions connection;
  // Default: "passerelle"
  std::string stream = "passerelle";
  // The one subject the stream holds; appends publish to it.
  // Default: "passerelle.log"
  std::string subject = "passerelle.log";
  // Copies of the stream (1 to 5); 3 survives the loss of any one server.
  // Default: 3
  int replicas = 3;
  // File storage survives a server restart; memory storage does not (tests only).
  // Default: true
  bool file_storage = true;
  // Entries older than this are dropped by the stream; 0 keeps them (the node's snapshots then decide,
  // with PurgeBefore).
  // Default: 0
  int64_t max_age_seconds = 0;
  // The stream drops its oldest entries beyond this size; 0 keeps them.
  // Default: 0
  int64_t max_bytes = 0;
  // How long the stream remembers a dedup id: a retry after that appends again. Must not exceed
  // max_age_seconds when that is set.
  // Default: 2 min
  absl::Duration duplicate_window = absl::Minutes(2);
  // One JetStream API call or one append attempt; Append retries within its own timeout.
  // Default: 2 s
  absl::Duration request_timeout = absl::Seconds(2);
  // How long Open waits for the JetStream cluster to elect its leaders and create or find the stream.
  // Default: 30 s
  absl::Duration open_timeout = absl::Seconds(30);
  // The pause between two attempts of a call that found no leader.
  // Default: 100 ms
  absl::Duration retry_backoff = absl::Milliseconds(100);
  // A reader's consumer that no fetch touched for this long is deleted by the server (the reader then
  // makes a new one).
  // Default: 5 min
  absl::Duration consumer_inactive_threshold = absl::Minutes(5);
};

// Thread-safe (readers are not: one per thread, as LogReader says).
class JetStreamLog final : public ReplicatedLog {
 public:
  // Connects and ensures the stream (EnsureStream). Unavailable when no server or no JetStream leader
  // answered within options.open_timeout; FailedPrecondition when the stream exists with another
  // subject or replica count.
  static absl::StatusOr<std::unique_ptr<JetStreamLog>> Open(const JetStreamLogOptions& options);
  ~JetStreamLog() override;

  // Creates the stream, or checks the existing one's subject and replicas (its limits are left as they
  // are: changing them is an operator's decision).
  absl::Status EnsureStream(absl::Duration timeout);

  // As ReplicatedLog::Append; also InvalidArgument when the payload exceeds the server's max_payload
  // (1 MiB by default, less the ~40-byte header), checked before sending.
  absl::StatusOr<uint64_t> Append(absl::string_view payload, absl::string_view dedup_id,
                                  absl::Duration timeout) override;
  // As ReplicatedLog::Read; Unavailable when the stream's state could not be read. The reader must not
  // outlive this log.
  absl::StatusOr<std::unique_ptr<LogReader>> Read(uint64_t after) override;
  absl::StatusOr<uint64_t> LastSequence(absl::Duration timeout) override;

  // Drops the entries with sequence < first_kept ($JS.API.STREAM.PURGE with "seq"), e.g. once every
  // node holds a snapshot past them. Readers from before first_kept then get FailedPrecondition.
  absl::Status PurgeBefore(uint64_t first_kept, absl::Duration timeout);

  // The stream's first held sequence and last sequence (first > last when it is empty).
  struct StreamState {
    uint64_t first_sequence = 0;
    uint64_t last_sequence = 0;
  };
  absl::StatusOr<StreamState> State(absl::Duration timeout);

  NatsConnection& connection() { return *connection_; }

 private:
  JetStreamLog(JetStreamLogOptions options, std::unique_ptr<NatsConnection> connection);

  const JetStreamLogOptions options_;
  const std::unique_ptr<NatsConnection> connection_;
};

}  // namespace passerelle::cluster::nats

#endif  // PASSERELLE_SERVER_CLUSTER_NATS_JETSTREAM_LOG_H_
