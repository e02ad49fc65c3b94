#include "server/auth/claims.h"

#include <array>
#include <utility>

#include "grpcpp/security/auth_context.h"

namespace passerelle::server {
namespace {

constexpr std::array<std::pair<Role, absl::string_view>, 5> kRoleNames = {{
    {Role::kCounsellor, "counsellor"},
    {Role::kEmployer, "employer"},
    {Role::kBatch, "batch"},
    {Role::kReader, "reader"},
    {Role::kAdmin, "admin"},
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

std::optional<Claims> ClaimsOf(const grpc::ServerContextBase& context) {
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth == nullptr) return std::nullopt;
  Claims claims;
  claims.organisation = SingleProperty(*auth, kOrganisationProperty);
  std::optional<Role> role = ParseRole(SingleProperty(*auth, kRoleProperty));
  if (claims.organisation.empty() || !role.has_value()) return std::nullopt;
  claims.role = *role;
  claims.key_id = SingleProperty(*auth, kKeyIdProperty);
  const auto& metadata = context.client_metadata();
  auto it = metadata.find(kActingPersonMetadata);
  if (it != metadata.end()) claims.acting_person.assign(it->second.data(), it->second.size());
  return claims;
}

}  // namespace passerelle::server
