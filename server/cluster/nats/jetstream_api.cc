#include "server/cluster/nats/jetstream_api.h"

#include <algorithm>
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace passerelle::cluster::nats {

absl::StatusOr<nlohmann::json> ParseApiReply(absl::string_view data) {
  nlohmann::json reply = nlohmann::json::parse(data.begin(), data.end(), nullptr, /*allow_exceptions=*/false);
  if (reply.is_discarded() || !reply.is_object()) {
    return absl::InternalError("JetStream API reply is not a JSON object");
  }
  auto error = reply.find("error");
  if (error == reply.end()) return reply;
  if (!error->is_object()) return absl::InternalError("JetStream API error without details");
  uint64_t code = JsonUint(*error, "code");
  std::string description = error->contains("description") && (*error)["description"].is_string()
                                ? (*error)["description"].get<std::string>()
                                : "";
  std::string message = absl::StrCat("JetStream: ", description, " (", code, "/", JsonUint(*error, "err_code"), ")");
  switch (code) {
    case 503: return absl::UnavailableError(message);
    case 404: return absl::NotFoundError(message);
    case 408: return absl::DeadlineExceededError(message);
    case 400: return absl::InvalidArgumentError(message);
    default: return absl::InternalError(message);
  }
}

absl::StatusOr<nlohmann::json> ApiCall(NatsConnection& connection, absl::string_view subject,
                                       const nlohmann::json& body, absl::Duration timeout) {
  std::string payload = body.is_null() ? "" : body.dump();
  absl::StatusOr<NatsMessage> reply = connection.Request(subject, "", payload, timeout);
  if (!reply.ok()) return reply.status();
  return ParseApiReply(reply->data);
}

absl::StatusOr<nlohmann::json> ApiCallWithRetry(NatsConnection& connection, absl::string_view subject,
                                                const nlohmann::json& body, absl::Duration timeout,
                                                absl::Duration attempt_timeout, absl::Duration backoff) {
  absl::Time deadline = absl::Now() + timeout;
  while (true) {
    absl::Duration left = deadline - absl::Now();
    absl::StatusOr<nlohmann::json> reply = ApiCall(connection, subject, body, std::min(left, attempt_timeout));
    if (reply.ok() || !IsRetryable(reply.status()) || absl::Now() + backoff >= deadline) return reply;
    absl::SleepFor(backoff);
  }
}

bool IsRetryable(const absl::Status& status) {
  return absl::IsUnavailable(status) || absl::IsDeadlineExceeded(status);
}

absl::Status AsUnavailable(const absl::Status& status) {
  return IsRetryable(status) ? absl::UnavailableError(status.message()) : status;
}

uint64_t JsonUint(const nlohmann::json& j, const char* key, uint64_t fallback) {
  if (!j.is_object()) return fallback;
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return fallback;
  return it->get<uint64_t>();
}

}  // namespace passerelle::cluster::nats
