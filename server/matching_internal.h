// What the two halves of MatchingService (matching_service.cc: queries, profiles, status, batch;
// matching_records.cc: puts, gets, deletes, imports) share: the call wrapper, the record kinds and the
// read check every handler that names a record goes through. Included by those two files only.
#ifndef PASSERELLE_SERVER_MATCHING_INTERNAL_H_
#define PASSERELLE_SERVER_MATCHING_INTERNAL_H_

#include <algorithm>
#include <chrono>
#include <string>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/common/field_status.h"
#include "engine/common/quote.h"
#include "engine/common/status_macros.h"
#include "engine/store/record_codec.h"
#include "engine/store/record_key.h"
#include "server/matching_service.h"
#include "server/metrics/call_metrics.h"
#include "server/request_limits.h"
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
  static engine::Day Expiry(const Message&) { return 0; }
  static auto Put(engine::Catalog* catalog, absl::string_view organisation, absl::Span<const engine::Candidate> items,
                  absl::Span<const engine::Day>) {
    return catalog->PutCandidates(organisation, items);
  }
  static auto Get(const engine::Catalog& catalog, absl::string_view organisation, absl::string_view id) {
    return catalog.GetCandidate(organisation, id);
  }
  static absl::Status Delete(engine::Catalog* catalog, absl::string_view organisation, absl::string_view id) {
    return catalog->DeleteCandidate(organisation, id);
  }
  static bool CanRead(const Authorizer& a, const Claims& c, const Message& m) { return a.CanReadCandidate(c, m); }
  // Whether the index holds candidate `id` of `organisation` and the caller may read it, by CanRead's
  // rule on the index's copy of the two fields it reads.
  static bool IndexedReadable(const engine::MatchIndex& index, const Authorizer& a, const Claims& c,
                              absl::string_view organisation, absl::string_view id) {
    const auto held = index.FindCandidate(engine::QualifiedId(organisation, id));
    return held != nullptr && held->record.owner_id == organisation &&
           a.CanReadCandidate(c, organisation, held->record.shared_with_employers);
  }
  static bool CanWrite(const Authorizer& a, const Claims& c, absl::string_view owner) {
    return a.CanWriteCandidate(c, owner);
  }
  static void View(const Claims& c, Message* m) { Authorizer::ViewFor(c, m); }
  // Where a candidate named without its owner is looked for after the caller's own organisation: the
  // organisations sharing with it, and for an employer every organisation (the authorizer then lets it
  // read only the candidates shared with employers).
  static std::vector<std::string> OtherOwners(const AccessRegistry& registry, const Claims& c) {
    return c.role == Role::kEmployer ? registry.Organisations() : registry.OwnersSharingWith(c.organisation);
  }
};

struct OpeningKind {
  using Message = v1::Opening;
  using ImportRequest = v1::ImportOpeningsRequest;
  static constexpr char kField[] = "opening";
  static constexpr char kIdField[] = "opening_id";
  static bool Has(const ImportRequest& r) { return r.has_opening(); }
  static const Message& Of(const ImportRequest& r) { return r.opening(); }
  static absl::StatusOr<engine::Opening> Decode(const Message& m) {
    PASSERELLE_RETURN_IF_ERROR(engine::OpeningExpiryFromProto(m).status());
    return engine::OpeningFromProto(m);
  }
  // Decode() has checked it.
  static engine::Day Expiry(const Message& m) { return engine::OpeningExpiryFromProto(m).value_or(0); }
  static auto Put(engine::Catalog* catalog, absl::string_view organisation, absl::Span<const engine::Opening> items,
                  absl::Span<const engine::Day> expires_on) {
    return catalog->PutOpenings(organisation, items, expires_on);
  }
  static auto Get(const engine::Catalog& catalog, absl::string_view organisation, absl::string_view id) {
    return catalog.GetOpening(organisation, id);
  }
  static absl::Status Delete(engine::Catalog* catalog, absl::string_view organisation, absl::string_view id) {
    return catalog->DeleteOpening(organisation, id);
  }
  static bool CanRead(const Authorizer& a, const Claims& c, const Message& m) { return a.CanReadOpening(c, m); }
  static bool IndexedReadable(const engine::MatchIndex& index, const Authorizer& a, const Claims& c,
                              absl::string_view organisation, absl::string_view id) {
    const auto held = index.FindOpening(engine::QualifiedId(organisation, id));
    return held != nullptr && held->record.owner_id == organisation && a.CanReadOpening(c, organisation);
  }
  static bool CanWrite(const Authorizer& a, const Claims& c, absl::string_view owner) {
    return a.CanWriteOpening(c, owner);
  }
  static void View(const Claims& c, Message* m) {}
  // Openings are published: one named without its owner is looked for in every organisation with a key.
  static std::vector<std::string> OtherOwners(const AccessRegistry& registry, const Claims& c) {
    return registry.Organisations();
  }
};

