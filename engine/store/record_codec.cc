#include "engine/store/record_codec.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "engine/common/field_status.h"
#include "engine/common/status_macros.h"
#include "engine/model/dates.h"

namespace passerelle::engine {
namespace {

absl::Status Invalid(absl::string_view field, absl::string_view message) { return InvalidFieldError(field, message); }

// An element's field path ("languages[2].level"), spelled out only to name an error: the checks below run
// for each element of every record a start-up decodes, and building every path was a good part of it.
std::string ElementPath(absl::string_view list, int index, absl::string_view leaf = {}) {
  return leaf.empty() ? absl::StrCat(list, "[", index, "]") : absl::StrCat(list, "[", index, "].", leaf);
}

// Proto enums are open: a binary message may carry a value the .proto does not list.
template <class IsValid>
absl::Status CheckEnumValue(int value, IsValid is_valid, absl::string_view field) {
  if (!is_valid(value)) return Invalid(field, absl::StrCat("unknown enum value ", value));
  return absl::OkStatus();
}

absl::StatusOr<uint32_t> ContractMaskFromProto(const google::protobuf::RepeatedField<int>& types,
                                               absl::string_view field) {
  uint32_t mask = 0;
  for (int i = 0; i < types.size(); ++i) {
    absl::StatusOr<uint32_t> bit = ContractBitFromProto(types[i], field);
    if (!bit.ok()) return ContractBitFromProto(types[i], ElementPath(field, i));  // the same error, named
    mask |= *bit;
  }
  return mask;
}

void ContractMaskToProto(uint32_t mask, google::protobuf::RepeatedField<int>* out) {
  for (int t = 0; t < kContractTypeCount; ++t) {
    if (mask & (1u << t)) out->Add(ContractTypeToProto(static_cast<ContractType>(t)));
  }
}

// Licence categories as a LicenceBit mask: repeats collapse, UNSPECIFIED and unknown values are rejected.
absl::StatusOr<uint32_t> LicenceMaskFromProto(const google::protobuf::RepeatedField<int>& categories,
                                              absl::string_view field) {
  uint32_t mask = 0;
  for (int i = 0; i < categories.size(); ++i) {
    const int value = categories[i];
    if (value == v1::LICENCE_CATEGORY_UNSPECIFIED || !v1::LicenceCategory_IsValid(value)) {
      return Invalid(ElementPath(field, i),
                     value == 0 ? "must be set (LICENCE_CATEGORY_UNSPECIFIED is not a category)"
                                : absl::StrCat("unknown enum value ", value));
    }
    mask |= LicenceBit(LicenceCategoryFromProto(value));
  }
  return mask;
}

// In category order, so that equal masks encode to equal messages.
void LicenceMaskToProto(uint32_t mask, google::protobuf::RepeatedField<int>* out) {
  for (int c = 0; c < kLicenceCategoryCount; ++c) {
    if (mask & (1u << c)) out->Add(LicenceCategoryToProto(static_cast<LicenceCategory>(c)));
  }
}

absl::StatusOr<std::vector<LanguageSkill>> LanguageSkillsFromProto(
    const google::protobuf::RepeatedPtrField<v1::LanguageSkill>& languages) {
  std::vector<LanguageSkill> out;
  out.reserve(languages.size());
  for (int i = 0; i < languages.size(); ++i) {
    if (!v1::CefrLevel_IsValid(languages[i].level())) {
      return CheckEnumValue(languages[i].level(), v1::CefrLevel_IsValid, ElementPath("languages", i, "level"));
    }
    out.push_back({languages[i].code(), CefrLevelFromProto(languages[i].level())});
  }
  return out;
}

// A listed language is at least desired: UNSPECIFIED reads as desired, NONE is kept for Resolve to reject.
absl::StatusOr<std::vector<LanguageRequirement>> LanguageRequirementsFromProto(
    const google::protobuf::RepeatedPtrField<v1::LanguageRequirement>& languages) {
  std::vector<LanguageRequirement> out;
  out.reserve(languages.size());
  for (int i = 0; i < languages.size(); ++i) {
    const v1::LanguageRequirement& l = languages[i];
    if (!v1::CefrLevel_IsValid(l.min_level())) {
      return CheckEnumValue(l.min_level(), v1::CefrLevel_IsValid, ElementPath("languages", i, "min_level"));
    }
    if (!v1::Requirement_IsValid(l.requirement())) {
      return CheckEnumValue(l.requirement(), v1::Requirement_IsValid, ElementPath("languages", i, "requirement"));
    }
    const Requirement requirement =
        l.requirement() == v1::REQUIREMENT_UNSPECIFIED ? Requirement::kDesired : RequirementFromProto(l.requirement());
    out.push_back({l.code(), CefrLevelFromProto(l.min_level()), requirement});
  }
  return out;
}

absl::StatusOr<uint32_t> WeekMaskFromProto(const google::protobuf::RepeatedPtrField<v1::WeeklySlot>& slots,
                                           absl::string_view field) {
  uint32_t mask = 0;
  for (int i = 0; i < slots.size(); ++i) {
    const v1::WeeklySlot& slot = slots[i];
    if (slot.day() == v1::WEEKDAY_UNSPECIFIED || !v1::Weekday_IsValid(slot.day())) {
      return Invalid(ElementPath(field, i, "day"), "must be WEEKDAY_MONDAY .. WEEKDAY_SUNDAY");
    }
    if (slot.part() == v1::DAY_PART_UNSPECIFIED || !v1::DayPart_IsValid(slot.part())) {
      return Invalid(ElementPath(field, i, "part"), "must be DAY_PART_MORNING .. DAY_PART_NIGHT");
    }
    mask |= WeeklySlotBit(WeekdayFromProto(slot.day()), DayPartFromProto(slot.part()));
  }
  return mask;
}

// Dates are on every record, so start-up decodes a million of them: the common well-formed case is done by
// hand here (absl's civil-time parsing and StrFormat dominated decoding), anything else goes to
// ParseDay / FormatDay so that errors and edge cases stay theirs.
constexpr Day kLastFastDay = 84000;  // ParseDay's upper bound

// Days since 1970-01-01 of a proleptic Gregorian date (era-based, valid for years >= 1).
int64_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int era = y / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<int64_t>(era) * 146097 + doe - 719468;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

absl::StatusOr<Day> DecodeDay(const std::string& text, absl::string_view field) {
  if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
    int digits[8];
    int n = 0;
    bool ok = true;
    for (int i : {0, 1, 2, 3, 5, 6, 8, 9}) {
      const unsigned v = static_cast<unsigned char>(text[i]) - '0';
      ok &= v <= 9;
      digits[n++] = static_cast<int>(v);
    }
    if (ok) {
      const int y = digits[0] * 1000 + digits[1] * 100 + digits[2] * 10 + digits[3];
      const int m = digits[4] * 10 + digits[5];
      const int d = digits[6] * 10 + digits[7];
      static constexpr int kMonthDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
      if (y >= 1970 && m >= 1 && m <= 12 && d >= 1 && d <= kMonthDays[m - 1] + (m == 2 && IsLeap(y))) {
        const int64_t days = DaysFromCivil(y, m, d);
        if (days <= kLastFastDay) return static_cast<Day>(days);
      }
    }
  }
  return ParseDay(text, field);
}

std::string EncodeDay(Day day) {
  if (day <= 0 || day > kLastFastDay) return FormatDay(day);
  // Inverse of DaysFromCivil.
  const int64_t z = static_cast<int64_t>(day) + 719468;
  const int64_t era = z / 146097;
  const int doe = static_cast<int>(z - era * 146097);
  const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int mp = (5 * doy + 2) / 153;
  const int d = doy - (153 * mp + 2) / 5 + 1;
  const int m = mp + (mp < 10 ? 3 : -9);
  const int y = static_cast<int>(yoe + era * 400) + (m <= 2);
  std::string out(10, '-');
  out[0] = static_cast<char>('0' + y / 1000);
  out[1] = static_cast<char>('0' + y / 100 % 10);
  out[2] = static_cast<char>('0' + y / 10 % 10);
  out[3] = static_cast<char>('0' + y % 10);
  out[5] = static_cast<char>('0' + m / 10);
  out[6] = static_cast<char>('0' + m % 10);
  out[8] = static_cast<char>('0' + d / 10);
  out[9] = static_cast<char>('0' + d % 10);
  return out;
}

void WeekMaskToProto(uint32_t mask, google::protobuf::RepeatedPtrField<v1::WeeklySlot>* out) {
  for (int day = 0; day < 7; ++day) {
    for (int part = 0; part < kSlotsPerDay; ++part) {
      if (!(mask & WeeklySlotBit(day, part))) continue;
      v1::WeeklySlot* slot = out->Add();
      slot->set_day(WeekdayToProto(day));
      slot->set_part(DayPartToProto(part));
    }
  }
}

}  // namespace

