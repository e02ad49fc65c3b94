// Faults of the disk under the real passerelle-server: a full disk (a small tmpfs this test mounts), a
// read-only data directory (a read-only bind mount), and damaged files in the data directory (a
// truncated table file, flipped bytes in a table file, a truncated record key secret, a garbage
// CURRENT). The server must refuse writes with a clear status and keep serving reads, or refuse to start
// with a message saying what is wrong and how to recover; it never acknowledges a write it could not
// make durable and never serves half-loaded data. The mount tests need root (CI runs as root); without
// the right to mount they are skipped with a message saying so.
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <algorithm>
#include <cstdio>
#include <cerrno>
#include <cstring>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/crash/server_process.h"
#include "tests/server/test_util.h"

namespace passerelle::tests {
namespace {

namespace fs = std::filesystem;
using server::testing::KeyedChannel;
using server::testing::MasonCandidate;

// A tmpfs of `size` mounted on `dir` for the life of the object; mounted() false when mounting failed.
class Tmpfs {
 public:
  Tmpfs(const std::string& dir, const std::string& size) : dir_(dir) {
    fs::create_directories(dir);
    mounted_ = mount("passerelle-test", dir.c_str(), "tmpfs", 0, ("size=" + size).c_str()) == 0;
    if (!mounted_) error_ = std::strerror(errno);
  }
  ~Tmpfs() {
    if (mounted_) umount2(dir_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }
  bool Resize(const std::string& size) {
    return mount("passerelle-test", dir_.c_str(), "tmpfs", MS_REMOUNT, ("size=" + size).c_str()) == 0;
  }

 private:
  std::string dir_, error_;
  bool mounted_ = false;
};

std::unique_ptr<v1::Matching::Stub> Stub(const ServerProcess& server, const std::string& key) {
  return v1::Matching::NewStub(KeyedChannel(server.address(), {{"", key}}));
}

grpc::Status Put(v1::Matching::Stub& stub, const v1::Candidate& candidate) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  v1::PutCandidateRequest request;
  *request.mutable_candidate() = candidate;
  v1::PutCandidateResponse response;
  return stub.PutCandidate(&context, request, &response);
}

grpc::Status Get(v1::Matching::Stub& stub, const std::string& id) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  v1::GetCandidateRequest request;
  request.set_candidate_id(id);
  v1::GetCandidateResponse response;
  return stub.GetCandidate(&context, request, &response);
}

// Imports `count` candidates named "<prefix>-<n>"; the ids the server reported accepted.
std::set<std::string> Import(v1::Matching::Stub& stub, const std::string& prefix, int count, grpc::Status* status) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  v1::ImportResponse response;
  auto stream = stub.ImportCandidates(&context, &response);
  for (int i = 0; i < count; ++i) {
    v1::ImportCandidatesRequest item;
    *item.mutable_candidate() = MasonCandidate(absl::StrCat(prefix, "-", i));
    if (!stream->Write(item)) break;
  }
  stream->WritesDone();
  *status = stream->Finish();
  std::set<std::string> accepted;
  for (const v1::ImportItemReport& item : response.items()) {
    if (item.status() == v1::IMPORT_ITEM_STATUS_ACCEPTED) accepted.insert(item.id());
  }
  return accepted;
}

// The server of a data directory that it has written `n` candidates "seed-<i>" to, then stopped cleanly
// (so that its memtables are flushed into table files). Returns the counsellor key.
std::string Seed(const TempDir& dir, int n) {
  ServerProcess server(dir.Sub("data"), dir.path());
  EXPECT_TRUE(server.Start()) << server.Log();
  const std::string key = server.NewKey(server::testing::kCounsellorOrg, "counsellor");
  auto stub = Stub(server, key);
  for (int i = 0; i < n; ++i) EXPECT_TRUE(Put(*stub, MasonCandidate(absl::StrCat("seed-", i))).ok());
  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(), 0) << server.Log();
  return key;
}

