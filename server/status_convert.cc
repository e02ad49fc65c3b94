#include "server/status_convert.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace passerelle::server {
namespace {

// A backstop behind engine::Quote: gRPC clients refuse a status message past their metadata limit.
constexpr size_t kMaxStatusMessageBytes = 2048;

std::string BoundedMessage(absl::string_view message) {
  if (message.size() <= kMaxStatusMessageBytes) return std::string(message);
  size_t cut = kMaxStatusMessageBytes;
  while (cut > 0 && (static_cast<unsigned char>(message[cut]) & 0xC0) == 0x80) --cut;  // a UTF-8 boundary
  return absl::StrCat(message.substr(0, cut), "... (message cut)");
}

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), BoundedMessage(status.message()));
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
