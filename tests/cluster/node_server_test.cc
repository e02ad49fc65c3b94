// passerelle-server in cluster mode, two in-process servers over one in-memory log: a write answers
// with its sequence (x-passerelle-sequence) and is readable on the other node with
// x-passerelle-min-sequence; a node that is behind says so (UNAVAILABLE); invalid input appends nothing;
// health follows the node. The France Travail import and EraseOrganisation: cluster_writes_test.cc.
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "engine/store/records_checksum.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "passerelle/cluster_log.pb.h"
#include "passerelle/v1/governance.grpc.pb.h"
#include "tests/cluster/cluster_node_options.h"
#include "tests/cluster/fake_log.h"
#include "tests/server/test_util.h"

namespace passerelle::server::node_server_test {
namespace {

using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;
using ::passerelle::cluster::testing::FakeLog;
using ::passerelle::server::testing::ClusterNodeOptions;
using ::passerelle::server::testing::InProcessServer;
using ::passerelle::server::testing::MasonCandidate;
using ::passerelle::server::testing::MasonOpening;
using ::passerelle::server::testing::SequenceOf;

ServerOptions ClusterOptions(FakeLog* log, const std::string& node_id) {
  ServerOptions options = ClusterNodeOptions(log, node_id);
  options.cluster_node.max_lag_entries = 2;
  options.min_sequence_wait_ms = 50;
  return options;
}

grpc::Status Get(InProcessServer& server, const std::string& id, const std::string& min_sequence,
                 v1::GetCandidateResponse* response) {
  grpc::ClientContext context;
  if (!min_sequence.empty()) context.AddMetadata("x-passerelle-min-sequence", min_sequence);
  v1::GetCandidateRequest request;
  request.set_candidate_id(id);
  return server.stub().GetCandidate(&context, request, response);
}

bool Eventually(const std::function<bool()>& done) {
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (!done()) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return true;
}

HealthCheckResponse::ServingStatus Health(InProcessServer& server) {
  auto health = grpc::health::v1::Health::NewStub(
      grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  HealthCheckRequest request;
  request.set_service("passerelle.v1.Matching");
  HealthCheckResponse response;
  if (!health->Check(&context, request, &response).ok()) return HealthCheckResponse::UNKNOWN;
  return response.status();
}

TEST(ClusterServerTest, WriteOnOneNodeIsReadOnTheOtherWithItsSequence) {
  FakeLog log;
  InProcessServer a(ClusterOptions(&log, "a"));
  InProcessServer b(ClusterOptions(&log, "b"));
  grpc::ClientContext context;
  v1::PutCandidateRequest put;
  *put.mutable_candidate() = MasonCandidate("c-1");
  v1::PutCandidateResponse put_response;
  const grpc::Status status = a.stub().PutCandidate(&context, put, &put_response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(put_response.created());
  const uint64_t sequence = SequenceOf(context);
  EXPECT_EQ(sequence, log.size());
  ASSERT_GT(sequence, 0u);

  v1::GetCandidateResponse got;
  const grpc::Status read = Get(b, "c-1", std::to_string(sequence), &got);
  ASSERT_TRUE(read.ok()) << read.error_message();
  EXPECT_EQ(got.candidate().id(), "c-1");

  // Ahead of the log: the node cannot have applied it, and says how far it got.
  const grpc::Status ahead = Get(b, "c-1", std::to_string(sequence + 100), &got);
  EXPECT_EQ(ahead.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_TRUE(absl::StrContains(ahead.error_message(), "applied the log up to sequence")) << ahead.error_message();
  const grpc::Status garbled = Get(b, "c-1", "twelve", &got);
  EXPECT_EQ(garbled.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  // A delete on B, then the read on A.
  grpc::ClientContext delete_context;
  v1::DeleteCandidateRequest remove;
  remove.set_candidate_id("c-1");
  v1::DeleteCandidateResponse removed;
  ASSERT_TRUE(b.stub().DeleteCandidate(&delete_context, remove, &removed).ok());
  const uint64_t deleted_at = SequenceOf(delete_context);
  EXPECT_GT(deleted_at, sequence);
  EXPECT_EQ(Get(a, "c-1", std::to_string(deleted_at), &got).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST(ClusterServerTest, InvalidInputAppendsNothingAndImportsAppendTheValidItems) {
  FakeLog log;
  InProcessServer a(ClusterOptions(&log, "a"));
  InProcessServer b(ClusterOptions(&log, "b"));
  grpc::ClientContext context;
  v1::PutCandidateRequest put;
  *put.mutable_candidate() = MasonCandidate("c-1");
  put.mutable_candidate()->set_commune_insee("97999");
  v1::PutCandidateResponse put_response;
  const grpc::Status status = a.stub().PutCandidate(&context, put, &put_response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StartsWith(status.error_message(), "candidate.commune_insee")) << status.error_message();
  EXPECT_EQ(log.size(), 0u);
  EXPECT_EQ(SequenceOf(context), 0u);

  grpc::ClientContext import_context;
  v1::ImportResponse report;
  auto writer = a.stub().ImportOpenings(&import_context, &report);
  v1::ImportOpeningsRequest item;
  *item.mutable_opening() = MasonOpening("o-1");
  ASSERT_TRUE(writer->Write(item));
  item.mutable_opening()->set_id("o-bad");
  item.mutable_opening()->set_rome_code("Z9999");
  ASSERT_TRUE(writer->Write(item));
  *item.mutable_opening() = MasonOpening("o-2", engine::testing::kLyon);
  ASSERT_TRUE(writer->Write(item));
  ASSERT_TRUE(writer->WritesDone());
  const grpc::Status imported = writer->Finish();
  ASSERT_TRUE(imported.ok()) << imported.error_message();
  EXPECT_EQ(report.accepted_count(), 2);
  EXPECT_EQ(report.rejected_count(), 1);
  EXPECT_EQ(report.items(1).status(), v1::IMPORT_ITEM_STATUS_REJECTED);
  EXPECT_EQ(log.size(), 1u);  // one batch, the valid items only
  const uint64_t sequence = SequenceOf(import_context);
  EXPECT_EQ(sequence, 1u);

  ASSERT_TRUE(b.server().cluster_node()->WaitApplied(sequence, absl::Seconds(20)).ok());
  EXPECT_EQ(b.server().catalog().opening_count(), 2);
  auto checksum_a = engine::RecordsChecksum(a.server().catalog().store());
  auto checksum_b = engine::RecordsChecksum(b.server().catalog().store());
  ASSERT_TRUE(checksum_a.ok() && checksum_b.ok());
  EXPECT_EQ(*checksum_a, *checksum_b);
}

TEST(ClusterServerTest, ScoringProfilesGoThroughTheLog) {
  FakeLog log;
  InProcessServer a(ClusterOptions(&log, "a"));
  InProcessServer b(ClusterOptions(&log, "b"));
  v1::PutScoringProfileRequest request;
  request.mutable_profile()->set_name("default");  // reserved: refused before anything is appended
  request.mutable_profile()->mutable_weights()->set_occupation(1);
  v1::PutScoringProfileResponse response;
  grpc::ClientContext refused_context;
  const grpc::Status refused = a.stub().PutScoringProfile(&refused_context, request, &response);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StartsWith(refused.error_message(), "profile.name")) << refused.error_message();
  EXPECT_EQ(log.size(), 0u);

  request.mutable_profile()->set_name("mine");
  grpc::ClientContext context;
  const grpc::Status status = a.stub().PutScoringProfile(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(response.created());
  const uint64_t sequence = SequenceOf(context);
  ASSERT_EQ(sequence, 1u);
  grpc::ClientContext read_context;
  read_context.AddMetadata("x-passerelle-min-sequence", std::to_string(sequence));
  v1::GetScoringProfileRequest get;
  get.set_name("mine");
  v1::GetScoringProfileResponse got;
  auto stub = b.StubWithKey(b.admin_key());
  const grpc::Status read = stub->GetScoringProfile(&read_context, get, &got);
  ASSERT_TRUE(read.ok()) << read.error_message();
  EXPECT_EQ(got.profile().weights().occupation(), 1);
}

TEST(ClusterServerTest, HealthIsNotServingUntilTheNodeCaughtUp) {
  FakeLog log;
  for (int i = 0; i < 5; ++i) {
    cluster::LogRecord record;
    record.set_organisation(testing::kCounsellorOrg);
    *record.mutable_put_candidates()->add_candidates() = MasonCandidate("c-" + std::to_string(i));
    ASSERT_TRUE(log.Append(record.SerializeAsString(), "w-" + std::to_string(i), absl::Seconds(1)).ok());
  }
  log.SetGate(false);
  InProcessServer a(ClusterOptions(&log, "a"));
  EXPECT_EQ(Health(a), HealthCheckResponse::NOT_SERVING);
  log.SetGate(true);
  ASSERT_TRUE(Eventually([&] { return Health(a) == HealthCheckResponse::SERVING; }));
  EXPECT_EQ(a.server().catalog().candidate_count(), 5);
}

}  // namespace
}  // namespace passerelle::server::node_server_test
