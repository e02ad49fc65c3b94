// gRPC statuses as HTTP answers: the HTTP status of each code, and the JSON error body
// {"error": {"code": <http>, "status": "NOT_FOUND", "message": ..., "details": [BadRequest...]}}
// (the shape Google's JSON APIs use), with the field violations decoded from grpc-status-details-bin.
#ifndef PASSERELLE_SERVER_GATEWAY_HTTP_ERRORS_H_
#define PASSERELLE_SERVER_GATEWAY_HTTP_ERRORS_H_

#include <string>

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace passerelle::gateway {

// INVALID_ARGUMENT 400, UNAUTHENTICATED 401, PERMISSION_DENIED 403, NOT_FOUND 404, ALREADY_EXISTS and
// ABORTED 409, FAILED_PRECONDITION 412, RESOURCE_EXHAUSTED 429, UNAVAILABLE 503, DEADLINE_EXCEEDED 504...
int HttpStatusOf(grpc::StatusCode code);

// The error body of a failed call (`status` not OK).
std::string ErrorJson(const grpc::Status& status);
// The same for the gateway's own refusals (an absl::Status naming a field gets it in the details).
std::string ErrorJson(const absl::Status& status);
// A refusal of the gateway that has no gRPC code of its own (404 no route, 405, 413).
std::string ErrorJson(int http_status, absl::string_view status_name, absl::string_view message);

}  // namespace passerelle::gateway

#endif  // PASSERELLE_SERVER_GATEWAY_HTTP_ERRORS_H_
