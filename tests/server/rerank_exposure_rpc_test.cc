// Fair exposure of Rerank through an in-process server: the slot report matches the rankings the
// stream carried, inverted per opening; the minimum-share re-rank keeps its constraint in every
// shortlist and reports cost = before - after; the new fields are validated with field-named errors.
#include <algorithm>
#include <cmath>
#include <map>

#include "absl/strings/match.h"
#include "engine/batch/exposure.h"
#include "engine/sample/cohort_generator.h"
#include "engine/store/record_key.h"
#include "gtest/gtest.h"
#include "tests/server/test_util.h"

namespace passerelle::server {
namespace {

using ::passerelle::server::testing::InProcessServer;
using ::passerelle::server::testing::kCounsellorOrg;
using ::passerelle::server::testing::SharedReferenceData;

struct Stream {
  std::vector<v1::CandidateRanking> rankings;
  std::vector<v1::OpeningShortlist> shortlists;
  std::vector<v1::RerankExposure> exposures;
  std::vector<std::string> kinds;  // "ranking", "progress", "shortlist", "exposure" in stream order
  grpc::Status status;
};

class RerankExposureRpcTest : public ::testing::Test {
 protected:
  RerankExposureRpcTest() {
    engine::CohortOptions options;
    options.seed = 17;
    options.candidates = 400;
    options.openings = 80;
    engine::CohortGenerator generator(SharedReferenceData(), options);
    std::vector<engine::Candidate> cohort = generator.Candidates();
    for (engine::Candidate& c : cohort) c.owner_id = kCounsellorOrg;
    engine::Catalog& catalog = server_.server().catalog();
    EXPECT_TRUE(catalog.PutCandidates(kCounsellorOrg, cohort).ok());
    EXPECT_TRUE(catalog.PutOpenings(testing::kEmployerOrg, generator.Openings()).ok());
  }

  Stream Rerank(const v1::RerankRequest& request) {
    Stream out;
    grpc::ClientContext context;
    auto reader = server_.stub().Rerank(&context, request);
    v1::RerankResponse r;
    while (reader->Read(&r)) {
      if (r.has_ranking()) out.rankings.push_back(r.ranking()), out.kinds.push_back("ranking");
      if (r.has_progress()) out.kinds.push_back("progress");
      if (r.has_shortlist()) out.shortlists.push_back(r.shortlist()), out.kinds.push_back("shortlist");
      if (r.has_exposure()) out.exposures.push_back(r.exposure()), out.kinds.push_back("exposure");
    }
    out.status = reader->Finish();
    return out;
  }

  std::string BandOf(const std::string& candidate_id) {
    const auto c = server_.server().catalog().index().FindCandidate(engine::QualifiedId(kCounsellorOrg, candidate_id));
    return engine::GroupOf(c->record, engine::WatchedAttribute::kFrenchBand, *SharedReferenceData());
  }

  // Each opening's list from the rankings: (score, candidate id), best first, ties by id.
  static std::map<std::string, std::vector<std::pair<float, std::string>>> Invert(const Stream& stream) {
    std::map<std::string, std::vector<std::pair<float, std::string>>> lists;
    for (const v1::CandidateRanking& r : stream.rankings) {
      for (const v1::Match& m : r.matches()) lists[m.id()].push_back({m.total(), r.candidate_id()});
    }
    for (auto& [id, list] : lists) {
      std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
      });
    }
    return lists;
  }

  InProcessServer server_;
};

TEST_F(RerankExposureRpcTest, SlotReportCountsTheInvertedLists) {
  v1::RerankRequest request;
  request.set_k(5);
  request.add_exposure_attributes("french_band");
  request.add_exposure_attributes("housing");
  request.set_slots_per_opening(3);
  const Stream stream = Rerank(request);
  ASSERT_TRUE(stream.status.ok()) << stream.status.error_message();
  ASSERT_EQ(stream.exposures.size(), 1u);
  EXPECT_TRUE(stream.shortlists.empty()) << "shortlists only with min_exposure";
  ASSERT_GE(stream.kinds.size(), 2u);
  EXPECT_EQ(stream.kinds[stream.kinds.size() - 2], "exposure") << "the report goes just before the final progress";

  const auto lists = Invert(stream);
  std::map<std::string, int64_t> band_slots;
  int64_t slots = 0;
  for (const auto& [id, list] : lists) {
    for (size_t p = 0; p < list.size() && p < 3; ++p, ++slots) ++band_slots[BandOf(list[p].second)];
  }
  const v1::RerankExposure& e = stream.exposures[0];
  EXPECT_EQ(e.slots_per_opening(), 3);
  EXPECT_EQ(e.opening_lists(), static_cast<int64_t>(lists.size()));
  ASSERT_EQ(e.slot_exposure_size(), 2);
  EXPECT_EQ(e.slot_exposure(0).attribute(), "french_band");
  EXPECT_EQ(e.slot_exposure(1).attribute(), "housing");
  EXPECT_EQ(e.slot_exposure(0).pool_size(), static_cast<int64_t>(stream.rankings.size()));
  EXPECT_EQ(e.slot_exposure(0).slots(), slots);
  ASSERT_GT(slots, 0);
  for (const v1::GroupExposure& g : e.slot_exposure(0).groups()) {
    EXPECT_EQ(g.slot_count(), band_slots[g.group()]) << g.group();
  }
  EXPECT_FALSE(e.has_min_exposure());
}

