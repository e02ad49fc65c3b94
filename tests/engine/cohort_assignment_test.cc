// AssignCohort on a generated cohort: capacities respected, eligible pairs only, the optimum at least as
// good as greedy, the reserved share honoured, left-out reasons consistent with the report, filters,
// validation and cancellation.
#include "engine/batch/cohort_assignment.h"

#include <map>
#include <set>

#include "engine/sample/cohort_generator.h"
#include "gtest/gtest.h"
#include "tests/engine/test_fixtures.h"

namespace passerelle::engine::cohort_assignment_test {
namespace {

constexpr int kCandidates = 1200;
constexpr int kOpenings = 250;

class CohortAssignmentTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    index_ = new MatchIndex(testing::SharedReferenceData());
    CohortOptions options;
    options.seed = 7;
    options.candidates = kCandidates;
    options.openings = kOpenings;
    CohortGenerator generator(testing::SharedReferenceData(), options);
    std::vector<std::shared_ptr<const ResolvedCandidate>> candidates;
    for (const Candidate& c : generator.Candidates()) candidates.push_back(*index_->ResolveCandidate(c));
    std::vector<std::shared_ptr<const ResolvedOpening>> openings;
    for (const Opening& o : generator.Openings()) openings.push_back(*index_->ResolveOpening(o));
    index_->UpsertCandidates(candidates);
    index_->UpsertOpenings(openings);
  }
  static void TearDownTestSuite() { delete index_; }

  static CohortAssignment Run(const CohortAssignmentOptions& options) {
    absl::StatusOr<CohortAssignment> run = AssignCohort(*index_, DefaultScoringProfile(), options);
    EXPECT_TRUE(run.ok()) << run.status();
    return run.ok() ? *std::move(run) : CohortAssignment{};
  }

  static CohortAssignmentOptions WithMechanism(AssignmentMechanism mechanism) {
    CohortAssignmentOptions options;
    options.assignment.mechanism = mechanism;
    return options;
  }

  // Every placement's opening id -> how many were placed there.
  static std::map<std::string, int> PlacedPerOpening(const CohortAssignment& run) {
    std::map<std::string, int> placed;
    for (const CohortPlacement& p : run.placements) ++placed[p.opening_id];
    return placed;
  }

  static MatchIndex* index_;
};

MatchIndex* CohortAssignmentTest::index_ = nullptr;

TEST_F(CohortAssignmentTest, EveryMechanismRespectsCapacitiesAndUsesOnlyEligiblePairs) {
  for (auto mechanism : {AssignmentMechanism::kOptimal, AssignmentMechanism::kStableDeferredAcceptance,
                         AssignmentMechanism::kGreedy}) {
    SCOPED_TRACE(AssignmentMechanismName(mechanism));
    CohortAssignment run = Run(WithMechanism(mechanism));
    ASSERT_GT(run.placements.size(), 50u);
    for (const auto& [opening_id, placed] : PlacedPerOpening(run)) {
      EXPECT_LE(placed, index_->FindOpening(opening_id)->record.positions) << opening_id;
    }
    std::set<std::string> placed_candidates;
    for (const CohortPlacement& p : run.placements) {
      EXPECT_TRUE(placed_candidates.insert(p.candidate_id).second) << p.candidate_id << " placed twice";
      absl::StatusOr<Explanation> pair = index_->Explain(p.candidate_id, p.opening_id, DefaultScoringProfile());
      ASSERT_TRUE(pair.ok()) << pair.status();
      EXPECT_TRUE(pair->eligible) << p.candidate_id << " -> " << p.opening_id;
      EXPECT_NEAR(pair->total, p.score, 1e-5);
    }
    EXPECT_EQ(run.report.assigned_count, static_cast<int32_t>(run.placements.size()));
    EXPECT_EQ(run.report.candidate_count, kCandidates);
    EXPECT_EQ(run.opening_count, kOpenings);
  }
}

TEST_F(CohortAssignmentTest, OptimalTotalIsAtLeastGreedyAndStable) {
  CohortAssignment optimal = Run(WithMechanism(AssignmentMechanism::kOptimal));
  CohortAssignment stable = Run(WithMechanism(AssignmentMechanism::kStableDeferredAcceptance));
  ASSERT_TRUE(optimal.greedy_baseline.has_value());
  EXPECT_GE(optimal.report.total_score, optimal.greedy_baseline->total_score - 1e-3);
  EXPECT_GE(optimal.report.total_score, stable.report.total_score - 1e-3);
  EXPECT_GE(stable.report.total_score, 0.5 * optimal.report.total_score);
  // Same constraints, same baseline whatever the chosen mechanism.
  EXPECT_DOUBLE_EQ(optimal.greedy_baseline->total_score, stable.greedy_baseline->total_score);
  EXPECT_EQ(optimal.greedy_baseline->mechanism, AssignmentMechanism::kGreedy);
}

