// Keys and sharing agreements in cluster mode (docs/cluster.md, "A node"): the Access writes go through
// the replicated log like the record writes, so that every node holds the same keys and agreements.
//
// The receiving node validates the request (field-named errors, nothing appended on bad input) and, for a
// key, generates its id, salt and secret; the entry carries the salt and SHA-256(salt || secret), never
// the secret, so the same secret authenticates on every node. Every node's applier (ApplyAccessRecord)
// then applies the entry to its AccessRegistry at the entry's time, its sequence stored in the same synced
// batch (engine::LogEntryScope covers Store::PutInSpace/DeleteInSpace).
//
// Thread-safety: thread-safe (the registry and the node are).
#ifndef PASSERELLE_SERVER_CLUSTER_ACCESS_H_
#define PASSERELLE_SERVER_CLUSTER_ACCESS_H_

#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/server_context.h"
#include "server/auth/access_registry.h"
#include "server/cluster/node.h"

namespace passerelle::server {

// Applies a key or agreement entry (NodeOptions::apply_other). Rejections (the outcome's status): an
// invalid or unknown write, a key id taken, a revoke or an agreement delete of something absent.
absl::StatusOr<cluster::ApplyOutcome> ApplyAccessRecord(AccessRegistry& registry, const cluster::LogRecord& record);

// The Access writes through `node`, each answering as AccessRegistry's single-process method does and
// setting x-passerelle-sequence on `context` when an entry was appended. `caller` is the caller's
// organisation (the entry's).
absl::StatusOr<std::pair<KeyRecord, std::string>> CreateKeyThroughLog(cluster::Node& node, AccessRegistry& registry,
                                                                      grpc::ServerContextBase& context,
                                                                      absl::string_view caller,
                                                                      absl::string_view organisation, Role role,
                                                                      absl::Duration ttl,
                                                                      absl::string_view description);
absl::StatusOr<KeyRecord> RevokeKeyThroughLog(cluster::Node& node, AccessRegistry& registry,
                                              grpc::ServerContextBase& context, absl::string_view caller,
                                              absl::string_view key_id);
absl::StatusOr<bool> PutAgreementThroughLog(cluster::Node& node, AccessRegistry& registry,
                                            grpc::ServerContextBase& context, absl::string_view caller,
                                            absl::string_view owner, absl::string_view reader);
absl::Status DeleteAgreementThroughLog(cluster::Node& node, AccessRegistry& registry,
                                       grpc::ServerContextBase& context, absl::string_view caller,
                                       absl::string_view owner, absl::string_view reader);

}  // namespace passerelle::server

#endif  // PASSERELLE_SERVER_CLUSTER_ACCESS_H_
