// MatchingService's searches without storing (SearchOpenings, SearchCandidates) and reference look-ups
// (LookupOccupations, LookupCommunes, LookupSkills).
//
// A search profile is validated and resolved as a put would, scored against the index's current
// version (MatchIndex::Match*For take a record that is not in the index) and dropped with the call:
// it is never written, never logged (the call log names the method and counts only) and never audited
// (it is the caller's own data, not a stored person's).
#include "absl/strings/str_cat.h"
#include "engine/common/status_macros.h"
#include "server/api_convert.h"
#include "server/matching_internal.h"
#include "server/matching_service.h"

namespace passerelle::server {
namespace {

using namespace matching_internal;  // NOLINT: the helpers shared by the handlers

// The id a search profile without one goes by in explanations.
constexpr char kSearchProfileId[] = "search";
// Longest look-up query, in bytes.
constexpr size_t kMaxLookupQueryBytes = 200;
constexpr int kMaxLookupLimit = 100;
constexpr int kDefaultLookupLimit = 20;

template <class Message>
Message WithSearchId(const Message& profile) {
  Message record = profile;
  if (record.id().empty()) record.set_id(kSearchProfileId);
  return record;
}

absl::StatusOr<size_t> LookupLimit(int limit) {
  if (limit < 0 || limit > kMaxLookupLimit) {
    return engine::InvalidFieldError("limit", absl::StrCat("must be in [0, ", kMaxLookupLimit, "]"));
  }
  return static_cast<size_t>(limit == 0 ? kDefaultLookupLimit : limit);
}

absl::Status CheckLookupQuery(const std::string& query) {
  if (query.empty()) return Required("query");
  if (query.size() > kMaxLookupQueryBytes) {
    return engine::InvalidFieldError("query", absl::StrCat("longer than ", kMaxLookupQueryBytes, " bytes"));
  }
  return absl::OkStatus();
}

// Results name the search profile by the id the request gave it ("" -> "search").
template <class Response>
void NameProfile(const std::string& id, bool candidate_side, Response* response) {
  for (auto* list : {response->mutable_matches(), response->mutable_near_misses()}) {
    for (v1::Match& m : *list) {
      if (!m.has_explanation()) continue;
      if (candidate_side) {
        m.mutable_explanation()->set_candidate_id(id);
      } else {
        m.mutable_explanation()->set_opening_id(id);
      }
    }
  }
}

const char* SkillKindName(engine::SkillKind kind) {
  switch (kind) {
    case engine::SkillKind::kSavoirFaire:
      return "savoir_faire";
    case engine::SkillKind::kSavoirEtre:
      return "savoir_etre";
    case engine::SkillKind::kSavoir:
      return "savoir";
  }
  return "";
}

}  // namespace

grpc::Status MatchingService::SearchOpenings(grpc::ServerContext* context, const v1::SearchOpeningsRequest* request,
                                             v1::MatchOpeningsResponse* response) {
  return Run(*context, "SearchOpenings", [&](CallLog& log, const Claims& claims) -> absl::Status {
    if (!request->has_profile()) return Required("profile");
    const v1::Candidate record = WithSearchId(request->profile());
    auto decoded = DecodeOwned<CandidateKind>(claims, record);
    if (!decoded.ok()) return PrefixFieldPath(decoded.status(), "profile");
    auto resolved = catalog_->index().ResolveCandidate(*decoded);
    if (!resolved.ok()) return PrefixFieldPath(resolved.status(), "profile");
    v1::MatchOpeningsRequest as_match;
    as_match.set_k(request->k());
    as_match.set_min_score(request->min_score());
    as_match.set_max_distance_km(request->max_distance_km());
    *as_match.mutable_contract_types() = request->contract_types();
    *as_match.mutable_occupations() = request->occupations();
    as_match.set_near_misses(request->near_misses());
    if (request->has_explain()) as_match.set_explain(request->explain());
    PASSERELLE_ASSIGN_OR_RETURN(const engine::MatchQuery query, MatchQueryFromProto(as_match, limits_.max_k));
    absl::StatusOr<engine::ScoringProfile> profile = catalog_->GetProfile(request->scoring_profile());
    if (!profile.ok()) return PrefixFieldPath(profile.status(), "scoring_profile");
    PASSERELLE_RETURN_IF_ERROR(CheckLive(context));
    PASSERELLE_ASSIGN_OR_RETURN(const engine::MatchResult result,
                                catalog_->index().MatchOpeningsFor(**resolved, query, *profile));
    MatchResultToProto(result, *profile, query.explain, response);
    StripIds(response->mutable_matches());
    StripIds(response->mutable_near_misses());
    NameProfile(record.id(), /*candidate_side=*/true, response);
    log.Count("results", response->matches_size());
    return absl::OkStatus();
  });
}

grpc::Status MatchingService::SearchCandidates(grpc::ServerContext* context,
                                               const v1::SearchCandidatesRequest* request,
                                               v1::MatchCandidatesResponse* response) {
  return Run(*context, "SearchCandidates", [&](CallLog& log, const Claims& claims) -> absl::Status {
    if (!request->has_profile()) return Required("profile");
    const v1::Opening record = WithSearchId(request->profile());
    auto decoded = DecodeOwned<OpeningKind>(claims, record);
    if (!decoded.ok()) return PrefixFieldPath(decoded.status(), "profile");
    auto resolved = catalog_->index().ResolveOpening(*decoded);
    if (!resolved.ok()) return PrefixFieldPath(resolved.status(), "profile");
    v1::MatchCandidatesRequest as_match;
    as_match.set_k(request->k());
    as_match.set_min_score(request->min_score());
    as_match.set_max_distance_km(request->max_distance_km());
    as_match.set_near_misses(request->near_misses());
    if (request->has_explain()) as_match.set_explain(request->explain());
    PASSERELLE_ASSIGN_OR_RETURN(engine::MatchQuery query, MatchQueryFromProto(as_match, limits_.max_k));
    absl::StatusOr<engine::ScoringProfile> profile = catalog_->GetProfile(request->scoring_profile());
    if (!profile.ok()) return PrefixFieldPath(profile.status(), "scoring_profile");
    PASSERELLE_RETURN_IF_ERROR(CheckLive(context));
    // Only the candidates the caller may read are ranked, as in MatchCandidates.
    query.visibility = VisibilityOf(gate_->authorizer().CandidatesVisibleTo(claims));
    PASSERELLE_ASSIGN_OR_RETURN(const engine::MatchResult result,
                                catalog_->index().MatchCandidatesFor(**resolved, query, *profile));
    MatchResultToProto(result, *profile, query.explain, response);
    std::vector<std::string> returned;
    for (const v1::Match& m : response->matches()) returned.push_back(m.id());
    for (const v1::Match& m : response->near_misses()) returned.push_back(m.id());
    PASSERELLE_RETURN_IF_ERROR(AuditCall(catalog_, claims, "SearchCandidates", returned));
    StripIds(response->mutable_matches());
    StripIds(response->mutable_near_misses());
    NameProfile(record.id(), /*candidate_side=*/false, response);
    // Counts over the whole index would tell how many candidates others hold (as in MatchCandidates).
    response->clear_scored_pairs();
    response->clear_eligible_pairs();
    log.Count("results", response->matches_size());
    return absl::OkStatus();
  });
}

grpc::Status MatchingService::LookupOccupations(grpc::ServerContext* context,
                                                const v1::LookupOccupationsRequest* request,
                                                v1::LookupOccupationsResponse* response) {
  return Run(*context, "LookupOccupations", [&](CallLog& log, const Claims& claims) -> absl::Status {
    PASSERELLE_RETURN_IF_ERROR(CheckLookupQuery(request->query()));
    PASSERELLE_ASSIGN_OR_RETURN(const size_t limit, LookupLimit(request->limit()));
    const engine::ReferenceData& data = catalog_->data();
    for (const engine::AppellationHit& hit : reference_search_.FindAppellations(request->query(), limit)) {
      v1::OccupationHit* out = response->add_hits();
      out->set_appellation_code(hit.code_ogr);
      out->set_appellation_label(*data.AppellationLabel(hit.code_ogr));
      out->set_rome_code(data.occupations()[hit.rome_index].code);
      out->set_rome_label(data.occupations()[hit.rome_index].label);
    }
    log.Count("results", response->hits_size());
    return absl::OkStatus();
  });
}

grpc::Status MatchingService::LookupCommunes(grpc::ServerContext* context, const v1::LookupCommunesRequest* request,
                                             v1::LookupCommunesResponse* response) {
  return Run(*context, "LookupCommunes", [&](CallLog& log, const Claims& claims) -> absl::Status {
    PASSERELLE_RETURN_IF_ERROR(CheckLookupQuery(request->query()));
    PASSERELLE_ASSIGN_OR_RETURN(const size_t limit, LookupLimit(request->limit()));
    const auto communes = catalog_->data().communes();
    for (int32_t i : reference_search_.FindCommunes(request->query(), request->departement(), limit)) {
      v1::CommuneHit* out = response->add_hits();
      out->set_insee_code(communes[i].insee_code);
      out->set_name(communes[i].name);
      out->set_departement(communes[i].departement_code);
      out->set_population(communes[i].population);
    }
    log.Count("results", response->hits_size());
    return absl::OkStatus();
  });
}

grpc::Status MatchingService::LookupSkills(grpc::ServerContext* context, const v1::LookupSkillsRequest* request,
                                           v1::LookupSkillsResponse* response) {
  return Run(*context, "LookupSkills", [&](CallLog& log, const Claims& claims) -> absl::Status {
    if (request->rome_code().empty()) return Required("rome_code");
    const engine::ReferenceData& data = catalog_->data();
    const std::optional<int32_t> rome = data.FindRome(request->rome_code());
    if (!rome.has_value()) {
      return engine::InvalidFieldError("rome_code", absl::StrCat("unknown ROME code \"", request->rome_code(), "\""));
    }
    response->set_rome_label(data.occupations()[*rome].label);
    for (bool core : {true, false}) {
      for (const engine::OccupationSkill& item : data.OccupationSkills(*rome)) {
        if (item.core != core) continue;
        const engine::SkillItem& skill = data.skills()[item.skill_index];
        v1::SkillHit* out = response->add_skills();
        out->set_code_ogr(skill.code_ogr);
        out->set_label(skill.label);
        out->set_kind(SkillKindName(skill.kind));
        out->set_core(item.core);
      }
    }
    log.Count("results", response->skills_size());
    return absl::OkStatus();
  });
}

}  // namespace passerelle::server
