#include "server/cluster/snapshot.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/common/status_macros.h"
#include "openssl/evp.h"

namespace passerelle::cluster {
namespace {

namespace fs = std::filesystem;

constexpr char kPartialSuffix[] = ".snapshot-partial";
constexpr char kReplacedSuffix[] = ".snapshot-replaced";
constexpr char kServingSuffix[] = ".serving-snapshot-";

// A name directly inside the data directory: no path, nothing hidden behind "..".
bool SafeFileName(absl::string_view name) {
  return !name.empty() && name.size() <= 255 && name != "." && name != ".." &&
         name.find('/') == absl::string_view::npos && name.find('\0') == absl::string_view::npos;
}

absl::StatusOr<std::string> FileSha256(const std::string& path, uint64_t* size) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::UnavailableError(absl::StrCat("snapshot: cannot read \"", path, "\""));
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  std::vector<char> buffer(kSnapshotChunkBytes);
  *size = 0;
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const std::streamsize got = in.gcount();
    if (got <= 0) break;
    EVP_DigestUpdate(ctx.get(), buffer.data(), static_cast<size_t>(got));
    *size += static_cast<uint64_t>(got);
  }
  if (in.bad()) return absl::UnavailableError(absl::StrCat("snapshot: reading \"", path, "\" failed"));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &length);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

// fsync of a file or a folder, so that a rename after it cannot expose unwritten bytes.
bool SyncPath(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

std::string ParentOf(const std::string& dir) {
  const fs::path parent = fs::path(dir).lexically_normal().parent_path();
  return parent.empty() ? "." : parent.string();
}

}  // namespace

std::string Sha256(absl::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

absl::StatusOr<SnapshotManifest> DescribeSnapshot(const std::string& dir, uint64_t applied_sequence) {
  SnapshotManifest manifest;
  manifest.set_applied_sequence(applied_sequence);
  std::vector<std::string> names;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, error)) {
    if (entry.is_regular_file()) names.push_back(entry.path().filename().string());
  }
  if (error) return absl::UnavailableError(absl::StrCat("snapshot: cannot list \"", dir, "\": ", error.message()));
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    uint64_t size = 0;
    PASSERELLE_ASSIGN_OR_RETURN(std::string digest, FileSha256((fs::path(dir) / name).string(), &size));
    SnapshotFile* file = manifest.add_files();
    file->set_name(name);
    file->set_size_bytes(size);
    file->set_sha256(std::move(digest));
  }
  return manifest;
}

absl::Status StreamSnapshot(const std::string& dir, const SnapshotManifest& manifest,
                            const std::function<absl::Status(const SnapshotChunk&)>& send) {
  std::vector<char> buffer(kSnapshotChunkBytes);
  for (const SnapshotFile& file : manifest.files()) {
    const std::string path = (fs::path(dir) / file.name()).string();
    std::ifstream in(path, std::ios::binary);
    if (!in) return absl::UnavailableError(absl::StrCat("snapshot: cannot read \"", path, "\""));
    uint64_t offset = 0;
    do {  // an empty file still gets one chunk, so that the receiver creates it
      in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      const size_t got = static_cast<size_t>(std::max<std::streamsize>(0, in.gcount()));
      SnapshotChunk chunk;
      chunk.set_file(file.name());
      chunk.set_offset(offset);
      chunk.mutable_data()->assign(buffer.data(), got);
      chunk.set_data_sha256(Sha256(chunk.data()));
      PASSERELLE_RETURN_IF_ERROR(send(chunk));
      offset += got;
    } while (in && offset < file.size_bytes());
  }
  SnapshotChunk last;
  *last.mutable_manifest() = manifest;
  return send(last);
}

bool HasStore(const std::string& data_dir) {
  std::error_code error;
  return fs::exists(fs::path(data_dir) / "CURRENT", error);
}

std::string SiblingPath(const std::string& dir, absl::string_view suffix) {
  std::string path = fs::path(dir).lexically_normal().string();
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return absl::StrCat(path, suffix);
}

void RemoveServingLeftovers(const std::string& data_dir) {
  const std::string prefix = fs::path(SiblingPath(data_dir, kServingSuffix)).filename().string();
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(ParentOf(SiblingPath(data_dir, "")), error)) {
    if (absl::StartsWith(entry.path().filename().string(), prefix)) {
      std::error_code ignored;
      fs::remove_all(entry.path(), ignored);
    }
  }
}

SnapshotReceiver::SnapshotReceiver(std::string data_dir)
    : data_dir_(std::move(data_dir)), partial_dir_(data_dir_ + kPartialSuffix) {}

absl::StatusOr<std::unique_ptr<SnapshotReceiver>> SnapshotReceiver::Begin(const std::string& data_dir) {
  std::unique_ptr<SnapshotReceiver> receiver(new SnapshotReceiver(SiblingPath(data_dir, "")));
  std::error_code error;
  fs::remove_all(receiver->partial_dir_, error);
  if (!error) fs::remove_all(receiver->data_dir_ + kReplacedSuffix, error);
  if (!error) fs::create_directories(receiver->partial_dir_, error);
  if (error) {
    return absl::UnavailableError(
        absl::StrCat("snapshot: cannot prepare \"", receiver->partial_dir_, "\": ", error.message()));
  }
  return receiver;
}

