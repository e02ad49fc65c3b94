// The batch rpcs through an in-process server on 127.0.0.1: Rerank streams every candidate of the
// cohort once with progress and a final progress message, honours its filters, validates its fields and
// stops when the client cancels; Assign respects capacities under each mechanism, reports figures that
// add up, with the greedy baseline beside them, and validates its fields.
#include <map>
#include <set>
#include <thread>

#include "absl/strings/match.h"
#include "engine/store/record_key.h"
#include "engine/sample/cohort_generator.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/server/test_util.h"

namespace passerelle::server {
namespace {

using ::passerelle::server::testing::InProcessServer;
using ::passerelle::server::testing::kCounsellorOrg;
using ::passerelle::server::testing::SharedReferenceData;

constexpr int kCandidates = 600;
constexpr int kOpenings = 150;

MATCHER_P2(IsGrpcError, code, field_prefix, "") {
  if (arg.error_code() != code || !absl::StartsWith(arg.error_message(), field_prefix)) {
    *result_listener << "got " << arg.error_code() << " \"" << arg.error_message() << "\"";
    return false;
  }
  return true;
}

// A generated cohort stored through the catalog (faster than rpcs; the rpcs are tested elsewhere).
// Candidates stored for the counsellor organisation, openings for the employer one (test_util.h).
void StoreCohort(engine::Catalog& catalog) {
  engine::CohortOptions options;
  options.seed = 11;
  options.candidates = kCandidates;
  options.openings = kOpenings;
  engine::CohortGenerator generator(SharedReferenceData(), options);
  // Owned by the test server's counsellor organisation: batch calls see their organisation's candidates.
  std::vector<engine::Candidate> cohort = generator.Candidates();
  for (engine::Candidate& c : cohort) c.owner_id = kCounsellorOrg;
  absl::StatusOr<std::vector<engine::PutOutcome>> candidates = catalog.PutCandidates(kCounsellorOrg, cohort);
  ASSERT_TRUE(candidates.ok()) << candidates.status();
  for (const engine::PutOutcome& outcome : *candidates) ASSERT_TRUE(outcome.status.ok()) << outcome.status;
  absl::StatusOr<std::vector<engine::PutOutcome>> openings = catalog.PutOpenings(testing::kEmployerOrg, generator.Openings());
  ASSERT_TRUE(openings.ok()) << openings.status();
  for (const engine::PutOutcome& outcome : *openings) ASSERT_TRUE(outcome.status.ok()) << outcome.status;
}

ServerOptions WithBatchCalls(int calls) {
  ServerOptions options;
  options.limits.max_batch_calls = calls;
  return options;
}

// Everything one Rerank call streamed.
struct RerankStream {
  std::vector<v1::CandidateRanking> rankings;
  std::vector<v1::RerankProgress> progress;
  bool progress_after_last_ranking = false;
  grpc::Status status;
};

class BatchRpcTest : public ::testing::Test {
 protected:
  explicit BatchRpcTest(ServerOptions options = {}) : server_(std::move(options)) {
    StoreCohort(server_.server().catalog());
  }

  RerankStream Rerank(const v1::RerankRequest& request, v1::Matching::Stub* stub = nullptr) {
    RerankStream out;
    grpc::ClientContext context;
    auto reader = (stub ? *stub : server_.stub()).Rerank(&context, request);
    v1::RerankResponse response;
    while (reader->Read(&response)) {
      if (response.has_ranking()) {
        out.rankings.push_back(response.ranking());
        out.progress_after_last_ranking = false;
      } else {
        out.progress.push_back(response.progress());
        out.progress_after_last_ranking = true;
      }
    }
    out.status = reader->Finish();
    return out;
  }

  grpc::Status Assign(const v1::AssignRequest& request, v1::AssignResponse* response) {
    grpc::ClientContext context;
    return server_.stub().Assign(&context, request, response);
  }

