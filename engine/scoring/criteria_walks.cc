#include "engine/scoring/criteria_walks.h"

#include <algorithm>

#include "engine/scoring/constants.h"
#include "engine/scoring/criteria/experience.h"

namespace passerelle::engine::scoring {
namespace {

// Adds 1 to `counts[slot[row]]` for every row in [begin, end) of a candidate segment holding item `item`
// (an item's rows are listed in order): rows outside hold no selected row, whose counts would go to slot 0.
void AddColumn(const SegmentSkills& skills, int32_t item, int begin, int end, const int32_t* slot,
               FloatColumn* counts) {
  const absl::Span<const uint16_t> rows = skills.Rows(item);
  const uint16_t* first = rows.data();
  const uint16_t* last = rows.data() + rows.size();
  if (begin > 0) first = std::lower_bound(first, last, static_cast<uint16_t>(begin));
  for (; first != last && *first < end; ++first) (*counts)[slot[*first]] += 1.0f;
}

// Adds 1 to `counts[row - begin + 1]` for every row in [begin, end) of a candidate segment holding item
// `item`: block row i is segment row begin + i (WalkCandidateRows).
void AddColumnRange(const SegmentSkills& skills, int32_t item, int begin, int end, FloatColumn* counts) {
  const absl::Span<const uint16_t> rows = skills.Rows(item);
  const uint16_t* first = rows.data();
  const uint16_t* last = rows.data() + rows.size();
  if (begin > 0) first = std::lower_bound(first, last, static_cast<uint16_t>(begin));
  float* at = counts->data();
  for (; first != last && *first < end; ++first) at[*first - begin + 1] += 1.0f;
}

// For an opening segment: adds 1 to `counts[slot[row]]` for the rows [begin, end) of the item's column
// only (a compressed column lists its rows in order): rows outside hold no selected row, whose counts
// would go to slot 0.
void AddColumnRows(const SkillMatrix& matrix, int32_t item, int begin, int end, const int32_t* slot,
                   FloatColumn* counts) {
  if (item >= matrix.cols()) return;
  const int32_t* inner = matrix.innerIndexPtr();
  const int32_t* first = inner + matrix.outerIndexPtr()[item];
  const int32_t* last = inner + matrix.outerIndexPtr()[item + 1];
  if (begin > 0) first = std::lower_bound(first, last, begin);
  for (; first != last && *first < end; ++first) (*counts)[slot[*first]] += 1.0f;
}

// Sizes the block arrays for the padded rows of a block of `count` rows (growing only) and clears the
// slot counts.
void PrepareWalk(int count, WalkedCriteria* out) {
  const Eigen::Index capacity = std::max<Eigen::Index>(PaddedRows(count), 1);
  for (FloatColumn* c : {&out->occupation, &out->skills, &out->missing_required, &out->credited_experience_months}) {
    if (c->size() < capacity) c->resize(capacity);
  }
  for (FloatColumn* c : {&out->covered_required, &out->covered_desired, &out->covered_core}) {
    if (c->size() < capacity + 1) c->resize(capacity + 1);
    c->head(count + 1).setZero();
  }
}

// Padding rows score nothing; the kernel computes them and nobody reads them.
void ClearPadding(int count, WalkedCriteria* out) {
  const int pad = PaddedRows(count) - count;
  out->occupation.segment(count, pad).setZero();
  out->skills.segment(count, pad).setZero();
  out->missing_required.segment(count, pad).setZero();
  out->credited_experience_months.segment(count, pad).setZero();
}

// out[row] = the largest value(k) > 0 over the row's entries [offsets[row], offsets[row + 1]), else 0,
// for the rows [0, n) (a whole segment, or a run of its rows from `offsets`: their entries are one
// contiguous run). Most entries are worth 0
// to one query (codes unrelated to its occupation), so walking the run once and finding the row of the
// few that count costs less than a short loop of unpredictable length per row. Max is exact, so the
// values are those of the per-row loop.
template <class Value>
void BestOfEveryRow(const int32_t* offsets, int n, Value value, float* out) {
  std::fill_n(out, n, 0.0f);
  int row = 0;
  for (int32_t k = offsets[0], end = offsets[n]; k < end; ++k) {
    const float v = value(k);
    if (!(v > 0.0f)) continue;
    while (offsets[row + 1] <= k) ++row;
    out[row] = std::max(out[row], v);
  }
}

}  // namespace

float SkillCoverage(float covered_required, float covered_desired, float covered_core, float required, float desired,
                    float core) {
  constexpr float kCoreExtra = kCoreSkillWeight - kRequiredSkillWeight;
  const float total = kRequiredSkillWeight * required + kCoreExtra * core + kDesiredSkillWeight * desired;
  if (total <= 0) return 1.0f;
  return (kRequiredSkillWeight * covered_required + kCoreExtra * covered_core + kDesiredSkillWeight * covered_desired) /
         total;
}

// Both tables are filled for the related codes only (OccupationRelations::RelatedTo / RelatedFrom): every
// other code scores 0 and credits 0 months, the values the tables start with.
std::vector<float> RelationScoresTo(const OccupationRelations& relations, int32_t opening_rome, bool experience) {
  const int32_t count = relations.count();
  std::vector<float> scores(2 * static_cast<size_t>(count), 0.0f);
  if (opening_rome < 0) return scores;
  for (const OccupationRelations::Neighbour& n : relations.RelatedTo(opening_rome)) {
    scores[n.code] = OccupationRelations::kScoreByRelation[static_cast<int>(n.relation)];
    if (experience) scores[count + n.code] = ExperienceRelationShare(n.relation);
  }
  return scores;
}

std::vector<float> BestOccupationScoresFrom(const OccupationRelations& relations, const ResolvedCandidate& c,
                                            bool experience) {
  const int32_t count = relations.count();
  std::vector<float> best(2 * static_cast<size_t>(count), 0.0f);
  for (const WeightedOccupation& o : c.occupations) {
    for (const OccupationRelations::Neighbour& n : relations.RelatedFrom(o.rome_index)) {
      best[n.code] = std::max(best[n.code], o.factor * OccupationRelations::kScoreByRelation[static_cast<int>(n.relation)]);
    }
  }
  if (!experience) return best;
  for (const WeightedOccupation& past : c.experience) {
    for (const OccupationRelations::Neighbour& n : relations.RelatedFrom(past.rome_index)) {
      best[count + n.code] = std::max(best[count + n.code], CreditedExperienceMonths(n.relation, past.factor));
    }
  }
  return best;
}

namespace {

// The skills and missing required items of block rows [0, m) from the skill counts of slots 1 .. m.
void FinishCandidateSkills(const ResolvedOpening& opening, int m, WalkedCriteria* out) {
  const float required = static_cast<float>(opening.required_skill_indices.size());
  const float desired = static_cast<float>(opening.desired_skill_indices.size());
  const float core = static_cast<float>(opening.core_skill_indices.size());
  for (int i = 0; i < m; ++i) {
    const float covered_required = out->covered_required[i + 1];
    out->skills[i] =
        SkillCoverage(covered_required, out->covered_desired[i + 1], out->covered_core[i + 1], required, desired, core);
    out->missing_required[i] = required - covered_required;
  }
}

}  // namespace

void WalkCandidateRows(const CandidateSegment& segment, const ResolvedOpening& opening,
                       absl::Span<const float> relation_to_opening, int begin, int end, WalkedCriteria* out,
                       bool experience) {
  const int m = end - begin;
  PrepareWalk(m, out);
  const absl::Span<const float> experience_share = relation_to_opening.subspan(relation_to_opening.size() / 2);
  // Block row i is segment row begin + i: the rows' entries are one contiguous run.
  const float* factor = segment.occupation_factor.data();
  const int32_t* rome = segment.occupation_rome.data();
  BestOfEveryRow(segment.occupation_offsets.data() + begin, m,
                 [&](int32_t k) { return factor[k] * relation_to_opening[rome[k]]; }, out->occupation.data());
  if (experience) {
    // CreditedExperienceMonths with the share looked up: the same arithmetic.
    const float* years = segment.experience_years.data();
    const int32_t* past = segment.experience_rome.data();
    BestOfEveryRow(segment.experience_offsets.data() + begin, m,
                   [&](int32_t k) { return 12.0f * std::max(years[k], 0.0f) * experience_share[past[k]]; },
                   out->credited_experience_months.data());
  } else {
    std::fill_n(out->credited_experience_months.data(), m, 0.0f);
  }
  for (int32_t item : opening.required_skill_indices) {
    AddColumnRange(segment.skills, item, begin, end, &out->covered_required);
  }
  for (int32_t item : opening.desired_skill_indices) {
    AddColumnRange(segment.skills, item, begin, end, &out->covered_desired);
  }
  for (int32_t item : opening.core_skill_indices) AddColumnRange(segment.skills, item, begin, end, &out->covered_core);
  FinishCandidateSkills(opening, m, out);
  ClearPadding(m, out);
}

void WalkCandidateSegment(const CandidateSegment& segment, const ResolvedOpening& opening,
                          absl::Span<const float> relation_to_opening, const RowSelection& selection,
                          WalkedCriteria* out, bool experience) {
  if (selection.all_rows) {
    // Block row i is segment row i (a full scan).
    WalkCandidateRows(segment, opening, relation_to_opening, 0, selection.count, out, experience);
    return;
  }
  const int m = selection.count;
  PrepareWalk(m, out);
  const int32_t* rows = selection.rows.data();
  const int32_t* slot = selection.slot.data();
  const absl::Span<const float> experience_share = relation_to_opening.subspan(relation_to_opening.size() / 2);
  for (int i = 0; i < m; ++i) {
    const int row = rows[i];
    float best = 0;
    for (int32_t k = segment.occupation_offsets[row]; k < segment.occupation_offsets[row + 1]; ++k) {
      best = std::max(best, segment.occupation_factor[k] * relation_to_opening[segment.occupation_rome[k]]);
    }
    out->occupation[i] = best;
    // CreditedExperienceMonths with the share looked up: the same arithmetic.
    float months = 0;
    const int32_t end = experience ? segment.experience_offsets[row + 1] : 0;
    for (int32_t k = segment.experience_offsets[row]; k < end; ++k) {
      months = std::max(months, 12.0f * std::max(segment.experience_years[k], 0.0f) *
                                    experience_share[segment.experience_rome[k]]);
    }
    out->credited_experience_months[i] = months;
  }
  const int begin = selection.begin_row, end = selection.end_row;
  for (int32_t item : opening.required_skill_indices) {
    AddColumn(segment.skills, item, begin, end, slot, &out->covered_required);
  }
  for (int32_t item : opening.desired_skill_indices) {
    AddColumn(segment.skills, item, begin, end, slot, &out->covered_desired);
  }
  for (int32_t item : opening.core_skill_indices) AddColumn(segment.skills, item, begin, end, slot, &out->covered_core);
  FinishCandidateSkills(opening, m, out);
  ClearPadding(m, out);
}

void WalkOpeningSegment(const OpeningSegment& segment, const ResolvedCandidate& candidate,
                        absl::Span<const float> best_occupation_by_rome, const RowSelection& selection,
                        WalkedCriteria* out, bool experience) {
  PrepareWalk(selection.count, out);
  const int m = selection.count;
  const int32_t* slot = selection.slot.data();
  const int begin = selection.begin_row, end = selection.end_row;
  for (int32_t item : candidate.skill_indices) {
    AddColumnRows(segment.required_skills, item, begin, end, slot, &out->covered_required);
    AddColumnRows(segment.desired_skills, item, begin, end, slot, &out->covered_desired);
    AddColumnRows(segment.core_skills, item, begin, end, slot, &out->covered_core);
  }
  const float* credited_by_rome = best_occupation_by_rome.data() + best_occupation_by_rome.size() / 2;
  FinishOpeningWalk(segment, selection, best_occupation_by_rome.data(), experience ? credited_by_rome : nullptr, out);
  ClearPadding(m, out);
}

void WalkPair(const ResolvedCandidate& candidate, const ResolvedOpening& opening,
              const OccupationRelations& relations, WalkedCriteria* out) {
  float best = 0;
  for (const WeightedOccupation& o : candidate.occupations) {
    best = std::max(best, o.factor * relations.Score(o.rome_index, opening.rome_index));
  }
  auto count_common = [&candidate](const std::vector<int32_t>& items) {
    std::vector<int32_t> common;
    std::set_intersection(items.begin(), items.end(), candidate.skill_indices.begin(), candidate.skill_indices.end(),
                          std::back_inserter(common));
    return static_cast<float>(common.size());
  };
  const float covered_required = count_common(opening.required_skill_indices);
  const float covered_desired = count_common(opening.desired_skill_indices);
  const float covered_core = count_common(opening.core_skill_indices);
  const float required = static_cast<float>(opening.required_skill_indices.size());
  const float desired = static_cast<float>(opening.desired_skill_indices.size());
  const float core = static_cast<float>(opening.core_skill_indices.size());
  out->occupation = FloatColumn::Constant(1, best);
  out->skills = FloatColumn::Constant(
      1, SkillCoverage(covered_required, covered_desired, covered_core, required, desired, core));
  out->missing_required = FloatColumn::Constant(1, required - covered_required);
  out->credited_experience_months =
      FloatColumn::Constant(1, BestCreditedExperienceMonths(candidate, opening.rome_index, relations));
}

}  // namespace passerelle::engine::scoring
