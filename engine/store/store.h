// Durable storage of Passerelle's records in RocksDB, under one data directory.
//
// Layout: one column family per kind of record, plus metadata and the audit log.
//   candidates  key = RecordKey(owner, id)  value = EncodeStoredValue(update time, passerelle.v1.Candidate)
//   openings    key = RecordKey(owner, id)  value = EncodeStoredValue(update time, passerelle.v1.Opening)
//   profiles    key = scoring profile name value = passerelle.v1.ScoringProfile
//   metadata    key = "schema_version", "reference_data_version"; value = text
//   audit       key = big-endian microseconds + sequence (engine/store/audit_log.h)
//   <space>     created on first use by PutInSpace/ScanSpace: "access" holds API keys and sharing
//               agreements (server/auth/access_registry.h)
// An id is unique within its organisation: the stored key is a keyed hash of the pair (record_key.h), so
// no file of the data directory, MANIFEST included, holds an id in its key boundaries. The secret of that
// hash lives beside RocksDB's files in the file record-key.secret (created with the data directory, mode
// 0600, copied into checkpoints); losing it makes the records unreachable by id.
//
// Schema versions: 1 keyed records by bare id; Open() migrates such a directory in place (each record
// rewritten under its new key with its owner_id, update time = the time of the migration, the old keys
// deleted and compacted away).
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
// Faults: after a write fails on I/O (disk full, read-only or failing device) the store refuses every
// later write with that error, saying so, until it is reopened; reads go on. Nothing is acknowledged
// that did not reach the synced log. docs/operations.md ("Failure modes") lists what an operator does.
//
// Thread-safety: thread-safe (RocksDB serialises writers and lets readers run beside them).
//
// Example:
//   PASSERELLE_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, Store::Open("passerelle-data", {}));
//   WriteSet writes;
//   writes.PutRecord(RecordKind::kCandidate, store->RecordKey("ft-93", "c-1"), EncodeStoredValue(now, bytes));
//   PASSERELLE_RETURN_IF_ERROR(store->Commit(writes));
#ifndef PASSERELLE_ENGINE_STORE_STORE_H_
#define PASSERELLE_ENGINE_STORE_STORE_H_

#include <array>
#include <atomic>
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
#include "absl/time/time.h"
#include "engine/store/record_key.h"
#include "passerelle/v1/records.pb.h"

namespace rocksdb {
class ColumnFamilyHandle;
class DB;
class WriteBatch;
}  // namespace rocksdb

namespace passerelle::engine {

// Version of the layout above. Open() refuses a data directory written by a newer layout.
inline constexpr int kStoreSchemaVersion = 2;

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
  // Open with RocksDB's automatic compactions off until ResumeCompactions(). A start-up reads every record
  // once: compacting the files it reads at the same time took a core of a 2-core machine from the index
  // rebuild (about a fifth of the start-up at 1M candidates, docs/benchmarks.md "Start-up, round three").
  // Default: false
  bool defer_compactions = false;
};

// Puts and deletes applied together by Store::Commit, in the order they were added.
class WriteSet {
 public:
  // A candidate or opening: `key` from Store::RecordKey, `value` from EncodeStoredValue.
  void PutRecord(RecordKind kind, std::string key, std::string value);
  void Put(const v1::ScoringProfile& profile);
  // `key`: the record's stored key (a profile's name).
  void Delete(RecordKind kind, absl::string_view key);
  void PutMetadata(absl::string_view key, absl::string_view value);
  // An audit log entry (engine/store/audit_log.h encodes both).
  void PutAudit(std::string key, std::string value);
  bool empty() const { return ops_.empty(); }
  size_t size() const { return ops_.size(); }

 private:
  friend class Store;
  struct Op {
    int family = 0;  // RecordKind, or kMetadataFamily, kAuditFamily
    std::string key;
    std::optional<std::string> value;  // nullopt = delete
  };
  std::vector<Op> ops_;
};

// Cluster mode (server/cluster/node.h applies a replicated log): while a scope lives on a thread, every
// Store::Commit() that thread makes also writes `sequence` under the metadata key "applied_sequence" in
// the same synced batch, so that after a crash the node resumes right after the last entry whose effect
// is stored (never applying one twice nor skipping one); and Catalog records `time` as the update time
// of what it writes instead of reading its clock, so every node stores the same time. Scopes nest.
class LogEntryScope {
 public:
  LogEntryScope(uint64_t sequence, absl::Time time);
  ~LogEntryScope();
  LogEntryScope(const LogEntryScope&) = delete;
  LogEntryScope& operator=(const LogEntryScope&) = delete;
  // The innermost scope of this thread, or nullptr.
  static const LogEntryScope* Current();
  uint64_t sequence() const { return sequence_; }
  absl::Time time() const { return time_; }
  // Whether a Commit() in this scope wrote the sequence.
  bool committed() const { return committed_; }

 private:
  friend class Store;
  uint64_t sequence_;
  absl::Time time_;
  bool committed_ = false;
  LogEntryScope* previous_;
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
  // As Commit(), but returns once the batch is written to the write-ahead log, without fsync: the log
  // record is in the kernel's page cache, so it survives kill -9 of the process but not a power loss
  // until SyncLog() (the audit log's entries of reads, engine/store/audit_log.h).
  absl::Status CommitUnsynced(const WriteSet& writes);
  // Fsyncs the write-ahead log: every batch written before the call is then durable.
  absl::Status SyncLog();
  // Turns RocksDB's automatic compactions back on after an Open() with defer_compactions, and lets it
  // schedule the compactions it put off. A no-op otherwise.
  absl::Status ResumeCompactions();

