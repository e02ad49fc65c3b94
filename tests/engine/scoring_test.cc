// Each criterion of scoring model v1 and its edges, through ExplainPair (the ranking kernel with n = 1).
#include <cmath>
#include <random>

#include "engine/scoring/resolution.h"
#include "engine/scoring/constants.h"
#include "engine/scoring/explanation.h"
#include "engine/scoring/pair_kernel.h"
#include "gtest/gtest.h"
#include "tests/engine/test_fixtures.h"

namespace passerelle::engine::scoring_test {
namespace {

using ::passerelle::engine::testing::MasonCandidate;
using ::passerelle::engine::testing::MasonOpening;
using ::passerelle::engine::testing::SharedReferenceData;
namespace sc = scoring;

class ScoringTest : public ::testing::Test {
 protected:
  ScoringTest() : data_(SharedReferenceData()), relations_(*data_) {}

  Explanation Explain(const Candidate& c, const Opening& o, const ScoringProfile& p = DefaultScoringProfile()) {
    auto rc = ResolveCandidate(c, *data_);
    auto ro = ResolveOpening(o, *data_);
    EXPECT_TRUE(rc.ok()) << rc.status();
    EXPECT_TRUE(ro.ok()) << ro.status();
    return ExplainPair(*rc, *ro, p, *data_, relations_);
  }
  static float Score(const Explanation& e, Criterion c) { return e.criteria[static_cast<int>(c)].score; }
  static bool HasBlocker(const Explanation& e, const std::string& code) {
    for (const Blocker& b : e.blockers) if (b.code == code) return true;
    return false;
  }

