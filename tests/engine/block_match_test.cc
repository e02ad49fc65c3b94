// Block matching (engine/index/block_match.h) and Rerank, which uses it, give every candidate exactly
// what MatchOpeningsIn gives on its own: the same top-k ids, scores and order, and the same count of
// pairs scored, on a generated cohort with movers, candidates without the right to work, occupation,
// owner, département and visibility filters, and blocks of candidates far apart; and with the rows below
// a candidate's top k skipped (BlockMatchOptions), the same rankings as scoring every row, ties included.
#include "engine/index/block_match.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "engine/batch/rerank.h"
#include "engine/index/segment_scan.h"
#include "engine/sample/cohort_generator.h"
#include "engine/scoring/criteria_walks.h"
#include "engine/scoring/kernel_dispatch.h"
#include "gtest/gtest.h"
#include "tests/engine/test_fixtures.h"

namespace passerelle::engine::block_match_test {
namespace {

constexpr int kCandidates = testing::kUnderAddressSanitizer ? 1000 : 3000;
constexpr int kOpenings = 3000;  // several 1,024-row segments in the busiest régions

class BlockMatchTest : public ::testing::Test {
 protected:
  BlockMatchTest() : index_(testing::SharedReferenceData()) {
    CohortOptions cohort;
    cohort.candidates = kCandidates;
    cohort.openings = kOpenings;
    CohortGenerator generator(testing::SharedReferenceData(), cohort);
    std::vector<std::shared_ptr<const ResolvedCandidate>> candidates;
    for (int i = 0; i < kCandidates; ++i) {
      Candidate c = generator.MakeCandidate(i);
      c.relocation_accepted = c.relocation_accepted || i % 5 == 0;  // movers reach every housing segment
      c.right_to_work = c.right_to_work && i % 13 != 0;
      c.owner_id = i % 3 == 0 ? "agence-a" : (i % 3 == 1 ? "agence-b" : "agence-c");
      c.shared_with_employers = i % 7 == 0;
      candidates.push_back(*index_.ResolveCandidate(c));
    }
    index_.UpsertCandidates(candidates);
    candidates_ = candidates;
    index_.ReorderCandidates();
    std::vector<std::shared_ptr<const ResolvedOpening>> openings;
    for (int i = 0; i < kOpenings; ++i) openings.push_back(*index_.ResolveOpening(generator.MakeOpening(i)));
    index_.UpsertOpenings(openings);
  }

  // Rerank's rankings, checked one by one against MatchOpeningsIn with the same query.
  void ExpectRerankEqualsMatchOpenings(RerankOptions options, int64_t* ranked) {
    options.opening_snapshot = index_.OpeningSnapshot();
    std::map<std::string, std::vector<ScoredMatch>> rankings;
    RerankProgress last;
    absl::Status s = Rerank(index_, DefaultScoringProfile(), options,
                            [&](CandidateRanking r) { rankings[r.candidate_id] = std::move(r.matches); },
                            [&](const RerankProgress& p) { last = p; });
    ASSERT_TRUE(s.ok()) << s;
    *ranked = static_cast<int64_t>(rankings.size());
    ASSERT_EQ(last.candidates_done, *ranked);
    MatchQuery q;
    q.k = options.k;
    q.explain = false;
    q.occupations = options.occupations;
    int64_t scored = 0;
    for (const auto& [id, matches] : rankings) {
      auto direct = index_.MatchOpeningsIn(*options.opening_snapshot, *index_.FindCandidate(id), q,
                                           DefaultScoringProfile());
      ASSERT_TRUE(direct.ok()) << direct.status();
      scored += direct->scored;
      ExpectSameMatches(matches, direct->matches, id);
    }
    EXPECT_EQ(last.pairs_scored, scored);
    EXPECT_EQ(last.pairs_scored + last.pairs_pruned, *ranked * kOpenings);
  }

