// MatchResult::blocker_counts of a MatchOpenings query without near-misses that finds no eligible opening
// (engine/index/blocker_count.h: the kernel's bits without the walks) must equal what the ranking path
// counts over a full scan: a query asking for near-misses scores every row with the walks and counts the
// blockers of the rows in scope (Selection::Consider), and finds the same number of eligible openings.
// Over generated cohorts that raise every blocker kind, strict and non-strict profiles, with and
// without the request's filters.
#include <random>
#include <string>
#include <vector>

#include "engine/index/match_index.h"
#include "engine/model/offer_fields.h"
#include "engine/scoring/pair_kernel.h"
#include "gtest/gtest.h"
#include "tests/engine/test_fixtures.h"

namespace passerelle::engine::blocker_count_test {
namespace {

using ::passerelle::engine::testing::SharedReferenceData;

constexpr const char* kCommunes[] = {"93066", "93008", "75056", "69123", "13055", "33063", "67482", "97411"};
constexpr const char* kRomes[] = {"F1703", "F1701", "F1606", "G1602", "K2204", "N1103"};
constexpr int64_t kSkills[] = {testing::kMasonSkillA, testing::kMasonSkillB, testing::kMasonSkillC,
                               testing::kMasonSkillD};
const Day kToday = DayFromCivil(2026, 6, 1);

class Cohort {
 public:
  explicit Cohort(uint32_t seed) : rng_(seed) {}

  Candidate MakeCandidate(int i) {
    Candidate c = testing::MasonCandidate("c" + std::to_string(i));
    c.commune_insee = Pick(kCommunes);
    c.wished_occupations = {Pick(kRomes)};
    if (Coin()) c.past_occupations = {{Pick(kRomes), static_cast<float>(Int(0, 8))}};
    c.skills = {Pick(kSkills)};
    if (Coin()) c.skills.push_back(Pick(kSkills));
    c.french_level = static_cast<CefrLevel>(Int(0, 4));
    c.french_hours_planned = static_cast<float>(Int(0, 2) * 100);
    c.transport_mode = static_cast<TransportMode>(Int(0, 4));
    c.max_commute_km = Coin() ? 0.0f : static_cast<float>(Int(2, 60));
    c.housing = static_cast<HousingStatus>(Int(0, 3));
    c.relocation_accepted = Coin();
    c.driving_licence = Coin();
    c.licence_categories = Coin() ? LicenceBit(LicenceCategory::kB) : 0u;
    if (Coin()) c.languages.push_back({"en", static_cast<CefrLevel>(Int(0, 5))});
    c.accepted_contracts = Coin() ? 0u : static_cast<uint32_t>(Int(1, kAllContractsMask));
    c.weekly_availability = Coin() ? 0u : static_cast<uint32_t>(Int(1, kWeekMask));
    // Some available on weekdays by day only: night and weekend openings block them.
    if (Int(0, 2) == 0) c.weekly_availability = kWeekMask & ~kNightSlots & ~kWeekendSlots;
    c.min_monthly_salary_eur = Coin() ? 0.0f : static_cast<float>(Int(15, 30) * 100);
    // Many without the right to work: every opening blocked, so the counts cover every other kind too.
    c.right_to_work = Int(0, 2) > 0;
    return c;
  }

  Opening MakeOpening(int i) {
    Opening o = testing::MasonOpening("o" + std::to_string(i), Pick(kCommunes));
    o.rome_code = Pick(kRomes);
    o.required_skills = {Pick(kSkills)};
    if (Coin()) o.required_skills.push_back(Pick(kSkills));
    o.desired_skills = {Pick(kSkills)};
    o.french_min_level = static_cast<CefrLevel>(Int(0, 4));
    o.french_requirement = static_cast<Requirement>(Int(0, 2));
    o.french_training_hours = static_cast<float>(Int(0, 2) * 200);
    o.driving_licence = static_cast<Requirement>(Int(0, 2));
    o.licences_required = Int(0, 3) == 0 ? LicenceBit(LicenceCategory::kC) : 0u;
    if (Int(0, 3) == 0) o.languages.push_back({"en", static_cast<CefrLevel>(Int(1, 5)), Requirement::kRequired});
    o.contract = static_cast<ContractType>(Int(0, kContractTypeCount - 1));
    o.weekly_schedule = Coin() ? 0u : static_cast<uint32_t>(Int(1, kWeekMask));
    if (Int(0, 4) == 0) o.weekly_schedule = kNightSlots;  // no shift a day-only candidate covers
    o.night_work = Int(0, 4) == 0;
    o.weekend_work = Int(0, 4) == 0;
    o.salary_monthly_max_eur = Coin() ? 0.0f : static_cast<float>(Int(14, 32) * 100);
    o.housing_provided = Coin();
    o.expires_on = Int(0, 4) == 0 ? kToday - Int(1, 30) : 0;
    return o;
  }

