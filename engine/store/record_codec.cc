#include "engine/store/record_codec.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "engine/common/status_macros.h"
#include "engine/model/dates.h"

namespace passerelle::engine {
namespace {

absl::Status Invalid(absl::string_view field, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", message));
}

// Proto enums are open: a binary message may carry a value the .proto does not list.
template <class IsValid>
absl::Status CheckEnumValue(int value, IsValid is_valid, absl::string_view field) {
  if (!is_valid(value)) return Invalid(field, absl::StrCat("unknown enum value ", value));
  return absl::OkStatus();
}

CefrLevel CefrFromProto(v1::CefrLevel level) {
  // UNSPECIFIED (0) and PRE_A1 (1) both mean "no level".
  return level <= v1::CEFR_LEVEL_PRE_A1 ? CefrLevel::kPreA1 : static_cast<CefrLevel>(level - 1);
}
v1::CefrLevel CefrToProto(CefrLevel level) { return static_cast<v1::CefrLevel>(static_cast<int>(level) + 1); }

HousingStatus HousingFromProto(v1::HousingStatus housing) {
  return housing == v1::HOUSING_STATUS_UNSPECIFIED ? HousingStatus::kStable
                                                   : static_cast<HousingStatus>(housing - 1);
}
v1::HousingStatus HousingToProto(HousingStatus housing) {
  return static_cast<v1::HousingStatus>(static_cast<int>(housing) + 1);
}

Requirement RequirementFromProto(v1::Requirement requirement) {
  switch (requirement) {
    case v1::REQUIREMENT_DESIRED: return Requirement::kDesired;
    case v1::REQUIREMENT_REQUIRED: return Requirement::kRequired;
    default: return Requirement::kNone;
  }
}
v1::Requirement RequirementToProto(Requirement requirement) {
  switch (requirement) {
    case Requirement::kDesired: return v1::REQUIREMENT_DESIRED;
    case Requirement::kRequired: return v1::REQUIREMENT_REQUIRED;
    case Requirement::kNone: break;
  }
  return v1::REQUIREMENT_NONE;
}

absl::StatusOr<uint32_t> ContractMaskFromProto(const google::protobuf::RepeatedField<int>& types,
                                               absl::string_view field) {
  uint32_t mask = 0;
  for (int i = 0; i < types.size(); ++i) {
    PASSERELLE_ASSIGN_OR_RETURN(uint32_t bit, ContractBitFromProto(types[i], absl::StrCat(field, "[", i, "]")));
    mask |= bit;
  }
  return mask;
}

void ContractMaskToProto(uint32_t mask, google::protobuf::RepeatedField<int>* out) {
  for (int t = 0; t < kContractTypeCount; ++t) {
    if (mask & (1u << t)) out->Add(ContractTypeToProto(static_cast<ContractType>(t)));
  }
}

absl::StatusOr<uint32_t> WeekMaskFromProto(const google::protobuf::RepeatedPtrField<v1::WeeklySlot>& slots,
                                           absl::string_view field) {
  uint32_t mask = 0;
  for (int i = 0; i < slots.size(); ++i) {
    const v1::WeeklySlot& slot = slots[i];
    const std::string path = absl::StrCat(field, "[", i, "]");
    if (slot.day() == v1::WEEKDAY_UNSPECIFIED || !v1::Weekday_IsValid(slot.day())) {
      return Invalid(absl::StrCat(path, ".day"), "must be WEEKDAY_MONDAY .. WEEKDAY_SUNDAY");
    }
    if (slot.part() == v1::DAY_PART_UNSPECIFIED || !v1::DayPart_IsValid(slot.part())) {
      return Invalid(absl::StrCat(path, ".part"), "must be DAY_PART_MORNING .. DAY_PART_NIGHT");
    }
    mask |= WeeklySlotBit(slot.day() - 1, slot.part() - 1);
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
      slot->set_day(static_cast<v1::Weekday>(day + 1));
      slot->set_part(static_cast<v1::DayPart>(part + 1));
    }
  }
}

}  // namespace

