#include "engine/model/resolve.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/common/field_status.h"
#include "engine/common/quote.h"
#include "engine/common/status_macros.h"
#include "engine/model/offer_fields.h"

namespace passerelle::engine {
namespace {

absl::Status FieldError(absl::string_view field, absl::string_view message) {
  return InvalidFieldError(field, message);
}

absl::Status CheckFinite(float value, float min, float max, absl::string_view field) {
  if (!std::isfinite(value) || value < min || value > max) {
    return FieldError(field, absl::StrFormat("must be a finite number in [%g, %g], got %g", min, max, value));
  }
  return absl::OkStatus();
}

absl::StatusOr<int32_t> ResolveRome(absl::string_view code, const ReferenceData& data, absl::string_view field) {
  std::optional<int32_t> index = data.FindRome(code);
  if (!index) return FieldError(field, absl::StrCat("unknown ROME 4.0 code ", engine::Quote(code)));
  return *index;
}

absl::StatusOr<int32_t> ResolveCommune(absl::string_view insee, const ReferenceData& data) {
  std::optional<int32_t> index = data.FindCommune(insee);
  if (!index) return FieldError("commune_insee", absl::StrCat("unknown INSEE commune code ", engine::Quote(insee)));
  return *index;
}

// Resolves skill codes to sorted, unique item indices.
absl::StatusOr<std::vector<int32_t>> ResolveSkills(const std::vector<int64_t>& codes, const ReferenceData& data,
                                                   absl::string_view field) {
  if (codes.size() > kMaxSkillsPerRecord) {
    return FieldError(field, absl::StrCat("at most ", kMaxSkillsPerRecord, " items, got ", codes.size()));
  }
  std::vector<int32_t> indices;
  indices.reserve(codes.size());
  for (size_t i = 0; i < codes.size(); ++i) {
    std::optional<int32_t> index = data.FindSkill(codes[i]);
    if (!index) {
      return FieldError(absl::StrCat(field, "[", i, "]"),
                        absl::StrCat("unknown ROME skill item (code_ogr) ", codes[i]));
    }
    indices.push_back(*index);
  }
  std::sort(indices.begin(), indices.end());
  indices.erase(std::unique(indices.begin(), indices.end()), indices.end());
  return indices;
}

absl::Status CheckEnum(int value, int max, absl::string_view field) {
  if (value < 0 || value > max) return FieldError(field, absl::StrCat("out of range: ", value));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<WeightedOccupation>> ResolveOccupations(const Candidate& c, const ReferenceData& data,
                                                                   const ResolutionPolicy& policy) {
  if (c.wished_occupations.size() + c.past_occupations.size() > kMaxOccupationsPerCandidate) {
    return FieldError("wished_occupations", absl::StrCat("wished and past occupations together: at most ",
                                                         kMaxOccupationsPerCandidate));
  }
  std::vector<WeightedOccupation> out;
  auto keep_best = [&out](int32_t rome, float factor) {
    for (WeightedOccupation& o : out) {
      if (o.rome_index == rome) { o.factor = std::max(o.factor, factor); return; }
    }
    out.push_back({rome, factor});
  };
  // Field paths are spelled out only for an error: a start-up resolves millions of these.
  for (size_t r = 0; r < c.wished_occupations.size(); ++r) {
    const std::optional<int32_t> rome = data.FindRome(c.wished_occupations[r]);
    if (!rome) return ResolveRome(c.wished_occupations[r], data, absl::StrCat("wished_occupations[", r, "]")).status();
    keep_best(*rome, policy.wished_occupation_factor(r));
  }
  for (size_t p = 0; p < c.past_occupations.size(); ++p) {
    const PastOccupation& past = c.past_occupations[p];
    const std::optional<int32_t> rome = data.FindRome(past.rome_code);
    if (!rome) return ResolveRome(past.rome_code, data, absl::StrCat("past_occupations[", p, "].rome_code")).status();
    if (!std::isfinite(past.years) || past.years < 0 || past.years > 80) {
      return CheckFinite(past.years, 0, 80, absl::StrCat("past_occupations[", p, "].years"));
    }
    keep_best(*rome, policy.past_occupation_factor(past.years));
  }
  // Sorted by ROME index so that equal records resolve to equal features.
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.rome_index < b.rome_index; });
  return out;
}

// The past occupations with their years, for the experience criterion; ResolveOccupations has checked
// the codes and years already.
std::vector<WeightedOccupation> ResolveExperience(const Candidate& c, const ReferenceData& data) {
  std::vector<WeightedOccupation> out;
  for (const PastOccupation& p : c.past_occupations) {
    const std::optional<int32_t> rome = data.FindRome(p.rome_code);
    if (!rome) continue;
    auto same =
        std::find_if(out.begin(), out.end(), [&](const WeightedOccupation& o) { return o.rome_index == *rome; });
    if (same != out.end()) {
      same->factor = std::max(same->factor, p.years);
    } else {
      out.push_back({*rome, p.years});
    }
  }
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.rome_index < b.rome_index; });
  return out;
}

