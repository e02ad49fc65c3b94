// Keys and sharing agreements in cluster mode (server/cluster_access.h), two in-process servers over one
// in-memory log: a key created on one node authenticates on the other with the same secret, which no log
// entry carries; a revoked key is refused on both; an agreement put on one node lets its reader read on
// the other; invalid input appends nothing; the registry's writes store the entry's sequence.
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "engine/store/records_checksum.h"
#include "engine/store/store.h"
#include "gtest/gtest.h"
#include "passerelle/cluster_log.pb.h"
#include "passerelle/v1/governance.grpc.pb.h"
#include "server/cluster_access.h"
#include "tests/cluster/cluster_node_options.h"
#include "tests/cluster/fake_log.h"
#include "tests/server/test_util.h"

namespace passerelle::server::access_cluster_test {
namespace {

using ::passerelle::cluster::testing::FakeLog;
using ::passerelle::server::testing::ClusterNodeOptions;
using ::passerelle::server::testing::InProcessServer;
using ::passerelle::server::testing::MasonCandidate;
using ::passerelle::server::testing::SequenceOf;
using Code = ::grpc::StatusCode;

constexpr absl::Duration kApplyWait = absl::Seconds(20);

// Waits until `server` applied `sequence` (not a timing assertion: the wait is generous).
void AwaitApplied(InProcessServer& server, uint64_t sequence) {
  ASSERT_TRUE(server.server().cluster_node()->WaitApplied(sequence, kApplyWait).ok());
}

struct Created {
  grpc::Status status;
  v1::CreateKeyResponse response;
  uint64_t sequence = 0;
};

Created CreateKey(InProcessServer& server, const std::string& organisation, const std::string& role) {
  grpc::ClientContext context;
  v1::CreateKeyRequest request;
  request.set_organisation(organisation);
  request.set_role(role);
  request.set_ttl_seconds(3600);
  request.set_description("cluster test");
  Created created;
  created.status = server.AccessStub(server.admin_key())->CreateKey(&context, request, &created.response);
  created.sequence = SequenceOf(context);
  return created;
}

grpc::Status WhoAmI(InProcessServer& server, const std::string& secret, v1::WhoAmIResponse* response) {
  grpc::ClientContext context;
  return server.AccessStub(secret)->WhoAmI(&context, v1::WhoAmIRequest(), response);
}

TEST(ClusterAccessTest, AKeyCreatedOnOneNodeAuthenticatesOnTheOtherAndNoEntryCarriesItsSecret) {
  FakeLog log;
  InProcessServer a(ClusterNodeOptions(&log, "a"));
  InProcessServer b(ClusterNodeOptions(&log, "b"));
  const Created created = CreateKey(a, "ft-93", "counsellor");
  ASSERT_TRUE(created.status.ok()) << created.status.error_message();
  ASSERT_EQ(created.sequence, log.size());
  const std::string& secret = created.response.secret();
  ASSERT_FALSE(secret.empty());
  AwaitApplied(b, created.sequence);

  v1::WhoAmIResponse who;
  const grpc::Status on_b = WhoAmI(b, secret, &who);
  ASSERT_TRUE(on_b.ok()) << on_b.error_message();
  EXPECT_EQ(who.organisation(), "ft-93");
  EXPECT_EQ(who.role(), "counsellor");
  EXPECT_EQ(who.key_id(), created.response.key().id());
  EXPECT_TRUE(WhoAmI(a, secret, &who).ok());

  // The same stored key on both nodes: id, salt, hash, dates.
  std::optional<KeyRecord> on_a_key = a.server().access().FindKey(created.response.key().id());
  std::optional<KeyRecord> on_b_key = b.server().access().FindKey(created.response.key().id());
  ASSERT_TRUE(on_a_key && on_b_key);
  EXPECT_EQ(on_a_key->salt, on_b_key->salt);
  EXPECT_EQ(on_a_key->hash, on_b_key->hash);
  EXPECT_EQ(on_a_key->created_at, on_b_key->created_at);
  EXPECT_EQ(on_a_key->expires_at, on_a_key->created_at + absl::Hours(1));
  EXPECT_EQ(on_a_key->expires_at, on_b_key->expires_at);
  EXPECT_EQ(created.response.key().created_at(),
            absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", on_b_key->created_at, absl::UTCTimeZone()));

  // The secret, or its random part, appears in no entry.
  const std::string random_part = secret.substr(secret.rfind('_') + 1);
  for (const std::string& payload : log.payloads()) {
    EXPECT_FALSE(absl::StrContains(payload, random_part));
  }
  cluster::LogRecord entry;
  ASSERT_TRUE(entry.ParseFromString(log.payloads().back()));
  EXPECT_EQ(entry.create_key().id(), created.response.key().id());
  EXPECT_EQ(entry.create_key().salt(), on_a_key->salt);
}

TEST(ClusterAccessTest, AKeyRevokedOnOneNodeIsRefusedOnBoth) {
  FakeLog log;
  InProcessServer a(ClusterNodeOptions(&log, "a"));
  InProcessServer b(ClusterNodeOptions(&log, "b"));
  const Created created = CreateKey(a, "ft-93", "reader");
  ASSERT_TRUE(created.status.ok()) << created.status.error_message();
  AwaitApplied(b, created.sequence);
  v1::WhoAmIResponse who;
  ASSERT_TRUE(WhoAmI(b, created.response.secret(), &who).ok());

  grpc::ClientContext context;
  v1::RevokeKeyRequest revoke;
  revoke.set_key_id(created.response.key().id());
  v1::RevokeKeyResponse revoked;
  const grpc::Status status = b.AccessStub(b.admin_key())->RevokeKey(&context, revoke, &revoked);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(revoked.key().revoked_at().empty());
  const uint64_t sequence = SequenceOf(context);
  ASSERT_GT(sequence, created.sequence);
  AwaitApplied(a, sequence);
  for (InProcessServer* node : {&a, &b}) {
    const grpc::Status refused = WhoAmI(*node, created.response.secret(), &who);
    EXPECT_EQ(refused.error_code(), Code::UNAUTHENTICATED);
    EXPECT_EQ(refused.error_message(), "API key revoked");
  }
  EXPECT_EQ(a.server().access().FindKey(revoke.key_id())->revoked_at,
            b.server().access().FindKey(revoke.key_id())->revoked_at);

  // Revoking again keeps the first date and appends nothing.
  const uint64_t before = log.size();
  grpc::ClientContext again_context;
  v1::RevokeKeyResponse again;
  ASSERT_TRUE(a.AccessStub(a.admin_key())->RevokeKey(&again_context, revoke, &again).ok());
  EXPECT_EQ(again.key().revoked_at(), revoked.key().revoked_at());
  EXPECT_EQ(log.size(), before);
}

TEST(ClusterAccessTest, AnAgreementPutOnOneNodeLetsTheReaderReadOnTheOtherUntilDeleted) {
  FakeLog log;
  InProcessServer a(ClusterNodeOptions(&log, "a"));
  InProcessServer b(ClusterNodeOptions(&log, "b"));
  grpc::ClientContext put_context;
  v1::PutCandidateRequest put;
  *put.mutable_candidate() = MasonCandidate("c-shared");
  v1::PutCandidateResponse put_response;
  ASSERT_TRUE(a.stub().PutCandidate(&put_context, put, &put_response).ok());
  const Created reader = CreateKey(a, "reader-org", "reader");
  ASSERT_TRUE(reader.status.ok()) << reader.status.error_message();
  AwaitApplied(b, reader.sequence);
  auto reader_on_b = b.StubWithKey(reader.response.secret());
  auto get = [&](v1::GetCandidateResponse* got) {
    grpc::ClientContext context;
    v1::GetCandidateRequest request;
    request.set_candidate_id("c-shared");
    return reader_on_b->GetCandidate(&context, request, got);
  };
  v1::GetCandidateResponse got;
  ASSERT_EQ(get(&got).error_code(), Code::NOT_FOUND);

  grpc::ClientContext share_context;
  v1::PutSharingAgreementRequest share;
  share.mutable_agreement()->set_owner_organisation(testing::kCounsellorOrg);
  share.mutable_agreement()->set_reader_organisation("reader-org");
  v1::PutSharingAgreementResponse shared;
  const grpc::Status status = a.AccessStub(a.admin_key())->PutSharingAgreement(&share_context, share, &shared);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(shared.created());
  const uint64_t shared_at = SequenceOf(share_context);
  AwaitApplied(b, shared_at);
  const grpc::Status read = get(&got);
  ASSERT_TRUE(read.ok()) << read.error_message();
  EXPECT_EQ(got.candidate().id(), "c-shared");
  ASSERT_EQ(b.server().access().ListAgreements().size(), 1u);
  EXPECT_EQ(a.server().access().ListAgreements()[0].created_at, b.server().access().ListAgreements()[0].created_at);

  // Put again: not new, nothing appended.
  grpc::ClientContext again_context;
  ASSERT_TRUE(a.AccessStub(a.admin_key())->PutSharingAgreement(&again_context, share, &shared).ok());
  EXPECT_FALSE(shared.created());
  EXPECT_EQ(log.size(), shared_at);

  grpc::ClientContext end_context;
  v1::DeleteSharingAgreementRequest end;
  end.set_owner_organisation(testing::kCounsellorOrg);
  end.set_reader_organisation("reader-org");
  v1::DeleteSharingAgreementResponse ended;
  ASSERT_TRUE(b.AccessStub(b.admin_key())->DeleteSharingAgreement(&end_context, end, &ended).ok());
  AwaitApplied(a, SequenceOf(end_context));
  EXPECT_EQ(get(&got).error_code(), Code::NOT_FOUND);
  EXPECT_TRUE(a.server().access().ListAgreements().empty());
  EXPECT_EQ(engine::RecordsChecksum(a.server().catalog().store()).value(),
            engine::RecordsChecksum(b.server().catalog().store()).value());
}

TEST(ClusterAccessTest, AccessAndGovernanceHonourTheMinSequence) {
  FakeLog log;
  ServerOptions fast = ClusterNodeOptions(&log, "a");
  fast.min_sequence_wait_ms = 50;
  InProcessServer a(fast);
  ServerOptions patient = ClusterNodeOptions(&log, "b");
  patient.min_sequence_wait_ms = 20000;
  InProcessServer b(patient);
  const Created created = CreateKey(a, "ft-93", "counsellor");
  ASSERT_TRUE(created.status.ok()) << created.status.error_message();
  auto list = [](InProcessServer& server, const std::string& min_sequence, v1::ListKeysResponse* keys) {
    grpc::ClientContext context;
    context.AddMetadata("x-passerelle-min-sequence", min_sequence);
    v1::ListKeysRequest request;
    request.set_organisation("ft-93");
    return server.AccessStub(server.admin_key())->ListKeys(&context, request, keys);
  };
  v1::ListKeysResponse keys;
  const grpc::Status on_b = list(b, std::to_string(created.sequence), &keys);
  ASSERT_TRUE(on_b.ok()) << on_b.error_message();
  ASSERT_EQ(keys.keys_size(), 1);
  EXPECT_EQ(keys.keys(0).id(), created.response.key().id());

  const grpc::Status ahead = list(a, std::to_string(created.sequence + 100), &keys);
  EXPECT_EQ(ahead.error_code(), Code::UNAVAILABLE);
  EXPECT_TRUE(absl::StrContains(ahead.error_message(), "applied the log up to sequence")) << ahead.error_message();
  EXPECT_EQ(list(a, "twelve", &keys).error_code(), Code::INVALID_ARGUMENT);

  // Governance too (a read of the caller's own records).
  auto governance = [&](const std::string& min_sequence) {
    grpc::ClientContext context;
    context.AddMetadata("x-passerelle-min-sequence", min_sequence);
    v1::ListExpiringRecordsRequest request;
    request.set_within_days(30);
    v1::ListExpiringRecordsResponse response;
    return v1::Governance::NewStub(testing::KeyedChannel(a.address(), {{"", a.counsellor_key()}}))
        ->ListExpiringRecords(&context, request, &response);
  };
  const grpc::Status governed = governance(std::to_string(created.sequence));
  EXPECT_TRUE(governed.ok()) << governed.error_message();
  EXPECT_EQ(governance(std::to_string(created.sequence + 100)).error_code(), Code::UNAVAILABLE);
}

TEST(ClusterAccessTest, InvalidInputAppendsNothing) {
  FakeLog log;
  InProcessServer a(ClusterNodeOptions(&log, "a"));
  auto admin = a.AccessStub(a.admin_key());
  EXPECT_EQ(CreateKey(a, "Not An Org", "counsellor").status.error_code(), Code::INVALID_ARGUMENT);
  EXPECT_EQ(CreateKey(a, "ft-93", "wizard").status.error_code(), Code::INVALID_ARGUMENT);
  {
    grpc::ClientContext context;
    v1::RevokeKeyRequest revoke;
    revoke.set_key_id("k0000000000000000");
    v1::RevokeKeyResponse revoked;
    const grpc::Status status = admin->RevokeKey(&context, revoke, &revoked);
    EXPECT_EQ(status.error_code(), Code::NOT_FOUND);
    EXPECT_TRUE(absl::StartsWith(status.error_message(), "key_id: ")) << status.error_message();
  }
  {
    grpc::ClientContext context;
    v1::PutSharingAgreementRequest share;
    share.mutable_agreement()->set_owner_organisation("ft-93");
    share.mutable_agreement()->set_reader_organisation("ft-93");
    v1::PutSharingAgreementResponse shared;
    EXPECT_EQ(admin->PutSharingAgreement(&context, share, &shared).error_code(), Code::INVALID_ARGUMENT);
  }
  {
    grpc::ClientContext context;
    v1::PutSharingAgreementRequest share;
    share.mutable_agreement()->set_owner_organisation("ft-93");
    share.mutable_agreement()->set_reader_organisation("bad/org");
    v1::PutSharingAgreementResponse shared;
    const grpc::Status status = admin->PutSharingAgreement(&context, share, &shared);
    EXPECT_EQ(status.error_code(), Code::INVALID_ARGUMENT);
    EXPECT_TRUE(absl::StartsWith(status.error_message(), "agreement.reader_organisation: ")) << status.error_message();
  }
  {
    grpc::ClientContext context;
    v1::DeleteSharingAgreementRequest end;
    end.set_owner_organisation("ft-93");
    end.set_reader_organisation("ft-94");
    v1::DeleteSharingAgreementResponse ended;
    EXPECT_EQ(admin->DeleteSharingAgreement(&context, end, &ended).error_code(), Code::NOT_FOUND);
  }
  EXPECT_EQ(log.size(), 0u);
}

TEST(ClusterAccessTest, AnEntryThatDoesNotApplyIsRejectedTheSameWayOnEveryNode) {
  FakeLog log;
  InProcessServer a(ClusterNodeOptions(&log, "a"));
  cluster::LogRecord record;
  record.set_organisation("admin-org");
  record.mutable_create_key()->set_id("kdeadbeef");
  record.mutable_create_key()->set_organisation("ft-93");
  record.mutable_create_key()->set_role("wizard");
  record.mutable_create_key()->set_salt("s");
  record.mutable_create_key()->set_hash("h");
  ASSERT_TRUE(log.Append(record.SerializeAsString(), "bad-role", absl::Seconds(1)).ok());
  record.clear_write();
  record.mutable_revoke_key()->set_id("kabsent");
  ASSERT_TRUE(log.Append(record.SerializeAsString(), "absent", absl::Seconds(1)).ok());
  AwaitApplied(a, 2);
  EXPECT_EQ(a.server().cluster_node()->rejected_entries(), 2);
  EXPECT_FALSE(a.server().access().FindKey("kdeadbeef").has_value());
  EXPECT_EQ(a.server().catalog().store().AppliedSequence().value(), 2u);
}

TEST(ClusterAccessTest, AKeysEntryIsAppliedOnceItsSequenceIsStoredWithIt) {
  testing::TempDir dir;
  auto store = engine::Store::Open(dir.Sub("db"), engine::StoreOptions());
  ASSERT_TRUE(store.ok()) << store.status();
  auto registry = AccessRegistry::Load(store->get());
  ASSERT_TRUE(registry.ok()) << registry.status();
  auto prepared = (*registry)->PrepareKey("ft-93", Role::kCounsellor, absl::ZeroDuration(), "");
  ASSERT_TRUE(prepared.ok()) << prepared.status();
  cluster::LogRecord record;
  record.set_time_micros(absl::ToUnixMicros(absl::FromUnixSeconds(1'700'000'000)));
  cluster::CreateKey* create = record.mutable_create_key();
  create->set_id(prepared->first.id);
  create->set_organisation("ft-93");
  create->set_role("counsellor");
  create->set_salt(prepared->first.salt);
  create->set_hash(prepared->first.hash);
  {
    engine::LogEntryScope scope(7, absl::FromUnixSeconds(1'700'000'000));
    auto outcome = ApplyAccessRecord(**registry, record);
    ASSERT_TRUE(outcome.ok()) << outcome.status();
    EXPECT_TRUE(outcome->status.ok()) << outcome->status;
    EXPECT_TRUE(scope.committed());
  }
  EXPECT_EQ((*store)->AppliedSequence().value(), 7u);
  auto claims = (*registry)->Authenticate(prepared->second);
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->organisation, "ft-93");
  EXPECT_EQ((*registry)->FindKey(prepared->first.id)->created_at, absl::FromUnixSeconds(1'700'000'000));
  EXPECT_EQ((*registry)->FindKey(prepared->first.id)->expires_at, absl::InfiniteFuture());

  // Applied again (the same id): rejected, nothing changed.
  engine::LogEntryScope scope(8, absl::FromUnixSeconds(1'700'000'001));
  auto again = ApplyAccessRecord(**registry, record);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(absl::IsAlreadyExists(again->status));
}

}  // namespace
}  // namespace passerelle::server::access_cluster_test
