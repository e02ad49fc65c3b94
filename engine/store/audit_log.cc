#include "engine/store/audit_log.h"

#include <algorithm>
#include <chrono>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "engine/common/field_status.h"
#include "engine/common/status_macros.h"
#include "passerelle/v1/audit.pb.h"
#include "passerelle/v1/records.pb.h"

namespace passerelle::engine {
namespace {

constexpr size_t kAuditKeyBytes = 16;
constexpr int kMaxPageSize = 1000;
// A listing stops after reading this many entries even when the page is not full (a selective filter
// over a long log), and hands back a token to go on from there.
constexpr int kMaxScannedPerPage = 100000;
constexpr int kMaxSyncIntervalMs = 60000;

void PutBigEndian(uint64_t v, std::string* out) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>(v >> (56 - 8 * i)));
}

uint64_t GetBigEndian(absl::string_view bytes) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[i]);
  return v;
}

int64_t Micros(absl::Time t) {
  if (t == absl::InfinitePast()) return 0;
  return std::max<int64_t>(0, absl::ToUnixMicros(t));
}

std::string KeyAt(int64_t micros, uint64_t sequence) {
  std::string key;
  PutBigEndian(static_cast<uint64_t>(micros), &key);
  PutBigEndian(sequence, &key);
  return key;
}

bool Keep(const v1::StoredCandidateRef& ref, const AuditFilter& filter, absl::string_view wanted_key) {
  if (!filter.candidates_of.empty() && ref.owner() != filter.candidates_of) return false;
  if (!wanted_key.empty()) return ref.record_key() == wanted_key;
  if (!filter.candidate_organisation.empty()) return ref.owner() == filter.candidate_organisation;
  return true;
}

}  // namespace

