#include "engine/scoring/kernel_dispatch.h"

#include <atomic>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "engine/scoring/criteria_walks.h"

// Each path's table, the only global symbol of its object (engine/cmake/kernel_variants.cmake).
namespace passerelle::engine::scoring {
namespace baseline { const KernelPath& Path(); }
namespace avx2 { const KernelPath& Path(); }
namespace avx512 { const KernelPath& Path(); }

namespace {

bool CpuHasAvx2() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("bmi") &&
         __builtin_cpu_supports("bmi2");
}

bool CpuHasAvx512() {
  return CpuHasAvx2() && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
         __builtin_cpu_supports("avx512cd");
}

const KernelPath* Choose() {
  const std::vector<const KernelPath*> supported = SupportedKernelPaths();
  if (const char* forced = std::getenv("PASSERELLE_KERNEL"); forced != nullptr) {
    for (const KernelPath* path : supported) {
      if (absl::string_view(path->name) == forced) return path;
    }
  }
  return supported.front();
}

std::atomic<const KernelPath*>& Active() {
  static std::atomic<const KernelPath*> active{Choose()};
  return active;
}

}  // namespace

std::vector<const KernelPath*> SupportedKernelPaths() {
  std::vector<const KernelPath*> paths;
  if (CpuHasAvx512()) paths.push_back(&avx512::Path());
  if (CpuHasAvx2()) paths.push_back(&avx2::Path());
  paths.push_back(&baseline::Path());
  return paths;
}

const KernelPath& ActiveKernelPath() { return *Active().load(std::memory_order_relaxed); }

absl::Status UseKernelPath(absl::string_view name) {
  for (const KernelPath* path : SupportedKernelPaths()) {
    if (absl::string_view(path->name) == name) {
      Active().store(path, std::memory_order_relaxed);
      return absl::OkStatus();
    }
  }
  return absl::InvalidArgumentError(absl::StrCat("kernel path: \"", name, "\" is not supported on this CPU"));
}

// The public entry points forward to the active path.
void ScoreCandidateBlock(const CandidateColumns& c, const OpeningBroadcast& o, const FloatColumn& occupation,
                         const FloatColumn& skills, const FloatColumn& missing_required,
                         const FloatColumn& credited_experience_months, const KernelParams& params,
                         BlockScores* out) {
  ActiveKernelPath().score_candidate_block(c, o, occupation, skills, missing_required, credited_experience_months,
                                           params, out);
}

void ScoreOpeningBlock(const CandidateBroadcast& c, const OpeningColumns& o, const FloatColumn& occupation,
                       const FloatColumn& skills, const FloatColumn& missing_required,
                       const FloatColumn& credited_experience_months, const KernelParams& params,
                       BlockScores* out) {
  ActiveKernelPath().score_opening_block(c, o, occupation, skills, missing_required, credited_experience_months,
                                         params, out);
}

void ScoreOnePair(const CandidateBroadcast& c, const OpeningBroadcast& o, const FloatColumn& occupation,
                  const FloatColumn& skills, const FloatColumn& missing_required,
                  const FloatColumn& credited_experience_months, const KernelParams& params,
                  BlockScores* out) {
  ActiveKernelPath().score_pair(c, o, occupation, skills, missing_required, credited_experience_months, params, out);
}

void SelectAllRows(int used_rows, int capacity, RowSelection* out) {
  ActiveKernelPath().select_all_rows(used_rows, capacity, out);
}

void SelectEligibleCandidateRows(const CandidateSegment& segment, const OpeningRowFeatures& opening,
                                 FloatColumn* scratch, RowSelection* out) {
  ActiveKernelPath().select_candidate_rows(segment, opening, kAllCandidateBlocks, scratch, out);
}

void SelectEligibleCandidateRows(const CandidateSegment& segment, const OpeningRowFeatures& opening, uint64_t blocks,
                                 FloatColumn* scratch, RowSelection* out) {
  ActiveKernelPath().select_candidate_rows(segment, opening, blocks, scratch, out);
}

void SelectEligibleOpeningRows(const OpeningSegment& segment, const CandidateRowFeatures& candidate,
                               FloatColumn* scratch, RowSelection* out) {
  ActiveKernelPath().select_opening_rows(segment, candidate, kAllOpeningBlocks, scratch, out);
}

void SelectEligibleOpeningRows(const OpeningSegment& segment, const CandidateRowFeatures& candidate, uint32_t blocks,
                               FloatColumn* scratch, RowSelection* out) {
  ActiveKernelPath().select_opening_rows(segment, candidate, blocks, scratch, out);
}

void GatherCandidateRows(const CandidateSegment& segment, const RowSelection& selection, CandidateBlock* out) {
  ActiveKernelPath().gather_candidate_rows(segment, selection, out);
}

void GatherOpeningRows(const OpeningSegment& segment, const RowSelection& selection, OpeningBlock* out) {
  ActiveKernelPath().gather_opening_rows(segment, selection, out);
}

int64_t DropOpeningRowsBelow(const OpeningSegment& segment, const OpeningRowBound& bound, FloatColumn* scratch,
                             RowSelection* selection, WalkedCriteria* walked) {
  return ActiveKernelPath().drop_opening_rows_below(segment, bound, scratch, selection, walked);
}

void FinishOpeningWalk(const OpeningSegment& segment, const RowSelection& selection, const float* best_by_rome,
                       const float* credited_by_rome, WalkedCriteria* out) {
  ActiveKernelPath().finish_opening_walk(segment, selection, best_by_rome, credited_by_rome, out);
}

}  // namespace passerelle::engine::scoring
