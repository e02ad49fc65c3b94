// One vector path of the kernels. This file is compiled once per instruction set
// (engine/cmake/kernel_variants.cmake), each time with PASSERELLE_KERNEL_NS naming the path's namespace,
// and engine/scoring/kernel_dispatch.cc picks one at run time. Only PASSERELLE_KERNEL_NS::Path() stays a
// global symbol of the object: every inline, template and Eigen function instantiated here is made local
// to it, so no path's machine code can stand in for another's at link time (engine/README.md).
#include <algorithm>
#include <array>
#include <bit>
#include <cmath>

#if defined(__AVX2__)
#include <immintrin.h>
#endif

#include "engine/scoring/constants.h"
#include "engine/scoring/criteria/french.h"
#include "engine/scoring/criteria/timing.h"
#include "engine/scoring/criteria_walks.h"
#include "engine/scoring/feature_sources.h"
#include "engine/scoring/kernel_dispatch.h"
#include "engine/scoring/pair_kernel.h"
#include "engine/scoring/row_selection.h"

#ifndef PASSERELLE_KERNEL_NS
#error "compile with -DPASSERELLE_KERNEL_NS=<path name> (engine/cmake/kernel_variants.cmake)"
#endif
#define PASSERELLE_STRINGIFY_(x) #x
#define PASSERELLE_STRINGIFY(x) PASSERELLE_STRINGIFY_(x)

