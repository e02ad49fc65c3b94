// passerelle.v1.Matching's record rpcs: Put, Get, Delete and Import, written once for both kinds of
// record (CandidateKind, OpeningKind in matching_internal.h). Every record is written under the caller's
// organisation and read only when the authorizer says so.
#include <type_traits>
#include <vector>

#include "absl/strings/strip.h"
#include "server/import_stream.h"
#include "server/matching_cluster.h"
#include "server/matching_internal.h"

namespace passerelle::server {
namespace {

using namespace matching_internal;  // NOLINT: this file's own helpers

void Reject(const absl::Status& status, v1::ImportItemReport* report) {
  const engine::FieldError parts = engine::SplitFieldError(status.message());
  report->set_status(v1::IMPORT_ITEM_STATUS_REJECTED);
  report->set_code(StatusCodeName(status.code()));
  report->set_field(parts.field);
  report->set_reason(parts.reason);
}

}  // namespace

template <class Kind>
absl::StatusOr<bool> MatchingService::PutRecord(grpc::ServerContext* context, const Claims& claims,
                                                const typename Kind::Message* message) {
  if (message == nullptr) return Required(Kind::kField);
  auto record = DecodeOwned<Kind>(claims, *message);
  if (!record.ok()) return PrefixFieldPath(record.status(), Kind::kField);
  PASSERELLE_RETURN_IF_ERROR(CheckLive(context));
  if (cluster_node_ != nullptr) {
    using Record = typename std::decay_t<decltype(record)>::value_type;
    PASSERELLE_ASSIGN_OR_RETURN(
        LoggedPut put, (PutThroughLog<Kind, Record>(*cluster_node_, *catalog_, claims.organisation, {*record},
                                                    {Kind::Expiry(*message)}, {*message})));
    SetSequenceMetadata(*context, put.sequence);
    if (!put.outcomes[0].status.ok()) return PrefixFieldPath(put.outcomes[0].status, Kind::kField);
    return put.outcomes[0].created;
  }
  PASSERELLE_ASSIGN_OR_RETURN(std::vector<engine::PutOutcome> outcomes,
                              Kind::Put(catalog_, claims.organisation, {*record}, {Kind::Expiry(*message)}));
  if (!outcomes[0].status.ok()) return PrefixFieldPath(outcomes[0].status, Kind::kField);
  return outcomes[0].created;
}

template <class Kind>
absl::Status MatchingService::GetRecord(const grpc::ServerContextBase& context, const Claims& claims,
                                        const std::string& id, const std::string& owner, typename Kind::Message* out,
                                        bool* matchable) {
  PASSERELLE_ASSIGN_OR_RETURN(auto located, Readable<Kind>(claims, id, owner));
  if constexpr (std::is_same_v<Kind, CandidateKind>) {
    PASSERELLE_RETURN_IF_ERROR(
        AuditCall(catalog_, claims, "GetCandidate", {engine::QualifiedId(located.organisation, id)}));
  }
  Kind::View(claims, &located.stored.record);
  *out = std::move(located.stored.record);
  *matchable = located.stored.matchable;
  return absl::OkStatus();
}

template <class Kind>
absl::Status MatchingService::DeleteRecord(grpc::ServerContext* context, const Claims& claims,
                                           const std::string& id) {
  // Only one's own records can be deleted: they are the ones stored under the caller's organisation.
  PASSERELLE_RETURN_IF_ERROR(engine::ValidateId(id, Kind::kIdField));
  if (!Kind::CanWrite(gate_->authorizer(), claims, claims.organisation)) {
    return PrefixFieldPath(Absent(Kind::kField, id), Kind::kIdField);
  }
  PASSERELLE_RETURN_IF_ERROR(CheckLive(context));
  if (cluster_node_ != nullptr) {
    return PrefixFieldPath(DeleteThroughLog<Kind>(*cluster_node_, *context, claims.organisation, id), Kind::kIdField);
  }
  return PrefixFieldPath(Kind::Delete(catalog_, claims.organisation, id), Kind::kIdField);
}

grpc::Status MatchingService::PutCandidate(grpc::ServerContext* context, const v1::PutCandidateRequest* request,
                                           v1::PutCandidateResponse* response) {
  return Run(*context, "PutCandidate", [&](CallLog& log, const Claims& claims) -> absl::Status {
    PASSERELLE_ASSIGN_OR_RETURN(bool created, PutRecord<CandidateKind>(
                                                  context, claims, request->has_candidate() ? &request->candidate() : nullptr));
    response->set_created(created);
    return absl::OkStatus();
  });
}

grpc::Status MatchingService::PutOpening(grpc::ServerContext* context, const v1::PutOpeningRequest* request,
                                         v1::PutOpeningResponse* response) {
  return Run(*context, "PutOpening", [&](CallLog& log, const Claims& claims) -> absl::Status {
    PASSERELLE_ASSIGN_OR_RETURN(bool created, PutRecord<OpeningKind>(
                                                  context, claims, request->has_opening() ? &request->opening() : nullptr));
    response->set_created(created);
    return absl::OkStatus();
  });
}

grpc::Status MatchingService::GetCandidate(grpc::ServerContext* context, const v1::GetCandidateRequest* request,
                                           v1::GetCandidateResponse* response) {
  return Run(*context, "GetCandidate", [&](CallLog& log, const Claims& claims) {
    bool matchable = false;
    absl::Status status = GetRecord<CandidateKind>(*context, claims, request->candidate_id(), request->candidate_owner(),
                                                   response->mutable_candidate(), &matchable);
    response->set_matchable(matchable);
    return status;
  });
}

grpc::Status MatchingService::GetOpening(grpc::ServerContext* context, const v1::GetOpeningRequest* request,
                                         v1::GetOpeningResponse* response) {
  return Run(*context, "GetOpening", [&](CallLog& log, const Claims& claims) {
    bool matchable = false;
    absl::Status status = GetRecord<OpeningKind>(*context, claims, request->opening_id(), request->opening_owner(),
                                                 response->mutable_opening(), &matchable);
    response->set_matchable(matchable);
    return status;
  });
}

grpc::Status MatchingService::DeleteCandidate(grpc::ServerContext* context, const v1::DeleteCandidateRequest* request,
                                              v1::DeleteCandidateResponse* response) {
  return Run(*context, "DeleteCandidate", [&](CallLog& log, const Claims& claims) {
    return DeleteRecord<CandidateKind>(context, claims, request->candidate_id());
  });
}

grpc::Status MatchingService::DeleteOpening(grpc::ServerContext* context, const v1::DeleteOpeningRequest* request,
                                            v1::DeleteOpeningResponse* response) {
  return Run(*context, "DeleteOpening", [&](CallLog& log, const Claims& claims) {
    return DeleteRecord<OpeningKind>(context, claims, request->opening_id());
  });
}

// Reads the stream, decoding each item at once (a bad one, undecodable bytes included, is reported and
// skipped) and committing the good ones every import_batch_items and at the end. Reports are final only
// once their batch committed. Every item read gets a report; a failure part-way fails the call with the
// counts (import_stream.h).
template <class Kind>
absl::Status MatchingService::Import(grpc::ServerContext* context, const Claims& claims,
                                     grpc::ServerReader<grpc::ByteBuffer>* reader, v1::ImportResponse* response) {
  using Record = typename decltype(Kind::Decode(std::declval<typename Kind::Message>()))::value_type;
  std::vector<Record> batch;
  std::vector<engine::Day> expiries;  // one per batch entry
  std::vector<int> batch_reports;  // index into response->items() of each batch entry
  std::vector<typename Kind::Message> messages;  // cluster mode: each batch entry as sent, for the log
  uint64_t sequence = 0;                         // cluster mode: the last batch's in the log
  int64_t stored = 0;
  auto put = [&]() -> absl::StatusOr<std::vector<engine::PutOutcome>> {
    if (cluster_node_ == nullptr) return Kind::Put(catalog_, claims.organisation, batch, expiries);
    PASSERELLE_ASSIGN_OR_RETURN(LoggedPut logged,
                                (PutThroughLog<Kind, Record>(*cluster_node_, *catalog_, claims.organisation, batch,
                                                             expiries, messages)));
    if (logged.sequence != 0) sequence = logged.sequence;
    return std::move(logged.outcomes);
  };
  auto commit = [&]() -> absl::Status {
    if (batch.empty()) return absl::OkStatus();
    PASSERELLE_RETURN_IF_ERROR(CheckLive(context));
    PASSERELLE_ASSIGN_OR_RETURN(std::vector<engine::PutOutcome> outcomes, put());
    for (size_t i = 0; i < outcomes.size(); ++i) {
      v1::ImportItemReport* report = response->mutable_items(batch_reports[i]);
      if (outcomes[i].status.ok()) {
        report->set_status(v1::IMPORT_ITEM_STATUS_ACCEPTED);
        ++stored;
      } else {
        Reject(outcomes[i].status, report);
      }
    }
    batch.clear();
    expiries.clear();
    batch_reports.clear();
    messages.clear();
    return absl::OkStatus();
  };

  // Tells the client the stream is in the server's hands (a call that has started survives a shutdown's
  // grace period; one still queued does not).
  reader->SendInitialMetadata();
  ImportStream<typename Kind::ImportRequest> stream(reader, [&] { gate_->Touch(*context); });
  typename Kind::ImportRequest item;
  absl::Status undecodable;
  while (stream.Next(&item, &undecodable)) {
    const int64_t received = stream.received();
    v1::ImportItemReport* report = response->add_items();
    report->set_index(received - 1);
    if (!undecodable.ok()) {
      // The path is the request's ("candidate.id"); reports name fields within the record.
      std::string field = engine::FieldPath(undecodable);
      absl::string_view relative = field;
      const bool in_record = absl::ConsumePrefix(&relative, Kind::kField) && absl::ConsumePrefix(&relative, ".");
      Reject(in_record ? engine::InvalidFieldError(relative, engine::FieldReason(undecodable)) : undecodable, report);
      continue;
    }
    // Only an id that could be stored is echoed: a report must stay small and valid UTF-8.
    if (engine::ValidateId(Kind::Of(item).id(), "id").ok()) report->set_id(Kind::Of(item).id());
    if (received > limits_.max_import_items) {
      Reject(absl::ResourceExhaustedError(absl::StrCat("this stream carries more than ", limits_.max_import_items,
                                                       " items; send the rest in another stream")),
             report);
      continue;
    }
    if (!Kind::Has(item)) {
      Reject(Required(Kind::kField), report);
      continue;
    }
    auto record = DecodeOwned<Kind>(claims, Kind::Of(item));
    if (!record.ok()) {
      Reject(record.status(), report);
      continue;
    }
    batch.push_back(*std::move(record));
    expiries.push_back(Kind::Expiry(Kind::Of(item)));
    if (cluster_node_ != nullptr) messages.push_back(Kind::Of(item));
    batch_reports.push_back(response->items_size() - 1);
    if (static_cast<int>(batch.size()) >= limits_.import_batch_items) {
      absl::Status committed = commit();
      if (!committed.ok()) {
        SetSequenceMetadata(*context, sequence);
        return ImportFailed(committed, received, stored);
      }
    }
  }
  // Read() also ends when the client cancels or the deadline passes: then the last batch is not written.
  absl::Status status = CheckLive(context);
  if (status.ok()) status = commit();
  SetSequenceMetadata(*context, sequence);  // also on failure: what was acknowledged can be read back
  if (!status.ok()) return ImportFailed(status, stream.received(), stored);
  response->set_received_count(stream.received());
  response->set_accepted_count(stored);
  response->set_rejected_count(stream.received() - stored);
  return absl::OkStatus();
}

grpc::Status MatchingService::ImportCandidatesBytes(grpc::ServerContext* context,
                                                    grpc::ServerReader<grpc::ByteBuffer>* reader,
                                                    v1::ImportResponse* response) {
  return Run(*context, "ImportCandidates", [&](CallLog& log, const Claims& claims) {
    const absl::Status status = Import<CandidateKind>(context, claims, reader, response);
    log.Count("items", response->items_size());
    log.Count("accepted", response->accepted_count());
    return status;
  });
}

grpc::Status MatchingService::ImportOpeningsBytes(grpc::ServerContext* context,
                                                  grpc::ServerReader<grpc::ByteBuffer>* reader,
                                                  v1::ImportResponse* response) {
  return Run(*context, "ImportOpenings", [&](CallLog& log, const Claims& claims) {
    const absl::Status status = Import<OpeningKind>(context, claims, reader, response);
    log.Count("items", response->items_size());
    log.Count("accepted", response->accepted_count());
    return status;
  });
}

}  // namespace passerelle::server
