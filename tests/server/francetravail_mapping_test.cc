// France Travail offers -> openings, field by field (server/francetravail/, docs/francetravail.md), on
// the fixtures of tests/server/francetravail/: every mapped field, every rejection with its published
// field path, and the readings of the free-text fields.
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "engine/common/field_status.h"
#include "engine/model/dates.h"
#include "engine/refdata/commune_lookup.h"
#include "server/francetravail/offer_fields.h"
#include "server/francetravail/offer_json.h"
#include "server/francetravail/offer_mapping.h"
#include "tests/engine/test_fixtures.h"

namespace passerelle::server::francetravail {
namespace {

using engine::ContractType;
using engine::LicenceBit;
using engine::LicenceCategory;
using engine::Requirement;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string Fixture(const std::string& name) {
  std::ifstream in(std::string(PASSERELLE_FT_FIXTURES) + "/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<v1::FranceTravailOffer> FixtureOffers(const std::string& name) {
  auto items = ParseOffers(Fixture(name));
  EXPECT_TRUE(items.ok()) << items.status();
  std::vector<v1::FranceTravailOffer> offers;
  for (auto& item : *items) {
    EXPECT_TRUE(item.offer.ok()) << item.offer.status();
    if (item.offer.ok()) offers.push_back(*item.offer);
  }
  return offers;
}

const OfferMapper& Mapper() {
  static const OfferMapper mapper(*engine::testing::SharedReferenceData());
  return mapper;
}

std::string DisplayValue(const engine::Opening& o, absl::string_view name) {
  for (const engine::DisplayField& f : o.display_fields) {
    if (f.name == name) return f.value;
  }
  return "<absent>";
}

class MappingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    offers_ = FixtureOffers("search_response.json");
    ASSERT_EQ(offers_.size(), 5u);
    MappingOptions options;
    options.employer_id = [](absl::string_view siret) { return absl::StrCat("hash-", siret.size()); };
    for (const auto& offer : offers_) {
      auto mapped = Mapper().Map(offer, options);
      ASSERT_TRUE(mapped.ok()) << offer.id() << ": " << mapped.status();
      mapped_.push_back(*mapped);
    }
  }
  std::vector<v1::FranceTravailOffer> offers_;
  std::vector<MappedOffer> mapped_;
};

TEST_F(MappingTest, MasonInBobignyMapsEveryField) {
  const engine::Opening& o = mapped_[0].opening;
  EXPECT_EQ(o.id, "201MWKT");
  EXPECT_EQ(o.source_id, "201MWKT");
  EXPECT_EQ(o.source, "francetravail");
  EXPECT_EQ(o.title, "Maçon / Maçonne (H/F)");
  EXPECT_EQ(o.commune_insee, "93008");
  EXPECT_EQ(o.rome_code, "F1703");
  EXPECT_EQ(o.appellation_code, 16250);  // "Maçon / Maçonne"
  EXPECT_EQ(o.contract, ContractType::kCdi);
  EXPECT_THAT(o.required_skills, ElementsAre(100596));
  EXPECT_THAT(o.desired_skills, ElementsAre(100854));
  EXPECT_EQ(DisplayValue(o, "competences[2]"), "Lecture de plans de coffrage");
  EXPECT_EQ(o.experience_requirement, Requirement::kRequired);
  EXPECT_EQ(o.experience_months, 24);
  EXPECT_EQ(o.experience_label, "2 An(s)");
  EXPECT_EQ(o.licences_required, LicenceBit(LicenceCategory::kB));
  EXPECT_EQ(o.licences_desired, LicenceBit(LicenceCategory::kC));
  EXPECT_EQ(o.driving_licence, Requirement::kRequired);
  EXPECT_EQ(DisplayValue(o, "permis[2]"), "CACES R482 catégorie A");
  ASSERT_EQ(o.languages.size(), 2u);
  EXPECT_EQ(o.languages[0].code, "en");
  EXPECT_EQ(o.languages[0].requirement, Requirement::kDesired);
  EXPECT_EQ(o.languages[1].code, "ar");
  EXPECT_EQ(o.languages[1].requirement, Requirement::kRequired);
  EXPECT_EQ(o.qualification_level, 3);
  EXPECT_EQ(o.qualification_requirement, Requirement::kRequired);
  EXPECT_EQ(DisplayValue(o, "formations[0].domaineLibelle"), "Maçonnerie");
  EXPECT_FLOAT_EQ(o.salary_monthly_min_eur, 1900);
  EXPECT_FLOAT_EQ(o.salary_monthly_max_eur, 2200);
  EXPECT_EQ(o.salary_label, "Mensuel de 1900.00 Euros à 2200.00 Euros sur 12 mois");
  EXPECT_EQ(DisplayValue(o, "salaire.complement1"), "Panier repas");
  EXPECT_FLOAT_EQ(o.weekly_hours, 39);
  EXPECT_EQ(o.working_time_label, "39H Horaires normaux");
  EXPECT_FALSE(o.night_work);
  EXPECT_FALSE(o.weekend_work);
  EXPECT_EQ(o.created_on, engine::DayFromCivil(2026, 10, 2));
  EXPECT_EQ(o.updated_on, engine::DayFromCivil(2026, 11, 20));
  EXPECT_EQ(o.positions, 2);
  EXPECT_TRUE(o.hard_to_fill);
  EXPECT_FALSE(o.training_provided);
  EXPECT_EQ(o.employer_id, "hash-14");
  EXPECT_EQ(DisplayValue(o, "origineOffre.origine"), "France Travail");
  EXPECT_EQ(DisplayValue(o, "qualificationLibelle"), "Ouvrier qualifié (P3,P4,OHQ)");
  EXPECT_EQ(DisplayValue(o, "accessibleTH"), "true");
  // Neither the employer's name nor the recruiter's contact is kept anywhere.
  for (const engine::DisplayField& f : o.display_fields) {
    EXPECT_THAT(f.value, ::testing::Not(HasSubstr("BATI EST"))) << f.name;
    EXPECT_THAT(f.value, ::testing::Not(HasSubstr("recrutement@"))) << f.name;
  }
  EXPECT_THAT(mapped_[0].notes, Contains(HasSubstr("entreprise.nom: not stored")));
  EXPECT_THAT(mapped_[0].notes, Contains(HasSubstr("contact: not stored")));
}

TEST_F(MappingTest, ArrondissementSeasonalContractHourlyPayWeekendWork) {
  const engine::Opening& o = mapped_[1].opening;
  EXPECT_EQ(o.commune_insee, "69123");  // Lyon 3e (69383) is part of the commune of Lyon
  EXPECT_EQ(o.contract, ContractType::kCdd);  // SAI: seasonal fixed-term
  EXPECT_EQ(o.experience_requirement, Requirement::kNone);
  EXPECT_EQ(o.experience_months, 0);
  EXPECT_NEAR(o.salary_monthly_min_eur, 11.88 * 35 * 52 / 12, 0.01);
  EXPECT_EQ(o.salary_monthly_min_eur, o.salary_monthly_max_eur);
  EXPECT_TRUE(o.weekend_work);
  EXPECT_FALSE(o.night_work);
  EXPECT_EQ(DisplayValue(o, "origineOffre.partenaires"), "HORIZON EMPLOI");
  EXPECT_EQ(o.employer_id, "");
}

TEST_F(MappingTest, PostalCodeAndNamePlaceParisInterimNightWork) {
  const engine::Opening& o = mapped_[2].opening;
  EXPECT_EQ(o.commune_insee, "75056");
  EXPECT_EQ(o.contract, ContractType::kInterim);
  EXPECT_EQ(o.experience_requirement, Requirement::kDesired);
  EXPECT_EQ(o.experience_months, 6);
  EXPECT_FLOAT_EQ(o.weekly_hours, 20);
  EXPECT_TRUE(o.night_work);
  EXPECT_NEAR(o.salary_monthly_max_eur, 12.02 * 20 * 52 / 12, 0.01);
  EXPECT_EQ(o.positions, 3);
  EXPECT_EQ(DisplayValue(o, "outilsBureautiques"), "Messagerie électronique");
}

TEST_F(MappingTest, CoordinatesAlonePlaceTheNearestCommune) {
  const engine::Opening& o = mapped_[3].opening;
  EXPECT_EQ(o.commune_insee, "33281");  // Mérignac (Gironde), 1 km from the point
  EXPECT_EQ(o.rome_code, "N4101");
  EXPECT_EQ(o.appellation_code, 0);
  EXPECT_EQ(DisplayValue(o, "appellationlibelle"), "Conducteur / Conductrice poids lourd longue distance");
  EXPECT_EQ(o.licences_required, LicenceBit(LicenceCategory::kCe) | LicenceBit(LicenceCategory::kB));
  EXPECT_EQ(o.experience_months, 12);
  EXPECT_FLOAT_EQ(o.weekly_hours, 35.5);
  EXPECT_NEAR(o.salary_monthly_min_eur, 2200, 0.01);
  EXPECT_NEAR(o.salary_monthly_max_eur, 2400, 0.01);
  EXPECT_EQ(DisplayValue(o, "contexteTravail.horaires"), "Travail en horaires décalés");
}

TEST_F(MappingTest, ApprenticeshipByNameUnknownFieldsKept) {
  const engine::Opening& o = mapped_[4].opening;
  EXPECT_EQ(o.commune_insee, "93066");  // "ST DENIS" in 93: Saint-Denis, not the ones of 11, 30 or 974
  EXPECT_EQ(o.contract, ContractType::kApprentissage);
  EXPECT_TRUE(o.training_provided);
  EXPECT_EQ(o.qualification_level, 4);
  EXPECT_EQ(o.qualification_requirement, Requirement::kDesired);
  ASSERT_EQ(o.languages.size(), 2u);
  EXPECT_EQ(o.languages[0].code, "ti");
  EXPECT_EQ(o.languages[1].code, "prs");
  EXPECT_TRUE(o.weekend_work);  // "Travail le samedi matin"
  EXPECT_EQ(o.salary_monthly_min_eur, 0);
  EXPECT_EQ(o.salary_label, "Selon grille apprentissage");
  EXPECT_EQ(DisplayValue(o, "lieuTravail.region"), "\"Île-de-France\"");
  EXPECT_EQ(DisplayValue(o, "teletravail"), "{\"libelle\":\"Non\"}");
  EXPECT_THAT(mapped_[4].notes, Contains(HasSubstr("salaire.libelle")));
  EXPECT_THAT(mapped_[4].notes, Contains(HasSubstr("teletravail: not a field")));
}

TEST(MappingRejectionTest, EachRejectedOfferNamesItsPublishedField) {
  const std::vector<v1::FranceTravailOffer> offers = FixtureOffers("rejected.jsonl");
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"id", "required"},
      {"lieuTravail", "cannot be placed"},
      {"lieuTravail.commune", "99999"},
      {"lieuTravail.codePostal", "VILLE INCONNUE"},
      {"lieuTravail.latitude", "no French commune"},
      {"romeCode", "Z9999"},
      {"romeCode", "required"},
      {"typeContrat", "not a salaried contract"},
  };
  ASSERT_EQ(offers.size(), expected.size());
  for (size_t i = 0; i < offers.size(); ++i) {
    auto mapped = Mapper().Map(offers[i], {});
    ASSERT_FALSE(mapped.ok()) << offers[i].id();
    EXPECT_EQ(engine::FieldPath(mapped.status()), expected[i].first) << mapped.status();
    EXPECT_THAT(std::string(mapped.status().message()), HasSubstr(expected[i].second));
  }
}

