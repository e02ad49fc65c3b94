#include "engine/store/catalog.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "absl/cleanup/cleanup.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/common/field_status.h"
#include "engine/common/parallel.h"
#include "engine/common/quote.h"
#include "engine/common/status_macros.h"
#include "engine/model/dates.h"
#include "engine/store/record_codec.h"

namespace passerelle::engine {
namespace {

constexpr char kReferenceDataVersionKey[] = "reference_data_version";
constexpr char kDefaultProfileName[] = "default";

// What differs between candidates and openings, for the templates below.
struct CandidateKind {
  using Record = Candidate;
  using Resolved = ResolvedCandidate;
  using Proto = v1::Candidate;
  static constexpr RecordKind kKind = RecordKind::kCandidate;
  // Validated with the record's own id, then known to the index by its qualified id.
  // Taking the record (a start-up resolves a million and keeps none); a write's caller keeps its copy.
  static absl::StatusOr<Resolved> ResolveValue(const MatchIndex& index, Record&& r) {
    PASSERELLE_ASSIGN_OR_RETURN(Resolved resolved, ResolveCandidate(std::move(r), index.data()));
    resolved.record.id = QualifiedId(resolved.record.owner_id, resolved.record.id);
    return resolved;
  }
  static absl::StatusOr<Resolved> ResolveValue(const MatchIndex& index, const Record& r) {
    return ResolveValue(index, Record(r));
  }
  static absl::StatusOr<std::shared_ptr<const Resolved>> Resolve(const MatchIndex& index, const Record& r) {
    PASSERELLE_ASSIGN_OR_RETURN(Resolved resolved, ResolveValue(index, r));
    return std::make_shared<const Resolved>(std::move(resolved));
  }
  static void Upsert(MatchIndex& index, absl::Span<const std::shared_ptr<const Resolved>> rs) {
    index.UpsertCandidates(rs);
  }
  static void UpsertIf(MatchIndex& index, absl::Span<const std::shared_ptr<const Resolved>> rs,
                       const std::function<bool()>& durable) {
    index.UpsertCandidatesIf(rs, durable);
  }
  static void Remove(MatchIndex& index, const std::string& id) { index.RemoveCandidate(id); }
  static void SetExpiry(Day, Record*) {}  // candidates have no expiry
  static bool Indexed(const MatchIndex& index, const std::string& id) { return index.FindCandidate(id) != nullptr; }
  static std::string Encode(const Record& r, google::protobuf::Arena* arena) { return EncodeCandidate(r, arena); }
  static absl::StatusOr<Record> Decode(const Proto& p) { return CandidateFromProto(p); }
};

struct OpeningKind {
  using Record = Opening;
  using Resolved = ResolvedOpening;
  using Proto = v1::Opening;
  static constexpr RecordKind kKind = RecordKind::kOpening;
  // Validated with the record's own id, then known to the index by its qualified id.
  static absl::StatusOr<std::shared_ptr<const Resolved>> Resolve(const MatchIndex& index, const Record& r) {
    PASSERELLE_ASSIGN_OR_RETURN(Resolved resolved, ResolveOpening(r, index.data()));
    resolved.record.id = QualifiedId(r.owner_id, r.id);
    return std::make_shared<const Resolved>(std::move(resolved));
  }
  static void Upsert(MatchIndex& index, absl::Span<const std::shared_ptr<const Resolved>> rs) {
    index.UpsertOpenings(rs);
  }
  static void UpsertIf(MatchIndex& index, absl::Span<const std::shared_ptr<const Resolved>> rs,
                       const std::function<bool()>& durable) {
    index.UpsertOpeningsIf(rs, durable);
  }
  static void Remove(MatchIndex& index, const std::string& id) { index.RemoveOpening(id); }
  // The expiry given beside the record becomes the record's, so the index holds it too (queries filter on it).
  static void SetExpiry(Day expires_on, Record* r) { r->expires_on = expires_on; }
  static bool Indexed(const MatchIndex& index, const std::string& id) { return index.FindOpening(id) != nullptr; }
  static std::string Encode(const Record& r, google::protobuf::Arena* arena) { return EncodeOpening(r, arena); }
  static absl::StatusOr<Record> Decode(const Proto& p) { return OpeningFromProto(p); }
};

int ThreadsOr(int requested) {
  if (requested > 0) return requested;
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

// Below this many records a put resolves on the caller's thread: starting a thread costs more.
constexpr size_t kParallelPutRecords = 64;
// Stored records handed to a load worker at a time, and how many such chunks may be scanned ahead of the
// index (bounds the memory held by the pipeline).
constexpr size_t kLoadChunkRecords = 512;
constexpr size_t kLoadChunksAhead = 16;

absl::Status NoRecord(RecordKind kind, absl::string_view id) {
  return absl::NotFoundError(absl::StrCat("no ", RecordKindName(kind), " ", engine::Quote(id)));
}

// Organisation ids: [a-z0-9][a-z0-9._-]{0,63} (server/auth enforces the same pattern on credentials).
absl::Status ValidateOrganisation(absl::string_view organisation) {
  bool ok = !organisation.empty() && organisation.size() <= kMaxOrganisationBytes &&
            organisation[0] != '.' && organisation[0] != '_' && organisation[0] != '-';
  for (char ch : organisation) {
    ok &= (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
  }
  if (ok) return absl::OkStatus();
  return InvalidFieldError(
      "owner_id", absl::StrCat("organisation ", engine::Quote(organisation), " does not match [a-z0-9][a-z0-9._-]{0,63}"));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Catalog>> Catalog::Open(const std::string& dir,
                                                       std::shared_ptr<const ReferenceData> data,
                                                       const CatalogOptions& options) {
  std::unique_ptr<Catalog> catalog(new Catalog(std::move(data), options));
  // Compactions wait until the index is built: the load reads every record, and on two cores a
  // compaction of the files it reads (after an import, say) slowed it by about a fifth.
  StoreOptions store_options = options.store;
  store_options.defer_compactions = true;
  PASSERELLE_ASSIGN_OR_RETURN(catalog->store_, Store::Open(dir, store_options));
  PASSERELLE_ASSIGN_OR_RETURN(catalog->audit_, AuditLog::Open(catalog->store_.get(), options.audit));
  PASSERELLE_RETURN_IF_ERROR(catalog->Load());
  PASSERELLE_RETURN_IF_ERROR(catalog->store_->ResumeCompactions());
  return catalog;
}

absl::Status Catalog::Load() {
  const absl::Time start = absl::Now();
  PASSERELLE_ASSIGN_OR_RETURN(std::optional<std::string> previous, store_->GetMetadata(kReferenceDataVersionKey));
  load_report_.previous_reference_data_version = previous.value_or("");
  PASSERELLE_RETURN_IF_ERROR(LoadProfiles());
  PASSERELLE_RETURN_IF_ERROR(LoadRecords<CandidateKind>(&load_report_.candidates_loaded));
#ifdef __GLIBC__
  // The load's chunks and encoded rows (about 270 MB at 1M candidates) are freed by now, scattered over
  // the threads' malloc arenas; hand their pages back rather than keep them resident for the process's
  // life (docs/operations.md, "Memory").
  malloc_trim(0);
#endif
  {
    // Openings arrive in storage order: one reorder into place order at the end, not one per threshold.
    index_.PauseOpeningReorders(true);
    absl::Cleanup resume = [this] { index_.PauseOpeningReorders(false); };
    PASSERELLE_RETURN_IF_ERROR(LoadRecords<OpeningKind>(&load_report_.openings_loaded));
  }
  index_.ReorderOpenings();
  if (previous != data().version()) {
    WriteSet writes;
    writes.PutMetadata(kReferenceDataVersionKey, data().version());
    PASSERELLE_RETURN_IF_ERROR(store_->Commit(writes));
  }
  {
    std::lock_guard<std::mutex> lock(state_mu_);
    for (const auto& [key, reason] : invalid_) load_report_.invalid.push_back({key.first, key.second, reason});
  }
  load_report_.seconds = absl::ToDoubleSeconds(absl::Now() - start);
  return absl::OkStatus();
}

// Start-up pipeline: this thread scans RocksDB into chunks of raw bytes; workers parse, decode and resolve
// chunks in any order; an applier thread takes the results in scan order and records the invalid ones.
// Openings are applied to the index in batches of load_batch_records. Candidates are packed and encoded
// by the workers (MatchIndex::EncodeCandidate, no record object kept) and the index takes them all at
// the end, in place order, in one pass (MatchIndex::LoadCandidates): applying them batch by batch and
// then reordering built every row twice and was most of a start-up (perf at 1M, 2026-12-02). The
// per-record checks are the same as a single-threaded load, so the index and the invalid list do not
// depend on the thread count.
template <class Kind>
absl::Status Catalog::LoadRecords(int64_t* loaded) {
  constexpr bool kCandidates = Kind::kKind == RecordKind::kCandidate;
  struct Chunk {
    std::string bytes;                                // keys and values, back to back
    std::vector<std::pair<size_t, size_t>> entries;  // (key size, value size) in `bytes` order
  };
  struct Result {
    std::vector<std::shared_ptr<const typename Kind::Resolved>> resolved;  // openings
    EncodedCandidates rows;                                                // candidates
    std::vector<std::pair<std::string, std::string>> invalid;  // qualified id -> reason
  };
  struct Pipeline {
    std::mutex mu;  // guards the rest
    std::condition_variable changed;
    std::deque<std::pair<uint64_t, Chunk>> todo;
    absl::flat_hash_map<uint64_t, Result> done;
    uint64_t scanned = 0;  // chunks handed over
    uint64_t applied = 0;  // chunks applied to the index
    bool scan_over = false;
  } pipe;

  auto process = [this](const Chunk& chunk) {
    Result result;
    if constexpr (!kCandidates) result.resolved.reserve(chunk.entries.size());
    // A packed candidate is a little smaller than its stored bytes (about 164 of 188 at 1M).
    if constexpr (kCandidates) result.rows.Reserve(chunk.entries.size(), chunk.bytes.size());
    // One message for the chunk: parsing into it again reuses its strings and repeated fields.
    typename Kind::Proto proto;
    size_t offset = 0;
    for (const auto& [key_size, value_size] : chunk.entries) {
      const absl::string_view key(chunk.bytes.data() + offset, key_size);
      const char* value = chunk.bytes.data() + offset + key_size;
      offset += key_size + value_size;
      // Named by its qualified id once it parses; before that by its stored key, in hex (either spelled
      // out only for an invalid record, not for each of the million loaded).
      bool parsed = false;
      auto invalid = [&](std::string reason) {
        result.invalid.emplace_back(parsed ? QualifiedId(proto.owner_id(), proto.id())
                                           : absl::StrCat("?", absl::BytesToHexString(key)),
                                    std::move(reason));
      };
      absl::StatusOr<StoredValue> stored = DecodeStoredValue(absl::string_view(value, value_size));
      proto.Clear();
      if (!stored.ok() ||
          !proto.ParseFromArray(stored->record.data(), static_cast<int>(stored->record.size()))) {
        invalid("stored bytes do not parse");
        continue;
      }
      parsed = true;
      if (store_->RecordKey(proto.owner_id(), proto.id()) != key) {
        invalid("id: stored under another key");
        continue;
      }
      absl::StatusOr<typename Kind::Record> record = Kind::Decode(proto);
      if (!record.ok()) {
        invalid(std::string(record.status().message()));
        continue;
      }
      if constexpr (kCandidates) {
        absl::StatusOr<ResolvedCandidate> resolved = Kind::ResolveValue(index_, *std::move(record));
        if (!resolved.ok()) {
          invalid(std::string(resolved.status().message()));
          continue;
        }
        index_.EncodeCandidate(*resolved, &result.rows);
      } else {
        auto resolved = Kind::Resolve(index_, *record);
        if (!resolved.ok()) {
          invalid(std::string(resolved.status().message()));
          continue;
        }
        result.resolved.push_back(*std::move(resolved));
      }
    }
    return result;
  };

  auto worker = [&pipe, &process] {
    while (true) {
      std::pair<uint64_t, Chunk> job;
      {
        std::unique_lock<std::mutex> lock(pipe.mu);
        pipe.changed.wait(lock, [&pipe] { return !pipe.todo.empty() || pipe.scan_over; });
        if (pipe.todo.empty()) return;
        job = std::move(pipe.todo.front());
        pipe.todo.pop_front();
      }
      pipe.changed.notify_all();  // room for the scanner
      Result result = process(job.second);
      {
        std::lock_guard<std::mutex> lock(pipe.mu);
        pipe.done.emplace(job.first, std::move(result));
      }
      pipe.changed.notify_all();
    }
  };

  std::vector<EncodedCandidates> candidate_parts;  // in scan order
  // [&]: candidate_parts is used only by the candidates' instantiation (clang warns on an unused capture).
  auto applier = [&] {
    std::vector<std::shared_ptr<const typename Kind::Resolved>> batch;
    auto flush = [&] {
      if (batch.empty()) return;
      Kind::Upsert(index_, batch);
      *loaded += static_cast<int64_t>(batch.size());
      batch.clear();
    };
    while (true) {
      Result result;
      {
        std::unique_lock<std::mutex> lock(pipe.mu);
        pipe.changed.wait(lock, [&pipe] {
          return pipe.done.contains(pipe.applied) || (pipe.scan_over && pipe.applied == pipe.scanned);
        });
        auto it = pipe.done.find(pipe.applied);
        if (it == pipe.done.end()) break;  // everything scanned is applied
        result = std::move(it->second);
        pipe.done.erase(it);
        ++pipe.applied;
      }
      pipe.changed.notify_all();  // room for the scanner
      if (!result.invalid.empty()) {
        std::lock_guard<std::mutex> lock(state_mu_);
        for (auto& [id, reason] : result.invalid) invalid_[{Kind::kKind, std::move(id)}] = std::move(reason);
      }
      if constexpr (kCandidates) {
        *loaded += static_cast<int64_t>(result.rows.size());
        if (result.rows.size() > 0) candidate_parts.push_back(std::move(result.rows));
        continue;
      }
      for (auto& r : result.resolved) batch.push_back(std::move(r));
      if (batch.size() >= options_.load_batch_records) flush();
    }
    flush();
  };

  // Thread 0 (the caller's) scans; threads 1..workers parse, decode and resolve; the last applies.
  const int workers = ThreadsOr(options_.load_threads);
  absl::Status scanned;
  RunOnThreads(workers + 2, [&](int thread) {
    if (thread == workers + 1) return applier();
    if (thread > 0) return worker();
    // Sized for a chunk of typical records, so that filling it rarely reallocates (each doubling copied
    // every byte scanned so far again).
    constexpr size_t kChunkBytes = kLoadChunkRecords * 320;
    Chunk chunk;
    chunk.bytes.reserve(kChunkBytes);
    chunk.entries.reserve(kLoadChunkRecords);
    auto hand_over = [&pipe, &chunk] {
      {
        std::unique_lock<std::mutex> lock(pipe.mu);
        pipe.changed.wait(lock, [&pipe] { return pipe.scanned - pipe.applied < kLoadChunksAhead; });
        pipe.todo.emplace_back(pipe.scanned++, std::move(chunk));
      }
      pipe.changed.notify_all();
      chunk = Chunk();
      chunk.bytes.reserve(kChunkBytes);
      chunk.entries.reserve(kLoadChunkRecords);
    };
    scanned = store_->ForEach(Kind::kKind, [&](absl::string_view key, absl::string_view value) {
      chunk.bytes.append(key.data(), key.size());
      chunk.bytes.append(value.data(), value.size());
      chunk.entries.emplace_back(key.size(), value.size());
      if (chunk.entries.size() >= kLoadChunkRecords) hand_over();
      return absl::OkStatus();
    });
    if (scanned.ok() && !chunk.entries.empty()) hand_over();
    {
      std::lock_guard<std::mutex> lock(pipe.mu);
      pipe.scan_over = true;
    }
    pipe.changed.notify_all();
  });
  PASSERELLE_RETURN_IF_ERROR(scanned);
  if constexpr (kCandidates) {
    if (!index_.LoadCandidates(candidate_parts)) return absl::InternalError("start-up: the candidate index was not empty");
  }
  return absl::OkStatus();
}

absl::Status Catalog::LoadProfiles() {
  return store_->ForEach(RecordKind::kProfile, [&](absl::string_view key, absl::string_view value) {
    v1::ScoringProfile proto;
    absl::Status status;
    if (!proto.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
      status = absl::DataLossError("stored bytes do not parse");
    } else if (proto.name() != key) {
      status = InvalidFieldError("name", absl::StrCat("stored under another key: ", engine::Quote(proto.name())));
    }
    ScoringProfile profile = ScoringProfileFromProto(proto);
    if (status.ok()) status = ValidateScoringProfile(profile);
    std::lock_guard<std::mutex> lock(state_mu_);
    if (!status.ok()) {
      invalid_[{RecordKind::kProfile, std::string(key)}] = std::string(status.message());
    } else {
      profiles_[profile.name] = std::move(profile);
      ++load_report_.profiles_loaded;
    }
    return absl::OkStatus();
  });
}

std::vector<Catalog::InvalidKey> Catalog::ReserveIds(RecordKind kind, const std::vector<std::string>& ids) {
  std::vector<InvalidKey> keys;
  keys.reserve(ids.size());
  for (const std::string& id : ids) keys.emplace_back(kind, id);
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  std::unique_lock<std::mutex> lock(write_mu_);
  ids_released_.wait(lock, [&] {
    return std::none_of(keys.begin(), keys.end(), [&](const InvalidKey& key) { return in_flight_.contains(key); });
  });
  for (const InvalidKey& key : keys) in_flight_.insert(key);
  return keys;
}

void Catalog::ReleaseIds(const std::vector<InvalidKey>& keys) {
  if (keys.empty()) return;
  {
    std::lock_guard<std::mutex> lock(write_mu_);
    for (const InvalidKey& key : keys) in_flight_.erase(key);
  }
  ids_released_.notify_all();
}

template <class Kind>
absl::StatusOr<std::vector<PutOutcome>> Catalog::PutRecords(absl::string_view organisation,
                                                            absl::Span<const typename Kind::Record> records,
                                                            absl::Span<const Day> expires_on) {
  PASSERELLE_RETURN_IF_ERROR(ValidateOrganisation(organisation));
  if (!expires_on.empty() && expires_on.size() != records.size()) {
    return InvalidFieldError("expires_on", "one per opening, or none");
  }
  const size_t n = records.size();
  std::vector<PutOutcome> outcomes(n);
  std::vector<std::shared_ptr<const typename Kind::Resolved>> resolved(n);
  std::vector<std::string> encoded(n);
  std::vector<std::string> keys(n);
  // CPU work first, on several threads for large puts, and before this put waits for anything.
  ParallelRanges(n, n >= kParallelPutRecords ? ThreadsOr(options_.put_threads) : 1, [&](size_t, size_t begin, size_t end) {
    google::protobuf::Arena arena;
    std::optional<typename Kind::Record> changed;
    for (size_t i = begin; i < end; ++i) {
      // Copied only to change it: the server's records already carry the caller's organisation, and a
      // copy of each (its strings and lists) was a good part of the put's malloc traffic.
      const typename Kind::Record* source = &records[i];
      if (records[i].owner_id != organisation || !expires_on.empty()) {
        changed = records[i];
        changed->owner_id = std::string(organisation);  // the caller's, whatever the record said
        if (!expires_on.empty()) Kind::SetExpiry(expires_on[i], &*changed);
        source = &*changed;
      }
      const typename Kind::Record& record = *source;
      auto r = Kind::Resolve(index_, record);
      if (!r.ok()) {
        outcomes[i].status = r.status();
        continue;
      }
      resolved[i] = *std::move(r);
      encoded[i] = Kind::Encode(record, &arena);
      keys[i] = store_->RecordKey(organisation, record.id);
      if ((i - begin) % 64 == 63) arena.Reset();  // keep the arena's blocks few and warm
    }
  });

  std::vector<std::string> valid_keys;
  valid_keys.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    if (resolved[i]) valid_keys.push_back(keys[i]);
  }
  // From here until the index is updated no other write touches these records, so whether each one
  // exists stays current and this write's place in RocksDB's log cannot be reordered against another
  // write of the same record.
  const std::vector<InvalidKey> reserved = ReserveIds(Kind::kKind, valid_keys);
  absl::Cleanup release = [this, &reserved] { ReleaseIds(reserved); };
  PASSERELLE_ASSIGN_OR_RETURN(const std::vector<bool> stored, store_->ContainsEach(Kind::kKind, valid_keys));
  absl::flat_hash_set<absl::string_view> existing;  // views of keys[], used before they are moved out
  existing.reserve(valid_keys.size());
  for (size_t j = 0; j < valid_keys.size(); ++j) {
    if (stored[j]) existing.insert(valid_keys[j]);
  }

  const int64_t now = absl::ToUnixSeconds(Now());
  std::vector<std::shared_ptr<const typename Kind::Resolved>> applied;
  applied.reserve(valid_keys.size());
  std::vector<size_t> order;  // the valid records, by stored key
  order.reserve(valid_keys.size());
  for (size_t i = 0; i < n; ++i) {
    if (!resolved[i]) continue;
    outcomes[i].created = existing.insert(keys[i]).second;
    applied.push_back(std::move(resolved[i]));
    order.push_back(i);
  }
  // Keys are keyed hashes, so a batch in arrival order lands all over RocksDB's memtable skip list; in key
  // order each insert reuses part of the previous one's search (perf at 200k records: the skip-list search
  // fell from 8.4% to 5.1% of the benchmark). Stable: a later record with the same id still replaces an
  // earlier one.
  std::stable_sort(order.begin(), order.end(), [&keys](size_t a, size_t b) { return keys[a] < keys[b]; });
  WriteSet writes;
  for (size_t i : order) writes.PutRecord(Kind::kKind, std::move(keys[i]), EncodeStoredValue(now, encoded[i]));
  // Outside any lock: concurrent puts share RocksDB's group commit (one log sync for all of them).
  if (applied.size() < kParallelPutRecords) {
    PASSERELLE_RETURN_IF_ERROR(store_->Commit(writes));
    Kind::Upsert(index_, applied);
  } else {
    // A helper thread builds the records' index rows while this one makes the synced write (here: a
    // LogEntryScope is this thread's); the rows are published only once the write succeeded, so nothing
    // is visible before it is durable, and all of it is when the put returns.
    std::promise<bool> written;
    std::thread builder([this, &applied, durable = written.get_future().share()] {
      Kind::UpsertIf(index_, applied, [&durable] { return durable.get(); });
    });
    const absl::Status committed = store_->Commit(writes);
    written.set_value(committed.ok());
    builder.join();
    PASSERELLE_RETURN_IF_ERROR(committed);
  }
  std::lock_guard<std::mutex> lock(state_mu_);
  if (!invalid_.empty()) {  // usually empty: then no key is built per record
    for (const auto& record : applied) invalid_.erase({Kind::kKind, record->id()});
  }
  return outcomes;
}

absl::StatusOr<std::vector<PutOutcome>> Catalog::PutCandidates(absl::string_view organisation,
                                                               absl::Span<const Candidate> candidates) {
  return PutRecords<CandidateKind>(organisation, candidates, {});
}

absl::StatusOr<std::vector<PutOutcome>> Catalog::PutOpenings(absl::string_view organisation,
                                                             absl::Span<const Opening> openings,
                                                             absl::Span<const Day> expires_on) {
  return PutRecords<OpeningKind>(organisation, openings, expires_on);
}

namespace {

template <class Message>
absl::StatusOr<Message> ParseValue(absl::StatusOr<std::optional<std::string>> value, RecordKind kind,
                                   absl::string_view id) {
  PASSERELLE_RETURN_IF_ERROR(value.status());
  if (!*value) return NoRecord(kind, id);
  PASSERELLE_ASSIGN_OR_RETURN(StoredValue stored, DecodeStoredValue(**value));
  Message message;
  if (!message.ParseFromArray(stored.record.data(), static_cast<int>(stored.record.size()))) {
    return absl::DataLossError(absl::StrCat("storage: stored ", RecordKindName(kind), " \"", id, "\" does not parse"));
  }
  return message;
}

}  // namespace

absl::StatusOr<StoredRecord<v1::Candidate>> Catalog::GetCandidate(absl::string_view organisation,
                                                                  absl::string_view id) const {
  PASSERELLE_ASSIGN_OR_RETURN(v1::Candidate record,
                              ParseValue<v1::Candidate>(store_->GetValue(RecordKind::kCandidate,
                                                                         store_->RecordKey(organisation, id)),
                                                        RecordKind::kCandidate, id));
  return StoredRecord<v1::Candidate>{std::move(record), CandidateKind::Indexed(index_, QualifiedId(organisation, id))};
}

absl::StatusOr<StoredRecord<v1::Opening>> Catalog::GetOpening(absl::string_view organisation,
                                                              absl::string_view id) const {
  PASSERELLE_ASSIGN_OR_RETURN(v1::Opening record,
                              ParseValue<v1::Opening>(store_->GetValue(RecordKind::kOpening,
                                                                       store_->RecordKey(organisation, id)),
                                                      RecordKind::kOpening, id));
  return StoredRecord<v1::Opening>{std::move(record), OpeningKind::Indexed(index_, QualifiedId(organisation, id))};
}

template <class Kind>
absl::Status Catalog::DeleteRecord(absl::string_view organisation, absl::string_view id) {
  const std::string key = store_->RecordKey(organisation, id);
  {
    const std::vector<InvalidKey> reserved = ReserveIds(Kind::kKind, {key});
    absl::Cleanup release = [this, &reserved] { ReleaseIds(reserved); };
    PASSERELLE_ASSIGN_OR_RETURN(const bool stored, store_->Contains(Kind::kKind, key));
    if (!stored) return NoRecord(Kind::kKind, id);
    WriteSet writes;
    writes.Delete(Kind::kKind, key);
    PASSERELLE_RETURN_IF_ERROR(store_->Commit(writes));
    const std::string qualified = QualifiedId(organisation, id);
    Kind::Remove(index_, qualified);
    std::lock_guard<std::mutex> lock(state_mu_);
    invalid_.erase({Kind::kKind, qualified});
  }
  // After the id is released: flushing and compacting may take a while and need not block other writes.
  if (!options_.erase_on_delete) return absl::OkStatus();
  const absl::Status erased = store_->Erase(Kind::kKind, {key});
  if (erased.ok()) return erased;
  return absl::Status(erased.code(), absl::StrCat("deleted, but erasing it from the data files failed (the next "
                                                  "compaction will): ", erased.message()));
}

absl::Status Catalog::DeleteCandidate(absl::string_view organisation, absl::string_view id) {
  return DeleteRecord<CandidateKind>(organisation, id);
}
absl::Status Catalog::DeleteOpening(absl::string_view organisation, absl::string_view id) {
  return DeleteRecord<OpeningKind>(organisation, id);
}

absl::Status Catalog::ValidateProfile(const ScoringProfile& profile) {
  PASSERELLE_RETURN_IF_ERROR(ValidateId(profile.name, "name"));
  PASSERELLE_RETURN_IF_ERROR(ValidateScoringProfile(profile));
  if (profile.name == kDefaultProfileName) {
    return InvalidFieldError("name", "\"default\" is built in and cannot be replaced; choose another name");
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> Catalog::PutProfile(const ScoringProfile& profile) {
  PASSERELLE_RETURN_IF_ERROR(ValidateProfile(profile));
  std::lock_guard<std::mutex> write_lock(profile_write_mu_);
  PASSERELLE_ASSIGN_OR_RETURN(const bool existed, store_->Contains(RecordKind::kProfile, profile.name));
  WriteSet writes;
  writes.Put(ScoringProfileToProto(profile));
  PASSERELLE_RETURN_IF_ERROR(store_->Commit(writes));
  std::lock_guard<std::mutex> lock(state_mu_);
  profiles_[profile.name] = profile;
  invalid_.erase({RecordKind::kProfile, profile.name});
  return !existed;
}

absl::StatusOr<ScoringProfile> Catalog::GetProfile(absl::string_view name) const {
  if (name.empty() || name == kDefaultProfileName) return DefaultScoringProfile();
  std::lock_guard<std::mutex> lock(state_mu_);
  auto it = profiles_.find(std::string(name));
  if (it == profiles_.end()) return absl::NotFoundError(absl::StrCat("no scoring profile ", engine::Quote(name)));
  return it->second;
}

std::vector<ScoringProfile> Catalog::ListProfiles() const {
  std::vector<ScoringProfile> out = {DefaultScoringProfile()};
  std::lock_guard<std::mutex> lock(state_mu_);
  for (const auto& [name, profile] : profiles_) out.push_back(profile);
  return out;
}

std::vector<InvalidRecord> Catalog::InvalidRecords() const {
  std::vector<InvalidRecord> out;
  std::lock_guard<std::mutex> lock(state_mu_);
  for (const auto& [key, reason] : invalid_) out.push_back({key.first, key.second, reason});
  return out;
}

int64_t Catalog::InvalidCount(RecordKind kind) const {
  std::lock_guard<std::mutex> lock(state_mu_);
  int64_t count = 0;
  for (const auto& [key, reason] : invalid_) count += key.first == kind;
  return count;
}

int64_t Catalog::candidate_count() const {
  return static_cast<int64_t>(index_.candidate_count()) + InvalidCount(RecordKind::kCandidate);
}

int64_t Catalog::opening_count() const {
  return static_cast<int64_t>(index_.opening_count()) + InvalidCount(RecordKind::kOpening);
}

}  // namespace passerelle::engine
