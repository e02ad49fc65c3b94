#include "engine/store/store.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "engine/common/quote.h"
#include "engine/common/status_macros.h"
#include "rocksdb/cache.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/table.h"
#include "rocksdb/utilities/checkpoint.h"

namespace passerelle::engine {
namespace {

constexpr int kMetadataFamily = kRecordKindCount;
constexpr int kAuditFamily = kRecordKindCount + 1;
// Family names, indexed like Store::handles_.
constexpr std::array<const char*, kRecordKindCount + 2> kFamilyNames = {"candidates", "openings", "profiles",
                                                                         "metadata", "audit"};
constexpr char kSchemaVersionKey[] = "schema_version";
constexpr char kSecretFile[] = "record-key.secret";
constexpr char kAppliedSequenceKey[] = "applied_sequence";
// A rocksdb::WriteBatch's encoding: a 12-byte header (sequence, count); per put a type byte, the column
// family's id and the two lengths as varints (at most 1 + 5 + 5 + 5), and room for applied_sequence.
constexpr size_t kWriteBatchHeaderBytes = 12 + 64;
constexpr size_t kWriteBatchOpBytes = 16;

thread_local LogEntryScope* current_entry = nullptr;

// What an operator does about each fault (docs/operations.md, "Failure modes", says more).
constexpr char kNoSpaceHint[] =
    " (the disk holding the data directory is full: no write was acknowledged past this point; reads go on; "
    "free space, then restart passerelle-server)";
constexpr char kReadOnlyHint[] =
    " (the data directory cannot be written: read-only file system or failing disk; reads go on; make it "
    "writable, then restart passerelle-server)";
constexpr char kCorruptionHint[] =
    " (a file of the data directory is damaged or truncated: restore the directory from a checkpoint, see "
    "docs/operations.md \"Failure modes\")";

// RocksDB's Status stops here: every failure becomes an absl::Status saying what was being done and, for
// the faults an operator must act on, what to do.
absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  const std::string message = absl::StrCat("storage: ", what, ": ", s.ToString());
  if (s.IsNotFound()) return absl::NotFoundError(message);
  if (s.IsCorruption()) return absl::DataLossError(absl::StrCat(message, kCorruptionHint));
  if (s.IsNoSpace() || absl::StrContains(s.ToString(), "No space left")) {
    return absl::ResourceExhaustedError(absl::StrCat(message, kNoSpaceHint));
  }
  if (s.IsIOError() && absl::StrContains(s.ToString(), "lock")) {
    if (absl::StrContains(s.ToString(), "Read-only")) return absl::FailedPreconditionError(message + kReadOnlyHint);
    return absl::FailedPreconditionError(absl::StrCat(message, " (is another passerelle-server using it?)"));
  }
  if (absl::StrContains(s.ToString(), "Read-only file system") || absl::StrContains(s.ToString(), "Permission denied")) {
    return absl::FailedPreconditionError(message + kReadOnlyHint);
  }
  if (s.IsIOError() || s.IsBusy() || s.IsTryAgain() || s.IsTimedOut()) return absl::UnavailableError(message);
  return absl::InternalError(message);
}

rocksdb::ColumnFamilyOptions FamilyOptions(const std::shared_ptr<rocksdb::Cache>& cache, bool defer_compactions) {
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));  // point lookups of absent ids skip files
  rocksdb::ColumnFamilyOptions family;
  family.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  // A bloom filter over the memtable's keys too: a put checks the owner of every id it writes, and on an
  // import most ids are new, so most of those lookups are misses that would otherwise search the memtable.
  family.memtable_prefix_bloom_size_ratio = 0.02;
  family.memtable_whole_key_filtering = true;
  family.disable_auto_compactions = defer_compactions;  // StoreOptions::defer_compactions
  return family;
}

rocksdb::DBOptions DatabaseOptions(const StoreOptions& options) {
  rocksdb::DBOptions db;
  db.create_if_missing = options.create_if_missing;
  db.create_missing_column_families = true;  // a directory from an older layout gains the new families
  db.paranoid_checks = true;
  // Erasure relies on flushed logs being deleted, not archived or recycled with old bytes inside.
  db.recycle_log_file_num = 0;
  db.WAL_ttl_seconds = 0;
  db.WAL_size_limit_MB = 0;
  db.keep_log_file_num = 5;
  // RocksDB's INFO lines quote the key range of manual compactions, i.e. the ids Erase() targets.
  db.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  db.max_background_jobs = 2;
  // No automatic resume after a write error: the store latches read-only (Store::NoteWrite) and the
  // operator restarts. RocksDB's resume flushes through the log writer that saw the error, which the
  // assertions of Debian's build abort on (seen with a full disk, tests/faults).
  db.max_bgerror_resume_count = 0;
  return db;
}

}  // namespace