std::vector<fs::path> FilesEndingWith(const std::string& dir, const std::string& suffix) {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (absl::EndsWith(entry.path().string(), suffix)) out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Starts the server on a damaged directory: it must exit non-zero with a fatal log line that names the
// problem (`expected` in the message) and says how to recover.
void ExpectRefusesToStart(const TempDir& dir, const std::string& expected) {
  ServerProcess server(dir.Sub("data"), dir.path());
  ASSERT_FALSE(server.Start()) << "the server started on a damaged data directory";
  const int status = server.Wait();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) != 0) << status;
  const std::string log = server.Log();
  EXPECT_TRUE(absl::StrContains(log, "\"fatal\"")) << log;
  EXPECT_TRUE(absl::StrContains(log, expected)) << log;
  EXPECT_TRUE(absl::StrContains(log, "restore")) << "the message does not say how to recover:\n" << log;
}

TEST(DiskFaultsTest, FullDiskRefusesWritesKeepsReadsAndLosesNothingAcknowledged) {
  TempDir dir("passerelle-full-disk");
  Tmpfs disk(dir.Sub("disk"), "3m");
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs (" << disk.error() << "): run as root to test a full disk";
  ServerProcess server(dir.Sub("disk") + "/data", dir.path());
  ASSERT_TRUE(server.Start()) << server.Log();
  const std::string key = server.NewKey(server::testing::kCounsellorOrg, "counsellor");
  auto stub = Stub(server, key);
  auto employer = Stub(server, server.NewKey(server::testing::kEmployerOrg, "employer"));
  {
    grpc::ClientContext context;
    v1::PutOpeningRequest request;
    *request.mutable_opening() = server::testing::MasonOpening("open-full-disk");
    v1::PutOpeningResponse response;
    ASSERT_TRUE(employer->PutOpening(&context, request, &response).ok());
  }

  std::set<std::string> acknowledged;
  grpc::Status refused;
  for (int round = 0; round < 200 && refused.ok(); ++round) {
    std::set<std::string> accepted = Import(*stub, absl::StrCat("fill-", round), 500, &refused);
    acknowledged.insert(accepted.begin(), accepted.end());
    if (refused.ok() && accepted.size() < 500) refused = grpc::Status(grpc::StatusCode::UNKNOWN, "items rejected");
  }
  ASSERT_FALSE(refused.ok()) << "the disk never filled";
  ASSERT_FALSE(acknowledged.empty());
  // A put now fails with a status that says the disk is full. Reads go on, except those that must first
  // write their audit entry (a candidate's data never goes out unaudited): those fail the same way.
  const grpc::Status put = Put(*stub, MasonCandidate("after-full"));
  grpc::Status read;
  {
    grpc::ClientContext context;
    v1::GetOpeningRequest request;
    request.set_opening_id("open-full-disk");
    v1::GetOpeningResponse response;
    read = employer->GetOpening(&context, request, &response);
  }
  const grpc::Status audited = Get(*stub, *acknowledged.begin());
  int exited = 0;
  if (server.Exited(&exited)) {
    // Debian's RocksDB 7.8 is built with assertions, and its background work may touch the write-ahead
    // log writer that saw the error again (fixed upstream later, facebook/rocksdb#12448): the process
    // then aborts instead of serving reads. Only that abort is tolerated; the restart below must still
    // find every acknowledged write.
    EXPECT_TRUE(absl::StrContains(server.Log(), "AssertFalseAndGetStatusForPrevError")) << server.Log();
    std::printf("note: passerelle-server aborted inside RocksDB after the disk filled (status %d)\n", exited);
  } else {
    EXPECT_EQ(put.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << put.error_message();
    EXPECT_TRUE(absl::StrContains(put.error_message(), "full")) << put.error_message();
    EXPECT_TRUE(read.ok()) << read.error_message();
    EXPECT_EQ(audited.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << audited.error_message();
    EXPECT_TRUE(absl::StrContains(audited.error_message(), "full")) << audited.error_message();
  }

  // The operator frees space and restarts: every acknowledged record is there.
  server.Signal(SIGKILL);
  server.Wait();
  ASSERT_TRUE(disk.Resize("64m"));
  ASSERT_TRUE(server.Start()) << server.Log();
  auto restarted = Stub(server, key);
  int missing = 0;
  for (const std::string& id : acknowledged) missing += !Get(*restarted, id).ok();
  EXPECT_EQ(missing, 0) << "of " << acknowledged.size() << " acknowledged records";
  EXPECT_TRUE(Put(*restarted, MasonCandidate("after-restart")).ok());
  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(), 0) << server.Log();
}

TEST(DiskFaultsTest, ReadOnlyDataDirectoryRefusesToStartAndSaysWhy) {
  TempDir dir("passerelle-read-only");
  Seed(dir, 3);
  const std::string data = dir.Sub("data");
  if (mount(data.c_str(), data.c_str(), nullptr, MS_BIND, nullptr) != 0) {
    GTEST_SKIP() << "cannot bind-mount (" << std::strerror(errno) << "): run as root to test a read-only directory";
  }
  const bool read_only = mount(nullptr, data.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) == 0;
  if (!read_only) {
    umount2(data.c_str(), MNT_DETACH);
    GTEST_SKIP() << "cannot remount read-only: " << std::strerror(errno);
  }
  ServerProcess server(data, dir.path());
  const bool started = server.Start();
  const int status = server.Wait();
  umount2(data.c_str(), MNT_DETACH);
  ASSERT_FALSE(started) << "the server started on a read-only data directory";
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) != 0) << status;
  const std::string log = server.Log();
  EXPECT_TRUE(absl::StrContains(log, "\"fatal\"")) << log;
  EXPECT_TRUE(absl::StrContains(log, "cannot be written")) << log;

  // Writable again: it starts, with its records.
  ASSERT_TRUE(server.Start()) << server.Log();
  auto stub = Stub(server, server.NewKey(server::testing::kCounsellorOrg, "counsellor"));
  EXPECT_TRUE(Get(*stub, "seed-2").ok());
}

