#include "server/auth/access_registry.h"

#include <algorithm>
#include <memory>
#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "engine/common/quote.h"
#include "engine/common/status_macros.h"
#include "engine/model/resolve.h"
#include "openssl/crypto.h"
#include "openssl/rand.h"
#include "openssl/evp.h"

namespace passerelle::server {
namespace {

constexpr char kSpace[] = "access";
constexpr char kKeyPrefix[] = "key/";
constexpr char kSharePrefix[] = "share/";
constexpr char kSecretPrefix[] = "psk_";
constexpr int kSecretBytes = 32;
constexpr int kSaltBytes = 16;
constexpr size_t kMaxDescriptionBytes = 200;

absl::StatusOr<std::string> RandomBytes(int n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), n) != 1) {
    return absl::InternalError("no randomness available (RAND_bytes failed)");
  }
  return out;
}

// SHA-256(salt || secret); "" if OpenSSL fails (then no key matches).
std::string Hash(absl::string_view salt, absl::string_view secret) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  std::string digest(EVP_MAX_MD_SIZE, '\0');
  unsigned int length = 0;
  if (ctx == nullptr || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), salt.data(), salt.size()) != 1 ||
      EVP_DigestUpdate(ctx.get(), secret.data(), secret.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(digest.data()), &length) != 1) {
    return "";
  }
  digest.resize(length);
  return digest;
}

int64_t Seconds(absl::Time t) { return t == absl::InfiniteFuture() ? -1 : absl::ToUnixSeconds(t); }
absl::Time FromSeconds(int64_t s) { return s < 0 ? absl::InfiniteFuture() : absl::FromUnixSeconds(s); }

// One line of tab-separated fields; the description has no tab or newline (CreateKey checks).
std::string EncodeKey(const KeyRecord& k) {
  return absl::StrJoin({std::string("1"), k.organisation, std::string(RoleName(k.role)),
                        absl::StrCat(Seconds(k.created_at)), absl::StrCat(Seconds(k.expires_at)),
                        absl::StrCat(Seconds(k.revoked_at)), absl::BytesToHexString(k.salt),
                        absl::BytesToHexString(k.hash), k.description},
                       "\t");
}

absl::StatusOr<KeyRecord> DecodeKey(absl::string_view id, absl::string_view value) {
  std::vector<std::string> f = absl::StrSplit(value, '\t');
  int64_t created = 0, expires = 0, revoked = 0;
  std::optional<Role> role = f.size() == 9 ? ParseRole(f[2]) : std::nullopt;
  if (f.size() != 9 || f[0] != "1" || !role || !absl::SimpleAtoi(f[3], &created) ||
      !absl::SimpleAtoi(f[4], &expires) || !absl::SimpleAtoi(f[5], &revoked)) {
    return absl::DataLossError(absl::StrCat("storage: stored key \"", id, "\" does not parse"));
  }
  KeyRecord k;
  k.id = std::string(id);
  k.organisation = f[1];
  k.role = *role;
  k.created_at = FromSeconds(created);
  k.expires_at = FromSeconds(expires);
  k.revoked_at = FromSeconds(revoked);
  k.salt = absl::HexStringToBytes(f[6]);
  k.hash = absl::HexStringToBytes(f[7]);
  k.description = f[8];
  return k;
}

std::string ShareKey(absl::string_view owner, absl::string_view reader) {
  return absl::StrCat(kSharePrefix, owner, "/", reader);
}

}  // namespace

