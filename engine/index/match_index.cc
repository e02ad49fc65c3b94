#include "engine/index/match_index.h"

#include <atomic>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "engine/common/parallel.h"
#include "engine/common/status_macros.h"
#include "engine/index/top_k.h"
#include "engine/scoring/criteria_walks.h"
#include "engine/scoring/feature_sources.h"
#include "engine/scoring/pair_kernel.h"
#include "engine/scoring/row_selection.h"

namespace passerelle::engine {
namespace {

namespace sc = scoring;

// A row kept by the selection: where it lives in the query's snapshot and its scores, copied out of the
// block arrays (which the next segment overwrites).
struct KeptRow {
  int32_t segment = 0;
  int32_t row = 0;
  std::array<float, kCriterionCount> criteria{};
  float distance_km = 0;
  uint32_t blockers = 0;
};

KeptRow Keep(const sc::BlockScores& scores, int32_t segment, int32_t row) {
  KeptRow kept{segment, row, {}, scores.distance_km[row], scores.blockers[row]};
  for (int k = 0; k < kCriterionCount; ++k) kept.criteria[k] = scores.criteria[k][row];
  return kept;
}

// Allowed opening ROME codes for MatchQuery::occupations, as a per-code flag; empty = all allowed.
absl::StatusOr<std::vector<uint8_t>> OccupationFilter(const MatchQuery& query, const ReferenceData& data) {
  std::vector<uint8_t> allowed;
  if (query.occupations.empty()) return allowed;
  allowed.assign(data.occupations().size(), 0);
  for (size_t i = 0; i < query.occupations.size(); ++i) {
    const std::string& code = query.occupations[i];
    bool any = false;
    for (size_t r = 0; r < data.occupations().size(); ++r) {
      const RomeOccupation& occ = data.occupations()[r];
      if (occ.code == code || occ.domaine_code == code || std::string(1, occ.grand_domaine) == code) {
        allowed[r] = 1;
        any = true;
      }
    }
    if (!any) {
      return absl::InvalidArgumentError(absl::StrCat("occupations[", i, "]: \"", code,
                                                     "\" is neither a ROME 4.0 code, a domaine nor a grand domaine"));
    }
  }
  return allowed;
}

ScoredMatch MakeMatch(const TopK<KeptRow>::Entry& entry, const sc::KernelParams& params) {
  ScoredMatch m;
  m.id = std::string(entry.id);
  m.total = entry.score;
  m.distance_km = entry.payload.distance_km;
  m.blockers = entry.payload.blockers;
  m.criteria = entry.payload.criteria;
  for (int k = 0; k < kCriterionCount; ++k) m.contributions[k] = params.normalized_weights[k] * m.criteria[k];
  return m;
}

// Selection state of one query: the best matches and, optionally, the best near-misses.
struct Selection {
  Selection(const MatchQuery& q) : query(q), matches(q.k), near_misses(q.near_misses) {}

  // Considers every live row of one scored segment; `extra_ok(row)` applies direction-specific filters.
  template <class Segment, class ExtraFilter>
  void Consider(const Segment& segment, int32_t segment_index, const sc::BlockScores& scores, ExtraFilter extra_ok,
                MatchResult* result) {
    for (int row = 0; row < segment.used_rows; ++row) {
      if (segment.alive[row] < 0.5f) continue;
      ++result->scored;
      const float total = scores.total[row];
      const uint32_t blockers = scores.blockers[row];
      if (total < query.min_score) continue;
      if (query.max_distance_km > 0 && scores.distance_km[row] > query.max_distance_km) continue;
      if (blockers == 0) {
        if (!extra_ok(row)) continue;
        ++result->eligible;
        if (matches.MayAccept(total)) matches.Push(total, segment.id(row), Keep(scores, segment_index, row));
      } else if ((blockers & ~sc::kRelaxableBlockers) == 0 && near_misses.MayAccept(total) && extra_ok(row)) {
        near_misses.Push(total, segment.id(row), Keep(scores, segment_index, row));
      }
    }
  }

  // Adds the other part's selections and counts (the other part scanned other segments).
  void Merge(Selection& other, const MatchResult& other_counts, MatchResult* result) {
    for (auto& entry : other.matches.Take()) matches.Push(entry.score, entry.id, entry.payload);
    for (auto& entry : other.near_misses.Take()) near_misses.Push(entry.score, entry.id, entry.payload);
    result->scored += other_counts.scored;
    result->eligible += other_counts.eligible;
  }

