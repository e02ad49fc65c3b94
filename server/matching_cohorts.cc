// MatchingService::FormCohorts: training cohorts for a POEC (docs/batch.md, "Cohorts for a POEC").
#include <atomic>
#include <string>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "engine/batch/poec_cohorts.h"
#include "engine/common/status_macros.h"
#include "server/batch_convert.h"
#include "server/call_log.h"
#include "server/matching_internal.h"
#include "server/matching_service.h"
#include "server/request_limits.h"
#include "server/status_convert.h"

namespace passerelle::server {
namespace {

using namespace matching_internal;  // NOLINT: the helpers shared by the MatchingService files

}  // namespace

grpc::Status MatchingService::FormCohorts(grpc::ServerContext* context, const v1::FormCohortsRequest* request,
                                          grpc::ServerWriter<v1::FormCohortsResponse>* writer) {
  return Run(*context, "FormCohorts", [&](CallLog& log, const Claims& claims) -> absl::Status {
    PASSERELLE_RETURN_IF_ERROR(CheckRepeatedCaps(*request));
    PASSERELLE_RETURN_IF_ERROR(Authorizer::CheckBodyOwner(claims, request->owner_id(), "owner_id"));
    PASSERELLE_ASSIGN_OR_RETURN(engine::PoecCohortOptions options,
                                PoecCohortOptionsFromProto(*request, limits_.max_k, catalog_->data()));
    options.owner_id = claims.organisation;  // a batch job sees its organisation's candidates only
    absl::StatusOr<engine::ScoringProfile> profile = catalog_->GetProfile(request->scoring_profile());
    if (!profile.ok()) return PrefixFieldPath(profile.status(), "scoring_profile");
    PASSERELLE_RETURN_IF_ERROR(CheckLive(context));
    PASSERELLE_RETURN_IF_ERROR(EnterBatch(claims));
    absl::Cleanup leave = [&] { LeaveBatch(claims); };

    std::atomic<bool> write_failed{false};
    options.cancelled = [&] { return write_failed.load() || BatchShouldStop(context); };
    auto write = [&](const v1::FormCohortsResponse& response) {
      if (!write_failed && !writer->Write(response)) write_failed = true;
    };
    engine::RerankProgress last;
    // Called by the re-ranking workers one at a time; the final figures go out once scoring is done.
    auto progress = [&](const engine::RerankProgress& p) {
      last = p;
      if (p.candidates_done == p.candidates_total) return;
      v1::FormCohortsResponse response;
      RerankProgressToProto(p, /*done=*/false, response.mutable_progress());
      write(response);
    };
    absl::StatusOr<engine::PoecCohortRun> run =
        engine::FormPoecCohorts(catalog_->index(), *profile, options, progress);
    if (absl::IsCancelled(run.status())) return BatchStopStatus(context, run.status().message());
    PASSERELLE_RETURN_IF_ERROR(run.status());

    const int listed = request->max_left_out_listed() == 0 ? kDefaultMaxLeftOutListed : request->max_left_out_listed();
    std::vector<std::string> returned;
    for (const engine::PoecCohort& cohort : run->cohorts) {
      for (const engine::PoecCohortMember& m : cohort.members) returned.push_back(m.candidate_id);
    }
    for (size_t i = 0; i < run->left_out.size() && i < static_cast<size_t>(listed); ++i) {
      returned.push_back(run->left_out[i].candidate_id);
    }
    PASSERELLE_RETURN_IF_ERROR(AuditCall(catalog_, claims, "FormCohorts", returned));

    v1::FormCohortsResponse final_progress;
    RerankProgressToProto(last, /*done=*/true, final_progress.mutable_progress());
    write(final_progress);
    v1::FormCohortsResponse response;
    v1::CohortsResult* result = response.mutable_result();
    PoecCohortRunToProto(*run, listed, result);
    for (v1::TrainingCohort& cohort : *result->mutable_cohorts()) {
      for (v1::CohortMember& m : *cohort.mutable_members()) {
        m.set_candidate_id(std::string(engine::UnqualifiedId(m.candidate_id())));
        m.set_opening_id(std::string(engine::UnqualifiedId(m.opening_id())));
      }
      for (v1::CohortOpening& o : *cohort.mutable_openings()) {
        o.set_opening_id(std::string(engine::UnqualifiedId(o.opening_id())));
      }
    }
    for (v1::CohortLeftOut& l : *result->mutable_left_out()) {
      l.set_candidate_id(std::string(engine::UnqualifiedId(l.candidate_id())));
    }
    result->set_objective(options.formation.objective == engine::AssignmentObjective::kMaxPeoplePlaced
                              ? v1::ASSIGNMENT_OBJECTIVE_MAX_PEOPLE_PLACED
                              : v1::ASSIGNMENT_OBJECTIVE_MAX_TOTAL_SCORE);
    result->set_scoring_profile(profile->name);
    write(response);
    log.Count("candidates", run->candidate_count);
    log.Count("placed", run->formation.placed);
    if (write_failed) return BatchStopStatus(context, "the client stopped reading");
    return absl::OkStatus();
  });
}

}  // namespace passerelle::server
