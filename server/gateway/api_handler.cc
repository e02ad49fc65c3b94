#include "server/gateway/api_handler.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "engine/common/field_status.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "httplib.h"
#include "passerelle/v1/access.pb.h"
#include "passerelle/v1/governance.pb.h"
#include "passerelle/v1/matching.pb.h"
#include "server/call_log.h"
#include "server/gateway/generic_call.h"
#include "server/gateway/http_errors.h"
#include "server/gateway/json_request.h"
#include "server/gateway/routes.h"
#include "server/status_convert.h"

namespace passerelle::gateway {
namespace {

using google::protobuf::Message;
using google::protobuf::MethodDescriptor;

constexpr char kJson[] = "application/json";
constexpr char kJsonLines[] = "application/x-ndjson";

// What one HTTP request calls.
struct Target {
  std::string rpc;             // "passerelle.v1.Matching/GetCandidate"
  std::string route_template;  // for the log: never the path itself, which holds ids
  std::string body_field;      // "*", a field name, or "" (no body)
  std::map<std::string, std::string> variables;
};

void Answer(httplib::Response& response, int status, const std::string& json) {
  response.status = status;
  response.set_content(json, kJson);
}

void LogRequest(const httplib::Request& request, absl::string_view route, int status, absl::string_view code,
                absl::Time start) {
  server::LogEvent("http", {{"method", request.method},
                            {"route", route},
                            {"status", status},
                            {"code", code},
                            {"latency_ms", absl::ToDoubleMilliseconds(absl::Now() - start)}});
}

// The raw path (before '?', still %-escaped: a %2F inside an id is not a separator).
absl::string_view RawPath(const httplib::Request& request) {
  absl::string_view target = request.target;
  return target.substr(0, target.find('?'));
}

std::optional<Target> Resolve(const httplib::Request& request) {
  const absl::string_view path = RawPath(request);
  if (request.method == "POST") {
    if (std::optional<std::string> rpc = GenericRpc(path)) {
      return Target{*rpc, "/v1/rpc/{Service}/{Method}", "*", {}};
    }
  }
  std::optional<RouteMatch> match = MatchRoute(request.method, path);
  if (!match) return std::nullopt;
  return Target{match->route->rpc, match->route->path_template, match->route->body, std::move(match->variables)};
}

// gRPC metadata values are printable ASCII; anything else is refused before a call is made.
bool PrintableAscii(absl::string_view text) {
  for (char ch : text) {
    if (ch < 0x20 || ch > 0x7e) return false;
  }
  return true;
}

const MethodDescriptor* FindMethod(const std::string& rpc) {
  std::string dotted = rpc;
  dotted[dotted.rfind('/')] = '.';
  return google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(dotted);
}

std::unique_ptr<Message> NewMessage(const google::protobuf::Descriptor* type) {
  return std::unique_ptr<Message>(google::protobuf::MessageFactory::generated_factory()->GetPrototype(type)->New());
}

// Query parameters, then path variables (which win), onto one request. Only the URL's query: httplib
// also puts a form-encoded body in `params`, and `curl -d '{...}'` sends JSON labelled as a form.
absl::Status ApplyParameters(const Target& target, const httplib::Request& request, Message& message) {
  httplib::Params query;
  if (const size_t mark = request.target.find('?'); mark != std::string::npos) {
    httplib::detail::parse_query_text(request.target.substr(mark + 1), query);
  }
  for (const auto& [name, value] : query) {
    if (absl::Status status = SetFieldFromText(name, value, message); !status.ok()) return status;
  }
  for (const auto& [name, value] : target.variables) {
    if (absl::Status status = SetFieldFromText(name, value, message); !status.ok()) return status;
  }
  return absl::OkStatus();
}

// The serialized request messages: one, or one per item of an import body (the query parameters go to
// the first item, where options of a stream belong).
absl::StatusOr<std::vector<std::string>> BuildRequests(const MethodDescriptor& method, const Target& target,
                                                      const httplib::Request& request) {
  std::vector<std::string> out;
  if (target.body_field.empty() && !absl::StripAsciiWhitespace(request.body).empty()) {
    return absl::InvalidArgumentError("this route takes no body; use query parameters");
  }
  if (!method.client_streaming()) {
    std::unique_ptr<Message> message = NewMessage(method.input_type());
    if (!target.body_field.empty()) {
      if (absl::Status status = MergeJsonBody(request.body, target.body_field, *message); !status.ok()) return status;
    }
    if (absl::Status status = ApplyParameters(target, request, *message); !status.ok()) return status;
    ApplyAcceptLanguage(request.get_header_value("Accept-Language"), *message);
    out.push_back(message->SerializeAsString());
    return out;
  }
  absl::StatusOr<std::vector<std::string>> items = SplitImportItems(request.body);
  if (!items.ok()) return items.status();
  for (size_t i = 0; i < items->size(); ++i) {
    std::unique_ptr<Message> message = NewMessage(method.input_type());
    absl::Status status = MergeJsonBody((*items)[i], target.body_field, *message);
    if (status.ok() && i == 0) status = ApplyParameters(target, request, *message);
    if (!status.ok()) return engine::PrefixFieldPath(status, absl::StrCat("items[", i, "]"));
    out.push_back(message->SerializeAsString());
  }
  return out;
}

absl::StatusOr<std::string> AnswerJson(const MethodDescriptor& method, const std::string& bytes) {
  std::unique_ptr<Message> message = NewMessage(method.output_type());
  if (!message->ParseFromString(bytes)) return absl::InternalError("the server's answer does not parse");
  return MessageToJson(*message);
}

// A server-streaming answer: JSON Lines, chunked, one line per message as it arrives; a failure after the
// first line is the last line, {"error": ...}.
struct Stream {
  std::unique_ptr<GenericCall> call;
  const MethodDescriptor* method = nullptr;
  std::string first_line;
  bool ended = false;  // the call finished (else the client left, or the gateway stopped, first)
  grpc::StatusCode code = grpc::StatusCode::CANCELLED;
};

// Writes the stream's next line, or its end; false when the client is gone.
bool WriteNextLine(Stream& stream, const std::atomic<bool>* stopping, httplib::DataSink& sink) {
  // Cancelled when the client hangs up or the gateway stops.
  const auto keep_waiting = [&sink, stopping] {
    return (stopping == nullptr || !stopping->load()) && sink.is_writable();
  };
  std::string line;
  if (!stream.first_line.empty()) {
    line.swap(stream.first_line);
  } else if (std::string bytes; stream.call->Read(bytes, keep_waiting)) {
    absl::StatusOr<std::string> json = AnswerJson(*stream.method, bytes);
    line = json.ok() ? *json : ErrorJson(json.status());
  } else {
    const grpc::Status status = stream.call->Finish();
    stream.ended = true;
    stream.code = status.error_code();
    if (!status.ok()) {
      line = ErrorJson(status) + "\n";
      sink.write(line.data(), line.size());
    }
    sink.done();
    return true;
  }
  line += "\n";
  return sink.write(line.data(), line.size());
}

void AnswerStream(std::unique_ptr<GenericCall> call, const MethodDescriptor& method, const std::string& first,
                  const std::atomic<bool>* stopping, const httplib::Request& request, const std::string& route,
                  absl::Time start, httplib::Response& response) {
  auto stream = std::make_shared<Stream>();
  stream->call = std::move(call);
  stream->method = &method;
  stream->first_line = first;
  response.status = 200;
  response.set_chunked_content_provider(
      kJsonLines,
      [stream, stopping](size_t, httplib::DataSink& sink) { return WriteNextLine(*stream, stopping, sink); },
      [stream, http_method = request.method, route, start](bool) {
        stream->call.reset();  // cancels the call if it has not ended
        server::LogEvent("http", {{"method", http_method},
                                  {"route", route},
                                  {"status", 200},
                                  {"code", server::StatusCodeName(static_cast<absl::StatusCode>(stream->code))},
                                  {"latency_ms", absl::ToDoubleMilliseconds(absl::Now() - start)}});
      });
}

// Why the gateway answers a request itself, without calling the server.
struct Refusal {
  int http_status;
  std::string json;
  std::string code;  // for the log
};

// No key (refused before anything that could read data is called), a body over its cap, metadata that
// gRPC would not carry.
std::optional<Refusal> Admit(const MethodDescriptor& method, const ApiLimits& limits,
                             const httplib::Request& request) {
  const std::string authorization = request.get_header_value("Authorization");
  absl::string_view secret = authorization;
  if (!absl::ConsumePrefix(&secret, "Bearer ") || absl::StripAsciiWhitespace(secret).empty() ||
      !PrintableAscii(authorization)) {
    return Refusal{401,
                   ErrorJson(grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                                          "missing \"Authorization: Bearer <key>\"")),
                   "UNAUTHENTICATED"};
  }
  const size_t cap = method.client_streaming() ? limits.max_import_body_bytes : limits.max_body_bytes;
  if (request.body.size() > cap) {
    return Refusal{413, ErrorJson(413, "PAYLOAD_TOO_LARGE", absl::StrCat("the body is over ", cap, " bytes")), ""};
  }
  if (!PrintableAscii(request.get_header_value("X-Passerelle-Acting-Person"))) {
    return Refusal{400, ErrorJson(absl::InvalidArgumentError("X-Passerelle-Acting-Person: printable ASCII only")),
                   "INVALID_ARGUMENT"};
  }
  return std::nullopt;
}

// The call: every message written, then the one answer, or the first message of a stream and the
// rest as they come (AnswerStream).
void Forward(grpc::GenericStub& stub, const ApiLimits& limits, const MethodDescriptor& method,
             const Target& target, const std::vector<std::string>& messages, const httplib::Request& request,
             absl::Time start, httplib::Response& response) {
  auto call = std::make_unique<GenericCall>(stub, target.rpc, request.get_header_value("Authorization"),
                                            request.get_header_value("X-Passerelle-Acting-Person"),
                                            limits.call_deadline_seconds);
  for (const std::string& bytes : messages) {
    if (!call->Write(bytes)) break;  // the server ended the call: Finish says why
  }
  call->WritesDone();
  std::string bytes;
  const bool got = call->Read(bytes, [&limits] { return limits.stopping == nullptr || !limits.stopping->load(); });
  if (got && method.server_streaming()) {
    absl::StatusOr<std::string> first = AnswerJson(method, bytes);
    if (first.ok()) {
      return AnswerStream(std::move(call), method, *first, limits.stopping, request, target.route_template, start,
                          response);
    }
  }
  const grpc::Status status = call->Finish();
  std::string code = server::StatusCodeName(static_cast<absl::StatusCode>(status.error_code()));
  int http_status = HttpStatusOf(status.error_code());
  if (!status.ok()) {
    Answer(response, http_status, ErrorJson(status));
  } else if (method.server_streaming()) {  // ended without a message
    response.set_content("", kJsonLines);
  } else if (absl::StatusOr<std::string> json =
                 got ? AnswerJson(method, bytes) : absl::InternalError("the server sent no answer");
             json.ok()) {
    Answer(response, http_status, *json);
  } else {
    http_status = 500;
    code = "INTERNAL";
    Answer(response, http_status, ErrorJson(json.status()));
  }
  response.status = http_status;
  LogRequest(request, target.route_template, http_status, code, start);
}

}  // namespace

