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
  return absl::InvalidArgumentError(absl::StrCat(field, ": required"));
}

// A NotFound from the index about `field`, for a record the caller read from the store (so it is stored
// but no longer validates), says so.
absl::Status ExplainNotMatchable(absl::Status status, absl::string_view field, absl::string_view kind,
                                 absl::string_view id) {
  if (!absl::IsNotFound(status) || engine::SplitFieldError(status.message()).field != field) {
    return status;
  }
  return absl::FailedPreconditionError(absl::StrCat(field, ": ", kind, " \"", id,
                                                    "\" is stored but no longer validates against the reference "
                                                    "data; see GetStatus, then put it again"));
}

// What differs between the two kinds of record, for the Put/Get/Delete/Import handlers written once.
struct CandidateKind {
  using Message = v1::Candidate;
  using ImportRequest = v1::ImportCandidatesRequest;
  static constexpr char kField[] = "candidate";
  static constexpr char kIdField[] = "candidate_id";
  static bool Has(const ImportRequest& r) { return r.has_candidate(); }
  static const Message& Of(const ImportRequest& r) { return r.candidate(); }
  static auto Decode(const Message& m) { return engine::CandidateFromProto(m); }
  static auto Put(engine::Catalog* catalog, absl::Span<const engine::Candidate> items) {
    return catalog->PutCandidates(items);
  }
  static auto Get(const engine::Catalog& catalog, const std::string& id) { return catalog.GetCandidate(id); }
  static absl::Status Delete(engine::Catalog* catalog, const std::string& id) { return catalog->DeleteCandidate(id); }
  static bool CanRead(const Authorizer& a, const Claims& c, const Message& m) { return a.CanReadCandidate(c, m); }
  static bool CanWrite(const Authorizer& a, const Claims& c, absl::string_view owner) {
    return a.CanWriteCandidate(c, owner);
  }
  static void View(const Claims& c, Message* m) { Authorizer::ViewFor(c, m); }
};

struct OpeningKind {
  using Message = v1::Opening;
  using ImportRequest = v1::ImportOpeningsRequest;
  static constexpr char kField[] = "opening";
  static constexpr char kIdField[] = "opening_id";
  static bool Has(const ImportRequest& r) { return r.has_opening(); }
  static const Message& Of(const ImportRequest& r) { return r.opening(); }
  static auto Decode(const Message& m) { return engine::OpeningFromProto(m); }
  static auto Put(engine::Catalog* catalog, absl::Span<const engine::Opening> items) {
    return catalog->PutOpenings(items);
  }
  static auto Get(const engine::Catalog& catalog, const std::string& id) { return catalog.GetOpening(id); }
  static absl::Status Delete(engine::Catalog* catalog, const std::string& id) { return catalog->DeleteOpening(id); }
  static bool CanRead(const Authorizer& a, const Claims& c, const Message& m) { return a.CanReadOpening(c, m); }
  static bool CanWrite(const Authorizer& a, const Claims& c, absl::string_view owner) {
    return a.CanWriteOpening(c, owner);
  }
  static void View(const Claims& c, Message* m) {}
};

// The same answer as for an absent record: a record the caller may not see does not exist for it.
absl::Status Absent(absl::string_view kind, absl::string_view id) {
  return absl::NotFoundError(absl::StrCat("no ", kind, " \"", id, "\""));
}

// Decodes a record written by `claims`' organisation: the owner comes from the credential, never from
// the body (whose owner_id must be "" or that organisation).
// TODO(integrator): with the catalog keyed by (organisation, id) (trust-data), this owner_id is also the
// organisation the catalog stores the record under: the one place a handler names it.
template <class Kind>
auto DecodeOwned(const Claims& claims, const typename Kind::Message& message)
    -> decltype(Kind::Decode(message)) {
  PASSERELLE_RETURN_IF_ERROR(Authorizer::CheckBodyOwner(claims, message.owner_id(), "owner_id"));
  auto record = Kind::Decode(message);
  if (record.ok()) record->owner_id = claims.organisation;
  return record;
}

