#include "server/access_service.h"

#include "absl/strings/str_cat.h"
#include "engine/common/quote.h"
#include "engine/common/status_macros.h"
#include "server/cluster_access.h"
#include "server/status_convert.h"

namespace passerelle::server {
namespace {

std::string Rfc3339(absl::Time t) {
  if (t == absl::InfiniteFuture()) return "";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

}  // namespace

v1::KeyInfo KeyInfoToProto(const KeyRecord& key) {
  v1::KeyInfo out;
  out.set_id(key.id);
  out.set_organisation(key.organisation);
  out.set_role(std::string(RoleName(key.role)));
  out.set_created_at(Rfc3339(key.created_at));
  out.set_expires_at(Rfc3339(key.expires_at));
  out.set_revoked_at(Rfc3339(key.revoked_at));
  out.set_description(key.description);
  return out;
}

template <class Fn>
grpc::Status AccessService::Run(grpc::ServerContextBase& context, absl::string_view method, Fn&& fn) {
  return RunGated(*gate_, context, method, std::forward<Fn>(fn));
}

grpc::Status AccessService::CreateKey(grpc::ServerContext* context, const v1::CreateKeyRequest* request,
                                      v1::CreateKeyResponse* response) {
  return Run(*context, "CreateKey", [&](CallLog& log, const Claims& claims) -> absl::Status {
    std::optional<Role> role = ParseRole(request->role());
    if (!role) {
      return absl::InvalidArgumentError(absl::StrCat("role: ", engine::Quote(request->role()),
                                                     " is not one of counsellor, employer, batch, reader, admin, cluster-peer"));
    }
    const absl::Duration ttl = absl::Seconds(request->ttl_seconds());
    PASSERELLE_ASSIGN_OR_RETURN(
        auto created, cluster_node_ != nullptr
                          ? CreateKeyThroughLog(*cluster_node_, *registry_, *context, claims.organisation,
                                                request->organisation(), *role, ttl, request->description())
                          : registry_->CreateKey(request->organisation(), *role, ttl, request->description()));
    *response->mutable_key() = KeyInfoToProto(created.first);
    response->set_secret(std::move(created.second));
    return absl::OkStatus();
  });
}

grpc::Status AccessService::ListKeys(grpc::ServerContext* context, const v1::ListKeysRequest* request,
                                     v1::ListKeysResponse* response) {
  return Run(*context, "ListKeys", [&](CallLog& log, const Claims& claims) {
    for (const KeyRecord& key : registry_->ListKeys(request->organisation())) {
      *response->add_keys() = KeyInfoToProto(key);
    }
    log.Count("results", response->keys_size());
    return absl::OkStatus();
  });
}

grpc::Status AccessService::RevokeKey(grpc::ServerContext* context, const v1::RevokeKeyRequest* request,
                                      v1::RevokeKeyResponse* response) {
  return Run(*context, "RevokeKey", [&](CallLog& log, const Claims& claims) -> absl::Status {
    if (request->key_id().empty()) return absl::InvalidArgumentError("key_id: required");
    PASSERELLE_ASSIGN_OR_RETURN(
        KeyRecord key, cluster_node_ != nullptr ? RevokeKeyThroughLog(*cluster_node_, *registry_, *context,
                                                                      claims.organisation, request->key_id())
                                                : registry_->RevokeKey(request->key_id()));
    *response->mutable_key() = KeyInfoToProto(key);
    return absl::OkStatus();
  });
}

grpc::Status AccessService::PutSharingAgreement(grpc::ServerContext* context,
                                                const v1::PutSharingAgreementRequest* request,
                                                v1::PutSharingAgreementResponse* response) {
  return Run(*context, "PutSharingAgreement", [&](CallLog& log, const Claims& claims) -> absl::Status {
    const std::string& owner = request->agreement().owner_organisation();
    const std::string& reader = request->agreement().reader_organisation();
    PASSERELLE_ASSIGN_OR_RETURN(
        bool created, cluster_node_ != nullptr ? PutAgreementThroughLog(*cluster_node_, *registry_, *context,
                                                                        claims.organisation, owner, reader)
                                               : registry_->PutAgreement(owner, reader));
    response->set_created(created);
    return absl::OkStatus();
  });
}

grpc::Status AccessService::DeleteSharingAgreement(grpc::ServerContext* context,
                                                   const v1::DeleteSharingAgreementRequest* request,
                                                   v1::DeleteSharingAgreementResponse* response) {
  return Run(*context, "DeleteSharingAgreement", [&](CallLog& log, const Claims& claims) {
    if (cluster_node_ != nullptr) {
      return DeleteAgreementThroughLog(*cluster_node_, *registry_, *context, claims.organisation,
                                       request->owner_organisation(), request->reader_organisation());
    }
    return registry_->DeleteAgreement(request->owner_organisation(), request->reader_organisation());
  });
}

grpc::Status AccessService::ListSharingAgreements(grpc::ServerContext* context,
                                                  const v1::ListSharingAgreementsRequest* request,
                                                  v1::ListSharingAgreementsResponse* response) {
  return Run(*context, "ListSharingAgreements", [&](CallLog& log, const Claims& claims) {
    for (const Agreement& a : registry_->ListAgreements()) {
      v1::SharingAgreement* out = response->add_agreements();
      out->set_owner_organisation(a.owner_organisation);
      out->set_reader_organisation(a.reader_organisation);
      out->set_created_at(Rfc3339(a.created_at));
    }
    return absl::OkStatus();
  });
}

grpc::Status AccessService::WhoAmI(grpc::ServerContext* context, const v1::WhoAmIRequest* request,
                                   v1::WhoAmIResponse* response) {
  return Run(*context, "WhoAmI", [&](CallLog& log, const Claims& claims) {
    response->set_organisation(claims.organisation);
    response->set_role(std::string(RoleName(claims.role)));
    response->set_key_id(claims.key_id);
    for (std::string& method : Authorizer::MethodsAllowed(claims.role)) response->add_allowed_methods(std::move(method));
    return absl::OkStatus();
  });
}

}  // namespace passerelle::server
