// Storage through the service: records survive a restart, deletes leave the data files, records that no
// longer validate are reported and kept, checkpoints are openable copies; and the record codec.
#include <filesystem>
#include <fstream>
#include <iterator>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "engine/store/catalog.h"
#include "engine/store/store.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/server/test_util.h"

namespace passerelle::server {
namespace {

using ::passerelle::server::testing::InProcessServer;
using ::passerelle::server::testing::MasonCandidate;
using ::passerelle::server::testing::MasonOpening;
using ::passerelle::server::testing::SharedReferenceData;
using ::passerelle::server::testing::TempDir;

grpc::Status Put(v1::Matching::Stub& stub, const v1::Candidate& candidate) {
  grpc::ClientContext context;
  v1::PutCandidateRequest request;
  *request.mutable_candidate() = candidate;
  v1::PutCandidateResponse response;
  return stub.PutCandidate(&context, request, &response);
}

grpc::Status Put(v1::Matching::Stub& stub, const v1::Opening& opening) {
  grpc::ClientContext context;
  v1::PutOpeningRequest request;
  *request.mutable_opening() = opening;
  v1::PutOpeningResponse response;
  return stub.PutOpening(&context, request, &response);
}

grpc::Status Get(v1::Matching::Stub& stub, const std::string& id, v1::GetCandidateResponse* response) {
  grpc::ClientContext context;
  v1::GetCandidateRequest request;
  request.set_candidate_id(id);
  return stub.GetCandidate(&context, request, response);
}

v1::GetStatusResponse Status(v1::Matching::Stub& stub) {
  grpc::ClientContext context;
  v1::GetStatusResponse response;
  EXPECT_TRUE(stub.GetStatus(&context, v1::GetStatusRequest(), &response).ok());
  return response;
}

// Names of the files under `dir` whose bytes contain `needle`.
std::vector<std::string> FilesContaining(const std::string& dir, const std::string& needle) {
  std::vector<std::string> found;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (absl::StrContains(bytes, needle)) found.push_back(entry.path().filename().string());
  }
  return found;
}

TEST(PersistenceTest, RecordsAndProfilesSurviveRestart) {
  InProcessServer server;
  ASSERT_TRUE(Put(server.stub(), MasonCandidate()).ok());
  v1::Opening opening = MasonOpening();
  opening.set_french_training_hours(400);
  ASSERT_TRUE(Put(server.stub(), opening).ok());
  {
    grpc::ClientContext context;
    v1::PutScoringProfileRequest request;
    request.mutable_profile()->set_name("hope");
    request.mutable_profile()->mutable_weights()->set_french(1);
    v1::PutScoringProfileResponse response;
    ASSERT_TRUE(server.stub().PutScoringProfile(&context, request, &response).ok());
  }
  EXPECT_EQ(Status(server.stub()).previous_reference_data_version(), "");

  server.Restart();
  v1::GetCandidateResponse got;
  ASSERT_TRUE(Get(server.stub(), "cand-mason", &got).ok());
  v1::Candidate expected = MasonCandidate();
  expected.set_owner_id(testing::kCounsellorOrg);  // the caller's organisation, from its key
  EXPECT_EQ(got.candidate().SerializeAsString(), expected.SerializeAsString());
  grpc::ClientContext context;
  v1::MatchOpeningsRequest request;
  request.set_candidate_id("cand-mason");
  request.set_scoring_profile("hope");
  v1::MatchOpeningsResponse response;
  ASSERT_TRUE(server.stub().MatchOpenings(&context, request, &response).ok());
  ASSERT_EQ(response.matches_size(), 1);
  EXPECT_EQ(response.matches(0).id(), "open-bobigny");
  const v1::GetStatusResponse status = Status(server.stub());
  EXPECT_EQ(status.previous_reference_data_version(), status.reference_data_version());
  EXPECT_EQ(status.scoring_profile_count(), 2);
}

TEST(PersistenceTest, DeletedCandidateLeavesTheDataFiles) {
  InProcessServer server;
  const std::string id = "cand-erase-7f3a9c";
  // Stands for the record's contents (not the owner: organisations are also named in the access space).
  const std::string owner = "2031-07-19";
  v1::Candidate c = MasonCandidate(id);
  c.set_available_from(owner);
  ASSERT_TRUE(Put(server.stub(), c).ok());
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(Put(server.stub(), MasonCandidate("other-" + std::to_string(i))).ok());
  server.Restart();  // the record now sits in a table file, not only in the log
  const std::string data_dir = server.options().data_dir;
  ASSERT_FALSE(FilesContaining(data_dir, id).empty());

  grpc::ClientContext context;
  v1::DeleteCandidateRequest request;
  request.set_candidate_id(id);
  v1::DeleteCandidateResponse response;
  ASSERT_TRUE(server.stub().DeleteCandidate(&context, request, &response).ok());
  // Records are keyed by a keyed hash of (organisation, id): no file boundary in the MANIFEST holds the id.
  EXPECT_EQ(FilesContaining(data_dir, id), std::vector<std::string>());
  server.Restart();
  EXPECT_EQ(FilesContaining(data_dir, id), std::vector<std::string>());
  v1::GetCandidateResponse got;
  EXPECT_EQ(Get(server.stub(), id, &got).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(Get(server.stub(), "other-7", &got).ok());
}

TEST(PersistenceTest, RecordThatNoLongerValidatesIsReportedAndKept) {
  InProcessServer server;
  ASSERT_TRUE(Put(server.stub(), MasonCandidate("good")).ok());
  server.Stop();
  {
    // As if the reference data had changed under a stored record: a commune that no longer exists.
    auto store = engine::Store::Open(server.options().data_dir, {});
    ASSERT_TRUE(store.ok()) << store.status();
    engine::WriteSet writes;
    v1::Candidate stale = MasonCandidate("stale");
    stale.set_owner_id(testing::kCounsellorOrg);
    stale.set_commune_insee("97999");
    writes.PutRecord(engine::RecordKind::kCandidate, (*store)->RecordKey(testing::kCounsellorOrg, "stale"),
                     engine::EncodeStoredValue(absl::ToUnixSeconds(absl::Now()), stale.SerializeAsString()));
    v1::Opening stale_opening = MasonOpening("stale-opening");
    stale_opening.set_owner_id(testing::kEmployerOrg);
    stale_opening.set_rome_code("Z9999");
    writes.PutRecord(engine::RecordKind::kOpening, (*store)->RecordKey(testing::kEmployerOrg, "stale-opening"),
                     engine::EncodeStoredValue(absl::ToUnixSeconds(absl::Now()), stale_opening.SerializeAsString()));
    ASSERT_TRUE((*store)->Commit(writes).ok());
  }
  server.Start();

  const v1::GetStatusResponse status = Status(server.stub());
  EXPECT_EQ(status.candidate_count(), 2);
  EXPECT_EQ(status.opening_count(), 1);
  ASSERT_EQ(status.invalid_records_size(), 2);
  EXPECT_EQ(status.invalid_records(0).kind(), v1::RECORD_KIND_CANDIDATE);
  EXPECT_EQ(status.invalid_records(0).id(), std::string(testing::kCounsellorOrg) + ":stale");  // qualified by its organisation
  EXPECT_TRUE(absl::StartsWith(status.invalid_records(0).reason(), "commune_insee: ")) << status.invalid_records(0).reason();
  // GetStatus is the admin's, who never reads candidates: the field at fault, not the person's value.
  EXPECT_EQ(status.invalid_records(0).reason().find("97999"), std::string::npos) << status.invalid_records(0).reason();
  EXPECT_EQ(status.invalid_records(1).kind(), v1::RECORD_KIND_OPENING);
  EXPECT_TRUE(absl::StartsWith(status.invalid_records(1).reason(), "rome_code: "));

  v1::GetCandidateResponse got;
  ASSERT_TRUE(Get(server.stub(), "stale", &got).ok());
  EXPECT_FALSE(got.matchable());
  {
    grpc::ClientContext context;
    v1::MatchOpeningsRequest request;
    request.set_candidate_id("stale");
    v1::MatchOpeningsResponse response;
    const grpc::Status s = server.stub().MatchOpenings(&context, request, &response);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_TRUE(absl::StartsWith(s.error_message(), "candidate_id: ")) << s.error_message();
  }
  // Putting it again with valid values makes it matchable and clears the report.
  ASSERT_TRUE(Put(server.stub(), MasonCandidate("stale")).ok());
  ASSERT_TRUE(Get(server.stub(), "stale", &got).ok());
  EXPECT_TRUE(got.matchable());
  EXPECT_EQ(Status(server.stub()).invalid_records_size(), 1);
}

TEST(PersistenceTest, CheckpointIsAnOpenableCopy) {
  InProcessServer server;
  ASSERT_TRUE(Put(server.stub(), MasonCandidate()).ok());
  const std::string checkpoint = server.dir().Sub("backup");
  ASSERT_TRUE(server.server().catalog().Checkpoint(checkpoint).ok());
  ASSERT_TRUE(Put(server.stub(), MasonCandidate("after-backup")).ok());
  auto copy = engine::Catalog::Open(checkpoint, SharedReferenceData(), {});
  ASSERT_TRUE(copy.ok()) << copy.status();
  EXPECT_TRUE((*copy)->GetCandidate(testing::kCounsellorOrg, "cand-mason").ok());
  EXPECT_FALSE((*copy)->GetCandidate(testing::kCounsellorOrg, "after-backup").ok());
  EXPECT_EQ((*copy)->index().candidate_count(), 1u);
}

TEST(PersistenceTest, SecondServerOnTheSameDirectoryIsRefused) {
  InProcessServer server;
  ServerOptions options = server.options();
  auto second = PasserelleServer::Start(options);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition) << second.status();
}

TEST(StoreTest, NewerSchemaIsRefused) {
  TempDir dir;
  {
    auto store = engine::Store::Open(dir.path(), {});
    ASSERT_TRUE(store.ok());
    engine::WriteSet writes;
    writes.PutMetadata("schema_version", "99");
    ASSERT_TRUE((*store)->Commit(writes).ok());
  }
  auto store = engine::Store::Open(dir.path(), {});
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(RecordCodecTest, CandidateRoundTripsThroughProto) {
  engine::Candidate c = engine::testing::MasonCandidate();
  c.weekly_availability = engine::WeeklySlotBit(0, 0) | engine::WeeklySlotBit(4, 1);
  c.housing = engine::HousingStatus::kEmergency;
  auto back = engine::CandidateFromProto(engine::CandidateToProto(c));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(engine::CandidateToProto(*back).SerializeAsString(), engine::CandidateToProto(c).SerializeAsString());
  EXPECT_EQ(back->weekly_availability, c.weekly_availability);
  EXPECT_EQ(back->accepted_contracts, c.accepted_contracts);
  EXPECT_EQ(back->housing, engine::HousingStatus::kEmergency);
  EXPECT_EQ(back->french_level, engine::CefrLevel::kA2);
}

TEST(RecordCodecTest, HandWrittenJsonLineDecodes) {
  // What a person writes in a JSON Lines file for the CLI (proto3 JSON mapping).
  const std::string line = R"({"id": "c-1", "owner_id": "ft-93", "commune_insee": "93066",
      "french_level": "CEFR_LEVEL_A2", "housing": "HOUSING_STATUS_TEMPORARY", "skills": [100596, "100854"],
      "wished_occupations": ["F1703"], "accepted_contracts": ["CONTRACT_TYPE_CDI", "CONTRACT_TYPE_INTERIM"],
      "available_from": "2026-03-02", "right_to_work": true,
      "weekly_availability": [{"day": "WEEKDAY_MONDAY", "part": "DAY_PART_MORNING"}]})";
  v1::Candidate proto;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(line, &proto).ok());
  auto c = engine::CandidateFromProto(proto);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->skills, (std::vector<int64_t>{100596, 100854}));
  EXPECT_EQ(c->accepted_contracts,
            engine::ContractBit(engine::ContractType::kCdi) | engine::ContractBit(engine::ContractType::kInterim));
  EXPECT_EQ(c->weekly_availability, engine::WeeklySlotBit(0, 0));
  EXPECT_EQ(c->available_from, engine::DayFromCivil(2026, 3, 2));
  EXPECT_TRUE(engine::ResolveCandidate(*c, *SharedReferenceData()).ok());
}

