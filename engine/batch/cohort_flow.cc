#include "engine/batch/cohort_flow.h"

#include <algorithm>
#include <deque>
#include <limits>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace passerelle::engine::cohort_internal {
namespace {

constexpr int64_t kUnreached = std::numeric_limits<int64_t>::min();
// Totals must stay far from overflow while paths add and subtract gains.
constexpr int64_t kMaxTotal = int64_t{1} << 61;

struct Arc {
  int32_t to;
  int32_t residual;
  int64_t gain;
};

// Residual graph with paired arcs (arc a and a ^ 1 are each other's reverse).
class FlowGraph {
 public:
  explicit FlowGraph(int32_t nodes) : out_(nodes) {}

  int32_t AddArc(int32_t from, int32_t to, int32_t capacity, int64_t gain) {
    const auto id = static_cast<int32_t>(arcs_.size());
    arcs_.push_back({to, capacity, gain});
    arcs_.push_back({from, 0, -gain});
    out_[from].push_back(id);
    out_[to].push_back(id + 1);
    return id;
  }

  int32_t Flow(int32_t arc) const { return arcs_[arc ^ 1].residual; }

  // Finds the longest path from `source` to `sink` in the residual graph (no positive cycle exists
  // while the flow is the best of its value) and pushes one unit along it if its gain is positive.
  // Returns false when no such path remains.
  bool AugmentOnce(int32_t source, int32_t sink) {
    const size_t n = out_.size();
    std::vector<int64_t> dist(n, kUnreached);
    std::vector<int32_t> via(n, -1);
    std::vector<uint8_t> queued(n, 0);
    std::deque<int32_t> queue = {source};
    dist[source] = 0;
    queued[source] = 1;
    while (!queue.empty()) {
      const int32_t u = queue.front();
      queue.pop_front();
      queued[u] = 0;
      for (int32_t a : out_[u]) {
        const Arc& arc = arcs_[a];
        if (arc.residual == 0 || dist[u] + arc.gain <= dist[arc.to]) continue;
        dist[arc.to] = dist[u] + arc.gain;
        via[arc.to] = a;
        if (!queued[arc.to]) {
          queued[arc.to] = 1;
          queue.push_back(arc.to);
        }
      }
    }
    if (dist[sink] == kUnreached || dist[sink] <= 0) return false;
    for (int32_t v = sink; v != source; v = arcs_[via[v] ^ 1].to) {
      --arcs_[via[v]].residual;
      ++arcs_[via[v] ^ 1].residual;
    }
    return true;
  }

 private:
  std::vector<Arc> arcs_;
  std::vector<std::vector<int32_t>> out_;
};

}  // namespace

absl::StatusOr<GroupFlow> SolveGroupFlow(const GroupFlowProblem& problem) {
  const int32_t n = problem.candidate_count();
  const auto m = static_cast<int32_t>(problem.opening_capacity.size());
  const auto groups = static_cast<int32_t>(problem.group_lower.size());
  // The bonus of a lower-bound unit exceeds the largest possible total gain.
  int64_t bonus = 1;
  for (int32_t i = 0; i < n; ++i) {
    int64_t best = 0;
    for (int64_t e = problem.pair_begin[i]; e < problem.pair_begin[i + 1]; ++e) best = std::max(best, problem.pair_gain[e]);
    if (best > kMaxTotal - bonus) return absl::ResourceExhaustedError("cohort formation: gains too large; split the problem");
    bonus += best;
  }
  int64_t lower_units = 0;
  for (int32_t g = 0; g < groups; ++g) lower_units += problem.group_lower[g];
  if (lower_units > 0 && bonus > kMaxTotal / (lower_units + 1)) {
    return absl::ResourceExhaustedError(
        absl::StrCat("cohort formation: ", n, " candidates and ", lower_units,
                     " places to fill are too many for one exact solve; split the problem (for example by région)"));
  }

  const int32_t source = 0, first_opening = 1 + n, first_group = first_opening + m, sink = first_group + groups;
  FlowGraph graph(sink + 1);
  for (int32_t i = 0; i < n; ++i) graph.AddArc(source, 1 + i, 1, 0);
  std::vector<int32_t> pair_arc(problem.pair_opening.size());
  for (int32_t i = 0; i < n; ++i) {
    for (int64_t e = problem.pair_begin[i]; e < problem.pair_begin[i + 1]; ++e) {
      pair_arc[e] = graph.AddArc(1 + i, first_opening + problem.pair_opening[e], 1, problem.pair_gain[e]);
    }
  }
  for (int32_t j = 0; j < m; ++j) {
    graph.AddArc(first_opening + j, first_group + problem.opening_group[j], problem.opening_capacity[j], 0);
  }
  std::vector<int32_t> lower_arc(groups);
  for (int32_t g = 0; g < groups; ++g) {
    lower_arc[g] = graph.AddArc(first_group + g, sink, problem.group_lower[g], bonus);
    graph.AddArc(first_group + g, sink, problem.group_upper[g] - problem.group_lower[g], 0);
  }
  while (graph.AugmentOnce(source, sink)) {
  }

  GroupFlow flow;
  flow.opening_of_candidate.assign(n, -1);
  flow.group_count.assign(groups, 0);
  for (int32_t i = 0; i < n; ++i) {
    for (int64_t e = problem.pair_begin[i]; e < problem.pair_begin[i + 1]; ++e) {
      if (graph.Flow(pair_arc[e]) == 0) continue;
      flow.opening_of_candidate[i] = problem.pair_opening[e];
      flow.gain += problem.pair_gain[e];
      ++flow.group_count[problem.opening_group[problem.pair_opening[e]]];
    }
  }
  flow.meets_lower_bounds = true;
  for (int32_t g = 0; g < groups; ++g) {
    flow.meets_lower_bounds &= graph.Flow(lower_arc[g]) == problem.group_lower[g];
  }
  return flow;
}

}  // namespace passerelle::engine::cohort_internal