  static void ExpectSameMatches(const std::vector<ScoredMatch>& got, const std::vector<ScoredMatch>& want,
                                const std::string& id) {
    ASSERT_EQ(got.size(), want.size()) << id;
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].id, want[i].id) << id << " rank " << i;
      EXPECT_EQ(got[i].total, want[i].total) << id << " rank " << i;
      EXPECT_EQ(got[i].distance_km, want[i].distance_km) << id << " rank " << i;
      EXPECT_EQ(got[i].criteria, want[i].criteria) << id << " rank " << i;
    }
  }

  MatchIndex index_;
  std::vector<std::shared_ptr<const ResolvedCandidate>> candidates_;  // in generation order: all over France
};

TEST_F(BlockMatchTest, RerankEqualsMatchOpeningsForEveryCandidate) {
  RerankOptions options;
  options.k = 20;
  int64_t ranked = 0;
  ExpectRerankEqualsMatchOpenings(options, &ranked);
  EXPECT_EQ(ranked, kCandidates);
}

TEST_F(BlockMatchTest, EqualWithSmallAndLargeBlocks) {
  for (const int block : {1, 7, 4096}) {
    RerankOptions options;
    options.k = 50;  // deep lists: ties on score are broken by id in both paths
    options.block_candidates = block;
    int64_t ranked = 0;
    ExpectRerankEqualsMatchOpenings(options, &ranked);
    EXPECT_EQ(ranked, kCandidates) << block;
  }
}

TEST_F(BlockMatchTest, EqualUnderOccupationOwnerDepartementAndVisibilityFilters) {
  RerankOptions options;
  options.occupations = {"F", "G16", "K2204"};
  int64_t ranked = 0;
  ExpectRerankEqualsMatchOpenings(options, &ranked);
  EXPECT_EQ(ranked, kCandidates);

  options = RerankOptions{};
  options.owner_id = "agence-b";
  options.departements = {"93", "75", "13", "69"};
  ExpectRerankEqualsMatchOpenings(options, &ranked);
  EXPECT_GT(ranked, 0);
  EXPECT_LT(ranked, kCandidates / 3);

  options = RerankOptions{};
  options.visibility.restricted = true;
  options.visibility.owner_ids = {"agence-c"};
  options.visibility.include_shared_with_employers = true;
  ExpectRerankEqualsMatchOpenings(options, &ranked);
  EXPECT_GT(ranked, kCandidates / 3);
  EXPECT_LT(ranked, kCandidates / 2);
}

// A block whose candidates are spread over the whole country and overseas (no useful center) and a
// block of two far-apart cities: the block's segment test must skip nothing a candidate reaches.
TEST_F(BlockMatchTest, BlocksStraddlingFarApartPlacesMatchEachCandidate) {
  const auto openings = index_.OpeningSnapshot();
  MatchQuery q;
  q.k = 30;
  q.explain = false;
  auto matcher = OpeningBlockMatcher::Create(index_, openings, q, DefaultScoringProfile());
  ASSERT_TRUE(matcher.ok()) << matcher.status();

  std::vector<std::shared_ptr<const ResolvedCandidate>> everywhere;
  for (int i = 0; i < kCandidates; i += 37) everywhere.push_back(candidates_[i]);
  std::vector<std::shared_ptr<const ResolvedCandidate>> two_cities;
  const char* communes[] = {"59350", "13055"};  // Lille, Marseille: ~835 km apart
  for (int i = 0; i < 40; ++i) {
    Candidate c = testing::MasonCandidate("far-" + std::to_string(i));
    c.commune_insee = communes[i % 2];
    c.right_to_work = true;
    c.relocation_accepted = false;
    two_cities.push_back(*index_.ResolveCandidate(c));
  }
  // Without the bound below the top k, every eligible row is scored and counted, as MatchOpeningsIn does.
  auto every_row = OpeningBlockMatcher::Create(index_, openings, q, DefaultScoringProfile(),
                                               BlockMatchOptions{.skip_rows_below_top_k = false});
  ASSERT_TRUE(every_row.ok()) << every_row.status();
  for (const auto* group : {&everywhere, &two_cities}) {
    std::vector<const ResolvedCandidate*> block;
    for (const auto& c : *group) block.push_back(c.get());
    std::vector<MatchResult> results, all_rows;
    (*matcher)->Match(block, &results);
    (*every_row)->Match(block, &all_rows);
    ASSERT_EQ(results.size(), block.size());
    int with_matches = 0;
    for (size_t i = 0; i < block.size(); ++i) {
      auto direct = index_.MatchOpeningsIn(*openings, *block[i], q, DefaultScoringProfile());
      ASSERT_TRUE(direct.ok());
      EXPECT_EQ(results[i].scored, direct->scored) << block[i]->id();
      EXPECT_LE(results[i].eligible, direct->eligible) << block[i]->id();
      EXPECT_EQ(all_rows[i].eligible, direct->eligible) << block[i]->id();
      ExpectSameMatches(all_rows[i].matches, direct->matches, block[i]->id());
      ExpectSameMatches(results[i].matches, direct->matches, block[i]->id());
      with_matches += !results[i].matches.empty();
    }
    EXPECT_GT(with_matches, 0);
  }
}

