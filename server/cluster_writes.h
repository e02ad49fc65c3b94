// The last writes carried by the replicated log in cluster mode (docs/cluster.md, "A node"), and the
// cluster's bootstrap admin key:
// - ImportFranceTravailOffers: the receiving node maps and validates the offers as in a single process and
//   appends one FranceTravailBatch entry per batch (openings with their expiry, recorded under the source);
//   a sync is one more entry carrying the ids to expire, decided by the receiving node from what it
//   applied, so that every node deletes the same openings.
// - EraseOrganisation: one entry; every node erases the organisation's records, revokes its keys at the
//   entry's time and deletes its agreements.
// - The bootstrap admin key: the first node to start on an empty log appends its CreateKey with a fixed
//   dedup id, so that two nodes starting together append one; only the node whose key landed writes the
//   secret.
//
// An entry's applier does several synced writes. It makes them under the sequence stored before the entry
// (a nested engine::LogEntryScope), and the node stores the entry's own sequence last, so an entry cut by
// a crash is applied again whole; every step is idempotent (a delete of an absent record, a revoke of a
// revoked key are skipped).
//
// Thread-safety: thread-safe (the catalog, the registry and the node are).
#ifndef PASSERELLE_SERVER_CLUSTER_WRITES_H_
#define PASSERELLE_SERVER_CLUSTER_WRITES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "engine/store/catalog.h"
#include "passerelle/v1/governance.pb.h"
#include "server/auth/access_registry.h"
#include "server/cluster/node.h"
#include "server/cluster/replicated_log.h"

namespace passerelle::server {

// The Nats-Msg-Id of the bootstrap key's entry: the same on every node.
inline constexpr char kBootstrapDedupId[] = "passerelle-bootstrap-admin-key";

// Whether ApplyClusterWrite applies `record` (the others are the catalog's or the access registry's).
bool IsClusterWrite(const cluster::LogRecord& record);

// Applies an import_offers or erase_organisation entry (NodeOptions::apply_other), on the applier thread
// inside the entry's scope. Rejections in the outcome; a non-OK return is a storage failure (retried).
// Outcome: import_offers: puts (one per opening) and, for a sync, ids (the openings deleted);
// erase_organisation: counts {candidates, openings, keys revoked, agreements deleted}.
absl::StatusOr<cluster::ApplyOutcome> ApplyClusterWrite(engine::Catalog& catalog, AccessRegistry& registry,
                                                        const cluster::LogRecord& record);

// Appends one import batch of `organisation` (openings mapped and validated, expiries beside them, 0 =
// none) and waits for this node to apply it.
absl::StatusOr<cluster::Node::Applied> AppendOfferBatch(cluster::Node& node, absl::string_view organisation,
                                                        absl::string_view source,
                                                        absl::Span<const engine::Opening> openings,
                                                        absl::Span<const engine::Day> expiries);

// The sync's decision on this node: the ids recorded for (organisation, source) that are still stored
// and not in `sent`, sorted.
absl::StatusOr<std::vector<std::string>> DecideSourceSync(engine::Catalog& catalog, absl::string_view organisation,
                                                          absl::string_view source,
                                                          absl::Span<const std::string> sent);

// Appends the sync entry; the outcome's ids are the openings deleted on this node.
absl::StatusOr<cluster::Node::Applied> AppendSourceSync(cluster::Node& node, absl::string_view organisation,
                                                        absl::string_view source,
                                                        absl::Span<const std::string> expire_ids);

// EraseOrganisation through the log: appends the entry, waits for this node to apply it, fills
// `response` with what it erased here and returns the entry's sequence.
absl::StatusOr<uint64_t> EraseOrganisationThroughLog(cluster::Node& node, absl::string_view caller,
                                                     absl::string_view organisation,
                                                     v1::EraseOrganisationResponse* response);

// The cluster's bootstrap admin key. When the log is empty and `registry` holds no key, appends a
// CreateKey for an admin of `organisation` with kBootstrapDedupId and waits until `node` applied it.
// Returns the key and its secret when this node's key is the one the log kept; nullopt otherwise (the
// log held entries, the registry keys, or another node's key landed first).
absl::StatusOr<std::optional<std::pair<KeyRecord, std::string>>> BootstrapThroughLog(
    cluster::ReplicatedLog& log, cluster::Node& node, AccessRegistry& registry, absl::string_view node_id,
    absl::string_view organisation, absl::Duration timeout);

}  // namespace passerelle::server

#endif  // PASSERELLE_SERVER_CLUSTER_WRITES_H_
