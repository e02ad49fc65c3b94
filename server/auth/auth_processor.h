// The authentication step: turns a call's credentials into claims (server/auth/claims.h), once per call,
// before any handler runs. Installed on the listening port's credentials (local TCP or TLS) as gRPC's
// AuthMetadataProcessor.
//
//   - `authorization: Bearer <secret>` metadata: the API key's organisation and role (AccessRegistry).
//     A wrong, revoked or expired key fails the call with UNAUTHENTICATED here. The metadata is not
//     consumed: ClaimsOf() reads the key id from it.
//   - under mutual TLS, a verified client certificate whose subject has O=<organisation> and OU=<role>:
//     those claims, key id "cert:<first 16 hex digits of the certificate's SHA-256>". When a key is sent
//     too, its organisation must be the certificate's.
//   - neither: the call goes on without claims; the service answers UNAUTHENTICATED (health checks and
//     reflection need none).
//
// gRPC 1.51 gives every call of a connection the connection's AuthContext (checked: properties added for
// a call are seen by the next one), so claims are recorded per credential (claims.h) and ClaimsOf() picks
// those of the key the call sent. Every call's key is verified here, so a revoked key stops at once.
//
// Process() never blocks (short locks and one SHA-256), so it runs inline on gRPC's thread.
#ifndef PASSERELLE_SERVER_AUTH_AUTH_PROCESSOR_H_
#define PASSERELLE_SERVER_AUTH_AUTH_PROCESSOR_H_

#include <optional>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/security/auth_metadata_processor.h"
#include "server/auth/access_registry.h"

namespace passerelle::server {

// The claims named by a client certificate (PEM): O = organisation, OU = role. InvalidArgument saying
// what is missing.
absl::StatusOr<Claims> ClaimsFromCertificate(absl::string_view pem);

class AuthProcessor : public grpc::AuthMetadataProcessor {
 public:
  // `registry` must outlive the server.
  explicit AuthProcessor(const AccessRegistry* registry) : registry_(registry) {}
  bool IsBlocking() const override { return false; }
  grpc::Status Process(const InputMetadata& auth_metadata, grpc::AuthContext* context,
                       OutputMetadata* consumed_auth_metadata, OutputMetadata* response_metadata) override;

 private:
  // The claims this call's credentials carry (none: nullopt); Unauthenticated when they are bad.
  absl::StatusOr<std::optional<Claims>> CallClaims(const InputMetadata& metadata,
                                                   const grpc::AuthContext& context) const;
  const AccessRegistry* const registry_;
};

}  // namespace passerelle::server

#endif  // PASSERELLE_SERVER_AUTH_AUTH_PROCESSOR_H_