absl::Status ValidateOrganisation(absl::string_view org, absl::string_view field) {
  auto first_ok = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  auto ok = [&](char c) { return first_ok(c) || c == '.' || c == '_' || c == '-'; };
  if (org.empty() || org.size() > 64 || !first_ok(org[0]) || !std::all_of(org.begin(), org.end(), ok)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": ", engine::Quote(org), " is not an organisation id ([a-z0-9][a-z0-9._-]{0,63})"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<AccessRegistry>> AccessRegistry::Load(engine::Store* store,
                                                                      std::function<absl::Time()> now) {
  if (!now) now = [] { return absl::Now(); };
  std::unique_ptr<AccessRegistry> registry(new AccessRegistry(store, std::move(now)));
  PASSERELLE_ASSIGN_OR_RETURN(auto keys, store->ScanSpace(kSpace, kKeyPrefix));
  PASSERELLE_ASSIGN_OR_RETURN(auto shares, store->ScanSpace(kSpace, kSharePrefix));
  absl::MutexLock lock(&registry->mu_);
  for (const auto& [key, value] : keys) {
    const std::string id = key.substr(sizeof(kKeyPrefix) - 1);
    PASSERELLE_ASSIGN_OR_RETURN(KeyRecord record, DecodeKey(id, value));
    registry->keys_[id] = std::move(record);
  }
  for (const auto& [key, value] : shares) {
    std::vector<std::string> parts = absl::StrSplit(key.substr(sizeof(kSharePrefix) - 1), '/');
    int64_t created = 0;
    if (parts.size() != 2 || !absl::SimpleAtoi(value, &created)) {
      return absl::DataLossError(absl::StrCat("storage: stored agreement \"", key, "\" does not parse"));
    }
    registry->agreements_[{parts[0], parts[1]}] = absl::FromUnixSeconds(created);
  }
  return registry;
}

absl::StatusOr<Claims> AccessRegistry::Authenticate(absl::string_view secret) const {
  const absl::Status invalid = absl::UnauthenticatedError("invalid API key");
  if (!absl::ConsumePrefix(&secret, kSecretPrefix)) return invalid;
  const size_t sep = secret.find('_');
  if (sep == absl::string_view::npos) return invalid;
  const std::string id(secret.substr(0, sep));
  absl::ReaderMutexLock lock(&mu_);
  auto it = keys_.find(id);
  if (it == keys_.end()) return invalid;
  const KeyRecord& key = it->second;
  const std::string digest = Hash(key.salt, absl::StrCat(kSecretPrefix, secret));
  if (digest.empty() || digest.size() != key.hash.size() || CRYPTO_memcmp(digest.data(), key.hash.data(), digest.size()) != 0) {
    return invalid;
  }
  const absl::Time now = now_();
  if (key.revoked_at <= now) return absl::UnauthenticatedError("API key revoked");
  if (key.expires_at <= now) return absl::UnauthenticatedError("API key expired");
  Claims claims;
  claims.organisation = key.organisation;
  claims.role = key.role;
  claims.key_id = key.id;
  return claims;
}

absl::Status AccessRegistry::PersistKey(const KeyRecord& key) {
  return store_->PutInSpace(kSpace, absl::StrCat(kKeyPrefix, key.id), EncodeKey(key));
}

absl::StatusOr<std::pair<KeyRecord, std::string>> AccessRegistry::PrepareKey(absl::string_view organisation, Role role,
                                                                             absl::Duration ttl,
                                                                             absl::string_view description) const {
  PASSERELLE_RETURN_IF_ERROR(ValidateOrganisation(organisation, "organisation"));
  if (ttl < absl::ZeroDuration()) return absl::InvalidArgumentError("ttl_seconds: must not be negative");
  // Valid UTF-8 without control characters: so no tab or line break either (the stored form is a line).
  PASSERELLE_RETURN_IF_ERROR(engine::ValidateFreeText(description, kMaxDescriptionBytes, "description"));
  PASSERELLE_ASSIGN_OR_RETURN(std::string id_bytes, RandomBytes(8));
  PASSERELLE_ASSIGN_OR_RETURN(std::string secret_bytes, RandomBytes(kSecretBytes));
  KeyRecord key;
  key.id = absl::StrCat("k", absl::BytesToHexString(id_bytes));
  key.organisation = std::string(organisation);
  key.role = role;
  key.created_at = absl::FromUnixSeconds(absl::ToUnixSeconds(now_()));
  if (ttl > absl::ZeroDuration()) key.expires_at = key.created_at + ttl;
  key.description = std::string(description);
  PASSERELLE_ASSIGN_OR_RETURN(key.salt, RandomBytes(kSaltBytes));
  std::string secret = absl::StrCat(kSecretPrefix, key.id, "_", absl::WebSafeBase64Escape(secret_bytes));
  key.hash = Hash(key.salt, secret);
  if (key.hash.empty()) return absl::InternalError("SHA-256 failed (OpenSSL)");
  return std::make_pair(std::move(key), std::move(secret));
}

absl::Status AccessRegistry::AddKey(const KeyRecord& key) {
  absl::MutexLock write(&write_mu_);
  {
    absl::ReaderMutexLock lock(&mu_);
    if (keys_.contains(key.id)) return absl::AlreadyExistsError(absl::StrCat("key_id: ", engine::Quote(key.id), " exists"));
  }
  PASSERELLE_RETURN_IF_ERROR(PersistKey(key));
  absl::MutexLock lock(&mu_);
  keys_[key.id] = key;
  return absl::OkStatus();
}

absl::StatusOr<std::pair<KeyRecord, std::string>> AccessRegistry::CreateKey(absl::string_view organisation, Role role,
                                                                            absl::Duration ttl,
                                                                            absl::string_view description) {
  PASSERELLE_ASSIGN_OR_RETURN(auto created, PrepareKey(organisation, role, ttl, description));
  PASSERELLE_RETURN_IF_ERROR(AddKey(created.first));
  return created;
}

std::optional<KeyRecord> AccessRegistry::FindKey(absl::string_view key_id) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = keys_.find(key_id);
  if (it == keys_.end()) return std::nullopt;
  return it->second;
}

std::vector<KeyRecord> AccessRegistry::ListKeys(absl::string_view organisation) const {
  std::vector<KeyRecord> out;
  absl::ReaderMutexLock lock(&mu_);
  for (const auto& [id, key] : keys_) {
    if (organisation.empty() || key.organisation == organisation) out.push_back(key);
  }
  std::sort(out.begin(), out.end(), [](const KeyRecord& a, const KeyRecord& b) { return a.id < b.id; });
  return out;
}

absl::StatusOr<KeyRecord> AccessRegistry::RevokeKey(absl::string_view key_id) { return RevokeKeyAt(key_id, now_()); }

absl::StatusOr<KeyRecord> AccessRegistry::RevokeKeyAt(absl::string_view key_id, absl::Time at) {
  absl::MutexLock write(&write_mu_);
  KeyRecord key;
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = keys_.find(key_id);
    if (it == keys_.end()) return absl::NotFoundError(absl::StrCat("key_id: no key ", engine::Quote(key_id)));
    key = it->second;
  }
  if (key.revoked_at != absl::InfiniteFuture()) return key;
  key.revoked_at = absl::FromUnixSeconds(absl::ToUnixSeconds(at));
  PASSERELLE_RETURN_IF_ERROR(PersistKey(key));
  absl::MutexLock lock(&mu_);
  keys_[key.id] = key;
  return key;
}

