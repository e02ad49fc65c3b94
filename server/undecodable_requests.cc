#include "server/undecodable_requests.h"

#include <mutex>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/common/field_status.h"
#include "google/protobuf/stubs/logging.h"
#include "grpc/support/log.h"
#include "server/call_log.h"

namespace passerelle::server {
namespace {

thread_local std::string invalid_utf8_field;

const char* ProtobufLevelName(google::protobuf::LogLevel level) {
  switch (level) {
    case google::protobuf::LOGLEVEL_INFO:
      return "INFO";
    case google::protobuf::LOGLEVEL_WARNING:
      return "WARNING";
    case google::protobuf::LOGLEVEL_ERROR:
      return "ERROR";
    case google::protobuf::LOGLEVEL_FATAL:
      return "FATAL";
  }
  return "ERROR";
}

void ProtobufLog(google::protobuf::LogLevel level, const char* file, int line, const std::string& message) {
  // "String field 'passerelle.v1.Candidate.id' contains invalid UTF-8 data when parsing ...": names the
  // field (never the value), which the interceptor puts in its answer.
  absl::string_view text = message;
  if (absl::ConsumePrefix(&text, "String field '")) {
    const size_t end = text.find('\'');
    if (end != absl::string_view::npos && absl::StrContains(text, "invalid UTF-8")) {
      invalid_utf8_field = std::string(text.substr(0, end));
    }
  }
  LogEvent("protobuf", {{"severity", ProtobufLevelName(level)}, {"file", file}, {"line", line}, {"message", message}});
}

void GrpcLog(gpr_log_func_args* args) {
  LogEvent("grpc", {{"severity", gpr_log_severity_string(args->severity)},
                    {"file", args->file},
                    {"line", args->line},
                    {"message", args->message}});
}

class UndecodableRequestInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit UndecodableRequestInterceptor(absl::string_view method) : method_(method) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    using grpc::experimental::InterceptionHookPoints;
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE)) {
      // Deserialisation ran on this thread just before: what protobuf logged is about this request.
      const std::string field = TakeInvalidUtf8Field();
      if (methods->GetRecvMessage() == nullptr && !streaming_reads_) {
        undecodable_ = true;
        field_ = field;
      }
      streaming_reads_ = true;  // a second message is a stream's: its end also comes as a null message
    }
    if (undecodable_ && methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      const absl::Status status =
          field_.empty()
              ? absl::InvalidArgumentError("the request does not decode (truncated or malformed protobuf encoding)")
              : engine::InvalidFieldError(field_, "not valid UTF-8 (a proto3 string; send text as UTF-8, ids as ASCII)");
      CallLog log(method_.substr(method_.rfind('/') + 1));
      methods->ModifySendStatus(log.Finish(status));
    }
    methods->Proceed();
  }

 private:
  const std::string method_;
  bool streaming_reads_ = false;
  bool undecodable_ = false;
  std::string field_;
};

}  // namespace

void RouteLibraryLogsToJson() {
  static std::once_flag once;
  std::call_once(once, [] {
    google::protobuf::SetLogHandler(&ProtobufLog);
    gpr_set_log_function(&GrpcLog);
  });
}

std::string TakeInvalidUtf8Field() {
  std::string field = std::move(invalid_utf8_field);
  invalid_utf8_field.clear();
  return field;
}

grpc::experimental::Interceptor* UndecodableRequestInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  // Only Passerelle's own unary and server-streaming rpcs: the imports decode their items themselves.
  if (!absl::StartsWith(info->method(), "/passerelle.") ||
      info->type() == grpc::experimental::ServerRpcInfo::Type::CLIENT_STREAMING ||
      info->type() == grpc::experimental::ServerRpcInfo::Type::BIDI_STREAMING) {
    return nullptr;
  }
  return new UndecodableRequestInterceptor(info->method());
}

}  // namespace passerelle::server
