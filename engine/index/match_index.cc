#include "engine/index/match_index.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/container/flat_hash_set.h"
#include "engine/common/field_status.h"
#include "engine/common/quote.h"
#include "engine/common/status_macros.h"
#include "engine/index/blocker_count.h"
#include "engine/index/segment_scan.h"

namespace passerelle::engine {
namespace {

namespace sc = scoring;

using scan_internal::CandidateReads;
using scan_internal::CandidateRows;
using scan_internal::KeptRow;
using scan_internal::OpeningRows;
using scan_internal::PlanCandidateReads;
using scan_internal::RunningQuery;
using scan_internal::ScanPart;
using scan_internal::ScanPlanned;
using scan_internal::ScanPlannedCandidates;
using scan_internal::ScanSegments;
using scan_internal::Selection;

}  // namespace

// Linear in codes + table (it was codes x table, run per candidate by Rerank): 5,000 codes made a
// 500-candidate Rerank take 21 s (issue 16).
absl::StatusOr<std::vector<uint8_t>> BuildOccupationFilter(const std::vector<std::string>& codes,
                                                           const ReferenceData& data) {
  std::vector<uint8_t> allowed;
  if (codes.empty()) return allowed;
  absl::flat_hash_set<absl::string_view> listed(codes.begin(), codes.end());
  absl::flat_hash_set<absl::string_view> matched;
  allowed.assign(data.occupations().size(), 0);
  for (size_t r = 0; r < data.occupations().size(); ++r) {
    const RomeOccupation& occ = data.occupations()[r];
    const absl::string_view grand_domaine(&occ.grand_domaine, 1);
    for (absl::string_view code : {absl::string_view(occ.code), absl::string_view(occ.domaine_code), grand_domaine}) {
      if (listed.contains(code)) {
        allowed[r] = 1;
        matched.insert(code);
      }
    }
  }
  for (size_t i = 0; i < codes.size(); ++i) {
    if (!matched.contains(codes[i])) {
      return InvalidFieldError(absl::StrCat("occupations[", i, "]"),
                               absl::StrCat(engine::Quote(codes[i]), " is neither a ROME 4.0 code, a domaine nor a grand domaine"));
    }
  }
  return allowed;
}

absl::Status ValidateMatchQuery(const MatchQuery& query, const ReferenceData& data) {
  if (query.k < 1 || query.k > kMaxK) {
    return InvalidFieldError("k", absl::StrCat("must be in [1, ", kMaxK, "], got ", query.k));
  }
  if (!std::isfinite(query.min_score) || query.min_score < 0 || query.min_score > 1) {
    return InvalidFieldError("min_score", absl::StrCat("must be in [0, 1], got ", query.min_score));
  }
  if (!std::isfinite(query.max_distance_km) || query.max_distance_km < 0) {
    return InvalidFieldError("max_distance_km", absl::StrCat("must be finite and >= 0, got ", query.max_distance_km));
  }
  if (query.near_misses < 0 || query.near_misses > kMaxK) {
    return InvalidFieldError("near_misses", absl::StrCat("must be in [0, ", kMaxK, "], got ", query.near_misses));
  }
  if (query.contract_types & ~kAllContractsMask) return InvalidFieldError("contract_types", "unknown contract bit");
  if (query.allowed_rome != nullptr) return absl::OkStatus();  // built (and so checked) once per request
  return BuildOccupationFilter(query.occupations, data).status();
}

// Openings are bucketed by région and whether they provide housing, so a candidate's query skips the
// segments none of which it can reach (CannotBeEligible), and kept in place order within their bucket
// (reordered like the candidates), so that a segment, and each of its blocks, covers a compact part of
// the région and a query reads only the blocks within its reach (OpeningBlocksInReach). Candidates are not bucketed: a batch of writes
// scattered over many buckets copies and rebuilds a 4,096-row segment per bucket it touches, which made
// imports about 10x slower and start-up 7x slower at 1M candidates (benchmarks/results/2026-11-23).
// They are kept in place order instead (engine/columns/place_order.h): writes append to a tail, and a
// reorder now and then rewrites the whole table sorted, so that a segment covers a compact area and an
// opening's query skips the segments beyond its reach.
MatchIndex::MatchIndex(std::shared_ptr<const ReferenceData> data, MatchIndexOptions options)
    : data_(std::move(data)),
      options_(options),
      relations_(*data_),
      candidates_(nullptr, [](const ResolvedCandidate& c) { return CandidatePlaceKey(c); }),
      openings_([](const ResolvedOpening& o) {
        return static_cast<uint32_t>(o.region_index) * 2 + (o.record.housing_provided ? 1 : 0);
      }, [](const ResolvedOpening& o) { return OpeningPlaceKey(o); }) {}

uint32_t MatchIndex::OwnerCode(const std::string& owner_id) const {
  {
    std::shared_lock lock(owners_mu_);
    if (auto it = owner_codes_.find(owner_id); it != owner_codes_.end()) return it->second;
  }
  std::unique_lock lock(owners_mu_);
  return owner_codes_.try_emplace(owner_id, static_cast<uint32_t>(owner_codes_.size() + 1)).first->second;
}

std::vector<uint8_t> MatchIndex::VisibleOwnerCodes(const CandidateVisibility& visibility) const {
  std::vector<uint8_t> allowed;
  if (!visibility.restricted) return allowed;
  std::shared_lock lock(owners_mu_);
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
  UpsertCandidatesIf(candidates, nullptr);
}
bool MatchIndex::UpsertCandidatesIf(absl::Span<const std::shared_ptr<const ResolvedCandidate>> candidates,
                                    const std::function<bool()>& durable) {
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
  if (!candidates_.ApplyIf(coded.empty() ? candidates : absl::MakeConstSpan(coded), {}, durable)) return false;
  MaybeReorderCandidates();
  if (HasListener()) {
    std::vector<std::string> ids;
    for (const auto& c : candidates) ids.push_back(c->record.id);
    NotifyWrite(IndexTable::kCandidates, ids);
  }
  return true;
}
void MatchIndex::UpsertOpenings(absl::Span<const std::shared_ptr<const ResolvedOpening>> openings) {
  UpsertOpeningsIf(openings, nullptr);
}
bool MatchIndex::UpsertOpeningsIf(absl::Span<const std::shared_ptr<const ResolvedOpening>> openings,
                                  const std::function<bool()>& durable) {
  if (!openings_.ApplyIf(openings, {}, durable)) return false;
  MaybeReorderOpenings();
  if (HasListener()) {
    std::vector<std::string> ids;
    for (const auto& o : openings) ids.push_back(o->record.id);
    NotifyWrite(IndexTable::kOpenings, ids);
  }
  return true;
}
bool MatchIndex::RemoveCandidate(const std::string& id) {
  const bool removed = candidates_.Apply({}, {id}) > 0;
  if (removed) MaybeReorderCandidates();
  if (removed) NotifyWrite(IndexTable::kCandidates, {id});
  return removed;
}
bool MatchIndex::RemoveOpening(const std::string& id) {
  const bool removed = openings_.Apply({}, {id}) > 0;
  if (removed) MaybeReorderOpenings();
  if (removed) NotifyWrite(IndexTable::kOpenings, {id});
  return removed;
}

void MatchIndex::EncodeCandidate(const ResolvedCandidate& candidate, EncodedCandidates* rows) const {
  rows->Add(candidate, OwnerCode(candidate.record.owner_id), CandidatePlaceKey(candidate));
}

bool MatchIndex::LoadCandidates(const std::vector<EncodedCandidates>& parts) {
  // A row's reference is (part << 32 | index in its part), listed in the parts' order: the table keeps
  // that order among equal keys, so it does not depend on how the rows were split.
  std::vector<std::pair<uint64_t, uint64_t>> rows;
  size_t total = 0;
  for (const EncodedCandidates& part : parts) total += part.size();
  rows.reserve(total);
  for (size_t p = 0; p < parts.size(); ++p) {
    for (size_t i = 0; i < parts[p].size(); ++i) rows.emplace_back(parts[p].place_keys[i], (uint64_t{p} << 32) | i);
  }
  const auto part_of = [&parts](uint64_t reference) -> const EncodedCandidates& { return parts[reference >> 32]; };
  const auto index_of = [](uint64_t reference) { return static_cast<size_t>(reference & 0xffffffffu); };
  return candidates_.Load(
      std::move(rows),
      [&](CandidateSegment& segment, absl::Span<const std::pair<uint64_t, uint64_t>> refs) {
        size_t bytes = 0;
        for (const auto& [key, ref] : refs) bytes += part_of(ref).packed_of(index_of(ref)).size();
        segment.ReserveArena(bytes);
        for (size_t row = 0; row < refs.size(); ++row) {
          const EncodedCandidates& part = part_of(refs[row].second);
          const size_t i = index_of(refs[row].second);
          segment.SetEncoded(static_cast<int>(row), part.features[i], part.filters[i], part.packed_of(i));
        }
      },
      [&](uint64_t ref) { return PackedCandidateView(part_of(ref).packed_of(index_of(ref))).id; },
      options_.query_threads);
}

void MatchIndex::ReorderCandidates() { candidates_.Reorder(options_.query_threads); }

namespace {
// The one reorder rule of both tables (MatchIndexOptions): at least `min_rows` rows out of order and at
// least `fraction` of the live rows; min_rows <= 0 turns automatic reorders off.
bool ReorderDue(int64_t unordered, int64_t live, int64_t min_rows, double fraction) {
  if (min_rows <= 0 || unordered < min_rows) return false;
  return static_cast<double>(unordered) >= fraction * static_cast<double>(live);
}
}  // namespace

template <typename Table>
void MatchIndex::MaybeReorder(const Table& table, TableReorders& reorders, int64_t min_rows, double fraction,
                              void (MatchIndex::*reorder)()) {
  if (reorders.paused.load() || reorders.busy.load()) return;
  if (!ReorderDue(static_cast<int64_t>(table.unordered_rows()), static_cast<int64_t>(table.size()), min_rows,
                  fraction)) {
    return;
  }
  if (!options_.background_reorders) {
    (this->*reorder)();
  } else if (!reorders.busy.exchange(true)) {  // else another writer queued it first
    QueueReorder(reorders);
  }
}

void MatchIndex::MaybeReorderCandidates() {
  MaybeReorder(candidates_, candidate_reorders_, options_.candidate_reorder_min_rows,
               options_.candidate_reorder_fraction, &MatchIndex::ReorderCandidates);
}

void MatchIndex::ReorderOpenings() { openings_.Reorder(options_.query_threads); }

void MatchIndex::MaybeReorderOpenings() {
  MaybeReorder(openings_, opening_reorders_, options_.opening_reorder_min_rows, options_.opening_reorder_fraction,
               &MatchIndex::ReorderOpenings);
}

void MatchIndex::QueueReorder(TableReorders& reorders) {
  {
    std::lock_guard<std::mutex> lock(reorder_mu_);
    if (stopping_) return;  // being destroyed
    reorders.queued = true;
    if (!reorder_thread_.joinable()) reorder_thread_ = std::thread([this] { RunReorders(); });
  }
  reorder_changed_.notify_all();
}

void MatchIndex::RunReorders() {
  std::unique_lock<std::mutex> lock(reorder_mu_);
  for (;;) {
    reorder_changed_.wait(lock, [this] { return stopping_ || candidate_reorders_.queued || opening_reorders_.queued; });
    if (stopping_) return;
    const bool candidates = std::exchange(candidate_reorders_.queued, false);
    const bool openings = std::exchange(opening_reorders_.queued, false);
    ++reorders_running_;
    lock.unlock();
    if (candidates) {
      ReorderCandidates();
      candidate_reorders_.busy.store(false);
    }
    if (openings) {
      ReorderOpenings();
      opening_reorders_.busy.store(false);
    }
    lock.lock();
    --reorders_running_;
    reorder_changed_.notify_all();
  }
}

void MatchIndex::WaitForReorders() {
  std::unique_lock<std::mutex> lock(reorder_mu_);
  reorder_changed_.wait(lock, [this] {
    return stopping_ || (!candidate_reorders_.queued && !opening_reorders_.queued && reorders_running_ == 0);
  });
}

MatchIndex::~MatchIndex() {
  std::thread worker;
  {
    std::lock_guard<std::mutex> lock(reorder_mu_);
    stopping_ = true;
    worker = std::move(reorder_thread_);
  }
  reorder_changed_.notify_all();
  if (worker.joinable()) worker.join();
}

void MatchIndex::SetWriteListener(IndexWriteListener listener) const {
  std::lock_guard lock(listener_mu_);
  listener_ = listener ? std::make_shared<const IndexWriteListener>(std::move(listener)) : nullptr;
}

bool MatchIndex::HasListener() const {
  std::lock_guard lock(listener_mu_);
  return listener_ != nullptr;
}

void MatchIndex::NotifyWrite(IndexTable table, absl::Span<const std::string> ids) const {
  std::shared_ptr<const IndexWriteListener> listener;
  {
    std::lock_guard lock(listener_mu_);
    listener = listener_;
  }
  if (listener) (*listener)(table, ids);
}

absl::StatusOr<MatchResult> MatchIndex::MatchOpenings(const std::string& candidate_id, const MatchQuery& query,
                                                      const ScoringProfile& profile) const {
  std::shared_ptr<const ResolvedCandidate> candidate = FindCandidate(candidate_id);
  if (!candidate) return FieldStatus(absl::StatusCode::kNotFound, "candidate_id",
                                         absl::StrCat("no candidate \"", candidate_id, "\""));
  return MatchOpeningsFor(*candidate, query, profile);
}

absl::StatusOr<MatchResult> MatchIndex::MatchCandidates(const std::string& opening_id, const MatchQuery& query,
                                                        const ScoringProfile& profile) const {
  std::shared_ptr<const ResolvedOpening> opening = FindOpening(opening_id);
  if (!opening) return FieldStatus(absl::StatusCode::kNotFound, "opening_id",
                                         absl::StrCat("no opening \"", opening_id, "\""));
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
  std::vector<uint8_t> built_filter;
  if (query.allowed_rome == nullptr) {
    PASSERELLE_ASSIGN_OR_RETURN(built_filter, BuildOccupationFilter(query.occupations, *data_));
  }
  const std::vector<uint8_t>& allowed_rome = query.allowed_rome != nullptr ? *query.allowed_rome : built_filter;
  sc::KernelParams params = sc::MakeKernelParams(profile, query.today);
  params.score_experience = query.score_experience;
  const std::vector<float> best_by_rome = sc::BestOccupationScoresFrom(relations_, candidate, query.score_experience);
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
  const bool full_scan = !may_skip;
  auto scan = [&](size_t begin, size_t end, Selection& part, MatchResult& counts) {
    ScanPart<OpeningRows>(snapshot.segments, begin, end, candidate, candidate_features, best_by_rome, !full_scan,
                          options_.opening_in_place_fraction, params, extra_ok, part, counts);
  };
  const RunningQuery running(running_queries_);
  selection.count_blockers = full_scan;
  ScanSegments(snapshot.segments, static_cast<int64_t>(snapshot.live_rows), options_, running.others(), query,
               scan, &selection, &result);
  if (may_skip) result.scored += static_cast<int64_t>(snapshot.live_rows);
  if (result.eligible == 0 && may_skip && query.count_blockers_in_scope) {
    // No eligible opening: one more pass over every opening, only to count what blocks those in scope
    // (engine/index/blocker_count.h: the kernel's bits without the walks).
    auto count = [&](size_t begin, size_t end, Selection&, MatchResult& counts) {
      scan_internal::CountOpeningBlockers(snapshot.segments, begin, end, candidate, candidate_features, best_by_rome,
                                          params, query, extra_ok, &counts);
    };
    Selection unused(query);
    MatchResult counts;
    ScanSegments(snapshot.segments, static_cast<int64_t>(snapshot.live_rows), options_, running.others(), query,
                 count, &unused, &counts);
    result.blocker_counts = counts.blocker_counts;
  }
  if (result.eligible != 0) result.blocker_counts = {};
  selection.Finish(params, [&](const KeptRow& kept) {
    return ExplainPair(candidate, *snapshot.segments[kept.segment]->record(kept.row), profile, *data_, relations_,
                       query.today, query.languages);
  }, &result);
  return result;
}

absl::StatusOr<MatchResult> MatchIndex::MatchCandidatesFor(const ResolvedOpening& opening, const MatchQuery& query,
                                                           const ScoringProfile& profile) const {
  PASSERELLE_RETURN_IF_ERROR(ValidateScoringProfile(profile));
  PASSERELLE_RETURN_IF_ERROR(ValidateMatchQuery(query, *data_));
  sc::KernelParams params = sc::MakeKernelParams(profile, query.today);
  params.score_experience = query.score_experience;
  const std::vector<float> relation_to = sc::RelationScoresTo(relations_, opening.rome_index, query.score_experience);
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
  const RunningQuery running(running_queries_);
  if (may_skip) {
    // The segments and blocks in reach first, so that the threads share the rows read
    // (scan_internal::CandidateReads); `scored` is every live row less those not read.
    const CandidateReads plan = PlanCandidateReads(snapshot->segments, opening);
    auto scan = [&](size_t begin, size_t end, Selection& part, MatchResult& counts) {
      ScanPlannedCandidates(snapshot->segments, plan, begin, end, opening, opening_features, relation_to, params,
                            options_.candidate_in_place_fraction, visible, part, counts);
    };
    ScanPlanned(plan, options_, running.others(), query, scan, &selection, &result);
    result.scored = static_cast<int64_t>(snapshot->live_rows) - plan.live_rows_skipped;
  } else {
    auto scan = [&](size_t begin, size_t end, Selection& part, MatchResult& counts) {
      ScanPart<CandidateRows>(snapshot->segments, begin, end, opening, opening_features, relation_to, false,
                              options_.candidate_in_place_fraction, params, visible, part, counts);
    };
    ScanSegments(snapshot->segments, static_cast<int64_t>(snapshot->live_rows), options_, running.others(), query,
                 scan, &selection, &result);
  }
  selection.Finish(params, [&](const KeptRow& kept) {
    return ExplainPair(*snapshot->segments[kept.segment]->record(kept.row), opening, profile, *data_, relations_,
                       query.today, query.languages);
  }, &result);
  return result;
}

absl::StatusOr<Explanation> MatchIndex::Explain(const std::string& candidate_id, const std::string& opening_id,
                                                const ScoringProfile& profile, Day today,
                                                SentenceLanguages languages) const {
  PASSERELLE_RETURN_IF_ERROR(ValidateScoringProfile(profile));
  std::shared_ptr<const ResolvedCandidate> candidate = FindCandidate(candidate_id);
  if (!candidate) return FieldStatus(absl::StatusCode::kNotFound, "candidate_id",
                                         absl::StrCat("no candidate \"", candidate_id, "\""));
  std::shared_ptr<const ResolvedOpening> opening = FindOpening(opening_id);
  if (!opening) return FieldStatus(absl::StatusCode::kNotFound, "opening_id",
                                         absl::StrCat("no opening \"", opening_id, "\""));
  return ExplainPair(*candidate, *opening, profile, *data_, relations_, today, languages);
}

std::vector<std::pair<uint32_t, int64_t>> BlockerSummary(const MatchResult& result) {
  std::vector<std::pair<uint32_t, int64_t>> summary;
  for (int i = 0; i < kBlockerKinds; ++i) {
    if (result.blocker_counts[i] > 0) summary.emplace_back(1u << i, result.blocker_counts[i]);
  }
  std::stable_sort(summary.begin(), summary.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  return summary;
}

}  // namespace passerelle::engine
