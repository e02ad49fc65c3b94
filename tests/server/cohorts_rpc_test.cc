// FormCohorts through an in-process server on 127.0.0.1: progress then one result, cohorts within the
// size range on POEC openings of their sector and région, figures that add up, ids as the caller wrote
// them, and fields validated by name. Access rules are in access_rpc_test.cc.
#include <algorithm>
#include <set>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "engine/batch/poec_cohorts.h"
#include "engine/sample/cohort_generator.h"
#include "engine/store/record_key.h"
#include "engine/model/dates.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/server/test_util.h"

namespace passerelle::server {
namespace {

using ::passerelle::server::testing::InProcessServer;
using ::passerelle::server::testing::kCounsellorOrg;
using ::passerelle::server::testing::SharedReferenceData;

struct CohortsStream {
  std::vector<v1::RerankProgress> progress;
  std::vector<v1::CohortsResult> results;
  bool result_is_last = false;
  grpc::Status status;
};

class CohortsRpcTest : public ::testing::Test {
 protected:
  CohortsRpcTest() {
    engine::CohortOptions options;
    options.seed = 11;
    options.candidates = 600;
    options.openings = 200;
    engine::CohortGenerator generator(SharedReferenceData(), options);
    std::vector<engine::Candidate> cohort = generator.Candidates();
    for (engine::Candidate& c : cohort) c.owner_id = kCounsellorOrg;
    engine::Catalog& catalog = server_.server().catalog();
    EXPECT_TRUE(catalog.PutCandidates(kCounsellorOrg, cohort).ok());
    EXPECT_TRUE(catalog.PutOpenings(testing::kEmployerOrg, generator.Openings()).ok());
  }

  CohortsStream Form(const v1::FormCohortsRequest& request) {
    CohortsStream out;
    grpc::ClientContext context;
    auto reader = server_.stub().FormCohorts(&context, request);
    v1::FormCohortsResponse response;
    while (reader->Read(&response)) {
      out.result_is_last = response.has_result();
      if (response.has_progress()) out.progress.push_back(response.progress());
      if (response.has_result()) out.results.push_back(response.result());
    }
    out.status = reader->Finish();
    return out;
  }

  std::shared_ptr<const engine::ResolvedOpening> Opening(const std::string& id) {
    return server_.server().catalog().index().FindOpening(engine::QualifiedId(testing::kEmployerOrg, id));
  }

