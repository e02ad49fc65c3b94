#include "clients/session.h"

#include <cmath>
#include <ostream>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "clients/json_io.h"

namespace passerelle::clients {
namespace {

// Payload key that marks a status as the server's answer.
constexpr char kServerErrorPayload[] = "passerelle.clients/server-error";

// Match results with explanations for k = 1000 outgrow gRPC's 4 MB default.
constexpr int kMaxReceiveBytes = 64 << 20;

}  // namespace

Session::Session(SessionOptions options, std::ostream& out, std::ostream& err)
    : options_(std::move(options)), out_(out), err_(err) {}

std::shared_ptr<grpc::Channel> Session::channel() {
  if (channel_ == nullptr) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(kMaxReceiveBytes);
    // Loopback by default and no credentials in this version of the API (see docs/operations.md).
    channel_ = grpc::CreateCustomChannel(options_.server, grpc::InsecureChannelCredentials(), args);
  }
  return channel_;
}

v1::Matching::Stub& Session::matching() {
  if (matching_ == nullptr) matching_ = v1::Matching::NewStub(channel());
  return *matching_;
}

std::unique_ptr<grpc::ClientContext> Session::NewContext(bool with_deadline) const {
  auto context = std::make_unique<grpc::ClientContext>();
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
