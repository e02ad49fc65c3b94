#include "engine/model/offer_fields.h"

#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/common/field_status.h"
#include "engine/common/status_macros.h"

namespace passerelle::engine {
namespace {

absl::Status CheckRange(float value, float max, absl::string_view field) {
  if (!std::isfinite(value) || value < 0 || value > max) {
    return InvalidFieldError(field, absl::StrFormat("must be a finite number in [0, %g], got %g", max, value));
  }
  return absl::OkStatus();
}

absl::Status CheckLength(const std::string& text, size_t max, absl::string_view field) {
  if (text.size() > max) return InvalidFieldError(field, absl::StrCat("at most ", max, " bytes"));
  return absl::OkStatus();
}

absl::Status CheckLicences(uint32_t mask, absl::string_view field) {
  if (mask & ~kAllLicencesMask) return InvalidFieldError(field, "unknown licence category bit");
  return absl::OkStatus();
}

absl::Status CheckLevel(int value, int max, absl::string_view field) {
  if (value < 0 || value > max) return InvalidFieldError(field, absl::StrCat("must be in [0, ", max, "], got ", value));
  return absl::OkStatus();
}

// The path of a field of languages[i], spelled out only to name an error (these checks run for each
// language of every record a start-up reads).
std::string LanguageField(size_t i, absl::string_view leaf) { return absl::StrCat("languages[", i, "].", leaf); }

// languages[i].code of `languages`: an ISO 639 code of 2 or 3 lower-case ASCII letters, not French (a field
// of its own), and not one of the earlier ones.
template <class Language>
absl::Status CheckLanguageCode(const std::vector<Language>& languages, size_t i) {
  const std::string& code = languages[i].code;
  bool letters = code.size() == 2 || code.size() == 3;
  for (char ch : code) letters &= ch >= 'a' && ch <= 'z';
  if (!letters) return InvalidFieldError(LanguageField(i, "code"), "must be an ISO 639 code of 2 or 3 lower-case letters");
  if (code == "fr" || code == "fra" || code == "fre") {
    return InvalidFieldError(LanguageField(i, "code"), "French is not listed here (french_level, french_min_level)");
  }
  for (size_t earlier = 0; earlier < i; ++earlier) {
    if (languages[earlier].code == code) {
      return InvalidFieldError(LanguageField(i, "code"), absl::StrCat("language \"", code, "\" listed twice"));
    }
  }
  return absl::OkStatus();
}

// languages[i]'s level field `leaf` holding `level`: a CEFR level.
absl::Status CheckLanguageLevel(int level, size_t i, absl::string_view leaf) {
  if (level >= 0 && level <= kCefrLevelCount - 1) return absl::OkStatus();
  return CheckLevel(level, kCefrLevelCount - 1, LanguageField(i, leaf));
}

absl::Status CheckDayField(Day day, absl::string_view field) {
  if (day < 0 || day > 84000) return InvalidFieldError(field, absl::StrCat("day out of range: ", day));
  return absl::OkStatus();
}

absl::Status CheckOpeningLanguages(const std::vector<LanguageRequirement>& languages) {
  if (languages.size() > kMaxLanguagesPerRecord) {
    return InvalidFieldError("languages", absl::StrCat("at most ", kMaxLanguagesPerRecord, " languages"));
  }
  for (size_t i = 0; i < languages.size(); ++i) {
    PASSERELLE_RETURN_IF_ERROR(CheckLanguageCode(languages, i));
    PASSERELLE_RETURN_IF_ERROR(CheckLanguageLevel(static_cast<int>(languages[i].min_level), i, "min_level"));
    const Requirement r = languages[i].requirement;
    if (r != Requirement::kDesired && r != Requirement::kRequired) {
      return InvalidFieldError(LanguageField(i, "requirement"), "must be desired or required");
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateCandidateOfferFields(const Candidate& c) {
  PASSERELLE_RETURN_IF_ERROR(CheckLicences(c.licence_categories, "licence_categories"));
  PASSERELLE_RETURN_IF_ERROR(CheckLicences(c.licence_categories_pending, "licence_categories_pending"));
  if (c.languages.size() > kMaxLanguagesPerRecord) {
    return InvalidFieldError("languages", absl::StrCat("at most ", kMaxLanguagesPerRecord, " languages"));
  }
  for (size_t i = 0; i < c.languages.size(); ++i) {
    PASSERELLE_RETURN_IF_ERROR(CheckLanguageCode(c.languages, i));
    PASSERELLE_RETURN_IF_ERROR(CheckLanguageLevel(static_cast<int>(c.languages[i].level), i, "level"));
  }
  PASSERELLE_RETURN_IF_ERROR(CheckLevel(c.qualification_level, kMaxQualificationLevel, "qualification_level"));
  return CheckRange(c.min_monthly_salary_eur, kMaxCandidateSalaryEur, "min_monthly_salary_eur");
}

absl::Status ValidateOpeningOfferFields(const Opening& o) {
  PASSERELLE_RETURN_IF_ERROR(CheckLevel(static_cast<int>(o.experience_requirement), 2, "experience_requirement"));
  PASSERELLE_RETURN_IF_ERROR(CheckRange(o.experience_months, kMaxExperienceMonths, "experience_months"));
  PASSERELLE_RETURN_IF_ERROR(CheckLength(o.experience_label, kMaxLabelBytes, "experience_label"));
  PASSERELLE_RETURN_IF_ERROR(CheckLicences(o.licences_required, "licences_required"));
  PASSERELLE_RETURN_IF_ERROR(CheckLicences(o.licences_desired, "licences_desired"));
  PASSERELLE_RETURN_IF_ERROR(CheckOpeningLanguages(o.languages));
  PASSERELLE_RETURN_IF_ERROR(CheckLevel(o.qualification_level, kMaxQualificationLevel, "qualification_level"));
  PASSERELLE_RETURN_IF_ERROR(
      CheckLevel(static_cast<int>(o.qualification_requirement), 2, "qualification_requirement"));
  PASSERELLE_RETURN_IF_ERROR(CheckRange(o.salary_monthly_min_eur, kMaxMonthlySalaryEur, "salary_monthly_min_eur"));
  PASSERELLE_RETURN_IF_ERROR(CheckRange(o.salary_monthly_max_eur, kMaxMonthlySalaryEur, "salary_monthly_max_eur"));
  if (o.salary_monthly_min_eur > 0 && o.salary_monthly_max_eur > 0 &&
      o.salary_monthly_min_eur > o.salary_monthly_max_eur) {
    return InvalidFieldError("salary_monthly_max_eur", "must not be below salary_monthly_min_eur");
  }
  PASSERELLE_RETURN_IF_ERROR(CheckLength(o.salary_label, kMaxLabelBytes, "salary_label"));
  PASSERELLE_RETURN_IF_ERROR(CheckRange(o.weekly_hours, kMaxWeeklyHours, "weekly_hours"));
  PASSERELLE_RETURN_IF_ERROR(CheckLength(o.working_time_label, kMaxLabelBytes, "working_time_label"));
  PASSERELLE_RETURN_IF_ERROR(CheckDayField(o.created_on, "created_on"));
  PASSERELLE_RETURN_IF_ERROR(CheckDayField(o.updated_on, "updated_on"));
  PASSERELLE_RETURN_IF_ERROR(CheckLength(o.source, kMaxSourceBytes, "source"));
  PASSERELLE_RETURN_IF_ERROR(CheckLength(o.source_id, 128, "source_id"));
  if (o.display_fields.size() > kMaxDisplayFields) {
    return InvalidFieldError("display_fields", absl::StrCat("at most ", kMaxDisplayFields, " fields"));
  }
  for (size_t i = 0; i < o.display_fields.size(); ++i) {
    const std::string path = absl::StrCat("display_fields[", i, "]");
    if (o.display_fields[i].name.empty()) return InvalidFieldError(absl::StrCat(path, ".name"), "must not be empty");
    PASSERELLE_RETURN_IF_ERROR(
        CheckLength(o.display_fields[i].name, kMaxDisplayNameBytes, absl::StrCat(path, ".name")));
    PASSERELLE_RETURN_IF_ERROR(
        CheckLength(o.display_fields[i].value, kMaxDisplayValueBytes, absl::StrCat(path, ".value")));
  }
  return absl::OkStatus();
}

}  // namespace passerelle::engine
