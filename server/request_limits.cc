#include "server/request_limits.h"

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "engine/common/field_status.h"
#include "engine/model/resolve.h"

namespace passerelle::server {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Caps by full field name. Code lists are short by nature (≈600 ROME codes, 110 domaines, 101
// départements, 8 contract types), so these leave room for any real filter.
const absl::flat_hash_map<std::string, int>& Caps() {
  static const auto* caps = new absl::flat_hash_map<std::string, int>{
      {"passerelle.v1.MatchOpeningsRequest.contract_types", 16},
      {"passerelle.v1.MatchOpeningsRequest.occupations", 256},
      {"passerelle.v1.RerankRequest.departements", 128},
      {"passerelle.v1.RerankRequest.occupations", 256},
      {"passerelle.v1.RerankRequest.exposure_attributes", 4},
      {"passerelle.v1.AssignRequest.departements", 128},
      {"passerelle.v1.AssignRequest.occupations", 256},
      {"passerelle.v1.FormCohortsRequest.departements", 128},
      {"passerelle.v1.FormCohortsRequest.occupations", 256},
      {"passerelle.v1.FormCohortsRequest.regions", 32},
      {"passerelle.v1.ReserveCohort.housing", 16},
      {"passerelle.v1.Candidate.skills", static_cast<int>(engine::kMaxSkillsPerRecord)},
      {"passerelle.v1.Candidate.past_occupations", static_cast<int>(engine::kMaxOccupationsPerCandidate)},
      {"passerelle.v1.Candidate.wished_occupations", static_cast<int>(engine::kMaxOccupationsPerCandidate)},
      {"passerelle.v1.Candidate.accepted_contracts", 16},
      {"passerelle.v1.Candidate.weekly_availability", 64},
      {"passerelle.v1.Opening.required_skills", static_cast<int>(engine::kMaxSkillsPerRecord)},
      {"passerelle.v1.Opening.desired_skills", static_cast<int>(engine::kMaxSkillsPerRecord)},
      {"passerelle.v1.Opening.weekly_schedule", 64},
  };
  return *caps;
}

// A field's place in the request ("candidate.past_occupations[2]"), spelled out only when a cap is
// exceeded: building it for every field cost more than the check (perf of an import, 2026-12-02).
struct Path {
  const Path* parent = nullptr;  // nullptr at the request
  const FieldDescriptor* field = nullptr;
  int index = -1;  // a list item's index, else -1

  std::string ToString() const {
    if (parent == nullptr) return "";
    std::string out = parent->ToString();
    if (index >= 0) return absl::StrCat(out, "[", index, "]");
    return out.empty() ? field->name() : absl::StrCat(out, ".", field->name());
  }
};

// The fields of one message type that the check visits (repeated ones, with their cap, and messages),
// worked out once per type and thread instead of per request from ListFields and the caps' names.
struct Visit {
  const FieldDescriptor* field;
  int cap;  // repeated fields only
};

const std::vector<Visit>& VisitsOf(const google::protobuf::Descriptor& type) {
  thread_local absl::flat_hash_map<const google::protobuf::Descriptor*, std::vector<Visit>> plans;
  auto [it, inserted] = plans.try_emplace(&type);
  if (inserted) {
    for (int i = 0; i < type.field_count(); ++i) {
      const FieldDescriptor* field = type.field(i);
      const bool message = field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !field->is_map();
      if (field->is_repeated() || message) it->second.push_back({field, field->is_repeated() ? MaxRepeated(*field) : 0});
    }
  }
  return it->second;
}

absl::Status Check(const Message& message, const Path& path, int depth) {
  if (depth > 32) return absl::OkStatus();  // the parser's own recursion limit is lower
  const Reflection* reflection = message.GetReflection();
  for (const Visit& visit : VisitsOf(*message.GetDescriptor())) {
    const FieldDescriptor* field = visit.field;
    const Path field_path{&path, field};
    if (!field->is_repeated()) {
      if (!reflection->HasField(message, field)) continue;
      absl::Status status = Check(reflection->GetMessage(message, field), field_path, depth + 1);
      if (!status.ok()) return status;
      continue;
    }
    const int size = reflection->FieldSize(message, field);
    if (size > visit.cap) {
      return engine::InvalidFieldError(field_path.ToString(), absl::StrCat("at most ", visit.cap, " entries, got ", size));
    }
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || field->is_map()) continue;
    for (int i = 0; i < size; ++i) {
      absl::Status status = Check(reflection->GetRepeatedMessage(message, field, i), Path{&field_path, field, i}, depth + 1);
      if (!status.ok()) return status;
    }
  }
  return absl::OkStatus();
}

}  // namespace

int MaxRepeated(const FieldDescriptor& field) {
  const auto it = Caps().find(field.full_name());
  return it == Caps().end() ? kDefaultMaxRepeated : it->second;
}

absl::Status CheckRepeatedCaps(const Message& request) { return Check(request, Path{}, 0); }

}  // namespace passerelle::server
