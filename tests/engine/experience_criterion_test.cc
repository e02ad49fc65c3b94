// The experience-and-qualification policy (engine/scoring/criteria/experience.h): credited months by
// occupation relation, the experience part by requirement, the qualification status and part, and how
// the two combine.
#include "engine/scoring/criteria/experience.h"

#include <cstdint>

#include "engine/scoring/occupation_relations.h"
#include "gtest/gtest.h"
#include "tests/engine/test_fixtures.h"

namespace passerelle::engine::scoring {
namespace {

TEST(ExperienceCriterionTest, RelatedOccupationsCountPartly) {
  EXPECT_FLOAT_EQ(CreditedExperienceMonths(OccupationRelation::kExact, 2), 24);
  EXPECT_FLOAT_EQ(CreditedExperienceMonths(OccupationRelation::kMobilityLink, 2), 12);
  EXPECT_FLOAT_EQ(CreditedExperienceMonths(OccupationRelation::kSameDomaine, 2), 6);
  EXPECT_FLOAT_EQ(CreditedExperienceMonths(OccupationRelation::kSameGrandDomaine, 2), 0);
  EXPECT_FLOAT_EQ(CreditedExperienceMonths(OccupationRelation::kNone, 2), 0);
  EXPECT_FLOAT_EQ(CreditedExperienceMonths(OccupationRelation::kExact, -1), 0);
}

TEST(ExperienceCriterionTest, NothingAskedScoresOne) {
  EXPECT_FLOAT_EQ(ExperienceScore(Requirement::kNone, 24, 0), 1);
  EXPECT_FLOAT_EQ(ExperienceScore(Requirement::kRequired, 0, 0), 1);
  EXPECT_FLOAT_EQ(ExperienceScore(Requirement::kDesired, 0, 0), 1);
}

TEST(ExperienceCriterionTest, ScoreRisesLinearlyFromTheFloorToTheMonthsAsked) {
  EXPECT_FLOAT_EQ(ExperienceScore(Requirement::kRequired, 24, 0), kExperienceRequiredFloor);
  EXPECT_FLOAT_EQ(ExperienceScore(Requirement::kDesired, 24, 0), kExperienceDesiredFloor);
  EXPECT_FLOAT_EQ(ExperienceScore(Requirement::kRequired, 24, 12),
                  kExperienceRequiredFloor + (1 - kExperienceRequiredFloor) * 0.5f);
  EXPECT_FLOAT_EQ(ExperienceScore(Requirement::kRequired, 24, 24), 1);
  EXPECT_FLOAT_EQ(ExperienceScore(Requirement::kRequired, 24, 120), 1);  // more than asked: capped
  // Required weighs a shortfall more than desired.
  EXPECT_LT(ExperienceScore(Requirement::kRequired, 24, 6), ExperienceScore(Requirement::kDesired, 24, 6));
}

TEST(ExperienceCriterionTest, QualificationStatus) {
  EXPECT_EQ(QualificationStatusOf(Requirement::kNone, 4, 0, false), QualificationStatus::kNotAsked);
  EXPECT_EQ(QualificationStatusOf(Requirement::kRequired, 0, 0, false), QualificationStatus::kNotAsked);
  EXPECT_EQ(QualificationStatusOf(Requirement::kRequired, 4, 5, true), QualificationStatus::kMet);
  EXPECT_EQ(QualificationStatusOf(Requirement::kDesired, 4, 4, false), QualificationStatus::kMetUnrecognised);
  EXPECT_EQ(QualificationStatusOf(Requirement::kRequired, 5, 3, true), QualificationStatus::kBelow);
}

TEST(ExperienceCriterionTest, QualificationScoreByStatus) {
  EXPECT_FLOAT_EQ(QualificationScore(Requirement::kNone, 5, 0, false), 1);
  EXPECT_FLOAT_EQ(QualificationScore(Requirement::kRequired, 4, 6, true), 1);
  EXPECT_FLOAT_EQ(QualificationScore(Requirement::kRequired, 4, 4, false), kQualificationUnrecognisedScore);
  // Below: one level costs kQualificationPerLevel, recognition does not matter.
  EXPECT_FLOAT_EQ(QualificationScore(Requirement::kRequired, 5, 4, true), 1 - kQualificationPerLevel);
  EXPECT_FLOAT_EQ(QualificationScore(Requirement::kRequired, 5, 4, false), 1 - kQualificationPerLevel);
  // Far below: the floor of the requirement.
  EXPECT_FLOAT_EQ(QualificationScore(Requirement::kRequired, 7, 0, false), kQualificationRequiredFloor);
  EXPECT_FLOAT_EQ(QualificationScore(Requirement::kDesired, 7, 0, false), kQualificationDesiredFloor);
}

TEST(ExperienceCriterionTest, CriterionCombinesBothParts) {
  EXPECT_FLOAT_EQ(ExperienceQualificationScore(1, 1), 1);
  EXPECT_FLOAT_EQ(ExperienceQualificationScore(0, 1), 1 - kExperienceShare);
  EXPECT_FLOAT_EQ(ExperienceQualificationScore(1, 0), kExperienceShare);
  // A cook with four years as a kitchen assistant (ROME mobility link) for an opening asking 24 months
  // (required) and a CAP (level 3, desired), held abroad without recognition.
  const float experience =
      ExperienceScore(Requirement::kRequired, 24, CreditedExperienceMonths(OccupationRelation::kMobilityLink, 4));
  const float qualification = QualificationScore(Requirement::kDesired, 3, 3, false);
  EXPECT_FLOAT_EQ(experience, 1);
  EXPECT_FLOAT_EQ(ExperienceQualificationScore(experience, qualification),
                  kExperienceShare + (1 - kExperienceShare) * kQualificationUnrecognisedScore);
}


// With the real ROME tables: the mason fixture's past F1606 years, against openings in the same code,
// in an occupation ROME lists as a move from it, and in one unrelated.
TEST(ExperienceCriterionTest, PairScoreFromTheRecords) {
  const ReferenceData& data = *testing::SharedReferenceData();
  const OccupationRelations relations(data);
  Candidate c = testing::MasonCandidate();
  c.past_occupations = {{"F1606", 2}};
  c.qualification_level = 3;
  c.qualification_recognised = false;
  const int32_t past = *data.FindRome("F1606");
  ASSERT_FALSE(data.MobilityTargets(past).empty());
  const int32_t moved = data.MobilityTargets(past)[0];
  ASSERT_EQ(relations.Relation(past, moved), OccupationRelation::kMobilityLink);

  EXPECT_FLOAT_EQ(BestCreditedExperienceMonths(c, past, data, relations), 24);
  EXPECT_FLOAT_EQ(BestCreditedExperienceMonths(c, moved, data, relations), 12);
  // An unrelated occupation (another grand domaine) credits nothing.
  const int32_t unrelated = *data.FindRome("K1304");
  ASSERT_EQ(relations.Relation(past, unrelated), OccupationRelation::kNone);
  EXPECT_FLOAT_EQ(BestCreditedExperienceMonths(c, unrelated, data, relations), 0);

  Opening o = testing::MasonOpening();
  EXPECT_FLOAT_EQ(ExperienceCriterionScore(c, o, moved, data, relations), 1);  // nothing asked
  o.experience_requirement = Requirement::kRequired;
  o.experience_months = 24;
  o.qualification_requirement = Requirement::kRequired;
  o.qualification_level = 3;
  const float experience = kExperienceRequiredFloor + (1 - kExperienceRequiredFloor) * 0.5f;  // 12 of 24 months
  EXPECT_FLOAT_EQ(ExperienceCriterionScore(c, o, moved, data, relations),
                  ExperienceQualificationScore(experience, kQualificationUnrecognisedScore));
  EXPECT_FLOAT_EQ(ExperienceCriterionScore(c, o, past, data, relations),
                  ExperienceQualificationScore(1, kQualificationUnrecognisedScore));
}

}  // namespace
}  // namespace passerelle::engine::scoring