bool AccessRegistry::HasLiveAdmin() const {
  const absl::Time now = now_();
  absl::ReaderMutexLock lock(&mu_);
  for (const auto& [id, key] : keys_) {
    if (key.role == Role::kAdmin && key.revoked_at > now && key.expires_at > now) return true;
  }
  return false;
}

absl::Status AccessRegistry::ValidateAgreement(absl::string_view owner, absl::string_view reader) {
  PASSERELLE_RETURN_IF_ERROR(ValidateOrganisation(owner, "agreement.owner_organisation"));
  PASSERELLE_RETURN_IF_ERROR(ValidateOrganisation(reader, "agreement.reader_organisation"));
  if (owner == reader) return absl::InvalidArgumentError("agreement: the two organisations must differ");
  return absl::OkStatus();
}

absl::StatusOr<bool> AccessRegistry::PutAgreement(absl::string_view owner, absl::string_view reader) {
  return PutAgreementAt(owner, reader, now_());
}

absl::StatusOr<bool> AccessRegistry::PutAgreementAt(absl::string_view owner, absl::string_view reader,
                                                    absl::Time at) {
  PASSERELLE_RETURN_IF_ERROR(ValidateAgreement(owner, reader));
  absl::MutexLock write(&write_mu_);
  if (Shares(owner, reader)) return false;
  const absl::Time created = absl::FromUnixSeconds(absl::ToUnixSeconds(at));
  PASSERELLE_RETURN_IF_ERROR(
      store_->PutInSpace(kSpace, ShareKey(owner, reader), absl::StrCat(absl::ToUnixSeconds(created))));
  absl::MutexLock lock(&mu_);
  agreements_[{std::string(owner), std::string(reader)}] = created;
  return true;
}

absl::Status AccessRegistry::DeleteAgreement(absl::string_view owner, absl::string_view reader) {
  absl::MutexLock write(&write_mu_);
  if (!Shares(owner, reader)) {
    return absl::NotFoundError(absl::StrCat("no agreement sharing ", engine::Quote(owner), "'s candidates with ", engine::Quote(reader)));
  }
  PASSERELLE_RETURN_IF_ERROR(store_->DeleteInSpace(kSpace, ShareKey(owner, reader)));
  absl::MutexLock lock(&mu_);
  agreements_.erase({std::string(owner), std::string(reader)});
  return absl::OkStatus();
}

std::vector<Agreement> AccessRegistry::ListAgreements() const {
  std::vector<Agreement> out;
  absl::ReaderMutexLock lock(&mu_);
  for (const auto& [pair, created] : agreements_) out.push_back({pair.first, pair.second, created});
  return out;
}

std::vector<std::string> AccessRegistry::OwnersSharingWith(absl::string_view reader) const {
  std::vector<std::string> out;
  absl::ReaderMutexLock lock(&mu_);
  for (const auto& [pair, created] : agreements_) {
    if (pair.second == reader) out.push_back(pair.first);
  }
  return out;
}

bool AccessRegistry::Shares(absl::string_view owner, absl::string_view reader) const {
  absl::ReaderMutexLock lock(&mu_);
  return agreements_.contains({std::string(owner), std::string(reader)});
}

std::vector<std::string> AccessRegistry::Organisations() const {
  std::set<std::string> organisations;
  {
    absl::ReaderMutexLock lock(&mu_);
    for (const auto& [id, key] : keys_) organisations.insert(key.organisation);
  }
  return std::vector<std::string>(organisations.begin(), organisations.end());
}

}  // namespace passerelle::server
