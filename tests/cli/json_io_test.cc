// ParseJson (clients/json_io.h): every kind of bad value is refused with the path of its field and a
// reason, and every form the proto3 JSON mapping allows (and ToJson prints) is read back unchanged.
#include "clients/json_io.h"

#include <cmath>
#include <limits>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/dynamic_message.h"
#include "gtest/gtest.h"
#include "passerelle/v1/records.pb.h"

namespace passerelle::clients {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// The error message of parsing `json` as a Candidate; "" when it parses.
std::string CandidateError(const std::string& json) {
  v1::Candidate candidate;
  absl::Status status = ParseJson(json, candidate);
  if (status.ok()) return "";
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << json;
  EXPECT_EQ(candidate.ByteSizeLong(), 0u) << "a refused record leaves the message clear: " << json;
  return std::string(status.message());
}

TEST(ParseJsonTest, UnknownFieldsAreNamedWithTheirPathAndTheProtoFile) {
  EXPECT_EQ(CandidateError(R"({"id": "c-1", "comune_insee": "75056"})"),
            "comune_insee: no such field (see proto/passerelle/v1/records.proto)");
  EXPECT_EQ(CandidateError(R"({"past_occupations": [{"rome_code": "F1703"}, {"yeers": 2}]})"),
            "past_occupations[1].yeers: no such field (see proto/passerelle/v1/records.proto)");
}

TEST(ParseJsonTest, EnumsTakeTheirNamesOrNumbersAndNameTheEnumWhenWrong) {
  EXPECT_EQ(CandidateError(R"({"transport_mode": "BIKE"})"),
            R"(transport_mode: invalid value "BIKE" for type TransportMode)");
  EXPECT_EQ(CandidateError(R"({"languages": [{"code": "en", "level": "Z9"}]})"),
            R"(languages[0].level: invalid value "Z9" for type CefrLevel)");
  EXPECT_EQ(CandidateError(R"({"accepted_contracts": ["CONTRACT_TYPE_CDI", true]})"),
            "accepted_contracts[1]: invalid value true for type ContractType");
  v1::Candidate candidate;
  ASSERT_TRUE(ParseJson(R"({"transport_mode": "TRANSPORT_MODE_CAR", "french_level": 3})", candidate).ok());
  EXPECT_EQ(candidate.transport_mode(), v1::TRANSPORT_MODE_CAR);
  EXPECT_EQ(candidate.french_level(), 3);
}

TEST(ParseJsonTest, StringsMustBeStrings) {
  EXPECT_EQ(CandidateError(R"({"id": 12})"), "id: invalid value 12 for type TYPE_STRING");
  EXPECT_EQ(CandidateError(R"({"past_occupations": [{"rome_code": ["F1703"]}]})"),
            R"(past_occupations[0].rome_code: invalid value ["F1703"] for type TYPE_STRING)");
}

TEST(ParseJsonTest, FloatsMustBeNumbersWithinFloatRange) {
  EXPECT_EQ(CandidateError(R"({"max_commute_km": "far"})"), R"(max_commute_km: invalid value "far" for type TYPE_FLOAT)");
  EXPECT_EQ(CandidateError(R"({"max_commute_km": true})"), "max_commute_km: invalid value true for type TYPE_FLOAT");
  EXPECT_EQ(CandidateError(R"({"max_commute_km": 1e50})"), "max_commute_km: invalid value 1e+50 for type TYPE_FLOAT");
  EXPECT_EQ(CandidateError(R"({"max_commute_km": " 12"})"), R"(max_commute_km: invalid value " 12" for type TYPE_FLOAT)");
  v1::Candidate candidate;
  ASSERT_TRUE(ParseJson(R"({"max_commute_km": "12.5", "french_hours_planned": "NaN", "min_monthly_salary_eur": 1400})",
                        candidate)
                  .ok());
  EXPECT_FLOAT_EQ(candidate.max_commute_km(), 12.5f);
  EXPECT_TRUE(std::isnan(candidate.french_hours_planned()));
  EXPECT_FLOAT_EQ(candidate.min_monthly_salary_eur(), 1400.0f);
}

TEST(ParseJsonTest, IntegersMustBeIntegralAndWithinTheirType) {
  EXPECT_EQ(CandidateError(R"({"skills": [1, "2", 3.5]})"), "skills[2]: invalid value 3.5 for type TYPE_INT64");
  EXPECT_EQ(CandidateError(R"({"skills": ["0x10"]})"), R"(skills[0]: invalid value "0x10" for type TYPE_INT64)");
  EXPECT_EQ(CandidateError(R"({"skills": [9223372036854775808]})"),
            "skills[0]: invalid value 9223372036854775808 for type TYPE_INT64");
  EXPECT_EQ(CandidateError(R"({"qualification_level": 3000000000})"),
            "qualification_level: invalid value 3000000000 for type TYPE_INT32");
  EXPECT_EQ(CandidateError(R"({"qualification_level": "+4"})"),
            R"(qualification_level: invalid value "+4" for type TYPE_INT32)");
  v1::Candidate candidate;
  ASSERT_TRUE(ParseJson(R"({"skills": [1, "-2", 3.0, "9223372036854775807"], "qualification_level": "4"})", candidate)
                  .ok());
  EXPECT_THAT(candidate.skills(), ::testing::ElementsAre(1, -2, 3, INT64_MAX));
  EXPECT_EQ(candidate.qualification_level(), 4);
}

TEST(ParseJsonTest, BoolsMustBeTrueOrFalse) {
  EXPECT_EQ(CandidateError(R"({"driving_licence": 1})"), "driving_licence: invalid value 1 for type TYPE_BOOL");
  EXPECT_EQ(CandidateError(R"({"driving_licence": "yes"})"), R"(driving_licence: invalid value "yes" for type TYPE_BOOL)");
  v1::Candidate candidate;
  ASSERT_TRUE(ParseJson(R"({"driving_licence": true, "vehicle": "true"})", candidate).ok());
  EXPECT_TRUE(candidate.driving_licence());
  EXPECT_TRUE(candidate.vehicle());
}

TEST(ParseJsonTest, ListsAndMessagesMustHaveTheirShape) {
  EXPECT_EQ(CandidateError(R"({"skills": 12})"), "skills: expected a JSON array, got 12");
  EXPECT_EQ(CandidateError(R"({"past_occupations": [5]})"),
            "past_occupations[0]: expected a JSON object for PastOccupation, got 5");
  EXPECT_EQ(CandidateError(R"({"wished_occupations": ["F1703", null]})"),
            "wished_occupations[1]: null is not allowed in a list");
}

TEST(ParseJsonTest, TextThatIsNotOneJsonObjectIsNotARecord) {
  EXPECT_THAT(CandidateError("not json at all"), StartsWith("not a valid JSON record: "));
  EXPECT_THAT(CandidateError(R"({"id": "c-1"} trailing)"), StartsWith("not a valid JSON record: "));
  EXPECT_THAT(CandidateError(R"({"id": "c-1",})"), StartsWith("not a valid JSON record: "));
  EXPECT_THAT(CandidateError(R"({"id": "\ud800"})"), StartsWith("not a valid JSON record: "));
  EXPECT_THAT(CandidateError("[1, 2]"), HasSubstr("expected a JSON object, got [1,2]"));
  EXPECT_THAT(CandidateError(""), StartsWith("not a valid JSON record: "));
}

TEST(ParseJsonTest, AcceptsCamelCaseNullAndALaterDuplicateKey) {
  v1::Candidate candidate;
  ASSERT_TRUE(ParseJson(R"({"id": "c-1", "communeInsee": "75056", "owner_id": null, "skills": [1],
                           "skills": [2, 3], "id": "c-2"})",
                        candidate)
                  .ok());
  EXPECT_EQ(candidate.id(), "c-2");
  EXPECT_EQ(candidate.commune_insee(), "75056");
  EXPECT_EQ(candidate.owner_id(), "");
  EXPECT_THAT(candidate.skills(), ::testing::ElementsAre(2, 3));
}

