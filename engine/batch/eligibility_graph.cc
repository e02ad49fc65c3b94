#include "engine/batch/eligibility_graph.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/common/field_status.h"
#include "engine/common/status_macros.h"

namespace passerelle::engine::assignment_internal {
namespace {

// Pair indices grouped by candidate, each group in input order (a stable counting sort).
std::vector<int32_t> PairsByCandidate(const AssignmentProblem& problem, std::vector<int64_t>& begin) {
  begin.assign(static_cast<size_t>(problem.candidate_count) + 1, 0);
  for (const EligiblePair& p : problem.pairs) ++begin[p.candidate + 1];
  for (size_t i = 1; i < begin.size(); ++i) begin[i] += begin[i - 1];
  std::vector<int64_t> next(begin.begin(), begin.end() - 1);
  std::vector<int32_t> order(problem.pairs.size());
  for (size_t k = 0; k < problem.pairs.size(); ++k) {
    order[next[problem.pairs[k].candidate]++] = static_cast<int32_t>(k);
  }
  return order;
}

absl::Status ValidateOptions(const AssignmentOptions& options) {
  switch (options.mechanism) {
    case AssignmentMechanism::kOptimal:
    case AssignmentMechanism::kStableDeferredAcceptance:
    case AssignmentMechanism::kGreedy:
      break;
    default:
      return InvalidFieldError("mechanism", absl::StrCat("unknown value ", static_cast<int>(options.mechanism)));
  }
  if (options.objective != AssignmentObjective::kMaxTotalScore &&
      options.objective != AssignmentObjective::kMaxPeoplePlaced) {
    return InvalidFieldError("objective", absl::StrCat("unknown value ", static_cast<int>(options.objective)));
  }
  if (options.max_proposals_per_opening < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_proposals_per_opening must be >= 0 (0 = no cap), got ", options.max_proposals_per_opening));
  }
  // Written so that NaN fails too.
  if (!(options.reserved_share >= 0 && options.reserved_share <= 1)) {
    return absl::InvalidArgumentError(absl::StrCat("reserved_share must be in [0, 1], got ", options.reserved_share));
  }
  return absl::OkStatus();
}

absl::Status ValidateShape(const AssignmentProblem& problem) {
  if (problem.candidate_count < 0) {
    return absl::InvalidArgumentError(absl::StrCat("candidate_count must be >= 0, got ", problem.candidate_count));
  }
  if (problem.opening_capacity.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    return absl::InvalidArgumentError("opening_capacity has more than 2^31 - 1 openings");
  }
  if (problem.pairs.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    return absl::InvalidArgumentError("pairs has more than 2^31 - 1 entries");
  }
  for (size_t j = 0; j < problem.opening_capacity.size(); ++j) {
    if (problem.opening_capacity[j] < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("opening_capacity[", j, "] must be >= 0, got ", problem.opening_capacity[j]));
    }
  }
  const auto& cohort = problem.reserved_cohort;
  if (!cohort.empty() && cohort.size() != static_cast<size_t>(problem.candidate_count)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "reserved_cohort has ", cohort.size(), " entries, expected 0 or candidate_count = ", problem.candidate_count));
  }
  for (size_t i = 0; i < cohort.size(); ++i) {
    if (cohort[i] > 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("reserved_cohort[", i, "] must be 0 or 1, got ", static_cast<int>(cohort[i])));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidatePairValues(const AssignmentProblem& problem) {
  const int64_t opening_count = static_cast<int64_t>(problem.opening_capacity.size());
  for (size_t k = 0; k < problem.pairs.size(); ++k) {
    const EligiblePair& p = problem.pairs[k];
    if (p.candidate < 0 || p.candidate >= problem.candidate_count) {
      return absl::InvalidArgumentError(absl::StrCat("pairs[", k, "].candidate = ", p.candidate,
                                                     " is outside [0, candidate_count = ", problem.candidate_count,
                                                     ")"));
    }
    if (p.opening < 0 || p.opening >= opening_count) {
      return absl::InvalidArgumentError(absl::StrCat("pairs[", k, "].opening = ", p.opening,
                                                     " is outside [0, opening_capacity.size() = ", opening_count, ")"));
    }
    if (!(p.score >= 0 && p.score <= 1)) {  // also rejects NaN
      return absl::InvalidArgumentError(
          absl::StrCat("pairs[", k, "].score must be a finite number in [0, 1], got ", p.score));
    }
  }
  return absl::OkStatus();
}

// REQUIRES: ValidatePairValues passed.
absl::Status CheckNoRepeatedPair(const AssignmentProblem& problem) {
  std::vector<int64_t> begin;
  const std::vector<int32_t> order = PairsByCandidate(problem, begin);
  std::vector<int32_t> seen_for(problem.opening_capacity.size(), -1);
  std::vector<int32_t> first_index(problem.opening_capacity.size(), -1);
  for (int32_t i = 0; i < problem.candidate_count; ++i) {
    for (int64_t e = begin[i]; e < begin[i + 1]; ++e) {
      const int32_t k = order[e];
      const int32_t j = problem.pairs[k].opening;
      if (seen_for[j] == i) {
        return absl::InvalidArgumentError(absl::StrCat("pairs[", k, "] repeats candidate ", i, " and opening ", j,
                                                       " of pairs[", first_index[j], "]"));
      }
      seen_for[j] = i;
      first_index[j] = k;
    }
  }
  return absl::OkStatus();
}

// Candidate-major graph of the pairs whose opening has positions, each row in preference order.
EligibilityGraph BuildGraph(const AssignmentProblem& problem) {
  std::vector<int64_t> begin;
  const std::vector<int32_t> order = PairsByCandidate(problem, begin);
  EligibilityGraph graph;
  graph.begin.assign(begin.size(), 0);
  graph.opening.reserve(order.size());
  graph.score.reserve(order.size());
  std::vector<std::pair<float, int32_t>> row;
  for (int32_t i = 0; i < problem.candidate_count; ++i) {
    row.clear();
    for (int64_t e = begin[i]; e < begin[i + 1]; ++e) {
      const EligiblePair& p = problem.pairs[order[e]];
      if (problem.opening_capacity[p.opening] > 0) row.emplace_back(p.score, p.opening);
    }
    std::sort(row.begin(), row.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    for (const auto& [score, opening] : row) {
      graph.opening.push_back(opening);
      graph.score.push_back(score);
    }
    graph.begin[i + 1] = graph.pair_count();
  }
  return graph;
}

std::vector<int32_t> ReservedPlaces(const MechanismInput& input, double share) {
  std::vector<int32_t> reserved(input.capacity.size(), 0);
  if (share <= 0) return reserved;
  // A reserved position nobody in the cohort is eligible for is released upfront.
  std::vector<int32_t> eligible_cohort(input.capacity.size(), 0);
  const EligibilityGraph& g = input.graph;
  for (int32_t i = 0; i < g.candidate_count(); ++i) {
    if (!input.is_cohort[i]) continue;
    for (int64_t e = g.begin[i]; e < g.begin[i + 1]; ++e) ++eligible_cohort[g.opening[e]];
  }
  for (size_t j = 0; j < reserved.size(); ++j) {
    reserved[j] = std::min(ReservedPositions(share, input.capacity[j]), eligible_cohort[j]);
  }
  return reserved;
}

}  // namespace

float EligibilityGraph::ScoreOf(int32_t candidate, int32_t opening_index) const {
  for (int64_t e = begin[candidate]; e < begin[candidate + 1]; ++e) {
    if (opening[e] == opening_index) return score[e];
  }
  return -1;
}

bool MechanismInput::HasReservedPlaces() const {
  return std::any_of(reserved.begin(), reserved.end(), [](int32_t r) { return r > 0; });
}

absl::Status ValidateAssignmentInput(const AssignmentProblem& problem, const AssignmentOptions& options) {
  PASSERELLE_RETURN_IF_ERROR(ValidateOptions(options));
  PASSERELLE_RETURN_IF_ERROR(ValidateShape(problem));
  PASSERELLE_RETURN_IF_ERROR(ValidatePairValues(problem));
  return CheckNoRepeatedPair(problem);
}

int32_t ReservedPositions(double share, int32_t capacity) {
  const double exact = share * static_cast<double>(capacity);
  const double rounded = std::ceil(exact - 1e-9);
  return static_cast<int32_t>(std::clamp(rounded, 0.0, static_cast<double>(capacity)));
}

EligibilityGraph ApplyCongestionCap(const EligibilityGraph& graph, int32_t opening_count, int32_t max_per_opening) {
  // Group pair indices by opening, keep each opening's best `max_per_opening`.
  const int32_t n = graph.candidate_count();
  std::vector<int32_t> candidate_of(graph.pair_count());
  for (int32_t i = 0; i < n; ++i) {
    std::fill(candidate_of.begin() + graph.begin[i], candidate_of.begin() + graph.begin[i + 1], i);
  }
  std::vector<int64_t> obegin(static_cast<size_t>(opening_count) + 1, 0);
  for (int32_t j : graph.opening) ++obegin[j + 1];
  for (size_t j = 1; j < obegin.size(); ++j) obegin[j] += obegin[j - 1];
  std::vector<int64_t> next(obegin.begin(), obegin.end() - 1);
  std::vector<int32_t> by_opening(graph.pair_count());
  for (int64_t e = 0; e < graph.pair_count(); ++e) by_opening[next[graph.opening[e]]++] = static_cast<int32_t>(e);

  std::vector<uint8_t> keep(graph.pair_count(), 1);
  const auto better = [&](int32_t a, int32_t b) {
    return graph.score[a] != graph.score[b] ? graph.score[a] > graph.score[b] : candidate_of[a] < candidate_of[b];
  };
  for (int32_t j = 0; j < opening_count; ++j) {
    if (obegin[j + 1] - obegin[j] <= max_per_opening) continue;
    auto first = by_opening.begin() + obegin[j];
    auto cut = first + max_per_opening;
    std::nth_element(first, cut, by_opening.begin() + obegin[j + 1], better);
    for (auto it = cut; it != by_opening.begin() + obegin[j + 1]; ++it) keep[*it] = 0;
  }

  EligibilityGraph capped;
  capped.begin.assign(graph.begin.size(), 0);
  for (int32_t i = 0; i < n; ++i) {
    for (int64_t e = graph.begin[i]; e < graph.begin[i + 1]; ++e) {
      if (!keep[e]) continue;
      capped.opening.push_back(graph.opening[e]);
      capped.score.push_back(graph.score[e]);
    }
    capped.begin[i + 1] = capped.pair_count();
  }
  return capped;
}

MechanismInput BuildMechanismInput(const AssignmentProblem& problem, const AssignmentOptions& options) {
  MechanismInput input;
  input.capacity = problem.opening_capacity;
  input.graph = BuildGraph(problem);
  const int32_t n = problem.candidate_count;
  input.had_pair.assign(n, 0);
  for (int32_t i = 0; i < n; ++i) input.had_pair[i] = input.graph.begin[i + 1] > input.graph.begin[i];
  if (options.max_proposals_per_opening > 0) {
    input.graph = ApplyCongestionCap(input.graph, input.opening_count(), options.max_proposals_per_opening);
  }
  input.is_cohort = problem.reserved_cohort.empty() ? std::vector<uint8_t>(n, 0) : problem.reserved_cohort;
  input.reserved = ReservedPlaces(input, options.reserved_share);
  return input;
}

}  // namespace passerelle::engine::assignment_internal
