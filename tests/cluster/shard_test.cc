// Région shards (server/cluster/shard.h, engine/batch/shard_gather.h): one generated cohort written
// through one shared in-memory log to a node holding every région and to three shard nodes that together
// cover France. A national re-ranking and a national assignment gathered from the shards equal the full
// node's, including candidates who commute across a région border and openings with housing far away; a
// région-only re-ranking on its shard equals the same filter on the full node; a record that moves leaves
// its old shard; a shard skips the entries of other régions without rejecting them. The options and
// what one shard holds: shard_options_test.cc.
#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "engine/batch/cohort_assignment.h"
#include "engine/batch/rerank.h"
#include "engine/batch/shard_gather.h"
#include "engine/sample/cohort_generator.h"
#include "engine/scoring/profile.h"
#include "engine/store/catalog.h"
#include "engine/store/record_codec.h"
#include "gtest/gtest.h"
#include "passerelle/cluster_log.pb.h"
#include "server/cluster/nats/jetstream_log.h"
#include "server/cluster/node.h"
#include "server/cluster/shard.h"
#include "tests/cluster/fake_log.h"
#include "tests/cluster/nats_test_server.h"
#include "tests/common/temp_dir.h"
#include "tests/engine/test_fixtures.h"

namespace passerelle::cluster::shard_test {
namespace {

using ::passerelle::cluster::testing::FakeLog;
using ::passerelle::cluster::testing::NatsTestCluster;
using ::passerelle::engine::testing::SharedReferenceData;
using ::passerelle::tests::TempDir;

constexpr char kOrganisation[] = "sample";
// Every transport mode's default radius and the generator's explicit limits are within it.
constexpr double kReachKm = 50;

// Shard A holds Île-de-France, B the régions around it, C every other one.
const std::vector<std::string> kShardA = {"11"};
const std::vector<std::string> kShardB = {"24", "27", "28", "32", "44"};

// The régions of none of `shards`.
std::vector<std::string> OtherRegions(const std::vector<std::vector<std::string>>& shards = {kShardA, kShardB}) {
  std::vector<std::string> out;
  for (const engine::Region& region : SharedReferenceData()->regions()) {
    bool taken = false;
    for (const auto& list : shards) {
      for (const std::string& code : list) taken |= code == region.insee_code;
    }
    if (!taken) out.push_back(region.insee_code);
  }
  return out;
}

struct TestNode {
  std::unique_ptr<TempDir> dir;
  std::unique_ptr<engine::Catalog> catalog;
  std::unique_ptr<Node> node;
};

TestNode StartNode(ReplicatedLog* log, const std::string& id, const std::vector<std::string>& regions) {
  TestNode out;
  out.dir = std::make_unique<TempDir>("shard-" + id);
  engine::CatalogOptions catalog_options;
  catalog_options.erase_on_delete = false;
  auto catalog = engine::Catalog::Open(out.dir->path(), SharedReferenceData(), catalog_options);
  EXPECT_TRUE(catalog.ok()) << catalog.status();
  if (!catalog.ok()) return out;
  out.catalog = *std::move(catalog);
  NodeOptions options;
  options.node_id = id;
  options.poll_wait = absl::Milliseconds(20);
  options.clock = [] { return absl::FromUnixSeconds(1'780'000'000); };
  options.shard.regions = regions;
  options.shard.opening_reach_km = kReachKm;
  auto node = Node::Start(log, out.catalog.get(), options);
  EXPECT_TRUE(node.ok()) << node.status();
  if (node.ok()) out.node = *std::move(node);
  return out;
}

LogRecord PutCandidates(const std::vector<engine::Candidate>& candidates) {
  LogRecord record;
  record.set_organisation(kOrganisation);
  for (const engine::Candidate& c : candidates) {
    *record.mutable_put_candidates()->add_candidates() = engine::CandidateToProto(c);
  }
  return record;
}

LogRecord PutOpenings(const std::vector<engine::Opening>& openings) {
  LogRecord record;
  record.set_organisation(kOrganisation);
  for (const engine::Opening& o : openings) {
    v1::Opening* proto = record.mutable_put_openings()->add_openings();
    *proto = engine::OpeningToProto(o);
    proto->set_expires_on("2030-01-31");
  }
  return record;
}

// The cohort, written through `writer` in entries of 200 records.
void WriteCohort(Node* writer, const std::vector<engine::Candidate>& candidates,
                 const std::vector<engine::Opening>& openings) {
  for (size_t i = 0; i < openings.size(); i += 200) {
    std::vector<engine::Opening> part(openings.begin() + i, openings.begin() + std::min(openings.size(), i + 200));
    ASSERT_TRUE(writer->Write(PutOpenings(part)).ok());
  }
  for (size_t i = 0; i < candidates.size(); i += 200) {
    std::vector<engine::Candidate> part(candidates.begin() + i,
                                        candidates.begin() + std::min(candidates.size(), i + 200));
    ASSERT_TRUE(writer->Write(PutCandidates(part)).ok());
  }
}

std::vector<engine::CandidateRanking> RerankAll(const engine::Catalog& catalog, engine::RerankOptions options) {
  options.k = 10;
  std::vector<engine::CandidateRanking> out;
  absl::Status status = engine::Rerank(
      catalog.index(), engine::DefaultScoringProfile(), options,
      [&](engine::CandidateRanking ranking) { out.push_back(std::move(ranking)); }, [](const auto&) {});
  EXPECT_TRUE(status.ok()) << status;
  engine::SortRankings(out);
  return out;
}

void ExpectSameRankings(const std::vector<engine::CandidateRanking>& expected,
                        const std::vector<engine::CandidateRanking>& actual) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    ASSERT_EQ(actual[i].candidate_id, expected[i].candidate_id);
    ASSERT_EQ(actual[i].matches.size(), expected[i].matches.size()) << expected[i].candidate_id;
    for (size_t m = 0; m < expected[i].matches.size(); ++m) {
      EXPECT_EQ(actual[i].matches[m].id, expected[i].matches[m].id) << expected[i].candidate_id;
      EXPECT_EQ(actual[i].matches[m].total, expected[i].matches[m].total) << expected[i].candidate_id;
    }
  }
}

class ShardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const engine::ReferenceData& data = *SharedReferenceData();
    engine::CohortGenerator generator(SharedReferenceData(),
                                      engine::CohortOptions{.seed = 17, .candidates = 1500, .openings = 700});
    candidates_ = generator.Candidates();
    openings_ = generator.Openings();
    // Matches name openings by owner and id ("sample:open-000505").
    for (const engine::Opening& o : openings_) region_of_opening_[Qualified(o.id)] = RegionOf(o.commune_insee, data);
    full_ = StartNode(&log_, "full", {});
    shards_.push_back(StartNode(&log_, "a", kShardA));
    shards_.push_back(StartNode(&log_, "b", kShardB));
    shards_.push_back(StartNode(&log_, "c", OtherRegions()));
    ASSERT_NE(full_.node, nullptr);
    for (const TestNode& shard : shards_) ASSERT_NE(shard.node, nullptr);
    WriteCohort(full_.node.get(), candidates_, openings_);
    WaitAll();
  }

