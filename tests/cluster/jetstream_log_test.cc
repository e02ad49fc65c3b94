// The JetStream log on a real three-server nats-server cluster on loopback, the stream with three
// replicas: ordered reads, dedup of retries, and no acknowledged append lost when a server is killed
// with SIGKILL in the middle of appends.
#include "server/cluster/nats/jetstream_log.h"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/cluster/nats_test_server.h"

namespace passerelle::cluster::nats::jetstream_log_test {
namespace {

using ::passerelle::cluster::testing::NatsTestCluster;

constexpr absl::Duration kTimeout = absl::Seconds(10);

class JetStreamClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (NatsTestCluster::BinaryPath().empty()) {
      GTEST_SKIP() << "nats-server is not installed (scripts/install-deps.sh installs it)";
    }
    absl::StatusOr<std::unique_ptr<NatsTestCluster>> servers = NatsTestCluster::Start(3);
    ASSERT_TRUE(servers.ok()) << servers.status();
    servers_ = *std::move(servers);
    options_.connection.servers = servers_->Servers();
    options_.replicas = 3;
    absl::StatusOr<std::unique_ptr<JetStreamLog>> log = JetStreamLog::Open(options_);
    ASSERT_TRUE(log.ok()) << log.status() << "\n" << servers_->LogTail(0);
    log_ = *std::move(log);
  }

  // Appends, retrying with the same dedup id until an answer (what the node does with a write).
  uint64_t AppendRetrying(const std::string& payload, const std::string& dedup_id) {
    for (int attempt = 0; attempt < 30; ++attempt) {
      absl::StatusOr<uint64_t> seq = log_->Append(payload, dedup_id, absl::Seconds(3));
      if (seq.ok()) return *seq;
      EXPECT_TRUE(absl::IsUnavailable(seq.status()) || absl::IsDeadlineExceeded(seq.status())) << seq.status();
    }
    ADD_FAILURE() << "append of " << dedup_id << " never acknowledged";
    return 0;
  }

  // Read(after), again while Unavailable (a leader being elected after a server came back).
  static std::unique_ptr<LogReader> ReadRetrying(ReplicatedLog& log, uint64_t after) {
    absl::StatusOr<std::unique_ptr<LogReader>> reader = log.Read(after);
    for (int attempt = 0; attempt < 30 && absl::IsUnavailable(reader.status()); ++attempt) reader = log.Read(after);
    EXPECT_TRUE(reader.ok()) << reader.status();
    return reader.ok() ? *std::move(reader) : nullptr;
  }

  // Reads with `reader` until `last` came, going on after Unavailable (a server lost meanwhile) for at most
  // 60 s: an Unavailable may come back at once while the cluster re-elects, so retries pause briefly.
  std::vector<LogEntry> ReadUpTo(LogReader& reader, uint64_t last) {
    std::vector<LogEntry> all;
    const absl::Time give_up = absl::Now() + absl::Seconds(60);
    while ((all.empty() || all.back().sequence < last) && absl::Now() < give_up) {
      absl::StatusOr<std::vector<LogEntry>> batch = reader.Next(100, absl::Seconds(2));
      if (absl::IsUnavailable(batch.status())) {
        absl::SleepFor(absl::Milliseconds(50));
        continue;
      }
      EXPECT_TRUE(batch.ok()) << batch.status();
      if (!batch.ok()) break;
      for (LogEntry& e : *batch) all.push_back(std::move(e));
    }
    return all;
  }

  // The server index the log's connection uses now.
  int ConnectedIndex() {
    std::string connected = "nats://" + log_->connection().ConnectedServer();
    for (int i = 0; i < servers_->size(); ++i) {
      if (servers_->Server(i) == connected) return i;
    }
    ADD_FAILURE() << "connected to no known server: " << connected;
    return 0;
  }

  std::unique_ptr<NatsTestCluster> servers_;  // destroyed after log_
  JetStreamLogOptions options_;
  std::unique_ptr<JetStreamLog> log_;
};

TEST_F(JetStreamClusterTest, ReplicatedStreamKeepsOrderAndDedupsRetries) {
  for (int i = 1; i <= 30; ++i) EXPECT_EQ(AppendRetrying(absl::StrCat("entry ", i), absl::StrCat("id-", i)), i);
  EXPECT_EQ(AppendRetrying("entry 7 again", "id-7"), 7u);
  absl::StatusOr<uint64_t> last = log_->LastSequence(kTimeout);
  ASSERT_TRUE(last.ok()) << last.status();
  EXPECT_EQ(*last, 30u);
  absl::StatusOr<std::unique_ptr<LogReader>> reader = log_->Read(10);
  ASSERT_TRUE(reader.ok()) << reader.status();
  std::vector<LogEntry> entries = ReadUpTo(**reader, 30);
  ASSERT_EQ(entries.size(), 20u);
  for (size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ(entries[i].sequence, 11 + i);
    EXPECT_EQ(entries[i].payload, absl::StrCat("entry ", 11 + i));
  }
}

