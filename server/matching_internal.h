// What the two halves of MatchingService (matching_service.cc: queries, profiles, status, batch;
// matching_records.cc: puts, gets, deletes, imports) share: the call wrapper, the record kinds and the
// read check every handler that names a record goes through. Included by those two files only.
#ifndef PASSERELLE_SERVER_MATCHING_INTERNAL_H_
#define PASSERELLE_SERVER_MATCHING_INTERNAL_H_

#include <chrono>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/common/status_macros.h"
#include "engine/store/record_codec.h"
#include "server/matching_service.h"
#include "server/status_convert.h"

namespace passerelle::server {
namespace matching_internal {

using engine::PrefixFieldPath;

// OK while the call is live; DeadlineExceeded or Cancelled once the client can no longer get an answer.
inline absl::Status CheckLive(const grpc::ServerContextBase* context) {
  if (context->deadline() <= std::chrono::system_clock::now()) {
    return absl::DeadlineExceededError("deadline exceeded; nothing more was written");
  }
  if (context->IsCancelled()) return absl::CancelledError("call cancelled; nothing more was written");
  return absl::OkStatus();
}

inline absl::Status Required(absl::string_view field) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": required"));
}


// What differs between the two kinds of record, for the Put/Get/Delete/Import handlers written once.
struct CandidateKind {
  using Message = v1::Candidate;
  using ImportRequest = v1::ImportCandidatesRequest;
  static constexpr char kField[] = "candidate";
  static constexpr char kIdField[] = "candidate_id";
  static bool Has(const ImportRequest& r) { return r.has_candidate(); }
  static const Message& Of(const ImportRequest& r) { return r.candidate(); }
  static auto Decode(const Message& m) { return engine::CandidateFromProto(m); }
  static auto Put(engine::Catalog* catalog, absl::Span<const engine::Candidate> items) {
    return catalog->PutCandidates(items);
  }
  static auto Get(const engine::Catalog& catalog, const std::string& id) { return catalog.GetCandidate(id); }
  static absl::Status Delete(engine::Catalog* catalog, const std::string& id) { return catalog->DeleteCandidate(id); }
  static bool CanRead(const Authorizer& a, const Claims& c, const Message& m) { return a.CanReadCandidate(c, m); }
  static bool CanWrite(const Authorizer& a, const Claims& c, absl::string_view owner) {
    return a.CanWriteCandidate(c, owner);
  }
  static void View(const Claims& c, Message* m) { Authorizer::ViewFor(c, m); }
};

struct OpeningKind {
  using Message = v1::Opening;
  using ImportRequest = v1::ImportOpeningsRequest;
  static constexpr char kField[] = "opening";
  static constexpr char kIdField[] = "opening_id";
  static bool Has(const ImportRequest& r) { return r.has_opening(); }
  static const Message& Of(const ImportRequest& r) { return r.opening(); }
  static auto Decode(const Message& m) { return engine::OpeningFromProto(m); }
  static auto Put(engine::Catalog* catalog, absl::Span<const engine::Opening> items) {
    return catalog->PutOpenings(items);
  }
  static auto Get(const engine::Catalog& catalog, const std::string& id) { return catalog.GetOpening(id); }
  static absl::Status Delete(engine::Catalog* catalog, const std::string& id) { return catalog->DeleteOpening(id); }
  static bool CanRead(const Authorizer& a, const Claims& c, const Message& m) { return a.CanReadOpening(c, m); }
  static bool CanWrite(const Authorizer& a, const Claims& c, absl::string_view owner) {
    return a.CanWriteOpening(c, owner);
  }
  static void View(const Claims& c, Message* m) {}
};

// The same answer as for an absent record: a record the caller may not see does not exist for it.
inline absl::Status Absent(absl::string_view kind, absl::string_view id) {
  return absl::NotFoundError(absl::StrCat("no ", kind, " \"", id, "\""));
}

// Decodes a record written by `claims`' organisation: the owner comes from the credential, never from
// the body (whose owner_id must be "" or that organisation).
// TODO(integrator): with the catalog keyed by (organisation, id) (trust-data), this owner_id is also the
// organisation the catalog stores the record under: the one place a handler names it.
template <class Kind>
auto DecodeOwned(const Claims& claims, const typename Kind::Message& message)
    -> decltype(Kind::Decode(message)) {
  PASSERELLE_RETURN_IF_ERROR(Authorizer::CheckBodyOwner(claims, message.owner_id(), "owner_id"));
  auto record = Kind::Decode(message);
  if (record.ok()) record->owner_id = claims.organisation;
  return record;
}

}  // namespace matching_internal

template <class Fn>
grpc::Status MatchingService::Run(const grpc::ServerContextBase& context, absl::string_view method, Fn&& fn) {
  CallLog log(method);
  {
    absl::MutexLock lock(&mu_);
    if (draining_) {
      return log.Finish(ToGrpcStatus(absl::UnavailableError("the server is shutting down; nothing was done")));
    }
    ++running_;
  }
  absl::Status status;
  absl::StatusOr<Claims> claims = gate_->Enter(context, method, log);
  if (claims.ok()) {
    status = fn(log, *claims);
    gate_->Leave(*claims);
  } else {
    status = claims.status();
  }
  {
    absl::MutexLock lock(&mu_);
    --running_;
  }
  return log.Finish(ToGrpcStatus(status));
}

// The stored record when `claims` may read it; the same NotFound as for an absent one otherwise.
template <class Kind>
absl::StatusOr<engine::StoredRecord<typename Kind::Message>> MatchingService::Readable(const Claims& claims,
                                                                               const std::string& id) const {
  PASSERELLE_RETURN_IF_ERROR(engine::ValidateId(id, Kind::kIdField));
  auto stored = Kind::Get(*catalog_, id);
  if (stored.ok() && !Kind::CanRead(gate_->authorizer(), claims, stored->record)) {
    return matching_internal::PrefixFieldPath(matching_internal::Absent(Kind::kField, id), Kind::kIdField);
  }
  if (!stored.ok()) return matching_internal::PrefixFieldPath(stored.status(), Kind::kIdField);
  return stored;
}

}  // namespace passerelle::server

#endif  // PASSERELLE_SERVER_MATCHING_INTERNAL_H_
