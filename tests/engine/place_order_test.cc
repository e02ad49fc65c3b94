// Candidates stored in place order (engine/columns/place_order.h, SegmentedTable::Reorder): the order
// changes which segments a query reads, never what it answers. Checked against an index that never
// reorders, on a generated cohort, before and after people move, leave and arrive: the same matches and
// near-misses bit for bit, and, over the segments the summaries skip, no eligible row (the full scan's
// eligible count equals the skipping scan's, and sampled rows of skipped segments explain as ineligible).
#include <algorithm>
#include <cstring>
#include <set>

#include "engine/columns/place_order.h"
#include "engine/columns/segmented_table.h"
#include "engine/index/match_index.h"
#include "engine/sample/cohort_generator.h"
#include "gtest/gtest.h"
#include "tests/engine/same_ranking.h"
#include "tests/engine/test_fixtures.h"

namespace passerelle::engine::place_order_test {
namespace {

using ::passerelle::engine::testing::SharedReferenceData;

using ::passerelle::engine::testing::ExpectSameList;

TEST(HilbertIndexTest, TheFirstCellsFillTheCornerSquareOneStepAtATime) {
  // A Hilbert curve visits the 256 x 256 corner square in its first 65,536 cells, each next to the last.
  std::vector<std::pair<uint32_t, uint32_t>> cell_at(256 * 256, {~0u, ~0u});
  for (uint32_t x = 0; x < 256; ++x) {
    for (uint32_t y = 0; y < 256; ++y) {
      const uint32_t d = HilbertIndex(x, y);
      ASSERT_LT(d, cell_at.size()) << x << "," << y;
      ASSERT_EQ(cell_at[d].first, ~0u) << "two cells at " << d;
      cell_at[d] = {x, y};
    }
  }
  for (size_t d = 1; d < cell_at.size(); ++d) {
    const auto [x0, y0] = cell_at[d - 1];
    const auto [x1, y1] = cell_at[d];
    const uint32_t step = (x0 > x1 ? x0 - x1 : x1 - x0) + (y0 > y1 ? y0 - y1 : y1 - y0);
    ASSERT_EQ(step, 1u) << "cells " << d - 1 << " and " << d;
  }
  EXPECT_EQ(HilbertIndex(65535, 0), 0xffffffffu);  // the curve ends in the other bottom corner
}

TEST(CandidatePlaceKeyTest, MoversSortAfterEveryoneAndNeighboursShareTheirLeadingBits) {
  MatchIndex index(SharedReferenceData());
  Candidate a = testing::MasonCandidate("a");
  a.commune_insee = testing::kBobigny;
  a.relocation_accepted = false;
  Candidate b = a;
  b.commune_insee = testing::kSaintDenis;  // 4 km away
  Candidate c = a;
  c.commune_insee = testing::kLyon;
  Candidate mover = a;
  mover.relocation_accepted = true;
  const uint64_t ka = CandidatePlaceKey(**index.ResolveCandidate(a));
  const uint64_t kb = CandidatePlaceKey(**index.ResolveCandidate(b));
  const uint64_t kc = CandidatePlaceKey(**index.ResolveCandidate(c));
  const uint64_t km = CandidatePlaceKey(**index.ResolveCandidate(mover));
  EXPECT_GT(km, std::max({ka, kb, kc}));
  EXPECT_EQ(km & 0xffffffffu, ka);
  // Bobigny and Saint-Denis are in the same small cell of the curve, Lyon is not.
  EXPECT_EQ(ka >> 20, kb >> 20);
  EXPECT_NE(ka >> 20, kc >> 20);
}

class PlaceOrderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MatchIndexOptions never;
    never.candidate_reorder_min_rows = 0;
    ordered_ = std::make_unique<MatchIndex>(SharedReferenceData(), never);
    arrival_ = std::make_unique<MatchIndex>(SharedReferenceData(), never);
    CohortOptions options;
    options.seed = 11;
    options.candidates = 5 * CandidateSegment::kRows + 300;
    options.openings = 200;
    generator_ = std::make_unique<CohortGenerator>(SharedReferenceData(), options);
    for (const Candidate& c : generator_->Candidates()) candidates_.push_back(c);
    Upsert(candidates_);
    std::vector<std::shared_ptr<const ResolvedOpening>> openings;
    for (const Opening& o : generator_->Openings()) openings.push_back(*ordered_->ResolveOpening(o));
    ordered_->UpsertOpenings(openings);
    arrival_->UpsertOpenings(openings);
    for (const auto& o : openings) opening_ids_.push_back(o->id());
  }

