// MemoryLog's own test hooks (the shared contract is in log_contract_test.cc).
#include "server/cluster/memory_log.h"

#include <memory>
#include <thread>

#include "gtest/gtest.h"

namespace passerelle::cluster::memory_log_test {
namespace {

TEST(MemoryLogTest, UnavailableLogRefusesEveryCallUntilAvailableAgain) {
  MemoryLog log;
  ASSERT_TRUE(log.Append("a", "id-a", absl::Seconds(1)).ok());
  absl::StatusOr<std::unique_ptr<LogReader>> reader = log.Read(0);
  ASSERT_TRUE(reader.ok());
  log.SetAvailable(false);
  EXPECT_EQ(log.Append("b", "id-b", absl::Seconds(1)).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(log.Read(0).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(log.LastSequence(absl::Seconds(1)).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ((*reader)->Next(10, absl::Seconds(1)).status().code(), absl::StatusCode::kUnavailable);
  log.SetAvailable(true);
  absl::StatusOr<std::vector<LogEntry>> batch = (*reader)->Next(10, absl::Seconds(1));
  ASSERT_TRUE(batch.ok()) << batch.status();
  ASSERT_EQ(batch->size(), 1u);
  EXPECT_EQ((*batch)[0].payload, "a");
  EXPECT_EQ(*log.Append("b", "id-b", absl::Seconds(1)), 2u);
}

TEST(MemoryLogTest, WaitingReaderWakesWhenTheLogBecomesUnavailable) {
  MemoryLog log;
  absl::StatusOr<std::unique_ptr<LogReader>> reader = log.Read(0);
  ASSERT_TRUE(reader.ok());
  std::thread breaker([&log] { log.SetAvailable(false); });
  // Either the reader waited and was woken, or it started after the change: Unavailable both ways,
  // never an empty batch after the full minute.
  absl::StatusOr<std::vector<LogEntry>> batch = (*reader)->Next(10, absl::Minutes(1));
  breaker.join();
  EXPECT_EQ(batch.status().code(), absl::StatusCode::kUnavailable);
}

TEST(MemoryLogTest, ReaderPassedByTruncationIsFailedPrecondition) {
  MemoryLog log;
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(log.Append("x", "id-" + std::to_string(i), absl::Seconds(1)).ok());
  absl::StatusOr<std::unique_ptr<LogReader>> reader = log.Read(1);
  ASSERT_TRUE(reader.ok());
  log.TruncateBefore(4);
  EXPECT_EQ((*reader)->Next(10, absl::Seconds(1)).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(MemoryLogTest, ReaderOutlivesTheLog) {
  std::unique_ptr<LogReader> reader;
  {
    MemoryLog log;
    ASSERT_TRUE(log.Append("kept", "id", absl::Seconds(1)).ok());
    reader = *log.Read(0);
  }
  absl::StatusOr<std::vector<LogEntry>> batch = reader->Next(10, absl::Seconds(1));
  ASSERT_TRUE(batch.ok());
  ASSERT_EQ(batch->size(), 1u);
  EXPECT_EQ((*batch)[0].payload, "kept");
}

}  // namespace
}  // namespace passerelle::cluster::memory_log_test