absl::string_view RecordKindName(RecordKind kind) {
  switch (kind) {
    case RecordKind::kCandidate: return "candidate";
    case RecordKind::kOpening: return "opening";
    case RecordKind::kProfile: return "scoring profile";
  }
  return "record";
}

void WriteSet::PutRecord(RecordKind kind, std::string key, std::string value) {
  ops_.push_back({static_cast<int>(kind), std::move(key), std::move(value)});
}
void WriteSet::Put(const v1::ScoringProfile& p) {
  ops_.push_back({static_cast<int>(RecordKind::kProfile), p.name(), p.SerializeAsString()});
}
void WriteSet::Delete(RecordKind kind, absl::string_view id) {
  ops_.push_back({static_cast<int>(kind), std::string(id), std::nullopt});
}
void WriteSet::PutMetadata(absl::string_view key, absl::string_view value) {
  ops_.push_back({kMetadataFamily, std::string(key), std::string(value)});
}
void WriteSet::PutAudit(std::string key, std::string value) {
  ops_.push_back({kAuditFamily, std::move(key), std::move(value)});
}

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& dir, const StoreOptions& options) {
  const rocksdb::DBOptions db_options = DatabaseOptions(options);
  const rocksdb::ColumnFamilyOptions family_options =
      FamilyOptions(rocksdb::NewLRUCache(std::max<size_t>(options.block_cache_mib, 1) << 20), options.defer_compactions);

  // Open every family the directory has (a newer minor version may have added some) plus ours.
  std::vector<std::string> names(kFamilyNames.begin(), kFamilyNames.end());
  std::vector<std::string> existing;
  if (rocksdb::DB::ListColumnFamilies(db_options, dir, &existing).ok()) {
    for (const std::string& name : existing) {
      if (std::find(names.begin(), names.end(), name) == names.end() && name != rocksdb::kDefaultColumnFamilyName) {
        names.push_back(name);
      }
    }
  }
  names.push_back(rocksdb::kDefaultColumnFamilyName);
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : names) descriptors.emplace_back(name, family_options);

  std::unique_ptr<Store> store(new Store());
  store->dir_ = dir;
  store->options_ = options;
  rocksdb::DB* db = nullptr;
  const rocksdb::Status opened = rocksdb::DB::Open(db_options, dir, descriptors, &store->handles_, &db);
  // A directory whose CURRENT or MANIFEST names files that are not there is damaged, not busy.
  if (opened.IsIOError() && !opened.IsNoSpace() && absl::StrContains(opened.ToString(), "MANIFEST") &&
      !absl::StrContains(opened.ToString(), "Read-only")) {
    return absl::DataLossError(absl::StrCat("storage: opening \"", dir, "\": ", opened.ToString(), kCorruptionHint));
  }
  PASSERELLE_RETURN_IF_ERROR(FromRocks(opened, absl::StrCat("opening \"", dir, "\"")));
  store->db_.reset(db);

  PASSERELLE_ASSIGN_OR_RETURN(std::optional<std::string> schema, store->GetMetadata(kSchemaVersionKey));
  PASSERELLE_RETURN_IF_ERROR(store->LoadOrCreateSecret(!schema.has_value()));
  if (!schema) {
    WriteSet writes;
    writes.PutMetadata(kSchemaVersionKey, std::to_string(kStoreSchemaVersion));
    PASSERELLE_RETURN_IF_ERROR(store->Commit(writes));
  } else {
    int version = 0;
    auto [end, error] = std::from_chars(schema->data(), schema->data() + schema->size(), version);
    if (error != std::errc() || end != schema->data() + schema->size() || version > kStoreSchemaVersion) {
      return absl::FailedPreconditionError(absl::StrCat("storage: \"", dir, "\" has schema version \"", *schema,
                                                        "\"; this build reads up to ", kStoreSchemaVersion));
    }
    if (version == 1) {
      PASSERELLE_RETURN_IF_ERROR(store->MigrateFromVersion1());
      // The MANIFEST still names the old files' key ranges, i.e. bare ids; an Open writes a new one.
      store.reset();
      return Open(dir, options);
    }
  }
  return store;
}

