// passerelle-server as a library: loads the reference data, opens the catalog (rebuilding the index from
// RocksDB) and the access registry (API keys, sharing agreements), then serves passerelle.v1.Matching,
// passerelle.v1.Access, grpc.health.v1.Health and server reflection.
//
// Credentials of the port (docs/security.md): TLS when tls_cert_file is set (mutual TLS when
// tls_client_ca_file is set too); otherwise gRPC's local credentials, which accept plaintext clients
// from loopback only. A non-loopback address without TLS is refused unless allow_insecure_remote.
// Every rpc of Passerelle's services needs an API key or a client certificate; health and reflection
// need none.
//
// Bootstrap: when the data directory holds no key at all, Start() creates an admin key and writes its
// secret to bootstrap_key_file (mode 0600).
//
// Shutdown: health turns NOT_SERVING, the server stops accepting calls, in-flight calls get up to
// shutdown_grace_seconds to finish (then are cancelled), and storage is closed. Every acknowledged write
// was synced before its answer, so nothing acknowledged is lost whatever the stop.
//
// Thread-safety: thread-safe; Shutdown() may be called from any thread, once or more.
//
// Example:
//   ServerOptions options;
//   options.listen_address = "127.0.0.1:0";
//   PASSERELLE_ASSIGN_OR_RETURN(auto server, PasserelleServer::Start(options));
//   ... connect to 127.0.0.1:server->port() ...
//   server->Shutdown();
#ifndef PASSERELLE_SERVER_SERVER_H_
#define PASSERELLE_SERVER_SERVER_H_

#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "engine/refdata/reference_data.h"
#include "engine/store/catalog.h"
#include "grpcpp/server.h"
#include "server/governance_service.h"
#include "server/access_service.h"
#include "server/auth/access_registry.h"
#include "server/auth/authorizer.h"
#include "server/auth/tenant_limits.h"
#include "server/call_gate.h"
#include "server/call_watchdog.h"
#include "server/cluster/node.h"
#include "server/cluster/replicated_log.h"
#include "server/cluster_health.h"
#include "server/cluster_peer_service.h"
#include "server/matching_service.h"

