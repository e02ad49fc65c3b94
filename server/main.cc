// passerelle-server: the Passerelle matching service over gRPC, with its data in RocksDB.
//
//   passerelle-server [--config=FILE] [--listen=127.0.0.1:50051] [--data_dir=./passerelle-data] ...
//
// Every flag can also be set in the --config file (server/config_file.h); the command line overrides it.
// `passerelle-server --help` lists the flags.
//
// Signals: SIGTERM or SIGINT shut down gracefully (health NOT_SERVING, in-flight calls finish within
// --shutdown_grace_seconds, exit 0). SIGUSR1 writes a RocksDB checkpoint under --backup_dir.
// Logs: one JSON object per line on stderr. See docs/operations.md.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "engine/common/status_macros.h"
#include "absl/strings/ascii.h"
#include "server/call_log.h"
#include "server/cluster_join.h"
#include "server/cluster/nats/jetstream_log.h"
#include "server/config_file.h"
#include "server/metrics/exporter.h"
#include "server/server.h"
#include "server/status_convert.h"

ABSL_FLAG(std::string, config, "",
          "Configuration file of name = value lines holding any of these flags (see /etc/passerelle/passerelle.conf "
          "in the package); flags on the command line override it.");
ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "Address to listen on, host:port. Loopback by default; a non-loopback address needs --tls_cert and "
          "--tls_key (or --allow_insecure_remote).");
ABSL_FLAG(std::string, data_dir, "./passerelle-data", "Directory of the RocksDB store; created when missing.");
ABSL_FLAG(std::string, reference_data, "",
          "Folder of the reference data (data/). Default: $PASSERELLE_DATA_DIR, else <prefix>/share/passerelle/data "
          "next to an installed binary, else the data/ folder of the source tree this binary was built from.");
ABSL_FLAG(int32_t, max_message_bytes, 4 << 20, "Largest message accepted, in bytes (RESOURCE_EXHAUSTED beyond).");
ABSL_FLAG(int32_t, max_k, 1000, "Largest k and near_misses a match request may ask, in [1, 1000].");
ABSL_FLAG(int32_t, import_batch_items, 1000, "Import items committed per synced RocksDB batch.");
ABSL_FLAG(int64_t, max_import_items, 100000, "Items one import stream may carry; later items are rejected.");
ABSL_FLAG(int32_t, max_batch_calls, 2,
          "Batch calls (Rerank, Assign) that may run at once, in [1, 64]; more fail with RESOURCE_EXHAUSTED.");
ABSL_FLAG(double, shutdown_grace_seconds, 5, "Time in-flight calls get to finish after SIGTERM, in seconds.");
ABSL_FLAG(bool, erase_on_delete, true,
          "After a delete, flush and compact so the record's bytes leave the data files before answering.");
ABSL_FLAG(int32_t, block_cache_mib, 64, "RocksDB block cache, in MiB.");
ABSL_FLAG(std::string, backup_dir, "",
          "Where SIGUSR1 writes RocksDB checkpoints (one subdirectory per signal). Empty: SIGUSR1 is ignored.");
ABSL_FLAG(int32_t, candidate_retention_days, 730,
          "Candidates not updated for this many days are erased by the retention sweeper (docs/security.md).");
ABSL_FLAG(int32_t, audit_retention_days, 365, "Audit log entries older than this many days are deleted.");
ABSL_FLAG(int32_t, audit_sync_interval_ms, 100,
          "The audit entries of reads reach the write-ahead log before the answer and are fsynced every this "
          "many milliseconds (a power loss may lose that window; kill -9 loses none); 0 = one synced write per "
          "entry (docs/security.md).");
ABSL_FLAG(int32_t, sweep_interval_seconds, 3600,
          "Seconds between two retention sweeps (the first runs at start); 0 turns the sweeper off.");
ABSL_FLAG(std::string, tls_cert, "", "PEM certificate chain of the server; with --tls_key, the port speaks TLS only.");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls_cert.");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM CA certificate(s): mutual TLS, every client must present a certificate signed by it, whose subject "
          "names O=<organisation> and OU=<role>.");
