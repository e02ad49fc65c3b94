#include "server/gateway/http_errors.h"

#include <vector>

#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "server/status_convert.h"

namespace passerelle::gateway {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

std::string ToJson(const Struct& body) {
  std::string json;
  google::protobuf::util::MessageToJsonString(body, &json);
  return json;
}

Struct ErrorStruct(int http_status, absl::string_view status_name, absl::string_view message) {
  Struct error;
  (*error.mutable_fields())["code"].set_number_value(http_status);
  (*error.mutable_fields())["status"].set_string_value(std::string(status_name));
  (*error.mutable_fields())["message"].set_string_value(std::string(message));
  (*error.mutable_fields())["details"].mutable_list_value();
  return error;
}

std::string Wrap(Struct error) {
  Struct body;
  *(*body.mutable_fields())["error"].mutable_struct_value() = std::move(error);
  return ToJson(body);
}

}  // namespace

int HttpStatusOf(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return 200;
    case grpc::StatusCode::CANCELLED: return 499;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::OUT_OF_RANGE: return 400;
    case grpc::StatusCode::DEADLINE_EXCEEDED: return 504;
    case grpc::StatusCode::NOT_FOUND: return 404;
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::ABORTED: return 409;
    case grpc::StatusCode::PERMISSION_DENIED: return 403;
    case grpc::StatusCode::UNAUTHENTICATED: return 401;
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return 429;
    // A stored record that no longer validates: the request was well-formed, the state is not.
    case grpc::StatusCode::FAILED_PRECONDITION: return 412;
    case grpc::StatusCode::UNIMPLEMENTED: return 501;
    case grpc::StatusCode::UNAVAILABLE: return 503;
    default: return 500;
  }
}

std::string ErrorJson(const grpc::Status& status) {
  const int http = HttpStatusOf(status.error_code());
  Struct error = ErrorStruct(http, server::StatusCodeName(static_cast<absl::StatusCode>(status.error_code())),
                             status.error_message());
  const std::vector<v1::BadRequest::FieldViolation> violations = server::FieldViolations(status);
  if (!violations.empty()) {
    Value& detail = *(*error.mutable_fields())["details"].mutable_list_value()->add_values();
    Struct& fields = *detail.mutable_struct_value();
    (*fields.mutable_fields())["@type"].set_string_value(server::kBadRequestTypeUrl);
    auto& list = *(*fields.mutable_fields())["fieldViolations"].mutable_list_value();
    for (const v1::BadRequest::FieldViolation& violation : violations) {
      Struct& item = *list.add_values()->mutable_struct_value();
      (*item.mutable_fields())["field"].set_string_value(violation.field());
      (*item.mutable_fields())["description"].set_string_value(violation.description());
    }
  }
  return Wrap(std::move(error));
}

std::string ErrorJson(const absl::Status& status) { return ErrorJson(server::ToGrpcStatus(status)); }

std::string ErrorJson(int http_status, absl::string_view status_name, absl::string_view message) {
  return Wrap(ErrorStruct(http_status, status_name, message));
}

}  // namespace passerelle::gateway
