#include "engine/store/store.h"

#include <algorithm>
#include <charconv>

#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "engine/common/status_macros.h"
#include "rocksdb/cache.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/table.h"
#include "rocksdb/utilities/checkpoint.h"

namespace passerelle::engine {
namespace {

constexpr int kMetadataFamily = kRecordKindCount;
// Family names, indexed like Store::handles_.
constexpr std::array<const char*, kRecordKindCount + 1> kFamilyNames = {"candidates", "openings", "profiles",
                                                                         "metadata"};
constexpr char kSchemaVersionKey[] = "schema_version";

// RocksDB's Status stops here: every failure becomes an absl::Status saying what was being done.
absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  const std::string message = absl::StrCat("storage: ", what, ": ", s.ToString());
  if (s.IsNotFound()) return absl::NotFoundError(message);
  if (s.IsCorruption()) return absl::DataLossError(message);
  if (s.IsNoSpace()) return absl::ResourceExhaustedError(message);
  if (s.IsIOError() && absl::StrContains(s.ToString(), "lock")) {
    return absl::FailedPreconditionError(absl::StrCat(message, " (is another passerelle-server using it?)"));
  }
  if (s.IsIOError() || s.IsBusy() || s.IsTryAgain() || s.IsTimedOut()) return absl::UnavailableError(message);
  return absl::InternalError(message);
}

rocksdb::ColumnFamilyOptions FamilyOptions(const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));  // point lookups of absent ids skip files
  rocksdb::ColumnFamilyOptions family;
  family.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  // A bloom filter over the memtable's keys too: a put checks the owner of every id it writes, and on an
  // import most ids are new, so most of those lookups are misses that would otherwise search the memtable.
  family.memtable_prefix_bloom_size_ratio = 0.02;
  family.memtable_whole_key_filtering = true;
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

void WriteSet::Put(const v1::Candidate& c) {
  ops_.push_back({static_cast<int>(RecordKind::kCandidate), c.id(), c.SerializeAsString()});
}
void WriteSet::Put(const v1::Opening& o) {
  ops_.push_back({static_cast<int>(RecordKind::kOpening), o.id(), o.SerializeAsString()});
}
void WriteSet::Put(const v1::ScoringProfile& p) {
  ops_.push_back({static_cast<int>(RecordKind::kProfile), p.name(), p.SerializeAsString()});
}
void WriteSet::PutSerialized(RecordKind kind, std::string id, std::string bytes) {
  ops_.push_back({static_cast<int>(kind), std::move(id), std::move(bytes)});
}
void WriteSet::Delete(RecordKind kind, absl::string_view id) {
  ops_.push_back({static_cast<int>(kind), std::string(id), std::nullopt});
}
void WriteSet::PutMetadata(absl::string_view key, absl::string_view value) {
  ops_.push_back({kMetadataFamily, std::string(key), std::string(value)});
}

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& dir, const StoreOptions& options) {
  const rocksdb::DBOptions db_options = DatabaseOptions(options);
  const rocksdb::ColumnFamilyOptions family_options =
      FamilyOptions(rocksdb::NewLRUCache(std::max<size_t>(options.block_cache_mib, 1) << 20));

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
  PASSERELLE_RETURN_IF_ERROR(FromRocks(rocksdb::DB::Open(db_options, dir, descriptors, &store->handles_, &db),
                                       absl::StrCat("opening \"", dir, "\"")));
  store->db_.reset(db);

  PASSERELLE_ASSIGN_OR_RETURN(std::optional<std::string> schema, store->GetMetadata(kSchemaVersionKey));
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
  }
  return store;
}

Store::~Store() {
  if (!db_) return;
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

absl::Status Store::Commit(const WriteSet& writes) {
  if (writes.empty()) return absl::OkStatus();
  rocksdb::WriteBatch batch;
  for (const WriteSet::Op& op : writes.ops_) {
    rocksdb::ColumnFamilyHandle* family = handles_[op.family];
    const rocksdb::Status s = op.value ? batch.Put(family, op.key, *op.value) : batch.Delete(family, op.key);
    PASSERELLE_RETURN_IF_ERROR(FromRocks(s, "building a write batch"));
  }
  rocksdb::WriteOptions write_options;
  write_options.sync = options_.sync_writes;
  return FromRocks(db_->Write(write_options, &batch), "writing");
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
    return absl::NotFoundError(absl::StrCat("no ", RecordKindName(kind), " \"", id, "\""));
  }
  PASSERELLE_RETURN_IF_ERROR(raw.status());
  Message message;
  if (!message.ParseFromString(*raw)) {
    return absl::DataLossError(absl::StrCat("storage: stored ", RecordKindName(kind), " \"", id, "\" does not parse"));
  }
  return message;
}

}  // namespace

absl::StatusOr<v1::Candidate> Store::GetCandidate(absl::string_view id) const {
  return ParseStored<v1::Candidate>(GetRaw(static_cast<int>(RecordKind::kCandidate), id), RecordKind::kCandidate, id);
}

absl::StatusOr<v1::Opening> Store::GetOpening(absl::string_view id) const {
  return ParseStored<v1::Opening>(GetRaw(static_cast<int>(RecordKind::kOpening), id), RecordKind::kOpening, id);
}