  void Upsert(const std::vector<Candidate>& records) {
    std::vector<std::shared_ptr<const ResolvedCandidate>> resolved;
    for (const Candidate& c : records) resolved.push_back(*ordered_->ResolveCandidate(c));
    for (size_t i = 0; i < resolved.size(); i += 1000) {
      const auto part = absl::MakeConstSpan(resolved).subspan(i, 1000);
      ordered_->UpsertCandidates(part);
      arrival_->UpsertCandidates(part);
    }
  }

  // Both indexes answer alike, with and without near-misses, for every `stride`-th opening from `first`
  // (the property holds query by query: a sample keeps the test's time down, most of all under ASan);
  // returns how many segments the summaries let the ordered index skip, over every opening's query
  // without near-misses (counted from the summaries, whether or not the opening is in the sample).
  int64_t ExpectSameAnswers(const std::string& when, size_t first = 0, size_t stride = 1) {
    MatchQuery selected;
    selected.k = kMaxK;
    selected.explain = false;
    MatchQuery near = selected;
    near.k = 50;
    near.near_misses = 20;  // every row scored, nothing skipped
    int64_t skipped = 0, housing = 0, eligible = 0;
    const auto snapshot = ordered_->CandidateSnapshot();
    for (size_t i = 0; i < opening_ids_.size(); ++i) {
      const std::string& id = opening_ids_[i];
      const auto opening = ordered_->FindOpening(id);
      if (i % stride != first % stride) {
        for (const auto& segment : snapshot->segments) {
          skipped += segment->used_rows > 0 && CandidateSegmentOutOfReach(segment->summary, opening->position,
                                                                           opening->record.housing_provided);
        }
        continue;
      }
      housing += opening->record.housing_provided;
      auto a = ordered_->MatchCandidates(id, selected, DefaultScoringProfile());
      auto b = arrival_->MatchCandidates(id, selected, DefaultScoringProfile());
      auto full = ordered_->MatchCandidates(id, near, DefaultScoringProfile());
      auto c = arrival_->MatchCandidates(id, near, DefaultScoringProfile());
      if (!(a.ok() && b.ok() && full.ok() && c.ok())) {
        ADD_FAILURE() << "query failed for " << id;
        continue;
      }
      ExpectSameList(a->matches, b->matches, when + " " + id);
      ExpectSameList(full->matches, c->matches, when + " near " + id);
      ExpectSameList(full->near_misses, c->near_misses, when + " near-misses " + id);
      EXPECT_EQ(a->eligible, b->eligible) << when << " " << id;
      // The full scan skips nothing: an eligible row in a skipped segment would make these differ.
      EXPECT_EQ(a->eligible, full->eligible) << when << " " << id;
      eligible += a->eligible;
      // The same opening with housing offered or withdrawn: every mover in reach, or none.
      ResolvedOpening flipped = *opening;
      flipped.record.housing_provided = !flipped.record.housing_provided;
      auto d = ordered_->MatchCandidatesFor(flipped, selected, DefaultScoringProfile());
      auto e = arrival_->MatchCandidatesFor(flipped, selected, DefaultScoringProfile());
      auto f = ordered_->MatchCandidatesFor(flipped, near, DefaultScoringProfile());
      if (d.ok() && e.ok() && f.ok()) {
        ExpectSameList(d->matches, e->matches, when + " flipped housing " + id);
        EXPECT_EQ(d->eligible, f->eligible) << when << " flipped housing " << id;
        eligible += d->eligible;
      } else {
        ADD_FAILURE() << "query failed for " << id << " with housing flipped";
      }
      for (const auto& segment : snapshot->segments) {
        if (segment->used_rows == 0 ||
            !CandidateSegmentOutOfReach(segment->summary, opening->position, opening->record.housing_provided)) {
          continue;
        }
        ++skipped;
        for (int row = (skipped * 7) % 97; row < segment->used_rows; row += 97) {
          if (!segment->live(row)) continue;
          auto explanation = ordered_->Explain(std::string(segment->id(row)), id, DefaultScoringProfile());
          EXPECT_TRUE(explanation.ok());
          if (explanation.ok()) {
            EXPECT_FALSE(explanation->eligible) << when << ": " << segment->id(row) << " in a skipped segment for " << id;
          }
        }
      }
    }
    EXPECT_GT(housing, 2) << "no opening providing housing was checked";
    EXPECT_GT(eligible, 500) << "too few eligible pairs: the comparison checks little";
    return skipped;
  }