absl::StatusOr<uint32_t> ContractBitFromProto(int proto_value, absl::string_view field) {
  if (proto_value == v1::CONTRACT_TYPE_UNSPECIFIED || !v1::ContractType_IsValid(proto_value)) {
    return Invalid(field, proto_value == 0 ? "must be set (CONTRACT_TYPE_UNSPECIFIED is not a contract type)"
                                           : absl::StrCat("unknown enum value ", proto_value));
  }
  return ContractBit(ContractTypeFromProto(proto_value));
}

absl::StatusOr<Candidate> CandidateFromProto(const v1::Candidate& p) {
  PASSERELLE_RETURN_IF_ERROR(CheckEnumValue(p.transport_mode(), v1::TransportMode_IsValid, "transport_mode"));
  PASSERELLE_RETURN_IF_ERROR(CheckEnumValue(p.housing(), v1::HousingStatus_IsValid, "housing"));
  PASSERELLE_RETURN_IF_ERROR(CheckEnumValue(p.french_level(), v1::CefrLevel_IsValid, "french_level"));
  Candidate c;
  c.id = p.id();
  c.owner_id = p.owner_id();
  c.commune_insee = p.commune_insee();
  c.transport_mode = TransportModeFromProto(p.transport_mode());
  c.max_commute_km = p.max_commute_km();
  c.driving_licence = p.driving_licence();
  c.vehicle = p.vehicle();
  c.relocation_accepted = p.relocation_accepted();
  c.housing = HousingStatusFromProto(p.housing());
  c.french_level = CefrLevelFromProto(p.french_level());
  c.french_attested = p.french_attested();
  c.french_hours_planned = p.french_hours_planned();
  c.skills.assign(p.skills().begin(), p.skills().end());
  c.past_occupations.reserve(p.past_occupations_size());
  for (int i = 0; i < p.past_occupations_size(); ++i) {
    c.past_occupations.push_back({p.past_occupations(i).rome_code(), p.past_occupations(i).years()});
  }
  c.wished_occupations.assign(p.wished_occupations().begin(), p.wished_occupations().end());
  PASSERELLE_ASSIGN_OR_RETURN(c.accepted_contracts, ContractMaskFromProto(p.accepted_contracts(), "accepted_contracts"));
  PASSERELLE_ASSIGN_OR_RETURN(c.available_from, DecodeDay(p.available_from(), "available_from"));
  PASSERELLE_ASSIGN_OR_RETURN(c.weekly_availability, WeekMaskFromProto(p.weekly_availability(), "weekly_availability"));
  c.right_to_work = p.right_to_work();
  c.shared_with_employers = p.shared_with_employers();
  PASSERELLE_ASSIGN_OR_RETURN(c.licence_categories, LicenceMaskFromProto(p.licence_categories(), "licence_categories"));
  PASSERELLE_ASSIGN_OR_RETURN(c.licence_categories_pending,
                              LicenceMaskFromProto(p.licence_categories_pending(), "licence_categories_pending"));
  PASSERELLE_ASSIGN_OR_RETURN(c.languages, LanguageSkillsFromProto(p.languages()));
  c.qualification_level = p.qualification_level();
  c.qualification_recognised = p.qualification_recognised();
  c.min_monthly_salary_eur = p.min_monthly_salary_eur();
  return c;
}

