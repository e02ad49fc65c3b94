// The ReplicatedLog contract (server/cluster/replicated_log.h), written once and run against every
// implementation: the in-memory log and the JetStream log on a real nats-server.
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/cluster/memory_log.h"
#include "server/cluster/nats/jetstream_log.h"
#include "tests/cluster/log_harness.h"
#include "tests/cluster/nats_test_server.h"

namespace passerelle::cluster::testing::log_contract_test {
namespace {

constexpr absl::Duration kTimeout = absl::Seconds(10);

class MemoryLogHarness final : public LogHarness {
 public:
  ReplicatedLog& log() override { return log_; }
  void TruncateBefore(uint64_t first_kept) override { log_.TruncateBefore(first_kept); }

 private:
  MemoryLog log_;
};

// A standalone JetStream server per test, the stream with one replica (the three-server cluster is
// jetstream_log_test.cc's).
class JetStreamLogHarness final : public LogHarness {
 public:
  static absl::StatusOr<std::unique_ptr<LogHarness>> Make() {
    auto harness = std::unique_ptr<JetStreamLogHarness>(new JetStreamLogHarness);
    absl::StatusOr<std::unique_ptr<NatsTestCluster>> servers = NatsTestCluster::Start(1);
    if (!servers.ok()) return servers.status();
    harness->servers_ = *std::move(servers);
    nats::JetStreamLogOptions options;
    options.connection.servers = harness->servers_->Servers();
    options.replicas = 1;
    absl::StatusOr<std::unique_ptr<nats::JetStreamLog>> log = nats::JetStreamLog::Open(options);
    if (!log.ok()) return log.status();
    harness->log_ = *std::move(log);
    return std::unique_ptr<LogHarness>(std::move(harness));
  }
  ReplicatedLog& log() override { return *log_; }
  void TruncateBefore(uint64_t first_kept) override {
    absl::Status purged = log_->PurgeBefore(first_kept, kTimeout);
    ASSERT_TRUE(purged.ok()) << purged;
  }

 private:
  std::unique_ptr<NatsTestCluster> servers_;  // outlives log_ (declared first, destroyed last)
  std::unique_ptr<nats::JetStreamLog> log_;
};

class LogContractTest : public ::testing::TestWithParam<LogImplementation> {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<LogHarness>> harness = GetParam().make();
    if (absl::IsNotFound(harness.status())) GTEST_SKIP() << harness.status().message();
    ASSERT_TRUE(harness.ok()) << harness.status();
    harness_ = *std::move(harness);
  }
  ReplicatedLog& log() { return harness_->log(); }

  uint64_t MustAppend(const std::string& payload, const std::string& dedup_id) {
    absl::StatusOr<uint64_t> seq = log().Append(payload, dedup_id, kTimeout);
    EXPECT_TRUE(seq.ok()) << seq.status();
    return seq.value_or(0);
  }

  // Reads every entry after `after` until `count` came (or a read came back empty).
  std::vector<LogEntry> ReadAll(uint64_t after, size_t count) {
    absl::StatusOr<std::unique_ptr<LogReader>> reader = log().Read(after);
    EXPECT_TRUE(reader.ok()) << reader.status();
    std::vector<LogEntry> all;
    if (!reader.ok()) return all;
    while (all.size() < count) {
      absl::StatusOr<std::vector<LogEntry>> batch = (*reader)->Next(64, kTimeout);
      EXPECT_TRUE(batch.ok()) << batch.status();
      if (!batch.ok() || batch->empty()) break;
      for (LogEntry& e : *batch) all.push_back(std::move(e));
    }
    return all;
  }

  std::unique_ptr<LogHarness> harness_;
};

TEST_P(LogContractTest, EmptyLogHasLastSequenceZeroAndNothingToRead) {
  absl::StatusOr<uint64_t> last = log().LastSequence(kTimeout);
  ASSERT_TRUE(last.ok()) << last.status();
  EXPECT_EQ(*last, 0u);
  absl::StatusOr<std::unique_ptr<LogReader>> reader = log().Read(0);
  ASSERT_TRUE(reader.ok()) << reader.status();
  absl::StatusOr<std::vector<LogEntry>> batch = (*reader)->Next(10, absl::Milliseconds(50));
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_TRUE(batch->empty());
}

TEST_P(LogContractTest, AppendsGetConsecutiveSequencesFromOne) {
  for (uint64_t i = 1; i <= 5; ++i) {
    EXPECT_EQ(MustAppend(absl::StrCat("entry ", i), absl::StrCat("id-", i)), i);
  }
  absl::StatusOr<uint64_t> last = log().LastSequence(kTimeout);
  ASSERT_TRUE(last.ok()) << last.status();
  EXPECT_EQ(*last, 5u);
}

TEST_P(LogContractTest, ReadStartsAfterTheGivenSequenceInOrder) {
  for (int i = 1; i <= 20; ++i) MustAppend(absl::StrCat("entry ", i), absl::StrCat("id-", i));
  std::vector<LogEntry> entries = ReadAll(/*after=*/7, 13);
  ASSERT_EQ(entries.size(), 13u);
  for (size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ(entries[i].sequence, 8 + i);
    EXPECT_EQ(entries[i].payload, absl::StrCat("entry ", 8 + i));
  }
}

TEST_P(LogContractTest, NextReturnsAtMostMaxEntriesAndResumesWhereItStopped) {
  for (int i = 1; i <= 10; ++i) MustAppend(absl::StrCat("entry ", i), absl::StrCat("id-", i));
  absl::StatusOr<std::unique_ptr<LogReader>> reader = log().Read(0);
  ASSERT_TRUE(reader.ok()) << reader.status();
  std::vector<uint64_t> seen;
  while (seen.size() < 10) {
    absl::StatusOr<std::vector<LogEntry>> batch = (*reader)->Next(3, kTimeout);
    ASSERT_TRUE(batch.ok()) << batch.status();
    ASSERT_FALSE(batch->empty());
    EXPECT_LE(batch->size(), 3u);
    for (const LogEntry& e : *batch) seen.push_back(e.sequence);
  }
  for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], i + 1);
}