void LinkApiDescriptors() {
  (void)v1::GetStatusRequest::descriptor();
  (void)v1::ListKeysRequest::descriptor();
  (void)v1::ListAuditEntriesRequest::descriptor();
}

void HandleApi(grpc::GenericStub& stub, const ApiLimits& limits, const httplib::Request& request,
               httplib::Response& response) {
  const absl::Time start = absl::Now();
  response.set_header("Cache-Control", "no-store");
  std::optional<Target> target = Resolve(request);
  const MethodDescriptor* method = target ? FindMethod(target->rpc) : nullptr;
  if (method == nullptr) {
    const bool other = PathHasOtherMethod(request.method, RawPath(request));
    const int status = other ? 405 : 404;
    Answer(response, status,
           ErrorJson(status, other ? "METHOD_NOT_ALLOWED" : "NOT_FOUND",
                     other ? "method not allowed on this path" : "no such route or rpc"));
    return LogRequest(request, target ? target->route_template : "", status, "", start);
  }
  if (std::optional<Refusal> refusal = Admit(*method, limits, request)) {
    Answer(response, refusal->http_status, refusal->json);
    return LogRequest(request, target->route_template, refusal->http_status, refusal->code, start);
  }
  absl::StatusOr<std::vector<std::string>> messages = BuildRequests(*method, *target, request);
  if (!messages.ok()) {
    Answer(response, 400, ErrorJson(messages.status()));
    return LogRequest(request, target->route_template, 400, "INVALID_ARGUMENT", start);
  }
  Forward(stub, limits, *method, *target, *messages, request, start, response);
}

}  // namespace passerelle::gateway