TEST(ParseJsonTest, ReadsBackWhatToJsonPrintsInBothStyles) {
  v1::Candidate candidate;
  candidate.set_id("c-é");
  candidate.set_commune_insee("93066");
  candidate.set_transport_mode(v1::TRANSPORT_MODE_PUBLIC_TRANSPORT);
  candidate.set_max_commute_km(17.25f);
  candidate.set_driving_licence(true);
  candidate.add_skills(INT64_MIN);
  candidate.add_skills(125879);
  v1::PastOccupation* past = candidate.add_past_occupations();
  past->set_rome_code("F1703");
  past->set_years(2.5f);
  candidate.add_accepted_contracts(v1::CONTRACT_TYPE_CDI);
  candidate.add_languages()->set_code("ps");
  candidate.set_qualification_level(-3);
  candidate.set_french_hours_planned(INFINITY);
  candidate.set_min_monthly_salary_eur(std::numeric_limits<float>::max());  // printed just above it
  candidate.add_past_occupations()->set_years(std::numeric_limits<float>::denorm_min());
  for (const JsonStyle& style : {JsonStyle{}, JsonStyle{.single_line = true, .include_defaults = false}}) {
    v1::Candidate back;
    const std::string json = ToJson(candidate, style);
    ASSERT_TRUE(ParseJson(json, back).ok()) << json;
    EXPECT_EQ(back.SerializeAsString(), candidate.SerializeAsString()) << json;
  }
}

