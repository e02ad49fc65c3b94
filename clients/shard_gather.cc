#include "clients/shard_gather.h"

#include <algorithm>
#include <memory>
#include <string>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/batch/cohort_assignment.h"
#include "engine/batch/shard_gather.h"
#include "engine/common/status_macros.h"
#include "engine/store/record_key.h"
#include "server/batch_convert.h"

namespace passerelle::clients {
namespace {

// A shard's failure, naming the shard: the person has several addresses in front of them.
absl::Status FromShard(const Session& shard, const absl::Status& status) {
  if (status.ok()) return status;
  absl::Status out(status.code(), absl::StrCat("shard ", shard.options().server, ": ", status.message()));
  // Payloads kept: they mark the error as the server's (IsServerError) and carry its details.
  status.ForEachPayload([&](absl::string_view type, const absl::Cord& payload) { out.SetPayload(type, payload); });
  return out;
}

}  // namespace

absl::StatusOr<GatheredRerank> GatherRerank(const std::vector<Session*>& shards, const v1::RerankRequest& request,
                                            bool with_deadline) {
  if (request.exposure_attributes_size() > 0 || request.has_min_exposure()) {
    return absl::InvalidArgumentError("exposure reports are per shard: they are not gathered from shards");
  }
  GatheredRerank out;
  for (Session* shard : shards) {
    std::unique_ptr<grpc::ClientContext> context = shard->NewContext(with_deadline);
    std::unique_ptr<grpc::ClientReader<v1::RerankResponse>> reader = shard->matching().Rerank(context.get(), request);
    v1::RerankResponse response;
    v1::RerankProgress last;
    while (reader->Read(&response)) {
      if (response.has_ranking()) out.rankings.push_back(std::move(*response.mutable_ranking()));
      if (response.has_progress()) last = response.progress();
    }
    PASSERELLE_RETURN_IF_ERROR(FromShard(*shard, shard->FromGrpc(reader->Finish())));
    v1::RerankProgress& sum = out.progress;
    sum.set_candidates_done(sum.candidates_done() + last.candidates_done());
    sum.set_candidates_total(sum.candidates_total() + last.candidates_total());
    sum.set_pairs_scored(sum.pairs_scored() + last.pairs_scored());
    sum.set_pairs_pruned(sum.pairs_pruned() + last.pairs_pruned());
    sum.set_elapsed_seconds(std::max(sum.elapsed_seconds(), last.elapsed_seconds()));
  }
  out.progress.set_done(true);
  // The caller's candidates only (one organisation), so the id alone orders and identifies them, as
  // engine::MergeRankings does with the owner attached.
  std::sort(out.rankings.begin(), out.rankings.end(),
            [](const v1::CandidateRanking& a, const v1::CandidateRanking& b) { return a.candidate_id() < b.candidate_id(); });
  for (size_t i = 1; i < out.rankings.size(); ++i) {
    if (out.rankings[i].candidate_id() == out.rankings[i - 1].candidate_id()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "candidate ", out.rankings[i].candidate_id(), " was ranked by two shards: the shards' régions overlap, or "
          "one has not applied the candidate's move yet (pass --min-sequence)"));
    }
  }
  return out;
}

absl::StatusOr<v1::AssignResponse> GatherAssign(const std::vector<Session*>& shards, const v1::AssignRequest& request,
                                                bool with_deadline) {
  // Checked here first: a mistake fails before any shard works.
  PASSERELLE_ASSIGN_OR_RETURN(engine::CohortAssignmentOptions options, server::AssignPoolsOptionsFromProto(request));
  v1::AssignRequest pools_request = request;
  pools_request.set_pools_only(true);
  std::vector<engine::CohortPools> parts;
  std::string profile;
  for (Session* shard : shards) {
    std::unique_ptr<grpc::ClientContext> context = shard->NewContext(with_deadline);
    v1::AssignResponse response;
    PASSERELLE_RETURN_IF_ERROR(
        FromShard(*shard, shard->FromGrpc(shard->matching().Assign(context.get(), pools_request, &response))));
    absl::StatusOr<engine::CohortPools> part = server::CohortPoolsFromProto(response.pools());
    PASSERELLE_RETURN_IF_ERROR(FromShard(*shard, part.status()));
    part->rerank.candidates_done = part->rerank.candidates_total = static_cast<int64_t>(part->candidates.size());
    part->rerank.pairs_scored = response.pairs_scored();
    part->rerank.pairs_pruned = response.pairs_pruned();
    part->rerank.elapsed_seconds = response.rerank_seconds();
    parts.push_back(*std::move(part));
    profile = response.scoring_profile();
  }
  PASSERELLE_ASSIGN_OR_RETURN(engine::CohortPools national, engine::MergePools(std::move(parts)));
  PASSERELLE_ASSIGN_OR_RETURN(engine::CohortAssignment run, engine::AssignPools(national, options));
  const int listed =
      request.max_left_out_listed() == 0 ? server::kDefaultMaxLeftOutListed : request.max_left_out_listed();
  v1::AssignResponse out;
  server::CohortAssignmentToProto(run, listed, &out);
  for (v1::Assignment& a : *out.mutable_assignments()) {
    a.set_opening_id(std::string(engine::UnqualifiedId(a.opening_id())));
  }
  out.set_scoring_profile(profile);
  return out;
}

}  // namespace passerelle::clients
