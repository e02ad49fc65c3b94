// Batch re-ranking gives every candidate exactly what MatchOpenings gives (pruning only skips pairs that
// cannot be eligible), honours cohort filters, and reports progress.
#include "engine/batch/rerank.h"

#include <algorithm>
#include <atomic>
#include <map>

#include "gtest/gtest.h"
#include "tests/engine/test_fixtures.h"

namespace passerelle::engine::rerank_test {
namespace {

using ::passerelle::engine::testing::MasonCandidate;
using ::passerelle::engine::testing::MasonOpening;

class RerankTest : public ::testing::Test {
 protected:
  RerankTest() : index_(testing::SharedReferenceData()) {
    const char* communes[] = {"93066", "93008", "75056", "69123", "13055", "33063", "59350", "67482", "31555"};
    std::vector<std::shared_ptr<const ResolvedCandidate>> candidates;
    for (int i = 0; i < 300; ++i) {
      Candidate c = MasonCandidate("c" + std::to_string(i));
      c.commune_insee = communes[i % 9];
      c.french_level = static_cast<CefrLevel>(i % 5);
      c.relocation_accepted = i % 4 == 0;
      c.right_to_work = i % 17 != 0;
      c.owner_id = i % 2 ? "agence-a" : "agence-b";
      c.accepted_contracts = i % 5 == 0 ? ContractBit(ContractType::kCdd) : 0;
      candidates.push_back(*index_.ResolveCandidate(c));
    }
    index_.UpsertCandidates(candidates);
    std::vector<std::shared_ptr<const ResolvedOpening>> openings;
    for (int i = 0; i < 2500; ++i) {  // more than two blocks of openings
      Opening o = MasonOpening("o" + std::to_string(i), communes[(i * 7) % 9]);
      o.housing_provided = i % 6 == 0;
      o.french_training_hours = (i % 3) * 200;
      o.contract = i % 4 == 0 ? ContractType::kCdd : ContractType::kCdi;
      openings.push_back(*index_.ResolveOpening(o));
    }
    index_.UpsertOpenings(openings);
  }

  std::map<std::string, std::vector<ScoredMatch>> RunRerank(const RerankOptions& options, RerankProgress* last) {
    std::map<std::string, std::vector<ScoredMatch>> out;
    absl::Status s = Rerank(index_, DefaultScoringProfile(), options,
                            [&](CandidateRanking r) { out[r.candidate_id] = std::move(r.matches); },
                            [&](const RerankProgress& p) { *last = p; });
    EXPECT_TRUE(s.ok()) << s;
    return out;
  }

