// The passerelle.v1.Matching API through an in-process server on 127.0.0.1: every rpc, and every error
// code the service promises (INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION,
// DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED), each naming the field.
#include <chrono>
#include <cmath>
#include <map>
#include <set>
#include <thread>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "engine/model/dates.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/server/test_util.h"

namespace passerelle::server {
namespace {

using ::passerelle::server::testing::InProcessServer;
using ::passerelle::server::testing::MasonCandidate;
using ::passerelle::server::testing::MasonOpening;

MATCHER_P2(IsGrpcError, code, field_prefix, "") {
  if (arg.error_code() != code || !absl::StartsWith(arg.error_message(), field_prefix)) {
    *result_listener << "got " << arg.error_code() << " \"" << arg.error_message() << "\"";
    return false;
  }
  return true;
}

// The Bobigny opening with 400 h of French training, so that the A2 mason is eligible (B1 required).
v1::Opening TrainedOpening(std::string id = "open-bobigny", std::string commune = engine::testing::kBobigny) {
  v1::Opening o = MasonOpening(std::move(id), std::move(commune));
  o.set_french_training_hours(400);
  return o;
}

class MatchingServiceTest : public ::testing::Test {
 protected:
  explicit MatchingServiceTest(ServerOptions options = {}) : server_(std::move(options)) {}

  grpc::Status Put(const v1::Candidate& candidate, v1::PutCandidateResponse* response = nullptr) {
    grpc::ClientContext context;
    v1::PutCandidateRequest request;
    *request.mutable_candidate() = candidate;
    v1::PutCandidateResponse ignored;
    return stub().PutCandidate(&context, request, response ? response : &ignored);
  }
  grpc::Status Put(const v1::Opening& opening, v1::PutOpeningResponse* response = nullptr) {
    grpc::ClientContext context;
    v1::PutOpeningRequest request;
    *request.mutable_opening() = opening;
    v1::PutOpeningResponse ignored;
    return stub().PutOpening(&context, request, response ? response : &ignored);
  }
  grpc::Status GetCandidate(const std::string& id, v1::GetCandidateResponse* response) {
    grpc::ClientContext context;
    v1::GetCandidateRequest request;
    request.set_candidate_id(id);
    return stub().GetCandidate(&context, request, response);
  }
  grpc::Status GetOpening(const std::string& id, v1::GetOpeningResponse* response) {
    grpc::ClientContext context;
    v1::GetOpeningRequest request;
    request.set_opening_id(id);
    return stub().GetOpening(&context, request, response);
  }
  grpc::Status MatchOpenings(const v1::MatchOpeningsRequest& request, v1::MatchOpeningsResponse* response) {
    grpc::ClientContext context;
    return stub().MatchOpenings(&context, request, response);
  }
  // Streams `items` as one ImportCandidates call.
  grpc::Status ImportCandidates(const std::vector<v1::ImportCandidatesRequest>& items, v1::ImportResponse* response) {
    grpc::ClientContext context;
    auto writer = stub().ImportCandidates(&context, response);
    for (const auto& item : items) EXPECT_TRUE(writer->Write(item));
    writer->WritesDone();
    return writer->Finish();
  }
  static v1::ImportCandidatesRequest Item(const v1::Candidate& c) {
    v1::ImportCandidatesRequest item;
    *item.mutable_candidate() = c;
    return item;
  }

