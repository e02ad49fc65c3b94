// Desired assets (engine/scoring/criteria/desired_assets.h): desired languages and licence categories as
// a share of the experience criterion, only when the opening asks for some; their reasons; and the
// ranking agreeing with the explanation.
#include "engine/scoring/criteria/desired_assets.h"

#include <memory>
#include <string>

#include "engine/index/match_index.h"
#include "engine/model/language_columns.h"
#include "engine/scoring/criteria/experience.h"
#include "engine/scoring/explanation.h"
#include "engine/scoring/occupation_relations.h"
#include "engine/scoring/resolution.h"
#include "gtest/gtest.h"
#include "tests/engine/test_fixtures.h"

namespace passerelle::engine::scoring::desired_assets_test {
namespace {

constexpr uint32_t kC = LicenceBit(LicenceCategory::kC);
constexpr uint32_t kCe = LicenceBit(LicenceCategory::kCe);

TEST(DesiredAssetsTest, DesiredLanguagesHaveTheirOwnWords) {
  Opening o;
  o.languages = {{"ar", CefrLevel::kB2, Requirement::kDesired}, {"en", CefrLevel::kB1, Requirement::kRequired}};
  const int ar = ScoredLanguageIndex("ar"), en = ScoredLanguageIndex("en");
  EXPECT_EQ(DesiredLanguageWord(o, 1), LanguageLevelBit(ar, 4));  // B2 = level 4, word 1
  EXPECT_EQ(DesiredLanguageWord(o, 0), 0u);
  EXPECT_EQ(RequiredLanguageWord(o, 1), LanguageLevelBit(en, 3));  // the required one stays apart
  Candidate c;
  c.languages = {{"ar", CefrLevel::kC1}};
  EXPECT_NE(SpokenLanguageWord(c, 1) & DesiredLanguageWord(o, 1), 0u);
}

TEST(DesiredAssetsTest, CountsItemsAndHalvesAnExchangeUnderWay) {
  const int ar = ScoredLanguageIndex("ar");
  const uint32_t b2 = LanguageLevelBit(ar, 4);
  EXPECT_FLOAT_EQ(DesiredAssetsAsked(0, b2, 0, kC | kCe), 3);
  EXPECT_FLOAT_EQ(DesiredAssetsAsked(0, 0, 0, 0), 0);
  // Speaks Arabic at B2, holds C, CE being exchanged: 1 + 1 + 0.5.
  EXPECT_FLOAT_EQ(DesiredAssetsCredit({{0, b2, 0}, {0, b2, 0}, kC | kCe, kC, kCe}),
                  2 + kDesiredLicencePendingCredit);
  // A category both held and pending counts once, as held.
  EXPECT_FLOAT_EQ(DesiredAssetsCredit({{0, 0, 0}, {0, 0, 0}, kC, kC, kC}), 1);
  EXPECT_FLOAT_EQ(DesiredAssetsCredit({{0, b2, 0}, {0, 0, 0}, kC, 0, 0}), 0);
}

TEST(DesiredAssetsTest, ShareCountsOnlyWhenAsked) {
  EXPECT_FLOAT_EQ(ExperienceWithAssetsScore(0.7f, 0, 0), 0.7f);  // nothing asked: unchanged
  EXPECT_FLOAT_EQ(ExperienceWithAssetsScore(1, 2, 0), 1 - kDesiredAssetsShare);
  EXPECT_FLOAT_EQ(ExperienceWithAssetsScore(1, 2, 1), 1 - kDesiredAssetsShare / 2);
  EXPECT_FLOAT_EQ(ExperienceWithAssetsScore(0.5f, 4, 4), (1 - kDesiredAssetsShare) * 0.5f + kDesiredAssetsShare);
}

class DesiredAssetsWiredTest : public ::testing::Test {
 protected:
  DesiredAssetsWiredTest() : data_(testing::SharedReferenceData()), relations_(*data_) {}

  Explanation Explain(const Candidate& c, const Opening& o) {
    auto rc = ResolveCandidate(c, *data_);
    auto ro = ResolveOpening(o, *data_);
    EXPECT_TRUE(rc.ok()) << rc.status();
    EXPECT_TRUE(ro.ok()) << ro.status();
    return ExplainPair(*rc, *ro, DefaultScoringProfile(), *data_, relations_);
  }
  static const CriterionExplanation& Experience(const Explanation& e) {
    return e.criteria[static_cast<int>(Criterion::kExperience)];
  }
  static bool Contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
  }
  static Opening AsksArabicAndC() {
    Opening o = testing::MasonOpening();
    o.french_requirement = Requirement::kNone;  // the mason fixture's French gap is not this test's subject
    o.languages = {{"ar", CefrLevel::kB1, Requirement::kDesired}};
    o.licences_desired = kC;
    return o;
  }

