// Every vector path of the kernels this CPU supports (engine/scoring/kernel_dispatch.h) gives the scalar
// peer's top-k, in both directions, with and without the row selection (near-misses scan every row),
// and its matches agree with the one-pair path run on the same vector path; the opening walk, whose per-row
// part runs on the vector path, gives every path the one-pair walk's values.
#include <algorithm>
#include <cmath>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "benchmarks/peers/scalar_peer.h"
#include "engine/index/match_index.h"
#include "engine/sample/cohort_generator.h"
#include "engine/scoring/criteria_walks.h"
#include "engine/scoring/kernel_dispatch.h"
#include "gtest/gtest.h"
#include "tests/engine/test_fixtures.h"

namespace passerelle::engine::kernel_paths_test {
namespace {

using ::passerelle::benchmarks::PeerMatch;
using ::passerelle::benchmarks::ScalarPeer;
using ::passerelle::engine::testing::SharedReferenceData;

constexpr float kTolerance = 1e-4f;  // the scalar peer uses libm where the kernel uses polynomials

// Scores agree rank by rank, and the ids scoring clearly above the k-th score are the same (below it,
// ids within float tolerance of each other may swap places).
void ExpectSameTopK(const std::vector<ScoredMatch>& engine, const std::vector<PeerMatch>& peer,
                    const std::string& what) {
  ASSERT_EQ(engine.size(), peer.size()) << what;
  std::set<std::string> engine_ids, peer_ids;
  for (size_t i = 0; i < engine.size(); ++i) {
    EXPECT_NEAR(engine[i].total, peer[i].score, kTolerance) << what << " rank " << i;
    if (engine[i].total > engine.back().total + kTolerance) engine_ids.insert(engine[i].id);
    if (peer[i].score > peer.back().score + kTolerance) peer_ids.insert(peer[i].id);
  }
  EXPECT_EQ(engine_ids, peer_ids) << what;
}

class KernelPathsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    original_ = std::string(scoring::ActiveKernelPathName());
    index_ = std::make_unique<MatchIndex>(SharedReferenceData());
    peer_ = std::make_unique<ScalarPeer>(index_->relations(), DefaultScoringProfile());
    CohortOptions options;
    options.candidates = 6000;
    options.openings = 1200;
    CohortGenerator generator(SharedReferenceData(), options);
    for (int64_t i = 0; i < options.candidates; ++i) {
      candidates_.push_back(*index_->ResolveCandidate(generator.MakeCandidate(i)));
      peer_->AddCandidate(candidates_.back());
    }
    for (int64_t i = 0; i < options.openings; ++i) {
      openings_.push_back(*index_->ResolveOpening(generator.MakeOpening(i)));
      peer_->AddOpening(openings_.back());
    }
    index_->UpsertCandidates(candidates_);
    index_->UpsertOpenings(openings_);
  }
  void TearDown() override { ASSERT_TRUE(scoring::UseKernelPath(original_).ok()); }

  std::string original_;
  std::unique_ptr<MatchIndex> index_;
  std::unique_ptr<ScalarPeer> peer_;
  std::vector<std::shared_ptr<const ResolvedCandidate>> candidates_;
  std::vector<std::shared_ptr<const ResolvedOpening>> openings_;
};

TEST_F(KernelPathsTest, EveryPathGivesTheScalarPeersTopK) {
  const std::vector<const scoring::KernelPath*> paths = scoring::SupportedKernelPaths();
  ASSERT_FALSE(paths.empty());
  EXPECT_EQ(std::string(paths.back()->name), "baseline");
  constexpr int kK = 20;
  for (const scoring::KernelPath* path : paths) {
    ASSERT_TRUE(scoring::UseKernelPath(path->name).ok());
    EXPECT_EQ(scoring::ActiveKernelPathName(), path->name);
    int non_empty = 0;
    for (int near_misses : {0, 5}) {  // 0: selected rows only; 5: every row
      MatchQuery q;
      q.k = kK;
      q.near_misses = near_misses;
      q.explain = true;
      for (int i = 0; i < 25; ++i) {
        const ResolvedOpening& opening = *openings_[(i * 97) % openings_.size()];
        const ResolvedCandidate& candidate = *candidates_[(i * 1031) % candidates_.size()];
        const std::string what = std::string(path->name) + " query " + std::to_string(i) + " near-misses " +
                                 std::to_string(near_misses);
        auto by_opening = index_->MatchCandidatesFor(opening, q, DefaultScoringProfile());
        auto by_candidate = index_->MatchOpeningsFor(candidate, q, DefaultScoringProfile());
        ASSERT_TRUE(by_opening.ok() && by_candidate.ok()) << what;
        ExpectSameTopK(by_opening->matches, peer_->MatchCandidates(opening, kK), what + " (candidates)");
        ExpectSameTopK(by_candidate->matches, peer_->MatchOpenings(candidate, kK), what + " (openings)");
        non_empty += !by_opening->matches.empty() + !by_candidate->matches.empty();
        for (const auto* result : {&*by_opening, &*by_candidate}) {
          for (const ScoredMatch& m : result->matches) EXPECT_FLOAT_EQ(m.total, m.explanation->total) << what << " " << m.id;
        }
      }
    }
    EXPECT_GT(non_empty, 40) << path->name;  // the comparison is not vacuous
  }
}

