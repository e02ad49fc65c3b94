// An in-process Passerelle service for the request fuzzer: the catalog over a scratch data directory,
// the access registry with one key per role, the call gate and the Matching, Governance and Access services,
// wired as PasserelleServer::Start wires them (server/server.cc), without a network port. Writes are not
// synced and deletes do not compact (speed; durability is the crash test's business).
//
// Thread-safety: call from the fuzzer's thread only.
#ifndef PASSERELLE_TESTS_FUZZ_SERVICE_HARNESS_H_
#define PASSERELLE_TESTS_FUZZ_SERVICE_HARNESS_H_

#include <array>
#include <memory>
#include <string>

#include "grpcpp/server_context.h"
#include "grpcpp/test/server_context_test_spouse.h"
#include "server/access_service.h"
#include "server/auth/access_registry.h"
#include "server/auth/authorizer.h"
#include "server/auth/tenant_limits.h"
#include "server/call_gate.h"
#include "server/governance_service.h"
#include "server/matching_service.h"

namespace passerelle::fuzz {

class ServiceHarness {
 public:
  static constexpr int kRoles = 5;  // server::Role values, kCounsellor .. kAdmin
  // The process-wide harness, built on first use; aborts when it cannot be built.
  static ServiceHarness& Get();

  server::MatchingService& matching() { return *matching_; }
  server::GovernanceService& governance() { return *governance_; }
  server::AccessService& access() { return *access_; }
  const engine::Catalog& catalog() const { return *catalog_; }
  const engine::ReferenceData& data() const { return catalog_->data(); }
  // True for the id of a key the harness calls with (the fuzzer must not revoke those, or every later
  // input would stop at the call gate).
  bool IsHarnessKey(absl::string_view key_id) const;

  // A call context that sends the API key of the role numbered `role` % kRoles.
  class Call {
   public:
    Call(const ServiceHarness& harness, int role);
    grpc::ServerContext* context() { return &context_; }

   private:
    grpc::ServerContext context_;
    grpc::testing::ServerContextTestSpouse spouse_{&context_};
  };

 private:
  ServiceHarness() = default;
  std::unique_ptr<engine::Catalog> catalog_;
  std::unique_ptr<server::AccessRegistry> registry_;
  std::unique_ptr<server::Authorizer> authorizer_;
  std::unique_ptr<server::TenantLimits> limits_;
  std::unique_ptr<server::CallGate> gate_;
  std::unique_ptr<server::MatchingService> matching_;
  std::unique_ptr<server::GovernanceService> governance_;
  std::unique_ptr<server::AccessService> access_;
  std::array<std::string, kRoles> secrets_;
  std::array<std::string, kRoles> key_ids_;
};

}  // namespace passerelle::fuzz

#endif  // PASSERELLE_TESTS_FUZZ_SERVICE_HARNESS_H_
