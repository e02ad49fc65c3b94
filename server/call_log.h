// Structured logs: one JSON object per line on stderr.
//
// Per call: {"ts":"2026-03-02T10:00:00.123Z","event":"rpc","method":"PutCandidate","code":"OK",
// "latency_ms":1.84,"organisation":"ft-bobigny","key_id":"k0123456789abcdef","items":1}. The caller's
// organisation and key id (never the secret) once known. Never a record's id, a code of a person's record or any other personal data:
// only the method, the status code, the path of the offending field on error ("candidate.commune_insee"),
// counts and the latency.
//
// Thread-safety: thread-safe; lines from concurrent calls never interleave.
#ifndef PASSERELLE_SERVER_CALL_LOG_H_
#define PASSERELLE_SERVER_CALL_LOG_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/support/status.h"

namespace passerelle::server {

// A value for a log field: a string (quoted and escaped) or a number.
struct LogValue {
  LogValue(absl::string_view s) : text(s), quoted(true) {}
  LogValue(const char* s) : text(s), quoted(true) {}
  LogValue(const std::string& s) : text(s), quoted(true) {}
  LogValue(int64_t n) : text(std::to_string(n)), quoted(false) {}
  LogValue(int n) : text(std::to_string(n)), quoted(false) {}
  LogValue(double x);
  std::string text;
  bool quoted;
};

// Writes {"ts":..., "event":event, fields...} as one line.
void LogEvent(absl::string_view event, const std::vector<std::pair<std::string, LogValue>>& fields);

// Turns off all log output (tests that spin servers up by the dozen).
void SetLoggingEnabled(bool enabled);

// The log line of one call: created when the handler starts, written by Finish().
class CallLog {
 public:
  explicit CallLog(absl::string_view method) : method_(method), start_(absl::Now()) {}
  // Adds a count to the line ("items", "accepted", "rejected", "results").
  void Count(absl::string_view key, int64_t value) { counts_.emplace_back(std::string(key), value); }
  // Names the caller on the line (its organisation and key id, never the secret).
  void SetCaller(absl::string_view organisation, absl::string_view key_id) {
    organisation_ = std::string(organisation);
    key_id_ = std::string(key_id);
  }
  // Writes the line (with the status's field path, engine/common/field_status.h, when it names one) and
  // returns `status` as a grpc::Status.
  grpc::Status Finish(const absl::Status& status);

 private:
  std::string method_;
  absl::Time start_;
  std::string organisation_;
  std::string key_id_;
  std::vector<std::pair<std::string, int64_t>> counts_;
};

}  // namespace passerelle::server

#endif  // PASSERELLE_SERVER_CALL_LOG_H_
