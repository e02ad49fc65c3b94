// Conversion between the engine's records (engine/model/types.h) and their protobuf form
// (proto/passerelle/v1/records.proto), which is both the API's encoding and the storage encoding.
//
// Decoding checks what the proto form alone can tell: dates ("YYYY-MM-DD"), enum values, required enums.
// Everything that needs the reference data (codes, ranges) is checked by ResolveCandidate /
// ResolveOpening afterwards. Errors are InvalidArgument with a message that starts with the field path
// inside the record ("available_from: expected a date YYYY-MM-DD, got \"2026-13-01\"").
//
// Encoding is canonical: equal engine records encode to equal messages, and
// Decode(Encode(record)) == record for every record that Resolve* accepts.
//
// Thread-safety: stateless functions.
#ifndef PASSERELLE_ENGINE_STORE_RECORD_CODEC_H_
#define PASSERELLE_ENGINE_STORE_RECORD_CODEC_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/common/field_status.h"
#include "engine/model/types.h"
#include "google/protobuf/arena.h"
#include "engine/scoring/profile.h"
#include "engine/store/enum_codec.h"
#include "passerelle/v1/records.pb.h"

namespace passerelle::engine {

absl::StatusOr<Candidate> CandidateFromProto(const v1::Candidate& proto);
v1::Candidate CandidateToProto(const Candidate& candidate);

absl::StatusOr<Opening> OpeningFromProto(const v1::Opening& proto);
// The opening's expires_on as a Day, 0 when "" (no expiry); InvalidArgument naming expires_on. The
// engine's Opening does not carry it (never scored): the catalog stores it beside the record.
absl::StatusOr<Day> OpeningExpiryFromProto(const v1::Opening& proto);
v1::Opening OpeningToProto(const Opening& opening);

// CandidateToProto(candidate).SerializeAsString() (same bytes), with the message built on `arena`: far
// fewer allocations when encoding many records. The message stays on the arena until it is reset.
std::string EncodeCandidate(const Candidate& candidate, google::protobuf::Arena* arena);
std::string EncodeOpening(const Opening& opening, google::protobuf::Arena* arena);

// Weights are copied as given; ValidateScoringProfile checks them.
ScoringProfile ScoringProfileFromProto(const v1::ScoringProfile& proto);
v1::ScoringProfile ScoringProfileToProto(const ScoringProfile& profile);

// A contract type given in a request or record (MatchOpeningsRequest.contract_types) as its mask bit; fails
// on CONTRACT_TYPE_UNSPECIFIED and unknown values, naming `field`. The enum conversions are enum_codec.h's.
absl::StatusOr<uint32_t> ContractBitFromProto(int proto_value, absl::string_view field);

// A field error kept only as text (the catalog's invalid records keep the message, not the status) split
// into its parts: "skills[3]: unknown ROME skill item" -> {"skills[3]", "unknown ROME skill item"}. When the
// message does not start with a field path, field is "" and reason the whole message. A status carries its
// field path as a payload: read it with FieldPath / FieldReason (engine/common/field_status.h), which also
// has PrefixFieldPath.
struct FieldError {
  std::string field;
  std::string reason;
};
FieldError SplitFieldError(absl::string_view message);

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_STORE_RECORD_CODEC_H_
