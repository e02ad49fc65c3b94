// Validation of the fields France Travail offers carry (engine/model/offer_fields.h): each bad value is
// rejected with an error naming its field; good values resolve.
#include "engine/model/offer_fields.h"

#include <cmath>
#include <string>

#include "engine/common/field_status.h"
#include "engine/scoring/resolution.h"
#include "gtest/gtest.h"
#include "tests/engine/test_fixtures.h"

namespace passerelle::engine::offer_fields_test {
namespace {

using testing::SharedReferenceData;

std::string CandidateError(const Candidate& c) {
  return FieldPath(ResolveCandidate(c, *SharedReferenceData()).status());
}
std::string OpeningError(const Opening& o) { return FieldPath(ResolveOpening(o, *SharedReferenceData()).status()); }

TEST(OfferFieldsTest, PlausibleValuesResolve) {
  Candidate c = testing::MasonCandidate();
  c.licence_categories = LicenceBit(LicenceCategory::kB);
  c.licence_categories_pending = LicenceBit(LicenceCategory::kC);
  c.languages = {{"ar", CefrLevel::kC2}, {"prs", CefrLevel::kB2}};
  c.qualification_level = kMaxQualificationLevel;
  c.min_monthly_salary_eur = 1800;
  EXPECT_TRUE(ResolveCandidate(c, *SharedReferenceData()).ok());

  Opening o = testing::MasonOpening();
  o.experience_requirement = Requirement::kRequired;
  o.experience_months = 24;
  o.licences_required = LicenceBit(LicenceCategory::kCe);
  o.languages = {{"en", CefrLevel::kB1, Requirement::kRequired}};
  o.qualification_level = 3;
  o.qualification_requirement = Requirement::kDesired;
  o.salary_monthly_min_eur = 1800;
  o.salary_monthly_max_eur = 1800;
  o.weekly_hours = 35;
  o.display_fields = {{"salaire.complement1", "Tickets restaurant"}};
  EXPECT_TRUE(ResolveOpening(o, *SharedReferenceData()).ok());
}

TEST(OfferFieldsTest, CandidateErrorsNameTheField) {
  Candidate c = testing::MasonCandidate();
  c.languages = {{"ar", CefrLevel::kB1}, {"AR", CefrLevel::kB1}};
  EXPECT_EQ(CandidateError(c), "languages[1].code");
  c.languages = {{"arabic", CefrLevel::kB1}};
  EXPECT_EQ(CandidateError(c), "languages[0].code");
  c.languages = {{"fr", CefrLevel::kB1}};
  EXPECT_EQ(CandidateError(c), "languages[0].code");
  c.languages = {{"ps", CefrLevel::kB1}, {"ps", CefrLevel::kC1}};
  EXPECT_EQ(CandidateError(c), "languages[1].code");
  c.languages = {{"ps", static_cast<CefrLevel>(9)}};
  EXPECT_EQ(CandidateError(c), "languages[0].level");
  c.languages = std::vector<LanguageSkill>(kMaxLanguagesPerRecord + 1, {"en", CefrLevel::kA1});
  EXPECT_EQ(CandidateError(c), "languages");
  c.languages.clear();

  c.qualification_level = kMaxQualificationLevel + 1;
  EXPECT_EQ(CandidateError(c), "qualification_level");
  c.qualification_level = -1;
  EXPECT_EQ(CandidateError(c), "qualification_level");
  c.qualification_level = 0;

  c.min_monthly_salary_eur = std::nanf("");
  EXPECT_EQ(CandidateError(c), "min_monthly_salary_eur");
  c.min_monthly_salary_eur = 0;

  c.licence_categories = 1u << kLicenceCategoryCount;
  EXPECT_EQ(CandidateError(c), "licence_categories");
  c.licence_categories = 0;
  c.licence_categories_pending = 1u << 31;
  EXPECT_EQ(CandidateError(c), "licence_categories_pending");
}

TEST(OfferFieldsTest, OpeningErrorsNameTheField) {
  const Opening base = testing::MasonOpening();
  Opening o = base;
  o.experience_months = -1;
  EXPECT_EQ(OpeningError(o), "experience_months");
  o = base;
  o.experience_months = INFINITY;
  EXPECT_EQ(OpeningError(o), "experience_months");
  o = base;
  o.experience_requirement = static_cast<Requirement>(3);
  EXPECT_EQ(OpeningError(o), "experience_requirement");
  o = base;
  o.experience_label = std::string(kMaxLabelBytes + 1, 'x');
  EXPECT_EQ(OpeningError(o), "experience_label");
  o = base;
  o.languages = {{"en", CefrLevel::kB1, Requirement::kNone}};
  EXPECT_EQ(OpeningError(o), "languages[0].requirement");
  o = base;
  o.languages = {{"e1", CefrLevel::kB1, Requirement::kRequired}};
  EXPECT_EQ(OpeningError(o), "languages[0].code");
  o = base;
  o.qualification_level = 9;
  EXPECT_EQ(OpeningError(o), "qualification_level");
  o = base;
  o.salary_monthly_min_eur = 2500;
  o.salary_monthly_max_eur = 2000;
  EXPECT_EQ(OpeningError(o), "salary_monthly_max_eur");
  o = base;
  o.salary_monthly_max_eur = 2e6f;
  EXPECT_EQ(OpeningError(o), "salary_monthly_max_eur");
  o = base;
  o.weekly_hours = 169;
  EXPECT_EQ(OpeningError(o), "weekly_hours");
  o = base;
  o.created_on = -3;
  EXPECT_EQ(OpeningError(o), "created_on");
  o = base;
  o.source = std::string(kMaxSourceBytes + 1, 's');
  EXPECT_EQ(OpeningError(o), "source");
  o = base;
  o.licences_desired = 1u << 20;
  EXPECT_EQ(OpeningError(o), "licences_desired");
  o = base;
  o.display_fields = {{"", "value"}};
  EXPECT_EQ(OpeningError(o), "display_fields[0].name");
  o = base;
  o.display_fields = {{"salaire.complement2", std::string(kMaxDisplayValueBytes + 1, 'v')}};
  EXPECT_EQ(OpeningError(o), "display_fields[0].value");
}

TEST(OfferFieldsTest, LegacyDrivingLicenceReadsAsCategoryB) {
  Candidate c = testing::MasonCandidate();
  c.driving_licence = true;
  EXPECT_EQ(HeldLicences(c), LicenceBit(LicenceCategory::kB));
  c.licence_categories = LicenceBit(LicenceCategory::kC);
  EXPECT_EQ(HeldLicences(c), LicenceBit(LicenceCategory::kC));
  c.licence_categories = 0;
  c.licence_categories_pending = LicenceBit(LicenceCategory::kB);  // being exchanged: not yet valid
  EXPECT_EQ(HeldLicences(c), 0u);
  c.driving_licence = false;
  c.licence_categories_pending = 0;
  EXPECT_EQ(HeldLicences(c), 0u);
}

}  // namespace
}  // namespace passerelle::engine::offer_fields_test