// The engine's form of the authorizer's answer.
inline engine::CandidateVisibility VisibilityOf(const CandidateScope& scope) {
  engine::CandidateVisibility visibility;
  visibility.restricted = scope.restricted;
  visibility.owner_ids = scope.owner_ids;
  visibility.include_shared_with_employers = scope.include_shared_with_employers;
  return visibility;
}

// The same answer as for an absent record: a record the caller may not see does not exist for it.
inline absl::Status Absent(absl::string_view kind, absl::string_view id) {
  return absl::NotFoundError(absl::StrCat("no ", kind, " ", engine::Quote(id)));
}

// Decodes a record written by `claims`' organisation: the owner comes from the credential, never from
// the body (whose owner_id must be "" or that organisation).
// The catalog stores the record under that same organisation (Kind::Put).
template <class Kind>
auto DecodeOwned(const Claims& claims, const typename Kind::Message& message)
    -> decltype(Kind::Decode(message)) {
  PASSERELLE_RETURN_IF_ERROR(CheckRepeatedCaps(message));
  PASSERELLE_RETURN_IF_ERROR(Authorizer::CheckBodyOwner(claims, message.owner_id(), "owner_id"));
  auto record = Kind::Decode(message);
  if (record.ok()) record->owner_id = claims.organisation;
  return record;
}

// Audit entries name at most this many candidates each (a batch call writes several).
inline constexpr size_t kAuditCandidatesPerEntry = 1000;

// Appends the audit entries of a call that returns candidate data (docs/security.md), before the data
// goes out: in the write-ahead log, fsynced within --audit_sync_interval_ms (engine/store/audit_log.h).
// `candidates` hold qualified ids ("<organisation>:<id>").
inline absl::Status AuditCall(engine::Catalog* catalog, const Claims& claims, absl::string_view rpc,
                              const std::vector<std::string>& candidates) {
  engine::AuditEvent event;
  event.organisation = claims.organisation;
  event.key_id = claims.key_id;
  event.acting_person = claims.acting_person;
  event.rpc = std::string(rpc);
  for (size_t begin = 0; begin < candidates.size(); begin += kAuditCandidatesPerEntry) {
    event.candidates.clear();
    for (size_t i = begin; i < std::min(candidates.size(), begin + kAuditCandidatesPerEntry); ++i) {
      const auto [organisation, id] = engine::SplitQualifiedId(candidates[i]);
      event.candidates.push_back({std::string(organisation), std::string(id)});
    }
    PASSERELLE_RETURN_IF_ERROR(catalog->AppendAudit(event));
    metrics::ObserveAuditEntries(rpc, 1);
  }
  return absl::OkStatus();
}

// Index results carry qualified ids; answers carry each record's own id and its organisation.
inline void StripIds(google::protobuf::RepeatedPtrField<v1::Match>* matches) {
  for (v1::Match& m : *matches) {
    const auto [organisation, id] = engine::SplitQualifiedId(m.id());
    m.set_owner_id(std::string(organisation));
    m.set_id(std::string(id));
    if (m.has_explanation()) {
      v1::Explanation* e = m.mutable_explanation();
      e->set_candidate_id(std::string(engine::UnqualifiedId(e->candidate_id())));
      e->set_opening_id(std::string(engine::UnqualifiedId(e->opening_id())));
    }
  }
}

// The index's errors name qualified ids; the caller knows the record by its own (payloads kept).
inline absl::Status Unqualify(const absl::Status& status, absl::string_view qualified, absl::string_view id) {
  if (status.ok()) return status;
  std::string message(status.message());
  const size_t at = message.find(qualified.data(), 0, qualified.size());
  if (at != std::string::npos) message.replace(at, qualified.size(), id.data(), id.size());
  absl::Status unqualified(status.code(), message);
  status.ForEachPayload(
      [&](absl::string_view type_url, const absl::Cord& payload) { unqualified.SetPayload(type_url, payload); });
  return unqualified;
}

}  // namespace matching_internal