TEST_F(CohortAssignmentTest, EveryCandidateIsPlacedOrLeftOutWithTheReportsReason) {
  CohortAssignmentOptions options = WithMechanism(AssignmentMechanism::kStableDeferredAcceptance);
  options.assignment.max_proposals_per_opening = 3;
  CohortAssignment run = Run(options);
  std::set<std::string> seen;
  for (const CohortPlacement& p : run.placements) seen.insert(p.candidate_id);
  std::map<LeftOutReason, int> reasons;
  for (const LeftOutCandidate& l : run.left_out) {
    EXPECT_TRUE(seen.insert(l.candidate_id).second) << l.candidate_id;
    ++reasons[l.reason];
    if (l.reason == LeftOutReason::kNoRightToWork) {
      EXPECT_FALSE(index_->FindCandidate(l.candidate_id)->record.right_to_work);
    }
  }
  EXPECT_EQ(seen.size(), static_cast<size_t>(kCandidates));
  const AssignmentReport& r = run.report;
  EXPECT_EQ(reasons[LeftOutReason::kNoRightToWork], run.left_out_no_right_to_work);
  EXPECT_EQ(reasons[LeftOutReason::kNoRightToWork] + reasons[LeftOutReason::kNoEligibleOpening],
            r.left_out_no_eligible_pair);
  EXPECT_EQ(reasons[LeftOutReason::kCutByCongestionCap], r.left_out_cut_by_congestion_cap);
  EXPECT_EQ(reasons[LeftOutReason::kLostToCompetition], r.left_out_lost_to_competition);
  EXPECT_GT(r.left_out_cut_by_congestion_cap, 0) << "a cap of 3 should cut someone in this cohort";
  EXPECT_LE(r.proposals.max_per_opening, 3);
  EXPECT_EQ(r.positions_left_empty, r.position_count - r.assigned_count);
}

TEST_F(CohortAssignmentTest, ReservedShareKeepsPlacesForTheCohort) {
  CohortAssignmentOptions without = WithMechanism(AssignmentMechanism::kOptimal);
  without.reserve_for.french_below = CefrLevel::kA2;
  CohortAssignmentOptions with = without;
  with.assignment.reserved_share = 0.5;
  CohortAssignment before = Run(without);
  CohortAssignment after = Run(with);
  ASSERT_GT(before.report.cohort_candidate_count, 0);
  EXPECT_EQ(before.report.cohort_candidate_count, after.report.cohort_candidate_count);
  EXPECT_EQ(before.report.positions_reserved, 0);
  EXPECT_GT(after.report.positions_reserved, 0);
  EXPECT_GE(after.report.cohort_assigned_count, before.report.cohort_assigned_count);

  // The optimum's guarantee, opening by opening: non-cohort candidates hold more than the open part of an
  // opening only when no cohort candidate who had that opening in their pool is left out. Opening j keeps
  // r_j = min(ceil(0.5 * positions), cohort candidates with j in their pool) places.
  MatchQuery pool;
  pool.k = 50;
  pool.explain = false;
  std::map<std::string, std::vector<std::string>> cohort_pools;  // cohort candidate -> pool
  std::map<std::string, int> cohort_eligible;                    // opening -> cohort candidates with it
  for (const auto& segment : index_->CandidateSnapshot()->segments) {
    for (int row = 0; row < CandidateSegment::kRows; ++row) {
      const auto& c = segment->record(row);
      if (c == nullptr || c->record.french_level >= CefrLevel::kA2) continue;
      auto ranked = index_->MatchOpeningsFor(*c, pool, DefaultScoringProfile());
      ASSERT_TRUE(ranked.ok());
      for (const ScoredMatch& m : ranked->matches) {
        cohort_pools[c->record.id].push_back(m.id);
        ++cohort_eligible[m.id];
      }
    }
  }
  std::map<std::string, int> others_placed;
  for (const CohortPlacement& p : after.placements) {
    if (index_->FindCandidate(p.candidate_id)->record.french_level >= CefrLevel::kA2) ++others_placed[p.opening_id];
  }
  int checked = 0;
  for (const LeftOutCandidate& l : after.left_out) {
    for (const std::string& opening_id : cohort_pools[l.candidate_id]) {
      const int capacity = index_->FindOpening(opening_id)->record.positions;
      const int reserved = std::min((capacity + 1) / 2, cohort_eligible[opening_id]);
      EXPECT_LE(others_placed[opening_id], capacity - reserved)
          << opening_id << " gave a reserved place away while " << l.candidate_id << " waited";
      ++checked;
    }
  }
  EXPECT_GT(checked, 0) << "no left-out cohort candidate with a pool: the check checked nothing";
}

