// Gathering a national batch from région shards (docs/cluster.md, "Shards"): each shard answers for the
// candidates living in its régions, and these functions join the shards' answers into the answer of one
// node holding every record. No I/O: the caller collects the parts (gRPC, or in-process in the tests).
//
// Re-ranking is per candidate and each candidate lives on exactly one shard, so the national answer is
// the concatenation of the shards' rankings; MergeRankings puts it in one stable order. Assignment is not
// per candidate (capacities are shared), but on one node it reads nothing beyond each candidate's pool of
// best openings, a few fields of their record and the openings' positions (engine/batch/cohort_assignment.h,
// CohortPools): MergePools joins the shards' pools and AssignPools runs the assignment once over them.
//
// Thread-safety: stateless functions.
//
// Example:
//   std::vector<CohortPools> parts;  // PoolCohort(shard.index(), profile, options) on every shard
//   PASSERELLE_ASSIGN_OR_RETURN(CohortPools national, MergePools(std::move(parts)));
//   PASSERELLE_ASSIGN_OR_RETURN(CohortAssignment run, AssignPools(national, options));
#ifndef PASSERELLE_ENGINE_BATCH_SHARD_GATHER_H_
#define PASSERELLE_ENGINE_BATCH_SHARD_GATHER_H_

#include <vector>

#include "absl/status/statusor.h"
#include "engine/batch/cohort_assignment.h"
#include "engine/batch/rerank.h"

namespace passerelle::engine {

// Sorts `rankings` by candidate id, then owner (when the record is attached): the order every gathered
// answer is given in, whatever order the shards streamed in.
void SortRankings(std::vector<CandidateRanking>& rankings);

// The shards' rankings as one list, sorted (SortRankings). FailedPrecondition when two shards ranked the
// same candidate (same owner and id): the shards overlap, or one has not yet applied a move.
absl::StatusOr<std::vector<CandidateRanking>> MergeRankings(std::vector<std::vector<CandidateRanking>> shards);

// The shards' pools as the pools of one node holding every record: candidates by id, the openings in scope
// as the union of the shards' (each shard holds those its candidates can reach), pool indices renumbered.
// FailedPrecondition when two shards pooled the same candidate, or give one opening different positions
// (they have not applied the same log sequence: run the batch with x-passerelle-min-sequence). The
// re-ranking counts are summed (elapsed_seconds: the longest).
absl::StatusOr<CohortPools> MergePools(std::vector<CohortPools> shards);

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_BATCH_SHARD_GATHER_H_
