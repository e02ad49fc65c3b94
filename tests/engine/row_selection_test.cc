// Queries without near-misses score only the rows that may be eligible (engine/scoring/row_selection.h);
// queries with near-misses score every row. Both must return the same matches, bit for bit: same ids in
// the same order, same totals, criteria and distances. Checked on a generated cohort in both directions,
// with filters, a strict profile and removed rows, and on a candidate sitting exactly at their radius.
#include <cmath>
#include <cstring>

#include "engine/index/match_index.h"
#include "engine/sample/cohort_generator.h"
#include "engine/scoring/criteria_walks.h"
#include "engine/scoring/feature_sources.h"
#include "engine/scoring/row_selection.h"
#include "gtest/gtest.h"
#include "tests/engine/test_fixtures.h"

namespace passerelle::engine {
namespace {

namespace sc = scoring;
using ::passerelle::engine::testing::SharedReferenceData;

bool SameBits(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// The matches of `selected` (no near-misses asked) and `full` (near-misses asked) are identical.
void ExpectSameMatches(const MatchResult& selected, const MatchResult& full, const std::string& query) {
  ASSERT_EQ(selected.matches.size(), full.matches.size()) << query;
  EXPECT_EQ(selected.eligible, full.eligible) << query;
  for (size_t i = 0; i < full.matches.size(); ++i) {
    const ScoredMatch& a = selected.matches[i];
    const ScoredMatch& b = full.matches[i];
    EXPECT_EQ(a.id, b.id) << query << " rank " << i;
    EXPECT_TRUE(SameBits(a.total, b.total)) << query << " rank " << i << ": " << a.total << " vs " << b.total;
    EXPECT_TRUE(SameBits(a.distance_km, b.distance_km)) << query << " rank " << i;
    EXPECT_EQ(a.blockers, 0u) << query;
    for (int k = 0; k < kCriterionCount; ++k) {
      EXPECT_TRUE(SameBits(a.criteria[k], b.criteria[k])) << query << " rank " << i << " criterion " << k;
    }
  }
}

class RowSelectionTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    index_ = new MatchIndex(SharedReferenceData());
    CohortOptions options;
    options.seed = 7;
    options.candidates = 3 * CandidateSegment::kRows + 700;  // several segments, the last one partial
    options.openings = 3000;
    CohortGenerator generator(SharedReferenceData(), options);
    std::vector<std::shared_ptr<const ResolvedCandidate>> candidates;
    for (const Candidate& c : generator.Candidates()) candidates.push_back(*index_->ResolveCandidate(c));
    index_->UpsertCandidates(candidates);
    std::vector<std::shared_ptr<const ResolvedOpening>> openings;
    for (const Opening& o : generator.Openings()) openings.push_back(*index_->ResolveOpening(o));
    index_->UpsertOpenings(openings);
    // Removed rows in the middle of segments.
    for (int i = 5; i < options.candidates; i += 97) index_->RemoveCandidate(candidates[i]->id());
    for (int i = 3; i < options.openings; i += 89) index_->RemoveOpening(openings[i]->id());
    for (int i = 0; i < options.candidates; ++i) {
      if (index_->FindCandidate(candidates[i]->id())) candidate_ids_->push_back(candidates[i]->id());
    }
    for (int i = 0; i < options.openings; ++i) {
      if (index_->FindOpening(openings[i]->id())) opening_ids_->push_back(openings[i]->id());
    }
  }
  static void TearDownTestSuite() {
    delete index_;
    index_ = nullptr;
  }

