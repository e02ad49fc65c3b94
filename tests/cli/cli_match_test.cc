// The passerelle CLI end to end on matching: match both ways, near-misses, explain, scoring profiles,
// and the shipped sample cohort.
#include <cmath>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "passerelle/v1/matching.pb.h"
#include "tests/cli/cli_fixture.h"

namespace passerelle::clients::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::string> Ids(const google::protobuf::RepeatedPtrField<v1::Match>& matches) {
  std::vector<std::string> ids;
  for (const v1::Match& match : matches) ids.push_back(match.id());
  return ids;
}

// Every criterion is reported, explained in the CLI's language only (English by default, --lang fr), and
// the contributions add up to the total.
void ExpectCompleteExplanation(const v1::Explanation& explanation, bool french = false) {
  ASSERT_EQ(explanation.criteria_size(), 8);
  double sum = 0;
  for (const v1::CriterionScore& criterion : explanation.criteria()) {
    sum += criterion.contribution();
    EXPECT_EQ(criterion.reason().en().empty(), french) << criterion.criterion();
    EXPECT_EQ(criterion.reason().fr().empty(), !french) << criterion.criterion();
  }
  EXPECT_NEAR(sum, explanation.total(), 1e-4);
}

TEST_F(CliTest, MatchOpeningsJsonRanksTheNearOpeningFirstWithExplanations) {
  ImportFixtures();
  ProcessResult result = Cli({"match", "openings", "--candidate", "c-mason", "--json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto response = ParseOutput<v1::MatchOpeningsResponse>(result);
  ASSERT_FALSE(response.matches().empty());
  EXPECT_EQ(response.matches(0).id(), "o-bobigny");
  EXPECT_THAT(Ids(response.matches()), Not(Contains("o-lyon"))) << "390 km is beyond a 30 km commute";
  // Lyon's segment (another département, no housing, beyond the commute) is skipped unscored since the
  // index prunes segments (docs/scoring.md, section 4): Bobigny and the Paris kitchen are scored.
  EXPECT_EQ(response.scored_pairs(), 2);
  EXPECT_EQ(response.scoring_profile(), "default");
  for (int i = 1; i < response.matches_size(); ++i) {
    EXPECT_GE(response.matches(i - 1).total(), response.matches(i).total());
  }
  const v1::Match& best = response.matches(0);
  EXPECT_GT(best.total(), 0.5);
  EXPECT_LT(best.distance_km(), 15);
  EXPECT_EQ(best.explanation().candidate_id(), "c-mason");
  EXPECT_EQ(best.explanation().opening_id(), "o-bobigny");
  EXPECT_TRUE(best.explanation().eligible());
  ExpectCompleteExplanation(best.explanation());
}

TEST_F(CliTest, MatchOpeningsShowsNearMissesWithWhatBlocksThem) {
  ImportFixtures();
  auto response = ParseOutput<v1::MatchOpeningsResponse>(
      Cli({"match", "openings", "--candidate", "c-mason", "--near-misses", "5", "--json"}));
  ASSERT_THAT(Ids(response.near_misses()), Contains("o-lyon"));
  for (const v1::Match& miss : response.near_misses()) {
    if (miss.id() == "o-lyon") {
      EXPECT_THAT(miss.blocker_codes(), Contains("TOO_FAR"));
    }
  }

  ProcessResult table = Cli({"match", "openings", "--candidate", "c-mason", "--near-misses", "5"});
  EXPECT_EQ(table.exit_code, 0);
  EXPECT_THAT(table.out, HasSubstr("Near-misses"));
  EXPECT_THAT(table.out, HasSubstr("TOO_FAR"));
  EXPECT_THAT(table.out, HasSubstr("To lift it:"));
}

TEST_F(CliTest, MatchOpeningsTableShowsTitlesScoresAndReasons) {
  ImportFixtures();
  ProcessResult result = Cli({"match", "openings", "--candidate", "c-mason"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("Best openings for candidate c-mason"));
  EXPECT_THAT(result.out, HasSubstr("o-bobigny"));
  EXPECT_THAT(result.out, HasSubstr("Maçon / Maçonne"));
  EXPECT_THAT(result.out, HasSubstr("occupation  1.00"));  // reasons of the first result
  EXPECT_THAT(result.out, Not(HasSubstr("o-lyon")));
}

TEST_F(CliTest, MatchOpeningsFiltersByContractType) {
  ImportFixtures();
  auto response = ParseOutput<v1::MatchOpeningsResponse>(
      Cli({"match", "openings", "--candidate", "c-cook", "--contract", "cdd", "--json"}));
  EXPECT_THAT(Ids(response.matches()), ::testing::ElementsAre("o-kitchen"));
}

TEST_F(CliTest, MatchCandidatesJsonRanksTheNearCandidateFirst) {
  ImportFixtures();
  ProcessResult result = Cli({"match", "candidates", "--opening", "o-bobigny", "--json", "--k", "5"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto response = ParseOutput<v1::MatchCandidatesResponse>(result);
  ASSERT_FALSE(response.matches().empty());
  EXPECT_EQ(response.matches(0).id(), "c-mason");
  EXPECT_THAT(Ids(response.matches()), Not(Contains("c-far"))) << "Marseille is far from Bobigny";
  ExpectCompleteExplanation(response.matches(0).explanation());

  ProcessResult table = Cli({"match", "candidates", "--opening", "o-bobigny"});
  EXPECT_EQ(table.exit_code, 0);
  EXPECT_THAT(table.out, HasSubstr("Best candidates for opening o-bobigny (Maçon / Maçonne)"));
  EXPECT_THAT(table.out, HasSubstr("c-mason"));
}

TEST_F(CliTest, ExplainGivesScoresAndReasonsForAnEligiblePair) {
  ImportFixtures();
  ProcessResult json = Cli({"explain", "--candidate", "c-mason", "--opening", "o-bobigny", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto response = ParseOutput<v1::ExplainResponse>(json);
  EXPECT_TRUE(response.explanation().eligible());
  EXPECT_TRUE(response.explanation().blockers().empty());
  ExpectCompleteExplanation(response.explanation());

  ProcessResult french_json =
      Cli({"explain", "--candidate", "c-mason", "--opening", "o-bobigny", "--json", "--lang", "fr"});
  ASSERT_EQ(french_json.exit_code, 0) << french_json.err;
  auto french_response = ParseOutput<v1::ExplainResponse>(french_json);
  ExpectCompleteExplanation(french_response.explanation(), /*french=*/true);

  ProcessResult english = Cli({"explain", "--candidate", "c-mason", "--opening", "o-bobigny"});
  ProcessResult french = Cli({"explain", "--candidate", "c-mason", "--opening", "o-bobigny", "--lang", "fr"});
  EXPECT_EQ(english.exit_code, 0);
  EXPECT_THAT(english.out, HasSubstr("Eligible."));
  EXPECT_THAT(english.out, HasSubstr("Reasons:"));
  EXPECT_THAT(english.out, HasSubstr(response.explanation().criteria(0).reason().en()));
  EXPECT_THAT(french.out, HasSubstr(french_response.explanation().criteria(0).reason().fr()));
}

TEST_F(CliTest, ExplainSaysWhatBlocksAnIneligiblePair) {
  ImportFixtures();
  auto response =
      ParseOutput<v1::ExplainResponse>(Cli({"explain", "--candidate", "c-mason", "--opening", "o-lyon", "--json"}));
  EXPECT_FALSE(response.explanation().eligible());
  ASSERT_FALSE(response.explanation().blockers().empty());
  EXPECT_EQ(response.explanation().blockers(0).code(), "TOO_FAR");

  ProcessResult table = Cli({"explain", "--candidate", "c-mason", "--opening", "o-lyon"});
  EXPECT_THAT(table.out, HasSubstr("Blockers:"));
  EXPECT_THAT(table.out, HasSubstr("TOO_FAR"));
}

TEST_F(CliTest, CandidateWithoutRightToWorkGetsTheBlockersInFrench) {
  ImportFixtures();
  Import("candidates", {R"({"id": "c-waiting", "owner_id": "test", "commune_insee": "93066",)"
                        R"( "french_level": "CEFR_LEVEL_B1", "wished_occupations": ["F1703"], "right_to_work": false})"});
  ProcessResult english = Cli({"match", "openings", "--candidate", "c-waiting", "--near-misses", "3"});
  EXPECT_EQ(english.exit_code, 0) << english.err;
  EXPECT_THAT(english.out, HasSubstr("No eligible openings. What blocks them:"));
  EXPECT_THAT(english.out, HasSubstr("NO_RIGHT_TO_WORK"));
  EXPECT_THAT(english.out, Not(HasSubstr("Try --near-misses"))) << "the flag was passed";

  ProcessResult french = Cli({"match", "openings", "--candidate", "c-waiting", "--lang", "fr"});
  EXPECT_EQ(french.exit_code, 0) << french.err;
  EXPECT_THAT(french.out, HasSubstr("Meilleures offres pour c-waiting"));
  EXPECT_THAT(french.out, HasSubstr("Aucune offre éligible. Ce qui bloque :"));
  EXPECT_THAT(french.out, HasSubstr("Pas d'autorisation de travail en France"));

  // A blocker that cannot be lifted has no score once lifted, in either language.
  ProcessResult explain = Cli({"explain", "--candidate", "c-waiting", "--opening", "o-bobigny", "--lang", "fr"});
  EXPECT_EQ(explain.exit_code, 0) << explain.err;
  EXPECT_THAT(explain.out, HasSubstr("Non éligible. Pas de score (un blocage ne peut pas être levé)"));
  EXPECT_THAT(explain.out, HasSubstr("Raisons :"));
  EXPECT_THAT(explain.out, HasSubstr("critère"));
  EXPECT_THAT(explain.out, HasSubstr("NO_RIGHT_TO_WORK (ne peut pas être levé)"));
  EXPECT_THAT(explain.out, Not(HasSubstr("une fois levé")));
  EXPECT_THAT(explain.out, Not(HasSubstr("Reasons:")));
}

TEST_F(CliTest, ProfilesCanBeStoredListedAndUsedForMatching) {
  ImportFixtures();
  const std::string profile =
      dir_.Write("profile.json", R"({"name": "near-first", "weights": {"occupation": 1, "mobility": 5}})");
  ProcessResult put = Cli({"profiles", "put", profile});
  EXPECT_EQ(put.exit_code, 0) << put.err;
  EXPECT_THAT(put.out, HasSubstr("Stored scoring profile near-first (new)."));

  ProcessResult list = Cli({"profiles", "list"});
  EXPECT_THAT(list.out, HasSubstr("default"));
  EXPECT_THAT(list.out, HasSubstr("near-first"));
  auto got = ParseOutput<v1::GetScoringProfileResponse>(Cli({"profiles", "get", "near-first", "--json"}));
  EXPECT_EQ(got.profile().weights().mobility(), 5);

  auto matched = ParseOutput<v1::MatchOpeningsResponse>(
      Cli({"match", "openings", "--candidate", "c-mason", "--profile", "near-first", "--json"}));
  EXPECT_EQ(matched.scoring_profile(), "near-first");
  ProcessResult missing = Cli({"profiles", "get", "no-such-profile"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("NOT_FOUND"));
}

TEST_F(CliTest, TheShippedSampleCohortImportsWithoutARejectedLine) {
  organisation_ = "sample";  // the owner of data/sample's records
  for (const char* kind : {"candidates", "openings"}) {
    const std::string file = std::string(PASSERELLE_SOURCE_DIR) + "/data/sample/" + kind + ".jsonl";
    ProcessResult result = Cli({"import", kind, file});
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_THAT(result.out, HasSubstr(" 0 lines rejected"));
  }
  auto status = ParseOutput<v1::GetStatusResponse>(Cli({"status", "--json"}));
  EXPECT_EQ(status.candidate_count(), 500);
  EXPECT_EQ(status.opening_count(), 150);
}

}  // namespace
}  // namespace passerelle::clients::testing