  MatchIndex index_;
};

TEST_F(RerankTest, EveryCandidateGetsExactlyItsMatchOpeningsResult) {
  RerankOptions options;
  options.k = 20;
  options.progress_every = 50;
  RerankProgress last;
  auto rankings = RunRerank(options, &last);
  ASSERT_EQ(rankings.size(), 300u);
  EXPECT_EQ(last.candidates_done, 300);
  EXPECT_GT(last.pairs_pruned, 0);
  MatchQuery q;
  q.k = 20;
  q.explain = false;
  for (const auto& [id, matches] : rankings) {
    auto direct = index_.MatchOpenings(id, q, DefaultScoringProfile());
    ASSERT_TRUE(direct.ok());
    ASSERT_EQ(matches.size(), direct->matches.size()) << id;
    for (size_t i = 0; i < matches.size(); ++i) {
      EXPECT_EQ(matches[i].id, direct->matches[i].id) << id;
      EXPECT_FLOAT_EQ(matches[i].total, direct->matches[i].total) << id;
    }
  }
}

TEST_F(RerankTest, CohortFiltersSelectCandidates) {
  RerankOptions options;
  options.owner_id = "agence-a";
  options.departements = {"93"};
  RerankProgress last;
  auto rankings = RunRerank(options, &last);
  EXPECT_EQ(last.candidates_total, static_cast<int64_t>(rankings.size()));
  ASSERT_FALSE(rankings.empty());
  for (const auto& [id, matches] : rankings) {
    auto c = index_.FindCandidate(id);
    EXPECT_EQ(c->record.owner_id, "agence-a");
    EXPECT_TRUE(c->record.commune_insee.rfind("93", 0) == 0) << c->record.commune_insee;
  }
}

TEST_F(RerankTest, BadOptionsAreRejectedNamingTheField) {
  RerankOptions options;
  options.k = 0;
  absl::Status s = Rerank(index_, DefaultScoringProfile(), options, [](CandidateRanking) {}, [](const RerankProgress&) {});
  EXPECT_NE(s.message().find("k:"), absl::string_view::npos) << s;
  options = RerankOptions{};
  options.threads = 0;
  s = Rerank(index_, DefaultScoringProfile(), options, [](CandidateRanking) {}, [](const RerankProgress&) {});
  EXPECT_NE(s.message().find("threads"), absl::string_view::npos) << s;
}

TEST_F(RerankTest, CancellationStopsBetweenBlocksWithoutFinalProgress) {
  RerankOptions options;
  options.threads = 2;
  options.block_candidates = 3;
  options.progress_every = 1;
  std::atomic<int> sunk{0};
  options.cancelled = [&] { return sunk.load() >= 10; };
  int progress_calls = 0;
  RerankProgress last;
  absl::Status s = Rerank(
      index_, DefaultScoringProfile(), options, [&](CandidateRanking) { ++sunk; },
      [&](const RerankProgress& p) {
        ++progress_calls;
        last = p;
      });
  EXPECT_TRUE(absl::IsCancelled(s)) << s;
  // Each worker may finish the block of 3 it had started when the flag turned.
  EXPECT_GE(sunk.load(), 10);
  EXPECT_LE(sunk.load(), 16);
  EXPECT_EQ(progress_calls, sunk.load()) << "no final progress call after a cancellation";
  EXPECT_LT(last.candidates_done, last.candidates_total);
}

// A query's helper threads are query_threads less one per other query running: a batch's workers count
// among them while they run, so queries meanwhile leave them their cores.
TEST_F(RerankTest, WorkersCountAsRunningQueriesWhileTheyRun) {
  EXPECT_EQ(index_.running_queries(), 0);
  RerankOptions options;
  options.threads = 2;
  options.block_candidates = 8;
  int fewest_running = 1 << 30;  // the sink runs under Rerank's lock, one call at a time
  absl::Status s = Rerank(
      index_, DefaultScoringProfile(), options,
      [&](CandidateRanking) { fewest_running = std::min(fewest_running, index_.running_queries()); },
      [](const RerankProgress&) {});
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_GE(fewest_running, 1) << "a worker handing over rankings was not counted";
  EXPECT_EQ(index_.running_queries(), 0) << "the workers stay counted after the call";
  {
    const MatchIndex::BatchWorker worker(index_);
    EXPECT_EQ(index_.running_queries(), 1);
    MatchQuery q;
    q.explain = false;
    ASSERT_TRUE(index_.MatchOpenings("c1", q, DefaultScoringProfile()).ok());
    EXPECT_EQ(index_.running_queries(), 1);
  }
  EXPECT_EQ(index_.running_queries(), 0);
}

TEST_F(RerankTest, PinnedSnapshotsIgnoreLaterUpdates) {
  RerankOptions options;
  options.candidate_snapshot = index_.CandidateSnapshot();
  options.opening_snapshot = index_.OpeningSnapshot();
  index_.RemoveCandidate("c1");
  Candidate added = MasonCandidate("c-added");
  index_.UpsertCandidates({*index_.ResolveCandidate(added)});
  RerankProgress last;
  auto rankings = RunRerank(options, &last);
  EXPECT_EQ(rankings.size(), 300u);
  EXPECT_EQ(rankings.count("c1"), 1u);
  EXPECT_EQ(rankings.count("c-added"), 0u);
}

}  // namespace
}  // namespace passerelle::engine::rerank_test