namespace passerelle::engine::scoring::PASSERELLE_KERNEL_NS {

namespace {

// The kernel's distance is 2·R·asin(chord / 2) >= R·chord (every term of its asin polynomial is
// positive), so a row whose R·chord exceeds the radius is beyond it. The margins (relative and absolute)
// are far above float rounding in either computation, so no row within the radius is ever dropped; rows
// kept by the margin are decided by the kernel.
constexpr float kRadiusMargin = 1.001f;
constexpr float kDistanceMarginKm = 0.5f;

// Slots are 0 except for the selected rows, so a new selection only resets the previous one's rows
// rather than writing a slot for every row.
void Prepare(int capacity, RowSelection* out) {
  if (static_cast<int>(out->rows.size()) < capacity) {
    out->rows.resize(capacity);
    out->slot.resize(capacity, 0);
  }
  if (out->all_rows) {
    std::fill_n(out->slot.begin(), out->count, 0);
  } else {
    for (int i = 0; i < out->count; ++i) out->slot[out->rows[i]] = 0;
  }
  out->count = 0;
  out->all_rows = false;
}

// Bit j set when chunk[j] >= 0, for kBlockRowMultiple values. GCC does not vectorise the loop in
// context, hence one AVX-512 compare where available (the same test: ordered, >=).
inline uint32_t KeptBits(const float* chunk) {
#if defined(__AVX512F__)
  static_assert(kBlockRowMultiple == 16, "one 16-lane compare per chunk");
  return _mm512_cmp_ps_mask(_mm512_loadu_ps(chunk), _mm512_setzero_ps(), _CMP_GE_OQ);
#else
  uint32_t bits = 0;
  for (int j = 0; j < kBlockRowMultiple; ++j) bits |= static_cast<uint32_t>(chunk[j] >= 0.0f) << j;
  return bits;
#endif
}

// Adds the rows [begin, n) with keep[row] >= 0 to the selection, in ascending order (after the rows
// already selected, all below `begin`). `keep` holds PaddedRows(n) values; `begin` is a multiple of
// kBlockRowMultiple.
void Compact(const FloatColumn& keep, int begin, int n, RowSelection* out) {
  static_assert(kBlockRowMultiple <= 32, "one bit per row of a chunk");
  int m = out->count;
  for (int base = begin; base < n; base += kBlockRowMultiple) {
    // A bit per row kept, so that the rows left out (most of them) cost no branch each.
    uint32_t bits = KeptBits(keep.data() + base);
    if (n - base < kBlockRowMultiple) bits &= (1u << (n - base)) - 1;
    for (; bits != 0; bits &= bits - 1) {
      const int row = base + std::countr_zero(bits);
      out->rows[m] = row;
      out->slot[row] = ++m;
    }
  }
  out->count = m;
}



}  // namespace

void SelectAll(int used_rows, int capacity, RowSelection* out) {
  Prepare(capacity, out);
  for (int row = 0; row < used_rows; ++row) out->rows[row] = row, out->slot[row] = row + 1;
  out->count = used_rows;
  out->all_rows = true;
  out->begin_row = 0;
  out->end_row = used_rows;
}

namespace {

// keep[i] = 1 where row i may be eligible, else -1, for rows [0, padded): one branch-free pass over the
// columns that decide the cheap hard constraints, which GCC vectorises. Streaming these columns whole
// costs less than fetching the rows in reach one by one (a few percent of rows, but on a third of the
// cache lines), and nothing more when many rows are in reach (an opening with housing).
template <bool kHousing, bool kLicenceRequired>
void CandidateKeepPass(const CandidateSegment& s, const OpeningRowFeatures& o, int begin, int padded, float* keep) {
  const float *x = s.x.data(), *y = s.y.data(), *z = s.z.data(), *radius = s.radius_km.data();
  const float *alive = s.alive.data(), *right_to_work = s.right_to_work.data();
  const float *relocation = s.relocation_accepted.data(), *licence = s.driving_licence.data();
  const uint32_t *accepted = s.accepted_contracts.data(), *availability = s.weekly_availability.data();
  const uint32_t* held = s.held_licences.data();
  const float* min_salary = s.min_salary_eur.data();
  const uint32_t *spoken0 = s.languages_spoken_0.data(), *spoken1 = s.languages_spoken_1.data(),
                 *spoken2 = s.languages_spoken_2.data();
  const float r2 = kEarthRadiusKm * kEarthRadiusKm;
  const bool no_schedule = o.weekly_schedule == 0;
  for (int i = begin; i < padded; ++i) {
    const float dx = x[i] - o.x, dy = y[i] - o.y, dz = z[i] - o.z;
    const float limit = radius[i] * kRadiusMargin + kDistanceMarginKm;
    bool ok = limit * limit - (dx * dx + dy * dy + dz * dz) * r2 >= 0.0f;
    if constexpr (kHousing) ok |= relocation[i] > 0.5f;  // whoever would move is in reach wherever they live
    ok &= (alive[i] > 0.5f) & (right_to_work[i] > 0.5f);
    ok &= (accepted[i] == 0) | ((accepted[i] & o.contract_bit) != 0);                         // ContractAccepted
    ok &= no_schedule | (availability[i] == 0) | ((availability[i] & o.weekly_schedule) != 0);  // coverage > 0
    if constexpr (kLicenceRequired) ok &= licence[i] > 0.5f;
    ok &= (o.licences_required & ~held[i]) == 0;                                                // LicencesMissing
    ok &= WorkingTimeFits(availability[i], o.night_slots, o.weekend_slots);
    ok &= !SalaryBelowFloor(min_salary[i], o.salary_max_eur);
    ok &= !LanguagesMissing(spoken0[i], spoken1[i], spoken2[i], o.languages_required_0, o.languages_required_1,
                            o.languages_required_2);
    keep[i] = ok ? 1.0f : -1.0f;
  }
}

}  // namespace

// Each run of consecutive blocks in `blocks` is passed over and compacted in turn, as SelectOpenings
// does: a run ends on a block boundary, a multiple of kBlockRowMultiple, so its padded end never reaches
// the next run.
void SelectCandidates(const CandidateSegment& segment, const OpeningRowFeatures& o, uint64_t blocks,
                      FloatColumn* scratch, RowSelection* out) {
  static_assert(CandidateSegment::kBlockRows % kBlockRowMultiple == 0 && CandidateSegment::kBlocks == 64,
                "blocks start on a chunk and fit in the mask");
  Prepare(CandidateSegment::kRows, out);
  out->begin_row = out->end_row = 0;
  const int n = segment.used_rows;
  if (scratch->size() < CandidateSegment::kRows) scratch->resize(CandidateSegment::kRows);
  const bool housing = o.housing_provided > 0.5f, licence_required = o.licence_requirement > 1.5f;
  float* keep = scratch->data();
  bool first = true;
  for (uint64_t bits = blocks; bits != 0;) {
    const int b = std::countr_zero(bits);
    const int run = std::countr_one(bits >> b);  // 1 .. 64 - b
    bits = run + b >= 64 ? 0 : bits & ~(((uint64_t{1} << run) - 1) << b);
    const int begin = b * CandidateSegment::kBlockRows;
    if (begin >= n) break;
    const int end = std::min(n, (b + run) * CandidateSegment::kBlockRows);
    const int padded = PaddedRows(end);
    if (housing) {
      licence_required ? CandidateKeepPass<true, true>(segment, o, begin, padded, keep)
                       : CandidateKeepPass<true, false>(segment, o, begin, padded, keep);
    } else {
      licence_required ? CandidateKeepPass<false, true>(segment, o, begin, padded, keep)
                       : CandidateKeepPass<false, false>(segment, o, begin, padded, keep);
    }
    Compact(*scratch, begin, end, out);
    if (first) out->begin_row = begin;
    first = false;
    out->end_row = end;
  }
}

namespace {

// The same for one candidate against a segment of openings.
template <bool kRelocates, bool kNoLicence>
void OpeningKeepPass(const OpeningSegment& s, const CandidateRowFeatures& c, int begin, int padded, float* keep) {
  const float *x = s.x.data(), *y = s.y.data(), *z = s.z.data(), *alive = s.alive.data();
  const float *housing = s.housing_provided.data(), *licence = s.licence_requirement.data();
  const uint32_t *contract = s.contract_bit.data(), *schedule = s.weekly_schedule.data();
  const uint32_t *licences = s.licences_required.data(), *night = s.night_slots.data(), *weekend = s.weekend_slots.data();
  const float* salary_max = s.salary_max_eur.data();
  const uint32_t *required0 = s.languages_required_0.data(), *required1 = s.languages_required_1.data(),
                 *required2 = s.languages_required_2.data();
  const float limit = c.radius_km * kRadiusMargin + kDistanceMarginKm;
  const float limit2 = limit * limit, r2 = kEarthRadiusKm * kEarthRadiusKm;
  const bool any_contract = c.accepted_contracts == 0, no_availability = c.weekly_availability == 0;
  for (int i = begin; i < padded; ++i) {
    const float dx = x[i] - c.x, dy = y[i] - c.y, dz = z[i] - c.z;
    bool ok = limit2 - (dx * dx + dy * dy + dz * dz) * r2 >= 0.0f;
    if constexpr (kRelocates) ok |= housing[i] > 0.5f;  // a move is possible wherever the housing is
    ok &= alive[i] > 0.5f;
    ok &= any_contract | ((c.accepted_contracts & contract[i]) != 0);                             // ContractAccepted
    ok &= no_availability | (schedule[i] == 0) | ((c.weekly_availability & schedule[i]) != 0);  // coverage > 0
    if constexpr (kNoLicence) ok &= licence[i] < 1.5f;  // no licence: a required one blocks
    ok &= (licences[i] & ~c.held_licences) == 0;                                                // LicencesMissing
    ok &= WorkingTimeFits(c.weekly_availability, night[i], weekend[i]);
    ok &= !SalaryBelowFloor(c.min_salary_eur, salary_max[i]);
    ok &= !LanguagesMissing(c.languages_spoken_0, c.languages_spoken_1, c.languages_spoken_2, required0[i],
                            required1[i], required2[i]);
    keep[i] = ok ? 1.0f : -1.0f;
  }
}

}  // namespace

// Each run of consecutive blocks in `blocks` is passed over and compacted in turn; a run ends on a
// block boundary, a multiple of kBlockRowMultiple, so its padded end never reaches the next run.
void SelectOpenings(const OpeningSegment& segment, const CandidateRowFeatures& c, uint32_t blocks,
                    FloatColumn* scratch, RowSelection* out) {
  static_assert(OpeningSegment::kBlockRows % kBlockRowMultiple == 0 && OpeningSegment::kBlocks <= 31,
                "blocks start on a chunk and fit in the mask");
  Prepare(OpeningSegment::kRows, out);
  out->begin_row = out->end_row = 0;
  if (c.right_to_work < 0.5f) return;
  const int n = segment.used_rows;
  if (scratch->size() < OpeningSegment::kRows) scratch->resize(OpeningSegment::kRows);
  const bool relocates = c.relocation_accepted > 0.5f, no_licence = c.driving_licence < 0.5f;
  float* keep = scratch->data();
  bool first = true;
  for (uint32_t bits = blocks & ((1u << OpeningSegment::kBlocks) - 1); bits != 0;) {
    const int b = std::countr_zero(bits);
    const int run = std::countr_one(bits >> b);
    bits &= ~(((1u << run) - 1) << b);
    const int begin = b * OpeningSegment::kBlockRows;
    if (begin >= n) break;
    const int end = std::min(n, (b + run) * OpeningSegment::kBlockRows);
    const int padded = PaddedRows(end);
    if (relocates) {
      no_licence ? OpeningKeepPass<true, true>(segment, c, begin, padded, keep)
                 : OpeningKeepPass<true, false>(segment, c, begin, padded, keep);
    } else {
      no_licence ? OpeningKeepPass<false, true>(segment, c, begin, padded, keep)
                 : OpeningKeepPass<false, false>(segment, c, begin, padded, keep);
    }
    Compact(*scratch, begin, end, out);
    if (first) out->begin_row = begin;
    first = false;
    out->end_row = end;
  }
}


namespace {

template <class Column>
void GatherColumn(const Column& from, const RowSelection& selection, Column* to) {
  const int32_t* rows = selection.rows.data();
  for (int i = 0; i < selection.count; ++i) (*to)[i] = from[rows[i]];
  for (int i = selection.count; i < selection.padded(); ++i) (*to)[i] = (*to)[0];
}

#define PASSERELLE_GATHER(name, type, neutral, encoding) GatherColumn(s.name, selection, &out->name);

void GatherCandidates(const CandidateSegment& s, const RowSelection& selection, CandidateBlock* out) {
  PASSERELLE_CANDIDATE_FEATURES(PASSERELLE_GATHER)
}

void GatherOpenings(const OpeningSegment& s, const RowSelection& selection, OpeningBlock* out) {
  PASSERELLE_OPENING_FEATURES(PASSERELLE_GATHER)
}

#undef PASSERELLE_GATHER

// exp(decay * d) for the whole days d in [0, kBoundTimingDays), decay being the timing criterion's per
// day (std::exp: the kernel's vectorised exp differs by a few ulps, which the bound's slack covers).
const std::array<float, kBoundTimingDays>& TimingDecayTable() {
  static const std::array<float, kBoundTimingDays> table = [] {
    std::array<float, kBoundTimingDays> t{};
    const float decay_per_day = -std::log(2.0f) / kTimingHalfLifeDays;
    for (int d = 0; d < kBoundTimingDays; ++d) t[d] = std::exp(decay_per_day * static_cast<float>(d));
    return t;
  }();
  return table;
}

// keep[i] = 1 where the bound of selected row i (OpeningRowBound) reaches the threshold, else -1, for
// i in [0, count): two passes without branches that read the rows' columns through their indices (GCC
// vectorises them on the AVX2 and AVX-512 paths). Every pointer is a __restrict parameter: GCC vectorises
// a loop with indexed loads only when it knows that nothing the loop writes is read through another one.
void RowBounds(const OpeningRowBound& b, const int32_t* __restrict rows, const float* __restrict occupation,
               const float* __restrict skills, const float* __restrict tension, const float* __restrict housing,
               const float* __restrict french_requirement, const float* __restrict french_min_level,
               const float* __restrict start_date, const float* __restrict base_of, const float* __restrict decay,
               int count, int32_t* __restrict days, float* __restrict keep) {
  constexpr auto kIndex = [](Criterion c) { return static_cast<int>(c); };
  const float occupation_weight = b.weights[kIndex(Criterion::kOccupation)];
  const float skills_weight = b.weights[kIndex(Criterion::kSkills)];
  const float french_weight = b.weights[kIndex(Criterion::kFrench)];
  const float tension_weight = b.weights[kIndex(Criterion::kTension)];
  const float timing_weight = b.weights[kIndex(Criterion::kTiming)];
  const float french_met = b.french_met, french_level = b.french_level, threshold = b.threshold;
  const float available_from = b.available_from, today = b.today;
  // The wait (0 when negative or no start) in whole days rounded down (the decay only falls), in a loop
  // of its own: GCC 12 does not vectorise a gather whose index is converted from a float in the same loop.
  for (int i = 0; i < count; ++i) {
    const float start = start_date[rows[i]];
    const float wait = std::max(FloatOf(start > 0) * (available_from - std::max(start, today)), 0.0f);
    days[i] = static_cast<int32_t>(std::min(wait, static_cast<float>(kBoundTimingDays - 1)));
  }
  static_assert(OpeningSegment::kBlockRows == 64, "a row's block is row >> 6");
  for (int i = 0; i < count; ++i) {
    const int32_t row = rows[i];
    const float gap = french_min_level[row] - french_level;
    const float required = FloatOf(!(french_requirement[row] < 0.5f));
    const float met = FloatOf(gap < 0.5f);
    const float unmet = std::max(kFrenchGapClosable, 1.0f - kFrenchDesiredGapPenalty * gap);
    const float french = required * (met * french_met + (1.0f - met) * unmet) + (1.0f - required) * 1.0f;
    const int32_t base = 2 * (row >> 6) + static_cast<int32_t>(housing[row] > 0.5f);
    const float bound = base_of[base] + occupation_weight * occupation[i] + skills_weight * skills[i] +
                        french_weight * french + tension_weight * tension[row] + timing_weight * decay[days[i]];
    keep[i] = bound < threshold ? -1.0f : 1.0f;
  }
}

// The rows kept are found a chunk at a time (KeptBits) and only those are copied.
int64_t DropRowsBelow(const OpeningSegment& segment, const OpeningRowBound& b, FloatColumn* scratch,
                      RowSelection* selection, WalkedCriteria* walked) {
  const int count = selection->count;
  if (count == 0) return 0;
  if (scratch->size() < OpeningSegment::kRows) scratch->resize(OpeningSegment::kRows);
  float* keep = scratch->data();
  std::array<int32_t, OpeningSegment::kRows> days;
  int32_t* rows = selection->rows.data();
  int32_t* slot = selection->slot.data();
  float* occupation = walked->occupation.data();
  float* skills = walked->skills.data();
  float* missing_required = walked->missing_required.data();
  float* credited = walked->credited_experience_months.data();
  RowBounds(b, rows, occupation, skills, segment.tension.data(), segment.housing_provided.data(),
            segment.french_requirement.data(), segment.french_min_level.data(), segment.start_date.data(),
            b.base_of.data(), TimingDecayTable().data(), count, days.data(), keep);
  // The rows kept, in order, in place (a row moves only down), numbered afresh; every other slot back to
  // 0 (the selected rows lie in [begin_row, end_row), and the slots of the rows not selected are 0).
  std::fill(slot + selection->begin_row, slot + selection->end_row, 0);
  int kept = 0;
  for (int base = 0; base < count; base += kBlockRowMultiple) {
    uint32_t bits = KeptBits(keep + base);
    if (count - base < kBlockRowMultiple) bits &= (1u << (count - base)) - 1;
    for (; bits != 0; bits &= bits - 1) {
      const int i = base + std::countr_zero(bits);
      const int32_t row = rows[i];
      rows[kept] = row;
      occupation[kept] = occupation[i];
      skills[kept] = skills[i];
      missing_required[kept] = missing_required[i];
      credited[kept] = credited[i];
      slot[row] = ++kept;
    }
  }
  selection->count = kept;
  // The padding rows the kernel computes hold zeros, as the walks leave them.
  for (int i = kept; i < selection->padded(); ++i) occupation[i] = skills[i] = missing_required[i] = credited[i] = 0;
  return count - kept;
}

// Rows per ScorePairs call. Over a whole 4,096-row segment the kernel's ~35 passes each stream some 70
// arrays (the two sides' columns, the walked criteria and BlockScores), over a megabyte that falls out of
// L2 between passes; a chunk of 256 rows keeps them near 70 KB. A multiple of kBlockRowMultiple, so that
// every row of a chunk still goes through the packet code and scores bit for bit as unchunked.
constexpr Eigen::Index kChunkRows = 256;
static_assert(kChunkRows % kBlockRowMultiple == 0, "chunks never reach a scalar tail");

// flatten: ScorePairs is too large for GCC to inline the small per-row functions of its loops
// (ExperienceScoreOf, ScheduleCoverage, ...) and Eigen's expression calls into it, which left each such
// loop scalar around a call per row and each pass behind calls (perf). Inlining everything into the one
// function that runs them restores the vectorised loops; the arithmetic is unchanged. Sanitizer builds leave
// it out (engine/cmake/kernel_variants.cmake).
#ifdef PASSERELLE_KERNEL_NO_FLATTEN
#define PASSERELLE_KERNEL_FLATTEN
#else
#define PASSERELLE_KERNEL_FLATTEN __attribute__((flatten))
#endif
template <class CandidateSide, class OpeningSide>
PASSERELLE_KERNEL_FLATTEN void ScoreInChunks(const CandidateSide& c, const OpeningSide& o, const FloatColumn& occupation,
                   const FloatColumn& skills, const FloatColumn& missing_required,
                   const FloatColumn& credited_experience_months, const KernelParams& params, BlockScores* out) {
  const Eigen::Index n = c.x().size();
  out->Reserve(n);
  for (Eigen::Index begin = 0; begin < n; begin += kChunkRows) {
    const Eigen::Index rows = std::min(kChunkRows, n - begin);
    ScorePairs(c.Rows(begin, rows), o.Rows(begin, rows), occupation, skills, missing_required,
               credited_experience_months, params, out, begin);
  }
}

// ScorePairs, instantiated once per direction (and once for one pair) in this path: every block of a
// direction, a whole segment or gathered rows, runs the same machine code.
void ScoreCandidates(const CandidateColumns& c, const OpeningBroadcast& o, const FloatColumn& occupation,
                     const FloatColumn& skills, const FloatColumn& missing_required,
                     const FloatColumn& credited_experience_months, const KernelParams& params,
                     BlockScores* out) {
  ScoreInChunks(c, o, occupation, skills, missing_required, credited_experience_months, params, out);
}

void ScoreOpenings(const CandidateBroadcast& c, const OpeningColumns& o, const FloatColumn& occupation,
                   const FloatColumn& skills, const FloatColumn& missing_required,
                   const FloatColumn& credited_experience_months, const KernelParams& params,
                   BlockScores* out) {
  ScoreInChunks(c, o, occupation, skills, missing_required, credited_experience_months, params, out);
}

void ScorePair(const CandidateBroadcast& c, const OpeningBroadcast& o, const FloatColumn& occupation,
               const FloatColumn& skills, const FloatColumn& missing_required,
               const FloatColumn& credited_experience_months, const KernelParams& params,
               BlockScores* out) {
  ScorePairs(c, o, occupation, skills, missing_required, credited_experience_months, params, out);
}

// The per-row part of the opening walk (WalkOpeningSegment, engine/scoring/criteria_walks.h): for selected
// row i (segment row rows[i]) the candidate's best occupation score and credited months towards the row's
// code (0 for a cleared row, code -1), and the skill coverage and missing required items from the counts
// the skill columns left in slots 1 .. count. Every value is a load through the row's index, so on the
// AVX2 and AVX-512 paths the loads are gather instructions, written out: GCC 12 vectorises the loop under
// -mtune=generic but emulates each gather with one scalar load per lane, which measured no faster than
// the scalar loop (docs/batch.md). The values are the scalar loop's bit for bit: SkillCoverage's sums are
// of small whole counts times 1, 0.5 and 1, exact in float, and its division is IEEE on every path.
static_assert(kRequiredSkillWeight == 1.0f && kDesiredSkillWeight == 0.5f && kCoreSkillWeight == 2.0f,
              "weights whose products with whole counts, and their sums, are exact in float");
constexpr float kCoreExtraWeight = kCoreSkillWeight - kRequiredSkillWeight;

struct OpeningWalkColumns {
  const int32_t* rome;
  const float *required_count, *desired_count, *core_count;
  const float *best_by_rome, *credited_by_rome;  // credited_by_rome nullptr: months 0
  const float *covered_required, *covered_desired, *covered_core;  // slot i + 1 for row i
  float *occupation, *credited, *skills, *missing_required;
};

// Rows [begin, count), one at a time.
void FinishOpeningRowsScalar(const OpeningWalkColumns& w, const int32_t* rows, int begin, int count) {
  for (int i = begin; i < count; ++i) {
    const int32_t row = rows[i];
    const int32_t code = w.rome[row];
    w.occupation[i] = code < 0 ? 0.0f : w.best_by_rome[code];
    w.credited[i] = code < 0 || w.credited_by_rome == nullptr ? 0.0f : w.credited_by_rome[code];
    const float required = w.required_count[row], covered = w.covered_required[i + 1];
    const float total = kRequiredSkillWeight * required + kCoreExtraWeight * w.core_count[row] +
                        kDesiredSkillWeight * w.desired_count[row];
    const float met = kRequiredSkillWeight * covered + kCoreExtraWeight * w.covered_core[i + 1] +
                      kDesiredSkillWeight * w.covered_desired[i + 1];
    w.skills[i] = total <= 0 ? 1.0f : met / total;
    w.missing_required[i] = required - covered;
  }
}

#if defined(__AVX512F__)
// 16 rows at a time; returns the first row left for the scalar loop.
int FinishOpeningRowsVector(const OpeningWalkColumns& w, const int32_t* rows, int count) {
  const __m512 zero = _mm512_setzero_ps(), one = _mm512_set1_ps(1.0f);
  const __m512 w_required = _mm512_set1_ps(kRequiredSkillWeight), w_core = _mm512_set1_ps(kCoreExtraWeight),
               w_desired = _mm512_set1_ps(kDesiredSkillWeight);
  int i = 0;
  for (; i + 16 <= count; i += 16) {
    const __m512i row = _mm512_loadu_si512(rows + i);
    const __m512i code = _mm512_i32gather_epi32(row, w.rome, 4);
    const __mmask16 coded = _mm512_cmpge_epi32_mask(code, _mm512_setzero_si512());
    _mm512_storeu_ps(w.occupation + i, _mm512_mask_i32gather_ps(zero, coded, code, w.best_by_rome, 4));
    _mm512_storeu_ps(w.credited + i, w.credited_by_rome == nullptr
                                         ? zero
                                         : _mm512_mask_i32gather_ps(zero, coded, code, w.credited_by_rome, 4));
    const __m512 required = _mm512_i32gather_ps(row, w.required_count, 4);
    const __m512 covered = _mm512_loadu_ps(w.covered_required + i + 1);
    const __m512 total = _mm512_add_ps(
        _mm512_add_ps(_mm512_mul_ps(w_required, required),
                      _mm512_mul_ps(w_core, _mm512_i32gather_ps(row, w.core_count, 4))),
        _mm512_mul_ps(w_desired, _mm512_i32gather_ps(row, w.desired_count, 4)));
    const __m512 met = _mm512_add_ps(
        _mm512_add_ps(_mm512_mul_ps(w_required, covered),
                      _mm512_mul_ps(w_core, _mm512_loadu_ps(w.covered_core + i + 1))),
        _mm512_mul_ps(w_desired, _mm512_loadu_ps(w.covered_desired + i + 1)));
    const __mmask16 none = _mm512_cmp_ps_mask(total, zero, _CMP_LE_OQ);
    _mm512_storeu_ps(w.skills + i, _mm512_mask_blend_ps(none, _mm512_div_ps(met, total), one));
    _mm512_storeu_ps(w.missing_required + i, _mm512_sub_ps(required, covered));
  }
  return i;
}
#elif defined(__AVX2__)
// 8 rows at a time; returns the first row left for the scalar loop.
int FinishOpeningRowsVector(const OpeningWalkColumns& w, const int32_t* rows, int count) {
  const __m256 zero = _mm256_setzero_ps(), one = _mm256_set1_ps(1.0f);
  const __m256 w_required = _mm256_set1_ps(kRequiredSkillWeight), w_core = _mm256_set1_ps(kCoreExtraWeight),
               w_desired = _mm256_set1_ps(kDesiredSkillWeight);
  int i = 0;
  for (; i + 8 <= count; i += 8) {
    const __m256i row = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(rows + i));
    const __m256i code = _mm256_i32gather_epi32(w.rome, row, 4);
    // All ones where code >= 0 (code > -1), the mask the masked gathers take from each lane's sign bit.
    const __m256 coded = _mm256_castsi256_ps(_mm256_cmpgt_epi32(code, _mm256_set1_epi32(-1)));
    _mm256_storeu_ps(w.occupation + i, _mm256_mask_i32gather_ps(zero, w.best_by_rome, code, coded, 4));
    _mm256_storeu_ps(w.credited + i, w.credited_by_rome == nullptr
                                         ? zero
                                         : _mm256_mask_i32gather_ps(zero, w.credited_by_rome, code, coded, 4));
    const __m256 required = _mm256_i32gather_ps(w.required_count, row, 4);
    const __m256 covered = _mm256_loadu_ps(w.covered_required + i + 1);
    const __m256 total = _mm256_add_ps(
        _mm256_add_ps(_mm256_mul_ps(w_required, required),
                      _mm256_mul_ps(w_core, _mm256_i32gather_ps(w.core_count, row, 4))),
        _mm256_mul_ps(w_desired, _mm256_i32gather_ps(w.desired_count, row, 4)));
    const __m256 met = _mm256_add_ps(
        _mm256_add_ps(_mm256_mul_ps(w_required, covered),
                      _mm256_mul_ps(w_core, _mm256_loadu_ps(w.covered_core + i + 1))),
        _mm256_mul_ps(w_desired, _mm256_loadu_ps(w.covered_desired + i + 1)));
    const __m256 none = _mm256_cmp_ps(total, zero, _CMP_LE_OQ);
    _mm256_storeu_ps(w.skills + i, _mm256_blendv_ps(_mm256_div_ps(met, total), one, none));
    _mm256_storeu_ps(w.missing_required + i, _mm256_sub_ps(required, covered));
  }
  return i;
}
#else
int FinishOpeningRowsVector(const OpeningWalkColumns&, const int32_t*, int) { return 0; }
#endif

void FinishWalkedOpenings(const OpeningSegment& segment, const RowSelection& selection, const float* best_by_rome,
                          const float* credited_by_rome, WalkedCriteria* out) {
  const OpeningWalkColumns w{segment.rome.data(),
                             segment.required_skill_count.data(),
                             segment.desired_skill_count.data(),
                             segment.core_skill_count.data(),
                             best_by_rome,
                             credited_by_rome,
                             out->covered_required.data(),
                             out->covered_desired.data(),
                             out->covered_core.data(),
                             out->occupation.data(),
                             out->credited_experience_months.data(),
                             out->skills.data(),
                             out->missing_required.data()};
  const int32_t* rows = selection.rows.data();
  FinishOpeningRowsScalar(w, rows, FinishOpeningRowsVector(w, rows, selection.count), selection.count);
}

}  // namespace

__attribute__((visibility("default"))) const KernelPath& Path() {
  static constexpr KernelPath kPath{
      .name = PASSERELLE_STRINGIFY(PASSERELLE_KERNEL_NS),
      .score_candidate_block = ScoreCandidates,
      .score_opening_block = ScoreOpenings,
      .score_pair = ScorePair,
      .select_all_rows = SelectAll,
      .select_candidate_rows = SelectCandidates,
      .select_opening_rows = SelectOpenings,
      .gather_candidate_rows = GatherCandidates,
      .gather_opening_rows = GatherOpenings,
      .drop_opening_rows_below = DropRowsBelow,
      .finish_opening_walk = FinishWalkedOpenings,
  };
  return kPath;
}

}  // namespace passerelle::engine::scoring::PASSERELLE_KERNEL_NS
