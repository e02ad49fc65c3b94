// The experience-and-qualification policy (engine/scoring/criteria/experience.h): credited months by
// occupation relation, the experience part by requirement, the qualification status and part, and how
// the two combine.
#include "engine/scoring/criteria/experience.h"

#include "gtest/gtest.h"

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

}  // namespace
}  // namespace passerelle::engine::scoring
