// The vectorised segment kernels and the one-pair path (used by explanations) must agree on every
// pair, in both directions, across several segments and with removed rows in between.
#include <random>

#include "engine/index/match_index.h"
#include "gtest/gtest.h"
#include "tests/engine/test_fixtures.h"

namespace passerelle::engine {
namespace {

using ::passerelle::engine::testing::SharedReferenceData;

// Varied but valid records around Île-de-France and Lyon, from a fixed seed.
class RandomRecords {
 public:
  explicit RandomRecords(uint32_t seed) : rng_(seed), data_(SharedReferenceData()) {}

  Candidate MakeCandidate(int i) {
    Candidate c = testing::MasonCandidate("c" + std::to_string(i));
    c.commune_insee = Pick(kCommunes);
    c.wished_occupations = {Pick(kRomes)};
    if (Coin()) c.past_occupations = {{Pick(kRomes), static_cast<float>(Int(0, 8))}};
    c.french_level = static_cast<CefrLevel>(Int(0, 4));
    c.french_attested = Coin();
    c.french_hours_planned = static_cast<float>(Int(0, 3) * 100);
    c.housing = static_cast<HousingStatus>(Int(0, 3));
    c.transport_mode = static_cast<TransportMode>(Int(0, 4));
    c.driving_licence = Coin();
    c.vehicle = Coin();
    c.relocation_accepted = Coin();
    c.skills = {testing::kMasonSkillA};
    if (Coin()) c.skills.push_back(testing::kMasonSkillB);
    if (Coin()) c.skills.push_back(testing::kMasonSkillD);
    c.accepted_contracts = static_cast<uint32_t>(Int(0, kAllContractsMask));
    c.available_from = testing::MasonOpening().start_date + Int(-30, 120);
    c.weekly_availability = Coin() ? 0 : static_cast<uint32_t>(Int(0, kWeekMask));
    c.right_to_work = Int(0, 9) > 0;
    // Experience criterion: a second past occupation and a qualification level, recognised or not.
    if (Coin()) c.past_occupations.push_back({Pick(kRomes), static_cast<float>(Int(0, 6)) * 0.5f});
    c.qualification_level = Int(0, 6);
    c.qualification_recognised = Coin();
    // Desired assets: languages at a level, licence categories held or being exchanged.
    if (Coin()) c.languages.push_back({"ar", static_cast<CefrLevel>(Int(1, 6))});
    if (Coin()) c.languages.push_back({"en", static_cast<CefrLevel>(Int(0, 6))});
    c.licence_categories = (Coin() ? LicenceBit(LicenceCategory::kB) : 0u) | (Coin() ? LicenceBit(LicenceCategory::kC) : 0u);
    c.licence_categories_pending = Coin() ? LicenceBit(LicenceCategory::kCe) : 0u;
    return c;
  }

  Opening MakeOpening(int i) {
    Opening o = testing::MasonOpening("o" + std::to_string(i), Pick(kCommunes));
    o.rome_code = Pick(kRomes);
    o.required_skills = {testing::kMasonSkillA};
    if (Coin()) o.required_skills.push_back(testing::kMasonSkillC);
    o.desired_skills = Coin() ? std::vector<int64_t>{testing::kMasonSkillD} : std::vector<int64_t>{};
    o.french_min_level = static_cast<CefrLevel>(Int(0, 4));
    o.french_requirement = static_cast<Requirement>(Int(0, 2));
    o.french_training_hours = static_cast<float>(Int(0, 2) * 200);
    o.driving_licence = static_cast<Requirement>(Int(0, 2));
    o.contract = static_cast<ContractType>(Int(0, kContractTypeCount - 1));
    o.weekly_schedule = Coin() ? 0 : static_cast<uint32_t>(Int(1, kWeekMask));
    o.housing_provided = Coin();
    o.hard_to_fill = Coin();
    o.experience_requirement = static_cast<Requirement>(Int(0, 2));
    o.experience_months = static_cast<float>(Int(0, 4) * 12);
    o.qualification_requirement = static_cast<Requirement>(Int(0, 2));
    o.qualification_level = Coin() ? 0 : Int(3, 6);
    // Desired assets (exigence S): languages at a level, licence categories.
    if (Coin()) o.languages.push_back({"ar", static_cast<CefrLevel>(Int(0, 6)), Requirement::kDesired});
    if (Coin()) o.languages.push_back({"en", static_cast<CefrLevel>(Int(0, 6)), Requirement::kDesired});
    o.licences_desired = (Coin() ? LicenceBit(LicenceCategory::kC) : 0u) | (Coin() ? LicenceBit(LicenceCategory::kCe) : 0u);
    return o;
  }