Store::~Store() {
  if (!db_) return;
  if (write_failed_.load()) {
    // After a failed write RocksDB must not touch its write-ahead log again (Debian's build asserts, and
    // so aborts, when a log writer that saw an error is flushed, which Flush and Close do). The log on
    // disk holds every acknowledged write; the process is about to exit, so the handles are left open.
    (void)db_.release();
    return;
  }
  // Flushing the memtables on a clean close spares the next Open() replaying the write-ahead log (about
  // 0.7 s per 1M candidates). Best effort: if it fails, the log still holds everything.
  rocksdb::FlushOptions flush;
  flush.wait = true;
  flush.allow_write_stall = true;
  (void)db_->Flush(flush, handles_);
  for (rocksdb::ColumnFamilyHandle* handle : handles_) db_->DestroyColumnFamilyHandle(handle);
  for (auto& [name, handle] : spaces_) db_->DestroyColumnFamilyHandle(handle);
  db_->Close();
}

LogEntryScope::LogEntryScope(uint64_t sequence, absl::Time time)
    : sequence_(sequence), time_(time), previous_(current_entry) {
  current_entry = this;
}

LogEntryScope::~LogEntryScope() { current_entry = previous_; }

const LogEntryScope* LogEntryScope::Current() { return current_entry; }

absl::Status Store::Commit(const WriteSet& writes) { return CommitWith(writes, options_.sync_writes); }

absl::Status Store::CommitUnsynced(const WriteSet& writes) { return CommitWith(writes, false); }

absl::Status Store::SyncLog() {
  PASSERELLE_RETURN_IF_ERROR(CheckWritable());
  return NoteWrite(FromRocks(db_->SyncWAL(), "syncing the write-ahead log"));
}

absl::Status Store::ResumeCompactions() {
  if (!options_.defer_compactions) return absl::OkStatus();
  options_.defer_compactions = false;
  // SetOptions also schedules whatever compaction the families' files now call for.
  for (rocksdb::ColumnFamilyHandle* handle : handles_) {
    PASSERELLE_RETURN_IF_ERROR(
        FromRocks(db_->SetOptions(handle, {{"disable_auto_compactions", "false"}}), "resuming compactions"));
  }
  return absl::OkStatus();
}

absl::Status Store::CommitWith(const WriteSet& writes, bool sync) {
  LogEntryScope* entry = current_entry;
  if (writes.empty() && entry == nullptr) return absl::OkStatus();
  // Sized once: grown by doubling, a synced import's batch of 1000 records was copied about ten times.
  size_t bytes = kWriteBatchHeaderBytes;
  for (const WriteSet::Op& op : writes.ops_) bytes += kWriteBatchOpBytes + op.key.size() + (op.value ? op.value->size() : 0);
  rocksdb::WriteBatch batch(bytes);
  for (const WriteSet::Op& op : writes.ops_) {
    rocksdb::ColumnFamilyHandle* family = handles_[op.family];
    const rocksdb::Status s = op.value ? batch.Put(family, op.key, *op.value) : batch.Delete(family, op.key);
    PASSERELLE_RETURN_IF_ERROR(FromRocks(s, "building a write batch"));
  }
  if (entry != nullptr) {
    PASSERELLE_RETURN_IF_ERROR(FromRocks(
        batch.Put(handles_[kMetadataFamily], kAppliedSequenceKey, std::to_string(entry->sequence_)),
        "building a write batch"));
  }
  rocksdb::WriteOptions write_options;
  write_options.sync = sync;
  PASSERELLE_RETURN_IF_ERROR(CheckWritable());
  PASSERELLE_RETURN_IF_ERROR(NoteWrite(FromRocks(db_->Write(write_options, &batch), "writing")));
  if (entry != nullptr) entry->committed_ = true;
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> Store::AppliedSequence() const {
  PASSERELLE_ASSIGN_OR_RETURN(std::optional<std::string> value, GetMetadata(kAppliedSequenceKey));
  if (!value.has_value()) return uint64_t{0};
  uint64_t sequence = 0;
  const auto [end, error] = std::from_chars(value->data(), value->data() + value->size(), sequence);
  if (error != std::errc() || end != value->data() + value->size()) {
    return absl::DataLossError(absl::StrCat("storage: applied_sequence \"", *value, "\" is not a number"));
  }
  return sequence;
}

absl::Status Store::CheckWritable() const {
  if (!write_failed_.load()) return absl::OkStatus();
  std::lock_guard<std::mutex> lock(write_error_mu_);
  return absl::Status(write_error_.code(),
                      absl::StrCat(write_error_.message(), "; writes are refused until passerelle-server restarts"));
}

absl::Status Store::NoteWrite(absl::Status status) {
  // Latch I/O failures (full disk, read-only or failing device): later writes fail here without
  // reaching RocksDB, whose log writer is unusable after an error (RocksDB 7.8 may otherwise append to
  // it again), while reads go on.
  if (absl::IsResourceExhausted(status) || absl::IsUnavailable(status) || absl::IsFailedPrecondition(status) ||
      absl::IsDataLoss(status)) {
    std::lock_guard<std::mutex> lock(write_error_mu_);
    if (!write_failed_.load()) write_error_ = status;
    write_failed_.store(true);
  }
  return status;
}

absl::StatusOr<std::string> Store::GetRaw(int family, absl::string_view key) const {
  std::string value;
  const rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), handles_[family], rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return absl::NotFoundError("");
  PASSERELLE_RETURN_IF_ERROR(FromRocks(s, "reading"));
  return value;
}

