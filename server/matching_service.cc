#include "server/matching_service.h"

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <utility>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/batch/cohort_assignment.h"
#include "engine/batch/rerank.h"
#include "engine/batch/rerank_exposure.h"
#include "engine/common/quote.h"
#include "engine/common/status_macros.h"
#include "engine/model/dates.h"
#include "server/api_convert.h"
#include "server/batch_convert.h"
#include "server/call_log.h"
#include "server/matching_internal.h"
#include "server/request_limits.h"
#include "server/rerank_exposure_convert.h"
#include "server/status_convert.h"

namespace passerelle::server {
namespace {

using namespace matching_internal;  // NOLINT: the helpers shared with matching_records.cc

// A NotFound from the index about `field`, for a record the caller read from the store (so it is stored
// but no longer validates), says so.
absl::Status ExplainNotMatchable(absl::Status status, absl::string_view field, absl::string_view kind,
                                 absl::string_view id) {
  if (!absl::IsNotFound(status) || engine::FieldPath(status) != field) return status;
  return engine::FieldStatus(absl::StatusCode::kFailedPrecondition, field,
                             absl::StrCat(kind, " ", engine::Quote(id),
                                          " is stored but no longer validates against the reference "
                                          "data; see GetStatus, then put it again"));
}

// The shortlists (by opening id), then the report, through Rerank's `send`.
template <typename Send>
void SendExposure(const engine::RerankExposure& exposure, Send& send) {
  for (const engine::OpeningShortlist& shortlist : exposure.shortlists) {
    v1::RerankResponse response;
    OpeningShortlistToProto(shortlist, response.mutable_shortlist());
    send(response);
  }
  v1::RerankResponse response;
  RerankExposureToProto(exposure, response.mutable_exposure());
  send(response);
}

}  // namespace

namespace {
WatchRegistryOptions WatchOptionsOf(const ServiceLimits& limits) {
  WatchRegistryOptions options;
  options.max_per_organisation = limits.max_watchers_per_organisation;
  options.max_total = limits.max_watchers;
  options.debounce = absl::Milliseconds(limits.watch_debounce_ms);
  return options;
}
}  // namespace

namespace {
// The index of `method` in the Matching service (the generated code registers rpcs in .proto order).
int MethodIndex(absl::string_view method) {
  const google::protobuf::ServiceDescriptor* service =
      v1::ImportResponse::descriptor()->file()->FindServiceByName("Matching");
  return service->FindMethodByName(std::string(method))->index();
}
}  // namespace

MatchingService::MatchingService(engine::Catalog* catalog, const ServiceLimits& limits, CallGate* gate)
    : catalog_(catalog),
      limits_(limits),
      gate_(gate),
      reference_search_(&catalog->data()),
      watches_(WatchOptionsOf(limits)) {
  catalog_->index().SetWriteListener(
      [this](engine::IndexTable table, absl::Span<const std::string> ids) { watches_.Notify(table, ids); });
  // gRPC's typed reader takes an item that fails to deserialize for the end of the stream
  // (server/import_stream.h): the imports read bytes and decode them here. MarkMethodStreamed swaps the
  // handler and registers the method as bidi-streaming, which a client-streaming client cannot tell apart.
  using BytesHandler = grpc::internal::ClientStreamingHandler<MatchingService, grpc::ByteBuffer, v1::ImportResponse>;
  MarkMethodStreamed(MethodIndex("ImportCandidates"), new BytesHandler(std::mem_fn(&MatchingService::ImportCandidatesBytes), this));
  MarkMethodStreamed(MethodIndex("ImportOpenings"), new BytesHandler(std::mem_fn(&MatchingService::ImportOpeningsBytes), this));
  using OfferBytesHandler = grpc::internal::ClientStreamingHandler<MatchingService, grpc::ByteBuffer,
                                                                   v1::ImportFranceTravailOffersResponse>;
  MarkMethodStreamed(MethodIndex("ImportFranceTravailOffers"),
                     new OfferBytesHandler(std::mem_fn(&MatchingService::ImportFranceTravailOffersBytes), this));
}

MatchingService::~MatchingService() { catalog_->index().SetWriteListener(nullptr); }

void MatchingService::RefuseNewCalls() {
  stopping_ = true;
  watches_.Shutdown();  // open WatchMatches streams end (UNAVAILABLE)
  absl::MutexLock lock(&mu_);
  draining_ = true;
}

bool MatchingService::Drain(absl::Duration grace) {
  RefuseNewCalls();
  absl::MutexLock lock(&mu_);
  return mu_.AwaitWithTimeout(absl::Condition(
                                  +[](int* running) { return *running == 0; }, &running_),
                              grace);
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
    PASSERELLE_RETURN_IF_ERROR(CheckRepeatedCaps(*request));
    PASSERELLE_ASSIGN_OR_RETURN(const std::string organisation, ReadableOwner<CandidateKind>(
                                                                    claims, request->candidate_id(), request->candidate_owner()));
    PASSERELLE_ASSIGN_OR_RETURN(const engine::MatchQuery query, MatchQueryFromProto(*request, limits_.max_k));
    absl::StatusOr<engine::ScoringProfile> profile = catalog_->GetProfile(request->scoring_profile());
    if (!profile.ok()) return PrefixFieldPath(profile.status(), "scoring_profile");
    PASSERELLE_RETURN_IF_ERROR(CheckLive(context));
    // Every opening is published to the roles that may call this (counsellor, reader): no filter.
    const std::string candidate = engine::QualifiedId(organisation, request->candidate_id());
    absl::StatusOr<engine::MatchResult> result = catalog_->index().MatchOpenings(candidate, query, *profile);
    if (!result.ok()) {
      return ExplainNotMatchable(Unqualify(result.status(), candidate, request->candidate_id()), "candidate_id",
                                 "candidate", request->candidate_id());
    }
    PASSERELLE_RETURN_IF_ERROR(AuditCall(catalog_, claims, "MatchOpenings", {candidate}));
    MatchResultToProto(*result, *profile, query.explain, response);
    BlockerSummaryToProto(*result, query.languages, response);
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
  return FinishNow(context, Run(*context, "MatchCandidates", [&](CallLog& log, const Claims& claims) -> absl::Status {
    PASSERELLE_ASSIGN_OR_RETURN(const std::string organisation,
                                ReadableOwner<OpeningKind>(claims, request->opening_id(), request->opening_owner()));
    PASSERELLE_ASSIGN_OR_RETURN(engine::MatchQuery query, MatchQueryFromProto(*request, limits_.max_k));
    absl::StatusOr<engine::ScoringProfile> profile = catalog_->GetProfile(request->scoring_profile());
    if (!profile.ok()) return PrefixFieldPath(profile.status(), "scoring_profile");
    PASSERELLE_RETURN_IF_ERROR(CheckLive(context));
    // The engine ranks only the candidates the caller may see, so the top k are the caller's top k.
    query.visibility = VisibilityOf(gate_->authorizer().CandidatesVisibleTo(claims));
    const std::string opening = engine::QualifiedId(organisation, request->opening_id());
    absl::StatusOr<engine::MatchResult> result = catalog_->index().MatchCandidates(opening, query, *profile);
    if (!result.ok()) {
      return ExplainNotMatchable(Unqualify(result.status(), opening, request->opening_id()), "opening_id", "opening",
                                 request->opening_id());
    }
    MatchResultToProto(*result, *profile, query.explain, response);
    std::vector<std::string> returned;
    for (const v1::Match& m : response->matches()) returned.push_back(m.id());
    for (const v1::Match& m : response->near_misses()) returned.push_back(m.id());
    PASSERELLE_RETURN_IF_ERROR(AuditCall(catalog_, claims, "MatchCandidates", returned));
    StripIds(response->mutable_matches());
    StripIds(response->mutable_near_misses());
    // Counts over every organisation's candidates would tell a tenant how many others hold: not sent.
    if (query.visibility.restricted || query.visibility.include_shared_with_employers) {
      response->clear_scored_pairs();
      response->clear_eligible_pairs();
    }
    log.Count("results", response->matches_size());
    log.Count("near_misses", response->near_misses_size());
    return absl::OkStatus();
  }));
}

grpc::ServerUnaryReactor* MatchingService::Explain(grpc::CallbackServerContext* context,
                                                   const v1::ExplainRequest* request, v1::ExplainResponse* response) {
  return FinishNow(context, Run(*context, "Explain", [&](CallLog& log, const Claims& claims) -> absl::Status {
    PASSERELLE_ASSIGN_OR_RETURN(const std::string candidate_owner, ReadableOwner<CandidateKind>(
                                                                       claims, request->candidate_id(), request->candidate_owner()));
    PASSERELLE_ASSIGN_OR_RETURN(const std::string opening_owner,
                                ReadableOwner<OpeningKind>(claims, request->opening_id(), request->opening_owner()));
    PASSERELLE_ASSIGN_OR_RETURN(const engine::SentenceLanguages languages,
                                SentenceLanguagesFromProto(request->language()));
    absl::StatusOr<engine::ScoringProfile> profile = catalog_->GetProfile(request->scoring_profile());
    if (!profile.ok()) return PrefixFieldPath(profile.status(), "scoring_profile");
    PASSERELLE_RETURN_IF_ERROR(CheckLive(context));
    const std::string candidate = engine::QualifiedId(candidate_owner, request->candidate_id());
    const std::string opening = engine::QualifiedId(opening_owner, request->opening_id());
    absl::StatusOr<engine::Explanation> explanation =
        catalog_->index().Explain(candidate, opening, *profile, engine::DayOf(absl::Now()), languages);
    if (!explanation.ok()) {
      absl::Status status = Unqualify(Unqualify(explanation.status(), candidate, request->candidate_id()), opening,
                                      request->opening_id());
      status = ExplainNotMatchable(status, "candidate_id", "candidate", request->candidate_id());
      return ExplainNotMatchable(status, "opening_id", "opening", request->opening_id());
    }
    PASSERELLE_RETURN_IF_ERROR(AuditCall(catalog_, claims, "Explain", {candidate}));
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
  return Run(*context, "PutScoringProfile", [&](CallLog& log, const Claims& claims) -> absl::Status {
    PASSERELLE_RETURN_IF_ERROR(CheckRepeatedCaps(*request));
    if (!request->has_profile()) return Required("profile");
    PASSERELLE_RETURN_IF_ERROR(CheckLive(context));
    if (cluster_node_ != nullptr) return PutProfileThroughLog(*context, request->profile(), response);
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
      // The admin, who never reads candidates, gets the field of a candidate's problem, not its value.
      out->set_reason(invalid.kind == engine::RecordKind::kCandidate
                          ? absl::StrCat(engine::SplitFieldError(invalid.reason).field,
                                         ": no longer valid against the reference data (its owner sees the value)")
                          : invalid.reason);
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
    PASSERELLE_RETURN_IF_ERROR(CheckRepeatedCaps(*request));
    PASSERELLE_RETURN_IF_ERROR(Authorizer::CheckBodyOwner(claims, request->owner_id(), "owner_id"));
    PASSERELLE_ASSIGN_OR_RETURN(engine::RerankOptions options,
                                RerankOptionsFromProto(*request, limits_.max_k, catalog_->data()));
    PASSERELLE_ASSIGN_OR_RETURN(engine::RerankExposureOptions exposure_options,
                                RerankExposureOptionsFromProto(*request, limits_.max_k, catalog_->data()));
    options.owner_id = claims.organisation;  // a batch job sees its organisation's candidates only
    absl::StatusOr<engine::ScoringProfile> profile = catalog_->GetProfile(request->scoring_profile());
    if (!profile.ok()) return PrefixFieldPath(profile.status(), "scoring_profile");
    PASSERELLE_RETURN_IF_ERROR(CheckLive(context));
    PASSERELLE_RETURN_IF_ERROR(EnterBatch(claims));
    absl::Cleanup leave = [&] { LeaveBatch(claims); };

    // The engine calls both functions below from one thread at a time, so writes never overlap.
    std::atomic<bool> write_failed{false};
    absl::Status audit_status;
    options.cancelled = [&] { return write_failed.load() || !audit_status.ok() || BatchShouldStop(context); };
    engine::RerankProgress last;
    auto write = [&](v1::RerankResponse& response) {
      if (!write_failed && !writer->Write(response)) write_failed = true;
    };
    // Rankings wait here until their audit entry is written (one write per chunk).
    std::vector<v1::RerankResponse> held;
    std::vector<std::string> held_candidates;
    auto release = [&] {
      if (held.empty() || !audit_status.ok()) return;
      audit_status = AuditCall(catalog_, claims, "Rerank", held_candidates);
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
    // Fair exposure: fed from the sink (one thread at a time), reported after the last ranking.
    std::optional<engine::RerankExposureCollector> exposure;
    if (exposure_options.enabled()) exposure.emplace(exposure_options, catalog_->data());
    absl::Status status = engine::Rerank(
        catalog_->index(), *profile, options,
        [&](engine::CandidateRanking ranking) {
          if (exposure) exposure->Add(ranking.candidate->record, ranking.matches);
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
    if (exposure) SendExposure(exposure->Finish(), send);
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
    PASSERELLE_RETURN_IF_ERROR(CheckRepeatedCaps(*request));
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
    if (request->pools_only()) return AnswerPools(context, log, claims, *profile, options, response);
    absl::StatusOr<engine::CohortAssignment> run = engine::AssignCohort(catalog_->index(), *profile, options);
    if (absl::IsCancelled(run.status())) return BatchStopStatus(context, run.status().message());
    PASSERELLE_RETURN_IF_ERROR(run.status());
    const int listed = request->max_left_out_listed() == 0 ? kDefaultMaxLeftOutListed : request->max_left_out_listed();
    std::vector<std::string> returned;
    for (const engine::CohortPlacement& p : run->placements) returned.push_back(p.candidate_id);
    for (size_t i = 0; i < run->left_out.size() && i < static_cast<size_t>(listed); ++i) {
      returned.push_back(run->left_out[i].candidate_id);
    }
    PASSERELLE_RETURN_IF_ERROR(AuditCall(catalog_, claims, "Assign", returned));
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
