// A node joins from a peer's snapshot plus the log's tail (server/cluster_join.h, ClusterPeer service):
// after the log was trimmed, a third node converges to the same records checksum as the others; a kill -9
// during the load leaves no data directory and the next load succeeds; anonymous and non-peer callers
// are refused and nothing is stored.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/match.h"
#include "engine/store/records_checksum.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "passerelle/cluster_log.pb.h"
#include "passerelle/cluster_peer.grpc.pb.h"
#include "server/cluster/memory_log.h"
#include "server/cluster/snapshot.h"
#include "server/cluster_join.h"
#include "tests/cluster/cluster_node_options.h"
#include "tests/server/test_util.h"

namespace passerelle::server::snapshot_join_test {
namespace {

using ::passerelle::cluster::MemoryLog;
using ::passerelle::server::testing::InProcessServer;
using ::passerelle::server::testing::MasonCandidate;
using ::passerelle::server::testing::ClusterNodeOptions;
using ::passerelle::tests::TempDir;
namespace fs = std::filesystem;

constexpr char kDirVariable[] = "PASSERELLE_SNAPSHOT_CRASH_DIR";

// Puts candidates first..last through `server`; the last write's sequence.
void PutCandidates(InProcessServer& server, int first, int last) {
  for (int i = first; i <= last; ++i) {
    grpc::ClientContext context;
    v1::PutCandidateRequest put;
    *put.mutable_candidate() = MasonCandidate("c-" + std::to_string(i));
    v1::PutCandidateResponse response;
    const grpc::Status status = server.stub().PutCandidate(&context, put, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
}

std::string Checksum(PasserelleServer& server) {
  auto checksum = engine::RecordsChecksum(server.catalog().store());
  EXPECT_TRUE(checksum.ok()) << checksum.status();
  return checksum.value_or("");
}

SnapshotSource SourceOf(InProcessServer& peer, const std::string& key) {
  SnapshotSource source;
  source.peer_address = peer.address();
  source.peer_key = key;
  return source;
}

// A node started on `data_dir`, as passerelle-server does after PrepareClusterDataDir.
std::unique_ptr<PasserelleServer> StartNode(cluster::ReplicatedLog* log, const TempDir& dir,
                                            const std::string& data_dir) {
  ServerOptions options = ClusterNodeOptions(log, "c");
  options.listen_address = "127.0.0.1:0";
  options.data_dir = data_dir;
  options.bootstrap_key_file = dir.Sub("c-bootstrap.key");
  options.reference_data = engine::testing::SharedReferenceData();
  options.shutdown_grace_seconds = 1;
  auto server = PasserelleServer::Start(options);
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? *std::move(server) : nullptr;
}

TEST(SnapshotJoinTest, ANodeJoiningAfterTheLogWasTrimmedConvergesToTheSameChecksum) {
  MemoryLog log;
  InProcessServer a(ClusterNodeOptions(&log, "a"));
  InProcessServer b(ClusterNodeOptions(&log, "b"));
  PutCandidates(a, 1, 30);
  auto last = log.LastSequence(absl::Seconds(1));
  ASSERT_TRUE(last.ok());
  // Every running node applied them, then they are gone, as after the stream's max age.
  ASSERT_TRUE(b.server().cluster_node()->WaitApplied(*last, absl::Seconds(20)).ok());
  log.TruncateBefore(*last - 5);
  PutCandidates(b, 31, 35);

  TempDir dir("snapshot-join");
  const std::string data = dir.Sub("c-data");
  // Without a peer the new node cannot start: it says which flag it needs.
  auto refused = PrepareClusterDataDir(&log, data, SnapshotSource(), engine::StoreOptions());
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(refused.status().message(), "--cluster_snapshot_from")) << refused.status();

  const std::string peer_key = a.NewKey("cluster", Role::kClusterPeer);
  auto report = PrepareClusterDataDir(&log, data, SourceOf(a, peer_key), engine::StoreOptions());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->loaded);
  EXPECT_EQ(report->reason, "empty data directory");
  EXPECT_GE(report->applied_sequence, *last);

  std::unique_ptr<PasserelleServer> c = StartNode(&log, dir, data);
  ASSERT_NE(c, nullptr);
  PutCandidates(a, 36, 40);  // the tail goes on after the snapshot
  const uint64_t end = *log.LastSequence(absl::Seconds(1));
  for (PasserelleServer* node : {&a.server(), &b.server(), c.get()}) {
    ASSERT_TRUE(node->cluster_node()->WaitApplied(end, absl::Seconds(20)).ok());
  }
  EXPECT_EQ(c->catalog().candidate_count(), 40);
  EXPECT_EQ(Checksum(*c), Checksum(a.server()));
  EXPECT_EQ(Checksum(*c), Checksum(b.server()));
  EXPECT_EQ(c->cluster_node()->rejected_entries(), 0);  // no entry applied twice
  c.reset();

  // Stopped, then trimmed past what it applied: at its restart it loads a newer snapshot.
  PutCandidates(a, 41, 45);
  const uint64_t trimmed_at = *log.LastSequence(absl::Seconds(1));
  ASSERT_TRUE(b.server().cluster_node()->WaitApplied(trimmed_at, absl::Seconds(20)).ok());
  log.TruncateBefore(trimmed_at);
  report = PrepareClusterDataDir(&log, data, SourceOf(b, b.NewKey("cluster", Role::kClusterPeer)),
                                 engine::StoreOptions());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->loaded);
  EXPECT_EQ(report->reason, "log trimmed past " + std::to_string(end));
  c = StartNode(&log, dir, data);
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(c->cluster_node()->WaitApplied(*log.LastSequence(absl::Seconds(1)), absl::Seconds(20)).ok());
  EXPECT_EQ(Checksum(*c), Checksum(a.server()));
}

TEST(SnapshotJoinTest, AnonymousAndNonPeerCallersAreRefusedAndNothingIsStored) {
  MemoryLog log;
  InProcessServer a(ClusterNodeOptions(&log, "a"));
  PutCandidates(a, 1, 3);
  auto stub = cluster::ClusterPeer::NewStub(grpc::CreateChannel(a.address(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  auto reader = stub->GetSnapshot(&context, cluster::GetSnapshotRequest());
  cluster::SnapshotChunk chunk;
  EXPECT_FALSE(reader->Read(&chunk));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::UNAUTHENTICATED);

  TempDir dir("snapshot-refused");
  const std::string data = dir.Sub("data");
  for (const std::string& key : {a.counsellor_key(), a.admin_key(), std::string("psk_nope_0123")}) {
    auto fetched = FetchSnapshot(SourceOf(a, key), data);
    EXPECT_TRUE(absl::IsPermissionDenied(fetched.status()) || absl::IsUnauthenticated(fetched.status()))
        << fetched.status();
    EXPECT_FALSE(fs::exists(data));
    EXPECT_FALSE(fs::exists(data + ".snapshot-partial"));
  }
  // A peer key reads nothing else: the records only travel whole, to another node.
  grpc::ClientContext get_context;
  v1::GetCandidateRequest get;
  get.set_candidate_id("c-1");
  v1::GetCandidateResponse got;
  EXPECT_EQ(a.StubWithKey(a.NewKey("cluster", Role::kClusterPeer))->GetCandidate(&get_context, get, &got).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

// The child: loads a snapshot from its own peer and is killed after the second chunk is stored.
void LoadThenKill(const std::string& data) {
  MemoryLog log;
  InProcessServer peer(ClusterNodeOptions(&log, "peer"));
  PutCandidates(peer, 1, 20);
  SnapshotSource source = SourceOf(peer, peer.NewKey("cluster", Role::kClusterPeer));
  int chunks = 0;
  source.after_chunk = [&chunks](const cluster::SnapshotChunk&) {
    if (++chunks == 2) std::raise(SIGKILL);
  };
  (void)FetchSnapshot(source, data);
  std::exit(3);  // not reached: the snapshot has more than two files
}

TEST(SnapshotJoinTest, KillNineDuringTheLoadLeavesNoDataAndTheNextLoadSucceeds) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  std::optional<TempDir> dir;
  std::string base;
  if (const char* inherited = std::getenv(kDirVariable); inherited != nullptr) {
    base = inherited;
  } else {
    dir.emplace("snapshot-crash");
    base = dir->path();
    ::setenv(kDirVariable, base.c_str(), /*overwrite=*/1);
  }
  const std::string data = base + "/data";
  EXPECT_EXIT(LoadThenKill(data), ::testing::KilledBySignal(SIGKILL), "");
  ::unsetenv(kDirVariable);
  EXPECT_TRUE(fs::exists(data + ".snapshot-partial"));  // killed in the middle
  EXPECT_FALSE(cluster::HasStore(data));

  MemoryLog log;
  InProcessServer peer(ClusterNodeOptions(&log, "peer"));
  PutCandidates(peer, 1, 20);
  auto report = PrepareClusterDataDir(&log, data, SourceOf(peer, peer.NewKey("cluster", Role::kClusterPeer)),
                                      engine::StoreOptions());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->loaded);
  EXPECT_EQ(report->applied_sequence, 20u);
  EXPECT_FALSE(fs::exists(data + ".snapshot-partial"));
  std::unique_ptr<PasserelleServer> node = StartNode(&log, *dir, data);
  ASSERT_NE(node, nullptr);
  EXPECT_EQ(Checksum(*node), Checksum(peer.server()));
}

// The figures of docs/cluster.md ("What it costs"), run by hand: PASSERELLE_SNAPSHOT_RECORDS candidates
// (default 100,000) in entries of PASSERELLE_SNAPSHOT_RECORDS_PER_ENTRY (default 1,000, an import's batch);
// one node replays the log, a second loads its snapshot over gRPC.
// Both in the same run, so their ratio holds on a loaded machine. Checks that both hold the same records.
TEST(SnapshotJoinTest, DISABLED_MeasureSnapshotAgainstReplay) {
  const char* records_text = std::getenv("PASSERELLE_SNAPSHOT_RECORDS");
  const int records = records_text != nullptr ? std::atoi(records_text) : 100'000;
  const char* per_entry_text = std::getenv("PASSERELLE_SNAPSHOT_RECORDS_PER_ENTRY");  // 1: one PutCandidate each
  const int kPerEntry = std::max(1, per_entry_text != nullptr ? std::atoi(per_entry_text) : 1000);
  MemoryLog log;
  for (int first = 0; first < records; first += kPerEntry) {
    cluster::LogRecord record;
    record.set_organisation(testing::kCounsellorOrg);
    record.set_time_micros(absl::ToUnixMicros(absl::FromUnixSeconds(1'780'000'000)));
    for (int i = first; i < std::min(records, first + kPerEntry); ++i) {
      v1::Candidate* candidate = record.mutable_put_candidates()->add_candidates();
      *candidate = MasonCandidate("c-" + std::to_string(i));
      candidate->set_owner_id(testing::kCounsellorOrg);
    }
    ASSERT_TRUE(log.Append(record.SerializeAsString(), "e-" + std::to_string(first), absl::Seconds(1)).ok());
  }
  const uint64_t last = *log.LastSequence(absl::Seconds(1));

  absl::Time start = absl::Now();
  InProcessServer a(ClusterNodeOptions(&log, "a"));
  ASSERT_TRUE(a.server().cluster_node()->WaitApplied(last, absl::Minutes(30)).ok());
  const absl::Duration replay = absl::Now() - start;

  TempDir dir("snapshot-measure");
  const std::string data = dir.Sub("c-data");
  start = absl::Now();
  auto applied = FetchSnapshot(SourceOf(a, a.NewKey("cluster", Role::kClusterPeer)), data);
  ASSERT_TRUE(applied.ok()) << applied.status();
  const absl::Duration fetch = absl::Now() - start;
  std::unique_ptr<PasserelleServer> c = StartNode(&log, dir, data);
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(c->cluster_node()->WaitApplied(last, absl::Minutes(5)).ok());
  const absl::Duration join = absl::Now() - start;
  uint64_t bytes = 0;
  for (const fs::directory_entry& entry : fs::directory_iterator(data)) {
    if (entry.is_regular_file()) bytes += entry.file_size();  // with what the open added (a new log)
  }
  EXPECT_EQ(c->catalog().candidate_count(), records);
  EXPECT_EQ(Checksum(*c), Checksum(a.server()));
  std::printf("records %d, log entries %llu: replay %.2f s; snapshot fetch %.2f s, fetch + open + ready %.2f s "
              "(%.2f of the replay); data directory after the load %.1f MB\n",
              records, static_cast<unsigned long long>(last), absl::ToDoubleSeconds(replay),
              absl::ToDoubleSeconds(fetch), absl::ToDoubleSeconds(join), absl::FDivDuration(join, replay),
              bytes / 1e6);
}

}  // namespace
}  // namespace passerelle::server::snapshot_join_test