SnapshotReceiver::~SnapshotReceiver() {
  if (fd_ >= 0) ::close(fd_);
  if (!installed_) {
    std::error_code ignored;
    fs::remove_all(partial_dir_, ignored);
  }
}

absl::Status SnapshotReceiver::Fail(absl::Status status) {
  failed_ = true;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  std::error_code ignored;
  fs::remove_all(partial_dir_, ignored);
  return status;
}

absl::Status SnapshotReceiver::CloseFile() {
  if (fd_ < 0) return absl::OkStatus();
  const bool ok = ::fsync(fd_) == 0;
  ::close(fd_);
  fd_ = -1;
  if (!ok) return absl::UnavailableError(absl::StrCat("snapshot: cannot sync \"", file_, "\""));
  return absl::OkStatus();
}

absl::Status SnapshotReceiver::Add(const SnapshotChunk& chunk) {
  if (failed_ || installed_) return absl::FailedPreconditionError("snapshot: the load was abandoned or is over");
  if (!SafeFileName(chunk.file())) {
    return Fail(absl::InvalidArgumentError("snapshot: a chunk names a file outside the data directory"));
  }
  if (Sha256(chunk.data()) != chunk.data_sha256()) {
    return Fail(absl::DataLossError(absl::StrCat("snapshot: chunk of \"", chunk.file(), "\" at offset ",
                                                 chunk.offset(), " does not match its SHA-256; nothing stored")));
  }
  if (chunk.file() != file_) {
    if (absl::Status closed = CloseFile(); !closed.ok()) return Fail(closed);
    const std::string path = (fs::path(partial_dir_) / chunk.file()).string();
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd_ < 0) {
      return Fail(absl::InvalidArgumentError(absl::StrCat("snapshot: cannot create \"", chunk.file(),
                                                          "\" (sent twice, or not writable)")));
    }
    file_ = chunk.file();
    written_ = 0;
  }
  if (chunk.offset() != written_) {
    return Fail(absl::InvalidArgumentError(absl::StrCat("snapshot: chunk of \"", chunk.file(), "\" at offset ",
                                                        chunk.offset(), ", expected ", written_)));
  }
  const std::string& data = chunk.data();
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd_, data.data() + done, data.size() - done);
    if (n <= 0) return Fail(absl::UnavailableError(absl::StrCat("snapshot: writing \"", chunk.file(), "\" failed")));
    done += static_cast<size_t>(n);
  }
  written_ += data.size();
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> SnapshotReceiver::Finish(const SnapshotManifest& manifest) {
  if (failed_ || installed_) return absl::FailedPreconditionError("snapshot: the load was abandoned or is over");
  if (absl::Status closed = CloseFile(); !closed.ok()) return Fail(closed);
  std::map<std::string, const SnapshotFile*> expected;
  for (const SnapshotFile& file : manifest.files()) expected[file.name()] = &file;
  if (expected.count("CURRENT") == 0) {
    return Fail(absl::DataLossError("snapshot: the manifest lists no CURRENT file: not a store"));
  }
  std::error_code error;
  size_t present = 0;
  for (const fs::directory_entry& entry : fs::directory_iterator(partial_dir_, error)) {
    const std::string name = entry.path().filename().string();
    if (expected.count(name) == 0) {
      return Fail(absl::DataLossError(absl::StrCat("snapshot: \"", name, "\" is not in the manifest")));
    }
    ++present;
  }
  if (error || present != expected.size()) {
    return Fail(absl::DataLossError(absl::StrCat("snapshot: ", expected.size() - std::min(present, expected.size()),
                                                 " file(s) of the manifest did not arrive")));
  }
  for (const auto& [name, file] : expected) {
    uint64_t size = 0;
    absl::StatusOr<std::string> digest = FileSha256((fs::path(partial_dir_) / name).string(), &size);
    if (!digest.ok()) return Fail(digest.status());
    if (size != file->size_bytes() || *digest != file->sha256()) {
      return Fail(absl::DataLossError(absl::StrCat("snapshot: \"", name, "\" differs from the manifest (",
                                                   size, " bytes, ", file->size_bytes(), " expected)")));
    }
  }
  if (!SyncPath(partial_dir_)) return Fail(absl::UnavailableError("snapshot: cannot sync the loaded folder"));
  // The old data directory goes aside first: a crash between the renames leaves no data directory, and
  // the next start loads again.
  const std::string replaced = data_dir_ + kReplacedSuffix;
  if (fs::exists(data_dir_, error)) fs::rename(data_dir_, replaced, error);
  if (!error) fs::rename(partial_dir_, data_dir_, error);
  if (error) {
    return Fail(absl::UnavailableError(absl::StrCat("snapshot: cannot put the snapshot in place of \"", data_dir_,
                                                    "\": ", error.message())));
  }
  installed_ = true;
  SyncPath(ParentOf(data_dir_));
  fs::remove_all(replaced, error);
  return manifest.applied_sequence();
}

}  // namespace passerelle::cluster
