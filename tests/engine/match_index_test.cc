// The index's two queries: order, ties, filters, near-misses, validation, updates, and the realistic
// mason scenario of the engine issue.
#include "engine/index/match_index.h"
#include "engine/model/candidate_pack.h"

#include <cmath>
#include <functional>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tests/engine/test_fixtures.h"

namespace passerelle::engine {
namespace {

using ::passerelle::engine::testing::MasonCandidate;
using ::passerelle::engine::testing::MasonOpening;
using ::passerelle::engine::testing::SharedReferenceData;

class MatchIndexTest : public ::testing::Test {
 protected:
  MatchIndexTest() : index_(SharedReferenceData()) {}

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
  std::vector<std::string> Ids(const std::vector<ScoredMatch>& matches) {
    std::vector<std::string> ids;
    for (const ScoredMatch& m : matches) ids.push_back(m.id);
    return ids;
  }

  MatchIndex index_;
  ScoringProfile profile_ = DefaultScoringProfile();
};

// The scenario of the engine issue: an A2 candidate in Seine-Saint-Denis wishing F1703 (maçon), no
// licence, temporary housing, relocation accepted; a maçon opening in Lyon with housing and POEC French
// (400 h), and one in Bobigny without either.
TEST_F(MatchIndexTest, MasonScenarioOrderAndReasonsMakeSense) {
  Candidate c = MasonCandidate();
  c.relocation_accepted = true;
  Put(c);
  Opening lyon = MasonOpening("open-lyon", testing::kLyon);
  lyon.housing_provided = true;
  lyon.french_training_hours = 400;
  lyon.contract = ContractType::kProfessionnalisation;
  Put(lyon);
  Opening bobigny = MasonOpening("open-bobigny", testing::kBobigny);
  Put(bobigny);

  MatchQuery q;
  q.near_misses = 5;
  auto result = index_.MatchOpenings(c.id, q, profile_);
  ASSERT_TRUE(result.ok()) << result.status();
  // Lyon is eligible (relocation with housing, gap closed by the POEC); Bobigny needs B1 without a route.
  ASSERT_EQ(Ids(result->matches), std::vector<std::string>{"open-lyon"});
  ASSERT_EQ(Ids(result->near_misses), std::vector<std::string>{"open-bobigny"});
  const Explanation& e = *result->matches[0].explanation;
  EXPECT_NE(e.criteria[static_cast<int>(Criterion::kFrench)].reason.fr.find("couvertes"), std::string::npos);
  EXPECT_NE(e.criteria[static_cast<int>(Criterion::kMobility)].reason.fr.find("logement fourni"), std::string::npos);
  const Explanation& near = *result->near_misses[0].explanation;
  ASSERT_EQ(near.blockers.size(), 1u);
  EXPECT_EQ(near.blockers[0].code, "FRENCH_GAP");
  EXPECT_NE(near.blockers[0].unlock.fr.find("200 h"), std::string::npos) << near.blockers[0].unlock.fr;

  // Once Bobigny includes a French route, it is closer and ranks first.
  bobigny.french_training_hours = 400;
  Put(bobigny);
  result = index_.MatchOpenings(c.id, q, profile_);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(Ids(result->matches), (std::vector<std::string>{"open-bobigny", "open-lyon"}));
}

TEST_F(MatchIndexTest, ResultsAreOrderedByScoreThenIdAndCutAtK) {
  Candidate c = MasonCandidate();
  c.french_level = CefrLevel::kB2;
  Put(c);
  // Identical openings tie; ids break ties in ascending order.
  for (const char* id : {"o-c", "o-a", "o-d", "o-b"}) Put(MasonOpening(id));
  Opening far = MasonOpening("o-0-worse", "93005");  // Aulnay-sous-Bois: farther, lower mobility score
  Put(far);
  MatchQuery q;
  q.k = 3;
  auto result = index_.MatchOpenings(c.id, q, profile_);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(Ids(result->matches), (std::vector<std::string>{"o-a", "o-b", "o-c"}));
  EXPECT_EQ(result->eligible, 5);
  q.k = 10;
  result = index_.MatchOpenings(c.id, q, profile_);
  ASSERT_EQ(result->matches.size(), 5u);
  EXPECT_EQ(result->matches.back().id, "o-0-worse");
  for (size_t i = 1; i < result->matches.size(); ++i) {
    EXPECT_GE(result->matches[i - 1].total, result->matches[i].total);
  }
}

TEST_F(MatchIndexTest, ContributionsAddUpAndMatchTheExplanation) {
  Candidate c = MasonCandidate();
  c.french_level = CefrLevel::kB1;
  Put(c);
  Put(MasonOpening("o1"));
  auto result = index_.MatchOpenings(c.id, MatchQuery{}, profile_);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->matches.size(), 1u);
  const ScoredMatch& m = result->matches[0];
  float sum = 0;
  for (float v : m.contributions) sum += v;
  EXPECT_NEAR(sum, m.total, 1e-6);
  EXPECT_FLOAT_EQ(m.total, m.explanation->total);
}

TEST_F(MatchIndexTest, MatchCandidatesRanksPeopleForAnOpening) {
  Candidate fluent = MasonCandidate("cand-fluent");
  fluent.french_level = CefrLevel::kB2;
  Candidate beginner = MasonCandidate("cand-beginner");  // A2: required B1 not closable -> near-miss
  Candidate cook = MasonCandidate("cand-cook");
  cook.french_level = CefrLevel::kB2;
  cook.wished_occupations = {"G1602"};
  cook.past_occupations.clear();
  for (const Candidate& c : {fluent, beginner, cook}) Put(c);
  Put(MasonOpening("open-1"));
  MatchQuery q;
  q.near_misses = 3;
  auto result = index_.MatchCandidates("open-1", q, profile_);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(Ids(result->matches), (std::vector<std::string>{"cand-fluent", "cand-cook"}));
  EXPECT_EQ(Ids(result->near_misses), std::vector<std::string>{"cand-beginner"});
  EXPECT_EQ(result->scored, 3);
}

TEST_F(MatchIndexTest, FiltersOnDistanceContractOccupationAndMinScore) {
  Candidate c = MasonCandidate();
  c.french_level = CefrLevel::kB2;
  c.relocation_accepted = true;
  Put(c);
  Opening lyon = MasonOpening("lyon", testing::kLyon);
  lyon.housing_provided = true;
  Put(lyon);
  Opening interim = MasonOpening("interim");
  interim.contract = ContractType::kInterim;
  Put(interim);
  Opening painter = MasonOpening("painter");
  painter.rome_code = "F1606";
  Put(painter);

  MatchQuery q;
  q.max_distance_km = 50;
  EXPECT_EQ(Ids(index_.MatchOpenings(c.id, q, profile_)->matches).size(), 2u);
  q = MatchQuery{};
  q.contract_types = ContractBit(ContractType::kInterim);
  EXPECT_EQ(Ids(index_.MatchOpenings(c.id, q, profile_)->matches), std::vector<std::string>{"interim"});
  q = MatchQuery{};
  q.occupations = {"F1606"};
  EXPECT_EQ(Ids(index_.MatchOpenings(c.id, q, profile_)->matches), std::vector<std::string>{"painter"});
  q.occupations = {"F16"};  // domaine: the painter only (F1703 is in F17)
  EXPECT_EQ(Ids(index_.MatchOpenings(c.id, q, profile_)->matches), std::vector<std::string>{"painter"});
  q.occupations = {"F"};  // grand domaine: all four
  EXPECT_EQ(index_.MatchOpenings(c.id, q, profile_)->matches.size(), 3u);
  q = MatchQuery{};
  q.min_score = 0.99f;
  EXPECT_TRUE(index_.MatchOpenings(c.id, q, profile_)->matches.empty());
}

TEST_F(MatchIndexTest, InvalidQueriesNameTheField) {
  Put(MasonCandidate());
  MatchQuery q;
  q.k = 0;
  auto r = index_.MatchOpenings("cand-mason", q, profile_);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("k:"), absl::string_view::npos);
  q.k = kMaxK + 1;
  EXPECT_FALSE(index_.MatchOpenings("cand-mason", q, profile_).ok());
  q = MatchQuery{};
  q.occupations = {"Z9999"};
  r = index_.MatchOpenings("cand-mason", q, profile_);
  EXPECT_NE(r.status().message().find("occupations[0]"), absl::string_view::npos) << r.status();
  q = MatchQuery{};
  q.min_score = std::nanf("");
  EXPECT_NE(index_.MatchOpenings("cand-mason", q, profile_).status().message().find("min_score"),
            absl::string_view::npos);
  r = index_.MatchOpenings("nobody", MatchQuery{}, profile_);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("candidate_id"), absl::string_view::npos);
}

