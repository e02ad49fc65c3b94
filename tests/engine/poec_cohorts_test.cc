// FormPoecCohorts on stored records: the POEC rule, cohorts by domaine and région within the size range,
// eligible pairs only, left-out reasons, the région filter and validation.
#include "engine/batch/poec_cohorts.h"

#include <algorithm>
#include <map>
#include <set>

#include "engine/common/field_status.h"
#include "engine/sample/cohort_generator.h"
#include "gtest/gtest.h"
#include "tests/engine/test_fixtures.h"

namespace passerelle::engine::poec_cohorts_test {
namespace {

Opening PoecMason(std::string id, int32_t positions) {
  Opening o = testing::MasonOpening(std::move(id));
  o.contract = ContractType::kPoec;
  o.french_requirement = Requirement::kNone;
  o.positions = positions;
  return o;
}

class PoecCohortsTest : public ::testing::Test {
 protected:
  void SetUp() override { index_ = std::make_unique<MatchIndex>(testing::SharedReferenceData()); }

  void Add(const Candidate& c) { index_->UpsertCandidates({*index_->ResolveCandidate(c)}); }
  void Add(const Opening& o) { index_->UpsertOpenings({*index_->ResolveOpening(o)}); }

  absl::StatusOr<PoecCohortRun> Run(const PoecCohortOptions& options) {
    return FormPoecCohorts(*index_, DefaultScoringProfile(), options);
  }

  static PoecCohortOptions Sizes(int32_t min_size, int32_t max_size) {
    PoecCohortOptions options;
    options.formation.min_cohort_size = min_size;
    options.formation.max_cohort_size = max_size;
    return options;
  }

  std::unique_ptr<MatchIndex> index_;
};

TEST_F(PoecCohortsTest, PoecRuleIsTheContractOrTrainingWithFrench) {
  Opening o = testing::MasonOpening();
  EXPECT_FALSE(OffersPoecRoute(o));
  o.training_provided = true;
  EXPECT_FALSE(OffersPoecRoute(o)) << "training without French hours is not a POEC route";
  o.french_training_hours = 400;
  EXPECT_TRUE(OffersPoecRoute(o));
  o = testing::MasonOpening();
  o.contract = ContractType::kPoec;
  EXPECT_TRUE(OffersPoecRoute(o));
}

TEST_F(PoecCohortsTest, FormsOneCohortOverTwoOpeningsAndLeavesTheRestOutWithReasons) {
  for (int i = 0; i < 4; ++i) Add(testing::MasonCandidate("cand-" + std::to_string(i)));
  Candidate no_rtw = testing::MasonCandidate("cand-no-rtw");
  no_rtw.right_to_work = false;
  Add(no_rtw);
  Add(PoecMason("open-poec-a", 2));
  Add(PoecMason("open-poec-b", 1));
  Add(testing::MasonOpening("open-cdi"));  // not a POEC route: never in a cohort

  absl::StatusOr<PoecCohortRun> run = Run(Sizes(2, 3));
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->candidate_count, 5);
  EXPECT_EQ(run->poec_opening_count, 2);
  EXPECT_EQ(run->poec_position_count, 3);
  EXPECT_EQ(run->group_count, 1);
  ASSERT_EQ(run->cohorts.size(), 1u);
  const PoecCohort& cohort = run->cohorts[0];
  EXPECT_EQ(cohort.domaine_code, "F17");
  EXPECT_EQ(cohort.region_code, "11");
  EXPECT_EQ(cohort.members.size(), 3u);
  EXPECT_EQ(cohort.openings, (std::vector<std::pair<std::string, int32_t>>{{"open-poec-a", 2}, {"open-poec-b", 1}}));
  ASSERT_EQ(run->left_out.size(), 2u);
  EXPECT_EQ(run->left_out[0].candidate_id, "cand-3");
  EXPECT_EQ(run->left_out[0].reason, CohortLeftOutReason::kPositionsExhausted);
  EXPECT_EQ(run->left_out[1].candidate_id, "cand-no-rtw");
  EXPECT_EQ(run->left_out[1].reason, CohortLeftOutReason::kNoEligibleOpening);
  EXPECT_TRUE(run->formation.exact);

