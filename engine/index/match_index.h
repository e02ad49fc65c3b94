// The in-memory index of candidates and openings, and the two queries Passerelle answers: the best
// openings for a candidate and the best candidates for an opening, with explanations.
//
// Writes go through Upsert*/Remove* (callers validate with Resolve* first, persist, then apply); each call
// publishes a new version atomically. Queries run on the version current when they start and never wait
// for a writer.
//
// Thread-safety: thread-safe.
//
// Example:
//   MatchIndex index(data);
//   auto c = index.ResolveCandidate(candidate);          // validates, names the bad field
//   if (c.ok()) index.UpsertCandidates({*c});
//   auto result = index.MatchOpenings("c-42", MatchQuery{.k = 20}, DefaultScoringProfile());
#ifndef PASSERELLE_ENGINE_INDEX_MATCH_INDEX_H_
#define PASSERELLE_ENGINE_INDEX_MATCH_INDEX_H_

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "engine/columns/candidate_segment.h"
#include "engine/columns/opening_segment.h"
#include "engine/columns/segmented_table.h"
#include "engine/model/resolve.h"
#include "engine/scoring/resolution.h"
#include "engine/scoring/explanation.h"
#include "engine/scoring/occupation_relations.h"
#include "engine/scoring/profile.h"

namespace passerelle::engine {

inline constexpr int kMaxK = 1000;
// One count per bit of a scoring::Blocker mask (MatchResult::blocker_counts).
inline constexpr int kBlockerKinds = 32;

// Which candidates a query may see, for callers that serve several organisations.
struct CandidateVisibility {
  // When false every candidate is visible (and owner_ids is ignored). Default: false.
  bool restricted = false;
  // Organisations whose candidates are visible (Candidate::owner_id). Default: empty.
  std::vector<std::string> owner_ids;
  // Also the candidates whose owner lets employer organisations see them
  // (Candidate::shared_with_employers). Default: false.
  bool include_shared_with_employers = false;
};

struct MatchQuery {
  // How many results. Range 1..kMaxK. Default: 10.
  int k = 10;
  // Results scoring below this are left out. Range [0, 1]. Default: 0.
  float min_score = 0;
  // Pairs farther apart than this are left out, in km; 0 = no limit beyond eligibility. Default: 0.
  float max_distance_km = 0;
  // MatchOpenings only: keep openings whose contract is in this ContractBit mask; 0 = any. Default: 0.
  uint32_t contract_types = 0;
  // MatchOpenings only: keep openings whose ROME code is listed, or falls in a listed domaine ("F17") or
  // grand domaine ("F"). Empty = any. Default: empty.
  std::vector<std::string> occupations;
  // `occupations` resolved once per request (BuildOccupationFilter), shared by the many queries of a
  // batch call; when set, `occupations` is not read. Default: null.
  std::shared_ptr<const std::vector<uint8_t>> allowed_rome;
  // How many near-misses to return besides the matches (pairs that fail only relaxable constraints:
  // French gap, distance, housing for a move, licence). Range 0..kMaxK. Default: 0.
  int near_misses = 0;
  // Attach a full explanation (sentences) to each result. Default: true.
  bool explain = true;
  // The languages of the explanations' sentences (only those are built). Default: both.
  SentenceLanguages languages = SentenceLanguages::kBoth;
  // MatchCandidates only: the candidates the caller may see; the others are neither matches nor
  // near-misses (nor counted as eligible). Default: unrestricted.
  CandidateVisibility visibility;
  // The day the query is answered, from the server's clock (engine code never reads a clock). Openings
  // past their expiry and readiness dates are judged against it; 0 = unknown (no date-based rule
  // applies). Default: 0.
  Day today = 0;
  // MatchOpenings only: when no opening is eligible, scan the openings in scope once more to count what
  // blocks them (MatchResult::blocker_counts). That second scan costs about a full scan. Default: true.
  bool count_blockers_in_scope = true;
  // When false, the experience criterion is not computed: its walk and kernel pass are skipped and it
  // scores 1 for every pair. Only the match benchmark turns it off, to measure what the criterion costs
  // (docs/benchmarks.md). Default: true.
  bool score_experience = true;
};

struct MatchIndexOptions {
  // Threads one query may use to scan a large table, less one per other query running at the same time
  // (under concurrent load a helper thread only adds overhead). Default: 2 (the machines have 2 cores).
  int query_threads = 2;
  // A query uses one more thread per this many rows to scan; smaller scans stay on the calling thread.
  // Default: 65536.
  int64_t min_rows_per_thread = 65536;
  // Candidates are stored in place order (engine/columns/place_order.h). Rows out of that order (new
  // rows, people who moved, freed slots) pile up in a tail that every query reads; once they number at
  // least this many and candidate_reorder_fraction of the live rows, the write that got there has the
  // table rewritten in order (ReorderCandidates; see background_reorders). 0 = only explicit
  // ReorderCandidates calls. Default: 16384.
  int64_t candidate_reorder_min_rows = 16384;
  // See candidate_reorder_min_rows: a smaller fraction keeps queries closer to the floor, a larger one
  // costs writers less (a bulk load of n rows copies about n * (1 + 1/fraction) rows). Default: 0.25.
  double candidate_reorder_fraction = 0.25;
  // The same for openings, kept in place order within their région/housing bucket (ReorderOpenings):
  // the rows out of order that trigger a reorder. 0 = only explicit ReorderOpenings calls. Default: 1024.
  int64_t opening_reorder_min_rows = 1024;
  // See opening_reorder_min_rows. Default: 0.25.
  double opening_reorder_fraction = 0.25;
  // Whether the reorders the thresholds call for run on a thread of the index's own (true), so that the
  // write that crossed a threshold returns without waiting for a copy of the whole table (writes go on
  // while it runs, SegmentedTable::Reorder), or on that write's thread before it returns (false: the
  // layout when a write returns does not depend on timing, which tests and benchmarks comparing indexes
  // rely on). The catalog, and so the server, turns it on (Catalog::IndexOptions). Explicit Reorder*
  // calls always run on the caller's thread. Default: false.
  bool background_reorders = false;
  // MatchCandidates without near-misses: in a candidate segment whose selected rows are at least this
  // fraction of the rows they span, the span is walked and scored in place (the rows not selected are
  // computed and ignored) rather than the selected rows gathered into a block; the answers are the same.
  // 0 = always in place, above 1 = always gathered. Default: 0.75.
  double candidate_in_place_fraction = 0.75;
  // The same rule for MatchOpenings without near-misses, over opening segments (the selected rows are
  // walked, then scored in place over their span or gathered; gathering an opening row moves some thirty
  // columns, so sparser spans pay off than for candidates). Default: 0.25 (docs/benchmarks.md).
  double opening_in_place_fraction = 0.25;
};

struct ScoredMatch {
  std::string id;  // the opening's id in MatchOpenings, the candidate's in MatchCandidates
  float total = 0;
  std::array<float, kCriterionCount> criteria{};       // s_k
  std::array<float, kCriterionCount> contributions{};  // w_k * s_k / sum(w); they add up to total
  float distance_km = 0;
  uint32_t blockers = 0;  // scoring::Blocker bits; non-zero only for near-misses
  Day ready_day = 0;      // the day the person can start (Explanation::ready_day)
  // Sentences for this pair when MatchQuery::explain, else null. Held by pointer so that batch work, which
  // keeps millions of matches, pays for none it does not ask for.
  std::shared_ptr<const Explanation> explanation;
};

struct MatchResult {
  std::vector<ScoredMatch> matches;      // best first
  std::vector<ScoredMatch> near_misses;  // best (relaxed) score first
  int64_t scored = 0;    // pairs scored
  int64_t eligible = 0;  // pairs passing every hard constraint and filter
  // MatchOpenings with no eligible opening: per blocker bit i (scoring::Blocker 1 << i), how many openings
  // in scope (the query's contract, occupation and distance filters) that blocker stops. All zero
  // otherwise. BlockerSummary orders them.
  std::array<int64_t, kBlockerKinds> blocker_counts{};
};

// (blocker bit, openings it stops) of MatchResult::blocker_counts, most common first (ties by bit),
// zero counts left out.
std::vector<std::pair<uint32_t, int64_t>> BlockerSummary(const MatchResult& result);

// Which table a write touched, for a write listener.
enum class IndexTable { kCandidates, kOpenings };
// Told of each write that reached the index: the table and the ids written (inserted, replaced or
// removed). Runs on the writer's thread once the write is visible to queries, so it must be quick.
using IndexWriteListener = std::function<void(IndexTable table, absl::Span<const std::string> ids)>;

class MatchIndex {
 public:
  using CandidateTable = SegmentedTable<ResolvedCandidate, CandidateSegment>;
  using OpeningTable = SegmentedTable<ResolvedOpening, OpeningSegment>;

