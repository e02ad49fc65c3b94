// The passerelle CLI end to end on records: help, import (with bad lines), put, get, delete, and how
// errors reach the person typing (message, exit code).
#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "gtest/gtest.h"
#include "passerelle/v1/matching.pb.h"
#include "tests/cli/cli_fixture.h"

namespace passerelle::clients::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The fields of one element of the import report's rejected_lines.
const google::protobuf::Struct& RejectedLine(const google::protobuf::Struct& report, int i) {
  return report.fields().at("rejected_lines").list_value().values(i).struct_value();
}

TEST_F(CliTest, HelpListsEveryCommandAndEachGroupsOptions) {
  ProcessResult help = Cli({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* command : {"put candidate", "get opening", "delete candidate", "import candidates", "match openings",
                              "match candidates", "explain", "profiles list", "--server"}) {
    EXPECT_THAT(help.out, HasSubstr(command));
  }
  ProcessResult match = Cli({"match", "--help"});
  EXPECT_EQ(match.exit_code, 0);
  EXPECT_THAT(match.out, HasSubstr("passerelle match openings --candidate ID"));
  EXPECT_THAT(match.out, HasSubstr("passerelle match candidates --opening ID"));
  EXPECT_THAT(match.out, HasSubstr("--near-misses N"));
  EXPECT_EQ(Cli({"import", "openings", "--help"}).exit_code, 0);
}

TEST_F(CliTest, ImportReportsTheBadLineWithFieldAndReasonAndStoresTheOthers) {
  const std::string file =
      dir_.Write("mixed.jsonl", std::string(kMason) + "\n" + kCook + "\n" + kBadCommune + "\n" + kFar + "\n");
  ProcessResult result = Cli({"import", "candidates", file});
  EXPECT_EQ(result.exit_code, 3) << "3 = some lines rejected, the others stored\n" << result.err;
  EXPECT_THAT(result.out, HasSubstr("3 candidates stored, 1 line rejected (4 lines read)"));
  EXPECT_THAT(result.out, HasSubstr("commune_insee"));
  EXPECT_THAT(result.out, HasSubstr("99999"));

  for (const char* id : {"c-mason", "c-cook", "c-far"}) EXPECT_EQ(Cli({"get", "candidate", id}).exit_code, 0) << id;
  EXPECT_EQ(Cli({"get", "candidate", "c-bad"}).exit_code, 1);
}

TEST_F(CliTest, ImportJsonReportNamesLineFieldAndReason) {
  const std::string file = dir_.Write("mixed.jsonl", std::string(kMason) + "\n\n" + kBadCommune + "\n" + kCook + "\n");
  ProcessResult result = Cli({"import", "candidates", file, "--json"});
  EXPECT_EQ(result.exit_code, 3);
  auto report = ParseOutput<google::protobuf::Struct>(result);
  EXPECT_EQ(report.fields().at("accepted").number_value(), 2);
  EXPECT_EQ(report.fields().at("rejected").number_value(), 1);
  ASSERT_EQ(report.fields().at("rejected_lines").list_value().values_size(), 1);
  const google::protobuf::Struct& bad = RejectedLine(report, 0);
  EXPECT_EQ(bad.fields().at("line").number_value(), 3) << "line numbers count blank lines";
  EXPECT_EQ(bad.fields().at("id").string_value(), "c-bad");
  EXPECT_EQ(bad.fields().at("code").string_value(), "INVALID_ARGUMENT");
  EXPECT_EQ(bad.fields().at("field").string_value(), "commune_insee");
  EXPECT_THAT(bad.fields().at("reason").string_value(), HasSubstr("99999"));
}

TEST_F(CliTest, ImportRejectsLinesThatAreNotRecordsWithoutStoppingTheOthers) {
  const std::string typo = R"({"id": "c-typo", "owner_id": "test", "comune_insee": "75056"})";
  const std::string file = dir_.Write("typos.jsonl", typo + "\nnot json at all\n" + kMason + "\n");
  ProcessResult result = Cli({"import", "candidates", file});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_THAT(result.out, HasSubstr("1 candidate stored, 2 lines rejected"));
  EXPECT_THAT(result.out, HasSubstr("comune_insee"));
  EXPECT_THAT(result.out, HasSubstr("not a valid JSON record"));
  EXPECT_EQ(Cli({"get", "candidate", "c-mason"}).exit_code, 0);
}

// Small batches with lines refused by the client's parser between them: each refusal keeps its line
// number and field, and a refused line leaves nothing behind in the next record (the importer reuses
// the request it was read into).
TEST_F(CliTest, ImportInSmallBatchesNamesEachRefusedLineAndCarriesNothingOver) {
  const std::string partial =
      R"({"id": "c-partial", "owner_id": "test", "commune_insee": "75056", "vehicle": true, "skills": [1, "x"]})";
  const std::string wrong_type = R"({"id": 12, "owner_id": "test"})";
  const std::string file =
      dir_.Write("batches.jsonl", std::string(kMason) + "\n" + partial + "\n" + kCook + "\n" + wrong_type + "\n" + kFar + "\n");
  ProcessResult result = Cli({"import", "candidates", file, "--batch", "2", "--json"});
  EXPECT_EQ(result.exit_code, 3) << result.err;
  auto report = ParseOutput<google::protobuf::Struct>(result);
  EXPECT_EQ(report.fields().at("accepted").number_value(), 3);
  ASSERT_EQ(report.fields().at("rejected_lines").list_value().values_size(), 2);
  EXPECT_EQ(RejectedLine(report, 0).fields().at("line").number_value(), 2);
  EXPECT_EQ(RejectedLine(report, 0).fields().at("field").string_value(), "skills[1]");
  EXPECT_EQ(RejectedLine(report, 1).fields().at("line").number_value(), 4);
  EXPECT_EQ(RejectedLine(report, 1).fields().at("field").string_value(), "id");
  EXPECT_THAT(RejectedLine(report, 1).fields().at("reason").string_value(), HasSubstr("invalid value 12 for type TYPE_STRING"));

  auto cook = ParseOutput<v1::GetCandidateResponse>(Cli({"get", "candidate", "c-cook", "--json"}));
  EXPECT_EQ(cook.candidate().commune_insee(), "75056");
  EXPECT_FALSE(cook.candidate().vehicle()) << "nothing of the refused line before it";
  EXPECT_EQ(cook.candidate().skills_size(), 0);
  EXPECT_EQ(Cli({"get", "candidate", "c-partial"}).exit_code, 1);
}

TEST_F(CliTest, ImportOfACleanFileOrStdinExitsZero) {
  const std::string file = dir_.Write("openings.jsonl", std::string(kBobigny) + "\n" + kLyon + "\n");
  ProcessResult result = Cli({"import", "openings", file});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("2 openings stored, 0 lines rejected"));

  ProcessResult from_stdin = Cli({"import", "openings", "-"}, file);
  EXPECT_EQ(from_stdin.exit_code, 0) << from_stdin.err;
  EXPECT_THAT(from_stdin.out, HasSubstr("2 openings stored, 0 lines rejected"));
}

