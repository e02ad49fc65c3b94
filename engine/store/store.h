// Durable storage of Passerelle's records in RocksDB, under one data directory.
//
// Layout: one column family per kind of record, plus one for metadata.
//   candidates  key = candidate id        value = passerelle.v1.Candidate (binary protobuf)
//   openings    key = opening id          value = passerelle.v1.Opening
//   profiles    key = scoring profile name value = passerelle.v1.ScoringProfile
//   metadata    key = "schema_version", "reference_data_version"; value = text
//   <space>     created on first use by PutInSpace/ScanSpace: "access" holds API keys and sharing
//               agreements (server/auth/access_registry.h)
// Keys are bare ids because ids are unique across owners (the in-memory index keys by id). The owning
// organisation is inside the value (owner_id). Per-owner access checks compare that field; per-owner
// listing can be added later as a family keyed "<owner_id>\0<id>" written in the same batches.
//
// Durability: Commit() applies a WriteSet atomically and, with sync_writes (the default), returns only
// once the batch is in the write-ahead log and the log is synced: an acknowledged write survives kill -9
// and power loss. Destroying the Store flushes the memtables first, so that the next Open() after a clean
// close has no log to replay (after a crash it replays it).
//
// Erasure: a RocksDB delete only writes a tombstone. Erase() makes the old bytes leave the data files:
// it flushes every family (so no memtable, and once the log rolls, no live log file holds them) and
// compacts the key's range down to the bottom level with the tombstone, which drops both.
//
// Thread-safety: thread-safe (RocksDB serialises writers and lets readers run beside them).
//
// Example:
//   PASSERELLE_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, Store::Open("passerelle-data", {}));
//   WriteSet writes;
//   writes.Put(CandidateToProto(candidate));
//   PASSERELLE_RETURN_IF_ERROR(store->Commit(writes));
#ifndef PASSERELLE_ENGINE_STORE_STORE_H_
#define PASSERELLE_ENGINE_STORE_STORE_H_

#include <array>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "passerelle/v1/records.pb.h"

namespace rocksdb {
class ColumnFamilyHandle;
class DB;
}  // namespace rocksdb

namespace passerelle::engine {

// Version of the layout above. Open() refuses a data directory written by a newer layout.
inline constexpr int kStoreSchemaVersion = 1;

enum class RecordKind : int { kCandidate = 0, kOpening = 1, kProfile = 2 };
inline constexpr int kRecordKindCount = 3;
// "candidate", "opening", "scoring profile".
absl::string_view RecordKindName(RecordKind kind);

struct StoreOptions {
  // Create the data directory and its column families when missing.
  // Default: true
  bool create_if_missing = true;
  // Sync the write-ahead log before Commit() returns. Only throwaway benchmarks should turn this off.
  // Default: true
  bool sync_writes = true;
  // Size of the block cache shared by all families, in MiB.
  // Default: 64
  size_t block_cache_mib = 64;
};

// Puts and deletes applied together by Store::Commit, in the order they were added.
class WriteSet {
 public:
  void Put(const v1::Candidate& candidate);
  void Put(const v1::Opening& opening);
  void Put(const v1::ScoringProfile& profile);
  // A candidate or opening already serialized: `bytes` must be the binary form of its message, whose id
  // is `id`. Lets callers encode outside their critical sections and without a second copy.
  void PutSerialized(RecordKind kind, std::string id, std::string bytes);
  void Delete(RecordKind kind, absl::string_view id);
  void PutMetadata(absl::string_view key, absl::string_view value);
  bool empty() const { return ops_.empty(); }
  size_t size() const { return ops_.size(); }

 private:
  friend class Store;
  struct Op {
    int family = 0;  // RecordKind, or kMetadataFamily
    std::string key;
    std::optional<std::string> value;  // nullopt = delete
  };
  std::vector<Op> ops_;
};

class Store {
 public:
  // Opens (or creates) the store under `dir`. Fails with FailedPrecondition when another process holds
  // the directory or it was written by a newer schema, Unavailable/DataLoss on I/O errors or corruption.
  static absl::StatusOr<std::unique_ptr<Store>> Open(const std::string& dir, const StoreOptions& options);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const std::string& dir() const { return dir_; }

  // Applies every operation of `writes` atomically (all or none) and, with sync_writes, durably.
  absl::Status Commit(const WriteSet& writes);

  // The stored record, or NotFound naming `id`.
  absl::StatusOr<v1::Candidate> GetCandidate(absl::string_view id) const;
  absl::StatusOr<v1::Opening> GetOpening(absl::string_view id) const;
  absl::StatusOr<v1::ScoringProfile> GetProfile(absl::string_view name) const;
  // Whether a record of `kind` is stored under `id`.
  absl::StatusOr<bool> Contains(RecordKind kind, absl::string_view id) const;
  // The owner_id of the candidate or opening stored under each of `ids`, "" where none is stored: one
  // batched lookup (RocksDB MultiGet) instead of one point read per id. DataLoss when a stored record
  // does not parse.
  absl::StatusOr<std::vector<std::string>> GetOwners(RecordKind kind, const std::vector<std::string>& ids) const;

  // Calls fn(key, value bytes) for every record of `kind`, in key order, on a consistent snapshot.
  // Stops at, and returns, the first error fn returns.
  absl::Status ForEach(RecordKind kind,
                       const std::function<absl::Status(absl::string_view key, absl::string_view value)>& fn) const;

  // A metadata value, or nullopt when unset.
  absl::StatusOr<std::optional<std::string>> GetMetadata(absl::string_view key) const;

  // Removes the bytes of deleted records from the data files (see the file comment). Call after the
  // Commit that deleted `ids`.
  absl::Status Erase(RecordKind kind, const std::vector<std::string>& ids);

  // Writes a consistent, openable copy of the store to `checkpoint_dir` (which must not exist), hard
  // linking the immutable files where possible. For backups: copy that directory elsewhere.
  absl::Status Checkpoint(const std::string& checkpoint_dir) const;

  // Small records of a named space (access keys, sharing agreements), each space a column family of its
  // own, created on first use. Writes are synced whatever sync_writes says: they are rare and must
  // survive a crash (a revoked key must stay revoked).
  absl::Status PutInSpace(absl::string_view space, absl::string_view key, absl::string_view value);
  absl::Status DeleteInSpace(absl::string_view space, absl::string_view key);
  // Every (key, value) of `space` whose key starts with `prefix`, in key order.
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ScanSpace(absl::string_view space,
                                                                             absl::string_view prefix) const;

 private:
  Store() = default;
  absl::StatusOr<std::string> GetRaw(int family, absl::string_view key) const;

  std::string dir_;
  StoreOptions options_;
  // Indexed by RecordKind, then kMetadataFamily; the default family last (unused, but RocksDB needs it).
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::unique_ptr<rocksdb::DB> db_;
  // The family of `space`: one opened with the others, or one created now.
  absl::StatusOr<rocksdb::ColumnFamilyHandle*> SpaceFamily(absl::string_view space) const;
  mutable std::mutex spaces_mu_;
  mutable std::map<std::string, rocksdb::ColumnFamilyHandle*, std::less<>> spaces_;  // created by SpaceFamily
};

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_STORE_STORE_H_
