// The passerelle.v1.Access service: API keys and data-sharing agreements, for admins (proto/passerelle/
// v1/access.proto). Every call goes through the same CallGate as the Matching service.
//
// Thread-safety: thread-safe.
#ifndef PASSERELLE_SERVER_ACCESS_SERVICE_H_
#define PASSERELLE_SERVER_ACCESS_SERVICE_H_

#include "passerelle/v1/access.grpc.pb.h"
#include "server/auth/access_registry.h"
#include "server/call_gate.h"
#include "server/cluster/node.h"

namespace passerelle::server {

class AccessService final : public v1::Access::Service {
 public:
  // Both must outlive the service.
  AccessService(AccessRegistry* registry, CallGate* gate) : registry_(registry), gate_(gate) {}
  // Cluster mode: key and agreement writes go through `node` (server/cluster_access.h). Before serving.
  void SetClusterNode(cluster::Node* node) { cluster_node_ = node; }

  grpc::Status CreateKey(grpc::ServerContext* context, const v1::CreateKeyRequest* request,
                         v1::CreateKeyResponse* response) override;
  grpc::Status WhoAmI(grpc::ServerContext* context, const v1::WhoAmIRequest* request,
                      v1::WhoAmIResponse* response) override;
  grpc::Status ListKeys(grpc::ServerContext* context, const v1::ListKeysRequest* request,
                        v1::ListKeysResponse* response) override;
  grpc::Status RevokeKey(grpc::ServerContext* context, const v1::RevokeKeyRequest* request,
                         v1::RevokeKeyResponse* response) override;
  grpc::Status PutSharingAgreement(grpc::ServerContext* context, const v1::PutSharingAgreementRequest* request,
                                   v1::PutSharingAgreementResponse* response) override;
  grpc::Status DeleteSharingAgreement(grpc::ServerContext* context, const v1::DeleteSharingAgreementRequest* request,
                                      v1::DeleteSharingAgreementResponse* response) override;
  grpc::Status ListSharingAgreements(grpc::ServerContext* context, const v1::ListSharingAgreementsRequest* request,
                                     v1::ListSharingAgreementsResponse* response) override;

 private:
  template <class Fn>
  grpc::Status Run(grpc::ServerContextBase& context, absl::string_view method, Fn&& fn);

  AccessRegistry* const registry_;
  CallGate* const gate_;
  cluster::Node* cluster_node_ = nullptr;  // null: single process
};

// A key as the API lists it (no salt, no hash).
v1::KeyInfo KeyInfoToProto(const KeyRecord& key);

}  // namespace passerelle::server

#endif  // PASSERELLE_SERVER_ACCESS_SERVICE_H_