  std::unique_ptr<CohortGenerator> generator_;
  std::vector<Candidate> candidates_;
  std::vector<std::string> opening_ids_;
  std::unique_ptr<MatchIndex> ordered_;  // reordered by the tests
  std::unique_ptr<MatchIndex> arrival_;  // rows in arrival order
};

TEST_F(PlaceOrderTest, ReorderPutsRowsInKeyOrderAndKeepsEveryRecord) {
  EXPECT_EQ(ordered_->unordered_candidate_rows(), candidates_.size());
  const auto before = ordered_->CandidateSnapshot();
  ordered_->ReorderCandidates();
  EXPECT_EQ(ordered_->unordered_candidate_rows(), 0u);
  EXPECT_EQ(ordered_->candidate_count(), candidates_.size());
  const auto after = ordered_->CandidateSnapshot();
  EXPECT_EQ(after->live_rows, candidates_.size());
  uint64_t last = 0;
  std::set<std::string> seen;
  for (const auto& segment : after->segments) {
    for (int row = 0; row < segment->used_rows; ++row) {
      ASSERT_TRUE(segment->live(row));
      const uint64_t key = CandidatePlaceKey(*segment->record(row));
      EXPECT_GE(key, last);
      last = key;
      seen.insert(std::string(segment->id(row)));
    }
  }
  EXPECT_EQ(seen.size(), candidates_.size());
  for (size_t i = 0; i < candidates_.size(); i += 53) {
    auto found = ordered_->FindCandidate(candidates_[i].id);
    ASSERT_NE(found, nullptr);
    EXPECT_EQ(found->record.commune_insee, candidates_[i].commune_insee);
    EXPECT_EQ(found->record.skills, candidates_[i].skills);
  }
  // A version taken before the reorder still reads as it was.
  int64_t live_before = 0;
  for (const auto& segment : before->segments) {
    for (int row = 0; row < segment->used_rows; ++row) live_before += segment->live(row);
  }
  EXPECT_EQ(live_before, static_cast<int64_t>(candidates_.size()));
}

// The arrival-order and place-order halves, and the writes, are two tests: CTest runs them side by side.
TEST_F(PlaceOrderTest, SkippedSegmentsHoldNoEligibleRowInArrivalAndPlaceOrder) {
  // In arrival order both indexes hold the same rows in the same order: a quarter of the openings is
  // compared there, half of them in place order (the other half after the writes, in the next test).
  const int64_t skipped_in_arrival_order = ExpectSameAnswers("arrival order", 0, 4);
  ordered_->ReorderCandidates();
  const int64_t skipped_in_place_order = ExpectSameAnswers("ordered", 1, 2);
  EXPECT_GT(skipped_in_place_order, static_cast<int64_t>(opening_ids_.size() / 2))
      << "the order lets queries skip almost nothing";
  EXPECT_GT(skipped_in_place_order, 4 * skipped_in_arrival_order);
}

