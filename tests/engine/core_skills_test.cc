// Core skill items (ROME 4.0 coeur de métier, data/rome/occupation_skills.tsv): a missing core item costs
// more than a peripheral one and is named, and an opening that lists no item asks for its occupation's
// core items instead of giving everyone a perfect skills score (docs/scoring.md, "Skills").
#include <string>

#include "engine/index/match_index.h"
#include "engine/scoring/constants.h"
#include "engine/scoring/explanation.h"
#include "gtest/gtest.h"
#include "tests/engine/test_fixtures.h"

namespace passerelle::engine::core_skills_test {
namespace {

using ::passerelle::engine::testing::MasonCandidate;
using ::passerelle::engine::testing::MasonOpening;
using ::passerelle::engine::testing::SharedReferenceData;

// Items of F1703 (maçon): kMasonSkillA..D are core, these two are not.
constexpr int64_t kPeripheralA = 100038;
constexpr int64_t kPeripheralB = 100240;

class CoreSkillsTest : public ::testing::Test {
 protected:
  CoreSkillsTest() : data_(SharedReferenceData()), relations_(*data_) {}

  Explanation Explain(const Candidate& c, const Opening& o) {
    auto rc = ResolveCandidate(c, *data_);
    auto ro = ResolveOpening(o, *data_);
    EXPECT_TRUE(rc.ok()) << rc.status();
    EXPECT_TRUE(ro.ok()) << ro.status();
    return ExplainPair(*rc, *ro, DefaultScoringProfile(), *data_, relations_);
  }
  static float Skills(const Explanation& e) { return e.criteria[static_cast<int>(Criterion::kSkills)].score; }
  static const Sentence& Reason(const Explanation& e) { return e.criteria[static_cast<int>(Criterion::kSkills)].reason; }
  std::string Label(int64_t code) const { return data_->skills()[*data_->FindSkill(code)].label; }

  static Opening CoreAndPeripheral() {
    Opening o = MasonOpening();
    o.french_requirement = Requirement::kNone;
    o.required_skills = {testing::kMasonSkillA, kPeripheralA};
    o.desired_skills = {};
    return o;
  }

