// The API keys and data-sharing agreements Passerelle knows, persisted in the store's "access" space
// and held in memory for the per-call checks.
//
// Keys: a secret is "psk_<key id>_<43 characters of base64url>" (32 random bytes from OpenSSL's
// RAND_bytes). Only SHA-256(salt || secret) and a 16-byte random salt are stored: the secret carries 256
// bits of entropy, so a slow key-derivation function would add nothing against guessing, and a fast hash
// keeps the per-call check in microseconds. Comparison is constant-time (CRYPTO_memcmp).
//
// Revocation and sharing changes are written (synced) first, then applied to memory under the lock
// before the call returns: the next call with a revoked key fails.
//
// Thread-safety: thread-safe. Authenticate and Shares take a reader lock only.
#ifndef PASSERELLE_SERVER_AUTH_ACCESS_REGISTRY_H_
#define PASSERELLE_SERVER_AUTH_ACCESS_REGISTRY_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "engine/store/store.h"
#include "server/auth/claims.h"

namespace passerelle::server {

// [a-z0-9][a-z0-9._-]{0,63}: organisations appear in qualified ids "<organisation>:<id>" and in keys of
// the store, so ':' and '/' are excluded. InvalidArgument naming `field` otherwise.
absl::Status ValidateOrganisation(absl::string_view organisation, absl::string_view field);

struct KeyRecord {
  std::string id;
  std::string organisation;
  Role role = Role::kReader;
  absl::Time created_at;
  absl::Time expires_at = absl::InfiniteFuture();
  absl::Time revoked_at = absl::InfiniteFuture();  // InfiniteFuture = not revoked
  std::string description;
  std::string salt;  // raw bytes
  std::string hash;  // SHA-256(salt || secret), raw bytes
};

struct Agreement {
  std::string owner_organisation;
  std::string reader_organisation;
  absl::Time created_at;
};

class AccessRegistry {
 public:
  // Loads the keys and agreements of `store` (which must outlive the registry). `now` is the clock
  // (tests pass a fake one). Default: absl::Now.
  static absl::StatusOr<std::unique_ptr<AccessRegistry>> Load(engine::Store* store,
                                                              std::function<absl::Time()> now = nullptr);

  // The claims of a secret: Unauthenticated when unknown, wrong, revoked or expired.
  absl::StatusOr<Claims> Authenticate(absl::string_view secret) const;

  // Creates a key; returns it and its secret (the only time the secret exists outside the caller).
  absl::StatusOr<std::pair<KeyRecord, std::string>> CreateKey(absl::string_view organisation, Role role,
                                                              absl::Duration ttl, absl::string_view description);
  // Cluster mode (server/cluster_access.h): CreateKey in two steps. PrepareKey validates and generates the
  // key and its secret on the receiving node, writing nothing; AddKey stores the key (no secret) on every
  // node, AlreadyExists when its id is taken.
  absl::StatusOr<std::pair<KeyRecord, std::string>> PrepareKey(absl::string_view organisation, Role role,
                                                               absl::Duration ttl,
                                                               absl::string_view description) const;
  absl::Status AddKey(const KeyRecord& key);
  std::optional<KeyRecord> FindKey(absl::string_view key_id) const;
  // By id; only `organisation`'s when not empty.
  std::vector<KeyRecord> ListKeys(absl::string_view organisation) const;
  // NotFound when no key has that id; revoking twice keeps the first date.
  absl::StatusOr<KeyRecord> RevokeKey(absl::string_view key_id);
  // Revoked at `at` (whole seconds), not now: the log entry's time in cluster mode.
  absl::StatusOr<KeyRecord> RevokeKeyAt(absl::string_view key_id, absl::Time at);
  // Whether any key of role admin is live (not revoked, not expired).
  bool HasLiveAdmin() const;

  // Returns whether the agreement is new.
  absl::StatusOr<bool> PutAgreement(absl::string_view owner, absl::string_view reader);
  // Created at `at` (whole seconds): the log entry's time in cluster mode.
  absl::StatusOr<bool> PutAgreementAt(absl::string_view owner, absl::string_view reader, absl::Time at);
  // InvalidArgument naming the field when PutAgreement would refuse the pair.
  static absl::Status ValidateAgreement(absl::string_view owner, absl::string_view reader);
  absl::Status DeleteAgreement(absl::string_view owner, absl::string_view reader);
  std::vector<Agreement> ListAgreements() const;
  // The organisations whose candidates `reader` may read besides its own.
  std::vector<std::string> OwnersSharingWith(absl::string_view reader) const;
  bool Shares(absl::string_view owner, absl::string_view reader) const;
  // Every organisation that holds a key (revoked ones included: their records outlive the key), sorted.
  std::vector<std::string> Organisations() const;

 private:
  AccessRegistry(engine::Store* store, std::function<absl::Time()> now) : store_(store), now_(std::move(now)) {}
  absl::Status PersistKey(const KeyRecord& key);

  engine::Store* const store_;
  const std::function<absl::Time()> now_;
  mutable absl::Mutex mu_;
  // Writers of the store, so that memory and disk change in the same order.
  absl::Mutex write_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  absl::flat_hash_map<std::string, KeyRecord> keys_ ABSL_GUARDED_BY(mu_);
  std::map<std::pair<std::string, std::string>, absl::Time> agreements_ ABSL_GUARDED_BY(mu_);
};

}  // namespace passerelle::server

#endif  // PASSERELLE_SERVER_AUTH_ACCESS_REGISTRY_H_
