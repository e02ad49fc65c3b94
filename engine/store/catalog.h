// The records Passerelle holds: RocksDB (the source of truth, engine/store/store.h) kept in step with the
// in-memory MatchIndex that answers queries, plus the named scoring profiles.
//
// Tenancy: a record is named by (organisation, id); ids are unique within an organisation only. Writes
// take the caller's organisation (from its credential, never from the record) and set the records'
// owner_id to it; another organisation's put of the same id makes a record of its own. RocksDB keys
// records by a keyed hash of the pair (record_key.h). The index knows each record by its qualified id
// QualifiedId(organisation, id) = "<organisation>:<id>": index queries take and return qualified ids,
// and the server strips them (UnqualifiedId) before answering. InvalidRecord::id is qualified too.
//
// Write path: validate and resolve each record against the reference data -> one synced RocksDB batch
// (each record with its update time from CatalogOptions::clock) -> apply to the index -> return. A
// record that fails is reported on its own and changes nothing; the others of the batch go through.
// A put of 64 records or more builds the records' index rows on a helper thread while the synced write
// runs and publishes them once it succeeded (MatchIndex::UpsertCandidatesIf).
//
// Governance (catalog_governance.cc, audit_log.h): the audit log of candidate reads, the retention
// sweeper (Sweep, driven by a "now" the caller passes), the list of records about to expire, and the
// erasure of everything an organisation owns.
//
// Start: Open() rebuilds the index from RocksDB. A stored record that no longer validates (the reference
// data changed under it) is kept in RocksDB, left out of the index, and listed in the load report and
// by InvalidRecords() until it is put again or deleted. Every stored record is thus either in the index
// or in that list.
//
// Start-up runs on several threads: one scans RocksDB and hands chunks of stored bytes to workers that
// parse, decode and resolve them (and pack and encode candidates); one applies the results in key order:
// openings in batches, candidates all at once at the end, in place order (MatchIndex::LoadCandidates).
//
// Thread-safety: thread-safe. Concurrent writers do not wait for each other's synced write (RocksDB
// commits them together, one log sync for the group), but a write waits while another one in flight
// touches one of its records: writes in flight at the same time hold disjoint records, so the order in
// which RocksDB logs them and the order in which the index applies them cannot disagree about any record,
// and a put's `created` (and a sweep's re-check of a record) sees its last completed write. The index is
// updated (its rows published) after the synced write returns and before the put does: nothing is visible
// before it is durable, and everything acknowledged is visible.
// Readers never wait for writers, except GetProfile/ListProfiles/InvalidRecords for a map lookup.
//
// Example:
//   PASSERELLE_ASSIGN_OR_RETURN(auto catalog, Catalog::Open("passerelle-data", data, {}));
//   PASSERELLE_ASSIGN_OR_RETURN(std::vector<PutOutcome> outcomes, catalog->PutCandidates("ft-93", {candidate}));
//   auto result = catalog->index().MatchOpenings(QualifiedId("ft-93", candidate.id), MatchQuery{},
//                                                DefaultScoringProfile());
#ifndef PASSERELLE_ENGINE_STORE_CATALOG_H_
#define PASSERELLE_ENGINE_STORE_CATALOG_H_

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "engine/index/match_index.h"
#include "engine/store/audit_log.h"
#include "engine/store/record_key.h"
#include "engine/store/store.h"

