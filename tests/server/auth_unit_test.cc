// The pieces of server/auth/ on their own, with a fake clock: key expiry, the token bucket and the
// per-organisation slots for calls and batch calls.
#include "gtest/gtest.h"
#include "server/auth/access_registry.h"
#include "server/auth/tenant_limits.h"
#include "tests/server/test_util.h"

namespace passerelle::server {
namespace {

using ::passerelle::server::testing::TempDir;

TEST(AccessRegistryTest, AnExpiredKeyIsRefusedAndOrganisationIdsAreChecked) {
  TempDir dir;
  auto store = engine::Store::Open(dir.Sub("data"), {});
  ASSERT_TRUE(store.ok()) << store.status();
  absl::Time now = absl::FromUnixSeconds(1'800'000'000);
  auto registry = AccessRegistry::Load(store->get(), [&] { return now; });
  ASSERT_TRUE(registry.ok());
  auto key = (*registry)->CreateKey("ft-bobigny", Role::kReader, absl::Hours(1), "");
  ASSERT_TRUE(key.ok());
  auto claims = (*registry)->Authenticate(key->second);
  ASSERT_TRUE(claims.ok());
  EXPECT_EQ(claims->organisation, "ft-bobigny");
  EXPECT_EQ(claims->role, Role::kReader);
  EXPECT_EQ(claims->key_id, key->first.id);
  now += absl::Hours(1);
  EXPECT_EQ((*registry)->Authenticate(key->second).status().message(), "API key expired");
  for (const char* bad : {"", "Ft", "a:b", "a/b", "-a", "a b"}) {
    EXPECT_EQ((*registry)->CreateKey(bad, Role::kReader, absl::ZeroDuration(), "").status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
  // Reloaded from the store: the same keys, still checked.
  registry->reset();
  auto reloaded = AccessRegistry::Load(store->get(), [&] { return now - absl::Minutes(1); });
  ASSERT_TRUE(reloaded.ok());
  EXPECT_TRUE((*reloaded)->Authenticate(key->second).ok());
}

TEST(TenantLimitsTest, TheBucketRefillsAtTheRateAndOrganisationsAreSeparate) {
  absl::Time now = absl::FromUnixSeconds(1'800'000'000);
  TenantLimitOptions options;
  options.requests_per_second = 2;
  options.burst_requests = 2;
  options.max_concurrent_calls = 0;
  TenantLimits limits(options, [&] { return now; });
  EXPECT_TRUE(limits.Enter("a").ok());
  EXPECT_TRUE(limits.Enter("a").ok());
  EXPECT_EQ(limits.Enter("a").code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(limits.Enter("b").ok());
  now += absl::Milliseconds(500);  // one token back
  EXPECT_TRUE(limits.Enter("a").ok());
  EXPECT_EQ(limits.Enter("a").code(), absl::StatusCode::kResourceExhausted);
}

TEST(TenantLimitsTest, ConcurrentAndBatchSlotsArePerOrganisationAndComeBack) {
  TenantLimitOptions options;
  options.requests_per_second = 0;
  options.max_concurrent_calls = 2;
  options.max_batch_calls_per_organisation = 1;
  TenantLimits limits(options);
  ASSERT_TRUE(limits.Enter("a").ok());
  ASSERT_TRUE(limits.Enter("a").ok());
  EXPECT_EQ(limits.Enter("a").code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(limits.Enter("b").ok());
  limits.Leave("a");
  EXPECT_TRUE(limits.Enter("a").ok());

  ASSERT_TRUE(limits.EnterBatch("a").ok());
  EXPECT_EQ(limits.EnterBatch("a").code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(limits.EnterBatch("b").ok());
  limits.LeaveBatch("a");
  EXPECT_TRUE(limits.EnterBatch("a").ok());
}

}  // namespace
}  // namespace passerelle::server
