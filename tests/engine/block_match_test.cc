// Block matching (engine/index/block_match.h) and Rerank, which uses it, give every candidate exactly
// what MatchOpeningsIn gives on its own: the same top-k ids, scores and order, and the same count of
// pairs scored, on a generated cohort with movers, candidates without the right to work, occupation,
// owner, département and visibility filters, and blocks of candidates far apart.
#include "engine/index/block_match.h"

#include <map>
#include <string>
#include <vector>

#include "engine/batch/rerank.h"
#include "engine/sample/cohort_generator.h"
#include "gtest/gtest.h"
#include "tests/engine/test_fixtures.h"

namespace passerelle::engine {
namespace {

constexpr int kCandidates = 3000;
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
  for (const auto* group : {&everywhere, &two_cities}) {
    std::vector<const ResolvedCandidate*> block;
    for (const auto& c : *group) block.push_back(c.get());
    std::vector<MatchResult> results;
    (*matcher)->Match(block, &results);
    ASSERT_EQ(results.size(), block.size());
    int with_matches = 0;
    for (size_t i = 0; i < block.size(); ++i) {
      auto direct = index_.MatchOpeningsIn(*openings, *block[i], q, DefaultScoringProfile());
      ASSERT_TRUE(direct.ok());
      EXPECT_EQ(results[i].scored, direct->scored) << block[i]->id();
      EXPECT_EQ(results[i].eligible, direct->eligible) << block[i]->id();
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

TEST_F(BlockMatchTest, NearMissesAreRejected) {
  MatchQuery q;
  q.near_misses = 3;
  auto matcher = OpeningBlockMatcher::Create(index_, index_.OpeningSnapshot(), q, DefaultScoringProfile());
  ASSERT_FALSE(matcher.ok());
  EXPECT_NE(matcher.status().message().find("near_misses"), absl::string_view::npos);
}

}  // namespace
}  // namespace passerelle::engine