  explicit MatchIndex(std::shared_ptr<const ReferenceData> data, MatchIndexOptions options = {});
  // Waits for a background reorder that is running to finish (one queued is dropped).
  ~MatchIndex();
  MatchIndex(const MatchIndex&) = delete;
  MatchIndex& operator=(const MatchIndex&) = delete;

  const ReferenceData& data() const { return *data_; }
  const OccupationRelations& relations() const { return relations_; }

  // Validation and resolution; nothing is stored. The candidate gets this index's owner code.
  absl::StatusOr<std::shared_ptr<const ResolvedCandidate>> ResolveCandidate(const Candidate& candidate) const;
  absl::StatusOr<std::shared_ptr<const ResolvedOpening>> ResolveOpening(const Opening& opening) const;

  // Inserts or replaces records by id; the batch becomes visible to queries at once. A candidate resolved
  // elsewhere is given this index's owner code on the way in.
  void UpsertCandidates(absl::Span<const std::shared_ptr<const ResolvedCandidate>> candidates);
  void UpsertOpenings(absl::Span<const std::shared_ptr<const ResolvedOpening>> openings);
  // The same, visible only once durable() returns true, called when the rows are built (a writer builds
  // them while its synced write runs, SegmentedTable::ApplyIf); false leaves the index unchanged.
  // Returns whether the records were applied.
  bool UpsertCandidatesIf(absl::Span<const std::shared_ptr<const ResolvedCandidate>> candidates,
                          const std::function<bool()>& durable);
  bool UpsertOpeningsIf(absl::Span<const std::shared_ptr<const ResolvedOpening>> openings,
                        const std::function<bool()>& durable);
  // Returns false when the id was not present.
  bool RemoveCandidate(const std::string& id);
  bool RemoveOpening(const std::string& id);
  // Rewrites the candidate table with every row in place order now, published as one version (queries
  // and writes go on meanwhile: SegmentedTable::Reorder). Start-up and bulk loads call it once at the
  // end; past MatchIndexOptions::candidate_reorder_min_rows writes have it run (background_reorders).
  void ReorderCandidates();
  // While paused, writes do not reorder (a bulk load would copy its rows several times over); the loader
  // calls ReorderCandidates once at the end.
  void PauseCandidateReorders(bool paused) { candidate_reorders_.paused.store(paused); }
  // Start-up: EncodeCandidate readies a resolved candidate for the table on any thread (this index's
  // owner code, its place key, its packed bytes and columns); LoadCandidates then fills the empty
  // candidate table with all of them at once, in place order (SegmentedTable::Load), its segments built
  // on query_threads threads. Returns false, loading nothing, when the table is not empty. No write
  // listener is told.
  void EncodeCandidate(const ResolvedCandidate& candidate, EncodedCandidates* rows) const;
  bool LoadCandidates(const std::vector<EncodedCandidates>& parts);
  // Candidate rows a ReorderCandidates would put back in order (SegmentedTable::unordered_rows).
  size_t unordered_candidate_rows() const { return candidates_.unordered_rows(); }
  // The same for openings: rewrites each région/housing bucket's rows in place order now, so that the
  // blocks of a segment cover small areas (OpeningSegment::BlockSummary). Past
  // MatchIndexOptions::opening_reorder_min_rows writes have it run (background_reorders).
  void ReorderOpenings();
  // As PauseCandidateReorders, for a bulk load of openings (then one ReorderOpenings at the end).
  void PauseOpeningReorders(bool paused) { opening_reorders_.paused.store(paused); }
  size_t unordered_opening_rows() const { return openings_.unordered_rows(); }
  // Returns once no reorder called for by the thresholds is queued or running (background_reorders).
  void WaitForReorders();

