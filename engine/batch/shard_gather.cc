#include "engine/batch/shard_gather.h"

#include <algorithm>
#include <string>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"

namespace passerelle::engine {
namespace {

absl::string_view OwnerOf(const CandidateRanking& ranking) {
  return ranking.candidate != nullptr ? absl::string_view(ranking.candidate->record.owner_id) : absl::string_view();
}

}  // namespace

void SortRankings(std::vector<CandidateRanking>& rankings) {
  std::sort(rankings.begin(), rankings.end(), [](const CandidateRanking& a, const CandidateRanking& b) {
    return std::forward_as_tuple(a.candidate_id, OwnerOf(a)) < std::forward_as_tuple(b.candidate_id, OwnerOf(b));
  });
}

absl::StatusOr<std::vector<CandidateRanking>> MergeRankings(std::vector<std::vector<CandidateRanking>> shards) {
  std::vector<CandidateRanking> merged;
  for (std::vector<CandidateRanking>& shard : shards) {
    std::move(shard.begin(), shard.end(), std::back_inserter(merged));
  }
  SortRankings(merged);
  for (size_t i = 1; i < merged.size(); ++i) {
    if (merged[i].candidate_id == merged[i - 1].candidate_id && OwnerOf(merged[i]) == OwnerOf(merged[i - 1])) {
      // No id in the message: ids are the owners' pseudonyms, still not for logs.
      return absl::FailedPreconditionError(absl::StrCat(
          "a candidate was ranked by two shards (", i, "th of the merged list): the shards' régions overlap, or "
          "one has not applied the candidate's move yet"));
    }
  }
  return merged;
}

absl::StatusOr<CohortPools> MergePools(std::vector<CohortPools> shards) {
  CohortPools merged;
  absl::flat_hash_map<std::string, int32_t> positions;
  for (const CohortPools& shard : shards) {
    for (size_t j = 0; j < shard.opening_ids.size(); ++j) {
      auto [it, inserted] = positions.try_emplace(shard.opening_ids[j], shard.opening_positions[j]);
      if (!inserted && it->second != shard.opening_positions[j]) {
        return absl::FailedPreconditionError(
            "two shards give one opening different positions: they have not applied the same log sequence; "
            "send the batch with x-passerelle-min-sequence");
      }
    }
  }
  for (const auto& [id, count] : positions) merged.opening_ids.push_back(id);
  std::sort(merged.opening_ids.begin(), merged.opening_ids.end());
  absl::flat_hash_map<absl::string_view, int32_t> index_of;
  for (size_t j = 0; j < merged.opening_ids.size(); ++j) {
    index_of[merged.opening_ids[j]] = static_cast<int32_t>(j);
    merged.opening_positions.push_back(positions.at(merged.opening_ids[j]));
  }
  for (CohortPools& shard : shards) {
    for (PooledCandidate& candidate : shard.candidates) {
      for (auto& [j, score] : candidate.openings) j = index_of.at(shard.opening_ids[j]);
      merged.candidates.push_back(std::move(candidate));
    }
    merged.rerank.candidates_done += shard.rerank.candidates_done;
    merged.rerank.candidates_total += shard.rerank.candidates_total;
    merged.rerank.pairs_scored += shard.rerank.pairs_scored;
    merged.rerank.pairs_pruned += shard.rerank.pairs_pruned;
    merged.rerank.elapsed_seconds = std::max(merged.rerank.elapsed_seconds, shard.rerank.elapsed_seconds);
  }
  std::sort(merged.candidates.begin(), merged.candidates.end(),
            [](const PooledCandidate& a, const PooledCandidate& b) { return a.candidate_id < b.candidate_id; });
  for (size_t i = 1; i < merged.candidates.size(); ++i) {
    if (merged.candidates[i].candidate_id == merged.candidates[i - 1].candidate_id) {
      return absl::FailedPreconditionError(
          "a candidate was pooled by two shards: the shards' régions overlap, or one has not applied the "
          "candidate's move yet");
    }
  }
  return merged;
}

}  // namespace passerelle::engine
