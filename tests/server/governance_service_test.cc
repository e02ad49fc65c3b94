// passerelle.v1.Governance and the audit trail of passerelle.v1.Matching, through a loopback server whose
// callers carry claims. The real authentication step (API keys, TLS) is not on this branch: a test-only
// AuthMetadataProcessor on local credentials sets the claims.h properties from x-test-* metadata. The
// properties it adds stay on the connection's auth context (gRPC 1.51), so every call gets a connection
// of its own.
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/support/channel_arguments.h"
#include "grpcpp/security/auth_metadata_processor.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "passerelle/v1/governance.grpc.pb.h"
#include "server/auth/claims.h"
#include "server/governance_service.h"
#include "server/matching_service.h"
#include "tests/server/test_util.h"

namespace passerelle::server {
namespace {

using ::passerelle::engine::testing::SharedReferenceData;
using testing::MasonCandidate;
using testing::MasonOpening;
using testing::TempDir;

// Test only: trusts x-test-organisation / x-test-role / x-test-key as if a key had been checked.
class TestClaimsProcessor : public grpc::AuthMetadataProcessor {
 public:
  bool IsBlocking() const override { return false; }
  grpc::Status Process(const InputMetadata& metadata, grpc::AuthContext* context, OutputMetadata*,
                       OutputMetadata*) override {
    const std::pair<const char*, const char*> names[] = {{"x-test-organisation", kOrganisationProperty},
                                                         {"x-test-role", kRoleProperty},
                                                         {"x-test-key", kKeyIdProperty}};
    for (const auto& [header, property] : names) {
      auto it = metadata.find(header);
      if (it != metadata.end()) context->AddProperty(property, std::string(it->second.data(), it->second.size()));
    }
    return grpc::Status::OK;
  }
};

// An opening the Mason candidate matches (its French gap is closed by the training).
v1::Opening Job(const std::string& id) {
  v1::Opening o = MasonOpening(id);
  o.set_french_training_hours(400);
  return o;
}

struct Caller {
  std::string organisation, role, key, acting_person;
};

class GovernanceTest : public ::testing::Test {
 protected:
  GovernanceTest() {
    catalog_ = *engine::Catalog::Open(dir_.Sub("data"), SharedReferenceData(), {});
    matching_ = std::make_unique<MatchingService>(catalog_.get(), ServiceLimits{});
    governance_ = std::make_unique<GovernanceService>(catalog_.get(), engine::RetentionOptions{});
    std::shared_ptr<grpc::ServerCredentials> credentials =
        grpc::experimental::LocalServerCredentials(LOCAL_TCP);
    credentials->SetAuthMetadataProcessor(std::make_shared<TestClaimsProcessor>());
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", credentials, &port);
    builder.RegisterService(matching_.get());
    builder.RegisterService(governance_.get());
    server_ = builder.BuildAndStart();
    target_ = absl::StrCat("127.0.0.1:", port);
  }

  std::shared_ptr<grpc::Channel> NewConnection() {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    return grpc::CreateCustomChannel(target_, grpc::experimental::LocalCredentials(LOCAL_TCP), args);
  }
  v1::Matching::Stub& M() {
    matching_stubs_.push_back(v1::Matching::NewStub(NewConnection()));
    return *matching_stubs_.back();
  }
  v1::Governance::Stub& G() {
    governance_stubs_.push_back(v1::Governance::NewStub(NewConnection()));
    return *governance_stubs_.back();
  }
  ~GovernanceTest() override {
    server_->Shutdown();
    server_.reset();
  }

  std::unique_ptr<grpc::ClientContext> As(const Caller& caller) {
    auto context = std::make_unique<grpc::ClientContext>();
    if (!caller.organisation.empty()) context->AddMetadata("x-test-organisation", caller.organisation);
    if (!caller.role.empty()) context->AddMetadata("x-test-role", caller.role);
    if (!caller.key.empty()) context->AddMetadata("x-test-key", caller.key);
    if (!caller.acting_person.empty()) context->AddMetadata(kActingPersonMetadata, caller.acting_person);
    return context;
  }

