// The reason of the experience criterion (engine/scoring/criteria/experience.h) in French and English:
// what the opening asks, what is credited and from which past occupation, and what would raise the
// score. Kept apart from explanation.cc, which words the other criteria.
#ifndef PASSERELLE_ENGINE_SCORING_EXPERIENCE_REASON_H_
#define PASSERELLE_ENGINE_SCORING_EXPERIENCE_REASON_H_

#include "engine/model/resolve.h"
#include "engine/refdata/reference_data.h"
#include "engine/scoring/explanation.h"
#include "engine/scoring/occupation_relations.h"

namespace passerelle::engine {

// `credited_months` is the kernel's (BestCreditedExperienceMonths): the sentence states the number the
// score was computed from.
// Only the sides of `languages` are written.
Sentence ExperienceReason(const ResolvedCandidate& c, const ResolvedOpening& o, float credited_months,
                          const ReferenceData& data, const OccupationRelations& relations,
                          SentenceLanguages languages);

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_SCORING_EXPERIENCE_REASON_H_
