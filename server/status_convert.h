// absl::Status <-> grpc::Status, at the RPC edge only. The two code spaces are the same numbers
// (both follow google.rpc.Code), so the conversion is code for code, message kept.
//
// Structured details: an INVALID_ARGUMENT that names a field (engine/common/field_status.h) also gets
// the field as a BadRequest violation in the status details ("grpc-status-details-bin", shapes and type
// URL in proto/passerelle/v1/error_details.proto), so that clients need not parse the message.
#ifndef PASSERELLE_SERVER_STATUS_CONVERT_H_
#define PASSERELLE_SERVER_STATUS_CONVERT_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "grpcpp/support/status.h"
#include "passerelle/v1/error_details.pb.h"

namespace passerelle::server {

// The type URL of the BadRequest detail: google.rpc's, whose wire shape passerelle.v1.BadRequest has.
inline constexpr char kBadRequestTypeUrl[] = "type.googleapis.com/google.rpc.BadRequest";

grpc::Status ToGrpcStatus(const absl::Status& status);
// Code and message; the field path back from the details when they hold a BadRequest.
absl::Status FromGrpcStatus(const grpc::Status& status);

// The field violations of a status's details (empty when it has none or they do not parse).
std::vector<v1::BadRequest::FieldViolation> FieldViolations(const grpc::Status& status);

// "INVALID_ARGUMENT", "NOT_FOUND", ... as in the gRPC documentation.
std::string StatusCodeName(absl::StatusCode code);

}  // namespace passerelle::server

#endif  // PASSERELLE_SERVER_STATUS_CONVERT_H_
