#include "server/auth/authorizer.h"

#include "engine/common/field_status.h"

#include <array>
#include <initializer_list>

#include "absl/strings/str_cat.h"

namespace passerelle::server {
namespace {

constexpr unsigned Bit(Role role) { return 1u << static_cast<int>(role); }
constexpr unsigned Roles(std::initializer_list<Role> roles) {
  unsigned mask = 0;
  for (Role r : roles) mask |= Bit(r);
  return mask;
}

constexpr Role kCounsellor = Role::kCounsellor, kEmployer = Role::kEmployer, kBatch = Role::kBatch,
               kReader = Role::kReader, kAdmin = Role::kAdmin, kClusterPeer = Role::kClusterPeer;

struct MethodRule {
  absl::string_view method;
  unsigned roles;
};

// Who may call what (docs/security.md, "Rules"). Record-level checks follow in the handlers.
constexpr std::array<MethodRule, 38> kRules = {{
    // passerelle.v1.Matching: candidates are written by counsellors only, openings by employers only.
    {"PutCandidate", Roles({kCounsellor})},
    {"DeleteCandidate", Roles({kCounsellor})},
    {"ImportCandidates", Roles({kCounsellor})},
    {"GetCandidate", Roles({kCounsellor, kEmployer, kReader})},
    {"PutOpening", Roles({kEmployer})},
    {"DeleteOpening", Roles({kEmployer})},
    {"ImportOpenings", Roles({kEmployer})},
    {"ImportFranceTravailOffers", Roles({kEmployer})},
    {"GetOpening", Roles({kCounsellor, kEmployer, kReader})},
    {"MatchOpenings", Roles({kCounsellor, kReader})},
    {"MatchCandidates", Roles({kCounsellor, kEmployer, kReader})},
    {"Explain", Roles({kCounsellor, kEmployer, kReader})},
    {"PutScoringProfile", Roles({kAdmin})},
    {"GetScoringProfile", Roles({kCounsellor, kEmployer, kBatch, kReader, kAdmin})},
    {"ListScoringProfiles", Roles({kCounsellor, kEmployer, kBatch, kReader, kAdmin})},
    {"GetStatus", Roles({kAdmin})},
    {"Rerank", Roles({kCounsellor, kBatch})},
    {"Assign", Roles({kCounsellor, kBatch})},
    {"FormCohorts", Roles({kCounsellor, kBatch})},  // a batch call, as Assign
    // Integration rpcs: the same roles as the calls they resemble; record checks in the handlers.
    {"ListCandidates", Roles({kCounsellor, kEmployer, kReader})},
    {"ListOpenings", Roles({kCounsellor, kEmployer, kReader})},
    {"SearchOpenings", Roles({kCounsellor, kReader})},
    {"SearchCandidates", Roles({kCounsellor, kEmployer, kReader})},
    {"WatchMatches", Roles({kCounsellor, kEmployer, kReader})},  // a candidate's: as MatchOpenings
    {"LookupOccupations", Roles({kCounsellor, kEmployer, kBatch, kReader, kAdmin})},  // public reference data
    {"LookupCommunes", Roles({kCounsellor, kEmployer, kBatch, kReader, kAdmin})},
    {"LookupSkills", Roles({kCounsellor, kEmployer, kBatch, kReader, kAdmin})},
    // passerelle.v1.Access
    {"CreateKey", Roles({kAdmin})},
    {"ListKeys", Roles({kAdmin})},
    {"RevokeKey", Roles({kAdmin})},
    {"PutSharingAgreement", Roles({kAdmin})},
    {"DeleteSharingAgreement", Roles({kAdmin})},
    {"ListSharingAgreements", Roles({kAdmin})},
    {"WhoAmI", Roles({kCounsellor, kEmployer, kBatch, kReader, kAdmin})},  // the caller's own claims
    // passerelle.v1.Governance
    {"ListAuditEntries", Roles({kAdmin, kCounsellor, kReader})},  // non-admins: entries on their own candidates
    {"ListExpiringRecords", Roles({kCounsellor, kEmployer, kReader})},  // their own records
    {"EraseOrganisation", Roles({kAdmin})},
    // passerelle.cluster.ClusterPeer (internal): a snapshot carries every organisation's data.
    {"GetSnapshot", Roles({kClusterPeer})},
}};

}  // namespace

absl::Status Authorizer::AuthorizeMethod(const Claims& claims, absl::string_view method) const {
  for (const MethodRule& rule : kRules) {
    if (rule.method == method) {
      if (rule.roles & Bit(claims.role)) return absl::OkStatus();
      break;
    }
  }
  return absl::PermissionDeniedError(
      absl::StrCat("role \"", RoleName(claims.role), "\" may not call ", method, " (see docs/security.md)"));
}

std::vector<std::string> Authorizer::MethodsAllowed(Role role) {
  std::vector<std::string> methods;
  for (const MethodRule& rule : kRules) {
    if (rule.roles & Bit(role)) methods.emplace_back(rule.method);
  }
  return methods;
}

bool Authorizer::ReadsOwner(const Claims& claims, absl::string_view owner) const {
  return owner == claims.organisation || registry_->Shares(owner, claims.organisation);
}

bool Authorizer::CanReadCandidate(const Claims& claims, const v1::Candidate& record) const {
  return CanReadCandidate(claims, record.owner_id(), record.shared_with_employers());
}

bool Authorizer::CanReadCandidate(const Claims& claims, absl::string_view owner, bool shared_with_employers) const {
  switch (claims.role) {
    case Role::kCounsellor:
    case Role::kReader:
      return ReadsOwner(claims, owner);
    case Role::kEmployer:
      return shared_with_employers;
    case Role::kBatch:
    case Role::kAdmin:
    case Role::kClusterPeer:
      return false;
  }
  return false;
}

bool Authorizer::CanWriteCandidate(const Claims& claims, absl::string_view owner) const {
  return claims.role == Role::kCounsellor && owner == claims.organisation;
}

bool Authorizer::CanReadOpening(const Claims& claims, const v1::Opening& record) const {
  return CanReadOpening(claims, record.owner_id());
}

bool Authorizer::CanReadOpening(const Claims& claims, absl::string_view owner) const {
  switch (claims.role) {
    case Role::kCounsellor:
    case Role::kReader:
    case Role::kBatch:
      return true;  // openings are published offers
    case Role::kEmployer:
      return owner == claims.organisation;
    case Role::kAdmin:
    case Role::kClusterPeer:
      return false;
  }
  return false;
}

bool Authorizer::CanWriteOpening(const Claims& claims, absl::string_view owner) const {
  return claims.role == Role::kEmployer && owner == claims.organisation;
}

CandidateScope Authorizer::CandidatesVisibleTo(const Claims& claims) const {
  CandidateScope scope;
  switch (claims.role) {
    case Role::kCounsellor:
    case Role::kReader:
      scope.owner_ids.push_back(claims.organisation);
      for (std::string& owner : registry_->OwnersSharingWith(claims.organisation)) {
        scope.owner_ids.push_back(std::move(owner));
      }
      break;
    case Role::kBatch:
      scope.owner_ids.push_back(claims.organisation);
      break;
    case Role::kEmployer:
      scope.include_shared_with_employers = true;
      break;
    case Role::kAdmin:
    case Role::kClusterPeer:
      break;
  }
  return scope;
}

bool Authorizer::InScope(const CandidateScope& scope, absl::string_view owner, bool shared) {
  if (!scope.restricted) return true;
  if (scope.include_shared_with_employers && shared) return true;
  for (const std::string& o : scope.owner_ids) {
    if (o == owner) return true;
  }
  return false;
}

void Authorizer::ViewFor(const Claims& claims, v1::Candidate* record) {
  if (claims.role != Role::kEmployer) return;
  // The employer view: what judges the match (occupations, skills, French, contracts, dates, licence,
  // right to work). Not where the person lives, how they are housed or travel, nor who follows them.
  v1::Candidate view;
  view.set_id(record->id());
  view.set_french_level(record->french_level());
  view.set_french_attested(record->french_attested());
  view.set_french_hours_planned(record->french_hours_planned());
  *view.mutable_skills() = record->skills();
  *view.mutable_past_occupations() = record->past_occupations();
  *view.mutable_wished_occupations() = record->wished_occupations();
  *view.mutable_accepted_contracts() = record->accepted_contracts();
  view.set_available_from(record->available_from());
  *view.mutable_weekly_availability() = record->weekly_availability();
  view.set_driving_licence(record->driving_licence());
  view.set_right_to_work(record->right_to_work());
  view.set_shared_with_employers(true);
  *record = std::move(view);
}

absl::Status Authorizer::CheckBodyOwner(const Claims& claims, absl::string_view owner, absl::string_view field) {
  if (owner.empty() || owner == claims.organisation) return absl::OkStatus();
  return engine::InvalidFieldError(field, absl::StrCat("must be empty or the caller's organisation \"",
                                                      claims.organisation, "\"; the owner comes from the credential"));
}

}  // namespace passerelle::server
