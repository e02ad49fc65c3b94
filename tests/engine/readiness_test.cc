// Dated readiness (docs/scoring.md, "Readiness"): the HOPE route's steps, the day the person can start,
// the timing score against the start date, the words of the explanation, and a start date of day 0.
#include <cmath>
#include <string>

#include "engine/index/match_index.h"
#include "engine/model/dates.h"
#include "engine/model/route.h"
#include "engine/scoring/constants.h"
#include "engine/scoring/explanation.h"
#include "gtest/gtest.h"
#include "tests/engine/test_fixtures.h"

namespace passerelle::engine::readiness_test {
namespace {

using ::passerelle::engine::testing::MasonCandidate;
using ::passerelle::engine::testing::MasonOpening;
using ::passerelle::engine::testing::SharedReferenceData;
namespace sc = scoring;

class ReadinessTest : public ::testing::Test {
 protected:
  ReadinessTest() : data_(SharedReferenceData()), relations_(*data_) {}

  Explanation Explain(const Candidate& c, const Opening& o, Day today = 0) {
    auto rc = ResolveCandidate(c, *data_);
    auto ro = ResolveOpening(o, *data_);
    EXPECT_TRUE(rc.ok()) << rc.status();
    EXPECT_TRUE(ro.ok()) << ro.status();
    return ExplainPair(*rc, *ro, DefaultScoringProfile(), *data_, relations_, today);
  }
  static float Timing(const Explanation& e) { return e.criteria[static_cast<int>(Criterion::kTiming)].score; }
  static const Sentence& TimingReason(const Explanation& e) {
    return e.criteria[static_cast<int>(Criterion::kTiming)].reason;
  }

  // Pre-A1 with 200 h of French planned, against a B1 CDI whose route has a 400 h POEC and job training:
  // 600 h needed, 200 h before the route (70 days at 20 h a week), POEC 400 h (80 days at 35 h), job
  // training 450 h (90 days at 35 h).
  static Candidate Newcomer() {
    Candidate c = MasonCandidate();
    c.french_level = CefrLevel::kPreA1;
    c.french_hours_planned = 200;
    return c;
  }
  static Opening HopeOpening() {
    Opening o = MasonOpening();
    o.french_training_hours = 400;
    o.training_provided = true;
    return o;
  }

