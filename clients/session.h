// What every passerelle command shares: the server address, the output mode, the connection, and the
// turning of gRPC errors into statuses that keep the server's message.
//
// Thread-safety: thread-compatible (the CLI runs one command on one thread).
#ifndef PASSERELLE_CLIENTS_SESSION_H_
#define PASSERELLE_CLIENTS_SESSION_H_

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "grpcpp/grpcpp.h"
#include "passerelle/v1/access.grpc.pb.h"
#include "passerelle/v1/matching.grpc.pb.h"

namespace passerelle::clients {

// Where to find the server when neither --server nor $PASSERELLE_SERVER says.
inline constexpr char kDefaultServer[] = "127.0.0.1:50051";
// The key file used when neither --key, --key-file, $PASSERELLE_KEY nor $PASSERELLE_KEY_FILE names a key:
// the bootstrap admin key of a server started in this directory with its default --data_dir.
inline constexpr char kDefaultKeyFile[] = "passerelle-data/bootstrap-admin.key";

// Language of the reasons printed in table mode.
enum class Language { kEnglish, kFrench };

// The request field for `language`: the server builds and sends the reasons in that language only.
inline passerelle::v1::ReasonLanguage ReasonLanguageOf(Language language) {
  return language == Language::kFrench ? passerelle::v1::REASON_LANGUAGE_FR : passerelle::v1::REASON_LANGUAGE_EN;
}

struct SessionOptions {
  // host:port of passerelle-server. Default: $PASSERELLE_SERVER, else kDefaultServer.
  std::string server = kDefaultServer;
  // Print the proto3 JSON of the responses instead of tables. Default: false.
  bool json = false;
  // Deadline of each unary call, in seconds; imports have none (they may run for minutes). Default: 30.
  double timeout_seconds = 30;
  // Language of the reasons asked from the server and printed (tables and --json). Default: English.
  Language language = Language::kEnglish;
  // The API key sent as `authorization: Bearer <key>` on every call; "" = none. Default: "" (see
  // command.cc for where the CLI finds it).
  std::string key;
  // Cluster mode: sent as x-passerelle-min-sequence on every call, so that the node answers once it has
  // applied that write (docs/cluster.md); 0 = none. Default: 0
  int64_t min_sequence = 0;
  // TLS: on when tls is set or any of the files below is. ca_cert: PEM of the CA that signed the server's
  // certificate ("" = the system's roots); client_cert/client_key: PEM of this client's certificate and
  // key for mutual TLS. Default: off.
  bool tls = false;
  std::string ca_cert_file;
  std::string client_cert_file;
  std::string client_key_file;
  // Largest answer accepted, in bytes: match results with explanations for k = 1000 outgrow gRPC's 4 MB
  // default, and a shard's pools (assign --shards) are larger still. Default: 64 MiB.
  int max_receive_message_bytes = 64 << 20;
};

class Session {
 public:
  Session(SessionOptions options, std::ostream& out, std::ostream& err);

  const SessionOptions& options() const { return options_; }
  bool json() const { return options_.json; }
  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }

  // The stubs, connected on first use. Connecting never fails here; a call to an unreachable server
  // fails with UNAVAILABLE.
  v1::Matching::Stub& matching();
  v1::Access::Stub& access();
  // UsageError-like failures (an unreadable certificate file) surface at the first call as UNAVAILABLE.
  std::shared_ptr<grpc::Channel> channel();

  // A context carrying the unary deadline (none when `with_deadline` is false) and the API key.
  std::unique_ptr<grpc::ClientContext> NewContext(bool with_deadline = true) const;

  // A failed call as an absl::Status marked as coming from the server (see IsServerError), message kept
  // as the server wrote it. UNAVAILABLE gets a hint naming the address tried.
  absl::Status FromGrpc(const grpc::Status& status) const;

 private:
  SessionOptions options_;
  std::ostream& out_;
  std::ostream& err_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Matching::Stub> matching_;
  std::unique_ptr<v1::Access::Stub> access_;
};

// Calls one unary rpc of the Access service with the session's deadline.
template <typename Request, typename Response>
absl::Status CallAccess(Session& session,
                        grpc::Status (v1::Access::Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                        const Request& request, Response& response) {
  std::unique_ptr<grpc::ClientContext> context = session.NewContext();
  return session.FromGrpc((session.access().*method)(context.get(), request, &response));
}

// Calls one unary rpc of the Matching service with the session's deadline.
//   v1::GetCandidateResponse response;
//   PASSERELLE_RETURN_IF_ERROR(CallMatching(session, &v1::Matching::Stub::GetCandidate, request, response));
template <typename Request, typename Response>
absl::Status CallMatching(Session& session,
                          grpc::Status (v1::Matching::Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                          const Request& request, Response& response) {
  std::unique_ptr<grpc::ClientContext> context = session.NewContext();
  return session.FromGrpc((session.matching().*method)(context.get(), request, &response));
}

// Prints `message` as indented proto3 JSON on the session's output, every field shown.
void PrintJson(Session& session, const google::protobuf::Message& message);

// True for statuses made by Session::FromGrpc: the server (or the connection to it) failed the request,
// as opposed to a mistake on the command line (exit codes differ, see main.cc).
bool IsServerError(const absl::Status& status);

// "NOT_FOUND" for absl::StatusCode::kNotFound: the names gRPC and the API docs use.
std::string StatusCodeName(absl::StatusCode code);

}  // namespace passerelle::clients

#endif  // PASSERELLE_CLIENTS_SESSION_H_
