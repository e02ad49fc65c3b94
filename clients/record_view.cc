#include "clients/record_view.h"

#include <algorithm>
#include <map>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace passerelle::clients {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// "CefrLevel" -> "CEFR_LEVEL_", the prefix protobuf style gives every value of that enum.
std::string EnumPrefix(const google::protobuf::EnumDescriptor& type) {
  std::string prefix;
  for (char c : type.name()) {
    if (absl::ascii_isupper(c) && !prefix.empty()) prefix += '_';
    prefix += absl::ascii_toupper(c);
  }
  return prefix + "_";
}

std::string ScalarValue(const Message& message, const FieldDescriptor& field, int index) {
  const Reflection& r = *message.GetReflection();
  const bool rep = field.is_repeated();
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      return absl::StrCat(rep ? r.GetRepeatedInt32(message, &field, index) : r.GetInt32(message, &field));
    case FieldDescriptor::CPPTYPE_INT64:
      return absl::StrCat(rep ? r.GetRepeatedInt64(message, &field, index) : r.GetInt64(message, &field));
    case FieldDescriptor::CPPTYPE_UINT32:
      return absl::StrCat(rep ? r.GetRepeatedUInt32(message, &field, index) : r.GetUInt32(message, &field));
    case FieldDescriptor::CPPTYPE_UINT64:
      return absl::StrCat(rep ? r.GetRepeatedUInt64(message, &field, index) : r.GetUInt64(message, &field));
    case FieldDescriptor::CPPTYPE_FLOAT:
      return absl::StrCat(rep ? r.GetRepeatedFloat(message, &field, index) : r.GetFloat(message, &field));
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return absl::StrCat(rep ? r.GetRepeatedDouble(message, &field, index) : r.GetDouble(message, &field));
    case FieldDescriptor::CPPTYPE_BOOL:
      return (rep ? r.GetRepeatedBool(message, &field, index) : r.GetBool(message, &field)) ? "yes" : "no";
    case FieldDescriptor::CPPTYPE_ENUM:
      return EnumLabel(rep ? *r.GetRepeatedEnum(message, &field, index) : *r.GetEnum(message, &field));
    case FieldDescriptor::CPPTYPE_STRING:
      return rep ? r.GetRepeatedString(message, &field, index) : r.GetString(message, &field);
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return RenderInline(rep ? r.GetRepeatedMessage(message, &field, index) : r.GetMessage(message, &field));
  }
  return "";
}

bool IsWeeklySlot(const FieldDescriptor& field) {
  return field.message_type() != nullptr && field.message_type()->name() == "WeeklySlot";
}

// Weekly slots grouped by day, in week order: "Mon morning+afternoon, Sat morning".
std::string RenderWeeklySlots(const Message& message, const FieldDescriptor& field) {
  const Reflection& r = *message.GetReflection();
  std::map<int, std::vector<std::string>> by_day;
  std::map<int, std::string> day_names;
  for (int i = 0; i < r.FieldSize(message, &field); ++i) {
    const Message& slot = r.GetRepeatedMessage(message, &field, i);
    const auto* d = slot.GetDescriptor();
    const auto* day = slot.GetReflection()->GetEnum(slot, d->FindFieldByName("day"));
    const auto* part = slot.GetReflection()->GetEnum(slot, d->FindFieldByName("part"));
    std::string day_label = EnumLabel(*day);
    day_names[day->number()] = absl::StrCat(day_label.substr(0, 1), absl::AsciiStrToLower(day_label.substr(1, 2)));
    by_day[day->number()].push_back(absl::AsciiStrToLower(EnumLabel(*part)));
  }
  std::vector<std::string> days;
  for (const auto& [number, parts] : by_day) {
    days.push_back(absl::StrCat(day_names[number], " ", absl::StrJoin(parts, "+")));
  }
  return absl::StrJoin(days, ", ");
}

std::string FieldValue(const Message& message, const FieldDescriptor& field) {
  if (!field.is_repeated()) return ScalarValue(message, field, 0);
  if (IsWeeklySlot(field)) return RenderWeeklySlots(message, field);
  std::vector<std::string> items;
  for (int i = 0; i < message.GetReflection()->FieldSize(message, &field); ++i) {
    items.push_back(ScalarValue(message, field, i));
  }
  return absl::StrJoin(items, ", ");
}

}  // namespace

std::string EnumLabel(const google::protobuf::EnumValueDescriptor& value) {
  std::string prefix = EnumPrefix(*value.type());
  if (absl::StartsWith(value.name(), prefix)) return value.name().substr(prefix.size());
  return value.name();
}

absl::StatusOr<int> EnumValueByLabel(const google::protobuf::EnumDescriptor& type, absl::string_view name,
                                     absl::string_view option) {
  std::string wanted = absl::AsciiStrToUpper(name);
  std::vector<std::string> labels;
  for (int i = 0; i < type.value_count(); ++i) {
    const auto& value = *type.value(i);
    if (value.number() == 0) continue;  // _UNSPECIFIED is never a choice
    if (wanted == value.name() || wanted == EnumLabel(value)) return value.number();
    labels.push_back(EnumLabel(value));
  }
  return absl::InvalidArgumentError(
      absl::StrCat(option, ": unknown value \"", name, "\"; one of ", absl::StrJoin(labels, ", ")));
}

std::string RenderRecord(const Message& message) {
  std::vector<const FieldDescriptor*> fields;
  message.GetReflection()->ListFields(message, &fields);
  size_t width = 0;
  for (const FieldDescriptor* field : fields) width = std::max(width, field->name().size());
  std::string out;
  for (const FieldDescriptor* field : fields) {
    absl::StrAppend(&out, field->name(), std::string(width - field->name().size() + 2, ' '),
                    FieldValue(message, *field), "\n");
  }
  return out;
}

std::string RenderInline(const Message& message) {
  std::vector<const FieldDescriptor*> fields;
  message.GetReflection()->ListFields(message, &fields);
  std::vector<std::string> parts;
  for (const FieldDescriptor* field : fields) {
    parts.push_back(absl::StrCat(field->name(), " ", FieldValue(message, *field)));
  }
  return absl::StrCat("{", absl::StrJoin(parts, ", "), "}");
}

}  // namespace passerelle::clients
