// absl::Status <-> grpc::Status, at the RPC edge only. The two code spaces are the same numbers
// (both follow google.rpc.Code), so the conversion is code for code, message kept.
#ifndef PASSERELLE_SERVER_STATUS_CONVERT_H_
#define PASSERELLE_SERVER_STATUS_CONVERT_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "grpcpp/support/status.h"

namespace passerelle::server {

grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

// "INVALID_ARGUMENT", "NOT_FOUND", ... as in the gRPC documentation.
std::string StatusCodeName(absl::StatusCode code);

}  // namespace passerelle::server

#endif  // PASSERELLE_SERVER_STATUS_CONVERT_H_
