// Who is calling: the claims the authentication step (server/auth/) derives from a call's credentials
// (an API key, or a client certificate under mutual TLS). Handlers and the authorizer read them with
// ClaimsOf(); nothing else in a request (never a body field) says who the caller is.
//
// The authentication step records the claims as properties of the call's grpc::AuthContext, under the
// names below (for a client certificate), or under "<name>/<key id>" for an API key, because gRPC 1.51
// hands every call of a connection the same AuthContext and one connection may carry several keys:
// ClaimsOf() picks the properties of the key the call itself sent, which the authentication step has
// verified for this very call. The acting person (a pseudonymous counsellor id a platform passes per call) comes from the
// request metadata `x-passerelle-acting-person`.
#ifndef PASSERELLE_SERVER_AUTH_CLAIMS_H_
#define PASSERELLE_SERVER_AUTH_CLAIMS_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/server_context.h"

namespace passerelle::server {

// What an organisation's credential may do (docs/security.md has the table, rpc by rpc).
enum class Role {
  kCounsellor,  // a platform, France Travail agency or HOPE operator: its own candidates, every opening
  kEmployer,    // its own openings; candidates only where their owner shares them with employers
  kBatch,       // re-rank and assign jobs over its organisation's candidates
  kReader,      // read-only (a supervisor, an auditor) over what its organisation may see
  kAdmin,       // keys, sharing agreements, scoring profiles, status, the audit log; never reads candidates
  kClusterPeer, // another node of the cluster: its snapshot only (ClusterPeer.GetSnapshot, docs/cluster.md)
};

// "counsellor", "employer", "batch", "reader", "admin", "cluster-peer".
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

// Request metadata carrying the API key, as "Bearer <secret>".
inline constexpr char kAuthorizationMetadata[] = "authorization";
// The key id inside a secret "psk_<key id>_<random>", or "" when the text is not shaped so.
std::string KeyIdOfSecret(absl::string_view secret);
// The secret of an authorization metadata value "Bearer <secret>"; "" when not shaped so.
absl::string_view SecretOfBearer(absl::string_view value);
// "<property>/<key id>": where an API key's claims are recorded.
std::string KeyProperty(const char* property, absl::string_view key_id);
// Guards the properties of AuthContexts: the authentication step adds under a writer lock (a connection's
// context is shared by its calls), ClaimsOf reads under a reader lock.
absl::Mutex& AuthContextMutex();

}  // namespace passerelle::server

#endif  // PASSERELLE_SERVER_AUTH_CLAIMS_H_
