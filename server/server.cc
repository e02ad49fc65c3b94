#include "server/server.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "engine/common/status_macros.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "engine/store/record_codec.h"
#include "server/auth/auth_processor.h"
#include "server/call_log.h"
#include "server/cluster_access.h"
#include "server/cluster_writes.h"
#include "server/status_convert.h"
#include "server/undecodable_requests.h"

namespace passerelle::server {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path, absl::string_view flag) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in.good() && !in.eof()) return absl::InvalidArgumentError(absl::StrCat(flag, ": cannot read \"", path, "\""));
  if (text.str().empty()) return absl::InvalidArgumentError(absl::StrCat(flag, ": \"", path, "\" is missing or empty"));
  return text.str();
}

// Written with mode 0600 from the start (never readable by others, even for an instant).
absl::Status WriteSecretFile(const std::string& path, absl::string_view secret) {
  ::unlink(path.c_str());
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return absl::UnavailableError(absl::StrCat("bootstrap_key_file: cannot create \"", path, "\""));
  const std::string line = absl::StrCat(secret, "\n");
  const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return absl::UnavailableError(absl::StrCat("bootstrap_key_file: cannot write \"", path, "\""));
  return absl::OkStatus();
}

// Writes a new bootstrap key's secret where the operator can read it.
absl::Status SaveBootstrapKey(const std::pair<KeyRecord, std::string>& created, const ServerOptions& options) {
  const std::string path = BootstrapKeyFile(options);
  PASSERELLE_RETURN_IF_ERROR(WriteSecretFile(path, created.second));
  LogEvent("bootstrap_key", {{"file", path}, {"key_id", created.first.id}, {"organisation", options.bootstrap_organisation}});
  return absl::OkStatus();
}

// A fresh data directory (no key at all) gets an admin key.
absl::Status Bootstrap(AccessRegistry& registry, const ServerOptions& options) {
  if (!registry.ListKeys("").empty()) return absl::OkStatus();
  PASSERELLE_ASSIGN_OR_RETURN(auto created, registry.CreateKey(options.bootstrap_organisation, Role::kAdmin,
                                                                absl::ZeroDuration(), "bootstrap admin key"));
  return SaveBootstrapKey(created, options);
}

bool ClusterBootstrap(const ServerOptions& options) {
  return options.cluster_log != nullptr && options.cluster_bootstrap_through_log;
}

// The port's credentials (see server.h); sets *authenticate_metadata when they run no AuthProcessor.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> PortCredentials(const ServerOptions& options,
                                                                         bool* authenticate_metadata) {
  *authenticate_metadata = false;
  if (!options.tls_cert_file.empty()) {
    grpc::SslServerCredentialsOptions ssl;
    grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
    PASSERELLE_ASSIGN_OR_RETURN(pair.private_key, ReadFile(options.tls_key_file, "tls_key"));
    PASSERELLE_ASSIGN_OR_RETURN(pair.cert_chain, ReadFile(options.tls_cert_file, "tls_cert"));
    ssl.pem_key_cert_pairs.push_back(pair);
    if (!options.tls_client_ca_file.empty()) {
      PASSERELLE_ASSIGN_OR_RETURN(ssl.pem_root_certs, ReadFile(options.tls_client_ca_file, "tls_client_ca"));
      ssl.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
    }
    return grpc::SslServerCredentials(ssl);
  }
  if (IsLoopbackAddress(options.listen_address)) return grpc::experimental::LocalServerCredentials(LOCAL_TCP);
  if (!options.allow_insecure_remote) {
    return absl::FailedPreconditionError(absl::StrCat(
        "listen: \"", options.listen_address, "\" is not a loopback address and TLS is off; pass --tls_cert and "
        "--tls_key, or --allow_insecure_remote behind a TLS-terminating proxy (see docs/security.md)"));
  }
  *authenticate_metadata = true;
  return grpc::InsecureServerCredentials();
}

constexpr char kServiceName[] = "passerelle.v1.Matching";
constexpr int kMaxLoggedInvalidRecords = 100;

