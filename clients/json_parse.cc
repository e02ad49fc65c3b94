// ParseJson (json_io.h): the proto3 JSON mapping read with simdjson's DOM parser and written into the
// message through protobuf reflection. It replaced protobuf's JsonStringToMessage, five to six times
// slower per record, which made `passerelle import` CPU-bound on the client (docs/api.md, "Input").
//
// What it reads: field names as in the .proto or in lowerCamelCase; null for "absent"; messages as
// objects, repeated fields as arrays; enums by name or number; integers as JSON numbers with an integral
// value or as decimal strings; floats as numbers, decimal strings, "NaN", "Infinity" or "-Infinity"; bools
// as true/false (or "true"/"false"); bytes as base64. A later duplicate key replaces an earlier one. Map
// fields and well-known types (google.protobuf.*) are refused by name: no message read from JSON has them.
// Every error names the field's path ("languages[0].level: ...").
#include <cmath>
#include <limits>
#include <optional>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "clients/json_io.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"
#include "simdjson.h"

namespace passerelle::clients {
namespace {

namespace pb = google::protobuf;
using simdjson::dom::element;
using simdjson::dom::element_type;

// A field's path and why its value was refused, turned into "path: reason" by ParseJson.
struct FieldError {
  std::string path;
  std::string reason;
};

// simdjson hands out std::string_view; Debian's Abseil has its own string_view.
absl::string_view View(std::string_view text) { return absl::string_view(text.data(), text.size()); }

// A field's place in the record ("languages[0].level"), spelled out only when an error names it: building
// it for every field cost about a tenth of the parse.
struct Path {
  const Path* parent = nullptr;  // nullptr at the record
  absl::string_view name;        // a field's name; empty for a list item
  int index = -1;                // a list item's index