  void WaitAll() {
    const uint64_t last = log_.size();
    ASSERT_TRUE(full_.node->WaitApplied(last, absl::Seconds(30)).ok());
    for (const TestNode& shard : shards_) ASSERT_TRUE(shard.node->WaitApplied(last, absl::Seconds(30)).ok());
  }

  static std::string Qualified(const std::string& id) { return std::string(kOrganisation) + ":" + id; }

  static std::string RegionOf(const std::string& commune, const engine::ReferenceData& data) {
    return data.regions()[data.communes()[*data.FindCommune(commune)].region_index].insee_code;
  }

  std::vector<engine::Candidate> candidates_;
  std::vector<engine::Opening> openings_;
  std::map<std::string, std::string> region_of_opening_;
  FakeLog log_;
  TestNode full_;
  std::vector<TestNode> shards_;
};

TEST_F(ShardTest, ShardsHoldTheirShareAndRejectNothing) {
  size_t candidates_on_shards = 0;
  for (const TestNode& shard : shards_) {
    candidates_on_shards += shard.catalog->index().CandidateSnapshot()->live_rows;
    // Each shard holds fewer openings than France has: the filter is exercised, not a copy of everything.
    EXPECT_LT(shard.catalog->index().OpeningSnapshot()->live_rows, openings_.size());
    EXPECT_EQ(shard.node->rejected_entries(), 0);
    ASSERT_NE(shard.node->shard(), nullptr);
    EXPECT_EQ(shard.node->shard()->candidates_beyond_reach(), 0);
    EXPECT_EQ(shard.node->applied_sequence(), full_.node->applied_sequence());
  }
  EXPECT_EQ(full_.catalog->index().CandidateSnapshot()->live_rows, candidates_.size());
  EXPECT_EQ(candidates_on_shards, candidates_.size());  // each candidate on exactly one shard
}

