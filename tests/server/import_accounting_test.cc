// Regression tests of issue 16, defect 1: an import stream accounts for every item sent. An item whose
// bytes do not decode (invalid UTF-8 in a string, a truncated encoding) used to end the stream silently:
// gRPC's typed reader returned false, the handler took that for the end, and the call answered OK with
// received_count = 2 and the items after it neither stored nor reported.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "grpcpp/support/sync_stream.h"
#include "gtest/gtest.h"
#include "tests/server/test_util.h"

namespace passerelle::server {
namespace {

using ::passerelle::server::testing::InProcessServer;
using ::passerelle::server::testing::KeyedChannel;
using ::passerelle::server::testing::MasonCandidate;
using ::passerelle::server::testing::MasonOpening;
using ::testing::HasSubstr;

std::string Bytes(const v1::Candidate& candidate) {
  v1::ImportCandidatesRequest item;
  *item.mutable_candidate() = candidate;
  return item.SerializeAsString();
}

// The encoding of a candidate whose id is "c-2" followed by the bytes ff fe (not UTF-8).
std::string BadUtf8Id() {
  std::string bytes = Bytes(MasonCandidate("c-2@@"));
  const size_t at = bytes.find("c-2@@");
  bytes.replace(at, 5, "c-2\xff\xfe");
  return bytes;
}

// A candidate's encoding cut in the middle: the outer length says more bytes than follow.
std::string Truncated() {
  const std::string bytes = Bytes(MasonCandidate("c-3"));
  return bytes.substr(0, bytes.size() / 2);
}

class ImportAccountingTest : public ::testing::Test {
 protected:
  // Streams raw `items` to `method` ("/passerelle.v1.Matching/ImportCandidates") as `key`.
  grpc::Status ImportBytes(const char* method, const std::string& key, const std::vector<std::string>& items,
                           v1::ImportResponse* response) {
    auto channel = KeyedChannel(server_.address(), {{"", key}});
    grpc::ClientContext context;
    const grpc::internal::RpcMethod rpc(method, grpc::internal::RpcMethod::CLIENT_STREAMING);
    std::unique_ptr<grpc::ClientWriter<grpc::ByteBuffer>> writer(
        grpc::internal::ClientWriterFactory<grpc::ByteBuffer>::Create(channel.get(), rpc, &context, response));
    for (const std::string& bytes : items) {
      grpc::Slice slice(bytes);
      grpc::ByteBuffer buffer(&slice, 1);
      EXPECT_TRUE(writer->Write(buffer));
    }
    writer->WritesDone();
    return writer->Finish();
  }
  bool Stored(const std::string& id) {
    grpc::ClientContext context;
    v1::GetCandidateRequest request;
    request.set_candidate_id(id);
    v1::GetCandidateResponse response;
    return server_.stub().GetCandidate(&context, request, &response).ok();
  }
  InProcessServer server_;
};

TEST_F(ImportAccountingTest, UndecodableItemsAreReportedAndTheRestOfTheStreamIsRead) {
  const std::vector<std::string> items = {Bytes(MasonCandidate("c-0")), Bytes(MasonCandidate("c-1")), BadUtf8Id(),
                                          Truncated(), Bytes(MasonCandidate("c-4")), Bytes(MasonCandidate("c-5"))};
  v1::ImportResponse response;
  const grpc::Status status =
      ImportBytes("/passerelle.v1.Matching/ImportCandidates", server_.counsellor_key(), items, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.received_count(), 6);
  EXPECT_EQ(response.accepted_count(), 4);
  EXPECT_EQ(response.rejected_count(), 2);
  ASSERT_EQ(response.items_size(), 6);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(response.items(i).index(), i);
  EXPECT_EQ(response.items(2).status(), v1::IMPORT_ITEM_STATUS_REJECTED);
  EXPECT_EQ(response.items(2).code(), "INVALID_ARGUMENT");
  EXPECT_EQ(response.items(2).field(), "id");
  EXPECT_THAT(response.items(2).reason(), HasSubstr("UTF-8"));
  EXPECT_EQ(response.items(2).id(), "");  // never echoed: not storable, maybe not even text
  EXPECT_EQ(response.items(3).status(), v1::IMPORT_ITEM_STATUS_REJECTED);
  EXPECT_EQ(response.items(3).code(), "INVALID_ARGUMENT");
  EXPECT_EQ(response.items(3).field(), "candidate");
  EXPECT_THAT(response.items(3).reason(), HasSubstr("truncated"));
  EXPECT_EQ(response.items(5).status(), v1::IMPORT_ITEM_STATUS_ACCEPTED);
  EXPECT_EQ(response.items(5).id(), "c-5");
  EXPECT_TRUE(Stored("c-0"));
  EXPECT_TRUE(Stored("c-4"));
  EXPECT_TRUE(Stored("c-5"));
}

TEST_F(ImportAccountingTest, GarbageItemIsRejectedWithoutAField) {
  v1::ImportResponse response;
  const grpc::Status status = ImportBytes("/passerelle.v1.Matching/ImportCandidates", server_.counsellor_key(),
                                          {std::string("\xff\xff\xff\xff", 4), Bytes(MasonCandidate("c-after"))},
                                          &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.items_size(), 2);
  EXPECT_EQ(response.items(0).code(), "INVALID_ARGUMENT");
  EXPECT_EQ(response.items(1).status(), v1::IMPORT_ITEM_STATUS_ACCEPTED);
  EXPECT_TRUE(Stored("c-after"));
}

TEST_F(ImportAccountingTest, OpeningsStreamAccountsForABadTitle) {
  v1::ImportOpeningsRequest good;
  *good.mutable_opening() = MasonOpening("o-1");
  v1::ImportOpeningsRequest bad = good;
  bad.mutable_opening()->set_title("ABCD");
  std::string bad_bytes = bad.SerializeAsString();
  bad_bytes.replace(bad_bytes.find("ABCD"), 4, "AB\xc3\x28");  // a lead byte without its continuation
  v1::ImportOpeningsRequest last = good;
  last.mutable_opening()->set_id("o-3");
  v1::ImportResponse response;
  const grpc::Status status = ImportBytes("/passerelle.v1.Matching/ImportOpenings", server_.employer_key(),
                                          {good.SerializeAsString(), bad_bytes, last.SerializeAsString()}, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.received_count(), 3);
  EXPECT_EQ(response.accepted_count(), 2);
  ASSERT_EQ(response.items_size(), 3);
  EXPECT_EQ(response.items(1).field(), "title");
  EXPECT_EQ(response.items(2).status(), v1::IMPORT_ITEM_STATUS_ACCEPTED);
}

}  // namespace
}  // namespace passerelle::server
