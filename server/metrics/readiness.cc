#include "server/metrics/readiness.h"

#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "engine/store/records_checksum.h"

namespace passerelle::server::metrics {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

MetricFamily Gauge(std::string name, std::string help, double value, std::vector<ClientMetric::Label> labels = {}) {
  ClientMetric metric;
  metric.label = std::move(labels);
  metric.gauge.value = value;
  return MetricFamily{std::move(name), std::move(help), MetricType::Gauge, {std::move(metric)}};
}

}  // namespace

std::vector<MetricFamily> ReadinessCollector::Collect() const {
  const bool ready = !probe_.ready || probe_.ready();
  std::vector<MetricFamily> out;
  out.push_back(Gauge("passerelle_ready", "Whether this node should receive queries (one: yes, zero: no).", ready ? 1 : 0));
  if (probe_.applied_sequence) {
    out.push_back(Gauge("passerelle_cluster_applied_sequence", "The last log sequence this node applied.",
                        static_cast<double>(probe_.applied_sequence())));
  }
  return out;
}

std::vector<MetricFamily> ChecksumCollector::Collect() const {
  // A failed read yields no sample: a checker comparing nodes then sees a difference, never a false match.
  absl::StatusOr<std::string> checksum = engine::RecordsChecksum(*store_);
  if (!checksum.ok()) return {};
  return {Gauge("passerelle_records_checksum", "Checksum of the stored records (label value); always 1.", 1,
                {{"value", *checksum}})};
}

}  // namespace passerelle::server::metrics
