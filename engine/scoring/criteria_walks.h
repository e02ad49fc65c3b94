// The two criteria that need look-ups rather than arithmetic (occupation and skills), computed for a
// whole segment before the kernel runs, in each direction, and for one pair.
//
// Occupation: s = max over the candidate's occupations of factor * relation(candidate code -> opening code).
// Skills: s = (covered required + (2 - 1) * covered core + 0.5 * covered desired) / (required + (2 - 1) * core
// + 0.5 * desired), core items being the required ones ROME marks coeur de métier; 1 when the opening
// lists no item and its occupation has no core item.
#ifndef PASSERELLE_ENGINE_SCORING_CRITERIA_WALKS_H_
#define PASSERELLE_ENGINE_SCORING_CRITERIA_WALKS_H_

#include <vector>

#include "absl/types/span.h"
#include "engine/columns/candidate_segment.h"
#include "engine/columns/opening_segment.h"
#include "engine/model/resolve.h"
#include "engine/scoring/occupation_relations.h"
#include "engine/scoring/row_selection.h"

namespace passerelle::engine::scoring {

// Precomputed criteria for one block of pairs, on block rows [0, n). Segment walks write the selection's
// padded() rows (padding rows 0) and only grow the arrays, so a scan reusing one WalkedCriteria
// allocates once.
struct WalkedCriteria {
  FloatColumn occupation;
  FloatColumn skills;
  FloatColumn missing_required;  // required items the candidate lacks
  // Months of the candidate's experience credited towards the opening's occupation
  // (BestCreditedExperienceMonths, engine/scoring/criteria/experience.h).
  FloatColumn credited_experience_months;
  // Skill items counted per slot (RowSelection::slot; slot 0 collects the rows not selected).
  FloatColumn covered_required, covered_desired, covered_core;
};

// The per-query look-up tables of the walks hold two halves indexed by ROME index: [0, count) for the
// occupation criterion, [count, 2 count) for experience (count = OccupationRelations::count()).
//
// For scoring one opening against candidate segments: the relation score of every ROME code to the
// opening's code, then the share of a year in every code credited towards it (ExperienceRelationShare),
// computed once per query.
// `experience` false leaves the experience half 0 (KernelParams::score_experience).
std::vector<float> RelationScoresTo(const OccupationRelations& relations, int32_t opening_rome,
                                    bool experience = true);
// For scoring one candidate against opening segments: the candidate's best occupation score for every
// possible opening code, then the candidate's credited experience months towards every code, computed
// once per query.
std::vector<float> BestOccupationScoresFrom(const OccupationRelations& relations, const ResolvedCandidate& c,
                                            bool experience = true);

// One opening against the selected rows of a candidate segment (block row i = selection.rows[i]). Skills
// walk only the opening's item columns.
// `experience` false skips the credited months (left 0; KernelParams::score_experience).
void WalkCandidateSegment(const CandidateSegment& segment, const ResolvedOpening& opening,
                          absl::Span<const float> relation_to_opening, const RowSelection& selection,
                          WalkedCriteria* out, bool experience = true);

// One opening against the rows [begin, end) of a candidate segment, every one of them: block row i is
// segment row begin + i (a segment's rows scored in place, without a gather; WalkCandidateSegment with
// every row selected is this with begin 0). The values of a row are those WalkCandidateSegment gives it.
void WalkCandidateRows(const CandidateSegment& segment, const ResolvedOpening& opening,
                       absl::Span<const float> relation_to_opening, int begin, int end, WalkedCriteria* out,
                       bool experience = true);

// One candidate against the selected rows of an opening segment. Skills walk only the candidate's item
// columns; the per-row rest is FinishOpeningWalk.
void WalkOpeningSegment(const OpeningSegment& segment, const ResolvedCandidate& candidate,
                        absl::Span<const float> best_occupation_by_rome, const RowSelection& selection,
                        WalkedCriteria* out, bool experience = true);

// The per-row part of WalkOpeningSegment, once the skill columns have left their counts in slots
// 1 .. selection.count: occupation[i] and credited_experience_months[i] looked up by the code of row
// selection.rows[i] (0 for a cleared row; `credited_by_rome` nullptr leaves the months 0), skills[i] =
// SkillCoverage of the row's counts, missing_required[i]. On the active vector path (kernel_dispatch.h).
void FinishOpeningWalk(const OpeningSegment& segment, const RowSelection& selection, const float* best_by_rome,
                       const float* credited_by_rome, WalkedCriteria* out);

// One pair (n = 1).
void WalkPair(const ResolvedCandidate& candidate, const ResolvedOpening& opening,
              const OccupationRelations& relations, WalkedCriteria* out);

// Skill coverage from counts; the one formula every path uses.
// Core items are among the required ones and weigh kCoreSkillWeight in all:
// s = (cr + (kCore - 1) cc + 0.5 cd) / (r + (kCore - 1) c + 0.5 d), 1 when the opening lists no item.
float SkillCoverage(float covered_required, float covered_desired, float covered_core, float required, float desired,
                    float core);

}  // namespace passerelle::engine::scoring

#endif  // PASSERELLE_ENGINE_SCORING_CRITERIA_WALKS_H_
