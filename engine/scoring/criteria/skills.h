// Criterion "skills": weighted coverage of the opening's ROME skill items.
// s = (covered required + covered core + 0.5 * covered desired) / (required + core + 0.5 * desired), core
// items being the required ones core to the opening's occupation (weight 2 in all); an opening listing
// no item asks for its occupation's core items (engine/model/resolve.cc); 1 when there are none (SkillCoverage, engine/scoring/criteria_walks.h, which walks the items per segment); with a
// strict profile a missing required item is a hard constraint (kMissingRequiredSkills). Reason sentences
// in engine/scoring/explanation.cc (SkillsSentence).
#ifndef PASSERELLE_ENGINE_SCORING_CRITERIA_SKILLS_H_
#define PASSERELLE_ENGINE_SCORING_CRITERIA_SKILLS_H_

namespace passerelle::engine::scoring {

inline constexpr float kRequiredSkillWeight = 1.0f;
inline constexpr float kDesiredSkillWeight = 0.5f;
// A required item that is a core item of the opening's occupation (ROME coeur de métier) weighs this
// much: missing one costs twice a peripheral one.
inline constexpr float kCoreSkillWeight = 2.0f;
// The reason names at most this many missing items, then "and N more".
inline constexpr int kMissingSkillsNamed = 3;

}  // namespace passerelle::engine::scoring

#endif  // PASSERELLE_ENGINE_SCORING_CRITERIA_SKILLS_H_