  // Moves the selections into `result`; `explain(kept)` explains one kept row.
  template <class ExplainFn>
  void Finish(const sc::KernelParams& params, ExplainFn explain, MatchResult* result) {
    auto drain = [&](TopK<KeptRow>& top, std::vector<ScoredMatch>* out) {
      for (const auto& entry : top.Take()) {
        out->push_back(MakeMatch(entry, params));
        if (query.explain) out->back().explanation = std::make_shared<const Explanation>(explain(entry.payload));
      }
    };
    drain(matches, &result->matches);
    drain(near_misses, &result->near_misses);
  }

  const MatchQuery& query;
  TopK<KeptRow> matches;
  TopK<KeptRow> near_misses;
};

// A segment can be skipped when none of its rows can be eligible: all of them are beyond the commute
// radius and no move is possible (nobody in it would move, or the opening provides no housing). 1 km
// of slack covers the kernel's float distance.
bool CannotBeEligible(const ResolvedOpening& opening, const CandidateSegment::Summary& segment) {
  if (opening.record.housing_provided && segment.any_relocating) return false;
  return GreatCircleKm(opening.position, segment.center) > segment.max_reach_km + 1.0f;
}
bool CannotBeEligible(const ResolvedCandidate& candidate, const OpeningSegment::Summary& segment) {
  if (!candidate.record.right_to_work) return true;
  if (candidate.record.relocation_accepted && segment.any_housing) return false;
  return GreatCircleKm(candidate.position, segment.center) - segment.max_distance_km > candidate.radius_km + 1.0f;
}

// Counts the queries running in an index while in scope; returns how many others were running.
class RunningQuery {
 public:
  explicit RunningQuery(std::atomic<int>& running) : running_(running), others_(running.fetch_add(1)) {}
  ~RunningQuery() { running_.fetch_sub(1); }
  int others() const { return others_; }