  InProcessServer server_;
};

TEST_F(CohortsRpcTest, StreamsProgressThenOneResultWithCohortsInTheSizeRange) {
  v1::FormCohortsRequest request;
  request.set_min_cohort_size(2);
  request.set_max_cohort_size(4);
  request.set_openings_per_candidate(200);
  const CohortsStream stream = Form(request);
  ASSERT_TRUE(stream.status.ok()) << stream.status.error_message();
  ASSERT_EQ(stream.results.size(), 1u);
  EXPECT_TRUE(stream.result_is_last);
  ASSERT_FALSE(stream.progress.empty());
  EXPECT_TRUE(stream.progress.back().done());
  EXPECT_EQ(stream.progress.back().candidates_done(), 600);

  const v1::CohortsResult& r = stream.results[0];
  EXPECT_EQ(r.candidate_count(), 600);
  EXPECT_EQ(r.objective(), v1::ASSIGNMENT_OBJECTIVE_MAX_PEOPLE_PLACED) << "the programme default";
  EXPECT_EQ(r.scoring_profile(), "default");
  EXPECT_GT(r.poec_opening_count(), 0);
  ASSERT_GT(r.cohorts_size(), 0);
  EXPECT_EQ(r.left_out_no_eligible_opening() + r.left_out_cohort_too_small() + r.left_out_positions_exhausted(),
            r.candidate_count() - r.placed_count());
  EXPECT_EQ(r.left_out_size(), r.candidate_count() - r.placed_count());
  std::set<std::string> placed;
  const engine::ReferenceData& data = *SharedReferenceData();
  for (const v1::TrainingCohort& cohort : r.cohorts()) {
    EXPECT_GE(cohort.members_size(), 2);
    EXPECT_LE(cohort.members_size(), 4);
    EXPECT_FALSE(cohort.domaine_label().empty());
    EXPECT_FALSE(cohort.region_name().empty());
    // The session starts when its last member is ready; the spread is counted in days.
    std::string first = cohort.members(0).ready_date(), last = first;
    for (const v1::CohortMember& m : cohort.members()) first = std::min(first, m.ready_date()), last = std::max(last, m.ready_date());
    EXPECT_EQ(cohort.start_date(), last);
    EXPECT_GE(first, engine::FormatDay(engine::DayOf(absl::Now()) - 1)) << "nobody starts before the day of the run";
    ASSERT_FALSE(last.empty()) << "the generated candidates state available_from";
    EXPECT_EQ(cohort.ready_spread_days(), *engine::ParseDay(last, "last") - *engine::ParseDay(first, "first"));
    for (const v1::CohortMember& m : cohort.members()) {
      EXPECT_TRUE(placed.insert(m.candidate_id()).second) << m.candidate_id();
      EXPECT_FALSE(absl::StrContains(m.candidate_id(), kCounsellorOrg)) << "ids as the caller wrote them";
      const auto opening = Opening(m.opening_id());
      ASSERT_NE(opening, nullptr) << m.opening_id();
      EXPECT_TRUE(engine::OffersPoecRoute(opening->record));
      EXPECT_EQ(data.occupations()[opening->rome_index].domaine_code, cohort.domaine_code());
      EXPECT_EQ(data.regions()[opening->region_index].insee_code, cohort.region_code());
    }
  }
  EXPECT_EQ(static_cast<int>(placed.size()), r.placed_count());
}

TEST_F(CohortsRpcTest, ScoreFirstPlacesNoMoreThanPeopleFirst) {
  v1::FormCohortsRequest request;
  request.set_min_cohort_size(2);
  request.set_max_cohort_size(4);
  const CohortsStream people = Form(request);
  request.set_objective(v1::ASSIGNMENT_OBJECTIVE_MAX_TOTAL_SCORE);
  const CohortsStream score = Form(request);
  ASSERT_TRUE(people.status.ok() && score.status.ok());
  ASSERT_EQ(people.results.size(), 1u);
  ASSERT_EQ(score.results.size(), 1u);
  ASSERT_TRUE(people.results[0].exact() && score.results[0].exact());
  EXPECT_GE(people.results[0].placed_count(), score.results[0].placed_count());
  EXPECT_GE(score.results[0].total_score(), people.results[0].total_score() - 1e-3);
}

TEST_F(CohortsRpcTest, RejectsBadFieldsNamingThem) {
  const auto field_error = [&](const v1::FormCohortsRequest& request) {
    const CohortsStream stream = Form(request);
    EXPECT_EQ(stream.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << stream.status.error_message();
    return stream.status.error_message();
  };
  v1::FormCohortsRequest request;
  request.set_min_cohort_size(9);
  request.set_max_cohort_size(3);
  EXPECT_THAT(field_error(request), ::testing::StartsWith("min_cohort_size: "));
  request = {};
  request.add_regions("99");
  EXPECT_THAT(field_error(request), ::testing::StartsWith("regions[0]: "));
  request = {};
  request.set_objective(static_cast<v1::AssignmentObjective>(9));
  EXPECT_THAT(field_error(request), ::testing::StartsWith("objective: "));
  request = {};
  request.add_departements("XX");
  EXPECT_THAT(field_error(request), ::testing::StartsWith("departements[0]: "));
  request = {};
  request.set_openings_per_candidate(5000);
  EXPECT_THAT(field_error(request), ::testing::StartsWith("openings_per_candidate: "));
  request = {};
  request.set_owner_id("someone-else");
  const CohortsStream other = Form(request);
  EXPECT_NE(other.status.error_code(), grpc::StatusCode::OK);
}

}  // namespace
}  // namespace passerelle::server
