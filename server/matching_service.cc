#include "server/matching_service.h"

#include <atomic>
#include <chrono>
#include <utility>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "engine/batch/cohort_assignment.h"
#include "engine/batch/rerank.h"
#include "engine/common/status_macros.h"
#include "server/api_convert.h"
#include "server/batch_convert.h"
#include "server/call_log.h"
#include "server/matching_internal.h"
#include "server/status_convert.h"

namespace passerelle::server {
namespace {

using namespace matching_internal;  // NOLINT: the helpers shared with matching_records.cc

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


}  // namespace

bool MatchingService::Drain(absl::Duration grace) {
  stopping_ = true;
  absl::MutexLock lock(&mu_);
  draining_ = true;
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
      // The admin, who never reads candidates, gets the field of a candidate's problem, not its value.
      out->set_reason(invalid.kind == engine::RecordKind::kCandidate
                          ? absl::StrCat(engine::SplitFieldError(invalid.reason).field,
                                         ": no longer valid against the reference data (its owner sees the value)")
                          : invalid.reason);
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
