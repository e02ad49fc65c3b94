#include "engine/index/block_match.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <limits>

#include "engine/common/field_status.h"
#include "engine/common/status_macros.h"
#include "engine/index/segment_scan.h"
#include "engine/scoring/criteria/french.h"
#include "engine/scoring/criteria/housing.h"
#include "engine/scoring/criteria/mobility.h"
#include "engine/scoring/feature_sources.h"

namespace passerelle::engine {
namespace {

namespace sc = scoring;
using scan_internal::CannotBeEligible;
using scan_internal::Keep;
using scan_internal::KeptRow;
using scan_internal::LiveRows;
using scan_internal::MakeMatch;
using scan_internal::OpeningRows;
using scan_internal::OpeningBlocksInReach;
using scan_internal::ScanScratch;
using scan_internal::ScatterWalked;
using scan_internal::SelectedSpan;
using scan_internal::SpanOf;

// Margin of the block's segment test over the per-candidate one, for the float error of the block's
// center and spread: the block test must never skip a segment some candidate of the block reaches.
constexpr float kBlockSlackKm = 2.0f;

// A candidate's best rows, as TopK<KeptRow> keeps them (ties on score broken by the smaller id), but the
// id, a read through the opening's record and most often a cache miss, is read only to break a tie
// rather than for every row pushed: that read was a tenth of a re-ranking's time.
class BestRows {
 public:
  BestRows(size_t k, const std::vector<std::shared_ptr<const OpeningSegment>>& segments) : k_(k), segments_(segments) {
    heap_.reserve(k);
  }
  bool MayAccept(float score) const { return heap_.size() < k_ || score >= heap_.front().score; }
  // The k-th best score once k rows are kept (a row scoring below it can never enter); -inf before.
  float Threshold() const {
    return heap_.size() < k_ || heap_.empty() ? -std::numeric_limits<float>::infinity() : heap_.front().score;
  }
  void Push(float score, const KeptRow& kept) {
    const Entry entry{score, kept};
    const auto better = [this](const Entry& a, const Entry& b) { return Better(a, b); };
    if (heap_.size() < k_) {
      heap_.push_back(entry);
      std::push_heap(heap_.begin(), heap_.end(), better);
    } else if (Better(entry, heap_.front())) {
      std::pop_heap(heap_.begin(), heap_.end(), better);
      heap_.back() = entry;
      std::push_heap(heap_.begin(), heap_.end(), better);
    }
  }
  // The rows kept, best first, in the form Selection::Finish drains.
  std::vector<TopK<KeptRow>::Entry> Take() {
    // The ids are read below (sort on ties, and every id for the output) through each opening's record,
    // most often two cache misses in a row: ask for all the records' slots, then all the records, so that
    // the misses overlap rather than come one after the other (they were most of the time spent here).
    for (const Entry& e : heap_) __builtin_prefetch(&segments_[e.kept.segment]->record(e.kept.row));
    for (const Entry& e : heap_) {
      if (const ResolvedOpening* record = segments_[e.kept.segment]->record(e.kept.row).get()) {
        __builtin_prefetch(&record->record.id);
      }
    }
    std::sort_heap(heap_.begin(), heap_.end(), [this](const Entry& a, const Entry& b) { return Better(a, b); });
    std::vector<TopK<KeptRow>::Entry> out;
    out.reserve(heap_.size());
    for (const Entry& e : heap_) out.push_back({e.score, Id(e), e.kept});
    heap_.clear();
    return out;
  }