ABSL_FLAG(bool, allow_insecure_remote, false,
          "Serve a non-loopback --listen address without TLS (behind a TLS-terminating proxy only: keys cross the "
          "network in clear). Without it such an address is refused.");
ABSL_FLAG(std::string, bootstrap_key_file, "",
          "Where the first start of a data directory without keys writes an admin key (mode 0600). Default: "
          "<data_dir>/bootstrap-admin.key.");
ABSL_FLAG(double, org_requests_per_second, 10000,
          "Sustained calls per second per organisation (RESOURCE_EXHAUSTED beyond); 0 = no limit.");
ABSL_FLAG(double, org_burst_requests, 20000, "Calls an organisation may make at once above its rate.");
ABSL_FLAG(int32_t, org_max_concurrent_calls, 64, "Calls of one organisation running at once; 0 = no limit.");
ABSL_FLAG(int32_t, org_max_batch_calls, 1,
          "Batch calls (Rerank, Assign) of one organisation running at once; 0 = only --max_batch_calls applies.");
ABSL_FLAG(int32_t, org_max_streams, 4, "Import streams one organisation may hold open at once (RESOURCE_EXHAUSTED beyond).");
ABSL_FLAG(int32_t, max_streams, 32, "Import streams open at once on the whole server (RESOURCE_EXHAUSTED beyond).");
ABSL_FLAG(double, call_deadline_seconds, 60,
          "Server-side deadline of a call when the client sets none or a later one, in seconds; 0 = none.");
ABSL_FLAG(double, batch_deadline_seconds, 3600, "The same for Rerank and Assign, in seconds; 0 = none.");
ABSL_FLAG(double, import_deadline_seconds, 3600, "The same for import streams, in seconds; 0 = none.");
ABSL_FLAG(double, watch_deadline_seconds, 86400,
          "Server-side deadline of a WatchMatches stream, in seconds (the watcher then reconnects); 0 = none.");
ABSL_FLAG(int32_t, org_max_watchers, 16, "WatchMatches streams one organisation may hold open at once.");
ABSL_FLAG(int32_t, max_watchers, 256, "WatchMatches streams open at once on the whole server.");
ABSL_FLAG(double, stream_idle_timeout_seconds, 30,
          "An import stream that receives no item for this long is cancelled, in seconds; 0 = never.");
ABSL_FLAG(std::string, metrics_listen, "",
          "host:port of the Prometheus endpoint (GET /metrics; /ready and /checksum, docs/cluster.md; no authentication: keep it on loopback, e.g. "
          "127.0.0.1:9464, which the packaged configuration uses). Empty: no endpoint.");
ABSL_FLAG(std::string, port_file, "",
          "If set, the bound port is written to this file once the server is serving (for scripts and tests).");
ABSL_FLAG(std::string, cluster_log, "",
          "Cluster mode (docs/cluster.md): comma-separated URLs of the replicated log's servers, e.g. "
          "nats://h1:4222,nats://h2:4222,nats://h3:4222. Empty (the default): a single process on its own RocksDB.");
ABSL_FLAG(std::string, cluster_node_id, "node",
          "Cluster mode: this node's name, unique in the cluster, [A-Za-z0-9_-]{1,32}.");
ABSL_FLAG(std::string, cluster_stream, "passerelle", "Cluster mode: the name of the log's stream.");
ABSL_FLAG(int32_t, cluster_log_replicas, 3,
          "Cluster mode: copies of the log's stream when this node creates it (1 to 5; 3 survives the loss of "
          "any one log server). A stream that exists with another count is refused.");
ABSL_FLAG(int32_t, cluster_log_max_age_hours, 168,
          "Cluster mode: retention of the log's stream when this node creates it, in hours (0 = keep every "
          "entry). A node whose applied sequence falls out of it loads a snapshot (--cluster_snapshot_from).");
