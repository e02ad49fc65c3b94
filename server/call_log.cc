#include "server/call_log.h"

#include <atomic>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "engine/common/field_status.h"
#include "server/metrics/call_metrics.h"
#include "server/status_convert.h"

namespace passerelle::server {
namespace {

std::atomic<bool> logging_enabled{true};
absl::Mutex log_mu;

void AppendJsonString(absl::string_view s, std::string* out) {
  out->push_back('"');
  for (unsigned char ch : s) {
    if (ch == '"' || ch == '\\') {
      out->push_back('\\');
      out->push_back(static_cast<char>(ch));
    } else if (ch < 0x20) {
      absl::StrAppend(out, absl::StrFormat("\\u%04x", ch));
    } else {
      out->push_back(static_cast<char>(ch));
    }
  }
  out->push_back('"');
}

}  // namespace

LogValue::LogValue(double x) : text(absl::StrFormat("%.3f", x)), quoted(false) {}

void SetLoggingEnabled(bool enabled) { logging_enabled = enabled; }

void LogEvent(absl::string_view event, const std::vector<std::pair<std::string, LogValue>>& fields) {
  if (!logging_enabled) return;
  std::string line = "{\"ts\":";
  AppendJsonString(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()), &line);
  line += ",\"event\":";
  AppendJsonString(event, &line);
  for (const auto& [key, value] : fields) {
    line += ",";
    AppendJsonString(key, &line);
    line += ":";
    if (value.quoted) {
      AppendJsonString(value.text, &line);
    } else {
      line += value.text;
    }
  }
  line += "}\n";
  absl::MutexLock lock(&log_mu);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

grpc::Status CallLog::Finish(const absl::Status& status) {
  std::vector<std::pair<std::string, LogValue>> fields = {
      {"method", method_},
      {"code", StatusCodeName(status.code())},
      {"latency_ms", absl::ToDoubleMilliseconds(absl::Now() - start_)},
  };
  if (!organisation_.empty()) fields.emplace_back("organisation", organisation_);
  if (!key_id_.empty()) fields.emplace_back("key_id", key_id_);
  // The field path only: the rest of the message may quote an id or a value.
  const std::string field = engine::FieldPath(status);
  if (!field.empty()) fields.emplace_back("field", field);
  for (const auto& [key, value] : counts_) fields.emplace_back(key, value);
  LogEvent("rpc", fields);
  metrics::ObserveCall(method_, status.code(), absl::Now() - start_);
  return ToGrpcStatus(status);
}

}  // namespace passerelle::server