absl::StatusOr<uint32_t> ContractBitFromProto(int proto_value, absl::string_view field) {
  if (proto_value == v1::CONTRACT_TYPE_UNSPECIFIED || !v1::ContractType_IsValid(proto_value)) {
    return Invalid(field, proto_value == 0 ? "must be set (CONTRACT_TYPE_UNSPECIFIED is not a contract type)"
                                           : absl::StrCat("unknown enum value ", proto_value));
  }
  return ContractBit(static_cast<ContractType>(proto_value - 1));
}

v1::ContractType ContractTypeToProto(ContractType type) {
  return static_cast<v1::ContractType>(static_cast<int>(type) + 1);
}

absl::StatusOr<Candidate> CandidateFromProto(const v1::Candidate& p) {
  PASSERELLE_RETURN_IF_ERROR(CheckEnumValue(p.transport_mode(), v1::TransportMode_IsValid, "transport_mode"));
  PASSERELLE_RETURN_IF_ERROR(CheckEnumValue(p.housing(), v1::HousingStatus_IsValid, "housing"));
  PASSERELLE_RETURN_IF_ERROR(CheckEnumValue(p.french_level(), v1::CefrLevel_IsValid, "french_level"));
  Candidate c;
  c.id = p.id();
  c.owner_id = p.owner_id();
  c.commune_insee = p.commune_insee();
  c.transport_mode = static_cast<TransportMode>(p.transport_mode());
  c.max_commute_km = p.max_commute_km();
  c.driving_licence = p.driving_licence();
  c.vehicle = p.vehicle();
  c.relocation_accepted = p.relocation_accepted();
  c.housing = HousingFromProto(p.housing());
  c.french_level = CefrFromProto(p.french_level());
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
  c.share_with_employers = p.share_with_employers();
  return c;
}

namespace {

void FillCandidate(const Candidate& c, v1::Candidate& p) {
  p.set_id(c.id);
  p.set_owner_id(c.owner_id);
  p.set_commune_insee(c.commune_insee);
  p.set_transport_mode(static_cast<v1::TransportMode>(c.transport_mode));
  p.set_max_commute_km(c.max_commute_km);
  p.set_driving_licence(c.driving_licence);
  p.set_vehicle(c.vehicle);
  p.set_relocation_accepted(c.relocation_accepted);
  p.set_housing(HousingToProto(c.housing));
  p.set_french_level(CefrToProto(c.french_level));
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
  p.set_share_with_employers(c.share_with_employers);
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
  o.french_min_level = CefrFromProto(p.french_min_level());
  o.french_requirement = RequirementFromProto(p.french_requirement());
  o.french_training_hours = p.french_training_hours();
  o.driving_licence = RequirementFromProto(p.driving_licence());
  PASSERELLE_RETURN_IF_ERROR(ContractBitFromProto(p.contract(), "contract").status());
  o.contract = static_cast<ContractType>(p.contract() - 1);
  PASSERELLE_ASSIGN_OR_RETURN(o.start_date, DecodeDay(p.start_date(), "start_date"));
  PASSERELLE_ASSIGN_OR_RETURN(o.weekly_schedule, WeekMaskFromProto(p.weekly_schedule(), "weekly_schedule"));
  o.positions = p.has_positions() ? p.positions() : 1;
  o.housing_provided = p.housing_provided();
  o.training_provided = p.training_provided();
  o.hard_to_fill = p.hard_to_fill();
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
  p.set_french_min_level(CefrToProto(o.french_min_level));
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
  profile.weights = {w.occupation(), w.skills(), w.french(), w.mobility(), w.housing(), w.tension(), w.timing()};
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

absl::Status PrefixFieldPath(const absl::Status& status, absl::string_view prefix) {
  if (status.ok()) return status;
  const FieldError parts = SplitFieldError(status.message());
  const std::string message = parts.field.empty() ? absl::StrCat(prefix, ": ", parts.reason)
                                                  : absl::StrCat(prefix, ".", parts.field, ": ", parts.reason);
  return absl::Status(status.code(), message);
}

}  // namespace passerelle::engine
