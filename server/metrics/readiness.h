// Two small pages on the metrics endpoint for operators and proxies (docs/cluster.md, "Routing"):
//   GET /ready     `passerelle_ready 1` while the node serves queries, `passerelle_ready 0` while it is
//                  starting, catching up or draining; plus `passerelle_cluster_applied_sequence`.
//   GET /checksum  `passerelle_records_checksum{value="<64 hex>"} 1` (engine/store/records_checksum.h),
//                  computed at each request only: it reads every record, so it is not on /metrics.
// prometheus-cpp's endpoint always answers 200, so a proxy checks the body: haproxy's
// `http-check expect string "passerelle_ready 1"` (deploy/haproxy/passerelle.cfg).
//
// Thread-safety: the callbacks run on the endpoint's HTTP thread and must be thread-safe.
#ifndef PASSERELLE_SERVER_METRICS_READINESS_H_
#define PASSERELLE_SERVER_METRICS_READINESS_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "engine/store/store.h"
#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"

namespace passerelle::server::metrics {

struct ReadinessProbe {
  // True while the node should receive queries. Empty: always ready (a single process).
  // Default: empty
  std::function<bool()> ready;
  // The last log sequence this node applied; empty: the gauge is left out (a single process).
  // Default: empty
  std::function<uint64_t()> applied_sequence;
};

class ReadinessCollector : public prometheus::Collectable {
 public:
  explicit ReadinessCollector(ReadinessProbe probe) : probe_(std::move(probe)) {}
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const ReadinessProbe probe_;
};

class ChecksumCollector : public prometheus::Collectable {
 public:
  // `store` must outlive the collector.
  explicit ChecksumCollector(const engine::Store* store) : store_(store) {}
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const engine::Store* const store_;
};

}  // namespace passerelle::server::metrics

#endif  // PASSERELLE_SERVER_METRICS_READINESS_H_
