// Field errors carry their path as a status payload: the producers' messages keep their text, and the
// path is read from the payload, never parsed back out of the message.
#include "engine/common/field_status.h"

#include "absl/status/status.h"
#include "engine/model/dates.h"
#include "engine/scoring/resolution.h"
#include "gtest/gtest.h"
#include "tests/engine/test_fixtures.h"

namespace passerelle::engine::field_status_test {
namespace {

TEST(FieldStatusTest, MessageStartsWithThePathAndThePayloadCarriesIt) {
  const absl::Status status = InvalidFieldError("skills[3]", "unknown ROME skill item (code_ogr) 1");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "skills[3]: unknown ROME skill item (code_ogr) 1");
  EXPECT_EQ(FieldPath(status), "skills[3]");
  EXPECT_EQ(FieldReason(status), "unknown ROME skill item (code_ogr) 1");
  ASSERT_TRUE(status.GetPayload(kFieldPathPayloadUrl).has_value());
  EXPECT_EQ(std::string(*status.GetPayload(kFieldPathPayloadUrl)), "skills[3]");
}

TEST(FieldStatusTest, AMessageThatLooksLikeAPathIsNotOne) {
  // Only the payload names a field: text shaped like "path: reason" without it names none.
  const absl::Status status = absl::InvalidArgumentError("id: bad");
  EXPECT_EQ(FieldPath(status), "");
  EXPECT_EQ(FieldReason(status), "id: bad");
  EXPECT_EQ(FieldPath(absl::OkStatus()), "");
}

TEST(FieldStatusTest, PrefixNestsThePathAndKeepsCodeAndOtherPayloads) {
  absl::Status inner = FieldStatus(absl::StatusCode::kNotFound, "id", "no candidate \"x\"");
  inner.SetPayload("type.googleapis.com/other", absl::Cord("kept"));
  const absl::Status outer = PrefixFieldPath(inner, "candidate");
  EXPECT_EQ(outer.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(outer.message(), "candidate.id: no candidate \"x\"");
  EXPECT_EQ(FieldPath(outer), "candidate.id");
  EXPECT_EQ(FieldReason(outer), "no candidate \"x\"");
  ASSERT_TRUE(outer.GetPayload("type.googleapis.com/other").has_value());
  EXPECT_EQ(std::string(*outer.GetPayload("type.googleapis.com/other")), "kept");
}

TEST(FieldStatusTest, PrefixOfAStatusWithoutPathMakesThePrefixThePath) {
  const absl::Status outer = PrefixFieldPath(absl::InvalidArgumentError("weights must not all be zero"),
                                             "scoring_profile");
  EXPECT_EQ(outer.message(), "scoring_profile: weights must not all be zero");
  EXPECT_EQ(FieldPath(outer), "scoring_profile");
  EXPECT_EQ(FieldReason(outer), "weights must not all be zero");
  EXPECT_TRUE(PrefixFieldPath(absl::OkStatus(), "candidate").ok());
}

TEST(FieldStatusTest, ValidationErrorsCarryTheirPath) {
  Candidate candidate = testing::MasonCandidate();
  candidate.commune_insee = "99999";
  const absl::Status unknown_commune = ResolveCandidate(candidate, *testing::SharedReferenceData()).status();
  EXPECT_EQ(unknown_commune.message(), "commune_insee: unknown INSEE commune code \"99999\"");
  EXPECT_EQ(FieldPath(unknown_commune), "commune_insee");

  const absl::Status bad_date = ParseDay("2026-13-01", "available_from").status();
  EXPECT_EQ(FieldPath(bad_date), "available_from");
  EXPECT_EQ(FieldReason(bad_date), "expected a date YYYY-MM-DD, got \"2026-13-01\"");
}

}  // namespace
}  // namespace passerelle::engine::field_status_test