TEST_F(ShardTest, NationalRerankGatheredFromShardsEqualsOneNode) {
  const std::vector<engine::CandidateRanking> expected = RerankAll(*full_.catalog, {});
  std::vector<std::vector<engine::CandidateRanking>> parts;
  for (const TestNode& shard : shards_) parts.push_back(RerankAll(*shard.catalog, {}));
  auto gathered = engine::MergeRankings(std::move(parts));
  ASSERT_TRUE(gathered.ok()) << gathered.status();
  ExpectSameRankings(expected, *gathered);

  // The cohort has what makes sharding hard: matches across a région border, and with housing far away.
  const engine::ReferenceData& data = *SharedReferenceData();
  int across_border = 0, housing_elsewhere = 0;
  std::set<std::string> housing_ids;
  for (const engine::Opening& o : openings_) {
    if (o.housing_provided) housing_ids.insert(Qualified(o.id));
  }
  for (const engine::CandidateRanking& ranking : expected) {
    const std::string region = RegionOf(ranking.candidate->record.commune_insee, data);
    for (const engine::ScoredMatch& match : ranking.matches) {
      auto opening_region = region_of_opening_.find(match.id);
      ASSERT_NE(opening_region, region_of_opening_.end()) << match.id;
      if (opening_region->second == region) continue;
      if (housing_ids.count(match.id) != 0 && match.distance_km > kReachKm) {
        ++housing_elsewhere;
      } else {
        ++across_border;
      }
    }
  }
  EXPECT_GT(across_border, 0);
  EXPECT_GT(housing_elsewhere, 0);
}

TEST_F(ShardTest, RegionRerankOnItsShardEqualsTheSameFilterOnOneNode) {
  engine::RerankOptions options;
  options.departements = {"75", "77", "78", "91", "92", "93", "94", "95"};  // Île-de-France
  const std::vector<engine::CandidateRanking> expected = RerankAll(*full_.catalog, options);
  ASSERT_GT(expected.size(), 100u);
  ExpectSameRankings(expected, RerankAll(*shards_[0].catalog, options));
}

