// Candidate visibility (MatchQuery::visibility, RerankOptions::visibility): a restricted query sees only
// the listed owners' candidates and, when asked, those shared with employers; an unrestricted one sees
// everyone, exactly as before.
#include <set>
#include <string>

#include "engine/batch/rerank.h"
#include "engine/index/match_index.h"
#include "engine/model/candidate_pack.h"
#include "gtest/gtest.h"
#include "tests/engine/test_fixtures.h"

namespace passerelle::engine::visibility_test {
namespace {

using ::passerelle::engine::testing::MasonCandidate;
using ::passerelle::engine::testing::MasonOpening;
using ::passerelle::engine::testing::SharedReferenceData;

// Ids with a ':' as the trust work qualifies them ("<organisation>:<id>").
Candidate Owned(const std::string& id, const std::string& owner, bool shared) {
  Candidate c = MasonCandidate(owner + ":" + id);
  c.owner_id = owner;
  c.shared_with_employers = shared;
  c.french_level = CefrLevel::kB1;  // the opening requires B1: eligible
  return c;
}

std::set<std::string> Ids(const std::vector<ScoredMatch>& matches) {
  std::set<std::string> ids;
  for (const ScoredMatch& m : matches) ids.insert(m.id);
  return ids;
}

class VisibilityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    index_ = std::make_unique<MatchIndex>(SharedReferenceData());
    for (const Candidate& c : {Owned("a1", "asso-a", false), Owned("a2", "asso-a", true),
                               Owned("b1", "asso-b", false), Owned("b2", "asso-b", true),
                               Owned("c1", "asso-c", false)}) {
      auto resolved = index_->ResolveCandidate(c);
      ASSERT_TRUE(resolved.ok()) << resolved.status();
      index_->UpsertCandidates({*resolved});
    }
    // One far candidate who would move: a near-miss for an opening without housing.
    Candidate far = Owned("far", "asso-b", false);
    far.commune_insee = testing::kLyon;
    far.relocation_accepted = true;
    index_->UpsertCandidates({*index_->ResolveCandidate(far)});
    Opening o = MasonOpening();
    o.housing_provided = false;
    index_->UpsertOpenings({*index_->ResolveOpening(o)});
  }

  MatchResult Match(CandidateVisibility visibility) {
    MatchQuery q;
    q.k = 20;
    q.near_misses = 5;
    q.visibility = std::move(visibility);
    auto result = index_->MatchCandidates("open-bobigny", q, DefaultScoringProfile());
    EXPECT_TRUE(result.ok()) << result.status();
    return *result;
  }

  std::unique_ptr<MatchIndex> index_;
};

TEST_F(VisibilityTest, UnrestrictedSeesEveryone) {
  const MatchResult all = Match({});
  EXPECT_EQ(Ids(all.matches), (std::set<std::string>{"asso-a:a1", "asso-a:a2", "asso-b:b1", "asso-b:b2", "asso-c:c1"}));
  EXPECT_EQ(Ids(all.near_misses), (std::set<std::string>{"asso-b:far"}));
  EXPECT_EQ(all.eligible, 5);
}

TEST_F(VisibilityTest, RestrictedSeesOnlyItsOwners) {
  const MatchResult own = Match({.restricted = true, .owner_ids = {"asso-a"}});
  EXPECT_EQ(Ids(own.matches), (std::set<std::string>{"asso-a:a1", "asso-a:a2"}));
  EXPECT_TRUE(own.near_misses.empty());
  EXPECT_EQ(own.eligible, 2);

  const MatchResult two = Match({.restricted = true, .owner_ids = {"asso-a", "asso-b"}});
  EXPECT_EQ(Ids(two.matches), (std::set<std::string>{"asso-a:a1", "asso-a:a2", "asso-b:b1", "asso-b:b2"}));
  EXPECT_EQ(Ids(two.near_misses), (std::set<std::string>{"asso-b:far"}));
}

TEST_F(VisibilityTest, SharedCandidatesAreVisibleOnlyWhenAsked) {
  const MatchResult employer = Match({.restricted = true, .owner_ids = {"employer-x"},
                                      .include_shared_with_employers = true});
  EXPECT_EQ(Ids(employer.matches), (std::set<std::string>{"asso-a:a2", "asso-b:b2"}));
  const MatchResult nobody = Match({.restricted = true, .owner_ids = {"employer-x"}});
  EXPECT_TRUE(nobody.matches.empty());
  EXPECT_TRUE(nobody.near_misses.empty());
}

TEST_F(VisibilityTest, ReplacingARecordUpdatesItsVisibility) {
  index_->UpsertCandidates({*index_->ResolveCandidate(Owned("a1", "asso-a", true))});
  const MatchResult employer = Match({.restricted = true, .owner_ids = {}, .include_shared_with_employers = true});
  EXPECT_EQ(Ids(employer.matches), (std::set<std::string>{"asso-a:a1", "asso-a:a2", "asso-b:b2"}));
}

TEST_F(VisibilityTest, RecordsResolvedOutsideTheIndexGetItsOwnerCode) {
  auto outside = ResolveCandidate(Owned("d1", "asso-d", false), *SharedReferenceData());
  ASSERT_TRUE(outside.ok());
  index_->UpsertCandidates({std::make_shared<const ResolvedCandidate>(*outside)});
  const MatchResult own = Match({.restricted = true, .owner_ids = {"asso-d"}});
  EXPECT_EQ(Ids(own.matches), (std::set<std::string>{"asso-d:d1"}));
}

TEST_F(VisibilityTest, RerankCohortFollowsVisibility) {
  RerankOptions options;
  options.visibility = {.restricted = true, .owner_ids = {"asso-b"}};
  std::set<std::string> ranked;
  ASSERT_TRUE(Rerank(*index_, DefaultScoringProfile(), options,
                     [&](CandidateRanking r) { ranked.insert(r.candidate_id); }, [](const RerankProgress&) {})
                  .ok());
  EXPECT_EQ(ranked, (std::set<std::string>{"asso-b:b1", "asso-b:b2", "asso-b:far"}));
}

TEST(CandidatePackTest, SharedWithEmployersSurvivesPacking) {
  for (bool shared : {false, true}) {
    Candidate c = Owned("p", "asso-a", shared);
    auto resolved = ResolveCandidate(c, *SharedReferenceData());
    ASSERT_TRUE(resolved.ok());
    std::string bytes;
    AppendPackedCandidate(*resolved, &bytes);
    EXPECT_EQ(UnpackCandidate(bytes).record.shared_with_employers, shared);
  }
}

}  // namespace
}  // namespace passerelle::engine::visibility_test