// Logs what the load found. Openings' and profiles' ids are named; candidates' are not (they stand for
// people): GetStatus lists them for whoever may see them.
void LogLoadReport(const engine::Catalog& catalog, const ServerOptions& options) {
  const engine::LoadReport& report = catalog.load_report();
  LogEvent("load", {{"data_dir", options.data_dir},
                    {"candidates", report.candidates_loaded},
                    {"openings", report.openings_loaded},
                    {"scoring_profiles", report.profiles_loaded},
                    {"invalid_records", static_cast<int64_t>(report.invalid.size())},
                    {"reference_data_version", catalog.data().version()},
                    {"previous_reference_data_version", report.previous_reference_data_version},
                    {"seconds", report.seconds}});
  int logged = 0;
  for (const engine::InvalidRecord& invalid : report.invalid) {
    if (++logged > kMaxLoggedInvalidRecords) break;
    std::vector<std::pair<std::string, LogValue>> fields = {{"kind", engine::RecordKindName(invalid.kind)}};
    if (invalid.kind == engine::RecordKind::kCandidate) {
      fields.emplace_back("field", engine::SplitFieldError(invalid.reason).field);
    } else {
      fields.emplace_back("id", invalid.id);
      fields.emplace_back("reason", invalid.reason);
    }
    LogEvent("invalid_record", fields);
  }
}

}  // namespace

std::string BootstrapKeyFile(const ServerOptions& options) {
  return options.bootstrap_key_file.empty() ? options.data_dir + "/bootstrap-admin.key" : options.bootstrap_key_file;
}

bool IsLoopbackAddress(absl::string_view address) {
  absl::string_view host = address.substr(0, address.rfind(':'));
  if (absl::ConsumePrefix(&host, "[")) absl::ConsumeSuffix(&host, "]");
  return host == "localhost" || host == "::1" || absl::StartsWith(host, "127.");
}

