// Updates do not block queries, and a query sees each record whole: either its old or its new version.
// Run under ThreadSanitizer in CI (.ci/run builds the engine tests with -DPASSERELLE_SANITIZE=thread).
#include <atomic>
#include <cmath>
#include <thread>

#include "engine/index/match_index.h"
#include "gtest/gtest.h"
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

}  // namespace
}  // namespace passerelle::engine
