// Readable views of API messages for table mode: a record as "field  value" lines, enum values without
// their type prefix ("CDI" for CONTRACT_TYPE_CDI), weekly slots as "Mon morning".
//
// These read any message through protobuf reflection, so a field added to records.proto shows up
// without a change here.
//
// Thread-safety: stateless functions.
#ifndef PASSERELLE_CLIENTS_RECORD_VIEW_H_
#define PASSERELLE_CLIENTS_RECORD_VIEW_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace passerelle::clients {

// "CDI" for CONTRACT_TYPE_CDI, "B1" for CEFR_LEVEL_B1: the value's name without its enum's prefix.
std::string EnumLabel(const google::protobuf::EnumValueDescriptor& value);

// The value of `type` named `name`, with or without the prefix, in any case: "cdi", "CONTRACT_TYPE_CDI".
// InvalidArgument listing the accepted names otherwise.
absl::StatusOr<int> EnumValueByLabel(const google::protobuf::EnumDescriptor& type, absl::string_view name,
                                     absl::string_view option);

// Every field that is set, one per line: the field name padded to a column, then its value. Repeated
// fields are joined with ", "; nested messages are shown inline.
std::string RenderRecord(const google::protobuf::Message& message);

// One value of a message field, as RenderRecord shows it ("F1703 (3 years)" style for small messages).
std::string RenderInline(const google::protobuf::Message& message);

}  // namespace passerelle::clients

#endif  // PASSERELLE_CLIENTS_RECORD_VIEW_H_
