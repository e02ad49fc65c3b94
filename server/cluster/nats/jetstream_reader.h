// The JetStream log's reader (jetstream_log.h says how it reads). Internal to server/cluster/nats.
#ifndef PASSERELLE_SERVER_CLUSTER_NATS_JETSTREAM_READER_H_
#define PASSERELLE_SERVER_CLUSTER_NATS_JETSTREAM_READER_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "server/cluster/nats/connection.h"
#include "server/cluster/nats/jetstream_log.h"
#include "server/cluster/replicated_log.h"

namespace passerelle::cluster::nats {

// Thread-compatible (one thread at a time). Must not outlive its JetStreamLog.
class JetStreamReader final : public LogReader {
 public:
  JetStreamReader(JetStreamLog* log, const JetStreamLogOptions& options, uint64_t after);
  ~JetStreamReader() override;

  absl::StatusOr<std::vector<LogEntry>> Next(int max_entries, absl::Duration wait) override;

  // What the connection's thread hands over: every message on this reader's inbox.
  // std::mutex: ThreadSanitizer sees it without an instrumented Abseil.
  struct Inbox {
    std::mutex mu;
    std::condition_variable arrived;
    std::deque<NatsMessage> messages;  // guarded by mu
  };

 private:
  enum class PullEnd { kDone, kConsumerLost, kGap };
  absl::Status CreateConsumer();
  void DropConsumer();
  // One pull request; the entries that follow last_returned_ go to `*out`.
  absl::StatusOr<PullEnd> Pull(int max_entries, absl::Duration wait, std::vector<LogEntry>* out);

  JetStreamLog* const log_;
  const JetStreamLogOptions options_;
  const std::string inbox_;
  std::shared_ptr<Inbox> queue_;
  uint64_t sid_ = 0;
  std::string consumer_;  // empty when there is none (yet, or any more)
  uint64_t last_returned_;
  uint64_t pulls_ = 0;
};

// What a JetStream delivery's reply subject says ($JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.
// <consumer seq>.<time>.<pending>, or the longer form with domain and account hash).
struct Delivery {
  std::string consumer;
  uint64_t stream_sequence = 0;  // 0 when the subject is not a delivery's
  uint64_t pending = 0;          // entries still waiting in the consumer after this one
};
Delivery ParseAckSubject(absl::string_view reply);

}  // namespace passerelle::cluster::nats

#endif  // PASSERELLE_SERVER_CLUSTER_NATS_JETSTREAM_READER_H_
