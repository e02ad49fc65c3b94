// Field errors: a status whose message starts with the path of the offending field
// ("skills[3]: unknown ROME skill item 1") and which carries that path as a payload (type URL
// kFieldPathPayloadUrl, the path as text), so that callers read the path -- import reports, logs,
// prefixes -- without parsing it back out of the message. Header only (no .cc to list in a build).
//
//   return InvalidFieldError("commune_insee", "unknown INSEE commune code \"99999\"");
//   FieldPath(status)                    -> "commune_insee"
//   FieldReason(status)                  -> "unknown INSEE commune code \"99999\""
//   PrefixFieldPath(status, "candidate") -> "candidate.commune_insee: unknown INSEE commune code ..."
//
// Thread-safety: stateless functions.
#ifndef PASSERELLE_ENGINE_COMMON_FIELD_STATUS_H_
#define PASSERELLE_ENGINE_COMMON_FIELD_STATUS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace passerelle::engine {

inline constexpr absl::string_view kFieldPathPayloadUrl = "type.googleapis.com/passerelle.FieldPath";

// A status of `code` with message "field: reason" and `field` as its field path.
inline absl::Status FieldStatus(absl::StatusCode code, absl::string_view field, absl::string_view reason) {
  absl::Status status(code, absl::StrCat(field, ": ", reason));
  status.SetPayload(kFieldPathPayloadUrl, absl::Cord(field));
  return status;
}

// The usual case: InvalidArgument about `field`.
inline absl::Status InvalidFieldError(absl::string_view field, absl::string_view reason) {
  return FieldStatus(absl::StatusCode::kInvalidArgument, field, reason);
}

// The field path `status` carries, or "" when it names no field (and for OK).
inline std::string FieldPath(const absl::Status& status) {
  const auto path = status.GetPayload(kFieldPathPayloadUrl);  // absl::optional<absl::Cord>
  return path.has_value() ? std::string(*path) : std::string();
}

// The message without its leading "field: ", or the whole message when the status names no field.
inline std::string FieldReason(const absl::Status& status) {
  const std::string path = FieldPath(status);
  absl::string_view message = status.message();
  if (!path.empty() && absl::ConsumePrefix(&message, path) && absl::ConsumePrefix(&message, ": ")) {
    return std::string(message);
  }
  return std::string(status.message());
}

// `status` with `prefix` put in front of its field path ("candidate" + "skills[3]" ->
// "candidate.skills[3]: ..."), or with `prefix` as its field path when it named none ("prefix: message").
// Code and other payloads kept; OK stays OK.
inline absl::Status PrefixFieldPath(const absl::Status& status, absl::string_view prefix) {
  if (status.ok()) return status;
  const std::string path = FieldPath(status);
  absl::Status out = FieldStatus(status.code(), path.empty() ? std::string(prefix) : absl::StrCat(prefix, ".", path),
                                 FieldReason(status));
  status.ForEachPayload([&out](absl::string_view url, const absl::Cord& payload) {
    if (url != kFieldPathPayloadUrl) out.SetPayload(url, payload);
  });
  return out;
}

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_COMMON_FIELD_STATUS_H_