TEST(DiskFaultsTest, TruncatedTableFileRefusesToStart) {
  TempDir dir("passerelle-truncated-sst");
  Seed(dir, 20);
  const std::vector<fs::path> tables = FilesEndingWith(dir.Sub("data"), ".sst");
  ASSERT_FALSE(tables.empty());
  for (const fs::path& table : tables) fs::resize_file(table, fs::file_size(table) / 2);
  ExpectRefusesToStart(dir, "DATA_LOSS");
}

TEST(DiskFaultsTest, CorruptedTableFileRefusesToStartInsteadOfServingPartOfIt) {
  TempDir dir("passerelle-corrupt-sst");
  Seed(dir, 20);
  const std::vector<fs::path> tables = FilesEndingWith(dir.Sub("data"), ".sst");
  ASSERT_FALSE(tables.empty());
  for (const fs::path& table : tables) {
    // Flip bytes at the start of the file: the first data block, whose checksum no longer matches.
    std::fstream file(table, std::ios::in | std::ios::out | std::ios::binary);
    for (int offset = 8; offset < 40; ++offset) {
      file.seekg(offset);
      const char byte = static_cast<char>(file.get());
      file.seekp(offset);
      file.put(static_cast<char>(byte ^ 0x5a));
    }
  }
  ExpectRefusesToStart(dir, "DATA_LOSS");
}

TEST(DiskFaultsTest, TruncatedRecordKeySecretRefusesToStart) {
  TempDir dir("passerelle-truncated-secret");
  Seed(dir, 2);
  const std::string secret = dir.Sub("data") + "/record-key.secret";
  fs::resize_file(secret, 5);
  ExpectRefusesToStart(dir, "record-key.secret");
}

TEST(DiskFaultsTest, GarbageCurrentFileRefusesToStart) {
  TempDir dir("passerelle-garbage-current");
  Seed(dir, 2);
  std::ofstream(dir.Sub("data") + "/CURRENT", std::ios::trunc) << "MANIFEST-999999\n";
  ServerProcess server(dir.Sub("data"), dir.path());
  ASSERT_FALSE(server.Start());
  const int status = server.Wait();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) != 0) << status;
  EXPECT_TRUE(absl::StrContains(server.Log(), "\"fatal\"")) << server.Log();
  EXPECT_TRUE(absl::StrContains(server.Log(), "MANIFEST")) << server.Log();
  EXPECT_TRUE(absl::StrContains(server.Log(), "restore")) << server.Log();
}

}  // namespace
}  // namespace passerelle::tests