  v1::Matching::Stub& stub() { return server_.stub(); }
  InProcessServer server_;
};

// --- Put / Get ---

TEST_F(MatchingServiceTest, PutCandidateThenGetReturnsTheStoredRecord) {
  v1::PutCandidateResponse put;
  ASSERT_TRUE(Put(MasonCandidate(), &put).ok());
  EXPECT_TRUE(put.created());
  ASSERT_TRUE(Put(MasonCandidate(), &put).ok());
  EXPECT_FALSE(put.created());

  v1::GetCandidateResponse got;
  ASSERT_TRUE(GetCandidate("cand-mason", &got).ok());
  EXPECT_TRUE(got.matchable());
  v1::Candidate expected = MasonCandidate();
  expected.set_owner_id(testing::kCounsellorOrg);  // the caller's organisation, from its key
  EXPECT_EQ(got.candidate().SerializeAsString(), expected.SerializeAsString());
  EXPECT_EQ(got.candidate().available_from(), "2026-03-02");
  EXPECT_EQ(got.candidate().french_level(), v1::CEFR_LEVEL_A2);
}

TEST_F(MatchingServiceTest, PutOpeningThenGetReturnsTheStoredRecord) {
  v1::PutOpeningResponse put;
  ASSERT_TRUE(Put(MasonOpening(), &put).ok());
  EXPECT_TRUE(put.created());
  v1::GetOpeningResponse got;
  ASSERT_TRUE(GetOpening("open-bobigny", &got).ok());
  EXPECT_TRUE(got.matchable());
  EXPECT_EQ(got.opening().contract(), v1::CONTRACT_TYPE_CDI);
  EXPECT_EQ(got.opening().positions(), 2);
  EXPECT_EQ(got.opening().owner_id(), testing::kEmployerOrg);  // from the caller's key
}

TEST_F(MatchingServiceTest, PutCandidateWithUnknownCommuneReturnsInvalidArgument) {
  v1::Candidate c = MasonCandidate();
  c.set_commune_insee("99999");
  EXPECT_THAT(Put(c), IsGrpcError(grpc::StatusCode::INVALID_ARGUMENT, "candidate.commune_insee: "));
}

TEST_F(MatchingServiceTest, PutCandidateWithImpossibleDateReturnsInvalidArgument) {
  v1::Candidate c = MasonCandidate();
  c.set_available_from("2026-02-30");
  EXPECT_THAT(Put(c), IsGrpcError(grpc::StatusCode::INVALID_ARGUMENT, "candidate.available_from: "));
}

TEST_F(MatchingServiceTest, PutCandidateWithUnknownSkillNamesTheItem) {
  v1::Candidate c = MasonCandidate();
  c.add_skills(1);
  EXPECT_THAT(Put(c), IsGrpcError(grpc::StatusCode::INVALID_ARGUMENT, "candidate.skills[3]: "));
}

TEST_F(MatchingServiceTest, PutWithoutRecordReturnsInvalidArgument) {
  grpc::ClientContext context;
  v1::PutCandidateResponse response;
  EXPECT_THAT(stub().PutCandidate(&context, v1::PutCandidateRequest(), &response),
              IsGrpcError(grpc::StatusCode::INVALID_ARGUMENT, "candidate: required"));
}

TEST_F(MatchingServiceTest, PutOpeningWithUnspecifiedContractReturnsInvalidArgument) {
  v1::Opening o = MasonOpening();
  o.set_contract(v1::CONTRACT_TYPE_UNSPECIFIED);
  EXPECT_THAT(Put(o), IsGrpcError(grpc::StatusCode::INVALID_ARGUMENT, "opening.contract: "));
}

TEST_F(MatchingServiceTest, PutOpeningWithUnsetSlotDayReturnsInvalidArgument) {
  v1::Opening o = MasonOpening();
  o.add_weekly_schedule()->set_part(v1::DAY_PART_MORNING);
  EXPECT_THAT(Put(o), IsGrpcError(grpc::StatusCode::INVALID_ARGUMENT, "opening.weekly_schedule[0].day: "));
}

TEST_F(MatchingServiceTest, PutNamingAnotherOwnerIsRejectedAndKeepsTheRecord) {
  ASSERT_TRUE(Put(MasonCandidate()).ok());
  v1::Candidate other = MasonCandidate();
  other.set_owner_id("another-platform");  // the owner comes from the key, not from the body
  other.set_commune_insee(engine::testing::kLyon);
  EXPECT_THAT(Put(other), IsGrpcError(grpc::StatusCode::INVALID_ARGUMENT, "candidate.owner_id: "));
  v1::GetCandidateResponse got;
  ASSERT_TRUE(GetCandidate("cand-mason", &got).ok());
  EXPECT_EQ(got.candidate().owner_id(), testing::kCounsellorOrg);
  EXPECT_EQ(got.candidate().commune_insee(), engine::testing::kSaintDenis);  // the rejected put changed nothing
}

TEST_F(MatchingServiceTest, BadPutChangesNothingStored) {
  ASSERT_TRUE(Put(MasonCandidate()).ok());
  v1::Candidate bad = MasonCandidate();
  bad.set_commune_insee(engine::testing::kLyon);
  bad.add_wished_occupations("Z9999");
  EXPECT_THAT(Put(bad), IsGrpcError(grpc::StatusCode::INVALID_ARGUMENT, "candidate.wished_occupations[1]: "));
  v1::GetCandidateResponse got;
  ASSERT_TRUE(GetCandidate("cand-mason", &got).ok());
  EXPECT_EQ(got.candidate().commune_insee(), engine::testing::kSaintDenis);
}

TEST_F(MatchingServiceTest, GetUnknownRecordReturnsNotFound) {
  v1::GetCandidateResponse candidate;
  EXPECT_THAT(GetCandidate("nobody", &candidate), IsGrpcError(grpc::StatusCode::NOT_FOUND, "candidate_id: "));
  v1::GetOpeningResponse opening;
  EXPECT_THAT(GetOpening("nothing", &opening), IsGrpcError(grpc::StatusCode::NOT_FOUND, "opening_id: "));
}

TEST_F(MatchingServiceTest, GetWithEmptyIdReturnsInvalidArgument) {
  v1::GetCandidateResponse candidate;
  EXPECT_THAT(GetCandidate("", &candidate), IsGrpcError(grpc::StatusCode::INVALID_ARGUMENT, "candidate_id: "));
}

// --- Delete ---

TEST_F(MatchingServiceTest, DeleteCandidateRemovesItFromGetAndMatching) {
  ASSERT_TRUE(Put(MasonCandidate()).ok());
  ASSERT_TRUE(Put(TrainedOpening()).ok());
  {
    grpc::ClientContext context;
    v1::DeleteCandidateRequest request;
    request.set_candidate_id("cand-mason");
    v1::DeleteCandidateResponse response;
    ASSERT_TRUE(stub().DeleteCandidate(&context, request, &response).ok());
  }
  v1::GetCandidateResponse got;
  EXPECT_THAT(GetCandidate("cand-mason", &got), IsGrpcError(grpc::StatusCode::NOT_FOUND, "candidate_id: "));
  v1::MatchOpeningsRequest match;
  match.set_candidate_id("cand-mason");
  v1::MatchOpeningsResponse matched;
  EXPECT_THAT(MatchOpenings(match, &matched), IsGrpcError(grpc::StatusCode::NOT_FOUND, "candidate_id: "));
  grpc::ClientContext context;
  v1::DeleteCandidateRequest again;
  again.set_candidate_id("cand-mason");
  v1::DeleteCandidateResponse response;
  EXPECT_THAT(stub().DeleteCandidate(&context, again, &response),
              IsGrpcError(grpc::StatusCode::NOT_FOUND, "candidate_id: "));
}

TEST_F(MatchingServiceTest, DeleteOpeningRemovesItFromMatches) {
  ASSERT_TRUE(Put(MasonCandidate()).ok());
  ASSERT_TRUE(Put(TrainedOpening()).ok());
  {
    grpc::ClientContext context;
    v1::DeleteOpeningRequest request;
    request.set_opening_id("open-bobigny");
    v1::DeleteOpeningResponse response;
    ASSERT_TRUE(stub().DeleteOpening(&context, request, &response).ok());
  }
  v1::MatchOpeningsRequest match;
  match.set_candidate_id("cand-mason");
  v1::MatchOpeningsResponse matched;
  ASSERT_TRUE(MatchOpenings(match, &matched).ok());
  EXPECT_EQ(matched.matches_size(), 0);
  grpc::ClientContext context;
  v1::DeleteOpeningRequest again;
  again.set_opening_id("open-bobigny");
  v1::DeleteOpeningResponse response;
  EXPECT_THAT(stub().DeleteOpening(&context, again, &response),
              IsGrpcError(grpc::StatusCode::NOT_FOUND, "opening_id: "));
}

// --- Import ---

class SmallBatchImportTest : public MatchingServiceTest {
 protected:
  static ServerOptions Options() {
    ServerOptions options;
    options.limits.import_batch_items = 2;  // so that the stream spans several batches
    options.limits.max_import_items = 9;
    return options;
  }
  SmallBatchImportTest() : MatchingServiceTest(Options()) {}
};

TEST_F(SmallBatchImportTest, StreamWithBadItemsInTheMiddleStoresTheGoodOnes) {
  ASSERT_TRUE(Put(MasonCandidate("held-elsewhere")).ok());
  std::vector<v1::ImportCandidatesRequest> items;
  items.push_back(Item(MasonCandidate("c-0")));
  items.push_back(Item(MasonCandidate("c-1")));
  v1::Candidate bad_commune = MasonCandidate("c-2");
  bad_commune.set_commune_insee("00000");
  items.push_back(Item(bad_commune));
  items.push_back(v1::ImportCandidatesRequest());  // no record at all
  v1::Candidate bad_date = MasonCandidate("c-4");
  bad_date.set_available_from("02/03/2026");
  items.push_back(Item(bad_date));
  v1::Candidate stolen = MasonCandidate("held-elsewhere");
  stolen.set_owner_id("intruder");
  items.push_back(Item(stolen));
  items.push_back(Item(MasonCandidate("c-6")));

  v1::ImportResponse response;
  ASSERT_TRUE(ImportCandidates(items, &response).ok());
  EXPECT_EQ(response.received_count(), 7);
  EXPECT_EQ(response.accepted_count(), 3);
  EXPECT_EQ(response.rejected_count(), 4);
  ASSERT_EQ(response.items_size(), 7);
  for (int i = 0; i < 7; ++i) EXPECT_EQ(response.items(i).index(), i);
  EXPECT_EQ(response.items(0).status(), v1::IMPORT_ITEM_STATUS_ACCEPTED);
  EXPECT_EQ(response.items(1).status(), v1::IMPORT_ITEM_STATUS_ACCEPTED);
  EXPECT_EQ(response.items(2).status(), v1::IMPORT_ITEM_STATUS_REJECTED);
  EXPECT_EQ(response.items(2).code(), "INVALID_ARGUMENT");
  EXPECT_EQ(response.items(2).field(), "commune_insee");
  EXPECT_EQ(response.items(2).id(), "c-2");
  EXPECT_EQ(response.items(3).field(), "candidate");
  EXPECT_EQ(response.items(4).field(), "available_from");
  EXPECT_EQ(response.items(5).code(), "INVALID_ARGUMENT");  // another owner named in the body
  EXPECT_EQ(response.items(5).field(), "owner_id");
  EXPECT_EQ(response.items(6).status(), v1::IMPORT_ITEM_STATUS_ACCEPTED) << response.items(6).ShortDebugString();

  v1::GetCandidateResponse got;
  EXPECT_TRUE(GetCandidate("c-0", &got).ok());
  EXPECT_TRUE(GetCandidate("c-6", &got).ok());
  EXPECT_FALSE(GetCandidate("c-2", &got).ok());
  EXPECT_FALSE(GetCandidate("c-4", &got).ok());
  ASSERT_TRUE(GetCandidate("held-elsewhere", &got).ok());  // the put before the stream; the stream's was rejected
  EXPECT_EQ(got.candidate().owner_id(), testing::kCounsellorOrg);
}

TEST_F(SmallBatchImportTest, ItemsPastTheStreamLimitAreRejected) {
  std::vector<v1::ImportCandidatesRequest> items;
  for (int i = 0; i < 11; ++i) items.push_back(Item(MasonCandidate("c-" + std::to_string(i))));
  v1::ImportResponse response;
  ASSERT_TRUE(ImportCandidates(items, &response).ok());
  EXPECT_EQ(response.accepted_count(), 9);
  EXPECT_EQ(response.items(9).code(), "RESOURCE_EXHAUSTED");
  v1::GetCandidateResponse got;
  EXPECT_TRUE(GetCandidate("c-8", &got).ok());
  EXPECT_FALSE(GetCandidate("c-9", &got).ok());
}

TEST_F(MatchingServiceTest, ImportOpeningsReportsEachItem) {
  grpc::ClientContext context;
  v1::ImportResponse response;
  auto writer = stub().ImportOpenings(&context, &response);
  v1::ImportOpeningsRequest item;
  *item.mutable_opening() = MasonOpening("o-1");
  ASSERT_TRUE(writer->Write(item));
  item.mutable_opening()->set_rome_code("F9999");
  ASSERT_TRUE(writer->Write(item));
  *item.mutable_opening() = MasonOpening("o-lyon", engine::testing::kLyon);
  ASSERT_TRUE(writer->Write(item));
  writer->WritesDone();
  ASSERT_TRUE(writer->Finish().ok());
  EXPECT_EQ(response.accepted_count(), 2);
  EXPECT_EQ(response.items(1).field(), "rome_code");
  EXPECT_EQ(response.items(1).code(), "INVALID_ARGUMENT");
  v1::GetOpeningResponse got;
  EXPECT_TRUE(GetOpening("o-lyon", &got).ok());
}

TEST_F(MatchingServiceTest, ImportPastItsDeadlineStoresNothingMore) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(300));
  v1::ImportResponse response;
  auto writer = stub().ImportCandidates(&context, &response);
  ASSERT_TRUE(writer->Write(Item(MasonCandidate("late-1"))));
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  writer->Write(Item(MasonCandidate("late-2")));
  writer->WritesDone();
  EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // let the handler see the deadline
  v1::GetCandidateResponse got;
  EXPECT_THAT(GetCandidate("late-1", &got), IsGrpcError(grpc::StatusCode::NOT_FOUND, "candidate_id: "));
}

