// Candidate segments with 64-row block summaries (CandidateSegment::blocks, CandidateBlocksInReach): an
// opening's query without near-misses reads only the blocks within its reach, which changes the rows it
// reads, never what it answers. Checked on a generated cohort in place order, before and after people
// move (and change their mind about moving), leave and arrive, and after a reorder, for every opening with
// its housing as stored and flipped: the same matches as the full scan (near-misses asked: every row
// scored) and as an index in arrival order, bit for bit, with the same explanations and eligible count;
// `scored` is every live row less those of the segments and blocks skipped; the rows of skipped blocks
// explain as ineligible; and the summaries hold for the rows they cover.
#include <algorithm>
#include <set>

#include "engine/columns/place_order.h"
#include "engine/index/match_index.h"
#include "engine/index/segment_scan.h"
#include "engine/sample/cohort_generator.h"
#include "engine/scoring/row_selection.h"
#include "gtest/gtest.h"
#include "tests/engine/same_ranking.h"
#include "tests/engine/test_fixtures.h"

namespace passerelle::engine::candidate_blocks_test {
namespace {

using ::passerelle::engine::testing::ExpectSameList;
using ::passerelle::engine::testing::SameBits;
using ::passerelle::engine::testing::SharedReferenceData;

// The numbers and sentences of two explanations of the same pair.
void ExpectSameExplanation(const Explanation& a, const Explanation& b, const std::string& what) {
  EXPECT_EQ(a.candidate_id, b.candidate_id) << what;
  EXPECT_EQ(a.opening_id, b.opening_id) << what;
  EXPECT_EQ(a.eligible, b.eligible) << what;
  EXPECT_EQ(a.near_miss, b.near_miss) << what;
  EXPECT_TRUE(SameBits(a.total, b.total)) << what;
  EXPECT_TRUE(SameBits(a.distance_km, b.distance_km)) << what;
  for (int k = 0; k < kCriterionCount; ++k) {
    EXPECT_TRUE(SameBits(a.criteria[k].score, b.criteria[k].score)) << what << " criterion " << k;
    EXPECT_TRUE(SameBits(a.criteria[k].contribution, b.criteria[k].contribution)) << what << " criterion " << k;
    EXPECT_EQ(a.criteria[k].reason.fr, b.criteria[k].reason.fr) << what << " criterion " << k;
    EXPECT_EQ(a.criteria[k].reason.en, b.criteria[k].reason.en) << what << " criterion " << k;
  }
  ASSERT_EQ(a.blockers.size(), b.blockers.size()) << what;
  for (size_t i = 0; i < a.blockers.size(); ++i) EXPECT_EQ(a.blockers[i].code, b.blockers[i].code) << what;
  EXPECT_EQ(a.missing_required_skills, b.missing_required_skills) << what;
  EXPECT_EQ(a.missing_desired_skills, b.missing_desired_skills) << what;
  EXPECT_EQ(a.missing_core_skills, b.missing_core_skills) << what;
  EXPECT_EQ(a.ready_day, b.ready_day) << what;
  EXPECT_EQ(a.route.size(), b.route.size()) << what;
}

class CandidateBlocksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MatchIndexOptions never;
    never.candidate_reorder_min_rows = 0;
    ordered_ = std::make_unique<MatchIndex>(SharedReferenceData(), never);
    arrival_ = std::make_unique<MatchIndex>(SharedReferenceData(), never);
    CohortOptions options;
    options.seed = 23;
    options.candidates = 5 * CandidateSegment::kRows + 300;
    options.openings = 120;
    generator_ = std::make_unique<CohortGenerator>(SharedReferenceData(), options);
    for (const Candidate& c : generator_->Candidates()) candidates_.push_back(c);
    Upsert(candidates_);
    for (const Opening& o : generator_->Openings()) openings_.push_back(*ordered_->ResolveOpening(o));
    ordered_->UpsertOpenings(openings_);
    arrival_->UpsertOpenings(openings_);
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

  // Every block summary against the rows it covers: live rows counted, each within the block's reach of
  // its centre, movers flagged; blocks past used_rows empty.
  void ExpectSummariesHold(const std::string& when) {
    for (const auto& segment : ordered_->CandidateSnapshot()->segments) {
      int live = 0;
      for (int b = 0; b < CandidateSegment::kBlocks; ++b) {
        const CandidateSegment::Summary& block = segment->blocks[b];
        int rows = 0;
        bool movers = false;
        for (int row = b * CandidateSegment::kBlockRows;
             row < std::min(segment->used_rows, (b + 1) * CandidateSegment::kBlockRows); ++row) {
          if (!segment->live(row)) continue;
          ++rows;
          movers |= segment->relocation_accepted[row] > 0.5f;
          const UnitVector at{segment->x[row], segment->y[row], segment->z[row]};
          EXPECT_LE(GreatCircleKm(block.center, at) + segment->radius_km[row], block.max_reach_km) << when;
        }
        EXPECT_EQ(block.live_rows, rows) << when << " block " << b;
        EXPECT_EQ(block.any_relocating, movers) << when << " block " << b;
        live += rows;
      }
      EXPECT_EQ(segment->summary.live_rows, live) << when;
    }
  }