namespace passerelle::engine {

struct CatalogOptions {
  StoreOptions store;
  // After a delete, remove the record's bytes from the data files before returning (Store::Erase).
  // Default: true
  bool erase_on_delete = true;
  // Openings applied to the index per batch while loading at start (candidates go in all at once).
  // Default: 4096
  size_t load_batch_records = 4096;
  // Threads that parse, decode and resolve stored records at start (besides the scanning and the
  // applying threads); 0 means one per core.
  // Default: 0
  int load_threads = 0;
  // Threads that resolve and encode the records of one put, the caller's included (puts of fewer than
  // 64 records stay on the caller's thread); 0 means one per core.
  // Default: 0
  int put_threads = 0;
  // The time a put records as the record's last update (read by the retention sweeper); tests inject a
  // clock of their own. Empty means absl::Now.
  // Default: absl::Now
  std::function<absl::Time()> clock;
  // The audit log's durability window (audit_log.h).
  AuditLogOptions audit;
};

// What the retention sweeper erases (docs/security.md).
struct RetentionOptions {
  // Candidates not updated for this many days are erased.
  // Default: 730 (24 months)
  int candidate_retention_days = 730;
  // Audit entries older than this many days are deleted.
  // Default: 365
  int audit_retention_days = 365;
};

// What one Sweep() erased.
struct SweepReport {
  int64_t candidates_erased = 0;
  int64_t openings_erased = 0;  // past their expires_on
  int64_t audit_entries_deleted = 0;
};

// A record the sweeper will erase soon.
struct ExpiringRecord {
  RecordKind kind = RecordKind::kCandidate;
  std::string id;  // the organisation's own id
  Day erased_on = 0;  // first day a sweep may erase it
};

// What EraseOrganisation() erased.
struct OffboardReport {
  int64_t candidates_erased = 0;
  int64_t openings_erased = 0;
};

// A stored record that does not validate against the current reference data.
struct InvalidRecord {
  RecordKind kind = RecordKind::kCandidate;
  std::string id;      // the profile's name for a scoring profile
  std::string reason;  // the validation error, starting with the field path
};

// What Open() found in the data directory.
struct LoadReport {
  int64_t candidates_loaded = 0;  // into the index
  int64_t openings_loaded = 0;
  int64_t profiles_loaded = 0;    // stored profiles ("default" is built in, not counted)
  std::vector<InvalidRecord> invalid;
  // Reference data version the records were last validated with; "" for a new data directory.
  std::string previous_reference_data_version;
  double seconds = 0;  // time taken to load
};

// Outcome of one record of a put.
struct PutOutcome {
  // OK, or InvalidArgument whose message starts with the field path.
  absl::Status status;
  bool created = false;  // when OK: the id was new
};

// A record as stored, and whether it takes part in matching (false: it no longer validates).
template <class Message>
struct StoredRecord {
  Message record;
  bool matchable = false;
};

class Catalog {
 public:
  // Opens the store under `dir` and loads it into a new index over `data`.
  static absl::StatusOr<std::unique_ptr<Catalog>> Open(const std::string& dir,
                                                       std::shared_ptr<const ReferenceData> data,
                                                       const CatalogOptions& options);

  const MatchIndex& index() const { return index_; }
  const ReferenceData& data() const { return index_.data(); }
  const LoadReport& load_report() const { return load_report_; }

  // Stores each valid record of `organisation` (insert or replace by id; owner_id set to
  // `organisation`) in one synced batch and applies them to the index; returns one outcome per record,
  // in order. Within a batch a later record with the same id replaces an earlier one. A non-OK return
  // means the batch could not be written: nothing of it was stored or applied. `expires_on`: empty, or
  // one Day per opening (0 = no expiry), stored in the record's expires_on.
  absl::StatusOr<std::vector<PutOutcome>> PutCandidates(absl::string_view organisation,
                                                        absl::Span<const Candidate> candidates);
  absl::StatusOr<std::vector<PutOutcome>> PutOpenings(absl::string_view organisation,
                                                      absl::Span<const Opening> openings,
                                                      absl::Span<const Day> expires_on = {});

  // The record `id` of `organisation`, or NotFound ("no candidate \"c-42\""), also when only another
  // organisation has that id.
  absl::StatusOr<StoredRecord<v1::Candidate>> GetCandidate(absl::string_view organisation,
                                                           absl::string_view id) const;
  absl::StatusOr<StoredRecord<v1::Opening>> GetOpening(absl::string_view organisation, absl::string_view id) const;

  // Deletes the record (synced), removes it from the index and, with erase_on_delete, from the data
  // files. NotFound when absent. If erasure fails after the delete, returns its error: the record is
  // deleted and will leave the files at the next compaction.
  absl::Status DeleteCandidate(absl::string_view organisation, absl::string_view id);
  absl::Status DeleteOpening(absl::string_view organisation, absl::string_view id);

  // Governance (catalog_governance.cc).
  // Appends an audit entry naming `event.candidates` (in the write-ahead log; synced as options.audit says).
  absl::Status AppendAudit(const AuditEvent& event) { return audit_->Append(event, Now()); }
  absl::StatusOr<AuditPage> ListAudit(const AuditFilter& filter) const { return audit_->List(filter); }
  // Erases candidates not updated for candidate_retention_days before `now`, openings whose expires_on
  // is before `now`'s day, and audit entries older than audit_retention_days.
  absl::StatusOr<SweepReport> Sweep(absl::Time now, const RetentionOptions& retention);
  // The records of `organisation` that Sweep() would erase before now + within_days, soonest first.
  absl::StatusOr<std::vector<ExpiringRecord>> ListExpiring(absl::string_view organisation, absl::Time now,
                                                           int within_days, const RetentionOptions& retention) const;
  // Erases every candidate and opening `organisation` owns (off-boarding).
  absl::StatusOr<OffboardReport> EraseOrganisation(absl::string_view organisation);
  // What every Sweep() since Open() erased, summed.
  SweepReport sweep_totals() const;

