#include "tests/fuzz/fuzz_support.h"

#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <mutex>
#include <system_error>
#include <vector>

namespace passerelle::fuzz {
namespace {

std::vector<std::string>& Scratch() {
  static auto* dirs = new std::vector<std::string>();
  return *dirs;
}

void RemoveScratch() {
  for (const std::string& dir : Scratch()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
}

}  // namespace

const std::shared_ptr<const engine::ReferenceData>& SharedReferenceData() {
  static const auto* data = [] {
    auto loaded = engine::ReferenceData::Load(engine::ReferenceData::DefaultDataDir());
    if (!loaded.ok()) {
      std::fprintf(stderr, "fuzz: reference data: %s\n", std::string(loaded.status().message()).c_str());
      std::abort();
    }
    return new std::shared_ptr<const engine::ReferenceData>(*std::move(loaded));
  }();
  return *data;
}

std::string ScratchDir(const std::string& prefix) {
  static std::once_flag registered;
  std::call_once(registered, [] { std::atexit(RemoveScratch); });
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/" + prefix + "-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    std::perror("fuzz: mkdtemp");
    std::abort();
  }
  Scratch().push_back(pattern);
  return pattern;
}

}  // namespace passerelle::fuzz
