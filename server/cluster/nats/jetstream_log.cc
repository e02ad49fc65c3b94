#include "server/cluster/nats/jetstream_log.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/common/status_macros.h"
#include "server/cluster/nats/jetstream_api.h"
#include "server/cluster/nats/jetstream_reader.h"
#include "server/cluster/nats/protocol.h"

namespace passerelle::cluster::nats {
namespace {

int64_t Nanos(absl::Duration d) { return absl::ToInt64Nanoseconds(d); }

nlohmann::json StreamConfig(const JetStreamLogOptions& o) {
  return nlohmann::json{
      {"name", o.stream},
      {"subjects", nlohmann::json::array({o.subject})},
      {"retention", "limits"},
      {"storage", o.file_storage ? "file" : "memory"},
      {"num_replicas", o.replicas},
      {"max_consumers", -1},
      {"max_msgs", -1},
      {"max_bytes", o.max_bytes > 0 ? o.max_bytes : -1},
      {"max_age", o.max_age_seconds > 0 ? Nanos(absl::Seconds(o.max_age_seconds)) : 0},
      {"max_msg_size", -1},
      {"discard", "old"},
      {"duplicate_window", Nanos(o.duplicate_window)},
  };
}

absl::Status CheckOptions(const JetStreamLogOptions& o) {
  if (o.replicas < 1 || o.replicas > 5) return absl::InvalidArgumentError("replicas must be 1 to 5");
  for (const std::string* name : {&o.stream, &o.subject}) {
    if (name->empty() || std::any_of(name->begin(), name->end(), [](char c) {
          return absl::ascii_isspace(static_cast<unsigned char>(c)) || c == '*' || c == '>';
        })) {
      return absl::InvalidArgumentError(absl::StrCat("bad stream or subject name '", *name, "'"));
    }
  }
  if (o.stream.find('.') != std::string::npos) return absl::InvalidArgumentError("stream name without '.'");
  if (o.max_age_seconds > 0 && o.duplicate_window > absl::Seconds(o.max_age_seconds)) {
    return absl::InvalidArgumentError("duplicate_window must not exceed max_age_seconds");
  }
  return absl::OkStatus();
}

}  // namespace

JetStreamLog::JetStreamLog(JetStreamLogOptions options, std::unique_ptr<NatsConnection> connection)
    : options_(std::move(options)), connection_(std::move(connection)) {}

JetStreamLog::~JetStreamLog() = default;

absl::StatusOr<std::unique_ptr<JetStreamLog>> JetStreamLog::Open(const JetStreamLogOptions& options) {
  PASSERELLE_RETURN_IF_ERROR(CheckOptions(options));
  PASSERELLE_ASSIGN_OR_RETURN(std::unique_ptr<NatsConnection> connection, NatsConnection::Connect(options.connection));
  std::unique_ptr<JetStreamLog> log(new JetStreamLog(options, std::move(connection)));
  PASSERELLE_RETURN_IF_ERROR(log->EnsureStream(options.open_timeout));
  return log;
}

absl::Status JetStreamLog::EnsureStream(absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  for (int attempt = 0;; ++attempt) {
    absl::StatusOr<nlohmann::json> info =
        ApiCallWithRetry(*connection_, "$JS.API.STREAM.INFO." + options_.stream, nullptr, deadline - absl::Now(),
                         options_.request_timeout, options_.retry_backoff);
    if (absl::IsNotFound(info.status())) {
      info = ApiCallWithRetry(*connection_, "$JS.API.STREAM.CREATE." + options_.stream, StreamConfig(options_),
                              deadline - absl::Now(), options_.request_timeout, options_.retry_backoff);
      // "No suitable peers for placement" (10005) from a cluster whose servers have not all joined the
      // metadata group yet (it forms within a second or two of the servers' start): ask again until the
      // deadline. Three replicas on one server are refused with another code (500), at once.
      if (absl::IsInvalidArgument(info.status()) && absl::StrContains(info.status().message(), "/10005)") &&
          absl::Now() + options_.retry_backoff < deadline) {
        absl::SleepFor(options_.retry_backoff);
        continue;
      }
      // Another node may have created it meanwhile with another configuration: check that one, once
      // (a configuration the servers refuse fails the second time).
      if (absl::IsInvalidArgument(info.status()) && attempt == 0) continue;
    }
    if (!info.ok()) return info.status();
    const nlohmann::json config = info->value("config", nlohmann::json::object());
    const nlohmann::json subjects = config.value("subjects", nlohmann::json::array());
    bool has_subject = std::find(subjects.begin(), subjects.end(), options_.subject) != subjects.end();
    uint64_t replicas = JsonUint(config, "num_replicas", 1);
    if (!has_subject || replicas != static_cast<uint64_t>(options_.replicas)) {
      return absl::FailedPreconditionError(absl::StrCat("stream ", options_.stream, " exists with ", replicas,
                                                        " replicas and other subjects than ", options_.subject,
                                                        ", or with another replica count than ", options_.replicas));
    }
    return absl::OkStatus();
  }
}

absl::StatusOr<uint64_t> JetStreamLog::Append(absl::string_view payload, absl::string_view dedup_id,
                                              absl::Duration timeout) {
  // Printable ASCII as the interface says (a CR or LF would end the header); the server trims spaces
  // around the value, the same way on every retry.
  if (dedup_id.empty() || dedup_id.size() > 64 ||
      std::any_of(dedup_id.begin(), dedup_id.end(), [](char c) { return c < ' ' || c > '~'; })) {
    return absl::InvalidArgumentError("dedup_id must be 1 to 64 printable ASCII bytes");
  }
  const std::string headers = FormatHeader("Nats-Msg-Id", dedup_id);
  absl::Time deadline = absl::Now() + timeout;
  absl::Status last = absl::DeadlineExceededError("append timeout is not positive");
  // Retrying is safe: the stream answers a repeated Nats-Msg-Id with the first sequence.
  while (absl::Now() < deadline) {
    absl::Duration attempt = std::min(deadline - absl::Now(), options_.request_timeout);
    absl::StatusOr<NatsMessage> reply = connection_->Request(options_.subject, headers, payload, attempt);
    absl::StatusOr<nlohmann::json> ack = reply.ok() ? ParseApiReply(reply->data) : reply.status();
    if (ack.ok()) {
      uint64_t seq = JsonUint(*ack, "seq");
      if (seq == 0 || ack->value("stream", "") != options_.stream) {
        return absl::InternalError("JetStream publish ack without a sequence of this stream");
      }
      return seq;
    }
    last = ack.status();
    if (!IsRetryable(last)) return last;
    if (absl::Now() + options_.retry_backoff < deadline) absl::SleepFor(options_.retry_backoff);
  }
  return last;
}

absl::StatusOr<JetStreamLog::StreamState> JetStreamLog::State(absl::Duration timeout) {
  PASSERELLE_ASSIGN_OR_RETURN(nlohmann::json info,
                              ApiCallWithRetry(*connection_, "$JS.API.STREAM.INFO." + options_.stream, nullptr,
                                               timeout, options_.request_timeout, options_.retry_backoff));
  const nlohmann::json state = info.value("state", nlohmann::json::object());
  StreamState out;
  out.last_sequence = JsonUint(state, "last_seq");
  // An empty stream reports first_seq 0 (never written) or last_seq + 1 (purged).
  out.first_sequence = std::max<uint64_t>(JsonUint(state, "first_seq"), 1);
  if (JsonUint(state, "messages") == 0) out.first_sequence = out.last_sequence + 1;
  return out;
}

absl::StatusOr<uint64_t> JetStreamLog::LastSequence(absl::Duration timeout) {
  PASSERELLE_ASSIGN_OR_RETURN(StreamState state, State(timeout));
  return state.last_sequence;
}

absl::Status JetStreamLog::PurgeBefore(uint64_t first_kept, absl::Duration timeout) {
  return ApiCallWithRetry(*connection_, "$JS.API.STREAM.PURGE." + options_.stream, nlohmann::json{{"seq", first_kept}},
                          timeout, options_.request_timeout, options_.retry_backoff)
      .status();
}

absl::StatusOr<std::unique_ptr<LogReader>> JetStreamLog::Read(uint64_t after) {
  absl::StatusOr<StreamState> state = State(options_.request_timeout);
  if (!state.ok()) return AsUnavailable(state.status());
  if (state->first_sequence > after + 1) {
    return absl::FailedPreconditionError(absl::StrCat("the log holds entries from ", state->first_sequence,
                                                      " on, not ", after + 1));
  }
  return std::unique_ptr<LogReader>(new JetStreamReader(this, options_, after));
}

}  // namespace passerelle::cluster::nats