TEST(OfferJsonTest, ReadsArraysJsonLinesAndReportsBadItems) {
  auto array = ParseOffers(R"([{"id": "a", "nombrePostes": 2}, {"id": "b", "nombrePostes": "x"}])");
  ASSERT_TRUE(array.ok()) << array.status();
  ASSERT_EQ(array->size(), 2u);
  EXPECT_EQ((*array)[0].offer->nombre_postes(), 2);
  EXPECT_FALSE((*array)[1].offer.ok());
  auto lines = ParseOffers("{\"id\": \"a\"}\n\nnot json\n{\"id\": \"c\"}\n");
  ASSERT_TRUE(lines.ok()) << lines.status();
  ASSERT_EQ(lines->size(), 3u);
  EXPECT_EQ((*lines)[1].position, 3);
  EXPECT_FALSE((*lines)[1].offer.ok());
  EXPECT_EQ((*lines)[2].offer->id(), "c");
  EXPECT_FALSE(ParseOffers("definitely not json").ok());
  EXPECT_FALSE(ParseOffer("[1, 2]").ok());
}

TEST(OfferFieldsTest, ContractsFromTypeNatureAndAlternance) {
  EXPECT_EQ(ReadContract("CDI", "Contrat travail", false), ContractType::kCdi);
  EXPECT_EQ(ReadContract("MIS", "Contrat travail", false), ContractType::kInterim);
  EXPECT_EQ(ReadContract("DIN", "", false), ContractType::kInterim);
  EXPECT_EQ(ReadContract("DDI", "Insertion par l'activ.éco.", false), ContractType::kIae);
  EXPECT_EQ(ReadContract("TTI", "", false), ContractType::kIae);
  EXPECT_EQ(ReadContract("CDD", "Cont. professionnalisation", true), ContractType::kProfessionnalisation);
  EXPECT_EQ(ReadContract("MIS", "Cont. professionnalisation", true), ContractType::kCdpi);
  EXPECT_EQ(ReadContract("CDD", "Contrat travail", true), ContractType::kApprentissage);
  EXPECT_EQ(ReadContract("LIB", "Emploi non salarié", false), std::nullopt);
  EXPECT_EQ(ReadContract("XYZ", "", false), std::nullopt);
}