  // While one lives, its thread of batch work (a Rerank worker) counts as a running query, so that the
  // queries that come meanwhile leave it its core: a query scans on query_threads threads less one per
  // other query running (MatchIndexOptions::query_threads).
  class BatchWorker {
   public:
    explicit BatchWorker(const MatchIndex& index) : running_(index.running_queries_) { running_.fetch_add(1); }
    ~BatchWorker() { running_.fetch_sub(1); }
    BatchWorker(const BatchWorker&) = delete;
    BatchWorker& operator=(const BatchWorker&) = delete;

   private:
    std::atomic<int>& running_;
  };
  // Queries and batch workers running now.
  int running_queries() const { return running_queries_.load(); }

  // Sets (or, with nullptr, clears) the one write listener; a write already running may still call the old
  // one. Listening changes nothing the index holds, hence const (the server's watch registry sets it).
  void SetWriteListener(IndexWriteListener listener) const;

  std::shared_ptr<const ResolvedCandidate> FindCandidate(const std::string& id) const { return candidates_.Find(id); }
  std::shared_ptr<const ResolvedOpening> FindOpening(const std::string& id) const { return openings_.Find(id); }
  size_t candidate_count() const { return candidates_.size(); }
  size_t opening_count() const { return openings_.size(); }
  std::shared_ptr<const CandidateTable::Snapshot> CandidateSnapshot() const { return candidates_.snapshot(); }
  std::shared_ptr<const OpeningTable::Snapshot> OpeningSnapshot() const { return openings_.snapshot(); }

