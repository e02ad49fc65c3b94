// The one place that decides what a caller may do, from its claims (server/auth/claims.h), in two steps:
//
//   1. AuthorizeMethod(claims, method): may this role call this rpc at all? The table is in authorizer.cc
//      and in docs/security.md; a method not in the table is denied (PERMISSION_DENIED). This tells the
//      caller nothing about any record.
//   2. per record: CanRead/CanWrite a candidate or an opening given its owner (and, for candidates, the
//      sharing agreements and the consent flag). Handlers answer a record the caller may not see with
//      the same NOT_FOUND as an absent one, so existence never leaks across organisations.
//
// Thread-safety: thread-safe (reads the registry under its lock).
#ifndef PASSERELLE_SERVER_AUTH_AUTHORIZER_H_
#define PASSERELLE_SERVER_AUTH_AUTHORIZER_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "passerelle/v1/records.pb.h"
#include "server/auth/access_registry.h"
#include "server/auth/claims.h"

namespace passerelle::server {

// Which candidates a query over candidates may return to a caller. Mirrors the engine's
// CandidateVisibility (MatchQuery), which the integrator wires in; until then the service filters results.
struct CandidateScope {
  bool restricted = true;              // false: every candidate (no role has this today)
  std::vector<std::string> owner_ids;  // candidates of these organisations
  bool include_shared_with_employers = false;  // plus candidates whose shared_with_employers is set
};

class Authorizer {
 public:
  // `registry` must outlive the authorizer.
  explicit Authorizer(const AccessRegistry* registry) : registry_(registry) {}

  // PermissionDenied naming the role and method when the role may not call it.
  absl::Status AuthorizeMethod(const Claims& claims, absl::string_view method) const;
  // The methods `role` may call, in the rules table's order.
  static std::vector<std::string> MethodsAllowed(Role role);

  bool CanReadCandidate(const Claims& claims, const v1::Candidate& record) const;
  // The same rule from the two fields it reads (the index's copy of a record, matching_internal.h).
  bool CanReadCandidate(const Claims& claims, absl::string_view owner, bool shared_with_employers) const;
  bool CanWriteCandidate(const Claims& claims, absl::string_view owner) const;
  bool CanReadOpening(const Claims& claims, const v1::Opening& record) const;
  bool CanReadOpening(const Claims& claims, absl::string_view owner) const;
  bool CanWriteOpening(const Claims& claims, absl::string_view owner) const;
  CandidateScope CandidatesVisibleTo(const Claims& claims) const;
  // Whether a candidate of `owner` with consent flag `shared` is in `scope`.
  static bool InScope(const CandidateScope& scope, absl::string_view owner, bool shared);

  // What a caller sees of a candidate it may read: everything for its organisation's roles, the
  // employer view (the fields that judge a match, docs/security.md) for an employer.
  static void ViewFor(const Claims& claims, v1::Candidate* record);

  // A body's owner_id must be "" or the caller's organisation: InvalidArgument naming `field` otherwise.
  static absl::Status CheckBodyOwner(const Claims& claims, absl::string_view owner, absl::string_view field);

 private:
  bool ReadsOwner(const Claims& claims, absl::string_view owner) const;
  const AccessRegistry* const registry_;
};

}  // namespace passerelle::server

#endif  // PASSERELLE_SERVER_AUTH_AUTHORIZER_H_