TEST(OfferFieldsTest, LicencesLanguagesLevels) {
  EXPECT_EQ(ReadLicence("BE - Véhicule léger + remorque"), LicenceCategory::kBe);
  EXPECT_EQ(ReadLicence("D - Transport en commun"), LicenceCategory::kD);
  EXPECT_EQ(ReadLicence("Poids lourd"), LicenceCategory::kC);
  EXPECT_EQ(ReadLicence("EC - Super lourd"), LicenceCategory::kCe);
  EXPECT_EQ(ReadLicence("FIMO"), std::nullopt);
  EXPECT_EQ(ReadLanguage("Pachto"), "ps");
  EXPECT_EQ(ReadLanguage("Arabe littéraire"), "ar");
  EXPECT_EQ(ReadLanguage("Klingon"), std::nullopt);
  EXPECT_EQ(ReadCefrLevel("Anglais B2"), engine::CefrLevel::kB2);
  EXPECT_EQ(ReadCefrLevel("Anglais"), std::nullopt);
  EXPECT_EQ(ReadQualificationLevel("Bac+5 et plus ou équivalents"), 7);
  EXPECT_EQ(ReadQualificationLevel("Bac+2 ou équivalents"), 5);
  EXPECT_EQ(ReadQualificationLevel("Bac+3, Bac+4 ou équivalents"), 6);
  EXPECT_EQ(ReadQualificationLevel("Bac ou équivalent"), 4);
  EXPECT_EQ(ReadQualificationLevel("CAP, BEP et équivalents"), 3);
  EXPECT_EQ(ReadQualificationLevel("Permis bateau"), std::nullopt);
}