// A block of neighbours skips the segments far from all of them, and still matches each one exactly.
TEST_F(BlockMatchTest, NeighboursShareTheSkippedSegments) {
  const auto openings = index_.OpeningSnapshot();
  MatchQuery q;
  q.explain = false;
  auto matcher = OpeningBlockMatcher::Create(index_, openings, q, DefaultScoringProfile());
  ASSERT_TRUE(matcher.ok()) << matcher.status();
  std::vector<std::shared_ptr<const ResolvedCandidate>> lyon;
  std::vector<const ResolvedCandidate*> block;
  for (int i = 0; i < 16; ++i) {
    Candidate c = testing::MasonCandidate("lyon-" + std::to_string(i));
    c.commune_insee = "69123";
    c.right_to_work = true;
    c.relocation_accepted = false;
    lyon.push_back(*index_.ResolveCandidate(c));
    block.push_back(lyon.back().get());
  }
  std::vector<MatchResult> results;
  (*matcher)->Match(block, &results);
  EXPECT_GT((*matcher)->block_pruned_segments(), 0);
  for (size_t i = 0; i < block.size(); ++i) {
    auto direct = index_.MatchOpeningsIn(*openings, *block[i], q, DefaultScoringProfile());
    ASSERT_TRUE(direct.ok());
    EXPECT_EQ(results[i].scored, direct->scored);
    ExpectSameMatches(results[i].matches, direct->matches, block[i]->id());
  }
}