  // The record as StoreCohort put it (the index knows it by its qualified id).
  const engine::Candidate Candidate(const std::string& id) {
    engine::Candidate c = server_.server().catalog().index().FindCandidate(engine::QualifiedId(kCounsellorOrg, id))->record;
    c.id = id;
    return c;
  }
  const engine::Opening Opening(const std::string& id) {
    engine::Opening o = server_.server().catalog().index().FindOpening(engine::QualifiedId(testing::kEmployerOrg, id))->record;
    o.id = id;
    return o;
  }

  InProcessServer server_;
};

// --- Rerank ---

TEST_F(BatchRpcTest, RerankStreamsEveryCandidateOnceWithProgressAndAFinalProgress) {
  v1::RerankRequest request;
  request.set_k(5);
  request.set_progress_every(100);
  RerankStream stream = Rerank(request);
  ASSERT_TRUE(stream.status.ok()) << stream.status.error_message();

  std::set<std::string> ids;
  int with_matches = 0;
  for (const v1::CandidateRanking& r : stream.rankings) {
    EXPECT_TRUE(ids.insert(r.candidate_id()).second) << r.candidate_id() << " streamed twice";
    EXPECT_LE(r.matches_size(), 5);
    with_matches += r.matches_size() > 0;
    for (int i = 0; i < r.matches_size(); ++i) {
      EXPECT_EQ(r.matches(i).criteria_size(), 8);
      EXPECT_FALSE(r.matches(i).has_explanation()) << "explain defaults to false";
      if (i > 0) { EXPECT_GE(r.matches(i - 1).total(), r.matches(i).total()); }
    }
  }
  EXPECT_EQ(ids.size(), static_cast<size_t>(kCandidates));
  EXPECT_GT(with_matches, kCandidates / 2);

  ASSERT_GE(stream.progress.size(), 3u) << "progress every 100 of 600 candidates, then the final one";
  ASSERT_TRUE(stream.progress_after_last_ranking) << "the stream ends with a progress message";
  const v1::RerankProgress& last = stream.progress.back();
  EXPECT_TRUE(last.done());
  EXPECT_EQ(last.candidates_done(), kCandidates);
  EXPECT_EQ(last.candidates_total(), kCandidates);
  EXPECT_GT(last.pairs_scored(), 0);
  EXPECT_GT(last.pairs_pruned(), 0);
  EXPECT_GE(last.elapsed_seconds(), 0);
  int64_t previous = 0;
  for (size_t i = 0; i + 1 < stream.progress.size(); ++i) {
    EXPECT_FALSE(stream.progress[i].done());
    EXPECT_GE(stream.progress[i].candidates_done(), previous);
    EXPECT_LT(stream.progress[i].candidates_done(), kCandidates);
    previous = stream.progress[i].candidates_done();
  }
}

TEST_F(BatchRpcTest, RerankMatchesWhatMatchOpeningsGivesEachCandidate) {
  v1::RerankRequest request;
  request.set_k(8);
  RerankStream stream = Rerank(request);
  ASSERT_TRUE(stream.status.ok());
  for (size_t i = 0; i < stream.rankings.size(); i += 37) {
    const v1::CandidateRanking& r = stream.rankings[i];
    grpc::ClientContext context;
    v1::MatchOpeningsRequest match;
    match.set_candidate_id(r.candidate_id());
    match.set_k(8);
    match.set_explain(false);
    v1::MatchOpeningsResponse direct;
    ASSERT_TRUE(server_.stub().MatchOpenings(&context, match, &direct).ok());
    ASSERT_EQ(direct.matches_size(), r.matches_size()) << r.candidate_id();
    for (int j = 0; j < r.matches_size(); ++j) {
      EXPECT_EQ(direct.matches(j).id(), r.matches(j).id());
      EXPECT_FLOAT_EQ(direct.matches(j).total(), r.matches(j).total());
    }
  }
}

TEST_F(BatchRpcTest, RerankSeesOnlyTheCallersOrganisationAndFiltersByDepartementAndOccupation) {
  engine::Catalog& catalog = server_.server().catalog();
  engine::Candidate theirs = Candidate("cand-000001");
  theirs.id = "c-other-owner";
  theirs.owner_id = "another-platform";
  absl::StatusOr<std::vector<engine::PutOutcome>> put = catalog.PutCandidates("another-platform", {theirs});
  ASSERT_TRUE(put.ok() && (*put)[0].status.ok());

  // The owner comes from the key: another organisation's cohort cannot be asked for.
  v1::RerankRequest by_owner;
  by_owner.set_owner_id("another-platform");
  EXPECT_THAT(Rerank(by_owner).status, IsGrpcError(grpc::StatusCode::INVALID_ARGUMENT, "owner_id: "));
  by_owner.set_owner_id(kCounsellorOrg);
  RerankStream owner = Rerank(by_owner);
  ASSERT_TRUE(owner.status.ok());
  EXPECT_EQ(owner.progress.back().candidates_total(), kCandidates);
  for (const v1::CandidateRanking& r : owner.rankings) EXPECT_NE(r.candidate_id(), "c-other-owner");

  // A batch key of the other organisation sees its one candidate only.
  auto batch = server_.StubWithKey(server_.NewKey("another-platform", Role::kBatch));
  RerankStream other = Rerank(v1::RerankRequest(), batch.get());
  ASSERT_TRUE(other.status.ok()) << other.status.error_message();
  ASSERT_EQ(other.rankings.size(), 1u);
  EXPECT_EQ(other.rankings[0].candidate_id(), "c-other-owner");

  v1::RerankRequest by_place;
  by_place.add_departements("93");
  by_place.add_departements("75");
  by_place.add_occupations("F");
  RerankStream place = Rerank(by_place);
  ASSERT_TRUE(place.status.ok());
  ASSERT_FALSE(place.rankings.empty());
  EXPECT_LT(place.rankings.size(), static_cast<size_t>(kCandidates));
  int matches = 0;
  for (const v1::CandidateRanking& r : place.rankings) {
    const std::string dept = Candidate(r.candidate_id()).commune_insee.substr(0, 2);
    EXPECT_TRUE(dept == "93" || dept == "75") << r.candidate_id();
    for (const v1::Match& m : r.matches()) {
      EXPECT_EQ(Opening(m.id()).rome_code[0], 'F') << m.id();
      ++matches;
    }
  }
  EXPECT_GT(matches, 0);
}

TEST_F(BatchRpcTest, RerankWithExplainAttachesExplanations) {
  v1::RerankRequest request;
  request.set_k(2);
  request.set_explain(true);
  request.set_language(v1::REASON_LANGUAGE_EN);
  request.add_departements("75");
  RerankStream stream = Rerank(request);
  ASSERT_TRUE(stream.status.ok());
  int explained = 0;
  for (const v1::CandidateRanking& r : stream.rankings) {
    for (const v1::Match& m : r.matches()) {
      ASSERT_TRUE(m.has_explanation());
      EXPECT_EQ(m.explanation().candidate_id(), r.candidate_id());
      EXPECT_EQ(m.explanation().opening_id(), m.id());
      EXPECT_FALSE(m.explanation().criteria(0).reason().en().empty());
      EXPECT_TRUE(m.explanation().criteria(0).reason().fr().empty());
      ++explained;
    }
  }
  EXPECT_GT(explained, 0);
}

TEST_F(BatchRpcTest, RerankRejectsBadFieldsNamingThem) {
  v1::RerankRequest request;
  request.set_k(1001);
  RerankStream stream = Rerank(request);
  EXPECT_THAT(stream.status, IsGrpcError(grpc::StatusCode::INVALID_ARGUMENT, "k: "));
  EXPECT_TRUE(stream.rankings.empty());
  request.set_k(-1);
  EXPECT_THAT(Rerank(request).status, IsGrpcError(grpc::StatusCode::INVALID_ARGUMENT, "k: "));

  request = {};
  request.set_progress_every(-5);
  EXPECT_THAT(Rerank(request).status, IsGrpcError(grpc::StatusCode::INVALID_ARGUMENT, "progress_every: "));
  request = {};
  request.add_departements("93");
  request.add_departements("999");
  EXPECT_THAT(Rerank(request).status, IsGrpcError(grpc::StatusCode::INVALID_ARGUMENT, "departements[1]: "));
  request = {};
  request.add_occupations("Z99");
  EXPECT_THAT(Rerank(request).status, IsGrpcError(grpc::StatusCode::INVALID_ARGUMENT, "occupations[0]: "));
  request = {};
  request.set_scoring_profile("no-such-profile");
  EXPECT_THAT(Rerank(request).status, IsGrpcError(grpc::StatusCode::NOT_FOUND, "scoring_profile: "));
}

TEST_F(BatchRpcTest, AnEmptyCohortEndsWithAFinalProgressOfZero) {
  auto nobody = server_.StubWithKey(server_.NewKey("nobody", Role::kBatch));  // an organisation without candidates
  RerankStream stream = Rerank(v1::RerankRequest(), nobody.get());
  ASSERT_TRUE(stream.status.ok());
  EXPECT_TRUE(stream.rankings.empty());
  ASSERT_EQ(stream.progress.size(), 1u);
  EXPECT_TRUE(stream.progress[0].done());
  EXPECT_EQ(stream.progress[0].candidates_total(), 0);
}

// A server that runs one batch call at a time, with 3,000 more candidates so that a re-ranking with
// explanations streams far more than any flow-control window holds (about 60 MB).
class OneBatchCallTest : public BatchRpcTest {
 protected:
  OneBatchCallTest() : BatchRpcTest(WithBatchCalls(1)) {
    engine::CohortOptions options;
    options.seed = 12;
    options.candidates = 3000;
    std::vector<engine::Candidate> more = engine::CohortGenerator(SharedReferenceData(), options).Candidates();
    for (engine::Candidate& c : more) c.id = "more-" + c.id;
    absl::StatusOr<std::vector<engine::PutOutcome>> put = server_.server().catalog().PutCandidates(kCounsellorOrg, more);
    EXPECT_TRUE(put.ok()) << put.status();
  }
};

// The client reads one message and cancels. The server, blocked on flow control (explanations for up to
// 1000 openings per candidate are many megabytes), must stop and give its batch slot back: with a limit of
// one batch call, a second call is refused while the first runs and succeeds once it has stopped.
TEST_F(OneBatchCallTest, RerankStopsWhenTheClientCancels) {
  v1::RerankRequest big;
  big.set_k(1000);
  big.set_explain(true);
  grpc::ClientContext context;
  auto reader = server_.stub().Rerank(&context, big);
  v1::RerankResponse first;
  ASSERT_TRUE(reader->Read(&first));

  v1::AssignResponse refused;
  EXPECT_THAT(Assign(v1::AssignRequest(), &refused), IsGrpcError(grpc::StatusCode::RESOURCE_EXHAUSTED, ""));

  context.TryCancel();
  v1::RerankResponse rest;
  while (reader->Read(&rest)) {
  }
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);