TEST_F(PlaceOrderTest, SkippedSegmentsHoldNoEligibleRowAfterWritesAndAReorder) {
  ordered_->ReorderCandidates();
  // People move (some now willing to relocate, some no longer), leave and arrive: moved rows go to the
  // tail, freed slots stay empty, and the answers stay the same. (Each removal copies its segment: one in
  // 97 rows, a few dozen per segment, frees slots in every segment at a third of the cost of one in 29.)
  std::vector<Candidate> moved;
  const char* communes[] = {testing::kLyon, testing::kParis, testing::kBobigny};
  for (size_t i = 0; i < candidates_.size(); i += 17) {
    Candidate c = candidates_[i];
    c.commune_insee = communes[i % 3];
    if (i % 2 == 0) c.relocation_accepted = !c.relocation_accepted;
    moved.push_back(c);
  }
  Upsert(moved);
  int64_t removed = 0;
  for (size_t i = 3; i < candidates_.size(); i += 97) {
    removed += ordered_->RemoveCandidate(candidates_[i].id);
    arrival_->RemoveCandidate(candidates_[i].id);
  }
  CohortOptions more = generator_->options();
  more.seed = 12;
  more.candidates = 900;
  std::vector<Candidate> arrivals;
  for (Candidate c : CohortGenerator(SharedReferenceData(), more).Candidates()) {
    c.id = "new-" + c.id;
    arrivals.push_back(c);
  }
  Upsert(arrivals);
  EXPECT_GT(ordered_->unordered_candidate_rows(), moved.size());
  EXPECT_GT(removed, 200);
  EXPECT_EQ(ordered_->candidate_count(), candidates_.size() - removed + arrivals.size());
  EXPECT_GT(ExpectSameAnswers("after writes", 0, 2), 0);
  ordered_->ReorderCandidates();
  EXPECT_EQ(ordered_->unordered_candidate_rows(), 0u);
  EXPECT_EQ(ordered_->candidate_count(), arrival_->candidate_count());
  EXPECT_GT(ExpectSameAnswers("reordered again", 1, 2), static_cast<int64_t>(opening_ids_.size() / 2));
}

// The same rule whether the reorder runs on the writer's thread or on the index's own (then waited for).
TEST(PlaceOrderPolicyTest, AWriteReordersOncePastBothThresholds) {
  for (const bool background : {false, true}) {
    SCOPED_TRACE(background ? "background reorders" : "reorders on the writer's thread");
    MatchIndexOptions options;
    options.candidate_reorder_min_rows = 1000;
    options.candidate_reorder_fraction = 0.5;
    options.background_reorders = background;
    MatchIndex index(SharedReferenceData(), options);
    CohortOptions cohort;
    cohort.candidates = 2600;
    CohortGenerator generator(SharedReferenceData(), cohort);
    std::vector<std::shared_ptr<const ResolvedCandidate>> resolved;
    for (const Candidate& c : generator.Candidates()) resolved.push_back(*index.ResolveCandidate(c));
    const auto all = absl::MakeConstSpan(resolved);
    const auto unordered_after = [&](absl::Span<const std::shared_ptr<const ResolvedCandidate>> rows) {
      index.UpsertCandidates(rows);
      index.WaitForReorders();
      return index.unordered_candidate_rows();
    };
    EXPECT_EQ(unordered_after(all.subspan(0, 999)), 999u);     // below the minimum
    EXPECT_EQ(unordered_after(all.subspan(999, 1)), 0u);       // 1,000 rows out of order: reordered
    EXPECT_EQ(unordered_after(all.subspan(1000, 999)), 999u);  // under half of the 1,999 live rows
    EXPECT_EQ(unordered_after(all.subspan(1999, 1)), 0u);
    EXPECT_TRUE(index.RemoveCandidate(resolved[5]->id()));
    index.WaitForReorders();
    EXPECT_EQ(index.unordered_candidate_rows(), 1u);  // a freed slot of an ordered segment
    EXPECT_EQ(index.candidate_count(), 1999u);
    for (size_t i = 0; i < 2000; ++i) EXPECT_EQ(index.FindCandidate(resolved[i]->id()) != nullptr, i != 5) << i;
  }
}

}  // namespace
}  // namespace passerelle::engine::place_order_test
