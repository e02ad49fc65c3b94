#include "server/api_convert.h"

#include "absl/strings/str_cat.h"
#include "engine/common/field_status.h"
#include "engine/common/status_macros.h"
#include "engine/model/dates.h"
#include "engine/store/enum_codec.h"
#include "engine/store/record_codec.h"

namespace passerelle::server {
namespace {

using engine::kCriterionCount;

// The fields both match requests share.
template <class Request>
absl::StatusOr<engine::MatchQuery> CommonQuery(const Request& request, int max_k) {
  engine::MatchQuery query;
  query.k = request.k() == 0 ? 10 : request.k();
  if (query.k < 1 || query.k > max_k) {
    return engine::InvalidFieldError("k", absl::StrCat("must be in [1, ", max_k, "] (0 = 10), got ", request.k()));
  }
  if (request.near_misses() < 0 || request.near_misses() > max_k) {
    return engine::InvalidFieldError("near_misses",
                                     absl::StrCat("must be in [0, ", max_k, "], got ", request.near_misses()));
  }
  query.near_misses = request.near_misses();
  query.min_score = request.min_score();
  query.max_distance_km = request.max_distance_km();
  query.explain = !request.has_explain() || request.explain();
  PASSERELLE_ASSIGN_OR_RETURN(query.languages, SentenceLanguagesFromProto(request.language()));
  query.today = engine::DayOf(absl::Now());
  return query;
}

void CriterionToProto(int k, float score, float weight, float contribution, v1::CriterionScore* out) {
  out->set_criterion(engine::CriterionToProto(static_cast<engine::Criterion>(k)));
  out->set_score(score);
  out->set_weight(weight);
  out->set_contribution(contribution);
}

// A side not asked for is empty, and proto3 sends no empty string: it costs nothing on the wire.
void SentenceToProto(const engine::Sentence& sentence, v1::Sentence* out) {
  if (!sentence.fr.empty()) out->set_fr(sentence.fr);
  if (!sentence.en.empty()) out->set_en(sentence.en);
}

}  // namespace

absl::StatusOr<engine::SentenceLanguages> SentenceLanguagesFromProto(v1::ReasonLanguage language) {
  switch (language) {
    case v1::REASON_LANGUAGE_UNSPECIFIED:
    case v1::REASON_LANGUAGE_FR:
      return engine::SentenceLanguages::kFrench;
    case v1::REASON_LANGUAGE_EN:
      return engine::SentenceLanguages::kEnglish;
    case v1::REASON_LANGUAGE_BOTH:
      return engine::SentenceLanguages::kBoth;
    default:
      break;
  }
  return engine::InvalidFieldError("language", absl::StrCat("unknown ReasonLanguage ", static_cast<int>(language)));
}

absl::StatusOr<engine::MatchQuery> MatchQueryFromProto(const v1::MatchOpeningsRequest& request, int max_k) {
  PASSERELLE_ASSIGN_OR_RETURN(engine::MatchQuery query, CommonQuery(request, max_k));
  for (int i = 0; i < request.contract_types_size(); ++i) {
    PASSERELLE_ASSIGN_OR_RETURN(
        const uint32_t bit,
        engine::ContractBitFromProto(request.contract_types(i), absl::StrCat("contract_types[", i, "]")));
    query.contract_types |= bit;
  }
  query.occupations.assign(request.occupations().begin(), request.occupations().end());
  return query;
}

absl::StatusOr<engine::MatchQuery> MatchQueryFromProto(const v1::MatchCandidatesRequest& request, int max_k) {
  return CommonQuery(request, max_k);
}

void MatchToProto(const engine::ScoredMatch& match, const engine::ScoringProfile& profile, bool explained,
                  v1::Match* out) {
  out->set_id(match.id);
  out->set_total(match.total);
  for (int k = 0; k < kCriterionCount; ++k) {
    CriterionToProto(k, match.criteria[k], profile.weights[k], match.contributions[k], out->add_criteria());
  }
  out->set_distance_km(match.distance_km);
  out->set_ready_date(engine::FormatDay(match.ready_day));
  for (uint32_t bits = match.blockers; bits != 0; bits &= bits - 1) {
    out->add_blocker_codes(engine::BlockerCode(bits & (~bits + 1)));
  }
  if (explained && match.explanation) ExplanationToProto(*match.explanation, out->mutable_explanation());
}

void ExplanationToProto(const engine::Explanation& e, v1::Explanation* out) {
  out->set_candidate_id(e.candidate_id);
  out->set_opening_id(e.opening_id);
  out->set_eligible(e.eligible);
  out->set_near_miss(e.near_miss);
  out->set_total(e.total);
  for (const engine::CriterionExplanation& c : e.criteria) {
    v1::CriterionScore* score = out->add_criteria();
    CriterionToProto(static_cast<int>(c.criterion), c.score, c.weight, c.contribution, score);
    SentenceToProto(c.reason, score->mutable_reason());
  }
  for (const engine::Blocker& b : e.blockers) {
    v1::Blocker* blocker = out->add_blockers();
    blocker->set_code(b.code);
    blocker->set_relaxable(b.relaxable);
    SentenceToProto(b.reason, blocker->mutable_reason());
    if (b.relaxable) SentenceToProto(b.unlock, blocker->mutable_unlock());
  }
  out->set_distance_km(e.distance_km);
  out->set_french_training_hours_needed(e.french_training_hours_needed);
  out->mutable_missing_required_skills()->Add(e.missing_required_skills.begin(), e.missing_required_skills.end());
  out->mutable_missing_desired_skills()->Add(e.missing_desired_skills.begin(), e.missing_desired_skills.end());
  out->mutable_missing_core_skills()->Add(e.missing_core_skills.begin(), e.missing_core_skills.end());
  out->set_ready_date(engine::FormatDay(e.ready_day));
  for (const engine::RouteStep& step : e.route) {
    v1::RouteStep* route = out->add_route();
    route->set_kind(step.kind);
    route->set_hours(step.hours);
    route->set_days(step.days);
    SentenceToProto(step.label, route->mutable_label());
  }
}

void BlockerSummaryToProto(const engine::MatchResult& result, engine::SentenceLanguages languages,
                           v1::MatchOpeningsResponse* out) {
  for (const auto& [bit, openings] : engine::BlockerSummary(result)) {
    v1::BlockerCount* count = out->add_blockers_in_scope();
    count->set_code(engine::BlockerCode(bit));
    count->set_openings(openings);
    count->set_relaxable(engine::BlockerRelaxable(bit));
    SentenceToProto(engine::BlockerSentence(bit, languages), count->mutable_reason());
  }
}

}  // namespace passerelle::server
