// The call log names the offending field from the status's field-path payload, never from its text, and
// hands the status on unchanged as a grpc::Status.
#include "server/call_log.h"

#include <string>

#include "absl/status/status.h"
#include "engine/common/field_status.h"
#include "gtest/gtest.h"

namespace passerelle::server {
namespace {

// The line CallLog::Finish writes for `status`, and the grpc::Status it returns.
std::string FinishAndCapture(const absl::Status& status, grpc::Status* out) {
  SetLoggingEnabled(true);
  ::testing::internal::CaptureStderr();
  *out = CallLog("PutCandidate").Finish(status);
  std::string line = ::testing::internal::GetCapturedStderr();
  SetLoggingEnabled(false);
  return line;
}

TEST(CallLogTest, LogsTheFieldPathOfTheStatusButNotTheRestOfTheMessage) {
  grpc::Status out;
  const std::string line = FinishAndCapture(
      engine::PrefixFieldPath(engine::InvalidFieldError("commune_insee", "unknown INSEE commune code \"99999\""),
                              "candidate"),
      &out);
  EXPECT_NE(line.find("\"method\":\"PutCandidate\""), std::string::npos) << line;
  EXPECT_NE(line.find("\"code\":\"INVALID_ARGUMENT\""), std::string::npos) << line;
  EXPECT_NE(line.find("\"field\":\"candidate.commune_insee\""), std::string::npos) << line;
  EXPECT_EQ(line.find("99999"), std::string::npos) << line;
  EXPECT_EQ(out.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(out.error_message(), "candidate.commune_insee: unknown INSEE commune code \"99999\"");
}

TEST(CallLogTest, AMessageShapedLikeAFieldErrorNamesNoField) {
  grpc::Status out;
  const std::string line = FinishAndCapture(absl::NotFoundError("cand-1: is not here"), &out);
  EXPECT_NE(line.find("\"code\":\"NOT_FOUND\""), std::string::npos) << line;
  EXPECT_EQ(line.find("\"field\""), std::string::npos) << line;
  EXPECT_EQ(line.find("cand-1"), std::string::npos) << line;
  EXPECT_EQ(out.error_message(), "cand-1: is not here");
}

TEST(CallLogTest, OkHasNoField) {
  grpc::Status out;
  const std::string line = FinishAndCapture(absl::OkStatus(), &out);
  EXPECT_NE(line.find("\"code\":\"OK\""), std::string::npos) << line;
  EXPECT_EQ(line.find("\"field\""), std::string::npos) << line;
  EXPECT_TRUE(out.ok());
}

}  // namespace
}  // namespace passerelle::server