TEST_F(ShardTest, NationalAssignmentGatheredFromShardsEqualsOneNode) {
  engine::CohortAssignmentOptions options;
  options.openings_per_candidate = 20;
  options.assignment.reserved_share = 0.2;
  options.reserve_for.french_below = engine::CefrLevel::kA2;
  for (auto mechanism : {engine::AssignmentMechanism::kOptimal, engine::AssignmentMechanism::kStableDeferredAcceptance}) {
    options.assignment.mechanism = mechanism;
    auto expected = engine::AssignCohort(full_.catalog->index(), engine::DefaultScoringProfile(), options);
    ASSERT_TRUE(expected.ok()) << expected.status();
    ASSERT_GT(expected->placements.size(), 50u);
    std::vector<engine::CohortPools> parts;
    for (const TestNode& shard : shards_) {
      auto part = engine::PoolCohort(shard.catalog->index(), engine::DefaultScoringProfile(), options);
      ASSERT_TRUE(part.ok()) << part.status();
      parts.push_back(*std::move(part));
    }
    auto pools = engine::MergePools(std::move(parts));
    ASSERT_TRUE(pools.ok()) << pools.status();
    auto gathered = engine::AssignPools(*pools, options);
    ASSERT_TRUE(gathered.ok()) << gathered.status();

    ASSERT_EQ(gathered->placements.size(), expected->placements.size());
    for (size_t i = 0; i < expected->placements.size(); ++i) {
      EXPECT_EQ(gathered->placements[i].candidate_id, expected->placements[i].candidate_id);
      EXPECT_EQ(gathered->placements[i].opening_id, expected->placements[i].opening_id);
      EXPECT_EQ(gathered->placements[i].score, expected->placements[i].score);
    }
    ASSERT_EQ(gathered->left_out.size(), expected->left_out.size());
    for (size_t i = 0; i < expected->left_out.size(); ++i) {
      EXPECT_EQ(gathered->left_out[i].candidate_id, expected->left_out[i].candidate_id);
      EXPECT_EQ(gathered->left_out[i].reason, expected->left_out[i].reason);
    }
    EXPECT_EQ(gathered->opening_count, expected->opening_count);
    EXPECT_EQ(gathered->pool_pairs, expected->pool_pairs);
    EXPECT_EQ(gathered->report.assigned_count, expected->report.assigned_count);
    EXPECT_EQ(gathered->report.cohort_assigned_count, expected->report.cohort_assigned_count);
    EXPECT_EQ(gathered->report.total_score, expected->report.total_score);
    EXPECT_EQ(gathered->report.position_count, expected->report.position_count);
    EXPECT_EQ(gathered->report.positions_left_empty, expected->report.positions_left_empty);
    EXPECT_EQ(gathered->report.positions_reserved, expected->report.positions_reserved);
    ASSERT_TRUE(gathered->greedy_baseline.has_value());
    EXPECT_EQ(gathered->greedy_baseline->total_score, expected->greedy_baseline->total_score);
    ASSERT_EQ(gathered->placement_exposure.size(), expected->placement_exposure.size());
    EXPECT_EQ(gathered->rerank.candidates_done, expected->rerank.candidates_done);
  }
}

TEST_F(ShardTest, RegionAssignmentOnItsShardPlacesAsOneNode) {
  engine::CohortAssignmentOptions options;
  options.departements = {"75", "77", "78", "91", "92", "93", "94", "95"};
  options.openings_per_candidate = 20;
  auto expected = engine::AssignCohort(full_.catalog->index(), engine::DefaultScoringProfile(), options);
  auto on_shard = engine::AssignCohort(shards_[0].catalog->index(), engine::DefaultScoringProfile(), options);
  ASSERT_TRUE(expected.ok()) << expected.status();
  ASSERT_TRUE(on_shard.ok()) << on_shard.status();
  ASSERT_GT(expected->placements.size(), 20u);
  ASSERT_EQ(on_shard->placements.size(), expected->placements.size());
  for (size_t i = 0; i < expected->placements.size(); ++i) {
    EXPECT_EQ(on_shard->placements[i].candidate_id, expected->placements[i].candidate_id);
    EXPECT_EQ(on_shard->placements[i].opening_id, expected->placements[i].opening_id);
  }
  EXPECT_EQ(on_shard->report.total_score, expected->report.total_score);
  EXPECT_EQ(on_shard->left_out.size(), expected->left_out.size());
  // The openings in scope are those the node holds (docs/cluster.md, "Batch work on shards").
  EXPECT_LT(on_shard->opening_count, expected->opening_count);
}

