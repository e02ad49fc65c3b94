// The vector paths of the kernels, chosen at run time. The code that scores pairs and selects rows
// (ScorePairs in both directions and for one pair, the row-selection passes and gathers, the batch's bound
// below the top k, the per-row part of the opening walk) is compiled once
// per instruction set in engine/scoring/kernel_variant.cc: baseline x86-64 (SSE2), AVX2 + FMA
// (x86-64-v3) and AVX-512 (x86-64-v4). At the first use the best path the CPU supports is chosen; the
// environment variable PASSERELLE_KERNEL (baseline, avx2, avx512) may force a lower one. engine/README.md
// says how the paths are kept apart at link time.
//
// Thread-safety: thread-safe.
#ifndef PASSERELLE_ENGINE_SCORING_KERNEL_DISPATCH_H_
#define PASSERELLE_ENGINE_SCORING_KERNEL_DISPATCH_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "engine/scoring/feature_sources.h"
#include "engine/scoring/pair_kernel.h"
#include "engine/scoring/row_selection.h"

namespace passerelle::engine::scoring {

// One compiled path: its name and entry points (see the public functions of the same names).
struct KernelPath {
  const char* name;
  void (*score_candidate_block)(const CandidateColumns& c, const OpeningBroadcast& o, const FloatColumn& occupation,
                                const FloatColumn& skills, const FloatColumn& missing_required,
                                const FloatColumn& credited_experience_months,
                                const KernelParams& params, BlockScores* out);
  void (*score_opening_block)(const CandidateBroadcast& c, const OpeningColumns& o, const FloatColumn& occupation,
                              const FloatColumn& skills, const FloatColumn& missing_required,
                              const FloatColumn& credited_experience_months,
                              const KernelParams& params, BlockScores* out);
  void (*score_pair)(const CandidateBroadcast& c, const OpeningBroadcast& o, const FloatColumn& occupation,
                     const FloatColumn& skills, const FloatColumn& missing_required,
                     const FloatColumn& credited_experience_months, const KernelParams& params,
                     BlockScores* out);
  void (*select_all_rows)(int used_rows, int capacity, RowSelection* out);
  void (*select_candidate_rows)(const CandidateSegment& segment, const OpeningRowFeatures& opening, uint64_t blocks,
                                FloatColumn* scratch, RowSelection* out);
  void (*select_opening_rows)(const OpeningSegment& segment, const CandidateRowFeatures& candidate, uint32_t blocks,
                              FloatColumn* scratch, RowSelection* out);
  void (*gather_candidate_rows)(const CandidateSegment& segment, const RowSelection& selection, CandidateBlock* out);
  void (*gather_opening_rows)(const OpeningSegment& segment, const RowSelection& selection, OpeningBlock* out);
  int64_t (*drop_opening_rows_below)(const OpeningSegment& segment, const OpeningRowBound& bound,
                                     FloatColumn* scratch, RowSelection* selection, WalkedCriteria* walked);
  void (*finish_opening_walk)(const OpeningSegment& segment, const RowSelection& selection,
                              const float* best_by_rome, const float* credited_by_rome, WalkedCriteria* out);
};

// The paths this CPU can run, most capable first; the baseline is always last.
std::vector<const KernelPath*> SupportedKernelPaths();

// The path in use (chosen once: the most capable supported one, or PASSERELLE_KERNEL when it names a
// supported path).
const KernelPath& ActiveKernelPath();
inline absl::string_view ActiveKernelPathName() { return ActiveKernelPath().name; }

// Switches every later query to the named supported path (tests and benchmarks compare paths with it).
// InvalidArgument when no supported path has that name.
absl::Status UseKernelPath(absl::string_view name);

}  // namespace passerelle::engine::scoring

#endif  // PASSERELLE_ENGINE_SCORING_KERNEL_DISPATCH_H_