TEST(ParseJsonTest, ReadsOtherMessagesThanCandidates) {
  v1::ScoringProfile profile;
  ASSERT_TRUE(ParseJson(R"({"name": "p", "weights": {"occupation": 0.5, "skills": "0.25"}})", profile).ok());
  EXPECT_EQ(profile.name(), "p");
  EXPECT_FLOAT_EQ(profile.weights().skills(), 0.25f);
  EXPECT_EQ(std::string(ParseJson(R"({"weights": {"skils": 1}})", profile).message()),
            "weights.skils: no such field (see proto/passerelle/v1/records.proto)");
}

TEST(ParseJsonTest, ALaterKeyInEitherSpellingReplacesTheWholeField) {
  v1::Candidate candidate;
  ASSERT_TRUE(ParseJson(R"({"pastOccupations": [{"rome_code": "F1703"}, {"years": 1}],
                           "past_occupations": [{"years": 2}], "languages": [{"code": "en"}], "languages": null,
                           "transportMode": "TRANSPORT_MODE_CAR", "transport_mode": 2})",
                        candidate)
                  .ok());
  ASSERT_EQ(candidate.past_occupations_size(), 1);
  EXPECT_EQ(candidate.past_occupations(0).rome_code(), "") << "replaced, not merged";
  EXPECT_FLOAT_EQ(candidate.past_occupations(0).years(), 2.0f);
  EXPECT_EQ(candidate.languages_size(), 0);
  EXPECT_EQ(candidate.transport_mode(), 2);
}

TEST(ParseJsonTest, TheSameErrorsOnEveryRecordOfAnImport) {
  // The field and enum tables are built on the first record and reused: the second parse must refuse
  // and accept exactly what the first did.
  for (int round = 0; round < 2; ++round) {
    EXPECT_EQ(CandidateError(R"({"languages": [{"code": "en", "level": "CEFR_LEVEL_B2"}, {"levle": "Z9"}]})"),
              "languages[1].levle: no such field (see proto/passerelle/v1/records.proto)");
    EXPECT_EQ(CandidateError(R"({"languages": [{"level": "B2"}]})"), R"(languages[0].level: invalid value "B2" for type CefrLevel)");
    EXPECT_EQ(CandidateError(R"({"french_level": "CEFR_LEVEL_C1", "housing": "HOUSING_STATUS_STABLE"})"), "");
  }
}

// A message type from a pool built at run time, then freed, then another at the same place: its tables
// are not kept past the parse (a freed descriptor's address may come back for another type).
TEST(ParseJsonTest, ReadsMessagesOfPoolsBuiltAtRunTime) {
  for (const char* name : {"label", "title"}) {
    google::protobuf::FileDescriptorProto file;
    file.set_name("dynamic.proto");
    file.set_syntax("proto3");
    google::protobuf::DescriptorProto* type = file.add_message_type();
    type->set_name("Dynamic");
    google::protobuf::FieldDescriptorProto* field = type->add_field();
    field->set_name(name);
    field->set_number(1);
    field->set_type(google::protobuf::FieldDescriptorProto::TYPE_STRING);
    field->set_label(google::protobuf::FieldDescriptorProto::LABEL_OPTIONAL);
    google::protobuf::DescriptorPool pool;
    const google::protobuf::FileDescriptor* built = pool.BuildFile(file);
    ASSERT_NE(built, nullptr);
    google::protobuf::DynamicMessageFactory factory(&pool);
    std::unique_ptr<google::protobuf::Message> message(factory.GetPrototype(built->message_type(0))->New());
    ASSERT_TRUE(ParseJson(absl::StrCat(R"({")", name, R"(": "x"})"), *message).ok()) << name;
    EXPECT_EQ(message->GetReflection()->GetString(*message, built->message_type(0)->field(0)), "x");
    const std::string other = std::string(name) == "label" ? "title" : "label";
    EXPECT_EQ(std::string(ParseJson(absl::StrCat(R"({")", other, R"(": "x"})"), *message).message()),
              absl::StrCat(other, ": no such field (see proto/dynamic.proto)"));
  }
}

}  // namespace
}  // namespace passerelle::clients