namespace {

template <class Message>
absl::StatusOr<Message> ParseStored(absl::StatusOr<std::string> raw, RecordKind kind, absl::string_view id) {
  if (absl::IsNotFound(raw.status())) {
    return absl::NotFoundError(absl::StrCat("no ", RecordKindName(kind), " ", engine::Quote(id)));
  }
  PASSERELLE_RETURN_IF_ERROR(raw.status());
  Message message;
  if (!message.ParseFromString(*raw)) {
    return absl::DataLossError(absl::StrCat("storage: stored ", RecordKindName(kind), " \"", id, "\" does not parse"));
  }
  return message;
}

}  // namespace

absl::StatusOr<std::optional<std::string>> Store::GetValue(RecordKind kind, absl::string_view key) const {
  absl::StatusOr<std::string> raw = GetRaw(static_cast<int>(kind), key);
  if (absl::IsNotFound(raw.status())) return std::optional<std::string>();
  PASSERELLE_RETURN_IF_ERROR(raw.status());
  return std::optional<std::string>(std::move(*raw));
}

absl::StatusOr<v1::ScoringProfile> Store::GetProfile(absl::string_view name) const {
  return ParseStored<v1::ScoringProfile>(GetRaw(static_cast<int>(RecordKind::kProfile), name), RecordKind::kProfile,
                                         name);
}

absl::StatusOr<bool> Store::Contains(RecordKind kind, absl::string_view key) const {
  absl::StatusOr<std::string> raw = GetRaw(static_cast<int>(kind), key);
  if (absl::IsNotFound(raw.status())) return false;
  PASSERELLE_RETURN_IF_ERROR(raw.status());
  return true;
}

absl::StatusOr<std::vector<bool>> Store::ContainsEach(RecordKind kind, const std::vector<std::string>& keys) const {
  std::vector<bool> found(keys.size(), false);
  if (keys.empty()) return found;
  std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
  std::vector<rocksdb::PinnableSlice> values(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  db_->MultiGet(rocksdb::ReadOptions(), handles_[static_cast<int>(kind)], keys.size(), slices.data(), values.data(),
                statuses.data());
  for (size_t i = 0; i < keys.size(); ++i) {
    if (statuses[i].IsNotFound()) continue;
    PASSERELLE_RETURN_IF_ERROR(FromRocks(statuses[i], "reading"));
    found[i] = true;
  }
  return found;
}

absl::Status Store::ForEach(RecordKind kind,
                            const std::function<absl::Status(absl::string_view, absl::string_view)>& fn) const {
  rocksdb::ReadOptions read_options;
  read_options.fill_cache = false;  // a full scan would evict what point lookups need
  read_options.readahead_size = 2 << 20;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options, handles_[static_cast<int>(kind)]));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    PASSERELLE_RETURN_IF_ERROR(fn(absl::string_view(it->key().data(), it->key().size()),
                                  absl::string_view(it->value().data(), it->value().size())));
  }
  return FromRocks(it->status(), absl::StrCat("scanning ", RecordKindName(kind), "s"));
}

