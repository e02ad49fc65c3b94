// Process-wide counters of the service, exported by MetricsExporter (server/metrics/exporter.h).
//
// The hooks are called where every call finishes (CallLog::Finish) and where audit entries are written;
// they always count, whether an exporter runs or not (a few atomic increments per call), so that a
// scrape after a late start still sees every call since the process began.
//
// Labels hold an rpc's method name and a status code name only: never a record's id, an organisation,
// a key id or anything else a caller chose.
//
// Thread-safety: thread-safe.
#ifndef PASSERELLE_SERVER_METRICS_CALL_METRICS_H_
#define PASSERELLE_SERVER_METRICS_CALL_METRICS_H_

#include <cstdint>
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace prometheus {
class Registry;
}

namespace passerelle::server::metrics {

// Counts one finished call of `method` ("MatchOpenings") with `code`, and its latency.
void ObserveCall(absl::string_view method, absl::StatusCode code, absl::Duration latency);

// Counts audit entries written for a call of `rpc`.
void ObserveAuditEntries(absl::string_view rpc, int64_t entries);

// The registry holding the counters above (never destroyed).
std::shared_ptr<prometheus::Registry> CallRegistry();

}  // namespace passerelle::server::metrics

#endif  // PASSERELLE_SERVER_METRICS_CALL_METRICS_H_
