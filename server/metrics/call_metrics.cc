#include "server/metrics/call_metrics.h"

#include <string>

#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace passerelle::server::metrics {
namespace {

// Latency buckets in seconds: sub-millisecond lookups up to batch calls of tens of seconds.
const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
  return *buckets;
}

struct CallFamilies {
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  prometheus::Family<prometheus::Counter>& calls =
      prometheus::BuildCounter()
          .Name("passerelle_rpc_calls_total")
          .Help("Finished calls of Passerelle's services, by rpc and status code.")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& errors =
      prometheus::BuildCounter()
          .Name("passerelle_rpc_errors_total")
          .Help("Finished calls whose status was not OK, by rpc and status code.")
          .Register(*registry);
  prometheus::Family<prometheus::Histogram>& latency =
      prometheus::BuildHistogram()
          .Name("passerelle_rpc_latency_seconds")
          .Help("Time from the handler's start to its answer, by rpc and status code, in seconds.")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& audit =
      prometheus::BuildCounter()
          .Name("passerelle_audit_entries_written_total")
          .Help("Audit log entries written (one per call returning candidate data, more for batches), by rpc.")
          .Register(*registry);
};

// Leaked on purpose: calls may finish on gRPC threads while the process exits.
CallFamilies& Families() {
  static CallFamilies* families = new CallFamilies();
  return *families;
}

}  // namespace

void ObserveCall(absl::string_view method, absl::StatusCode code, absl::Duration latency) {
  CallFamilies& f = Families();
  const prometheus::Labels labels = {{"rpc", std::string(method)}, {"code", absl::StatusCodeToString(code)}};
  f.calls.Add(labels).Increment();
  if (code != absl::StatusCode::kOk) f.errors.Add(labels).Increment();
  f.latency.Add(labels, LatencyBuckets()).Observe(absl::ToDoubleSeconds(latency));
}

void ObserveAuditEntries(absl::string_view rpc, int64_t entries) {
  Families().audit.Add({{"rpc", std::string(rpc)}}).Increment(static_cast<double>(entries));
}

std::shared_ptr<prometheus::Registry> CallRegistry() { return Families().registry; }

}  // namespace passerelle::server::metrics