ABSL_FLAG(std::string, cluster_snapshot_from, "",
          "Cluster mode: host:port of a node to load a snapshot from when this node's data directory is empty "
          "or the log no longer holds the entries after its applied sequence (docs/cluster.md, Adding a node).");
ABSL_FLAG(std::string, cluster_peer_key_file, "",
          "Cluster mode: file holding the secret of an API key of role cluster-peer, sent to "
          "--cluster_snapshot_from.");
ABSL_FLAG(std::string, cluster_peer_ca, "",
          "Cluster mode: PEM file of the CA of --cluster_snapshot_from's TLS certificate; empty = plaintext.");
ABSL_FLAG(int32_t, cluster_max_lag_entries, 1000,
          "Cluster mode: health says NOT_SERVING while this node is more than this many entries behind the log.");
ABSL_FLAG(std::vector<std::string>, cluster_regions, {},
          "Cluster mode: the INSEE codes of the régions this node holds, e.g. 11,84 (docs/cluster.md, \"Shards\"): "
          "candidates living there, openings there, within --cluster_opening_reach_km of them or providing "
          "housing. Empty (the default): every région.");
ABSL_FLAG(double, cluster_opening_reach_km, 1000,
          "Cluster mode with --cluster_regions: openings within this distance of the régions are held too. The "
          "default, the largest commute radius a record may state, gives every candidate the answer of a node "
          "holding everything; 50 covers every transport mode's default radius.");
ABSL_FLAG(int32_t, min_sequence_wait_ms, 2000,
          "Longest wait of a call carrying x-passerelle-min-sequence for this node to apply that write, in ms "
          "(UNAVAILABLE after it).");