absl::Status ValidateAuditLogOptions(const AuditLogOptions& options) {
  if (options.sync_interval_ms < 0 || options.sync_interval_ms > kMaxSyncIntervalMs) {
    return InvalidFieldError("audit_sync_interval_ms",
                             absl::StrCat("must be between 0 and ", kMaxSyncIntervalMs, ", got ", options.sync_interval_ms));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<AuditLog>> AuditLog::Open(Store* store, const AuditLogOptions& options) {
  PASSERELLE_RETURN_IF_ERROR(ValidateAuditLogOptions(options));
  std::unique_ptr<AuditLog> log(new AuditLog(store, options));
  PASSERELLE_ASSIGN_OR_RETURN(const std::string last, store->LastAuditKey());
  if (last.size() == kAuditKeyBytes) log->next_sequence_ = GetBigEndian(absl::string_view(last).substr(8)) + 1;
  if (options.sync_interval_ms > 0) log->syncer_ = std::thread([raw = log.get()] { raw->SyncLoop(); });
  return log;
}

AuditLog::~AuditLog() {
  if (!syncer_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(syncer_mu_);
    stopping_ = true;
  }
  syncer_wake_.notify_one();
  syncer_.join();
}

void AuditLog::SyncLoop() {
  const auto interval = std::chrono::milliseconds(options_.sync_interval_ms);
  bool stopping = false;
  while (!stopping) {
    {
      std::unique_lock<std::mutex> lock(syncer_mu_);
      syncer_wake_.wait_for(lock, interval, [this] { return stopping_; });
      stopping = stopping_;
    }
    // An error latches the store (Store::NoteWrite): every later write, and so the next Append, fails
    // with it, and no call answers with data whose entry might not be durable past the window.
    if (unsynced_.exchange(false)) store_->SyncLog().IgnoreError();
  }
}

absl::Status AuditLog::Append(const AuditEvent& event, absl::Time now) {
  v1::StoredAuditEntry entry;
  const int64_t micros = Micros(now);
  entry.set_time_unix_micros(micros);
  entry.set_organisation(event.organisation);
  entry.set_key_id(event.key_id);
  entry.set_acting_person(event.acting_person);
  entry.set_rpc(event.rpc);
  for (const AuditCandidate& c : event.candidates) {
    v1::StoredCandidateRef* ref = entry.add_candidates();
    ref->set_record_key(store_->RecordKey(c.organisation, c.id));
    ref->set_owner(c.organisation);
  }
  WriteSet writes;
  writes.PutAudit(KeyAt(micros, next_sequence_.fetch_add(1)), entry.SerializeAsString());
  if (options_.sync_interval_ms == 0) return store_->Commit(writes);
  PASSERELLE_RETURN_IF_ERROR(store_->CommitUnsynced(writes));
  unsynced_.store(true);
  return absl::OkStatus();
}

absl::StatusOr<std::string> AuditLog::IdOf(absl::string_view record_key) const {
  PASSERELLE_ASSIGN_OR_RETURN(std::optional<std::string> value, store_->GetValue(RecordKind::kCandidate, record_key));
  if (!value) return std::string();
  PASSERELLE_ASSIGN_OR_RETURN(StoredValue stored, DecodeStoredValue(*value));
  v1::Candidate record;
  if (!record.ParseFromArray(stored.record.data(), static_cast<int>(stored.record.size()))) {
    return absl::DataLossError("storage: a stored candidate does not parse");
  }
  return record.id();
}

absl::StatusOr<AuditPage> AuditLog::List(const AuditFilter& filter) const {
  std::string start = KeyAt(Micros(filter.since), 0);
  if (!filter.page_token.empty()) {
    std::string token;
    if (!absl::WebSafeBase64Unescape(filter.page_token, &token) || token.size() != kAuditKeyBytes) {
      return InvalidFieldError("page_token", "not a token this server handed out");
    }
    start = std::max(start, token);
  }
  const std::string wanted_key =
      filter.candidate_id.empty() ? "" : store_->RecordKey(filter.candidate_organisation, filter.candidate_id);
  const size_t page_size = static_cast<size_t>(std::clamp(filter.page_size, 1, kMaxPageSize));
  const int64_t until = filter.until == absl::InfiniteFuture() ? INT64_MAX : Micros(filter.until);
  AuditPage page;
  int scanned = 0;
  PASSERELLE_RETURN_IF_ERROR(store_->ForEachAudit(start, [&](absl::string_view key, absl::string_view value)
                                                               -> absl::StatusOr<bool> {
    if (key.size() != kAuditKeyBytes || static_cast<int64_t>(GetBigEndian(key)) >= until) return false;
    if (page.entries.size() == page_size || ++scanned > kMaxScannedPerPage) {
      page.next_page_token = absl::WebSafeBase64Escape(key);
      return false;
    }
    v1::StoredAuditEntry entry;
    if (!entry.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
      return absl::DataLossError("storage: an audit entry does not parse");
    }
    if (!filter.rpc.empty() && entry.rpc() != filter.rpc) return true;
    const bool scoped = !filter.candidates_of.empty() || !wanted_key.empty() || !filter.candidate_organisation.empty();
    AuditEvent out;
    for (const v1::StoredCandidateRef& ref : entry.candidates()) {
      if (!Keep(ref, filter, wanted_key)) continue;
      PASSERELLE_ASSIGN_OR_RETURN(std::string id, IdOf(ref.record_key()));
      out.candidates.push_back({ref.owner(), id, id.empty()});
    }
    if (scoped && out.candidates.empty()) return true;
    out.organisation = entry.organisation();
    out.key_id = entry.key_id();
    out.acting_person = entry.acting_person();
    out.rpc = entry.rpc();
    out.time = absl::FromUnixMicros(entry.time_unix_micros());
    page.entries.push_back(std::move(out));
    return true;
  }));
  return page;
}

absl::StatusOr<int64_t> AuditLog::DeleteBefore(absl::Time cutoff) {
  const std::string end = KeyAt(Micros(cutoff), 0);
  int64_t count = 0;
  auto count_older = [&](absl::string_view key, absl::string_view) -> absl::StatusOr<bool> {
    if (key >= absl::string_view(end)) return false;
    ++count;
    return true;
  };
  PASSERELLE_RETURN_IF_ERROR(store_->ForEachAudit("", count_older));
  if (count > 0) PASSERELLE_RETURN_IF_ERROR(store_->DeleteAuditBefore(end));
  return count;
}

}  // namespace passerelle::engine
