// The audit log's durability rule (docs/security.md, "Durability"): the entry of a read is in RocksDB's
// write-ahead log before the answer leaves, not fsynced, so it survives kill -9 of the server even when
// the background syncer has not run yet. And --audit_sync_interval_ms is validated, naming the field.
#include <signal.h>
#include <sys/wait.h>

#include <string>

#include "gtest/gtest.h"
#include "engine/store/audit_log.h"
#include "engine/store/store.h"
#include "server/server.h"
#include "tests/crash/server_process.h"
#include "tests/server/test_util.h"

namespace passerelle::tests {
namespace {

using server::testing::KeyedChannel;
using server::testing::MasonCandidate;

constexpr int kReads = 20;

// The GetCandidate entries the data directory holds, read with the store opened directly.
int GetCandidateEntries(const std::string& data_dir) {
  auto store = engine::Store::Open(data_dir, {});
  EXPECT_TRUE(store.ok()) << store.status();
  if (!store.ok()) return -1;
  auto log = engine::AuditLog::Open(store->get(), {.sync_interval_ms = 0});
  EXPECT_TRUE(log.ok()) << log.status();
  if (!log.ok()) return -1;
  engine::AuditFilter filter;
  filter.rpc = "GetCandidate";
  filter.page_size = 1000;
  auto page = (*log)->List(filter);
  EXPECT_TRUE(page.ok()) << page.status();
  return page.ok() ? static_cast<int>(page->entries.size()) : -1;
}

TEST(AuditCrashTest, EntriesOfAnsweredReadsSurviveSigkillBeforeTheirSync) {
  TempDir dir("passerelle-audit-crash-test");
  // A syncer that never runs within the test: every entry is written, none fsynced by the audit log.
  ServerProcess server(dir.Sub("data"), dir.path(), {"--audit_sync_interval_ms=60000"});
  ASSERT_TRUE(server.Start()) << server.Log();
  const std::string counsellor = server.NewKey(server::testing::kCounsellorOrg, "counsellor");
  ASSERT_FALSE(counsellor.empty()) << server.Log();
  auto stub = v1::Matching::NewStub(KeyedChannel(server.address(), {{"", counsellor}}));
  {
    grpc::ClientContext context;
    v1::PutCandidateRequest request;
    *request.mutable_candidate() = MasonCandidate("cand-audited");
    v1::PutCandidateResponse response;
    ASSERT_TRUE(stub->PutCandidate(&context, request, &response).ok());
  }
  // The reads come after the last synced write, so no record write's fsync carries their entries.
  for (int i = 0; i < kReads; ++i) {
    grpc::ClientContext context;
    v1::GetCandidateRequest request;
    request.set_candidate_id("cand-audited");
    v1::GetCandidateResponse response;
    const grpc::Status status = stub->GetCandidate(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  server.Signal(SIGKILL);
  const int status = server.Wait();
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
  EXPECT_EQ(GetCandidateEntries(dir.Sub("data")), kReads);
}

TEST(AuditCrashTest, ASyncIntervalOutOfRangeIsRefusedNamingTheFlag) {
  server::ServerOptions options;
  options.catalog.audit.sync_interval_ms = -1;
  const absl::Status refused = server::ValidateServerOptions(options);
  EXPECT_TRUE(absl::IsInvalidArgument(refused)) << refused;
  EXPECT_NE(refused.message().find("audit_sync_interval_ms"), absl::string_view::npos) << refused;
  options.catalog.audit.sync_interval_ms = 0;  // the synced rule: valid
  EXPECT_TRUE(server::ValidateServerOptions(options).ok());

  TempDir dir("passerelle-audit-flag-test");
  ServerProcess server(dir.Sub("data"), dir.path(), {"--audit_sync_interval_ms=600000"});
  EXPECT_FALSE(server.Start());
  int exit_status = 0;
  ASSERT_TRUE(server.Exited(&exit_status));
  EXPECT_TRUE(WIFEXITED(exit_status) && WEXITSTATUS(exit_status) != 0) << exit_status;
  EXPECT_NE(server.Log().find("audit_sync_interval_ms"), std::string::npos) << server.Log();
}

}  // namespace
}  // namespace passerelle::tests