TEST_F(CliTest, GetPrintsTheStoredRecordAsTableAndAsJson) {
  ImportFixtures();
  ProcessResult table = Cli({"get", "candidate", "c-mason"});
  EXPECT_EQ(table.exit_code, 0);
  EXPECT_THAT(table.out, HasSubstr("commune_insee"));
  EXPECT_THAT(table.out, HasSubstr("93066"));
  EXPECT_THAT(table.out, HasSubstr("B1"));

  ProcessResult json = Cli({"get", "candidate", "c-mason", "--json"});
  ASSERT_EQ(json.exit_code, 0);
  auto response = ParseOutput<v1::GetCandidateResponse>(json);
  EXPECT_EQ(response.candidate().id(), "c-mason");
  EXPECT_EQ(response.candidate().commune_insee(), "93066");
  EXPECT_EQ(response.candidate().french_level(), v1::CEFR_LEVEL_B1);
  ASSERT_EQ(response.candidate().wished_occupations_size(), 1);
  EXPECT_EQ(response.candidate().wished_occupations(0), "F1703");
  EXPECT_TRUE(response.matchable());

  auto opening = ParseOutput<v1::GetOpeningResponse>(Cli({"get", "opening", "o-bobigny", "--json"}));
  EXPECT_EQ(opening.opening().title(), "Maçon / Maçonne");
}