  std::shared_ptr<const ReferenceData> data_;
  OccupationRelations relations_;
};

TEST_F(CoreSkillsTest, ResolutionMarksTheRequiredItemsCoreToTheOccupation) {
  auto o = ResolveOpening(CoreAndPeripheral(), *data_);
  ASSERT_TRUE(o.ok()) << o.status();
  ASSERT_EQ(o->core_skill_indices.size(), 1u);
  EXPECT_EQ(data_->skills()[o->core_skill_indices[0]].code_ogr, testing::kMasonSkillA);
  EXPECT_FALSE(o->skills_from_occupation);
}

TEST_F(CoreSkillsTest, AMissingCoreItemCostsTwiceAPeripheralOne) {
  Candidate has_core = MasonCandidate();
  has_core.skills = {testing::kMasonSkillA};
  Candidate has_peripheral = MasonCandidate();
  has_peripheral.skills = {kPeripheralA};
  // Weights: core 2, peripheral 1.
  EXPECT_FLOAT_EQ(Skills(Explain(has_core, CoreAndPeripheral())), 2.0f / 3.0f);
  const Explanation e = Explain(has_peripheral, CoreAndPeripheral());
  EXPECT_FLOAT_EQ(Skills(e), 1.0f / 3.0f);
  ASSERT_EQ(e.missing_core_skills.size(), 1u);
  EXPECT_EQ(e.missing_core_skills[0], testing::kMasonSkillA);
  EXPECT_EQ(Reason(e).fr, "1 compétence(s) requise(s) sur 2, 0 souhaitée(s) sur 0 ; manquent, cœur du métier : " +
                              Label(testing::kMasonSkillA))
      << Reason(e).fr;
}

TEST_F(CoreSkillsTest, CoreAndPeripheralMissingItemsAreNamedApart) {
  Candidate c = MasonCandidate();
  c.skills = {};
  Opening o = CoreAndPeripheral();
  o.required_skills.push_back(kPeripheralB);
  const Explanation e = Explain(c, o);
  EXPECT_FLOAT_EQ(Skills(e), 0.0f);
  EXPECT_NE(Reason(e).en.find("; missing, core to the occupation: " + Label(testing::kMasonSkillA) + "; others: "),
            std::string::npos)
      << Reason(e).en;
}

TEST_F(CoreSkillsTest, AnOpeningListingNoItemAsksForItsOccupationsCoreItems) {
  Opening o = MasonOpening();
  o.french_requirement = Requirement::kNone;
  o.required_skills = {};
  o.desired_skills = {};
  auto resolved = ResolveOpening(o, *data_);
  ASSERT_TRUE(resolved.ok());
  EXPECT_TRUE(resolved->skills_from_occupation);
  const size_t core = resolved->required_skill_indices.size();
  ASSERT_GT(core, 4u);
  EXPECT_EQ(resolved->core_skill_indices, resolved->required_skill_indices);

  Candidate nobody = MasonCandidate();
  nobody.skills = {};
  EXPECT_FLOAT_EQ(Skills(Explain(nobody, o)), 0.0f) << "no longer a perfect score for everyone";
  const Explanation e = Explain(MasonCandidate(), o);  // holds 3 core items of F1703
  EXPECT_FLOAT_EQ(Skills(e), 3.0f / static_cast<float>(core));
  EXPECT_NE(Reason(e).fr.find("L'offre ne liste aucune compétence : 3 sur " + std::to_string(core) +
                              " compétence(s) cœur du métier ; manquent : "),
            std::string::npos)
      << Reason(e).fr;
}

TEST_F(CoreSkillsTest, BothDirectionsOfTheIndexScoreCoreItemsAsTheExplanation) {
  MatchIndex index(data_);
  Candidate c = MasonCandidate();
  c.skills = {kPeripheralA, testing::kMasonSkillB};
  Opening listed = CoreAndPeripheral();
  listed.required_skills.push_back(testing::kMasonSkillB);
  Opening unlisted = MasonOpening("open-unlisted");
  unlisted.french_requirement = Requirement::kNone;
  unlisted.required_skills = {};
  unlisted.desired_skills = {};
  auto rc = index.ResolveCandidate(c);
  auto r1 = index.ResolveOpening(listed);
  auto r2 = index.ResolveOpening(unlisted);
  ASSERT_TRUE(rc.ok() && r1.ok() && r2.ok());
  index.UpsertCandidates({*rc});
  index.UpsertOpenings({*r1, *r2});
  MatchQuery query;
  auto openings = index.MatchOpenings(c.id, query, DefaultScoringProfile());
  ASSERT_TRUE(openings.ok()) << openings.status();
  ASSERT_EQ(openings->matches.size(), 2u);
  for (const ScoredMatch& m : openings->matches) {
    const float skills = m.criteria[static_cast<int>(Criterion::kSkills)];
    auto by_opening = index.MatchCandidates(m.id, query, DefaultScoringProfile());
    ASSERT_TRUE(by_opening.ok());
    ASSERT_EQ(by_opening->matches.size(), 1u);
    EXPECT_EQ(by_opening->matches[0].criteria[static_cast<int>(Criterion::kSkills)], skills) << m.id;
    ASSERT_NE(m.explanation, nullptr);
    EXPECT_EQ(m.explanation->criteria[static_cast<int>(Criterion::kSkills)].score, skills) << m.id;
  }
  // Listed: A (core), peripheral A, B (core): weights 2 + 1 + 2, the candidate covers 1 + 2.
  EXPECT_FLOAT_EQ(openings->matches[0].id == "open-bobigny"
                      ? openings->matches[0].criteria[static_cast<int>(Criterion::kSkills)]
                      : openings->matches[1].criteria[static_cast<int>(Criterion::kSkills)],
                  3.0f / 5.0f);
}

}  // namespace
}  // namespace passerelle::engine::core_skills_test
