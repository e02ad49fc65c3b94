// Regression tests of issue 16 (hostile input): error messages quote a bounded, escaped prefix of a bad
// value (defect 4), ids are printable ASCII and free text valid UTF-8 without control or bidirectional
// characters (defect 6), repeated request fields are capped and filters cost O(1) per row (defect 2).
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/server/test_util.h"

namespace passerelle::server {
namespace {

using ::passerelle::server::testing::InProcessServer;
using ::passerelle::server::testing::MasonCandidate;
using ::passerelle::server::testing::MasonOpening;
using ::testing::HasSubstr;
using ::testing::Not;

class HostileInputTest : public ::testing::Test {
 protected:
  grpc::Status Put(const v1::Candidate& candidate) {
    grpc::ClientContext context;
    v1::PutCandidateRequest request;
    *request.mutable_candidate() = candidate;
    v1::PutCandidateResponse response;
    return server_.stub().PutCandidate(&context, request, &response);
  }
  grpc::Status Put(const v1::Opening& opening) {
    grpc::ClientContext context;
    v1::PutOpeningRequest request;
    *request.mutable_opening() = opening;
    v1::PutOpeningResponse response;
    return server_.stub().PutOpening(&context, request, &response);
  }
  InProcessServer server_;
};

// --- Defect 4: bounded quoting ---

TEST_F(HostileInputTest, MegabyteCommuneComesBackAsAShortPrefix) {
  v1::Candidate candidate = MasonCandidate("c-big");
  candidate.set_commune_insee(std::string(1 << 20, '9'));
  const grpc::Status status = Put(candidate);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message().substr(0, 200);
  EXPECT_LT(status.error_message().size(), 512u);
  EXPECT_THAT(status.error_message(), HasSubstr("candidate.commune_insee: unknown INSEE commune code \"9999"));
  EXPECT_THAT(status.error_message(), HasSubstr("(1048576 bytes)"));
}

TEST_F(HostileInputTest, QuotedValuesAreEscaped) {
  v1::Candidate candidate = MasonCandidate("c-esc");
  candidate.set_commune_insee("9\x1b[2J\n");
  const grpc::Status status = Put(candidate);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("\"9\\x1b[2J\\n\""));
  EXPECT_THAT(status.error_message(), Not(HasSubstr("\x1b")));
}

TEST_F(HostileInputTest, LongIdInNotFoundIsCut) {
  grpc::ClientContext context;
  v1::GetScoringProfileRequest request;
  request.set_name(std::string(100000, 'p'));
  v1::GetScoringProfileResponse response;
  const grpc::Status status = server_.stub().GetScoringProfile(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_LT(status.error_message().size(), 512u);
}

// --- Defect 6: ids and free text ---

TEST_F(HostileInputTest, IdWithRightToLeftOverrideIsRejected) {
  const grpc::Status status = Put(MasonCandidate("cand-\u202Egpj.exe"));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StartsWith(status.error_message(), "candidate.id: must be printable ASCII"))
      << status.error_message();
}

TEST_F(HostileInputTest, IdWithAnyByteAbove0x7FIsRejected) {
  EXPECT_EQ(Put(MasonCandidate("caf\u00e9")).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Put(MasonOpening("open-\u00a0x")).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Put(MasonCandidate("tab\there")).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(Put(MasonCandidate("ok-id_1.2~")).ok());
}

TEST_F(HostileInputTest, TitleWithControlCharactersIsRejected) {
  for (const std::string& title : {std::string("Ma\0on", 5), std::string("Ma\x1b[31mon"), std::string("Maçon\nH/F"),
                                  std::string("Ma\xc2\x85on"), std::string("Ma\u202Eon")}) {
    v1::Opening opening = MasonOpening("open-ctl");
    opening.set_title(title);
    const grpc::Status status = Put(opening);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << absl::CHexEscape(title);
    EXPECT_TRUE(absl::StartsWith(status.error_message(), "opening.title: ")) << status.error_message();
  }
  v1::Opening opening = MasonOpening("open-ok");
  opening.set_title("Maçon / Maçonne (H/F) – chantier « Grand Paris »");
  EXPECT_TRUE(Put(opening).ok());
}

TEST_F(HostileInputTest, KeyDescriptionWithEscapeIsRejected) {
  auto created = server_.server().access().CreateKey("ft-agence-bobigny", Role::kCounsellor, absl::ZeroDuration(),
                                                      "poste \x1b[2J");
  EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(created.status().message(), "description: ")) << created.status();
  EXPECT_TRUE(server_.server()
                  .access()
                  .CreateKey("ft-agence-bobigny", Role::kCounsellor, absl::ZeroDuration(), "poste d'accueil – 2ᵉ")
                  .ok());
}


// --- Defect 2: caps on repeated fields ---

TEST_F(HostileInputTest, MatchOpeningsWithThousandsOfOccupationCodesIsRefusedBeforeAnyWork) {
  ASSERT_TRUE(Put(MasonCandidate()).ok());
  v1::MatchOpeningsRequest request;
  request.set_candidate_id("cand-mason");
  for (int i = 0; i < 5000; ++i) request.add_occupations("F1703");
  grpc::ClientContext context;
  v1::MatchOpeningsResponse response;
  const grpc::Status status = server_.stub().MatchOpenings(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "occupations: at most 256 entries, got 5000");
}

TEST_F(HostileInputTest, RerankFilterAtItsCapRunsAndOverItIsRefused) {
  ASSERT_TRUE(Put(MasonCandidate()).ok());
  ASSERT_TRUE(Put(MasonOpening()).ok());
  const auto rerank = [&](int codes) {
    v1::RerankRequest request;
    const auto& occupations = testing::SharedReferenceData()->occupations();
    for (int i = 0; i < codes; ++i) request.add_occupations(occupations[i % occupations.size()].code);
    grpc::ClientContext context;
    auto reader = server_.StubWithKey(server_.NewKey(testing::kCounsellorOrg, Role::kBatch))->Rerank(&context, request);
    v1::RerankResponse response;
    while (reader->Read(&response)) {
    }
    return reader->Finish();
  };
  const grpc::Status at_cap = rerank(256);
  EXPECT_TRUE(at_cap.ok()) << at_cap.error_message();
  const grpc::Status over = rerank(257);
  EXPECT_EQ(over.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(over.error_message(), "occupations: at most 256 entries, got 257");
}

TEST_F(HostileInputTest, RecordRepeatedFieldsAreCapped) {
  v1::Candidate candidate = MasonCandidate("c-slots");
  for (int i = 0; i < 65; ++i) {
    v1::WeeklySlot* slot = candidate.add_weekly_availability();
    slot->set_day(v1::WEEKDAY_MONDAY);
    slot->set_part(v1::DAY_PART_MORNING);
  }
  const grpc::Status status = Put(candidate);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StartsWith(status.error_message(), "candidate.weekly_availability: at most 64 entries"))
      << status.error_message();
}

}  // namespace
}  // namespace passerelle::server
