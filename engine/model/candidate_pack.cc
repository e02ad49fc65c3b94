#include "engine/model/candidate_pack.h"

#include <algorithm>
#include <cstring>

namespace passerelle::engine {
namespace {

// A field added to Candidate or ResolvedCandidate must be packed below; these sizes are a reminder.
static_assert(sizeof(Candidate) == 256, "Candidate changed: update AppendPackedCandidate and UnpackCandidate");
static_assert(sizeof(ResolvedCandidate) == 352,
              "ResolvedCandidate changed: update AppendPackedCandidate and UnpackCandidate");

void PutVarint(uint64_t value, std::string* out) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

void PutFloat(float value, std::string* out) {
  char bytes[sizeof(float)];
  std::memcpy(bytes, &value, sizeof(float));
  out->append(bytes, sizeof(float));
}

void PutString(absl::string_view value, std::string* out) {
  PutVarint(value.size(), out);
  out->append(value.data(), value.size());
}

// Reads packed bytes front to back. The bytes come from AppendPackedCandidate in this process, never from
// outside, so a read past the end is a programming error: it stops at the end rather than overrun.
class Reader {
 public:
  explicit Reader(absl::string_view bytes) : p_(bytes.data()), end_(bytes.data() + bytes.size()) {}

  uint64_t Varint() {
    uint64_t value = 0;
    for (int shift = 0; p_ < end_ && shift < 64; shift += 7) {
      const uint8_t byte = static_cast<uint8_t>(*p_++);
      value |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if (byte < 0x80) break;
    }
    return value;
  }
  int32_t Int32() { return static_cast<int32_t>(Varint()); }
  float Float() {
    float value = 0;
    if (end_ - p_ >= static_cast<std::ptrdiff_t>(sizeof(float))) std::memcpy(&value, p_, sizeof(float));
    p_ += std::min<std::ptrdiff_t>(end_ - p_, sizeof(float));
    return value;
  }
  absl::string_view String() {
    const size_t size = std::min<size_t>(Varint(), static_cast<size_t>(end_ - p_));
    absl::string_view value(p_, size);
    p_ += size;
    return value;
  }

