#include "engine/refdata/reference_data.h"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "gtest/gtest.h"
#include "tests/common/temp_dir.h"

namespace passerelle::engine::reference_data_test {
namespace {

namespace fs = std::filesystem;

// The real data set is loaded once for the whole suite.
class ReferenceDataTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto loaded = ReferenceData::Load(ReferenceData::DefaultDataDir());
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    data_ = new std::shared_ptr<const ReferenceData>(*std::move(loaded));
  }
  static void TearDownTestSuite() {
    delete data_;
    data_ = nullptr;
  }
  const ReferenceData& data() const { return **data_; }

  static std::shared_ptr<const ReferenceData>* data_;
};

std::shared_ptr<const ReferenceData>* ReferenceDataTest::data_ = nullptr;

double HaversineKm(const Commune& a, const Commune& b) {
  constexpr double kEarthRadiusKm = 6371.0088;
  constexpr double kRad = M_PI / 180.0;
  const double dlat = (b.latitude_deg - a.latitude_deg) * kRad;
  const double dlon = (b.longitude_deg - a.longitude_deg) * kRad;
  const double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(a.latitude_deg * kRad) * std::cos(b.latitude_deg * kRad) * std::sin(dlon / 2) *
                       std::sin(dlon / 2);
  return 2 * kEarthRadiusKm * std::asin(std::sqrt(h));
}

TEST_F(ReferenceDataTest, VersionIsSet) { EXPECT_EQ(data().version(), "rome4-v460+cog2025+tension2024.1"); }

TEST_F(ReferenceDataTest, RomeOccupations) {
  EXPECT_EQ(data().occupations().size(), 1584u);
  EXPECT_EQ(data().domaine_count(), 110);
  EXPECT_EQ(data().grand_domaine_count(), 14);
  std::optional<int32_t> macon = data().FindRome("F1703");
  ASSERT_TRUE(macon.has_value());
  const RomeOccupation& occupation = data().occupations()[*macon];
  EXPECT_EQ(occupation.code, "F1703");
  EXPECT_EQ(occupation.label, "Maçon / Maçonne");
  EXPECT_EQ(occupation.domaine_code, "F17");
  EXPECT_EQ(occupation.grand_domaine, 'F');
  EXPECT_EQ(occupation.grand_domaine_label, "Construction, Bâtiment et Travaux publics");
  EXPECT_GE(occupation.domaine_index, 0);
  EXPECT_LT(occupation.domaine_index, data().domaine_count());
  EXPECT_FALSE(data().FindRome("Z9999").has_value());
}

TEST_F(ReferenceDataTest, MobilityLinksAreAllKeptInRomeOrder) {
  size_t total = 0;
  for (int32_t i = 0; i < static_cast<int32_t>(data().occupations().size()); ++i) {
    total += data().MobilityTargets(i).size();
  }
  EXPECT_EQ(total, 14912u);  // every link of unix_rubrique_mobilite
  const int32_t from = *data().FindRome("A1101");
  absl::Span<const int32_t> targets = data().MobilityTargets(from);
  ASSERT_EQ(targets.size(), 11u);
  EXPECT_EQ(data().occupations()[targets[0]].code, "A1414");  // numero_ordre 1
  EXPECT_EQ(data().occupations()[targets[1]].code, "A1205");  // numero_ordre 2
  EXPECT_TRUE(data().IsMobilityLink(from, targets[0]));
  EXPECT_FALSE(data().IsMobilityLink(from, from));
  EXPECT_TRUE(data().MobilityTargets(-1).empty());
}

