// Counsellor-judgement cases (docs/quality.md): each case runs through the engine and must give the order
// and reasons a counsellor expects; the table covers every criterion, blocker and the pathway; the page
// lists every case as the table states it.
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "engine/scoring/explanation.h"
#include "engine/scoring/pair_kernel.h"
#include "engine/scoring/profile.h"
#include "gtest/gtest.h"
#include "tests/engine/test_fixtures.h"
#include "tests/quality/case_doc.h"
#include "tests/quality/case_runner.h"
#include "tests/quality/cases.h"

namespace passerelle::engine::quality {

// gtest prints a parameter with this (the name, not the records' bytes).
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

namespace {

using ::passerelle::engine::testing::SharedReferenceData;

class CounsellorJudgementTest : public ::testing::TestWithParam<Case> {};

TEST_P(CounsellorJudgementTest, EngineAgreesWithTheCounsellor) {
  const Case& c = GetParam();
  auto outcome = RunCase(c, SharedReferenceData());
  ASSERT_TRUE(outcome.ok()) << c.name << ": " << outcome.status();
  const std::vector<std::string> failures = CompareCase(c, *outcome);
  EXPECT_TRUE(failures.empty()) << "Case " << c.name << " (" << c.topic << "): " << c.story << "\n- "
                                << absl::StrJoin(failures, "\n- ") << "\nThe engine's answer:\n"
                                << DescribeOutcome(c, *outcome);
  // For whoever writes a new case: the engine's whole answer, passing or not.
  if (const char* verbose = std::getenv("PASSERELLE_QUALITY_VERBOSE"); verbose && std::string(verbose) == "1") {
    std::cout << DescribeOutcome(c, *outcome) << "\n";
  }
}

std::string CaseTestName(const ::testing::TestParamInfo<Case>& info) {
  std::string name = info.param.name;
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(Cases, CounsellorJudgementTest, ::testing::ValuesIn(AllCases()), CaseTestName);

TEST(CaseTableTest, NamesAreUniqueKebabCase) {
  std::set<std::string> seen;
  for (const Case& c : AllCases()) {
    EXPECT_TRUE(seen.insert(c.name).second) << "duplicate case " << c.name;
    EXPECT_FALSE(c.name.empty());
    EXPECT_TRUE(std::all_of(c.name.begin(), c.name.end(), [](char ch) {
      return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
    })) << c.name;
    EXPECT_FALSE(c.why.empty()) << c.name << " says no why";
  }
}

// Each weighted criterion and the pathway is the topic of at least one case; each blocker code is a case's
// topic or has its reason checked in one.
TEST(CaseTableTest, CoversEveryCriterionBlockerAndThePathway) {
  std::set<std::string> topics, checked;
  for (const Case& c : AllCases()) {
    topics.insert(c.topic);
    for (const Check& check : c.checks) checked.insert(check.what);
  }
  for (int k = 0; k < kCriterionCount; ++k) {
    EXPECT_TRUE(topics.count(std::string(CriterionName(static_cast<Criterion>(k))))) << "no case on criterion " << k;
  }
  for (uint32_t bit = 1; bit != 0 && bit <= scoring::kLastBlocker; bit <<= 1) {
    EXPECT_TRUE(topics.count(BlockerCode(bit)) || checked.count(BlockerCode(bit))) << "no case on " << BlockerCode(bit);
  }
  EXPECT_TRUE(topics.count("pathway"));
}

// A relaxable blocker's unlock is read in some case; a blocker that cannot be lifted is shown, in the case
// about it, with no score once lifted.
TEST(CaseTableTest, ChecksEveryUnlockAndEveryBlockerThatStays) {
  std::set<std::string> unlocks, unliftable;
  for (const Case& c : AllCases()) {
    for (const Check& check : c.checks) {
      if (check.what.rfind("unlock ", 0) == 0) unlocks.insert(check.what.substr(7));
      if (check.what == "no score") unliftable.insert(c.topic);
    }
  }
  for (uint32_t bit = 1; bit != 0 && bit <= scoring::kLastBlocker; bit <<= 1) {
    if (BlockerRelaxable(bit)) {
      EXPECT_TRUE(unlocks.count(BlockerCode(bit))) << "no case reads the unlock of " << BlockerCode(bit);
    } else {
      EXPECT_TRUE(unliftable.count(BlockerCode(bit))) << "no case shows " << BlockerCode(bit) << " without a score";
    }
  }
}

// A case the engine disagrees with fails and says so in plain words: the case's name, both orders.
TEST(CaseRunnerTest, WrongExpectationFailsInPlainWords) {
  Case c = AllCases().front();
  std::reverse(c.order.begin(), c.order.end());
  c.checks.push_back({c.order.front(), "blockers", "TOO_FAR"});
  auto outcome = RunCase(c, SharedReferenceData());
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  const std::vector<std::string> failures = CompareCase(c, *outcome);
  ASSERT_EQ(failures.size(), 2u) << absl::StrJoin(failures, "\n");
  EXPECT_TRUE(absl::StrContains(failures[0], "expected the order " + absl::StrJoin(c.order, ", ")));
  EXPECT_TRUE(absl::StrContains(failures[1], "the blockers are []")) << failures[1];
  EXPECT_TRUE(absl::StrContains(DescribeOutcome(c, *outcome), "Case " + c.name)) << DescribeOutcome(c, *outcome);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The first line where the page and the table differ, both versions (the whole page is too long to print).
std::string FirstDifference(const std::string& listed, const std::string& generated) {
  std::istringstream a(listed), b(generated);
  std::string line_a, line_b;
  for (int line = 1;; ++line) {
    const bool more_a = static_cast<bool>(std::getline(a, line_a));
    const bool more_b = static_cast<bool>(std::getline(b, line_b));
    if (!more_a && !more_b) return "no line differs";
    if (more_a != more_b || line_a != line_b) {
      return "line " + std::to_string(line) + " of the generated list reads\n  " + (more_a ? line_a : "(end)") +
             "\nwhere the table gives\n  " + (more_b ? line_b : "(end)");
    }
  }
}

// docs/quality.md holds RenderCases' output between the markers; PASSERELLE_UPDATE_QUALITY_DOC=1
// rewrites it (after adding or changing a case).
TEST(QualityDocTest, ListsEveryCaseAsTheTableStatesIt) {
  const std::string path = std::string(PASSERELLE_SOURCE_DIR) + "/docs/quality.md";
  std::string doc = ReadFile(path);
  const size_t begin = doc.find(kDocBegin), end = doc.find(kDocEnd);
  ASSERT_NE(begin, std::string::npos) << path << " lacks " << kDocBegin;
  ASSERT_NE(end, std::string::npos) << path << " lacks " << kDocEnd;
  const size_t from = begin + std::string(kDocBegin).size();
  const std::string generated = RenderCases(AllCases(), *SharedReferenceData()) + "\n";
  if (const char* update = std::getenv("PASSERELLE_UPDATE_QUALITY_DOC"); update && std::string(update) == "1") {
    doc.replace(from, end - from, generated);
    std::ofstream(path) << doc;
    GTEST_SKIP() << "rewrote " << path;
  }
  for (const Case& c : AllCases()) EXPECT_TRUE(absl::StrContains(doc, "\n### " + c.name + "\n")) << c.name << " missing";
  const std::string listed = doc.substr(from, end - from);
  EXPECT_TRUE(listed == generated) << path << " is out of date (run this test with PASSERELLE_UPDATE_QUALITY_DOC=1); "
                                   << FirstDifference(listed, generated);
}

}  // namespace
}  // namespace passerelle::engine::quality
