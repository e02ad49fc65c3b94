#include "engine/batch/poec_cohorts.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "engine/common/field_status.h"
#include "engine/common/quote.h"
#include "engine/common/status_macros.h"

namespace passerelle::engine {
namespace {

using Clock = std::chrono::steady_clock;

// The POEC openings in scope on one snapshot, by id, with their group (domaine x région).
struct PoecScope {
  std::vector<const ResolvedOpening*> openings;  // ascending id
  absl::flat_hash_map<std::string, int32_t> index_of;
  std::vector<int32_t> group_of;
  std::vector<std::pair<int32_t, int32_t>> groups;  // (domaine index, région index), ascending
};

PoecScope ScopeOf(const MatchIndex::OpeningTable::Snapshot& snapshot, const ReferenceData& data,
                  const std::vector<uint8_t>& allowed_rome, const std::vector<uint8_t>& allowed_region) {
  PoecScope scope;
  for (const auto& segment : snapshot.segments) {
    for (int row = 0; row < OpeningSegment::kRows; ++row) {
      const ResolvedOpening* o = segment->record(row).get();
      if (o == nullptr || !OffersPoecRoute(o->record)) continue;
      if (!allowed_rome.empty() && !allowed_rome[o->rome_index]) continue;
      if (!allowed_region.empty() && (o->region_index < 0 || !allowed_region[o->region_index])) continue;
      scope.openings.push_back(o);
    }
  }
  std::sort(scope.openings.begin(), scope.openings.end(),
            [](auto* a, auto* b) { return a->record.id < b->record.id; });
  std::map<std::pair<int32_t, int32_t>, int32_t> group_index;
  for (const ResolvedOpening* o : scope.openings) {
    group_index.emplace(std::make_pair(data.occupations()[o->rome_index].domaine_index, o->region_index), 0);
  }
  for (auto& [key, index] : group_index) {
    index = static_cast<int32_t>(scope.groups.size());
    scope.groups.push_back(key);
  }
  for (size_t j = 0; j < scope.openings.size(); ++j) {
    const ResolvedOpening* o = scope.openings[j];
    scope.index_of[o->record.id] = static_cast<int32_t>(j);
    scope.group_of.push_back(
        group_index.at({data.occupations()[o->rome_index].domaine_index, o->region_index}));
  }
  return scope;
}

absl::StatusOr<std::vector<uint8_t>> RegionFilter(const std::vector<std::string>& codes, const ReferenceData& data) {
  std::vector<uint8_t> allowed;
  if (codes.empty()) return allowed;
  allowed.assign(data.regions().size(), 0);
  for (size_t i = 0; i < codes.size(); ++i) {
    const std::optional<int32_t> region = data.FindRegion(codes[i]);
    if (!region) {
      return InvalidFieldError(absl::StrCat("regions[", i, "]"),
                               absl::StrCat("unknown région code ", Quote(codes[i]), " (INSEE, e.g. \"11\")"));
    }
    allowed[*region] = 1;
  }
  return allowed;
}

// A cohort group's names, from its first opening.
void NameCohort(const ReferenceData& data, const ResolvedOpening& opening, PoecCohort& out) {
  const RomeOccupation& rome = data.occupations()[opening.rome_index];
  out.domaine_code = rome.domaine_code;
  out.domaine_label = rome.domaine_label;
  if (opening.region_index >= 0) {
    out.region_code = data.regions()[opening.region_index].insee_code;
    out.region_name = data.regions()[opening.region_index].name;
  }
}

// The session starts when its last member is ready.
void SetStart(PoecCohort& cohort) {
  if (cohort.members.empty()) return;
  Day first = cohort.members.front().ready_day, last = first;
  for (const PoecCohortMember& m : cohort.members) {
    first = std::min(first, m.ready_day);
    last = std::max(last, m.ready_day);
  }
  cohort.start_day = last;
  cohort.ready_spread_days = last - first;
}

}  // namespace

bool OffersPoecRoute(const Opening& opening) {
  return opening.contract == ContractType::kPoec || (opening.training_provided && opening.french_training_hours > 0);
}

absl::StatusOr<PoecCohortRun> FormPoecCohorts(const MatchIndex& index, const ScoringProfile& profile,
                                              const PoecCohortOptions& options,
                                              const std::function<void(const RerankProgress&)>& progress) {
  if (options.openings_per_candidate < 1 || options.openings_per_candidate > kMaxK) {
    return InvalidFieldError("openings_per_candidate", absl::StrCat("must be in [1, ", kMaxK, "], got ",
                                                                    options.openings_per_candidate));
  }
  PASSERELLE_ASSIGN_OR_RETURN(const std::vector<uint8_t> allowed_region, RegionFilter(options.regions, index.data()));
  PASSERELLE_ASSIGN_OR_RETURN(const std::vector<uint8_t> allowed_rome,
                              BuildOccupationFilter(options.occupations, index.data()));
  // Checked before any scoring, so a bad size range fails fast.
  PASSERELLE_RETURN_IF_ERROR(FormCohorts(CohortFormationProblem(), options.formation).status());

  RerankOptions rerank;
  rerank.candidate_snapshot = index.CandidateSnapshot();
  rerank.opening_snapshot = index.OpeningSnapshot();
  rerank.k = options.openings_per_candidate;
  rerank.threads = options.threads;
  rerank.owner_id = options.owner_id;
  rerank.departements = options.departements;
  rerank.occupations = options.occupations;
  rerank.explain = false;
  rerank.today = options.today;
  rerank.cancelled = options.cancelled;
  const PoecScope scope = ScopeOf(*rerank.opening_snapshot, index.data(), allowed_rome, allowed_region);

  // Each candidate's POEC pairs, kept from their ranking: (opening, score, ready day).
  std::vector<std::pair<std::string, std::vector<std::tuple<int32_t, float, Day>>>> pools;
  PoecCohortRun run;
  PASSERELLE_RETURN_IF_ERROR(Rerank(
      index, profile, rerank,
      [&](CandidateRanking ranking) {  // Rerank serialises calls
        std::vector<std::tuple<int32_t, float, Day>> pairs;
        for (const ScoredMatch& m : ranking.matches) {
          auto it = scope.index_of.find(m.id);
          if (it != scope.index_of.end()) pairs.emplace_back(it->second, std::clamp(m.total, 0.0f, 1.0f), m.ready_day);
        }
        pools.emplace_back(std::move(ranking.candidate_id), std::move(pairs));
      },
      [&](const RerankProgress& p) {
        run.rerank = p;
        if (progress) progress(p);
      }));
  if (options.cancelled && options.cancelled()) return absl::CancelledError("cohort formation cancelled after re-ranking");

  const auto start = Clock::now();
  std::sort(pools.begin(), pools.end());
  CohortFormationProblem problem;
  problem.candidate_count = static_cast<int32_t>(pools.size());
  problem.group_count = static_cast<int32_t>(scope.groups.size());
  problem.opening_group = scope.group_of;
  for (const ResolvedOpening* o : scope.openings) {
    problem.opening_capacity.push_back(o->record.positions);
    run.poec_position_count += o->record.positions;
  }
  for (size_t i = 0; i < pools.size(); ++i) {
    for (const auto& [j, score, ready] : pools[i].second) problem.pairs.push_back({static_cast<int32_t>(i), j, score});
  }
  PASSERELLE_ASSIGN_OR_RETURN(run.formation, FormCohorts(problem, options.formation));

  run.candidate_count = problem.candidate_count;
  run.poec_opening_count = static_cast<int32_t>(scope.openings.size());
  run.group_count = problem.group_count;
  const CohortFormationResult& f = run.formation;
  for (const FormedCohort& formed : f.cohorts) {
    PoecCohort cohort;
    NameCohort(index.data(), *scope.openings[formed.openings.front().first], cohort);
    for (int32_t i : formed.members) {
      const int32_t j = f.opening_of_candidate[i];
      PoecCohortMember member{pools[i].first, scope.openings[j]->record.id, 0, 0};
      for (const auto& [opening, s, ready] : pools[i].second) {
        // Someone ready before the day of the run can start on that day, not earlier.
        if (opening == j) member.score = s, member.ready_day = std::max(ready, options.today);
      }
      cohort.members.push_back(std::move(member));
    }
    SetStart(cohort);
    for (const auto& [j, count] : formed.openings) cohort.openings.emplace_back(scope.openings[j]->record.id, count);
    run.cohorts.push_back(std::move(cohort));
  }
  // Groups are numbered in (domaine, région) order, so cohorts already come in that order.
  for (int32_t i = 0; i < problem.candidate_count; ++i) {
    if (f.opening_of_candidate[i] < 0) run.left_out.push_back({pools[i].first, f.left_out_reason[i]});
  }
  run.formation_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return run;
}

}  // namespace passerelle::engine
