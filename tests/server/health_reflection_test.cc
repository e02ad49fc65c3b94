// The standard services beside passerelle.v1.Matching: grpc.health.v1.Health and server reflection.
#include "absl/strings/match.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/impl/codegen/client_unary_call.h"
#include "grpcpp/impl/codegen/rpc_method.h"
#include "grpcpp/impl/codegen/sync_stream.h"
#include "grpcpp/support/byte_buffer.h"
#include "gtest/gtest.h"
#include "tests/server/test_util.h"

namespace passerelle::server {
namespace {

using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;
using ::passerelle::server::testing::InProcessServer;

std::shared_ptr<grpc::Channel> Channel(int port) {
  return grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials());
}

TEST(HealthTest, ServerAndMatchingServiceAreServing) {
  InProcessServer server;
  auto health = grpc::health::v1::Health::NewStub(Channel(server.server().port()));
  for (const std::string service : {"", "passerelle.v1.Matching"}) {
    grpc::ClientContext context;
    HealthCheckRequest request;
    request.set_service(service);
    HealthCheckResponse response;
    ASSERT_TRUE(health->Check(&context, request, &response).ok()) << service;
    EXPECT_EQ(response.status(), HealthCheckResponse::SERVING) << service;
  }
}

TEST(HealthTest, UnknownServiceIsNotFound) {
  InProcessServer server;
  auto health = grpc::health::v1::Health::NewStub(Channel(server.server().port()));
  grpc::ClientContext context;
  HealthCheckRequest request;
  request.set_service("no.such.Service");
  HealthCheckResponse response;
  EXPECT_EQ(health->Check(&context, request, &response).error_code(), grpc::StatusCode::NOT_FOUND);
}

// Sends one ServerReflectionRequest (hand-encoded: Debian installs no reflection stubs) and returns the
// raw bytes of the first response.
std::string ReflectionCall(int port, const std::string& request_bytes) {
  auto channel = Channel(port);
  grpc::internal::RpcMethod method("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                                   grpc::internal::RpcMethod::BIDI_STREAMING, channel);
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReaderWriter<grpc::ByteBuffer, grpc::ByteBuffer>> stream(
      grpc::internal::ClientReaderWriterFactory<grpc::ByteBuffer, grpc::ByteBuffer>::Create(channel.get(), method,
                                                                                             &context));
  grpc::Slice slice(request_bytes);
  EXPECT_TRUE(stream->Write(grpc::ByteBuffer(&slice, 1)));
  stream->WritesDone();
  grpc::ByteBuffer reply;
  EXPECT_TRUE(stream->Read(&reply));
  EXPECT_TRUE(stream->Finish().ok());
  grpc::Slice out;
  EXPECT_TRUE(reply.DumpToSingleSlice(&out).ok());
  return std::string(reinterpret_cast<const char*>(out.begin()), out.size());
}

// Field `number` of type string, as protobuf encodes it (lengths below 128).
std::string StringField(int number, const std::string& value) {
  return std::string(1, static_cast<char>(number << 3 | 2)) + static_cast<char>(value.size()) + value;
}

TEST(ReflectionTest, ListsTheServices) {
  InProcessServer server;
  const std::string reply = ReflectionCall(server.server().port(), StringField(7, ""));  // list_services
  EXPECT_TRUE(absl::StrContains(reply, "passerelle.v1.Matching"));
  EXPECT_TRUE(absl::StrContains(reply, "grpc.health.v1.Health"));
}

TEST(ReflectionTest, DescribesTheMatchingService) {
  InProcessServer server;
  const std::string reply =
      ReflectionCall(server.server().port(), StringField(4, "passerelle.v1.Matching"));  // file_containing_symbol
  EXPECT_TRUE(absl::StrContains(reply, "passerelle/v1/matching.proto"));
  EXPECT_TRUE(absl::StrContains(reply, "MatchOpenings"));
}

}  // namespace
}  // namespace passerelle::server
