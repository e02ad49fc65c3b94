// Record writes in cluster mode (docs/cluster.md, "A node"): validated here as in single-process mode,
// then appended to the replicated log through the node, answered with the outcome of applying them on
// this node, and their sequence sent back in the trailing metadata x-passerelle-sequence. Included by
// matching_records.cc only (after matching_internal.h).
#ifndef PASSERELLE_SERVER_MATCHING_CLUSTER_H_
#define PASSERELLE_SERVER_MATCHING_CLUSTER_H_

#include <cstdint>
#include <type_traits>
#include <vector>

#include "absl/types/span.h"
#include "engine/store/catalog.h"
#include "grpcpp/server_context.h"
#include "passerelle/cluster_log.pb.h"
#include "server/cluster/node.h"
#include "server/matching_internal.h"

namespace passerelle::server {

// Sends `sequence` back to the client (nothing for 0: nothing was appended).
void SetSequenceMetadata(grpc::ServerContextBase& context, uint64_t sequence);

// One outcome per record (validation errors for those not appended) and the entry's sequence (0 when
// every record was invalid and nothing was appended).
struct LoggedPut {
  std::vector<engine::PutOutcome> outcomes;
  uint64_t sequence = 0;
};

// Validates each record against this node's reference data, then appends the valid ones (`messages`,
// as the caller sent them, owner set to `organisation`) in one log entry and waits for this node to apply
// it. A non-OK return: the log or this node failed, the entry may have been appended (the message says).
template <class Kind, class Record>
absl::StatusOr<LoggedPut> PutThroughLog(cluster::Node& node, const engine::Catalog& catalog,
                                        absl::string_view organisation, absl::Span<const Record> records,
                                        absl::Span<const engine::Day> expiries,
                                        absl::Span<const typename Kind::Message> messages) {
  constexpr bool kCandidate = std::is_same_v<Kind, matching_internal::CandidateKind>;
  LoggedPut result;
  result.outcomes.resize(records.size());
  cluster::LogRecord entry;
  entry.set_organisation(std::string(organisation));
  std::vector<size_t> appended;
  for (size_t i = 0; i < records.size(); ++i) {
    Record record = records[i];
    record.owner_id = std::string(organisation);
    absl::Status valid;
    if constexpr (kCandidate) {
      valid = catalog.index().ResolveCandidate(record).status();
    } else {
      record.expires_on = expiries.empty() ? 0 : expiries[i];
      valid = catalog.index().ResolveOpening(record).status();
    }
    if (!valid.ok()) {
      result.outcomes[i].status = valid;
      continue;
    }
    typename Kind::Message* message;
    if constexpr (kCandidate) {
      message = entry.mutable_put_candidates()->add_candidates();
    } else {
      message = entry.mutable_put_openings()->add_openings();
    }
    *message = messages[i];
    message->set_owner_id(std::string(organisation));
    appended.push_back(i);
  }
  if (appended.empty()) return result;
  PASSERELLE_ASSIGN_OR_RETURN(cluster::Node::Applied applied, node.Write(std::move(entry)));
  result.sequence = applied.sequence;
  // No outcomes: this node applied the entry before it could keep them (it restarted in between).
  if (applied.outcome.puts.size() != appended.size()) return result;
  for (size_t j = 0; j < appended.size(); ++j) result.outcomes[appended[j]] = std::move(applied.outcome.puts[j]);
  return result;
}

// A delete through the log: the record's outcome (NotFound when absent) once applied on this node.
template <class Kind>
absl::Status DeleteThroughLog(cluster::Node& node, grpc::ServerContextBase& context, absl::string_view organisation,
                              const std::string& id) {
  cluster::LogRecord entry;
  entry.set_organisation(std::string(organisation));
  if constexpr (std::is_same_v<Kind, matching_internal::CandidateKind>) {
    entry.mutable_delete_candidate()->set_id(id);
  } else {
    entry.mutable_delete_opening()->set_id(id);
  }
  PASSERELLE_ASSIGN_OR_RETURN(cluster::Node::Applied applied, node.Write(std::move(entry)));
  SetSequenceMetadata(context, applied.sequence);
  return applied.outcome.status;
}

}  // namespace passerelle::server

#endif  // PASSERELLE_SERVER_MATCHING_CLUSTER_H_
