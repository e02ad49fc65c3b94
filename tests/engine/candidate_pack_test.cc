#include "engine/model/candidate_pack.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "absl/types/span.h"
#include "engine/columns/candidate_segment.h"
#include "engine/sample/cohort_generator.h"
#include "engine/scoring/resolution.h"
#include "gtest/gtest.h"
#include "tests/engine/test_fixtures.h"

namespace passerelle::engine::candidate_pack_test {
namespace {

using testing::SharedReferenceData;

// Field-by-field equality, floats compared by their bits: unpacking must give back exactly what was packed.
void ExpectSame(const ResolvedCandidate& a, const ResolvedCandidate& b) {
  auto same_bits = [](float x, float y) { return std::memcmp(&x, &y, sizeof(float)) == 0; };
  const Candidate& r = a.record;
  const Candidate& s = b.record;
  EXPECT_EQ(r.id, s.id);
  EXPECT_EQ(r.owner_id, s.owner_id);
  EXPECT_EQ(r.commune_insee, s.commune_insee);
  EXPECT_EQ(r.transport_mode, s.transport_mode);
  EXPECT_TRUE(same_bits(r.max_commute_km, s.max_commute_km));
  EXPECT_EQ(r.driving_licence, s.driving_licence);
  EXPECT_EQ(r.vehicle, s.vehicle);
  EXPECT_EQ(r.relocation_accepted, s.relocation_accepted);
  EXPECT_EQ(r.housing, s.housing);
  EXPECT_EQ(r.french_level, s.french_level);
  EXPECT_EQ(r.french_attested, s.french_attested);
  EXPECT_TRUE(same_bits(r.french_hours_planned, s.french_hours_planned));
  EXPECT_EQ(r.skills, s.skills);
  ASSERT_EQ(r.past_occupations.size(), s.past_occupations.size());
  for (size_t i = 0; i < r.past_occupations.size(); ++i) {
    EXPECT_EQ(r.past_occupations[i].rome_code, s.past_occupations[i].rome_code);
    EXPECT_TRUE(same_bits(r.past_occupations[i].years, s.past_occupations[i].years));
  }
  EXPECT_EQ(r.wished_occupations, s.wished_occupations);
  EXPECT_EQ(r.accepted_contracts, s.accepted_contracts);
  EXPECT_EQ(r.available_from, s.available_from);
  EXPECT_EQ(r.weekly_availability, s.weekly_availability);
  EXPECT_EQ(r.right_to_work, s.right_to_work);
  EXPECT_EQ(r.licence_categories, s.licence_categories);
  EXPECT_EQ(r.licence_categories_pending, s.licence_categories_pending);
  ASSERT_EQ(r.languages.size(), s.languages.size());
  for (size_t i = 0; i < r.languages.size(); ++i) {
    EXPECT_EQ(r.languages[i].code, s.languages[i].code);
    EXPECT_EQ(r.languages[i].level, s.languages[i].level);
  }
  EXPECT_EQ(r.qualification_level, s.qualification_level);
  EXPECT_EQ(r.qualification_recognised, s.qualification_recognised);
  EXPECT_TRUE(same_bits(r.min_monthly_salary_eur, s.min_monthly_salary_eur));

  EXPECT_EQ(a.commune_index, b.commune_index);
  EXPECT_TRUE(same_bits(a.position.x, b.position.x));
  EXPECT_TRUE(same_bits(a.position.y, b.position.y));
  EXPECT_TRUE(same_bits(a.position.z, b.position.z));
  EXPECT_TRUE(same_bits(a.radius_km, b.radius_km));
  ASSERT_EQ(a.occupations.size(), b.occupations.size());
  for (size_t i = 0; i < a.occupations.size(); ++i) {
    EXPECT_EQ(a.occupations[i].rome_index, b.occupations[i].rome_index);
    EXPECT_TRUE(same_bits(a.occupations[i].factor, b.occupations[i].factor));
  }
  EXPECT_EQ(a.skill_indices, b.skill_indices);
}

ResolvedCandidate Resolve(const Candidate& c) {
  absl::StatusOr<ResolvedCandidate> resolved = ResolveCandidate(c, *SharedReferenceData());
  EXPECT_TRUE(resolved.ok()) << resolved.status();
  return *resolved;
}

TEST(CandidatePackTest, EveryFieldRoundTrips) {
  Candidate c = testing::MasonCandidate("cand-with-a-rather-long-identifier-0001");
  c.transport_mode = TransportMode::kCar;
  c.max_commute_km = 37.25f;
  c.driving_licence = true;
  c.vehicle = true;
  c.relocation_accepted = true;
  c.housing = HousingStatus::kEmergency;
  c.french_level = CefrLevel::kB1;
  c.french_attested = false;
  c.french_hours_planned = 120.5f;
  c.skills = {testing::kMasonSkillD, testing::kMasonSkillA, testing::kMasonSkillA};  // order and duplicate kept
  c.past_occupations = {{"F1606", 3.5f}, {"F1703", 0.25f}};
  c.wished_occupations = {"F1703", "G1602"};
  c.weekly_availability = WeeklySlotBit(0, 0) | WeeklySlotBit(6, 3);
  c.right_to_work = true;
  c.licence_categories = LicenceBit(LicenceCategory::kB) | LicenceBit(LicenceCategory::kC);
  c.licence_categories_pending = LicenceBit(LicenceCategory::kCe);
  c.languages = {{"ar", CefrLevel::kC2}, {"prs", CefrLevel::kB1}};
  c.qualification_level = 5;
  c.qualification_recognised = true;
  c.min_monthly_salary_eur = 1801.5f;
  const ResolvedCandidate resolved = Resolve(c);

  std::string packed;
  AppendPackedCandidate(resolved, &packed);
  ExpectSame(resolved, UnpackCandidate(packed));

  const PackedCandidateView view(packed);
  EXPECT_EQ(view.id, c.id);
  EXPECT_EQ(view.owner_id, c.owner_id);
  EXPECT_EQ(view.commune_index, resolved.commune_index);

  std::vector<int32_t> skills = {42};
  std::vector<WeightedOccupation> occupations;
  PackedFeatures(packed, &skills, &occupations);
  EXPECT_EQ(skills, resolved.skill_indices);
  ASSERT_EQ(occupations.size(), resolved.occupations.size());
  EXPECT_EQ(occupations[0].rome_index, resolved.occupations[0].rome_index);
}

// The largest record the limits allow packs past AppendPackedCandidate's stack buffer (2 KiB), after the
// bytes already in the string, and still round-trips.
TEST(CandidatePackTest, LargestRecordRoundTripsAfterEarlierBytes) {
  const ReferenceData& data = *SharedReferenceData();
  Candidate c = testing::MasonCandidate(std::string(kMaxIdBytes, 'c'));
  c.owner_id = std::string(kMaxIdBytes, 'o');
  c.skills.clear();
  for (size_t i = 0; i < kMaxSkillsPerRecord; ++i) c.skills.push_back(data.skills()[i].code_ogr);
  c.wished_occupations.clear();
  c.past_occupations.clear();
  for (size_t i = 0; i < kMaxOccupationsPerCandidate / 2; ++i) {
    c.wished_occupations.push_back(data.occupations()[i].code);
    c.past_occupations.push_back({data.occupations()[i + 100].code, 1.5f + static_cast<float>(i)});
  }
  const char* const codes[] = {"ar", "prs", "ps", "ti", "uk", "ru", "en", "es", "de", "tr", "ku", "so", "am", "fa", "ur", "bn"};
  for (const char* code : codes) c.languages.push_back({code, CefrLevel::kB2});
  ASSERT_EQ(c.languages.size(), kMaxLanguagesPerRecord);
  const ResolvedCandidate resolved = Resolve(c);
  ASSERT_EQ(resolved.skill_indices.size(), kMaxSkillsPerRecord);

  std::string small;
  AppendPackedCandidate(Resolve(testing::MasonCandidate("first")), &small);
  std::string packed = small;
  AppendPackedCandidate(resolved, &packed);
  EXPECT_GT(packed.size() - small.size(), 2048u);
  EXPECT_EQ(packed.substr(0, small.size()), small);
  ExpectSame(resolved, UnpackCandidate(absl::string_view(packed).substr(small.size())));
}

TEST(CandidatePackTest, GeneratedCohortRoundTripsAndStaysSmall) {
  CohortOptions options;
  options.candidates = 2000;
  const std::vector<Candidate> candidates = CohortGenerator(SharedReferenceData(), options).Candidates();
  size_t bytes = 0;
  for (const Candidate& c : candidates) {
    const ResolvedCandidate resolved = Resolve(c);
    std::string packed;
    AppendPackedCandidate(resolved, &packed);
    bytes += packed.size();
    ExpectSame(resolved, UnpackCandidate(packed));
  }
  // The point of packing: a realistic candidate takes a small fraction of its ~600 bytes as objects.
  EXPECT_LT(bytes / candidates.size(), 200u);
}

TEST(CandidatePackTest, SegmentKeepsRecordsPackedAcrossReplaceAndClear) {
  CandidateSegment segment;
  const ResolvedCandidate a = Resolve(testing::MasonCandidate("cand-a"));
  Candidate b_record = testing::MasonCandidate("cand-b");
  b_record.commune_insee = testing::kLyon;
  const ResolvedCandidate b = Resolve(b_record);
  segment.Set(0, std::make_shared<const ResolvedCandidate>(a));
  segment.Set(1, std::make_shared<const ResolvedCandidate>(b));
  segment.Finish();
  EXPECT_EQ(segment.id(0), "cand-a");
  EXPECT_EQ(segment.id(1), "cand-b");

  // Row 0 replaced by b's record under another id, row 1 cleared: the arena drops the dead bytes.
  Candidate c_record = b_record;
  c_record.id = "cand-c";
  segment.Set(0, std::make_shared<const ResolvedCandidate>(Resolve(c_record)));
  segment.Clear(1);
  segment.Finish();
  EXPECT_TRUE(segment.live(0));
  EXPECT_FALSE(segment.live(1));
  EXPECT_EQ(segment.record(1), nullptr);
  EXPECT_EQ(segment.id(1), "");
  ASSERT_NE(segment.record(0), nullptr);
  EXPECT_EQ(segment.record(0)->record.commune_insee, testing::kLyon);
  EXPECT_EQ(segment.id(0), "cand-c");
  EXPECT_EQ(segment.packed(0).size(), [&] {
    std::string packed;
    AppendPackedCandidate(*segment.record(0), &packed);
    return packed.size();
  }());
  // The skill matrix was rebuilt from the packed features: row 0 holds c's items, row 1 none.
  EXPECT_EQ(segment.skills.Rows(segment.record(0)->skill_indices[0]).size(), 1u);
}

// SegmentSkills walks like the sparse matrix it replaced: each item's rows ascending, items past the
// largest one (or negative) empty, and the rows of every item accounted for.
TEST(SegmentSkillsTest, RowsByItemInRowOrder) {
  SegmentSkills skills;
  EXPECT_EQ(skills.cols(), 0);
  EXPECT_TRUE(skills.Rows(0).empty());
  const std::vector<std::pair<int32_t, uint16_t>> item_rows = {{5, 0}, {2, 0}, {5, 3}, {0, 7}, {5, 4095}, {2, 4095}};
  skills.Build(item_rows, 6);
  EXPECT_EQ(skills.cols(), 6);
  EXPECT_EQ(skills.nonZeros(), 6u);
  auto rows = [&](int32_t item) {
    absl::Span<const uint16_t> r = skills.Rows(item);
    return std::vector<uint16_t>(r.begin(), r.end());
  };
  EXPECT_EQ(rows(5), (std::vector<uint16_t>{0, 3, 4095}));
  EXPECT_EQ(rows(2), (std::vector<uint16_t>{0, 4095}));
  EXPECT_EQ(rows(0), (std::vector<uint16_t>{7}));
  EXPECT_TRUE(rows(1).empty());
  EXPECT_TRUE(rows(6).empty());
  EXPECT_TRUE(rows(-1).empty());
  skills.Build({}, 0);  // rebuilt empty
  EXPECT_EQ(skills.cols(), 0);
  EXPECT_TRUE(rows(5).empty());
}

}  // namespace
}  // namespace passerelle::engine::candidate_pack_test
