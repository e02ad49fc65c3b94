// Openings stored in place order within their région/housing bucket, with block summaries
// (OpeningSegment::BlockSummary, OpeningBlocksInReach): the order changes which rows a candidate's query
// reads, never what it answers. Checked against an index that keeps openings in arrival order and against
// the full scan (near-misses asked: every row scored), on a generated cohort, before and after openings
// move, change bucket, close and arrive, and after a reorder: the same matches bit for bit and the same
// eligible count; and the blocks skipped hold no eligible row while the rows read shrink.
#include <cstring>
#include <set>

#include "engine/columns/place_order.h"
#include "engine/index/match_index.h"
#include "engine/index/segment_scan.h"
#include "engine/sample/cohort_generator.h"
#include "engine/scoring/row_selection.h"
#include "gtest/gtest.h"
#include "tests/engine/same_ranking.h"
#include "tests/engine/test_fixtures.h"

namespace passerelle::engine::opening_place_order_test {
namespace {

using ::passerelle::engine::testing::SharedReferenceData;

using ::passerelle::engine::testing::ExpectSameList;

constexpr int kOpenings = 12000;  // buckets of several segments of 16 blocks each

class OpeningPlaceOrderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MatchIndexOptions never;
    never.opening_reorder_min_rows = 0;
    ordered_ = std::make_unique<MatchIndex>(SharedReferenceData(), never);
    arrival_ = std::make_unique<MatchIndex>(SharedReferenceData(), never);
    CohortOptions options;
    options.seed = 17;
    options.candidates = 120;
    options.openings = kOpenings;
    generator_ = std::make_unique<CohortGenerator>(SharedReferenceData(), options);
    for (Candidate c : generator_->Candidates()) {
      c.right_to_work = true;
      candidates_.push_back(*ordered_->ResolveCandidate(c));
    }
    ordered_->UpsertCandidates(candidates_);  // for Explain
    for (const Opening& o : generator_->Openings()) openings_.push_back(o);
    Upsert(openings_);
  }

  void Upsert(const std::vector<Opening>& records) {
    std::vector<std::shared_ptr<const ResolvedOpening>> resolved;
    for (const Opening& o : records) resolved.push_back(*ordered_->ResolveOpening(o));
    for (size_t i = 0; i < resolved.size(); i += 1000) {
      const auto part = absl::MakeConstSpan(resolved).subspan(i, std::min<size_t>(1000, resolved.size() - i));
      ordered_->UpsertOpenings(part);
      arrival_->UpsertOpenings(part);
    }
  }

  // Every candidate, and each with its willingness to move flipped, gets the same answers from both
  // indexes and from the full scan. Returns the rows the ordered index read (MatchResult::scored) over the
  // queries without near-misses; `segment_rows` gets the live rows of the segments not skipped whole.
  int64_t ExpectSameAnswers(const std::string& when, int64_t* segment_rows) {
    MatchQuery selected;
    selected.k = 50;
    selected.explain = false;
    selected.count_blockers_in_scope = false;
    MatchQuery near = selected;
    near.near_misses = 10;  // every row scored, nothing skipped
    int64_t read = 0, eligible = 0;
    *segment_rows = 0;
    const auto snapshot = ordered_->OpeningSnapshot();
    for (const auto& stored : candidates_) {
      for (bool flip : {false, true}) {
        ResolvedCandidate c = *stored;
        if (flip) c.record.relocation_accepted = !c.record.relocation_accepted;
        const std::string what = when + " " + c.id() + (flip ? " flipped" : "");
        auto a = ordered_->MatchOpeningsFor(c, selected, DefaultScoringProfile());
        auto b = arrival_->MatchOpeningsFor(c, selected, DefaultScoringProfile());
        auto full = ordered_->MatchOpeningsFor(c, near, DefaultScoringProfile());
        if (!(a.ok() && b.ok() && full.ok())) {
          ADD_FAILURE() << "query failed for " << what;
          continue;
        }
        ExpectSameList(a->matches, b->matches, what);
        ExpectSameList(a->matches, full->matches, what + " full scan");
        EXPECT_EQ(a->eligible, b->eligible) << what;
        // The full scan skips nothing: an eligible row in a skipped block would make these differ.
        EXPECT_EQ(a->eligible, full->eligible) << what;
        EXPECT_EQ(full->scored, static_cast<int64_t>(snapshot->live_rows)) << what;
        eligible += a->eligible;
        read += a->scored;
        for (const auto& segment : snapshot->segments) {
          if (segment->used_rows > 0 && !scan_internal::CannotBeEligible(c, segment->summary)) {
            *segment_rows += segment->summary.live_rows;
          }
        }
      }
    }
    EXPECT_GT(eligible, 1000) << "too few eligible pairs: the comparison checks little";
    return read;
  }

