// What every rpc of Passerelle's services goes through before its handler: who is calling (the claims
// the authentication step recorded, server/auth/auth_processor.h), whether that role may call the
// method at all (Authorizer::AuthorizeMethod), and the caller's organisation's limits (TenantLimits).
//
// Thread-safety: thread-safe.
#ifndef PASSERELLE_SERVER_CALL_GATE_H_
#define PASSERELLE_SERVER_CALL_GATE_H_

#include "absl/status/statusor.h"
#include "grpcpp/server_context.h"
#include "server/auth/access_registry.h"
#include "server/auth/authorizer.h"
#include "server/auth/tenant_limits.h"
#include "server/call_log.h"

namespace passerelle::server {

class CallGate {
 public:
  // All must outlive the gate. `authenticate_metadata`: the port's credentials run no AuthProcessor
  // (--allow_insecure_remote without TLS), so the gate reads the API key from the metadata itself.
  CallGate(const AccessRegistry* registry, const Authorizer* authorizer, TenantLimits* limits,
           bool authenticate_metadata)
      : registry_(registry), authorizer_(authorizer), limits_(limits), authenticate_metadata_(authenticate_metadata) {}

  // The caller's claims once admitted (Leave(claims) must follow): Unauthenticated without credentials,
  // PermissionDenied when the role may not call `method`, ResourceExhausted past a limit. Names the
  // caller on `log`.
  absl::StatusOr<Claims> Enter(const grpc::ServerContextBase& context, absl::string_view method, CallLog& log);
  void Leave(const Claims& claims) { limits_->Leave(claims.organisation); }

  const Authorizer& authorizer() const { return *authorizer_; }
  const AccessRegistry& registry() const { return *registry_; }
  TenantLimits& limits() { return *limits_; }

 private:
  const AccessRegistry* const registry_;
  const Authorizer* const authorizer_;
  TenantLimits* const limits_;
  const bool authenticate_metadata_;
};

// One rpc through `gate`: admits the caller (or answers its refusal), runs fn(log, claims), logs the call.
// The Access and Governance services use it as is; MatchingService adds its drain around it.
template <class Fn>
grpc::Status RunGated(CallGate& gate, const grpc::ServerContextBase& context, absl::string_view method, Fn&& fn) {
  CallLog log(method);
  absl::StatusOr<Claims> claims = gate.Enter(context, method, log);
  if (!claims.ok()) return log.Finish(claims.status());
  const absl::Status status = fn(log, *claims);
  gate.Leave(*claims);
  return log.Finish(status);
}

}  // namespace passerelle::server

#endif  // PASSERELLE_SERVER_CALL_GATE_H_