absl::StatusOr<std::optional<std::string>> Store::GetMetadata(absl::string_view key) const {
  absl::StatusOr<std::string> raw = GetRaw(kMetadataFamily, key);
  if (absl::IsNotFound(raw.status())) return std::optional<std::string>();
  PASSERELLE_RETURN_IF_ERROR(raw.status());
  return std::optional<std::string>(std::move(*raw));
}

absl::Status Store::Erase(RecordKind kind, const std::vector<std::string>& ids) {
  if (ids.empty()) return absl::OkStatus();
  PASSERELLE_RETURN_IF_ERROR(CheckWritable());
  // Obsolete log files are deleted by the flush below (DatabaseOptions: no archive, no recycling).
  // 1. Every family, so that the log files that held the record stop being live and are deleted.
  rocksdb::FlushOptions flush;
  flush.wait = true;
  flush.allow_write_stall = true;
  PASSERELLE_RETURN_IF_ERROR(NoteWrite(FromRocks(db_->Flush(flush, handles_), "flushing for erasure")));
  // 2. The keys' range, down to the bottom level, where the tombstones drop the old values and themselves.
  const auto [min_it, max_it] = std::minmax_element(ids.begin(), ids.end());
  const rocksdb::Slice begin(*min_it), end(*max_it);
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  PASSERELLE_RETURN_IF_ERROR(FromRocks(db_->CompactRange(compact, handles_[static_cast<int>(kind)], &begin, &end),
                                       "compacting for erasure"));
  // 3. The compaction's input files may still be waiting for a background purge when CompactRange returns;
  // re-enabling file deletions purges every obsolete file on this thread, before the delete is answered.
  PASSERELLE_RETURN_IF_ERROR(FromRocks(db_->DisableFileDeletions(), "holding file deletions for erasure"));
  return FromRocks(db_->EnableFileDeletions(/*force=*/true), "purging obsolete files for erasure");
}

absl::Status Store::Checkpoint(const std::string& checkpoint_dir) const {
  PASSERELLE_RETURN_IF_ERROR(CheckWritable());  // a checkpoint flushes the memtables
  rocksdb::Checkpoint* raw = nullptr;
  PASSERELLE_RETURN_IF_ERROR(FromRocks(rocksdb::Checkpoint::Create(db_.get(), &raw), "preparing a checkpoint"));
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  PASSERELLE_RETURN_IF_ERROR(FromRocks(checkpoint->CreateCheckpoint(checkpoint_dir),
                                       absl::StrCat("checkpoint to \"", checkpoint_dir, "\"")));
  std::error_code error;
  std::filesystem::copy_file(std::filesystem::path(dir_) / kSecretFile,
                             std::filesystem::path(checkpoint_dir) / kSecretFile, error);
  if (error) {
    return absl::UnavailableError(
        absl::StrCat("storage: copying the record key secret into \"", checkpoint_dir, "\": ", error.message()));
  }
  return absl::OkStatus();
}

