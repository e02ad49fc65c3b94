// The applier of a cluster node over a shared in-memory log: two nodes converge to the same records
// (same checksum, same update times); a write acknowledged on one node is readable on the other once it
// applied the write's sequence; a restarted node resumes after the sequence stored with its last effect;
// entries that do not apply are rejected once, not retried; health goes starting -> serving ->
// catching up -> serving -> draining.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "engine/store/catalog.h"
#include "engine/store/record_codec.h"
#include "engine/store/records_checksum.h"
#include "gtest/gtest.h"
#include "passerelle/cluster_log.pb.h"
#include "server/cluster/node.h"
#include "tests/cluster/fake_log.h"
#include "tests/common/temp_dir.h"
#include "tests/engine/test_fixtures.h"

namespace passerelle::cluster::node_apply_test {
namespace {

using ::passerelle::cluster::testing::FakeLog;
using ::passerelle::engine::testing::MasonCandidate;
using ::passerelle::engine::testing::MasonOpening;
using ::passerelle::engine::testing::SharedReferenceData;
using ::passerelle::tests::TempDir;

constexpr char kOrganisation[] = "ft-93";

std::unique_ptr<engine::Catalog> OpenCatalog(const std::string& dir) {
  engine::CatalogOptions options;
  options.erase_on_delete = false;  // keeps the tests quick; erasure is the catalog's own test
  // Each node's own clock is far from the write's: the update time must come from the log entry.
  options.clock = [] { return absl::FromUnixSeconds(1000); };
  auto catalog = engine::Catalog::Open(dir, SharedReferenceData(), options);
  EXPECT_TRUE(catalog.ok()) << catalog.status();
  return catalog.ok() ? *std::move(catalog) : nullptr;
}

std::unique_ptr<Node> StartNode(FakeLog* log, engine::Catalog* catalog, const std::string& id,
                                uint64_t max_lag_entries = 1000) {
  NodeOptions options;
  options.node_id = id;
  options.poll_wait = absl::Milliseconds(20);
  options.max_lag_entries = max_lag_entries;
  options.clock = [] { return absl::FromUnixSeconds(1'780'000'000); };
  auto node = Node::Start(log, catalog, options);
  EXPECT_TRUE(node.ok()) << node.status();
  return node.ok() ? *std::move(node) : nullptr;
}

// Polls `done` until it holds or 20 s passed (a bound for a stuck node, not a timing assertion).
bool Eventually(const std::function<bool()>& done) {
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (!done()) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(5));
  }
  return true;
}

LogRecord PutCandidate(const std::string& id, const std::string& commune = engine::testing::kSaintDenis) {
  LogRecord record;
  record.set_organisation(kOrganisation);
  v1::Candidate* c = record.mutable_put_candidates()->add_candidates();
  *c = engine::CandidateToProto(MasonCandidate(id));
  c->set_owner_id(kOrganisation);
  c->set_commune_insee(commune);
  return record;
}

LogRecord PutOpening(const std::string& id) {
  LogRecord record;
  record.set_organisation(kOrganisation);
  v1::Opening* o = record.mutable_put_openings()->add_openings();
  *o = engine::OpeningToProto(MasonOpening(id));
  o->set_owner_id(kOrganisation);
  o->set_expires_on("2030-01-31");
  return record;
}

LogRecord DeleteCandidate(const std::string& id) {
  LogRecord record;
  record.set_organisation(kOrganisation);
  record.mutable_delete_candidate()->set_id(id);
  return record;
}

std::string Checksum(engine::Catalog& catalog) {
  auto checksum = engine::RecordsChecksum(catalog.store());
  EXPECT_TRUE(checksum.ok()) << checksum.status();
  return checksum.value_or("");
}

TEST(NodeApplyTest, TwoNodesConvergeToTheSameRecords) {
  TempDir dir_a("node-a"), dir_b("node-b");
  FakeLog log;
  auto catalog_a = OpenCatalog(dir_a.path());
  auto catalog_b = OpenCatalog(dir_b.path());
  const std::string empty = Checksum(*catalog_a);
  auto a = StartNode(&log, catalog_a.get(), "a");
  auto b = StartNode(&log, catalog_b.get(), "b");

  auto put = a->Write(PutCandidate("c-1"));
  ASSERT_TRUE(put.ok()) << put.status();
  ASSERT_EQ(put->outcome.puts.size(), 1u);
  EXPECT_TRUE(put->outcome.puts[0].status.ok());
  EXPECT_TRUE(put->outcome.puts[0].created);
  ASSERT_TRUE(b->Write(PutCandidate("c-2")).ok());
  ASSERT_TRUE(b->Write(PutOpening("o-1")).ok());
  ASSERT_TRUE(a->Write(PutCandidate("c-3")).ok());
  auto deleted = a->Write(DeleteCandidate("c-3"));
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_TRUE(deleted->outcome.status.ok()) << deleted->outcome.status;
  const uint64_t last = log.size();
  ASSERT_TRUE(a->WaitApplied(last, absl::Seconds(20)).ok());
  ASSERT_TRUE(b->WaitApplied(last, absl::Seconds(20)).ok());

  EXPECT_EQ(Checksum(*catalog_a), Checksum(*catalog_b));
  EXPECT_NE(Checksum(*catalog_a), empty);
  EXPECT_EQ(catalog_a->candidate_count(), 2);
  EXPECT_EQ(catalog_b->opening_count(), 1);
  EXPECT_TRUE(catalog_b->GetCandidate(kOrganisation, "c-1").ok());
  EXPECT_TRUE(absl::IsNotFound(catalog_b->GetCandidate(kOrganisation, "c-3").status()));
  EXPECT_EQ(a->rejected_entries(), 0);
  EXPECT_EQ(b->rejected_entries(), 0);
}

TEST(NodeApplyTest, WriteAcknowledgedOnOneNodeIsReadableOnTheOtherAtItsSequence) {
  TempDir dir_a("node-a"), dir_b("node-b");
  FakeLog log;
  auto catalog_a = OpenCatalog(dir_a.path());
  auto catalog_b = OpenCatalog(dir_b.path());
  auto a = StartNode(&log, catalog_a.get(), "a");
  auto b = StartNode(&log, catalog_b.get(), "b");
  log.SetGate(false);  // no node reads the log until the gate opens: B falls behind
  LogRecord record = PutCandidate("c-9");
  record.set_time_micros(absl::ToUnixMicros(absl::FromUnixSeconds(1'780'000'000)));
  record.set_origin_node("elsewhere");
  ASSERT_TRUE(log.Append(record.SerializeAsString(), "w-1", absl::Seconds(1)).ok());
  const uint64_t sequence = log.size();
  const absl::Status behind = b->WaitApplied(sequence, absl::Milliseconds(30));
  EXPECT_TRUE(absl::IsUnavailable(behind)) << behind;
  EXPECT_NE(behind.message().find("applied the log up to sequence 0"), std::string::npos) << behind;
  log.SetGate(true);
  ASSERT_TRUE(b->WaitApplied(sequence, absl::Seconds(20)).ok());
  auto stored = catalog_b->GetCandidate(kOrganisation, "c-9");
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_TRUE(stored->matchable);
}

TEST(NodeApplyTest, UpdateTimeIsTheWritesOnEveryNode) {
  TempDir dir_a("node-a"), dir_b("node-b");
  FakeLog log;
  auto catalog_a = OpenCatalog(dir_a.path());
  auto catalog_b = OpenCatalog(dir_b.path());
  auto a = StartNode(&log, catalog_a.get(), "a");
  auto b = StartNode(&log, catalog_b.get(), "b");
  auto put = a->Write(PutCandidate("c-1"));
  ASSERT_TRUE(put.ok()) << put.status();
  ASSERT_TRUE(b->WaitApplied(put->sequence, absl::Seconds(20)).ok());
  for (engine::Catalog* catalog : {catalog_a.get(), catalog_b.get()}) {
    auto value = catalog->store().GetValue(engine::RecordKind::kCandidate,
                                           catalog->store().RecordKey(kOrganisation, "c-1"));
    ASSERT_TRUE(value.ok() && value->has_value());
    auto stored = engine::DecodeStoredValue(**value);
    ASSERT_TRUE(stored.ok());
    EXPECT_EQ(stored->updated_unix_seconds, 1'780'000'000);  // the node's clock, not the catalog's (1000)
  }
}

TEST(NodeApplyTest, RestartResumesAfterTheStoredSequenceWithoutApplyingTwice) {
  TempDir dir("node-a");
  FakeLog log;
  std::string before;
  {
    auto catalog = OpenCatalog(dir.path());
    auto node = StartNode(&log, catalog.get(), "a");
    ASSERT_TRUE(node->Write(PutCandidate("c-1")).ok());
    ASSERT_TRUE(node->Write(PutCandidate("c-2")).ok());
    // Applied a second time, this delete would be rejected (NotFound).
    ASSERT_TRUE(node->Write(DeleteCandidate("c-1")).ok());
    before = Checksum(*catalog);
    EXPECT_EQ(node->rejected_entries(), 0);
    EXPECT_EQ(catalog->store().AppliedSequence().value_or(0), 3u);
  }
  // Written while the node was down.
  LogRecord later = PutCandidate("c-4");
  later.set_origin_node("b");
  ASSERT_TRUE(log.Append(later.SerializeAsString(), "w-4", absl::Seconds(1)).ok());

  auto catalog = OpenCatalog(dir.path());
  EXPECT_EQ(Checksum(*catalog), before);
  auto node = StartNode(&log, catalog.get(), "a");
  ASSERT_TRUE(node->WaitApplied(4, absl::Seconds(20)).ok());
  EXPECT_EQ(log.reads_from().back(), 3u);
  EXPECT_EQ(node->rejected_entries(), 0);
  EXPECT_EQ(catalog->candidate_count(), 2);  // c-2, c-4
  EXPECT_TRUE(catalog->GetCandidate(kOrganisation, "c-4").ok());
}

TEST(NodeApplyTest, EntriesThatDoNotApplyAreRejectedOnceAndTheNodeGoesOn) {
  TempDir dir("node-a");
  FakeLog log;
  auto catalog = OpenCatalog(dir.path());
  auto node = StartNode(&log, catalog.get(), "a");
  ASSERT_TRUE(log.Append("\xff\xff not a log record", "garbage", absl::Seconds(1)).ok());
  // A commune these reference data do not know (another node's might have).
  auto unknown = node->Write(PutCandidate("c-1", "97999"));
  ASSERT_TRUE(unknown.ok()) << unknown.status();
  ASSERT_EQ(unknown->outcome.puts.size(), 1u);
  EXPECT_TRUE(absl::IsInvalidArgument(unknown->outcome.puts[0].status));
  auto absent = node->Write(DeleteCandidate("nobody"));
  ASSERT_TRUE(absent.ok());
  EXPECT_TRUE(absl::IsNotFound(absent->outcome.status));
  auto good = node->Write(PutCandidate("c-2"));
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good->sequence, 4u);
  EXPECT_EQ(node->rejected_entries(), 3);
  EXPECT_EQ(catalog->candidate_count(), 1);
  EXPECT_EQ(catalog->store().AppliedSequence().value_or(0), 4u);
  // Stored with their sequence: after a restart, none of them is applied again.
  node.reset();
  const size_t reads = log.reads_from().size();
  node = StartNode(&log, catalog.get(), "a");
  ASSERT_TRUE(Eventually([&] { return log.reads_from().size() > reads; }));
  EXPECT_EQ(log.reads_from()[reads], 4u);
}

TEST(NodeApplyTest, HealthGoesFromStartingToServingToCatchingUpToDraining) {
  TempDir dir("node-a");
  FakeLog log;
  for (int i = 0; i < 5; ++i) {
    LogRecord record = PutCandidate("c-" + std::to_string(i));
    ASSERT_TRUE(log.Append(record.SerializeAsString(), "w-" + std::to_string(i), absl::Seconds(1)).ok());
  }
  log.SetGate(false);
  auto catalog = OpenCatalog(dir.path());
  auto node = StartNode(&log, catalog.get(), "a", /*max_lag_entries=*/2);
  EXPECT_EQ(node->health(), NodeHealth::kStarting);
  log.SetGate(true);
  ASSERT_TRUE(Eventually([&] { return node->health() == NodeHealth::kServing; }));
  EXPECT_EQ(node->applied_sequence(), 5u);

  log.SetGate(false);
  for (int i = 5; i < 9; ++i) {
    LogRecord record = PutCandidate("c-" + std::to_string(i));
    ASSERT_TRUE(log.Append(record.SerializeAsString(), "w-" + std::to_string(i), absl::Seconds(1)).ok());
  }
  ASSERT_TRUE(Eventually([&] { return node->health() == NodeHealth::kCatchingUp; }));
  log.SetGate(true);
  ASSERT_TRUE(Eventually([&] { return node->health() == NodeHealth::kServing; }));
  node->Drain();
  EXPECT_EQ(node->health(), NodeHealth::kDraining);
}

TEST(LogEntryScopeTest, StoresTheSequenceOnlyWithTheCommitsInsideIt) {
  TempDir dir("store");
  auto store = engine::Store::Open(dir.path(), {});
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->AppliedSequence().value_or(99), 0u);
  {
    engine::LogEntryScope scope(7, absl::FromUnixSeconds(5));
    EXPECT_FALSE(scope.committed());
    ASSERT_TRUE((*store)->Commit(engine::WriteSet()).ok());
    EXPECT_TRUE(scope.committed());
  }
  engine::WriteSet writes;
  writes.PutMetadata("other", "x");
  ASSERT_TRUE((*store)->Commit(writes).ok());  // outside any scope: the sequence stays
  EXPECT_EQ((*store)->AppliedSequence().value_or(0), 7u);
  EXPECT_EQ(engine::LogEntryScope::Current(), nullptr);
}

}  // namespace
}  // namespace passerelle::cluster::node_apply_test