  // The live rows a query for `opening` skips: those of the segments skipped whole and of the blocks out
  // of reach of the others, from the summaries (the rule of CandidateSegmentOutOfReach).
  int64_t SkippedRows(const MatchIndex::CandidateTable::Snapshot& snapshot, const ResolvedOpening& opening,
                      int64_t* segment_rows) {
    int64_t skipped = 0;
    const bool housing = opening.record.housing_provided;
    for (const auto& segment : snapshot.segments) {
      if (segment->used_rows == 0) continue;
      if (CandidateSegmentOutOfReach(segment->summary, opening.position, housing)) {
        skipped += segment->summary.live_rows;
        continue;
      }
      *segment_rows += segment->summary.live_rows;
      for (const CandidateSegment::Summary& block : segment->blocks) {
        if (block.live_rows > 0 && CandidateSegmentOutOfReach(block, opening.position, housing)) {
          skipped += block.live_rows;
        }
      }
    }
    return skipped;
  }

  // Every opening, as stored and with its housing flipped, gets the same answers from the block-pruned
  // scan, the full scan and the arrival-order index. Returns the rows the pruned scans read (`scored`);
  // `segment_rows` gets the live rows of the segments they did not skip whole.
  int64_t ExpectSameAnswers(const std::string& when, int64_t* segment_rows) {
    MatchQuery selected;
    selected.k = 40;
    selected.explain = true;
    MatchQuery near = selected;
    near.near_misses = 10;  // every row scored, nothing skipped
    int64_t read = 0, eligible = 0, housing = 0, explained = 0;
    *segment_rows = 0;
    const auto snapshot = ordered_->CandidateSnapshot();
    for (const auto& stored : openings_) {
      for (bool flip : {false, true}) {
        ResolvedOpening opening = *stored;
        if (flip) opening.record.housing_provided = !opening.record.housing_provided;
        housing += opening.record.housing_provided;
        const std::string what = when + " " + opening.id() + (flip ? " housing flipped" : "");
        auto a = ordered_->MatchCandidatesFor(opening, selected, DefaultScoringProfile());
        auto full = ordered_->MatchCandidatesFor(opening, near, DefaultScoringProfile());
        auto b = arrival_->MatchCandidatesFor(opening, selected, DefaultScoringProfile());
        if (!(a.ok() && b.ok() && full.ok())) {
          ADD_FAILURE() << "query failed for " << what;
          continue;
        }
        ExpectSameList(a->matches, full->matches, what + " full scan");
        ExpectSameList(a->matches, b->matches, what + " arrival order");
        for (size_t i = 0; i < a->matches.size() && i < full->matches.size(); ++i) {
          if (a->matches[i].explanation == nullptr || full->matches[i].explanation == nullptr) {
            ADD_FAILURE() << what << ": no explanation at rank " << i;
            continue;
          }
          ExpectSameExplanation(*a->matches[i].explanation, *full->matches[i].explanation,
                                what + " rank " + std::to_string(i));
          ++explained;
        }
        // The full scan skips nothing: an eligible row in a skipped block would make these differ.
        EXPECT_EQ(a->eligible, full->eligible) << what;
        EXPECT_EQ(a->eligible, b->eligible) << what;
        EXPECT_EQ(full->scored, static_cast<int64_t>(snapshot->live_rows)) << what;
        int64_t rows = 0;
        EXPECT_EQ(a->scored, static_cast<int64_t>(snapshot->live_rows) - SkippedRows(*snapshot, opening, &rows))
            << what;
        *segment_rows += rows;
        read += a->scored;
        eligible += a->eligible;
      }
    }
    EXPECT_GT(housing, 20) << "too few queries with housing";
    EXPECT_GT(eligible, 500) << "too few eligible pairs: the comparison checks little";
    EXPECT_GT(explained, 500);
    return read;
  }

