// The sample cohort's values for the fields France Travail offers carry (licence categories, languages,
// qualification, salary, experience, hours, night and weekend work, dates), drawn from streams of their
// own so that every other field of a record is the same as before they existed. Distributions and their
// reasons: docs/sample-cohort.md. Used by CohortGenerator only.
#ifndef PASSERELLE_ENGINE_SAMPLE_OFFER_FIELDS_SAMPLE_H_
#define PASSERELLE_ENGINE_SAMPLE_OFFER_FIELDS_SAMPLE_H_

#include <cstdint>

#include "engine/model/types.h"

namespace passerelle::engine::sample {

// Fills candidate i's licence categories (held, pending exchange), languages, qualification and salary
// floor. Reads c.driving_licence (drawn before).
void FillCandidateOfferFields(uint64_t seed, int64_t i, Candidate& c);

// Fills opening i's experience, licence categories, languages, qualification, salary, hours, night and
// weekend work and dates (created and updated up to 30 days before `reference_day`). Reads
// o.driving_licence (drawn before).
void FillOpeningOfferFields(uint64_t seed, int64_t i, Day reference_day, Opening& o);

}  // namespace passerelle::engine::sample

#endif  // PASSERELLE_ENGINE_SAMPLE_OFFER_FIELDS_SAMPLE_H_
