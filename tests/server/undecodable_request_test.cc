// Regression tests of issue 16, defect 3: a request gRPC cannot decode (invalid UTF-8 in a proto3 string,
// a truncated encoding) got INTERNAL (synchronous rpcs) or UNIMPLEMENTED (callback rpcs) with an empty
// message, and protobuf wrote a non-JSON line to the log. Now: INVALID_ARGUMENT naming the field where
// protobuf names it, and one JSON object per log line.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "grpcpp/impl/client_unary_call.h"
#include "grpcpp/support/sync_stream.h"
#include "gtest/gtest.h"
#include "tests/server/test_util.h"

namespace passerelle::server {
namespace {

using ::passerelle::server::testing::InProcessServer;
using ::passerelle::server::testing::KeyedChannel;
using ::passerelle::server::testing::MasonCandidate;
using ::testing::HasSubstr;
using ::testing::Not;

// A PutCandidateRequest whose candidate id holds the bytes ff fe.
std::string BadUtf8PutCandidate() {
  v1::PutCandidateRequest request;
  *request.mutable_candidate() = MasonCandidate("c-@@");
  std::string bytes = request.SerializeAsString();
  bytes.replace(bytes.find("c-@@"), 4, "c-\xff\xfe");
  return bytes;
}

class UndecodableRequestTest : public ::testing::Test {
 protected:
  grpc::Status Unary(const char* method, const std::string& bytes) {
    auto channel = KeyedChannel(server_.address(), {{"", server_.counsellor_key()}});
    grpc::ClientContext context;
    grpc::Slice slice(bytes);
    grpc::ByteBuffer request(&slice, 1);
    grpc::ByteBuffer response;
    return grpc::internal::BlockingUnaryCall<grpc::ByteBuffer, grpc::ByteBuffer>(
        channel.get(), grpc::internal::RpcMethod(method, grpc::internal::RpcMethod::NORMAL_RPC), &context, request,
        &response);
  }
  InProcessServer server_;
};

TEST_F(UndecodableRequestTest, InvalidUtf8InAStringIsInvalidArgumentNamingTheField) {
  const grpc::Status status = Unary("/passerelle.v1.Matching/PutCandidate", BadUtf8PutCandidate());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("passerelle.v1.Candidate.id: not valid UTF-8"));
}

TEST_F(UndecodableRequestTest, TruncatedRequestToACallbackRpcIsInvalidArgument) {
  v1::MatchOpeningsRequest request;
  request.set_candidate_id("cand-mason");
  request.set_scoring_profile("default");
  const std::string bytes = request.SerializeAsString();
  const grpc::Status status = Unary("/passerelle.v1.Matching/MatchOpenings", bytes.substr(0, bytes.size() - 3));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("does not decode"));
}

TEST_F(UndecodableRequestTest, InvalidUtf8ToAServerStreamingRpcIsInvalidArgument) {
  v1::RerankRequest request;
  request.add_occupations("F@@");
  std::string bytes = request.SerializeAsString();
  bytes.replace(bytes.find("F@@"), 3, "F\xc3\x28");
  auto channel = KeyedChannel(server_.address(), {{"", server_.NewKey(testing::kCounsellorOrg, Role::kBatch)}});
  grpc::ClientContext context;
  grpc::Slice slice(bytes);
  grpc::ByteBuffer buffer(&slice, 1);
  std::unique_ptr<grpc::ClientReader<grpc::ByteBuffer>> reader(grpc::internal::ClientReaderFactory<grpc::ByteBuffer>::Create(
      channel.get(), grpc::internal::RpcMethod("/passerelle.v1.Matching/Rerank", grpc::internal::RpcMethod::SERVER_STREAMING),
      &context, buffer));
  grpc::ByteBuffer response;
  while (reader->Read(&response)) {
  }
  const grpc::Status status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("passerelle.v1.RerankRequest.occupations"));
}

TEST_F(UndecodableRequestTest, TheLogStaysOneJsonObjectPerLine) {
  SetLoggingEnabled(true);
  ::testing::internal::CaptureStderr();
  Unary("/passerelle.v1.Matching/PutCandidate", BadUtf8PutCandidate());
  Unary("/passerelle.v1.Matching/GetCandidate", std::string("\x0a\xff", 2));
  const std::string log = ::testing::internal::GetCapturedStderr();
  SetLoggingEnabled(false);
  int rpc_lines = 0;
  for (absl::string_view line : absl::StrSplit(log, '\n', absl::SkipEmpty())) {
    EXPECT_TRUE(absl::StartsWith(line, "{\"ts\":") && absl::EndsWith(line, "}")) << line;
    rpc_lines += absl::StrContains(line, "\"event\":\"rpc\"") && absl::StrContains(line, "\"code\":\"INVALID_ARGUMENT\"");
  }
  EXPECT_EQ(rpc_lines, 2) << log;
  EXPECT_THAT(log, Not(HasSubstr("c-\xff")));  // the value is never logged
}

}  // namespace
}  // namespace passerelle::server
