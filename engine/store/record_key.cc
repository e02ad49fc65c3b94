#include "engine/store/record_key.h"

#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "openssl/evp.h"
#include "openssl/crypto.h"
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

namespace {

constexpr size_t kShaBlockBytes = 64;  // SHA-256's block: HMAC pads the secret to it

struct DigestDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using DigestContext = std::unique_ptr<EVP_MD_CTX, DigestDeleter>;

DigestContext NewDigest() {
  DigestContext ctx(EVP_MD_CTX_new());
  if (ctx == nullptr || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
    std::fprintf(stderr, "fatal: OpenSSL cannot start a SHA-256 digest\n");
    std::abort();
  }
  return ctx;
}

// Whether OpenSSL failed is checked once per key, on the sum of the calls' results.
int Digest(const DigestContext& from, EVP_MD_CTX* work, absl::string_view a, absl::string_view b,
           absl::string_view c, unsigned char out[kRecordKeyBytes]) {
  unsigned int length = 0;
  return EVP_MD_CTX_copy_ex(work, from.get()) + EVP_DigestUpdate(work, a.data(), a.size()) +
         EVP_DigestUpdate(work, b.data(), b.size()) + EVP_DigestUpdate(work, c.data(), c.size()) +
         EVP_DigestFinal_ex(work, out, &length);
}

}  // namespace

struct RecordKeyer::DigestState {
  DigestContext ctx;
};

RecordKeyer::RecordKeyer(std::string secret)
    : inner_(std::make_unique<DigestState>(DigestState{NewDigest()})),
      outer_(std::make_unique<DigestState>(DigestState{NewDigest()})) {
  // RFC 2104: a secret longer than the block is hashed first; then padded with zeros to the block.
  if (secret.size() > kShaBlockBytes) {
    unsigned char digest[kRecordKeyBytes];
    unsigned int length = 0;
    EVP_Digest(secret.data(), secret.size(), digest, &length, EVP_sha256(), nullptr);
    secret.assign(reinterpret_cast<const char*>(digest), length);
  }
  unsigned char inner_pad[kShaBlockBytes], outer_pad[kShaBlockBytes];
  for (size_t i = 0; i < kShaBlockBytes; ++i) {
    const unsigned char byte = i < secret.size() ? static_cast<unsigned char>(secret[i]) : 0;
    inner_pad[i] = byte ^ 0x36;
    outer_pad[i] = byte ^ 0x5c;
  }
  if (EVP_DigestUpdate(inner_->ctx.get(), inner_pad, kShaBlockBytes) != 1 ||
      EVP_DigestUpdate(outer_->ctx.get(), outer_pad, kShaBlockBytes) != 1) {
    std::fprintf(stderr, "fatal: OpenSSL cannot hash the record key secret\n");
    std::abort();
  }
  OPENSSL_cleanse(inner_pad, sizeof inner_pad);
  OPENSSL_cleanse(outer_pad, sizeof outer_pad);
  OPENSSL_cleanse(secret.data(), secret.size());
}

RecordKeyer::~RecordKeyer() = default;

std::string RecordKeyer::Key(absl::string_view organisation, absl::string_view id) const {
  // One working context per thread, reused: the states above are only read (copied from).
  thread_local DigestContext work(EVP_MD_CTX_new());
  // The NUL cannot occur in an organisation id, so ("a", "b:c") and ("a:b", "c") differ.
  const absl::string_view separator("\0", 1);
  unsigned char inner[kRecordKeyBytes];
  std::string key(kRecordKeyBytes, '\0');
  const int ok = work != nullptr ? Digest(inner_->ctx, work.get(), organisation, separator, id, inner) +
                                       Digest(outer_->ctx, work.get(),
                                              absl::string_view(reinterpret_cast<const char*>(inner), sizeof inner),
                                              {}, {}, reinterpret_cast<unsigned char*>(key.data()))
                                 : 0;
  if (ok != 10) {
    // Keys name the stored records: a wrong one would store or find the wrong record.
    std::fprintf(stderr, "fatal: OpenSSL failed to compute a record key\n");
    std::abort();
  }
  return key;
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