namespace passerelle::server {

struct ServerOptions {
  // Address to listen on, host:port; port 0 picks a free port (see PasserelleServer::port()).
  // Default: "127.0.0.1:50051" (loopback only)
  std::string listen_address = "127.0.0.1:50051";
  // Directory of the RocksDB store; created when missing.
  // Default: "./passerelle-data"
  std::string data_dir = "./passerelle-data";
  // Folder of the reference data; "" = ReferenceData::DefaultDataDir() ($PASSERELLE_DATA_DIR or the
  // repository's data/). Ignored when reference_data is set.
  // Default: ""
  std::string reference_data_dir;
  // Already loaded reference data (tests share one); nullptr = load from reference_data_dir.
  // Default: nullptr
  std::shared_ptr<const engine::ReferenceData> reference_data;
  // Largest message the server accepts, in bytes; larger ones fail with RESOURCE_EXHAUSTED.
  // Default: 4 MiB
  int max_receive_message_bytes = 4 << 20;
  // Time in-flight calls get to finish once a shutdown starts, in seconds.
  // Default: 5
  double shutdown_grace_seconds = 5;
  // PEM files of the server's TLS certificate chain and private key; "" = no TLS (loopback only).
  // Default: ""
  std::string tls_cert_file;
  std::string tls_key_file;
  // PEM file of the CA that signs client certificates; set: mutual TLS, every client must present a
  // certificate it signed (subject O=<organisation>, OU=<role>). Needs tls_cert_file.
  // Default: ""
  std::string tls_client_ca_file;
  // Serve a non-loopback address without TLS (behind a TLS-terminating proxy on a private network).
  // API keys then cross that network in clear.
  // Default: false
  bool allow_insecure_remote = false;
  // Where the first start of a data directory without keys writes the bootstrap admin key (mode 0600);
  // "" = <data_dir>/bootstrap-admin.key.
  // Default: ""
  std::string bootstrap_key_file;
  // Organisation of the bootstrap admin key.
  // Default: "operator"
  std::string bootstrap_organisation = "operator";
  ServiceLimits limits;
  TenantLimitOptions tenant_limits;
  // Server-side deadlines of calls and the idle timeout of import streams (server/call_watchdog.h).
  CallDeadlineOptions deadlines;
  engine::CatalogOptions catalog;
  // What the retention sweeper erases (docs/security.md).
  engine::RetentionOptions retention;
  // Seconds between two retention sweeps (the first runs at start); 0 = no sweeper.
  // Default: 3600
  int sweep_interval_seconds = 3600;
  // Cluster mode (docs/cluster.md): the replicated log this node appends writes to and applies; must
  // outlive the server. nullptr = a single process writing to its own RocksDB.
  // Default: nullptr
  cluster::ReplicatedLog* cluster_log = nullptr;
  // This node (its id, timeouts, health threshold); used in cluster mode only.
  cluster::NodeOptions cluster_node;
  // Longest wait of a call carrying x-passerelle-min-sequence for this node to apply it, in ms.
  // Default: 2000
  int min_sequence_wait_ms = 2000;
  // Cluster mode: the bootstrap admin key is the cluster's, created through the log by the first node
  // that starts on an empty log (server/cluster_writes.h); false: each node creates its own when its data
  // directory holds no key, as a single process does (tests that run nodes side by side).
  // Default: true
  bool cluster_bootstrap_through_log = true;
};

// The bootstrap key file for `options` (bootstrap_key_file, or its default under data_dir).
std::string BootstrapKeyFile(const ServerOptions& options);
// Whether host:port names a loopback address (127.0.0.0/8, ::1, localhost).
bool IsLoopbackAddress(absl::string_view listen_address);

// Checks the options' ranges; names the bad option.
absl::Status ValidateServerOptions(const ServerOptions& options);

class PasserelleServer {
 public:
  static absl::StatusOr<std::unique_ptr<PasserelleServer>> Start(const ServerOptions& options);
  ~PasserelleServer();  // Shutdown()

  // The port actually bound (useful with port 0).
  int port() const { return port_; }
  engine::Catalog& catalog() { return *catalog_; }
  // Cluster mode: this node; nullptr otherwise.
  cluster::Node* cluster_node() { return node_.get(); }
  AccessRegistry& access() { return *registry_; }

  // See the file comment. Returns once the server has stopped and storage is closed.
  void Shutdown();

 private:
  PasserelleServer() = default;
  // The retention sweeper's thread: a sweep, then one every sweep_interval_seconds until Shutdown().
  void SweepLoop();

  ServerOptions options_;
  std::unique_ptr<engine::Catalog> catalog_;
  std::unique_ptr<cluster::Node> node_;  // cluster mode only; stopped before the catalog closes
  std::unique_ptr<AccessRegistry> registry_;
  std::unique_ptr<Authorizer> authorizer_;
  std::unique_ptr<TenantLimits> tenant_limits_;
  std::unique_ptr<CallWatchdog> watchdog_;  // outlives the gRPC server (declared before it)
  std::unique_ptr<CallGate> gate_;
  std::unique_ptr<MatchingService> service_;
  std::unique_ptr<GovernanceService> governance_;
  std::thread sweeper_;
  absl::Mutex sweeper_mu_;
  bool sweeper_stop_ ABSL_GUARDED_BY(sweeper_mu_) = false;
  std::unique_ptr<AccessService> access_service_;
  std::unique_ptr<ClusterPeerService> peer_service_;  // cluster mode only
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<ClusterHealth> cluster_health_;  // cluster mode only
  int port_ = 0;
  absl::Mutex shutdown_mu_;
  bool stopped_ ABSL_GUARDED_BY(shutdown_mu_) = false;
};

}  // namespace passerelle::server

#endif  // PASSERELLE_SERVER_SERVER_H_