TEST_F(MatchIndexTest, BadRecordsAreRejectedNamingTheFieldAndChangeNothing) {
  Put(MasonCandidate());
  auto stored = index_.FindCandidate("cand-mason");
  struct Case {
    std::function<void(Candidate&)> mutate;
    std::string field;
  };
  const std::vector<Case> cases = {
      {[](Candidate& c) { c.commune_insee = "99999"; }, "commune_insee"},
      {[](Candidate& c) { c.wished_occupations = {"F9999"}; }, "wished_occupations[0]"},
      {[](Candidate& c) { c.skills = {100596, 42}; }, "skills[1]"},
      {[](Candidate& c) { c.french_level = static_cast<CefrLevel>(9); }, "french_level"},
      {[](Candidate& c) { c.id = ""; }, "id"},
      {[](Candidate& c) { c.max_commute_km = std::nanf(""); }, "max_commute_km"},
      {[](Candidate& c) { c.past_occupations = {{"F1703", -2}}; }, "past_occupations[0].years"},
  };
  for (const Case& k : cases) {
    Candidate c = MasonCandidate();
    k.mutate(c);
    auto r = index_.ResolveCandidate(c);
    ASSERT_FALSE(r.ok()) << k.field;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StartsWith(r.status().message(), k.field + ":")) << r.status();
  }
  // FindCandidate unpacks a copy: compare what is stored, byte for byte.
  auto packed = [](const std::shared_ptr<const ResolvedCandidate>& c) {
    std::string bytes;
    if (c) AppendPackedCandidate(*c, &bytes);
    return bytes;
  };
  ASSERT_NE(stored, nullptr);
  EXPECT_EQ(packed(index_.FindCandidate("cand-mason")), packed(stored));
  Opening o = MasonOpening();
  o.rome_code = "";
  EXPECT_NE(index_.ResolveOpening(o).status().message().find("rome_code"), absl::string_view::npos);
  o.appellation_code = 12345678;
  EXPECT_NE(index_.ResolveOpening(o).status().message().find("appellation_code"), absl::string_view::npos);
}