 private:
  static constexpr const char* kCommunes[] = {"93066", "93008", "75056", "69123", "92050", "94028", "13055", "93005"};
  static constexpr const char* kRomes[] = {"F1703", "F1701", "F1606", "G1602", "K2204", "N1103", "H2913", "A1401"};
  template <size_t N>
  const char* Pick(const char* const (&options)[N]) { return options[Int(0, N - 1)]; }
  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Coin() { return Int(0, 1) == 1; }

  std::mt19937 rng_;
  std::shared_ptr<const ReferenceData> data_;
};

void ExpectSameAsPairPath(const ScoredMatch& m) {
  EXPECT_FLOAT_EQ(m.total, m.explanation->total) << m.id;
  for (int k = 0; k < kCriterionCount; ++k) {
    EXPECT_FLOAT_EQ(m.criteria[k], m.explanation->criteria[k].score) << m.id << " criterion " << k;
  }
  EXPECT_NEAR(m.distance_km, m.explanation->distance_km, 1e-3) << m.id;
}

TEST(KernelConsistencyTest, SegmentKernelsAgreeWithThePairPathInBothDirections) {
  MatchIndex index(SharedReferenceData());
  RandomRecords random(7);
  // More candidates than one segment holds, and a few removed rows.
  std::vector<std::shared_ptr<const ResolvedCandidate>> candidates;
  for (int i = 0; i < CandidateSegment::kRows + 500; ++i) candidates.push_back(*index.ResolveCandidate(random.MakeCandidate(i)));
  index.UpsertCandidates(candidates);
  std::vector<std::shared_ptr<const ResolvedOpening>> openings;
  for (int i = 0; i < OpeningSegment::kRows + 100; ++i) openings.push_back(*index.ResolveOpening(random.MakeOpening(i)));
  index.UpsertOpenings(openings);
  for (int i = 0; i < 200; i += 7) index.RemoveCandidate("c" + std::to_string(i));

  MatchQuery q;
  q.k = kMaxK;
  q.near_misses = 200;
  int checked = 0;
  for (int i = 0; i < 30; ++i) {
    auto by_opening = index.MatchCandidates("o" + std::to_string(i * 37), q, DefaultScoringProfile());
    ASSERT_TRUE(by_opening.ok()) << by_opening.status();
    for (const ScoredMatch& m : by_opening->matches) ExpectSameAsPairPath(m), ++checked;
    for (const ScoredMatch& m : by_opening->near_misses) ExpectSameAsPairPath(m), ++checked;
    for (const ScoredMatch& m : by_opening->matches) {
      EXPECT_NE(m.id, "c0") << "removed candidate returned";
    }
    auto by_candidate = index.MatchOpenings("c" + std::to_string(1 + i * 131), q, DefaultScoringProfile());
    ASSERT_TRUE(by_candidate.ok()) << by_candidate.status();
    for (const ScoredMatch& m : by_candidate->matches) ExpectSameAsPairPath(m), ++checked;
    for (const ScoredMatch& m : by_candidate->near_misses) ExpectSameAsPairPath(m), ++checked;
  }
  EXPECT_GT(checked, 2000);
}

}  // namespace
}  // namespace passerelle::engine

