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
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/container/node_hash_map.h"
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

bool IsWellKnown(const pb::FieldDescriptor& field) {
  return field.message_type() != nullptr && field.message_type()->file()->package() == "google.protobuf";
}

// What the reader needs of one field, worked out once per message type.
using EnumNumbers = absl::flat_hash_map<std::string, int>;  // an enum's value names
struct FieldInfo {
  const pb::FieldDescriptor* field = nullptr;
  bool refused = false;                   // maps and well-known types are not read from JSON
  const EnumNumbers* enum_numbers = nullptr;  // enums only
};
struct TypeInfo {
  std::vector<FieldInfo> fields;                               // by field index
  absl::flat_hash_map<std::string, const FieldInfo*> by_key;  // .proto names, then lowerCamelCase ones
};

// The tables of the message types read, each built the first time a type is met. Looking names up in
// the descriptor pool per field of every record (FindFieldByName, FindValueByName) was about a fifth of
// `passerelle import`'s time. Node maps: a table stays where it is while nested types are added.
struct Tables {
  absl::node_hash_map<const pb::Descriptor*, TypeInfo> types;
  absl::node_hash_map<const pb::EnumDescriptor*, EnumNumbers> enums;

  const TypeInfo& Of(const pb::Descriptor& type) {
    auto [it, inserted] = types.try_emplace(&type);
    TypeInfo& info = it->second;
    if (!inserted) return info;
    info.fields.resize(type.field_count());
    for (int i = 0; i < type.field_count(); ++i) {
      FieldInfo& f = info.fields[i];
      f.field = type.field(i);
      f.refused = f.field->is_map() || IsWellKnown(*f.field);
      if (const pb::EnumDescriptor* e = f.field->enum_type()) {
        auto [numbers, fresh] = enums.try_emplace(e);
        for (int v = 0; fresh && v < e->value_count(); ++v) numbers->second.emplace(e->value(v)->name(), e->value(v)->number());
        f.enum_numbers = &numbers->second;
      }
    }
    // FindFieldByName's answer first, FindFieldByCamelcaseName's only where no field has that name.
    for (const FieldInfo& f : info.fields) info.by_key.emplace(f.field->name(), &f);
    for (const FieldInfo& f : info.fields) info.by_key.try_emplace(f.field->camelcase_name(), &f);
    return info;
  }
};

class Reader {
 public:
  // Generated types live as long as the process, so their tables are kept (per thread: no locking);
  // other pools' descriptors may be freed and their addresses reused, so theirs last one parse.
  explicit Reader(const pb::Descriptor& type) {
    thread_local Tables generated;
    tables_ = type.file()->pool() == pb::DescriptorPool::generated_pool() ? &generated : &own_;
  }

  // Fills `message` (clear) from the JSON object `object`; the first refused value's error, if any.
  std::optional<FieldError> Message(element object, pb::Message& message, const Path& path) {
    const pb::Descriptor& type = *message.GetDescriptor();
    if (object.type() != element_type::OBJECT) {
      return FieldError{path.ToString(), absl::StrCat("expected a JSON object for ", type.name(), ", got ", Shown(object))};
    }
    const TypeInfo& info = tables_->Of(type);
    const pb::Reflection& r = *message.GetReflection();
    absl::InlinedVector<uint64_t, 2> seen((info.fields.size() + 63) / 64);  // fields met so far
    // value_unsafe() returns into the simdjson_result: copied out before the loop, which would outlive it.
    const simdjson::dom::object fields = object.get_object().value_unsafe();
    for (auto [key, value] : fields) {
      const auto found = info.by_key.find(View(key));
      if (found == info.by_key.end()) {
        return FieldError{Path{&path, View(key)}.ToString(), absl::StrCat("no such field (see proto/", type.file()->name(), ")")};
      }
      const FieldInfo& f = *found->second;
      const Path field_path{&path, f.field->name()};
      uint64_t& word = seen[f.field->index() / 64];
      const uint64_t bit = uint64_t{1} << (f.field->index() % 64);
      if (word & bit) r.ClearField(&message, f.field);  // a later duplicate replaces an earlier one
      word |= bit;
      if (value.is_null()) continue;  // proto3: null is the default value
      if (f.refused) return FieldError{field_path.ToString(), "this kind of field is not read from JSON"};
      std::optional<FieldError> error = f.field->is_repeated() ? Repeated(value, message, r, f, field_path)
                                                               : Single(value, message, r, f, field_path, false);
      if (error) return error;
    }
    return std::nullopt;
  }

 private:
  std::optional<FieldError> Repeated(element value, pb::Message& message, const pb::Reflection& r, const FieldInfo& f,
                                     const Path& path) {
    if (value.type() != element_type::ARRAY) {
      return FieldError{path.ToString(), absl::StrCat("expected a JSON array, got ", Shown(value))};
    }
    int i = 0;
    const simdjson::dom::array items = value.get_array().value_unsafe();
    for (element item : items) {
      const Path item_path{&path, "", i++};
      if (item.is_null()) return FieldError{item_path.ToString(), "null is not allowed in a list"};
      if (std::optional<FieldError> error = Single(item, message, r, f, item_path, true)) return error;
    }
    return std::nullopt;
  }

  // One value of the field: appended when `add`, else set.
  std::optional<FieldError> Single(element value, pb::Message& message, const pb::Reflection& r, const FieldInfo& f,
                                   const Path& path, bool add) {
    const pb::FieldDescriptor& field = *f.field;
    switch (field.cpp_type()) {
      case pb::FieldDescriptor::CPPTYPE_MESSAGE: {
        pb::Message* child = add ? r.AddMessage(&message, &field) : r.MutableMessage(&message, &field);
        return Message(value, *child, path);
      }
      case pb::FieldDescriptor::CPPTYPE_ENUM: {
        int number = 0;
        if (value.type() == element_type::STRING) {
          const auto named = f.enum_numbers->find(View(value.get_string().value_unsafe()));
          if (named == f.enum_numbers->end()) return Invalid(path, value, field.enum_type()->name());
          number = named->second;
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
        return Integer(value, message, r, field, path, add);
    }
  }

  static std::optional<FieldError> Integer(element value, pb::Message& message, const pb::Reflection& r,
                                           const pb::FieldDescriptor& field, const Path& path, bool add) {
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

  Tables own_;  // for types outside the generated pool
  Tables* tables_;
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
  std::optional<FieldError> error = Reader(*message.GetDescriptor()).Message(root, message, Path{});
  if (!error) return absl::OkStatus();
  message.Clear();
  return absl::InvalidArgumentError(absl::StrCat(error->path, ": ", error->reason));
}

}  // namespace passerelle::clients
