// Validation and resolution of records against the reference data. A record that passes is turned into
// the numeric features scoring needs (indices, a unit vector for the commune centroid, a commute radius),
// once, at write time, so that queries never parse codes. The values that are scoring policy (occupation
// factors, commute radius, tension) come from a ResolutionPolicy: the scoring layer supplies it, and
// engine/scoring/resolution.h is what callers use.
#ifndef PASSERELLE_ENGINE_MODEL_RESOLVE_H_
#define PASSERELLE_ENGINE_MODEL_RESOLVE_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/model/types.h"
#include "engine/refdata/reference_data.h"

namespace passerelle::engine {

// A point on the unit sphere: the chord between two points gives the great-circle distance without
// trigonometry per pair (d = 2 R asin(chord / 2)).
inline constexpr float kEarthRadiusKm = 6371.0088f;  // mean Earth radius (IUGG)
struct UnitVector {
  float x = 0, y = 0, z = 0;
};
UnitVector UnitVectorFromDegrees(double latitude_deg, double longitude_deg);
float GreatCircleKm(const UnitVector& a, const UnitVector& b);
// Whether GreatCircleKm(a, b) - less_km > limit_km, the same answer, mostly without the arcsine: an arc is
// at least as long as its chord, so a chord longer than limit_km + less_km by 0.1% (far more than the
// float error of either side) settles it, and the exact distance decides the rest. The reach tests of a
// query's segments and blocks run it for each (an arcsine was 5% of a MatchOpenings mix).
inline bool GreatCircleBeyond(const UnitVector& a, const UnitVector& b, float less_km, float limit_km) {
  const float threshold_km = limit_km + less_km;
  if (threshold_km > 0) {
    const float dx = a.x - b.x, dy = a.y - b.y, dz = a.z - b.z;
    const float chord_km_squared = (dx * dx + dy * dy + dz * dz) * (kEarthRadiusKm * kEarthRadiusKm);
    if (chord_km_squared > threshold_km * threshold_km * 1.002f) return true;
  }
  return GreatCircleKm(a, b) - less_km > limit_km;
}

// One occupation the candidate brings, with how much it counts (wish rank or years of experience).
struct WeightedOccupation {
  int32_t rome_index = -1;
  float factor = 0;
};

struct ResolvedCandidate {
  const std::string& id() const { return record.id; }
  Candidate record;
  // The owner's code in the index that holds the record (MatchIndex interns owner ids); 0 = not set.
  uint32_t owner_code = 0;
  int32_t commune_index = -1;
  UnitVector position;
  float radius_km = 0;  // effective commute limit (explicit, or from the transport mode)
  std::vector<WeightedOccupation> occupations;  // one per distinct ROME code, best factor kept
  // Past occupations for the experience criterion: factor = years, one per distinct ROME code (most years
  // kept), sorted by ROME index.
  std::vector<WeightedOccupation> experience;
  std::vector<int32_t> skill_indices;           // sorted, unique
};

struct ResolvedOpening {
  const std::string& id() const { return record.id; }
  Opening record;
  int32_t rome_index = -1;
  int32_t commune_index = -1;
  int32_t region_index = -1;
  UnitVector position;
  float tension = 0;                          // in [0, 1], hard-to-fill floor applied
  std::vector<int32_t> required_skill_indices;  // sorted, unique
  std::vector<int32_t> desired_skill_indices;   // sorted, unique, none of them required
  // The required items that are core items (ROME "coeur de métier") of the opening's occupation; sorted.
  std::vector<int32_t> core_skill_indices;
  // The opening lists no skill item: its required items are its occupation's core items.
  bool skills_from_occupation = false;
};

// Limits on what one record may hold, so that a single write cannot blow up memory.
inline constexpr size_t kMaxIdBytes = 128;
// Longest title or label of an opening, in bytes.
inline constexpr size_t kMaxTitleBytes = 512;
inline constexpr size_t kMaxSkillsPerRecord = 512;
inline constexpr size_t kMaxOccupationsPerCandidate = 32;

// The scoring rules resolution applies (engine/scoring/criteria/: occupation, mobility, tension).
struct ResolutionPolicy {
  float (*wished_occupation_factor)(size_t index);  // 0-based position in wished_occupations
  float (*past_occupation_factor)(float years);
  float (*commute_radius_km)(const Candidate& candidate);
  float (*opening_tension)(float region_index_value, bool hard_to_fill);
};

// Checks every field and resolves codes. On error returns InvalidArgument whose message starts with the
// field path ("commune_insee: unknown INSEE commune code \"99999\"") and resolves nothing.
absl::StatusOr<ResolvedCandidate> ResolveCandidateWith(const Candidate& candidate, const ReferenceData& data,
                                                       const ResolutionPolicy& policy);
// The same, taking the record rather than copying it (a start-up resolves a million of them).
absl::StatusOr<ResolvedCandidate> ResolveCandidateWith(Candidate&& candidate, const ReferenceData& data,
                                                       const ResolutionPolicy& policy);
absl::StatusOr<ResolvedOpening> ResolveOpeningWith(const Opening& opening, const ReferenceData& data,
                                                   const ResolutionPolicy& policy);

// Checks an id (non-empty, printable ASCII 0x21-0x7E, at most kMaxIdBytes); `field` names it in the error.
absl::Status ValidateId(absl::string_view id, absl::string_view field);
// Checks free text (titles, labels): at most `max_bytes`, valid UTF-8, no control characters (C0, DEL,
// C1: no NUL, ESC or line break) and no bidirectional formatting characters (U+202A-U+202E, ...).
absl::Status ValidateFreeText(absl::string_view text, size_t max_bytes, absl::string_view field);
// Whether `text` is shortest-form UTF-8 of Unicode scalar values (what protobuf requires of a string).
bool IsValidUtf8(absl::string_view text);
// ValidateFreeText over an opening's display texts (title, the France Travail labels, display fields).
absl::Status ValidateOpeningTexts(const Opening& opening);

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_MODEL_RESOLVE_H_
