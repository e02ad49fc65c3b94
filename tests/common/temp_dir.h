// The tests' scratch directories: a fresh directory under $TEST_TMPDIR (or /tmp), removed with
// everything in it when the object goes, so that a failing test leaves nothing behind and two test
// processes never share one.
//
//   passerelle::tests::TempDir dir("passerelle-catalog-test");
//   Catalog::Open(dir.path(), ...);
//   const std::string input = dir.Write("candidates.jsonl", "...");
//
// Thread-safety: thread-compatible.
#ifndef PASSERELLE_TESTS_COMMON_TEMP_DIR_H_
#define PASSERELLE_TESTS_COMMON_TEMP_DIR_H_

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

#include "gtest/gtest.h"

namespace passerelle::tests {

class TempDir {
 public:
  // `prefix` names the directory ("<prefix>-XXXXXX") so that a leftover one says which test made it.
  explicit TempDir(const std::string& prefix = "passerelle-test") {
    const char* base = std::getenv("TEST_TMPDIR");
    std::string pattern = std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/" + prefix + "-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      ADD_FAILURE() << "mkdtemp " << pattern << " failed";
      return;
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // "" when the directory could not be made (the test has then failed).
  const std::string& path() const { return path_; }
  // path()/name
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }
  // Writes `text` to path()/name and returns that path.
  std::string Write(const std::string& name, const std::string& text) const {
    std::ofstream(Sub(name), std::ios::binary | std::ios::trunc) << text;
    return Sub(name);
  }

 private:
  std::string path_;
};

}  // namespace passerelle::tests

#endif  // PASSERELLE_TESTS_COMMON_TEMP_DIR_H_