// --- Matching and explanations ---

class MatchingWithDataTest : public MatchingServiceTest {
 protected:
  void SetUp() override {
    ASSERT_TRUE(Put(MasonCandidate()).ok());
    ASSERT_TRUE(Put(TrainedOpening("open-bobigny")).ok());
    ASSERT_TRUE(Put(MasonOpening("open-bobigny-untrained")).ok());  // B1 required, no training: FRENCH_GAP
    ASSERT_TRUE(Put(TrainedOpening("open-lyon", engine::testing::kLyon)).ok());  // TOO_FAR
  }
};

TEST_F(MatchingWithDataTest, MatchOpeningsReturnsScoresContributionsAndExplanations) {
  v1::MatchOpeningsRequest request;
  request.set_candidate_id("cand-mason");
  request.set_near_misses(5);
  v1::MatchOpeningsResponse response;
  ASSERT_TRUE(MatchOpenings(request, &response).ok());
  ASSERT_EQ(response.matches_size(), 1);
  const v1::Match& match = response.matches(0);
  EXPECT_EQ(match.id(), "open-bobigny");
  EXPECT_EQ(response.scoring_profile(), "default");
  ASSERT_EQ(match.criteria_size(), 8);
  float sum = 0;
  for (const v1::CriterionScore& c : match.criteria()) sum += c.contribution();
  EXPECT_NEAR(sum, match.total(), 1e-4);
  EXPECT_EQ(match.criteria(0).criterion(), v1::CRITERION_OCCUPATION);
  EXPECT_FLOAT_EQ(match.criteria(0).score(), 1.0f);
  EXPECT_FLOAT_EQ(match.criteria(0).weight(), 3.0f);
  EXPECT_EQ(match.criteria(7).criterion(), v1::CRITERION_EXPERIENCE);
  EXPECT_FLOAT_EQ(match.criteria(7).weight(), 1.0f);
  EXPECT_GT(match.distance_km(), 0);
  EXPECT_LT(match.distance_km(), 15);
  ASSERT_TRUE(match.has_explanation());
  EXPECT_TRUE(match.explanation().eligible());
  // No language asked: French only, the English side is neither built nor sent.
  EXPECT_FALSE(match.explanation().criteria(2).reason().fr().empty());
  EXPECT_TRUE(match.explanation().criteria(2).reason().en().empty());

  ASSERT_EQ(response.near_misses_size(), 2);
  std::set<std::string> codes;
  for (const v1::Match& miss : response.near_misses()) {
    ASSERT_EQ(miss.blocker_codes_size(), 1);
    codes.insert(miss.id() + ":" + miss.blocker_codes(0));
    ASSERT_GT(miss.explanation().blockers_size(), 0);
    EXPECT_FALSE(miss.explanation().blockers(0).unlock().fr().empty());
  }
  EXPECT_EQ(codes, (std::set<std::string>{"open-bobigny-untrained:FRENCH_GAP", "open-lyon:TOO_FAR"}));
  EXPECT_EQ(response.scored_pairs(), 3);
  EXPECT_EQ(response.eligible_pairs(), 1);
}