  std::string ToString() const {
    if (parent == nullptr) return "";
    std::string out = parent->ToString();
    if (name.empty()) return absl::StrCat(out, "[", index, "]");
    return out.empty() ? std::string(name) : absl::StrCat(out, ".", name);
  }
};

// The value as it was written (minified), for messages.
std::string Shown(element value) {
  constexpr size_t kMaxShownBytes = 64;
  std::string text = simdjson::to_string(value);
  if (text.size() > kMaxShownBytes) text = absl::StrCat(text.substr(0, kMaxShownBytes), "...");
  return text;
}

// protobuf's wording, kept so that scripts reading the reasons see no change: `type` is TYPE_INT64 etc.
// for scalars and the enum's short name for enums.
FieldError Invalid(const Path& path, element value, absl::string_view type) {
  return {path.ToString(), absl::StrCat("invalid value ", Shown(value), " for type ", type)};
}

absl::string_view ScalarTypeName(const pb::FieldDescriptor& field) {
  switch (field.type()) {
    case pb::FieldDescriptor::TYPE_INT32: return "TYPE_INT32";
    case pb::FieldDescriptor::TYPE_SINT32: return "TYPE_SINT32";
    case pb::FieldDescriptor::TYPE_SFIXED32: return "TYPE_SFIXED32";
    case pb::FieldDescriptor::TYPE_INT64: return "TYPE_INT64";
    case pb::FieldDescriptor::TYPE_SINT64: return "TYPE_SINT64";
    case pb::FieldDescriptor::TYPE_SFIXED64: return "TYPE_SFIXED64";
    case pb::FieldDescriptor::TYPE_UINT32: return "TYPE_UINT32";
    case pb::FieldDescriptor::TYPE_FIXED32: return "TYPE_FIXED32";
    case pb::FieldDescriptor::TYPE_UINT64: return "TYPE_UINT64";
    case pb::FieldDescriptor::TYPE_FIXED64: return "TYPE_FIXED64";
    case pb::FieldDescriptor::TYPE_FLOAT: return "TYPE_FLOAT";
    case pb::FieldDescriptor::TYPE_DOUBLE: return "TYPE_DOUBLE";
    case pb::FieldDescriptor::TYPE_BOOL: return "TYPE_BOOL";
    case pb::FieldDescriptor::TYPE_STRING: return "TYPE_STRING";
    case pb::FieldDescriptor::TYPE_BYTES: return "TYPE_BYTES";
    default: return field.type_name();
  }
}

// absl's SimpleAtoi and SimpleAtod also take surrounding spaces and a '+': JSON numbers in strings do not.
bool DecimalText(std::string_view text) {
  return !text.empty() && (text.front() == '-' || absl::ascii_isdigit(text.front())) &&
         absl::ascii_isdigit(text.back());
}

// An integer in [min, max] from a JSON number with an integral value or a decimal string.
template <class Int>
bool ReadInteger(element value, Int* out) {
  constexpr Int kMin = std::numeric_limits<Int>::min(), kMax = std::numeric_limits<Int>::max();
  switch (value.type()) {
    case element_type::INT64: {
      const int64_t v = int64_t(value.get_int64());
      if constexpr (std::is_signed_v<Int>) {
        if (v < kMin || v > kMax) return false;
      } else {
        if (v < 0 || static_cast<uint64_t>(v) > kMax) return false;
      }
      *out = static_cast<Int>(v);
      return true;
    }
    case element_type::UINT64: {  // above INT64_MAX
      const uint64_t v = uint64_t(value.get_uint64());
      if (v > static_cast<uint64_t>(kMax)) return false;
      *out = static_cast<Int>(v);
      return true;
    }
    case element_type::DOUBLE: {  // 3.0 or 1e3: integral values only, within range
      const double v = double(value.get_double());
      if (!(v == std::trunc(v)) || v < static_cast<double>(kMin) || v >= std::ldexp(1.0, std::numeric_limits<Int>::digits)) {
        return false;
      }
      *out = static_cast<Int>(v);
      return true;
    }
    case element_type::STRING:
      return DecimalText(value.get_string().value_unsafe()) && absl::SimpleAtoi(View(value.get_string().value_unsafe()), out);
    default:
      return false;
  }
}

// A number, a decimal string, or "NaN" / "Infinity" / "-Infinity".
bool ReadDouble(element value, double* out) {
  switch (value.type()) {
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE:
      *out = double(value.get_double());
      return true;
    case element_type::STRING: {
      const std::string_view text = value.get_string().value_unsafe();
      if (text == "NaN") {
        *out = std::numeric_limits<double>::quiet_NaN();
      } else if (text == "Infinity") {
        *out = std::numeric_limits<double>::infinity();
      } else if (text == "-Infinity") {
        *out = -std::numeric_limits<double>::infinity();
      } else {
        return DecimalText(text) && absl::SimpleAtod(View(text), out) && std::isfinite(*out);
      }
      return true;
    }
    default:
      return false;
  }
}

// NaN and the infinities are floats too. A finite value beyond float's range is refused, except the few
// that round to the largest float: printers write FLT_MAX with 8 digits (3.4028235e+38), just above it.
bool FitFloat(double* v) {
  constexpr float kMax = std::numeric_limits<float>::max();
  if (!std::isfinite(*v) || std::fabs(*v) <= kMax) return true;
  const double rounds_to_max = std::ldexp(1.0, 128) - std::ldexp(1.0, 103);  // halfway to the next power
  if (std::fabs(*v) >= rounds_to_max) return false;
  *v = std::copysign(static_cast<double>(kMax), *v);
  return true;
}

bool ReadBool(element value, bool* out) {
  if (value.type() == element_type::BOOL) {
    *out = bool(value.get_bool());
    return true;
  }
  if (value.type() != element_type::STRING) return false;
  const std::string_view text = value.get_string().value_unsafe();
  if (text != "true" && text != "false") return false;
  *out = text == "true";
  return true;
}

class Reader {
 public:
  // Fills `message` from the JSON object `object`; the first refused value's error, if any.
  std::optional<FieldError> Message(element object, pb::Message& message, const Path& path) {
    const pb::Descriptor& type = *message.GetDescriptor();
    if (object.type() != element_type::OBJECT) {
      return FieldError{path.ToString(), absl::StrCat("expected a JSON object for ", type.name(), ", got ", Shown(object))};
    }
    // value_unsafe() returns into the simdjson_result: copied out before the loop, which would outlive it.
    const simdjson::dom::object fields = object.get_object().value_unsafe();
    for (auto [key, value] : fields) {
      const pb::FieldDescriptor* field = type.FindFieldByName(std::string(key));
      if (field == nullptr) field = type.FindFieldByCamelcaseName(std::string(key));
      if (field == nullptr) {
        return FieldError{Path{&path, View(key)}.ToString(), absl::StrCat("no such field (see proto/", type.file()->name(), ")")};
      }
      const Path field_path{&path, field->name()};
      message.GetReflection()->ClearField(&message, field);  // a later duplicate replaces an earlier one
      if (value.is_null()) continue;                         // proto3: null is the default value
      if (field->is_map() || IsWellKnown(*field)) {
        return FieldError{field_path.ToString(), "this kind of field is not read from JSON"};
      }
      std::optional<FieldError> error = field->is_repeated() ? Repeated(value, message, *field, field_path)
                                                             : Single(value, message, *field, field_path, -1);
      if (error) return error;
    }
    return std::nullopt;
  }