  // The stored key of record `id` of `organisation` (a keyed hash, see record_key.h).
  std::string RecordKey(absl::string_view organisation, absl::string_view id) const {
    return keyer_->Key(organisation, id);
  }

  // The stored value under `key`, or nullopt.
  absl::StatusOr<std::optional<std::string>> GetValue(RecordKind kind, absl::string_view key) const;
  absl::StatusOr<v1::ScoringProfile> GetProfile(absl::string_view name) const;
  // Whether a record of `kind` is stored under `key`.
  absl::StatusOr<bool> Contains(RecordKind kind, absl::string_view key) const;
  // Whether a record is stored under each of `keys`: one batched lookup (RocksDB MultiGet).
  absl::StatusOr<std::vector<bool>> ContainsEach(RecordKind kind, const std::vector<std::string>& keys) const;

  // Calls fn(key, value bytes) for every record of `kind`, in key order, on a consistent snapshot.
  // Stops at, and returns, the first error fn returns.
  absl::Status ForEach(RecordKind kind,
                       const std::function<absl::Status(absl::string_view key, absl::string_view value)>& fn) const;

  // The last log entry applied in cluster mode (LogEntryScope); 0 when none was.
  absl::StatusOr<uint64_t> AppliedSequence() const;

  // A metadata value, or nullopt when unset.
  absl::StatusOr<std::optional<std::string>> GetMetadata(absl::string_view key) const;

  // Removes the bytes of deleted records from the data files (see the file comment). Call after the
  // Commit that deleted `keys`.
  absl::Status Erase(RecordKind kind, const std::vector<std::string>& keys);

  // Writes a consistent, openable copy of the store to `checkpoint_dir` (which must not exist), hard
  // linking the immutable files where possible, plus the record key secret. For backups: copy that
  // directory elsewhere. Erasure does not reach a checkpoint already taken (docs/operations.md).
  absl::Status Checkpoint(const std::string& checkpoint_dir) const;

  // Audit log family: calls fn(key, value) from the first key >= `start_key` in key order until fn
  // returns false or an error.
  absl::Status ForEachAudit(absl::string_view start_key,
                            const std::function<absl::StatusOr<bool>(absl::string_view, absl::string_view)>& fn) const;
  // The last audit key, "" when the log is empty.
  absl::StatusOr<std::string> LastAuditKey() const;
  // Deletes every audit entry whose key is < `end_key` (synced), and compacts that range away.
  absl::Status DeleteAuditBefore(absl::string_view end_key);
  // Small records of a named space (access keys, sharing agreements), each space a column family of its
  // own, created on first use. Writes are synced whatever sync_writes says: they are rare and must
  // survive a crash (a revoked key must stay revoked). Inside a LogEntryScope they store its sequence too.
  absl::Status PutInSpace(absl::string_view space, absl::string_view key, absl::string_view value);
  absl::Status DeleteInSpace(absl::string_view space, absl::string_view key);
  // Every (key, value) of `space` whose key starts with `prefix`, in key order.
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ScanSpace(absl::string_view space,
                                                                             absl::string_view prefix) const;
  // A RocksDB integer property for metrics (server/metrics): a DB-wide one ("rocksdb.is-write-stopped") as
  // RocksDB reports it, a per-family one ("rocksdb.total-sst-files-size") summed over the record, metadata
  // and audit families, or of the audit family alone. nullopt when RocksDB does not know the property.
  std::optional<uint64_t> DbIntProperty(absl::string_view property) const;
  std::optional<uint64_t> FamiliesIntProperty(absl::string_view property) const;
  std::optional<uint64_t> AuditIntProperty(absl::string_view property) const;

 private:
  Store() = default;
  absl::StatusOr<std::string> GetRaw(int family, absl::string_view key) const;
  // The error of the first failed write once one failed (every write is then refused), else OK.
  absl::Status CheckWritable() const;
  absl::Status CommitWith(const WriteSet& writes, bool sync);
  // Returns `status`; an I/O failure turns the store read-only until it is reopened.
  absl::Status NoteWrite(absl::Status status);
  absl::Status WriteSpaceBatch(rocksdb::WriteBatch& batch, absl::string_view what);
  absl::Status LoadOrCreateSecret(bool new_directory);
  absl::Status MigrateFromVersion1();

  std::string dir_;
  StoreOptions options_;
  // Indexed by RecordKind, then kMetadataFamily, kAuditFamily; the default family last (unused, but RocksDB needs it).
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::unique_ptr<rocksdb::DB> db_;
  std::unique_ptr<RecordKeyer> keyer_;
  // The family of `space`: one opened with the others, or one created now.
  absl::StatusOr<rocksdb::ColumnFamilyHandle*> SpaceFamily(absl::string_view space) const;
  mutable std::mutex spaces_mu_;
  mutable std::map<std::string, rocksdb::ColumnFamilyHandle*, std::less<>> spaces_;  // created by SpaceFamily
  std::atomic<bool> write_failed_{false};
  mutable std::mutex write_error_mu_;
  absl::Status write_error_;  // guarded by write_error_mu_: the first failed write's error
};

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_STORE_STORE_H_