namespace passerelle::engine {
namespace {

// Queries without near-misses skip segments nobody in which can be eligible; asking for near-misses
// scans everything. The matches must be the same either way.
TEST(SegmentPruningTest, SkippingSegmentsNeverChangesTheMatches) {
  MatchIndex index(SharedReferenceData());
  RandomRecords random(11);
  std::vector<std::shared_ptr<const ResolvedCandidate>> candidates;
  for (int i = 0; i < 3000; ++i) candidates.push_back(*index.ResolveCandidate(random.MakeCandidate(i)));
  index.UpsertCandidates(candidates);
  std::vector<std::shared_ptr<const ResolvedOpening>> openings;
  for (int i = 0; i < 800; ++i) openings.push_back(*index.ResolveOpening(random.MakeOpening(i)));
  index.UpsertOpenings(openings);

  MatchQuery pruned;
  pruned.k = kMaxK;
  pruned.explain = false;
  MatchQuery full = pruned;
  full.near_misses = 1;
  int64_t skipped_rows = 0;
  for (int i = 0; i < 40; ++i) {
    auto a = index.MatchCandidates("o" + std::to_string(i * 19), pruned, DefaultScoringProfile());
    auto b = index.MatchCandidates("o" + std::to_string(i * 19), full, DefaultScoringProfile());
    ASSERT_EQ(a->matches.size(), b->matches.size());
    for (size_t j = 0; j < a->matches.size(); ++j) EXPECT_EQ(a->matches[j].id, b->matches[j].id);
    skipped_rows += b->scored - a->scored;
    auto c = index.MatchOpenings("c" + std::to_string(i * 71), pruned, DefaultScoringProfile());
    auto d = index.MatchOpenings("c" + std::to_string(i * 71), full, DefaultScoringProfile());
    ASSERT_EQ(c->matches.size(), d->matches.size());
    for (size_t j = 0; j < c->matches.size(); ++j) EXPECT_EQ(c->matches[j].id, d->matches[j].id);
    skipped_rows += d->scored - c->scored;
  }
  EXPECT_GT(skipped_rows, 0) << "no segment was ever skipped: the test checks nothing";
}


// A scan split over threads (each part a run of segments holding about the same number of rows) gives
// what one thread gives, bit for bit: the same matches and near-misses, scores and counts. (That a full
// scan, whose small segments are scored together in one block, scores eligible rows bit for bit as the
// selected scan does is tests/engine/row_selection_test.cc's.)
void ExpectSameResult(const MatchResult& a, const MatchResult& b, const std::string& query) {
  EXPECT_EQ(a.scored, b.scored) << query;
  EXPECT_EQ(a.eligible, b.eligible) << query;
  EXPECT_EQ(a.blocker_counts, b.blocker_counts) << query;
  auto same = [&](const std::vector<ScoredMatch>& x, const std::vector<ScoredMatch>& y, const char* what) {
    ASSERT_EQ(x.size(), y.size()) << query << " " << what;
    for (size_t i = 0; i < x.size(); ++i) {
      EXPECT_EQ(x[i].id, y[i].id) << query << " " << what << " rank " << i;
      EXPECT_EQ(x[i].total, y[i].total) << query << " " << what << " rank " << i;
      EXPECT_EQ(x[i].criteria, y[i].criteria) << query << " " << what << " rank " << i;
      EXPECT_EQ(x[i].distance_km, y[i].distance_km) << query << " " << what << " rank " << i;
      EXPECT_EQ(x[i].blockers, y[i].blockers) << query << " " << what << " rank " << i;
    }
  };
  same(a.matches, b.matches, "matches");
  same(a.near_misses, b.near_misses, "near-misses");
}

TEST(ScanSplitTest, SplittingAScanOverThreadsChangesNoResult) {
  MatchIndexOptions one_thread;
  one_thread.query_threads = 1;
  MatchIndexOptions two_threads;
  two_threads.query_threads = 2;
  two_threads.min_rows_per_thread = 1;  // every scan of two segments or more is split
  MatchIndex single(SharedReferenceData(), one_thread), split(SharedReferenceData(), two_threads);
  RandomRecords random(23);
  std::vector<std::shared_ptr<const ResolvedCandidate>> candidates;
  for (int i = 0; i < CandidateSegment::kRows + 700; ++i) candidates.push_back(*single.ResolveCandidate(random.MakeCandidate(i)));
  std::vector<std::shared_ptr<const ResolvedOpening>> openings;
  for (int i = 0; i < OpeningSegment::kRows + 300; ++i) openings.push_back(*single.ResolveOpening(random.MakeOpening(i)));
  for (MatchIndex* index : {&single, &split}) {
    index->UpsertCandidates(candidates);
    index->UpsertOpenings(openings);
    // Dead rows inside the small opening segments scored together, and inside candidate segments.
    for (int i = 0; i < 300; i += 11) {
      index->RemoveOpening("o" + std::to_string(i));
      index->RemoveCandidate("c" + std::to_string(i));
    }
  }
  MatchQuery full;
  full.k = 40;
  full.near_misses = 40;
  full.explain = false;
  MatchQuery selected = full;
  selected.near_misses = 0;
  int64_t near_misses = 0;
  for (int i = 0; i < 20; ++i) {
    const std::string opening = "o" + std::to_string(300 + i * 41), candidate = "c" + std::to_string(300 + i * 173);
    for (const MatchQuery& q : {full, selected}) {
      auto a = single.MatchCandidates(opening, q, DefaultScoringProfile());
      auto b = split.MatchCandidates(opening, q, DefaultScoringProfile());
      ASSERT_TRUE(a.ok() && b.ok());
      ExpectSameResult(*a, *b, "MatchCandidates " + opening);
      auto c = single.MatchOpenings(candidate, q, DefaultScoringProfile());
      auto d = split.MatchOpenings(candidate, q, DefaultScoringProfile());
      ASSERT_TRUE(c.ok() && d.ok());
      ExpectSameResult(*c, *d, "MatchOpenings " + candidate);
      near_misses += static_cast<int64_t>(a->near_misses.size() + c->near_misses.size());
    }
  }
  EXPECT_GT(near_misses, 100) << "too few near-misses: the full scans check little";
}

}  // namespace
}  // namespace passerelle::engine