TEST_F(ShardTest, AMoveLeavesTheOldShardAndAGatherWithOverlapIsRefused) {
  // A candidate of Île-de-France moves to Lyon: shard A drops its copy, shard C takes it.
  engine::Candidate moved;
  for (const engine::Candidate& c : candidates_) {
    if (RegionOf(c.commune_insee, *SharedReferenceData()) == "11") {
      moved = c;
      break;
    }
  }
  ASSERT_FALSE(moved.id.empty());
  const size_t on_a = shards_[0].catalog->index().CandidateSnapshot()->live_rows;
  const size_t on_c = shards_[2].catalog->index().CandidateSnapshot()->live_rows;
  moved.commune_insee = "69123";
  auto put = full_.node->Write(PutCandidates({moved}));
  ASSERT_TRUE(put.ok()) << put.status();
  WaitAll();
  EXPECT_EQ(shards_[0].catalog->index().CandidateSnapshot()->live_rows, on_a - 1);
  EXPECT_EQ(shards_[2].catalog->index().CandidateSnapshot()->live_rows, on_c + 1);
  EXPECT_FALSE(shards_[0].catalog->GetCandidate(kOrganisation, moved.id).ok());
  EXPECT_TRUE(shards_[2].catalog->GetCandidate(kOrganisation, moved.id).ok());
  // Its delete, applied by shards that do not hold it, is not a rejection there.
  LogRecord remove;
  remove.set_organisation(kOrganisation);
  remove.mutable_delete_candidate()->set_id(moved.id);
  ASSERT_TRUE(full_.node->Write(remove).ok());
  WaitAll();
  for (const TestNode& shard : shards_) EXPECT_EQ(shard.node->rejected_entries(), 0);
  EXPECT_EQ(shards_[2].catalog->index().CandidateSnapshot()->live_rows, on_c);

  // The same shard gathered twice is an overlap: refused, not a list with a candidate twice.
  std::vector<std::vector<engine::CandidateRanking>> parts;
  parts.push_back(RerankAll(*shards_[0].catalog, {}));
  parts.push_back(RerankAll(*shards_[0].catalog, {}));
  EXPECT_EQ(engine::MergeRankings(std::move(parts)).status().code(), absl::StatusCode::kFailedPrecondition);
}

// The same over a real nats-server (one server, one replica): the shards read the JetStream log as the
// full node does and the gathered national re-rank is the same.
TEST(ShardJetStreamTest, NationalRerankOverARealLogEqualsOneNode) {
  if (NatsTestCluster::BinaryPath().empty()) GTEST_SKIP() << "nats-server is not installed";
  auto servers = NatsTestCluster::Start(1);
  ASSERT_TRUE(servers.ok()) << servers.status();
  nats::JetStreamLogOptions log_options;
  log_options.connection.servers = (*servers)->Servers();
  log_options.replicas = 1;
  log_options.file_storage = false;
  auto log = nats::JetStreamLog::Open(log_options);
  ASSERT_TRUE(log.ok()) << log.status();
  engine::CohortGenerator generator(SharedReferenceData(),
                                    engine::CohortOptions{.seed = 5, .candidates = 400, .openings = 200});
  std::vector<TestNode> nodes;
  nodes.push_back(StartNode(log->get(), "full", {}));
  nodes.push_back(StartNode(log->get(), "a", kShardA));
  nodes.push_back(StartNode(log->get(), "rest", OtherRegions({kShardA})));
  for (const TestNode& node : nodes) ASSERT_NE(node.node, nullptr);
  WriteCohort(nodes[0].node.get(), generator.Candidates(), generator.Openings());
  auto last = (*log)->LastSequence(absl::Seconds(5));
  ASSERT_TRUE(last.ok()) << last.status();
  for (const TestNode& node : nodes) ASSERT_TRUE(node.node->WaitApplied(*last, absl::Seconds(30)).ok());

  const std::vector<engine::CandidateRanking> expected = RerankAll(*nodes[0].catalog, {});
  ASSERT_EQ(expected.size(), 400u);
  std::vector<std::vector<engine::CandidateRanking>> parts;
  parts.push_back(RerankAll(*nodes[1].catalog, {}));
  parts.push_back(RerankAll(*nodes[2].catalog, {}));
  EXPECT_GT(parts[0].size(), 0u);
  EXPECT_GT(parts[1].size(), 0u);
  auto gathered = engine::MergeRankings(std::move(parts));
  ASSERT_TRUE(gathered.ok()) << gathered.status();
  ExpectSameRankings(expected, *gathered);
  nodes.clear();  // the nodes stop reading before the log closes
}

}  // namespace
}  // namespace passerelle::cluster::shard_test