  grpc::Status after;
  for (int attempt = 0; attempt < 100; ++attempt) {
    v1::AssignResponse response;
    after = Assign(v1::AssignRequest(), &response);
    if (after.error_code() != grpc::StatusCode::RESOURCE_EXHAUSTED) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(after.ok()) << after.error_message();
}

TEST_F(BatchRpcTest, RerankPastItsDeadlineReturnsDeadlineExceeded) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() - std::chrono::seconds(1));
  auto reader = server_.stub().Rerank(&context, v1::RerankRequest());
  v1::RerankResponse response;
  while (reader->Read(&response)) {
  }
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
}

// --- Assign ---

TEST_F(BatchRpcTest, EveryMechanismRespectsCapacitiesAndReportsConsistentFigures) {
  for (auto mechanism : {v1::ASSIGNMENT_MECHANISM_OPTIMAL, v1::ASSIGNMENT_MECHANISM_STABLE,
                         v1::ASSIGNMENT_MECHANISM_GREEDY}) {
    SCOPED_TRACE(v1::AssignmentMechanism_Name(mechanism));
    v1::AssignRequest request;
    request.set_mechanism(mechanism);
    v1::AssignResponse response;
    ASSERT_TRUE(Assign(request, &response).ok());
    const v1::AssignmentReport& r = response.report();
    EXPECT_EQ(r.mechanism(), mechanism);
    EXPECT_EQ(r.candidate_count(), kCandidates);
    EXPECT_EQ(response.opening_count(), kOpenings);
    EXPECT_EQ(response.scoring_profile(), "default");
    ASSERT_GT(r.assigned_count(), 0);
    EXPECT_EQ(response.assignments_size(), r.assigned_count());

    std::map<std::string, int> per_opening;
    std::set<std::string> placed;
    double total = 0;
    for (const v1::Assignment& a : response.assignments()) {
      EXPECT_TRUE(placed.insert(a.candidate_id()).second) << a.candidate_id() << " placed twice";
      ++per_opening[a.opening_id()];
      total += a.score();
      EXPECT_GT(a.score(), 0);
      EXPECT_LE(a.score(), 1);
    }
    for (const auto& [id, count] : per_opening) EXPECT_LE(count, Opening(id).positions) << id;
    EXPECT_NEAR(r.total_score(), total, 1e-3);
    EXPECT_NEAR(r.mean_score(), total / r.assigned_count(), 1e-6);
    EXPECT_EQ(r.positions_left_empty(), r.position_count() - r.assigned_count());
    const int left_out = r.left_out_no_eligible_pair() + r.left_out_cut_by_congestion_cap() +
                         r.left_out_lost_to_competition();
    EXPECT_EQ(left_out, r.candidate_count() - r.assigned_count());
    EXPECT_EQ(response.left_out_size(), left_out);
    EXPECT_FALSE(response.left_out_truncated());
    std::map<v1::LeftOutReason, int> reasons;
    for (const v1::LeftOutCandidate& l : response.left_out()) {
      EXPECT_FALSE(placed.count(l.candidate_id())) << l.candidate_id();
      ++reasons[l.reason()];
    }
    EXPECT_EQ(reasons[v1::LEFT_OUT_REASON_NO_RIGHT_TO_WORK], response.left_out_no_right_to_work());
    EXPECT_EQ(reasons[v1::LEFT_OUT_REASON_NO_RIGHT_TO_WORK] + reasons[v1::LEFT_OUT_REASON_NO_ELIGIBLE_OPENING],
              r.left_out_no_eligible_pair());
    EXPECT_EQ(reasons[v1::LEFT_OUT_REASON_LOST_TO_COMPETITION], r.left_out_lost_to_competition());
    EXPECT_EQ(r.assignments().total(), r.assigned_count());
    EXPECT_GT(response.pool_pairs(), 0);
    EXPECT_EQ(r.considered().total(), response.pool_pairs()) << "no cap: every pool pair is considered";

    ASSERT_TRUE(response.has_greedy_baseline());
    const v1::AssignmentReport& g = response.greedy_baseline();
    EXPECT_EQ(g.mechanism(), v1::ASSIGNMENT_MECHANISM_GREEDY);
    EXPECT_EQ(g.candidate_count(), r.candidate_count());
    EXPECT_EQ(g.position_count(), r.position_count());
    if (mechanism == v1::ASSIGNMENT_MECHANISM_OPTIMAL) { EXPECT_GE(r.total_score(), g.total_score() - 1e-3); }
  }
}