absl::Status Store::LoadOrCreateSecret(bool new_directory) {
  const std::string path = (std::filesystem::path(dir_) / kSecretFile).string();
  std::ifstream in(path, std::ios::binary);
  if (in) {
    std::string secret((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (secret.size() != kRecordSecretBytes) {
      return absl::DataLossError(absl::StrCat("storage: \"", path, "\" is not a record key secret (",
                                              secret.size(), " bytes): restore it from the backup the data "
                                              "directory comes from"));
    }
    keyer_ = std::make_unique<RecordKeyer>(std::move(secret));
    return absl::OkStatus();
  }
  // A directory whose records are keyed (schema 2) but whose secret is gone cannot find them again.
  if (!new_directory && GetMetadata(kSchemaVersionKey).value_or(std::nullopt) != std::optional<std::string>("1")) {
    return absl::FailedPreconditionError(absl::StrCat("storage: \"", path,
                                                      "\" is missing; restore it from the backup the data "
                                                      "directory comes from (records are keyed with it)"));
  }
  PASSERELLE_ASSIGN_OR_RETURN(std::string secret, NewRecordSecret());
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return absl::UnavailableError(absl::StrCat("storage: cannot create \"", path, "\""));
  const bool written = ::write(fd, secret.data(), secret.size()) == static_cast<ssize_t>(secret.size()) &&
                       ::fsync(fd) == 0;
  ::close(fd);
  if (!written) return absl::UnavailableError(absl::StrCat("storage: cannot write \"", path, "\""));
  keyer_ = std::make_unique<RecordKeyer>(std::move(secret));
  return absl::OkStatus();
}

// Schema 1 keyed records by bare id. Rewrites each under RecordKey(owner_id, id), update time = now, and
// drops the old keys from the files, all before the directory is used.
absl::Status Store::MigrateFromVersion1() {
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  for (RecordKind kind : {RecordKind::kCandidate, RecordKind::kOpening}) {
    WriteSet writes;
    PASSERELLE_RETURN_IF_ERROR(ForEach(kind, [&](absl::string_view key, absl::string_view value) {
      std::string owner;
      bool parsed = false;
      if (kind == RecordKind::kCandidate) {
        v1::Candidate record;
        parsed = record.ParseFromArray(value.data(), static_cast<int>(value.size()));
        owner = record.owner_id();
      } else {
        v1::Opening record;
        parsed = record.ParseFromArray(value.data(), static_cast<int>(value.size()));
        owner = record.owner_id();
      }
      writes.Delete(kind, key);
      // A record that does not parse has no owner to key it by: it is dropped (it could not load anyway).
      if (parsed) writes.PutRecord(kind, RecordKey(owner, key), EncodeStoredValue(now, value));
      return absl::OkStatus();
    }));
    PASSERELLE_RETURN_IF_ERROR(Commit(writes));
  }
  WriteSet version;
  version.PutMetadata(kSchemaVersionKey, std::to_string(kStoreSchemaVersion));
  PASSERELLE_RETURN_IF_ERROR(Commit(version));
  rocksdb::FlushOptions flush;
  flush.wait = true;
  PASSERELLE_RETURN_IF_ERROR(FromRocks(db_->Flush(flush, handles_), "flushing after migration"));
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  for (RecordKind kind : {RecordKind::kCandidate, RecordKind::kOpening}) {
    PASSERELLE_RETURN_IF_ERROR(FromRocks(db_->CompactRange(compact, handles_[static_cast<int>(kind)], nullptr, nullptr),
                                         "compacting after migration"));
  }
  return absl::OkStatus();
}

absl::Status Store::ForEachAudit(
    absl::string_view start_key,
    const std::function<absl::StatusOr<bool>(absl::string_view, absl::string_view)>& fn) const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), handles_[kAuditFamily]));
  for (it->Seek(rocksdb::Slice(start_key.data(), start_key.size())); it->Valid(); it->Next()) {
    PASSERELLE_ASSIGN_OR_RETURN(const bool more, fn(absl::string_view(it->key().data(), it->key().size()),
                                                    absl::string_view(it->value().data(), it->value().size())));
    if (!more) return absl::OkStatus();
  }
  return FromRocks(it->status(), "scanning the audit log");
}

absl::StatusOr<std::string> Store::LastAuditKey() const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), handles_[kAuditFamily]));
  it->SeekToLast();
  PASSERELLE_RETURN_IF_ERROR(FromRocks(it->status(), "reading the audit log"));
  return it->Valid() ? it->key().ToString() : std::string();
}

absl::Status Store::DeleteAuditBefore(absl::string_view end_key) {
  const rocksdb::Slice begin(""), end(end_key.data(), end_key.size());
  rocksdb::WriteOptions write_options;
  write_options.sync = options_.sync_writes;
  PASSERELLE_RETURN_IF_ERROR(CheckWritable());
  PASSERELLE_RETURN_IF_ERROR(NoteWrite(FromRocks(db_->DeleteRange(write_options, handles_[kAuditFamily], begin, end),
                                                 "deleting old audit entries")));
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  return FromRocks(db_->CompactRange(compact, handles_[kAuditFamily], nullptr, &end), "compacting the audit log");
}

