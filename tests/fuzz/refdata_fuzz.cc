// The reference-data readers (engine/refdata): a small, consistent data directory (refdata_fixture)
// with one of its files replaced by the input, loaded as the server loads data/ at start. Load must fail
// with a status naming the file, or succeed with tables whose lookups stay in range.
// Input: first byte selects the file (kFiles); the rest is its content.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/fuzz/fuzz_support.h"

namespace passerelle::fuzz {
namespace {

constexpr const char* kFiles[] = {"VERSION",
                                  "rome/occupations.tsv",
                                  "rome/mobility.tsv",
                                  "rome/skills.tsv",
                                  "rome/occupation_skills.tsv",
                                  "rome/appellations.tsv",
                                  "geo/regions.tsv",
                                  "geo/communes.tsv",
                                  "tension/tension.tsv"};
constexpr size_t kFileCount = sizeof(kFiles) / sizeof(kFiles[0]);

// A copy of the fixture that the inputs write into.
const std::string& DataDir() {
  static const auto* dir = [] {
    auto* path = new std::string(ScratchDir("passerelle-refdata-fuzz"));
    std::filesystem::copy(PASSERELLE_REFDATA_FIXTURE, *path, std::filesystem::copy_options::recursive);
    return path;
  }();
  return *dir;
}

void WriteFile(const std::string& path, absl::string_view content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void Check(const engine::ReferenceData& data) {
  for (size_t i = 0; i < data.occupations().size(); ++i) {
    const auto rome = static_cast<int32_t>(i);
    for (int32_t target : data.MobilityTargets(rome)) {
      if (target < 0 || static_cast<size_t>(target) >= data.occupations().size()) std::abort();
    }
    for (const engine::OccupationSkill& skill : data.OccupationSkills(rome)) {
      if (skill.skill_index < 0 || static_cast<size_t>(skill.skill_index) >= data.skills().size()) std::abort();
    }
    for (size_t r = 0; r < data.regions().size(); ++r) {
      const float tension = data.Tension(rome, static_cast<int32_t>(r));
      if (!(tension >= 0 && tension <= 1)) std::abort();
    }
  }
  for (const engine::Commune& commune : data.communes()) {
    if (commune.region_index < 0 || static_cast<size_t>(commune.region_index) >= data.regions().size()) std::abort();
  }
}

}  // namespace
}  // namespace passerelle::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace passerelle::fuzz;
  if (size < 1) return 0;
  const std::string path = DataDir() + "/" + kFiles[data[0] % kFileCount];
  const std::string original = ReadFile(path);
  WriteFile(path, AsView(data + 1, size - 1));
  auto loaded = passerelle::engine::ReferenceData::Load(DataDir());
  WriteFile(path, original);
  if (loaded.ok()) Check(**loaded);
  return 0;
}