namespace passerelle::server {
namespace {

// <dir of this binary>/PASSERELLE_INSTALLED_DATA_RELATIVE when this binary is an installed one (the folder
// exists), else "" (ReferenceData then falls back to $PASSERELLE_DATA_DIR or the source tree's data/).
std::string InstalledDataDir() {
  std::error_code error;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) return "";
  const std::filesystem::path dir = (exe.parent_path() / PASSERELLE_INSTALLED_DATA_RELATIVE).lexically_normal();
  return std::filesystem::is_directory(dir, error) ? dir.string() : "";
}

std::string ReferenceDataDir() {
  std::string dir = absl::GetFlag(FLAGS_reference_data);
  if (dir.empty() && std::getenv("PASSERELLE_DATA_DIR") == nullptr) dir = InstalledDataDir();
  return dir;
}

ServerOptions OptionsFromFlags() {
  ServerOptions options;
  options.listen_address = absl::GetFlag(FLAGS_listen);
  options.data_dir = absl::GetFlag(FLAGS_data_dir);
  options.reference_data_dir = ReferenceDataDir();
  options.max_receive_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  options.limits.max_k = absl::GetFlag(FLAGS_max_k);
  options.limits.import_batch_items = absl::GetFlag(FLAGS_import_batch_items);
  options.limits.max_import_items = absl::GetFlag(FLAGS_max_import_items);
  options.limits.max_batch_calls = absl::GetFlag(FLAGS_max_batch_calls);
  options.shutdown_grace_seconds = absl::GetFlag(FLAGS_shutdown_grace_seconds);
  options.tls_cert_file = absl::GetFlag(FLAGS_tls_cert);
  options.tls_key_file = absl::GetFlag(FLAGS_tls_key);
  options.tls_client_ca_file = absl::GetFlag(FLAGS_tls_client_ca);
  options.allow_insecure_remote = absl::GetFlag(FLAGS_allow_insecure_remote);
  options.bootstrap_key_file = absl::GetFlag(FLAGS_bootstrap_key_file);
  options.tenant_limits.requests_per_second = absl::GetFlag(FLAGS_org_requests_per_second);
  options.tenant_limits.burst_requests = absl::GetFlag(FLAGS_org_burst_requests);
  options.tenant_limits.max_concurrent_calls = absl::GetFlag(FLAGS_org_max_concurrent_calls);
  options.tenant_limits.max_batch_calls_per_organisation = absl::GetFlag(FLAGS_org_max_batch_calls);
  options.tenant_limits.max_streams_per_organisation = absl::GetFlag(FLAGS_org_max_streams);
  options.tenant_limits.max_streams = absl::GetFlag(FLAGS_max_streams);
  options.deadlines.default_deadline_seconds = absl::GetFlag(FLAGS_call_deadline_seconds);
  options.deadlines.batch_deadline_seconds = absl::GetFlag(FLAGS_batch_deadline_seconds);
  options.deadlines.import_deadline_seconds = absl::GetFlag(FLAGS_import_deadline_seconds);
  options.deadlines.stream_idle_timeout_seconds = absl::GetFlag(FLAGS_stream_idle_timeout_seconds);
  options.deadlines.watch_deadline_seconds = absl::GetFlag(FLAGS_watch_deadline_seconds);
  options.limits.max_watchers_per_organisation = absl::GetFlag(FLAGS_org_max_watchers);
  options.limits.max_watchers = absl::GetFlag(FLAGS_max_watchers);
  options.catalog.erase_on_delete = absl::GetFlag(FLAGS_erase_on_delete);
  options.catalog.store.block_cache_mib = static_cast<size_t>(std::max(1, absl::GetFlag(FLAGS_block_cache_mib)));
  options.retention.candidate_retention_days = absl::GetFlag(FLAGS_candidate_retention_days);
  options.retention.audit_retention_days = absl::GetFlag(FLAGS_audit_retention_days);
  options.catalog.audit.sync_interval_ms = absl::GetFlag(FLAGS_audit_sync_interval_ms);
  options.sweep_interval_seconds = absl::GetFlag(FLAGS_sweep_interval_seconds);
  options.cluster_node.node_id = absl::GetFlag(FLAGS_cluster_node_id);
  options.cluster_node.max_lag_entries = static_cast<uint64_t>(std::max(0, absl::GetFlag(FLAGS_cluster_max_lag_entries)));
  options.cluster_node.shard.regions = absl::GetFlag(FLAGS_cluster_regions);
  options.cluster_node.shard.opening_reach_km = absl::GetFlag(FLAGS_cluster_opening_reach_km);
  options.min_sequence_wait_ms = absl::GetFlag(FLAGS_min_sequence_wait_ms);
  return options;
}

// The replicated log named by --cluster_log: a NATS JetStream stream (server/cluster/nats/).
absl::StatusOr<std::unique_ptr<cluster::ReplicatedLog>> OpenClusterLog(const std::string& urls,
                                                                      const std::string& stream) {
  cluster::nats::JetStreamLogOptions options;
  options.connection.servers = urls;
  options.connection.name = "passerelle-" + absl::GetFlag(FLAGS_cluster_node_id);
  options.stream = stream;
  options.subject = stream + ".log";
  options.replicas = absl::GetFlag(FLAGS_cluster_log_replicas);
  options.max_age_seconds = static_cast<int64_t>(std::max(0, absl::GetFlag(FLAGS_cluster_log_max_age_hours))) * 3600;
  PASSERELLE_ASSIGN_OR_RETURN(std::unique_ptr<cluster::nats::JetStreamLog> log,
                              cluster::nats::JetStreamLog::Open(options));
  return std::unique_ptr<cluster::ReplicatedLog>(std::move(log));
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path, const char* flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("--", flag, ": cannot read \"", path, "\""));
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Before the catalog opens: loads a peer's snapshot when the data directory needs one (server/cluster_join.h).
absl::Status JoinFromSnapshot(cluster::ReplicatedLog* log, const ServerOptions& options) {
  SnapshotSource source;
  source.peer_address = absl::GetFlag(FLAGS_cluster_snapshot_from);
  if (!source.peer_address.empty()) {
    const std::string key_file = absl::GetFlag(FLAGS_cluster_peer_key_file);
    if (key_file.empty()) return absl::InvalidArgumentError("--cluster_snapshot_from needs --cluster_peer_key_file");
    PASSERELLE_ASSIGN_OR_RETURN(std::string key, ReadWholeFile(key_file, "cluster_peer_key_file"));
    source.peer_key = std::string(absl::StripAsciiWhitespace(key));
    if (const std::string ca = absl::GetFlag(FLAGS_cluster_peer_ca); !ca.empty()) {
      PASSERELLE_ASSIGN_OR_RETURN(source.peer_root_ca_pem, ReadWholeFile(ca, "cluster_peer_ca"));
    }
  }
  const absl::Time start = absl::Now();
  PASSERELLE_ASSIGN_OR_RETURN(JoinReport report,
                              PrepareClusterDataDir(log, options.data_dir, source, options.catalog.store));
  if (report.loaded) {
    LogEvent("cluster_snapshot_loaded", {{"from", source.peer_address},
                                         {"reason", report.reason},
                                         {"applied_sequence", static_cast<int64_t>(report.applied_sequence)},
                                         {"seconds", absl::ToDoubleSeconds(absl::Now() - start)}});
  }
  return absl::OkStatus();
}

// Written to a temporary name, then renamed: a reader never sees a half-written port.
bool WritePortFile(const std::string& path, int port) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << port << "\n";
    if (!out.good()) return false;
  }
  std::error_code error;
  std::filesystem::rename(tmp, path, error);
  return !error;
}

