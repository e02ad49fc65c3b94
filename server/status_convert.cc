#include "server/status_convert.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "engine/common/field_status.h"

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
  const auto code = static_cast<grpc::StatusCode>(status.code());
  const std::string field = engine::FieldPath(status);
  if (status.code() != absl::StatusCode::kInvalidArgument || field.empty()) {
    return grpc::Status(code, BoundedMessage(status.message()));
  }
  v1::BadRequest bad_request;
  v1::BadRequest::FieldViolation* violation = bad_request.add_field_violations();
  violation->set_field(field);
  violation->set_description(engine::FieldReason(status));
  v1::RpcStatus details;
  details.set_code(static_cast<int>(status.code()));
  details.set_message(BoundedMessage(status.message()));
  google::protobuf::Any* any = details.add_details();
  any->set_type_url(kBadRequestTypeUrl);
  any->set_value(bad_request.SerializeAsString());
  return grpc::Status(code, BoundedMessage(status.message()), details.SerializeAsString());
}

std::vector<v1::BadRequest::FieldViolation> FieldViolations(const grpc::Status& status) {
  std::vector<v1::BadRequest::FieldViolation> violations;
  v1::RpcStatus details;
  if (status.error_details().empty() || !details.ParseFromString(status.error_details())) return violations;
  for (const google::protobuf::Any& any : details.details()) {
    v1::BadRequest bad_request;
    if (any.type_url() != kBadRequestTypeUrl || !bad_request.ParseFromString(any.value())) continue;
    for (const auto& v : bad_request.field_violations()) violations.push_back(v);
  }
  return violations;
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  absl::Status out(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  const std::vector<v1::BadRequest::FieldViolation> violations = FieldViolations(status);
  if (!violations.empty()) out.SetPayload(engine::kFieldPathPayloadUrl, absl::Cord(violations.front().field()));
  return out;
}

std::string StatusCodeName(absl::StatusCode code) {
  // absl's names are "Invalid argument"-style; gRPC clients print "INVALID_ARGUMENT".
  std::string name = absl::StatusCodeToString(code);
  for (char& ch : name) ch = ch == ' ' ? '_' : absl::ascii_toupper(static_cast<unsigned char>(ch));
  return name;
}

}  // namespace passerelle::server
