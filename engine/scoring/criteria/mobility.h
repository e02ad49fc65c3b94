// Criterion "mobility": great-circle distance against the person's commute radius.
//   within the radius: s = 0.5^((d / radius)^2) (Gaussian decay, 0.5 at the radius);
//   beyond it: 0.4 if the person would move (hard constraint kRelocationNeedsHousing unless the opening
//   provides housing), else hard constraint kTooFar; both relaxable.
//   A licence desired (S) and not held multiplies s by 0.8; required (E) and not held is kLicenceRequired.
// The radius is the explicit limit, else the transport mode's default (EffectiveRadiusKm, applied when a
// record is resolved). Vectorised in engine/scoring/pair_kernel.h (ScorePairs); reason sentences in
// engine/scoring/explanation.cc (MobilityReason).
#ifndef PASSERELLE_ENGINE_SCORING_CRITERIA_MOBILITY_H_
#define PASSERELLE_ENGINE_SCORING_CRITERIA_MOBILITY_H_

#include "engine/model/offer_fields.h"
#include "engine/model/resolve.h"
#include "engine/model/types.h"

namespace passerelle::engine::scoring {

// Default one-way commute limit per transport mode, in km, when the person states none.
inline constexpr float kRadiusWalkingKm = 3;
inline constexpr float kRadiusBicycleKm = 10;
inline constexpr float kRadiusPublicTransportKm = 30;
inline constexpr float kRadiusCarKm = 50;
using ::passerelle::engine::kEarthRadiusKm;  // geometry, engine/model/resolve.h
inline constexpr float kRelocationMobilityScore = 0.4f;  // farther than the radius, moving with housing
inline constexpr float kDesiredLicenceMissingFactor = 0.8f;  // licence desired (S) but not held

// Effective commute radius for a candidate: the explicit limit if set, else the transport mode's default
// (a car without licence (HoldsDrivingLicence) and vehicle counts as public transport).
inline float EffectiveRadiusKm(const Candidate& c) {
  if (c.max_commute_km > 0) return c.max_commute_km;
  switch (c.transport_mode) {
    case TransportMode::kWalking: return kRadiusWalkingKm;
    case TransportMode::kBicycle: return kRadiusBicycleKm;
    case TransportMode::kCar: return (HoldsDrivingLicence(c) && c.vehicle) ? kRadiusCarKm : kRadiusPublicTransportKm;
    case TransportMode::kPublicTransport:
    case TransportMode::kUnspecified: return kRadiusPublicTransportKm;
  }
  return kRadiusPublicTransportKm;
}

}  // namespace passerelle::engine::scoring

#endif  // PASSERELLE_ENGINE_SCORING_CRITERIA_MOBILITY_H_
