// server/cluster/shard.h on its own: the options are checked, and a shard holds the candidates of its
// régions and the openings there, within the reach of them or with housing.
#include <string>

#include "gtest/gtest.h"
#include "passerelle/v1/records.pb.h"
#include "server/cluster/shard.h"
#include "tests/engine/test_fixtures.h"

namespace passerelle::cluster::shard_options_test {
namespace {

using ::passerelle::engine::testing::SharedReferenceData;

TEST(ShardOptionsTest, UnknownRegionAndBadReachAreRefusedAndNoRegionsMeansNoShard) {
  const engine::ReferenceData& data = *SharedReferenceData();
  auto none = Shard::Create({}, data);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(*none == nullptr);
  auto unknown = Shard::Create({.regions = {"11", "99"}}, data);
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.status().message().find("cluster_regions[1]"), std::string::npos) << unknown.status();
  auto bad_reach = Shard::Create({.regions = {"11"}, .opening_reach_km = 0}, data);
  EXPECT_EQ(bad_reach.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ShardOptionsTest, OpeningsAreHeldInTheRegionsWithinTheReachOrWithHousing) {
  const engine::ReferenceData& data = *SharedReferenceData();
  auto shard = Shard::Create({.regions = {"11"}, .opening_reach_km = 50}, data);
  ASSERT_TRUE(shard.ok()) << shard.status();
  v1::Opening opening;
  opening.set_commune_insee("93066");  // Saint-Denis, in the région
  EXPECT_TRUE((*shard)->HoldsOpening(opening));
  opening.set_commune_insee("60175");  // Creil (Oise), about 20 km beyond the border
  EXPECT_TRUE((*shard)->HoldsOpening(opening));
  opening.set_commune_insee("69123");  // Lyon, 400 km away
  EXPECT_FALSE((*shard)->HoldsOpening(opening));
  opening.set_housing_provided(true);
  EXPECT_TRUE((*shard)->HoldsOpening(opening));
  v1::Candidate candidate;
  candidate.set_commune_insee("60175");
  EXPECT_FALSE((*shard)->HoldsCandidate(candidate));
  candidate.set_commune_insee("93066");
  EXPECT_TRUE((*shard)->HoldsCandidate(candidate));
  candidate.set_commune_insee("00000");  // unknown: held, so that the catalog rejects it as everywhere
  EXPECT_TRUE((*shard)->HoldsCandidate(candidate));
}

}  // namespace
}  // namespace passerelle::cluster::shard_options_test