absl::StatusOr<v1::ScoringProfile> Store::GetProfile(absl::string_view name) const {
  return ParseStored<v1::ScoringProfile>(GetRaw(static_cast<int>(RecordKind::kProfile), name), RecordKind::kProfile,
                                         name);
}

absl::StatusOr<bool> Store::Contains(RecordKind kind, absl::string_view id) const {
  absl::StatusOr<std::string> raw = GetRaw(static_cast<int>(kind), id);
  if (absl::IsNotFound(raw.status())) return false;
  PASSERELLE_RETURN_IF_ERROR(raw.status());
  return true;
}

absl::StatusOr<std::vector<std::string>> Store::GetOwners(RecordKind kind,
                                                         const std::vector<std::string>& ids) const {
  std::vector<std::string> owners(ids.size());
  if (ids.empty()) return owners;
  std::vector<rocksdb::Slice> keys;
  keys.reserve(ids.size());
  for (const std::string& id : ids) keys.emplace_back(id);
  std::vector<rocksdb::PinnableSlice> values(ids.size());
  std::vector<rocksdb::Status> statuses(ids.size());
  db_->MultiGet(rocksdb::ReadOptions(), handles_[static_cast<int>(kind)], ids.size(), keys.data(), values.data(),
                statuses.data());
  for (size_t i = 0; i < ids.size(); ++i) {
    if (statuses[i].IsNotFound()) continue;
    PASSERELLE_RETURN_IF_ERROR(FromRocks(statuses[i], "reading"));
    bool parsed = false;
    const int size = static_cast<int>(values[i].size());
    if (kind == RecordKind::kCandidate) {
      v1::Candidate record;
      parsed = record.ParseFromArray(values[i].data(), size);
      owners[i] = record.owner_id();
    } else if (kind == RecordKind::kOpening) {
      v1::Opening record;
      parsed = record.ParseFromArray(values[i].data(), size);
      owners[i] = record.owner_id();
    } else {
      return absl::InvalidArgumentError("storage: scoring profiles have no owner");
    }
    if (!parsed) {
      return absl::DataLossError(
          absl::StrCat("storage: stored ", RecordKindName(kind), " \"", ids[i], "\" does not parse"));
    }
  }
  return owners;
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
  // 1. Every family, so that the log files that held the record stop being live and are deleted.
  rocksdb::FlushOptions flush;
  flush.wait = true;
  flush.allow_write_stall = true;
  PASSERELLE_RETURN_IF_ERROR(FromRocks(db_->Flush(flush, handles_), "flushing for erasure"));
  // 2. The keys' range, down to the bottom level, where the tombstones drop the old values and themselves.
  const auto [min_it, max_it] = std::minmax_element(ids.begin(), ids.end());
  const rocksdb::Slice begin(*min_it), end(*max_it);
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  return FromRocks(db_->CompactRange(compact, handles_[static_cast<int>(kind)], &begin, &end),
                   "compacting for erasure");
}

absl::Status Store::Checkpoint(const std::string& checkpoint_dir) const {
  rocksdb::Checkpoint* raw = nullptr;
  PASSERELLE_RETURN_IF_ERROR(FromRocks(rocksdb::Checkpoint::Create(db_.get(), &raw), "preparing a checkpoint"));
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  return FromRocks(checkpoint->CreateCheckpoint(checkpoint_dir), absl::StrCat("checkpoint to \"", checkpoint_dir, "\""));
}

absl::StatusOr<rocksdb::ColumnFamilyHandle*> Store::SpaceFamily(absl::string_view space) const {
  std::lock_guard<std::mutex> lock(spaces_mu_);
  for (rocksdb::ColumnFamilyHandle* handle : handles_) {
    if (handle->GetName() == space) return handle;
  }
  if (auto it = spaces_.find(space); it != spaces_.end()) return it->second;
  rocksdb::ColumnFamilyHandle* handle = nullptr;
  PASSERELLE_RETURN_IF_ERROR(FromRocks(db_->CreateColumnFamily(rocksdb::ColumnFamilyOptions(), std::string(space), &handle),
                                       absl::StrCat("creating the \"", space, "\" family")));
  spaces_.emplace(std::string(space), handle);
  return handle;
}

absl::Status Store::PutInSpace(absl::string_view space, absl::string_view key, absl::string_view value) {
  PASSERELLE_ASSIGN_OR_RETURN(rocksdb::ColumnFamilyHandle * family, SpaceFamily(space));
  rocksdb::WriteOptions write_options;
  write_options.sync = true;
  return FromRocks(db_->Put(write_options, family, rocksdb::Slice(key.data(), key.size()),
                            rocksdb::Slice(value.data(), value.size())),
                   absl::StrCat("writing to \"", space, "\""));
}

absl::Status Store::DeleteInSpace(absl::string_view space, absl::string_view key) {
  PASSERELLE_ASSIGN_OR_RETURN(rocksdb::ColumnFamilyHandle * family, SpaceFamily(space));
  rocksdb::WriteOptions write_options;
  write_options.sync = true;
  return FromRocks(db_->Delete(write_options, family, rocksdb::Slice(key.data(), key.size())),
                   absl::StrCat("deleting from \"", space, "\""));
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

}  // namespace passerelle::engine