namespace {

void FillCandidate(const Candidate& c, v1::Candidate& p) {
  p.set_id(c.id);
  p.set_owner_id(c.owner_id);
  p.set_commune_insee(c.commune_insee);
  p.set_transport_mode(TransportModeToProto(c.transport_mode));
  p.set_max_commute_km(c.max_commute_km);
  p.set_driving_licence(c.driving_licence);
  p.set_vehicle(c.vehicle);
  p.set_relocation_accepted(c.relocation_accepted);
  p.set_housing(HousingStatusToProto(c.housing));
  p.set_french_level(CefrLevelToProto(c.french_level));
  p.set_french_attested(c.french_attested);
  p.set_french_hours_planned(c.french_hours_planned);
  p.mutable_skills()->Add(c.skills.begin(), c.skills.end());
  for (const PastOccupation& past : c.past_occupations) {
    v1::PastOccupation* out = p.add_past_occupations();
    out->set_rome_code(past.rome_code);
    out->set_years(past.years);
  }
  for (const std::string& wish : c.wished_occupations) p.add_wished_occupations(wish);
  ContractMaskToProto(c.accepted_contracts, p.mutable_accepted_contracts());
  p.set_available_from(EncodeDay(c.available_from));
  WeekMaskToProto(c.weekly_availability, p.mutable_weekly_availability());
  p.set_right_to_work(c.right_to_work);
  p.set_shared_with_employers(c.shared_with_employers);
  LicenceMaskToProto(c.licence_categories, p.mutable_licence_categories());
  LicenceMaskToProto(c.licence_categories_pending, p.mutable_licence_categories_pending());
  for (const LanguageSkill& language : c.languages) {
    v1::LanguageSkill* out = p.add_languages();
    out->set_code(language.code);
    out->set_level(CefrLevelToProto(language.level));
  }
  p.set_qualification_level(c.qualification_level);
  p.set_qualification_recognised(c.qualification_recognised);
  p.set_min_monthly_salary_eur(c.min_monthly_salary_eur);
}

}  // namespace

