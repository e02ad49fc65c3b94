#include "engine/store/records_checksum.h"

#include <algorithm>
#include <array>
#include <vector>

#include "absl/strings/escaping.h"
#include "engine/common/status_macros.h"
#include "openssl/sha.h"

namespace passerelle::engine {
namespace {

using Digest = std::array<unsigned char, SHA256_DIGEST_LENGTH>;

Digest Sha256(absl::string_view bytes) {
  Digest digest;
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest.data());
  return digest;
}

}  // namespace

absl::StatusOr<std::string> RecordsChecksum(const Store& store) {
  std::string all;
  for (RecordKind kind : {RecordKind::kCandidate, RecordKind::kOpening, RecordKind::kProfile}) {
    std::vector<Digest> digests;
    PASSERELLE_RETURN_IF_ERROR(store.ForEach(kind, [&](absl::string_view, absl::string_view value) {
      digests.push_back(Sha256(value));
      return absl::OkStatus();
    }));
    // Keys are per-node hashes: sorting the values' digests makes the order the same on every node.
    std::sort(digests.begin(), digests.end());
    all.push_back(static_cast<char>(kind));
    for (const Digest& d : digests) all.append(reinterpret_cast<const char*>(d.data()), d.size());
  }
  const Digest total = Sha256(all);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(total.data()), total.size()));
}

}  // namespace passerelle::engine
