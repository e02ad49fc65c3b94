// Conversions between the API's request/response messages (matching.proto) and the engine's query and
// result types. Record conversions (Candidate, Opening, ScoringProfile) are in engine/store/record_codec.h,
// shared with storage.
//
// Thread-safety: stateless functions.
#ifndef PASSERELLE_SERVER_API_CONVERT_H_
#define PASSERELLE_SERVER_API_CONVERT_H_

#include "absl/status/statusor.h"
#include "engine/index/match_index.h"
#include "engine/scoring/explanation.h"
#include "engine/scoring/profile.h"
#include "passerelle/v1/matching.pb.h"

namespace passerelle::server {

// Validates the request's query fields against `max_k` (k, near_misses, min_score, max_distance_km,
// contract types) and fills a MatchQuery; errors name the request field. Occupation filters are checked
// by the engine against the reference data.
absl::StatusOr<engine::MatchQuery> MatchQueryFromProto(const v1::MatchOpeningsRequest& request, int max_k);
absl::StatusOr<engine::MatchQuery> MatchQueryFromProto(const v1::MatchCandidatesRequest& request, int max_k);

// The languages a request's `language` field asks for: unspecified = French only; an unknown value is
// INVALID_ARGUMENT naming the field "language".
absl::StatusOr<engine::SentenceLanguages> SentenceLanguagesFromProto(v1::ReasonLanguage language);

void MatchToProto(const engine::ScoredMatch& match, const engine::ScoringProfile& profile, bool explained,
                  v1::Match* out);
void ExplanationToProto(const engine::Explanation& explanation, v1::Explanation* out);
// MatchOpeningsResponse.blockers_in_scope from MatchResult::blocker_counts (empty unless nothing is eligible),
// their sentences in `languages`.
void BlockerSummaryToProto(const engine::MatchResult& result, engine::SentenceLanguages languages,
                           v1::MatchOpeningsResponse* out);

// Fills the common part of MatchOpeningsResponse / MatchCandidatesResponse.
template <class Response>
void MatchResultToProto(const engine::MatchResult& result, const engine::ScoringProfile& profile, bool explained,
                        Response* out) {
  for (const engine::ScoredMatch& m : result.matches) MatchToProto(m, profile, explained, out->add_matches());
  for (const engine::ScoredMatch& m : result.near_misses) MatchToProto(m, profile, explained, out->add_near_misses());
  out->set_scored_pairs(result.scored);
  out->set_eligible_pairs(result.eligible);
  out->set_scoring_profile(profile.name);
}

}  // namespace passerelle::server

#endif  // PASSERELLE_SERVER_API_CONVERT_H_
