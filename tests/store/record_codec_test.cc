// The record codec on the fields France Travail offers carry: Decode(Encode(x)) == x, canonical
// encoding, and decoding errors that name the field.
#include <string>

#include "engine/model/dates.h"
#include "engine/store/record_codec.h"
#include "gtest/gtest.h"
#include "tests/engine/test_fixtures.h"

namespace passerelle::record_codec_test {
namespace {

using engine::CefrLevel;
using engine::LicenceBit;
using engine::LicenceCategory;
using engine::Requirement;

engine::Candidate CandidateWithOfferFields() {
  engine::Candidate c = engine::testing::MasonCandidate();
  c.licence_categories = LicenceBit(LicenceCategory::kB) | LicenceBit(LicenceCategory::kC);
  c.licence_categories_pending = LicenceBit(LicenceCategory::kCe);
  c.languages = {{"ar", CefrLevel::kC2}, {"prs", CefrLevel::kB1}, {"en", CefrLevel::kPreA1}};
  c.qualification_level = 5;
  c.qualification_recognised = true;
  c.min_monthly_salary_eur = 1850.5f;
  return c;
}

engine::Opening OpeningWithOfferFields() {
  engine::Opening o = engine::testing::MasonOpening();
  o.experience_requirement = Requirement::kRequired;
  o.experience_months = 24;
  o.experience_label = "2 An(s)";
  o.licences_required = LicenceBit(LicenceCategory::kC);
  o.licences_desired = LicenceBit(LicenceCategory::kB) | LicenceBit(LicenceCategory::kBe);
  o.languages = {{"en", CefrLevel::kB1, Requirement::kRequired}, {"ti", CefrLevel::kPreA1, Requirement::kDesired}};
  o.qualification_level = 3;
  o.qualification_requirement = Requirement::kDesired;
  o.salary_monthly_min_eur = 1800;
  o.salary_monthly_max_eur = 2100.25f;
  o.salary_label = "Mensuel de 1800.0 Euros à 2100.0 Euros sur 12 mois";
  o.weekly_hours = 35;
  o.working_time_label = "35H Horaires normaux";
  o.night_work = true;
  o.weekend_work = true;
  o.created_on = engine::DayFromCivil(2026, 11, 2);
  o.updated_on = engine::DayFromCivil(2026, 11, 20);
  o.source = "francetravail";
  o.source_id = "198KLMN";
  o.display_fields = {{"salaire.complement1", "Mutuelle"}, {"permis[1].libelle", "FIMO"}};
  return o;
}

TEST(RecordCodecOfferFieldsTest, CandidateRoundTrips) {
  const engine::Candidate c = CandidateWithOfferFields();
  const v1::Candidate proto = engine::CandidateToProto(c);
  ASSERT_EQ(proto.licence_categories_size(), 2);
  EXPECT_EQ(proto.licence_categories(0), v1::LICENCE_CATEGORY_B);  // category order: canonical
  EXPECT_EQ(proto.licence_categories(1), v1::LICENCE_CATEGORY_C);
  auto back = engine::CandidateFromProto(proto);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->licence_categories, c.licence_categories);
  EXPECT_EQ(back->licence_categories_pending, c.licence_categories_pending);
  ASSERT_EQ(back->languages.size(), 3u);
  EXPECT_EQ(back->languages[1].code, "prs");
  EXPECT_EQ(back->languages[1].level, CefrLevel::kB1);
  EXPECT_EQ(back->languages[2].level, CefrLevel::kPreA1);
  EXPECT_EQ(back->qualification_level, 5);
  EXPECT_TRUE(back->qualification_recognised);
  EXPECT_EQ(back->min_monthly_salary_eur, 1850.5f);
  EXPECT_EQ(engine::CandidateToProto(*back).SerializeAsString(), proto.SerializeAsString());
}

TEST(RecordCodecOfferFieldsTest, OpeningRoundTrips) {
  const engine::Opening o = OpeningWithOfferFields();
  const v1::Opening proto = engine::OpeningToProto(o);
  EXPECT_EQ(proto.created_on(), "2026-11-02");
  EXPECT_EQ(proto.experience_requirement(), v1::REQUIREMENT_REQUIRED);
  auto back = engine::OpeningFromProto(proto);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->experience_requirement, Requirement::kRequired);
  EXPECT_EQ(back->experience_months, 24);
  EXPECT_EQ(back->experience_label, "2 An(s)");
  EXPECT_EQ(back->licences_required, o.licences_required);
  EXPECT_EQ(back->licences_desired, o.licences_desired);
  ASSERT_EQ(back->languages.size(), 2u);
  EXPECT_EQ(back->languages[0].code, "en");
  EXPECT_EQ(back->languages[0].min_level, CefrLevel::kB1);
  EXPECT_EQ(back->languages[0].requirement, Requirement::kRequired);
  EXPECT_EQ(back->languages[1].requirement, Requirement::kDesired);
  EXPECT_EQ(back->qualification_level, 3);
  EXPECT_EQ(back->qualification_requirement, Requirement::kDesired);
  EXPECT_EQ(back->salary_monthly_min_eur, 1800);
  EXPECT_EQ(back->salary_monthly_max_eur, 2100.25f);
  EXPECT_EQ(back->salary_label, o.salary_label);
  EXPECT_EQ(back->weekly_hours, 35);
  EXPECT_EQ(back->working_time_label, o.working_time_label);
  EXPECT_TRUE(back->night_work);
  EXPECT_TRUE(back->weekend_work);
  EXPECT_EQ(back->created_on, o.created_on);
  EXPECT_EQ(back->updated_on, o.updated_on);
  EXPECT_EQ(back->source, "francetravail");
  EXPECT_EQ(back->source_id, "198KLMN");
  ASSERT_EQ(back->display_fields.size(), 2u);
  EXPECT_EQ(back->display_fields[1].name, "permis[1].libelle");
  EXPECT_EQ(back->display_fields[1].value, "FIMO");
  EXPECT_EQ(engine::OpeningToProto(*back).SerializeAsString(), proto.SerializeAsString());
}

