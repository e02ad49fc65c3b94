// Resolution of records with scoring model v1's policy: validation and code look-ups
// (engine/model/resolve.h) plus the values the criteria derive at write time, each from its criterion's
// header: occupation factors (criteria/occupation.h), commute radius (criteria/mobility.h), tension with
// the hard-to-fill floor (criteria/tension.h). This is the resolution every caller uses.
#ifndef PASSERELLE_ENGINE_SCORING_RESOLUTION_H_
#define PASSERELLE_ENGINE_SCORING_RESOLUTION_H_

#include "absl/status/statusor.h"
#include "engine/model/resolve.h"
#include "engine/refdata/reference_data.h"

namespace passerelle::engine {

// Scoring model v1's ResolutionPolicy.
const ResolutionPolicy& ScoringResolutionPolicy();

// Checks every field and resolves codes. On error returns InvalidArgument whose message starts with the
// field path ("commune_insee: unknown INSEE commune code \"99999\"") and resolves nothing.
absl::StatusOr<ResolvedCandidate> ResolveCandidate(const Candidate& candidate, const ReferenceData& data);
absl::StatusOr<ResolvedCandidate> ResolveCandidate(Candidate&& candidate, const ReferenceData& data);
absl::StatusOr<ResolvedOpening> ResolveOpening(const Opening& opening, const ReferenceData& data);

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_SCORING_RESOLUTION_H_