TEST(RecordCodecTest, FieldErrorsSplitIntoPathAndReason) {
  const engine::FieldError e = engine::SplitFieldError("skills[3]: unknown ROME skill item (code_ogr) 1");
  EXPECT_EQ(e.field, "skills[3]");
  EXPECT_EQ(e.reason, "unknown ROME skill item (code_ogr) 1");
  EXPECT_EQ(engine::SplitFieldError("weights must not all be zero").field, "");
  EXPECT_EQ(engine::PrefixFieldPath(engine::InvalidFieldError("id", "bad"), "candidate").message(), "candidate.id: bad");
}

TEST(RecordCodecTest, DecodingErrorsCarryTheirFieldPath) {
  v1::Candidate proto;
  proto.set_id("cand-1");
  proto.set_available_from("2026-13-01");
  const absl::Status status = engine::CandidateFromProto(proto).status();
  EXPECT_EQ(status.message(), "available_from: expected a date YYYY-MM-DD, got \"2026-13-01\"");
  EXPECT_EQ(engine::FieldPath(status), "available_from");
  proto.set_available_from("2026-03-02");
  proto.add_weekly_availability()->set_part(v1::DAY_PART_MORNING);
  EXPECT_EQ(engine::FieldPath(engine::CandidateFromProto(proto).status()), "weekly_availability[0].day");
}

}  // namespace
}  // namespace passerelle::server