TEST(RecordCodecOfferFieldsTest, RepeatedCategoriesCollapseAndUnspecifiedLanguageRequirementIsDesired) {
  v1::Opening proto = engine::OpeningToProto(engine::testing::MasonOpening());
  proto.add_licences_required(v1::LICENCE_CATEGORY_CE);
  proto.add_licences_required(v1::LICENCE_CATEGORY_B);
  proto.add_licences_required(v1::LICENCE_CATEGORY_CE);
  proto.add_languages()->set_code("uk");
  auto o = engine::OpeningFromProto(proto);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->licences_required, LicenceBit(LicenceCategory::kB) | LicenceBit(LicenceCategory::kCe));
  ASSERT_EQ(o->languages.size(), 1u);
  EXPECT_EQ(o->languages[0].requirement, Requirement::kDesired);
  EXPECT_EQ(o->languages[0].min_level, CefrLevel::kPreA1);
}

TEST(RecordCodecOfferFieldsTest, DecodingErrorsNameTheField) {
  v1::Candidate candidate = engine::CandidateToProto(engine::testing::MasonCandidate());
  candidate.add_licence_categories(v1::LICENCE_CATEGORY_UNSPECIFIED);
  EXPECT_EQ(engine::FieldPath(engine::CandidateFromProto(candidate).status()), "licence_categories[0]");

  candidate = engine::CandidateToProto(engine::testing::MasonCandidate());
  candidate.add_languages()->set_level(static_cast<v1::CefrLevel>(42));
  EXPECT_EQ(engine::FieldPath(engine::CandidateFromProto(candidate).status()), "languages[0].level");

  v1::Opening opening = engine::OpeningToProto(engine::testing::MasonOpening());
  opening.add_licences_desired(static_cast<v1::LicenceCategory>(99));
  EXPECT_EQ(engine::FieldPath(engine::OpeningFromProto(opening).status()), "licences_desired[0]");

  opening = engine::OpeningToProto(engine::testing::MasonOpening());
  opening.set_updated_on("2026-02-30");
  EXPECT_EQ(engine::FieldPath(engine::OpeningFromProto(opening).status()), "updated_on");

  opening = engine::OpeningToProto(engine::testing::MasonOpening());
  opening.set_experience_requirement(static_cast<v1::Requirement>(7));
  EXPECT_EQ(engine::FieldPath(engine::OpeningFromProto(opening).status()), "experience_requirement");
}

// The element paths are spelled out only for an error (record_codec.cc, ElementPath): a later element's
// error names that element, with the message of the check that failed.
TEST(RecordCodecOfferFieldsTest, ElementErrorsNameTheElement) {
  v1::Candidate candidate = engine::CandidateToProto(engine::testing::MasonCandidate());
  candidate.clear_accepted_contracts();
  candidate.add_accepted_contracts(v1::CONTRACT_TYPE_CDI);
  candidate.add_accepted_contracts(static_cast<v1::ContractType>(77));
  absl::Status status = engine::CandidateFromProto(candidate).status();
  EXPECT_EQ(engine::FieldPath(status), "accepted_contracts[1]");
  EXPECT_NE(status.message().find("unknown enum value 77"), absl::string_view::npos) << status;

  candidate = engine::CandidateToProto(engine::testing::MasonCandidate());
  candidate.add_languages()->set_level(v1::CEFR_LEVEL_B1);
  candidate.add_languages()->set_level(static_cast<v1::CefrLevel>(42));
  EXPECT_EQ(engine::FieldPath(engine::CandidateFromProto(candidate).status()), "languages[1].level");

  candidate = engine::CandidateToProto(engine::testing::MasonCandidate());
  candidate.clear_weekly_availability();
  for (int i = 0; i < 3; ++i) {
    v1::WeeklySlot* slot = candidate.add_weekly_availability();
    slot->set_day(v1::WEEKDAY_MONDAY);
    slot->set_part(i == 2 ? v1::DAY_PART_UNSPECIFIED : v1::DAY_PART_MORNING);
  }
  EXPECT_EQ(engine::FieldPath(engine::CandidateFromProto(candidate).status()), "weekly_availability[2].part");

  v1::Opening opening = engine::OpeningToProto(engine::testing::MasonOpening());
  opening.add_languages()->set_code("ar");
  opening.add_languages()->set_min_level(static_cast<v1::CefrLevel>(42));
  EXPECT_EQ(engine::FieldPath(engine::OpeningFromProto(opening).status()), "languages[1].min_level");
  opening.mutable_languages(1)->set_min_level(v1::CEFR_LEVEL_A2);
  opening.mutable_languages(1)->set_requirement(static_cast<v1::Requirement>(9));
  EXPECT_EQ(engine::FieldPath(engine::OpeningFromProto(opening).status()), "languages[1].requirement");
  opening.mutable_languages(1)->set_requirement(v1::REQUIREMENT_REQUIRED);
  EXPECT_TRUE(engine::OpeningFromProto(opening).ok());
}

}  // namespace
}  // namespace passerelle::record_codec_test