TEST_F(MatchingWithDataTest, MatchOpeningsWithoutExplanationsAndWithFilters) {
  v1::MatchOpeningsRequest request;
  request.set_candidate_id("cand-mason");
  request.set_explain(false);
  request.add_contract_types(v1::CONTRACT_TYPE_CDD);
  v1::MatchOpeningsResponse response;
  ASSERT_TRUE(MatchOpenings(request, &response).ok());
  EXPECT_EQ(response.matches_size(), 0);  // all openings are CDI
  request.clear_contract_types();
  request.add_occupations("F17");
  ASSERT_TRUE(MatchOpenings(request, &response).ok());
  ASSERT_EQ(response.matches_size(), 1);
  EXPECT_FALSE(response.matches(0).has_explanation());
}

// Each language asked is the only one written; both gives the same sentences as each one alone.
TEST_F(MatchingWithDataTest, MatchOpeningsWritesReasonsInTheLanguageAskedOnly) {
  v1::MatchOpeningsRequest request;
  request.set_candidate_id("cand-mason");
  request.set_near_misses(2);
  std::map<v1::ReasonLanguage, v1::MatchOpeningsResponse> answers;
  for (v1::ReasonLanguage language : {v1::REASON_LANGUAGE_FR, v1::REASON_LANGUAGE_EN, v1::REASON_LANGUAGE_BOTH}) {
    request.set_language(language);
    ASSERT_TRUE(MatchOpenings(request, &answers[language]).ok()) << language;
  }
  const v1::MatchOpeningsResponse& both = answers[v1::REASON_LANGUAGE_BOTH];
  ASSERT_EQ(both.matches_size(), 1);
  ASSERT_EQ(both.near_misses_size(), 2);
  for (int k = 0; k < 8; ++k) {
    const v1::Sentence& fr = answers[v1::REASON_LANGUAGE_FR].matches(0).explanation().criteria(k).reason();
    const v1::Sentence& en = answers[v1::REASON_LANGUAGE_EN].matches(0).explanation().criteria(k).reason();
    const v1::Sentence& two = both.matches(0).explanation().criteria(k).reason();
    EXPECT_FALSE(two.fr().empty()) << k;
    EXPECT_FALSE(two.en().empty()) << k;
    EXPECT_EQ(fr.fr(), two.fr()) << k;
    EXPECT_TRUE(fr.en().empty()) << k;
    EXPECT_EQ(en.en(), two.en()) << k;
    EXPECT_TRUE(en.fr().empty()) << k;
  }
  const v1::Blocker& unlock_fr = answers[v1::REASON_LANGUAGE_FR].near_misses(0).explanation().blockers(0);
  const v1::Blocker& unlock_en = answers[v1::REASON_LANGUAGE_EN].near_misses(0).explanation().blockers(0);
  EXPECT_EQ(unlock_fr.unlock().fr(), both.near_misses(0).explanation().blockers(0).unlock().fr());
  EXPECT_TRUE(unlock_fr.unlock().en().empty());
  EXPECT_EQ(unlock_en.unlock().en(), both.near_misses(0).explanation().blockers(0).unlock().en());
  EXPECT_TRUE(unlock_en.unlock().fr().empty());
  // French only is smaller on the wire than both.
  EXPECT_LT(answers[v1::REASON_LANGUAGE_FR].ByteSizeLong(), both.ByteSizeLong());

  request.set_language(static_cast<v1::ReasonLanguage>(7));
  v1::MatchOpeningsResponse refused;
  EXPECT_THAT(MatchOpenings(request, &refused), IsGrpcError(grpc::StatusCode::INVALID_ARGUMENT, "language"));
}

