// How records are named and keyed once ids are unique per organisation only (issue 9).
//
// Qualified id: "<organisation>:<id>", the id the in-memory index knows a record by. Organisation ids
// match [a-z0-9][a-z0-9._-]{0,63}, so the first ':' separates the two parts; the record's own id may
// contain ':' itself. Index query results carry qualified ids; callers strip them with SplitQualifiedId.
//
// Stored key: HMAC-SHA256(secret, organisation "\0" id), 32 bytes. RocksDB writes the smallest and
// largest key of every file into its MANIFEST and keeps them there after a compaction drops the record,
// so keys must not hold a person's id: a keyed hash does not, and without the secret it cannot be checked
// against a guessed id either.
//
// Stored value: an 8-byte big-endian header holding the record's last update time (Unix seconds, set by
// the catalog, read by the retention sweeper), then the record's binary protobuf.
//
// Thread-safety: RecordKeyer is immutable after construction; the functions are stateless.
#ifndef PASSERELLE_ENGINE_STORE_RECORD_KEY_H_
#define PASSERELLE_ENGINE_STORE_RECORD_KEY_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace passerelle::engine {

// Longest organisation id: 64 bytes (server/auth checks the pattern). A qualified id is at most
// kMaxIdBytes + 1 + kMaxOrganisationBytes bytes.
inline constexpr size_t kMaxOrganisationBytes = 64;

std::string QualifiedId(absl::string_view organisation, absl::string_view id);
// {organisation, id}; {"", qualified} when there is no ':'.
std::pair<absl::string_view, absl::string_view> SplitQualifiedId(absl::string_view qualified);
// The record's own id part of a qualified id.
inline absl::string_view UnqualifiedId(absl::string_view qualified) { return SplitQualifiedId(qualified).second; }

inline constexpr size_t kRecordKeyBytes = 32;
inline constexpr size_t kRecordSecretBytes = 32;

// Computes HMAC-SHA256 from the SHA-256 states after the secret's inner and outer pads, made once: OpenSSL
// 3's one-shot HMAC() fetches the algorithm and derives the pads on every call (about 6 us a key on this
// project's machines, against 0.5 us), and every put and every record loaded at start-up needs a key.
class RecordKeyer {
 public:
  explicit RecordKeyer(std::string secret);
  ~RecordKeyer();
  RecordKeyer(const RecordKeyer&) = delete;
  RecordKeyer& operator=(const RecordKeyer&) = delete;
  // The stored key of the record `id` of `organisation` (kRecordKeyBytes bytes).
  std::string Key(absl::string_view organisation, absl::string_view id) const;

 private:
  // EVP_MD_CTX (openssl/evp.h), kept out of this header. Only copied from after construction.
  struct DigestState;
  std::unique_ptr<DigestState> inner_;  // SHA-256 after (secret ^ ipad)
  std::unique_ptr<DigestState> outer_;  // SHA-256 after (secret ^ opad)
};

// kRecordSecretBytes random bytes from OpenSSL's generator.
absl::StatusOr<std::string> NewRecordSecret();

struct StoredValue {
  int64_t updated_unix_seconds = 0;
  absl::string_view record;  // binary protobuf, points into the decoded bytes
};
std::string EncodeStoredValue(int64_t updated_unix_seconds, absl::string_view record);
// DataLoss when shorter than the header.
absl::StatusOr<StoredValue> DecodeStoredValue(absl::string_view bytes);

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_STORE_RECORD_KEY_H_
