// The related-code lists of OccupationRelations and the per-query look-up tables built from them: filled
// for the related codes only, they must equal the tables computed over every code from the full table.
#include "engine/scoring/occupation_relations.h"

#include <random>
#include <vector>

#include "engine/scoring/criteria/experience.h"
#include "engine/scoring/criteria_walks.h"
#include "gtest/gtest.h"
#include "tests/engine/test_fixtures.h"

namespace passerelle::engine::occupation_relations_test {
namespace {

using ::passerelle::engine::testing::SharedReferenceData;

class OccupationRelationsTest : public ::testing::Test {
 protected:
  OccupationRelationsTest() : relations_(*SharedReferenceData()) {}
  OccupationRelations relations_;
};

TEST_F(OccupationRelationsTest, RelatedListsHoldExactlyTheRelatedCodesInOrder) {
  const int32_t count = relations_.count();
  ASSERT_GT(count, 1000);
  size_t related_pairs = 0;
  for (int32_t code = 0; code < count; ++code) {
    std::vector<OccupationRelations::Neighbour> from, to;
    for (int32_t other = 0; other < count; ++other) {
      if (relations_.Relation(code, other) != OccupationRelation::kNone) from.push_back({other, relations_.Relation(code, other)});
      if (relations_.Relation(other, code) != OccupationRelation::kNone) to.push_back({other, relations_.Relation(other, code)});
    }
    related_pairs += from.size();
    const auto related_from = relations_.RelatedFrom(code);
    const auto related_to = relations_.RelatedTo(code);
    ASSERT_EQ(related_from.size(), from.size()) << code;
    ASSERT_EQ(related_to.size(), to.size()) << code;
    for (size_t i = 0; i < from.size(); ++i) {
      ASSERT_EQ(related_from[i].code, from[i].code);
      ASSERT_EQ(related_from[i].relation, from[i].relation);
    }
    for (size_t i = 0; i < to.size(); ++i) {
      ASSERT_EQ(related_to[i].code, to[i].code);
      ASSERT_EQ(related_to[i].relation, to[i].relation);
    }
  }
  // The point of the lists: far fewer entries than the table (a code is related to about a tenth).
  EXPECT_LT(related_pairs, static_cast<size_t>(count) * count / 4);
}

TEST_F(OccupationRelationsTest, QueryTablesEqualTheTablesOverEveryCode) {
  const int32_t count = relations_.count();
  std::mt19937 rng(15);
  std::uniform_int_distribution<int32_t> code(0, count - 1);
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  for (int trial = 0; trial < 50; ++trial) {
    const int32_t opening_rome = code(rng);
    const std::vector<float> to = scoring::RelationScoresTo(relations_, opening_rome);
    ASSERT_EQ(to.size(), 2 * static_cast<size_t>(count));
    for (int32_t from = 0; from < count; ++from) {
      ASSERT_EQ(to[from], relations_.Score(from, opening_rome)) << from;
      ASSERT_EQ(to[count + from], scoring::ExperienceRelationShare(relations_.Relation(from, opening_rome))) << from;
    }

    ResolvedCandidate c;
    for (int i = 0; i < 1 + trial % 3; ++i) c.occupations.push_back({code(rng), 0.5f + 0.5f * unit(rng)});
    for (int i = 0; i < trial % 4; ++i) c.experience.push_back({code(rng), 10.0f * unit(rng)});
    const std::vector<float> best = scoring::BestOccupationScoresFrom(relations_, c);
    for (int32_t rome = 0; rome < count; ++rome) {
      float expected = 0;
      for (const WeightedOccupation& o : c.occupations) {
        expected = std::max(expected, o.factor * relations_.Score(o.rome_index, rome));
      }
      ASSERT_EQ(best[rome], expected) << rome;
      ASSERT_EQ(best[count + rome], scoring::BestCreditedExperienceMonths(c, rome, relations_)) << rome;
    }
    const std::vector<float> without_experience = scoring::BestOccupationScoresFrom(relations_, c, false);
    for (int32_t rome = 0; rome < count; ++rome) ASSERT_EQ(without_experience[count + rome], 0.0f);
  }
}

}  // namespace
}  // namespace passerelle::engine::occupation_relations_test
