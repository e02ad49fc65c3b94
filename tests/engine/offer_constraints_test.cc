// The hard constraints on the fields France Travail offers carry, through ExplainPair (the ranking kernel
// with n = 1): required licence categories (relaxable, with the unlock) and night or weekend work.
#include <string>

#include "absl/strings/match.h"
#include "engine/model/language_columns.h"
#include "engine/model/offer_fields.h"
#include "engine/scoring/constants.h"
#include "engine/scoring/explanation.h"
#include "engine/scoring/resolution.h"
#include "gtest/gtest.h"
#include "tests/engine/test_fixtures.h"

namespace passerelle::engine::offer_constraints_test {
namespace {

using ::passerelle::engine::testing::MasonCandidate;
using ::passerelle::engine::testing::SharedReferenceData;

// The fixture's opening without its French requirement (the fixture's candidate is A2, it asks B1), so
// that the pair fails only what a test adds.
Opening MasonOpening() {
  Opening o = testing::MasonOpening();
  o.french_requirement = Requirement::kNone;
  return o;
}
class OfferConstraintsTest : public ::testing::Test {
 protected:
  OfferConstraintsTest() : data_(SharedReferenceData()), relations_(*data_) {}

  Explanation Explain(const Candidate& c, const Opening& o) {
    auto rc = ResolveCandidate(c, *data_);
    auto ro = ResolveOpening(o, *data_);
    EXPECT_TRUE(rc.ok()) << rc.status();
    EXPECT_TRUE(ro.ok()) << ro.status();
    return ExplainPair(*rc, *ro, DefaultScoringProfile(), *data_, relations_);
  }
  static const Blocker* Find(const Explanation& e, const std::string& code) {
    for (const Blocker& b : e.blockers) {
      if (b.code == code) return &b;
    }
    return nullptr;
  }

