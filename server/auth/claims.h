// Who is calling: the claims the authentication step (server/auth/) derives from a call's credentials
// (an API key, or a client certificate under mutual TLS). Handlers and the authorizer read them with
// ClaimsOf(); nothing else in a request (never a body field) says who the caller is.
//
// The authentication step records the claims as properties of the call's grpc::AuthContext, under the
// names below; the acting person (a pseudonymous counsellor id a platform passes per call) comes from the
// request metadata `x-passerelle-acting-person`.
#ifndef PASSERELLE_SERVER_AUTH_CLAIMS_H_
#define PASSERELLE_SERVER_AUTH_CLAIMS_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "grpcpp/server_context.h"

namespace passerelle::server {

// What an organisation's credential may do (docs/security.md has the table, rpc by rpc).
enum class Role {
  kCounsellor,  // a platform, France Travail agency or HOPE operator: its own candidates, every opening
  kEmployer,    // its own openings; candidates only where their owner shares them with employers
  kBatch,       // re-rank and assign jobs over its organisation's candidates
  kReader,      // read-only (a supervisor, an auditor) over what its organisation may see
  kAdmin,       // keys, sharing agreements, scoring profiles, status, the audit log; never reads candidates
};

// "counsellor", "employer", "batch", "reader", "admin".
absl::string_view RoleName(Role role);
// The role named `name`; nullopt for any other text.
std::optional<Role> ParseRole(absl::string_view name);

struct Claims {
  std::string organisation;   // the tenant; owner of every record it writes
  Role role = Role::kReader;
  std::string key_id;         // the API key's id, or "cert:<subject hash>" under mutual TLS; never the secret
  std::string acting_person;  // optional pseudonymous counsellor id; "" when not passed
};

// AuthContext property names set by the authentication step.
inline constexpr char kOrganisationProperty[] = "passerelle.organisation";
inline constexpr char kRoleProperty[] = "passerelle.role";
inline constexpr char kKeyIdProperty[] = "passerelle.key_id";
// Request metadata naming the person acting through a platform's key.
inline constexpr char kActingPersonMetadata[] = "x-passerelle-acting-person";

// The caller's claims, or nullopt when the call carries none (not authenticated).
std::optional<Claims> ClaimsOf(const grpc::ServerContextBase& context);

}  // namespace passerelle::server

#endif  // PASSERELLE_SERVER_AUTH_CLAIMS_H_
