// Sentences in the language asked only (SentenceLanguages): French alone and English alone give, word for
// word, each side of the two-language explanation, leave the other side empty, and change no number. The
// whole numbers of sentences (km, hours, euros) are written as printf's "%.0f" writes them.
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "engine/model/dates.h"
#include "engine/sample/cohort_generator.h"
#include "engine/scoring/explanation.h"
#include "engine/scoring/occupation_relations.h"
#include "engine/scoring/pair_kernel.h"
#include "engine/scoring/profile.h"
#include "engine/scoring/resolution.h"
#include "engine/scoring/sentence_words.h"
#include "gtest/gtest.h"
#include "tests/engine/test_fixtures.h"

namespace passerelle::engine::explanation_language_test {
namespace {

using ::passerelle::engine::testing::SharedReferenceData;

// Every sentence of an explanation, in a fixed order.
std::vector<const Sentence*> Sentences(const Explanation& e) {
  std::vector<const Sentence*> out;
  for (const CriterionExplanation& c : e.criteria) out.push_back(&c.reason);
  for (const Blocker& b : e.blockers) out.push_back(&b.reason), out.push_back(&b.unlock);
  for (const RouteStep& step : e.route) out.push_back(&step.label);
  return out;
}

class ExplanationLanguageTest : public ::testing::Test {
 protected:
  ExplanationLanguageTest() : data_(SharedReferenceData()), relations_(*data_) {}

  Explanation Explain(const ResolvedCandidate& c, const ResolvedOpening& o, SentenceLanguages languages) {
    return ExplainPair(c, o, DefaultScoringProfile(), *data_, relations_, today_, languages);
  }

  std::shared_ptr<const ReferenceData> data_;
  OccupationRelations relations_;
  Day today_ = DayOf(absl::FromCivil(absl::CivilDay(2026, 12, 1), absl::UTCTimeZone()));
};

TEST_F(ExplanationLanguageTest, EachLanguageAloneIsItsSideOfBoth) {
  CohortOptions options;
  options.candidates = 400;
  options.openings = 60;
  const CohortGenerator generator(data_, options);
  int blockers = 0, routes = 0;
  for (int64_t i = 0; i < options.candidates; ++i) {
    auto candidate = ResolveCandidate(generator.MakeCandidate(i), *data_);
    auto opening = ResolveOpening(generator.MakeOpening((i * 7) % options.openings), *data_);
    ASSERT_TRUE(candidate.ok() && opening.ok()) << i;
    const Explanation both = Explain(*candidate, *opening, SentenceLanguages::kBoth);
    const Explanation fr = Explain(*candidate, *opening, SentenceLanguages::kFrench);
    const Explanation en = Explain(*candidate, *opening, SentenceLanguages::kEnglish);
    EXPECT_EQ(fr.total, both.total) << i;
    EXPECT_EQ(en.blockers.size(), both.blockers.size()) << i;
    const std::vector<const Sentence*> b = Sentences(both), f = Sentences(fr), e = Sentences(en);
    ASSERT_EQ(f.size(), b.size()) << i;
    ASSERT_EQ(e.size(), b.size()) << i;
    for (size_t k = 0; k < b.size(); ++k) {
      EXPECT_EQ(f[k]->fr, b[k]->fr) << "pair " << i << ", sentence " << k;
      EXPECT_EQ(e[k]->en, b[k]->en) << "pair " << i << ", sentence " << k;
      EXPECT_TRUE(f[k]->en.empty()) << "pair " << i << ", sentence " << k << ": " << f[k]->en;
      EXPECT_TRUE(e[k]->fr.empty()) << "pair " << i << ", sentence " << k << ": " << e[k]->fr;
      EXPECT_EQ(b[k]->fr.empty(), b[k]->en.empty()) << "pair " << i << ", sentence " << k;
    }
    for (const CriterionExplanation& c : both.criteria) EXPECT_FALSE(c.reason.fr.empty()) << i;
    blockers += static_cast<int>(both.blockers.size());
    routes += both.route.empty() ? 0 : 1;
  }
  // The cohort reaches blockers and routes, so their sentences were compared too.
  EXPECT_GT(blockers, 50);
  EXPECT_GT(routes, 0);
}

TEST_F(ExplanationLanguageTest, BlockerSentenceInOneLanguage) {
  const Sentence both = BlockerSentence(scoring::kNoRightToWork, SentenceLanguages::kBoth);
  const Sentence fr = BlockerSentence(scoring::kNoRightToWork, SentenceLanguages::kFrench);
  const Sentence en = BlockerSentence(scoring::kNoRightToWork, SentenceLanguages::kEnglish);
  EXPECT_EQ(both.fr, "Pas d'autorisation de travail en France");
  EXPECT_EQ(both.en, "No right to work in France");
  EXPECT_EQ(fr.fr, both.fr);
  EXPECT_TRUE(fr.en.empty());
  EXPECT_EQ(en.en, both.en);
  EXPECT_TRUE(en.fr.empty());
}

TEST(WholeNumberTest, WritesWhatPrintfWritesOfTheRoundedValue) {
  std::vector<double> values = {0.0, -0.0, 0.4, -0.4, 0.5, -0.5, 1.5, 2.5, -2.5, 1e15, -1e15, 1e20, 123456789.5,
                                std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                                std::numeric_limits<double>::quiet_NaN()};
  for (int i = -40000; i <= 40000; ++i) values.push_back(i * 0.025);  // every half and quarter in [-1000, 1000]
  for (float km = 0.0f; km < 2000.0f; km += 0.37f) values.push_back(km);
  for (double value : values) {
    EXPECT_EQ(WholeNumber(value), absl::StrFormat("%.0f", std::round(value))) << value;
  }
  EXPECT_EQ(WholeNumber(-0.2), "-0");  // as before: printf keeps the sign of a negative zero
  EXPECT_EQ(WholeNumber(41.5), "42");  // half away from zero, not printf's half to even
}

}  // namespace
}  // namespace passerelle::engine::explanation_language_test