TEST_F(MatchingWithDataTest, NoEligibleOpeningListsTheBlockersInScopeMostCommonFirst) {
  v1::Candidate c = MasonCandidate("cand-no-permit");
  c.set_right_to_work(false);
  c.clear_accepted_contracts();
  c.add_accepted_contracts(v1::CONTRACT_TYPE_CDD);  // every opening is a CDI
  ASSERT_TRUE(Put(c).ok());
  v1::MatchOpeningsRequest request;
  request.set_candidate_id("cand-no-permit");
  request.set_near_misses(2);  // already asked: the answer must not be to ask for them
  v1::MatchOpeningsResponse response;
  ASSERT_TRUE(MatchOpenings(request, &response).ok());
  EXPECT_EQ(response.matches_size(), 0);
  ASSERT_GE(response.blockers_in_scope_size(), 3);
  // Every opening (3) is stopped by both; Lyon is also too far.
  EXPECT_EQ(response.blockers_in_scope(0).code(), "NO_RIGHT_TO_WORK");
  EXPECT_EQ(response.blockers_in_scope(0).openings(), 3);
  EXPECT_FALSE(response.blockers_in_scope(0).relaxable());
  EXPECT_EQ(response.blockers_in_scope(0).reason().fr(), "Pas d'autorisation de travail en France");
  EXPECT_EQ(response.blockers_in_scope(1).code(), "CONTRACT_MISMATCH");
  EXPECT_EQ(response.blockers_in_scope(1).openings(), 3);
  for (int i = 2; i < response.blockers_in_scope_size(); ++i) {
    EXPECT_LE(response.blockers_in_scope(i).openings(), response.blockers_in_scope(i - 1).openings());
  }
  // Without near-misses the engine counts them all the same.
  request.set_near_misses(0);
  v1::MatchOpeningsResponse plain;
  ASSERT_TRUE(MatchOpenings(request, &plain).ok());
  ASSERT_EQ(plain.blockers_in_scope_size(), response.blockers_in_scope_size());
  EXPECT_EQ(plain.blockers_in_scope(0).openings(), 3);
  // A candidate with an eligible opening gets none.
  request.set_candidate_id("cand-mason");
  v1::MatchOpeningsResponse eligible;
  ASSERT_TRUE(MatchOpenings(request, &eligible).ok());
  EXPECT_EQ(eligible.blockers_in_scope_size(), 0);
}

