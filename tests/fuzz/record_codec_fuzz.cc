// The record codec on stored or sent bytes: a candidate or opening value as RocksDB holds it
// (EncodeStoredValue header + binary protobuf), decoded, validated and resolved as the catalog's load
// does; a scoring profile as stored. Every record the codec accepts must survive a round trip unchanged
// and encode to the same bytes on both encoding paths; a mismatch aborts (a finding).
// Input: first byte selects candidate (0), opening (1) or scoring profile (2); the rest is the value.
#include <cstdio>
#include <cstdlib>

#include "engine/index/match_index.h"
#include "engine/scoring/profile.h"
#include "engine/store/record_codec.h"
#include "engine/store/record_key.h"
#include "google/protobuf/arena.h"
#include "tests/fuzz/fuzz_support.h"

namespace passerelle::fuzz {
namespace {

void Require(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "record_codec_fuzz: %s\n", what);
  std::abort();
}

const engine::MatchIndex& Index() {
  static const auto* index = new engine::MatchIndex(SharedReferenceData());
  return *index;
}

void Candidate(absl::string_view record) {
  v1::Candidate proto;
  if (!proto.ParseFromArray(record.data(), static_cast<int>(record.size()))) return;
  absl::StatusOr<engine::Candidate> decoded = engine::CandidateFromProto(proto);
  if (!decoded.ok()) return;
  (void)Index().ResolveCandidate(*decoded);
  const v1::Candidate encoded = engine::CandidateToProto(*decoded);
  google::protobuf::Arena arena;
  Require(engine::EncodeCandidate(*decoded, &arena) == encoded.SerializeAsString(),
          "EncodeCandidate differs from CandidateToProto");
  absl::StatusOr<engine::Candidate> again = engine::CandidateFromProto(encoded);
  Require(again.ok(), "an accepted candidate does not decode after encoding");
  Require(engine::CandidateToProto(*again).SerializeAsString() == encoded.SerializeAsString(),
          "candidate round trip changed the record");
}

void Opening(absl::string_view record) {
  v1::Opening proto;
  if (!proto.ParseFromArray(record.data(), static_cast<int>(record.size()))) return;
  (void)engine::OpeningExpiryFromProto(proto);
  absl::StatusOr<engine::Opening> decoded = engine::OpeningFromProto(proto);
  if (!decoded.ok()) return;
  (void)Index().ResolveOpening(*decoded);
  const v1::Opening encoded = engine::OpeningToProto(*decoded);
  google::protobuf::Arena arena;
  Require(engine::EncodeOpening(*decoded, &arena) == encoded.SerializeAsString(),
          "EncodeOpening differs from OpeningToProto");
  absl::StatusOr<engine::Opening> again = engine::OpeningFromProto(encoded);
  Require(again.ok(), "an accepted opening does not decode after encoding");
  Require(engine::OpeningToProto(*again).SerializeAsString() == encoded.SerializeAsString(),
          "opening round trip changed the record");
}

void Profile(absl::string_view bytes) {
  v1::ScoringProfile proto;
  if (!proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return;
  const engine::ScoringProfile profile = engine::ScoringProfileFromProto(proto);
  (void)engine::ValidateScoringProfile(profile);
  (void)engine::ScoringProfileToProto(profile);
}

}  // namespace
}  // namespace passerelle::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace passerelle;
  if (size < 1) return 0;
  const absl::string_view rest = fuzz::AsView(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
    case 1: {
      absl::StatusOr<engine::StoredValue> stored = engine::DecodeStoredValue(rest);
      if (!stored.ok()) return 0;
      data[0] % 3 == 0 ? fuzz::Candidate(stored->record) : fuzz::Opening(stored->record);
      return 0;
    }
    default:
      fuzz::Profile(rest);
      return 0;
  }
}
