// passerelle.v1.Governance (proto/passerelle/v1/governance.proto): the audit log, the records about to
// expire, and off-boarding, over an engine::Catalog. Every handler reads the caller's claims
// (server/auth/claims.h) and scopes what it returns to them: an admin sees the whole audit log and may
// erase an organisation; any other role sees only the audit entries about its organisation's candidates
// and only its own expiring records. No claims: UNAUTHENTICATED.
//
// Thread-safety: thread-safe (the catalog is).
#ifndef PASSERELLE_SERVER_GOVERNANCE_SERVICE_H_
#define PASSERELLE_SERVER_GOVERNANCE_SERVICE_H_

#include "engine/store/catalog.h"
#include "passerelle/v1/governance.grpc.pb.h"
#include "server/call_gate.h"
#include "server/cluster/node.h"

namespace passerelle::server {

class GovernanceService final : public v1::Governance::Service {
 public:
  // `catalog` and `gate` must outlive the service; `retention` is what the server's sweeper applies.
  // `registry`: where off-boarding revokes the organisation's keys and agreements.
  GovernanceService(engine::Catalog* catalog, const engine::RetentionOptions& retention, CallGate* gate,
                    AccessRegistry* registry)
      : catalog_(catalog), retention_(retention), gate_(gate), registry_(registry) {}

  grpc::Status ListAuditEntries(grpc::ServerContext* context, const v1::ListAuditEntriesRequest* request,
                                v1::ListAuditEntriesResponse* response) override;
  grpc::Status ListExpiringRecords(grpc::ServerContext* context, const v1::ListExpiringRecordsRequest* request,
                                   v1::ListExpiringRecordsResponse* response) override;
  grpc::Status EraseOrganisation(grpc::ServerContext* context, const v1::EraseOrganisationRequest* request,
                                 v1::EraseOrganisationResponse* response) override;
  // Cluster mode: EraseOrganisation goes through `node`'s log (server/cluster_writes.h). Set before serving;
  // nullptr (the default) writes to the catalog directly.
  void SetClusterNode(cluster::Node* node) { cluster_node_ = node; }

 private:
  // Admits the call through the gate (claims, role, limits), runs fn(log, claims), logs the call.
  template <class Fn>
  grpc::Status Run(grpc::ServerContextBase& context, absl::string_view method, Fn&& fn);

  engine::Catalog* const catalog_;
  const engine::RetentionOptions retention_;
  CallGate* const gate_;
  AccessRegistry* const registry_;
  cluster::Node* cluster_node_ = nullptr;
};

}  // namespace passerelle::server

#endif  // PASSERELLE_SERVER_GOVERNANCE_SERVICE_H_
