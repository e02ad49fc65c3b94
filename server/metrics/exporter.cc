#include "server/metrics/exporter.h"

#include <unistd.h>

#include <exception>
#include <fstream>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "prometheus/collectable.h"
#include "prometheus/exposer.h"
#include "prometheus/metric_family.h"
#include "prometheus/registry.h"
#include "server/metrics/call_metrics.h"

namespace passerelle::server::metrics {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

ClientMetric Value(MetricType type, double value, std::vector<ClientMetric::Label> labels = {}) {
  ClientMetric metric;
  metric.label = std::move(labels);
  if (type == MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  return metric;
}

MetricFamily Family(std::string name, std::string help, MetricType type, std::vector<ClientMetric> metrics) {
  return MetricFamily{std::move(name), std::move(help), type, std::move(metrics)};
}

// Adds a one-sample gauge for a RocksDB property, or nothing when RocksDB does not report it.
void AddRocksGauge(std::vector<MetricFamily>* out, std::string name, std::string help, std::optional<uint64_t> value) {
  if (!value) return;
  out->push_back(Family(std::move(name), std::move(help), MetricType::Gauge,
                        {Value(MetricType::Gauge, static_cast<double>(*value))}));
}

// Resident set size from /proc/self/statm (its second field, in pages); 0 when unreadable.
double ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  long pages_total = 0, pages_resident = 0;
  if (!(statm >> pages_total >> pages_resident)) return 0;
  return static_cast<double>(pages_resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

}  // namespace

// Reads the catalog at each scrape: gauges always reflect the present, and nothing runs between scrapes.
class CatalogCollector : public prometheus::Collectable {
 public:
  explicit CatalogCollector(engine::Catalog* catalog) : catalog_(catalog) {}

  std::vector<MetricFamily> Collect() const override {
    std::vector<MetricFamily> out;
    const engine::MatchIndex& index = catalog_->index();
    out.push_back(Family("passerelle_records", "Records stored, matchable or not, by kind.", MetricType::Gauge,
                         {Value(MetricType::Gauge, catalog_->candidate_count(), {{"kind", "candidate"}}),
                          Value(MetricType::Gauge, catalog_->opening_count(), {{"kind", "opening"}})}));
    out.push_back(Family("passerelle_index_rows", "Records in the in-memory match index, by kind.", MetricType::Gauge,
                         {Value(MetricType::Gauge, index.candidate_count(), {{"kind", "candidate"}}),
                          Value(MetricType::Gauge, index.opening_count(), {{"kind", "opening"}})}));
    out.push_back(Family(
        "passerelle_index_segments", "Column segments of the match index, by kind.", MetricType::Gauge,
        {Value(MetricType::Gauge, index.CandidateSnapshot()->segments.size(), {{"kind", "candidate"}}),
         Value(MetricType::Gauge, index.OpeningSnapshot()->segments.size(), {{"kind", "opening"}})}));
    out.push_back(Family("passerelle_process_resident_memory_bytes",
                         "Resident memory of the server process (mostly the match index), in bytes.",
                         MetricType::Gauge, {Value(MetricType::Gauge, ResidentBytes())}));
    AddStoreMetrics(&out);
    const engine::SweepReport sweeps = catalog_->sweep_totals();
    out.push_back(Family("passerelle_retention_erased_total",
                         "Records and audit entries the retention sweeper erased since the start, by kind.",
                         MetricType::Counter,
                         {Value(MetricType::Counter, sweeps.candidates_erased, {{"kind", "candidate"}}),
                          Value(MetricType::Counter, sweeps.openings_erased, {{"kind", "opening"}}),
                          Value(MetricType::Counter, sweeps.audit_entries_deleted, {{"kind", "audit_entry"}})}));
    return out;
  }

 private:
  void AddStoreMetrics(std::vector<MetricFamily>* out) const {
    const engine::Store& store = catalog_->store();
    AddRocksGauge(out, "passerelle_rocksdb_write_stopped", "1 while RocksDB stops writes (a write stall), else 0.",
                  store.DbIntProperty("rocksdb.is-write-stopped"));
    AddRocksGauge(out, "passerelle_rocksdb_delayed_write_rate_bytes",
                  "Write rate RocksDB slows writers to while it delays them, in bytes per second; 0 = no delay.",
                  store.DbIntProperty("rocksdb.actual-delayed-write-rate"));
    AddRocksGauge(out, "passerelle_rocksdb_sst_files_bytes", "Size of all SST files of the store, in bytes.",
                  store.FamiliesIntProperty("rocksdb.total-sst-files-size"));
    AddRocksGauge(out, "passerelle_rocksdb_live_data_bytes", "Estimated size of the live data, in bytes.",
                  store.FamiliesIntProperty("rocksdb.estimate-live-data-size"));
    AddRocksGauge(out, "passerelle_rocksdb_memtable_bytes", "Size of the memtables, in bytes.",
                  store.FamiliesIntProperty("rocksdb.cur-size-all-mem-tables"));
    AddRocksGauge(out, "passerelle_rocksdb_pending_compaction_bytes",
                  "Bytes compaction still has to rewrite (stalls start when this grows large).",
                  store.FamiliesIntProperty("rocksdb.estimate-pending-compaction-bytes"));
    AddRocksGauge(out, "passerelle_audit_entries", "Audit log entries held (RocksDB's estimate).",
                  store.AuditIntProperty("rocksdb.estimate-num-keys"));
  }

  engine::Catalog* const catalog_;
};

absl::StatusOr<std::unique_ptr<MetricsExporter>> MetricsExporter::Start(const MetricsOptions& options,
                                                                         engine::Catalog* catalog) {
  std::unique_ptr<MetricsExporter> exporter(new MetricsExporter());
  try {
    exporter->exposer_ = std::make_unique<prometheus::Exposer>(options.listen_address, /*num_threads=*/1);
  } catch (const std::exception& error) {
    return absl::UnavailableError(absl::StrCat("metrics: cannot listen on ", options.listen_address, ": ", error.what()));
  }
  exporter->collector_ = std::make_shared<CatalogCollector>(catalog);
  exporter->exposer_->RegisterCollectable(CallRegistry());
  exporter->exposer_->RegisterCollectable(exporter->collector_);
  exporter->readiness_ = std::make_shared<ReadinessCollector>(options.readiness);
  exporter->exposer_->RegisterCollectable(exporter->readiness_, "/ready");
  exporter->checksum_ = std::make_shared<ChecksumCollector>(&catalog->store());
  exporter->exposer_->RegisterCollectable(exporter->checksum_, "/checksum");
  const std::vector<int> ports = exporter->exposer_->GetListeningPorts();
  exporter->port_ = ports.empty() ? 0 : ports.front();
  return exporter;
}

MetricsExporter::~MetricsExporter() = default;

}  // namespace passerelle::server::metrics
