#include "server/matching_service.h"

#include <atomic>
#include <chrono>
#include <utility>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "engine/batch/cohort_assignment.h"
#include "engine/batch/rerank.h"
#include "engine/common/status_macros.h"
#include "engine/store/record_codec.h"
#include "engine/store/record_key.h"
#include "server/auth/claims.h"
#include "server/api_convert.h"
#include "server/batch_convert.h"
#include "server/call_log.h"
#include "server/status_convert.h"

namespace passerelle::server {
namespace {

using engine::PrefixFieldPath;

// OK while the call is live; DeadlineExceeded or Cancelled once the client can no longer get an answer.
absl::Status CheckLive(const grpc::ServerContextBase* context) {
  if (context->deadline() <= std::chrono::system_clock::now()) {
    return absl::DeadlineExceededError("deadline exceeded; nothing more was written");
  }
  if (context->IsCancelled()) return absl::CancelledError("call cancelled; nothing more was written");
  return absl::OkStatus();
}

absl::Status Required(absl::string_view field) {
  return engine::InvalidFieldError(field, "required");
}

// The organisation the call acts for: the credential's, never the request's.
// TODO(trust-auth merge): the authentication step refuses calls without claims; until it is merged such
// calls act for one organisation, "local".
std::string OrganisationOf(const grpc::ServerContextBase& context) {
  std::optional<Claims> claims = ClaimsOf(context);
  return claims ? claims->organisation : std::string("local");
}

// Audit entries name at most this many candidates each (a batch call writes several).
constexpr size_t kAuditCandidatesPerEntry = 1000;

// Appends the audit entries of a call that returns candidate data (docs/security.md), before it returns
// them: synced, like records. `candidates` hold qualified ids.
absl::Status AuditCall(engine::Catalog* catalog, const grpc::ServerContextBase& context, absl::string_view rpc,
                       const std::vector<std::string>& candidates) {
  std::optional<Claims> claims = ClaimsOf(context);
  engine::AuditEvent event;
  event.organisation = claims ? claims->organisation : "local";
  event.key_id = claims ? claims->key_id : "";
  event.acting_person = claims ? claims->acting_person : "";
  event.rpc = std::string(rpc);
  for (size_t begin = 0; begin < candidates.size(); begin += kAuditCandidatesPerEntry) {
    event.candidates.clear();
    for (size_t i = begin; i < std::min(candidates.size(), begin + kAuditCandidatesPerEntry); ++i) {
      const auto [organisation, id] = engine::SplitQualifiedId(candidates[i]);
      event.candidates.push_back({std::string(organisation), std::string(id)});
    }
    PASSERELLE_RETURN_IF_ERROR(catalog->AppendAudit(event));
  }
  return absl::OkStatus();
}

// Index results carry qualified ids ("<organisation>:<id>"); answers carry the records' own ids.
void StripIds(google::protobuf::RepeatedPtrField<v1::Match>* matches) {
  for (v1::Match& m : *matches) {
    m.set_id(std::string(engine::UnqualifiedId(m.id())));
    if (m.has_explanation()) {
      v1::Explanation* e = m.mutable_explanation();
      e->set_candidate_id(std::string(engine::UnqualifiedId(e->candidate_id())));
      e->set_opening_id(std::string(engine::UnqualifiedId(e->opening_id())));
    }
  }
}

// The index's NotFound names the qualified id; the caller knows the record by its own.
absl::Status Unqualify(absl::Status status, absl::string_view qualified, absl::string_view id) {
  if (status.ok()) return status;
  std::string message(status.message());
  const size_t at = message.find(qualified.data(), 0, qualified.size());
  if (at != std::string::npos) message.replace(at, qualified.size(), id.data(), id.size());
  absl::Status unqualified(status.code(), message);
  status.ForEachPayload(
      [&](absl::string_view type_url, const absl::Cord& payload) { unqualified.SetPayload(type_url, payload); });
  return unqualified;
}

// A NotFound from the index about `field`, for a record that is stored but no longer validates, says so.
template <class Stored>
absl::Status ExplainNotMatchable(absl::Status status, const Stored& stored, absl::string_view field,
                                 absl::string_view kind, absl::string_view id) {
  if (!absl::IsNotFound(status) || !stored.ok() || engine::FieldPath(status) != field) {
    return status;
  }
  return engine::FieldStatus(absl::StatusCode::kFailedPrecondition, field,
                             absl::StrCat(kind, " \"", id,
                                          "\" is stored but no longer validates against the reference "
                                          "data; see GetStatus, then put it again"));
}

// What differs between the two import streams.
struct CandidateImport {
  using Request = v1::ImportCandidatesRequest;
  static constexpr char kField[] = "candidate";
  static bool Has(const Request& r) { return r.has_candidate(); }
  static const std::string& Id(const Request& r) { return r.candidate().id(); }
  static auto Decode(const Request& r) { return engine::CandidateFromProto(r.candidate()); }
  static engine::Day Expiry(const Request&) { return 0; }
  static auto Put(engine::Catalog* catalog, absl::string_view organisation,
                  absl::Span<const engine::Candidate> items, absl::Span<const engine::Day>) {
    return catalog->PutCandidates(organisation, items);
  }
};

struct OpeningImport {
  using Request = v1::ImportOpeningsRequest;
  static constexpr char kField[] = "opening";
  static bool Has(const Request& r) { return r.has_opening(); }
  static const std::string& Id(const Request& r) { return r.opening().id(); }
  static absl::StatusOr<engine::Opening> Decode(const Request& r) {
    PASSERELLE_RETURN_IF_ERROR(engine::OpeningExpiryFromProto(r.opening()).status());
    return engine::OpeningFromProto(r.opening());
  }
  // Decode() has checked it.
  static engine::Day Expiry(const Request& r) { return engine::OpeningExpiryFromProto(r.opening()).value_or(0); }
  static auto Put(engine::Catalog* catalog, absl::string_view organisation, absl::Span<const engine::Opening> items,
                  absl::Span<const engine::Day> expires_on) {
    return catalog->PutOpenings(organisation, items, expires_on);
  }
};

void Reject(const absl::Status& status, v1::ImportItemReport* report) {
  report->set_status(v1::IMPORT_ITEM_STATUS_REJECTED);
  report->set_code(StatusCodeName(status.code()));
  report->set_field(engine::FieldPath(status));
  report->set_reason(engine::FieldReason(status));
}

}  // namespace

template <class Fn>
grpc::Status MatchingService::Run(absl::string_view method, Fn&& fn) {
  CallLog log(method);
  {
    absl::MutexLock lock(&mu_);
    if (draining_) {
      return log.Finish(absl::UnavailableError("the server is shutting down; nothing was done"));
    }
    ++running_;
  }
  const absl::Status status = fn(log);
  {
    absl::MutexLock lock(&mu_);
    --running_;
  }
  return log.Finish(status);
}

bool MatchingService::Drain(absl::Duration grace) {
  stopping_ = true;
  absl::MutexLock lock(&mu_);
  draining_ = true;
  return mu_.AwaitWithTimeout(absl::Condition(
                                  +[](int* running) { return *running == 0; }, &running_),
                              grace);
}

grpc::Status MatchingService::PutCandidate(grpc::ServerContext* context, const v1::PutCandidateRequest* request,
                                           v1::PutCandidateResponse* response) {
  return Run("PutCandidate", [&](CallLog& log) -> absl::Status {
    if (!request->has_candidate()) return Required("candidate");
    absl::StatusOr<engine::Candidate> record = engine::CandidateFromProto(request->candidate());
    if (!record.ok()) return PrefixFieldPath(record.status(), "candidate");
    PASSERELLE_RETURN_IF_ERROR(CheckLive(context));
    PASSERELLE_ASSIGN_OR_RETURN(std::vector<engine::PutOutcome> outcomes,
                                catalog_->PutCandidates(OrganisationOf(*context), {*record}));
    if (!outcomes[0].status.ok()) return PrefixFieldPath(outcomes[0].status, "candidate");
    response->set_created(outcomes[0].created);
    return absl::OkStatus();
  });
}

grpc::Status MatchingService::PutOpening(grpc::ServerContext* context, const v1::PutOpeningRequest* request,
                                         v1::PutOpeningResponse* response) {
  return Run("PutOpening", [&](CallLog& log) -> absl::Status {
    if (!request->has_opening()) return Required("opening");
    absl::StatusOr<engine::Opening> record = engine::OpeningFromProto(request->opening());
    if (!record.ok()) return PrefixFieldPath(record.status(), "opening");
    absl::StatusOr<engine::Day> expires_on = engine::OpeningExpiryFromProto(request->opening());
    if (!expires_on.ok()) return PrefixFieldPath(expires_on.status(), "opening");
    PASSERELLE_RETURN_IF_ERROR(CheckLive(context));
    PASSERELLE_ASSIGN_OR_RETURN(std::vector<engine::PutOutcome> outcomes,
                                catalog_->PutOpenings(OrganisationOf(*context), {*record}, {*expires_on}));
    if (!outcomes[0].status.ok()) return PrefixFieldPath(outcomes[0].status, "opening");
    response->set_created(outcomes[0].created);
    return absl::OkStatus();
  });
}

grpc::Status MatchingService::GetCandidate(grpc::ServerContext* context, const v1::GetCandidateRequest* request,
                                           v1::GetCandidateResponse* response) {
  return Run("GetCandidate", [&](CallLog& log) -> absl::Status {
    PASSERELLE_RETURN_IF_ERROR(engine::ValidateId(request->candidate_id(), "candidate_id"));
    const std::string organisation = OrganisationOf(*context);
    auto stored = catalog_->GetCandidate(organisation, request->candidate_id());
    if (!stored.ok()) return PrefixFieldPath(stored.status(), "candidate_id");
    PASSERELLE_RETURN_IF_ERROR(
        AuditCall(catalog_, *context, "GetCandidate", {engine::QualifiedId(organisation, request->candidate_id())}));
    *response->mutable_candidate() = std::move(stored->record);
    response->set_matchable(stored->matchable);
    return absl::OkStatus();
  });
}

grpc::Status MatchingService::GetOpening(grpc::ServerContext* context, const v1::GetOpeningRequest* request,
                                         v1::GetOpeningResponse* response) {
  return Run("GetOpening", [&](CallLog& log) -> absl::Status {
    PASSERELLE_RETURN_IF_ERROR(engine::ValidateId(request->opening_id(), "opening_id"));
    auto stored = catalog_->GetOpening(OrganisationOf(*context), request->opening_id());
    if (!stored.ok()) return PrefixFieldPath(stored.status(), "opening_id");
    *response->mutable_opening() = std::move(stored->record);
    response->set_matchable(stored->matchable);
    return absl::OkStatus();
  });
}

grpc::Status MatchingService::DeleteCandidate(grpc::ServerContext* context, const v1::DeleteCandidateRequest* request,
                                              v1::DeleteCandidateResponse* response) {
  return Run("DeleteCandidate", [&](CallLog& log) -> absl::Status {
    PASSERELLE_RETURN_IF_ERROR(engine::ValidateId(request->candidate_id(), "candidate_id"));
    PASSERELLE_RETURN_IF_ERROR(CheckLive(context));
    return PrefixFieldPath(catalog_->DeleteCandidate(OrganisationOf(*context), request->candidate_id()),
                           "candidate_id");
  });
}

grpc::Status MatchingService::DeleteOpening(grpc::ServerContext* context, const v1::DeleteOpeningRequest* request,
                                            v1::DeleteOpeningResponse* response) {
  return Run("DeleteOpening", [&](CallLog& log) -> absl::Status {
    PASSERELLE_RETURN_IF_ERROR(engine::ValidateId(request->opening_id(), "opening_id"));
    PASSERELLE_RETURN_IF_ERROR(CheckLive(context));
    return PrefixFieldPath(catalog_->DeleteOpening(OrganisationOf(*context), request->opening_id()), "opening_id");
  });
}

// Reads the stream, decoding each item at once (a bad one is reported and skipped) and committing the
// good ones every import_batch_items and at the end. Reports are final only once their batch committed.
template <class Kind>
absl::Status MatchingService::Import(grpc::ServerContext* context,
                                     grpc::ServerReader<typename Kind::Request>* reader,
                                     v1::ImportResponse* response) {
  using Record = typename decltype(Kind::Decode(std::declval<typename Kind::Request>()))::value_type;
  std::vector<Record> batch;
  std::vector<engine::Day> expiries;  // one per batch entry
  std::vector<int> batch_reports;  // index into response->items() of each batch entry
  const std::string organisation = OrganisationOf(*context);
  auto commit = [&]() -> absl::Status {
    if (batch.empty()) return absl::OkStatus();
    PASSERELLE_RETURN_IF_ERROR(CheckLive(context));
    PASSERELLE_ASSIGN_OR_RETURN(std::vector<engine::PutOutcome> outcomes,
                                Kind::Put(catalog_, organisation, batch, expiries));
    for (size_t i = 0; i < outcomes.size(); ++i) {
      v1::ImportItemReport* report = response->mutable_items(batch_reports[i]);
      if (outcomes[i].status.ok()) {
        report->set_status(v1::IMPORT_ITEM_STATUS_ACCEPTED);
      } else {
        Reject(outcomes[i].status, report);
      }
    }
    batch.clear();
    expiries.clear();
    batch_reports.clear();
    return absl::OkStatus();
  };

  // Tells the client the stream is in the server's hands (a call that has started survives a shutdown's
  // grace period; one still queued does not).
  reader->SendInitialMetadata();
  typename Kind::Request item;
  int64_t received = 0;
  while (reader->Read(&item)) {
    v1::ImportItemReport* report = response->add_items();
    report->set_index(received++);
    report->set_id(Kind::Id(item));
    if (received > limits_.max_import_items) {
      Reject(absl::ResourceExhaustedError(absl::StrCat("this stream carries more than ", limits_.max_import_items,
                                                       " items; send the rest in another stream")),
             report);
      continue;
    }
    if (!Kind::Has(item)) {
      Reject(Required(Kind::kField), report);
      continue;
    }
    auto record = Kind::Decode(item);
    if (!record.ok()) {
      Reject(record.status(), report);
      continue;
    }
    batch.push_back(*std::move(record));
    expiries.push_back(Kind::Expiry(item));
    batch_reports.push_back(response->items_size() - 1);
    if (static_cast<int>(batch.size()) >= limits_.import_batch_items) PASSERELLE_RETURN_IF_ERROR(commit());
  }
  // Read() also ends when the client cancels or the deadline passes: then the last batch is not written.
  PASSERELLE_RETURN_IF_ERROR(CheckLive(context));
  PASSERELLE_RETURN_IF_ERROR(commit());
  int64_t accepted = 0;
  for (const v1::ImportItemReport& report : response->items()) accepted += report.status() == v1::IMPORT_ITEM_STATUS_ACCEPTED;
  response->set_received_count(received);
  response->set_accepted_count(accepted);
  response->set_rejected_count(received - accepted);
  return absl::OkStatus();
}

grpc::Status MatchingService::ImportCandidates(grpc::ServerContext* context,
                                               grpc::ServerReader<v1::ImportCandidatesRequest>* reader,
                                               v1::ImportResponse* response) {
  return Run("ImportCandidates", [&](CallLog& log) {
    const absl::Status status = Import<CandidateImport>(context, reader, response);
    log.Count("items", response->items_size());
    log.Count("accepted", response->accepted_count());
    return status;
  });
}

grpc::Status MatchingService::ImportOpenings(grpc::ServerContext* context,
                                             grpc::ServerReader<v1::ImportOpeningsRequest>* reader,
                                             v1::ImportResponse* response) {
  return Run("ImportOpenings", [&](CallLog& log) {
    const absl::Status status = Import<OpeningImport>(context, reader, response);
    log.Count("items", response->items_size());
    log.Count("accepted", response->accepted_count());
    return status;
  });
}

namespace {
// Answers a callback-API call at once with `status`.
grpc::ServerUnaryReactor* FinishNow(grpc::CallbackServerContext* context, const grpc::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(status);
  return reactor;
}
}  // namespace

grpc::ServerUnaryReactor* MatchingService::MatchOpenings(grpc::CallbackServerContext* context,
                                                         const v1::MatchOpeningsRequest* request,
                                                         v1::MatchOpeningsResponse* response) {
  return FinishNow(context, Run("MatchOpenings", [&](CallLog& log) -> absl::Status {
    PASSERELLE_RETURN_IF_ERROR(engine::ValidateId(request->candidate_id(), "candidate_id"));
    PASSERELLE_ASSIGN_OR_RETURN(const engine::MatchQuery query, MatchQueryFromProto(*request, limits_.max_k));
    absl::StatusOr<engine::ScoringProfile> profile = catalog_->GetProfile(request->scoring_profile());
    if (!profile.ok()) return PrefixFieldPath(profile.status(), "scoring_profile");
    PASSERELLE_RETURN_IF_ERROR(CheckLive(context));
    const std::string organisation = OrganisationOf(*context);
    const std::string candidate = engine::QualifiedId(organisation, request->candidate_id());
    absl::StatusOr<engine::MatchResult> result = catalog_->index().MatchOpenings(candidate, query, *profile);
    if (!result.ok()) {
      return ExplainNotMatchable(Unqualify(result.status(), candidate, request->candidate_id()),
                                 catalog_->GetCandidate(organisation, request->candidate_id()), "candidate_id",
                                 "candidate", request->candidate_id());
    }
    PASSERELLE_RETURN_IF_ERROR(AuditCall(catalog_, *context, "MatchOpenings", {candidate}));
    MatchResultToProto(*result, *profile, query.explain, response);
    StripIds(response->mutable_matches());
    StripIds(response->mutable_near_misses());
    log.Count("results", response->matches_size());
    log.Count("near_misses", response->near_misses_size());
    return absl::OkStatus();
  }));
}

grpc::ServerUnaryReactor* MatchingService::MatchCandidates(grpc::CallbackServerContext* context,
                                                           const v1::MatchCandidatesRequest* request,
                                                           v1::MatchCandidatesResponse* response) {
  return FinishNow(context, Run("MatchCandidates", [&](CallLog& log) -> absl::Status {
    PASSERELLE_RETURN_IF_ERROR(engine::ValidateId(request->opening_id(), "opening_id"));
    PASSERELLE_ASSIGN_OR_RETURN(const engine::MatchQuery query, MatchQueryFromProto(*request, limits_.max_k));
    absl::StatusOr<engine::ScoringProfile> profile = catalog_->GetProfile(request->scoring_profile());
    if (!profile.ok()) return PrefixFieldPath(profile.status(), "scoring_profile");
    PASSERELLE_RETURN_IF_ERROR(CheckLive(context));
    const std::string organisation = OrganisationOf(*context);
    const std::string opening = engine::QualifiedId(organisation, request->opening_id());
    absl::StatusOr<engine::MatchResult> result = catalog_->index().MatchCandidates(opening, query, *profile);
    if (!result.ok()) {
      return ExplainNotMatchable(Unqualify(result.status(), opening, request->opening_id()),
                                 catalog_->GetOpening(organisation, request->opening_id()), "opening_id", "opening",
                                 request->opening_id());
    }
    MatchResultToProto(*result, *profile, query.explain, response);
    std::vector<std::string> returned;
    for (const v1::Match& m : response->matches()) returned.push_back(m.id());
    for (const v1::Match& m : response->near_misses()) returned.push_back(m.id());
    PASSERELLE_RETURN_IF_ERROR(AuditCall(catalog_, *context, "MatchCandidates", returned));
    StripIds(response->mutable_matches());
    StripIds(response->mutable_near_misses());
    log.Count("results", response->matches_size());
    log.Count("near_misses", response->near_misses_size());
    return absl::OkStatus();
  }));
}

grpc::ServerUnaryReactor* MatchingService::Explain(grpc::CallbackServerContext* context,
                                                   const v1::ExplainRequest* request, v1::ExplainResponse* response) {
  return FinishNow(context, Run("Explain", [&](CallLog& log) -> absl::Status {
    PASSERELLE_RETURN_IF_ERROR(engine::ValidateId(request->candidate_id(), "candidate_id"));
    PASSERELLE_RETURN_IF_ERROR(engine::ValidateId(request->opening_id(), "opening_id"));
    absl::StatusOr<engine::ScoringProfile> profile = catalog_->GetProfile(request->scoring_profile());
    if (!profile.ok()) return PrefixFieldPath(profile.status(), "scoring_profile");
    PASSERELLE_RETURN_IF_ERROR(CheckLive(context));
    const std::string organisation = OrganisationOf(*context);
    const std::string candidate = engine::QualifiedId(organisation, request->candidate_id());
    const std::string opening = engine::QualifiedId(organisation, request->opening_id());
    absl::StatusOr<engine::Explanation> explanation = catalog_->index().Explain(candidate, opening, *profile);
    if (!explanation.ok()) {
      absl::Status status = Unqualify(Unqualify(explanation.status(), candidate, request->candidate_id()), opening,
                                      request->opening_id());
      status = ExplainNotMatchable(status, catalog_->GetCandidate(organisation, request->candidate_id()),
                                   "candidate_id", "candidate", request->candidate_id());
      return ExplainNotMatchable(status, catalog_->GetOpening(organisation, request->opening_id()), "opening_id",
                                 "opening", request->opening_id());
    }
    PASSERELLE_RETURN_IF_ERROR(AuditCall(catalog_, *context, "Explain", {candidate}));
    ExplanationToProto(*explanation, response->mutable_explanation());
    response->mutable_explanation()->set_candidate_id(request->candidate_id());
    response->mutable_explanation()->set_opening_id(request->opening_id());
    response->set_scoring_profile(profile->name);
    return absl::OkStatus();
  }));
}

grpc::Status MatchingService::PutScoringProfile(grpc::ServerContext* context,
                                                const v1::PutScoringProfileRequest* request,
                                                v1::PutScoringProfileResponse* response) {
  return Run("PutScoringProfile", [&](CallLog& log) -> absl::Status {
    if (!request->has_profile()) return Required("profile");
    PASSERELLE_RETURN_IF_ERROR(CheckLive(context));
    absl::StatusOr<bool> created = catalog_->PutProfile(engine::ScoringProfileFromProto(request->profile()));
    if (!created.ok()) return PrefixFieldPath(created.status(), "profile");
    response->set_created(*created);
    return absl::OkStatus();
  });
}

grpc::Status MatchingService::GetScoringProfile(grpc::ServerContext* context,
                                                const v1::GetScoringProfileRequest* request,
                                                v1::GetScoringProfileResponse* response) {
  return Run("GetScoringProfile", [&](CallLog& log) -> absl::Status {
    if (request->name().empty()) return Required("name");
    absl::StatusOr<engine::ScoringProfile> profile = catalog_->GetProfile(request->name());
    if (!profile.ok()) return PrefixFieldPath(profile.status(), "name");
    *response->mutable_profile() = engine::ScoringProfileToProto(*profile);
    return absl::OkStatus();
  });
}

grpc::Status MatchingService::ListScoringProfiles(grpc::ServerContext* context,
                                                  const v1::ListScoringProfilesRequest* request,
                                                  v1::ListScoringProfilesResponse* response) {
  return Run("ListScoringProfiles", [&](CallLog& log) {
    for (const engine::ScoringProfile& profile : catalog_->ListProfiles()) {
      *response->add_profiles() = engine::ScoringProfileToProto(profile);
    }
    log.Count("results", response->profiles_size());
    return absl::OkStatus();
  });
}

grpc::Status MatchingService::GetStatus(grpc::ServerContext* context, const v1::GetStatusRequest* request,
                                        v1::GetStatusResponse* response) {
  return Run("GetStatus", [&](CallLog& log) {
    response->set_schema_version(engine::kStoreSchemaVersion);
    response->set_reference_data_version(catalog_->data().version());
    response->set_previous_reference_data_version(catalog_->load_report().previous_reference_data_version);
    response->set_candidate_count(catalog_->candidate_count());
    response->set_opening_count(catalog_->opening_count());
    response->set_scoring_profile_count(static_cast<int64_t>(catalog_->ListProfiles().size()));
    for (const engine::InvalidRecord& invalid : catalog_->InvalidRecords()) {
      v1::InvalidRecord* out = response->add_invalid_records();
      out->set_kind(engine::RecordKindToProto(invalid.kind));
      out->set_id(invalid.id);
      out->set_reason(invalid.reason);
    }
    const engine::SweepReport swept = catalog_->sweep_totals();
    response->set_retention_candidates_erased(swept.candidates_erased);
    response->set_retention_openings_erased(swept.openings_erased);
    response->set_retention_audit_entries_deleted(swept.audit_entries_deleted);
    return absl::OkStatus();
  });
}

// ---------------------------------------------------------------------------------------------------
// Batch rpcs.

absl::Status MatchingService::EnterBatch() {
  absl::MutexLock lock(&mu_);
  if (batch_running_ >= limits_.max_batch_calls) {
    return absl::ResourceExhaustedError(absl::StrCat(batch_running_, " batch calls (Rerank, Assign) are already running,",
                                                     " the server's limit; retry when one has finished"));
  }
  ++batch_running_;
  return absl::OkStatus();
}

void MatchingService::LeaveBatch() {
  absl::MutexLock lock(&mu_);
  --batch_running_;
}

bool MatchingService::BatchShouldStop(const grpc::ServerContext* context) const {
  return stopping_.load(std::memory_order_relaxed) || context->deadline() <= std::chrono::system_clock::now() ||
         context->IsCancelled();
}

absl::Status MatchingService::BatchStopStatus(const grpc::ServerContext* context, absl::string_view what) const {
  if (stopping_) return absl::UnavailableError(absl::StrCat("the server is shutting down: ", what));
  if (context->deadline() <= std::chrono::system_clock::now()) {
    return absl::DeadlineExceededError(absl::StrCat("deadline exceeded: ", what));
  }
  return absl::CancelledError(absl::StrCat("call cancelled: ", what));
}

grpc::Status MatchingService::Rerank(grpc::ServerContext* context, const v1::RerankRequest* request,
                                     grpc::ServerWriter<v1::RerankResponse>* writer) {
  return Run("Rerank", [&](CallLog& log) -> absl::Status {
    PASSERELLE_ASSIGN_OR_RETURN(engine::RerankOptions options,
                                RerankOptionsFromProto(*request, limits_.max_k, catalog_->data()));
    absl::StatusOr<engine::ScoringProfile> profile = catalog_->GetProfile(request->scoring_profile());
    if (!profile.ok()) return PrefixFieldPath(profile.status(), "scoring_profile");
    PASSERELLE_RETURN_IF_ERROR(CheckLive(context));
    PASSERELLE_RETURN_IF_ERROR(EnterBatch());
    absl::Cleanup leave = [this] { LeaveBatch(); };

    // The engine calls both functions below from one thread at a time, so writes never overlap.
    std::atomic<bool> write_failed{false};
    absl::Status audit_status;
    options.cancelled = [&] { return write_failed.load() || !audit_status.ok() || BatchShouldStop(context); };
    engine::RerankProgress last;
    auto write = [&](v1::RerankResponse& response) {
      if (!write_failed && !writer->Write(response)) write_failed = true;
    };
    // Rankings wait here until their audit entry is written (one synced write per chunk).
    std::vector<v1::RerankResponse> held;
    std::vector<std::string> held_candidates;
    auto release = [&] {
      if (held.empty() || !audit_status.ok()) return;
      audit_status = AuditCall(catalog_, *context, "Rerank", held_candidates);
      if (audit_status.ok()) {
        for (v1::RerankResponse& r : held) write(r);
      }
      held.clear();
      held_candidates.clear();
    };
    auto send = [&](v1::RerankResponse& response) {
      if (response.has_ranking()) {
        held_candidates.push_back(response.ranking().candidate_id());
        response.mutable_ranking()->set_candidate_id(std::string(engine::UnqualifiedId(held_candidates.back())));
        StripIds(response.mutable_ranking()->mutable_matches());
        held.push_back(std::move(response));
        if (held.size() >= kAuditCandidatesPerEntry) release();
        return;
      }
      release();
      write(response);
    };
    absl::Status status = engine::Rerank(
        catalog_->index(), *profile, options,
        [&](engine::CandidateRanking ranking) {
          v1::RerankResponse response;
          v1::CandidateRanking* out = response.mutable_ranking();
          out->set_candidate_id(std::move(ranking.candidate_id));
          for (const engine::ScoredMatch& m : ranking.matches) MatchToProto(m, *profile, options.explain, out->add_matches());
          send(response);
        },
        [&](const engine::RerankProgress& progress) {
          last = progress;
          // The final figures go out once Rerank has returned, marked done.
          if (progress.candidates_done == progress.candidates_total) return;
          v1::RerankResponse response;
          RerankProgressToProto(progress, /*done=*/false, response.mutable_progress());
          send(response);
        });
    release();
    log.Count("candidates", last.candidates_done);
    log.Count("pairs_scored", last.pairs_scored);
    PASSERELLE_RETURN_IF_ERROR(audit_status);
    if (absl::IsCancelled(status)) return BatchStopStatus(context, status.message());
    PASSERELLE_RETURN_IF_ERROR(status);
    v1::RerankResponse final_progress;
    RerankProgressToProto(last, /*done=*/true, final_progress.mutable_progress());
    send(final_progress);
    if (write_failed) return BatchStopStatus(context, "the client stopped reading");
    return absl::OkStatus();
  });
}

grpc::Status MatchingService::Assign(grpc::ServerContext* context, const v1::AssignRequest* request,
                                     v1::AssignResponse* response) {
  return Run("Assign", [&](CallLog& log) -> absl::Status {
    PASSERELLE_ASSIGN_OR_RETURN(engine::CohortAssignmentOptions options,
                                CohortAssignmentOptionsFromProto(*request, limits_.max_k, catalog_->data()));
    absl::StatusOr<engine::ScoringProfile> profile = catalog_->GetProfile(request->scoring_profile());
    if (!profile.ok()) return PrefixFieldPath(profile.status(), "scoring_profile");
    PASSERELLE_RETURN_IF_ERROR(CheckLive(context));
    PASSERELLE_RETURN_IF_ERROR(EnterBatch());
    absl::Cleanup leave = [this] { LeaveBatch(); };

    options.cancelled = [&] { return BatchShouldStop(context); };
    absl::StatusOr<engine::CohortAssignment> run = engine::AssignCohort(catalog_->index(), *profile, options);
    if (absl::IsCancelled(run.status())) return BatchStopStatus(context, run.status().message());
    PASSERELLE_RETURN_IF_ERROR(run.status());
    const int listed = request->max_left_out_listed() == 0 ? kDefaultMaxLeftOutListed : request->max_left_out_listed();
    std::vector<std::string> returned;
    for (const engine::CohortPlacement& p : run->placements) returned.push_back(p.candidate_id);
    for (size_t i = 0; i < run->left_out.size() && i < static_cast<size_t>(listed); ++i) {
      returned.push_back(run->left_out[i].candidate_id);
    }
    PASSERELLE_RETURN_IF_ERROR(AuditCall(catalog_, *context, "Assign", returned));
    CohortAssignmentToProto(*run, listed, response);
    for (v1::Assignment& a : *response->mutable_assignments()) {
      a.set_candidate_id(std::string(engine::UnqualifiedId(a.candidate_id())));
      a.set_opening_id(std::string(engine::UnqualifiedId(a.opening_id())));
    }
    for (v1::LeftOutCandidate& l : *response->mutable_left_out()) {
      l.set_candidate_id(std::string(engine::UnqualifiedId(l.candidate_id())));
    }
    response->set_scoring_profile(profile->name);
    log.Count("candidates", run->report.candidate_count);
    log.Count("assigned", run->report.assigned_count);
    return absl::OkStatus();
  });
}

}  // namespace passerelle::server