absl::Status CheckDay(Day day, absl::string_view field) {
  // 1970-01-01 .. 2200-01-01: wide enough for any real date, narrow enough to catch unit mistakes.
  if (day < 0 || day > 84000) return FieldError(field, absl::StrCat("day out of range: ", day));
  return absl::OkStatus();
}

}  // namespace

UnitVector UnitVectorFromDegrees(double latitude_deg, double longitude_deg) {
  const double lat = latitude_deg * M_PI / 180.0, lon = longitude_deg * M_PI / 180.0;
  return {static_cast<float>(std::cos(lat) * std::cos(lon)), static_cast<float>(std::cos(lat) * std::sin(lon)),
          static_cast<float>(std::sin(lat))};
}

float GreatCircleKm(const UnitVector& a, const UnitVector& b) {
  const float dx = a.x - b.x, dy = a.y - b.y, dz = a.z - b.z;
  const float half_chord = std::min(1.0f, std::sqrt(dx * dx + dy * dy + dz * dz) * 0.5f);
  return 2.0f * kEarthRadiusKm * std::asin(half_chord);
}

absl::Status ValidateId(absl::string_view id, absl::string_view field) {
  if (id.empty()) return FieldError(field, "must not be empty");
  if (id.size() > kMaxIdBytes) return FieldError(field, absl::StrCat("at most ", kMaxIdBytes, " bytes"));
  for (size_t i = 0; i < id.size(); ++i) {
    const unsigned char ch = static_cast<unsigned char>(id[i]);
    // ASCII only: no look-alike or right-to-left override (U+202E) can make two ids read the same.
    if (ch < 0x21 || ch > 0x7e) {
      return FieldError(field, absl::StrCat("must be printable ASCII (0x21-0x7E), byte ", i, " is ",
                                            absl::StrFormat("0x%02X", ch)));
    }
  }
  return absl::OkStatus();
}

