#include "server/auth/claims.h"

#include <array>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "grpcpp/security/auth_context.h"

namespace passerelle::server {
namespace {

constexpr std::array<std::pair<Role, absl::string_view>, 6> kRoleNames = {{
    {Role::kCounsellor, "counsellor"},
    {Role::kEmployer, "employer"},
    {Role::kBatch, "batch"},
    {Role::kReader, "reader"},
    {Role::kAdmin, "admin"},
    {Role::kClusterPeer, "cluster-peer"},
}};

// The single value of `property`, or "" when it is absent or repeated.
std::string SingleProperty(const grpc::AuthContext& auth, const char* property) {
  std::vector<grpc::string_ref> values = auth.FindPropertyValues(property);
  if (values.size() != 1) return "";
  return std::string(values[0].data(), values[0].size());
}

}  // namespace

absl::string_view RoleName(Role role) {
  for (const auto& [r, name] : kRoleNames) {
    if (r == role) return name;
  }
  return "unknown";
}

std::optional<Role> ParseRole(absl::string_view name) {
  for (const auto& [r, role_name] : kRoleNames) {
    if (role_name == name) return r;
  }
  return std::nullopt;
}

std::string KeyIdOfSecret(absl::string_view secret) {
  if (!absl::ConsumePrefix(&secret, "psk_")) return "";
  const size_t sep = secret.find('_');
  if (sep == absl::string_view::npos || sep == 0) return "";
  return std::string(secret.substr(0, sep));
}

absl::string_view SecretOfBearer(absl::string_view value) {
  if (!absl::ConsumePrefix(&value, "Bearer ")) return "";
  return value;
}

std::string KeyProperty(const char* property, absl::string_view key_id) { return absl::StrCat(property, "/", key_id); }

absl::Mutex& AuthContextMutex() {
  static absl::Mutex* mu = new absl::Mutex();
  return *mu;
}

std::optional<Claims> ClaimsOf(const grpc::ServerContextBase& context) {
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth == nullptr) return std::nullopt;
  const auto& metadata = context.client_metadata();
  Claims claims;
  std::string role_name;
  {
    absl::ReaderMutexLock lock(&AuthContextMutex());
    auto key = metadata.find(kAuthorizationMetadata);
    if (key != metadata.end()) {
      // Only the key this call sent: its secret was verified for this call before any handler ran.
      claims.key_id = KeyIdOfSecret(SecretOfBearer(absl::string_view(key->second.data(), key->second.size())));
      if (claims.key_id.empty()) return std::nullopt;
      claims.organisation = SingleProperty(*auth, KeyProperty(kOrganisationProperty, claims.key_id).c_str());
      role_name = SingleProperty(*auth, KeyProperty(kRoleProperty, claims.key_id).c_str());
    } else {
      claims.organisation = SingleProperty(*auth, kOrganisationProperty);
      role_name = SingleProperty(*auth, kRoleProperty);
      claims.key_id = SingleProperty(*auth, kKeyIdProperty);
    }
  }
  std::optional<Role> role = ParseRole(role_name);
  if (claims.organisation.empty() || !role.has_value()) return std::nullopt;
  claims.role = *role;
  auto it = metadata.find(kActingPersonMetadata);
  if (it != metadata.end()) claims.acting_person.assign(it->second.data(), it->second.size());
  return claims;
}

}  // namespace passerelle::server