// The bound below the top k on movers reaching housing openings all over France, short lists (a high
// k-th best, so many rows skipped) and ties on score (copies of housing openings, same scores, ranked by
// id): the rows it skips change no ranking, and the rows read stay MatchOpeningsIn's.
TEST_F(BlockMatchTest, RowsBelowTheTopKAreSkippedWithoutChangingAnyRanking) {
  CohortOptions cohort;
  cohort.candidates = kCandidates;
  cohort.openings = kOpenings;
  CohortGenerator generator(testing::SharedReferenceData(), cohort);
  std::vector<std::shared_ptr<const ResolvedOpening>> copies;
  for (int i = 0; i < 300; ++i) {
    Opening o = generator.MakeOpening(i);
    o.housing_provided = true;
    for (int copy = 0; copy < 3; ++copy) {
      Opening twin = o;
      twin.id = o.id + "-twin-" + std::to_string(copy);
      copies.push_back(*index_.ResolveOpening(twin));
    }
  }
  index_.UpsertOpenings(copies);
  const auto openings = index_.OpeningSnapshot();
  for (const int k : {1, 3, 10, 50}) {
    MatchQuery q;
    q.k = k;
    q.explain = false;
    auto bounded = OpeningBlockMatcher::Create(index_, openings, q, DefaultScoringProfile());
    auto every_row = OpeningBlockMatcher::Create(index_, openings, q, DefaultScoringProfile(),
                                                 BlockMatchOptions{.skip_rows_below_top_k = false});
    ASSERT_TRUE(bounded.ok() && every_row.ok());
    int64_t skipped = 0, ties_at_the_end = 0;
    // Blocks of candidates in generation order: all over France, a fifth of them movers.
    for (int first = 0; first < kCandidates; first += 128) {
      std::vector<const ResolvedCandidate*> block;
      for (int i = first; i < std::min(kCandidates, first + 128); ++i) block.push_back(candidates_[i].get());
      std::vector<MatchResult> with_bound, without_bound;
      (*bounded)->Match(block, &with_bound);
      (*every_row)->Match(block, &without_bound);
      for (size_t i = 0; i < block.size(); ++i) {
        skipped += (*bounded)->rows_below_top_k(i);
        EXPECT_EQ((*every_row)->rows_below_top_k(i), 0);
        EXPECT_EQ(with_bound[i].scored, without_bound[i].scored) << block[i]->id();
        ExpectSameMatches(with_bound[i].matches, without_bound[i].matches, block[i]->id());
        const auto& m = with_bound[i].matches;
        ties_at_the_end += m.size() >= 2 && m[m.size() - 1].total == m[m.size() - 2].total;
        if ((first / 128 + static_cast<int>(i)) % 10 != 0) continue;  // MatchOpeningsIn on a tenth
        auto direct = index_.MatchOpeningsIn(*openings, *block[i], q, DefaultScoringProfile());
        ASSERT_TRUE(direct.ok());
        EXPECT_EQ(with_bound[i].scored, direct->scored) << block[i]->id();
        ExpectSameMatches(with_bound[i].matches, direct->matches, block[i]->id());
      }
    }
    EXPECT_GT(skipped, 0) << "k " << k;
    if (k > 1) {
      EXPECT_GT(ties_at_the_end, 0) << "k " << k;  // the k-th best tied: the bound must keep those
    }
  }

  // Rerank with and without the bound: same rankings, and the skipped rows are counted.
  RerankOptions options;
  options.k = 5;
  options.opening_snapshot = openings;
  std::map<std::string, std::vector<ScoredMatch>> rankings[2];
  RerankProgress last[2];
  for (const bool bound : {true, false}) {
    options.skip_rows_below_top_k = bound;
    ASSERT_TRUE(Rerank(index_, DefaultScoringProfile(), options,
                       [&](CandidateRanking r) { rankings[bound][r.candidate_id] = std::move(r.matches); },
                       [&](const RerankProgress& p) { last[bound] = p; })
                    .ok());
  }
  EXPECT_GT(last[true].pairs_below_top_k, 0);
  EXPECT_EQ(last[false].pairs_below_top_k, 0);
  EXPECT_EQ(last[true].pairs_scored, last[false].pairs_scored);
  EXPECT_EQ(last[true].pairs_pruned, last[false].pairs_pruned);
  ASSERT_EQ(rankings[true].size(), rankings[false].size());
  for (const auto& [id, matches] : rankings[true]) ExpectSameMatches(matches, rankings[false][id], id);
}

