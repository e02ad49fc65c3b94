#include "engine/batch/assignment_report.h"

#include <algorithm>
#include <functional>
#include <numeric>

namespace passerelle::engine::assignment_internal {
namespace {

std::vector<int64_t> CountPerOpening(const MechanismInput& input, const std::vector<int32_t>& opening_of) {
  std::vector<int64_t> counts(input.opening_count(), 0);
  for (int32_t j : opening_of) {
    if (j >= 0) ++counts[j];
  }
  return counts;
}

void CountCandidates(const MechanismInput& input, const std::vector<int32_t>& opening_of, AssignmentReport& report) {
  const EligibilityGraph& g = input.graph;
  for (int32_t i = 0; i < g.candidate_count(); ++i) {
    const bool cohort = input.is_cohort[i] != 0;
    report.cohort_candidate_count += cohort;
    const int32_t j = opening_of[i];
    if (j >= 0) {
      ++report.assigned_count;
      report.cohort_assigned_count += cohort;
      report.total_score += g.ScoreOf(i, j);
    } else if (!input.had_pair[i]) {
      ++report.left_out_no_eligible_pair;
    } else if (g.begin[i + 1] == g.begin[i]) {
      ++report.left_out_cut_by_congestion_cap;
    } else {
      ++report.left_out_lost_to_competition;
    }
  }
}

}  // namespace

ExposureSpread ComputeExposureSpread(std::vector<int64_t> counts) {
  ExposureSpread spread;
  spread.total = std::accumulate(counts.begin(), counts.end(), int64_t{0});
  if (counts.empty() || spread.total == 0) return spread;
  std::sort(counts.begin(), counts.end());
  const double n = static_cast<double>(counts.size());
  // Gini = sum_i (2i - n - 1) x_i / (n * total), i = 1..n over counts in ascending order.
  double weighted = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    weighted += (2.0 * static_cast<double>(i + 1) - n - 1) * static_cast<double>(counts[i]);
  }
  spread.gini = weighted / (n * static_cast<double>(spread.total));
  const size_t top = std::max<size_t>(1, (counts.size() + 99) / 100);
  const int64_t top_sum = std::accumulate(counts.end() - static_cast<int64_t>(top), counts.end(), int64_t{0});
  spread.top_1pct_share = static_cast<double>(top_sum) / static_cast<double>(spread.total);
  spread.max_per_opening = static_cast<int32_t>(counts.back());
  return spread;
}

AssignmentReport BuildAssignmentReport(const MechanismInput& input, AssignmentMechanism mechanism,
                                       const std::vector<int32_t>& opening_of_candidate,
                                       const std::vector<int32_t>* proposals_per_opening) {
  AssignmentReport report;
  report.mechanism = mechanism;
  report.candidate_count = input.graph.candidate_count();
  CountCandidates(input, opening_of_candidate, report);
  report.mean_score = report.assigned_count > 0 ? report.total_score / report.assigned_count : 0;
  report.position_count = std::accumulate(input.capacity.begin(), input.capacity.end(), int64_t{0});
  report.positions_left_empty = report.position_count - report.assigned_count;
  report.positions_reserved = std::accumulate(input.reserved.begin(), input.reserved.end(), int64_t{0});

  std::vector<int64_t> considered(input.opening_count(), 0);
  for (int32_t j : input.graph.opening) ++considered[j];
  report.considered = ComputeExposureSpread(std::move(considered));
  report.assignments = ComputeExposureSpread(CountPerOpening(input, opening_of_candidate));
  if (proposals_per_opening == nullptr) {
    report.proposals = report.assignments;
  } else {
    report.proposals =
        ComputeExposureSpread(std::vector<int64_t>(proposals_per_opening->begin(), proposals_per_opening->end()));
  }
  return report;
}

}  // namespace passerelle::engine::assignment_internal