TEST_F(BatchRpcTest, AssignWithCapAndReserveAppliesBoth) {
  v1::AssignRequest request;
  request.set_mechanism(v1::ASSIGNMENT_MECHANISM_STABLE);
  request.set_max_proposals_per_opening(2);
  request.set_reserved_share(0.5);
  request.mutable_reserve_for()->set_french_below(v1::CEFR_LEVEL_A2);
  request.mutable_reserve_for()->add_housing(v1::HOUSING_STATUS_EMERGENCY);
  v1::AssignResponse response;
  ASSERT_TRUE(Assign(request, &response).ok());
  const v1::AssignmentReport& r = response.report();
  EXPECT_LE(r.proposals().max_per_opening(), 2);
  EXPECT_LE(r.considered().max_per_opening(), 2);
  EXPECT_GT(r.left_out_cut_by_congestion_cap(), 0);
  EXPECT_GT(r.cohort_candidate_count(), 0);
  EXPECT_GT(r.positions_reserved(), 0);
  int cohort_placed = 0;
  for (const v1::Assignment& a : response.assignments()) {
    const engine::Candidate c = Candidate(a.candidate_id());
    cohort_placed += c.french_level < engine::CefrLevel::kA2 || c.housing == engine::HousingStatus::kEmergency;
  }
  EXPECT_EQ(cohort_placed, r.cohort_assigned_count());
  EXPECT_EQ(response.greedy_baseline().positions_reserved(), r.positions_reserved());
}