 private:
  struct Entry {
    float score;
    KeptRow kept;
  };
  absl::string_view Id(const Entry& e) const { return segments_[e.kept.segment]->id(e.kept.row); }
  bool Better(const Entry& a, const Entry& b) const {
    if (a.score != b.score) return a.score > b.score;
    return Id(a) < Id(b);
  }
  size_t k_;
  const std::vector<std::shared_ptr<const OpeningSegment>>& segments_;
  std::vector<Entry> heap_;
};

// Added to a row's bound: the bound sums the kernel's weighted terms in another order, and the
// kernel's distance, exp and sums (maybe fused) carry float errors of a few ulps of a total <= 1;
// 1e-4 is far above those and far below the score gaps that decide a top k.
constexpr float kBoundSlackScore = 1e-4f;

}  // namespace

namespace block_match_internal {

// The bound of a row: every criterion is at most 1 (pair_kernel.h); the occupation and skills are the
// walks' own values and the tension the opening's; the French is at most its value when the level is met
// (1, or kFrenchDeclaredOnly when not attested), else at most the larger of kFrenchGapClosable and the
// desired level's penalty (1 when the opening asks for no French); the timing at most its decay over the
// whole days (rounded down) from the opening's start (or today) to the candidate's available_from, the
// earliest their route can end; the housing is at most kHousingBarrierScore when the opening provides
// none and the candidate needs housing where they live or the whole 64-row block is beyond their
// commute radius (CannotBeEligible's test); the mobility at most kRelocationMobilityScore on such a
// block, else at most the Gaussian at the nearest distance the block's summary allows (and 0.4 in case a
// row is beyond after all); the experience at most 1. The terms known per 64-row block are summed here;
// the per-row pass runs on the kernel's vector path (sc::DropOpeningRowsBelow,
// engine/scoring/kernel_variant.cc).
void FillRowBound(const OpeningSegment& segment, const ResolvedCandidate& candidate,
                  const CandidateRowFeatures& features, const sc::KernelParams& params, float threshold,
                  int first_block, int end_block, sc::OpeningRowBound* bound) {
  constexpr auto kIndex = [](Criterion c) { return static_cast<int>(c); };
  const auto& weight = params.normalized_weights;
  const float experience_weight = weight[kIndex(Criterion::kExperience)];
  const float housing_barrier = weight[kIndex(Criterion::kHousing)] * sc::kHousingBarrierScore;
  const float housing_free = weight[kIndex(Criterion::kHousing)];
  const bool needs_housing_here = features.needs_housing_locally > 0.5f;
  bound->weights = weight;
  bound->french_met = features.french_attested > 0.5f ? 1.0f : sc::kFrenchDeclaredOnly;
  bound->french_level = features.french_level;
  bound->available_from = features.available_from;
  bound->today = params.today;
  bound->threshold = threshold;
  // Per 64-row block b: the bound without the occupation, skills, French, tension and timing, at 2 b
  // without housing and at 2 b + 1 with it.
  for (int b = first_block; b < end_block; ++b) {
    const OpeningSegment::BlockSummary& block = segment.blocks[b];
    if (block.live_rows == 0) continue;  // no row of it is selected
    const float gap_km = GreatCircleKm(candidate.position, block.center) - block.max_distance_km;
    const bool beyond = gap_km > candidate.radius_km + 1.0f;
    float mobility = sc::kRelocationMobilityScore;
    if (!beyond) {
      const float ratio = std::max(0.0f, gap_km - 1.0f) / candidate.radius_km;
      mobility = std::max(mobility, std::exp(-std::log(2.0f) * ratio * ratio));
    }
    const float base = experience_weight + weight[kIndex(Criterion::kMobility)] * mobility + kBoundSlackScore;
    bound->base_of[2 * b + 1] = base + housing_free;
    bound->base_of[2 * b] = base + (beyond || needs_housing_here ? housing_barrier : housing_free);
  }
}

}  // namespace block_match_internal

namespace {

// Drops from `selection` and `walked` the rows of `segment` whose total with `candidate` cannot reach
// `threshold` (block_match_internal::FillRowBound's bound), after the walks and before the gather and the
// kernel; returns how many. A row tied with the k-th best may still enter (ties go to the smaller id), so
// only rows strictly below are dropped.
// Out of line (once per candidate and segment) so that a profile shows its share.
[[gnu::noinline]] int64_t DropRowsBelow(const OpeningSegment& segment, const ResolvedCandidate& candidate,
                                        const CandidateRowFeatures& features, const sc::KernelParams& params,
                                        float threshold, sc::OpeningRowBound* bound, FloatColumn* scratch,
                                        sc::RowSelection* selection, sc::WalkedCriteria* walked) {
  if (!(candidate.radius_km > 0) || !(threshold > -std::numeric_limits<float>::infinity()) || selection->count == 0) {
    return 0;
  }
  block_match_internal::FillRowBound(segment, candidate, features, params, threshold,
                                     selection->rows[0] / OpeningSegment::kBlockRows,
                                     selection->rows[selection->count - 1] / OpeningSegment::kBlockRows + 1, bound);
  return sc::DropOpeningRowsBelow(segment, *bound, scratch, selection, walked);
}

}  // namespace

// One candidate of the block being matched: its look-up tables, its best rows so far and its counts.
struct OpeningBlockMatcher::CandidateScan {
  CandidateScan(const ResolvedCandidate& c, std::vector<float> best_occupation, size_t k,
                const std::vector<std::shared_ptr<const OpeningSegment>>& segments, int64_t block_pruned_rows)
      : candidate(&c),
        best_by_rome(std::move(best_occupation)),
        features(EncodeCandidateRow(c)),
        best(k, segments),
        pruned_rows(block_pruned_rows) {}
  const ResolvedCandidate* candidate;
  std::vector<float> best_by_rome;
  CandidateRowFeatures features;
  BestRows best;
  int64_t pruned_rows;
  int64_t eligible = 0;
  int64_t rows_below_top_k = 0;
};

struct OpeningBlockMatcher::State {
  const MatchIndex* index = nullptr;
  std::shared_ptr<const MatchIndex::OpeningTable::Snapshot> openings;
  MatchQuery query;
  ScoringProfile profile;
  sc::KernelParams params;
  BlockMatchOptions options;
  ScanScratch<sc::OpeningBlock> scratch;  // allocated once per matcher, not once per candidate
  sc::OpeningRowBound bound;              // DropRowsBelow's per-candidate terms
  std::vector<CandidateScan> scans;       // the block's candidates
  // near[i * reachable + j]: reachable segment j lies (partly) within candidate i's commute radius.
  std::vector<uint8_t> near;
};

OpeningBlockMatcher::OpeningBlockMatcher(std::unique_ptr<State> state) : state_(std::move(state)) {}
OpeningBlockMatcher::~OpeningBlockMatcher() = default;

absl::StatusOr<std::unique_ptr<OpeningBlockMatcher>> OpeningBlockMatcher::Create(
    const MatchIndex& index, std::shared_ptr<const MatchIndex::OpeningTable::Snapshot> openings,
    const MatchQuery& query, const ScoringProfile& profile, const BlockMatchOptions& options) {
  PASSERELLE_RETURN_IF_ERROR(ValidateScoringProfile(profile));
  PASSERELLE_RETURN_IF_ERROR(ValidateMatchQuery(query, index.data()));
  if (query.near_misses != 0) return InvalidFieldError("near_misses", "block matching keeps no near-misses");
  auto state = std::make_unique<State>();
  state->index = &index;
  state->openings = std::move(openings);
  state->query = query;
  state->query.count_blockers_in_scope = false;
  if (state->query.allowed_rome == nullptr) {
    PASSERELLE_ASSIGN_OR_RETURN(std::vector<uint8_t> allowed, BuildOccupationFilter(query.occupations, index.data()));
    state->query.allowed_rome = std::make_shared<const std::vector<uint8_t>>(std::move(allowed));
  }
  state->profile = profile;
  state->options = options;
  state->params = sc::MakeKernelParams(profile, query.today);
  state->params.score_experience = query.score_experience;
  return std::unique_ptr<OpeningBlockMatcher>(new OpeningBlockMatcher(std::move(state)));
}

// Each candidate visits the segments within its commute radius first, then the ones it reaches only by
// moving: the near ones hold the best scores (mobility), so its k-th best is high early and the rows of
// the far segments fall below it (the ranking does not depend on the order: the top k is ordered by
// score, then id). Segment-major (the default), each pass takes the reachable segments one at a time and
// scores every candidate of the block that visits it in that pass against it in turn, while the segment's
// columns, skill matrices and summaries are in cache; each candidate still sees its segments in the same
// order as one candidate at a time, so its threshold, rows skipped and ranking are the same.
void OpeningBlockMatcher::Match(absl::Span<const ResolvedCandidate* const> block, std::vector<MatchResult>* results) {
  State& st = *state_;
  results->clear();
  results->resize(block.size());
  rows_below_top_k_.assign(block.size(), 0);
  const int64_t block_pruned_rows = ReachableSegments(block);
  const auto& segments = st.openings->segments;
  st.scans.clear();
  st.scans.reserve(block.size());
  for (const ResolvedCandidate* c : block) {
    st.scans.emplace_back(*c, sc::BestOccupationScoresFrom(st.index->relations(), *c, st.query.score_experience),
                          static_cast<size_t>(st.query.k), segments, block_pruned_rows);
  }
  const size_t reach = reachable_.size();
  st.near.resize(block.size() * reach);
  for (size_t i = 0; i < block.size(); ++i) {
    const ResolvedCandidate& c = *block[i];
    for (size_t j = 0; j < reach; ++j) {
      const OpeningSegment::Summary& summary = segments[reachable_[j]]->summary;
      st.near[i * reach + j] =
          !GreatCircleBeyond(c.position, summary.center, summary.max_distance_km, c.radius_km + 1.0f);
    }
  }
  if (st.options.segment_major) {
    for (const uint8_t near_pass : {uint8_t{1}, uint8_t{0}}) {
      for (size_t j = 0; j < reach; ++j) {
        for (size_t i = 0; i < block.size(); ++i) {
          if (st.near[i * reach + j] == near_pass) MatchSegment(reachable_[j], near_pass != 0, &st.scans[i]);
        }
      }
    }
  } else {
    for (size_t i = 0; i < block.size(); ++i) {
      for (const uint8_t near_pass : {uint8_t{1}, uint8_t{0}}) {
        for (size_t j = 0; j < reach; ++j) {
          if (st.near[i * reach + j] == near_pass) MatchSegment(reachable_[j], near_pass != 0, &st.scans[i]);
        }
      }
    }
  }
  for (size_t i = 0; i < block.size(); ++i) {
    Finish(&st.scans[i], &(*results)[i]);
    rows_below_top_k_[i] = st.scans[i].rows_below_top_k;
  }
}

// By the triangle inequality a candidate is at least distance(center, segment) - spread from the
// segment's center, so a segment failing the test below fails CannotBeEligible for every candidate of
// the block. Candidates without the right to work reach nothing and are left out of the block's bounds.
int64_t OpeningBlockMatcher::ReachableSegments(absl::Span<const ResolvedCandidate* const> block) {
  reachable_.clear();
  block_pruned_segments_ = 0;
  UnitVector sum;
  float max_radius_km = 0;
  bool any_mover = false;
  int working = 0;
  for (const ResolvedCandidate* c : block) {
    if (!c->record.right_to_work) continue;
    ++working;
    sum.x += c->position.x, sum.y += c->position.y, sum.z += c->position.z;
    max_radius_km = std::max(max_radius_km, c->radius_km);
    any_mover = any_mover || c->record.relocation_accepted;
  }
  const float norm = std::sqrt(sum.x * sum.x + sum.y * sum.y + sum.z * sum.z);
  // Points spread over half the globe have no useful center: then only the per-candidate test runs.
  const bool bounded = working > 0 && norm > 0.5f * static_cast<float>(working);
  const UnitVector center{sum.x / norm, sum.y / norm, sum.z / norm};
  float spread_km = 0;
  if (bounded) {
    for (const ResolvedCandidate* c : block) {
      if (c->record.right_to_work) spread_km = std::max(spread_km, GreatCircleKm(center, c->position));
    }
  }
  int64_t pruned_rows = 0;
  const auto& segments = state_->openings->segments;
  for (size_t s = 0; s < segments.size(); ++s) {
    const OpeningSegment& segment = *segments[s];
    if (segment.used_rows == 0) continue;
    bool skip = working == 0;
    if (bounded && !(any_mover && segment.summary.any_housing)) {
      skip = GreatCircleKm(center, segment.summary.center) - spread_km - segment.summary.max_distance_km >
             max_radius_km + 1.0f + kBlockSlackKm;
    }
    if (skip) {
      pruned_rows += LiveRows(segment);
      ++block_pruned_segments_;
    } else {
      reachable_.push_back(static_cast<int32_t>(s));
    }
  }
  return pruned_rows;
}

// One step of MatchOpeningsIn's scan without near-misses (ScanPart with may_skip): segment `s` (index
// into the snapshot) for one candidate. `near`: the segment lies (partly) within its commute radius.
void OpeningBlockMatcher::MatchSegment(int32_t s, bool near, CandidateScan* scan) {
  State& st = *state_;
  const MatchQuery& query = st.query;
  const ResolvedCandidate& candidate = *scan->candidate;
  const OpeningSegment& segment = *st.openings->segments[s];
  // CannotBeEligible(candidate, segment.summary), its distance test being !near.
  if (!candidate.record.right_to_work ||
      (!near && !(candidate.record.relocation_accepted && segment.summary.any_housing))) {
    scan->pruned_rows += LiveRows(segment);
    return;
  }
  auto& w = st.scratch;
  uint32_t blocks = 0;
  scan->pruned_rows += OpeningBlocksInReach(candidate, segment, &blocks);
  if (blocks == 0) return;
  OpeningRows::Select(segment, scan->features, blocks, &w.keep, &w.selection);
  if (w.selection.count == 0) return;
  OpeningRows::Walk(segment, candidate, scan->best_by_rome, w.selection, st.params.score_experience, &w.walked);
  if (st.options.skip_rows_below_top_k) {
    scan->rows_below_top_k += DropRowsBelow(segment, candidate, scan->features, st.params, scan->best.Threshold(),
                                            &st.bound, &w.keep, &w.selection, &w.walked);
    if (w.selection.count == 0) return;
  }
  // The kernel reads the rows in place, over the span from the first selected row to the last, when the
  // selected rows fill enough of it; else the selected rows are gathered into a block first.
  const int count = w.selection.count;
  const int32_t* rows = w.selection.rows.data();
  const SelectedSpan selected_span = SpanOf(w.selection, st.options.in_place_fraction);
  const bool in_place = selected_span.in_place;
  const int first = selected_span.first;
  const int span = selected_span.padded();
  if (in_place) {
    ScatterWalked(w.selection, first, span, w.walked, &w.in_place_walked);
    OpeningRows::ScoreSpan(segment, first, span, scan->features, w.in_place_walked, st.params, &w.scores);
  } else {
    OpeningRows::Gather(segment, w.selection, &w.block);
    OpeningRows::Score(w.block, scan->features, w.selection.padded(), w.walked, st.params, &w.scores);
  }
  const int shift = in_place ? first : 0;
  const std::vector<uint8_t>& allowed_rome = *query.allowed_rome;
  const auto segment_ok = [&](int row) {
    return (query.contract_types == 0 || (query.contract_types & segment.contract_bit[row]) != 0) &&
           (allowed_rome.empty() || allowed_rome[segment.rome[row]]);
  };
  // ConsiderSelected with BestRows.
  for (int i = 0; i < count; ++i) {
    const int row = rows[i];
    const int at = in_place ? row - shift : i;  // where the kernel wrote the pair
    const float total = w.scores.total[at];
    if (w.scores.blockers[at] != 0 || total < query.min_score) continue;
    if (query.max_distance_km > 0 && w.scores.distance_km[at] > query.max_distance_km) continue;
    if (!segment_ok(row)) continue;
    ++scan->eligible;
    if (!scan->best.MayAccept(total)) continue;
    scan->best.Push(total, Keep(w.scores, s, row, at));
  }
}

void OpeningBlockMatcher::Finish(CandidateScan* scan, MatchResult* result) {
  State& st = *state_;
  const auto& segments = st.openings->segments;
  result->eligible = scan->eligible;
  result->scored = static_cast<int64_t>(st.openings->live_rows) - scan->pruned_rows;
  std::vector<TopK<KeptRow>::Entry> best = scan->best.Take();
  result->matches.reserve(best.size());
  for (const auto& entry : best) {
    result->matches.push_back(MakeMatch(entry, st.params));
    if (!st.query.explain) continue;
    result->matches.back().explanation = std::make_shared<const Explanation>(
        ExplainPair(*scan->candidate, *segments[entry.payload.segment]->record(entry.payload.row), st.profile,
                    st.index->data(), st.index->relations(), st.query.today, st.query.languages));
  }
}

}  // namespace passerelle::engine