// A selection of every `step`-th row of [0, used_rows) from `first`, as the selections set it.
scoring::RowSelection EveryNthRow(int used_rows, int first, int step) {
  scoring::RowSelection selection;
  selection.rows.assign(OpeningSegment::kRows, 0);
  selection.slot.assign(OpeningSegment::kRows, 0);
  for (int row = first; row < used_rows; row += step) {
    selection.rows[selection.count] = row;
    selection.slot[row] = ++selection.count;
  }
  selection.begin_row = first;
  selection.end_row = selection.count == 0 ? first : selection.rows[selection.count - 1] + 1;
  return selection;
}

// WalkOpeningSegment's per-row part (FinishOpeningWalk) runs on the vector path: on every path, every
// row of every opening segment, selected in full or one in three, walks to exactly the values of the
// one-pair walk (WalkPair, plain scalar code), a cleared row to 0, and with experience off no months.
TEST_F(KernelPathsTest, TheOpeningWalkGivesThePairWalksValuesOnEveryPath) {
  for (size_t i = 0; i < openings_.size(); i += 7) ASSERT_TRUE(index_->RemoveOpening(openings_[i]->id()));
  const auto snapshot = index_->OpeningSnapshot();
  int64_t live_rows = 0, cleared_rows = 0, partial_rows = 0;
  for (const scoring::KernelPath* path : scoring::SupportedKernelPaths()) {
    ASSERT_TRUE(scoring::UseKernelPath(path->name).ok());
    scoring::WalkedCriteria walked, pair;
    for (size_t c = 0; c < candidates_.size(); c += 211) {
      const ResolvedCandidate& candidate = *candidates_[c];
      const std::vector<float> best = scoring::BestOccupationScoresFrom(index_->relations(), candidate);
      for (const auto& segment_ptr : snapshot->segments) {
        const OpeningSegment& segment = *segment_ptr;
        if (segment.used_rows == 0) continue;
        for (const auto& [first, step] : {std::pair{0, 1}, std::pair{1, 3}}) {
          for (bool experience : {true, false}) {
            const scoring::RowSelection selection = EveryNthRow(segment.used_rows, first, step);
            scoring::WalkOpeningSegment(segment, candidate, best, selection, &walked, experience);
            for (int i = 0; i < selection.count; ++i) {
              const int row = selection.rows[i];
              const std::string where = absl::StrCat(path->name, " candidate ", candidate.id(), " row ", row);
              if (segment.alive[row] < 0.5f) {
                ++cleared_rows;
                EXPECT_EQ(walked.occupation[i], 0.0f) << where;
                EXPECT_EQ(walked.credited_experience_months[i], 0.0f) << where;
                continue;
              }
              (step == 1 ? live_rows : partial_rows) += 1;
              scoring::WalkPair(candidate, *segment.record(row), index_->relations(), &pair);
              EXPECT_EQ(walked.occupation[i], pair.occupation[0]) << where;
              EXPECT_EQ(walked.skills[i], pair.skills[0]) << where;
              EXPECT_EQ(walked.missing_required[i], pair.missing_required[0]) << where;
              EXPECT_EQ(walked.credited_experience_months[i], experience ? pair.credited_experience_months[0] : 0.0f)
                  << where;
            }
            for (int i = selection.count; i < selection.padded(); ++i) {
              EXPECT_EQ(walked.occupation[i], 0.0f);
              EXPECT_EQ(walked.skills[i], 0.0f);
            }
          }
        }
      }
    }
  }
  EXPECT_GT(live_rows, 10000);
  EXPECT_GT(partial_rows, 3000);
  EXPECT_GT(cleared_rows, 100);
}

TEST_F(KernelPathsTest, AnUnsupportedPathIsRefused) {
  EXPECT_FALSE(scoring::UseKernelPath("sse9").ok());
  EXPECT_EQ(scoring::ActiveKernelPathName(), original_);
}

}  // namespace
}  // namespace passerelle::engine::kernel_paths_test
