// Shared helpers for the server tests: temporary directories, proto records built from the engine test
// fixtures (a mason in Saint-Denis, openings in Bobigny and Lyon), and an in-process server on loopback
// with API keys: the bootstrap admin key, a counsellor key of the candidates' organisation and an
// employer key of the openings' organisation.
#ifndef PASSERELLE_TESTS_SERVER_TEST_UTIL_H_
#define PASSERELLE_TESTS_SERVER_TEST_UTIL_H_

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include "engine/store/record_codec.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/client_interceptor.h"
#include "passerelle/v1/access.grpc.pb.h"
#include "gtest/gtest.h"
#include "passerelle/v1/matching.grpc.pb.h"
#include "server/call_log.h"
#include "server/server.h"
#include "tests/common/temp_dir.h"
#include "tests/engine/test_fixtures.h"

namespace passerelle::server::testing {

using ::passerelle::engine::testing::SharedReferenceData;
using ::passerelle::tests::TempDir;

inline v1::Candidate MasonCandidate(std::string id = "cand-mason") {
  return engine::CandidateToProto(engine::testing::MasonCandidate(std::move(id)));
}

inline v1::Opening MasonOpening(std::string id = "open-bobigny", std::string commune = engine::testing::kBobigny) {
  return engine::OpeningToProto(engine::testing::MasonOpening(std::move(id), std::move(commune)));
}

// Sends `authorization: Bearer <key>` on every call, the key chosen by the call's method: a test stub
// can then write candidates as a counsellor and openings as an employer, as a platform's proxy would.
class BearerInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit BearerInterceptor(std::string key) : key_(std::move(key)) {}
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (!key_.empty() &&
        methods->QueryInterceptionHookPoint(grpc::experimental::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->insert({"authorization", "Bearer " + key_});
    }
    methods->Proceed();
  }

 private:
  std::string key_;
};

// Method name ("PutOpening") -> key; "" names the key of every other method.
using KeysByMethod = std::map<std::string, std::string>;

class BearerFactory : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit BearerFactory(KeysByMethod keys) : keys_(std::move(keys)) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(grpc::experimental::ClientRpcInfo* info) override {
    absl::string_view method = info->method();
    method = method.substr(method.rfind('/') + 1);
    auto it = keys_.find(std::string(method));
    if (it == keys_.end()) it = keys_.find("");
    return new BearerInterceptor(it == keys_.end() ? "" : it->second);
  }

 private:
  KeysByMethod keys_;
};

inline std::shared_ptr<grpc::Channel> KeyedChannel(const std::string& address, KeysByMethod keys,
                                                   std::shared_ptr<grpc::ChannelCredentials> credentials = nullptr) {
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> factories;
  factories.push_back(std::make_unique<BearerFactory>(std::move(keys)));
  return grpc::experimental::CreateCustomChannelWithInterceptors(
      address, credentials ? credentials : grpc::InsecureChannelCredentials(), grpc::ChannelArguments(),
      std::move(factories));
}

// A stub whose every call carries `key` ("" = none).
inline std::unique_ptr<v1::Matching::Stub> NewStub(int port, const std::string& key = "") {
  return v1::Matching::NewStub(KeyedChannel("127.0.0.1:" + std::to_string(port), {{"", key}}));
}

inline std::string ReadFirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return std::string(absl::StripAsciiWhitespace(line));
}

// The organisations of the fixtures' records (tests/engine/test_fixtures.h).
inline constexpr char kCounsellorOrg[] = "ft-agence-bobigny";
inline constexpr char kEmployerOrg[] = "platform-horizon";

// A PasserelleServer on 127.0.0.1 with an ephemeral port and its own data directory; Restart() stops it
// and starts a new one on the same directory.
class InProcessServer {
 public:
  explicit InProcessServer(ServerOptions options = {}) : options_(std::move(options)) {
    SetLoggingEnabled(false);
    options_.listen_address = "127.0.0.1:0";
    options_.data_dir = dir_.Sub("data");
    options_.reference_data = SharedReferenceData();
    options_.shutdown_grace_seconds = 1;
    Start();
  }
  void Start() {
    auto server = PasserelleServer::Start(options_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    if (admin_key_.empty()) {
      admin_key_ = ReadFirstLine(BootstrapKeyFile(options_));
      counsellor_key_ = NewKey(kCounsellorOrg, Role::kCounsellor);
      employer_key_ = NewKey(kEmployerOrg, Role::kEmployer);
    }
    // Candidates as the counsellor, openings as the employer, the admin's rpcs as the admin.
    KeysByMethod keys = {{"", counsellor_key_}};
    for (const char* method : {"PutOpening", "DeleteOpening", "ImportOpenings"}) keys[method] = employer_key_;
    for (const char* method : {"PutScoringProfile", "GetStatus"}) keys[method] = admin_key_;
    stub_ = v1::Matching::NewStub(KeyedChannel(address(), keys));
  }
  // A new key of `role` for `organisation` (created in process, as an admin would over Access).
  std::string NewKey(const std::string& organisation, Role role) {
    auto created = server_->access().CreateKey(organisation, role, absl::ZeroDuration(), "test");
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? created->second : "";
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(server_->port()); }
  // A stub whose every call carries `key`.
  std::unique_ptr<v1::Matching::Stub> StubWithKey(const std::string& key) {
    return v1::Matching::NewStub(KeyedChannel(address(), {{"", key}}));
  }
  std::unique_ptr<v1::Access::Stub> AccessStub(const std::string& key) {
    return v1::Access::NewStub(KeyedChannel(address(), {{"", key}}));
  }
  const std::string& admin_key() const { return admin_key_; }
  const std::string& counsellor_key() const { return counsellor_key_; }
  const std::string& employer_key() const { return employer_key_; }
  void Stop() {
    stub_.reset();
    server_.reset();
  }
  void Restart() {
    Stop();
    Start();
  }
  v1::Matching::Stub& stub() { return *stub_; }
  PasserelleServer& server() { return *server_; }
  const ServerOptions& options() const { return options_; }
  const TempDir& dir() const { return dir_; }

 private:
  TempDir dir_;
  ServerOptions options_;
  std::unique_ptr<PasserelleServer> server_;
  std::unique_ptr<v1::Matching::Stub> stub_;
  std::string admin_key_, counsellor_key_, employer_key_;
};

}  // namespace passerelle::server::testing

#endif  // PASSERELLE_TESTS_SERVER_TEST_UTIL_H_
