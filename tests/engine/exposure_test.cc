// Tests of engine/batch/exposure.h: the watched groups, exposure shares, and representative re-ranking
// against exhaustive search.
#include "engine/batch/exposure.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "gtest/gtest.h"
#include "tests/engine/test_fixtures.h"

namespace passerelle::engine::exposure_test {
namespace {

TEST(ExposureTest, GroupsReadOnlyTheWatchedFields) {
  const ReferenceData& data = *testing::SharedReferenceData();
  Candidate c = testing::MasonCandidate();  // A2, temporary housing, public transport, Saint-Denis
  EXPECT_EQ(GroupOf(c, WatchedAttribute::kFrenchBand, data), "A2");
  EXPECT_EQ(GroupOf(c, WatchedAttribute::kHousing, data), "temporary");
  EXPECT_EQ(GroupOf(c, WatchedAttribute::kTransportMode, data), "public transport");
  EXPECT_EQ(GroupOf(c, WatchedAttribute::kDepartement, data), "93");
  c.french_level = CefrLevel::kC1;
  c.transport_mode = TransportMode::kUnspecified;
  EXPECT_EQ(GroupOf(c, WatchedAttribute::kFrenchBand, data), "B2 and above");
  EXPECT_EQ(GroupOf(c, WatchedAttribute::kTransportMode, data), "public transport");
}

TEST(ExposureTest, SharesOfPoolAndSlots) {
  // Pool: 2 "A1", 2 "B1"; slots: candidate 2 (B1) three times, candidate 0 (A1) once.
  const ExposureReport report =
      MeasureExposure(WatchedAttribute::kFrenchBand, {"A1", "A1", "B1", "B1"}, {2, 2, 2, 0, 9});
  EXPECT_EQ(report.pool_size, 4);
  EXPECT_EQ(report.slots, 4) << "out-of-range slots are ignored";
  ASSERT_EQ(report.groups.size(), 2u);
  EXPECT_EQ(report.groups[0].group, "A1");
  EXPECT_DOUBLE_EQ(report.groups[0].pool_share, 0.5);
  EXPECT_DOUBLE_EQ(report.groups[0].slot_share, 0.25);
  EXPECT_DOUBLE_EQ(report.groups[0].exposure_ratio, 0.5);
  EXPECT_DOUBLE_EQ(report.groups[1].exposure_ratio, 1.5);
}

TEST(RepresentativeRerankTest, KeepsTheShareAndReportsTheCost) {
  // Best first: three "B1" then two "A1"; half of every prefix of the top 4 for "A1" (floor(0.5 * p)).
  const std::vector<RankedEntry> list = {
      {0, 0.9f, "B1"}, {1, 0.8f, "B1"}, {2, 0.7f, "B1"}, {3, 0.6f, "A1"}, {4, 0.5f, "A1"}, {5, 0.4f, "B1"}};
  const RepresentativeList fair = RepresentativeRerank(list, 4, "A1", 0.5);
  std::vector<int32_t> order;
  for (const RankedEntry& e : fair.entries) order.push_back(e.candidate);
  EXPECT_EQ(order, (std::vector<int32_t>{0, 3, 1, 4})) << "an A1 at positions 2 and 4";
  EXPECT_NEAR(fair.score_before, 3.0, 1e-6);
  EXPECT_NEAR(fair.score_after, 2.8, 1e-6);
  EXPECT_NEAR(fair.score_cost, 0.2, 1e-6);
  EXPECT_EQ(fair.prefixes_short, 0);

  const RepresentativeList plain = RepresentativeRerank(list, 4, "A1", 0);
  EXPECT_NEAR(plain.score_cost, 0, 1e-9);
  EXPECT_EQ(plain.entries[3].candidate, 3);

  const RepresentativeList short_of_members = RepresentativeRerank(list, 6, "C1", 0.5);
  EXPECT_EQ(short_of_members.prefixes_short, 5) << "no C1 at all: prefixes 2 to 6 fall short";
  EXPECT_NEAR(short_of_members.score_cost, 0, 1e-6);
}

// The best top-k total over every ordered choice of k entries whose prefixes hold at least
// min(floor(share * p), members in the list) entries of `group`.
double BruteForceBest(const std::vector<RankedEntry>& list, int32_t k, const std::string& group, double share) {
  const auto members_in_list = static_cast<int32_t>(
      std::count_if(list.begin(), list.end(), [&](const RankedEntry& e) { return e.group == group; }));
  std::vector<int32_t> chosen;
  std::vector<uint8_t> used(list.size(), 0);
  double best = -1;
  const auto search = [&](auto&& self, int32_t members, double total) -> void {
    const auto p = static_cast<int32_t>(chosen.size());
    if (p > 0 && members < std::min(static_cast<int32_t>(std::floor(share * p + 1e-9)), members_in_list)) return;
    if (p == k) {
      best = std::max(best, total);
      return;
    }
    for (size_t i = 0; i < list.size(); ++i) {
      if (used[i]) continue;
      used[i] = 1;
      chosen.push_back(static_cast<int32_t>(i));
      self(self, members + (list[i].group == group), total + list[i].score);
      chosen.pop_back();
      used[i] = 0;
    }
  };
  search(search, 0, 0.0);
  return best;
}

TEST(RepresentativeRerankTest, MatchesExhaustiveSearchAndMeetsTheConstraint) {
  std::mt19937_64 rng(5);
  for (int trial = 0; trial < 300; ++trial) {
    const auto n = static_cast<int32_t>(1 + rng() % 7);
    std::vector<RankedEntry> list;
    for (int32_t i = 0; i < n; ++i) {
      list.push_back({i, static_cast<float>(rng() % 11) / 10, rng() % 3 == 0 ? "A1" : "B1"});
    }
    std::sort(list.begin(), list.end(), [](const RankedEntry& a, const RankedEntry& b) { return a.score > b.score; });
    const auto k = static_cast<int32_t>(1 + rng() % n);
    const double share = static_cast<double>(rng() % 5) / 4;
    const RepresentativeList fair = RepresentativeRerank(list, k, "A1", share);
    ASSERT_EQ(static_cast<int32_t>(fair.entries.size()), k);
    EXPECT_NEAR(fair.score_after, BruteForceBest(list, k, "A1", share), 1e-5) << "trial " << trial;
    const auto available = std::count_if(list.begin(), list.end(), [](const RankedEntry& e) { return e.group == "A1"; });
    int32_t members = 0;
    for (int32_t p = 1; p <= k; ++p) {
      members += fair.entries[p - 1].group == "A1";
      EXPECT_GE(members, std::min<int64_t>(static_cast<int32_t>(std::floor(share * p + 1e-9)), available))
          << "trial " << trial << " prefix " << p;
    }
  }
}

}  // namespace
}  // namespace passerelle::engine::exposure_test
