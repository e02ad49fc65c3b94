// The scalar peer (benchmarks/peers) against the engine's kernels on a generated cohort, in both
// directions: the benchmarks' side-by-side check as a CTest test, so a kernel that drifts from the
// model fails `ctest` and not only a benchmark run.
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "benchmarks/peers/scalar_peer.h"
#include "engine/index/match_index.h"
#include "engine/refdata/reference_data.h"
#include "engine/sample/cohort_generator.h"
#include "gtest/gtest.h"

namespace passerelle::benchmarks {
namespace {

constexpr float kTolerance = 1e-4f;
constexpr int kK = 20;

class ScalarPeerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto data = engine::ReferenceData::Load(engine::ReferenceData::DefaultDataDir());
    ASSERT_TRUE(data.ok()) << data.status();
    world_ = new World;
    world_->index = std::make_unique<engine::MatchIndex>(*data);
    world_->peer = std::make_unique<ScalarPeer>(world_->index->relations(), engine::DefaultScoringProfile());
    engine::CohortOptions options;
    options.candidates = 3000;
    options.openings = 300;
    engine::CohortGenerator generator(*data, options);
    for (int64_t i = 0; i < options.candidates; ++i) {
      auto c = world_->index->ResolveCandidate(generator.MakeCandidate(i));
      ASSERT_TRUE(c.ok()) << c.status();
      world_->candidates.push_back(*c);
      world_->peer->AddCandidate(*c);
    }
    for (int64_t i = 0; i < options.openings; ++i) {
      auto o = world_->index->ResolveOpening(generator.MakeOpening(i));
      ASSERT_TRUE(o.ok()) << o.status();
      world_->openings.push_back(*o);
      world_->peer->AddOpening(*o);
    }
    // In several batches, as the store loads them, so that the kernels walk more than one segment.
    for (size_t i = 0; i < world_->candidates.size(); i += 1024) {
      world_->index->UpsertCandidates(absl::MakeConstSpan(world_->candidates).subspan(i, 1024));
    }
    world_->index->UpsertOpenings(world_->openings);
  }
  static void TearDownTestSuite() {
    delete world_;
    world_ = nullptr;
  }

  struct World {
    std::unique_ptr<engine::MatchIndex> index;
    std::unique_ptr<ScalarPeer> peer;
    std::vector<std::shared_ptr<const engine::ResolvedCandidate>> candidates;
    std::vector<std::shared_ptr<const engine::ResolvedOpening>> openings;
  };
  static World* world_;
};

ScalarPeerTest::World* ScalarPeerTest::world_ = nullptr;

engine::MatchQuery Query() {
  engine::MatchQuery q;
  q.k = kK;
  q.explain = false;
  return q;
}

// Same scores rank by rank, each id's score equal on both sides, and the same ids clearly above the k-th
// score (at the k-th score, ids within float tolerance of each other may swap places).
void ExpectSameTopK(const std::vector<engine::ScoredMatch>& engine, const std::vector<PeerMatch>& peer,
                    const std::string& query) {
  ASSERT_EQ(engine.size(), peer.size()) << query;
  std::map<std::string, float> peer_scores;
  for (const PeerMatch& m : peer) peer_scores[m.id] = m.score;
  for (size_t i = 0; i < engine.size(); ++i) {
    EXPECT_NEAR(engine[i].total, peer[i].score, kTolerance) << query << " rank " << i;
    const bool above_cut = engine[i].total > engine.back().total + kTolerance;
    const auto it = peer_scores.find(engine[i].id);
    if (above_cut) {
      ASSERT_NE(it, peer_scores.end()) << query << ": " << engine[i].id << " missing from the peer's top-k";
    }
    if (it != peer_scores.end()) {
      EXPECT_NEAR(engine[i].total, it->second, kTolerance) << query << " " << engine[i].id;
    }
  }
}

TEST_F(ScalarPeerTest, MatchCandidatesAgreesForEveryOpening) {
  int non_empty = 0;
  for (const auto& opening : world_->openings) {
    auto result = world_->index->MatchCandidatesFor(*opening, Query(), engine::DefaultScoringProfile());
    ASSERT_TRUE(result.ok()) << result.status();
    ExpectSameTopK(result->matches, world_->peer->MatchCandidates(*opening, kK), opening->id());
    non_empty += !result->matches.empty();
  }
  // A cohort where nobody matches would make the comparison empty.
  EXPECT_GT(non_empty, static_cast<int>(world_->openings.size()) / 2);
}

TEST_F(ScalarPeerTest, MatchOpeningsAgreesForCandidates) {
  int non_empty = 0;
  for (size_t i = 0; i < world_->candidates.size(); i += 7) {
    const auto& candidate = world_->candidates[i];
    auto result = world_->index->MatchOpeningsFor(*candidate, Query(), engine::DefaultScoringProfile());
    ASSERT_TRUE(result.ok()) << result.status();
    ExpectSameTopK(result->matches, world_->peer->MatchOpenings(*candidate, kK), candidate->id());
    non_empty += !result->matches.empty();
  }
  EXPECT_GT(non_empty, 0);
}

TEST_F(ScalarPeerTest, PairScoresAgreeWithTheKernel) {
  // Every match the kernel returns for the first opening with matches scores the same one pair at a
  // time in the peer.
  std::map<std::string, const engine::ResolvedCandidate*> by_id;
  for (const auto& c : world_->candidates) by_id[c->id()] = c.get();
  for (const auto& opening : world_->openings) {
    auto result = world_->index->MatchCandidatesFor(*opening, Query(), engine::DefaultScoringProfile());
    ASSERT_TRUE(result.ok()) << result.status();
    if (result->matches.empty()) continue;
    for (const engine::ScoredMatch& m : result->matches) {
      const std::optional<float> peer = world_->peer->ScorePair(*by_id.at(m.id), *opening);
      ASSERT_TRUE(peer.has_value()) << m.id << " is eligible for the kernel, not for the peer";
      EXPECT_NEAR(m.total, *peer, kTolerance) << m.id;
    }
    return;
  }
  FAIL() << "no opening has a match";
}

TEST_F(ScalarPeerTest, RoutesDatedFromTodayAgreeWithTheKernel) {
  // With the query's day set, routes start from it (not from available_from): a peer told the same day
  // gives the same top-k, and some of those pairs are on a route (their readiness moved).
  const engine::Day today = engine::CohortOptions{}.reference_day + 30;
  ScalarPeer peer(world_->index->relations(), engine::DefaultScoringProfile(), today);
  for (const auto& o : world_->openings) peer.AddOpening(o);
  engine::MatchQuery query = Query();
  query.today = today;
  int routed = 0;
  for (size_t i = 0; i < world_->candidates.size(); i += 11) {
    const auto& candidate = world_->candidates[i];
    auto result = world_->index->MatchOpeningsFor(*candidate, query, engine::DefaultScoringProfile());
    ASSERT_TRUE(result.ok()) << result.status();
    ExpectSameTopK(result->matches, peer.MatchOpenings(*candidate, kK), candidate->id());
    for (const engine::ScoredMatch& m : result->matches) routed += m.ready_day > candidate->record.available_from;
  }
  EXPECT_GT(routed, 0);
}

}  // namespace
}  // namespace passerelle::benchmarks
