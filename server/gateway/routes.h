// The gateway's route table: every HTTP method and path template it answers, the rpc each one calls,
// and how the request message is built from the HTTP request. ONE table (kRoutes in routes.cc) serves
// the whole API; docs/api.md "HTTP/JSON gateway" lists it.
//
// How a request message is built (proto3 JSON mapping throughout):
//   1. the body, when the route takes one: `body` "*" = the body is the whole request message, a field
//      name = the body is that field ("candidate" for PUT /v1/candidates/{candidate.id});
//   2. query parameters, each naming a field by its proto name or JSON name, dots for nested fields
//      (?k=5&contract_types=CONTRACT_TYPE_CDI&contract_types=...; repeated fields take every value);
//   3. path variables, last, so that the path wins over the body ({candidate.id} sets candidate.id).
// Client-streaming rpcs (imports): the body is a JSON array or JSON Lines, one item per request message
// (built from the item as in 1, then 2 and 3). Server-streaming rpcs answer JSON Lines, chunked.
#ifndef PASSERELLE_SERVER_GATEWAY_ROUTES_H_
#define PASSERELLE_SERVER_GATEWAY_ROUTES_H_

#include <map>
#include <optional>
#include <span>
#include <string>

#include "absl/strings/string_view.h"

namespace passerelle::gateway {

struct Route {
  // "GET", "POST", "PUT", "DELETE".
  const char* http_method;
  // "/v1/candidates/{candidate_id}:matchOpenings": literal text and {field.path} variables; a variable
  // matches one path segment (no '/'), decoded from %-escapes.
  const char* path_template;
  // The full gRPC method: "passerelle.v1.Matching/GetCandidate".
  const char* rpc;
  // "" = no body (GET, DELETE), "*" = the body is the request, else the request field the body fills.
  const char* body;
};

// The table, in the order docs/api.md lists it.
std::span<const Route> Routes();

// The route for a method and a raw (still %-escaped) path, with its path variables decoded; nullopt when
// none matches. When several match, the one with the most literal text wins ("{candidate_id}:watch"
// over "{candidate_id}"), so that an id may hold ':'.
struct RouteMatch {
  const Route* route = nullptr;
  std::map<std::string, std::string> variables;
};
std::optional<RouteMatch> MatchRoute(absl::string_view http_method, absl::string_view path);

// True when some route has this path but another method (the gateway then answers 405, not 404).
bool PathHasOtherMethod(absl::string_view http_method, absl::string_view path);

// The generic route: POST /v1/rpc/{Service}/{Method}, where Service is "passerelle.v1.Matching" or
// "Matching" (package passerelle.v1 implied). Returns "passerelle.v1.Matching/GetCandidate", or nullopt.
std::optional<std::string> GenericRpc(absl::string_view path);

}  // namespace passerelle::gateway

#endif  // PASSERELLE_SERVER_GATEWAY_ROUTES_H_
