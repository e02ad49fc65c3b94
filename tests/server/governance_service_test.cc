// passerelle.v1.Governance and the audit trail of passerelle.v1.Matching, through an in-process server
// on loopback whose callers hold real API keys (one per organisation and role, created as an admin would).
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "passerelle/v1/governance.grpc.pb.h"
#include "server/auth/claims.h"
#include "tests/server/test_util.h"

namespace passerelle::server {
namespace {

using testing::InProcessServer;
using testing::MasonCandidate;
using testing::MasonOpening;

// An opening the Mason candidate matches (its French gap is closed by the training).
v1::Opening Job(const std::string& id) {
  v1::Opening o = MasonOpening(id);
  o.set_french_training_hours(400);
  o.clear_owner_id();  // the owner comes from the key
  return o;
}

struct Caller {
  std::string organisation;  // "" = no credentials
  Role role = Role::kReader;
  std::string acting_person;
};

class GovernanceTest : public ::testing::Test {
 protected:
  v1::Matching::Stub& M() { return *matching_; }
  v1::Governance::Stub& G() { return *governance_; }

  // The key of `caller`'s organisation and role, created on first use.
  const std::pair<std::string, std::string>& KeyOf(const Caller& caller) {
    auto key = std::make_pair(caller.organisation, static_cast<int>(caller.role));
    auto it = keys_.find(key);
    if (it == keys_.end()) {
      auto created = server_.server().access().CreateKey(caller.organisation, caller.role, absl::ZeroDuration(), "test");
      EXPECT_TRUE(created.ok()) << created.status();
      it = keys_.emplace(key, std::make_pair(created->first.id, created->second)).first;
    }
    return it->second;  // (key id, secret)
  }

  std::unique_ptr<grpc::ClientContext> As(const Caller& caller) {
    auto context = std::make_unique<grpc::ClientContext>();
    if (!caller.organisation.empty()) context->AddMetadata("authorization", "Bearer " + KeyOf(caller).second);
    if (!caller.acting_person.empty()) context->AddMetadata(kActingPersonMetadata, caller.acting_person);
    return context;
  }

  std::vector<v1::AuditEntry> Audit(const Caller& caller, v1::ListAuditEntriesRequest request = {}) {
    v1::ListAuditEntriesResponse response;
    const grpc::Status status = G().ListAuditEntries(As(caller).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.entries().begin(), response.entries().end()};
  }

  InProcessServer server_;
  std::shared_ptr<grpc::Channel> channel_ =
      grpc::CreateChannel(server_.address(), grpc::experimental::LocalCredentials(LOCAL_TCP));
  std::unique_ptr<v1::Matching::Stub> matching_ = v1::Matching::NewStub(channel_);
  std::unique_ptr<v1::Governance::Stub> governance_ = v1::Governance::NewStub(channel_);
  std::map<std::pair<std::string, int>, std::pair<std::string, std::string>> keys_;
  const Caller platform_{"platform-a", Role::kCounsellor, "counsellor-42"};
  const Caller other_{"platform-b", Role::kCounsellor, ""};
  const Caller employer_{"employer-a", Role::kEmployer, ""};
  const Caller admin_{"operator", Role::kAdmin, ""};
};

TEST_F(GovernanceTest, EveryCandidateReturningRpcIsInTheAuditLog) {
  v1::PutCandidateRequest put;
  *put.mutable_candidate() = MasonCandidate("c-7");
  put.mutable_candidate()->clear_owner_id();  // the owner comes from the key
  v1::PutCandidateResponse put_response;
  const grpc::Status put_status = M().PutCandidate(As(platform_).get(), put, &put_response);
  ASSERT_TRUE(put_status.ok()) << put_status.error_code() << " " << put_status.error_message();
  v1::PutOpeningRequest put_opening;
  *put_opening.mutable_opening() = Job("o-1");
  v1::PutOpeningResponse put_opening_response;
  ASSERT_TRUE(M().PutOpening(As(employer_).get(), put_opening, &put_opening_response).ok());

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
  EXPECT_EQ(candidates.matches(0).owner_id(), "platform-a");
  ASSERT_GE(openings.matches_size(), 1);
  EXPECT_EQ(openings.matches(0).id(), "o-1");
  EXPECT_EQ(openings.matches(0).owner_id(), "employer-a");
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
    EXPECT_EQ(e.key_id(), KeyOf(platform_).first);
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
  put.mutable_candidate()->clear_owner_id();
  v1::PutCandidateResponse put_response;
  const grpc::Status put_status = M().PutCandidate(As(platform_).get(), put, &put_response);
  ASSERT_TRUE(put_status.ok()) << put_status.error_code() << " " << put_status.error_message();
  v1::PutOpeningRequest put_opening;
  *put_opening.mutable_opening() = Job("o-1");
  put_opening.mutable_opening()->set_expires_on("2000-01-01");
  v1::PutOpeningResponse put_opening_response;
  ASSERT_TRUE(M().PutOpening(As(employer_).get(), put_opening, &put_opening_response).ok());

  v1::ListExpiringRecordsRequest expiring;
  expiring.set_within_days(3650);
  v1::ListExpiringRecordsResponse listed;
  ASSERT_TRUE(G().ListExpiringRecords(As(platform_).get(), expiring, &listed).ok());
  ASSERT_EQ(listed.records_size(), 1);
  EXPECT_EQ(listed.records(0).kind(), "candidate");
  EXPECT_EQ(listed.records(0).id(), "c-1");
  ASSERT_TRUE(G().ListExpiringRecords(As(employer_).get(), expiring, &listed).ok());
  ASSERT_EQ(listed.records_size(), 1);
  EXPECT_EQ(listed.records(0).kind(), "opening");
  EXPECT_EQ(listed.records(0).erased_on(), "2000-01-02");
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
  EXPECT_EQ(report.openings_erased(), 0);  // the opening is employer-a's
  EXPECT_EQ(report.keys_revoked(), 1);       // platform-a's counsellor key
  // The organisation's key no longer works.
  v1::GetCandidateRequest get;
  get.set_candidate_id("c-1");
  v1::GetCandidateResponse got;
  EXPECT_EQ(M().GetCandidate(As(platform_).get(), get, &got).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(absl::IsNotFound(server_.server().catalog().GetCandidate("platform-a", "c-1").status()));
}

}  // namespace
}  // namespace passerelle::server
