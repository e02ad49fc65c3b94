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
#include "server/call_watchdog.h"
#include "server/cluster/node.h"

namespace passerelle::server {

// The write's sequence in the log (trailing metadata of a write) and the sequence a read waits for.
inline constexpr char kSequenceMetadata[] = "x-passerelle-sequence";
inline constexpr char kMinSequenceMetadata[] = "x-passerelle-min-sequence";

// x-passerelle-min-sequence (docs/cluster.md, "Read your writes"): InvalidArgument when it is not a number;
// with a node, waits until it applied that sequence (at most `wait`, then Unavailable). A single process
// (`node` null) applies every write before answering: it is never behind.
absl::Status AwaitMinSequence(const cluster::Node* node, absl::Duration wait, const grpc::ServerContextBase& context);

// The kind of `method` for its server-side deadline and stream limits: Rerank and Assign are batch
// calls, every Import* rpc is an import stream, the rest are unary.
CallKind KindOfMethod(absl::string_view method);

class CallGate {
 public:
  // All must outlive the gate. `authenticate_metadata`: the port's credentials run no AuthProcessor
  // (--allow_insecure_remote without TLS), so the gate reads the API key from the metadata itself.
  // `watchdog` null: no server-side deadline nor idle timeout.
  CallGate(const AccessRegistry* registry, const Authorizer* authorizer, TenantLimits* limits,
           bool authenticate_metadata, CallWatchdog* watchdog = nullptr)
      : registry_(registry),
        authorizer_(authorizer),
        limits_(limits),
        authenticate_metadata_(authenticate_metadata),
        watchdog_(watchdog) {}

  // The caller's claims once admitted (Leave(context, claims) must follow): Unauthenticated without
  // credentials, PermissionDenied when the role may not call `method`, ResourceExhausted past a limit
  // (an import stream also takes one of the organisation's and the server's stream slots). Names the
  // caller on `log`; from here the watchdog enforces the server's deadline of the call.
  absl::StatusOr<Claims> Enter(grpc::ServerContextBase& context, absl::string_view method, CallLog& log);
  // Gives the slots back; returns why the watchdog cancelled the call (DeadlineExceeded), OK when it did not.
  absl::Status Leave(grpc::ServerContextBase& context, absl::string_view method, const Claims& claims);
  // An item of an import stream arrived (restarts its idle timer).
  void Touch(const grpc::ServerContextBase& context) {
    if (watchdog_ != nullptr) watchdog_->Touch(&context);
  }

  // Cluster mode: Enter waits for x-passerelle-min-sequence (AwaitMinSequence) once the caller is admitted.
  // Set before serving. Default: no node (the value is still checked).
  void set_cluster_node(const cluster::Node* node, absl::Duration min_sequence_wait) {
    node_ = node;
    min_sequence_wait_ = min_sequence_wait;
  }

  const Authorizer& authorizer() const { return *authorizer_; }
  const AccessRegistry& registry() const { return *registry_; }
  TenantLimits& limits() { return *limits_; }

 private:
  const AccessRegistry* const registry_;
  const Authorizer* const authorizer_;
  TenantLimits* const limits_;
  const bool authenticate_metadata_;
  CallWatchdog* const watchdog_;
  const cluster::Node* node_ = nullptr;
  absl::Duration min_sequence_wait_;
};

// One rpc through `gate`: admits the caller (or answers its refusal), runs fn(log, claims), logs the call.
// The Access and Governance services use it as is; MatchingService adds its drain around it.
template <class Fn>
grpc::Status RunGated(CallGate& gate, grpc::ServerContextBase& context, absl::string_view method, Fn&& fn) {
  CallLog log(method);
  absl::StatusOr<Claims> claims = gate.Enter(context, method, log);
  if (!claims.ok()) return log.Finish(claims.status());
  absl::Status status = fn(log, *claims);
  const absl::Status expired = gate.Leave(context, method, *claims);
  if (!expired.ok()) status = expired;  // the client got CANCELLED; the log says why
  return log.Finish(status);
}

}  // namespace passerelle::server

#endif  // PASSERELLE_SERVER_CALL_GATE_H_