TEST(OfferFieldsTest, ExperienceHoursSalaryDates) {
  EXPECT_EQ(ReadExperienceMonths("Expérience exigée de 3 An(s)"), 36);
  EXPECT_EQ(ReadExperienceMonths("Débutant accepté"), 0);
  EXPECT_EQ(ReadExperienceMonths("Expérience souhaitée"), std::nullopt);
  EXPECT_EQ(ReadWeeklyHours("35 H  Horaires normaux"), 35);
  EXPECT_EQ(ReadWeeklyHours("17H30 Travail en journée"), 17.5);
  EXPECT_EQ(ReadWeeklyHours("Temps partiel"), std::nullopt);
  auto comma = ReadSalary("Mensuel de 1600,00 Euros à 1800,00 Euros", 0);
  ASSERT_TRUE(comma.has_value());
  EXPECT_FLOAT_EQ(comma->min_eur, 1600);
  EXPECT_FLOAT_EQ(comma->max_eur, 1800);
  auto thirteen = ReadSalary("Mensuel de 2 400,00 Euros sur 13 mois", 0);
  ASSERT_TRUE(thirteen.has_value());
  EXPECT_FLOAT_EQ(thirteen->min_eur, 2600);
  EXPECT_EQ(ReadSalary("Autre", 35), std::nullopt);
  EXPECT_EQ(ReadDate("2026-02-29T10:00:00.000Z"), std::nullopt);
  EXPECT_EQ(ReadDate("2024-02-29"), engine::DayFromCivil(2024, 2, 29));
  EXPECT_TRUE(MentionsNightWork("Travail de nuit"));
  EXPECT_FALSE(MentionsNightWork("Travail en journée"));
  EXPECT_TRUE(MentionsWeekendWork("Travail le week-end"));
  EXPECT_FALSE(MentionsWeekendWork("Travail du lundi au vendredi"));
}

}  // namespace
}  // namespace passerelle::server::francetravail