template <class Fn>
grpc::Status MatchingService::Run(grpc::ServerContextBase& context, absl::string_view method, Fn&& fn) {
  CallLog log(method);
  {
    absl::MutexLock lock(&mu_);
    if (draining_) {
      return log.Finish(absl::UnavailableError("the server is shutting down; nothing was done"));
    }
    ++running_;
  }
  absl::Status status;
  absl::StatusOr<Claims> claims = gate_->Enter(context, method, log);
  if (claims.ok()) {
    status = AwaitMinSequence(context);
    if (status.ok()) status = fn(log, *claims);
    const absl::Status expired = gate_->Leave(context, method, *claims);
    if (!expired.ok()) status = expired;  // the client got CANCELLED; the log says why
  } else {
    status = claims.status();
  }
  {
    absl::MutexLock lock(&mu_);
    --running_;
  }
  return log.Finish(status);
}

// The stored record `id` of `owner` when `claims` may read it, with its organisation; the same NotFound as
// for an absent one otherwise. `owner` "": the caller's own record, else (candidates) one of an organisation
// sharing with the caller, or (openings) the one published under that id (proto/passerelle/v1/matching.proto).
template <class Kind>
absl::StatusOr<MatchingService::Located<typename Kind::Message>> MatchingService::Readable(
    const Claims& claims, const std::string& id, const std::string& owner) const {
  PASSERELLE_RETURN_IF_ERROR(engine::ValidateId(id, Kind::kIdField));
  const std::string owner_field = absl::StrCat(Kind::kField, "_owner");
  std::vector<std::string> owners;
  if (!owner.empty()) {
    owners.push_back(owner);
  } else {
    owners.push_back(claims.organisation);
    for (std::string& other : Kind::OtherOwners(gate_->registry(), claims)) {
      if (other != claims.organisation) owners.push_back(std::move(other));
    }
  }
  std::optional<Located<typename Kind::Message>> found;
  for (const std::string& organisation : owners) {
    auto stored = Kind::Get(*catalog_, organisation, id);
    if (absl::IsNotFound(stored.status()) || absl::IsInvalidArgument(stored.status())) continue;
    if (!stored.ok()) return matching_internal::PrefixFieldPath(stored.status(), Kind::kIdField);
    if (!Kind::CanRead(gate_->authorizer(), claims, stored->record)) continue;
    if (found.has_value()) {
      // Both records are ones the caller may read: naming their organisations leaks nothing.
      return engine::InvalidFieldError(owner_field, absl::StrCat("you may read a ", Kind::kField, " ", engine::Quote(id),
                                                                 " of several organisations (", found->organisation,
                                                                 ", ", organisation, "); name the one you mean"));
    }
    found = Located<typename Kind::Message>{*std::move(stored), organisation};
    if (organisation == claims.organisation || !owner.empty()) break;  // one's own record comes first
  }
  if (!found.has_value()) {
    return matching_internal::PrefixFieldPath(matching_internal::Absent(Kind::kField, id), Kind::kIdField);
  }
  return *std::move(found);
}

// The match rpcs need only the organisation: the first record Readable() would try (the named owner's, else
// the caller's own, which comes first) is answered from the index when it holds it and the caller may
// read it, without a store read and a parse; any other case goes through Readable(), unchanged.
template <class Kind>
absl::StatusOr<std::string> MatchingService::ReadableOwner(const Claims& claims, const std::string& id,
                                                          const std::string& owner) const {
  PASSERELLE_RETURN_IF_ERROR(engine::ValidateId(id, Kind::kIdField));
  const std::string& first = owner.empty() ? claims.organisation : owner;
  if (Kind::IndexedReadable(catalog_->index(), gate_->authorizer(), claims, first, id)) return first;
  PASSERELLE_ASSIGN_OR_RETURN(auto located, Readable<Kind>(claims, id, owner));
  return std::move(located.organisation);
}

}  // namespace passerelle::server

#endif  // PASSERELLE_SERVER_MATCHING_INTERNAL_H_