TEST_F(MatchingWithDataTest, MatchesAndExplanationsCarryTheReadyDate) {
  v1::MatchOpeningsRequest request;
  request.set_candidate_id("cand-mason");
  v1::MatchOpeningsResponse response;
  ASSERT_TRUE(MatchOpenings(request, &response).ok());
  ASSERT_EQ(response.matches_size(), 1);
  // A2 against B1 with the opening's 400 h POEC: on the route, dated from the server's day.
  const std::string& ready = response.matches(0).ready_date();
  ASSERT_EQ(ready.size(), 10u) << ready;
  EXPECT_GT(ready, engine::FormatDay(engine::DayOf(absl::Now())));
  EXPECT_EQ(response.matches(0).explanation().ready_date(), ready);
  ASSERT_GE(response.matches(0).explanation().route_size(), 1);
  EXPECT_EQ(response.matches(0).explanation().route(0).kind(), "POEC");
  EXPECT_EQ(response.matches(0).explanation().route(0).days(), 80);
}

TEST_F(MatchingWithDataTest, MatchCandidatesReturnsTheCandidate) {
  grpc::ClientContext context;
  v1::MatchCandidatesRequest request;
  request.set_opening_id("open-bobigny");
  request.set_k(5);
  v1::MatchCandidatesResponse response;
  ASSERT_TRUE(stub().MatchCandidates(&context, request, &response).ok());
  ASSERT_EQ(response.matches_size(), 1);
  EXPECT_EQ(response.matches(0).id(), "cand-mason");
  EXPECT_EQ(response.matches(0).explanation().opening_id(), "open-bobigny");
}

TEST_F(MatchingWithDataTest, MatchCandidatesOfUnknownOpeningReturnsNotFound) {
  grpc::ClientContext context;
  v1::MatchCandidatesRequest request;
  request.set_opening_id("nothing");
  v1::MatchCandidatesResponse response;
  EXPECT_THAT(stub().MatchCandidates(&context, request, &response),
              IsGrpcError(grpc::StatusCode::NOT_FOUND, "opening_id: "));
}