  std::vector<v1::AuditEntry> Audit(const Caller& caller, v1::ListAuditEntriesRequest request = {}) {
    v1::ListAuditEntriesResponse response;
    const grpc::Status status = G().ListAuditEntries(As(caller).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.entries().begin(), response.entries().end()};
  }

  TempDir dir_;
  std::unique_ptr<engine::Catalog> catalog_;
  std::unique_ptr<MatchingService> matching_;
  std::unique_ptr<GovernanceService> governance_;
  std::unique_ptr<grpc::Server> server_;
  std::string target_;
  std::vector<std::unique_ptr<v1::Matching::Stub>> matching_stubs_;
  std::vector<std::unique_ptr<v1::Governance::Stub>> governance_stubs_;
  const Caller platform_{"platform-a", "counsellor", "key-a1", "counsellor-42"};
  const Caller other_{"platform-b", "counsellor", "key-b1", ""};
  const Caller admin_{"operator", "admin", "key-admin", ""};
};

TEST_F(GovernanceTest, EveryCandidateReturningRpcIsInTheAuditLog) {
  v1::PutCandidateRequest put;
  *put.mutable_candidate() = MasonCandidate("c-7");
  v1::PutCandidateResponse put_response;
  const grpc::Status put_status = M().PutCandidate(As(platform_).get(), put, &put_response);
  ASSERT_TRUE(put_status.ok()) << put_status.error_code() << " " << put_status.error_message();
  v1::PutOpeningRequest put_opening;
  *put_opening.mutable_opening() = Job("o-1");
  v1::PutOpeningResponse put_opening_response;
  ASSERT_TRUE(M().PutOpening(As(platform_).get(), put_opening, &put_opening_response).ok());

  v1::GetCandidateRequest get;
  get.set_candidate_id("c-7");
  v1::GetCandidateResponse got;
  ASSERT_TRUE(M().GetCandidate(As(platform_).get(), get, &got).ok());
  EXPECT_EQ(got.candidate().owner_id(), "platform-a");
  v1::MatchOpeningsRequest match_openings;
  match_openings.set_candidate_id("c-7");
  match_openings.set_k(5);
  v1::MatchOpeningsResponse openings;
  ASSERT_TRUE(M().MatchOpenings(As(platform_).get(), match_openings, &openings).ok());
  v1::MatchCandidatesRequest match_candidates;
  match_candidates.set_opening_id("o-1");
  match_candidates.set_k(5);
  v1::MatchCandidatesResponse candidates;
  ASSERT_TRUE(M().MatchCandidates(As(platform_).get(), match_candidates, &candidates).ok());
  ASSERT_EQ(candidates.matches_size(), 1);
  EXPECT_EQ(candidates.matches(0).id(), "c-7");  // the caller's id, not the qualified one
  v1::ExplainRequest explain;
  explain.set_candidate_id("c-7");
  explain.set_opening_id("o-1");
  v1::ExplainResponse explained;
  ASSERT_TRUE(M().Explain(As(platform_).get(), explain, &explained).ok());
  {
    auto context = As(platform_);
    auto reader = M().Rerank(context.get(), v1::RerankRequest());
    v1::RerankResponse message;
    std::vector<std::string> ranked;
    while (reader->Read(&message)) {
      if (message.has_ranking()) ranked.push_back(message.ranking().candidate_id());
    }
    ASSERT_TRUE(reader->Finish().ok());
    EXPECT_EQ(ranked, std::vector<std::string>{"c-7"});
  }
  v1::AssignResponse assigned;
  ASSERT_TRUE(M().Assign(As(platform_).get(), v1::AssignRequest(), &assigned).ok());

  // Another organisation cannot read the record: NOT_FOUND, and nothing is logged for it.
  v1::GetCandidateResponse not_theirs;
  EXPECT_EQ(M().GetCandidate(As(other_).get(), get, &not_theirs).error_code(),
            grpc::StatusCode::NOT_FOUND);

  const std::vector<v1::AuditEntry> entries = Audit(admin_);
  std::vector<std::string> rpcs;
  for (const v1::AuditEntry& e : entries) {
    rpcs.push_back(e.rpc());
    EXPECT_EQ(e.organisation(), "platform-a");
    EXPECT_EQ(e.key_id(), "key-a1");
    EXPECT_EQ(e.acting_person(), "counsellor-42");
    ASSERT_EQ(e.candidates_size(), 1) << e.rpc();
    EXPECT_EQ(e.candidates(0).organisation(), "platform-a");
    EXPECT_EQ(e.candidates(0).id(), "c-7");
  }
  EXPECT_EQ(rpcs, (std::vector<std::string>{"GetCandidate", "MatchOpenings", "MatchCandidates", "Explain", "Rerank",
                                            "Assign"}));
  // The owner sees the entries about its candidate; another organisation sees none.
  EXPECT_EQ(Audit(platform_).size(), entries.size());
  EXPECT_TRUE(Audit(other_).empty());
  v1::ListAuditEntriesRequest foreign;
  foreign.set_candidate_organisation("platform-a");
  v1::ListAuditEntriesResponse refused;
  EXPECT_EQ(G().ListAuditEntries(As(other_).get(), foreign, &refused).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // Deleting the candidate erases it from the log too: the entries remain, the id does not.
  v1::DeleteCandidateRequest del;
  del.set_candidate_id("c-7");
  v1::DeleteCandidateResponse deleted;
  ASSERT_TRUE(M().DeleteCandidate(As(platform_).get(), del, &deleted).ok());
  for (const v1::AuditEntry& e : Audit(admin_)) {
    EXPECT_TRUE(e.candidates(0).erased());
    EXPECT_EQ(e.candidates(0).id(), "");
  }
}

TEST_F(GovernanceTest, ExpiringRecordsAndOffboardingAreScopedByRole) {
  v1::PutCandidateRequest put;
  *put.mutable_candidate() = MasonCandidate("c-1");
  v1::PutCandidateResponse put_response;
  const grpc::Status put_status = M().PutCandidate(As(platform_).get(), put, &put_response);
  ASSERT_TRUE(put_status.ok()) << put_status.error_code() << " " << put_status.error_message();
  v1::PutOpeningRequest put_opening;
  *put_opening.mutable_opening() = Job("o-1");
  put_opening.mutable_opening()->set_expires_on("2000-01-01");
  v1::PutOpeningResponse put_opening_response;
  ASSERT_TRUE(M().PutOpening(As(platform_).get(), put_opening, &put_opening_response).ok());

  v1::ListExpiringRecordsRequest expiring;
  expiring.set_within_days(3650);
  v1::ListExpiringRecordsResponse listed;
  ASSERT_TRUE(G().ListExpiringRecords(As(platform_).get(), expiring, &listed).ok());
  ASSERT_EQ(listed.records_size(), 2);
  EXPECT_EQ(listed.records(0).kind(), "opening");
  EXPECT_EQ(listed.records(0).erased_on(), "2000-01-02");
  EXPECT_EQ(listed.records(1).kind(), "candidate");
  EXPECT_EQ(listed.records(1).id(), "c-1");
  ASSERT_TRUE(G().ListExpiringRecords(As(other_).get(), expiring, &listed).ok());
  EXPECT_EQ(listed.records_size(), 0);

  v1::EraseOrganisationRequest erase;
  erase.set_organisation("platform-a");
  v1::EraseOrganisationResponse report;
  EXPECT_EQ(G().EraseOrganisation(As(platform_).get(), erase, &report).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(G().EraseOrganisation(As({}).get(), erase, &report).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  ASSERT_TRUE(G().EraseOrganisation(As(admin_).get(), erase, &report).ok());
  EXPECT_EQ(report.candidates_erased(), 1);
  EXPECT_EQ(report.openings_erased(), 1);
  v1::GetCandidateRequest get;
  get.set_candidate_id("c-1");
  v1::GetCandidateResponse got;
  EXPECT_EQ(M().GetCandidate(As(platform_).get(), get, &got).error_code(), grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace passerelle::server
