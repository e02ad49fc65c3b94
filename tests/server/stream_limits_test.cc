// Regression tests of issue 16, defects 2 and 5: idle import streams held a server thread each without a
// cap (1,500 idle streams made 1,515 threads), and a call without a client deadline had none at all.
// Import streams are now capped per organisation and server-wide (RESOURCE_EXHAUSTED beyond), an idle
// stream is cancelled after the idle timeout, and every call has a server-side deadline.
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "tests/server/test_util.h"

namespace passerelle::server {
namespace {

using ::passerelle::server::testing::InProcessServer;
using ::passerelle::server::testing::MasonCandidate;

struct OpenStream {
  std::unique_ptr<grpc::ClientContext> context = std::make_unique<grpc::ClientContext>();
  v1::ImportResponse response;
  std::unique_ptr<grpc::ClientWriter<v1::ImportCandidatesRequest>> writer;
};

// Opens an import stream as `key` and waits until the server has either taken it (its handler sends
// the initial metadata at once) or refused it. The client deadline only keeps a wrong test from hanging.
std::unique_ptr<OpenStream> Open(InProcessServer& server, const std::string& key) {
  auto stream = std::make_unique<OpenStream>();
  stream->context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  stream->writer = server.StubWithKey(key)->ImportCandidates(stream->context.get(), &stream->response);
  stream->writer->WaitForInitialMetadata();
  return stream;
}

ServerOptions FewStreams() {
  ServerOptions options;
  options.tenant_limits.max_streams_per_organisation = 3;
  options.tenant_limits.max_streams = 5;
  return options;
}

TEST(StreamLimitsTest, ManyIdleStreamsOfOneCallerAreCappedAndTheRestRefused) {
  InProcessServer server(FewStreams());
  std::vector<std::unique_ptr<OpenStream>> held;
  for (int i = 0; i < 3; ++i) held.push_back(Open(server, server.counsellor_key()));
  int refused = 0;
  for (int i = 0; i < 40; ++i) {
    std::unique_ptr<OpenStream> extra = Open(server, server.counsellor_key());
    const grpc::Status status = extra->writer->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
    refused += status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED;
  }
  EXPECT_EQ(refused, 40);
  // Another organisation has its own slots, up to the server's cap (5 in all).
  const std::string other = server.NewKey("ft-agence-lyon", Role::kCounsellor);
  held.push_back(Open(server, other));
  held.push_back(Open(server, other));
  std::unique_ptr<OpenStream> over = Open(server, other);
  EXPECT_EQ(over->writer->Finish().error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  // A closed stream gives its slot back.
  ASSERT_TRUE(held[0]->writer->WritesDone());
  EXPECT_TRUE(held[0]->writer->Finish().ok());
  held.erase(held.begin());
  std::unique_ptr<OpenStream> again = Open(server, server.counsellor_key());
  v1::ImportCandidatesRequest item;
  *item.mutable_candidate() = MasonCandidate("c-after");
  ASSERT_TRUE(again->writer->Write(item));
  ASSERT_TRUE(again->writer->WritesDone());
  const grpc::Status status = again->writer->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(again->response.accepted_count(), 1);
  for (auto& stream : held) {
    stream->writer->WritesDone();
    EXPECT_TRUE(stream->writer->Finish().ok());
  }
}

TEST(StreamLimitsTest, IdleStreamIsCancelledAndItsSlotFreed) {
  ServerOptions options = FewStreams();
  options.tenant_limits.max_streams_per_organisation = 1;
  options.deadlines.stream_idle_timeout_seconds = 0.2;
  InProcessServer server(options);
  std::unique_ptr<OpenStream> idle = Open(server, server.counsellor_key());
  // Nothing is sent: the server ends the stream (the client's own deadline is a minute away).
  EXPECT_EQ(idle->writer->Finish().error_code(), grpc::StatusCode::CANCELLED);
  // The slot is free again, and a stream that keeps sending is not idle. The client sees the
  // cancellation as soon as the server cancels; the slot is given back when the server's handler
  // returns, a moment later, so a stream opened at once may still be refused: up to 5 s are allowed.
  grpc::Status status;
  std::unique_ptr<OpenStream> busy;
  for (int attempt = 0; attempt < 100; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    busy = Open(server, server.counsellor_key());
    v1::ImportCandidatesRequest item;
    *item.mutable_candidate() = MasonCandidate("c-busy");
    (void)busy->writer->Write(item);  // false on a refused stream, whose Finish says so
    (void)busy->writer->WritesDone();
    status = busy->writer->Finish();
    if (status.error_code() != grpc::StatusCode::RESOURCE_EXHAUSTED) break;
  }
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(busy->response.accepted_count(), 1);
}

TEST(ServerDeadlineTest, StreamWithoutClientDeadlineEndsAtTheServersAndStoresNothingUncommitted) {
  ServerOptions options;
  options.deadlines.import_deadline_seconds = 0.3;
  options.deadlines.stream_idle_timeout_seconds = 0;
  InProcessServer server(options);
  grpc::ClientContext context;  // no deadline
  v1::ImportResponse response;
  auto writer = server.stub().ImportCandidates(&context, &response);
  v1::ImportCandidatesRequest item;
  *item.mutable_candidate() = MasonCandidate("c-late");
  ASSERT_TRUE(writer->Write(item));
  // The stream stays open (no WritesDone) until the server's deadline cancels it.
  EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::CANCELLED);
  grpc::ClientContext get_context;
  v1::GetCandidateRequest get;
  get.set_candidate_id("c-late");
  v1::GetCandidateResponse got;
  EXPECT_EQ(server.stub().GetCandidate(&get_context, get, &got).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST(ServerDeadlineTest, KindsOfMethods) {
  EXPECT_EQ(KindOfMethod("Rerank"), CallKind::kBatch);
  EXPECT_EQ(KindOfMethod("Assign"), CallKind::kBatch);
  EXPECT_EQ(KindOfMethod("FormCohorts"), CallKind::kBatch);
  EXPECT_EQ(KindOfMethod("ImportCandidates"), CallKind::kImportStream);
  EXPECT_EQ(KindOfMethod("ImportFranceTravailOffers"), CallKind::kImportStream);
  EXPECT_EQ(KindOfMethod("MatchOpenings"), CallKind::kUnary);
  EXPECT_EQ(KindOfMethod("WatchMatches"), CallKind::kWatchStream);  // not cut at the unary 60 s
}

}  // namespace
}  // namespace passerelle::server