absl::StatusOr<rocksdb::ColumnFamilyHandle*> Store::SpaceFamily(absl::string_view space) const {
  std::lock_guard<std::mutex> lock(spaces_mu_);
  for (rocksdb::ColumnFamilyHandle* handle : handles_) {
    if (handle->GetName() == space) return handle;
  }
  if (auto it = spaces_.find(space); it != spaces_.end()) return it->second;
  rocksdb::ColumnFamilyHandle* handle = nullptr;
  PASSERELLE_RETURN_IF_ERROR(CheckWritable());
  PASSERELLE_RETURN_IF_ERROR(FromRocks(db_->CreateColumnFamily(rocksdb::ColumnFamilyOptions(), std::string(space), &handle),
                                       absl::StrCat("creating the \"", space, "\" family")));
  spaces_.emplace(std::string(space), handle);
  return handle;
}

absl::Status Store::PutInSpace(absl::string_view space, absl::string_view key, absl::string_view value) {
  PASSERELLE_ASSIGN_OR_RETURN(rocksdb::ColumnFamilyHandle * family, SpaceFamily(space));
  rocksdb::WriteBatch batch;
  PASSERELLE_RETURN_IF_ERROR(FromRocks(batch.Put(family, rocksdb::Slice(key.data(), key.size()),
                                                 rocksdb::Slice(value.data(), value.size())),
                                       "building a write batch"));
  return WriteSpaceBatch(batch, absl::StrCat("writing to \"", space, "\""));
}

absl::Status Store::DeleteInSpace(absl::string_view space, absl::string_view key) {
  PASSERELLE_ASSIGN_OR_RETURN(rocksdb::ColumnFamilyHandle * family, SpaceFamily(space));
  rocksdb::WriteBatch batch;
  PASSERELLE_RETURN_IF_ERROR(
      FromRocks(batch.Delete(family, rocksdb::Slice(key.data(), key.size())), "building a write batch"));
  return WriteSpaceBatch(batch, absl::StrCat("deleting from \"", space, "\""));
}

// Always synced; inside a LogEntryScope the entry's sequence goes in the same batch, as in Commit(), so
// the access registry's writes in cluster mode are applied exactly once too.
absl::Status Store::WriteSpaceBatch(rocksdb::WriteBatch& batch, absl::string_view what) {
  LogEntryScope* entry = current_entry;
  if (entry != nullptr) {
    PASSERELLE_RETURN_IF_ERROR(FromRocks(
        batch.Put(handles_[kMetadataFamily], kAppliedSequenceKey, std::to_string(entry->sequence_)),
        "building a write batch"));
  }
  rocksdb::WriteOptions write_options;
  write_options.sync = true;
  PASSERELLE_RETURN_IF_ERROR(CheckWritable());
  PASSERELLE_RETURN_IF_ERROR(NoteWrite(FromRocks(db_->Write(write_options, &batch), what)));
  if (entry != nullptr) entry->committed_ = true;
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> Store::ScanSpace(absl::string_view space,
                                                                                  absl::string_view prefix) const {
  PASSERELLE_ASSIGN_OR_RETURN(rocksdb::ColumnFamilyHandle * family, SpaceFamily(space));
  std::vector<std::pair<std::string, std::string>> out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), family));
  for (it->Seek(rocksdb::Slice(prefix.data(), prefix.size())); it->Valid() && it->key().starts_with(
           rocksdb::Slice(prefix.data(), prefix.size())); it->Next()) {
    out.emplace_back(it->key().ToString(), it->value().ToString());
  }
  PASSERELLE_RETURN_IF_ERROR(FromRocks(it->status(), absl::StrCat("scanning \"", space, "\"")));
  return out;
}

std::optional<uint64_t> Store::DbIntProperty(absl::string_view property) const {
  uint64_t value = 0;
  if (!db_->GetIntProperty(rocksdb::Slice(property.data(), property.size()), &value)) return std::nullopt;
  return value;
}

std::optional<uint64_t> Store::FamiliesIntProperty(absl::string_view property) const {
  uint64_t sum = 0;
  for (rocksdb::ColumnFamilyHandle* handle : handles_) {
    uint64_t value = 0;
    if (!db_->GetIntProperty(handle, rocksdb::Slice(property.data(), property.size()), &value)) return std::nullopt;
    sum += value;
  }
  return sum;
}

std::optional<uint64_t> Store::AuditIntProperty(absl::string_view property) const {
  uint64_t value = 0;
  if (!db_->GetIntProperty(handles_[kAuditFamily], rocksdb::Slice(property.data(), property.size()), &value)) {
    return std::nullopt;
  }
  return value;
}

}  // namespace passerelle::engine