  // Validates and stores a scoring profile; returns whether the name was new. The name "default" is
  // reserved (InvalidArgument).
  absl::StatusOr<bool> PutProfile(const ScoringProfile& profile);
  // PutProfile's checks alone (cluster mode validates before appending to the log).
  static absl::Status ValidateProfile(const ScoringProfile& profile);
  // The named profile; "" and "default" give DefaultScoringProfile(). NotFound when absent.
  absl::StatusOr<ScoringProfile> GetProfile(absl::string_view name) const;
  // "default" first, then the stored profiles by name.
  std::vector<ScoringProfile> ListProfiles() const;

  // Stored records left out of the index, by kind then id.
  std::vector<InvalidRecord> InvalidRecords() const;
  // Stored records of each kind, matchable or not.
  int64_t candidate_count() const;
  int64_t opening_count() const;

  // See Store::Checkpoint.
  absl::Status Checkpoint(const std::string& checkpoint_dir) const { return store_->Checkpoint(checkpoint_dir); }
  // The store, for the small named spaces beside the records (Store::PutInSpace: access keys, sharing).
  Store& store() { return *store_; }

 private:
  Catalog(std::shared_ptr<const ReferenceData> data, const CatalogOptions& options)
      : options_(options), index_(std::move(data), IndexOptions()) {}
  // Reorders on the index's own thread: a put that crosses the place-order thresholds returns without
  // waiting for a copy of the whole table (MatchIndexOptions::background_reorders).
  static MatchIndexOptions IndexOptions() {
    MatchIndexOptions options;
    options.background_reorders = true;
    return options;
  }

  // A log entry's time when applying one (LogEntryScope), else the clock's.
  absl::Time Now() const {
    if (const LogEntryScope* entry = LogEntryScope::Current()) return entry->time();
    return options_.clock ? options_.clock() : absl::Now();
  }
  absl::Status Load();
  template <class Kind>
  absl::Status LoadRecords(int64_t* loaded);
  absl::Status LoadProfiles();
  template <class Kind>
  absl::StatusOr<std::vector<PutOutcome>> PutRecords(absl::string_view organisation,
                                                     absl::Span<const typename Kind::Record> records,
                                                     absl::Span<const Day> expires_on);
  template <class Kind>
  absl::Status DeleteRecord(absl::string_view organisation, absl::string_view id);
  // Deletes each record stored under `keys` for which due(stored value) still holds once its key is
  // reserved, from RocksDB, the index and the files; returns how many. Used by the sweeper and
  // off-boarding.
  absl::StatusOr<int64_t> DeleteStored(RecordKind kind, const std::vector<std::string>& keys,
                                       const std::function<bool(const StoredValue&)>& due);
  // Keys of the records of `kind` for which due(value, owner) holds, scanning the whole family.
  absl::StatusOr<std::vector<std::string>> FindStored(
      RecordKind kind, const std::function<bool(const StoredValue&, absl::string_view owner)>& due) const;
  int64_t InvalidCount(RecordKind kind) const;

  using InvalidKey = std::pair<RecordKind, std::string>;

  const CatalogOptions options_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<AuditLog> audit_;
  MatchIndex index_;
  LoadReport load_report_;  // written by Open() only

  // Stored keys of records being written (kind, key): a write waits until none of its ids is here, then adds them
  // for its duration (see the file comment).
  std::vector<InvalidKey> ReserveIds(RecordKind kind, const std::vector<std::string>& ids);
  void ReleaseIds(const std::vector<InvalidKey>& keys);

  // std::mutex rather than absl::Mutex: ThreadSanitizer understands it without an instrumented Abseil.
  std::mutex write_mu_;
  std::condition_variable ids_released_;
  absl::flat_hash_set<InvalidKey> in_flight_;  // guarded by write_mu_
  std::mutex profile_write_mu_;                // serialises profile writers (existence check, then write)
  mutable std::mutex state_mu_;                // guards profiles_ and invalid_
  std::map<std::string, ScoringProfile> profiles_;  // "default" not included
  std::map<InvalidKey, std::string> invalid_;       // (kind, qualified id) -> reason
  SweepReport sweep_totals_;                        // guarded by state_mu_
};

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_STORE_CATALOG_H_
