// A Passerelle node in cluster mode (docs/cluster.md, "A node"): the replicated log is the source of
// truth, and this node's Catalog (RocksDB + index) is a copy of it that one applier thread keeps in step.
//
// Write path: the server validates the request as in single-process mode, then Write() appends a
// LogRecord (proto/passerelle/cluster_log.proto) with a dedup id, waits until this node's applier has
// applied that sequence, and returns the outcome of applying it here (the same on every node).
//
// Applier: reads the log from the last applied sequence and applies each entry to the Catalog inside an
// engine::LogEntryScope, so the entry's sequence is stored in the same synced RocksDB batch as its effect
// and its time is the records' update time on every node. An entry that does not apply (bad bytes, a
// record the reference data of this node reject, a delete of an absent record) is rejected: its sequence
// is stored all the same and the rejection counted, never retried. A storage failure stops the applier
// (health NOT_SERVING) and it retries the same entry.
//
// Thread-safety: thread-safe.
//
// Example:
//   PASSERELLE_ASSIGN_OR_RETURN(auto node, Node::Start(log.get(), catalog.get(), {.node_id = "n1"}));
//   cluster::LogRecord record;
//   record.set_organisation("ft-93");
//   *record.mutable_put_candidates()->add_candidates() = candidate;
//   PASSERELLE_ASSIGN_OR_RETURN(Node::Applied applied, node->Write(std::move(record)));
#ifndef PASSERELLE_SERVER_CLUSTER_NODE_H_
#define PASSERELLE_SERVER_CLUSTER_NODE_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/store/catalog.h"
#include "server/cluster/replicated_log.h"
#include "server/cluster/shard.h"

namespace passerelle::cluster {

class LogRecord;  // passerelle/cluster_log.pb.h: only the callers that build entries need it

// The outcome of applying one entry.
struct ApplyOutcome {
  // Puts: one per record, in order (as Catalog::PutCandidates; a profile's: one). Empty for a delete.
  std::vector<engine::PutOutcome> puts;
  // A delete's outcome (NotFound when absent); OK for a put.
  absl::Status status;
  // What an entry applied by NodeOptions::apply_other reports besides (server/cluster_writes.h): counts in
  // an order its kind defines, ids (a France Travail sync's expired openings).
  std::vector<int64_t> counts;
  std::vector<std::string> ids;
};

struct NodeOptions {
  // This node's name, unique in the cluster: [A-Za-z0-9_-]{1,32} (--cluster_node_id).
  // Default: "node"
  std::string node_id = "node";
  // How long an append waits for the log's quorum.
  // Default: 5 s
  absl::Duration append_timeout = absl::Seconds(5);
  // How long a write waits for this node to apply its own entry once appended.
  // Default: 10 s
  absl::Duration apply_timeout = absl::Seconds(10);
  // Entries the applier reads at a time.
  // Default: 256
  int read_batch_entries = 256;
  // How long the applier waits for new entries before it checks the log's last sequence again.
  // Default: 200 ms
  absl::Duration poll_wait = absl::Milliseconds(200);
  // Health: a node more than this many entries behind the log's last sequence is catching up.
  // Default: 1000
  uint64_t max_lag_entries = 1000;
  // The time a write records (LogRecord::time_micros); tests inject their own. Empty means absl::Now.
  // Default: absl::Now
  std::function<absl::Time()> clock;
  // Applies the entries that are not the catalog's (keys, sharing agreements: server/cluster_access.h),
  // on the applier thread inside the entry's LogEntryScope, with ApplyRecord's contract (a non-OK return
  // is a storage failure, retried). Empty: such entries are rejected.
  // Default: none
  std::function<absl::StatusOr<ApplyOutcome>(const LogRecord&)> apply_other;
  // The régions this node holds (--cluster_regions, server/cluster/shard.h); empty régions: all of them.
  // Default: every région
  ShardOptions shard;
};

enum class NodeHealth { kStarting, kCatchingUp, kServing, kDraining };
// "starting", "catching up", "serving", "draining".
const char* NodeHealthName(NodeHealth health);

// Applies `record` to `catalog` (the caller opens the LogEntryScope). A non-OK return is a storage failure:
// nothing of the entry was applied. Exposed for tests.
absl::StatusOr<ApplyOutcome> ApplyRecord(engine::Catalog* catalog, const LogRecord& record);

class Node {
 public:
  // Reads the applied sequence from the catalog's store and starts the applier. `log` and `catalog` must
  // outlive the node.
  static absl::StatusOr<std::unique_ptr<Node>> Start(ReplicatedLog* log, engine::Catalog* catalog,
                                                     const NodeOptions& options);
  ~Node();  // stops the applier
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  struct Applied {
    uint64_t sequence = 0;
    ApplyOutcome outcome;
  };
  // Appends `record` (its time and origin set here) and waits until this node applied it.
  // Unavailable/DeadlineExceeded when the log did not take it (nothing may have been appended) or this
  // node did not apply it within apply_timeout (it was appended: the message gives its sequence).
  absl::StatusOr<Applied> Write(LogRecord record);

  // OK once this node applied `sequence`; Unavailable after `wait`, saying how far behind it is.
  absl::Status WaitApplied(uint64_t sequence, absl::Duration wait) const;

  uint64_t applied_sequence() const;
  // Entries rejected on apply since Start().
  int64_t rejected_entries() const;
  NodeHealth health() const;
  // This node's share when it holds only some régions; null when it holds them all.
  const Shard* shard() const { return shard_.get(); }
  // From now on health() says draining (SIGTERM): the load balancer sends no more queries.
  void Drain();

  // Runs `fn` with the applied sequence while the applier applies nothing, so that a checkpoint of the
  // store taken inside reflects exactly that sequence (a snapshot for a joining node). Keep fn short:
  // writes wait meanwhile.
  absl::Status WithApplierPaused(const std::function<absl::Status(uint64_t applied)>& fn);

 private:
  Node(ReplicatedLog* log, engine::Catalog* catalog, const NodeOptions& options, uint64_t applied);
  void RunApplier();
  // Applies one entry; false (after a pause) when storage failed and it must be tried again.
  bool ApplyEntry(const LogEntry& entry);
  void RefreshLastSequence();
  absl::Time Now() const { return options_.clock ? options_.clock() : absl::Now(); }

  ReplicatedLog* const log_;
  engine::Catalog* const catalog_;
  const NodeOptions options_;
  const std::string dedup_prefix_;  // node id and start time: dedup ids stay unique across restarts
  std::atomic<uint64_t> next_write_{0};

  std::mutex apply_mu_;  // held by the applier while it applies one entry, and by WithApplierPaused
  mutable std::mutex mu_;
  mutable std::condition_variable applied_cv_;
  uint64_t applied_ = 0;           // guarded by mu_
  uint64_t last_known_ = 0;        // guarded by mu_: the log's last sequence when last asked
  bool caught_up_once_ = false;    // guarded by mu_: applied the log's tail seen at start
  bool draining_ = false;          // guarded by mu_
  bool log_trimmed_ = false;       // guarded by mu_: the log no longer holds the entries after applied_
  bool stop_ = false;              // guarded by mu_
  int64_t rejected_ = 0;           // guarded by mu_
  std::map<uint64_t, ApplyOutcome> outcomes_;  // guarded by mu_: this node's own entries, until Write takes them
  std::thread applier_;
  std::unique_ptr<Shard> shard_;  // set in Start, before the applier runs
};

}  // namespace passerelle::cluster

#endif  // PASSERELLE_SERVER_CLUSTER_NODE_H_