// The bound below the top k itself (block_match_internal::FillRowBound, then
// scoring::DropOpeningRowsBelow on every vector path this CPU runs) is at least the kernel's total of
// every eligible row: with the threshold at the total of one of a segment's eligible rows, every eligible
// row scoring at least that much is kept, with its walked values and slot, for candidates all over
// France (a fifth of them movers reaching every housing segment). A bound that is too tight anywhere
// (0.9 times the sum, or 0.005 below it) fails here even where it would not change a top k.
TEST_F(BlockMatchTest, TheRowBoundIsAtLeastEveryEligibleRowsTotalOnEveryPath) {
  using scan_internal::OpeningRows;
  const std::string original(scoring::ActiveKernelPathName());
  const auto openings = index_.OpeningSnapshot();
  const scoring::KernelParams params = scoring::MakeKernelParams(DefaultScoringProfile());
  for (const scoring::KernelPath* path : scoring::SupportedKernelPaths()) {
    ASSERT_TRUE(scoring::UseKernelPath(path->name).ok());
    int64_t thresholds = 0, rows_checked = 0, dropped = 0;
    scan_internal::ScanScratch<scoring::OpeningBlock> w;
    FloatColumn scratch;
    for (size_t c = 0; c < candidates_.size(); c += 5) {
      const ResolvedCandidate& candidate = *candidates_[c];
      if (!candidate.record.right_to_work) continue;
      const CandidateRowFeatures features = EncodeCandidateRow(candidate);
      const std::vector<float> best = scoring::BestOccupationScoresFrom(index_.relations(), candidate);
      for (const auto& segment_ptr : openings->segments) {
        const OpeningSegment& segment = *segment_ptr;
        if (segment.used_rows == 0 || scan_internal::CannotBeEligible(candidate, segment.summary)) continue;
        uint32_t blocks = 0;
        scan_internal::OpeningBlocksInReach(candidate, segment, &blocks);
        if (blocks == 0) continue;
        OpeningRows::Select(segment, features, blocks, &w.keep, &w.selection);
        if (w.selection.count == 0) continue;
        OpeningRows::Walk(segment, candidate, best, w.selection, params.score_experience, &w.walked);
        OpeningRows::Gather(segment, w.selection, &w.block);
        OpeningRows::Score(w.block, features, w.selection.padded(), w.walked, params, &w.scores);
        struct Eligible {
          float total;
          int32_t row;
          float occupation, skills;
        };
        std::vector<Eligible> eligible;
        for (int i = 0; i < w.selection.count; ++i) {
          if (w.scores.blockers[i] != 0) continue;
          eligible.push_back({w.scores.total[i], w.selection.rows[i], w.walked.occupation[i], w.walked.skills[i]});
        }
        if (eligible.empty()) continue;
        std::sort(eligible.begin(), eligible.end(), [](const Eligible& a, const Eligible& b) { return a.total > b.total; });
        // The best row's total, then about seven more down the list.
        for (size_t t = 0; t < eligible.size(); t += std::max<size_t>(1, eligible.size() / 7)) {
          const float threshold = eligible[t].total;
          scoring::RowSelection selection = w.selection;
          scoring::WalkedCriteria walked = w.walked;
          scoring::OpeningRowBound bound;
          block_match_internal::FillRowBound(segment, candidate, features, params, threshold, 0,
                                             OpeningSegment::kBlocks, &bound);
          const int64_t count = selection.count;
          const int64_t drops = scoring::DropOpeningRowsBelow(segment, bound, &scratch, &selection, &walked);
          ASSERT_EQ(drops, count - selection.count);
          dropped += drops;
          ++thresholds;
          std::map<int32_t, int> kept;  // row -> its place among the rows kept
          for (int i = 0; i < selection.count; ++i) {
            kept[selection.rows[i]] = i;
            if (i > 0) {
              ASSERT_LT(selection.rows[i - 1], selection.rows[i]);
            }
          }
          for (int row = 0; row < segment.used_rows; ++row) {
            const auto it = kept.find(row);
            ASSERT_EQ(selection.slot[row], it == kept.end() ? 0 : it->second + 1) << path->name << " row " << row;
          }
          for (const Eligible& e : eligible) {
            if (e.total < threshold) continue;
            ++rows_checked;
            const auto it = kept.find(e.row);
            ASSERT_NE(it, kept.end()) << path->name << ": " << candidate.id() << " row " << e.row << " total "
                                      << e.total << " dropped at threshold " << threshold;
            EXPECT_EQ(walked.occupation[it->second], e.occupation);
            EXPECT_EQ(walked.skills[it->second], e.skills);
          }
          for (int i = selection.count; i < selection.padded(); ++i) {
            EXPECT_EQ(walked.occupation[i], 0.0f);
            EXPECT_EQ(walked.skills[i], 0.0f);
          }
        }
      }
    }
    EXPECT_GT(thresholds, 1000) << path->name;
    EXPECT_GT(rows_checked, thresholds) << path->name;
    EXPECT_GT(dropped, 0) << path->name;  // the bound does drop rows
  }
  ASSERT_TRUE(scoring::UseKernelPath(original).ok());
}

