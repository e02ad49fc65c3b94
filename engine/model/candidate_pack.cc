#include "engine/model/candidate_pack.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>

namespace passerelle::engine {
namespace {

// A field added to Candidate or ResolvedCandidate must be packed below; these sizes are a reminder.
static_assert(sizeof(Candidate) == 256, "Candidate changed: update AppendPackedCandidate and UnpackCandidate");
static_assert(sizeof(ResolvedCandidate) == 352,
              "ResolvedCandidate changed: update AppendPackedCandidate and UnpackCandidate");

// Writes packed bytes through a cursor into room made beforehand (PackedSizeBound): appending to the
// string a byte or a few bytes at a time was a good part of packing a million records at start-up.
class Writer {
 public:
  explicit Writer(char* at) : at_(at) {}

  void Varint(uint64_t value) {
    while (value >= 0x80) {
      *at_++ = static_cast<char>((value & 0x7f) | 0x80);
      value >>= 7;
    }
    *at_++ = static_cast<char>(value);
  }
  void Float(float value) {
    std::memcpy(at_, &value, sizeof(float));
    at_ += sizeof(float);
  }
  void String(absl::string_view value) {
    Varint(value.size());
    if (!value.empty()) std::memcpy(at_, value.data(), value.size());
    at_ += value.size();
  }
  char* at() const { return at_; }

 private:
  char* at_;
};

// At most this many bytes a varint (64 bits, 7 a byte) and a list element (a varint and a float).
constexpr size_t kMaxVarintBytes = 10;
constexpr size_t kMaxElementBytes = kMaxVarintBytes + sizeof(float);
// The fields outside lists: well under 40 varints or floats.
constexpr size_t kMaxFixedBytes = 40 * kMaxVarintBytes;

// An upper bound on what AppendPackedCandidate writes for `c`.
size_t PackedSizeBound(const ResolvedCandidate& c) {
  const Candidate& r = c.record;
  size_t elements = c.skill_indices.size() + c.occupations.size() + c.experience.size() + r.skills.size() +
                    r.past_occupations.size() + r.wished_occupations.size() + r.languages.size();
  size_t text = r.id.size() + r.owner_id.size() + r.commune_insee.size();
  for (const PastOccupation& p : r.past_occupations) text += p.rome_code.size() + kMaxVarintBytes;
  for (const std::string& code : r.wished_occupations) text += code.size() + kMaxVarintBytes;
  for (const LanguageSkill& l : r.languages) text += l.code.size() + kMaxVarintBytes;
  return kMaxFixedBytes + elements * kMaxElementBytes + text;
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
  // Written on the stack for a usual record (some 200 bytes), on the heap for a large one, then appended.
  char stack[2048];
  const size_t bound = PackedSizeBound(c);
  std::unique_ptr<char[]> heap(bound > sizeof stack ? new char[bound] : nullptr);
  char* const begin = heap ? heap.get() : stack;
  Writer w(begin);
  w.String(r.id);
  w.String(r.owner_id);
  w.Varint(static_cast<uint32_t>(c.commune_index));

  w.Varint(c.skill_indices.size());
  int32_t previous = 0;
  for (int32_t index : c.skill_indices) {
    w.Varint(static_cast<uint32_t>(index - previous));
    previous = index;
  }
  for (const std::vector<WeightedOccupation>* list : {&c.occupations, &c.experience}) {
    w.Varint(list->size());
    for (const WeightedOccupation& o : *list) {
      w.Varint(static_cast<uint32_t>(o.rome_index));
      w.Float(o.factor);
    }
  }
  w.Float(c.position.x);
  w.Float(c.position.y);
  w.Float(c.position.z);
  w.Float(c.radius_km);

  w.String(r.commune_insee);
  w.Varint(static_cast<uint32_t>(r.transport_mode));
  w.Float(r.max_commute_km);
  w.Varint((r.driving_licence ? kDrivingLicence : 0u) | (r.vehicle ? kVehicle : 0u) |
           (r.relocation_accepted ? kRelocationAccepted : 0u) | (r.french_attested ? kFrenchAttested : 0u) |
           (r.right_to_work ? kRightToWork : 0u) | (r.shared_with_employers ? kSharedWithEmployers : 0u) |
           (r.qualification_recognised ? kQualificationRecognised : 0u));
  w.Varint(static_cast<uint32_t>(r.housing));
  w.Varint(static_cast<uint32_t>(r.french_level));
  w.Float(r.french_hours_planned);
  w.Varint(r.skills.size());
  for (int64_t code : r.skills) w.Varint(static_cast<uint64_t>(code));
  w.Varint(r.past_occupations.size());
  for (const PastOccupation& p : r.past_occupations) {
    w.String(p.rome_code);
    w.Float(p.years);
  }
  w.Varint(r.wished_occupations.size());
  for (const std::string& code : r.wished_occupations) w.String(code);
  w.Varint(r.accepted_contracts);
  w.Varint(static_cast<uint32_t>(r.available_from));
  w.Varint(r.weekly_availability);
  w.Varint(r.licence_categories);
  w.Varint(r.licence_categories_pending);
  w.Varint(r.languages.size());
  for (const LanguageSkill& l : r.languages) {
    w.String(l.code);
    w.Varint(static_cast<uint32_t>(l.level));
  }
  w.Varint(static_cast<uint32_t>(r.qualification_level));
  w.Float(r.min_monthly_salary_eur);
  out->append(begin, static_cast<size_t>(w.at() - begin));
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
