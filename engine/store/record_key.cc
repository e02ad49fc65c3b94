#include "engine/store/record_key.h"

#include "absl/strings/str_cat.h"
#include "openssl/evp.h"
#include "openssl/hmac.h"
#include "openssl/rand.h"

namespace passerelle::engine {

std::string QualifiedId(absl::string_view organisation, absl::string_view id) {
  return absl::StrCat(organisation, ":", id);
}

std::pair<absl::string_view, absl::string_view> SplitQualifiedId(absl::string_view qualified) {
  const size_t colon = qualified.find(':');
  if (colon == absl::string_view::npos) return {absl::string_view(), qualified};
  return {qualified.substr(0, colon), qualified.substr(colon + 1)};
}

std::string RecordKeyer::Key(absl::string_view organisation, absl::string_view id) const {
  // The NUL cannot occur in an organisation id, so ("a", "b:c") and ("a:b", "c") differ.
  std::string message;
  message.reserve(organisation.size() + 1 + id.size());
  message.append(organisation.data(), organisation.size());
  message.push_back('\0');
  message.append(id.data(), id.size());
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

absl::StatusOr<std::string> NewRecordSecret() {
  std::string secret(kRecordSecretBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(secret.data()), static_cast<int>(secret.size())) != 1) {
    return absl::InternalError("storage: the random generator failed to make the record key secret");
  }
  return secret;
}

std::string EncodeStoredValue(int64_t updated_unix_seconds, absl::string_view record) {
  std::string out(8, '\0');
  const uint64_t v = static_cast<uint64_t>(updated_unix_seconds);
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>(v >> (56 - 8 * i));
  out.append(record.data(), record.size());
  return out;
}

absl::StatusOr<StoredValue> DecodeStoredValue(absl::string_view bytes) {
  if (bytes.size() < 8) return absl::DataLossError("storage: stored value shorter than its header");
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[i]);
  return StoredValue{static_cast<int64_t>(v), bytes.substr(8)};
}

}  // namespace passerelle::engine
