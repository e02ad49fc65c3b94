// Request messages from the parts of an HTTP request, and answers back to JSON, by the proto3 JSON
// mapping over the generated descriptors (so one code path serves every rpc).
//
// Errors are INVALID_ARGUMENT statuses naming the field (engine/common/field_status.h) when one is
// known: the gateway answers them as the server answers its own (400 with the field in the details).
#ifndef PASSERELLE_SERVER_GATEWAY_JSON_REQUEST_H_
#define PASSERELLE_SERVER_GATEWAY_JSON_REQUEST_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace passerelle::gateway {

// Query parameters in their order, decoded; a name may repeat (repeated fields).
using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Fills `request` from `json` ("" = nothing): the whole message when body_field is "*", else the
// message field body_field names. Unknown fields are refused.
absl::Status MergeJsonBody(absl::string_view json, absl::string_view body_field, google::protobuf::Message& request);

// Sets the field `path` names ("k", "candidate.id"; proto or JSON names) from its text form: numbers,
// true/false, enum names or numbers; appends to a repeated field.
absl::Status SetFieldFromText(absl::string_view path, absl::string_view text, google::protobuf::Message& request);

// A request with a `language` field (passerelle.v1.ReasonLanguage: the match, explain and re-rank
// requests) that neither the body nor a parameter set gets it from the HTTP Accept-Language header: the
// first of its tags that is French or English ("en-GB,en;q=0.8" -> REASON_LANGUAGE_EN). Nothing changes
// for other requests, or when the header names neither.
void ApplyAcceptLanguage(absl::string_view accept_language, google::protobuf::Message& request);

// The items of an import body: a JSON array, or JSON Lines (one JSON value per non-blank line); each as
// JSON text.
absl::StatusOr<std::vector<std::string>> SplitImportItems(absl::string_view body);

// The message as JSON: JSON names, every field printed (defaults too).
std::string MessageToJson(const google::protobuf::Message& message);

}  // namespace passerelle::gateway

#endif  // PASSERELLE_SERVER_GATEWAY_JSON_REQUEST_H_