namespace passerelle::engine {
namespace {

TEST(CommuneLookupTest, NamesPostalCodesArrondissementsAndNearest) {
  EXPECT_EQ(FoldCommuneName("Saint-Ouen-sur-Seine"), FoldCommuneName("ST OUEN SUR SEINE"));
  EXPECT_EQ(FoldCommuneName("L'Haÿ-les-Roses"), "L HAY LES ROSES");
  EXPECT_EQ(DepartementOfPostalCode("20167"), "2A");
  EXPECT_EQ(DepartementOfPostalCode("20200"), "2B");
  EXPECT_EQ(DepartementOfPostalCode("97411"), "974");
  EXPECT_EQ(DepartementOfPostalCode("9341"), "");
  const auto& data = *testing::SharedReferenceData();
  const CommuneLookup lookup(data);
  EXPECT_EQ(data.communes()[*lookup.FindByInsee("13208")].insee_code, "13055");
  EXPECT_FALSE(lookup.FindByInsee("75121").has_value());
  const std::vector<int32_t> named = lookup.FindByName("974", "Saint-Denis");
  ASSERT_EQ(named.size(), 1u);
  EXPECT_EQ(data.communes()[named[0]].insee_code, "97411");
  auto nearest = lookup.FindNearest(48.9073, 2.4432, "", 30);
  ASSERT_TRUE(nearest.has_value());
  EXPECT_EQ(data.communes()[nearest->commune].insee_code, "93008");
  EXPECT_LT(nearest->distance_km, 0.1);
  // Restricted to another département, the nearest is farther but of that département.
  auto in_95 = lookup.FindNearest(48.9073, 2.4432, "95", 30);
  ASSERT_TRUE(in_95.has_value());
  EXPECT_EQ(data.communes()[in_95->commune].departement_code, "95");
  EXPECT_FALSE(lookup.FindNearest(40.0, -20.0, "", 30).has_value());
}

}  // namespace
}  // namespace passerelle::engine
