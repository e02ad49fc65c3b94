// One check shared by the tests that compare two ways of ranking (place order against arrival order, a
// skipped block against a full scan): the same matches, in the same order, with bit-identical scores.
#ifndef PASSERELLE_TESTS_ENGINE_SAME_RANKING_H_
#define PASSERELLE_TESTS_ENGINE_SAME_RANKING_H_

#include <cstring>
#include <string>
#include <vector>

#include "engine/index/match_index.h"
#include "gtest/gtest.h"

namespace passerelle::engine::testing {

inline bool SameBits(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// Ids, totals and distances (bit for bit), criteria and blockers, rank by rank.
inline void ExpectSameList(const std::vector<ScoredMatch>& a, const std::vector<ScoredMatch>& b,
                           const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].id, b[i].id) << what << " rank " << i;
    EXPECT_TRUE(SameBits(a[i].total, b[i].total)) << what << " rank " << i;
    EXPECT_TRUE(SameBits(a[i].distance_km, b[i].distance_km)) << what << " rank " << i;
    EXPECT_EQ(a[i].criteria, b[i].criteria) << what << " rank " << i;
    EXPECT_EQ(a[i].blockers, b[i].blockers) << what << " rank " << i;
  }
}

}  // namespace passerelle::engine::testing

#endif  // PASSERELLE_TESTS_ENGINE_SAME_RANKING_H_
