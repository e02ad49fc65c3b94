// API keys and per-organisation limits through an in-process server: revocation at once and across
// restarts, forged secrets, no secret listed or stored, the bootstrap key file's mode, and the rate limit.
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "absl/strings/match.h"
#include "server/auth/authorizer.h"
#include "tests/server/access_fixture.h"

namespace passerelle::server::testing {
namespace {

// --- Keys ---

TEST_F(AccessRpcTest, ARevokedKeyStopsWorkingAtOnce) {
  auto admin = server_.AccessStub(server_.admin_key());
  grpc::ClientContext create_context;
  v1::CreateKeyRequest create;
  create.set_organisation(kCounsellorOrg);
  create.set_role("counsellor");
  v1::CreateKeyResponse created;
  ASSERT_TRUE(admin->CreateKey(&create_context, create, &created).ok());
  EXPECT_TRUE(absl::StartsWith(created.secret(), "psk_" + created.key().id() + "_"));
  auto stub = server_.StubWithKey(created.secret());
  ASSERT_TRUE(GetCandidate(*stub, "cand-mason").ok());

  grpc::ClientContext revoke_context;
  v1::RevokeKeyRequest revoke;
  revoke.set_key_id(created.key().id());
  v1::RevokeKeyResponse revoked;
  ASSERT_TRUE(admin->RevokeKey(&revoke_context, revoke, &revoked).ok());
  EXPECT_FALSE(revoked.key().revoked_at().empty());
  // Same stub, same connection: the next call fails.
  const grpc::Status status = GetCandidate(*stub, "cand-mason");
  EXPECT_EQ(status.error_code(), Code::UNAUTHENTICATED);
  EXPECT_EQ(status.error_message(), "API key revoked");
  // The other keys of the organisation still work, and the revocation survives a restart.
  EXPECT_TRUE(GetCandidate(server_.stub(), "cand-mason").ok());
  server_.Restart();
  EXPECT_EQ(GetCandidate(*server_.StubWithKey(created.secret()), "cand-mason").error_code(), Code::UNAUTHENTICATED);
  EXPECT_TRUE(GetCandidate(server_.stub(), "cand-mason").ok()) << "keys must survive a restart";
}

TEST_F(AccessRpcTest, AWrongSecretOfAKnownKeyIsRefused) {
  std::string forged = server_.counsellor_key();
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  const grpc::Status status = GetCandidate(*server_.StubWithKey(forged), "cand-mason");
  EXPECT_EQ(status.error_code(), Code::UNAUTHENTICATED);
  EXPECT_EQ(status.error_message(), "invalid API key");
}

TEST_F(AccessRpcTest, ListKeysNeverShowsSecretsAndTheStoreHoldsNone) {
  auto admin = server_.AccessStub(server_.admin_key());
  grpc::ClientContext context;
  v1::ListKeysResponse keys;
  ASSERT_TRUE(admin->ListKeys(&context, v1::ListKeysRequest(), &keys).ok());
  ASSERT_EQ(keys.keys_size(), 3);  // bootstrap admin, counsellor, employer
  const std::string secret = server_.counsellor_key();
  // The secret is everything after "psk_<id>_"; being base64url it may itself hold "_".
  EXPECT_EQ(keys.DebugString().find(secret.substr(secret.find('_', 4) + 1)), std::string::npos);
  auto stored = server_.server().catalog().store().ScanSpace("access", "");
  ASSERT_TRUE(stored.ok());
  ASSERT_FALSE(stored->empty());
  for (const auto& [key, value] : *stored) {
    EXPECT_EQ(value.find(secret.substr(secret.find('_', 4) + 1)), std::string::npos) << key;
  }
}

TEST_F(AccessRpcTest, WhoAmIAnswersTheCallersOwnOrganisationRoleAndRpcs) {
  struct Expected {
    std::string key;
    std::string organisation;
    std::string role;
  };
  const std::string batch_key = server_.NewKey(kOtherOrg, Role::kBatch);
  for (const Expected& e : {Expected{server_.counsellor_key(), kCounsellorOrg, "counsellor"},
                            Expected{server_.employer_key(), kEmployerOrg, "employer"},
                            Expected{batch_key, kOtherOrg, "batch"}}) {
    grpc::ClientContext context;
    v1::WhoAmIResponse me;
    ASSERT_TRUE(server_.AccessStub(e.key)->WhoAmI(&context, v1::WhoAmIRequest(), &me).ok()) << e.role;
    EXPECT_EQ(me.organisation(), e.organisation);
    EXPECT_EQ(me.role(), e.role);
    EXPECT_EQ(me.key_id(), e.key.substr(4, e.key.find('_', 4) - 4));
    EXPECT_EQ(me.DebugString().find(e.key.substr(e.key.find('_', 4) + 1)), std::string::npos) << "secret echoed";
    // The list is the rules table's: every method listed is allowed, and a few known ones are not.
    const Claims claims{e.organisation, *ParseRole(e.role), me.key_id(), ""};
    const Authorizer authorizer(nullptr);
    for (const std::string& method : me.allowed_methods()) {
      EXPECT_TRUE(authorizer.AuthorizeMethod(claims, method).ok()) << e.role << " " << method;
    }
    const auto lists = [&](absl::string_view method) {
      return std::find(me.allowed_methods().begin(), me.allowed_methods().end(), method) != me.allowed_methods().end();
    };
    EXPECT_TRUE(lists("WhoAmI"));
    EXPECT_EQ(lists("PutCandidate"), e.role == "counsellor");
    EXPECT_EQ(lists("PutOpening"), e.role == "employer");
    EXPECT_EQ(lists("Assign"), e.role != "employer");
    EXPECT_FALSE(lists("CreateKey"));
  }
  grpc::ClientContext anonymous;
  v1::WhoAmIResponse nobody;
  EXPECT_EQ(server_.AccessStub("")->WhoAmI(&anonymous, v1::WhoAmIRequest(), &nobody).error_code(),
            Code::UNAUTHENTICATED);
}

TEST_F(AccessRpcTest, TheBootstrapKeyFileIsReadableByItsOwnerOnly) {
  struct stat info;
  ASSERT_EQ(stat(BootstrapKeyFile(server_.options()).c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
}

TEST_F(AccessRpcTest, OneConnectionCarriesSeveralKeysWithoutMixingThem) {
  // gRPC shares one AuthContext between the calls of a connection: the claims must still be each call's.
  auto channel = grpc::CreateChannel(server_.address(), grpc::InsecureChannelCredentials());
  auto stub = v1::Matching::NewStub(channel);
  const std::string mine = server_.counsellor_key();
  const std::string theirs = server_.NewKey(kOtherOrg, Role::kCounsellor);
  auto get = [&](const std::string& key) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + key);
    v1::GetCandidateRequest request;
    request.set_candidate_id("cand-mason");
    v1::GetCandidateResponse response;
    return stub->GetCandidate(&context, request, &response).error_code();
  };
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) {
        const bool own = (t + i) % 2 == 0;
        wrong += get(own ? mine : theirs) != (own ? Code::OK : Code::NOT_FOUND);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(wrong, 0);
  grpc::ClientContext context;  // and a call without a key on that connection has no claims
  v1::GetCandidateRequest request;
  request.set_candidate_id("cand-mason");
  v1::GetCandidateResponse response;
  EXPECT_EQ(stub->GetCandidate(&context, request, &response).error_code(), Code::UNAUTHENTICATED);
}

// --- Per-organisation limits ---

ServerOptions WithBurst(double burst) {
  ServerOptions options;
  options.tenant_limits.requests_per_second = 1e-9;  // no refill during the test
  options.tenant_limits.burst_requests = burst;
  return options;
}

class RateLimitTest : public AccessRpcTest {
 protected:
  RateLimitTest() : AccessRpcTest(WithBurst(8)) {}
};

TEST_F(RateLimitTest, AnOrganisationOverItsRateGetsResourceExhaustedAndOthersDoNot) {
  // The fixture's candidate put used one of the counsellor organisation's eight calls (its opening put
  // was the employer organisation's).
  int ok = 0;
  grpc::Status last;
  for (int i = 0; i < 10; ++i) {
    last = GetCandidate(server_.stub(), "cand-mason");
    ok += last.ok();
  }
  EXPECT_EQ(ok, 7);
  EXPECT_EQ(last.error_code(), Code::RESOURCE_EXHAUSTED);
  auto other = As(kOtherOrg, Role::kCounsellor);
  EXPECT_EQ(GetCandidate(*other, "cand-mason").error_code(), Code::NOT_FOUND);  // served, not throttled
}

}  // namespace
}  // namespace passerelle::server::testing
