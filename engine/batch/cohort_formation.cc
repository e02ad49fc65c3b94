#include "engine/batch/cohort_formation.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/batch/cohort_flow.h"
#include "engine/common/field_status.h"
#include "engine/common/status_macros.h"

namespace passerelle::engine {
namespace {

using cohort_internal::GroupFlow;
using cohort_internal::GroupFlowProblem;

constexpr int32_t kMaxCohortSize = 1000;
constexpr int64_t kMaxExactChoices = 1000000;
constexpr double kScoreUnits = 1e6;

// A range of people a group may place: [lower, upper].
struct Band {
  int32_t lower;
  int32_t upper;
};

absl::Status Validate(const CohortFormationProblem& problem, const CohortFormationOptions& options) {
  if (options.min_cohort_size < 1 || options.min_cohort_size > options.max_cohort_size ||
      options.max_cohort_size > kMaxCohortSize) {
    return InvalidFieldError("min_cohort_size",
                             absl::StrCat("need 1 <= min_cohort_size <= max_cohort_size <= ", kMaxCohortSize, ", got ",
                                          options.min_cohort_size, " and ", options.max_cohort_size));
  }
  if (options.objective != AssignmentObjective::kMaxTotalScore &&
      options.objective != AssignmentObjective::kMaxPeoplePlaced) {
    return InvalidFieldError("objective", absl::StrCat("unknown value ", static_cast<int>(options.objective)));
  }
  if (options.max_exact_choices < 1 || options.max_exact_choices > kMaxExactChoices) {
    return InvalidFieldError("max_exact_choices", absl::StrCat("must be in [1, ", kMaxExactChoices, "]"));
  }
  if (problem.candidate_count < 0) return InvalidFieldError("candidate_count", "must be >= 0");
  if (problem.group_count < 0) return InvalidFieldError("group_count", "must be >= 0");
  if (problem.opening_group.size() != problem.opening_capacity.size()) {
    return InvalidFieldError("opening_group", "must have one entry per opening");
  }
  for (size_t j = 0; j < problem.opening_capacity.size(); ++j) {
    if (problem.opening_capacity[j] < 0) return InvalidFieldError(absl::StrCat("opening_capacity[", j, "]"), "must be >= 0");
    if (problem.opening_group[j] < 0 || problem.opening_group[j] >= problem.group_count) {
      return InvalidFieldError(absl::StrCat("opening_group[", j, "]"), "must be in [0, group_count)");
    }
  }
  std::vector<std::pair<int32_t, int32_t>> seen;
  for (size_t k = 0; k < problem.pairs.size(); ++k) {
    const EligiblePair& p = problem.pairs[k];
    if (p.candidate < 0 || p.candidate >= problem.candidate_count || p.opening < 0 ||
        p.opening >= static_cast<int32_t>(problem.opening_capacity.size()) || !(p.score >= 0 && p.score <= 1)) {
      return InvalidFieldError(absl::StrCat("pairs[", k, "]"), "candidate, opening or score out of range");
    }
    seen.emplace_back(p.candidate, p.opening);
  }
  std::sort(seen.begin(), seen.end());
  if (std::adjacent_find(seen.begin(), seen.end()) != seen.end()) {
    return InvalidFieldError("pairs", "a (candidate, opening) pair is repeated");
  }
  return absl::OkStatus();
}

// The pairs with positions, by candidate then opening, with integer gains encoding the objective as in
// the optimal assignment (docs/batch.md, "Objective").
GroupFlowProblem BuildFlowProblem(const CohortFormationProblem& problem, AssignmentObjective objective,
                                  std::vector<float>& pair_score) {
  std::vector<EligiblePair> pairs;
  for (const EligiblePair& p : problem.pairs) {
    if (problem.opening_capacity[p.opening] > 0) pairs.push_back(p);
  }
  std::sort(pairs.begin(), pairs.end(), [](const EligiblePair& a, const EligiblePair& b) {
    return a.candidate != b.candidate ? a.candidate < b.candidate : a.opening < b.opening;
  });
  int64_t active = 0;
  for (size_t k = 0; k < pairs.size(); ++k) active += k == 0 || pairs[k].candidate != pairs[k - 1].candidate;
  const int64_t positions =
      std::accumulate(problem.opening_capacity.begin(), problem.opening_capacity.end(), int64_t{0});
  const int64_t base = std::min(active, positions) + 1;

  GroupFlowProblem flow;
  flow.pair_begin.assign(static_cast<size_t>(problem.candidate_count) + 1, 0);
  for (const EligiblePair& p : pairs) {
    ++flow.pair_begin[p.candidate + 1];
    flow.pair_opening.push_back(p.opening);
    pair_score.push_back(p.score);
    const int64_t units = std::llround(static_cast<double>(p.score) * kScoreUnits);
    flow.pair_gain.push_back(objective == AssignmentObjective::kMaxPeoplePlaced
                                 ? base * static_cast<int64_t>(kScoreUnits) + units
                                 : units * base + 1);
  }
  for (int32_t i = 0; i < problem.candidate_count; ++i) flow.pair_begin[i + 1] += flow.pair_begin[i];
  flow.opening_capacity = problem.opening_capacity;
  flow.opening_group = problem.opening_group;
  return flow;
}

// The people a group could place at most: its positions, and the candidates with a pair in it.
std::vector<int32_t> GroupReach(const GroupFlowProblem& flow, int32_t group_count) {
  std::vector<int64_t> positions(group_count, 0);
  for (size_t j = 0; j < flow.opening_capacity.size(); ++j) positions[flow.opening_group[j]] += flow.opening_capacity[j];
  std::vector<int32_t> candidates(group_count, 0);
  std::vector<int32_t> last_seen(group_count, -1);
  for (int32_t i = 0; i < flow.candidate_count(); ++i) {
    for (int64_t e = flow.pair_begin[i]; e < flow.pair_begin[i + 1]; ++e) {
      const int32_t g = flow.opening_group[flow.pair_opening[e]];
      if (last_seen[g] != i) ++candidates[g];
      last_seen[g] = i;
    }
  }
  std::vector<int32_t> reach(group_count);
  for (int32_t g = 0; g < group_count; ++g) reach[g] = static_cast<int32_t>(std::min<int64_t>(positions[g], candidates[g]));
  return reach;
}

// A group's choices: closed, or one of the bands of counts that split into cohorts of [min, max]
// (c cohorts take c * min to c * max people; overlapping or touching ranges are merged), up to `reach`.
std::vector<Band> Choices(int32_t reach, int32_t min_size, int32_t max_size) {
  std::vector<Band> choices = {{0, 0}};
  for (int64_t c = 1; c * min_size <= reach; ++c) {
    const Band band{static_cast<int32_t>(c * min_size), static_cast<int32_t>(std::min<int64_t>(c * max_size, reach))};
    if (choices.size() > 1 && band.lower <= choices.back().upper + 1) {
      choices.back().upper = std::max(choices.back().upper, band.upper);
    } else {
      choices.push_back(band);
    }
    if (band.upper == reach) break;
  }
  return choices;
}

bool Splits(int32_t count, int32_t min_size, int32_t max_size) {
  if (count == 0) return true;
  const int32_t cohorts = (count + max_size - 1) / max_size;
  return count >= cohorts * min_size;
}

absl::StatusOr<GroupFlow> Solve(GroupFlowProblem& flow, const std::vector<Band>& bands, int64_t& solves) {
  for (size_t g = 0; g < bands.size(); ++g) {
    flow.group_lower[g] = bands[g].lower;
    flow.group_upper[g] = bands[g].upper;
  }
  ++solves;
  return cohort_internal::SolveGroupFlow(flow);
}

// Groups that share no candidate do not compete: their best choices can be searched apart. Returns the
// groups of each connected component (groups linked by a candidate with pairs in both), in order.
std::vector<std::vector<int32_t>> Components(const GroupFlowProblem& flow, int32_t group_count) {
  std::vector<int32_t> parent(group_count);
  for (int32_t g = 0; g < group_count; ++g) parent[g] = g;
  const auto root = [&](int32_t g) {
    while (parent[g] != g) g = parent[g] = parent[parent[g]];
    return g;
  };
  for (int32_t i = 0; i < flow.candidate_count(); ++i) {
    for (int64_t e = flow.pair_begin[i] + 1; e < flow.pair_begin[i + 1]; ++e) {
      const int32_t a = root(flow.opening_group[flow.pair_opening[flow.pair_begin[i]]]);
      const int32_t b = root(flow.opening_group[flow.pair_opening[e]]);
      parent[std::max(a, b)] = std::min(a, b);
    }
  }
  std::vector<std::vector<int32_t>> components(group_count);
  for (int32_t g = 0; g < group_count; ++g) components[root(g)].push_back(g);
  components.erase(std::remove_if(components.begin(), components.end(), [](const auto& c) { return c.empty(); }),
                   components.end());
  return components;
}

int64_t CombinationsOf(const std::vector<int32_t>& groups, const std::vector<std::vector<Band>>& choices) {
  int64_t combinations = 1;
  for (int32_t g : groups) {
    combinations = std::min<int64_t>(combinations * static_cast<int64_t>(choices[g].size()), kMaxExactChoices + 1);
  }
  return combinations;
}

// Every combination of choices of each component's groups, in odometer order, the other groups closed;
// the first best wins ties. The gains of separate components add up, so the best of each component
// together are the optimum, solved once more as a whole.
// The candidates with a pair in `groups` (one component), with all openings and groups kept: a search
// within the component then only walks its own candidates.
GroupFlowProblem Restrict(const GroupFlowProblem& flow, const std::vector<int32_t>& groups) {
  std::vector<uint8_t> in_component(flow.group_lower.size(), 0);
  for (int32_t g : groups) in_component[g] = 1;
  GroupFlowProblem sub;
  sub.opening_capacity = flow.opening_capacity;
  sub.opening_group = flow.opening_group;
  sub.group_lower = flow.group_lower;
  sub.group_upper = flow.group_upper;
  sub.pair_begin = {0};
  for (int32_t i = 0; i < flow.candidate_count(); ++i) {
    const int64_t begin = flow.pair_begin[i], end = flow.pair_begin[i + 1];
    if (begin == end || !in_component[flow.opening_group[flow.pair_opening[begin]]]) continue;
    for (int64_t e = begin; e < end; ++e) {
      sub.pair_opening.push_back(flow.pair_opening[e]);
      sub.pair_gain.push_back(flow.pair_gain[e]);
    }
    sub.pair_begin.push_back(static_cast<int64_t>(sub.pair_opening.size()));
  }
  return sub;
}

absl::StatusOr<GroupFlow> SolveExact(GroupFlowProblem& flow, const std::vector<std::vector<Band>>& choices,
                                     const std::vector<std::vector<int32_t>>& components, int64_t& solves) {
  std::vector<Band> bands(choices.size(), Band{0, 0});
  std::vector<Band> chosen(choices.size(), Band{0, 0});
  for (const std::vector<int32_t>& groups : components) {
    GroupFlowProblem sub = Restrict(flow, groups);
    std::vector<size_t> pick(groups.size(), 0);
    GroupFlow best;
    while (true) {
      for (size_t k = 0; k < groups.size(); ++k) bands[groups[k]] = choices[groups[k]][pick[k]];
      PASSERELLE_ASSIGN_OR_RETURN(GroupFlow run, Solve(sub, bands, solves));
      if (run.meets_lower_bounds && (!best.meets_lower_bounds || run.gain > best.gain)) {
        best = std::move(run);
        for (int32_t g : groups) chosen[g] = bands[g];
      }
      size_t k = 0;
      while (k < groups.size() && ++pick[k] == choices[groups[k]].size()) pick[k++] = 0;
      if (k == groups.size()) break;
    }
    for (int32_t g : groups) bands[g] = Band{0, 0};
  }
  return Solve(flow, chosen, solves);
}

// Repair: solve with every group free, then fix the group with the fewest people among those whose count
// does not split into cohorts (close it when below the smallest band, else cap it at the band below) and
// solve again, until every count splits. Each step closes a group or lowers a band, so it ends.
absl::StatusOr<GroupFlow> SolveByRepair(GroupFlowProblem& flow, const std::vector<std::vector<Band>>& choices,
                                        const CohortFormationOptions& options, int64_t& solves) {
  const size_t groups = choices.size();
  std::vector<Band> bands(groups);
  for (size_t g = 0; g < groups; ++g) bands[g] = {0, choices[g].back().upper};
  while (true) {
    PASSERELLE_ASSIGN_OR_RETURN(GroupFlow run, Solve(flow, bands, solves));
    int32_t worst = -1;
    for (size_t g = 0; g < groups; ++g) {
      const bool below = run.group_count[g] < bands[g].lower;
      if (!below && Splits(run.group_count[g], options.min_cohort_size, options.max_cohort_size)) continue;
      if (worst < 0 || run.group_count[g] < run.group_count[worst]) worst = static_cast<int32_t>(g);
    }
    if (worst < 0) return run;
    Band next{0, 0};
    for (const Band& band : choices[worst]) {
      if (band.upper < run.group_count[worst] && band.upper < bands[worst].upper) next = band;
    }
    bands[worst] = next;
  }
}

// Splits each open group's members into balanced cohorts, members ordered by (opening, candidate) so
// that a cohort holds few openings.
std::vector<FormedCohort> SplitIntoCohorts(const std::vector<int32_t>& opening_of, const std::vector<int32_t>& group_of,
                                           int32_t group_count, int32_t max_size) {
  std::vector<std::vector<std::pair<int32_t, int32_t>>> members(group_count);  // (opening, candidate)
  for (int32_t i = 0; i < static_cast<int32_t>(opening_of.size()); ++i) {
    if (opening_of[i] >= 0) members[group_of[opening_of[i]]].emplace_back(opening_of[i], i);
  }
  std::vector<FormedCohort> cohorts;
  for (int32_t g = 0; g < group_count; ++g) {
    auto& list = members[g];
    if (list.empty()) continue;
    std::sort(list.begin(), list.end());
    const auto n = static_cast<int32_t>(list.size());
    const int32_t count = (n + max_size - 1) / max_size;
    int32_t next = 0;
    for (int32_t c = 0; c < count; ++c) {
      const int32_t size = n / count + (c < n % count ? 1 : 0);
      FormedCohort cohort;
      cohort.group = g;
      for (int32_t k = next; k < next + size; ++k) {
        cohort.members.push_back(list[k].second);
        if (cohort.openings.empty() || cohort.openings.back().first != list[k].first) {
          cohort.openings.emplace_back(list[k].first, 0);
        }
        ++cohort.openings.back().second;
      }
      next += size;
      cohorts.push_back(std::move(cohort));
    }
  }
  return cohorts;
}

void Explain(const GroupFlowProblem& flow, const GroupFlow& run, CohortFormationResult& out) {
  out.left_out_reason.assign(flow.candidate_count(), CohortLeftOutReason::kNoEligibleOpening);
  for (int32_t i = 0; i < flow.candidate_count(); ++i) {
    if (run.opening_of_candidate[i] >= 0) continue;
    CohortLeftOutReason reason = CohortLeftOutReason::kNoEligibleOpening;
    for (int64_t e = flow.pair_begin[i]; e < flow.pair_begin[i + 1]; ++e) {
      const bool open = run.group_count[flow.opening_group[flow.pair_opening[e]]] > 0;
      reason = open ? CohortLeftOutReason::kPositionsExhausted
                    : std::max(reason, CohortLeftOutReason::kCohortTooSmall);
      if (open) break;
    }
    out.left_out_reason[i] = reason;
    switch (reason) {
      case CohortLeftOutReason::kNoEligibleOpening:
        ++out.left_out_no_eligible_opening;
        break;
      case CohortLeftOutReason::kCohortTooSmall:
        ++out.left_out_cohort_too_small;
        break;
      case CohortLeftOutReason::kPositionsExhausted:
        ++out.left_out_positions_exhausted;
        break;
    }
  }
}

}  // namespace

const char* CohortLeftOutReasonName(CohortLeftOutReason reason) {
  switch (reason) {
    case CohortLeftOutReason::kNoEligibleOpening:
      return "no_eligible_opening";
    case CohortLeftOutReason::kCohortTooSmall:
      return "cohort_too_small";
    case CohortLeftOutReason::kPositionsExhausted:
      return "positions_exhausted";
  }
  return "unknown";
}

absl::StatusOr<CohortFormationResult> FormCohorts(const CohortFormationProblem& problem,
                                                  const CohortFormationOptions& options) {
  PASSERELLE_RETURN_IF_ERROR(Validate(problem, options));
  std::vector<float> pair_score;
  GroupFlowProblem flow = BuildFlowProblem(problem, options.objective, pair_score);
  flow.group_lower.assign(problem.group_count, 0);
  flow.group_upper.assign(problem.group_count, 0);
  const std::vector<int32_t> reach = GroupReach(flow, problem.group_count);

  CohortFormationResult out;
  std::vector<std::vector<Band>> choices(problem.group_count);
  for (int32_t g = 0; g < problem.group_count; ++g) {
    choices[g] = Choices(reach[g], options.min_cohort_size, options.max_cohort_size);
    out.groups_considered += reach[g] > 0;
  }
  const std::vector<std::vector<int32_t>> components = Components(flow, problem.group_count);
  out.exact = true;
  for (const std::vector<int32_t>& groups : components) {
    out.exact &= CombinationsOf(groups, choices) <= options.max_exact_choices;
  }
  PASSERELLE_ASSIGN_OR_RETURN(GroupFlow run, out.exact ? SolveExact(flow, choices, components, out.solves)
                                                       : SolveByRepair(flow, choices, options, out.solves));

  out.opening_of_candidate = run.opening_of_candidate;
  for (int32_t i = 0; i < flow.candidate_count(); ++i) {
    for (int64_t e = flow.pair_begin[i]; e < flow.pair_begin[i + 1]; ++e) {
      if (flow.pair_opening[e] != run.opening_of_candidate[i]) continue;
      ++out.placed;
      out.total_score += pair_score[e];
    }
  }
  for (int32_t g = 0; g < problem.group_count; ++g) out.groups_closed += reach[g] > 0 && run.group_count[g] == 0;
  out.cohorts = SplitIntoCohorts(run.opening_of_candidate, problem.opening_group, problem.group_count,
                                 options.max_cohort_size);
  Explain(flow, run, out);
  return out;
}

}  // namespace passerelle::engine