TEST_F(MatchingWithDataTest, MatchRequestsOutOfRangeReturnInvalidArgument) {
  v1::MatchOpeningsResponse response;
  v1::MatchOpeningsRequest request;
  request.set_candidate_id("cand-mason");
  request.set_k(1001);
  EXPECT_THAT(MatchOpenings(request, &response), IsGrpcError(grpc::StatusCode::INVALID_ARGUMENT, "k: "));
  request.set_k(-1);
  EXPECT_THAT(MatchOpenings(request, &response), IsGrpcError(grpc::StatusCode::INVALID_ARGUMENT, "k: "));
  request.set_k(10);
  request.set_near_misses(-2);
  EXPECT_THAT(MatchOpenings(request, &response), IsGrpcError(grpc::StatusCode::INVALID_ARGUMENT, "near_misses: "));
  request.set_near_misses(0);
  request.set_min_score(1.5);
  EXPECT_THAT(MatchOpenings(request, &response), IsGrpcError(grpc::StatusCode::INVALID_ARGUMENT, "min_score: "));
  request.set_min_score(0);
  request.add_contract_types(v1::CONTRACT_TYPE_UNSPECIFIED);
  EXPECT_THAT(MatchOpenings(request, &response),
              IsGrpcError(grpc::StatusCode::INVALID_ARGUMENT, "contract_types[0]: "));
  request.clear_contract_types();
  request.add_occupations("Q42");
  EXPECT_THAT(MatchOpenings(request, &response), IsGrpcError(grpc::StatusCode::INVALID_ARGUMENT, "occupations[0]: "));
}

TEST_F(MatchingWithDataTest, MatchWithUnknownProfileReturnsNotFound) {
  v1::MatchOpeningsRequest request;
  request.set_candidate_id("cand-mason");
  request.set_scoring_profile("nope");
  v1::MatchOpeningsResponse response;
  EXPECT_THAT(MatchOpenings(request, &response), IsGrpcError(grpc::StatusCode::NOT_FOUND, "scoring_profile: "));
}

TEST_F(MatchingWithDataTest, ExplainGivesBlockersAndWhatWouldUnlockThem) {
  grpc::ClientContext context;
  v1::ExplainRequest request;
  request.set_candidate_id("cand-mason");
  request.set_opening_id("open-lyon");
  request.set_language(v1::REASON_LANGUAGE_EN);
  v1::ExplainResponse response;
  ASSERT_TRUE(stub().Explain(&context, request, &response).ok());
  const v1::Explanation& e = response.explanation();
  EXPECT_FALSE(e.eligible());
  EXPECT_TRUE(e.near_miss());
  ASSERT_EQ(e.blockers_size(), 1);
  EXPECT_EQ(e.blockers(0).code(), "TOO_FAR");
  EXPECT_TRUE(e.blockers(0).relaxable());
  EXPECT_FALSE(e.blockers(0).unlock().en().empty());
  EXPECT_TRUE(e.blockers(0).unlock().fr().empty());  // English asked: no French built
  EXPECT_GT(e.distance_km(), 300);
  EXPECT_EQ(e.criteria_size(), 8);
}

TEST_F(MatchingWithDataTest, ExplainOfUnknownPairReturnsNotFound) {
  grpc::ClientContext context;
  v1::ExplainRequest request;
  request.set_candidate_id("cand-mason");
  request.set_opening_id("nothing");
  v1::ExplainResponse response;
  EXPECT_THAT(stub().Explain(&context, request, &response), IsGrpcError(grpc::StatusCode::NOT_FOUND, "opening_id: "));
}

TEST_F(MatchingWithDataTest, CallWithExpiredDeadlineReturnsDeadlineExceeded) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() - std::chrono::seconds(1));
  v1::MatchOpeningsRequest request;
  request.set_candidate_id("cand-mason");
  v1::MatchOpeningsResponse response;
  EXPECT_EQ(stub().MatchOpenings(&context, request, &response).error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
}

// --- Scoring profiles ---

v1::ScoringProfile HopeProfile() {
  v1::ScoringProfile p;
  p.set_name("hope");
  p.mutable_weights()->set_occupation(1);
  p.mutable_weights()->set_french(5);
  p.mutable_weights()->set_mobility(1);
  return p;
}

