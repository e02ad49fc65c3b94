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

absl::Status Check(const Message& message, const std::string& path, int depth) {
  if (depth > 32) return absl::OkStatus();  // the parser's own recursion limit is lower
  const Reflection* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    const std::string field_path = path.empty() ? field->name() : absl::StrCat(path, ".", field->name());
    if (field->is_repeated()) {
      const int size = reflection->FieldSize(message, field);
      const int cap = MaxRepeated(*field);
      if (size > cap) {
        return engine::InvalidFieldError(field_path, absl::StrCat("at most ", cap, " entries, got ", size));
      }
    }
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || field->is_map()) continue;
    if (field->is_repeated()) {
      for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
        absl::Status status =
            Check(reflection->GetRepeatedMessage(message, field, i), absl::StrCat(field_path, "[", i, "]"), depth + 1);
        if (!status.ok()) return status;
      }
    } else {
      absl::Status status = Check(reflection->GetMessage(message, field), field_path, depth + 1);
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

absl::Status CheckRepeatedCaps(const Message& request) { return Check(request, "", 0); }

}  // namespace passerelle::server