  std::shared_ptr<const ReferenceData> data_;
  OccupationRelations relations_;
};

TEST_F(ScoringTest, ExactWishedOccupationScoresOne) {
  Explanation e = Explain(MasonCandidate(), MasonOpening());
  EXPECT_FLOAT_EQ(Score(e, Criterion::kOccupation), 1.0f);
}

TEST_F(ScoringTest, MobilityLinkedOccupationScoresPointSeven) {
  Candidate c = MasonCandidate();
  c.past_occupations.clear();
  Opening o = MasonOpening();
  o.rome_code = "F1701";  // ROME lists F1703 -> F1701 (coffreur) as a mobility link
  ASSERT_TRUE(data_->IsMobilityLink(*data_->FindRome("F1703"), *data_->FindRome("F1701")));
  EXPECT_FLOAT_EQ(Score(Explain(c, o), Criterion::kOccupation), sc::kOccupationMobility);
}

TEST_F(ScoringTest, SameDomaineWithoutLinkScoresPointFive) {
  Candidate c = MasonCandidate();
  c.past_occupations.clear();
  Opening o = MasonOpening();
  // Find an F17 code that F1703 has no mobility link to.
  const int32_t from = *data_->FindRome("F1703");
  for (const RomeOccupation& occ : data_->occupations()) {
    const int32_t to = *data_->FindRome(occ.code);
    if (occ.domaine_code == "F17" && to != from && !data_->IsMobilityLink(from, to)) {
      o.rome_code = occ.code;
      break;
    }
  }
  ASSERT_NE(o.rome_code, "F1703");
  EXPECT_FLOAT_EQ(Score(Explain(c, o), Criterion::kOccupation), sc::kOccupationSameDomaine);
}

TEST_F(ScoringTest, SecondWishCountsLessThanFirst) {
  Candidate c = MasonCandidate();
  c.past_occupations.clear();
  c.wished_occupations = {"G1602", "F1703"};
  EXPECT_FLOAT_EQ(Score(Explain(c, MasonOpening()), Criterion::kOccupation), 1.0f - sc::kWishRankStep);
}

TEST_F(ScoringTest, UnrelatedOccupationScoresZero) {
  Candidate c = MasonCandidate();
  c.past_occupations.clear();
  c.wished_occupations = {"G1602"};  // commis de cuisine
  EXPECT_FLOAT_EQ(Score(Explain(c, MasonOpening()), Criterion::kOccupation), 0.0f);
}

TEST_F(ScoringTest, SkillsAreWeightedCoverageAndListMissingRequired) {
  Candidate c = MasonCandidate();
  c.skills = {testing::kMasonSkillA, testing::kMasonSkillD};  // one of two required, the desired one
  Opening o = MasonOpening();
  o.french_requirement = Requirement::kNone;
  Explanation e = Explain(c, o);
  // A and B are core items of F1703 (weight 2 each); D is desired (0.5).
  EXPECT_FLOAT_EQ(Score(e, Criterion::kSkills), (2.0f + 0.5f) / (4.0f + 0.5f));
  ASSERT_EQ(e.missing_required_skills.size(), 1u);
  EXPECT_EQ(e.missing_required_skills[0], testing::kMasonSkillB);
  EXPECT_TRUE(e.eligible);
}

TEST_F(ScoringTest, StrictProfileMakesMissingRequiredSkillsIneligible) {
  Candidate c = MasonCandidate();
  c.skills = {testing::kMasonSkillA};
  ScoringProfile strict;
  strict.strict_required_skills = true;
  Explanation e = Explain(c, MasonOpening(), strict);
  EXPECT_FALSE(e.eligible);
  EXPECT_FALSE(e.near_miss);
  EXPECT_TRUE(HasBlocker(e, "MISSING_REQUIRED_SKILLS"));
}

TEST_F(ScoringTest, FrenchGapClosableByTrainingScoresPointSeven) {
  Opening o = MasonOpening();
  o.french_training_hours = 400;  // POEC
  Explanation e = Explain(MasonCandidate(), o);  // A2 -> B1: 200 h
  EXPECT_FLOAT_EQ(Score(e, Criterion::kFrench), sc::kFrenchGapClosable);
  EXPECT_FLOAT_EQ(e.french_training_hours_needed, 200.0f);
  EXPECT_TRUE(e.eligible);
  EXPECT_NE(e.criteria[static_cast<int>(Criterion::kFrench)].reason.fr.find("B1 requis, A2 atteint : environ 200 h"),
            std::string::npos)
      << e.criteria[static_cast<int>(Criterion::kFrench)].reason.fr;
}

TEST_F(ScoringTest, PlannedHoursCountTowardsClosingTheGap) {
  Candidate c = MasonCandidate();
  c.french_hours_planned = 200;
  Explanation e = Explain(c, MasonOpening());
  EXPECT_TRUE(e.eligible);
  EXPECT_FLOAT_EQ(Score(e, Criterion::kFrench), sc::kFrenchGapClosable);
}

TEST_F(ScoringTest, RequiredFrenchGapNotClosableIsARelaxableBlocker) {
  Explanation e = Explain(MasonCandidate(), MasonOpening());  // B1 required, A2, no training
  EXPECT_FALSE(e.eligible);
  EXPECT_TRUE(e.near_miss);
  ASSERT_TRUE(HasBlocker(e, "FRENCH_GAP"));
  EXPECT_NE(e.blockers[0].unlock.fr.find("+1 niveau"), std::string::npos) << e.blockers[0].unlock.fr;
  EXPECT_NE(e.blockers[0].unlock.en.find("200 more hours"), std::string::npos) << e.blockers[0].unlock.en;
}

TEST_F(ScoringTest, DesiredFrenchGapLosesPointThirtyFivePerLevel) {
  Candidate c = MasonCandidate();
  c.french_level = CefrLevel::kA1;
  Opening o = MasonOpening();
  o.french_requirement = Requirement::kDesired;
  Explanation e = Explain(c, o);
  EXPECT_TRUE(e.eligible);
  EXPECT_NEAR(Score(e, Criterion::kFrench), 1.0f - 2 * sc::kFrenchDesiredGapPenalty, 1e-6);
}

TEST_F(ScoringTest, DeclaredLevelScoresLessThanAttested) {
  Candidate c = MasonCandidate();
  c.french_level = CefrLevel::kB1;
  c.french_attested = false;
  EXPECT_FLOAT_EQ(Score(Explain(c, MasonOpening()), Criterion::kFrench), sc::kFrenchDeclaredOnly);
  c.french_attested = true;
  EXPECT_FLOAT_EQ(Score(Explain(c, MasonOpening()), Criterion::kFrench), 1.0f);
}

// Openings placed at a given distance: a commune whose centroid is at distance d from Saint-Denis.
class MobilityTest : public ScoringTest {
 protected:
  // Commune closest to `target_km` from Saint-Denis's centroid, with its exact distance.
  std::pair<std::string, float> CommuneAt(float target_km) {
    const Commune& home = data_->communes()[*data_->FindCommune(testing::kSaintDenis)];
    const UnitVector h = UnitVectorFromDegrees(home.latitude_deg, home.longitude_deg);
    std::pair<std::string, float> best{"", 1e9f};
    for (const Commune& c : data_->communes()) {
      const float d = GreatCircleKm(h, UnitVectorFromDegrees(c.latitude_deg, c.longitude_deg));
      if (std::abs(d - target_km) < std::abs(best.second - target_km)) best = {c.insee_code, d};
    }
    return best;
  }
  Candidate Fluent() {
    Candidate c = MasonCandidate();
    c.french_level = CefrLevel::kB2;
    return c;
  }
};

TEST_F(MobilityTest, DistanceJustInsideRadiusScoresAboutHalf) {
  Candidate c = Fluent();
  c.max_commute_km = 20;
  auto [commune, d] = CommuneAt(19.5f);
  ASSERT_LT(d, 20.0f);
  Explanation e = Explain(c, MasonOpening("o", commune));
  EXPECT_TRUE(e.eligible);
  EXPECT_NEAR(Score(e, Criterion::kMobility), std::exp(-std::log(2.0f) * (d / 20) * (d / 20)), 1e-4);
  EXPECT_GT(Score(e, Criterion::kMobility), 0.5f);
}

TEST_F(MobilityTest, DistanceJustOutsideRadiusIsTooFar) {
  Candidate c = Fluent();
  c.max_commute_km = 20;
  auto [commune, d] = CommuneAt(20.5f);
  ASSERT_GT(d, 20.0f);
  Explanation e = Explain(c, MasonOpening("o", commune));
  EXPECT_FALSE(e.eligible);
  EXPECT_TRUE(e.near_miss);
  EXPECT_TRUE(HasBlocker(e, "TOO_FAR"));
}

TEST_F(MobilityTest, RelocationWithHousingProvidedIsEligibleAtPointFour) {
  Candidate c = Fluent();
  c.relocation_accepted = true;
  Opening o = MasonOpening("lyon", testing::kLyon);
  o.housing_provided = true;
  Explanation e = Explain(c, o);
  EXPECT_TRUE(e.eligible);
  EXPECT_FLOAT_EQ(Score(e, Criterion::kMobility), sc::kRelocationMobilityScore);
  EXPECT_FLOAT_EQ(Score(e, Criterion::kHousing), 1.0f);
  EXPECT_NEAR(e.distance_km, 392, 10);
}

TEST_F(MobilityTest, RelocationWithoutHousingIsBlockedWithHousingUnlock) {
  Candidate c = Fluent();
  c.relocation_accepted = true;
  Explanation e = Explain(c, MasonOpening("lyon", testing::kLyon));
  EXPECT_FALSE(e.eligible);
  EXPECT_TRUE(e.near_miss);
  ASSERT_TRUE(HasBlocker(e, "RELOCATION_NEEDS_HOUSING"));
  EXPECT_FLOAT_EQ(Score(e, Criterion::kHousing), sc::kHousingBarrierScore);
}

TEST_F(MobilityTest, LicenceRequiredAndMissingIsIneligibleDesiredLowersMobility) {
  Opening o = MasonOpening();
  o.driving_licence = Requirement::kRequired;
  Explanation required = Explain(Fluent(), o);
  EXPECT_TRUE(HasBlocker(required, "DRIVING_LICENCE_REQUIRED"));
  EXPECT_TRUE(required.near_miss);
  o.driving_licence = Requirement::kDesired;
  Explanation desired = Explain(Fluent(), o);
  EXPECT_TRUE(desired.eligible);
  o.driving_licence = Requirement::kNone;
  Explanation none = Explain(Fluent(), o);
  EXPECT_FLOAT_EQ(Score(desired, Criterion::kMobility),
                  Score(none, Criterion::kMobility) * sc::kDesiredLicenceMissingFactor);
}

TEST_F(MobilityTest, EmergencyShelterNeedsHousingEvenLocally) {
  Candidate c = Fluent();
  c.housing = HousingStatus::kEmergency;
  EXPECT_FLOAT_EQ(Score(Explain(c, MasonOpening()), Criterion::kHousing), sc::kHousingBarrierScore);
  Opening o = MasonOpening();
  o.housing_provided = true;
  EXPECT_FLOAT_EQ(Score(Explain(c, o), Criterion::kHousing), 1.0f);
  c.housing = HousingStatus::kTemporary;
  EXPECT_FLOAT_EQ(Score(Explain(c, MasonOpening()), Criterion::kHousing), 1.0f);
}

TEST_F(ScoringTest, ContractNotAcceptedIsAHardBlocker) {
  Candidate c = MasonCandidate();
  c.accepted_contracts = ContractBit(ContractType::kCdd);
  Explanation e = Explain(c, MasonOpening());
  EXPECT_TRUE(HasBlocker(e, "CONTRACT_MISMATCH"));
  EXPECT_FALSE(e.near_miss);
}

TEST_F(ScoringTest, NoRightToWorkIsAHardBlocker) {
  Candidate c = MasonCandidate();
  c.french_level = CefrLevel::kB2;
  c.right_to_work = false;
  Explanation e = Explain(c, MasonOpening());
  EXPECT_FALSE(e.eligible);
  EXPECT_FALSE(e.near_miss);
  EXPECT_TRUE(HasBlocker(e, "NO_RIGHT_TO_WORK"));
}

TEST_F(ScoringTest, TimingHalvesAfterEightWeeksAndScheduleCoverageCounts) {
  Candidate c = MasonCandidate();
  c.french_level = CefrLevel::kB2;
  c.available_from = MasonOpening().start_date + 56;
  EXPECT_NEAR(Score(Explain(c, MasonOpening()), Criterion::kTiming), 0.5f, 1e-5);
  c.available_from = 0;
  c.weekly_availability = WeeklySlotBit(0, 0) | WeeklySlotBit(1, 0);  // Monday and Tuesday mornings
  Opening o = MasonOpening();
  o.weekly_schedule = WeeklySlotBit(0, 0) | WeeklySlotBit(0, 1) | WeeklySlotBit(1, 0) | WeeklySlotBit(1, 1);
  EXPECT_NEAR(Score(Explain(c, o), Criterion::kTiming), 0.5f + 0.5f * 0.5f, 1e-6);
  o.weekly_schedule = WeeklySlotBit(4, 2);  // Friday evening only
  EXPECT_TRUE(HasBlocker(Explain(c, o), "SCHEDULE_CONFLICT"));
}

TEST_F(ScoringTest, HardToFillFlagRaisesTensionToTheFloor) {
  Opening o = MasonOpening("o", "02691");  // Saint-Quentin (Hauts-de-France)
  const float base = Score(Explain(MasonCandidate(), o), Criterion::kTension);
  o.hard_to_fill = true;
  EXPECT_FLOAT_EQ(Score(Explain(MasonCandidate(), o), Criterion::kTension), std::max(base, sc::kHardToFillTensionFloor));
}

TEST_F(ScoringTest, ContributionsAddUpToTheTotal) {
  Opening o = MasonOpening();
  o.french_training_hours = 400;
  ScoringProfile p;
  p.weights = {5, 1, 0.5f, 2, 3, 0, 1.5f, 2.5f};
  Explanation e = Explain(MasonCandidate(), o, p);
  float sum = 0, weight_sum = 0;
  for (const CriterionExplanation& c : e.criteria) sum += c.contribution, weight_sum += c.weight;
  EXPECT_NEAR(sum, e.total, 1e-6);
  for (const CriterionExplanation& c : e.criteria) EXPECT_NEAR(c.contribution, c.weight * c.score / weight_sum, 1e-6);
}

TEST_F(ScoringTest, ScoringIsDeterministic) {
  Explanation a = Explain(MasonCandidate(), MasonOpening());
  Explanation b = Explain(MasonCandidate(), MasonOpening());
  EXPECT_EQ(a.total, b.total);
  for (int k = 0; k < kCriterionCount; ++k) EXPECT_EQ(a.criteria[k].score, b.criteria[k].score);
}

TEST(ScoringProfileTest, NonFiniteOrNegativeWeightsAreRejectedNamingTheField) {
  ScoringProfile p;
  p.weights[static_cast<int>(Criterion::kSkills)] = std::nanf("");
  absl::Status s = ValidateScoringProfile(p);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("weights.skills"), absl::string_view::npos) << s;
  p.weights = {0, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_FALSE(ValidateScoringProfile(p).ok());
  p.weights[0] = -1;
  EXPECT_NE(ValidateScoringProfile(p).message().find("weights.occupation"), absl::string_view::npos);
}

// GreatCircleBeyond decides most reach tests from the chord alone; it must give the exact test's answer
// everywhere, thresholds at the distance itself (within a few float steps) included.
TEST(GreatCircleBeyondTest, GivesTheExactDistanceTestsAnswer) {
  std::mt19937 random(7);
  std::uniform_real_distribution<double> latitude(41.0, 51.5), longitude(-5.5, 9.8), unit(0.0, 1.0);
  int decided_by_the_chord = 0, tests = 0;
  for (int i = 0; i < 20000; ++i) {
    const double lat = latitude(random), lon = longitude(random);
    const UnitVector a = UnitVectorFromDegrees(lat, lon);
    // Half the pairs within about 20 km (the blocks of one town), half anywhere in France.
    const UnitVector b = i % 2 ? UnitVectorFromDegrees(latitude(random), longitude(random))
                               : UnitVectorFromDegrees(lat + unit(random) * 0.2 - 0.1, lon + unit(random) * 0.2 - 0.1);
    const float km = GreatCircleKm(a, b);
    const float less = static_cast<float>(unit(random) * 50.0);
    for (const float limit : {km - less, std::nextafter(km - less, 0.0f), std::nextafter(km - less, 1e9f),
                              (km - less) * 0.999f, (km - less) * 0.99f, (km - less) * 0.5f, (km - less) * 1.001f,
                              0.0f, -1.0f, 1.0f, 30.0f}) {
      const bool exact = km - less > limit;
      ASSERT_EQ(GreatCircleBeyond(a, b, less, limit), exact) << "pair " << i << ", less " << less << ", limit " << limit;
      ++tests;
      const float threshold = limit + less;
      const float dx = a.x - b.x, dy = a.y - b.y, dz = a.z - b.z;
      if (threshold > 0 &&
          (dx * dx + dy * dy + dz * dz) * kEarthRadiusKm * kEarthRadiusKm > threshold * threshold * 1.002f) {
        ++decided_by_the_chord;
      }
    }
  }
  // Far blocks are the common case: the chord must settle a good share without the arcsine.
  EXPECT_GT(decided_by_the_chord, tests / 4);
}

}  // namespace
}  // namespace passerelle::engine::scoring_test
