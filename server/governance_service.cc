#include "server/governance_service.h"

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/common/field_status.h"
#include "engine/common/quote.h"
#include "engine/common/status_macros.h"
#include "engine/model/dates.h"
#include "server/auth/claims.h"
#include "server/call_log.h"
#include "server/cluster_writes.h"
#include "server/matching_cluster.h"
#include "server/status_convert.h"

namespace passerelle::server {
namespace {

// "" -> `unbounded`; otherwise an RFC 3339 time, naming `field` when it is not one.
absl::StatusOr<absl::Time> ParseTime(const std::string& text, absl::string_view field, absl::Time unbounded) {
  if (text.empty()) return unbounded;
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &time, &error)) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": expected an RFC 3339 time, got ", engine::Quote(text)));
  }
  return time;
}

absl::StatusOr<engine::AuditFilter> FilterFor(const Claims& caller, const v1::ListAuditEntriesRequest& request) {
  engine::AuditFilter filter;
  if (caller.role != Role::kAdmin) {
    if (!request.candidate_organisation().empty() && request.candidate_organisation() != caller.organisation) {
      return absl::PermissionDeniedError("candidate_organisation: only an admin may list another organisation's");
    }
    filter.candidates_of = caller.organisation;
  }
  filter.candidate_organisation = request.candidate_organisation();
  if (!request.candidate_id().empty() && filter.candidate_organisation.empty()) {
    filter.candidate_organisation = caller.organisation;
  }
  filter.candidate_id = request.candidate_id();
  filter.rpc = request.rpc();
  PASSERELLE_ASSIGN_OR_RETURN(filter.since, ParseTime(request.since(), "since", absl::InfinitePast()));
  PASSERELLE_ASSIGN_OR_RETURN(filter.until, ParseTime(request.until(), "until", absl::InfiniteFuture()));
  if (request.page_size() < 0 || request.page_size() > 1000) {
    return engine::InvalidFieldError("page_size", "must be in [0, 1000]");
  }
  filter.page_size = request.page_size() == 0 ? 100 : request.page_size();
  filter.page_token = request.page_token();
  return filter;
}

void EntryToProto(const engine::AuditEvent& e, v1::AuditEntry* out) {
  out->set_time(absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", e.time, absl::UTCTimeZone()));
  out->set_organisation(e.organisation);
  out->set_key_id(e.key_id);
  out->set_acting_person(e.acting_person);
  out->set_rpc(e.rpc);
  for (const engine::AuditCandidate& c : e.candidates) {
    v1::AuditCandidate* candidate = out->add_candidates();
    candidate->set_organisation(c.organisation);
    candidate->set_id(c.id);
    candidate->set_erased(c.erased);
  }
}

}  // namespace

template <class Fn>
grpc::Status GovernanceService::Run(grpc::ServerContextBase& context, absl::string_view method, Fn&& fn) {
  return RunGated(*gate_, context, method, std::forward<Fn>(fn));
}

grpc::Status GovernanceService::ListAuditEntries(grpc::ServerContext* context,
                                                 const v1::ListAuditEntriesRequest* request,
                                                 v1::ListAuditEntriesResponse* response) {
  return Run(*context, "ListAuditEntries", [&](CallLog& log, const Claims& caller) -> absl::Status {
    PASSERELLE_ASSIGN_OR_RETURN(const engine::AuditFilter filter, FilterFor(caller, *request));
    PASSERELLE_ASSIGN_OR_RETURN(engine::AuditPage page, catalog_->ListAudit(filter));
    for (const engine::AuditEvent& e : page.entries) EntryToProto(e, response->add_entries());
    response->set_next_page_token(page.next_page_token);
    log.Count("results", response->entries_size());
    return absl::OkStatus();
  });
}

grpc::Status GovernanceService::ListExpiringRecords(grpc::ServerContext* context,
                                                    const v1::ListExpiringRecordsRequest* request,
                                                    v1::ListExpiringRecordsResponse* response) {
  return Run(*context, "ListExpiringRecords", [&](CallLog& log, const Claims& caller) -> absl::Status {
    if (request->within_days() < 0 || request->within_days() > 3650) {
      return engine::InvalidFieldError("within_days", "must be in [0, 3650]");
    }
    PASSERELLE_ASSIGN_OR_RETURN(
        std::vector<engine::ExpiringRecord> records,
        catalog_->ListExpiring(caller.organisation, absl::Now(), request->within_days(), retention_));
    for (const engine::ExpiringRecord& r : records) {
      v1::ExpiringRecord* out = response->add_records();
      out->set_kind(r.kind == engine::RecordKind::kCandidate ? "candidate" : "opening");
      out->set_id(r.id);
      out->set_erased_on(engine::FormatDay(r.erased_on));
    }
    log.Count("results", response->records_size());
    return absl::OkStatus();
  });
}

grpc::Status GovernanceService::EraseOrganisation(grpc::ServerContext* context,
                                                  const v1::EraseOrganisationRequest* request,
                                                  v1::EraseOrganisationResponse* response) {
  return Run(*context, "EraseOrganisation", [&](CallLog& log, const Claims& caller) -> absl::Status {
    if (caller.role != Role::kAdmin) return absl::PermissionDeniedError("only an admin may erase an organisation");
    if (request->organisation().empty()) return engine::InvalidFieldError("organisation", "required");
    if (cluster_node_ != nullptr) {
      PASSERELLE_ASSIGN_OR_RETURN(const uint64_t sequence, EraseOrganisationThroughLog(
                                                               *cluster_node_, caller.organisation,
                                                               request->organisation(), response));
      SetSequenceMetadata(*context, sequence);
      log.Count("keys_revoked", response->keys_revoked());
      log.Count("candidates", response->candidates_erased());
      log.Count("openings", response->openings_erased());
      return absl::OkStatus();
    }
    PASSERELLE_ASSIGN_OR_RETURN(const engine::OffboardReport report,
                                catalog_->EraseOrganisation(request->organisation()));
    response->set_candidates_erased(report.candidates_erased);
    response->set_openings_erased(report.openings_erased);
    // Then its keys (no call of it gets in afterwards) and every agreement it is party to.
    for (const KeyRecord& key : registry_->ListKeys(request->organisation())) {
      if (key.revoked_at != absl::InfiniteFuture()) continue;
      PASSERELLE_RETURN_IF_ERROR(registry_->RevokeKey(key.id).status());
      response->set_keys_revoked(response->keys_revoked() + 1);
    }
    for (const Agreement& agreement : registry_->ListAgreements()) {
      if (agreement.owner_organisation != request->organisation() &&
          agreement.reader_organisation != request->organisation()) {
        continue;
      }
      PASSERELLE_RETURN_IF_ERROR(registry_->DeleteAgreement(agreement.owner_organisation, agreement.reader_organisation));
      response->set_agreements_deleted(response->agreements_deleted() + 1);
    }
    log.Count("keys_revoked", response->keys_revoked());
    log.Count("candidates", report.candidates_erased);
    log.Count("openings", report.openings_erased);
    return absl::OkStatus();
  });
}

}  // namespace passerelle::server
