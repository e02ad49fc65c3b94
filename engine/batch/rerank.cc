#include "engine/batch/rerank.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "engine/common/field_status.h"
#include "engine/common/parallel.h"
#include "engine/common/status_macros.h"
#include "engine/index/block_match.h"

namespace passerelle::engine {
namespace {

// A candidate of the cohort: a row of the pinned snapshot, unpacked when its worker reaches it (a whole
// cohort of unpacked records would cost hundreds of megabytes at national scale).
struct CohortRow {
  const CandidateSegment* segment;
  int row;
};

std::vector<CohortRow> Cohort(const MatchIndex::CandidateTable::Snapshot& snapshot, const MatchIndex& index,
                              const RerankOptions& options) {
  std::vector<CohortRow> cohort;
  const absl::flat_hash_set<absl::string_view> departements(options.departements.begin(), options.departements.end());
  const std::vector<uint8_t> visible_owner = index.VisibleOwnerCodes(options.visibility);
  const auto visible = [&](const CandidateSegment& segment, int row) {
    if (!options.visibility.restricted) return true;
    const uint32_t owner = segment.owner_code[row];
    return (owner < visible_owner.size() && visible_owner[owner] != 0) ||
           (options.visibility.include_shared_with_employers && segment.shared_with_employers[row] != 0);
  };
  for (const auto& segment : snapshot.segments) {
    for (int row = 0; row < segment->used_rows; ++row) {
      if (!segment->live(row) || !visible(*segment, row)) continue;
      const PackedCandidateView c(segment->packed(row));
      if (!options.owner_id.empty() && c.owner_id != options.owner_id) continue;
      if (!departements.empty() &&
          !departements.contains(index.data().communes()[c.commune_index].departement_code)) {
        continue;
      }
      cohort.push_back({segment.get(), row});
    }
  }
  return cohort;
}

// Consecutive cohort rows of one candidate segment, at most `size` of them: neighbours in place order.
std::vector<std::pair<size_t, size_t>> Blocks(const std::vector<CohortRow>& cohort, size_t size) {
  std::vector<std::pair<size_t, size_t>> blocks;
  for (size_t i = 0; i < cohort.size(); ++i) {
    if (i == 0 || cohort[i].segment != cohort[i - 1].segment || i - blocks.back().first == size) {
      blocks.emplace_back(i, i);
    }
    blocks.back().second = i + 1;
  }
  return blocks;
}

}  // namespace

absl::Status Rerank(const MatchIndex& index, const ScoringProfile& profile, const RerankOptions& options,
                    const std::function<void(CandidateRanking)>& sink,
                    const std::function<void(const RerankProgress&)>& progress) {
  if (options.threads < 1 || options.threads > 64) return InvalidFieldError("threads", "must be in [1, 64]");
  if (options.progress_every < 1) return InvalidFieldError("progress_every", "must be >= 1");
  if (options.block_candidates < 1 || options.block_candidates > 4096) {
    return InvalidFieldError("block_candidates", "must be in [1, 4096]");
  }
  MatchQuery query;
  query.k = options.k;
  query.explain = options.explain;
  query.languages = options.languages;
  query.today = options.today;
  query.count_blockers_in_scope = false;  // a ranking carries no blocker counts
  // Built once here, not once per candidate: each candidate's check is then a flag per opening row.
  PASSERELLE_ASSIGN_OR_RETURN(std::vector<uint8_t> allowed_rome, BuildOccupationFilter(options.occupations, index.data()));
  query.allowed_rome = std::make_shared<const std::vector<uint8_t>>(std::move(allowed_rome));
  PASSERELLE_RETURN_IF_ERROR(ValidateMatchQuery(query, index.data()));
  PASSERELLE_RETURN_IF_ERROR(ValidateScoringProfile(profile));

  const auto start = std::chrono::steady_clock::now();
  const std::shared_ptr<const MatchIndex::OpeningTable::Snapshot> openings =
      options.opening_snapshot ? options.opening_snapshot : index.OpeningSnapshot();
  const auto candidates = options.candidate_snapshot ? options.candidate_snapshot : index.CandidateSnapshot();
  const auto cohort = Cohort(*candidates, index, options);
  const auto blocks = Blocks(cohort, static_cast<size_t>(options.block_candidates));
  std::mutex out_mu;  // serialises sink and progress
  RerankProgress totals;
  totals.candidates_total = static_cast<int64_t>(cohort.size());
  std::atomic<size_t> next{0};
  std::atomic<bool> stopped{false};
  absl::Status first_error;

  auto worker = [&](int) {
    const MatchIndex::BatchWorker counted(index);  // queries meanwhile take no helper thread from it
    absl::StatusOr<std::unique_ptr<OpeningBlockMatcher>> matcher =
        OpeningBlockMatcher::Create(index, openings, query, profile,
                                    BlockMatchOptions{.skip_rows_below_top_k = options.skip_rows_below_top_k,
                                                      .segment_major = options.segment_major});
    if (!matcher.ok()) {
      std::lock_guard<std::mutex> lock(out_mu);
      if (first_error.ok()) first_error = matcher.status();
      return;
    }
    std::vector<std::shared_ptr<const ResolvedCandidate>> records;
    std::vector<const ResolvedCandidate*> block;
    std::vector<MatchResult> results;
    for (size_t b = next++; b < blocks.size(); b = next++) {
      if (stopped.load(std::memory_order_relaxed)) return;
      if (options.cancelled && options.cancelled()) {
        stopped = true;
        return;
      }
      records.clear();
      block.clear();
      for (size_t i = blocks[b].first; i < blocks[b].second; ++i) {
        records.push_back(cohort[i].segment->record(cohort[i].row));
        block.push_back(records.back().get());
      }
      (*matcher)->Match(block, &results);
      std::lock_guard<std::mutex> lock(out_mu);
      for (size_t i = 0; i < results.size(); ++i) {
        totals.pairs_scored += results[i].scored;
        totals.pairs_pruned += static_cast<int64_t>(openings->live_rows) - results[i].scored;
        totals.pairs_below_top_k += (*matcher)->rows_below_top_k(i);
        ++totals.candidates_done;
        sink(CandidateRanking{records[i]->record.id, std::move(results[i].matches), records[i]});
        if (totals.candidates_done % options.progress_every == 0) {
          totals.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
          progress(totals);
        }
      }
    }
  };
  RunOnThreads(options.threads, worker);
  if (stopped) {
    return absl::CancelledError(absl::StrCat("re-ranking cancelled after ", totals.candidates_done, " of ",
                                             totals.candidates_total, " candidates"));
  }
  totals.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  progress(totals);
  return first_error;
}

}  // namespace passerelle::engine