 private:
  template <class T, size_t N>
  T Pick(const T (&options)[N]) { return options[Int(0, static_cast<int>(N) - 1)]; }
  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Coin() { return Int(0, 1) == 1; }

  std::mt19937 rng_;
};

struct Counted {
  int queries = 0;                               // queries with nothing eligible, compared
  std::array<int64_t, kBlockerKinds> seen{};     // their counts summed, to show every kind was met
};

// Compares, for every candidate, the counts of a query without near-misses with those of the same query
// asking for near-misses (the ranking path's full scan).
void CompareCounts(const MatchIndex& index, int candidates, const MatchQuery& base, const ScoringProfile& profile,
                   const std::string& what, Counted* counted) {
  MatchQuery counting = base;
  counting.near_misses = 0;
  counting.explain = false;
  MatchQuery full = counting;
  full.near_misses = 3;
  for (int i = 0; i < candidates; ++i) {
    const std::string id = "c" + std::to_string(i);
    absl::StatusOr<MatchResult> a = index.MatchOpenings(id, counting, profile);
    absl::StatusOr<MatchResult> b = index.MatchOpenings(id, full, profile);
    ASSERT_TRUE(a.ok()) << a.status();
    ASSERT_TRUE(b.ok()) << b.status();
    ASSERT_EQ(a->eligible, b->eligible) << what << " " << id;
    EXPECT_EQ(a->blocker_counts, b->blocker_counts) << what << " " << id;
    if (a->eligible != 0) continue;
    ++counted->queries;
    for (int k = 0; k < kBlockerKinds; ++k) counted->seen[k] += a->blocker_counts[k];
  }
}

class BlockerCountTest : public ::testing::TestWithParam<int> {};

TEST_P(BlockerCountTest, CountsWithoutTheWalksEqualTheFullScansCounts) {
  // query_threads 2 with a low threshold: the counting pass is split over threads as a served one is.
  MatchIndexOptions options;
  options.query_threads = 2;
  options.min_rows_per_thread = 300;
  MatchIndex index(SharedReferenceData(), options);
  Cohort cohort(static_cast<uint32_t>(GetParam()));
  constexpr int kCandidates = 120;
  std::vector<std::shared_ptr<const ResolvedCandidate>> candidates;
  for (int i = 0; i < kCandidates; ++i) candidates.push_back(*index.ResolveCandidate(cohort.MakeCandidate(i)));
  index.UpsertCandidates(candidates);
  // Several segments per bucket in the larger régions, and removed rows the counts must skip.
  std::vector<std::shared_ptr<const ResolvedOpening>> openings;
  for (int i = 0; i < 2 * OpeningSegment::kRows + 300; ++i) openings.push_back(*index.ResolveOpening(cohort.MakeOpening(i)));
  index.UpsertOpenings(openings);
  for (int i = 0; i < 400; i += 9) ASSERT_TRUE(index.RemoveOpening("o" + std::to_string(i)));

  const ScoringProfile lenient = DefaultScoringProfile();
  ScoringProfile strict = DefaultScoringProfile();
  strict.name = "strict";
  strict.strict_required_skills = true;
  MatchQuery plain;
  plain.k = 5;
  plain.today = kToday;
  MatchQuery filtered = plain;
  filtered.contract_types = ContractBit(ContractType::kCdi) | ContractBit(ContractType::kCdd);
  filtered.occupations = {"F"};  // the grand domaine of the F codes
  filtered.max_distance_km = 40;

  Counted counted;
  for (const ScoringProfile* profile : std::vector<const ScoringProfile*>{&lenient, &strict}) {
    for (const MatchQuery* query : {&plain, &filtered}) {
      CompareCounts(index, kCandidates, *query, *profile,
                    profile->name + (query == &filtered ? " filtered" : " plain"), &counted);
    }
  }
  EXPECT_GT(counted.queries, 40) << "too few candidates with nothing eligible: the test checks little";
  for (int k = 0; (1u << k) <= scoring::kLastBlocker; ++k) {
    EXPECT_GT(counted.seen[k], 0) << "blocker bit " << k << " never counted: the cohort does not raise it";
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, BlockerCountTest, ::testing::Values(3, 17));

}  // namespace
}  // namespace passerelle::engine::blocker_count_test