void Reject(const absl::Status& status, v1::ImportItemReport* report) {
  const engine::FieldError parts = engine::SplitFieldError(status.message());
  report->set_status(v1::IMPORT_ITEM_STATUS_REJECTED);
  report->set_code(StatusCodeName(status.code()));
  report->set_field(parts.field);
  report->set_reason(parts.reason);
}

}  // namespace

template <class Fn>
grpc::Status MatchingService::Run(const grpc::ServerContextBase& context, absl::string_view method, Fn&& fn) {
  CallLog log(method);
  {
    absl::MutexLock lock(&mu_);
    if (draining_) {
      return log.Finish(ToGrpcStatus(absl::UnavailableError("the server is shutting down; nothing was done")));
    }
    ++running_;
  }
  absl::Status status;
  absl::StatusOr<Claims> claims = gate_->Enter(context, method, log);
  if (claims.ok()) {
    status = fn(log, *claims);
    gate_->Leave(*claims);
  } else {
    status = claims.status();
  }
  {
    absl::MutexLock lock(&mu_);
    --running_;
  }
  return log.Finish(ToGrpcStatus(status));
}

bool MatchingService::Drain(absl::Duration grace) {
  stopping_ = true;
  absl::MutexLock lock(&mu_);
  draining_ = true;
  return mu_.AwaitWithTimeout(absl::Condition(
                                  +[](int* running) { return *running == 0; }, &running_),
                              grace);
}

// ---------------------------------------------------------------------------------------------------
// Put, Get, Delete and Import, once for both kinds of record.

template <class Kind>
absl::StatusOr<engine::StoredRecord<typename Kind::Message>> MatchingService::Readable(const Claims& claims,
                                                                               const std::string& id) const {
  PASSERELLE_RETURN_IF_ERROR(engine::ValidateId(id, Kind::kIdField));
  auto stored = Kind::Get(*catalog_, id);
  if (stored.ok() && !Kind::CanRead(gate_->authorizer(), claims, stored->record)) {
    return PrefixFieldPath(Absent(Kind::kField, id), Kind::kIdField);
  }
  if (!stored.ok()) return PrefixFieldPath(stored.status(), Kind::kIdField);
  return stored;
}

template <class Kind>
absl::StatusOr<bool> MatchingService::PutRecord(const grpc::ServerContext* context, const Claims& claims,
                                                const typename Kind::Message* message) {
  if (message == nullptr) return Required(Kind::kField);
  auto record = DecodeOwned<Kind>(claims, *message);
  if (!record.ok()) return PrefixFieldPath(record.status(), Kind::kField);
  PASSERELLE_RETURN_IF_ERROR(CheckLive(context));
  PASSERELLE_ASSIGN_OR_RETURN(std::vector<engine::PutOutcome> outcomes, Kind::Put(catalog_, {*record}));
  if (!outcomes[0].status.ok()) return PrefixFieldPath(outcomes[0].status, Kind::kField);
  return outcomes[0].created;
}

template <class Kind>
absl::Status MatchingService::GetRecord(const Claims& claims, const std::string& id, typename Kind::Message* out,
                                        bool* matchable) const {
  PASSERELLE_ASSIGN_OR_RETURN(auto stored, Readable<Kind>(claims, id));
  Kind::View(claims, &stored.record);
  *out = std::move(stored.record);
  *matchable = stored.matchable;
  return absl::OkStatus();
}

template <class Kind>
absl::Status MatchingService::DeleteRecord(const grpc::ServerContext* context, const Claims& claims,
                                           const std::string& id) {
  PASSERELLE_ASSIGN_OR_RETURN(auto stored, Readable<Kind>(claims, id));
  if (!Kind::CanWrite(gate_->authorizer(), claims, stored.record.owner_id())) {
    return PrefixFieldPath(Absent(Kind::kField, id), Kind::kIdField);
  }
  PASSERELLE_RETURN_IF_ERROR(CheckLive(context));
  return PrefixFieldPath(Kind::Delete(catalog_, id), Kind::kIdField);
}