// Free-text validation (ValidateFreeText), kept apart from the record checks above.
namespace {

// The code point of the UTF-8 sequence at text[*i] (advancing *i past it); -1 when the bytes are not
// shortest-form UTF-8 of a Unicode scalar value.
int32_t NextCodePoint(absl::string_view text, size_t* i) {
  const unsigned char lead = static_cast<unsigned char>(text[*i]);
  int length = 0;
  int32_t cp = 0;
  if (lead < 0x80) {
    ++*i;
    return lead;
  } else if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2, cp = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3, cp = lead & 0x0F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4, cp = lead & 0x07;
  } else {
    return -1;
  }
  if (*i + length > text.size()) return -1;
  for (int k = 1; k < length; ++k) {
    const unsigned char next = static_cast<unsigned char>(text[*i + k]);
    if ((next & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (next & 0x3F);
  }
  static constexpr int32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kSmallest[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
  *i += length;
  return cp;
}

// Control characters (C0, DEL, C1) and the bidirectional formatting characters, which can make text
// display as something other than what it holds.
bool IsControlOrBidi(int32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x061C || cp == 0x200E || cp == 0x200F ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

}  // namespace

absl::Status ValidateFreeText(absl::string_view text, size_t max_bytes, absl::string_view field) {
  if (text.size() > max_bytes) return FieldError(field, absl::StrCat("at most ", max_bytes, " bytes"));
  for (size_t i = 0; i < text.size();) {
    const size_t at = i;
    const int32_t cp = NextCodePoint(text, &i);
    if (cp < 0) return FieldError(field, absl::StrCat("not valid UTF-8 at byte ", at));
    if (IsControlOrBidi(cp)) {
      return FieldError(field, absl::StrFormat("must not contain control or bidirectional characters (U+%04X at byte %d)",
                                               cp, at));
    }
  }
  return absl::OkStatus();
}

bool IsValidUtf8(absl::string_view text) {
  for (size_t i = 0; i < text.size();) {
    if (NextCodePoint(text, &i) < 0) return false;
  }
  return true;
}

absl::Status ValidateOpeningTexts(const Opening& o) {
  PASSERELLE_RETURN_IF_ERROR(ValidateFreeText(o.title, kMaxTitleBytes, "title"));
  PASSERELLE_RETURN_IF_ERROR(ValidateFreeText(o.experience_label, kMaxTitleBytes, "experience_label"));
  PASSERELLE_RETURN_IF_ERROR(ValidateFreeText(o.salary_label, kMaxTitleBytes, "salary_label"));
  PASSERELLE_RETURN_IF_ERROR(ValidateFreeText(o.working_time_label, kMaxTitleBytes, "working_time_label"));
  for (size_t i = 0; i < o.display_fields.size(); ++i) {
    PASSERELLE_RETURN_IF_ERROR(ValidateFreeText(o.display_fields[i].name, kMaxTitleBytes,
                                                absl::StrCat("display_fields[", i, "].name")));
    PASSERELLE_RETURN_IF_ERROR(ValidateFreeText(o.display_fields[i].value, 1 << 20,
                                                absl::StrCat("display_fields[", i, "].value")));
  }
  return absl::OkStatus();
}

namespace {

// ResolveCandidateWith but for out->record, which the callers copy or move in.
absl::Status ResolveCandidateInto(const Candidate& c, const ReferenceData& data, const ResolutionPolicy& policy,
                                  ResolvedCandidate* out) {
  PASSERELLE_RETURN_IF_ERROR(ValidateId(c.id, "id"));
  PASSERELLE_RETURN_IF_ERROR(ValidateId(c.owner_id, "owner_id"));
  PASSERELLE_RETURN_IF_ERROR(CheckEnum(static_cast<int>(c.transport_mode), 4, "transport_mode"));
  PASSERELLE_RETURN_IF_ERROR(CheckEnum(static_cast<int>(c.housing), 3, "housing"));
  PASSERELLE_RETURN_IF_ERROR(CheckEnum(static_cast<int>(c.french_level), kCefrLevelCount - 1, "french_level"));
  PASSERELLE_RETURN_IF_ERROR(CheckFinite(c.max_commute_km, 0, 1000, "max_commute_km"));
  PASSERELLE_RETURN_IF_ERROR(CheckFinite(c.french_hours_planned, 0, 5000, "french_hours_planned"));
  PASSERELLE_RETURN_IF_ERROR(CheckDay(c.available_from, "available_from"));
  if (c.accepted_contracts & ~kAllContractsMask) return FieldError("accepted_contracts", "unknown contract bit");
  if (c.weekly_availability & ~kWeekMask) return FieldError("weekly_availability", "unknown slot bit");
  PASSERELLE_RETURN_IF_ERROR(ValidateCandidateOfferFields(c));

  PASSERELLE_ASSIGN_OR_RETURN(out->commune_index, ResolveCommune(c.commune_insee, data));
  PASSERELLE_ASSIGN_OR_RETURN(out->occupations, ResolveOccupations(c, data, policy));
  out->experience = ResolveExperience(c, data);
  PASSERELLE_ASSIGN_OR_RETURN(out->skill_indices, ResolveSkills(c.skills, data, "skills"));
  const Commune& commune = data.communes()[out->commune_index];
  out->position = UnitVectorFromDegrees(commune.latitude_deg, commune.longitude_deg);
  out->radius_km = policy.commute_radius_km(c);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ResolvedCandidate> ResolveCandidateWith(const Candidate& c, const ReferenceData& data,
                                                       const ResolutionPolicy& policy) {
  ResolvedCandidate out;
  PASSERELLE_RETURN_IF_ERROR(ResolveCandidateInto(c, data, policy, &out));
  out.record = c;
  return out;
}

absl::StatusOr<ResolvedCandidate> ResolveCandidateWith(Candidate&& c, const ReferenceData& data,
                                                       const ResolutionPolicy& policy) {
  ResolvedCandidate out;
  PASSERELLE_RETURN_IF_ERROR(ResolveCandidateInto(c, data, policy, &out));
  out.record = std::move(c);
  return out;
}

absl::StatusOr<ResolvedOpening> ResolveOpeningWith(const Opening& o, const ReferenceData& data,
                                                   const ResolutionPolicy& policy) {
  PASSERELLE_RETURN_IF_ERROR(ValidateId(o.id, "id"));
  PASSERELLE_RETURN_IF_ERROR(ValidateId(o.owner_id, "owner_id"));
  if (!o.employer_id.empty()) PASSERELLE_RETURN_IF_ERROR(ValidateId(o.employer_id, "employer_id"));
  PASSERELLE_RETURN_IF_ERROR(ValidateOpeningTexts(o));
  PASSERELLE_RETURN_IF_ERROR(CheckEnum(static_cast<int>(o.french_min_level), kCefrLevelCount - 1, "french_min_level"));
  PASSERELLE_RETURN_IF_ERROR(CheckEnum(static_cast<int>(o.french_requirement), 2, "french_requirement"));
  PASSERELLE_RETURN_IF_ERROR(CheckEnum(static_cast<int>(o.driving_licence), 2, "driving_licence"));
  PASSERELLE_RETURN_IF_ERROR(CheckEnum(static_cast<int>(o.contract), kContractTypeCount - 1, "contract"));
  PASSERELLE_RETURN_IF_ERROR(CheckFinite(o.french_training_hours, 0, 5000, "french_training_hours"));
  PASSERELLE_RETURN_IF_ERROR(CheckDay(o.start_date, "start_date"));
  if (o.weekly_schedule & ~kWeekMask) return FieldError("weekly_schedule", "unknown slot bit");
  if (o.positions < 0 || o.positions > 100000) return FieldError("positions", "must be in [0, 100000]");
  PASSERELLE_RETURN_IF_ERROR(ValidateOpeningOfferFields(o));

  ResolvedOpening out;
  if (!o.rome_code.empty()) {
    PASSERELLE_ASSIGN_OR_RETURN(out.rome_index, ResolveRome(o.rome_code, data, "rome_code"));
  } else if (o.appellation_code != 0) {
    std::optional<int32_t> rome = data.FindAppellationRome(o.appellation_code);
    if (!rome) return FieldError("appellation_code", absl::StrCat("unknown ROME job title ", o.appellation_code));
    out.rome_index = *rome;
  } else {
    return FieldError("rome_code", "must not be empty when appellation_code is not set");
  }
  PASSERELLE_ASSIGN_OR_RETURN(out.commune_index, ResolveCommune(o.commune_insee, data));
  PASSERELLE_ASSIGN_OR_RETURN(out.required_skill_indices, ResolveSkills(o.required_skills, data, "required_skills"));
  PASSERELLE_ASSIGN_OR_RETURN(out.desired_skill_indices, ResolveSkills(o.desired_skills, data, "desired_skills"));
  // An item both required and desired counts as required.
  std::vector<int32_t> desired_only;
  std::set_difference(out.desired_skill_indices.begin(), out.desired_skill_indices.end(),
                      out.required_skill_indices.begin(), out.required_skill_indices.end(),
                      std::back_inserter(desired_only));
  out.desired_skill_indices = std::move(desired_only);
  // Core items of the occupation weigh more; an opening listing none asks for its occupation's core items
  // (rather than giving everyone a perfect skills score).
  std::vector<int32_t> core;
  for (const OccupationSkill& item : data.OccupationSkills(out.rome_index)) {
    if (item.core) core.push_back(item.skill_index);
  }
  std::sort(core.begin(), core.end());
  core.erase(std::unique(core.begin(), core.end()), core.end());
  if (out.required_skill_indices.empty() && out.desired_skill_indices.empty() && !core.empty()) {
    out.required_skill_indices = core;
    out.skills_from_occupation = true;
  }
  std::set_intersection(out.required_skill_indices.begin(), out.required_skill_indices.end(), core.begin(), core.end(),
                        std::back_inserter(out.core_skill_indices));

  const Commune& commune = data.communes()[out.commune_index];
  out.region_index = commune.region_index;
  out.position = UnitVectorFromDegrees(commune.latitude_deg, commune.longitude_deg);
  out.tension = policy.opening_tension(data.Tension(out.rome_index, out.region_index), o.hard_to_fill);
  out.record = o;
  if (out.record.rome_code.empty()) out.record.rome_code = data.occupations()[out.rome_index].code;
  return out;
}

}  // namespace passerelle::engine