v1::Candidate CandidateToProto(const Candidate& c) {
  v1::Candidate p;
  FillCandidate(c, p);
  return p;
}

std::string EncodeCandidate(const Candidate& candidate, google::protobuf::Arena* arena) {
  v1::Candidate* p = google::protobuf::Arena::CreateMessage<v1::Candidate>(arena);
  FillCandidate(candidate, *p);
  return p->SerializeAsString();
}

absl::StatusOr<Day> OpeningExpiryFromProto(const v1::Opening& p) {
  if (p.expires_on().empty()) return Day{0};
  return DecodeDay(p.expires_on(), "expires_on");
}

absl::StatusOr<Opening> OpeningFromProto(const v1::Opening& p) {
  PASSERELLE_RETURN_IF_ERROR(CheckEnumValue(p.french_min_level(), v1::CefrLevel_IsValid, "french_min_level"));
  PASSERELLE_RETURN_IF_ERROR(CheckEnumValue(p.french_requirement(), v1::Requirement_IsValid, "french_requirement"));
  PASSERELLE_RETURN_IF_ERROR(CheckEnumValue(p.driving_licence(), v1::Requirement_IsValid, "driving_licence"));
  Opening o;
  o.id = p.id();
  o.owner_id = p.owner_id();
  o.employer_id = p.employer_id();
  o.title = p.title();
  o.rome_code = p.rome_code();
  o.appellation_code = p.appellation_code();
  o.commune_insee = p.commune_insee();
  o.required_skills.assign(p.required_skills().begin(), p.required_skills().end());
  o.desired_skills.assign(p.desired_skills().begin(), p.desired_skills().end());
  o.french_min_level = CefrLevelFromProto(p.french_min_level());
  o.french_requirement = RequirementFromProto(p.french_requirement());
  o.french_training_hours = p.french_training_hours();
  o.driving_licence = RequirementFromProto(p.driving_licence());
  PASSERELLE_RETURN_IF_ERROR(ContractBitFromProto(p.contract(), "contract").status());
  o.contract = ContractTypeFromProto(p.contract());
  PASSERELLE_ASSIGN_OR_RETURN(o.start_date, DecodeDay(p.start_date(), "start_date"));
  PASSERELLE_ASSIGN_OR_RETURN(o.weekly_schedule, WeekMaskFromProto(p.weekly_schedule(), "weekly_schedule"));
  o.positions = p.has_positions() ? p.positions() : 1;
  o.housing_provided = p.housing_provided();
  o.training_provided = p.training_provided();
  o.hard_to_fill = p.hard_to_fill();
  PASSERELLE_RETURN_IF_ERROR(
      CheckEnumValue(p.experience_requirement(), v1::Requirement_IsValid, "experience_requirement"));
  PASSERELLE_RETURN_IF_ERROR(
      CheckEnumValue(p.qualification_requirement(), v1::Requirement_IsValid, "qualification_requirement"));
  o.experience_requirement = RequirementFromProto(p.experience_requirement());
  o.experience_months = p.experience_months();
  o.experience_label = p.experience_label();
  PASSERELLE_ASSIGN_OR_RETURN(o.licences_required, LicenceMaskFromProto(p.licences_required(), "licences_required"));
  PASSERELLE_ASSIGN_OR_RETURN(o.licences_desired, LicenceMaskFromProto(p.licences_desired(), "licences_desired"));
  PASSERELLE_ASSIGN_OR_RETURN(o.languages, LanguageRequirementsFromProto(p.languages()));
  o.qualification_level = p.qualification_level();
  o.qualification_requirement = RequirementFromProto(p.qualification_requirement());
  o.salary_monthly_min_eur = p.salary_monthly_min_eur();
  o.salary_monthly_max_eur = p.salary_monthly_max_eur();
  o.salary_label = p.salary_label();
  o.weekly_hours = p.weekly_hours();
  o.working_time_label = p.working_time_label();
  o.night_work = p.night_work();
  o.weekend_work = p.weekend_work();
  PASSERELLE_ASSIGN_OR_RETURN(o.created_on, DecodeDay(p.created_on(), "created_on"));
  PASSERELLE_ASSIGN_OR_RETURN(o.updated_on, DecodeDay(p.updated_on(), "updated_on"));
  PASSERELLE_ASSIGN_OR_RETURN(o.expires_on, OpeningExpiryFromProto(p));
  o.source = p.source();
  o.source_id = p.source_id();
  o.display_fields.reserve(p.display_fields_size());
  for (const v1::DisplayField& field : p.display_fields()) o.display_fields.push_back({field.name(), field.value()});
  return o;
}

