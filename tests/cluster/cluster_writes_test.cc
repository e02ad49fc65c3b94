// The last writes through the log (server/cluster_writes.h), two in-process servers over one in-memory
// log: a France Travail import and its sync taken by one node are read on the other with
// x-passerelle-min-sequence; an organisation erased through one node leaves nothing of it on the other
// (checksums equal, other organisations untouched); two nodes starting on an empty log create one admin
// key, whose secret only its creator writes; bad input appends nothing and changes nothing.
#include <atomic>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "engine/store/records_checksum.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "passerelle/cluster_log.pb.h"
#include "passerelle/v1/governance.grpc.pb.h"
#include "server/cluster_writes.h"
#include "server/francetravail/offer_json.h"
#include "tests/cluster/cluster_node_options.h"
#include "tests/cluster/fake_log.h"
#include "tests/server/test_util.h"

namespace passerelle::server::cluster_writes_test {
namespace {

using ::passerelle::cluster::testing::FakeLog;
using ::passerelle::server::testing::ClusterNodeOptions;
using ::passerelle::server::testing::InProcessServer;
using ::passerelle::server::testing::MasonCandidate;
using ::passerelle::server::testing::SequenceOf;
using ::passerelle::server::testing::MasonOpening;
using ::testing::ElementsAre;
using Code = ::grpc::StatusCode;

constexpr absl::Duration kApplyWait = absl::Seconds(20);

std::string Checksum(InProcessServer& server) {
  return engine::RecordsChecksum(server.server().catalog().store()).value();
}

std::vector<v1::FranceTravailOffer> Fixture(const std::string& name) {
  std::ifstream in(std::string(PASSERELLE_FT_FIXTURES) + "/" + name);
  std::stringstream text;
  text << in.rdbuf();
  auto items = francetravail::ParseOffers(text.str());
  EXPECT_TRUE(items.ok()) << items.status();
  std::vector<v1::FranceTravailOffer> offers;
  if (items.ok()) {
    for (auto& item : *items) offers.push_back(item.offer.value());
  }
  return offers;
}

struct Imported {
  grpc::Status status;
  v1::ImportFranceTravailOffersResponse response;
  uint64_t sequence = 0;
};

Imported ImportOffers(InProcessServer& server, const std::vector<v1::FranceTravailOffer>& offers, bool sync,
                      const std::string& source = "") {
  grpc::ClientContext context;
  Imported imported;
  auto stub = server.StubWithKey(server.employer_key());
  auto writer = stub->ImportFranceTravailOffers(&context, &imported.response);
  v1::ImportFranceTravailOffersRequest request;
  request.mutable_options()->set_sync(sync);
  request.mutable_options()->set_lifetime_days(3650);
  request.mutable_options()->set_source(source);
  for (const v1::FranceTravailOffer& offer : offers) *request.add_offers() = offer;
  writer->Write(request);
  writer->WritesDone();
  imported.status = writer->Finish();
  imported.sequence = SequenceOf(context);
  return imported;
}

grpc::Status GetOpening(InProcessServer& server, const std::string& id, uint64_t min_sequence) {
  grpc::ClientContext context;
  context.AddMetadata("x-passerelle-min-sequence", std::to_string(min_sequence));
  v1::GetOpeningRequest request;
  request.set_opening_id(id);
  v1::GetOpeningResponse response;
  return server.StubWithKey(server.employer_key())->GetOpening(&context, request, &response);
}

struct Erased {
  grpc::Status status;
  v1::EraseOrganisationResponse response;
  uint64_t sequence = 0;
};

Erased Erase(InProcessServer& server, const std::string& key, const std::string& organisation) {
  grpc::ClientContext context;
  v1::EraseOrganisationRequest request;
  request.set_organisation(organisation);
  Erased erased;
  erased.status = v1::Governance::NewStub(testing::KeyedChannel(server.address(), {{"", key}}))
                      ->EraseOrganisation(&context, request, &erased.response);
  erased.sequence = SequenceOf(context);
  return erased;
}

TEST(ClusterWritesTest, FranceTravailImportAndSyncOnOneNodeAreReadOnTheOther) {
  FakeLog log;
  InProcessServer a(ClusterNodeOptions(&log, "a"));
  InProcessServer b(ClusterNodeOptions(&log, "b"));
  const std::vector<v1::FranceTravailOffer> offers = Fixture("search_response.json");
  ASSERT_EQ(offers.size(), 5u);
  const Imported first = ImportOffers(a, offers, /*sync=*/true);
  ASSERT_TRUE(first.status.ok()) << first.status.error_message();
  EXPECT_EQ(first.response.added_count(), 5);
  EXPECT_EQ(first.response.expired_count(), 0);
  ASSERT_GT(first.sequence, 0u);
  EXPECT_EQ(first.sequence, log.size());  // the sync's entry, the last one appended
  ASSERT_TRUE(GetOpening(b, "201NBQZ", first.sequence).ok());

  // The next full snapshot, through the other node: it decides the sync from what it applied.
  std::vector<v1::FranceTravailOffer> next = {offers[0], offers[2], offers[4]};
  next[2].mutable_lieu_travail()->Clear();  // sent but rejected: its stored copy stays
  const Imported second = ImportOffers(b, next, /*sync=*/true);
  ASSERT_TRUE(second.status.ok()) << second.status.error_message();
  EXPECT_EQ(second.response.changed_count(), 2);
  EXPECT_EQ(second.response.rejected_count(), 1);
  EXPECT_THAT(second.response.expired_ids(), ElementsAre("201NBQZ", "201QRTS"));
  EXPECT_EQ(second.response.expired_count(), 2);

  EXPECT_EQ(GetOpening(a, "201NBQZ", second.sequence).error_code(), Code::NOT_FOUND);
  EXPECT_EQ(GetOpening(a, "201QRTS", second.sequence).error_code(), Code::NOT_FOUND);
  EXPECT_TRUE(GetOpening(a, "201RAPP", second.sequence).ok());
  EXPECT_TRUE(GetOpening(a, "201MWKT", second.sequence).ok());
  EXPECT_EQ(a.server().catalog().opening_count(), 3);
  EXPECT_EQ(Checksum(a), Checksum(b));
}

TEST(ClusterWritesTest, AnOrganisationErasedThroughOneNodeLeavesNothingOfItOnTheOther) {
  FakeLog log;
  InProcessServer a(ClusterNodeOptions(&log, "a"));
  InProcessServer b(ClusterNodeOptions(&log, "b"));
  for (const char* id : {"c-1", "c-2"}) {
    grpc::ClientContext context;
    v1::PutCandidateRequest put;
    *put.mutable_candidate() = MasonCandidate(id);
    v1::PutCandidateResponse response;
    ASSERT_TRUE(a.stub().PutCandidate(&context, put, &response).ok());
  }
  grpc::ClientContext put_context;
  v1::PutOpeningRequest put;
  *put.mutable_opening() = MasonOpening("o-1");
  v1::PutOpeningResponse put_response;
  ASSERT_TRUE(a.stub().PutOpening(&put_context, put, &put_response).ok());

  const Erased erased = Erase(b, b.admin_key(), testing::kCounsellorOrg);
  ASSERT_TRUE(erased.status.ok()) << erased.status.error_message();
  EXPECT_EQ(erased.response.candidates_erased(), 2);
  EXPECT_EQ(erased.response.openings_erased(), 0);
  EXPECT_EQ(erased.response.keys_revoked(), 1);  // b's counsellor key (each node made its own here)
  ASSERT_GT(erased.sequence, 0u);
  ASSERT_TRUE(a.server().cluster_node()->WaitApplied(erased.sequence, kApplyWait).ok());

  for (InProcessServer* node : {&a, &b}) {
    EXPECT_EQ(node->server().catalog().candidate_count(), 0);
    EXPECT_EQ(node->server().catalog().opening_count(), 1);  // the employer's, untouched
    // Every node revoked the organisation's keys it held.
    for (const KeyRecord& key : node->server().access().ListKeys(testing::kCounsellorOrg)) {
      EXPECT_NE(key.revoked_at, absl::InfiniteFuture()) << key.id;
    }
    EXPECT_FALSE(node->server().access().ListKeys(testing::kEmployerOrg).empty());
    for (const KeyRecord& key : node->server().access().ListKeys(testing::kEmployerOrg)) {
      EXPECT_EQ(key.revoked_at, absl::InfiniteFuture()) << key.id;
    }
  }
  EXPECT_EQ(Checksum(a), Checksum(b));
  v1::GetCandidateResponse got;
  grpc::ClientContext get_context;
  v1::GetCandidateRequest get;
  get.set_candidate_id("c-1");
  EXPECT_EQ(a.stub().GetCandidate(&get_context, get, &got).error_code(), Code::UNAUTHENTICATED);
}

TEST(ClusterWritesTest, AnEraseEntryAppliedTwiceGivesTheSameRecords) {
  // A crash in the middle of an erase makes the node apply the entry again: the second time changes nothing.
  FakeLog log;
  InProcessServer a(ClusterNodeOptions(&log, "a"));
  grpc::ClientContext context;
  v1::PutCandidateRequest put;
  *put.mutable_candidate() = MasonCandidate("c-1");
  v1::PutCandidateResponse response;
  ASSERT_TRUE(a.stub().PutCandidate(&context, put, &response).ok());
  cluster::LogRecord entry;
  entry.set_time_micros(absl::ToUnixMicros(absl::Now()));
  entry.mutable_erase_organisation()->set_organisation(testing::kCounsellorOrg);
  engine::Catalog& catalog = a.server().catalog();
  auto first = ApplyClusterWrite(catalog, a.server().access(), entry);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_THAT(first->counts, ElementsAre(1, 0, 1, 0));
  auto again = ApplyClusterWrite(catalog, a.server().access(), entry);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_THAT(again->counts, ElementsAre(0, 0, 0, 0));
  EXPECT_EQ(catalog.candidate_count(), 0);
}

TEST(ClusterWritesTest, BadInputAppendsNothingAndChangesNothingOnAnyNode) {
  FakeLog log;
  InProcessServer a(ClusterNodeOptions(&log, "a"));
  InProcessServer b(ClusterNodeOptions(&log, "b"));
  const std::vector<v1::FranceTravailOffer> offers = Fixture("search_response.json");
  const Imported stored = ImportOffers(a, offers, /*sync=*/false);
  ASSERT_TRUE(stored.status.ok()) << stored.status.error_message();
  ASSERT_TRUE(b.server().cluster_node()->WaitApplied(stored.sequence, kApplyWait).ok());
  const uint64_t before = log.size();
  const std::string checksum = Checksum(a);

  EXPECT_EQ(ImportOffers(a, offers, false, "Not A Source!").status.error_code(), Code::INVALID_ARGUMENT);
  // A sync that stores nothing would expire the whole source: refused before anything is appended.
  const Imported rejected = ImportOffers(b, Fixture("rejected.jsonl"), /*sync=*/true);
  EXPECT_EQ(rejected.status.error_code(), Code::FAILED_PRECONDITION) << rejected.status.error_message();
  EXPECT_EQ(Erase(a, a.admin_key(), "").status.error_code(), Code::INVALID_ARGUMENT);
  EXPECT_EQ(Erase(b, b.counsellor_key(), testing::kEmployerOrg).status.error_code(), Code::PERMISSION_DENIED);

  EXPECT_EQ(log.size(), before);
  EXPECT_EQ(Checksum(a), checksum);
  EXPECT_EQ(Checksum(b), checksum);
  EXPECT_EQ(b.server().catalog().opening_count(), 5);
}

// Two nodes that start together both find the log empty before either appends. Starting servers on two
// threads would race on gRPC's process-wide switches, so the nodes start one after the other over a log
// that reports the sequence both would have read: 0, while `stale` holds.
class StartTogetherLog : public FakeLog {
 public:
  absl::StatusOr<uint64_t> LastSequence(absl::Duration wait) override {
    if (stale_.load()) return uint64_t{0};
    return FakeLog::LastSequence(wait);
  }
  void set_stale(bool stale) { stale_.store(stale); }