TEST_F(JetStreamClusterTest, ExistingStreamWithOtherReplicaCountIsFailedPrecondition) {
  JetStreamLogOptions other = options_;
  other.replicas = 1;
  other.open_timeout = absl::Seconds(5);
  EXPECT_EQ(JetStreamLog::Open(other).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(JetStreamLogTest, ThreeReplicasOnOneServerIsRefused) {
  if (NatsTestCluster::BinaryPath().empty()) GTEST_SKIP() << "nats-server is not installed";
  absl::StatusOr<std::unique_ptr<NatsTestCluster>> server = NatsTestCluster::Start(1);
  ASSERT_TRUE(server.ok()) << server.status();
  JetStreamLogOptions options;
  options.connection.servers = (*server)->Servers();
  options.replicas = 3;
  absl::StatusOr<std::unique_ptr<JetStreamLog>> log = JetStreamLog::Open(options);
  ASSERT_FALSE(log.ok());
  // At once, with the server's reason (nats-server 2.9 answers code 500), not after open_timeout.
  EXPECT_EQ(log.status().code(), absl::StatusCode::kInternal) << log.status();
  EXPECT_NE(log.status().message().find("replicas"), absl::string_view::npos) << log.status();
}

TEST_F(JetStreamClusterTest, KillingAServerMidAppendsLosesNoAcknowledgedAppend) {
  constexpr int kAppends = 300;
  constexpr int kKillAfter = 100;
  absl::StatusOr<std::unique_ptr<LogReader>> reader = log_->Read(0);
  ASSERT_TRUE(reader.ok()) << reader.status();

  std::mutex mu;
  std::condition_variable acknowledged_more;
  int acknowledged = 0;
  absl::flat_hash_map<uint64_t, std::string> payload_by_seq;
  std::thread writer([&] {
    for (int i = 0; i < kAppends; ++i) {
      std::string payload = absl::StrCat("write ", i);
      uint64_t seq = AppendRetrying(payload, absl::StrCat("w-", i));
      std::lock_guard<std::mutex> lock(mu);
      EXPECT_TRUE(payload_by_seq.emplace(seq, payload).second) << "sequence " << seq << " acknowledged twice";
      ++acknowledged;
      acknowledged_more.notify_all();
    }
  });
  // The reader takes in part of the log before the kill and must go on after it.
  std::vector<LogEntry> read = ReadUpTo(**reader, 50);
  {
    std::unique_lock<std::mutex> lock(mu);
    acknowledged_more.wait(lock, [&acknowledged] { return acknowledged >= kKillAfter; });
  }
  // The server this client is connected to: the connection must move to another one.
  int victim = ConnectedIndex();
  servers_->Kill(victim);
  writer.join();
  ASSERT_EQ(payload_by_seq.size(), static_cast<size_t>(kAppends));

  absl::StatusOr<uint64_t> last = log_->LastSequence(kTimeout);
  ASSERT_TRUE(last.ok()) << last.status();
  EXPECT_EQ(*last, static_cast<uint64_t>(kAppends)) << "a retried append was stored twice";
  std::vector<LogEntry> rest = ReadUpTo(**reader, *last);
  for (LogEntry& e : rest) read.push_back(std::move(e));
  ASSERT_EQ(read.size(), static_cast<size_t>(kAppends));
  for (size_t i = 0; i < read.size(); ++i) {
    ASSERT_EQ(read[i].sequence, i + 1);
    EXPECT_EQ(read[i].payload, payload_by_seq[i + 1]) << "at sequence " << i + 1;
  }

  // The killed server comes back, catches up, and serves the whole log to a client of its own.
  ASSERT_TRUE(servers_->Restart(victim).ok());
  JetStreamLogOptions only_restarted = options_;
  only_restarted.connection.servers = servers_->Server(victim);
  absl::StatusOr<std::unique_ptr<JetStreamLog>> second = JetStreamLog::Open(only_restarted);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(AppendRetrying("after restart", "w-after"), static_cast<uint64_t>(kAppends + 1));
  std::unique_ptr<LogReader> second_reader = ReadRetrying(**second, 0);
  ASSERT_NE(second_reader, nullptr);
  std::vector<LogEntry> all = ReadUpTo(*second_reader, kAppends + 1);
  ASSERT_EQ(all.size(), static_cast<size_t>(kAppends + 1));
  EXPECT_EQ(all.back().payload, "after restart");
}

TEST_F(JetStreamClusterTest, HungServerIsLeftThroughKeepaliveAndAppendsGoOn) {
  EXPECT_EQ(AppendRetrying("before", "h-1"), 1u);
  // A stopped process keeps its sockets open: only the missing PONGs tell the client to move on.
  int hung = ConnectedIndex();
  servers_->Pause(hung);
  EXPECT_EQ(AppendRetrying("while hung", "h-2"), 2u);
  EXPECT_NE(ConnectedIndex(), hung);
  servers_->Resume(hung);
  EXPECT_EQ(AppendRetrying("after", "h-3"), 3u);
  std::unique_ptr<LogReader> reader = ReadRetrying(*log_, 0);
  ASSERT_NE(reader, nullptr);
  std::vector<LogEntry> entries = ReadUpTo(*reader, 3);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[1].payload, "while hung");
}

TEST_F(JetStreamClusterTest, PayloadOverTheServersLimitIsInvalidArgumentAndTheConnectionStays) {
  std::string too_large(2 << 20, 'x');
  EXPECT_EQ(log_->Append(too_large, "big", kTimeout).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(AppendRetrying("small", "small"), 1u);
}

}  // namespace
}  // namespace passerelle::cluster::nats::jetstream_log_test
