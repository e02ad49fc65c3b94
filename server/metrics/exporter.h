// The Prometheus endpoint of passerelle-server: GET http://<listen>/metrics in the text format.
//
// It serves (besides /ready and /checksum, readiness.h) the call counters of call_metrics.h and, read from the catalog at each scrape: records held,
// index rows and segments, RocksDB sizes and write stalls, the retention sweeper's totals, and the
// process's resident memory (the in-memory index is most of it). docs/operations.md lists every name.
//
// The endpoint has no authentication, which is why it binds to loopback by default: put it behind the
// host's Prometheus agent or a proxy rather than on a public address. No metric carries a person's or an
// organisation's identifier.
//
// Thread-safety: thread-safe; scrapes run on the exporter's own HTTP threads.
//
// Example:
//   MetricsOptions options;  // 127.0.0.1:9464
//   PASSERELLE_ASSIGN_OR_RETURN(auto exporter, MetricsExporter::Start(options, &server->catalog()));
//   ... curl http://127.0.0.1:9464/metrics ...
#ifndef PASSERELLE_SERVER_METRICS_EXPORTER_H_
#define PASSERELLE_SERVER_METRICS_EXPORTER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "engine/store/catalog.h"
#include "server/metrics/readiness.h"

namespace prometheus {
class Exposer;
}

namespace passerelle::server::metrics {

struct MetricsOptions {
  // host:port of the HTTP endpoint; port 0 picks a free port (see MetricsExporter::port()).
  // Default: "127.0.0.1:9464" (loopback only)
  std::string listen_address = "127.0.0.1:9464";
  // What GET /ready reports (readiness.h); GET /checksum is always served.
  // Default: always ready, no applied sequence
  ReadinessProbe readiness;
};

class CatalogCollector;

class MetricsExporter {
 public:
  // Binds the endpoint; `catalog` must outlive the exporter. Unavailable when the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<MetricsExporter>> Start(const MetricsOptions& options,
                                                                engine::Catalog* catalog);
  ~MetricsExporter();  // stops serving

  // The port actually bound.
  int port() const { return port_; }

 private:
  MetricsExporter() = default;
  std::unique_ptr<prometheus::Exposer> exposer_;
  std::shared_ptr<CatalogCollector> collector_;
  std::shared_ptr<ReadinessCollector> readiness_;
  std::shared_ptr<ChecksumCollector> checksum_;
  int port_ = 0;
};

}  // namespace passerelle::server::metrics

#endif  // PASSERELLE_SERVER_METRICS_EXPORTER_H_
