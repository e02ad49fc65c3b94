#include "server/francetravail/offer_json.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace passerelle::server::francetravail {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Struct;
using google::protobuf::Value;

std::string ValueJson(const Value& value) {
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(value, &json).ok()) return "null";
  return json;
}

const FieldDescriptor* FindField(const Descriptor& message, const std::string& key) {
  for (int i = 0; i < message.field_count(); ++i) {
    const FieldDescriptor* field = message.field(i);
    if (field->json_name() == key || field->name() == key) return field;
  }
  return nullptr;
}

// Moves the keys of `object` that `message` does not know into `unknown`, recursing into known
// sub-messages (google.protobuf.Value fields take anything and are not walked).
void MoveUnknown(const Descriptor& message, const std::string& prefix, Struct* object,
                 std::vector<v1::FranceTravailUnknownField>* unknown) {
  std::vector<std::string> drop;
  for (auto& [key, value] : *object->mutable_fields()) {
    const std::string path = prefix.empty() ? key : absl::StrCat(prefix, ".", key);
    const FieldDescriptor* field = FindField(message, key);
    if (field == nullptr || field->name() == "unknown_fields") {
      v1::FranceTravailUnknownField& u = unknown->emplace_back();
      u.set_path(path);
      u.set_json(ValueJson(value));
      drop.push_back(key);
      continue;
    }
    if (field->type() != FieldDescriptor::TYPE_MESSAGE) continue;
    const Descriptor& sub = *field->message_type();
    if (sub.full_name() == "google.protobuf.Value") continue;
    if (field->is_repeated() && value.has_list_value()) {
      for (int i = 0; i < value.list_value().values_size(); ++i) {
        Value* item = value.mutable_list_value()->mutable_values(i);
        if (item->has_struct_value()) {
          MoveUnknown(sub, absl::StrCat(path, "[", i, "]"), item->mutable_struct_value(), unknown);
        }
      }
    } else if (value.has_struct_value()) {
      MoveUnknown(sub, path, value.mutable_struct_value(), unknown);
    }
  }
  for (const std::string& key : drop) object->mutable_fields()->erase(key);
}

absl::StatusOr<v1::FranceTravailOffer> OfferFromValue(Value value) {
  if (!value.has_struct_value()) return absl::InvalidArgumentError("offer: expected a JSON object");
  std::vector<v1::FranceTravailUnknownField> unknown;
  MoveUnknown(*v1::FranceTravailOffer::descriptor(), "", value.mutable_struct_value(), &unknown);
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(value, &json).ok()) {
    return absl::InvalidArgumentError("offer: not representable as JSON");
  }
  v1::FranceTravailOffer offer;
  const auto parsed = google::protobuf::util::JsonStringToMessage(json, &offer);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("offer: not in the published format: ", parsed.ToString()));
  }
  // Unknown keys are sorted by path so that a report does not depend on hash order.
  std::sort(unknown.begin(), unknown.end(), [](const auto& a, const auto& b) { return a.path() < b.path(); });
  for (auto& u : unknown) *offer.add_unknown_fields() = std::move(u);
  return offer;
}

absl::StatusOr<Value> ParseValue(absl::string_view json) {
  Value value;
  const auto parsed = google::protobuf::util::JsonStringToMessage(std::string(json), &value);
  if (!parsed.ok()) return absl::InvalidArgumentError(parsed.ToString());
  return value;
}

void AddAll(const Value& list, std::vector<ParsedItem>& items) {
  for (const Value& item : list.list_value().values()) {
    items.push_back({static_cast<int64_t>(items.size()) + 1, OfferFromValue(item)});
  }
}

}  // namespace

absl::StatusOr<v1::FranceTravailOffer> ParseOffer(absl::string_view json) {
  absl::StatusOr<Value> value = ParseValue(json);
  if (!value.ok()) return absl::InvalidArgumentError(absl::StrCat("offer: not valid JSON: ", value.status().message()));
  return OfferFromValue(*std::move(value));
}

absl::StatusOr<std::vector<ParsedItem>> ParseOffers(absl::string_view text) {
  std::vector<ParsedItem> items;
  absl::StatusOr<Value> whole = ParseValue(text);
  if (whole.ok()) {
    if (whole->has_list_value()) {
      AddAll(*whole, items);
      return items;
    }
    if (whole->has_struct_value()) {
      const auto& fields = whole->struct_value().fields();
      auto resultats = fields.find("resultats");
      if (resultats != fields.end() && resultats->second.has_list_value()) {
        AddAll(resultats->second, items);
      } else {
        items.push_back({1, OfferFromValue(*std::move(whole))});
      }
      return items;
    }
    return absl::InvalidArgumentError("expected a search response {\"resultats\": [...]}, an array of offers or JSON Lines");
  }
  // JSON Lines: one offer per non-blank line.
  int64_t line_number = 0;
  bool any = false;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty()) continue;
    absl::StatusOr<Value> value = ParseValue(line);
    any = any || value.ok();
    items.push_back({line_number, value.ok() ? OfferFromValue(*std::move(value))
                                             : absl::InvalidArgumentError(absl::StrCat("offer: not valid JSON: ",
                                                                                       value.status().message()))});
  }
  if (!any && !items.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("not JSON, nor JSON Lines: ", whole.status().message()));
  }
  return items;
}

}  // namespace passerelle::server::francetravail
