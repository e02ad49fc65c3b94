// Batch re-ranking: every candidate of a cohort against every opening, on one consistent snapshot, on
// several threads, streaming each candidate's top-k as it is ready.
//
// The index keeps openings in segments of one région (and housing provided or not), in place order
// within it, so a segment, or a block of 64 rows of one, far beyond a candidate's commute radius, with no
// housing for a move, is pruned before any pair in it is scored; candidates without the right to work
// have no eligible pair and score nothing. Each worker
// takes a block of neighbouring candidates (consecutive rows of one candidate segment, in place order)
// at a time, tests the opening segments once for the whole block and scores each candidate of it
// against the segments left, segment by segment (OpeningBlockMatcher, engine/index/block_match.h;
// docs/batch.md).
//
// Thread-safety: Rerank may run while the index is updated; it sees the versions current at its start.
#ifndef PASSERELLE_ENGINE_BATCH_RERANK_H_
#define PASSERELLE_ENGINE_BATCH_RERANK_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "engine/index/match_index.h"

namespace passerelle::engine {

struct RerankOptions {
  // Openings kept per candidate. Range 1..kMaxK. Default: 10.
  int k = 10;
  // Worker threads. Default: 2 (the machines have 2 cores).
  int threads = 2;
  // Cohort filters on candidates; empty = no filter. Default: empty.
  std::string owner_id;                   // organisation that owns the candidate records
  // The candidates the caller may see; the others are left out of the cohort. Default: unrestricted.
  CandidateVisibility visibility;
  std::vector<std::string> departements;  // INSEE département codes of the candidate's commune ("93")
  // Opening filter: ROME codes, domaines ("F17") or grands domaines ("F"). Default: empty (all).
  std::vector<std::string> occupations;
  // Attach sentences to each result (slower). Default: false.
  bool explain = false;
  // The languages of those sentences (MatchQuery::languages). Default: both.
  SentenceLanguages languages = SentenceLanguages::kBoth;
  // The day the re-ranking is answered (MatchQuery::today): openings past their expiry are left out and
  // readiness routes start on it. 0 = unknown (none expires; routes start on available_from). Default: 0.
  Day today = 0;
  // Progress is reported about every this many candidates. Default: 1000.
  int64_t progress_every = 1000;
  // Candidates scored as one block (they share the segment test and the working arrays). Range 1..4096.
  // Default: 128.
  int block_candidates = 128;
  // Asked between blocks; once it returns true the workers stop taking blocks and Rerank returns
  // Cancelled (a caller whose client went away, a server shutting down). Called from the worker threads,
  // so it must be thread-safe. Default: empty (never cancelled).
  std::function<bool()> cancelled;
  // Skip the rows that cannot reach a candidate's current top k before scoring them
  // (BlockMatchOptions::skip_rows_below_top_k): same rankings, less work. Default: true.
  bool skip_rows_below_top_k = true;
  // Score each block of candidates segment by segment, every candidate against a segment while it is in
  // cache (BlockMatchOptions::segment_major): same rankings and counts. Default: true.
  bool segment_major = true;
  // The versions to re-rank on, when the caller needs to read the same ones (AssignCohort looks up the
  // openings' positions and the candidates' records on them). Default: null (the index's current ones).
  std::shared_ptr<const MatchIndex::CandidateTable::Snapshot> candidate_snapshot;
  std::shared_ptr<const MatchIndex::OpeningTable::Snapshot> opening_snapshot;
};

struct RerankProgress {
  int64_t candidates_done = 0;
  int64_t candidates_total = 0;  // candidates in the cohort
  int64_t pairs_scored = 0;      // pairs of the opening blocks read (after pruning)
  int64_t pairs_pruned = 0;      // pairs skipped because their segment or block could not be eligible
  // Of pairs_scored, those the row selection kept but whose upper bound could not reach the candidate's
  // top k: walked, but neither gathered nor scored by the kernel (RerankOptions::skip_rows_below_top_k).
  int64_t pairs_below_top_k = 0;
  double elapsed_seconds = 0;
};

struct CandidateRanking {
  std::string candidate_id;
  std::vector<ScoredMatch> matches;  // best first; empty when nothing is eligible
  // The record ranked, as the snapshot holds it (fair-exposure reports group the cohort by it).
  std::shared_ptr<const ResolvedCandidate> candidate;
};

// Calls `sink` once per candidate of the cohort (from one thread at a time, in no fixed order) and
// `progress` now and then and once at the end. Returns InvalidArgument naming a bad option. When
// options.cancelled turns true, returns Cancelled without the final progress call: `sink` has then been
// called for part of the cohort only.
absl::Status Rerank(const MatchIndex& index, const ScoringProfile& profile, const RerankOptions& options,
                    const std::function<void(CandidateRanking)>& sink,
                    const std::function<void(const RerankProgress&)>& progress);

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_BATCH_RERANK_H_