  static MatchIndex* index_;
  static std::vector<std::string>* candidate_ids_;
  static std::vector<std::string>* opening_ids_;
};

MatchIndex* RowSelectionTest::index_ = nullptr;
std::vector<std::string>* RowSelectionTest::candidate_ids_ = new std::vector<std::string>();
std::vector<std::string>* RowSelectionTest::opening_ids_ = new std::vector<std::string>();

TEST_F(RowSelectionTest, SelectedAndFullScansReturnTheSameMatchesInBothDirections) {
  ScoringProfile strict = DefaultScoringProfile();
  strict.strict_required_skills = true;
  MatchQuery selected;
  selected.k = kMaxK;
  selected.explain = false;
  MatchQuery full = selected;
  full.near_misses = 1;  // forces every row through the kernel

  size_t matches = 0, housing_openings = 0;
  for (size_t i = 0; i < 120; ++i) {
    const std::string& opening = (*opening_ids_)[(i * 23) % opening_ids_->size()];
    housing_openings += index_->FindOpening(opening)->record.housing_provided;
    for (const ScoringProfile& profile : {DefaultScoringProfile(), strict}) {
      auto a = index_->MatchCandidates(opening, selected, profile);
      auto b = index_->MatchCandidates(opening, full, profile);
      ASSERT_TRUE(a.ok() && b.ok());
      ExpectSameMatches(*a, *b, "MatchCandidates " + opening);
      matches += a->matches.size();
    }
    const std::string& candidate = (*candidate_ids_)[(i * 101) % candidate_ids_->size()];
    auto c = index_->MatchOpenings(candidate, selected, DefaultScoringProfile());
    auto d = index_->MatchOpenings(candidate, full, DefaultScoringProfile());
    ASSERT_TRUE(c.ok() && d.ok());
    ExpectSameMatches(*c, *d, "MatchOpenings " + candidate);
    matches += c->matches.size();
  }
  EXPECT_GT(matches, 2000u) << "too few matches: the comparison checks little";
  EXPECT_GT(housing_openings, 3u) << "no opening providing housing was checked";
}

TEST_F(RowSelectionTest, FiltersAgreeBetweenSelectedAndFullScans) {
  MatchQuery selected;
  selected.k = 50;
  selected.explain = false;
  selected.min_score = 0.5f;
  selected.max_distance_km = 20;
  selected.contract_types = 1u | 4u;
  selected.occupations = {"F", "G1602", "K22"};
  MatchQuery full = selected;
  full.near_misses = 3;
  for (size_t i = 0; i < 60; ++i) {
    const std::string& opening = (*opening_ids_)[(i * 37) % opening_ids_->size()];
    ExpectSameMatches(*index_->MatchCandidates(opening, selected, DefaultScoringProfile()),
                      *index_->MatchCandidates(opening, full, DefaultScoringProfile()), "MatchCandidates " + opening);
    const std::string& candidate = (*candidate_ids_)[(i * 211) % candidate_ids_->size()];
    ExpectSameMatches(*index_->MatchOpenings(candidate, selected, DefaultScoringProfile()),
                      *index_->MatchOpenings(candidate, full, DefaultScoringProfile()), "MatchOpenings " + candidate);
  }
}

// Directly: every live row the full kernel finds eligible is selected, in both directions.
TEST_F(RowSelectionTest, EverySelectionKeepsEveryEligibleRow) {
  const sc::KernelParams params = sc::MakeKernelParams(DefaultScoringProfile());
  sc::RowSelection all, some;
  sc::WalkedCriteria walked;
  sc::BlockScores scores;
  FloatColumn scratch;
  int64_t eligible = 0, dropped = 0;
  for (size_t i = 0; i < 40; ++i) {
    auto opening = index_->FindOpening((*opening_ids_)[(i * 53) % opening_ids_->size()]);
    const std::vector<float> relation = sc::RelationScoresTo(index_->relations(), opening->rome_index);
    for (const auto& segment : index_->CandidateSnapshot()->segments) {
      sc::SelectAllRows(segment->used_rows, CandidateSegment::kRows, &all);
      sc::WalkCandidateSegment(*segment, *opening, relation, all, &walked);
      sc::ScoreCandidateBlock(sc::CandidateColumns(*segment, all.padded()), sc::OpeningBroadcast(*opening, all.padded()),
                              walked.occupation, walked.skills, walked.missing_required,
                              walked.credited_experience_months, params, &scores);
      sc::SelectEligibleCandidateRows(*segment, EncodeOpeningRow(*opening), &scratch, &some);
      for (int row = 0; row < segment->used_rows; ++row) {
        const bool is_eligible = segment->alive[row] > 0.5f && scores.blockers[row] == 0;
        eligible += is_eligible;
        dropped += segment->alive[row] > 0.5f && some.slot[row] == 0;
        if (is_eligible) {
          EXPECT_NE(some.slot[row], 0) << opening->id() << " row " << row;
        }
        if (some.slot[row] != 0) {
          EXPECT_EQ(some.rows[some.slot[row] - 1], row);
        }
      }
    }
    auto candidate = index_->FindCandidate((*candidate_ids_)[(i * 307) % candidate_ids_->size()]);
    const std::vector<float> best = sc::BestOccupationScoresFrom(index_->relations(), *candidate);
    for (const auto& segment : index_->OpeningSnapshot()->segments) {
      sc::SelectAllRows(segment->used_rows, OpeningSegment::kRows, &all);
      sc::WalkOpeningSegment(*segment, *candidate, best, all, &walked);
      sc::ScoreOpeningBlock(sc::CandidateBroadcast(*candidate, all.padded()), sc::OpeningColumns(*segment, all.padded()),
                            walked.occupation, walked.skills, walked.missing_required,
                              walked.credited_experience_months, params, &scores);
      sc::SelectEligibleOpeningRows(*segment, EncodeCandidateRow(*candidate), &scratch, &some);
      for (int row = 0; row < segment->used_rows; ++row) {
        const bool is_eligible = segment->alive[row] > 0.5f && scores.blockers[row] == 0;
        eligible += is_eligible;
        dropped += segment->alive[row] > 0.5f && some.slot[row] == 0;
        if (is_eligible) {
          EXPECT_NE(some.slot[row], 0) << candidate->id() << " opening row " << row;
        }
      }
    }
  }
  EXPECT_GT(eligible, 500);
  EXPECT_GT(dropped, 5 * eligible) << "the selection hardly drops anything";
}

// A candidate whose commute radius is exactly the distance to the opening is eligible (d <= R), one a
// float step shorter is not: the selection's margin must keep both, and the kernel decide.
TEST(RowSelectionRadiusTest, ACandidateExactlyAtTheRadiusIsKeptAndOneJustShortIsLeftOut) {
  MatchIndex index(SharedReferenceData());
  auto opening = *index.ResolveOpening(testing::MasonOpening("open-paris", testing::kParis));
  index.UpsertOpenings({opening});
  Candidate probe = testing::MasonCandidate("probe");
  probe.commune_insee = testing::kBobigny;
  probe.french_level = CefrLevel::kB1;  // the opening requires B1
  probe.relocation_accepted = false;
  probe.max_commute_km = 100;
  index.UpsertCandidates({*index.ResolveCandidate(probe)});
  // The distance as the segment kernel computes it (the one-pair path may differ in the last bit).
  MatchQuery probe_query;
  probe_query.explain = false;
  auto probed = index.MatchCandidates("open-paris", probe_query, DefaultScoringProfile());
  ASSERT_TRUE(probed.ok());
  ASSERT_EQ(probed->matches.size(), 1u) << "the probe should be eligible at 100 km";
  const float distance = probed->matches[0].distance_km;
  ASSERT_GT(distance, 1.0f);
  index.RemoveCandidate("probe");

  Candidate at = probe, short_of = probe;
  at.id = "at-radius";
  at.max_commute_km = distance;
  short_of.id = "just-short";
  short_of.max_commute_km = std::nextafter(distance, 0.0f);
  index.UpsertCandidates({*index.ResolveCandidate(at), *index.ResolveCandidate(short_of)});

  MatchQuery selected;
  selected.explain = false;
  MatchQuery full = selected;
  full.near_misses = 5;
  auto a = index.MatchCandidates("open-paris", selected, DefaultScoringProfile());
  auto b = index.MatchCandidates("open-paris", full, DefaultScoringProfile());
  ASSERT_TRUE(a.ok() && b.ok());
  ExpectSameMatches(*a, *b, "boundary");
  ASSERT_EQ(a->matches.size(), 1u);
  EXPECT_EQ(a->matches[0].id, "at-radius");
  ASSERT_EQ(b->near_misses.size(), 1u);
  EXPECT_EQ(b->near_misses[0].id, "just-short");
  EXPECT_EQ(b->near_misses[0].blockers, static_cast<uint32_t>(sc::kTooFar));
}

}  // namespace
}  // namespace passerelle::engine