  std::unique_ptr<CohortGenerator> generator_;
  std::vector<Candidate> candidates_;
  std::vector<std::shared_ptr<const ResolvedOpening>> openings_;
  std::unique_ptr<MatchIndex> ordered_;  // reordered by the tests
  std::unique_ptr<MatchIndex> arrival_;  // rows in arrival order
};

// In place order, then after writes and a reorder: two tests, which CTest runs side by side.
TEST_F(CandidateBlocksTest, BlockPrunedScansAnswerAsTheFullScanInPlaceOrder) {
  ordered_->ReorderCandidates();
  ExpectSummariesHold("ordered");
  int64_t segment_rows = 0;
  const int64_t read = ExpectSameAnswers("ordered", &segment_rows);
  std::printf("rows read: %lld, the segments not skipped hold %lld\n", static_cast<long long>(read),
              static_cast<long long>(segment_rows));
  // The blocks let a query read fewer rows than the segments it does not skip hold.
  EXPECT_LT(read, segment_rows * 3 / 4);
}

TEST_F(CandidateBlocksTest, BlockPrunedScansAnswerAsTheFullScanAfterWritesAndAReorder) {
  ordered_->ReorderCandidates();
  // People move (some now willing to relocate, some no longer), leave and arrive: moved rows go to the
  // tail, freed slots stay empty (their blocks' summaries shrink), and the answers stay the same. (Each
  // removal copies its segment: one row in 97, some forty a segment, costs a fifth of one in 19 and
  // still frees slots in every segment.)
  std::vector<Candidate> moved;
  const char* communes[] = {testing::kLyon, testing::kParis, testing::kBobigny};
  for (size_t i = 0; i < candidates_.size(); i += 13) {
    Candidate c = candidates_[i];
    c.commune_insee = communes[i % 3];
    if (i % 2 == 0) c.relocation_accepted = !c.relocation_accepted;
    moved.push_back(c);
  }
  Upsert(moved);
  int64_t removed = 0;
  for (size_t i = 3; i < candidates_.size(); i += 97) {
    EXPECT_TRUE(ordered_->RemoveCandidate(candidates_[i].id));
    EXPECT_TRUE(arrival_->RemoveCandidate(candidates_[i].id));
    ++removed;
  }
  CohortOptions more = generator_->options();
  more.seed = 24;
  more.candidates = 1500;
  std::vector<Candidate> arrivals;
  for (Candidate c : CohortGenerator(SharedReferenceData(), more).Candidates()) {
    c.id = "new-" + c.id;
    arrivals.push_back(c);
  }
  Upsert(arrivals);
  EXPECT_GT(ordered_->unordered_candidate_rows(), moved.size());
  EXPECT_EQ(ordered_->candidate_count(), candidates_.size() - removed + arrivals.size());
  ExpectSummariesHold("after writes");
  int64_t segment_rows = 0;
  ExpectSameAnswers("after writes", &segment_rows);
  ordered_->ReorderCandidates();
  EXPECT_EQ(ordered_->unordered_candidate_rows(), 0u);
  EXPECT_EQ(ordered_->candidate_count(), arrival_->candidate_count());
  ExpectSummariesHold("reordered again");
  const int64_t read_again = ExpectSameAnswers("reordered again", &segment_rows);
  EXPECT_LT(read_again, segment_rows * 3 / 4);
}

// The rows of the blocks an opening cannot reach are never eligible, whatever their other fields.
TEST_F(CandidateBlocksTest, RowsOfSkippedBlocksExplainAsIneligible) {
  ordered_->ReorderCandidates();
  const auto snapshot = ordered_->CandidateSnapshot();
  int64_t checked = 0;
  for (size_t i = 0; i < openings_.size(); i += 3) {
    const ResolvedOpening& o = *openings_[i];
    for (const auto& segment : snapshot->segments) {
      if (scan_internal::CannotBeEligible(o, segment->summary)) continue;
      uint64_t blocks = 0;
      if (scan_internal::CandidateBlocksInReach(o, *segment, &blocks) == 0) continue;
      for (int row = static_cast<int>(i % 11); row < segment->used_rows; row += 11) {
        if ((blocks >> (row / CandidateSegment::kBlockRows)) & 1) continue;
        if (!segment->live(row)) continue;
        auto explanation = ordered_->Explain(std::string(segment->id(row)), o.id(), DefaultScoringProfile());
        ASSERT_TRUE(explanation.ok());
        EXPECT_FALSE(explanation->eligible) << segment->id(row) << " in a skipped block for " << o.id();
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 100) << "no block was skipped: the test checks nothing";
}

// Selecting among some blocks gives the rows the whole segment's selection gives in those blocks, in
// the same order, with their slots (the last block and runs across bit 63 included).
TEST_F(CandidateBlocksTest, SelectingSomeBlocksIsTheWholeSelectionRestrictedToThem) {
  ordered_->ReorderCandidates();
  const auto snapshot = ordered_->CandidateSnapshot();
  scoring::RowSelection all, some;
  FloatColumn scratch;
  int64_t compared = 0;
  for (size_t i = 0; i < openings_.size(); i += 4) {
    ResolvedOpening o = *openings_[i];
    o.record.housing_provided = i % 8 == 0;
    const OpeningRowFeatures features = EncodeOpeningRow(o);
    for (const auto& segment : snapshot->segments) {
      scoring::SelectEligibleCandidateRows(*segment, features, &scratch, &all);
      const std::vector<int32_t> whole(all.rows.begin(), all.rows.begin() + all.count);
      for (uint64_t mask : {uint64_t{1}, uint64_t{1} << 63, uint64_t{0xc000'0000'0000'0003}, uint64_t{0x5a5a'0ff0'f00f'a5a5},
                            ~uint64_t{0}, uint64_t{0}, (i + 1) * uint64_t{0x9e37'79b9'7f4a'7c15}}) {
        scoring::SelectEligibleCandidateRows(*segment, features, mask, &scratch, &some);
        std::vector<int32_t> want;
        for (int32_t row : whole) {
          if ((mask >> (row / CandidateSegment::kBlockRows)) & 1) want.push_back(row);
        }
        const std::vector<int32_t> got(some.rows.begin(), some.rows.begin() + some.count);
        ASSERT_EQ(got, want) << o.id() << " mask " << mask;
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

}  // namespace
}  // namespace passerelle::engine::candidate_blocks_test
