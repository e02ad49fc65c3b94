// The receiving side of a snapshot (server/cluster/snapshot.h): a chunk whose bytes differ from its
// SHA-256, a file that differs from the manifest, a missing file, a file name outside the data
// directory are refused with a clear error and nothing is stored; a good snapshot replaces the data
// directory whole.
#include "server/cluster/snapshot.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tests/common/temp_dir.h"

namespace passerelle::cluster::snapshot_receiver_test {
namespace {

using ::passerelle::tests::TempDir;
namespace fs = std::filesystem;

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A folder shaped like a checkpoint: CURRENT, an empty file, and one file of 2.5 chunks.
struct Source {
  explicit Source(const TempDir& dir) : path(dir.Sub("source")) {
    fs::create_directories(path);
    WriteFile(path + "/CURRENT", "MANIFEST-000005\n");
    WriteFile(path + "/LOCK", "");
    std::string big(kSnapshotChunkBytes * 5 / 2, '\0');
    for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 131) % 251);
    WriteFile(path + "/000007.sst", big);
    auto described = DescribeSnapshot(path, 42);
    EXPECT_TRUE(described.ok()) << described.status();
    manifest = *described;
    EXPECT_TRUE(StreamSnapshot(path, manifest, [&](const SnapshotChunk& chunk) {
                  chunks.push_back(chunk);
                  return absl::OkStatus();
                }).ok());
    chunks.pop_back();  // the manifest alone
  }
  std::string path;
  SnapshotManifest manifest;
  std::vector<SnapshotChunk> chunks;
};

// Feeds every chunk, then the manifest; the first error.
absl::StatusOr<uint64_t> Load(const std::string& data_dir, const std::vector<SnapshotChunk>& chunks,
                              const SnapshotManifest& manifest) {
  auto receiver = SnapshotReceiver::Begin(data_dir);
  if (!receiver.ok()) return receiver.status();
  for (const SnapshotChunk& chunk : chunks) {
    if (absl::Status added = (*receiver)->Add(chunk); !added.ok()) return added;
  }
  return (*receiver)->Finish(manifest);
}

TEST(SnapshotReceiverTest, AGoodSnapshotReplacesTheDataDirectoryWhole) {
  TempDir dir("snapshot-good");
  Source source(dir);
  EXPECT_EQ(source.chunks.size(), 5u);  // CURRENT, LOCK (empty), 3 pieces of the big file
  const std::string data = dir.Sub("data");
  fs::create_directories(data);
  WriteFile(data + "/stale.log", "old");
  auto applied = Load(data, source.chunks, source.manifest);
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ(*applied, 42u);
  EXPECT_FALSE(fs::exists(data + "/stale.log"));
  EXPECT_EQ(ReadFile(data + "/000007.sst"), ReadFile(source.path + "/000007.sst"));
  EXPECT_TRUE(fs::exists(data + "/LOCK"));
  EXPECT_TRUE(HasStore(data));
  EXPECT_FALSE(fs::exists(data + ".snapshot-partial"));
}

TEST(SnapshotReceiverTest, AChunkThatDiffersFromItsChecksumIsRefusedAndNothingIsStored) {
  TempDir dir("snapshot-bad-chunk");
  Source source(dir);
  std::vector<SnapshotChunk> chunks = source.chunks;
  // Files go in name order: 000007.sst (3 pieces), CURRENT, LOCK.
  char& byte = chunks[1].mutable_data()->at(100);
  byte = static_cast<char>(byte ^ 1);  // a bit flipped on the way
  const std::string data = dir.Sub("data");
  auto applied = Load(data, chunks, source.manifest);
  ASSERT_EQ(applied.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(absl::StrContains(applied.status().message(), "\"000007.sst\" at offset 1048576 does not match its SHA-256"))
      << applied.status();
  EXPECT_FALSE(fs::exists(data));
  EXPECT_FALSE(fs::exists(data + ".snapshot-partial"));
}

TEST(SnapshotReceiverTest, FilesThatDifferFromTheManifestAreRefusedAndTheOldDataStays) {
  TempDir dir("snapshot-bad-manifest");
  Source source(dir);
  const std::string data = dir.Sub("data");
  fs::create_directories(data);
  WriteFile(data + "/CURRENT", "old");

  // A chunk left out: its bytes are consistent, the file is short.
  std::vector<SnapshotChunk> short_file = source.chunks;
  short_file.erase(short_file.begin() + 2);  // the last piece of 000007.sst
  auto applied = Load(data, short_file, source.manifest);
  ASSERT_EQ(applied.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(absl::StrContains(applied.status().message(), "\"000007.sst\" differs from the manifest"))
      << applied.status();

  // A file the manifest does not list, and one it lists that never came.
  SnapshotManifest extra = source.manifest;
  extra.mutable_files()->erase(extra.mutable_files()->begin() + 1);  // LOCK
  EXPECT_EQ(Load(data, source.chunks, extra).status().code(), absl::StatusCode::kDataLoss);
  std::vector<SnapshotChunk> missing(source.chunks.begin(), source.chunks.begin() + 1);
  applied = Load(data, missing, source.manifest);
  EXPECT_TRUE(absl::StrContains(applied.status().message(), "did not arrive")) << applied.status();

  // A chunk out of order, and a name outside the folder.
  std::vector<SnapshotChunk> reordered = source.chunks;
  std::swap(reordered[1], reordered[2]);
  EXPECT_EQ(Load(data, reordered, source.manifest).status().code(), absl::StatusCode::kInvalidArgument);
  std::vector<SnapshotChunk> escaping = source.chunks;
  escaping[0].set_file("../CURRENT");
  EXPECT_EQ(Load(data, escaping, source.manifest).status().code(), absl::StatusCode::kInvalidArgument);

  EXPECT_EQ(ReadFile(data + "/CURRENT"), "old");
  EXPECT_FALSE(fs::exists(data + ".snapshot-partial"));
}

TEST(SnapshotReceiverTest, BeginClearsWhatAnInterruptedLoadLeft) {
  TempDir dir("snapshot-leftover");
  Source source(dir);
  const std::string data = dir.Sub("data");
  fs::create_directories(data + ".snapshot-partial");
  WriteFile(data + ".snapshot-partial/000007.sst", "half");
  fs::create_directories(data + ".snapshot-replaced");
  auto applied = Load(data, source.chunks, source.manifest);
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ(ReadFile(data + "/000007.sst"), ReadFile(source.path + "/000007.sst"));
  EXPECT_FALSE(fs::exists(data + ".snapshot-replaced"));
}

}  // namespace
}  // namespace passerelle::cluster::snapshot_receiver_test