TEST_F(MatchingWithDataTest, ScoringProfilesPutGetListAndUse) {
  v1::PutScoringProfileRequest put;
  *put.mutable_profile() = HopeProfile();
  v1::PutScoringProfileResponse created;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub().PutScoringProfile(&context, put, &created).ok());
    EXPECT_TRUE(created.created());
  }
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub().PutScoringProfile(&context, put, &created).ok());
    EXPECT_FALSE(created.created());
  }
  {
    grpc::ClientContext context;
    v1::GetScoringProfileRequest get;
    get.set_name("hope");
    v1::GetScoringProfileResponse got;
    ASSERT_TRUE(stub().GetScoringProfile(&context, get, &got).ok());
    EXPECT_FLOAT_EQ(got.profile().weights().french(), 5);
  }
  {
    grpc::ClientContext context;
    v1::ListScoringProfilesResponse list;
    ASSERT_TRUE(stub().ListScoringProfiles(&context, v1::ListScoringProfilesRequest(), &list).ok());
    ASSERT_EQ(list.profiles_size(), 2);
    EXPECT_EQ(list.profiles(0).name(), "default");
    EXPECT_EQ(list.profiles(1).name(), "hope");
  }
  v1::MatchOpeningsRequest request;
  request.set_candidate_id("cand-mason");
  request.set_scoring_profile("hope");
  v1::MatchOpeningsResponse response;
  ASSERT_TRUE(MatchOpenings(request, &response).ok());
  EXPECT_EQ(response.scoring_profile(), "hope");
  ASSERT_EQ(response.matches_size(), 1);
  EXPECT_FLOAT_EQ(response.matches(0).criteria(2).weight(), 5);
  EXPECT_FLOAT_EQ(response.matches(0).criteria(1).contribution(), 0);  // skills weigh 0 here
}

TEST_F(MatchingServiceTest, BadScoringProfilesAreRejected) {
  v1::PutScoringProfileRequest put;
  v1::PutScoringProfileResponse response;
  {
    grpc::ClientContext context;
    *put.mutable_profile() = HopeProfile();
    put.mutable_profile()->set_name("default");
    EXPECT_THAT(stub().PutScoringProfile(&context, put, &response),
                IsGrpcError(grpc::StatusCode::INVALID_ARGUMENT, "profile.name: "));
  }
  {
    grpc::ClientContext context;
    put.mutable_profile()->set_name("zero");
    put.mutable_profile()->clear_weights();
    EXPECT_THAT(stub().PutScoringProfile(&context, put, &response),
                IsGrpcError(grpc::StatusCode::INVALID_ARGUMENT, "profile"));
  }
  {
    grpc::ClientContext context;
    put.mutable_profile()->mutable_weights()->set_skills(-1);
    EXPECT_THAT(stub().PutScoringProfile(&context, put, &response),
                IsGrpcError(grpc::StatusCode::INVALID_ARGUMENT, "profile"));
  }
  {
    grpc::ClientContext context;
    EXPECT_THAT(stub().PutScoringProfile(&context, v1::PutScoringProfileRequest(), &response),
                IsGrpcError(grpc::StatusCode::INVALID_ARGUMENT, "profile: required"));
  }
  grpc::ClientContext context;
  v1::GetScoringProfileRequest get;
  get.set_name("zero");
  v1::GetScoringProfileResponse got;
  EXPECT_THAT(stub().GetScoringProfile(&context, get, &got), IsGrpcError(grpc::StatusCode::NOT_FOUND, "name: "));
}

// --- Status ---

TEST_F(MatchingWithDataTest, GetStatusCountsRecords) {
  grpc::ClientContext context;
  v1::GetStatusResponse status;
  ASSERT_TRUE(stub().GetStatus(&context, v1::GetStatusRequest(), &status).ok());
  EXPECT_EQ(status.schema_version(), 2);
  EXPECT_EQ(status.candidate_count(), 1);
  EXPECT_EQ(status.opening_count(), 3);
  EXPECT_EQ(status.scoring_profile_count(), 1);
  EXPECT_EQ(status.invalid_records_size(), 0);
  EXPECT_FALSE(status.reference_data_version().empty());
}

// --- Limits ---

class SmallMessageTest : public MatchingServiceTest {
 protected:
  static ServerOptions Options() {
    ServerOptions options;
    options.max_receive_message_bytes = 2048;
    return options;
  }
  SmallMessageTest() : MatchingServiceTest(Options()) {}
};

TEST_F(SmallMessageTest, MessageLargerThanTheLimitReturnsResourceExhausted) {
  v1::Opening o = MasonOpening();
  o.set_title(std::string(4000, 'x'));
  EXPECT_EQ(Put(o).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  v1::GetOpeningResponse got;
  EXPECT_EQ(GetOpening("open-bobigny", &got).error_code(), grpc::StatusCode::NOT_FOUND);
}

class SmallKTest : public MatchingServiceTest {
 protected:
  static ServerOptions Options() {
    ServerOptions options;
    options.limits.max_k = 50;
    return options;
  }
  SmallKTest() : MatchingServiceTest(Options()) {}
};

TEST_F(SmallKTest, KAboveTheServersMaxReturnsInvalidArgument) {
  ASSERT_TRUE(Put(MasonCandidate()).ok());
  v1::MatchOpeningsRequest request;
  request.set_candidate_id("cand-mason");
  request.set_k(51);
  v1::MatchOpeningsResponse response;
  EXPECT_THAT(MatchOpenings(request, &response), IsGrpcError(grpc::StatusCode::INVALID_ARGUMENT, "k: must be in [1, 50]"));
  request.set_k(50);
  EXPECT_TRUE(MatchOpenings(request, &response).ok());
}

}  // namespace
}  // namespace passerelle::server