TEST_F(CohortAssignmentTest, FiltersSelectCandidatesAndOpenings) {
  CohortAssignmentOptions options;
  options.departements = {"75", "93", "69", "13"};
  options.occupations = {"F", "G"};
  CohortAssignment run = Run(options);
  ASSERT_GT(run.report.candidate_count, 0);
  EXPECT_LT(run.report.candidate_count, kCandidates);
  EXPECT_LT(run.opening_count, kOpenings);
  for (const CohortPlacement& p : run.placements) {
    // Hold the shared_ptr: a reference into the temporary's record would dangle (AddressSanitizer).
    const std::shared_ptr<const ResolvedCandidate> candidate = index_->FindCandidate(p.candidate_id);
    ASSERT_NE(candidate, nullptr) << p.candidate_id;
    const std::string& commune = candidate->record.commune_insee;
    const std::string dept = commune.substr(0, 2);
    EXPECT_TRUE(dept == "75" || dept == "93" || dept == "69" || dept == "13") << commune;
    const char letter = index_->FindOpening(p.opening_id)->record.rome_code[0];
    EXPECT_TRUE(letter == 'F' || letter == 'G') << p.opening_id;
  }
}

TEST_F(CohortAssignmentTest, PlacementExposureCountsEveryCandidateAndPlacementOnce) {
  CohortAssignment run = Run(WithMechanism(AssignmentMechanism::kOptimal));
  ASSERT_EQ(run.placement_exposure.size(), 4u);
  EXPECT_EQ(run.placement_exposure[0].attribute, WatchedAttribute::kFrenchBand);
  EXPECT_EQ(run.placement_exposure[3].attribute, WatchedAttribute::kDepartement);
  for (const ExposureReport& report : run.placement_exposure) {
    EXPECT_EQ(report.pool_size, kCandidates);
    EXPECT_EQ(report.slots, run.report.assigned_count);
    int64_t pool = 0, slots = 0;
    for (const GroupExposure& g : report.groups) {
      pool += g.pool_count;
      slots += g.slot_count;
    }
    EXPECT_EQ(pool, kCandidates);
    EXPECT_EQ(slots, run.report.assigned_count);
  }
  // Placed candidates in emergency housing, counted from their records.
  int64_t emergency = 0;
  for (const CohortPlacement& p : run.placements) {
    emergency += index_->FindCandidate(p.candidate_id)->record.housing == HousingStatus::kEmergency;
  }
  for (const GroupExposure& g : run.placement_exposure[1].groups) {
    if (g.group == "emergency") {
      EXPECT_EQ(g.slot_count, emergency);
    }
  }
}

TEST_F(CohortAssignmentTest, SameInputSameResult) {
  CohortAssignment a = Run(WithMechanism(AssignmentMechanism::kGreedy));
  CohortAssignment b = Run(WithMechanism(AssignmentMechanism::kGreedy));
  ASSERT_EQ(a.placements.size(), b.placements.size());
  for (size_t i = 0; i < a.placements.size(); ++i) {
    EXPECT_EQ(a.placements[i].candidate_id, b.placements[i].candidate_id);
    EXPECT_EQ(a.placements[i].opening_id, b.placements[i].opening_id);
  }
  EXPECT_TRUE(std::is_sorted(a.placements.begin(), a.placements.end(),
                             [](auto& x, auto& y) { return x.candidate_id < y.candidate_id; }));
}

TEST_F(CohortAssignmentTest, BadOptionsAreRejectedNamingTheField) {
  auto message = [](const CohortAssignmentOptions& options) {
    absl::StatusOr<CohortAssignment> run = AssignCohort(*index_, DefaultScoringProfile(), options);
    EXPECT_TRUE(absl::IsInvalidArgument(run.status())) << run.status();
    return std::string(run.status().message());
  };
  CohortAssignmentOptions options;
  options.openings_per_candidate = 0;
  EXPECT_EQ(message(options).rfind("openings_per_candidate:", 0), 0u);
  options = {};
  options.assignment.reserved_share = 0.2;
  EXPECT_EQ(message(options).rfind("reserve_for:", 0), 0u);
  options.assignment.reserved_share = 1.5;
  options.reserve_for.housing = {HousingStatus::kEmergency};
  EXPECT_EQ(message(options).rfind("assignment.reserved_share:", 0), 0u);
  options = {};
  options.occupations = {"Z99"};
  EXPECT_EQ(message(options).rfind("occupations[0]:", 0), 0u);
}

TEST_F(CohortAssignmentTest, CancellationStopsTheRun) {
  CohortAssignmentOptions options;
  options.cancelled = [] { return true; };
  absl::StatusOr<CohortAssignment> run = AssignCohort(*index_, DefaultScoringProfile(), options);
  EXPECT_TRUE(absl::IsCancelled(run.status())) << run.status();
}

}  // namespace
}  // namespace passerelle::engine::cohort_assignment_test
