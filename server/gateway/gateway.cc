#include "server/gateway/gateway.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "grpc/health/v1/health.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"
#include "httplib.h"
#include "server/gateway/api_handler.h"
#include "server/gateway/generic_call.h"
#include "server/gateway/http_errors.h"
#include "server/gateway/static_files.h"

namespace passerelle::gateway {
namespace {

// The console is a same-origin app of modules, styles and images: nothing from elsewhere, no framing.
constexpr char kContentSecurityPolicy[] =
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";
constexpr double kHealthDeadlineSeconds = 2;

absl::StatusOr<std::string> ReadFile(const std::string& path, absl::string_view flag) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in.good() && !in.eof()) return absl::FailedPreconditionError(absl::StrCat(flag, ": cannot read \"", path, "\""));
  return text.str();
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> ServerChannel(const GatewayOptions& o) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(-1);  // the server bounds its answers; the gateway passes them on
  args.SetMaxSendMessageSize(static_cast<int>(std::max(o.max_body_bytes, o.max_import_body_bytes)));
  if (o.server_ca_file.empty()) {
    return grpc::CreateCustomChannel(o.server_address, grpc::InsecureChannelCredentials(), args);
  }
  absl::StatusOr<std::string> ca = ReadFile(o.server_ca_file, "server_ca");
  if (!ca.ok()) return ca.status();
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = *ca;
  return grpc::CreateCustomChannel(o.server_address, grpc::SslCredentials(ssl), args);
}

// 200 {"status":"SERVING"} when the server answers its health check as serving, else 503.
void Health(grpc::GenericStub& stub, httplib::Response& response) {
  GenericCall call(stub, "grpc.health.v1.Health/Check", "", "", kHealthDeadlineSeconds);
  call.Write(grpc::health::v1::HealthCheckRequest().SerializeAsString());
  call.WritesDone();
  std::string bytes;
  grpc::health::v1::HealthCheckResponse answer;
  const bool read = call.Read(bytes) && answer.ParseFromString(bytes);
  const bool ok = call.Finish().ok() && read;
  const bool serving = ok && answer.status() == grpc::health::v1::HealthCheckResponse::SERVING;
  response.status = serving ? 200 : 503;
  response.set_header("Cache-Control", "no-store");
  response.set_content(serving ? R"({"status":"SERVING"})" : (ok ? R"({"status":"NOT_SERVING"})" : R"({"status":"UNREACHABLE"})"),
                       "application/json");
}

void ServeConsole(const std::string& root, const httplib::Request& request, httplib::Response& response) {
  absl::string_view relative = request.path;
  absl::ConsumePrefix(&relative, "/console/");
  std::optional<StaticFile> file = ReadStaticFile(root, relative);
  if (!file) {
    response.status = 404;
    response.set_content(ErrorJson(404, "NOT_FOUND", "no such file"), "application/json");
    return;
  }
  response.set_header("Cache-Control", "no-cache");
  response.set_content(std::move(file->content), file->content_type);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Gateway>> Gateway::Start(const GatewayOptions& options) {
  if (absl::Status status = ValidateGatewayOptions(options); !status.ok()) return status;
  std::string host;
  int port = 0;
  if (absl::Status status = SplitHostPort(options.listen_address, host, port); !status.ok()) return status;
  LinkApiDescriptors();
  std::unique_ptr<Gateway> gateway(new Gateway());
  gateway->options_ = options;
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = ServerChannel(options);
  if (!channel.ok()) return channel.status();
  gateway->channel_ = *channel;
  gateway->stub_ = std::make_unique<grpc::GenericStub>(gateway->channel_);
  if (!options.tls_cert_file.empty()) {
    for (const auto& [path, flag] : {std::pair{options.tls_cert_file, "tls_cert"}, {options.tls_key_file, "tls_key"}}) {
      if (absl::StatusOr<std::string> read = ReadFile(path, flag); !read.ok()) return read.status();
    }
    gateway->http_ = std::make_unique<httplib::SSLServer>(options.tls_cert_file.c_str(), options.tls_key_file.c_str());
  } else {
    gateway->http_ = std::make_unique<httplib::Server>();
  }
  httplib::Server& http = *gateway->http_;
  if (!http.is_valid()) return absl::FailedPreconditionError("tls_cert, tls_key: not a usable certificate and key");
  gateway->ConfigureRoutes();
  const int bound = port == 0 ? http.bind_to_any_port(host) : (http.bind_to_port(host, port) ? port : -1);
  if (bound <= 0) return absl::UnavailableError(absl::StrCat("listen: cannot bind \"", options.listen_address, "\""));
  gateway->port_ = bound;
  gateway->listener_ = std::thread([&http] { http.listen_after_bind(); });
  return gateway;
}

void Gateway::ConfigureRoutes() {
  httplib::Server& http = *http_;
  const int threads = options_.threads;
  http.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  http.set_payload_max_length(std::max(options_.max_body_bytes, options_.max_import_body_bytes));
  http.set_default_headers({{"X-Content-Type-Options", "nosniff"},
                            {"Content-Security-Policy", kContentSecurityPolicy},
                            {"Referrer-Policy", "no-referrer"},
                            {"X-Frame-Options", "DENY"}});
  ApiLimits limits;
  limits.max_body_bytes = options_.max_body_bytes;
  limits.max_import_body_bytes = options_.max_import_body_bytes;
  limits.call_deadline_seconds = options_.call_deadline_seconds;
  limits.stopping = &stopping_;
  grpc::GenericStub* stub = stub_.get();
  const auto api = [stub, limits](const httplib::Request& request, httplib::Response& response) {
    HandleApi(*stub, limits, request, response);
  };
  http.Get("/v1/.*", api);
  http.Post("/v1/.*", api);
  http.Put("/v1/.*", api);
  http.Delete("/v1/.*", api);
  http.Patch("/v1/.*", api);
  http.Get("/healthz", [stub](const httplib::Request&, httplib::Response& response) { Health(*stub, response); });
  http.Get("/", [](const httplib::Request&, httplib::Response& response) { response.set_redirect("/console/"); });
  http.Get("/console", [](const httplib::Request&, httplib::Response& response) { response.set_redirect("/console/"); });
  const std::string root = options_.console_dir;
  http.Get("/console/.*", [root](const httplib::Request& request, httplib::Response& response) {
    ServeConsole(root, request, response);
  });
  // httplib's own refusals (no handler, body over the cap, a malformed request) in the API's error shape.
  http.set_error_handler([](const httplib::Request& request, httplib::Response& response) {
    if (!response.body.empty()) return;
    const char* name = response.status == 413 ? "PAYLOAD_TOO_LARGE" : response.status == 404 ? "NOT_FOUND" : "BAD_REQUEST";
    std::string message = absl::StrCat("refused by the gateway (HTTP ", response.status, ")");
    // cpp-httplib caps form-encoded bodies at 8 KiB, and curl -d labels JSON as a form by default.
    if (response.status == 413 && request.get_header_value("Content-Type") == "application/x-www-form-urlencoded") {
      message = "a form-encoded body is limited to 8 KiB: send JSON as Content-Type: application/json";
    }
    response.set_content(ErrorJson(response.status, name, message), "application/json");
  });
}

Gateway::~Gateway() { Shutdown(); }

void Gateway::Shutdown() {
  stopping_.store(true);
  if (http_ != nullptr) http_->stop();
  if (listener_.joinable()) listener_.join();
}

}  // namespace passerelle::gateway
