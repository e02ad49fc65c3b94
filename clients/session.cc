#include "clients/session.h"

#include <cmath>
#include <fstream>
#include <ostream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "clients/json_io.h"

namespace passerelle::clients {
namespace {

// Payload key that marks a status as the server's answer.
constexpr char kServerErrorPayload[] = "passerelle.clients/server-error";

std::string ReadPem(const std::string& path) {
  if (path.empty()) return "";
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::shared_ptr<grpc::ChannelCredentials> Credentials(const SessionOptions& o) {
  if (!o.tls) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = ReadPem(o.ca_cert_file);
  ssl.pem_cert_chain = ReadPem(o.client_cert_file);
  ssl.pem_private_key = ReadPem(o.client_key_file);
  return grpc::SslCredentials(ssl);
}

}  // namespace

Session::Session(SessionOptions options, std::ostream& out, std::ostream& err)
    : options_(std::move(options)), out_(out), err_(err) {}

std::shared_ptr<grpc::Channel> Session::channel() {
  if (channel_ == nullptr) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(options_.max_receive_message_bytes);
    // Plaintext reaches a server on loopback only (gRPC local credentials); elsewhere --tls.
    channel_ = grpc::CreateCustomChannel(options_.server, Credentials(options_), args);
  }
  return channel_;
}

v1::Matching::Stub& Session::matching() {
  if (matching_ == nullptr) matching_ = v1::Matching::NewStub(channel());
  return *matching_;
}

v1::Access::Stub& Session::access() {
  if (access_ == nullptr) access_ = v1::Access::NewStub(channel());
  return *access_;
}

std::unique_ptr<grpc::ClientContext> Session::NewContext(bool with_deadline) const {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!options_.key.empty()) context->AddMetadata("authorization", "Bearer " + options_.key);
  if (options_.min_sequence > 0) context->AddMetadata("x-passerelle-min-sequence", std::to_string(options_.min_sequence));
  if (with_deadline && options_.timeout_seconds > 0) {
    auto timeout = std::chrono::milliseconds(static_cast<int64_t>(std::ceil(options_.timeout_seconds * 1000)));
    context->set_deadline(std::chrono::system_clock::now() + timeout);
  }
  return context;
}

absl::Status Session::FromGrpc(const grpc::Status& status) const {
  if (status.ok()) return absl::OkStatus();
  // grpc::StatusCode and absl::StatusCode share their numbers (both follow google.rpc.Code).
  auto code = static_cast<absl::StatusCode>(status.error_code());
  std::string message = status.error_message();
  if (code == absl::StatusCode::kUnavailable) {
    absl::StrAppend(&message, " (is passerelle-server running on ", options_.server,
                    "? Set --server or PASSERELLE_SERVER)");
  }
  if (code == absl::StatusCode::kUnauthenticated) {
    absl::StrAppend(&message, options_.key.empty() ? " (no API key: pass --key, --key-file or set PASSERELLE_KEY)"
                                                   : " (check the API key: --key, --key-file, PASSERELLE_KEY)");
  }
  absl::Status out(code, message);
  out.SetPayload(kServerErrorPayload, absl::Cord("1"));
  return out;
}

void PrintJson(Session& session, const google::protobuf::Message& message) { session.out() << ToJson(message) << "\n"; }

bool IsServerError(const absl::Status& status) { return status.GetPayload(kServerErrorPayload).has_value(); }

std::string StatusCodeName(absl::StatusCode code) {
  // absl spells them "NOT_FOUND" already, as gRPC does.
  return absl::StatusCodeToString(code);
}

}  // namespace passerelle::clients
