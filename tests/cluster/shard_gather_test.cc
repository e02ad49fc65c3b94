// National batches gathered over gRPC from région shards (clients/shard_gather.h, the code behind
// `passerelle rerank --shards` and `passerelle assign --shards`): three in-process passerelle-server nodes
// over one in-memory log, one holding every région and two shards (Île-de-France; the rest) with a 50 km
// opening reach. The gathered re-rank and assignments equal the full node's answers; overlapping shards
// are refused; a pools_only Assign answers pools and no assignment.
#include <algorithm>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "clients/session.h"
#include "clients/shard_gather.h"
#include "engine/sample/cohort_generator.h"
#include "engine/store/record_codec.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "passerelle/cluster_log.pb.h"
#include "passerelle/v1/access.grpc.pb.h"
#include "tests/cluster/cluster_node_options.h"
#include "tests/cluster/fake_log.h"
#include "tests/server/test_util.h"

namespace passerelle::server::shard_gather_test {
namespace {

using ::passerelle::cluster::testing::FakeLog;
using ::passerelle::server::testing::ClusterNodeOptions;
using ::passerelle::server::testing::InProcessServer;
using ::passerelle::server::testing::SharedReferenceData;
using ::google::protobuf::util::MessageDifferencer;

constexpr char kOrganisation[] = "sample";

ServerOptions NodeOptions(FakeLog* log, const std::string& node_id, std::vector<std::string> regions) {
  ServerOptions options = ClusterNodeOptions(log, node_id);
  options.cluster_node.shard.regions = std::move(regions);
  options.cluster_node.shard.opening_reach_km = 50;
  return options;
}

std::vector<std::string> RegionsOtherThanIleDeFrance() {
  std::vector<std::string> out;
  for (const engine::Region& region : SharedReferenceData()->regions()) {
    if (region.insee_code != "11") out.push_back(region.insee_code);
  }
  return out;
}

class ShardGatherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    full_ = std::make_unique<InProcessServer>(NodeOptions(&log_, "full", {}));
    shards_.push_back(std::make_unique<InProcessServer>(NodeOptions(&log_, "a", {"11"})));
    shards_.push_back(std::make_unique<InProcessServer>(NodeOptions(&log_, "b", RegionsOtherThanIleDeFrance())));
    // Created over Access, so that it goes through the log and every node knows it.
    grpc::ClientContext key_context;
    v1::CreateKeyRequest create;
    create.set_organisation(kOrganisation);
    create.set_role("batch");
    create.set_ttl_seconds(3600);
    v1::CreateKeyResponse created;
    const grpc::Status key_status = full_->AccessStub(full_->admin_key())->CreateKey(&key_context, create, &created);
    ASSERT_TRUE(key_status.ok()) << key_status.error_message();
    key_ = created.secret();
    engine::CohortGenerator generator(SharedReferenceData(),
                                      engine::CohortOptions{.seed = 23, .candidates = 600, .openings = 300});
    cluster::LogRecord openings;
    openings.set_organisation(kOrganisation);
    for (const engine::Opening& o : generator.Openings()) {
      v1::Opening* proto = openings.mutable_put_openings()->add_openings();
      *proto = engine::OpeningToProto(o);
      proto->set_expires_on("2030-01-31");
    }
    cluster::LogRecord candidates;
    candidates.set_organisation(kOrganisation);
    for (const engine::Candidate& c : generator.Candidates()) {
      *candidates.mutable_put_candidates()->add_candidates() = engine::CandidateToProto(c);
    }
    cluster::Node* writer = full_->server().cluster_node();
    ASSERT_NE(writer, nullptr);
    ASSERT_TRUE(writer->Write(openings).ok());
    ASSERT_TRUE(writer->Write(candidates).ok());
    for (InProcessServer* node : Nodes()) {
      ASSERT_TRUE(node->server().cluster_node()->WaitApplied(log_.size(), absl::Seconds(30)).ok());
    }
    full_session_ = NewSession(*full_);
    for (const auto& shard : shards_) shard_sessions_.push_back(NewSession(*shard));
  }

  std::vector<InProcessServer*> Nodes() { return {full_.get(), shards_[0].get(), shards_[1].get()}; }

  std::unique_ptr<clients::Session> NewSession(InProcessServer& node) {
    clients::SessionOptions options;
    options.server = node.address();
    options.key = key_;
    return std::make_unique<clients::Session>(options, out_, err_);
  }

  std::vector<clients::Session*> Shards() { return {shard_sessions_[0].get(), shard_sessions_[1].get()}; }

