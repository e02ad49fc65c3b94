// SegmentedTable::ApplyIf: the rows are built before durable() is asked, published only when it says
// yes, and a no leaves the table exactly as it was (later writes land as if it never happened).
// SegmentedTable::Load: one pass gives the table Apply then Reorder give, on any number of threads.
// SegmentedTable::Reorder: writes made while it copies the table are carried into the new version.
#include "engine/columns/segmented_table.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "gtest/gtest.h"

namespace passerelle::engine::segmented_table_test {
namespace {

struct Row {
  std::string name;
  uint64_t place = 0;  // the order key
  int version = 0;
  const std::string& id() const { return name; }
};

// Four rows a segment, so a few records span several segments.
struct TinySegment {
  static constexpr int kRows = 4;
  std::vector<std::shared_ptr<const Row>> rows = std::vector<std::shared_ptr<const Row>>(kRows);
  int used_rows = 0;
  void Set(int row, const std::shared_ptr<const Row>& r) {
    rows[row] = r;
    used_rows = std::max(used_rows, row + 1);
  }
  void Clear(int row) { rows[row] = nullptr; }
  void Finish() {}
  bool live(int row) const { return rows[row] != nullptr; }
  std::shared_ptr<const Row> record(int row) const { return rows[row]; }
  void CopyRow(int row, const TinySegment& from, int from_row) {
    rows[row] = from.rows[from_row];
    used_rows = std::max(used_rows, row + 1);
  }
  std::string id(int row) const { return rows[row] ? rows[row]->name : std::string(); }
};

using Table = SegmentedTable<Row, TinySegment>;

std::shared_ptr<const Row> R(const std::string& name, uint64_t place, int version) {
  return std::make_shared<const Row>(Row{name, place, version});
}

Table Ordered() {
  return Table(nullptr, [](const Row& r) { return r.place; });
}

int VersionOf(const Table& table, const std::string& id) {
  auto found = table.Find(id);
  return found ? found->version : -1;
}

// The same id (or none) in every slot of the two tables' current versions.
void ExpectSameSlots(const Table& x, const Table& y) {
  const auto a = x.snapshot(), b = y.snapshot();
  ASSERT_EQ(a->segments.size(), b->segments.size());
  for (size_t s = 0; s < a->segments.size(); ++s) {
    for (int row = 0; row < TinySegment::kRows; ++row) {
      EXPECT_EQ(a->segments[s]->id(row), b->segments[s]->id(row)) << s << " " << row;
    }
  }
}

TEST(SegmentedTableTest, RefusedWriteChangesNothingAndIsNotVisibleWhileAsked) {
  Table table = Ordered();
  table.Apply({R("a", 5, 1), R("b", 3, 1), R("c", 9, 1)}, {});
  table.Reorder();
  const auto before = table.snapshot();
  int asked = 0;
  const bool published = table.ApplyIf({R("a", 1, 2), R("d", 7, 2), R("e", 2, 2)}, {}, [&] {
    ++asked;
    EXPECT_EQ(table.Find("d"), nullptr);  // built, not visible
    EXPECT_EQ(VersionOf(table, "a"), 1);
    return false;
  });
  EXPECT_FALSE(published);
  EXPECT_EQ(asked, 1);
  EXPECT_EQ(table.snapshot(), before);
  EXPECT_EQ(table.size(), 3u);
  EXPECT_EQ(table.unordered_rows(), 0u);
  EXPECT_EQ(VersionOf(table, "a"), 1);
  EXPECT_EQ(table.Find("d"), nullptr);
}

// The same writes with a refused one in between end like the same writes without it.
TEST(SegmentedTableTest, WritesAfterARefusedOneLandAsWithoutIt) {
  Table refused = Ordered(), plain = Ordered();
  for (Table* table : {&refused, &plain}) {
    table->Apply({R("a", 5, 1), R("b", 3, 1), R("c", 9, 1), R("d", 4, 1), R("e", 8, 1)}, {});
    table->Reorder();
    table->Apply({R("f", 6, 1)}, {"b"});  // a row in the unordered tail, a freed ordered slot
  }
  // Moves an ordered row (new key), keeps one in place, re-keys the tail row, adds rows past the tail.
  const std::vector<std::shared_ptr<const Row>> writes = {R("a", 1, 2), R("c", 9, 2), R("f", 2, 2), R("g", 7, 2),
                                                          R("h", 0, 2), R("i", 11, 2), R("j", 12, 2)};
  EXPECT_FALSE(refused.ApplyIf(writes, {}, [] { return false; }));
  EXPECT_TRUE(refused.ApplyIf(writes, {}, [] { return true; }));
  plain.Apply(writes, {});
  for (Table* table : {&refused, &plain}) table->Apply({R("k", 3, 3)}, {"c"});
  EXPECT_EQ(refused.size(), plain.size());
  EXPECT_EQ(refused.unordered_rows(), plain.unordered_rows());
  EXPECT_EQ(refused.snapshot()->segments.size(), plain.snapshot()->segments.size());
  for (const char* id : {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"}) {
    EXPECT_EQ(VersionOf(refused, id), VersionOf(plain, id)) << id;
  }
  refused.Reorder();
  plain.Reorder();
  ExpectSameSlots(refused, plain);
}

// Keys of a segment's live rows, row by row.
std::vector<uint64_t> KeysOf(const TinySegment& segment) {
  std::vector<uint64_t> keys;
  for (int row = 0; row < TinySegment::kRows; ++row) {
    if (segment.live(row)) keys.push_back(segment.rows[row]->place);
  }
  return keys;
}

// Without a Reorder, a tail segment is sorted by key among its own rows once full (and again when a write
// puts it out of order); the open one keeps arrival order. Every record stays found, and the rows still
// count as out of order for the reorder rule.
TEST(SegmentedTableTest, FullTailSegmentsHoldTheirRowsInKeyOrder) {
  Table table = Ordered();
  std::vector<std::shared_ptr<const Row>> rows;
  for (int i = 0; i < 10; ++i) rows.push_back(R(std::string(1, static_cast<char>('a' + i)), 100 - i, 1));
  table.Apply(absl::MakeConstSpan(rows).subspan(0, 3), {});
  table.Apply(absl::MakeConstSpan(rows).subspan(3), {});
  auto segments = table.snapshot()->segments;
  ASSERT_EQ(segments.size(), 3u);
  EXPECT_EQ(KeysOf(*segments[0]), (std::vector<uint64_t>{97, 98, 99, 100}));
  EXPECT_EQ(KeysOf(*segments[1]), (std::vector<uint64_t>{93, 94, 95, 96}));
  EXPECT_EQ(KeysOf(*segments[2]), (std::vector<uint64_t>{92, 91}));  // open: arrival order
  for (const auto& row : rows) EXPECT_EQ(VersionOf(table, row->name), 1) << row->name;
  EXPECT_EQ(table.unordered_rows(), 10u);

  // "a" (key 100, last row of segment 0) takes key 1 in place: the segment is sorted again. "f" leaves.
  table.Apply({R("a", 1, 2)}, {"f"});
  segments = table.snapshot()->segments;
  EXPECT_EQ(KeysOf(*segments[0]), (std::vector<uint64_t>{1, 97, 98, 99}));
  EXPECT_EQ(KeysOf(*segments[1]), (std::vector<uint64_t>{93, 94, 96}));  // the freed slot stays free
  EXPECT_EQ(VersionOf(table, "a"), 2);
  EXPECT_EQ(table.Find("f"), nullptr);
  for (const char* id : {"b", "c", "d", "e", "g", "h", "i", "j"}) EXPECT_EQ(VersionOf(table, id), 1) << id;

  // A refused write that would sort a segment changes nothing.
  const auto before = table.snapshot();
  EXPECT_FALSE(table.ApplyIf({R("b", 0, 3), R("k", 50, 3), R("l", 40, 3)}, {}, [] { return false; }));
  EXPECT_EQ(table.snapshot(), before);
  EXPECT_EQ(VersionOf(table, "b"), 1);
  EXPECT_EQ(table.Find("k"), nullptr);
  EXPECT_EQ(KeysOf(*table.snapshot()->segments[0]), (std::vector<uint64_t>{1, 97, 98, 99}));
}

// Writes made while a Reorder copies the table are visible at once and carried into the reordered
// version: each written record's sorted copy is cleared and its current row goes to the tail (in key
// order), removed records stay removed. A later Reorder then gives the layout of the same writes made
// before a single Reorder.
TEST(SegmentedTableTest, WritesDuringAReorderAreCarriedIntoIt) {
  Table during = Ordered(), plain = Ordered();
  const std::vector<std::shared_ptr<const Row>> first = {R("a", 50, 1), R("b", 30, 1), R("c", 90, 1), R("d", 40, 1),
                                                         R("e", 80, 1), R("f", 60, 1), R("g", 10, 1)};
  for (Table* table : {&during, &plain}) {
    table->Apply(first, {});
    table->Reorder();
    table->Apply({R("h", 70, 1), R("i", 20, 1)}, {});  // two rows in the tail
  }
  // "a" moves (new key), "c" changes in place, "b" and the tail row "i" leave, "z" is new.
  const std::vector<std::shared_ptr<const Row>> writes = {R("a", 5, 2), R("c", 90, 2), R("z", 65, 2)};
  const std::vector<std::string> removals = {"b", "i"};
  int copies = 0;
  during.Reorder(1, [&] {
    ++copies;
    during.Apply(writes, removals);  // not blocked: the copy runs without the write lock
    EXPECT_EQ(VersionOf(during, "a"), 2);
    EXPECT_EQ(during.Find("b"), nullptr);
  });
  EXPECT_EQ(copies, 1);
  plain.Apply(writes, removals);
  for (const char* id : {"a", "b", "c", "d", "e", "f", "g", "h", "i", "z"}) {
    EXPECT_EQ(VersionOf(during, id), VersionOf(plain, id)) << id;
  }
  EXPECT_EQ(during.size(), 8u);
  EXPECT_EQ(during.snapshot()->live_rows, 8u);
  // Sorted copy: g i b d | a f h e | c (keys 10 20 30 40 | 50 60 70 80 | 90); then a, b, c, i cleared and
  // a, c, z carried (keys 5 65 90) into one tail segment in key order.
  const auto segments = during.snapshot()->segments;
  ASSERT_EQ(segments.size(), 4u);
  EXPECT_EQ(KeysOf(*segments[0]), (std::vector<uint64_t>{10, 40}));      // i (20) and b (30) cleared
  EXPECT_EQ(KeysOf(*segments[1]), (std::vector<uint64_t>{60, 70, 80}));  // a (50) cleared
  EXPECT_EQ(KeysOf(*segments[2]), (std::vector<uint64_t>{}));            // c (90) cleared
  EXPECT_EQ(KeysOf(*segments[3]), (std::vector<uint64_t>{5, 65, 90}));
  EXPECT_EQ(during.unordered_rows(), 3u + 4u);  // carried rows and cleared slots
  // The tail segment is its bucket's open one: the next new row fills it.
  during.Apply({R("y", 1, 3)}, {});
  plain.Apply({R("y", 1, 3)}, {});
  EXPECT_EQ(during.snapshot()->segments.size(), 4u);
  during.Reorder();
  plain.Reorder();
  ExpectSameSlots(during, plain);
  EXPECT_EQ(during.unordered_rows(), 0u);
}

TEST(SegmentedTableTest, BucketedTableRefusedWriteKeepsItsSlots) {
  Table refused([](const Row& r) { return static_cast<uint32_t>(r.place % 2); });
  Table plain([](const Row& r) { return static_cast<uint32_t>(r.place % 2); });
  for (Table* table : {&refused, &plain}) table->Apply({R("a", 1, 1), R("b", 2, 1), R("c", 3, 1)}, {"x"});
  for (Table* table : {&refused, &plain}) table->Apply({}, {"b"});
  EXPECT_FALSE(refused.ApplyIf({R("a", 2, 2), R("d", 4, 2), R("e", 5, 2)}, {}, [] { return false; }));
  for (Table* table : {&refused, &plain}) table->Apply({R("f", 4, 3), R("g", 1, 3)}, {});
  ExpectSameSlots(refused, plain);
  EXPECT_EQ(VersionOf(refused, "a"), 1);
  EXPECT_EQ(refused.Find("d"), nullptr);
}

// Removals leave dead id bytes; past the live ones the table swaps in a compacted id map. Every live id
// must still find its row, every removed one none.
TEST(SegmentedTableTest, IdsStayFoundAcrossIdMapCompactions) {
  Table table([](const Row&) { return 0u; });
  const std::string padding(60, 'p');
  auto name = [&](int i) { return padding + std::to_string(i); };
  for (int round = 0; round < 4; ++round) {
    std::vector<std::shared_ptr<const Row>> rows;
    for (int i = 0; i < 3000; ++i) rows.push_back(R(name(round * 3000 + i), 0, round));
    table.Apply(rows, {});
    std::vector<std::string> removals;
    for (int i = 0; i < 3000; ++i) {
      if (i % 20 != 0) removals.push_back(name(round * 3000 + i));
    }
    EXPECT_EQ(table.Apply({}, removals), removals.size());
  }
  EXPECT_EQ(table.size(), 4u * 150u);
  for (int i = 0; i < 12000; ++i) {
    EXPECT_EQ(table.Find(name(i)) != nullptr, i % 3000 % 20 == 0) << i;
  }
}

// Load fills an empty ordered table as Apply then Reorder would (same rows in the same slots), whatever
// the threads; a repeated id keeps its last row; a table that is not empty is refused.
TEST(SegmentedTableTest, LoadGivesWhatApplyThenReorderGive) {
  std::vector<std::shared_ptr<const Row>> records;
  for (int i = 0; i < 23; ++i) records.push_back(R("r" + std::to_string(i), static_cast<uint64_t>((i * 7) % 5), 1));
  records.push_back(R("r3", 9, 2));  // r3 again, later: this one stays
  Table applied = Ordered();
  applied.Apply(records, {});
  applied.Reorder();
  auto fill = [&records](TinySegment& segment, absl::Span<const std::pair<uint64_t, uint64_t>> rows) {
    for (size_t row = 0; row < rows.size(); ++row) segment.Set(static_cast<int>(row), records[rows[row].second]);
  };
  auto id_of = [&records](uint64_t reference) { return absl::string_view(records[reference]->name); };
  for (int threads : {1, 2, 3}) {
    SCOPED_TRACE(threads);
    Table loaded = Ordered();
    std::vector<std::pair<uint64_t, uint64_t>> rows;
    for (size_t i = 0; i < records.size(); ++i) rows.emplace_back(records[i]->place, i);
    ASSERT_TRUE(loaded.Load(rows, fill, id_of, threads));
    EXPECT_EQ(loaded.size(), 23u);
    EXPECT_EQ(VersionOf(loaded, "r3"), 2);
    EXPECT_EQ(VersionOf(loaded, "r22"), 1);
    // Loaded rows are in order, except the slot r3 left (Reorder would reclaim it).
    EXPECT_EQ(loaded.unordered_rows(), 1u);
    EXPECT_EQ(loaded.snapshot()->live_rows, 23u);
    // Apply + Reorder never left r3's first slot behind, so compare the live ids in slot order.
    std::vector<std::string> a, b;
    for (const auto& segment : applied.snapshot()->segments) {
      for (int row = 0; row < TinySegment::kRows; ++row) {
        if (segment->record(row)) a.push_back(segment->id(row));
      }
    }
    for (const auto& segment : loaded.snapshot()->segments) {
      for (int row = 0; row < TinySegment::kRows; ++row) {
        if (segment->record(row)) b.push_back(segment->id(row));
      }
    }
    EXPECT_EQ(a, b);
    // The loaded table takes writes like any other.
    loaded.Apply({R("r0", 4, 3), R("new", 1, 3)}, {"r5"});
    EXPECT_EQ(VersionOf(loaded, "r0"), 3);
    EXPECT_EQ(VersionOf(loaded, "new"), 3);
    EXPECT_EQ(loaded.Find("r5"), nullptr);
    EXPECT_EQ(loaded.size(), 23u);
    EXPECT_FALSE(loaded.Load(rows, fill, id_of, threads));  // not empty
    EXPECT_EQ(loaded.size(), 23u);
  }
  Table bucketed([](const Row&) { return 0u; });
  EXPECT_FALSE(bucketed.Load({{0, 0}}, fill, id_of));  // no order
  EXPECT_EQ(bucketed.size(), 0u);
}

}  // namespace
}  // namespace passerelle::engine::segmented_table_test
