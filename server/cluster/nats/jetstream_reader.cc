#include "server/cluster/nats/jetstream_reader.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "engine/common/status_macros.h"
#include "server/cluster/nats/jetstream_api.h"
#include "server/cluster/nats/socket.h"

namespace passerelle::cluster::nats {

Delivery ParseAckSubject(absl::string_view reply) {
  Delivery d;
  if (!absl::StartsWith(reply, "$JS.ACK.")) return d;
  std::vector<absl::string_view> tokens = absl::StrSplit(reply, '.');
  size_t index = tokens.size() == 9 ? 5 : tokens.size() >= 11 ? 7 : 0;
  if (index == 0 || !absl::SimpleAtoi(tokens[index], &d.stream_sequence) ||
      !absl::SimpleAtoi(tokens[index + 3], &d.pending)) {
    return Delivery{};
  }
  d.consumer = std::string(tokens[index - 2]);
  return d;
}

JetStreamReader::JetStreamReader(JetStreamLog* log, const JetStreamLogOptions& options, uint64_t after)
    : log_(log),
      options_(options),
      inbox_(log->connection().NewInbox()),
      queue_(std::make_shared<Inbox>()),
      last_returned_(after) {
  absl::StatusOr<uint64_t> sid = log_->connection().Subscribe(inbox_ + ".*", [queue = queue_](NatsMessage m) {
    std::lock_guard<std::mutex> lock(queue->mu);
    queue->messages.push_back(std::move(m));
    queue->arrived.notify_one();
  });
  sid_ = sid.value_or(0);  // only fails on a bad subject, which inbox_ is not
}

JetStreamReader::~JetStreamReader() {
  DropConsumer();
  if (sid_ != 0) log_->connection().Unsubscribe(sid_);
}

absl::Status JetStreamReader::CreateConsumer() {
  nlohmann::json config = {
      {"deliver_policy", "by_start_sequence"},
      {"opt_start_seq", last_returned_ + 1},
      {"ack_policy", "none"},
      {"replay_policy", "instant"},
      {"inactive_threshold", absl::ToInt64Nanoseconds(options_.consumer_inactive_threshold)},
      {"mem_storage", true},
      {"num_replicas", 1},
  };
  PASSERELLE_ASSIGN_OR_RETURN(
      nlohmann::json reply,
      ApiCall(log_->connection(), "$JS.API.CONSUMER.CREATE." + options_.stream,
              nlohmann::json{{"stream_name", options_.stream}, {"config", config}}, options_.request_timeout));
  auto name = reply.find("name");
  if (name == reply.end() || !name->is_string()) return absl::InternalError("JetStream consumer without a name");
  consumer_ = name->get<std::string>();
  return absl::OkStatus();
}

// Best effort: a consumer left behind is deleted by the server after its inactive threshold.
void JetStreamReader::DropConsumer() {
  if (consumer_.empty()) return;
  ApiCall(log_->connection(), absl::StrCat("$JS.API.CONSUMER.DELETE.", options_.stream, ".", consumer_), nullptr,
          std::min(options_.request_timeout, absl::Milliseconds(500)))
      .IgnoreError();
  consumer_.clear();
}

absl::StatusOr<JetStreamReader::PullEnd> JetStreamReader::Pull(int max_entries, absl::Duration wait,
                                                                std::vector<LogEntry>* out) {
  const std::string reply = absl::StrCat(inbox_, ".", ++pulls_);
  nlohmann::json request = {{"batch", max_entries}};
  // The server answers 408 when `expires` passes; below a millisecond, 404 at once when nothing is there.
  if (wait >= absl::Milliseconds(1)) {
    request["expires"] = absl::ToInt64Nanoseconds(wait);
  } else {
    request["no_wait"] = true;
  }
  PASSERELLE_RETURN_IF_ERROR(log_->connection().Publish(
      absl::StrCat("$JS.API.CONSUMER.MSG.NEXT.", options_.stream, ".", consumer_), reply, "", request.dump()));
  // Entries left over from an earlier pull come first; they are in order on the one connection.
  absl::Time deadline = absl::Now() + wait + options_.request_timeout;
  int this_pull = 0;
  while (static_cast<int>(out->size()) < max_entries) {
    NatsMessage m;
    {
      std::unique_lock<std::mutex> lock(queue_->mu);
      if (!queue_->arrived.wait_until(lock, SteadyDeadline(deadline - absl::Now()),
                                      [this] { return !queue_->messages.empty(); })) {
        return PullEnd::kConsumerLost;  // no answer at all: the consumer's server is gone
      }
      m = std::move(queue_->messages.front());
      queue_->messages.pop_front();
    }
    if (m.status != 0) {
      if (m.subject != reply) continue;  // the end of an earlier pull
      if (m.status == 404 || m.status == 408) return PullEnd::kDone;
      return PullEnd::kConsumerLost;  // 503 no consumer, 409 consumer deleted or leader change
    }
    Delivery d = ParseAckSubject(m.reply);
    if (m.subject == reply) ++this_pull;
    // Deliveries of a dropped consumer (its pulls stay open on the server until they expire) and
    // replays of what was already returned are not this reader's any more.
    if (d.consumer != consumer_ || d.stream_sequence <= last_returned_) continue;
    if (d.stream_sequence != last_returned_ + 1) return PullEnd::kGap;
    out->push_back(LogEntry{d.stream_sequence, std::move(m.data)});
    last_returned_ = d.stream_sequence;
    // Nothing more to come now, or this pull's batch is complete (the server ends a full batch without
    // a status): return what came instead of waiting for the pull to expire. The pull may stay open on
    // the server; what it delivers later waits in the inbox for the next call.
    if (d.pending == 0 || this_pull == max_entries) return PullEnd::kDone;
  }
  return PullEnd::kDone;
}

absl::StatusOr<std::vector<LogEntry>> JetStreamReader::Next(int max_entries, absl::Duration wait) {
  max_entries = std::clamp(max_entries, 1, 256);  // the server's largest batch
  std::vector<LogEntry> out;
  absl::Status last = absl::OkStatus();
  // A lost consumer is made again once within the call, from the entry after the last returned.
  for (int attempt = 0; attempt < 2 && out.empty(); ++attempt) {
    if (consumer_.empty()) {
      absl::StatusOr<JetStreamLog::StreamState> state = log_->State(options_.request_timeout);
      if (!state.ok()) return AsUnavailable(state.status());
      if (state->first_sequence > last_returned_ + 1) {
        return absl::FailedPreconditionError(absl::StrCat("the log holds entries from ", state->first_sequence,
                                                          " on, the reader needs ", last_returned_ + 1));
      }
      last = CreateConsumer();
      if (!last.ok()) return absl::UnavailableError(last.message());
    }
    absl::StatusOr<PullEnd> end = Pull(max_entries, wait, &out);
    if (!end.ok()) return AsUnavailable(end.status());
    if (*end == PullEnd::kDone) return out;
    DropConsumer();
    last = absl::UnavailableError(*end == PullEnd::kGap ? "JetStream delivery skipped a sequence"
                                                        : "JetStream consumer lost");
  }
  if (!out.empty()) return out;
  return last;
}

}  // namespace passerelle::cluster::nats