absl::Status ValidateServerOptions(const ServerOptions& o) {
  if (o.listen_address.empty()) return absl::InvalidArgumentError("listen: must not be empty");
  if (o.data_dir.empty()) return absl::InvalidArgumentError("data_dir: must not be empty");
  if (o.max_receive_message_bytes < 1024) {
    return absl::InvalidArgumentError("max_message_bytes: must be at least 1024");
  }
  if (o.limits.max_k < 1 || o.limits.max_k > engine::kMaxK) {
    return absl::InvalidArgumentError(absl::StrCat("max_k: must be in [1, ", engine::kMaxK, "]"));
  }
  if (o.limits.import_batch_items < 1 || o.limits.import_batch_items > 100000) {
    return absl::InvalidArgumentError("import_batch_items: must be in [1, 100000]");
  }
  if (o.limits.max_import_items < 1) return absl::InvalidArgumentError("max_import_items: must be at least 1");
  if (o.limits.max_batch_calls < 1 || o.limits.max_batch_calls > 64) {
    return absl::InvalidArgumentError("max_batch_calls: must be in [1, 64]");
  }
  if (o.retention.candidate_retention_days < 1 || o.retention.audit_retention_days < 1) {
    return absl::InvalidArgumentError("candidate_retention_days, audit_retention_days: must be at least 1");
  }
  if (o.sweep_interval_seconds < 0) return absl::InvalidArgumentError("sweep_interval_seconds: must be >= 0");
  if (absl::Status audit = engine::ValidateAuditLogOptions(o.catalog.audit); !audit.ok()) return audit;
  if (o.tls_cert_file.empty() != o.tls_key_file.empty()) {
    return absl::InvalidArgumentError("tls_cert: --tls_cert and --tls_key go together");
  }
  if (!o.tls_client_ca_file.empty() && o.tls_cert_file.empty()) {
    return absl::InvalidArgumentError("tls_client_ca: mutual TLS needs --tls_cert and --tls_key");
  }
  if (o.tenant_limits.requests_per_second < 0 || o.tenant_limits.burst_requests < 1 ||
      o.tenant_limits.max_concurrent_calls < 0 || o.tenant_limits.max_batch_calls_per_organisation < 0) {
    return absl::InvalidArgumentError(
        "rate_limit: per-organisation limits must not be negative, and the burst at least 1");
  }
  if (o.tenant_limits.max_streams_per_organisation < 0 || o.tenant_limits.max_streams < 0) {
    return absl::InvalidArgumentError("max_streams: stream limits must not be negative");
  }
  for (const double seconds : {o.deadlines.default_deadline_seconds, o.deadlines.batch_deadline_seconds,
                               o.deadlines.import_deadline_seconds, o.deadlines.watch_deadline_seconds,
                               o.deadlines.stream_idle_timeout_seconds}) {
    if (!(seconds >= 0 && seconds <= 7 * 24 * 3600)) {
      return absl::InvalidArgumentError("deadlines: each must be in [0, 604800] seconds (0 = none)");
    }
  }
  if (o.min_sequence_wait_ms < 0 || o.min_sequence_wait_ms > 60000) {
    return absl::InvalidArgumentError("min_sequence_wait_ms: must be in [0, 60000]");
  }
  if (!(o.shutdown_grace_seconds >= 0 && o.shutdown_grace_seconds <= 600)) {
    return absl::InvalidArgumentError("shutdown_grace_seconds: must be in [0, 600]");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<PasserelleServer>> PasserelleServer::Start(const ServerOptions& options) {
  PASSERELLE_RETURN_IF_ERROR(ValidateServerOptions(options));
  std::unique_ptr<PasserelleServer> server(new PasserelleServer());
  server->options_ = options;
  std::shared_ptr<const engine::ReferenceData> data = options.reference_data;
  if (!data) {
    const std::string dir =
        options.reference_data_dir.empty() ? engine::ReferenceData::DefaultDataDir() : options.reference_data_dir;
    PASSERELLE_ASSIGN_OR_RETURN(data, engine::ReferenceData::Load(dir));
  }
  PASSERELLE_ASSIGN_OR_RETURN(server->catalog_, engine::Catalog::Open(options.data_dir, data, options.catalog));
  LogLoadReport(*server->catalog_, options);
  PASSERELLE_ASSIGN_OR_RETURN(server->registry_, AccessRegistry::Load(&server->catalog_->store()));
  if (!ClusterBootstrap(options)) PASSERELLE_RETURN_IF_ERROR(Bootstrap(*server->registry_, options));
  bool authenticate_metadata = false;
  PASSERELLE_ASSIGN_OR_RETURN(std::shared_ptr<grpc::ServerCredentials> credentials,
                              PortCredentials(options, &authenticate_metadata));
  if (!authenticate_metadata) {
    credentials->SetAuthMetadataProcessor(std::make_shared<AuthProcessor>(server->registry_.get()));
  }
  server->authorizer_ = std::make_unique<Authorizer>(server->registry_.get());
  server->tenant_limits_ = std::make_unique<TenantLimits>(options.tenant_limits);
  server->watchdog_ = std::make_unique<CallWatchdog>(options.deadlines);
  server->gate_ = std::make_unique<CallGate>(server->registry_.get(), server->authorizer_.get(),
                                             server->tenant_limits_.get(), authenticate_metadata,
                                             server->watchdog_.get());
  server->service_ = std::make_unique<MatchingService>(server->catalog_.get(), options.limits, server->gate_.get());
  if (options.cluster_log != nullptr) {
    cluster::NodeOptions node_options = options.cluster_node;
    node_options.apply_other = [registry = server->registry_.get(),
                                catalog = server->catalog_.get()](const cluster::LogRecord& record) {
      if (IsClusterWrite(record)) return ApplyClusterWrite(*catalog, *registry, record);
      return ApplyAccessRecord(*registry, record);
    };
    PASSERELLE_ASSIGN_OR_RETURN(server->node_,
                                cluster::Node::Start(options.cluster_log, server->catalog_.get(), node_options));
    if (ClusterBootstrap(options)) {
      PASSERELLE_ASSIGN_OR_RETURN(auto created, BootstrapThroughLog(
                                                    *options.cluster_log, *server->node_, *server->registry_,
                                                    node_options.node_id, options.bootstrap_organisation,
                                                    node_options.apply_timeout));
      if (created) PASSERELLE_RETURN_IF_ERROR(SaveBootstrapKey(*created, options));
    }
    server->service_->SetClusterNode(server->node_.get(), absl::Milliseconds(options.min_sequence_wait_ms));
    server->gate_->set_cluster_node(server->node_.get(), absl::Milliseconds(options.min_sequence_wait_ms));
  }
  server->access_service_ = std::make_unique<AccessService>(server->registry_.get(), server->gate_.get());
  server->access_service_->SetClusterNode(server->node_.get());
  server->governance_ =
      std::make_unique<GovernanceService>(server->catalog_.get(), options.retention, server->gate_.get(),
                                          server->registry_.get());
  server->governance_->SetClusterNode(server->node_.get());

  // Both are process-wide switches read by the next BuildAndStart.
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen_address, credentials, &server->port_);
  builder.SetMaxReceiveMessageSize(options.max_receive_message_bytes);
  // Undecodable requests get INVALID_ARGUMENT and a JSON log line (server/undecodable_requests.h).
  RouteLibraryLogsToJson();
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<UndecodableRequestInterceptorFactory>());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  builder.RegisterService(server->service_.get());
  builder.RegisterService(server->governance_.get());
  builder.RegisterService(server->access_service_.get());
  if (server->node_ != nullptr) {
    server->peer_service_ =
        std::make_unique<ClusterPeerService>(server->node_.get(), server->catalog_.get(), server->gate_.get());
    builder.RegisterService(server->peer_service_.get());
  }
  server->server_ = builder.BuildAndStart();
  if (!server->server_ || server->port_ == 0) {
    return absl::UnavailableError(absl::StrCat("listen: cannot listen on \"", options.listen_address,
                                               "\" (address in use, or not an address of this machine?)"));
  }
  if (server->node_ != nullptr) {
    // NOT_SERVING until the node has caught up with the log, and whenever it falls behind.
    server->cluster_health_ = std::make_unique<ClusterHealth>(
        server->node_.get(), server->server_->GetHealthCheckService(), std::vector<std::string>{"", kServiceName});
  } else {
    server->server_->GetHealthCheckService()->SetServingStatus(kServiceName, true);
  }
  LogEvent("serving", {{"listen", options.listen_address},
                       {"port", server->port_},
                       {"tls", options.tls_cert_file.empty() ? "off" : options.tls_client_ca_file.empty() ? "on" : "mutual"}});
  if (options.sweep_interval_seconds > 0) server->sweeper_ = std::thread([s = server.get()] { s->SweepLoop(); });
  return server;
}

