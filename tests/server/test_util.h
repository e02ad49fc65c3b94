// Shared helpers for the server tests: proto records built from the engine test
// fixtures (a mason in Saint-Denis, openings in Bobigny and Lyon), and an in-process server on loopback.
#ifndef PASSERELLE_TESTS_SERVER_TEST_UTIL_H_
#define PASSERELLE_TESTS_SERVER_TEST_UTIL_H_

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "engine/store/record_codec.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
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

inline std::unique_ptr<v1::Matching::Stub> NewStub(int port) {
  return v1::Matching::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
}

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
    stub_ = NewStub(server_->port());
  }
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
};

}  // namespace passerelle::server::testing

#endif  // PASSERELLE_TESTS_SERVER_TEST_UTIL_H_
