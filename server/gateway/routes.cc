#include "server/gateway/routes.h"

#include <array>
#include <cctype>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace passerelle::gateway {
namespace {

// Keep in step with docs/api.md "HTTP/JSON gateway" (the same order). Append new routes at the end of
// their group; any rpc without a route is still reachable at POST /v1/rpc/{Service}/{Method}.
constexpr std::array kRouteTable = {
    // Candidates.
    Route{"GET", "/v1/candidates", "passerelle.v1.Matching/ListCandidates", ""},
    Route{"POST", "/v1/candidates", "passerelle.v1.Matching/PutCandidate", "candidate"},
    Route{"GET", "/v1/candidates/{candidate_id}", "passerelle.v1.Matching/GetCandidate", ""},
    Route{"PUT", "/v1/candidates/{candidate.id}", "passerelle.v1.Matching/PutCandidate", "candidate"},
    Route{"DELETE", "/v1/candidates/{candidate_id}", "passerelle.v1.Matching/DeleteCandidate", ""},
    Route{"POST", "/v1/candidates:import", "passerelle.v1.Matching/ImportCandidates", "candidate"},
    Route{"POST", "/v1/candidates:search", "passerelle.v1.Matching/SearchCandidates", "*"},
    Route{"POST", "/v1/candidates/{candidate_id}:matchOpenings", "passerelle.v1.Matching/MatchOpenings", "*"},
    Route{"GET", "/v1/candidates/{candidate_id}:matchOpenings", "passerelle.v1.Matching/MatchOpenings", ""},
    Route{"GET", "/v1/candidates/{candidate_id}:watch", "passerelle.v1.Matching/WatchMatches", ""},
    // Openings.
    Route{"GET", "/v1/openings", "passerelle.v1.Matching/ListOpenings", ""},
    Route{"POST", "/v1/openings", "passerelle.v1.Matching/PutOpening", "opening"},
    Route{"GET", "/v1/openings/{opening_id}", "passerelle.v1.Matching/GetOpening", ""},
    Route{"PUT", "/v1/openings/{opening.id}", "passerelle.v1.Matching/PutOpening", "opening"},
    Route{"DELETE", "/v1/openings/{opening_id}", "passerelle.v1.Matching/DeleteOpening", ""},
    Route{"POST", "/v1/openings:import", "passerelle.v1.Matching/ImportOpenings", "opening"},
    Route{"POST", "/v1/openings:importFranceTravail", "passerelle.v1.Matching/ImportFranceTravailOffers", "*"},
    Route{"POST", "/v1/openings:search", "passerelle.v1.Matching/SearchOpenings", "*"},
    Route{"POST", "/v1/openings/{opening_id}:matchCandidates", "passerelle.v1.Matching/MatchCandidates", "*"},
    Route{"GET", "/v1/openings/{opening_id}:matchCandidates", "passerelle.v1.Matching/MatchCandidates", ""},
    Route{"GET", "/v1/openings/{opening_id}:watch", "passerelle.v1.Matching/WatchMatches", ""},
    // A pair's explanation.
    Route{"POST", "/v1/explain", "passerelle.v1.Matching/Explain", "*"},
    Route{"GET", "/v1/candidates/{candidate_id}/openings/{opening_id}:explain", "passerelle.v1.Matching/Explain", ""},
    // Cohorts (batch).
    Route{"POST", "/v1/rerank", "passerelle.v1.Matching/Rerank", "*"},
    Route{"POST", "/v1/assign", "passerelle.v1.Matching/Assign", "*"},
    Route{"POST", "/v1/cohorts", "passerelle.v1.Matching/FormCohorts", "*"},
    // Scoring profiles and status.
    Route{"GET", "/v1/profiles", "passerelle.v1.Matching/ListScoringProfiles", ""},
    Route{"GET", "/v1/profiles/{name}", "passerelle.v1.Matching/GetScoringProfile", ""},
    Route{"PUT", "/v1/profiles/{profile.name}", "passerelle.v1.Matching/PutScoringProfile", "profile"},
    Route{"GET", "/v1/status", "passerelle.v1.Matching/GetStatus", ""},
    // Reference look-ups, for forms.
    Route{"GET", "/v1/lookup/occupations", "passerelle.v1.Matching/LookupOccupations", ""},
    Route{"GET", "/v1/lookup/communes", "passerelle.v1.Matching/LookupCommunes", ""},
    Route{"GET", "/v1/lookup/skills", "passerelle.v1.Matching/LookupSkills", ""},
    Route{"GET", "/v1/lookup/skills/{rome_code}", "passerelle.v1.Matching/LookupSkills", ""},
    // Access: keys and sharing agreements.
    Route{"GET", "/v1/keys", "passerelle.v1.Access/ListKeys", ""},
    Route{"POST", "/v1/keys", "passerelle.v1.Access/CreateKey", "*"},
    Route{"DELETE", "/v1/keys/{key_id}", "passerelle.v1.Access/RevokeKey", ""},
    Route{"GET", "/v1/sharingAgreements", "passerelle.v1.Access/ListSharingAgreements", ""},
    Route{"GET", "/v1/whoami", "passerelle.v1.Access/WhoAmI", ""},
    Route{"POST", "/v1/sharingAgreements", "passerelle.v1.Access/PutSharingAgreement", "agreement"},
    Route{"DELETE", "/v1/sharingAgreements/{owner_organisation}/{reader_organisation}",
          "passerelle.v1.Access/DeleteSharingAgreement", ""},
    // Governance.
    Route{"GET", "/v1/audit", "passerelle.v1.Governance/ListAuditEntries", ""},
    Route{"GET", "/v1/expiring", "passerelle.v1.Governance/ListExpiringRecords", ""},
    Route{"POST", "/v1/organisations/{organisation}:erase", "passerelle.v1.Governance/EraseOrganisation", ""},
};

int HexValue(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

// %XX escapes of one path segment ('+' stays '+': it means a space only in query strings).
std::optional<std::string> PercentDecode(absl::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int high = HexValue(text[i + 1]);
    const int low = HexValue(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

// Matches one template segment ("{candidate_id}:matchOpenings", "candidates") against one raw path
// segment; a variable's value is stored decoded.
bool MatchSegment(absl::string_view pattern, absl::string_view segment, std::map<std::string, std::string>& vars) {
  const size_t open = pattern.find('{');
  if (open == absl::string_view::npos) return pattern == segment;
  const size_t close = pattern.find('}', open);
  const absl::string_view prefix = pattern.substr(0, open);
  const absl::string_view suffix = pattern.substr(close + 1);
  if (segment.size() <= prefix.size() + suffix.size() || !absl::StartsWith(segment, prefix) ||
      !absl::EndsWith(segment, suffix)) {
    return false;
  }
  std::optional<std::string> value =
      PercentDecode(segment.substr(prefix.size(), segment.size() - prefix.size() - suffix.size()));
  if (!value || value->empty()) return false;
  vars[std::string(pattern.substr(open + 1, close - open - 1))] = *std::move(value);
  return true;
}

bool MatchTemplate(absl::string_view pattern, absl::string_view path, std::map<std::string, std::string>& vars) {
  const std::vector<absl::string_view> want = absl::StrSplit(pattern, '/');
  const std::vector<absl::string_view> got = absl::StrSplit(path, '/');
  if (want.size() != got.size()) return false;
  for (size_t i = 0; i < want.size(); ++i) {
    if (!MatchSegment(want[i], got[i], vars)) return false;
  }
  return true;
}

// Characters of a template outside its {variables}.
size_t LiteralLength(absl::string_view pattern) {
  size_t length = 0;
  bool in_variable = false;
  for (char ch : pattern) {
    if (ch == '{') in_variable = true;
    if (!in_variable) ++length;
    if (ch == '}') in_variable = false;
  }
  return length;
}

}  // namespace

std::span<const Route> Routes() { return kRouteTable; }

std::optional<RouteMatch> MatchRoute(absl::string_view http_method, absl::string_view path) {
  // The most literal template wins: "/v1/candidates/{candidate_id}:watch" over
  // "/v1/candidates/{candidate_id}", which would take "c-1:watch" as an id (ids may hold ':').
  std::optional<RouteMatch> best;
  size_t best_literal = 0;
  for (const Route& route : kRouteTable) {
    if (http_method != route.http_method) continue;
    RouteMatch match;
    if (!MatchTemplate(route.path_template, path, match.variables)) continue;
    const size_t literal = LiteralLength(route.path_template);
    if (!best || literal > best_literal) {
      match.route = &route;
      best = std::move(match);
      best_literal = literal;
    }
  }
  return best;
}

bool PathHasOtherMethod(absl::string_view http_method, absl::string_view path) {
  for (const Route& route : kRouteTable) {
    std::map<std::string, std::string> ignored;
    if (http_method != route.http_method && MatchTemplate(route.path_template, path, ignored)) return true;
  }
  return false;
}

std::optional<std::string> GenericRpc(absl::string_view path) {
  constexpr absl::string_view kPrefix = "/v1/rpc/";
  if (!absl::StartsWith(path, kPrefix)) return std::nullopt;
  const std::vector<absl::string_view> parts = absl::StrSplit(path.substr(kPrefix.size()), '/');
  if (parts.size() != 2 || parts[0].empty() || parts[1].empty()) return std::nullopt;
  for (absl::string_view part : parts) {
    for (char ch : part) {
      if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '_') return std::nullopt;
    }
  }
  const std::string service = absl::StrContains(parts[0], '.') ? std::string(parts[0]) : absl::StrCat("passerelle.v1.", parts[0]);
  return absl::StrCat(service, "/", parts[1]);
}

}  // namespace passerelle::gateway