void PasserelleServer::SweepLoop() {
  absl::MutexLock lock(&sweeper_mu_);
  while (!sweeper_stop_) {
    sweeper_mu_.Unlock();
    const absl::StatusOr<engine::SweepReport> report = catalog_->Sweep(absl::Now(), options_.retention);
    // Counts only: the log line holds no id.
    if (report.ok()) {
      LogEvent("retention_sweep", {{"candidates_erased", report->candidates_erased},
                                   {"openings_erased", report->openings_erased},
                                   {"audit_entries_deleted", report->audit_entries_deleted}});
    } else {
      LogEvent("retention_sweep", {{"code", StatusCodeName(report.status().code())},
                                   {"message", report.status().message()}});
    }
    sweeper_mu_.Lock();
    sweeper_mu_.AwaitWithTimeout(absl::Condition(&sweeper_stop_), absl::Seconds(options_.sweep_interval_seconds));
  }
}

void PasserelleServer::Shutdown() {
  absl::MutexLock lock(&shutdown_mu_);
  if (stopped_) return;
  stopped_ = true;
  if (sweeper_.joinable()) {
    {
      absl::MutexLock sweeper_lock(&sweeper_mu_);
      sweeper_stop_ = true;
    }
    sweeper_.join();  // a sweep in progress finishes first
  }
  if (server_) {
    LogEvent("shutdown", {{"grace_seconds", options_.shutdown_grace_seconds}});
    // New calls are refused before health says NOT_SERVING: a client that saw NOT_SERVING cannot still get
    // a write in.
    service_->RefuseNewCalls();
    if (node_ != nullptr) node_->Drain();
    cluster_health_.reset();
    // Sets every service NOT_SERVING and tells Watch callers.
    server_->GetHealthCheckService()->Shutdown();
    // Our calls: new ones refused, running ones finish (within the grace period).
    const bool drained = service_->Drain(absl::Seconds(options_.shutdown_grace_seconds));
    // Then the rest (health watches, reflection streams, calls past the grace period) is cancelled, and
    // idle client connections do not hold the exit. The short delay lets a health check in progress answer.
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(drained ? 100 : 0));
    server_->Wait();
    server_.reset();
  }
  cluster_health_.reset();
  service_.reset();
  peer_service_.reset();
  node_.reset();  // stops the applier before the catalog closes
  governance_.reset();
  access_service_.reset();
  gate_.reset();
  registry_.reset();
  catalog_.reset();  // closes RocksDB
  LogEvent("stopped", {});
}

PasserelleServer::~PasserelleServer() { Shutdown(); }

}  // namespace passerelle::server
