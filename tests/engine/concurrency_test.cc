// Updates do not block queries, and a query sees each record whole: either its old or its new version.
// Background reorders lose no write made while they copy the table.
// Run under ThreadSanitizer in CI (.ci/run builds the engine tests with -DPASSERELLE_SANITIZE=thread).
#include <atomic>
#include <cmath>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "engine/index/match_index.h"
#include "engine/sample/cohort_generator.h"
#include "gtest/gtest.h"
#include "tests/engine/same_ranking.h"
#include "tests/engine/test_fixtures.h"

namespace passerelle::engine {
namespace {

using ::passerelle::engine::testing::MasonCandidate;
using ::passerelle::engine::testing::MasonOpening;
using ::passerelle::engine::testing::SharedReferenceData;

// Two versions of one opening that score differently on several criteria at once.
Opening Version(const std::string& id, bool second) {
  Opening o = MasonOpening(id);
  o.french_requirement = second ? Requirement::kDesired : Requirement::kNone;
  o.french_min_level = CefrLevel::kB2;
  o.housing_provided = second;
  o.commune_insee = second ? testing::kParis : testing::kBobigny;
  o.desired_skills = second ? std::vector<int64_t>{} : std::vector<int64_t>{testing::kMasonSkillD};
  return o;
}

TEST(ConcurrencyTest, QueriesSeeWholeRecordsWhileWritersReplaceAndRemove) {
  MatchIndex index(SharedReferenceData());
  Candidate c = MasonCandidate();
  c.french_level = CefrLevel::kB1;
  c.housing = HousingStatus::kEmergency;
  index.UpsertCandidates({*index.ResolveCandidate(c)});
  constexpr int kOpenings = 64;
  for (int i = 0; i < kOpenings; ++i) index.UpsertOpenings({*index.ResolveOpening(Version("o" + std::to_string(i), false))});

  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int round = 0; round < 300; ++round) {
      const std::string id = "o" + std::to_string(round % kOpenings);
      index.UpsertOpenings({*index.ResolveOpening(Version(id, round % 2 == 1))});
      if (round % 10 == 0) index.RemoveOpening("o" + std::to_string((round / 10) % kOpenings));
      if (round % 10 == 5) index.UpsertOpenings({*index.ResolveOpening(Version("o" + std::to_string((round / 10) % kOpenings), false))});
    }
    stop = true;
  });
  std::atomic<int> queries{0};
  std::vector<std::thread> readers;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 2; ++t) {
    readers.emplace_back([&] {
      MatchQuery q;
      q.k = kOpenings;
      do {
        auto result = index.MatchOpenings(c.id, q, DefaultScoringProfile());
        ASSERT_TRUE(result.ok());
        // Kernel scores come from the segment's columns, the explanation from the record the same
        // snapshot points to: a half-applied update would make them differ.
        for (const ScoredMatch& m : result->matches) {
          if (std::abs(m.total - m.explanation->total) > 1e-6f) ++mismatches;
        }
        ++queries;
      } while (!stop);
    });
  }
  writer.join();
  for (auto& r : readers) r.join();
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_GE(queries.load(), 2);
}

// A writer puts, moves and removes candidates in small batches while the index reorders them on its own
// thread (low thresholds: many reorders, each with writes made while it copies) and a reader queries.
// Once the reorders are done every record is at its last version and the answers are those of an index
// given the final records at once.
TEST(ConcurrencyTest, BackgroundReordersLoseNoWrite) {
  MatchIndexOptions options;
  options.candidate_reorder_min_rows = 200;
  options.candidate_reorder_fraction = 0.25;
  options.opening_reorder_min_rows = 50;
  options.background_reorders = true;
  MatchIndex index(SharedReferenceData(), options);
  CohortOptions cohort;
  cohort.candidates = 5000;
  cohort.openings = 200;
  const CohortGenerator generator(SharedReferenceData(), cohort);
  const std::vector<Candidate> people = generator.Candidates();
  const std::vector<Opening> openings = generator.Openings();
  for (size_t i = 0; i < openings.size(); i += 20) {
    std::vector<std::shared_ptr<const ResolvedOpening>> batch;
    for (size_t j = i; j < i + 20; ++j) batch.push_back(*index.ResolveOpening(openings[j]));
    index.UpsertOpenings(batch);
  }

  // Resolved beforehand, so that the writes follow each other closely and many land while a reorder
  // copies the table.
  std::map<std::string, Candidate> expected;  // what the index holds once the writes are done
  std::vector<std::vector<std::shared_ptr<const ResolvedCandidate>>> batches;
  std::vector<std::string> removals;  // one after each batch, or ""
  for (int round = 0; round < 3; ++round) {
    for (size_t i = 0; i < people.size(); i += 50) {
      batches.emplace_back();
      for (size_t j = i; j < i + 50; ++j) {
        Candidate c = people[j];
        // Later rounds move people to another person's commune: a new place key, a row to the tail.
        if (round > 0 && j % 3 == 0) c.commune_insee = people[(j * 7 + round) % people.size()].commune_insee;
        expected[c.id] = c;
        batches.back().push_back(*index.ResolveCandidate(c));
      }
      removals.emplace_back(round == 2 && i % 150 == 0 ? people[i + 1].id : "");
      if (!removals.back().empty()) expected.erase(removals.back());
    }
  }
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (size_t b = 0; b < batches.size(); ++b) {
      index.UpsertCandidates(batches[b]);
      if (!removals[b].empty()) {
        EXPECT_TRUE(index.RemoveCandidate(removals[b]));
      }
    }
    stop = true;
  });
  std::atomic<int> queries{0};
  std::thread reader([&] {
    MatchQuery q;
    q.explain = false;
    do {
      ASSERT_TRUE(index.MatchCandidatesFor(**index.ResolveOpening(openings[queries % openings.size()]), q,
                                           DefaultScoringProfile()).ok());
      ++queries;
    } while (!stop);
  });
  writer.join();
  reader.join();
  index.WaitForReorders();

  EXPECT_EQ(index.candidate_count(), expected.size());
  for (const Candidate& person : people) {
    const auto found = index.FindCandidate(person.id);
    const auto it = expected.find(person.id);
    ASSERT_EQ(found != nullptr, it != expected.end()) << person.id;
    if (found != nullptr) {
      EXPECT_EQ(found->record.commune_insee, it->second.commune_insee) << person.id;
    }
  }
  options.background_reorders = false;
  MatchIndex fresh(SharedReferenceData(), options);
  std::vector<std::shared_ptr<const ResolvedCandidate>> final_candidates;
  for (const auto& [id, c] : expected) final_candidates.push_back(*fresh.ResolveCandidate(c));
  fresh.UpsertCandidates(final_candidates);
  std::vector<std::shared_ptr<const ResolvedOpening>> all_openings;
  for (const Opening& o : openings) all_openings.push_back(*fresh.ResolveOpening(o));
  fresh.UpsertOpenings(all_openings);
  MatchQuery q;
  q.k = 20;
  q.explain = false;
  for (size_t i = 0; i < openings.size(); i += 10) {
    const auto opening = *index.ResolveOpening(openings[i]);
    const auto got = index.MatchCandidatesFor(*opening, q, DefaultScoringProfile());
    const auto want = fresh.MatchCandidatesFor(*opening, q, DefaultScoringProfile());
    ASSERT_TRUE(got.ok() && want.ok());
    testing::ExpectSameList(got->matches, want->matches, openings[i].id);
    EXPECT_EQ(got->eligible, want->eligible) << openings[i].id;
  }
  EXPECT_GE(queries.load(), 1);
}

}  // namespace
}  // namespace passerelle::engine