  std::unique_ptr<CohortGenerator> generator_;
  std::vector<std::shared_ptr<const ResolvedCandidate>> candidates_;
  std::vector<Opening> openings_;
  std::unique_ptr<MatchIndex> ordered_;  // reordered by the tests
  std::unique_ptr<MatchIndex> arrival_;  // rows in arrival order
};

TEST_F(OpeningPlaceOrderTest, ReorderSortsEachBucketByPlaceAndKeepsEveryRecord) {
  EXPECT_EQ(ordered_->unordered_opening_rows(), openings_.size());
  ordered_->ReorderOpenings();
  EXPECT_EQ(ordered_->unordered_opening_rows(), 0u);
  const auto snapshot = ordered_->OpeningSnapshot();
  EXPECT_EQ(snapshot->live_rows, openings_.size());
  std::set<std::string> seen;
  for (const auto& segment : snapshot->segments) {
    uint64_t last = 0;
    const auto& first = *segment->record(0);
    for (int row = 0; row < segment->used_rows; ++row) {
      ASSERT_TRUE(segment->live(row));
      const ResolvedOpening& o = *segment->record(row);
      EXPECT_EQ(o.region_index, first.region_index);  // one bucket per segment
      EXPECT_EQ(o.record.housing_provided, first.record.housing_provided);
      EXPECT_GE(OpeningPlaceKey(o), last);
      last = OpeningPlaceKey(o);
      seen.insert(o.id());
    }
  }
  EXPECT_EQ(seen.size(), openings_.size());
  for (size_t i = 0; i < openings_.size(); i += 97) {
    auto found = ordered_->FindOpening(openings_[i].id);
    ASSERT_NE(found, nullptr);
    EXPECT_EQ(found->record.commune_insee, openings_[i].commune_insee);
  }
}

TEST_F(OpeningPlaceOrderTest, BlocksOutOfReachAreSkippedAndAnswersStayTheSame) {
  int64_t segment_rows = 0;
  const int64_t read_in_arrival_order = ExpectSameAnswers("arrival order", &segment_rows);
  ordered_->ReorderOpenings();
  int64_t segment_rows_ordered = 0;
  const int64_t read_in_place_order = ExpectSameAnswers("ordered", &segment_rows_ordered);
  std::printf("rows read: %lld in arrival order (segments %lld), %lld in place order (segments %lld)\n",
              static_cast<long long>(read_in_arrival_order), static_cast<long long>(segment_rows),
              static_cast<long long>(read_in_place_order), static_cast<long long>(segment_rows_ordered));
  // The blocks let a query read fewer rows than the segments it does not skip hold, and far fewer than
  // in arrival order.
  EXPECT_LT(read_in_place_order, segment_rows_ordered * 3 / 4);
  EXPECT_LT(read_in_place_order, read_in_arrival_order * 3 / 4);

  // Openings move, start or stop providing housing (another bucket), close and arrive: moved rows go to
  // their bucket's tail, and the answers stay the same.
  std::vector<Opening> changed;
  const char* communes[] = {testing::kLyon, testing::kParis, testing::kBobigny};
  for (size_t i = 0; i < openings_.size(); i += 11) {
    Opening o = openings_[i];
    o.commune_insee = communes[i % 3];
    if (i % 2 == 0) o.housing_provided = !o.housing_provided;
    changed.push_back(o);
  }
  Upsert(changed);
  // Each removal rebuilds its segment: one opening in 61, a dozen or more a segment, frees slots in every
  // segment at under half the cost of one in 23.
  size_t removed = 0;
  for (size_t i = 5; i < openings_.size(); i += 61) {
    EXPECT_TRUE(ordered_->RemoveOpening(openings_[i].id));
    EXPECT_TRUE(arrival_->RemoveOpening(openings_[i].id));
    ++removed;
  }
  CohortOptions more = generator_->options();
  more.seed = 18;
  more.openings = 700;
  std::vector<Opening> arrivals;
  for (Opening o : CohortGenerator(SharedReferenceData(), more).Openings()) {
    o.id = "new-" + o.id;
    arrivals.push_back(o);
  }
  Upsert(arrivals);
  EXPECT_GT(ordered_->unordered_opening_rows(), changed.size());
  EXPECT_EQ(ordered_->opening_count(), openings_.size() - removed + arrivals.size());
  ExpectSameAnswers("after writes", &segment_rows);
  ordered_->ReorderOpenings();
  EXPECT_EQ(ordered_->unordered_opening_rows(), 0u);
  EXPECT_EQ(ordered_->opening_count(), arrival_->opening_count());
  int64_t segment_rows_again = 0;
  const int64_t read_again = ExpectSameAnswers("reordered again", &segment_rows_again);
  EXPECT_LT(read_again, segment_rows_again * 3 / 4);
}