namespace {

void FillOpening(const Opening& o, v1::Opening& p) {
  p.set_id(o.id);
  p.set_owner_id(o.owner_id);
  p.set_employer_id(o.employer_id);
  p.set_title(o.title);
  p.set_rome_code(o.rome_code);
  p.set_appellation_code(o.appellation_code);
  p.set_commune_insee(o.commune_insee);
  p.mutable_required_skills()->Add(o.required_skills.begin(), o.required_skills.end());
  p.mutable_desired_skills()->Add(o.desired_skills.begin(), o.desired_skills.end());
  p.set_french_min_level(CefrLevelToProto(o.french_min_level));
  p.set_french_requirement(RequirementToProto(o.french_requirement));
  p.set_french_training_hours(o.french_training_hours);
  p.set_driving_licence(RequirementToProto(o.driving_licence));
  p.set_contract(ContractTypeToProto(o.contract));
  p.set_start_date(EncodeDay(o.start_date));
  WeekMaskToProto(o.weekly_schedule, p.mutable_weekly_schedule());
  p.set_positions(o.positions);
  p.set_housing_provided(o.housing_provided);
  p.set_training_provided(o.training_provided);
  p.set_hard_to_fill(o.hard_to_fill);
  p.set_experience_requirement(RequirementToProto(o.experience_requirement));
  p.set_experience_months(o.experience_months);
  p.set_experience_label(o.experience_label);
  LicenceMaskToProto(o.licences_required, p.mutable_licences_required());
  LicenceMaskToProto(o.licences_desired, p.mutable_licences_desired());
  for (const LanguageRequirement& language : o.languages) {
    v1::LanguageRequirement* out = p.add_languages();
    out->set_code(language.code);
    out->set_min_level(CefrLevelToProto(language.min_level));
    out->set_requirement(RequirementToProto(language.requirement));
  }
  p.set_qualification_level(o.qualification_level);
  p.set_qualification_requirement(RequirementToProto(o.qualification_requirement));
  p.set_salary_monthly_min_eur(o.salary_monthly_min_eur);
  p.set_salary_monthly_max_eur(o.salary_monthly_max_eur);
  p.set_salary_label(o.salary_label);
  p.set_weekly_hours(o.weekly_hours);
  p.set_working_time_label(o.working_time_label);
  p.set_night_work(o.night_work);
  p.set_weekend_work(o.weekend_work);
  p.set_created_on(EncodeDay(o.created_on));
  p.set_updated_on(EncodeDay(o.updated_on));
  if (o.expires_on != 0) p.set_expires_on(EncodeDay(o.expires_on));  // "" = no expiry
  p.set_source(o.source);
  p.set_source_id(o.source_id);
  for (const DisplayField& field : o.display_fields) {
    v1::DisplayField* out = p.add_display_fields();
    out->set_name(field.name);
    out->set_value(field.value);
  }
}

}  // namespace