  std::shared_ptr<const ReferenceData> data_;
  OccupationRelations relations_;
};

TEST_F(OfferConstraintsTest, BaselinePairIsEligible) {
  const Explanation e = Explain(MasonCandidate(), MasonOpening());
  ASSERT_TRUE(e.eligible);
}

TEST_F(OfferConstraintsTest, RequiredCategoryNotHeldIsANearMissWithTrainingWeeks) {
  Candidate c = MasonCandidate();
  c.licence_categories = LicenceBit(LicenceCategory::kB);
  Opening o = MasonOpening();
  o.licences_required = LicenceBit(LicenceCategory::kC);
  const Explanation e = Explain(c, o);
  EXPECT_FALSE(e.eligible);
  EXPECT_TRUE(e.near_miss);
  const Blocker* b = Find(e, "LICENCE_CATEGORY_MISSING");
  ASSERT_NE(b, nullptr);
  EXPECT_TRUE(b->relaxable);
  EXPECT_EQ(b->unlock.fr, "permis C : environ 4 semaines de formation");
  EXPECT_EQ(b->unlock.en, "licence C: about 4 weeks of training");
  EXPECT_TRUE(absl::StrContains(b->reason.fr, ": C")) << b->reason.fr;

  // Held: eligible, and the total does not move (a constraint, not a score).
  const float relaxed_total = e.total;
  c.licence_categories |= LicenceBit(LicenceCategory::kC);
  const Explanation held = Explain(c, o);
  EXPECT_TRUE(held.eligible);
  EXPECT_FLOAT_EQ(held.total, relaxed_total);
}

TEST_F(OfferConstraintsTest, PendingExchangeIsClosableWithTheExchangeDelay) {
  Candidate c = MasonCandidate();
  c.licence_categories_pending = LicenceBit(LicenceCategory::kCe);
  Opening o = MasonOpening();
  o.licences_required = LicenceBit(LicenceCategory::kCe) | LicenceBit(LicenceCategory::kD);
  const Explanation e = Explain(c, o);
  EXPECT_TRUE(e.near_miss);
  const Blocker* b = Find(e, "LICENCE_CATEGORY_MISSING");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->unlock.fr,
            "permis CE : échange du permis étranger en cours, environ 12 semaines ; "
            "permis D : environ 5 semaines de formation");
  EXPECT_TRUE(absl::StrContains(b->unlock.en, "licence CE: foreign licence exchange under way, about 12 weeks"));
}

TEST_F(OfferConstraintsTest, LegacyDrivingLicenceMeetsCategoryBOnly) {
  Candidate c = MasonCandidate();
  c.driving_licence = true;
  Opening o = MasonOpening();
  o.licences_required = LicenceBit(LicenceCategory::kB);
  EXPECT_TRUE(Explain(c, o).eligible);
  o.licences_required = LicenceBit(LicenceCategory::kC);
  EXPECT_NE(Find(Explain(c, o), "LICENCE_CATEGORY_MISSING"), nullptr);
}

// The older driving_licence requirement and the car radius read the categories too: B (or a category
// granted on top of B) held without the legacy flag counts; a motorcycle category alone does not.
TEST_F(OfferConstraintsTest, CarCategoryHeldMeetsTheOlderLicenceRequirementAndTheCarRadius) {
  Candidate c = MasonCandidate();
  c.driving_licence = false;
  Opening o = MasonOpening();
  o.driving_licence = Requirement::kRequired;
  ASSERT_NE(Find(Explain(c, o), "DRIVING_LICENCE_REQUIRED"), nullptr);
  c.licence_categories = LicenceBit(LicenceCategory::kA);
  EXPECT_NE(Find(Explain(c, o), "DRIVING_LICENCE_REQUIRED"), nullptr);
  c.licence_categories = LicenceBit(LicenceCategory::kB);
  EXPECT_TRUE(Explain(c, o).eligible);
  c.licence_categories = LicenceBit(LicenceCategory::kCe);
  EXPECT_TRUE(Explain(c, o).eligible);

  c.transport_mode = TransportMode::kCar;
  c.vehicle = true;
  auto resolved = ResolveCandidate(c, *data_);
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_FLOAT_EQ(resolved->radius_km, scoring::kRadiusCarKm);
  c.licence_categories = LicenceBit(LicenceCategory::kA);
  resolved = ResolveCandidate(c, *data_);
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_FLOAT_EQ(resolved->radius_km, scoring::kRadiusPublicTransportKm);
}

TEST_F(OfferConstraintsTest, NightWorkNeedsANightSlotWeekendWorkASaturdayOrSundaySlot) {
  Candidate c = MasonCandidate();
  c.weekly_availability = WeeklySlotBit(0, 0) | WeeklySlotBit(1, 0);  // weekday mornings
  Opening o = MasonOpening();
  o.night_work = true;
  Explanation e = Explain(c, o);
  EXPECT_FALSE(e.eligible);
  EXPECT_FALSE(e.near_miss);
  const Blocker* b = Find(e, "NIGHT_OR_WEEKEND_UNAVAILABLE");
  ASSERT_NE(b, nullptr);
  EXPECT_FALSE(b->relaxable);
  EXPECT_TRUE(b->unlock.fr.empty());

  c.weekly_availability |= WeeklySlotBit(2, 3);  // Wednesday night
  EXPECT_TRUE(Explain(c, o).eligible);

  o.weekend_work = true;
  EXPECT_NE(Find(Explain(c, o), "NIGHT_OR_WEEKEND_UNAVAILABLE"), nullptr);
  c.weekly_availability |= WeeklySlotBit(6, 0);  // Sunday morning
  EXPECT_TRUE(Explain(c, o).eligible);

  c.weekly_availability = 0;  // no availability stated: fits any
  EXPECT_TRUE(Explain(c, o).eligible);
}

TEST_F(OfferConstraintsTest, StatedMaximumBelowTheFloorIsFilteredOut) {
  Candidate c = MasonCandidate();
  c.min_monthly_salary_eur = 2000;
  Opening o = MasonOpening();
  o.salary_monthly_min_eur = 1800;
  o.salary_monthly_max_eur = 1950;
  const Explanation e = Explain(c, o);
  EXPECT_FALSE(e.eligible);
  EXPECT_FALSE(e.near_miss);
  const Blocker* b = Find(e, "SALARY_BELOW_FLOOR");
  ASSERT_NE(b, nullptr);
  EXPECT_FALSE(b->relaxable);
  EXPECT_EQ(b->reason.fr, "Salaire maximum proposé (1950 € brut/mois) inférieur au minimum de la personne (2000 €)");

  o.salary_monthly_max_eur = 2000;  // equal to the floor: fits
  EXPECT_TRUE(Explain(c, o).eligible);
  o.salary_monthly_min_eur = 0;
  o.salary_monthly_max_eur = 0;  // not stated: fits
  EXPECT_TRUE(Explain(c, o).eligible);
  c.min_monthly_salary_eur = 0;  // any salary
  o.salary_monthly_max_eur = 1200;
  EXPECT_TRUE(Explain(c, o).eligible);
}

// A required language (exigence E) not spoken at the level asked blocks, not relaxable, with the level
// the person has; a desired one, or one outside the 16 checked languages, does not.
TEST_F(OfferConstraintsTest, RequiredLanguageNotSpokenAtTheLevelBlocks) {
  Candidate c = MasonCandidate();
  c.languages = {{"ar", CefrLevel::kC2}, {"en", CefrLevel::kA2}};
  Opening o = MasonOpening();
  o.languages = {{"en", CefrLevel::kB1, Requirement::kRequired}};
  Explanation e = Explain(c, o);
  EXPECT_FALSE(e.eligible);
  EXPECT_FALSE(e.near_miss);
  const Blocker* b = Find(e, "LANGUAGE_REQUIRED_MISSING");
  ASSERT_NE(b, nullptr);
  EXPECT_FALSE(b->relaxable);
  EXPECT_EQ(b->reason.fr, "Langue exigée non parlée au niveau demandé : en B1 (niveau A2)");
  EXPECT_EQ(b->reason.en, "Required language not spoken at the level asked: en B1 (level A2)");

  const float blocked_total = e.total;
  o.languages = {{"ti", CefrLevel::kPreA1, Requirement::kRequired}};  // no level stated: A1
  const Explanation tigrinya = Explain(c, o);
  b = Find(tigrinya, "LANGUAGE_REQUIRED_MISSING");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->reason.en, "Required language not spoken at the level asked: ti A1 (not spoken)");