  // Four people fit no more than three places; with a minimum of 4 no cohort can open.
  run = Run(Sizes(4, 6));
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_TRUE(run->cohorts.empty());
  EXPECT_EQ(run->formation.left_out_cohort_too_small, 4);
}

TEST_F(PoecCohortsTest, RegionFilterAndBadOptionsNameTheField) {
  Add(testing::MasonCandidate("cand-0"));
  Add(PoecMason("open-poec-a", 2));
  PoecCohortOptions options = Sizes(1, 2);
  options.regions = {"84"};  // Auvergne-Rhône-Alpes: the Bobigny opening is out of scope
  absl::StatusOr<PoecCohortRun> run = Run(options);
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->poec_opening_count, 0);
  options.regions = {"11"};
  run = Run(options);
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->poec_opening_count, 1);
  EXPECT_EQ(run->formation.placed, 1);

  options.regions = {"99"};
  EXPECT_EQ(FieldPath(Run(options).status()), "regions[0]");
  options = Sizes(5, 2);
  EXPECT_EQ(FieldPath(Run(options).status()), "min_cohort_size");
  options = Sizes(1, 2);
  options.openings_per_candidate = 0;
  EXPECT_EQ(FieldPath(Run(options).status()), "openings_per_candidate");
}

TEST_F(PoecCohortsTest, GeneratedCohortKeepsEveryConstraint) {
  CohortOptions generated;
  generated.seed = 11;
  generated.candidates = 1500;
  generated.openings = 400;
  CohortGenerator generator(testing::SharedReferenceData(), generated);
  // Stored in one write each (one at a time, every write copied a segment and rebuilt its summaries).
  std::vector<std::shared_ptr<const ResolvedCandidate>> candidates;
  for (const Candidate& c : generator.Candidates()) candidates.push_back(*index_->ResolveCandidate(c));
  index_->UpsertCandidates(candidates);
  std::vector<std::shared_ptr<const ResolvedOpening>> openings;
  for (const Opening& o : generator.Openings()) openings.push_back(*index_->ResolveOpening(o));
  index_->UpsertOpenings(openings);
  ASSERT_EQ(index_->candidate_count(), 1500u);
  ASSERT_EQ(index_->opening_count(), 400u);

  PoecCohortOptions options = Sizes(2, 4);
  options.openings_per_candidate = 200;
  absl::StatusOr<PoecCohortRun> run = Run(options);
  ASSERT_TRUE(run.ok()) << run.status();
  ASSERT_GT(run->poec_opening_count, 0);
  ASSERT_FALSE(run->cohorts.empty());
  std::map<std::string, int32_t> placed_per_opening;
  std::set<std::string> placed;
  for (const PoecCohort& cohort : run->cohorts) {
    EXPECT_GE(cohort.members.size(), 2u);
    EXPECT_LE(cohort.members.size(), 4u);
    Day first = cohort.members[0].ready_day, last = first;
    for (const PoecCohortMember& m : cohort.members) first = std::min(first, m.ready_day), last = std::max(last, m.ready_day);
    EXPECT_EQ(cohort.start_day, last) << "the session starts when its last member is ready";
    EXPECT_EQ(cohort.ready_spread_days, last - first);
    for (const PoecCohortMember& m : cohort.members) {
      EXPECT_TRUE(placed.insert(m.candidate_id).second) << m.candidate_id << " in two cohorts";
      const std::shared_ptr<const ResolvedOpening> opening = index_->FindOpening(m.opening_id);
      ASSERT_NE(opening, nullptr);
      EXPECT_TRUE(OffersPoecRoute(opening->record));
      const ReferenceData& data = *testing::SharedReferenceData();
      EXPECT_EQ(data.occupations()[opening->rome_index].domaine_code, cohort.domaine_code);
      EXPECT_EQ(data.regions()[opening->region_index].insee_code, cohort.region_code);
      ++placed_per_opening[m.opening_id];
      absl::StatusOr<Explanation> pair = index_->Explain(m.candidate_id, m.opening_id, DefaultScoringProfile());
      ASSERT_TRUE(pair.ok()) << pair.status();
      EXPECT_TRUE(pair->eligible) << m.candidate_id << " -> " << m.opening_id;
      EXPECT_EQ(m.ready_day, pair->ready_day) << m.candidate_id << " -> " << m.opening_id;
    }
  }
  EXPECT_TRUE(std::any_of(run->cohorts.begin(), run->cohorts.end(), [](const PoecCohort& c) { return c.ready_spread_days > 0; }))
      << "members of one cohort may be ready on different days (formation does not bound it yet)";
  for (const auto& [id, count] : placed_per_opening) EXPECT_LE(count, index_->FindOpening(id)->record.positions) << id;
  EXPECT_EQ(static_cast<int32_t>(placed.size()), run->formation.placed);
  EXPECT_EQ(static_cast<int32_t>(placed.size() + run->left_out.size()), run->candidate_count);
}

}  // namespace
}  // namespace passerelle::engine::poec_cohorts_test
