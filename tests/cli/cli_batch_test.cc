// The passerelle CLI end to end on batch work: `rerank` and `assign` on the shipped sample cohort
// (data/sample: 500 candidates, 150 openings), against the real server.
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "passerelle/v1/matching.pb.h"
#include "tests/cli/cli_fixture.h"

namespace passerelle::clients::testing {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;

class CliBatchTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    organisation_ = "sample";
    for (const char* kind : {"candidates", "openings"}) {
      const std::string file = std::string(PASSERELLE_SOURCE_DIR) + "/data/sample/" + kind + ".jsonl";
      ProcessResult result = Cli({"import", kind, file, "--quiet"});
      ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    }
  }
};

TEST_F(CliBatchTest, RerankPrintsASummaryAndTheFirstCandidatesRankings) {
  ProcessResult result = Cli({"rerank", "--k", "5", "--show", "2"});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_THAT(result.out, HasSubstr("Re-ranked 500 candidates in "));
  EXPECT_THAT(result.out, HasSubstr("top 5 openings each, scoring profile default"));
  EXPECT_THAT(result.out, ContainsRegex("Pairs: [0-9,]+ scored, [0-9,]+ pruned before scoring"));
  EXPECT_THAT(result.out, ContainsRegex("With at least one eligible opening: [0-9,]+ candidates"));
  EXPECT_THAT(result.out, HasSubstr("Most listed openings"));
  EXPECT_THAT(result.out, HasSubstr("First 2 candidates with an eligible opening, by id:"));
  // Two rankings, each a table whose first row is the candidate's best opening.
  EXPECT_THAT(result.out, ContainsRegex("\ncand-[0-9]+: [1-5] openings?\n#  opening +title +score +occup"));
  EXPECT_THAT(result.out, ContainsRegex("\n1  open-[0-9]+ "));
  size_t rankings = 0;
  for (size_t at = result.out.find("\ncand-"); at != std::string::npos; at = result.out.find("\ncand-", at + 1)) {
    ++rankings;
  }
  EXPECT_EQ(rankings, 2u);
  // The progress line goes to stderr and ends with the final figures.
  EXPECT_THAT(result.err, HasSubstr("rerank: 500 of 500 candidates (100%)"));
  EXPECT_THAT(result.err, HasSubstr(", done"));
}