TEST_F(BatchRpcTest, AssignReportsBothObjectivesAndPeopleFirstPlacesAtLeastAsMany) {
  v1::AssignRequest request;
  v1::AssignResponse by_score;
  ASSERT_TRUE(Assign(request, &by_score).ok());
  EXPECT_EQ(by_score.report().objective(), v1::ASSIGNMENT_OBJECTIVE_MAX_TOTAL_SCORE) << "the default";
  ASSERT_TRUE(by_score.has_other_objective());
  EXPECT_EQ(by_score.other_objective().objective(), v1::ASSIGNMENT_OBJECTIVE_MAX_PEOPLE_PLACED);

  request.set_objective(v1::ASSIGNMENT_OBJECTIVE_MAX_PEOPLE_PLACED);
  v1::AssignResponse by_people;
  ASSERT_TRUE(Assign(request, &by_people).ok());
  EXPECT_EQ(by_people.report().objective(), v1::ASSIGNMENT_OBJECTIVE_MAX_PEOPLE_PLACED);
  EXPECT_EQ(by_people.assignments_size(), by_people.report().assigned_count());
  EXPECT_GE(by_people.report().assigned_count(), by_score.report().assigned_count());
  EXPECT_LE(by_people.report().total_score(), by_score.report().total_score() + 1e-3);
  // Each run's "other" figures are the other run's own.
  EXPECT_EQ(by_people.other_objective().assigned_count(), by_score.report().assigned_count());
  EXPECT_NEAR(by_people.other_objective().total_score(), by_score.report().total_score(), 1e-3);
  EXPECT_EQ(by_score.other_objective().assigned_count(), by_people.report().assigned_count());

  request.set_mechanism(v1::ASSIGNMENT_MECHANISM_STABLE);
  v1::AssignResponse stable;
  ASSERT_TRUE(Assign(request, &stable).ok());
  EXPECT_FALSE(stable.has_other_objective()) << "only the optimal mechanism has an objective";
}

