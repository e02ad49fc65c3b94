// Snapshots of a node's data directory for a node that joins the cluster (docs/cluster.md, "Adding a
// node"): the files of a RocksDB checkpoint, described by a manifest (sizes, SHA-256, the log sequence
// they reflect), and the receiving side that checks them and puts them in place of the data directory.
//
// Never half-loaded: the receiver writes into "<data_dir>.snapshot-partial", checks every chunk as it
// comes and every file against the manifest at the end, syncs, and only then renames the folder to
// data_dir (the old data directory, if any, is renamed aside first and removed after). A crash at any
// point leaves either the old data directory, or none: the next start loads again (Begin clears what an
// interrupted load left).
//
// Thread-safety: a SnapshotReceiver is used by one thread.
//
// Example:
//   PASSERELLE_ASSIGN_OR_RETURN(auto receiver, SnapshotReceiver::Begin("/var/lib/passerelle/data"));
//   for (const SnapshotChunk& chunk : chunks) PASSERELLE_RETURN_IF_ERROR(receiver->Add(chunk));
//   PASSERELLE_ASSIGN_OR_RETURN(uint64_t applied, receiver->Finish(manifest));
#ifndef PASSERELLE_SERVER_CLUSTER_SNAPSHOT_H_
#define PASSERELLE_SERVER_CLUSTER_SNAPSHOT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "passerelle/cluster_peer.pb.h"

namespace passerelle::cluster {

// Largest piece of a file in one SnapshotChunk.
inline constexpr size_t kSnapshotChunkBytes = 1 << 20;

// SHA-256 of `bytes` (32 raw bytes).
std::string Sha256(absl::string_view bytes);

// The manifest of the files directly under `dir` (a checkpoint), reflecting `applied_sequence`.
absl::StatusOr<SnapshotManifest> DescribeSnapshot(const std::string& dir, uint64_t applied_sequence);

// Calls `send` with each chunk of every file of `manifest` (read from `dir`), then with the manifest
// alone. Stops at, and returns, the first error `send` returns.
absl::Status StreamSnapshot(const std::string& dir, const SnapshotManifest& manifest,
                            const std::function<absl::Status(const SnapshotChunk&)>& send);

// Whether `data_dir` holds a store (a RocksDB CURRENT file).
bool HasStore(const std::string& data_dir);

// "<dir><suffix>", beside `dir` whatever trailing "/" it was written with.
std::string SiblingPath(const std::string& dir, absl::string_view suffix);

// Removes the checkpoints a serving node left beside `data_dir` ("<data_dir>.serving-snapshot-*") when
// it stopped while serving one.
void RemoveServingLeftovers(const std::string& data_dir);

class SnapshotReceiver {
 public:
  // Clears what an interrupted load left beside `data_dir` and starts a new one.
  static absl::StatusOr<std::unique_ptr<SnapshotReceiver>> Begin(const std::string& data_dir);
  ~SnapshotReceiver();  // a load that did not finish is removed
  SnapshotReceiver(const SnapshotReceiver&) = delete;
  SnapshotReceiver& operator=(const SnapshotReceiver&) = delete;

  // Writes one chunk. DataLoss when its bytes do not match data_sha256; InvalidArgument for a bad file
  // name or a chunk out of order. After an error the load is abandoned (nothing is installed).
  absl::Status Add(const SnapshotChunk& chunk);
  // Checks every file against `manifest` (DataLoss naming the file when one differs or is missing),
  // syncs, and puts the snapshot in place of data_dir. Returns the manifest's applied sequence.
  absl::StatusOr<uint64_t> Finish(const SnapshotManifest& manifest);

 private:
  explicit SnapshotReceiver(std::string data_dir);
  absl::Status CloseFile();
  absl::Status Fail(absl::Status status);

  const std::string data_dir_;
  const std::string partial_dir_;
  std::string file_;      // the file being written, "" before the first chunk
  int fd_ = -1;
  uint64_t written_ = 0;  // bytes of file_ written so far
  bool failed_ = false;
  bool installed_ = false;
};

}  // namespace passerelle::cluster

#endif  // PASSERELLE_SERVER_CLUSTER_SNAPSHOT_H_