TEST_F(CliBatchTest, RerankJsonPrintsOneRankingPerCandidate) {
  ProcessResult result = Cli({"rerank", "--k", "3", "--json", "--quiet", "--departement", "75,93"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(result.err.empty()) << result.err;
  std::set<std::string> ids;
  int matches = 0;
  std::istringstream lines(result.out);
  for (std::string line; std::getline(lines, line);) {
    v1::CandidateRanking ranking;
    auto status = google::protobuf::util::JsonStringToMessage(line, &ranking);
    ASSERT_TRUE(status.ok()) << status.ToString() << "\n" << line;
    EXPECT_TRUE(ids.insert(ranking.candidate_id()).second);
    EXPECT_LE(ranking.matches_size(), 3);
    matches += ranking.matches_size();
  }
  EXPECT_GT(ids.size(), 5u);
  EXPECT_LT(ids.size(), 500u) << "only the candidates living in Paris and Seine-Saint-Denis";
  EXPECT_GT(matches, 0);
}

TEST_F(CliBatchTest, RerankReportsExposureAndTheCostOfAMinimumShare) {
  ProcessResult result = Cli({"rerank", "--k", "10", "--quiet", "--no-titles", "--exposure", "french_band,housing",
                              "--slots", "5", "--min-exposure", "french_band=A1:0.4", "--show", "2"});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_THAT(result.out, ContainsRegex("Exposure in the openings' top 5 slots \\([0-9]+ openings"));
  EXPECT_THAT(result.out, HasSubstr("\nhousing:\n"));
  EXPECT_THAT(result.out, ContainsRegex("group +of the cohort +of the slots +ratio +after re-rank +ratio after"));
  EXPECT_THAT(result.out, HasSubstr("Re-ranked with at least 40.0% of every prefix for A1 (french_band): "));
  // The cost printed is before - after.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(result.out, m, std::regex("Score of the slots: ([0-9.]+) before, ([0-9.]+) after, "
                                                          "cost ([0-9.]+)")))
      << result.out;
  EXPECT_NEAR(std::stod(m[1]) - std::stod(m[2]), std::stod(m[3]), 0.011);
  EXPECT_GT(std::stod(m[3]), 0) << "the sample's A1 candidates rank lower: a 40% share costs score";

  ProcessResult fr = Cli({"rerank", "--quiet", "--no-titles", "--show", "0", "--lang", "fr", "--min-exposure",
                          "housing=emergency:0.2"});
  ASSERT_EQ(fr.exit_code, 0) << fr.out << fr.err;
  EXPECT_THAT(fr.out, HasSubstr("Exposition dans les 10 premières places des offres"));
  EXPECT_THAT(fr.out, HasSubstr("\nlogement:\n"));
  EXPECT_THAT(fr.out, HasSubstr("urgence"));
  EXPECT_THAT(fr.out, HasSubstr("Reclassé avec au moins 20.0% de chaque début de liste pour urgence (logement)"));

  ProcessResult bad = Cli({"rerank", "--quiet", "--min-exposure", "french_band:A1"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_THAT(bad.err, HasSubstr("--min-exposure: use ATTRIBUTE=GROUP:SHARE"));
  ProcessResult refused = Cli({"rerank", "--quiet", "--min-exposure", "french_band=A1:1.5"});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_THAT(refused.err, HasSubstr("min_exposure.min_share"));
}

TEST_F(CliBatchTest, RerankJsonEndsWithShortlistsAndTheExposureReport) {
  ProcessResult result = Cli({"rerank", "--k", "5", "--json", "--quiet", "--min-exposure", "french_band=A1:0.3"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  int rankings = 0, shortlists = 0, exposures = 0;
  std::istringstream lines(result.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("{\"shortlist\"", 0) == 0 || line.rfind("{\"exposure\"", 0) == 0) {
      v1::RerankResponse response;
      ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(line, &response).ok()) << line;
      shortlists += response.has_shortlist();
      exposures += response.has_exposure();
      EXPECT_EQ(exposures, response.has_exposure() ? 1 : 0) << "the report comes last";
      continue;
    }
    EXPECT_EQ(shortlists, 0) << "rankings come before shortlists";
    ++rankings;
  }
  EXPECT_EQ(rankings, 500);
  EXPECT_GT(shortlists, 0);
  EXPECT_EQ(exposures, 1);
}

TEST_F(CliBatchTest, AssignPrintsTheReportBesideTheGreedyBaseline) {
  ProcessResult result = Cli({"assign"});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_THAT(result.out, HasSubstr("Assignment of 500 candidates to 150 openings"));
  EXPECT_THAT(result.out, HasSubstr("mechanism optimal"));
  EXPECT_THAT(result.out, HasSubstr("greedy baseline"));
  EXPECT_THAT(result.out, ContainsRegex("placed +[0-9,]+ +[0-9,]+ +[-+]?[0-9,]+"));
  EXPECT_THAT(result.out, ContainsRegex("total score +[0-9.]+ +[0-9.]+ +[-+][0-9.]+%"));
  EXPECT_THAT(result.out, HasSubstr("positions left empty"));
  EXPECT_THAT(result.out, HasSubstr("lost to competition"));
  EXPECT_THAT(result.out, HasSubstr("Exposure spread over the 150 openings"));
  EXPECT_THAT(result.out, HasSubstr("Gini"));
  EXPECT_THAT(result.out, HasSubstr("top 1% of openings"));
  EXPECT_THAT(result.out, HasSubstr("First 10 assignments"));
  EXPECT_THAT(result.out, HasSubstr("Placements by group"));
  EXPECT_THAT(result.out, ContainsRegex("french band: A1 +[0-9.]+% +[0-9.]+% +[0-9.]+"));
  EXPECT_THAT(result.out, ContainsRegex("housing: emergency +[0-9.]+%"));
}

TEST_F(CliBatchTest, AssignJsonFiguresAddUpAndTheOptimumBeatsGreedy) {
  auto response = ParseOutput<v1::AssignResponse>(Cli({"assign", "--json"}));
  const v1::AssignmentReport& r = response.report();
  EXPECT_EQ(r.candidate_count(), 500);
  EXPECT_EQ(response.opening_count(), 150);
  EXPECT_EQ(response.assignments_size(), r.assigned_count());
  EXPECT_GT(r.assigned_count(), 50);
  EXPECT_GE(r.total_score(), response.greedy_baseline().total_score() - 1e-3);
  EXPECT_EQ(r.positions_left_empty(), r.position_count() - r.assigned_count());
  EXPECT_EQ(response.left_out_size(), r.candidate_count() - r.assigned_count());
}

TEST_F(CliBatchTest, AssignStableWithCapAndReserve) {
  ProcessResult result = Cli({"assign", "--mechanism", "stable", "--cap", "10", "--reserve-share", "0.2",
                              "--reserve-for", "below-a2,emergency-housing", "--show", "3"});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_THAT(result.out, HasSubstr("mechanism stable"));
  EXPECT_THAT(result.out, HasSubstr("Congestion cap: each opening is proposed to at most its 10 best candidates."));
  EXPECT_THAT(result.out, ContainsRegex("Cohort \\(below-a2,emergency-housing\\): [0-9,]+ candidates; 20.0% of each "
                                        "opening's positions kept for them, [0-9,]+ in all."));
  EXPECT_THAT(result.out, ContainsRegex("  from the cohort +[0-9,]+ +[0-9,]+"));
  EXPECT_THAT(result.out, HasSubstr("First 3 assignments"));
  auto response = ParseOutput<v1::AssignResponse>(Cli({"assign", "--mechanism", "stable", "--cap", "10",
                                                       "--reserve-share", "0.2", "--reserve-for", "below-a2", "--json"}));
  EXPECT_LE(response.report().proposals().max_per_opening(), 10);
  EXPECT_GT(response.report().positions_reserved(), 0);
}

TEST_F(CliBatchTest, AssignPeopleFirstShowsBothObjectives) {
  ProcessResult result = Cli({"assign", "--objective", "people"});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_THAT(result.out, HasSubstr("Objective: most people placed, beside the optimum for highest total score:"));
  EXPECT_THAT(result.out, ContainsRegex("most people placed \\(chosen\\) +highest total score +difference"));
  auto response = ParseOutput<v1::AssignResponse>(Cli({"assign", "--objective", "people", "--json"}));
  EXPECT_EQ(response.report().objective(), v1::ASSIGNMENT_OBJECTIVE_MAX_PEOPLE_PLACED);
  EXPECT_GE(response.report().assigned_count(), response.other_objective().assigned_count());
}

TEST_F(CliBatchTest, CohortsPrintsEachCohortAndWhoIsLeftOutWhy) {
  ProcessResult result = Cli({"cohorts", "--min-size", "2", "--max-size", "4", "--show", "3"});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_THAT(result.out, HasSubstr("POEC cohorts for 500 candidates"));
  EXPECT_THAT(result.out, HasSubstr("sessions of 2 to 4 people, objective most people placed"));
  EXPECT_THAT(result.out, ContainsRegex("Placed [0-9]+ people in [0-9]+ cohorts"));
  EXPECT_THAT(result.out, ContainsRegex("  starts [0-9]{4}-[0-9]{2}-[0-9]{2} \\(the last member's ready date; ready "
                                        "dates spread over [0-9]+ days?\\)"));
  EXPECT_THAT(result.out, HasSubstr("This is the exact optimum."));
  EXPECT_THAT(result.out, HasSubstr("Left out: "));
  EXPECT_THAT(result.out, ContainsRegex("no eligible POEC opening +[0-9]+"));
  EXPECT_THAT(result.out, ContainsRegex("cohort too small to open +[0-9]+"));
  EXPECT_THAT(result.err, HasSubstr("done")) << "progress on stderr";

  auto cohorts = ParseOutput<v1::CohortsResult>(Cli({"cohorts", "--min-size", "2", "--max-size", "4", "--json"}));
  EXPECT_EQ(cohorts.candidate_count(), 500);
  EXPECT_EQ(cohorts.left_out_no_eligible_opening() + cohorts.left_out_cohort_too_small() +
                cohorts.left_out_positions_exhausted(),
            cohorts.candidate_count() - cohorts.placed_count());
  int members = 0;
  for (const v1::TrainingCohort& c : cohorts.cohorts()) {
    EXPECT_GE(c.members_size(), 2);
    EXPECT_LE(c.members_size(), 4);
    members += c.members_size();
  }
  EXPECT_EQ(members, cohorts.placed_count());
}

TEST_F(CliBatchTest, CohortsRejectsABadCommandLine) {
  ProcessResult objective = Cli({"cohorts", "--objective", "fairness"});
  EXPECT_EQ(objective.exit_code, 2);
  EXPECT_THAT(objective.err, HasSubstr("--objective must be people or score"));
  ProcessResult sizes = Cli({"cohorts", "--min-size", "5", "--max-size", "3"});
  EXPECT_EQ(sizes.exit_code, 2);
  EXPECT_THAT(sizes.err, HasSubstr("--min-size must not exceed --max-size"));
  ProcessResult region = Cli({"cohorts", "--region", "99"});
  EXPECT_EQ(region.exit_code, 1);
  EXPECT_THAT(region.err, HasSubstr("INVALID_ARGUMENT: regions[0]"));
}

TEST_F(CliBatchTest, AssignRejectsABadCommandLine) {
  ProcessResult objective = Cli({"assign", "--objective", "fairness"});
  EXPECT_EQ(objective.exit_code, 2);
  EXPECT_THAT(objective.err, HasSubstr("--objective must be score or people"));
  ProcessResult share = Cli({"assign", "--reserve-share", "0.2"});
  EXPECT_EQ(share.exit_code, 2);
  EXPECT_THAT(share.err, HasSubstr("--reserve-share needs --reserve-for"));
  ProcessResult mechanism = Cli({"assign", "--mechanism", "lottery"});
  EXPECT_EQ(mechanism.exit_code, 2);
  EXPECT_THAT(mechanism.err, HasSubstr("optimal, stable or greedy"));
  ProcessResult cohort = Cli({"assign", "--reserve-share", "0.2", "--reserve-for", "refugees"});
  EXPECT_EQ(cohort.exit_code, 2);
  EXPECT_THAT(cohort.err, HasSubstr("unknown cohort 'refugees'"));
  ProcessResult departement = Cli({"rerank", "--departement", "999"});
  EXPECT_EQ(departement.exit_code, 1);
  EXPECT_THAT(departement.err, HasSubstr("INVALID_ARGUMENT: departements[0]"));
}

}  // namespace
}  // namespace passerelle::clients::testing