TEST_F(ReferenceDataTest, SkillItemsAndOccupationSkills) {
  // Items linked to at least one occupation: 16,740 savoir-faire + 16 savoir-être + 13,222 savoirs.
  EXPECT_EQ(data().skills().size(), 29978u);
  size_t links = 0, core = 0;
  for (int32_t i = 0; i < static_cast<int32_t>(data().occupations().size()); ++i) {
    for (const OccupationSkill& skill : data().OccupationSkills(i)) {
      ++links;
      core += skill.core ? 1 : 0;
    }
  }
  EXPECT_EQ(links, 90556u);  // 104,219 coherence links minus 13,663 work contexts
  EXPECT_EQ(core, 18900u);   // the "Principale" items
  std::optional<int32_t> soudage = data().FindSkill(100007);
  ASSERT_TRUE(soudage.has_value());
  EXPECT_EQ(data().skills()[*soudage].kind, SkillKind::kSavoir);
  EXPECT_EQ(data().skills()[*soudage].label, "Techniques de soudage");
  std::optional<int32_t> abattre = data().FindSkill(100023);
  ASSERT_TRUE(abattre.has_value());
  EXPECT_EQ(data().skills()[*abattre].kind, SkillKind::kSavoirFaire);
  EXPECT_FALSE(data().FindSkill(1).has_value());
}

TEST_F(ReferenceDataTest, SavoirEtreItemsExist) {
  size_t savoir_etre = 0;
  for (const SkillItem& item : data().skills()) savoir_etre += item.kind == SkillKind::kSavoirEtre ? 1 : 0;
  EXPECT_EQ(savoir_etre, 16u);  // ROME 4.0 has 16 savoir-être macro-skills
}

TEST_F(ReferenceDataTest, Appellations) {
  EXPECT_EQ(data().appellation_count(), 13120u);
  std::optional<int32_t> rome = data().FindAppellationRome(10200);
  ASSERT_TRUE(rome.has_value());
  EXPECT_EQ(data().occupations()[*rome].code, "F1402");
  const std::string* label = data().AppellationLabel(10200);
  ASSERT_NE(label, nullptr);
  EXPECT_EQ(*label, "Abatteur / Abatteuse de carrière");
  EXPECT_EQ(data().AppellationLabel(1), nullptr);
}

TEST_F(ReferenceDataTest, CommunesAndRegions) {
  EXPECT_EQ(data().communes().size(), 34969u);
  EXPECT_EQ(data().regions().size(), 26u);
  std::optional<int32_t> bobigny = data().FindCommune("93008");
  ASSERT_TRUE(bobigny.has_value());
  const Commune& commune = data().communes()[*bobigny];
  EXPECT_EQ(commune.name, "Bobigny");
  EXPECT_EQ(commune.departement_code, "93");
  EXPECT_EQ(data().regions()[commune.region_index].insee_code, "11");
  EXPECT_EQ(data().FindRegion("11"), commune.region_index);
  EXPECT_EQ(data().communes()[*data().FindCommune("2A004")].departement_code, "2A");  // Ajaccio
  EXPECT_FALSE(data().FindCommune("00000").has_value());
}

TEST_F(ReferenceDataTest, ParisLyonDistance) {
  const Commune& paris = data().communes()[*data().FindCommune("75056")];
  const Commune& lyon = data().communes()[*data().FindCommune("69123")];
  EXPECT_NEAR(HaversineKm(paris, lyon), 390.0, 10.0);
}

TEST_F(ReferenceDataTest, TensionIsInUnitInterval) {
  const int32_t romes = static_cast<int32_t>(data().occupations().size());
  const int32_t regions = static_cast<int32_t>(data().regions().size());
  for (int32_t r = 0; r < romes; ++r) {
    for (int32_t g = 0; g < regions; ++g) {
      const float t = data().Tension(r, g);
      ASSERT_TRUE(t >= 0.0f && t <= 1.0f) << data().occupations()[r].code << " " << t;
    }
  }
}

TEST_F(ReferenceDataTest, ListedTensionJobRanksAboveUnlisted) {
  // Maçons (FAP 2009 B2Z40 -> F1703) are on the official list in Bretagne (53), not in Île-de-France (11).
  const int32_t macon = *data().FindRome("F1703");
  const float bretagne = data().Tension(macon, *data().FindRegion("53"));
  const float ile_de_france = data().Tension(macon, *data().FindRegion("11"));
  EXPECT_GE(bretagne, 0.5f);  // listed: 0.5 + 0.5 * f
  EXPECT_LE(ile_de_france, 0.5f);
  EXPECT_GT(bretagne, ile_de_france);
}