TEST_F(RerankExposureRpcTest, MinimumShareHoldsInEveryShortlistAndCostsBeforeMinusAfter) {
  v1::RerankRequest request;
  request.set_k(10);
  request.set_slots_per_opening(4);
  v1::MinimumExposure* minimum = request.mutable_min_exposure();
  minimum->set_attribute("french_band");
  minimum->set_group("A1");
  minimum->set_min_share(0.5);
  const Stream stream = Rerank(request);
  ASSERT_TRUE(stream.status.ok()) << stream.status.error_message();
  ASSERT_EQ(stream.exposures.size(), 1u);
  const v1::RerankExposure& e = stream.exposures[0];
  const auto lists = Invert(stream);
  ASSERT_EQ(stream.shortlists.size(), lists.size()) << "one shortlist per opening list";

  double before = 0, after = 0;
  for (const v1::OpeningShortlist& s : stream.shortlists) {
    const auto& list = lists.at(s.opening_id());
    const int64_t members_in_list =
        std::count_if(list.begin(), list.end(), [&](const auto& x) { return BandOf(x.second) == "A1"; });
    ASSERT_EQ(s.entries_size(), static_cast<int>(std::min<size_t>(list.size(), 4)));
    int64_t members = 0;
    for (int p = 1; p <= s.entries_size(); ++p) {
      members += BandOf(s.entries(p - 1).candidate_id()) == "A1";
      EXPECT_GE(members, std::min<int64_t>(static_cast<int64_t>(std::floor(0.5 * p + 1e-9)), members_in_list))
          << s.opening_id() << " prefix " << p;
    }
    before += s.score_before();
    after += s.score_after();
  }
  EXPECT_NEAR(e.score_before(), before, 1e-6);
  EXPECT_NEAR(e.score_after(), after, 1e-6);
  EXPECT_DOUBLE_EQ(e.score_cost(), e.score_before() - e.score_after());
  EXPECT_GE(e.score_cost(), 0);
  EXPECT_EQ(e.min_exposure().group(), "A1");
  ASSERT_EQ(e.slot_exposure_size(), 1) << "the minimum's attribute is reported";
  double plain_a1 = 0, fair_a1 = 0;
  for (const auto& g : e.slot_exposure(0).groups()) plain_a1 += g.group() == "A1" ? g.slot_share() : 0;
  for (const auto& g : e.representative_exposure().groups()) fair_a1 += g.group() == "A1" ? g.slot_share() : 0;
  EXPECT_GE(fair_a1, plain_a1);
}

TEST_F(RerankExposureRpcTest, RejectsBadExposureFieldsNamingThem) {
  const auto expect_error = [&](const v1::RerankRequest& request, const std::string& prefix) {
    const Stream stream = Rerank(request);
    EXPECT_EQ(stream.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << prefix;
    EXPECT_TRUE(absl::StartsWith(stream.status.error_message(), prefix)) << stream.status.error_message();
    EXPECT_TRUE(stream.rankings.empty());
  };
  v1::RerankRequest request;
  request.add_exposure_attributes("nationality");
  expect_error(request, "exposure_attributes[0]: ");
  request = {};
  request.add_exposure_attributes("housing");
  request.add_exposure_attributes("housing");
  expect_error(request, "exposure_attributes[1]: ");
  request = {};
  request.set_slots_per_opening(1001);
  expect_error(request, "slots_per_opening: ");
  request.set_slots_per_opening(-1);
  expect_error(request, "slots_per_opening: ");
  request = {};
  request.mutable_min_exposure()->set_attribute("age");
  expect_error(request, "min_exposure.attribute: ");
  request.mutable_min_exposure()->set_attribute("housing");
  request.mutable_min_exposure()->set_group("A1");
  expect_error(request, "min_exposure.group: ");
  request.mutable_min_exposure()->set_group("emergency");
  request.mutable_min_exposure()->set_min_share(1.5);
  expect_error(request, "min_exposure.min_share: ");
  request = {};
  for (int i = 0; i < 5; ++i) request.add_exposure_attributes("housing");
  EXPECT_FALSE(Rerank(request).status.ok()) << "at most 4 attributes";
}

}  // namespace
}  // namespace passerelle::server
