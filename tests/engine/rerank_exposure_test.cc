// Tests of engine/batch/rerank_exposure.h: per-candidate rankings inverted into opening lists, the
// exposure of their slots, and the minimum-share re-rank with its cost.
#include "engine/batch/rerank_exposure.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "gtest/gtest.h"
#include "engine/common/field_status.h"
#include "tests/engine/test_fixtures.h"

namespace passerelle::engine::rerank_exposure_test {
namespace {

Candidate WithBand(std::string id, CefrLevel level) {
  Candidate c = testing::MasonCandidate(std::move(id));
  c.french_level = level;
  return c;
}

std::vector<ScoredMatch> Matches(std::vector<std::pair<std::string, float>> pairs) {
  std::vector<ScoredMatch> out;
  for (auto& [id, score] : pairs) {
    ScoredMatch m;
    m.id = id;
    m.total = score;
    out.push_back(std::move(m));
  }
  return out;
}

const GroupExposure& Group(const ExposureReport& report, const std::string& name) {
  for (const GroupExposure& g : report.groups) {
    if (g.group == name) return g;
  }
  static const GroupExposure kNone;
  return kNone;
}

TEST(RerankExposureTest, InvertsRankingsIntoOpeningSlots) {
  const ReferenceData& data = *testing::SharedReferenceData();
  RerankExposureOptions options;
  options.attributes = {WatchedAttribute::kFrenchBand, WatchedAttribute::kHousing};
  options.slots_per_opening = 2;
  RerankExposureCollector collector(options, data);
  // open-1's list: b (0.9), c (0.8), a (0.7) -> slots b, c. open-2's: a (0.6) -> slot a. d has none.
  collector.Add(WithBand("a", CefrLevel::kA1), Matches({{"open-2", 0.6f}, {"open-1", 0.7f}}));
  collector.Add(WithBand("b", CefrLevel::kB1), Matches({{"open-1", 0.9f}}));
  collector.Add(WithBand("c", CefrLevel::kB1), Matches({{"open-1", 0.8f}}));
  collector.Add(WithBand("d", CefrLevel::kA1), {});
  const RerankExposure exposure = collector.Finish();
  EXPECT_EQ(exposure.opening_lists, 2);
  ASSERT_EQ(exposure.slot_exposure.size(), 2u);
  const ExposureReport& band = exposure.slot_exposure[0];
  EXPECT_EQ(band.attribute, WatchedAttribute::kFrenchBand);
  EXPECT_EQ(band.pool_size, 4) << "a candidate with no opening is still in the pool";
  EXPECT_EQ(band.slots, 3);
  EXPECT_EQ(Group(band, "A1").slot_count, 1);
  EXPECT_EQ(Group(band, "B1").slot_count, 2);
  EXPECT_DOUBLE_EQ(Group(band, "A1").exposure_ratio, (1.0 / 3) / 0.5);
  EXPECT_EQ(exposure.slot_exposure[1].attribute, WatchedAttribute::kHousing);
  EXPECT_FALSE(exposure.minimum.has_value());
  EXPECT_TRUE(exposure.shortlists.empty()) << "shortlists only come with a minimum share";
}

TEST(RerankExposureTest, MinimumShareReordersAndReportsItsCost) {
  const ReferenceData& data = *testing::SharedReferenceData();
  RerankExposureOptions options;
  options.slots_per_opening = 2;
  options.minimum = MinimumExposure{WatchedAttribute::kFrenchBand, "A1", 0.5};
  RerankExposureCollector collector(options, data);
  collector.Add(WithBand("a", CefrLevel::kA1), Matches({{"open-1", 0.7f}}));
  collector.Add(WithBand("b", CefrLevel::kB1), Matches({{"open-1", 0.9f}}));
  collector.Add(WithBand("c", CefrLevel::kB1), Matches({{"open-1", 0.8f}}));
  const RerankExposure exposure = collector.Finish();
  ASSERT_EQ(exposure.shortlists.size(), 1u);
  const OpeningShortlist& list = exposure.shortlists[0];
  ASSERT_EQ(list.entries.size(), 2u);
  EXPECT_EQ(list.entries[0].candidate_id, "b");
  EXPECT_EQ(list.entries[1].candidate_id, "a") << "one A1 in the first two slots, in place of c";
  EXPECT_TRUE(list.reordered);
  EXPECT_NEAR(exposure.score_before, 1.7, 1e-6);
  EXPECT_NEAR(exposure.score_after, 1.6, 1e-6);
  EXPECT_NEAR(exposure.score_cost, 0.1, 1e-6);
  EXPECT_EQ(exposure.openings_reordered, 1);
  ASSERT_EQ(exposure.slot_exposure.size(), 1u) << "the minimum's attribute is reported even when not asked";
  EXPECT_EQ(Group(exposure.slot_exposure[0], "A1").slot_count, 0);
  EXPECT_EQ(Group(exposure.representative_exposure, "A1").slot_count, 1);
}

// Random cohorts: every shortlist meets the constraint where its list allows, the cost is before -
// after, the result does not depend on the order candidates arrive in, and min_share 0 is the plain order.
TEST(RerankExposureTest, InvariantsOnRandomCohorts) {
  const ReferenceData& data = *testing::SharedReferenceData();
  const CefrLevel levels[] = {CefrLevel::kA1, CefrLevel::kA2, CefrLevel::kB1};
  std::mt19937_64 rng(12);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<std::pair<Candidate, std::vector<ScoredMatch>>> cohort;
    for (int i = 0; i < 30; ++i) {
      std::vector<std::pair<std::string, float>> pairs;
      for (int j = 0; j < 6; ++j) {
        if (rng() % 2) pairs.push_back({"open-" + std::to_string(j), static_cast<float>(rng() % 20) / 20});
      }
      cohort.emplace_back(WithBand("cand-" + std::to_string(i), levels[rng() % 3]), Matches(pairs));
    }
    RerankExposureOptions options;
    options.slots_per_opening = 1 + static_cast<int32_t>(rng() % 8);
    options.minimum = MinimumExposure{WatchedAttribute::kFrenchBand, "A1", static_cast<double>(rng() % 5) / 4};
    RerankExposureCollector forward(options, data), backward(options, data);
    for (const auto& [c, m] : cohort) forward.Add(c, m);
    for (auto it = cohort.rbegin(); it != cohort.rend(); ++it) backward.Add(it->first, it->second);
    const RerankExposure a = forward.Finish(), b = backward.Finish();
    EXPECT_DOUBLE_EQ(a.score_cost, a.score_before - a.score_after);
    EXPECT_GE(a.score_cost, -1e-9);
    ASSERT_EQ(a.shortlists.size(), b.shortlists.size());
    for (size_t l = 0; l < a.shortlists.size(); ++l) {
      const OpeningShortlist& s = a.shortlists[l];
      ASSERT_EQ(s.entries.size(), b.shortlists[l].entries.size());
      for (size_t p = 0; p < s.entries.size(); ++p) {
        EXPECT_EQ(s.entries[p].candidate_id, b.shortlists[l].entries[p].candidate_id) << "arrival order matters";
      }
      int64_t members_in_list = 0;
      for (const auto& [c, m] : cohort) {
        const bool listed = std::any_of(m.begin(), m.end(), [&](const ScoredMatch& x) { return x.id == s.opening_id; });
        members_in_list += listed && c.french_level == CefrLevel::kA1;
      }
      int64_t members = 0;
      for (size_t p = 1; p <= s.entries.size(); ++p) {
        const std::string& id = s.entries[p - 1].candidate_id;
        const auto it = std::find_if(cohort.begin(), cohort.end(), [&](const auto& x) { return x.first.id == id; });
        members += it->first.french_level == CefrLevel::kA1;
        const auto required = static_cast<int64_t>(std::floor(options.minimum->min_share * p + 1e-9));
        EXPECT_GE(members, std::min(required, members_in_list)) << "trial " << trial << " prefix " << p;
      }
    }
    options.minimum->min_share = 0;
    RerankExposureCollector plain(options, data);
    for (const auto& [c, m] : cohort) plain.Add(c, m);
    const RerankExposure p = plain.Finish();
    EXPECT_EQ(p.openings_reordered, 0);
    EXPECT_DOUBLE_EQ(p.score_cost, 0);
  }
}

TEST(RerankExposureTest, ValidationNamesTheField) {
  const ReferenceData& data = *testing::SharedReferenceData();
  RerankExposureOptions options;
  options.slots_per_opening = 0;
  EXPECT_EQ(FieldPath(ValidateRerankExposureOptions(options, data)), "slots_per_opening");
  options.slots_per_opening = 10;
  options.attributes = {WatchedAttribute::kHousing, WatchedAttribute::kHousing};
  EXPECT_EQ(FieldPath(ValidateRerankExposureOptions(options, data)), "exposure_attributes[1]");
  options.attributes = {};
  options.minimum = MinimumExposure{WatchedAttribute::kFrenchBand, "A1", 1.5};
  EXPECT_EQ(FieldPath(ValidateRerankExposureOptions(options, data)), "min_exposure.min_share");
  options.minimum->min_share = std::nan("");
  EXPECT_EQ(FieldPath(ValidateRerankExposureOptions(options, data)), "min_exposure.min_share");
  options.minimum->min_share = 0.3;
  options.minimum->group = "emergency";
  EXPECT_EQ(FieldPath(ValidateRerankExposureOptions(options, data)), "min_exposure.group");
  options.minimum->attribute = WatchedAttribute::kHousing;
  EXPECT_TRUE(ValidateRerankExposureOptions(options, data).ok());
  options.minimum = MinimumExposure{WatchedAttribute::kDepartement, "00", 0.3};
  EXPECT_EQ(FieldPath(ValidateRerankExposureOptions(options, data)), "min_exposure.group");
  options.minimum->group = "93";
  EXPECT_TRUE(ValidateRerankExposureOptions(options, data).ok());
  EXPECT_EQ(WatchedAttributeFromName("transport_mode"), WatchedAttribute::kTransportMode);
  EXPECT_FALSE(WatchedAttributeFromName("nationality").has_value());
}

}  // namespace
}  // namespace passerelle::engine::rerank_exposure_test
