// Criterion "skills": weighted coverage of the opening's ROME skill items.
// s = (covered required + 0.5 * covered desired) / (required + 0.5 * desired), 1 when the opening lists
// no item (SkillCoverage, engine/scoring/criteria_walks.h, which walks the items per segment); with a
// strict profile a missing required item is a hard constraint (kMissingRequiredSkills). Reason sentences
// in engine/scoring/explanation.cc (SkillsSentence).
#ifndef PASSERELLE_ENGINE_SCORING_CRITERIA_SKILLS_H_
#define PASSERELLE_ENGINE_SCORING_CRITERIA_SKILLS_H_

namespace passerelle::engine::scoring {

inline constexpr float kRequiredSkillWeight = 1.0f;
inline constexpr float kDesiredSkillWeight = 0.5f;
// The reason names at most this many missing items, then "and N more".
inline constexpr int kMissingSkillsNamed = 3;

}  // namespace passerelle::engine::scoring

#endif  // PASSERELLE_ENGINE_SCORING_CRITERIA_SKILLS_H_
