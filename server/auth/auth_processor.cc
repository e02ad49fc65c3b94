#include "server/auth/auth_processor.h"

#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "engine/common/quote.h"
#include "openssl/pem.h"
#include "openssl/sha.h"
#include "openssl/x509.h"

namespace passerelle::server {
namespace {

// Set by gRPC's TLS credentials on the peer's AuthContext.
constexpr char kPeerPemProperty[] = "x509_pem_cert";

std::string NameEntry(X509_NAME* name, int nid) {
  const int index = X509_NAME_get_index_by_NID(name, nid, -1);
  if (index < 0) return "";
  ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
  unsigned char* utf8 = nullptr;
  const int length = ASN1_STRING_to_UTF8(&utf8, data);
  if (length < 0) return "";
  std::string out(reinterpret_cast<char*>(utf8), length);
  OPENSSL_free(utf8);
  return out;
}

grpc::Status Unauthenticated(absl::string_view message) {
  return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, std::string(message));
}

}  // namespace

absl::StatusOr<Claims> ClaimsFromCertificate(absl::string_view pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free);
  if (cert == nullptr) return absl::InvalidArgumentError("client certificate: does not parse");
  X509_NAME* subject = X509_get_subject_name(cert.get());
  Claims claims;
  claims.organisation = NameEntry(subject, NID_organizationName);
  if (absl::Status status = ValidateOrganisation(claims.organisation, "client certificate subject O"); !status.ok()) {
    return status;
  }
  const std::string role = NameEntry(subject, NID_organizationalUnitName);
  std::optional<Role> parsed = ParseRole(role);
  if (!parsed) {
    return absl::InvalidArgumentError(absl::StrCat("client certificate subject OU: ", engine::Quote(role),
                                                   " is not a role (counsellor, employer, batch, reader, admin)"));
  }
  claims.role = *parsed;
  unsigned char digest[SHA256_DIGEST_LENGTH];
  unsigned int length = 0;
  X509_digest(cert.get(), EVP_sha256(), digest, &length);
  claims.key_id = absl::StrCat(
      "cert:", absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(digest), length)).substr(0, 16));
  return claims;
}


absl::StatusOr<std::optional<Claims>> AuthProcessor::CallClaims(const InputMetadata& metadata,
                                                               const grpc::AuthContext& context) const {
  std::optional<Claims> from_cert;
  std::string pem;
  {
    // Other calls of the connection may be adding to the same context (see Process).
    absl::ReaderMutexLock lock(&AuthContextMutex());
    std::vector<grpc::string_ref> pems = context.FindPropertyValues(kPeerPemProperty);
    if (pems.size() == 1) pem.assign(pems[0].data(), pems[0].size());
  }
  if (!pem.empty()) {
    absl::StatusOr<Claims> claims = ClaimsFromCertificate(pem);
    if (!claims.ok()) return absl::UnauthenticatedError(claims.status().message());
    from_cert = *claims;
  }
  auto it = metadata.find(kAuthorizationMetadata);
  if (it == metadata.end()) return from_cert;
  absl::string_view secret = SecretOfBearer(absl::string_view(it->second.data(), it->second.size()));
  if (secret.empty()) return absl::UnauthenticatedError("authorization metadata: expected \"Bearer <API key>\"");
  absl::StatusOr<Claims> claims = registry_->Authenticate(secret);
  if (!claims.ok()) return claims.status();
  if (from_cert && from_cert->organisation != claims->organisation) {
    return absl::UnauthenticatedError("the API key and the client certificate name different organisations");
  }
  return std::optional<Claims>(*claims);
}

grpc::Status AuthProcessor::Process(const InputMetadata& auth_metadata, grpc::AuthContext* context,
                                    OutputMetadata* consumed_auth_metadata, OutputMetadata* response_metadata) {
  absl::StatusOr<std::optional<Claims>> claims = CallClaims(auth_metadata, *context);
  if (!claims.ok()) return Unauthenticated(claims.status().message());
  if (!claims->has_value()) return grpc::Status::OK;  // health and reflection need none; the service refuses
  const Claims& c = **claims;
  // The context is the connection's (see claims.h): each credential's claims are added once, under
  // names no other credential shares, and stay valid as long as the credential does (checked per call).
  const bool from_key = !c.key_id.empty() && !absl::StartsWith(c.key_id, "cert:");
  const std::string org_name = from_key ? KeyProperty(kOrganisationProperty, c.key_id) : kOrganisationProperty;
  {
    // The usual case, a credential the connection has used before: a reader lock only.
    absl::ReaderMutexLock lock(&AuthContextMutex());
    if (!context->FindPropertyValues(org_name).empty()) return grpc::Status::OK;
  }
  absl::MutexLock lock(&AuthContextMutex());
  if (!context->FindPropertyValues(org_name).empty()) return grpc::Status::OK;
  context->AddProperty(org_name, c.organisation);
  context->AddProperty(from_key ? KeyProperty(kRoleProperty, c.key_id) : kRoleProperty, std::string(RoleName(c.role)));
  if (!from_key) context->AddProperty(kKeyIdProperty, c.key_id);
  return grpc::Status::OK;
}

}  // namespace passerelle::server
