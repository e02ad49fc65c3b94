// The audit log: one entry per rpc that returned candidate data (who, when, which rpc, which
// candidates), in the store's "audit" column family.
//
// Durability (docs/security.md, "Durability"): Append() returns once the entry is in RocksDB's
// write-ahead log, written but not fsynced (Store::CommitUnsynced): it is in the kernel's page cache, so
// it survives kill -9 of the server, the bar acknowledged record writes meet. A background thread fsyncs
// the log every sync_interval_ms when entries were appended since its last sync, and destroying the log
// syncs it: a power loss loses at most that window of entries. Concurrent appends share one log write
// (RocksDB's group commit). sync_interval_ms 0 keeps one synced write per entry.
//
// Key: 8-byte big-endian time (Unix microseconds) then an 8-byte big-endian sequence, so entries are in
// time order and a page token is simply the next key. Value: passerelle.v1.StoredAuditEntry.
//
// Candidates are referenced by their stored key (a keyed hash of owner and id, record_key.h), never by
// id: listing maps each reference back to an id through the candidate's record while it exists, and
// shows an erased candidate as erased. Erasing a candidate thus also erases it from the audit log,
// without rewriting the log. Retention: DeleteBefore(), called by the catalog's sweeper.
//
// Thread-safety: thread-safe.
#ifndef PASSERELLE_ENGINE_STORE_AUDIT_LOG_H_
#define PASSERELLE_ENGINE_STORE_AUDIT_LOG_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/store/store.h"

namespace passerelle::engine {

struct AuditCandidate {
  std::string organisation;  // the candidate's owner
  std::string id;            // "" when erased
  bool erased = false;       // listing only
};

// One call that returned candidate data.
struct AuditEvent {
  std::string organisation;   // the caller's
  std::string key_id;         // the caller's API key id, never the secret
  std::string acting_person;  // pseudonymous counsellor id, "" when none
  std::string rpc;            // "GetCandidate", "MatchCandidates", ...
  std::vector<AuditCandidate> candidates;
  absl::Time time;            // set by the log when appended
};

struct AuditFilter {
  // "" = every entry (admin). Otherwise only entries about this organisation's candidates, showing
  // only those candidates.
  std::string candidates_of;
  // With candidate_id: only entries about the candidate (candidate_organisation, candidate_id).
  std::string candidate_organisation;
  std::string candidate_id;
  std::string rpc;  // "" = any
  absl::Time since = absl::InfinitePast();
  absl::Time until = absl::InfiniteFuture();
  // Entries per page; clamped to [1, 1000].
  // Default: 100
  int page_size = 100;
  std::string page_token;  // from AuditPage::next_page_token; "" = from the start
};

struct AuditPage {
  std::vector<AuditEvent> entries;
  std::string next_page_token;  // "" when nothing follows
};

struct AuditLogOptions {
  // How often the background syncer fsyncs the write-ahead log after entries were appended, in
  // milliseconds; 0 = every entry is a synced write of its own (no syncer). At most 60,000.
  // Default: 100
  int sync_interval_ms = 100;
};

// InvalidArgument naming "audit_sync_interval_ms" when out of range.
absl::Status ValidateAuditLogOptions(const AuditLogOptions& options);

class AuditLog {
 public:
  // `store` must outlive the log.
  static absl::StatusOr<std::unique_ptr<AuditLog>> Open(Store* store, const AuditLogOptions& options = {});
  // Stops the syncer and syncs the entries appended since its last sync.
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  absl::Status Append(const AuditEvent& event, absl::Time now);
  // InvalidArgument for a page token this log did not make.
  absl::StatusOr<AuditPage> List(const AuditFilter& filter) const;
  // Deletes every entry older than `cutoff`; returns how many.
  absl::StatusOr<int64_t> DeleteBefore(absl::Time cutoff);

 private:
  AuditLog(Store* store, const AuditLogOptions& options) : store_(store), options_(options) {}
  // The syncer thread's loop: SyncLog() every interval while entries were appended, until stopping_.
  void SyncLoop();
  // The candidate's id, or "" when no record is stored under `record_key` any more.
  absl::StatusOr<std::string> IdOf(absl::string_view record_key) const;

  Store* const store_;
  const AuditLogOptions options_;
  std::atomic<uint64_t> next_sequence_{0};
  // Entries were appended since the syncer's last sync (a failed sync latches the store, so the next
  // Append fails: Store::NoteWrite).
  std::atomic<bool> unsynced_{false};
  std::mutex syncer_mu_;
  std::condition_variable syncer_wake_;
  bool stopping_ = false;  // guarded by syncer_mu_
  std::thread syncer_;
};

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_STORE_AUDIT_LOG_H_
