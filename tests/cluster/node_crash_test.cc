// kill -9 of a node while it applies the log: the stored applied sequence and the stored records agree
// (every entry up to it applied, none after it), and the restarted node goes on from there without
// applying any entry twice. The node runs in a child process (a gtest death test, re-executed) that kills
// itself with SIGKILL mid-stream.
#include <csignal>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

#include "absl/time/clock.h"
#include "engine/store/catalog.h"
#include "engine/store/record_codec.h"
#include "gtest/gtest.h"
#include "passerelle/cluster_log.pb.h"
#include "server/cluster/node.h"
#include "tests/cluster/fake_log.h"
#include "tests/common/temp_dir.h"
#include "tests/engine/test_fixtures.h"

namespace passerelle::cluster::node_crash_test {
namespace {

using ::passerelle::cluster::testing::FakeLog;
using ::passerelle::engine::testing::SharedReferenceData;
using ::passerelle::tests::TempDir;

constexpr char kOrganisation[] = "ft-93";
constexpr int kEntries = 300;
constexpr char kDirVariable[] = "PASSERELLE_NODE_CRASH_DIR";

// Entry i (sequence i) puts candidate c-i; every 10th deletes c-(i-5) instead.
void FillLog(FakeLog* log) {
  for (int i = 1; i <= kEntries; ++i) {
    LogRecord record;
    record.set_organisation(kOrganisation);
    record.set_time_micros(absl::ToUnixMicros(absl::FromUnixSeconds(1'780'000'000 + i)));
    if (i % 10 == 0) {
      record.mutable_delete_candidate()->set_id("c-" + std::to_string(i - 5));
    } else {
      v1::Candidate* c = record.mutable_put_candidates()->add_candidates();
      *c = engine::CandidateToProto(engine::testing::MasonCandidate("c-" + std::to_string(i)));
      c->set_owner_id(kOrganisation);
    }
    ASSERT_TRUE(log->Append(record.SerializeAsString(), "w-" + std::to_string(i), absl::Seconds(1)).ok());
  }
}

// Whether c-i is stored once entries 1..applied are.
bool StoredAfter(int i, uint64_t applied) {
  if (i % 10 == 0 || static_cast<uint64_t>(i) > applied) return false;
  return !(i % 10 == 5 && static_cast<uint64_t>(i + 5) <= applied);
}

std::unique_ptr<engine::Catalog> OpenCatalog(const std::string& dir) {
  engine::CatalogOptions options;
  options.erase_on_delete = false;
  auto catalog = engine::Catalog::Open(dir, SharedReferenceData(), options);
  EXPECT_TRUE(catalog.ok()) << catalog.status();
  return catalog.ok() ? *std::move(catalog) : nullptr;
}

// The child: applies the log and kills itself once at least a third is applied, mid-stream.
void ApplyThenKill(const std::string& dir) {
  FakeLog log;
  FillLog(&log);
  auto catalog = OpenCatalog(dir);
  NodeOptions options;
  options.node_id = "crash";
  options.read_batch_entries = 7;
  auto node = Node::Start(&log, catalog.get(), options);
  if (!node.ok()) std::exit(3);
  while ((*node)->applied_sequence() < kEntries / 3) absl::SleepFor(absl::Milliseconds(1));
  std::raise(SIGKILL);
}

TEST(NodeCrashTest, KillNineLeavesTheAppliedSequenceAndTheRecordsInAgreement) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  // The re-executed child runs this test again up to EXPECT_EXIT: it takes the parent's directory from
  // the environment instead of making one of its own.
  std::optional<TempDir> dir;
  std::string base;
  if (const char* inherited = std::getenv(kDirVariable); inherited != nullptr) {
    base = inherited;
  } else {
    dir.emplace("node-crash");
    base = dir->path();
    ::setenv(kDirVariable, base.c_str(), /*overwrite=*/1);
  }
  const std::string data = base + "/data";
  EXPECT_EXIT(ApplyThenKill(data), ::testing::KilledBySignal(SIGKILL), "");

  auto catalog = OpenCatalog(data);
  ASSERT_NE(catalog, nullptr);
  const uint64_t applied = catalog->store().AppliedSequence().value_or(0);
  ASSERT_GE(applied, static_cast<uint64_t>(kEntries / 3));
  for (int i = 1; i <= kEntries; ++i) {
    EXPECT_EQ(catalog->GetCandidate(kOrganisation, "c-" + std::to_string(i)).ok(), StoredAfter(i, applied))
        << "c-" << i << " with applied sequence " << applied;
  }

  // Restarted, the node applies the rest: a delete applied twice would be rejected (NotFound).
  FakeLog log;
  FillLog(&log);
  NodeOptions options;
  options.node_id = "crash";
  auto node = Node::Start(&log, catalog.get(), options);
  ASSERT_TRUE(node.ok()) << node.status();
  ASSERT_TRUE((*node)->WaitApplied(kEntries, absl::Seconds(60)).ok());
  EXPECT_EQ((*node)->rejected_entries(), 0);
  for (int i = 1; i <= kEntries; ++i) {
    EXPECT_EQ(catalog->GetCandidate(kOrganisation, "c-" + std::to_string(i)).ok(), StoredAfter(i, kEntries)) << i;
  }
  ::unsetenv(kDirVariable);
}

}  // namespace
}  // namespace passerelle::cluster::node_crash_test
