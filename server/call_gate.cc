#include "server/call_gate.h"

#include <charconv>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "engine/common/status_macros.h"

namespace passerelle::server {

CallKind KindOfMethod(absl::string_view method) {
  if (method == "Rerank" || method == "Assign" || method == "FormCohorts") return CallKind::kBatch;
  if (method == "GetSnapshot") return CallKind::kBatch;  // a whole data directory: the batch deadline
  if (absl::StartsWith(method, "Import")) return CallKind::kImportStream;
  if (method == "WatchMatches") return CallKind::kWatchStream;
  return CallKind::kUnary;
}

absl::Status AwaitMinSequence(const cluster::Node* node, absl::Duration wait, const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find(kMinSequenceMetadata);
  if (it == metadata.end()) return absl::OkStatus();
  const absl::string_view text(it->second.data(), it->second.size());
  uint64_t sequence = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), sequence);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat(kMinSequenceMetadata, ": expected a sequence number (the ", kSequenceMetadata,
                     " of a write's answer)"));
  }
  if (node == nullptr) return absl::OkStatus();
  return node->WaitApplied(sequence, wait);
}

absl::StatusOr<Claims> CallGate::Enter(grpc::ServerContextBase& context, absl::string_view method, CallLog& log) {
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
  // Before the limits: a caller waiting for its node holds no slot.
  PASSERELLE_RETURN_IF_ERROR(AwaitMinSequence(node_, min_sequence_wait_, context));
  PASSERELLE_RETURN_IF_ERROR(limits_->Enter(claims->organisation));
  const CallKind kind = KindOfMethod(method);
  if (kind == CallKind::kImportStream) {
    absl::Status stream = limits_->EnterStream(claims->organisation);
    if (!stream.ok()) {
      limits_->Leave(claims->organisation);
      return stream;
    }
  }
  if (watchdog_ != nullptr) watchdog_->Watch(&context, kind);
  return *claims;
}

absl::Status CallGate::Leave(grpc::ServerContextBase& context, absl::string_view method, const Claims& claims) {
  const absl::Status expired = watchdog_ != nullptr ? watchdog_->Unwatch(&context) : absl::OkStatus();
  if (KindOfMethod(method) == CallKind::kImportStream) limits_->LeaveStream(claims.organisation);
  limits_->Leave(claims.organisation);
  return expired;
}

}  // namespace passerelle::server