 private:
  static bool IsWellKnown(const pb::FieldDescriptor& field) {
    return field.message_type() != nullptr && field.message_type()->file()->package() == "google.protobuf";
  }

  std::optional<FieldError> Repeated(element value, pb::Message& message, const pb::FieldDescriptor& field,
                                     const Path& path) {
    if (value.type() != element_type::ARRAY) {
      return FieldError{path.ToString(), absl::StrCat("expected a JSON array, got ", Shown(value))};
    }
    int i = 0;
    const simdjson::dom::array items = value.get_array().value_unsafe();
    for (element item : items) {
      const Path item_path{&path, "", i++};
      if (item.is_null()) return FieldError{item_path.ToString(), "null is not allowed in a list"};
      if (std::optional<FieldError> error = Single(item, message, field, item_path, 0)) return error;
    }
    return std::nullopt;
  }

  // One value of `field`: set when `repeated` is -1, else appended.
  std::optional<FieldError> Single(element value, pb::Message& message, const pb::FieldDescriptor& field,
                                   const Path& path, int repeated) {
    const pb::Reflection& r = *message.GetReflection();
    const bool add = repeated >= 0;
    switch (field.cpp_type()) {
      case pb::FieldDescriptor::CPPTYPE_MESSAGE: {
        pb::Message* child = add ? r.AddMessage(&message, &field) : r.MutableMessage(&message, &field);
        return Message(value, *child, path);
      }
      case pb::FieldDescriptor::CPPTYPE_ENUM: {
        int number = 0;
        if (value.type() == element_type::STRING) {
          const pb::EnumValueDescriptor* named =
              field.enum_type()->FindValueByName(std::string(value.get_string().value_unsafe()));
          if (named == nullptr) return Invalid(path, value, field.enum_type()->name());
          number = named->number();
        } else if (!ReadInteger<int32_t>(value, &number)) {
          return Invalid(path, value, field.enum_type()->name());
        }
        add ? r.AddEnumValue(&message, &field, number) : r.SetEnumValue(&message, &field, number);
        return std::nullopt;
      }
      case pb::FieldDescriptor::CPPTYPE_STRING: {
        if (value.type() != element_type::STRING) return Invalid(path, value, ScalarTypeName(field));
        std::string text(value.get_string().value_unsafe());
        if (field.type() == pb::FieldDescriptor::TYPE_BYTES) {
          std::string decoded;
          if (!absl::Base64Unescape(text, &decoded) && !absl::WebSafeBase64Unescape(text, &decoded)) {
            return Invalid(path, value, ScalarTypeName(field));
          }
          text = std::move(decoded);
        }
        add ? r.AddString(&message, &field, std::move(text)) : r.SetString(&message, &field, std::move(text));
        return std::nullopt;
      }
      case pb::FieldDescriptor::CPPTYPE_BOOL: {
        bool v = false;
        if (!ReadBool(value, &v)) return Invalid(path, value, ScalarTypeName(field));
        add ? r.AddBool(&message, &field, v) : r.SetBool(&message, &field, v);
        return std::nullopt;
      }
      case pb::FieldDescriptor::CPPTYPE_FLOAT: {
        double v = 0;
        if (!ReadDouble(value, &v) || !FitFloat(&v)) return Invalid(path, value, ScalarTypeName(field));
        add ? r.AddFloat(&message, &field, static_cast<float>(v)) : r.SetFloat(&message, &field, static_cast<float>(v));
        return std::nullopt;
      }
      case pb::FieldDescriptor::CPPTYPE_DOUBLE: {
        double v = 0;
        if (!ReadDouble(value, &v)) return Invalid(path, value, ScalarTypeName(field));
        add ? r.AddDouble(&message, &field, v) : r.SetDouble(&message, &field, v);
        return std::nullopt;
      }
      default:
        return Integer(value, message, field, path, add);
    }
  }

