// The CLI's JSON Lines import (clients/json_io): each line of the input parsed as the import command
// parses it (ParseJson into the record of an import request), then, like the server does with each
// streamed item, decoded and resolved. ToJson of every parsed record must parse back to the same record.
// Input: first byte selects candidates (even) or openings (odd); the rest is the JSON Lines text.
#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_split.h"
#include "clients/json_io.h"
#include "engine/index/match_index.h"
#include "engine/store/record_codec.h"
#include "passerelle/v1/matching.pb.h"
#include "tests/fuzz/fuzz_support.h"

namespace passerelle::fuzz {
namespace {

const engine::MatchIndex& Index() {
  static const auto* index = new engine::MatchIndex(SharedReferenceData());
  return *index;
}

template <class Message>
void RoundTrip(const Message& parsed) {
  Message again;
  if (!clients::ParseJson(clients::ToJson(parsed, {.single_line = true}), again).ok() ||
      again.SerializeAsString() != parsed.SerializeAsString()) {
    std::fprintf(stderr, "json_import_fuzz: ToJson output does not parse back to the same record\n");
    std::abort();
  }
}

void Line(absl::string_view line, bool candidates) {
  if (candidates) {
    v1::ImportCandidatesRequest request;
    if (!clients::ParseJson(line, *request.mutable_candidate()).ok()) return;
    RoundTrip(request.candidate());
    absl::StatusOr<engine::Candidate> decoded = engine::CandidateFromProto(request.candidate());
    if (decoded.ok()) (void)Index().ResolveCandidate(*decoded);
  } else {
    v1::ImportOpeningsRequest request;
    if (!clients::ParseJson(line, *request.mutable_opening()).ok()) return;
    RoundTrip(request.opening());
    (void)engine::OpeningExpiryFromProto(request.opening());
    absl::StatusOr<engine::Opening> decoded = engine::OpeningFromProto(request.opening());
    if (decoded.ok()) (void)Index().ResolveOpening(*decoded);
  }
}

}  // namespace
}  // namespace passerelle::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const bool candidates = data[0] % 2 == 0;
  for (absl::string_view line : absl::StrSplit(passerelle::fuzz::AsView(data + 1, size - 1), '\n')) {
    passerelle::fuzz::Line(line, candidates);
  }
  return 0;
}