  std::shared_ptr<const ReferenceData> data_;
  OccupationRelations relations_;
};

TEST_F(ReadinessTest, LevelMetMeansReadyOnAvailableFrom) {
  Candidate c = MasonCandidate();
  c.french_level = CefrLevel::kB1;
  const Explanation e = Explain(c, HopeOpening(), DayFromCivil(2026, 1, 5));
  EXPECT_EQ(e.ready_day, c.available_from);
  EXPECT_TRUE(e.route.empty());
  EXPECT_FLOAT_EQ(Timing(e), 1.0f);
}

TEST_F(ReadinessTest, RouteStepsAreDatedFromToday) {
  const Day today = DayFromCivil(2026, 1, 5);
  const Explanation e = Explain(Newcomer(), HopeOpening(), today);
  ASSERT_EQ(e.route.size(), 3u);
  EXPECT_EQ(e.route[0].kind, "FRENCH");
  EXPECT_FLOAT_EQ(e.route[0].hours, 200);
  EXPECT_EQ(e.route[0].days, 70);
  EXPECT_EQ(e.route[1].kind, "POEC");
  EXPECT_EQ(e.route[1].days, 80);
  EXPECT_EQ(e.route[2].kind, "JOB_TRAINING");
  EXPECT_FLOAT_EQ(e.route[2].hours, kJobTrainingHours);
  EXPECT_EQ(e.route[2].days, 90);
  EXPECT_EQ(e.ready_day, today + 240);
  EXPECT_EQ(FormatDay(e.ready_day), "2026-09-02");
  // The opening starts 2026-03-02: the wait is 184 days.
  const int wait = e.ready_day - HopeOpening().start_date;
  EXPECT_EQ(wait, 184);
  EXPECT_NEAR(Timing(e), std::exp(-std::log(2.0f) * wait / sc::kTimingHalfLifeDays), 1e-6);
  EXPECT_EQ(TimingReason(e).fr,
            "Prête vers le 2 septembre 2026 : environ 200 h de français puis POEC Maçon / Maçonne 400 h puis 450 h de "
            "formation métier ; disponible 184 jour(s) après le début du poste")
      << TimingReason(e).fr;
  EXPECT_NE(TimingReason(e).en.find("Ready around 2 September 2026: about 200 h of French, then POEC"),
            std::string::npos)
      << TimingReason(e).en;
}

TEST_F(ReadinessTest, UnknownTodayStartsTheRouteOnAvailableFrom) {
  const Candidate c = Newcomer();
  const Explanation e = Explain(c, HopeOpening(), 0);
  EXPECT_EQ(e.ready_day, c.available_from + 240);
}

TEST_F(ReadinessTest, ReadyNoEarlierThanAvailableFrom) {
  Candidate c = Newcomer();
  c.available_from = DayFromCivil(2027, 1, 4);  // later than today + the route
  const Explanation e = Explain(c, HopeOpening(), DayFromCivil(2026, 1, 5));
  EXPECT_EQ(e.ready_day, c.available_from);
}

TEST_F(ReadinessTest, WorkStudyAndPoecOpeningsKeepTheirStepsAfterTheStart) {
  Opening o = HopeOpening();
  o.contract = ContractType::kProfessionnalisation;  // job training inside the contract
  Explanation e = Explain(Newcomer(), o, DayFromCivil(2026, 1, 5));
  ASSERT_EQ(e.route.size(), 2u);
  EXPECT_EQ(e.route[1].kind, "POEC");
  EXPECT_EQ(e.ready_day, DayFromCivil(2026, 1, 5) + 150);
  o.contract = ContractType::kPoec;  // the opening is the POEC: only the French before it
  e = Explain(Newcomer(), o, DayFromCivil(2026, 1, 5));
  ASSERT_EQ(e.route.size(), 1u);
  EXPECT_EQ(e.route[0].kind, "FRENCH");
  EXPECT_EQ(e.ready_day, DayFromCivil(2026, 1, 5) + 70);
}

TEST_F(ReadinessTest, NoStartDateMeansNoWait) {
  // An opening written with start_date "" decodes to day 0: as soon as possible, not 1970.
  Opening o = MasonOpening();
  o.start_date = 0;
  Candidate c = MasonCandidate();
  c.french_level = CefrLevel::kB1;
  const Explanation e = Explain(c, o, DayFromCivil(2026, 1, 5));
  EXPECT_FLOAT_EQ(Timing(e), 1.0f);
  EXPECT_EQ(TimingReason(e).en, "The opening states no start date (as soon as possible)");
  EXPECT_EQ(TimingReason(e).fr.find("jour"), std::string::npos) << TimingReason(e).fr;
}

TEST_F(ReadinessTest, AStartDateAlreadyPastCountsFromToday) {
  // The opening meant to start on 2 March; on 5 October it waits from now, not from March.
  const Day today = DayFromCivil(2026, 10, 5);
  Opening o = HopeOpening();
  o.start_date = DayFromCivil(2026, 3, 2);
  const Explanation e = Explain(Newcomer(), o, today);
  ASSERT_EQ(e.ready_day, today + 240);
  EXPECT_NEAR(Timing(e), std::exp(-std::log(2.0f) * 240 / sc::kTimingHalfLifeDays), 1e-5);
  EXPECT_NE(TimingReason(e).en.find("position open now (stated start passed); available in 240 days"),
            std::string::npos) << TimingReason(e).en;
  EXPECT_NE(TimingReason(e).fr.find("disponible dans 240 jour(s)"), std::string::npos) << TimingReason(e).fr;
  // Someone available already does not wait at all.
  Candidate ready = MasonCandidate();
  ready.french_level = CefrLevel::kB1;
  ready.available_from = DayFromCivil(2026, 1, 5);
  const Explanation now = Explain(ready, o, today);
  EXPECT_FLOAT_EQ(Timing(now), 1.0f);
  EXPECT_EQ(TimingReason(now).en, "Position open now (stated start passed); available now");
}

TEST_F(ReadinessTest, NearMissUnlockNamesTheRouteAndItsLength) {
  Candidate c = Newcomer();
  c.french_hours_planned = 0;  // 600 h needed, 400 h on the route: not closable
  const Explanation e = Explain(c, HopeOpening(), DayFromCivil(2026, 1, 5));
  ASSERT_TRUE(e.near_miss);
  ASSERT_EQ(e.blockers.size(), 1u);
  EXPECT_EQ(e.blockers[0].code, "FRENCH_GAP");
  EXPECT_NE(e.blockers[0].unlock.fr.find("parcours : environ 200 h de français puis POEC Maçon / Maçonne 400 h puis 450 h de "
                                         "formation métier, environ 35 semaine(s), prête vers le 2 septembre 2026"),
            std::string::npos)
      << e.blockers[0].unlock.fr;
  EXPECT_NE(e.blockers[0].unlock.en.find("about 35 weeks, ready around 2 September 2026"), std::string::npos)
      << e.blockers[0].unlock.en;
}

TEST_F(ReadinessTest, MatchesCarryTheKernelsReadyDay) {
  MatchIndex index(data_);
  auto c = index.ResolveCandidate(Newcomer());
  auto o = index.ResolveOpening(HopeOpening());
  ASSERT_TRUE(c.ok() && o.ok());
  index.UpsertCandidates({*c});
  index.UpsertOpenings({*o});
  MatchQuery query;
  query.today = DayFromCivil(2026, 1, 5);
  auto result = index.MatchOpenings(Newcomer().id, query, DefaultScoringProfile());
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->matches.size(), 1u);
  EXPECT_EQ(result->matches[0].ready_day, query.today + 240);
  ASSERT_NE(result->matches[0].explanation, nullptr);
  EXPECT_EQ(result->matches[0].explanation->ready_day, query.today + 240);
  EXPECT_EQ(result->matches[0].explanation->route.size(), 3u);
}

}  // namespace
}  // namespace passerelle::engine::readiness_test