  std::optional<FieldError> Integer(element value, pb::Message& message, const pb::FieldDescriptor& field,
                                    const Path& path, bool add) {
    const pb::Reflection& r = *message.GetReflection();
    switch (field.cpp_type()) {
      case pb::FieldDescriptor::CPPTYPE_INT32: {
        int32_t v = 0;
        if (!ReadInteger(value, &v)) return Invalid(path, value, ScalarTypeName(field));
        add ? r.AddInt32(&message, &field, v) : r.SetInt32(&message, &field, v);
        return std::nullopt;
      }
      case pb::FieldDescriptor::CPPTYPE_INT64: {
        int64_t v = 0;
        if (!ReadInteger(value, &v)) return Invalid(path, value, ScalarTypeName(field));
        add ? r.AddInt64(&message, &field, v) : r.SetInt64(&message, &field, v);
        return std::nullopt;
      }
      case pb::FieldDescriptor::CPPTYPE_UINT32: {
        uint32_t v = 0;
        if (!ReadInteger(value, &v)) return Invalid(path, value, ScalarTypeName(field));
        add ? r.AddUInt32(&message, &field, v) : r.SetUInt32(&message, &field, v);
        return std::nullopt;
      }
      default: {  // CPPTYPE_UINT64
        uint64_t v = 0;
        if (!ReadInteger(value, &v)) return Invalid(path, value, ScalarTypeName(field));
        add ? r.AddUInt64(&message, &field, v) : r.SetUInt64(&message, &field, v);
        return std::nullopt;
      }
    }
  }
};

}  // namespace

absl::Status ParseJson(absl::string_view json, google::protobuf::Message& message) {
  message.Clear();
  // One parser per thread: it keeps its buffers between records (import parses one line after another).
  thread_local simdjson::dom::parser parser;
  element root;
  if (const simdjson::error_code error = parser.parse(json.data(), json.size()).get(root); error != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(absl::StrCat("not a valid JSON record: ", simdjson::error_message(error)));
  }
  if (root.type() != element_type::OBJECT) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a valid JSON record: expected a JSON object, got ", Shown(root).substr(0, 40)));
  }
  std::optional<FieldError> error = Reader().Message(root, message, Path{});
  if (!error) return absl::OkStatus();
  message.Clear();
  return absl::InvalidArgumentError(absl::StrCat(error->path, ": ", error->reason));
}

}  // namespace passerelle::clients