v1::Opening OpeningToProto(const Opening& o) {
  v1::Opening p;
  FillOpening(o, p);
  return p;
}

std::string EncodeOpening(const Opening& opening, google::protobuf::Arena* arena) {
  v1::Opening* p = google::protobuf::Arena::CreateMessage<v1::Opening>(arena);
  FillOpening(opening, *p);
  return p->SerializeAsString();
}

ScoringProfile ScoringProfileFromProto(const v1::ScoringProfile& p) {
  ScoringProfile profile;
  profile.name = p.name();
  const v1::CriterionWeights& w = p.weights();
  profile.weights = {w.occupation(), w.skills(), w.french(), w.mobility(), w.housing(), w.tension(), w.timing(),
                     w.experience()};
  profile.strict_required_skills = p.strict_required_skills();
  return profile;
}

v1::ScoringProfile ScoringProfileToProto(const ScoringProfile& profile) {
  v1::ScoringProfile p;
  p.set_name(profile.name);
  v1::CriterionWeights* w = p.mutable_weights();
  w->set_occupation(profile.weight(Criterion::kOccupation));
  w->set_skills(profile.weight(Criterion::kSkills));
  w->set_french(profile.weight(Criterion::kFrench));
  w->set_mobility(profile.weight(Criterion::kMobility));
  w->set_housing(profile.weight(Criterion::kHousing));
  w->set_tension(profile.weight(Criterion::kTension));
  w->set_timing(profile.weight(Criterion::kTiming));
  w->set_experience(profile.weight(Criterion::kExperience));
  p.set_strict_required_skills(profile.strict_required_skills);
  return p;
}

FieldError SplitFieldError(absl::string_view message) {
  const size_t colon = message.find(": ");
  if (colon == absl::string_view::npos || colon == 0) return {"", std::string(message)};
  const absl::string_view path = message.substr(0, colon);
  for (char ch : path) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(ch)) && ch != '_' && ch != '.' && ch != '[' && ch != ']') {
      return {"", std::string(message)};
    }
  }
  return {std::string(path), std::string(message.substr(colon + 2))};
}

}  // namespace passerelle::engine