  std::shared_ptr<const ReferenceData> data_;
  OccupationRelations relations_;
};

// Without desired assets the criterion ignores the languages and licences a person has.
TEST_F(DesiredAssetsWiredTest, NothingDesiredLeavesTheCriterionAsItWas) {
  Candidate c = testing::MasonCandidate();
  c.languages = {{"ar", CefrLevel::kC2}};
  c.licence_categories = kC;
  const Explanation e = Explain(c, testing::MasonOpening());
  EXPECT_FLOAT_EQ(Experience(e).score, 1);
  EXPECT_EQ(Experience(e).reason.fr, "L'offre ne demande ni expérience ni niveau de qualification");
}

TEST_F(DesiredAssetsWiredTest, HeldAndMissingAreNamed) {
  Candidate c = testing::MasonCandidate();
  c.languages = {{"ar", CefrLevel::kB2}};
  const Explanation e = Explain(c, AsksArabicAndC());
  EXPECT_TRUE(e.eligible);
  EXPECT_FLOAT_EQ(Experience(e).score, ExperienceWithAssetsScore(1, 2, 1));
  EXPECT_TRUE(Contains(Experience(e).reason.fr, "parle arabe (B2), demandé")) << Experience(e).reason.fr;
  EXPECT_TRUE(Contains(Experience(e).reason.fr, "permis C souhaité : non détenu (environ 4 semaines"))
      << Experience(e).reason.fr;
  EXPECT_TRUE(Contains(Experience(e).reason.en, "speaks Arabic (B2), desired")) << Experience(e).reason.en;
  EXPECT_TRUE(Contains(Experience(e).reason.en, "licence C desired: not held")) << Experience(e).reason.en;
}

TEST_F(DesiredAssetsWiredTest, BelowTheLevelOrBeingExchanged) {
  Candidate c = testing::MasonCandidate();
  c.languages = {{"ar", CefrLevel::kA2}};
  c.licence_categories_pending = kC;
  const Explanation e = Explain(c, AsksArabicAndC());
  EXPECT_FLOAT_EQ(Experience(e).score, ExperienceWithAssetsScore(1, 2, kDesiredLicencePendingCredit));
  EXPECT_TRUE(Contains(Experience(e).reason.fr, "arabe B1 souhaité : niveau A2")) << Experience(e).reason.fr;
  EXPECT_TRUE(Contains(Experience(e).reason.fr, "échange du permis étranger en cours")) << Experience(e).reason.fr;
  EXPECT_TRUE(Contains(Experience(e).reason.en, "Arabic B1 desired: level A2")) << Experience(e).reason.en;
}

// Both directions of the ranking agree with the explanation, and the speaker ranks first.
TEST_F(DesiredAssetsWiredTest, MatchIndexRanksByIt) {
  MatchIndex index(data_);
  Candidate speaker = testing::MasonCandidate("speaker");
  speaker.languages = {{"ar", CefrLevel::kC1}};
  speaker.licence_categories = kC;
  Candidate other = testing::MasonCandidate("other");
  for (const Candidate& c : {speaker, other}) {
    auto resolved = index.ResolveCandidate(c);
    ASSERT_TRUE(resolved.ok()) << resolved.status();
    index.UpsertCandidates({*resolved});
  }
  const Opening o = AsksArabicAndC();
  auto resolved = index.ResolveOpening(o);
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  index.UpsertOpenings({*resolved});
  MatchQuery q;
  q.k = 10;
  const int k = static_cast<int>(Criterion::kExperience);
  auto by_opening = index.MatchCandidates(o.id, q, DefaultScoringProfile());
  ASSERT_TRUE(by_opening.ok()) << by_opening.status();
  ASSERT_EQ(by_opening->matches.size(), 2u);
  EXPECT_EQ(by_opening->matches[0].id, "speaker");
  EXPECT_FLOAT_EQ(by_opening->matches[0].criteria[k], 1);
  EXPECT_FLOAT_EQ(by_opening->matches[1].criteria[k], ExperienceWithAssetsScore(1, 2, 0));
  auto by_candidate = index.MatchOpenings("other", q, DefaultScoringProfile());
  ASSERT_TRUE(by_candidate.ok()) << by_candidate.status();
  ASSERT_EQ(by_candidate->matches.size(), 1u);
  EXPECT_FLOAT_EQ(by_candidate->matches[0].criteria[k], Experience(Explain(other, o)).score);
}

}  // namespace
}  // namespace passerelle::engine::scoring::desired_assets_test
