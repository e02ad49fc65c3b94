#include "server/call_gate.h"

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "engine/common/status_macros.h"

namespace passerelle::server {

absl::StatusOr<Claims> CallGate::Enter(const grpc::ServerContextBase& context, absl::string_view method,
                                       CallLog& log) {
  std::optional<Claims> claims = ClaimsOf(context);
  if (!claims && authenticate_metadata_) {
    auto it = context.client_metadata().find(kAuthorizationMetadata);
    if (it != context.client_metadata().end()) {
      absl::string_view secret = SecretOfBearer(absl::string_view(it->second.data(), it->second.size()));
      if (secret.empty()) return absl::UnauthenticatedError("authorization metadata: expected \"Bearer <API key>\"");
      PASSERELLE_ASSIGN_OR_RETURN(claims, registry_->Authenticate(secret));
    }
  }
  if (!claims) {
    return absl::UnauthenticatedError(
        "no credentials: send the metadata \"authorization: Bearer <API key>\" or a client certificate "
        "(see docs/security.md)");
  }
  log.SetCaller(claims->organisation, claims->key_id);
  PASSERELLE_RETURN_IF_ERROR(authorizer_->AuthorizeMethod(*claims, method));
  PASSERELLE_RETURN_IF_ERROR(limits_->Enter(claims->organisation));
  return *claims;
}

}  // namespace passerelle::server