 private:
  std::atomic<bool> stale_{true};
};

// Starts a node on `log` without the test harness's key handling: the bootstrap key is the cluster's.
std::unique_ptr<PasserelleServer> StartNode(FakeLog* log, const std::string& node_id, const std::string& dir) {
  ServerOptions options = ClusterNodeOptions(log, node_id);
  options.cluster_bootstrap_through_log = true;
  options.listen_address = "127.0.0.1:0";
  options.data_dir = dir;
  options.reference_data = engine::testing::SharedReferenceData();
  options.shutdown_grace_seconds = 1;
  auto server = PasserelleServer::Start(options);
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? *std::move(server) : nullptr;
}

TEST(ClusterWritesTest, TwoNodesStartingOnAnEmptyLogCreateOneAdminKey) {
  StartTogetherLog log;
  tests::TempDir dir;
  std::unique_ptr<PasserelleServer> a = StartNode(&log, "a", dir.Sub("a"));
  std::unique_ptr<PasserelleServer> b = StartNode(&log, "b", dir.Sub("b"));
  log.set_stale(false);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  int create_keys = 0;
  for (const std::string& payload : log.payloads()) {
    cluster::LogRecord record;
    ASSERT_TRUE(record.ParseFromString(payload));
    if (record.has_create_key()) ++create_keys;
  }
  EXPECT_EQ(create_keys, 1);
  const std::string secret_a = testing::ReadFirstLine(dir.Sub("a/bootstrap-admin.key"));
  const std::string secret_b = testing::ReadFirstLine(dir.Sub("b/bootstrap-admin.key"));
  EXPECT_NE(secret_a, "");  // its key is the one the log kept
  EXPECT_EQ(secret_b, "") << "only the node whose key landed writes the secret";
  const std::string secret = secret_a;
  ASSERT_TRUE(b->cluster_node()->WaitApplied(log.size(), kApplyWait).ok());
  ASSERT_TRUE(a->cluster_node()->WaitApplied(log.size(), kApplyWait).ok());
  for (PasserelleServer* node : {a.get(), b.get()}) {
    grpc::ClientContext context;
    v1::WhoAmIResponse who;
    const grpc::Status status =
        v1::Access::NewStub(testing::KeyedChannel("127.0.0.1:" + std::to_string(node->port()), {{"", secret}}))
            ->WhoAmI(&context, v1::WhoAmIRequest(), &who);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(who.organisation(), "operator");
  }
  // A node joining later finds the log in use: no key, no file.
  std::unique_ptr<PasserelleServer> c = StartNode(&log, "c", dir.Sub("c"));
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(testing::ReadFirstLine(dir.Sub("c/bootstrap-admin.key")), "");
  EXPECT_EQ(log.size(), 1u);
}

}  // namespace
}  // namespace passerelle::server::cluster_writes_test