 private:
  std::atomic<int>& running_;
  const int others_;
};

// Scans segments [0, count) with `scan(begin, end, selection, counts)`, split over up to
// options.query_threads threads when there are enough rows to pay for a thread and cores to spare (each
// other query running takes one), and merges the parts into `selection` and `result`.
template <class ScanFn>
void ScanSegments(size_t count, int64_t live_rows, const MatchIndexOptions& options, int other_queries,
                  const MatchQuery& query, ScanFn scan, Selection* selection, MatchResult* result) {
  const int64_t rows = live_rows;
  const int64_t spare_threads = std::max(1, options.query_threads - other_queries);
  const size_t parts =
      static_cast<size_t>(std::max<int64_t>(1, std::min<int64_t>(spare_threads, rows / options.min_rows_per_thread)));
  if (parts <= 1 || count < parts) {
    scan(0, count, *selection, *result);
    return;
  }
  std::vector<Selection> part_selections(parts - 1, Selection(query));
  std::vector<MatchResult> part_counts(parts - 1);
  ParallelRanges(count, parts, [&](size_t part, size_t begin, size_t end) {
    if (part == 0) {
      scan(begin, end, *selection, *result);
    } else {
      scan(begin, end, part_selections[part - 1], part_counts[part - 1]);
    }
  });
  for (size_t p = 1; p < parts; ++p) selection->Merge(part_selections[p - 1], part_counts[p - 1], result);
}

// Working arrays of one scanning thread, allocated once per query rather than per segment.
template <class Block>
struct ScanScratch {
  sc::RowSelection selection;
  Block block;
  FloatColumn keep;  // the selection's working array
  sc::WalkedCriteria walked;
  sc::BlockScores scores;
};

// Live rows of a segment, for MatchResult::scored of segments skipped whole (counted by Finish: summing
// the alive column of every skipped segment was a fair share of a short query).
template <class Segment>
int64_t LiveRows(const Segment& segment) {
  return segment.summary.live_rows;
}

// Selection::Consider for a block of selected rows (block row i = segment row selection.rows[i]), in a
// query without near-misses: every row the selection left out fails a hard constraint. Counts
// `eligible`; `scored` (every live row of the segment) is the caller's.
template <class Segment, class ExtraFilter>
void ConsiderSelected(Selection& part, const Segment& segment, int32_t segment_index,
                      const sc::RowSelection& selection, const sc::BlockScores& scores, ExtraFilter extra_ok,
                      MatchResult* result) {
  const MatchQuery& query = part.query;
  for (int i = 0; i < selection.count; ++i) {
    const float total = scores.total[i];
    if (scores.blockers[i] != 0 || total < query.min_score) continue;
    if (query.max_distance_km > 0 && scores.distance_km[i] > query.max_distance_km) continue;
    const int row = selection.rows[i];
    if (!extra_ok(row)) continue;
    ++result->eligible;
    if (!part.matches.MayAccept(total)) continue;
    KeptRow kept = Keep(scores, segment_index, i);
    kept.row = row;
    part.matches.Push(total, segment.id(row), std::move(kept));
  }
}

// What differs between the two directions of a scan: the segments scanned, their gathered block, and
// the selection, walk and kernel entry points. `Other` is the one record scored against every row.
struct CandidateRows {  // one opening against candidate segments
  using Segment = CandidateSegment;
  using Block = sc::CandidateBlock;
  using Other = ResolvedOpening;
  using OtherFeatures = OpeningRowFeatures;
  static void Select(const Segment& s, const OtherFeatures& o, FloatColumn* keep, sc::RowSelection* out) {
    sc::SelectEligibleCandidateRows(s, o, keep, out);
  }
  static void Gather(const Segment& s, const sc::RowSelection& selection, Block* out) {
    sc::GatherCandidateRows(s, selection, out);
  }
  static void Walk(const Segment& s, const Other& o, absl::Span<const float> lookup, const sc::RowSelection& selection,
                   sc::WalkedCriteria* out) {
    sc::WalkCandidateSegment(s, o, lookup, selection, out);
  }
  template <class Columns>
  static void Score(const Columns& rows, const Other& o, int padded, const sc::WalkedCriteria& walked,
                    const sc::KernelParams& params, sc::BlockScores* out) {
    sc::ScoreCandidateBlock(sc::CandidateColumns(rows, padded), sc::OpeningBroadcast(o, padded), walked.occupation,
                            walked.skills, walked.missing_required, params, out);
  }
};

struct OpeningRows {  // one candidate against opening segments
  using Segment = OpeningSegment;
  using Block = sc::OpeningBlock;
  using Other = ResolvedCandidate;
  using OtherFeatures = CandidateRowFeatures;
  static void Select(const Segment& s, const OtherFeatures& c, FloatColumn* keep, sc::RowSelection* out) {
    sc::SelectEligibleOpeningRows(s, c, keep, out);
  }
  static void Gather(const Segment& s, const sc::RowSelection& selection, Block* out) {
    sc::GatherOpeningRows(s, selection, out);
  }
  static void Walk(const Segment& s, const Other& c, absl::Span<const float> lookup, const sc::RowSelection& selection,
                   sc::WalkedCriteria* out) {
    sc::WalkOpeningSegment(s, c, lookup, selection, out);
  }
  template <class Columns>
  static void Score(const Columns& rows, const Other& c, int padded, const sc::WalkedCriteria& walked,
                    const sc::KernelParams& params, sc::BlockScores* out) {
    sc::ScoreOpeningBlock(sc::CandidateBroadcast(c, padded), sc::OpeningColumns(rows, padded), walked.occupation,
                          walked.skills, walked.missing_required, params, out);
  }
};

// Scans segments [begin, end) of `segments` for `other`, in either direction. Without near-misses
// (`may_skip`) only eligible pairs count: segments nobody in which can be eligible are skipped whole
// (their rows still count in `scored`, added by the caller), and the walks and the kernel run on the
// rows that may be eligible, gathered. With near-misses every row is scored. `extra_ok(segment, row)`
// applies the query's filters on the scanned side.
template <class Rows, class Segments, class ExtraFilter>
void ScanPart(const Segments& segments, size_t begin, size_t end, const typename Rows::Other& other,
              const typename Rows::OtherFeatures& other_features, absl::Span<const float> lookup, bool may_skip,
              const sc::KernelParams& params, ExtraFilter extra_ok, Selection& part, MatchResult& counts) {
  ScanScratch<typename Rows::Block> w;
  for (size_t s = begin; s < end; ++s) {
    const typename Rows::Segment& segment = *segments[s];
    if (segment.used_rows == 0) continue;
    if (may_skip && CannotBeEligible(other, segment.summary)) {
      counts.scored -= LiveRows(segment);
      continue;
    }
    if (may_skip) {
      Rows::Select(segment, other_features, &w.keep, &w.selection);
      if (w.selection.count == 0) continue;
      Rows::Gather(segment, w.selection, &w.block);
    } else {
      sc::SelectAllRows(segment.used_rows, Rows::Segment::kRows, &w.selection);
    }
    const int padded = w.selection.padded();
    Rows::Walk(segment, other, lookup, w.selection, &w.walked);
    if (may_skip) {
      Rows::Score(w.block, other, padded, w.walked, params, &w.scores);
    } else {
      Rows::Score(segment, other, padded, w.walked, params, &w.scores);
    }
    const auto segment_ok = [&](int row) { return extra_ok(segment, row); };
    if (may_skip) {
      ConsiderSelected(part, segment, static_cast<int32_t>(s), w.selection, w.scores, segment_ok, &counts);
    } else {
      part.Consider(segment, static_cast<int32_t>(s), w.scores, segment_ok, &counts);
    }
  }
}

}  // namespace

absl::Status ValidateMatchQuery(const MatchQuery& query, const ReferenceData& data) {
  if (query.k < 1 || query.k > kMaxK) {
    return absl::InvalidArgumentError(absl::StrCat("k: must be in [1, ", kMaxK, "], got ", query.k));
  }
  if (!std::isfinite(query.min_score) || query.min_score < 0 || query.min_score > 1) {
    return absl::InvalidArgumentError(absl::StrCat("min_score: must be in [0, 1], got ", query.min_score));
  }
  if (!std::isfinite(query.max_distance_km) || query.max_distance_km < 0) {
    return absl::InvalidArgumentError(absl::StrCat("max_distance_km: must be finite and >= 0, got ", query.max_distance_km));
  }
  if (query.near_misses < 0 || query.near_misses > kMaxK) {
    return absl::InvalidArgumentError(absl::StrCat("near_misses: must be in [0, ", kMaxK, "], got ", query.near_misses));
  }
  if (query.contract_types & ~kAllContractsMask) return absl::InvalidArgumentError("contract_types: unknown contract bit");
  return OccupationFilter(query, data).status();
}

// Openings are bucketed by région and whether they provide housing, so a candidate's query skips the
// segments none of which it can reach (CannotBeEligible). Candidates are not bucketed: a batch of writes
// scattered over many buckets copies and rebuilds a 4,096-row segment per bucket it touches, which made
// imports about 10x slower and start-up 7x slower at 1M candidates (benchmarks/results/2026-11-23); their
// segment summaries still let a query skip a segment when it happens to be out of reach.
MatchIndex::MatchIndex(std::shared_ptr<const ReferenceData> data, MatchIndexOptions options)
    : data_(std::move(data)),
      options_(options),
      relations_(*data_),
      candidates_(),
      openings_([](const ResolvedOpening& o) {
        return static_cast<uint32_t>(o.region_index) * 2 + (o.record.housing_provided ? 1 : 0);
      }) {}

uint32_t MatchIndex::OwnerCode(const std::string& owner_id) const {
  {
    absl::ReaderMutexLock lock(&owners_mu_);
    if (auto it = owner_codes_.find(owner_id); it != owner_codes_.end()) return it->second;
  }
  absl::MutexLock lock(&owners_mu_);
  return owner_codes_.try_emplace(owner_id, static_cast<uint32_t>(owner_codes_.size() + 1)).first->second;
}

std::vector<uint8_t> MatchIndex::VisibleOwnerCodes(const CandidateVisibility& visibility) const {
  std::vector<uint8_t> allowed;
  if (!visibility.restricted) return allowed;
  absl::ReaderMutexLock lock(&owners_mu_);
  allowed.assign(owner_codes_.size() + 1, 0);
  for (const std::string& owner : visibility.owner_ids) {
    if (auto it = owner_codes_.find(owner); it != owner_codes_.end()) allowed[it->second] = 1;
  }
  return allowed;
}

absl::StatusOr<std::shared_ptr<const ResolvedCandidate>> MatchIndex::ResolveCandidate(const Candidate& candidate) const {
  PASSERELLE_ASSIGN_OR_RETURN(ResolvedCandidate resolved, engine::ResolveCandidate(candidate, *data_));
  resolved.owner_code = OwnerCode(resolved.record.owner_id);
  return std::make_shared<const ResolvedCandidate>(std::move(resolved));
}

absl::StatusOr<std::shared_ptr<const ResolvedOpening>> MatchIndex::ResolveOpening(const Opening& opening) const {
  PASSERELLE_ASSIGN_OR_RETURN(ResolvedOpening resolved, engine::ResolveOpening(opening, *data_));
  return std::make_shared<const ResolvedOpening>(std::move(resolved));
}

void MatchIndex::UpsertCandidates(absl::Span<const std::shared_ptr<const ResolvedCandidate>> candidates) {
  // Records resolved by this index carry its codes already; others get a copy that does.
  std::vector<std::shared_ptr<const ResolvedCandidate>> coded;
  for (size_t i = 0; i < candidates.size(); ++i) {
    const uint32_t code = OwnerCode(candidates[i]->record.owner_id);
    if (candidates[i]->owner_code == code && coded.empty()) continue;
    if (coded.empty()) coded.assign(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(i));
    if (candidates[i]->owner_code == code) {
      coded.push_back(candidates[i]);
    } else {
      auto copy = std::make_shared<ResolvedCandidate>(*candidates[i]);
      copy->owner_code = code;
      coded.push_back(std::move(copy));
    }
  }
  candidates_.Apply(coded.empty() ? candidates : absl::MakeConstSpan(coded), {});
}
void MatchIndex::UpsertOpenings(absl::Span<const std::shared_ptr<const ResolvedOpening>> openings) {
  openings_.Apply(openings, {});
}
bool MatchIndex::RemoveCandidate(const std::string& id) { return candidates_.Apply({}, {id}) > 0; }
bool MatchIndex::RemoveOpening(const std::string& id) { return openings_.Apply({}, {id}) > 0; }

absl::StatusOr<MatchResult> MatchIndex::MatchOpenings(const std::string& candidate_id, const MatchQuery& query,
                                                      const ScoringProfile& profile) const {
  std::shared_ptr<const ResolvedCandidate> candidate = FindCandidate(candidate_id);
  if (!candidate) return absl::NotFoundError(absl::StrCat("candidate_id: no candidate \"", candidate_id, "\""));
  return MatchOpeningsFor(*candidate, query, profile);
}

absl::StatusOr<MatchResult> MatchIndex::MatchCandidates(const std::string& opening_id, const MatchQuery& query,
                                                        const ScoringProfile& profile) const {
  std::shared_ptr<const ResolvedOpening> opening = FindOpening(opening_id);
  if (!opening) return absl::NotFoundError(absl::StrCat("opening_id: no opening \"", opening_id, "\""));
  return MatchCandidatesFor(*opening, query, profile);
}

absl::StatusOr<MatchResult> MatchIndex::MatchOpeningsFor(const ResolvedCandidate& candidate, const MatchQuery& query,
                                                         const ScoringProfile& profile) const {
  return MatchOpeningsIn(*openings_.snapshot(), candidate, query, profile);
}

absl::StatusOr<MatchResult> MatchIndex::MatchOpeningsIn(const OpeningTable::Snapshot& snapshot,
                                                        const ResolvedCandidate& candidate, const MatchQuery& query,
                                                        const ScoringProfile& profile) const {
  PASSERELLE_RETURN_IF_ERROR(ValidateScoringProfile(profile));
  PASSERELLE_RETURN_IF_ERROR(ValidateMatchQuery(query, *data_));
  PASSERELLE_ASSIGN_OR_RETURN(const std::vector<uint8_t> allowed_rome, OccupationFilter(query, *data_));
  const sc::KernelParams params = sc::MakeKernelParams(profile);
  const std::vector<float> best_by_rome = sc::BestOccupationScoresFrom(relations_, candidate);
  const bool may_skip = query.near_misses == 0;

  MatchResult result;
  Selection selection(query);
  // Without near-misses only eligible pairs count: the walks and the kernel run on the rows that may
  // be eligible, gathered (sc::SelectEligibleOpeningRows), and `scored` is every live row of the
  // segments not skipped whole, added below.
  const CandidateRowFeatures candidate_features = EncodeCandidateRow(candidate);
  const auto extra_ok = [&](const OpeningSegment& segment, int row) {
    return (query.contract_types == 0 || (query.contract_types & segment.contract_bit[row]) != 0) &&
           (allowed_rome.empty() || allowed_rome[segment.rome[row]]);
  };
  auto scan = [&](size_t begin, size_t end, Selection& part, MatchResult& counts) {
    ScanPart<OpeningRows>(snapshot.segments, begin, end, candidate, candidate_features, best_by_rome, may_skip, params,
                          extra_ok, part, counts);
  };
  const RunningQuery running(running_queries_);
  ScanSegments(snapshot.segments.size(), static_cast<int64_t>(snapshot.live_rows), options_, running.others(), query,
               scan, &selection, &result);
  if (may_skip) result.scored += static_cast<int64_t>(snapshot.live_rows);
  selection.Finish(params, [&](const KeptRow& kept) {
    return ExplainPair(candidate, *snapshot.segments[kept.segment]->record(kept.row), profile, *data_, relations_);
  }, &result);
  return result;
}

absl::StatusOr<MatchResult> MatchIndex::MatchCandidatesFor(const ResolvedOpening& opening, const MatchQuery& query,
                                                           const ScoringProfile& profile) const {
  PASSERELLE_RETURN_IF_ERROR(ValidateScoringProfile(profile));
  PASSERELLE_RETURN_IF_ERROR(ValidateMatchQuery(query, *data_));
  const sc::KernelParams params = sc::MakeKernelParams(profile);
  const std::vector<float> relation_to = sc::RelationScoresTo(relations_, opening.rome_index);
  const bool may_skip = query.near_misses == 0;
  std::shared_ptr<const CandidateTable::Snapshot> snapshot = candidates_.snapshot();

  MatchResult result;
  Selection selection(query);
  // As in MatchOpeningsIn: without near-misses, only the rows that may be eligible are walked and scored.
  const OpeningRowFeatures opening_features = EncodeOpeningRow(opening);
  const std::vector<uint8_t> visible_owner = VisibleOwnerCodes(query.visibility);
  const bool restricted = query.visibility.restricted;
  const bool shared_visible = query.visibility.include_shared_with_employers;
  const auto visible = [&](const CandidateSegment& segment, int row) {
    if (!restricted) return true;
    const uint32_t owner = segment.owner_code[row];
    return (owner < visible_owner.size() && visible_owner[owner] != 0) ||
           (shared_visible && segment.shared_with_employers[row] != 0);
  };
  auto scan = [&](size_t begin, size_t end, Selection& part, MatchResult& counts) {
    ScanPart<CandidateRows>(snapshot->segments, begin, end, opening, opening_features, relation_to, may_skip, params,
                            visible, part, counts);
  };
  const RunningQuery running(running_queries_);
  ScanSegments(snapshot->segments.size(), static_cast<int64_t>(snapshot->live_rows), options_, running.others(), query,
               scan, &selection, &result);
  if (may_skip) result.scored += static_cast<int64_t>(snapshot->live_rows);
  selection.Finish(params, [&](const KeptRow& kept) {
    return ExplainPair(*snapshot->segments[kept.segment]->record(kept.row), opening, profile, *data_, relations_);
  }, &result);
  return result;
}

absl::StatusOr<Explanation> MatchIndex::Explain(const std::string& candidate_id, const std::string& opening_id,
                                                const ScoringProfile& profile) const {
  PASSERELLE_RETURN_IF_ERROR(ValidateScoringProfile(profile));
  std::shared_ptr<const ResolvedCandidate> candidate = FindCandidate(candidate_id);
  if (!candidate) return absl::NotFoundError(absl::StrCat("candidate_id: no candidate \"", candidate_id, "\""));
  std::shared_ptr<const ResolvedOpening> opening = FindOpening(opening_id);
  if (!opening) return absl::NotFoundError(absl::StrCat("opening_id: no opening \"", opening_id, "\""));
  return ExplainPair(*candidate, *opening, profile, *data_, relations_);
}

}  // namespace passerelle::engine