// The rows of the blocks a candidate cannot reach are never eligible, whatever their other fields.
TEST_F(OpeningPlaceOrderTest, RowsOfSkippedBlocksExplainAsIneligible) {
  ordered_->ReorderOpenings();
  const auto snapshot = ordered_->OpeningSnapshot();
  int64_t checked = 0;
  for (size_t i = 0; i < candidates_.size(); i += 7) {
    const ResolvedCandidate& c = *candidates_[i];
    for (const auto& segment : snapshot->segments) {
      uint32_t blocks = 0;
      if (scan_internal::OpeningBlocksInReach(c, *segment, &blocks) == 0) continue;
      for (int row = 0; row < segment->used_rows; row += 13) {
        if (blocks & (1u << (row / OpeningSegment::kBlockRows))) continue;
        if (!segment->live(row)) continue;
        auto explanation = ordered_->Explain(c.id(), std::string(segment->id(row)), DefaultScoringProfile());
        ASSERT_TRUE(explanation.ok());
        EXPECT_FALSE(explanation->eligible) << c.id() << " " << segment->id(row);
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 100) << "no block was skipped: the test checks nothing";
}

// Selecting among some blocks gives the rows the whole segment's selection gives in those blocks, in
// the same order.
TEST_F(OpeningPlaceOrderTest, SelectingSomeBlocksIsTheWholeSelectionRestrictedToThem) {
  ordered_->ReorderOpenings();
  const auto snapshot = ordered_->OpeningSnapshot();
  scoring::RowSelection all, some;
  FloatColumn scratch;
  int64_t compared = 0;
  for (size_t i = 0; i < candidates_.size(); i += 5) {
    ResolvedCandidate c = *candidates_[i];
    c.record.relocation_accepted = i % 2 == 0;
    const CandidateRowFeatures features = EncodeCandidateRow(c);
    for (const auto& segment : snapshot->segments) {
      scoring::SelectEligibleOpeningRows(*segment, features, &scratch, &all);
      const std::vector<int32_t> whole(all.rows.begin(), all.rows.begin() + all.count);
      for (uint32_t mask : {0x0001u, 0x8000u, 0x5a5au, 0x0ff0u, 0xffffu, static_cast<uint32_t>(i * 2654435761u) & 0xffffu}) {
        scoring::SelectEligibleOpeningRows(*segment, features, mask, &scratch, &some);
        std::vector<int32_t> want;
        for (int32_t row : whole) {
          if (mask & (1u << (row / OpeningSegment::kBlockRows))) want.push_back(row);
        }
        const std::vector<int32_t> got(some.rows.begin(), some.rows.begin() + some.count);
        ASSERT_EQ(got, want) << c.id() << " mask " << mask;
        for (size_t k = 0; k < got.size(); ++k) {
          EXPECT_EQ(some.slot[got[k]], static_cast<int32_t>(k + 1)) << got[k];  // block row + 1
          EXPECT_GE(got[k], some.begin_row);
          EXPECT_LT(got[k], some.end_row);
        }
        compared += static_cast<int64_t>(got.size());
      }
    }
  }
  EXPECT_GT(compared, 1000);
}

// The same rule whether the reorder runs on the writer's thread or on the index's own (then waited for).
TEST(OpeningReorderPolicyTest, AWriteReordersOncePastBothThresholds) {
  for (const bool background : {false, true}) {
    SCOPED_TRACE(background ? "background reorders" : "reorders on the writer's thread");
    MatchIndexOptions options;
    options.opening_reorder_min_rows = 500;
    options.opening_reorder_fraction = 0.5;
    options.background_reorders = background;
    MatchIndex index(SharedReferenceData(), options);
    CohortOptions cohort;
    cohort.openings = 1200;
    CohortGenerator generator(SharedReferenceData(), cohort);
    std::vector<std::shared_ptr<const ResolvedOpening>> resolved;
    for (const Opening& o : generator.Openings()) resolved.push_back(*index.ResolveOpening(o));
    const auto all = absl::MakeConstSpan(resolved);
    const auto unordered_after = [&](absl::Span<const std::shared_ptr<const ResolvedOpening>> rows) {
      index.UpsertOpenings(rows);
      index.WaitForReorders();
      return index.unordered_opening_rows();
    };
    EXPECT_EQ(unordered_after(all.subspan(0, 400)), 400u);    // under the row threshold
    EXPECT_EQ(unordered_after(all.subspan(400, 200)), 0u);    // 600 rows out of order: past both
    EXPECT_EQ(unordered_after(all.subspan(600, 550)), 550u);  // 550 of 1,150: under half
    EXPECT_EQ(unordered_after(all.subspan(1150, 50)), 0u);    // 600 of 1,200: half
    EXPECT_EQ(index.opening_count(), 1200u);
    // A bulk load pauses them and reorders once at the end.
    MatchIndex loading(SharedReferenceData(), options);
    loading.PauseOpeningReorders(true);
    loading.UpsertOpenings(all);
    EXPECT_EQ(loading.unordered_opening_rows(), 1200u);
    loading.PauseOpeningReorders(false);
    loading.ReorderOpenings();
    EXPECT_EQ(loading.unordered_opening_rows(), 0u);
  }
}

}  // namespace
}  // namespace passerelle::engine::opening_place_order_test
