// Catalog: retention sweeper, expiring records and off-boarding (see catalog.h).
#include <algorithm>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "engine/common/status_macros.h"
#include "engine/model/dates.h"
#include "engine/store/catalog.h"

namespace passerelle::engine {
namespace {

constexpr int64_t kSecondsPerDay = 86400;
// Records deleted per synced batch by the sweeper and off-boarding.
constexpr size_t kDeleteChunk = 1024;

Day DayOf(int64_t unix_seconds) {
  const int64_t floor = unix_seconds >= 0 ? unix_seconds : unix_seconds - kSecondsPerDay + 1;
  return static_cast<Day>(floor / kSecondsPerDay);
}

// owner_id, id and (openings) the expiry of a stored record; false when it does not parse.
struct Parsed {
  std::string owner;
  std::string id;
  Day expires_on = 0;  // 0 = none
};

bool ParseRecord(RecordKind kind, absl::string_view bytes, Parsed* out) {
  if (kind == RecordKind::kCandidate) {
    v1::Candidate record;
    if (!record.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return false;
    out->owner = record.owner_id();
    out->id = record.id();
    return true;
  }
  v1::Opening record;
  if (!record.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return false;
  out->owner = record.owner_id();
  out->id = record.id();
  if (!record.expires_on().empty()) {
    absl::StatusOr<Day> day = ParseDay(record.expires_on(), "expires_on");
    out->expires_on = day.ok() ? *day : 0;
  }
  return true;
}

// The first day a sweep may erase the record, 0 when none does: for a candidate the day its retention
// ends (from that time of day on), for an opening the day after its expires_on.
Day ErasedOn(RecordKind kind, const StoredValue& value, const Parsed& parsed, const RetentionOptions& retention) {
  if (kind == RecordKind::kCandidate) {
    return DayOf(value.updated_unix_seconds + retention.candidate_retention_days * kSecondsPerDay);
  }
  return parsed.expires_on == 0 ? 0 : parsed.expires_on + 1;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> Catalog::FindStored(
    RecordKind kind, const std::function<bool(const StoredValue&, absl::string_view owner)>& due) const {
  std::vector<std::string> keys;
  PASSERELLE_RETURN_IF_ERROR(store_->ForEach(kind, [&](absl::string_view key, absl::string_view bytes) {
    absl::StatusOr<StoredValue> value = DecodeStoredValue(bytes);
    Parsed parsed;
    if (!value.ok() || !ParseRecord(kind, value->record, &parsed)) return absl::OkStatus();
    if (due(*value, parsed.owner)) keys.emplace_back(key);
    return absl::OkStatus();
  }));
  return keys;
}

absl::StatusOr<int64_t> Catalog::DeleteStored(RecordKind kind, const std::vector<std::string>& all_keys,
                                              const std::function<bool(const StoredValue&)>& due) {
  std::vector<std::string> erased;
  for (size_t begin = 0; begin < all_keys.size(); begin += kDeleteChunk) {
    const std::vector<std::string> keys(all_keys.begin() + begin,
                                        all_keys.begin() + std::min(all_keys.size(), begin + kDeleteChunk));
    {
      const std::vector<InvalidKey> reserved = ReserveIds(kind, keys);
      absl::Cleanup release = [this, &reserved] { ReleaseIds(reserved); };
      WriteSet writes;
      std::vector<std::string> qualified;
      for (const std::string& key : keys) {
        // Read again under the reservation: a put since the scan may have renewed the record.
        PASSERELLE_ASSIGN_OR_RETURN(std::optional<std::string> bytes, store_->GetValue(kind, key));
        if (!bytes) continue;
        absl::StatusOr<StoredValue> value = DecodeStoredValue(*bytes);
        Parsed parsed;
        if (!value.ok() || !ParseRecord(kind, value->record, &parsed) || !due(*value)) continue;
        writes.Delete(kind, key);
        erased.push_back(key);
        qualified.push_back(QualifiedId(parsed.owner, parsed.id));
      }
      PASSERELLE_RETURN_IF_ERROR(store_->Commit(writes));
      std::lock_guard<std::mutex> lock(state_mu_);
      for (const std::string& id : qualified) {
        if (kind == RecordKind::kCandidate) {
          index_.RemoveCandidate(id);
        } else {
          index_.RemoveOpening(id);
        }
        invalid_.erase({kind, id});
      }
    }
  }
  // One flush and compaction for all the chunks: the keys are hashes spread over the whole range.
  PASSERELLE_RETURN_IF_ERROR(store_->Erase(kind, erased));
  return static_cast<int64_t>(erased.size());
}

absl::StatusOr<SweepReport> Catalog::Sweep(absl::Time now, const RetentionOptions& retention) {
  SweepReport report;
  const int64_t cutoff = absl::ToUnixSeconds(now) - int64_t{retention.candidate_retention_days} * kSecondsPerDay;
  auto stale = [cutoff](const StoredValue& value) { return value.updated_unix_seconds < cutoff; };
  PASSERELLE_ASSIGN_OR_RETURN(std::vector<std::string> candidates,
                              FindStored(RecordKind::kCandidate,
                                         [&](const StoredValue& v, absl::string_view) { return stale(v); }));
  PASSERELLE_ASSIGN_OR_RETURN(report.candidates_erased, DeleteStored(RecordKind::kCandidate, candidates, stale));

  const Day today = DayOf(absl::ToUnixSeconds(now));
  auto expired = [today](const StoredValue& value) {
    Parsed parsed;
    return ParseRecord(RecordKind::kOpening, value.record, &parsed) && parsed.expires_on != 0 &&
           parsed.expires_on < today;
  };
  PASSERELLE_ASSIGN_OR_RETURN(std::vector<std::string> openings,
                              FindStored(RecordKind::kOpening,
                                         [&](const StoredValue& v, absl::string_view) { return expired(v); }));
  PASSERELLE_ASSIGN_OR_RETURN(report.openings_erased, DeleteStored(RecordKind::kOpening, openings, expired));

  PASSERELLE_ASSIGN_OR_RETURN(report.audit_entries_deleted,
                              audit_->DeleteBefore(now - absl::Hours(24) * retention.audit_retention_days));
  std::lock_guard<std::mutex> lock(state_mu_);
  sweep_totals_.candidates_erased += report.candidates_erased;
  sweep_totals_.openings_erased += report.openings_erased;
  sweep_totals_.audit_entries_deleted += report.audit_entries_deleted;
  return report;
}

SweepReport Catalog::sweep_totals() const {
  std::lock_guard<std::mutex> lock(state_mu_);
  return sweep_totals_;
}

absl::StatusOr<std::vector<ExpiringRecord>> Catalog::ListExpiring(absl::string_view organisation, absl::Time now,
                                                                  int within_days,
                                                                  const RetentionOptions& retention) const {
  const Day horizon = DayOf(absl::ToUnixSeconds(now)) + std::max(within_days, 0);
  std::vector<ExpiringRecord> out;
  for (RecordKind kind : {RecordKind::kCandidate, RecordKind::kOpening}) {
    PASSERELLE_RETURN_IF_ERROR(store_->ForEach(kind, [&](absl::string_view, absl::string_view bytes) {
      absl::StatusOr<StoredValue> value = DecodeStoredValue(bytes);
      Parsed parsed;
      if (!value.ok() || !ParseRecord(kind, value->record, &parsed) || parsed.owner != organisation) {
        return absl::OkStatus();
      }
      const Day erased_on = ErasedOn(kind, *value, parsed, retention);
      if (erased_on != 0 && erased_on <= horizon) out.push_back({kind, std::move(parsed.id), erased_on});
      return absl::OkStatus();
    }));
  }
  std::sort(out.begin(), out.end(), [](const ExpiringRecord& a, const ExpiringRecord& b) {
    return std::tie(a.erased_on, a.kind, a.id) < std::tie(b.erased_on, b.kind, b.id);
  });
  return out;
}

absl::StatusOr<OffboardReport> Catalog::EraseOrganisation(absl::string_view organisation) {
  OffboardReport report;
  const std::string owner(organisation);
  auto owned = [&owner](const StoredValue&, absl::string_view record_owner) { return record_owner == owner; };
  auto always = [](const StoredValue&) { return true; };  // the key itself names the organisation
  PASSERELLE_ASSIGN_OR_RETURN(std::vector<std::string> candidates, FindStored(RecordKind::kCandidate, owned));
  PASSERELLE_ASSIGN_OR_RETURN(report.candidates_erased, DeleteStored(RecordKind::kCandidate, candidates, always));
  PASSERELLE_ASSIGN_OR_RETURN(std::vector<std::string> openings, FindStored(RecordKind::kOpening, owned));
  PASSERELLE_ASSIGN_OR_RETURN(report.openings_erased, DeleteStored(RecordKind::kOpening, openings, always));
  // Its API keys and sharing agreements are the server's (GovernanceService::EraseOrganisation).
  return report;
}

}  // namespace passerelle::engine