  v1::AssignResponse AssignOnFull(const v1::AssignRequest& request) {
    std::unique_ptr<grpc::ClientContext> context = full_session_->NewContext(/*with_deadline=*/false);
    v1::AssignResponse response;
    const grpc::Status status = full_session_->matching().Assign(context.get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  FakeLog log_;
  std::unique_ptr<InProcessServer> full_;
  std::vector<std::unique_ptr<InProcessServer>> shards_;
  std::string key_;
  std::ostringstream out_, err_;
  std::unique_ptr<clients::Session> full_session_;
  std::vector<std::unique_ptr<clients::Session>> shard_sessions_;
};

// Every field but the work counts: a shard scores fewer pairs than a full node, and times differ.
void ExpectSameAssignment(const v1::AssignResponse& expected, const v1::AssignResponse& actual) {
  MessageDifferencer differ;
  const google::protobuf::Descriptor* d = v1::AssignResponse::descriptor();
  for (const char* field : {"pairs_scored", "pairs_pruned", "rerank_seconds", "assignment_seconds"}) {
    differ.IgnoreField(d->FindFieldByName(field));
  }
  std::string diff;
  differ.ReportDifferencesToString(&diff);
  EXPECT_TRUE(differ.Compare(expected, actual)) << diff;
}

TEST_F(ShardGatherTest, GatheredRerankEqualsTheFullNodes) {
  v1::RerankRequest request;
  request.set_k(10);
  std::unique_ptr<grpc::ClientContext> context = full_session_->NewContext(/*with_deadline=*/false);
  auto reader = full_session_->matching().Rerank(context.get(), request);
  std::vector<v1::CandidateRanking> expected;
  v1::RerankResponse response;
  while (reader->Read(&response)) {
    if (response.has_ranking()) expected.push_back(response.ranking());
  }
  ASSERT_TRUE(reader->Finish().ok());
  std::sort(expected.begin(), expected.end(),
            [](const auto& a, const auto& b) { return a.candidate_id() < b.candidate_id(); });

  absl::StatusOr<clients::GatheredRerank> gathered = clients::GatherRerank(Shards(), request, false);
  ASSERT_TRUE(gathered.ok()) << gathered.status();
  ASSERT_EQ(gathered->rankings.size(), 600u);
  ASSERT_EQ(gathered->rankings.size(), expected.size());
  int with_matches = 0;
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_TRUE(MessageDifferencer::Equals(expected[i], gathered->rankings[i])) << expected[i].candidate_id();
    with_matches += expected[i].matches_size() > 0;
  }
  EXPECT_GT(with_matches, 100);  // the comparison covers real rankings, not empty ones
  EXPECT_EQ(gathered->progress.candidates_done(), 600);
  EXPECT_TRUE(gathered->progress.done());
}

TEST_F(ShardGatherTest, GatheredAssignmentsEqualTheFullNodes) {
  v1::AssignRequest optimal;
  optimal.set_reserved_share(0.2);
  optimal.mutable_reserve_for()->set_french_below(v1::CEFR_LEVEL_A2);
  v1::AssignRequest stable;
  stable.set_mechanism(v1::ASSIGNMENT_MECHANISM_STABLE);
  stable.set_max_proposals_per_opening(5);
  stable.set_max_left_out_listed(20);
  for (const v1::AssignRequest& request : {optimal, stable}) {
    const v1::AssignResponse expected = AssignOnFull(request);
    ASSERT_GT(expected.assignments_size(), 50);
    absl::StatusOr<v1::AssignResponse> gathered = clients::GatherAssign(Shards(), request, false);
    ASSERT_TRUE(gathered.ok()) << gathered.status();
    ExpectSameAssignment(expected, *gathered);
  }
}

TEST_F(ShardGatherTest, OverlappingShardsAreRefused) {
  // The full node and a shard both hold Île-de-France's candidates.
  const std::vector<clients::Session*> overlapping = {full_session_.get(), shard_sessions_[0].get()};
  absl::StatusOr<clients::GatheredRerank> rerank = clients::GatherRerank(overlapping, v1::RerankRequest(), false);
  EXPECT_EQ(rerank.status().code(), absl::StatusCode::kFailedPrecondition) << rerank.status();
  absl::StatusOr<v1::AssignResponse> assign = clients::GatherAssign(overlapping, v1::AssignRequest(), false);
  EXPECT_EQ(assign.status().code(), absl::StatusCode::kFailedPrecondition) << assign.status();
}

TEST_F(ShardGatherTest, PoolsOnlyAnswersPoolsAndNoAssignment) {
  v1::AssignRequest request;
  request.set_pools_only(true);
  request.set_openings_per_candidate(5);
  std::unique_ptr<grpc::ClientContext> context = shard_sessions_[0]->NewContext(/*with_deadline=*/false);
  v1::AssignResponse response;
  const grpc::Status status = shard_sessions_[0]->matching().Assign(context.get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.assignments_size(), 0);
  EXPECT_EQ(response.report().candidate_count(), 0);
  ASSERT_GT(response.pools().candidates_size(), 0);
  for (const v1::PooledCandidate& c : response.pools().candidates()) {
    EXPECT_EQ(c.candidate_id().find(':'), std::string::npos);  // the caller's own ids
    EXPECT_LE(c.opening_indices_size(), 5);
    EXPECT_EQ(c.opening_indices_size(), c.scores_size());
    EXPECT_EQ(c.groups_size(), 4);
  }
  EXPECT_EQ(response.pools().opening_ids_size(), response.pools().opening_positions_size());
  EXPECT_GT(response.pairs_scored(), 0);
}

}  // namespace
}  // namespace passerelle::server::shard_gather_test