grpc::Status MatchingService::PutCandidate(grpc::ServerContext* context, const v1::PutCandidateRequest* request,
                                           v1::PutCandidateResponse* response) {
  return Run(*context, "PutCandidate", [&](CallLog& log, const Claims& claims) -> absl::Status {
    PASSERELLE_ASSIGN_OR_RETURN(bool created, PutRecord<CandidateKind>(
                                                  context, claims, request->has_candidate() ? &request->candidate() : nullptr));
    response->set_created(created);
    return absl::OkStatus();
  });
}

grpc::Status MatchingService::PutOpening(grpc::ServerContext* context, const v1::PutOpeningRequest* request,
                                         v1::PutOpeningResponse* response) {
  return Run(*context, "PutOpening", [&](CallLog& log, const Claims& claims) -> absl::Status {
    PASSERELLE_ASSIGN_OR_RETURN(bool created, PutRecord<OpeningKind>(
                                                  context, claims, request->has_opening() ? &request->opening() : nullptr));
    response->set_created(created);
    return absl::OkStatus();
  });
}

grpc::Status MatchingService::GetCandidate(grpc::ServerContext* context, const v1::GetCandidateRequest* request,
                                           v1::GetCandidateResponse* response) {
  return Run(*context, "GetCandidate", [&](CallLog& log, const Claims& claims) {
    bool matchable = false;
    absl::Status status =
        GetRecord<CandidateKind>(claims, request->candidate_id(), response->mutable_candidate(), &matchable);
    response->set_matchable(matchable);
    return status;
  });
}

grpc::Status MatchingService::GetOpening(grpc::ServerContext* context, const v1::GetOpeningRequest* request,
                                         v1::GetOpeningResponse* response) {
  return Run(*context, "GetOpening", [&](CallLog& log, const Claims& claims) {
    bool matchable = false;
    absl::Status status = GetRecord<OpeningKind>(claims, request->opening_id(), response->mutable_opening(), &matchable);
    response->set_matchable(matchable);
    return status;
  });
}

grpc::Status MatchingService::DeleteCandidate(grpc::ServerContext* context, const v1::DeleteCandidateRequest* request,
                                              v1::DeleteCandidateResponse* response) {
  return Run(*context, "DeleteCandidate", [&](CallLog& log, const Claims& claims) {
    return DeleteRecord<CandidateKind>(context, claims, request->candidate_id());
  });
}

grpc::Status MatchingService::DeleteOpening(grpc::ServerContext* context, const v1::DeleteOpeningRequest* request,
                                            v1::DeleteOpeningResponse* response) {
  return Run(*context, "DeleteOpening", [&](CallLog& log, const Claims& claims) {
    return DeleteRecord<OpeningKind>(context, claims, request->opening_id());
  });
}

