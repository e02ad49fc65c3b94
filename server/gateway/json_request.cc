#include "server/gateway/json_request.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "engine/common/field_status.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace passerelle::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

absl::Status JsonError(absl::string_view field, const google::protobuf::util::Status& status) {
  const std::string reason = absl::StrCat("not JSON of the request: ", status.message().ToString());
  return field.empty() ? absl::InvalidArgumentError(reason) : engine::InvalidFieldError(field, reason);
}

const FieldDescriptor* FindField(const Descriptor& message, absl::string_view name) {
  const FieldDescriptor* field = message.FindFieldByName(std::string(name));
  if (field == nullptr) field = message.FindFieldByCamelcaseName(std::string(name));
  return field;
}

// Text to a scalar field's value, set (or appended for a repeated field).
absl::Status SetScalar(Message& message, const FieldDescriptor& field, absl::string_view text,
                       absl::string_view path) {
  const Reflection& r = *message.GetReflection();
  const bool repeated = field.is_repeated();
  const auto bad = [&] { return engine::InvalidFieldError(path, absl::StrCat("not a ", field.type_name())); };
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      repeated ? r.AddString(&message, &field, std::string(text)) : r.SetString(&message, &field, std::string(text));
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t v;
      if (!absl::SimpleAtoi(text, &v)) return bad();
      repeated ? r.AddInt32(&message, &field, v) : r.SetInt32(&message, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t v;
      if (!absl::SimpleAtoi(text, &v)) return bad();
      repeated ? r.AddInt64(&message, &field, v) : r.SetInt64(&message, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      uint32_t v;
      if (!absl::SimpleAtoi(text, &v)) return bad();
      repeated ? r.AddUInt32(&message, &field, v) : r.SetUInt32(&message, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t v;
      if (!absl::SimpleAtoi(text, &v)) return bad();
      repeated ? r.AddUInt64(&message, &field, v) : r.SetUInt64(&message, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_DOUBLE: {
      double v;
      if (!absl::SimpleAtod(text, &v)) return bad();
      repeated ? r.AddDouble(&message, &field, v) : r.SetDouble(&message, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_FLOAT: {
      float v;
      if (!absl::SimpleAtof(text, &v)) return bad();
      repeated ? r.AddFloat(&message, &field, v) : r.SetFloat(&message, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      bool v;
      if (!absl::SimpleAtob(text, &v)) return bad();
      repeated ? r.AddBool(&message, &field, v) : r.SetBool(&message, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const google::protobuf::EnumValueDescriptor* value = field.enum_type()->FindValueByName(std::string(text));
      int number;
      if (value == nullptr && absl::SimpleAtoi(text, &number)) value = field.enum_type()->FindValueByNumber(number);
      if (value == nullptr) return engine::InvalidFieldError(path, absl::StrCat("not a value of ", field.enum_type()->name()));
      repeated ? r.AddEnum(&message, &field, value) : r.SetEnum(&message, &field, value);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      break;
  }
  return engine::InvalidFieldError(path, "a message field cannot be set from a parameter; send it in the body");
}

}  // namespace

absl::Status MergeJsonBody(absl::string_view json, absl::string_view body_field, Message& request) {
  if (absl::StripAsciiWhitespace(json).empty()) return absl::OkStatus();
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  Message* target = &request;
  if (body_field != "*") {
    const FieldDescriptor* field = FindField(*request.GetDescriptor(), body_field);
    if (field == nullptr || field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || field->is_repeated()) {
      return absl::InternalError(absl::StrCat("route body \"", body_field, "\" is not a message field"));
    }
    target = request.GetReflection()->MutableMessage(&request, field);
  }
  const google::protobuf::util::Status parsed =
      google::protobuf::util::JsonStringToMessage(google::protobuf::StringPiece(json.data(), json.size()), target, options);
  if (!parsed.ok()) return JsonError(body_field == "*" ? "" : body_field, parsed);
  return absl::OkStatus();
}

absl::Status SetFieldFromText(absl::string_view path, absl::string_view text, Message& request) {
  Message* message = &request;
  const std::vector<absl::string_view> names = absl::StrSplit(path, '.');
  for (size_t i = 0; i < names.size(); ++i) {
    const FieldDescriptor* field = FindField(*message->GetDescriptor(), names[i]);
    if (field == nullptr) return engine::InvalidFieldError(path, "no such field in the request");
    if (i + 1 == names.size()) return SetScalar(*message, *field, text, path);
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || field->is_repeated()) {
      return engine::InvalidFieldError(path, "no such field in the request");
    }
    message = message->GetReflection()->MutableMessage(message, field);
  }
  return engine::InvalidFieldError(path, "no such field in the request");
}

void ApplyAcceptLanguage(absl::string_view accept_language, Message& request) {
  const FieldDescriptor* field = request.GetDescriptor()->FindFieldByName("language");
  if (field == nullptr || field->is_repeated() || field->cpp_type() != FieldDescriptor::CPPTYPE_ENUM ||
      field->enum_type()->full_name() != "passerelle.v1.ReasonLanguage") {
    return;
  }
  const Reflection& r = *request.GetReflection();
  if (r.GetEnumValue(request, field) != 0) return;  // the client said
  for (absl::string_view tag : absl::StrSplit(accept_language, ',')) {
    const std::string language = absl::AsciiStrToLower(absl::StripAsciiWhitespace(tag.substr(0, tag.find(';'))));
    const char* value = absl::StartsWith(language, "fr")   ? "REASON_LANGUAGE_FR"
                        : absl::StartsWith(language, "en") ? "REASON_LANGUAGE_EN"
                                                           : nullptr;
    if (value == nullptr) continue;
    r.SetEnum(&request, field, field->enum_type()->FindValueByName(value));
    return;
  }
}

absl::StatusOr<std::vector<std::string>> SplitImportItems(absl::string_view body) {
  std::vector<std::string> items;
  const absl::string_view trimmed = absl::StripAsciiWhitespace(body);
  if (!trimmed.empty() && trimmed.front() == '[') {
    google::protobuf::ListValue list;
    const google::protobuf::util::Status parsed = google::protobuf::util::JsonStringToMessage(
        google::protobuf::StringPiece(trimmed.data(), trimmed.size()), &list);
    if (!parsed.ok()) return JsonError("", parsed);
    for (const google::protobuf::Value& value : list.values()) {
      std::string item;
      google::protobuf::util::MessageToJsonString(value, &item);
      items.push_back(std::move(item));
    }
    return items;
  }
  for (absl::string_view line : absl::StrSplit(trimmed, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (!line.empty()) items.emplace_back(line);
  }
  return items;
}

std::string MessageToJson(const Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  std::string json;
  google::protobuf::util::MessageToJsonString(message, &json, options);
  return json;
}

}  // namespace passerelle::gateway
