// `passerelle import francetravail` end to end: the demo's sample search response, JSON Lines on stdin
// with unreadable and unmappable offers, a sync that expires, and the help text.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/cli_fixture.h"

namespace passerelle::clients::testing {
namespace {

using ::testing::HasSubstr;

class CliFranceTravailTest : public CliTest {
 protected:
  // Offers are openings: imported with an employer key.
  ProcessResult Import(std::vector<std::string> args, const std::string& stdin_path = "/dev/null") {
    args.insert(args.begin(), {"import", "francetravail"});
    return CliWithKey(KeyFor(organisation_, "employer"), std::move(args), stdin_path);
  }
};

TEST_F(CliFranceTravailTest, SampleSearchResponseImportsWithItsTwoUnplaceableOffersReported) {
  ProcessResult result = Import({std::string(PASSERELLE_SOURCE_DIR) + "/data/sample/francetravail_offers.json", "--sync"});
  EXPECT_EQ(result.exit_code, 3) << result.err;  // 3: some offers rejected, the others stored
  EXPECT_THAT(result.out, HasSubstr("120 offers read, 118 added, 0 changed, 0 expired, 2 rejected"));
  EXPECT_THAT(result.out, HasSubstr("lieuTravail"));
  EXPECT_THAT(result.out, HasSubstr("cannot be placed"));
  EXPECT_THAT(result.err, HasSubstr("offers sent"));
}

TEST_F(CliFranceTravailTest, FixtureImportsThenSyncExpiresWhatIsGone) {
  const std::string fixtures = std::string(PASSERELLE_SOURCE_DIR) + "/tests/server/francetravail/";
  ProcessResult first = Import({fixtures + "search_response.json", "--sync", "--notes"});
  EXPECT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_THAT(first.out, HasSubstr("5 offers read, 5 added, 0 changed, 0 expired, 0 rejected"));
  EXPECT_THAT(first.out, HasSubstr("permis[2]: not a French licence category, kept for display"));
  ProcessResult got = CliWithKey(KeyFor(organisation_, "employer"), {"get", "opening", "201MWKT"});
  EXPECT_EQ(got.exit_code, 0) << got.err;
  EXPECT_THAT(got.out, HasSubstr("F1703"));

  // A snapshot holding only the first offer, as JSON Lines on stdin.
  const std::string one = dir_.Write("one.jsonl", R"({"id": "201MWKT", "intitule": "Maçon", "lieuTravail": {"commune": "93008"}, "romeCode": "F1703", "typeContrat": "CDI"})"
                                                  "\n");
  ProcessResult second = Import({"-", "--sync", "--quiet"}, one);
  EXPECT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_THAT(second.out, HasSubstr("1 offers read, 0 added, 1 changed, 4 expired, 0 rejected"));
  EXPECT_EQ(second.err, "");
}

TEST_F(CliFranceTravailTest, UnreadableAndUnmappableOffersAreReportedByLine) {
  const std::string file = dir_.Write("mixed.jsonl",
                                      "{\"id\": \"ok-1\", \"lieuTravail\": {\"commune\": \"69123\"}, \"romeCode\": \"G1602\", "
                                      "\"typeContrat\": \"CDD\", \"dateActualisation\": \"2026-11-20\"}\n"
                                      "this is not json\n"
                                      "{\"id\": \"no-rome\", \"lieuTravail\": {\"commune\": \"69123\"}, \"typeContrat\": \"CDI\"}\n");
  ProcessResult result = Import({file, "--lifetime-days", "3650"});
  EXPECT_EQ(result.exit_code, 3) << result.err;
  EXPECT_THAT(result.out, HasSubstr("3 offers read, 1 added, 0 changed, 0 expired, 2 rejected"));
  EXPECT_THAT(result.out, HasSubstr("not valid JSON"));
  EXPECT_THAT(result.out, HasSubstr("romeCode"));
}

TEST_F(CliFranceTravailTest, HelpNamesTheOptions) {
  ProcessResult help = Cli({"import", "francetravail", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("--sync"));
  EXPECT_THAT(help.out, HasSubstr("--lifetime-days"));
  EXPECT_THAT(help.out, HasSubstr("resultats"));
}

}  // namespace
}  // namespace passerelle::clients::testing