void Checkpoint(PasserelleServer& server, const std::string& backup_dir) {
  if (backup_dir.empty()) {
    LogEvent("checkpoint", {{"code", "FAILED_PRECONDITION"}, {"reason", "--backup_dir is not set"}});
    return;
  }
  std::error_code error;
  std::filesystem::create_directories(backup_dir, error);
  const std::string dir = absl::StrCat(
      backup_dir, "/checkpoint-", absl::FormatTime("%Y%m%dT%H%M%E3SZ", absl::Now(), absl::UTCTimeZone()));
  const absl::Status status = server.catalog().Checkpoint(dir);
  LogEvent("checkpoint", {{"dir", dir}, {"code", status.ok() ? "OK" : std::string(status.message())}});
}

int Run() {
  // Block the signals before any thread starts, so that every thread inherits the mask and only sigwait
  // below receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  ServerOptions options = OptionsFromFlags();
  std::unique_ptr<cluster::ReplicatedLog> cluster_log;  // outlives the server (declared first)
  if (const std::string urls = absl::GetFlag(FLAGS_cluster_log); !urls.empty()) {
    absl::StatusOr<std::unique_ptr<cluster::ReplicatedLog>> opened =
        OpenClusterLog(urls, absl::GetFlag(FLAGS_cluster_stream));
    if (!opened.ok()) {
      LogEvent("fatal", {{"code", StatusCodeName(opened.status().code())}, {"message", opened.status().message()}});
      return 1;
    }
    cluster_log = *std::move(opened);
    options.cluster_log = cluster_log.get();
    if (absl::Status joined = JoinFromSnapshot(cluster_log.get(), options); !joined.ok()) {
      LogEvent("fatal", {{"code", StatusCodeName(joined.code())}, {"message", joined.message()}});
      return 1;
    }
  } else if (!options.cluster_node.shard.regions.empty()) {
    // A single process holds what it is sent: a share of the régions only means something in a cluster.
    LogEvent("fatal", {{"code", "INVALID_ARGUMENT"}, {"message", "--cluster_regions needs --cluster_log"}});
    return 1;
  }
  absl::StatusOr<std::unique_ptr<PasserelleServer>> server = PasserelleServer::Start(options);
  if (!server.ok()) {
    LogEvent("fatal", {{"code", StatusCodeName(server.status().code())}, {"message", server.status().message()}});
    return 1;
  }
  std::unique_ptr<metrics::MetricsExporter> exporter;
  if (const std::string metrics_listen = absl::GetFlag(FLAGS_metrics_listen); !metrics_listen.empty()) {
    metrics::MetricsOptions metrics_options;
    metrics_options.listen_address = metrics_listen;
    if (const cluster::Node* node = (*server)->cluster_node(); node != nullptr) {
      metrics_options.readiness.ready = [node] { return node->health() == cluster::NodeHealth::kServing; };
      metrics_options.readiness.applied_sequence = [node] { return node->applied_sequence(); };
    }
    absl::StatusOr<std::unique_ptr<metrics::MetricsExporter>> started =
        metrics::MetricsExporter::Start(metrics_options, &(*server)->catalog());
    if (!started.ok()) {
      LogEvent("fatal", {{"code", StatusCodeName(started.status().code())}, {"message", started.status().message()}});
      return 1;
    }
    exporter = *std::move(started);
    LogEvent("metrics", {{"listen", metrics_listen}, {"port", exporter->port()}});
  }
  const std::string port_file = absl::GetFlag(FLAGS_port_file);
  if (!port_file.empty() && !WritePortFile(port_file, (*server)->port())) {
    LogEvent("fatal", {{"message", absl::StrCat("cannot write --port_file ", port_file)}});
    return 1;
  }
  for (;;) {
    int signal = 0;
    if (sigwait(&signals, &signal) != 0) continue;
    if (signal == SIGUSR1) {
      Checkpoint(**server, absl::GetFlag(FLAGS_backup_dir));
      continue;
    }
    LogEvent("signal", {{"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"}});
    break;
  }
  exporter.reset();  // before the catalog it reads closes
  (*server)->Shutdown();
  return 0;
}

