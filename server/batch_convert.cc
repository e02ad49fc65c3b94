#include "server/batch_convert.h"

#include <algorithm>
#include <optional>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/common/field_status.h"
#include "engine/common/quote.h"
#include "engine/common/status_macros.h"
#include "engine/model/dates.h"
#include "engine/store/enum_codec.h"
#include "server/api_convert.h"
#include "server/rerank_exposure_convert.h"

namespace passerelle::server {
namespace {

// The largest counts a request may ask for where the API says [0, 1000000] or [0, 1e9].
constexpr int64_t kMaxProgressEvery = 1000000000;
constexpr int32_t kMaxCount = 1000000;

absl::StatusOr<std::vector<std::string>> Departements(const google::protobuf::RepeatedPtrField<std::string>& codes,
                                                      const engine::ReferenceData& data) {
  absl::flat_hash_set<std::string> known;
  for (const engine::Commune& commune : data.communes()) known.insert(commune.departement_code);
  for (int i = 0; i < codes.size(); ++i) {
    if (!known.contains(codes[i])) {
      return engine::InvalidFieldError(
          absl::StrCat("departements[", i, "]"),
          absl::StrCat("unknown département code ", engine::Quote(codes[i]), " (INSEE, e.g. \"93\")"));
    }
  }
  return std::vector<std::string>(codes.begin(), codes.end());
}

absl::StatusOr<int> CountOrDefault(int64_t value, int fallback, int64_t max, absl::string_view field) {
  if (value == 0) return fallback;
  if (value < 1 || value > max) {
    return engine::InvalidFieldError(field, absl::StrCat("must be in [1, ", max, "] (0 = ", fallback, "), got ", value));
  }
  return static_cast<int>(value);
}

absl::StatusOr<engine::AssignmentMechanism> MechanismFromProto(v1::AssignmentMechanism mechanism) {
  const std::optional<engine::AssignmentMechanism> value = engine::AssignmentMechanismFromProto(mechanism);
  if (!value) {
    return engine::InvalidFieldError("mechanism", absl::StrCat("unknown value ", static_cast<int>(mechanism)));
  }
  return *value;
}

absl::StatusOr<engine::AssignmentObjective> ObjectiveFromProto(int objective, engine::AssignmentObjective fallback) {
  switch (objective) {
    case v1::ASSIGNMENT_OBJECTIVE_UNSPECIFIED:
      return fallback;
    case v1::ASSIGNMENT_OBJECTIVE_MAX_TOTAL_SCORE:
      return engine::AssignmentObjective::kMaxTotalScore;
    case v1::ASSIGNMENT_OBJECTIVE_MAX_PEOPLE_PLACED:
      return engine::AssignmentObjective::kMaxPeoplePlaced;
    default:
      return engine::InvalidFieldError("objective", absl::StrCat("unknown value ", objective));
  }
}

v1::AssignmentObjective ObjectiveToProto(engine::AssignmentObjective objective) {
  return objective == engine::AssignmentObjective::kMaxPeoplePlaced ? v1::ASSIGNMENT_OBJECTIVE_MAX_PEOPLE_PLACED
                                                                    : v1::ASSIGNMENT_OBJECTIVE_MAX_TOTAL_SCORE;
}

absl::StatusOr<engine::ReserveCohort> ReserveFromProto(const v1::ReserveCohort& proto) {
  engine::ReserveCohort reserve;
  if (!v1::CefrLevel_IsValid(proto.french_below())) {
    return engine::InvalidFieldError("reserve_for.french_below",
                                     absl::StrCat("unknown value ", static_cast<int>(proto.french_below())));
  }
  // UNSPECIFIED (0) means no condition.
  if (proto.french_below() != v1::CEFR_LEVEL_UNSPECIFIED) {
    reserve.french_below = engine::CefrLevelFromProto(proto.french_below());
  }
  for (int i = 0; i < proto.housing_size(); ++i) {
    const int value = proto.housing(i);
    if (value == v1::HOUSING_STATUS_UNSPECIFIED || !v1::HousingStatus_IsValid(value)) {
      return engine::InvalidFieldError(absl::StrCat("reserve_for.housing[", i, "]"),
                                       absl::StrCat("must be a housing status other than unspecified, got ", value));
    }
    reserve.housing.push_back(engine::HousingStatusFromProto(value));
  }
  return reserve;
}

void SpreadToProto(const engine::ExposureSpread& spread, v1::ExposureSpread* out) {
  out->set_total(spread.total);
  out->set_gini(spread.gini);
  out->set_top_1pct_share(spread.top_1pct_share);
  out->set_max_per_opening(spread.max_per_opening);
}

void ReportToProto(const engine::AssignmentReport& r, v1::AssignmentReport* out) {
  out->set_mechanism(engine::AssignmentMechanismToProto(r.mechanism));
  out->set_objective(ObjectiveToProto(r.objective));
  out->set_candidate_count(r.candidate_count);
  out->set_cohort_candidate_count(r.cohort_candidate_count);
  out->set_assigned_count(r.assigned_count);
  out->set_cohort_assigned_count(r.cohort_assigned_count);
  out->set_total_score(r.total_score);
  out->set_mean_score(r.mean_score);
  out->set_position_count(r.position_count);
  out->set_positions_left_empty(r.positions_left_empty);
  out->set_positions_reserved(r.positions_reserved);
  out->set_left_out_no_eligible_pair(r.left_out_no_eligible_pair);
  out->set_left_out_cut_by_congestion_cap(r.left_out_cut_by_congestion_cap);
  out->set_left_out_lost_to_competition(r.left_out_lost_to_competition);
  SpreadToProto(r.considered, out->mutable_considered());
  SpreadToProto(r.proposals, out->mutable_proposals());
  SpreadToProto(r.assignments, out->mutable_assignments());
}

v1::CohortLeftOutReason CohortReasonToProto(engine::CohortLeftOutReason reason) {
  switch (reason) {
    case engine::CohortLeftOutReason::kNoEligibleOpening:
      return v1::COHORT_LEFT_OUT_REASON_NO_ELIGIBLE_OPENING;
    case engine::CohortLeftOutReason::kCohortTooSmall:
      return v1::COHORT_LEFT_OUT_REASON_COHORT_TOO_SMALL;
    case engine::CohortLeftOutReason::kPositionsExhausted:
      return v1::COHORT_LEFT_OUT_REASON_POSITIONS_EXHAUSTED;
  }
  return v1::COHORT_LEFT_OUT_REASON_UNSPECIFIED;
}

}  // namespace

absl::StatusOr<engine::RerankOptions> RerankOptionsFromProto(const v1::RerankRequest& request, int max_k,
                                                             const engine::ReferenceData& data) {
  engine::RerankOptions options;
  PASSERELLE_ASSIGN_OR_RETURN(options.k, CountOrDefault(request.k(), kDefaultRerankK, max_k, "k"));
  if (request.progress_every() < 0 || request.progress_every() > kMaxProgressEvery) {
    return engine::InvalidFieldError("progress_every", absl::StrCat("must be in [0, ", kMaxProgressEvery, "] (0 = ",
                                                                    kDefaultProgressEvery, "), got ",
                                                                    request.progress_every()));
  }
  options.progress_every = request.progress_every() == 0 ? kDefaultProgressEvery : request.progress_every();
  options.owner_id = request.owner_id();
  PASSERELLE_ASSIGN_OR_RETURN(options.departements, Departements(request.departements(), data));
  options.occupations.assign(request.occupations().begin(), request.occupations().end());
  options.explain = request.explain();
  PASSERELLE_ASSIGN_OR_RETURN(options.languages, SentenceLanguagesFromProto(request.language()));
  options.today = engine::DayOf(absl::Now());  // expired openings are left out; readiness routes start today
  return options;
}

absl::StatusOr<engine::CohortAssignmentOptions> CohortAssignmentOptionsFromProto(const v1::AssignRequest& request,
                                                                                 int max_k,
                                                                                 const engine::ReferenceData& data) {
  PASSERELLE_ASSIGN_OR_RETURN(engine::CohortAssignmentOptions options, AssignPoolsOptionsFromProto(request));
  options.today = engine::DayOf(absl::Now());  // expired openings get no candidate
  PASSERELLE_ASSIGN_OR_RETURN(
      options.openings_per_candidate,
      CountOrDefault(request.openings_per_candidate(), kDefaultOpeningsPerCandidate, max_k, "openings_per_candidate"));
  options.owner_id = request.owner_id();
  PASSERELLE_ASSIGN_OR_RETURN(options.departements, Departements(request.departements(), data));
  options.occupations.assign(request.occupations().begin(), request.occupations().end());
  if (request.max_left_out_listed() < 0 || request.max_left_out_listed() > kMaxCount) {
    return engine::InvalidFieldError("max_left_out_listed",
                                     absl::StrCat("must be in [0, ", kMaxCount, "] (0 = ", kDefaultMaxLeftOutListed,
                                                  "), got ", request.max_left_out_listed()));
  }
  return options;
}

absl::StatusOr<engine::CohortAssignmentOptions> AssignPoolsOptionsFromProto(const v1::AssignRequest& request) {
  engine::CohortAssignmentOptions options;
  PASSERELLE_ASSIGN_OR_RETURN(options.assignment.mechanism, MechanismFromProto(request.mechanism()));
  PASSERELLE_ASSIGN_OR_RETURN(options.assignment.objective,
                              ObjectiveFromProto(request.objective(), engine::AssignmentObjective::kMaxTotalScore));
  if (request.max_proposals_per_opening() < 0 || request.max_proposals_per_opening() > kMaxCount) {
    return engine::InvalidFieldError("max_proposals_per_opening",
                                     absl::StrCat("must be in [0, ", kMaxCount, "] (0 = no cap), got ",
                                                  request.max_proposals_per_opening()));
  }
  options.assignment.max_proposals_per_opening = request.max_proposals_per_opening();
  if (!(request.reserved_share() >= 0 && request.reserved_share() <= 1)) {  // NaN fails too
    return engine::InvalidFieldError("reserved_share",
                                     absl::StrCat("must be in [0, 1], got ", request.reserved_share()));
  }
  options.assignment.reserved_share = request.reserved_share();
  PASSERELLE_ASSIGN_OR_RETURN(options.reserve_for, ReserveFromProto(request.reserve_for()));
  if (options.assignment.reserved_share > 0 && options.reserve_for.empty()) {
    return engine::InvalidFieldError("reserve_for", "required when reserved_share > 0 (set french_below or housing)");
  }
  return options;
}

void RerankProgressToProto(const engine::RerankProgress& progress, bool done, v1::RerankProgress* out) {
  out->set_candidates_done(progress.candidates_done);
  out->set_candidates_total(progress.candidates_total);
  out->set_pairs_scored(progress.pairs_scored);
  out->set_pairs_pruned(progress.pairs_pruned);
  out->set_elapsed_seconds(progress.elapsed_seconds);
  out->set_done(done);
}

void CohortAssignmentToProto(const engine::CohortAssignment& run, int max_left_out_listed, v1::AssignResponse* out) {
  out->mutable_assignments()->Reserve(static_cast<int>(run.placements.size()));
  for (const engine::CohortPlacement& p : run.placements) {
    v1::Assignment* a = out->add_assignments();
    a->set_candidate_id(p.candidate_id);
    a->set_opening_id(p.opening_id);
    a->set_score(p.score);
  }
  ReportToProto(run.report, out->mutable_report());
  if (run.greedy_baseline) ReportToProto(*run.greedy_baseline, out->mutable_greedy_baseline());
  if (run.other_objective) ReportToProto(*run.other_objective, out->mutable_other_objective());
  for (const engine::ExposureReport& report : run.placement_exposure) {
    ExposureReportToProto(report, out->add_placement_exposure());
  }
  const size_t listed = std::min(run.left_out.size(), static_cast<size_t>(max_left_out_listed));
  for (size_t i = 0; i < listed; ++i) {
    v1::LeftOutCandidate* l = out->add_left_out();
    l->set_candidate_id(run.left_out[i].candidate_id);
    l->set_reason(engine::LeftOutReasonToProto(run.left_out[i].reason));
  }
  out->set_left_out_truncated(listed < run.left_out.size());
  out->set_left_out_no_right_to_work(run.left_out_no_right_to_work);
  out->set_opening_count(run.opening_count);
  out->set_pool_pairs(run.pool_pairs);
  out->set_pairs_scored(run.rerank.pairs_scored);
  out->set_pairs_pruned(run.rerank.pairs_pruned);
  out->set_rerank_seconds(run.rerank.elapsed_seconds);
  out->set_assignment_seconds(run.assignment_seconds);
}

void CohortPoolsToProto(const engine::CohortPools& pools, v1::CohortPools* out) {
  out->mutable_candidates()->Reserve(static_cast<int>(pools.candidates.size()));
  for (const engine::PooledCandidate& c : pools.candidates) {
    v1::PooledCandidate* p = out->add_candidates();
    p->set_candidate_id(c.candidate_id);
    for (const auto& [j, score] : c.openings) {
      p->add_opening_indices(j);
      p->add_scores(score);
    }
    p->set_right_to_work(c.right_to_work);
    p->set_reserved(c.reserved);
    for (const std::string& group : c.groups) p->add_groups(group);
  }
  out->mutable_opening_ids()->Add(pools.opening_ids.begin(), pools.opening_ids.end());
  out->mutable_opening_positions()->Add(pools.opening_positions.begin(), pools.opening_positions.end());
}

absl::StatusOr<engine::CohortPools> CohortPoolsFromProto(const v1::CohortPools& pools) {
  if (pools.opening_ids_size() != pools.opening_positions_size()) {
    return absl::InvalidArgumentError("pools: opening_ids and opening_positions differ in length");
  }
  engine::CohortPools out;
  out.opening_ids.assign(pools.opening_ids().begin(), pools.opening_ids().end());
  out.opening_positions.assign(pools.opening_positions().begin(), pools.opening_positions().end());
  out.candidates.reserve(pools.candidates_size());
  for (const v1::PooledCandidate& p : pools.candidates()) {
    if (p.opening_indices_size() != p.scores_size()) {
      return absl::InvalidArgumentError("pools.candidates: opening_indices and scores differ in length");
    }
    engine::PooledCandidate& c = out.candidates.emplace_back();
    c.candidate_id = p.candidate_id();
    for (int i = 0; i < p.opening_indices_size(); ++i) {
      if (p.opening_indices(i) < 0 || p.opening_indices(i) >= pools.opening_ids_size()) {
        return absl::InvalidArgumentError("pools.candidates: an opening index is out of range");
      }
      c.openings.emplace_back(p.opening_indices(i), p.scores(i));
    }
    c.right_to_work = p.right_to_work();
    c.reserved = p.reserved();
    c.groups.assign(p.groups().begin(), p.groups().end());
  }
  return out;
}

absl::StatusOr<engine::PoecCohortOptions> PoecCohortOptionsFromProto(const v1::FormCohortsRequest& request, int max_k,
                                                                     const engine::ReferenceData& data) {
  engine::PoecCohortOptions options;
  options.today = engine::DayOf(absl::Now());  // expired openings are left out; readiness routes start today
  options.owner_id = request.owner_id();
  PASSERELLE_ASSIGN_OR_RETURN(options.departements, Departements(request.departements(), data));
  options.occupations.assign(request.occupations().begin(), request.occupations().end());
  options.regions.assign(request.regions().begin(), request.regions().end());
  engine::CohortFormationOptions& f = options.formation;
  f.min_cohort_size = request.min_cohort_size() == 0 ? f.min_cohort_size : request.min_cohort_size();
  f.max_cohort_size = request.max_cohort_size() == 0 ? f.max_cohort_size : request.max_cohort_size();
  // A minimum above the default maximum with no maximum asked means "sessions of that size and more".
  if (request.max_cohort_size() == 0 && f.min_cohort_size > f.max_cohort_size) f.max_cohort_size = f.min_cohort_size;
  PASSERELLE_ASSIGN_OR_RETURN(f.objective,
                              ObjectiveFromProto(request.objective(), engine::AssignmentObjective::kMaxPeoplePlaced));
  PASSERELLE_ASSIGN_OR_RETURN(options.openings_per_candidate,
                              CountOrDefault(request.openings_per_candidate(), max_k, max_k, "openings_per_candidate"));
  if (request.max_left_out_listed() < 0 || request.max_left_out_listed() > kMaxCount) {
    return engine::InvalidFieldError("max_left_out_listed",
                                     absl::StrCat("must be in [0, ", kMaxCount, "] (0 = ", kDefaultMaxLeftOutListed,
                                                  "), got ", request.max_left_out_listed()));
  }
  return options;
}

void PoecCohortRunToProto(const engine::PoecCohortRun& run, int max_left_out_listed, v1::CohortsResult* out) {
  for (const engine::PoecCohort& cohort : run.cohorts) {
    v1::TrainingCohort* c = out->add_cohorts();
    c->set_domaine_code(cohort.domaine_code);
    c->set_domaine_label(cohort.domaine_label);
    c->set_region_code(cohort.region_code);
    c->set_region_name(cohort.region_name);
    for (const engine::PoecCohortMember& m : cohort.members) {
      v1::CohortMember* member = c->add_members();
      member->set_candidate_id(m.candidate_id);
      member->set_opening_id(m.opening_id);
      member->set_score(m.score);
      member->set_ready_date(engine::FormatDay(m.ready_day));
    }
    c->set_start_date(engine::FormatDay(cohort.start_day));
    c->set_ready_spread_days(cohort.ready_spread_days);
    for (const auto& [id, members] : cohort.openings) {
      v1::CohortOpening* opening = c->add_openings();
      opening->set_opening_id(id);
      opening->set_members(members);
    }
  }
  const size_t listed = std::min(run.left_out.size(), static_cast<size_t>(max_left_out_listed));
  for (size_t i = 0; i < listed; ++i) {
    v1::CohortLeftOut* l = out->add_left_out();
    l->set_candidate_id(run.left_out[i].candidate_id);
    l->set_reason(CohortReasonToProto(run.left_out[i].reason));
  }
  out->set_left_out_truncated(listed < run.left_out.size());
  const engine::CohortFormationResult& f = run.formation;
  out->set_candidate_count(run.candidate_count);
  out->set_placed_count(f.placed);
  out->set_total_score(f.total_score);
  out->set_left_out_no_eligible_opening(f.left_out_no_eligible_opening);
  out->set_left_out_cohort_too_small(f.left_out_cohort_too_small);
  out->set_left_out_positions_exhausted(f.left_out_positions_exhausted);
  out->set_poec_opening_count(run.poec_opening_count);
  out->set_poec_position_count(run.poec_position_count);
  out->set_group_count(run.group_count);
  out->set_groups_closed(f.groups_closed);
  out->set_exact(f.exact);
  out->set_rerank_seconds(run.rerank.elapsed_seconds);
  out->set_formation_seconds(run.formation_seconds);
}

}  // namespace passerelle::server
