// JSON request/reply on the JetStream API subjects ($JS.API.*, docs.nats.io "JetStream wire API
// reference"), with the API's error objects turned into absl::Status.
//
// JSON is nlohmann::json (Debian's nlohmann-json3-dev, header only): the API's shapes vary by call and
// carry int64 nanoseconds and uint64 sequences, which protobuf's JSON util would only read into
// google.protobuf.Struct as doubles (exact only up to 2^53) or would need a message per shape.
// Its exceptions stop in jetstream_api.cc.
#ifndef PASSERELLE_SERVER_CLUSTER_NATS_JETSTREAM_API_H_
#define PASSERELLE_SERVER_CLUSTER_NATS_JETSTREAM_API_H_

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/cluster/nats/connection.h"

namespace passerelle::cluster::nats {

// Parses a JetStream reply. An {"error":{"code":...}} object becomes a status: 503 Unavailable (no
// leader yet, no quorum), 404 NotFound, 408 DeadlineExceeded, 400 InvalidArgument, else Internal;
// the description and err_code are kept in the message.
absl::StatusOr<nlohmann::json> ParseApiReply(absl::string_view data);

// One call: `body` to `subject`, the reply parsed. Transport errors as NatsConnection::Request.
absl::StatusOr<nlohmann::json> ApiCall(NatsConnection& connection, absl::string_view subject,
                                       const nlohmann::json& body, absl::Duration timeout);

// Calls again while the answer is Unavailable or DeadlineExceeded (leader election, a server being
// lost), each attempt bounded by `attempt_timeout`, pausing `backoff` between, until `timeout`.
absl::StatusOr<nlohmann::json> ApiCallWithRetry(NatsConnection& connection, absl::string_view subject,
                                                const nlohmann::json& body, absl::Duration timeout,
                                                absl::Duration attempt_timeout, absl::Duration backoff);

// true when `status` may go away by trying again (Unavailable, DeadlineExceeded).
bool IsRetryable(const absl::Status& status);

// A retryable status as Unavailable (what LogReader::Next promises when the log cannot be reached),
// any other unchanged.
absl::Status AsUnavailable(const absl::Status& status);

// Integer field `key` of object `j`, or `fallback` when it is missing or not a number.
uint64_t JsonUint(const nlohmann::json& j, const char* key, uint64_t fallback = 0);

}  // namespace passerelle::cluster::nats

#endif  // PASSERELLE_SERVER_CLUSTER_NATS_JETSTREAM_API_H_
