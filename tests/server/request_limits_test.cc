// CheckRepeatedCaps (server/request_limits.h): a list over its cap is named with its full path, nested
// records and list items included, and a request within every cap passes.
#include "server/request_limits.h"

#include "absl/strings/str_cat.h"
#include "engine/model/resolve.h"
#include "gtest/gtest.h"
#include "passerelle/v1/matching.pb.h"

namespace passerelle::server {
namespace {

TEST(RequestLimitsTest, AListInANestedRecordIsNamedWithItsPath) {
  v1::ImportCandidatesRequest request;
  for (size_t i = 0; i < engine::kMaxSkillsPerRecord; ++i) request.mutable_candidate()->add_skills(100000 + i);
  EXPECT_TRUE(CheckRepeatedCaps(request).ok());
  request.mutable_candidate()->add_skills(1);
  const absl::Status status = CheckRepeatedCaps(request);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), absl::StrCat("candidate.skills: at most ", engine::kMaxSkillsPerRecord, " entries, got ",
                                           engine::kMaxSkillsPerRecord + 1));
}

TEST(RequestLimitsTest, AListInsideAListItemIsNamedWithTheItemsIndex) {
  v1::MatchOpeningsResponse message;
  message.add_matches()->add_blocker_codes("ok");
  v1::Match* second = message.add_matches();
  for (int i = 0; i < kDefaultMaxRepeated; ++i) second->add_blocker_codes("b");
  EXPECT_TRUE(CheckRepeatedCaps(message).ok());
  second->add_blocker_codes("b");
  EXPECT_EQ(CheckRepeatedCaps(message).message(), "matches[1].blocker_codes: at most 256 entries, got 257");
}

TEST(RequestLimitsTest, TheListedCapsApplyByFieldAndTheDefaultToTheRest) {
  v1::MatchOpeningsRequest request;
  for (int i = 0; i < 17; ++i) request.add_contract_types(v1::CONTRACT_TYPE_CDI);
  EXPECT_EQ(CheckRepeatedCaps(request).message(), "contract_types: at most 16 entries, got 17");
  EXPECT_EQ(MaxRepeated(*v1::MatchOpeningsRequest::descriptor()->FindFieldByName("occupations")), 256);
  EXPECT_EQ(MaxRepeated(*v1::ImportResponse::descriptor()->FindFieldByName("items")), kDefaultMaxRepeated);
}

}  // namespace
}  // namespace passerelle::server
