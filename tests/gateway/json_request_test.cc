// Requests from JSON bodies, query parameters and path variables; answers and errors as JSON.
#include "server/gateway/json_request.h"

#include "engine/common/field_status.h"
#include "gtest/gtest.h"
#include "passerelle/v1/matching.pb.h"
#include "server/gateway/http_errors.h"
#include "server/status_convert.h"

namespace passerelle::gateway {
namespace {

TEST(JsonRequestTest, BodyFillsTheWholeRequestOrOneField) {
  v1::MatchOpeningsRequest match;
  ASSERT_TRUE(MergeJsonBody(R"({"candidateId": "c-1", "k": 7, "contract_types": ["CONTRACT_TYPE_CDI"]})", "*", match).ok());
  EXPECT_EQ(match.candidate_id(), "c-1");
  EXPECT_EQ(match.k(), 7);
  ASSERT_EQ(match.contract_types_size(), 1);
  EXPECT_EQ(match.contract_types(0), v1::CONTRACT_TYPE_CDI);

  v1::PutCandidateRequest put;
  ASSERT_TRUE(MergeJsonBody(R"({"id": "c-2", "french_level": "CEFR_LEVEL_B1"})", "candidate", put).ok());
  EXPECT_EQ(put.candidate().id(), "c-2");
  EXPECT_EQ(put.candidate().french_level(), v1::CEFR_LEVEL_B1);
  EXPECT_TRUE(MergeJsonBody("  ", "candidate", put).ok());  // an empty body changes nothing
  EXPECT_EQ(put.candidate().id(), "c-2");
}

TEST(JsonRequestTest, RefusesUnknownFieldsAndBadJsonNamingTheBodyField) {
  v1::PutCandidateRequest put;
  const absl::Status unknown = MergeJsonBody(R"({"colour": "red"})", "candidate", put);
  EXPECT_EQ(unknown.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(engine::FieldPath(unknown), "candidate");
  EXPECT_EQ(MergeJsonBody("{oops", "*", put).code(), absl::StatusCode::kInvalidArgument);
}

TEST(JsonRequestTest, ParametersSetScalarsEnumsRepeatedAndNestedFields) {
  v1::MatchOpeningsRequest match;
  ASSERT_TRUE(SetFieldFromText("k", "5", match).ok());
  ASSERT_TRUE(SetFieldFromText("minScore", "0.25", match).ok());
  ASSERT_TRUE(SetFieldFromText("explain", "false", match).ok());
  ASSERT_TRUE(SetFieldFromText("contract_types", "CONTRACT_TYPE_CDD", match).ok());
  ASSERT_TRUE(SetFieldFromText("contract_types", "1", match).ok());  // by number
  EXPECT_EQ(match.k(), 5);
  EXPECT_FLOAT_EQ(match.min_score(), 0.25f);
  EXPECT_TRUE(match.has_explain());
  EXPECT_FALSE(match.explain());
  ASSERT_EQ(match.contract_types_size(), 2);
  EXPECT_EQ(match.contract_types(0), v1::CONTRACT_TYPE_CDD);

  v1::PutCandidateRequest put;
  ASSERT_TRUE(SetFieldFromText("candidate.id", "c-9", put).ok());
  EXPECT_EQ(put.candidate().id(), "c-9");
}

TEST(JsonRequestTest, ParameterErrorsNameTheParameter) {
  v1::MatchOpeningsRequest match;
  absl::Status status = SetFieldFromText("k", "many", match);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(engine::FieldPath(status), "k");
  EXPECT_EQ(engine::FieldPath(SetFieldFromText("colour", "red", match)), "colour");
  EXPECT_EQ(engine::FieldPath(SetFieldFromText("contract_types", "CONTRACT_TYPE_NONE", match)), "contract_types");
  EXPECT_EQ(engine::FieldPath(SetFieldFromText("k.sub", "1", match)), "k.sub");
  v1::PutCandidateRequest put;
  EXPECT_EQ(engine::FieldPath(SetFieldFromText("candidate", "x", put)), "candidate");  // a message
}

TEST(JsonRequestTest, AcceptLanguageSetsTheReasonLanguageUnlessTheRequestDid) {
  v1::MatchOpeningsRequest request;
  ApplyAcceptLanguage("de-DE, en-GB;q=0.8, fr;q=0.5", request);
  EXPECT_EQ(request.language(), v1::REASON_LANGUAGE_EN);
  request.clear_language();
  ApplyAcceptLanguage("fr-FR,fr;q=0.9,en;q=0.8", request);
  EXPECT_EQ(request.language(), v1::REASON_LANGUAGE_FR);
  request.clear_language();
  ApplyAcceptLanguage("de, *", request);
  EXPECT_EQ(request.language(), v1::REASON_LANGUAGE_UNSPECIFIED);
  request.set_language(v1::REASON_LANGUAGE_BOTH);  // the body or a parameter said: kept
  ApplyAcceptLanguage("en", request);
  EXPECT_EQ(request.language(), v1::REASON_LANGUAGE_BOTH);
  v1::ExplainRequest explain;
  ApplyAcceptLanguage("EN-us", explain);
  EXPECT_EQ(explain.language(), v1::REASON_LANGUAGE_EN);
  v1::GetCandidateRequest other;  // no language field: untouched
  ApplyAcceptLanguage("en", other);
  EXPECT_EQ(other.ByteSizeLong(), 0u);
}

TEST(JsonRequestTest, ImportItemsFromAnArrayOrJsonLines) {
  absl::StatusOr<std::vector<std::string>> items = SplitImportItems(R"( [{"id": "a"}, {"id": "b", "skills": [1, 2]}] )");
  ASSERT_TRUE(items.ok());
  ASSERT_EQ(items->size(), 2u);
  v1::Candidate candidate;
  ASSERT_TRUE(MergeJsonBody((*items)[1], "*", candidate).ok());
  EXPECT_EQ(candidate.id(), "b");
  EXPECT_EQ(candidate.skills_size(), 2);

  items = SplitImportItems("{\"id\": \"a\"}\r\n\n{\"id\": \"b\"}\n");
  ASSERT_TRUE(items.ok());
  ASSERT_EQ(items->size(), 2u);
  EXPECT_EQ((*items)[1], "{\"id\": \"b\"}");
  EXPECT_TRUE(SplitImportItems("").value().empty());
  EXPECT_FALSE(SplitImportItems("[1, ").ok());
}

TEST(JsonRequestTest, AnswersPrintJsonNamesAndDefaults) {
  v1::PutCandidateResponse created;
  EXPECT_EQ(MessageToJson(created), R"({"created":false})");
  v1::GetStatusResponse status;
  status.set_candidate_count(12);
  EXPECT_NE(MessageToJson(status).find(R"("candidateCount":"12")"), std::string::npos);
}

TEST(HttpErrorsTest, CodesMapToHttpStatuses) {
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::INVALID_ARGUMENT), 400);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::UNAUTHENTICATED), 401);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::PERMISSION_DENIED), 403);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::NOT_FOUND), 404);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::ALREADY_EXISTS), 409);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::ABORTED), 409);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::FAILED_PRECONDITION), 412);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::RESOURCE_EXHAUSTED), 429);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::UNAVAILABLE), 503);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::DEADLINE_EXCEEDED), 504);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::INTERNAL), 500);
}

TEST(HttpErrorsTest, ErrorBodyCarriesTheFieldViolation) {
  const grpc::Status status =
      server::ToGrpcStatus(engine::InvalidFieldError("candidate.commune_insee", "unknown INSEE commune code"));
  const std::string json = ErrorJson(status);
  EXPECT_NE(json.find(R"("status":"INVALID_ARGUMENT")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("code":400)"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("field":"candidate.commune_insee")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("description":"unknown INSEE commune code")"), std::string::npos) << json;
  EXPECT_NE(json.find("type.googleapis.com/google.rpc.BadRequest"), std::string::npos) << json;
  const std::string plain = ErrorJson(grpc::Status(grpc::StatusCode::NOT_FOUND, "candidate \"x\" not found"));
  EXPECT_NE(plain.find(R"("details":[])"), std::string::npos) << plain;
}

}  // namespace
}  // namespace passerelle::gateway
