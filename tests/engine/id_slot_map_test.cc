// IdSlotMap: SegmentedTable's id -> slot map with the ids' bytes in shared chunks. Lookups must stay
// right through inserts, moves, erasures and the compaction that erasures trigger.
#include "engine/columns/id_slot_map.h"

#include <map>
#include <string>

#include "gtest/gtest.h"

namespace passerelle::engine::id_slot_map_test {
namespace {

TEST(IdSlotMapTest, SetFindMoveErase) {
  IdSlotMap map;
  EXPECT_EQ(map.Find("org:a"), -1);
  map.Set("org:a", 3);
  map.Set("org:b", 7);
  map.Set("", 9);  // an empty id is a key like any other
  EXPECT_EQ(map.Find("org:a"), 3);
  EXPECT_EQ(map.Find("org:b"), 7);
  EXPECT_EQ(map.Find(""), 9);
  EXPECT_EQ(map.Set("org:a", 11), 3);  // moved: the previous slot
  EXPECT_EQ(map.Find("org:a"), 11);
  EXPECT_EQ(map.Set("org:c", 12), -1);  // new
  EXPECT_TRUE(map.Erase("org:c"));
  EXPECT_EQ(map.size(), 3u);
  EXPECT_TRUE(map.Erase("org:a"));
  EXPECT_FALSE(map.Erase("org:a"));
  EXPECT_EQ(map.Find("org:a"), -1);
  EXPECT_EQ(map.size(), 2u);
}

// Enough churn to fill several chunks with dead ids and compact more than once; a std::map is the peer.
TEST(IdSlotMapTest, ChurnMatchesAStdMapAcrossCompactions) {
  IdSlotMap map;
  std::map<std::string, int64_t> peer;
  const std::string padding(40, 'x');
  int compactions = 0;
  for (int round = 0; round < 6; ++round) {
    for (int i = 0; i < 5000; ++i) {
      const std::string id = "org:" + padding + std::to_string(round * 5000 + i);
      map.Set(id, round * 5000 + i);
      peer[id] = round * 5000 + i;
    }
    // Erase most of the older rows: dead bytes outgrow live ones.
    for (auto it = peer.begin(); it != peer.end();) {
      if (std::stoi(it->first.substr(4 + padding.size())) % 10 != 0) {
        EXPECT_TRUE(map.Erase(it->first));
        it = peer.erase(it);
      } else {
        ++it;
      }
    }
    if (map.WantsCompaction()) {
      map = map.Compacted();
      ++compactions;
      EXPECT_FALSE(map.WantsCompaction());
    }
  }
  EXPECT_GE(compactions, 2);
  ASSERT_EQ(map.size(), peer.size());
  for (const auto& [id, slot] : peer) EXPECT_EQ(map.Find(id), slot) << id;
  std::map<std::string, int64_t> listed;
  map.ForEach([&](absl::string_view id, int64_t slot) { listed[std::string(id)] = slot; });
  EXPECT_EQ(listed, peer);
}

TEST(IdSlotMapTest, IdsLongerThanAChunk) {
  IdSlotMap map;
  const std::string huge(100 << 10, 'h');
  map.Set("org:small", 1);
  map.Set(huge, 2);
  map.Set("org:after", 3);
  EXPECT_EQ(map.Find(huge), 2);
  EXPECT_EQ(map.Find("org:small"), 1);
  EXPECT_EQ(map.Find("org:after"), 3);
}

TEST(IdSlotMapTest, MovedMapKeepsItsIds) {
  IdSlotMap map;
  for (int i = 0; i < 1000; ++i) map.Set("org:" + std::to_string(i), i);
  IdSlotMap moved = std::move(map);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(moved.Find("org:" + std::to_string(i)), i);
  // Swapped maps (as SegmentedTable swaps in a compacted one) each keep their own ids.
  IdSlotMap other;
  other.Set("org:other", 5);
  std::swap(moved, other);
  EXPECT_EQ(moved.Find("org:other"), 5);
  EXPECT_EQ(moved.Find("org:1"), -1);
  EXPECT_EQ(other.Find("org:999"), 999);
  EXPECT_EQ(other.Find("org:other"), -1);
}

}  // namespace
}  // namespace passerelle::engine::id_slot_map_test