TEST_P(LogContractTest, RetriedAppendWithSameDedupIdReturnsFirstSequence) {
  EXPECT_EQ(MustAppend("a", "write-a"), 1u);
  EXPECT_EQ(MustAppend("b", "write-b"), 2u);
  EXPECT_EQ(MustAppend("a", "write-a"), 1u);
  EXPECT_EQ(MustAppend("c", "write-c"), 3u);
  std::vector<LogEntry> entries = ReadAll(0, 3);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].payload, "a");
  EXPECT_EQ(entries[1].payload, "b");
  EXPECT_EQ(entries[2].payload, "c");
}

TEST_P(LogContractTest, BinaryAndLargePayloadsComeBackByteForByte) {
  std::string binary("\0\r\nMSG x 1 2\r\n+OK\r\n\xff", 20);
  std::string large(512 * 1024, 'x');
  for (size_t i = 0; i < large.size(); i += 4099) large[i] = static_cast<char>(i % 251);
  MustAppend(binary, "binary");
  MustAppend(large, "large");
  MustAppend("", "empty");
  std::vector<LogEntry> entries = ReadAll(0, 3);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].payload, binary);
  EXPECT_EQ(entries[1].payload, large);
  EXPECT_EQ(entries[2].payload, "");
}

TEST_P(LogContractTest, ReaderWaitingAtTheEndGetsAnEntryAppendedLater) {
  MustAppend("first", "id-1");
  absl::StatusOr<std::unique_ptr<LogReader>> reader = log().Read(1);
  ASSERT_TRUE(reader.ok()) << reader.status();
  std::thread writer([this] { MustAppend("second", "id-2"); });
  std::vector<LogEntry> got;
  // The wait is an upper bound only: the entry ends it as soon as it is there.
  for (int tries = 0; tries < 3 && got.empty(); ++tries) {
    absl::StatusOr<std::vector<LogEntry>> batch = (*reader)->Next(10, kTimeout);
    ASSERT_TRUE(batch.ok()) << batch.status();
    got = *std::move(batch);
  }
  writer.join();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].sequence, 2u);
  EXPECT_EQ(got[0].payload, "second");
}

TEST_P(LogContractTest, ConcurrentAppendsGetDistinctSequencesAndAreAllRead) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 25;
  std::vector<std::vector<uint64_t>> sequences(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t, &sequences] {
      for (int i = 0; i < kPerThread; ++i) {
        sequences[t].push_back(MustAppend(absl::StrCat(t, "/", i), absl::StrCat("w", t, "-", i)));
      }
    });
  }
  for (std::thread& t : threads) t.join();
  absl::flat_hash_set<uint64_t> distinct;
  for (const auto& per_thread : sequences) {
    for (size_t i = 1; i < per_thread.size(); ++i) EXPECT_LT(per_thread[i - 1], per_thread[i]);
    distinct.insert(per_thread.begin(), per_thread.end());
  }
  EXPECT_EQ(distinct.size(), static_cast<size_t>(kThreads * kPerThread));
  std::vector<LogEntry> entries = ReadAll(0, kThreads * kPerThread);
  ASSERT_EQ(entries.size(), static_cast<size_t>(kThreads * kPerThread));
  absl::flat_hash_set<std::string> payloads;
  for (const LogEntry& e : entries) payloads.insert(e.payload);
  EXPECT_EQ(payloads.size(), entries.size());
}

TEST_P(LogContractTest, ReadFromBeforeTheFirstHeldEntryIsFailedPrecondition) {
  for (int i = 1; i <= 6; ++i) MustAppend(absl::StrCat("entry ", i), absl::StrCat("id-", i));
  harness_->TruncateBefore(4);
  EXPECT_EQ(log().Read(0).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(log().Read(2).status().code(), absl::StatusCode::kFailedPrecondition);
  // From the first held entry on, reads still work and the sequences are not reused.
  std::vector<LogEntry> entries = ReadAll(3, 3);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].sequence, 4u);
  EXPECT_EQ(MustAppend("entry 7", "id-7"), 7u);
  absl::StatusOr<uint64_t> last = log().LastSequence(kTimeout);
  ASSERT_TRUE(last.ok()) << last.status();
  EXPECT_EQ(*last, 7u);
}

TEST_P(LogContractTest, DedupIdMustBeOneToSixtyFourPrintableAsciiBytes) {
  EXPECT_EQ(log().Append("x", "", kTimeout).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(log().Append("x", std::string(65, 'a'), kTimeout).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(log().Append("x", "line\r\nbreak", kTimeout).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MustAppend("x", std::string(64, 'a')), 1u);
  EXPECT_EQ(MustAppend("y", "put 7f3a/~!"), 2u);
}

INSTANTIATE_TEST_SUITE_P(
    AllLogs, LogContractTest,
    ::testing::Values(LogImplementation{"Memory",
                                        []() -> absl::StatusOr<std::unique_ptr<LogHarness>> {
                                          return std::unique_ptr<LogHarness>(new MemoryLogHarness);
                                        }},
                      LogImplementation{"JetStream", &JetStreamLogHarness::Make}),
    [](const ::testing::TestParamInfo<LogImplementation>& info) { return info.param.name; });

}  // namespace
}  // namespace passerelle::cluster::testing::log_contract_test