TEST_F(BatchRpcTest, AssignReportsPlacementsByWatchedGroup) {
  v1::AssignResponse response;
  ASSERT_TRUE(Assign(v1::AssignRequest(), &response).ok());
  ASSERT_EQ(response.placement_exposure_size(), 4);
  const std::vector<std::string> attributes = {"french_band", "housing", "transport_mode", "departement"};
  for (int a = 0; a < 4; ++a) {
    const v1::ExposureByAttribute& e = response.placement_exposure(a);
    EXPECT_EQ(e.attribute(), attributes[a]);
    EXPECT_EQ(e.pool_size(), response.report().candidate_count());
    EXPECT_EQ(e.slots(), response.report().assigned_count());
    int64_t pool = 0, slots = 0;
    for (const v1::GroupExposure& g : e.groups()) {
      pool += g.pool_count();
      slots += g.slot_count();
      EXPECT_NEAR(g.pool_share(), static_cast<double>(g.pool_count()) / e.pool_size(), 1e-9);
    }
    EXPECT_EQ(pool, e.pool_size());
    EXPECT_EQ(slots, e.slots());
  }
  // The French bands of the placed candidates, counted from their records.
  std::map<std::string, int64_t> placed_at_a2;
  for (const v1::Assignment& a : response.assignments()) {
    placed_at_a2["A2"] += Candidate(a.candidate_id()).french_level == engine::CefrLevel::kA2;
  }
  for (const v1::GroupExposure& g : response.placement_exposure(0).groups()) {
    if (g.group() == "A2") {
      EXPECT_EQ(g.slot_count(), placed_at_a2["A2"]);
    }
  }
}

