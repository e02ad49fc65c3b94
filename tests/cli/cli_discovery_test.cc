// The passerelle CLI's list, search, lookup and watch commands against the real server.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "passerelle/v1/matching.pb.h"
#include "tests/cli/cli_fixture.h"

namespace passerelle::clients::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST_F(CliTest, LookupsPrintTitlesCommunesAndSkills) {
  ProcessResult titles = Cli({"lookup", "occupations", "MACON"});
  ASSERT_EQ(titles.exit_code, 0) << titles.err;
  EXPECT_THAT(titles.out, HasSubstr("Maçon / Maçonne"));
  EXPECT_THAT(titles.out, HasSubstr("F1703"));
  ProcessResult commune = Cli({"lookup", "commune", "93008"});
  ASSERT_EQ(commune.exit_code, 0) << commune.err;
  EXPECT_THAT(commune.out, HasSubstr("Bobigny"));
  ProcessResult skills = Cli({"lookup", "skills", "F1703"});
  ASSERT_EQ(skills.exit_code, 0) << skills.err;
  EXPECT_THAT(skills.out, HasSubstr("savoir"));
  ProcessResult unknown = Cli({"lookup", "skills", "Z9999"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("rome_code"));
}

TEST_F(CliTest, ListPagesThroughTheCandidatesAndSearchStoresNothing) {
  ImportFixtures();
  ProcessResult page = Cli({"list", "candidates", "--page-size", "2"});
  ASSERT_EQ(page.exit_code, 0) << page.err;
  EXPECT_THAT(page.out, HasSubstr("c-cook"));
  EXPECT_THAT(page.out, HasSubstr("c-far"));
  EXPECT_THAT(page.out, Not(HasSubstr("c-mason")));
  EXPECT_THAT(page.out, HasSubstr("More: --page-token"));
  ProcessResult all = Cli({"list", "candidates", "--page-size", "1", "--all", "--departement", "93"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_THAT(all.out, HasSubstr("c-mason"));
  EXPECT_THAT(all.out, Not(HasSubstr("c-cook")));

  const std::string profile = dir_.Write("profile.json", kMason);
  ProcessResult search = Cli({"search", "openings", profile, "--json"});
  ASSERT_EQ(search.exit_code, 0) << search.err;
  auto response = ParseOutput<v1::MatchOpeningsResponse>(search);
  ASSERT_FALSE(response.matches().empty());
  EXPECT_EQ(response.matches(0).id(), "o-bobigny");
  EXPECT_EQ(Cli({"list", "candidates", "--all"}).out.find("search"), std::string::npos);
}

TEST_F(CliTest, WatchPrintsTheTopUntilItsTimeIsUp) {
  ImportFixtures();
  ProcessResult watch = Cli({"watch", "--candidate", "c-mason", "--k", "3", "--for-seconds", "1"});
  ASSERT_EQ(watch.exit_code, 0) << watch.err;
  EXPECT_THAT(watch.out, HasSubstr("o-bobigny"));
  EXPECT_EQ(Cli({"watch"}).exit_code, 2);
}

}  // namespace
}  // namespace passerelle::clients::testing
