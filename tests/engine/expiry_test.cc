// Expired openings stop matching at query time (MatchQuery::today): in both directions, near-misses
// included, in Explain (OPENING_EXPIRED), in re-ranking, and in the scalar peer; today = 0 applies no rule.
#include <string>
#include <vector>

#include "benchmarks/peers/scalar_peer.h"
#include "engine/batch/rerank.h"
#include "engine/index/match_index.h"
#include "engine/model/dates.h"
#include "gtest/gtest.h"
#include "tests/engine/test_fixtures.h"

namespace passerelle::engine::expiry_test {
namespace {

using ::passerelle::engine::testing::MasonCandidate;
using ::passerelle::engine::testing::SharedReferenceData;

// The fixture's opening without its French requirement, so that the pair fails only what a test adds.
Opening MasonOpening(std::string id) {
  Opening o = testing::MasonOpening(std::move(id));
  o.french_requirement = Requirement::kNone;
  return o;
}

class ExpiryTest : public ::testing::Test {
 protected:
  ExpiryTest() : index_(SharedReferenceData()) {
    Candidate c = MasonCandidate();
    Put(c);
    Opening open = MasonOpening("open-live");
    open.expires_on = kToday;  // its last day: still open today
    Put(open);
    Opening expired = MasonOpening("open-expired");
    expired.expires_on = kToday - 1;
    Put(expired);
    Opening far = MasonOpening("open-expired-far");  // a near-miss (too far) when not expired
    far.commune_insee = testing::kLyon;
    far.expires_on = kToday - 30;
    Put(far);
  }
  void Put(const Candidate& c) {
    auto r = index_.ResolveCandidate(c);
    ASSERT_TRUE(r.ok()) << r.status();
    index_.UpsertCandidates({*r});
  }
  void Put(const Opening& o) {
    auto r = index_.ResolveOpening(o);
    ASSERT_TRUE(r.ok()) << r.status();
    index_.UpsertOpenings({*r});
  }
  static std::vector<std::string> Ids(const std::vector<ScoredMatch>& matches) {
    std::vector<std::string> ids;
    for (const ScoredMatch& m : matches) ids.push_back(m.id);
    return ids;
  }
  MatchQuery Query(Day today) {
    MatchQuery q;
    q.near_misses = 5;
    q.today = today;
    return q;
  }

  const Day kToday = DayFromCivil(2026, 3, 2);  // before index_: the constructor reads it
  MatchIndex index_;
  ScoringProfile profile_ = DefaultScoringProfile();
};

TEST_F(ExpiryTest, MatchOpeningsLeavesExpiredOutOfMatchesAndNearMisses) {
  auto result = index_.MatchOpenings("cand-mason", Query(kToday), profile_);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(Ids(result->matches), std::vector<std::string>{"open-live"});
  EXPECT_TRUE(result->near_misses.empty());

  // Without a day, expiry is not judged: both Bobigny openings match, Lyon is a near-miss (too far).
  result = index_.MatchOpenings("cand-mason", Query(0), profile_);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->matches.size(), 2u);
  EXPECT_EQ(Ids(result->near_misses), std::vector<std::string>{"open-expired-far"});

  // Without near-misses (the row-selected path) the same matches.
  MatchQuery q = Query(kToday);
  q.near_misses = 0;
  result = index_.MatchOpenings("cand-mason", q, profile_);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(Ids(result->matches), std::vector<std::string>{"open-live"});
}

TEST_F(ExpiryTest, MatchCandidatesOfAnExpiredOpeningFindsNobody) {
  auto result = index_.MatchCandidates("open-expired", Query(kToday), profile_);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->matches.empty());
  EXPECT_TRUE(result->near_misses.empty());
  result = index_.MatchCandidates("open-live", Query(kToday), profile_);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(Ids(result->matches), std::vector<std::string>{"cand-mason"});
  result = index_.MatchCandidates("open-expired", Query(kToday - 1), profile_);  // its last day
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(Ids(result->matches), std::vector<std::string>{"cand-mason"});
}

TEST_F(ExpiryTest, ExplainSaysTheOpeningExpiredAndWhen) {
  auto e = index_.Explain("cand-mason", "open-expired", profile_, kToday);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_FALSE(e->eligible);
  EXPECT_FALSE(e->near_miss);
  ASSERT_EQ(e->blockers.size(), 1u);
  EXPECT_EQ(e->blockers[0].code, "OPENING_EXPIRED");
  EXPECT_FALSE(e->blockers[0].relaxable);
  EXPECT_EQ(e->blockers[0].reason.fr, "Offre expirée (dernier jour : 2026-03-01)");
  EXPECT_EQ(e->blockers[0].reason.en, "Opening expired (last day: 2026-03-01)");
  // The score is untouched: expiry is a filter, not a criterion.
  auto unknown_day = index_.Explain("cand-mason", "open-expired", profile_);
  ASSERT_TRUE(unknown_day.ok());
  EXPECT_TRUE(unknown_day->eligible);
  EXPECT_FLOAT_EQ(unknown_day->total, e->total);
}

TEST_F(ExpiryTest, RerankLeavesExpiredOpeningsOut) {
  RerankOptions options;
  options.today = kToday;
  std::vector<std::string> ids;
  auto status = Rerank(index_, profile_, options, [&](CandidateRanking r) {
    for (const ScoredMatch& m : r.matches) ids.push_back(m.id);
  }, [](const RerankProgress&) {});
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(ids, std::vector<std::string>{"open-live"});
}

TEST_F(ExpiryTest, ScalarPeerAgrees) {
  const OccupationRelations relations(*SharedReferenceData());
  benchmarks::ScalarPeer peer(relations, profile_, kToday);
  auto c = index_.FindCandidate("cand-mason");
  auto expired = index_.FindOpening("open-expired");
  auto live = index_.FindOpening("open-live");
  ASSERT_TRUE(c && expired && live);
  EXPECT_FALSE(peer.ScorePair(*c, *expired).has_value());
  ASSERT_TRUE(peer.ScorePair(*c, *live).has_value());
  benchmarks::ScalarPeer no_day(relations, profile_);
  EXPECT_TRUE(no_day.ScorePair(*c, *expired).has_value());
}

}  // namespace
}  // namespace passerelle::engine::expiry_test
