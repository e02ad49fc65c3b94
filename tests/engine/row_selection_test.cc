// Queries without near-misses score only the rows that may be eligible (engine/scoring/row_selection.h);
// queries with near-misses score every row. Both must return the same matches, bit for bit: same ids in
// the same order, same totals, criteria and distances. Checked on a generated cohort in both directions,
// with filters, a strict profile and removed rows, and on a candidate sitting exactly at their radius.
// MatchCandidates and MatchOpenings score dense selections in place and sparse ones gathered
// (MatchIndexOptions::candidate_in_place_fraction, opening_in_place_fraction): both ways answer alike, and
// the walks of a run of rows
// and of selected rows give each row the values of the whole segment's walk.
#include <cmath>
#include <cstring>
#include <utility>

#include "engine/index/match_index.h"
#include "engine/sample/cohort_generator.h"
#include "engine/scoring/criteria_walks.h"
#include "engine/scoring/feature_sources.h"
#include "engine/scoring/row_selection.h"
#include "gtest/gtest.h"
#include "tests/engine/test_fixtures.h"

namespace passerelle::engine::row_selection_test {
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
  // The queries of the in-place tests: the top 200 of the selected rows, the same with a score and a
  // distance filter, and every row scored (near-misses asked), which never takes the in-place path.
  struct Queries {
    MatchQuery selected, filtered, full;
  };
  static Queries InPlaceQueries() {
    Queries q;
    q.selected.k = 200;
    q.selected.explain = false;
    q.filtered = q.selected;
    q.filtered.min_score = 0.5f;
    q.filtered.max_distance_km = 25;
    q.full = q.selected;
    q.full.near_misses = 1;
    return q;
  }

  static void SetUpTestSuite() {
    index_ = new MatchIndex(SharedReferenceData());
    MatchIndexOptions always, never;
    always.candidate_in_place_fraction = always.opening_in_place_fraction = 0;
    never.candidate_in_place_fraction = never.opening_in_place_fraction = 2;
    in_place_ = new MatchIndex(SharedReferenceData(), always);
    gathered_ = new MatchIndex(SharedReferenceData(), never);
    CohortOptions options;
    options.seed = 7;
    options.candidates = 3 * CandidateSegment::kRows + 700;  // several segments, the last one partial
    options.openings = 3000;
    CohortGenerator generator(SharedReferenceData(), options);
    std::vector<std::shared_ptr<const ResolvedCandidate>> candidates;
    for (const Candidate& c : generator.Candidates()) candidates.push_back(*index_->ResolveCandidate(c));
    std::vector<std::shared_ptr<const ResolvedOpening>> openings;
    for (const Opening& o : generator.Openings()) openings.push_back(*index_->ResolveOpening(o));
    for (MatchIndex* index : {index_, in_place_, gathered_}) {
      index->UpsertCandidates(candidates);
      index->UpsertOpenings(openings);
      // Removed rows in the middle of segments.
      for (int i = 5; i < options.candidates; i += 97) index->RemoveCandidate(candidates[i]->id());
      for (int i = 3; i < options.openings; i += 89) index->RemoveOpening(openings[i]->id());
    }
    for (int i = 0; i < options.candidates; ++i) {
      if (index_->FindCandidate(candidates[i]->id())) candidate_ids_->push_back(candidates[i]->id());
    }
    for (int i = 0; i < options.openings; ++i) {
      if (index_->FindOpening(openings[i]->id())) opening_ids_->push_back(openings[i]->id());
    }
  }
  static void TearDownTestSuite() {
    for (MatchIndex** index : {&index_, &in_place_, &gathered_}) {
      delete *index;
      *index = nullptr;
    }
  }

  static MatchIndex* index_;
  static MatchIndex* in_place_;  // every selection scored in place
  static MatchIndex* gathered_;  // every selection gathered
  static std::vector<std::string>* candidate_ids_;
  static std::vector<std::string>* opening_ids_;
};

MatchIndex* RowSelectionTest::index_ = nullptr;
MatchIndex* RowSelectionTest::in_place_ = nullptr;
MatchIndex* RowSelectionTest::gathered_ = nullptr;
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

// Rows scored in place (the kernel on the segment's own columns over the span of the selected rows) and
// rows gathered into a block give the same matches, bit for bit, the same eligible count and rows scored,
// and those of the full scan; with the default fraction some segments go each way.
TEST_F(RowSelectionTest, InPlaceAndGatheredScansOfCandidatesAnswerAlike) {
  ScoringProfile strict = DefaultScoringProfile();
  strict.strict_required_skills = true;
  const auto [selected, filtered, full] = InPlaceQueries();
  size_t matches = 0, housing_openings = 0;
  for (size_t i = 0; i < 60; ++i) {
    const std::string& opening = (*opening_ids_)[(i * 41) % opening_ids_->size()];
    housing_openings += index_->FindOpening(opening)->record.housing_provided;
    for (const ScoringProfile& profile : {DefaultScoringProfile(), strict}) {
      for (const MatchQuery& query : {selected, filtered}) {
        auto a = in_place_->MatchCandidates(opening, query, profile);
        auto b = gathered_->MatchCandidates(opening, query, profile);
        auto c = index_->MatchCandidates(opening, query, profile);
        ASSERT_TRUE(a.ok() && b.ok() && c.ok());
        ExpectSameMatches(*a, *b, "in place / gathered " + opening);
        ExpectSameMatches(*c, *b, "default / gathered " + opening);
        EXPECT_EQ(a->scored, b->scored) << opening;
        EXPECT_EQ(c->scored, b->scored) << opening;
        matches += a->matches.size();
      }
      auto d = gathered_->MatchCandidates(opening, full, profile);
      ASSERT_TRUE(d.ok());
      ExpectSameMatches(*in_place_->MatchCandidates(opening, selected, profile), *d, "in place / full " + opening);
    }
  }
  EXPECT_GT(matches, 2000u) << "too few matches: the comparison checks little";
  EXPECT_GT(housing_openings, 2u) << "no opening providing housing was checked";
}