TEST_F(MatchIndexTest, ReplaceAndRemoveAreVisibleToTheNextQuery) {
  Candidate c = MasonCandidate();
  c.french_level = CefrLevel::kB2;
  Put(c);
  Put(MasonOpening("o1"));
  EXPECT_EQ(index_.MatchOpenings(c.id, MatchQuery{}, profile_)->matches.size(), 1u);
  Opening changed = MasonOpening("o1");
  changed.contract = ContractType::kStage;  // not accepted
  Put(changed);
  EXPECT_TRUE(index_.MatchOpenings(c.id, MatchQuery{}, profile_)->matches.empty());
  EXPECT_EQ(index_.opening_count(), 1u);
  EXPECT_TRUE(index_.RemoveOpening("o1"));
  EXPECT_FALSE(index_.RemoveOpening("o1"));
  EXPECT_EQ(index_.opening_count(), 0u);
  Put(MasonOpening("o2"));  // reuses the freed slot
  auto result = index_.MatchOpenings(c.id, MatchQuery{}, profile_);
  EXPECT_EQ(Ids(result->matches), std::vector<std::string>{"o2"});
}

TEST_F(MatchIndexTest, ExplainWorksForIneligiblePairsAndUnknownIds) {
  Put(MasonCandidate());
  Put(MasonOpening());
  auto e = index_.Explain("cand-mason", "open-bobigny", profile_);
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(e->eligible);
  EXPECT_TRUE(e->near_miss);
  EXPECT_EQ(index_.Explain("cand-mason", "nope", profile_).status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace passerelle::engine