  o.languages = {{"ar", CefrLevel::kB2, Requirement::kRequired}, {"en", CefrLevel::kB1, Requirement::kDesired}};
  e = Explain(c, o);
  EXPECT_TRUE(e.eligible);
  // The required language met does not raise the score (a constraint); the desired en B1 not reached
  // (A2) lowers it, as a desired asset of the experience criterion.
  EXPECT_LT(e.total, blocked_total);
  c.languages[1].level = CefrLevel::kB1;
  o.languages = {{"en", CefrLevel::kB1, Requirement::kRequired}};
  EXPECT_TRUE(Explain(c, o).eligible);
  o.languages = {{"en", CefrLevel::kC1, Requirement::kRequired}};
  EXPECT_NE(Find(Explain(c, o), "LANGUAGE_REQUIRED_MISSING"), nullptr);
  o.languages = {{"wo", CefrLevel::kB1, Requirement::kRequired}};  // Wolof: not one of the 16, not checked
  EXPECT_TRUE(Explain(c, o).eligible);
}

TEST(LanguageColumnsTest, WordsHoldEveryLevelUpToTheSpokenOneAndTheAskedLevelOnly) {
  Candidate c;
  c.languages = {{"en", CefrLevel::kB2}, {"zh", CefrLevel::kA1}, {"wo", CefrLevel::kC2}};
  const int en = ScoredLanguageIndex("en"), zh = ScoredLanguageIndex("zh");
  ASSERT_EQ(en, 0);
  ASSERT_EQ(zh, 15);
  EXPECT_EQ(SpokenLanguageWord(c, 0), (1u << en) | (1u << (en + 16)) | (1u << zh));
  EXPECT_EQ(SpokenLanguageWord(c, 1), (1u << en) | (1u << (en + 16)));
  EXPECT_EQ(SpokenLanguageWord(c, 2), 0u);
  Opening o;
  o.languages = {{"zh", CefrLevel::kB2, Requirement::kRequired}, {"en", CefrLevel::kC1, Requirement::kDesired}};
  EXPECT_EQ(RequiredLanguageWord(o, 0), 0u);
  EXPECT_EQ(RequiredLanguageWord(o, 1), 1u << (zh + 16));
  EXPECT_EQ(RequiredLanguageWord(o, 2), 0u);
}

TEST(OfferSlotsTest, NightAndWeekendMasks) {
  EXPECT_EQ(kNightSlots, 0x08888888u);
  EXPECT_EQ(kWeekendSlots, WeeklySlotBit(5, 0) | WeeklySlotBit(5, 1) | WeeklySlotBit(5, 2) | WeeklySlotBit(5, 3) |
                               WeeklySlotBit(6, 0) | WeeklySlotBit(6, 1) | WeeklySlotBit(6, 2) | WeeklySlotBit(6, 3));
}

}  // namespace
}  // namespace passerelle::engine::offer_constraints_test
