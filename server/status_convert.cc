#include "server/status_convert.h"

#include "absl/strings/ascii.h"

namespace passerelle::server {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

std::string StatusCodeName(absl::StatusCode code) {
  // absl's names are "Invalid argument"-style; gRPC clients print "INVALID_ARGUMENT".
  std::string name = absl::StatusCodeToString(code);
  for (char& ch : name) ch = ch == ' ' ? '_' : absl::ascii_toupper(static_cast<unsigned char>(ch));
  return name;
}

}  // namespace passerelle::server