// The same for MatchOpenings (rows scored in place over their span, the walked values moved to their places).
TEST_F(RowSelectionTest, InPlaceAndGatheredScansOfOpeningsAnswerAlike) {
  auto [selected, filtered, full] = InPlaceQueries();
  filtered.contract_types = 1u | 4u;
  size_t matches = 0;
  for (size_t i = 0; i < 60; ++i) {
    const std::string& candidate = (*candidate_ids_)[(i * 131) % candidate_ids_->size()];
    for (const MatchQuery& query : {selected, filtered}) {
      auto a = in_place_->MatchOpenings(candidate, query, DefaultScoringProfile());
      auto b = gathered_->MatchOpenings(candidate, query, DefaultScoringProfile());
      auto c = index_->MatchOpenings(candidate, query, DefaultScoringProfile());
      ASSERT_TRUE(a.ok() && b.ok() && c.ok());
      ExpectSameMatches(*a, *b, "in place / gathered " + candidate);
      ExpectSameMatches(*c, *b, "default / gathered " + candidate);
      EXPECT_EQ(a->scored, b->scored) << candidate;
      matches += a->matches.size();
    }
    ExpectSameMatches(*in_place_->MatchOpenings(candidate, selected, DefaultScoringProfile()),
                      *gathered_->MatchOpenings(candidate, full, DefaultScoringProfile()), "in place / full " + candidate);
  }
  EXPECT_GT(matches, 2000u) << "too few matches: the comparison checks little";
}

// The candidate walks of a run of rows (WalkCandidateRows) and of selected rows (WalkCandidateSegment
// on a selection: skill items counted over its row range only) give every row the values the walk of
// the whole segment gives it.
TEST_F(RowSelectionTest, WalksOfARunAndOfSelectedRowsEqualTheWholeSegmentsWalk) {
  sc::RowSelection all, some;
  sc::WalkedCriteria whole, part;
  FloatColumn scratch;
  int64_t compared = 0;
  for (size_t i = 0; i < 30; ++i) {
    auto opening = index_->FindOpening((*opening_ids_)[(i * 67) % opening_ids_->size()]);
    const std::vector<float> relation = sc::RelationScoresTo(index_->relations(), opening->rome_index);
    for (const auto& segment : index_->CandidateSnapshot()->segments) {
      const int n = segment->used_rows;
      sc::SelectAllRows(n, CandidateSegment::kRows, &all);
      sc::WalkCandidateSegment(*segment, *opening, relation, all, &whole);
      const auto expect_row = [&](int row, int at, const std::string& what) {
        EXPECT_TRUE(SameBits(part.occupation[at], whole.occupation[row])) << what << " row " << row;
        EXPECT_TRUE(SameBits(part.skills[at], whole.skills[row])) << what << " row " << row;
        EXPECT_TRUE(SameBits(part.missing_required[at], whole.missing_required[row])) << what << " row " << row;
        EXPECT_TRUE(SameBits(part.credited_experience_months[at], whole.credited_experience_months[row]))
            << what << " row " << row;
        ++compared;
      };
      // Runs starting and ending inside the segment, one of them a single row.
      for (const auto& [begin, end] : {std::pair{0, n}, std::pair{n / 3, n / 3 + 1}, std::pair{n / 5, n - n / 7}}) {
        if (begin >= end) continue;
        sc::WalkCandidateRows(*segment, *opening, relation, begin, end, &part);
        for (int row = begin; row < end; ++row) expect_row(row, row - begin, "run " + opening->id());
        for (int at = end - begin; at < sc::PaddedRows(end - begin); ++at) {
          EXPECT_EQ(part.occupation[at], 0.0f) << "padding";
          EXPECT_EQ(part.skills[at], 0.0f) << "padding";
        }
      }
      // A selection of some blocks (rows outside its range hold skill items too).
      const uint64_t blocks = (uint64_t{1} << 3) | (uint64_t{1} << 4) | (uint64_t{1} << 9);
      sc::SelectEligibleCandidateRows(*segment, EncodeOpeningRow(*opening), blocks, &scratch, &some);
      if (some.count == 0) continue;
      sc::WalkCandidateSegment(*segment, *opening, relation, some, &part);
      for (int k = 0; k < some.count; ++k) expect_row(some.rows[k], k, "selection " + opening->id());
    }
  }
  EXPECT_GT(compared, 100000);
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
}  // namespace passerelle::engine::row_selection_test
