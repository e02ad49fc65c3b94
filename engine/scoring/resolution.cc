#include "engine/scoring/resolution.h"

#include <utility>

#include "engine/scoring/criteria/mobility.h"
#include "engine/scoring/criteria/occupation.h"
#include "engine/scoring/criteria/tension.h"

namespace passerelle::engine {

const ResolutionPolicy& ScoringResolutionPolicy() {
  static constexpr ResolutionPolicy kPolicy{
      .wished_occupation_factor = scoring::WishedOccupationFactor,
      .past_occupation_factor = scoring::PastOccupationFactor,
      .commute_radius_km = scoring::EffectiveRadiusKm,
      .opening_tension = scoring::OpeningTension,
  };
  return kPolicy;
}

absl::StatusOr<ResolvedCandidate> ResolveCandidate(const Candidate& candidate, const ReferenceData& data) {
  return ResolveCandidateWith(candidate, data, ScoringResolutionPolicy());
}

absl::StatusOr<ResolvedCandidate> ResolveCandidate(Candidate&& candidate, const ReferenceData& data) {
  return ResolveCandidateWith(std::move(candidate), data, ScoringResolutionPolicy());
}

absl::StatusOr<ResolvedOpening> ResolveOpening(const Opening& opening, const ReferenceData& data) {
  return ResolveOpeningWith(opening, data, ScoringResolutionPolicy());
}

}  // namespace passerelle::engine