// Reads the stream, decoding each item at once (a bad one is reported and skipped) and committing the
// good ones every import_batch_items and at the end. Reports are final only once their batch committed.
template <class Kind>
absl::Status MatchingService::Import(grpc::ServerContext* context, const Claims& claims,
                                     grpc::ServerReader<typename Kind::ImportRequest>* reader,
                                     v1::ImportResponse* response) {
  using Record = typename decltype(Kind::Decode(std::declval<typename Kind::Message>()))::value_type;
  std::vector<Record> batch;
  std::vector<int> batch_reports;  // index into response->items() of each batch entry
  auto commit = [&]() -> absl::Status {
    if (batch.empty()) return absl::OkStatus();
    PASSERELLE_RETURN_IF_ERROR(CheckLive(context));
    PASSERELLE_ASSIGN_OR_RETURN(std::vector<engine::PutOutcome> outcomes, Kind::Put(catalog_, batch));
    for (size_t i = 0; i < outcomes.size(); ++i) {
      v1::ImportItemReport* report = response->mutable_items(batch_reports[i]);
      if (outcomes[i].status.ok()) {
        report->set_status(v1::IMPORT_ITEM_STATUS_ACCEPTED);
      } else {
        Reject(outcomes[i].status, report);
      }
    }
    batch.clear();
    batch_reports.clear();
    return absl::OkStatus();
  };

  // Tells the client the stream is in the server's hands (a call that has started survives a shutdown's
  // grace period; one still queued does not).
  reader->SendInitialMetadata();
  typename Kind::ImportRequest item;
  int64_t received = 0;
  while (reader->Read(&item)) {
    v1::ImportItemReport* report = response->add_items();
    report->set_index(received++);
    report->set_id(Kind::Of(item).id());
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
    auto record = DecodeOwned<Kind>(claims, Kind::Of(item));
    if (!record.ok()) {
      Reject(record.status(), report);
      continue;
    }
    batch.push_back(*std::move(record));
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
  return Run(*context, "ImportCandidates", [&](CallLog& log, const Claims& claims) {
    const absl::Status status = Import<CandidateKind>(context, claims, reader, response);
    log.Count("items", response->items_size());
    log.Count("accepted", response->accepted_count());
    return status;
  });
}

grpc::Status MatchingService::ImportOpenings(grpc::ServerContext* context,
                                             grpc::ServerReader<v1::ImportOpeningsRequest>* reader,
                                             v1::ImportResponse* response) {
  return Run(*context, "ImportOpenings", [&](CallLog& log, const Claims& claims) {
    const absl::Status status = Import<OpeningKind>(context, claims, reader, response);
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
  return FinishNow(context, Run(*context, "MatchOpenings", [&](CallLog& log, const Claims& claims) -> absl::Status {
    PASSERELLE_RETURN_IF_ERROR(Readable<CandidateKind>(claims, request->candidate_id()).status());
    PASSERELLE_ASSIGN_OR_RETURN(const engine::MatchQuery query, MatchQueryFromProto(*request, limits_.max_k));
    absl::StatusOr<engine::ScoringProfile> profile = catalog_->GetProfile(request->scoring_profile());
    if (!profile.ok()) return PrefixFieldPath(profile.status(), "scoring_profile");
    PASSERELLE_RETURN_IF_ERROR(CheckLive(context));
    // Every opening is published to the roles that may call this (counsellor, reader): no filter.
    absl::StatusOr<engine::MatchResult> result = catalog_->index().MatchOpenings(request->candidate_id(), query, *profile);
    if (!result.ok()) {
      return ExplainNotMatchable(result.status(), "candidate_id", "candidate", request->candidate_id());
    }
    MatchResultToProto(*result, *profile, query.explain, response);
    log.Count("results", response->matches_size());
    log.Count("near_misses", response->near_misses_size());
    return absl::OkStatus();
  }));
}

grpc::ServerUnaryReactor* MatchingService::MatchCandidates(grpc::CallbackServerContext* context,
                                                           const v1::MatchCandidatesRequest* request,
                                                           v1::MatchCandidatesResponse* response) {
  return FinishNow(context, Run(*context, "MatchCandidates", [&](CallLog& log, const Claims& claims) -> absl::Status {
    PASSERELLE_RETURN_IF_ERROR(Readable<OpeningKind>(claims, request->opening_id()).status());
    PASSERELLE_ASSIGN_OR_RETURN(const engine::MatchQuery query, MatchQueryFromProto(*request, limits_.max_k));
    absl::StatusOr<engine::ScoringProfile> profile = catalog_->GetProfile(request->scoring_profile());
    if (!profile.ok()) return PrefixFieldPath(profile.status(), "scoring_profile");
    PASSERELLE_RETURN_IF_ERROR(CheckLive(context));
    const CandidateScope scope = gate_->authorizer().CandidatesVisibleTo(claims);
    // TODO(integrator): pass `scope` to the engine here, as query.visibility (engine::CandidateVisibility:
    // restricted, owner_ids, include_shared_with_employers), so that the top k are the top k the caller
    // may see. Until then the results are filtered below and may hold fewer than k.
    absl::StatusOr<engine::MatchResult> result = catalog_->index().MatchCandidates(request->opening_id(), query, *profile);
    if (!result.ok()) {
      return ExplainNotMatchable(result.status(), "opening_id", "opening", request->opening_id());
    }
    // Kept after the engine filters too: a second check costs a lookup per result and guards the rule.
    PASSERELLE_RETURN_IF_ERROR(KeepVisible(scope, &result->matches));
    PASSERELLE_RETURN_IF_ERROR(KeepVisible(scope, &result->near_misses));
    MatchResultToProto(*result, *profile, query.explain, response);
    log.Count("results", response->matches_size());
    log.Count("near_misses", response->near_misses_size());
    return absl::OkStatus();
  }));
}

absl::Status MatchingService::KeepVisible(const CandidateScope& scope, std::vector<engine::ScoredMatch>* matches) const {
  std::vector<engine::ScoredMatch> kept;
  for (engine::ScoredMatch& match : *matches) {
    auto stored = catalog_->GetCandidate(match.id);
    if (absl::IsNotFound(stored.status())) continue;  // deleted since the query ran
    PASSERELLE_RETURN_IF_ERROR(stored.status());
    if (Authorizer::InScope(scope, stored->record.owner_id(), stored->record.share_with_employers())) {
      kept.push_back(std::move(match));
    }
  }
  *matches = std::move(kept);
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* MatchingService::Explain(grpc::CallbackServerContext* context,
                                                   const v1::ExplainRequest* request, v1::ExplainResponse* response) {
  return FinishNow(context, Run(*context, "Explain", [&](CallLog& log, const Claims& claims) -> absl::Status {
    PASSERELLE_RETURN_IF_ERROR(Readable<CandidateKind>(claims, request->candidate_id()).status());
    PASSERELLE_RETURN_IF_ERROR(Readable<OpeningKind>(claims, request->opening_id()).status());
    absl::StatusOr<engine::ScoringProfile> profile = catalog_->GetProfile(request->scoring_profile());
    if (!profile.ok()) return PrefixFieldPath(profile.status(), "scoring_profile");
    PASSERELLE_RETURN_IF_ERROR(CheckLive(context));
    absl::StatusOr<engine::Explanation> explanation =
        catalog_->index().Explain(request->candidate_id(), request->opening_id(), *profile);
    if (!explanation.ok()) {
      absl::Status status = ExplainNotMatchable(explanation.status(), "candidate_id", "candidate", request->candidate_id());
      return ExplainNotMatchable(status, "opening_id", "opening",
                                 request->opening_id());
    }
    ExplanationToProto(*explanation, response->mutable_explanation());
    response->set_scoring_profile(profile->name);
    return absl::OkStatus();
  }));
}

grpc::Status MatchingService::PutScoringProfile(grpc::ServerContext* context,
                                                const v1::PutScoringProfileRequest* request,
                                                v1::PutScoringProfileResponse* response) {
  return Run(*context, "PutScoringProfile", [&](CallLog& log, const Claims& claims) -> absl::Status {
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
  return Run(*context, "GetScoringProfile", [&](CallLog& log, const Claims& claims) -> absl::Status {
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
  return Run(*context, "ListScoringProfiles", [&](CallLog& log, const Claims& claims) {
    for (const engine::ScoringProfile& profile : catalog_->ListProfiles()) {
      *response->add_profiles() = engine::ScoringProfileToProto(profile);
    }
    log.Count("results", response->profiles_size());
    return absl::OkStatus();
  });
}

grpc::Status MatchingService::GetStatus(grpc::ServerContext* context, const v1::GetStatusRequest* request,
                                        v1::GetStatusResponse* response) {
  return Run(*context, "GetStatus", [&](CallLog& log, const Claims& claims) {
    response->set_schema_version(engine::kStoreSchemaVersion);
    response->set_reference_data_version(catalog_->data().version());
    response->set_previous_reference_data_version(catalog_->load_report().previous_reference_data_version);
    response->set_candidate_count(catalog_->candidate_count());
    response->set_opening_count(catalog_->opening_count());
    response->set_scoring_profile_count(static_cast<int64_t>(catalog_->ListProfiles().size()));
    for (const engine::InvalidRecord& invalid : catalog_->InvalidRecords()) {
      v1::InvalidRecord* out = response->add_invalid_records();
      out->set_kind(static_cast<v1::RecordKind>(static_cast<int>(invalid.kind) + 1));
      out->set_id(invalid.id);
      out->set_reason(invalid.reason);
    }
    return absl::OkStatus();
  });
}

// ---------------------------------------------------------------------------------------------------
// Batch rpcs.

absl::Status MatchingService::EnterBatch(const Claims& claims) {
  PASSERELLE_RETURN_IF_ERROR(gate_->limits().EnterBatch(claims.organisation));
  absl::MutexLock lock(&mu_);
  if (batch_running_ >= limits_.max_batch_calls) {
    gate_->limits().LeaveBatch(claims.organisation);
    return absl::ResourceExhaustedError(absl::StrCat(batch_running_, " batch calls (Rerank, Assign) are already running,",
                                                     " the server's limit; retry when one has finished"));
  }
  ++batch_running_;
  return absl::OkStatus();
}

void MatchingService::LeaveBatch(const Claims& claims) {
  gate_->limits().LeaveBatch(claims.organisation);
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
  return Run(*context, "Rerank", [&](CallLog& log, const Claims& claims) -> absl::Status {
    PASSERELLE_RETURN_IF_ERROR(Authorizer::CheckBodyOwner(claims, request->owner_id(), "owner_id"));
    PASSERELLE_ASSIGN_OR_RETURN(engine::RerankOptions options,
                                RerankOptionsFromProto(*request, limits_.max_k, catalog_->data()));
    options.owner_id = claims.organisation;  // a batch job sees its organisation's candidates only
    absl::StatusOr<engine::ScoringProfile> profile = catalog_->GetProfile(request->scoring_profile());
    if (!profile.ok()) return PrefixFieldPath(profile.status(), "scoring_profile");
    PASSERELLE_RETURN_IF_ERROR(CheckLive(context));
    PASSERELLE_RETURN_IF_ERROR(EnterBatch(claims));
    absl::Cleanup leave = [&] { LeaveBatch(claims); };

    // The engine calls both functions below from one thread at a time, so writes never overlap.
    std::atomic<bool> write_failed{false};
    options.cancelled = [&] { return write_failed.load() || BatchShouldStop(context); };
    engine::RerankProgress last;
    auto send = [&](v1::RerankResponse& response) {
      if (!write_failed && !writer->Write(response)) write_failed = true;
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
    log.Count("candidates", last.candidates_done);
    log.Count("pairs_scored", last.pairs_scored);
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
  return Run(*context, "Assign", [&](CallLog& log, const Claims& claims) -> absl::Status {
    PASSERELLE_RETURN_IF_ERROR(Authorizer::CheckBodyOwner(claims, request->owner_id(), "owner_id"));
    PASSERELLE_ASSIGN_OR_RETURN(engine::CohortAssignmentOptions options,
                                CohortAssignmentOptionsFromProto(*request, limits_.max_k, catalog_->data()));
    options.owner_id = claims.organisation;
    absl::StatusOr<engine::ScoringProfile> profile = catalog_->GetProfile(request->scoring_profile());
    if (!profile.ok()) return PrefixFieldPath(profile.status(), "scoring_profile");
    PASSERELLE_RETURN_IF_ERROR(CheckLive(context));
    PASSERELLE_RETURN_IF_ERROR(EnterBatch(claims));
    absl::Cleanup leave = [&] { LeaveBatch(claims); };

    options.cancelled = [&] { return BatchShouldStop(context); };
    absl::StatusOr<engine::CohortAssignment> run = engine::AssignCohort(catalog_->index(), *profile, options);
    if (absl::IsCancelled(run.status())) return BatchStopStatus(context, run.status().message());
    PASSERELLE_RETURN_IF_ERROR(run.status());
    const int listed = request->max_left_out_listed() == 0 ? kDefaultMaxLeftOutListed : request->max_left_out_listed();
    CohortAssignmentToProto(*run, listed, response);
    response->set_scoring_profile(profile->name);
    log.Count("candidates", run->report.candidate_count);
    log.Count("assigned", run->report.assigned_count);
    return absl::OkStatus();
  });
}

}  // namespace passerelle::server