 private:
  const char* p_;
  const char* end_;
};

// Skill indices are sorted: stored as gaps, which mostly fit in one or two bytes.
void ReadFeatures(Reader& in, std::vector<int32_t>* skill_indices, std::vector<WeightedOccupation>* occupations,
                  std::vector<WeightedOccupation>* experience) {
  skill_indices->resize(in.Varint());
  int32_t previous = 0;
  for (int32_t& index : *skill_indices) previous = index = previous + in.Int32();
  for (std::vector<WeightedOccupation>* list : {occupations, experience}) {
    list->resize(in.Varint());
    for (WeightedOccupation& o : *list) {
      o.rome_index = in.Int32();
      o.factor = in.Float();
    }
  }
}

// Record flags, one bit each.
constexpr uint32_t kDrivingLicence = 1u << 0;
constexpr uint32_t kVehicle = 1u << 1;
constexpr uint32_t kRelocationAccepted = 1u << 2;
constexpr uint32_t kFrenchAttested = 1u << 3;
constexpr uint32_t kRightToWork = 1u << 4;
constexpr uint32_t kSharedWithEmployers = 1u << 5;
constexpr uint32_t kQualificationRecognised = 1u << 6;

}  // namespace

void AppendPackedCandidate(const ResolvedCandidate& c, std::string* out) {
  const Candidate& r = c.record;
  PutString(r.id, out);
  PutString(r.owner_id, out);
  PutVarint(static_cast<uint32_t>(c.commune_index), out);

  PutVarint(c.skill_indices.size(), out);
  int32_t previous = 0;
  for (int32_t index : c.skill_indices) {
    PutVarint(static_cast<uint32_t>(index - previous), out);
    previous = index;
  }
  for (const std::vector<WeightedOccupation>* list : {&c.occupations, &c.experience}) {
    PutVarint(list->size(), out);
    for (const WeightedOccupation& o : *list) {
      PutVarint(static_cast<uint32_t>(o.rome_index), out);
      PutFloat(o.factor, out);
    }
  }
  PutFloat(c.position.x, out);
  PutFloat(c.position.y, out);
  PutFloat(c.position.z, out);
  PutFloat(c.radius_km, out);

  PutString(r.commune_insee, out);
  PutVarint(static_cast<uint32_t>(r.transport_mode), out);
  PutFloat(r.max_commute_km, out);
  PutVarint((r.driving_licence ? kDrivingLicence : 0u) | (r.vehicle ? kVehicle : 0u) |
                (r.relocation_accepted ? kRelocationAccepted : 0u) | (r.french_attested ? kFrenchAttested : 0u) |
                (r.right_to_work ? kRightToWork : 0u) | (r.shared_with_employers ? kSharedWithEmployers : 0u) |
                (r.qualification_recognised ? kQualificationRecognised : 0u),
            out);
  PutVarint(static_cast<uint32_t>(r.housing), out);
  PutVarint(static_cast<uint32_t>(r.french_level), out);
  PutFloat(r.french_hours_planned, out);
  PutVarint(r.skills.size(), out);
  for (int64_t code : r.skills) PutVarint(static_cast<uint64_t>(code), out);
  PutVarint(r.past_occupations.size(), out);
  for (const PastOccupation& p : r.past_occupations) {
    PutString(p.rome_code, out);
    PutFloat(p.years, out);
  }
  PutVarint(r.wished_occupations.size(), out);
  for (const std::string& code : r.wished_occupations) PutString(code, out);
  PutVarint(r.accepted_contracts, out);
  PutVarint(static_cast<uint32_t>(r.available_from), out);
  PutVarint(r.weekly_availability, out);
  PutVarint(r.licence_categories, out);
  PutVarint(r.licence_categories_pending, out);
  PutVarint(r.languages.size(), out);
  for (const LanguageSkill& l : r.languages) {
    PutString(l.code, out);
    PutVarint(static_cast<uint32_t>(l.level), out);
  }
  PutVarint(static_cast<uint32_t>(r.qualification_level), out);
  PutFloat(r.min_monthly_salary_eur, out);
}

ResolvedCandidate UnpackCandidate(absl::string_view packed) {
  ResolvedCandidate c;
  Candidate& r = c.record;
  Reader in(packed);
  r.id = std::string(in.String());
  r.owner_id = std::string(in.String());
  c.commune_index = in.Int32();
  ReadFeatures(in, &c.skill_indices, &c.occupations, &c.experience);
  c.position.x = in.Float();
  c.position.y = in.Float();
  c.position.z = in.Float();
  c.radius_km = in.Float();

  r.commune_insee = std::string(in.String());
  r.transport_mode = static_cast<TransportMode>(in.Varint());
  r.max_commute_km = in.Float();
  const uint64_t flags = in.Varint();
  r.driving_licence = flags & kDrivingLicence;
  r.vehicle = flags & kVehicle;
  r.relocation_accepted = flags & kRelocationAccepted;
  r.french_attested = flags & kFrenchAttested;
  r.right_to_work = flags & kRightToWork;
  r.shared_with_employers = flags & kSharedWithEmployers;
  r.qualification_recognised = flags & kQualificationRecognised;
  r.housing = static_cast<HousingStatus>(in.Varint());
  r.french_level = static_cast<CefrLevel>(in.Varint());
  r.french_hours_planned = in.Float();
  r.skills.resize(in.Varint());
  for (int64_t& code : r.skills) code = static_cast<int64_t>(in.Varint());
  r.past_occupations.resize(in.Varint());
  for (PastOccupation& p : r.past_occupations) {
    p.rome_code = std::string(in.String());
    p.years = in.Float();
  }
  r.wished_occupations.resize(in.Varint());
  for (std::string& code : r.wished_occupations) code = std::string(in.String());
  r.accepted_contracts = static_cast<uint32_t>(in.Varint());
  r.available_from = static_cast<Day>(in.Varint());
  r.weekly_availability = static_cast<uint32_t>(in.Varint());
  r.licence_categories = static_cast<uint32_t>(in.Varint());
  r.licence_categories_pending = static_cast<uint32_t>(in.Varint());
  r.languages.resize(in.Varint());
  for (LanguageSkill& l : r.languages) {
    l.code = std::string(in.String());
    l.level = static_cast<CefrLevel>(in.Varint());
  }
  r.qualification_level = in.Int32();
  r.min_monthly_salary_eur = in.Float();
  return c;
}

PackedCandidateView::PackedCandidateView(absl::string_view packed) {
  Reader in(packed);
  id = in.String();
  owner_id = in.String();
  commune_index = in.Int32();
}

void PackedFeatures(absl::string_view packed, std::vector<int32_t>* skill_indices,
                    std::vector<WeightedOccupation>* occupations, std::vector<WeightedOccupation>* experience) {
  Reader in(packed);
  in.String();
  in.String();
  in.Varint();
  std::vector<WeightedOccupation> unused;
  ReadFeatures(in, skill_indices, occupations, experience != nullptr ? experience : &unused);
}

}  // namespace passerelle::engine