// Segment-major (each segment against every candidate of the block in turn, the default) and one
// candidate at a time visit each candidate's segments in the same order, and the kernel scores a row the
// same whether it reads the selected rows in place or gathered: the same rankings (bit for bit), the same
// rows read, the same eligible rows counted and the same rows skipped below the top k, candidate by
// candidate, for blocks of neighbours (place order, with movers) and blocks spread all over France.
TEST_F(BlockMatchTest, SegmentMajorAndRowsInPlaceEqualOneCandidateAtATimeGathered) {
  const auto openings = index_.OpeningSnapshot();
  std::vector<std::shared_ptr<const ResolvedCandidate>> unpacked;  // records unpacked from the table
  std::vector<const ResolvedCandidate*> place_order;
  for (const auto& segment : index_.CandidateSnapshot()->segments) {
    for (int row = 0; row < segment->used_rows; ++row) {
      if (!segment->live(row)) continue;
      unpacked.push_back(segment->record(row));
      place_order.push_back(unpacked.back().get());
    }
  }
  std::vector<const ResolvedCandidate*> generation_order;
  for (const auto& c : candidates_) generation_order.push_back(c.get());
  ASSERT_EQ(place_order.size(), generation_order.size());
  // The reference: one candidate at a time, selected rows always gathered (the path before both).
  const BlockMatchOptions reference{.segment_major = false, .in_place_fraction = 2};
  const BlockMatchOptions variants[3] = {
      {},                                                   // the default: segment-major, in place when dense
      {.segment_major = true, .in_place_fraction = 2},      // segment-major, always gathered
      {.segment_major = false, .in_place_fraction = 0},     // one candidate at a time, always in place
  };
  constexpr int kVariants = 3;
  for (const int k : {3, 50}) {
    MatchQuery q;
    q.k = k;
    q.explain = false;
    auto expected = OpeningBlockMatcher::Create(index_, openings, q, DefaultScoringProfile(), reference);
    ASSERT_TRUE(expected.ok());
    std::vector<std::unique_ptr<OpeningBlockMatcher>> matchers;
    for (const BlockMatchOptions& options : variants) {
      auto matcher = OpeningBlockMatcher::Create(index_, openings, q, DefaultScoringProfile(), options);
      ASSERT_TRUE(matcher.ok());
      matchers.push_back(std::move(*matcher));
    }
    int64_t skipped[kVariants] = {}, with_matches[kVariants] = {};
    for (const auto* order : {&place_order, &generation_order}) {
      for (size_t first = 0; first < order->size(); first += 96) {
        const auto block = absl::MakeConstSpan(*order).subspan(first, std::min<size_t>(96, order->size() - first));
        std::vector<MatchResult> want;
        (*expected)->Match(block, &want);
        ASSERT_EQ(want.size(), block.size());
        for (int v = 0; v < kVariants; ++v) {
          std::vector<MatchResult> got;
          matchers[v]->Match(block, &got);
          ASSERT_EQ(got.size(), block.size());
          for (size_t i = 0; i < block.size(); ++i) {
            const std::string& id = block[i]->id();
            EXPECT_EQ(got[i].scored, want[i].scored) << id << " variant " << v;
            EXPECT_EQ(got[i].eligible, want[i].eligible) << id << " variant " << v;
            EXPECT_EQ(matchers[v]->rows_below_top_k(i), (*expected)->rows_below_top_k(i)) << id << " variant " << v;
            ExpectSameMatches(got[i].matches, want[i].matches, id);
            skipped[v] += matchers[v]->rows_below_top_k(i);
            with_matches[v] += !got[i].matches.empty();
          }
        }
      }
    }
    for (int v = 0; v < kVariants; ++v) {
      EXPECT_GT(skipped[v], 0) << "k " << k << " variant " << v;
      EXPECT_GT(with_matches[v], kCandidates) << "k " << k << " variant " << v;
    }
  }
}

TEST_F(BlockMatchTest, NearMissesAreRejected) {
  MatchQuery q;
  q.near_misses = 3;
  auto matcher = OpeningBlockMatcher::Create(index_, index_.OpeningSnapshot(), q, DefaultScoringProfile());
  ASSERT_FALSE(matcher.ok());
  EXPECT_NE(matcher.status().message().find("near_misses"), absl::string_view::npos);
}

}  // namespace
}  // namespace passerelle::engine::block_match_test