// argv with the settings of the --config file inserted after argv[0], so that the command line, parsed
// after them, overrides them. Exits with a message for an unreadable file or an unknown setting.
std::vector<std::string> ArgsWithConfig(int argc, char** argv) {
  std::vector<std::string> args = {argv[0]};
  const std::string path = ConfigPathInArgs(argc, argv);
  if (!path.empty()) {
    absl::StatusOr<std::vector<ConfigSetting>> settings = ReadConfigFile(path);
    if (!settings.ok()) {
      std::fprintf(stderr, "passerelle-server: %s\n", std::string(settings.status().message()).c_str());
      std::exit(2);
    }
    for (const ConfigSetting& setting : *settings) {
      if (setting.name == "config" || absl::FindCommandLineFlag(setting.name) == nullptr ||
          absl::StrContains(setting.name, "help")) {
        std::fprintf(stderr, "passerelle-server: %s line %d: unknown setting \"%s\"\n", path.c_str(), setting.line,
                     setting.name.c_str());
        std::exit(2);
      }
      args.push_back(absl::StrCat("--", setting.name, "=", setting.value));
    }
  }
  args.insert(args.end(), argv + 1, argv + argc);
  return args;
}

// --help and --helpfull list this file's flags (absl's default matches files named like the binary).
void ConfigureUsage() {
  absl::FlagsUsageConfig config;
  config.contains_help_flags = [](absl::string_view file) { return absl::EndsWith(file, "server/main.cc"); };
  config.contains_helpshort_flags = config.contains_help_flags;
  absl::SetFlagsUsageConfig(config);
}

}  // namespace
}  // namespace passerelle::server

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "The Passerelle matching service (gRPC passerelle.v1.Matching, Access and Governance, health, reflection).\n"
      "Usage: passerelle-server [--config=FILE] [--listen=127.0.0.1:50051] [--data_dir=./passerelle-data] [flags]");
  passerelle::server::ConfigureUsage();
  std::vector<std::string> args = passerelle::server::ArgsWithConfig(argc, argv);
  std::vector<char*> arg_pointers;
  for (std::string& arg : args) arg_pointers.push_back(arg.data());
  absl::ParseCommandLine(static_cast<int>(arg_pointers.size()), arg_pointers.data());
  // Debian's Abseil is built without NDEBUG, so every absl::Mutex lock also updated a global lock-order
  // graph (GraphCycles, seen in `perf` under load on every rpc). The tests, which build their own servers,
  // keep that check.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  return passerelle::server::Run();
}