TEST_F(BatchRpcTest, AssignListsAtMostMaxLeftOutListed) {
  v1::AssignRequest request;
  request.set_max_left_out_listed(3);
  v1::AssignResponse response;
  ASSERT_TRUE(Assign(request, &response).ok());
  EXPECT_EQ(response.left_out_size(), 3);
  EXPECT_TRUE(response.left_out_truncated());
  EXPECT_LT(response.left_out(0).candidate_id(), response.left_out(1).candidate_id());
}

TEST_F(BatchRpcTest, AssignRejectsBadFieldsNamingThem) {
  v1::AssignResponse response;
  v1::AssignRequest request;
  request.set_reserved_share(1.5);
  request.mutable_reserve_for()->set_french_below(v1::CEFR_LEVEL_A2);
  EXPECT_THAT(Assign(request, &response), IsGrpcError(grpc::StatusCode::INVALID_ARGUMENT, "reserved_share: "));
  request.set_reserved_share(-0.1);
  EXPECT_THAT(Assign(request, &response), IsGrpcError(grpc::StatusCode::INVALID_ARGUMENT, "reserved_share: "));

  request = {};
  request.set_reserved_share(0.2);
  EXPECT_THAT(Assign(request, &response), IsGrpcError(grpc::StatusCode::INVALID_ARGUMENT, "reserve_for: "));
  request.mutable_reserve_for()->add_housing(v1::HOUSING_STATUS_UNSPECIFIED);
  EXPECT_THAT(Assign(request, &response), IsGrpcError(grpc::StatusCode::INVALID_ARGUMENT, "reserve_for.housing[0]: "));

  request = {};
  request.set_openings_per_candidate(1001);
  EXPECT_THAT(Assign(request, &response), IsGrpcError(grpc::StatusCode::INVALID_ARGUMENT, "openings_per_candidate: "));
  request = {};
  request.set_max_proposals_per_opening(-1);
  EXPECT_THAT(Assign(request, &response),
              IsGrpcError(grpc::StatusCode::INVALID_ARGUMENT, "max_proposals_per_opening: "));
  request = {};
  request.set_mechanism(static_cast<v1::AssignmentMechanism>(42));
  EXPECT_THAT(Assign(request, &response), IsGrpcError(grpc::StatusCode::INVALID_ARGUMENT, "mechanism: "));
  request = {};
  request.set_objective(static_cast<v1::AssignmentObjective>(9));
  EXPECT_THAT(Assign(request, &response), IsGrpcError(grpc::StatusCode::INVALID_ARGUMENT, "objective: "));
  request = {};
  request.add_departements("XX");
  EXPECT_THAT(Assign(request, &response), IsGrpcError(grpc::StatusCode::INVALID_ARGUMENT, "departements[0]: "));
  request = {};
  request.add_occupations("Q");
  EXPECT_THAT(Assign(request, &response), IsGrpcError(grpc::StatusCode::INVALID_ARGUMENT, "occupations[0]: "));
}

}  // namespace
}  // namespace passerelle::server