TEST_F(ReferenceDataTest, MissingPairsGetTheDefault) {
  // Saint-Pierre-et-Miquelon is outside the tension data; an occupation with no source figure neither.
  const int32_t macon = *data().FindRome("F1703");
  EXPECT_FLOAT_EQ(data().Tension(macon, *data().FindRegion("975")), 0.25f);
  EXPECT_FLOAT_EQ(data().Tension(-1, 0), 0.25f);
}

// Copies the real data set into `scratch`, where a test can then damage it.
fs::path CopyDataDir(const tests::TempDir& scratch) {
  const fs::path dir = scratch.Sub("data");
  fs::copy(ReferenceData::DefaultDataDir(), dir, fs::copy_options::recursive);
  return dir;
}

TEST(ReferenceDataErrorsTest, MissingFileIsNamed) {
  const tests::TempDir scratch("passerelle-refdata-missing");
  const fs::path dir = CopyDataDir(scratch);
  fs::remove(dir / "geo" / "communes.tsv");
  auto loaded = ReferenceData::Load(dir.string());
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("communes.tsv"), std::string::npos) << loaded.status();
}

TEST(ReferenceDataErrorsTest, MalformedLineIsNamed) {
  const tests::TempDir scratch("passerelle-refdata-malformed");
  const fs::path dir = CopyDataDir(scratch);
  std::ofstream(dir / "tension" / "tension.tsv", std::ios::app) << "F1703\t11\tnot-a-number\t0\t3\n";
  auto loaded = ReferenceData::Load(dir.string());
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("tension.tsv:"), std::string::npos) << loaded.status();
  EXPECT_NE(loaded.status().message().find("index"), std::string::npos) << loaded.status();
}

TEST(ReferenceDataErrorsTest, WrongFieldCountIsNamedWithLine) {
  const tests::TempDir scratch("passerelle-refdata-fields");
  const fs::path dir = CopyDataDir(scratch);
  std::ofstream(dir / "rome" / "occupations.tsv", std::ios::trunc)
      << "code\tlabel\tdomaine_code\tdomaine_label\tgrand_domaine\tgrand_domaine_label\n"
      << "A1101\tConducteur\tA11\tEngins\tA\tAgriculture\n"
      << "A1102\tonly three\tA11\n";
  auto loaded = ReferenceData::Load(dir.string());
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("occupations.tsv:3:"), std::string::npos) << loaded.status();
}

TEST(ReferenceDataErrorsTest, UnknownCodeIsNamed) {
  const tests::TempDir scratch("passerelle-refdata-unknown");
  const fs::path dir = CopyDataDir(scratch);
  std::ofstream(dir / "rome" / "mobility.tsv", std::ios::app) << "F1703\tZ9999\t99\n";
  auto loaded = ReferenceData::Load(dir.string());
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("mobility.tsv:14914:"), std::string::npos) << loaded.status();
  EXPECT_NE(loaded.status().message().find("Z9999"), std::string::npos) << loaded.status();
}

TEST(ReferenceDataTestEnv, DefaultDataDirHonoursEnvironment) {
  const char* saved = std::getenv("PASSERELLE_DATA_DIR");
  const std::string restore = saved != nullptr ? saved : "";
  setenv("PASSERELLE_DATA_DIR", "/some/where", 1);
  EXPECT_EQ(ReferenceData::DefaultDataDir(), "/some/where");
  if (saved != nullptr) {
    setenv("PASSERELLE_DATA_DIR", restore.c_str(), 1);
  } else {
    unsetenv("PASSERELLE_DATA_DIR");
  }
}

}  // namespace
}  // namespace passerelle::engine::reference_data_test