  // Best openings for a stored candidate; NotFound naming candidate_id when absent.
  absl::StatusOr<MatchResult> MatchOpenings(const std::string& candidate_id, const MatchQuery& query,
                                            const ScoringProfile& profile) const;
  absl::StatusOr<MatchResult> MatchOpeningsFor(const ResolvedCandidate& candidate, const MatchQuery& query,
                                               const ScoringProfile& profile) const;
  // The same on a given snapshot of the openings (batch work scores a whole cohort on one version).
  absl::StatusOr<MatchResult> MatchOpeningsIn(const OpeningTable::Snapshot& openings, const ResolvedCandidate& candidate,
                                              const MatchQuery& query, const ScoringProfile& profile) const;
  // Best candidates for a stored opening; NotFound naming opening_id when absent.
  absl::StatusOr<MatchResult> MatchCandidates(const std::string& opening_id, const MatchQuery& query,
                                              const ScoringProfile& profile) const;
  absl::StatusOr<MatchResult> MatchCandidatesFor(const ResolvedOpening& opening, const MatchQuery& query,
                                                 const ScoringProfile& profile) const;
  // For each candidate row, whether `visibility` lets the caller see it: allowed[owner code] is 1 for the
  // listed owners (empty when unrestricted). Owners the index has never seen match no row.
  std::vector<uint8_t> VisibleOwnerCodes(const CandidateVisibility& visibility) const;

  // One pair, scored and explained, eligible or not. `today` as MatchQuery::today (0 = unknown): an
  // opening past its expiry on that day gets the blocker OPENING_EXPIRED, and readiness is dated from it.
  // Sentences are written in `languages` only.
  absl::StatusOr<Explanation> Explain(const std::string& candidate_id, const std::string& opening_id,
                                      const ScoringProfile& profile, Day today = 0,
                                      SentenceLanguages languages = SentenceLanguages::kBoth) const;

 private:
  std::shared_ptr<const ReferenceData> data_;
  MatchIndexOptions options_;
  OccupationRelations relations_;
  CandidateTable candidates_;
  OpeningTable openings_;
  mutable std::atomic<int> running_queries_{0};
  // Automatic reorders of one table (MatchIndexOptions' thresholds).
  struct TableReorders {
    std::atomic<bool> paused{false};  // Pause*Reorders: writes do not check the thresholds
    // Set while a reorder of the table is queued or running: writes then skip the threshold check (the
    // rows out of order stay counted until it publishes, and would queue another at once).
    std::atomic<bool> busy{false};
    bool queued = false;  // guarded by reorder_mu_ (background_reorders)
  };
  TableReorders candidate_reorders_;
  TableReorders opening_reorders_;
  // Reorders the table (on this thread, or queued for the reorder thread with background_reorders) when
  // its rows out of order pass the thresholds, unless paused or a reorder of it is already queued or running.
  void MaybeReorderCandidates();
  void MaybeReorderOpenings();
  template <typename Table>
  void MaybeReorder(const Table& table, TableReorders& reorders, int64_t min_rows, double fraction,
                    void (MatchIndex::*reorder)());
  // Background reorders (MatchIndexOptions::background_reorders): one thread, started by the first one.
  void QueueReorder(TableReorders& reorders);
  void RunReorders();
  std::mutex reorder_mu_;
  std::condition_variable reorder_changed_;
  int reorders_running_ = 0;               // guarded by reorder_mu_
  bool stopping_ = false;                  // guarded by reorder_mu_
  std::thread reorder_thread_;  // guarded by reorder_mu_ until joined
  // Calls the write listener, if any, with `ids`.
  void NotifyWrite(IndexTable table, absl::Span<const std::string> ids) const;
  bool HasListener() const;
  mutable std::mutex listener_mu_;
  mutable std::shared_ptr<const IndexWriteListener> listener_;  // guarded by listener_mu_  // queries scanning now, to decide on helper threads
  // Owner id -> code (1, 2, ...), for the candidates' owner_code column; codes are never reused.
  uint32_t OwnerCode(const std::string& owner_id) const;
  // std::shared_mutex rather than absl::Mutex: ThreadSanitizer understands it without an instrumented
  // Abseil (Debian's is not), as in the catalog.
  mutable std::shared_mutex owners_mu_;
  mutable absl::flat_hash_map<std::string, uint32_t> owner_codes_;  // guarded by owners_mu_
};

// Checks k, min_score, max_distance_km, near_misses and the occupation filters; names the bad field.
absl::Status ValidateMatchQuery(const MatchQuery& query, const ReferenceData& data);
// A flag per ROME index (data.occupations()): whether an opening of that code passes the `codes` filter
// (MatchQuery::occupations); empty = no filter. InvalidArgument "occupations[i]" for an unknown code.
// O(codes + ROME table).
absl::StatusOr<std::vector<uint8_t>> BuildOccupationFilter(const std::vector<std::string>& codes,
                                                           const ReferenceData& data);

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_INDEX_MATCH_INDEX_H_