TEST_F(CliTest, PutReadsOneRecordFromStdinAndSaysWhetherItWasNew) {
  const std::string file = dir_.Write("opening.json", kKitchen);
  ProcessResult first = Cli({"put", "opening", "-"}, file);
  EXPECT_EQ(first.exit_code, 0) << first.err;
  EXPECT_THAT(first.out, HasSubstr("Stored opening o-kitchen (new)."));
  ProcessResult second = Cli({"put", "opening", file, "--json"});
  EXPECT_EQ(second.exit_code, 0);
  EXPECT_FALSE(ParseOutput<v1::PutOpeningResponse>(second).created());
}

TEST_F(CliTest, PutOfAnInvalidRecordPrintsTheServersMessage) {
  ProcessResult result = Cli({"put", "candidate", dir_.Write("bad.json", kBadCommune)});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr("INVALID_ARGUMENT"));
  EXPECT_THAT(result.err, HasSubstr("commune_insee"));
  EXPECT_THAT(result.err, HasSubstr("99999"));
}

TEST_F(CliTest, UnknownIdExitsNonZeroWithTheServersMessage) {
  ImportFixtures();
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"get", "candidate", "c-nobody"},
                                             {"delete", "opening", "c-nobody"},
                                             {"match", "openings", "--candidate", "c-nobody"},
                                             {"explain", "--candidate", "c-mason", "--opening", "c-nobody"}}) {
    ProcessResult result = Cli(args);
    EXPECT_EQ(result.exit_code, 1) << args[0];
    EXPECT_THAT(result.err, HasSubstr("NOT_FOUND")) << args[0];
    EXPECT_THAT(result.err, HasSubstr("c-nobody")) << args[0];
    EXPECT_EQ(result.out, "") << args[0];
  }
}

TEST_F(CliTest, DeleteErasesTheCandidateFromGetAndFromMatches) {
  ImportFixtures();
  ProcessResult deleted = Cli({"delete", "candidate", "c-mason"});
  EXPECT_EQ(deleted.exit_code, 0) << deleted.err;
  EXPECT_THAT(deleted.out, HasSubstr("Deleted candidate c-mason."));
  EXPECT_EQ(Cli({"get", "candidate", "c-mason"}).exit_code, 1);
  auto matches =
      ParseOutput<v1::MatchCandidatesResponse>(Cli({"match", "candidates", "--opening", "o-bobigny", "--json"}));
  for (const v1::Match& match : matches.matches()) EXPECT_NE(match.id(), "c-mason");
  ProcessResult again = Cli({"delete", "candidate", "c-mason"});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_THAT(again.err, HasSubstr("NOT_FOUND"));
}

TEST_F(CliTest, MistakesOnTheCommandLineExitTwoWithAHint) {
  ProcessResult unknown_option = Cli({"match", "openings", "--candiate", "c-mason"});
  EXPECT_EQ(unknown_option.exit_code, 2);
  EXPECT_THAT(unknown_option.err, HasSubstr("unknown option --candiate"));
  EXPECT_THAT(unknown_option.err, HasSubstr("passerelle match openings --help"));

  ProcessResult missing = Cli({"match", "candidates"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("--opening is required"));

  ProcessResult stray = Cli({"match", "openings", "c-mason"});
  EXPECT_EQ(stray.exit_code, 2);
  EXPECT_THAT(stray.err, HasSubstr("unexpected argument 'c-mason'"));

  EXPECT_EQ(Cli({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(Cli({"match", "openings", "--candidate", "c-mason", "--k", "0"}).exit_code, 2);
  EXPECT_EQ(Cli({"import", "candidates", dir_.Sub("missing.jsonl")}).exit_code, 2);
}

TEST_F(CliTest, UnreachableServerExitsOneAndSaysWhere) {
  // --server wins over PASSERELLE_SERVER; port 1 on loopback refuses connections.
  ProcessResult result = Cli({"--server", "127.0.0.1:1", "get", "candidate", "c-mason"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr("UNAVAILABLE"));
  EXPECT_THAT(result.err, HasSubstr("127.0.0.1:1"));
  EXPECT_THAT(result.out, Not(HasSubstr("c-mason")));
}

}  // namespace
}  // namespace passerelle::clients::testing
