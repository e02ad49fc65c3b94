// What the libFuzzer targets of tests/fuzz share: the reference data (loaded once per process) and
// scratch directories that live as long as the process.
//
// Thread-safety: call from the fuzzer's thread only.
#ifndef PASSERELLE_TESTS_FUZZ_FUZZ_SUPPORT_H_
#define PASSERELLE_TESTS_FUZZ_FUZZ_SUPPORT_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "engine/refdata/reference_data.h"

namespace passerelle::fuzz {

// The repository's data/ (or $PASSERELLE_DATA_DIR); aborts when it does not load, since every input
// would then test nothing.
const std::shared_ptr<const engine::ReferenceData>& SharedReferenceData();

// A fresh directory "/tmp/<prefix>-XXXXXX" (or under $TMPDIR), removed at process exit.
std::string ScratchDir(const std::string& prefix);

// The input as a string_view.
inline absl::string_view AsView(const uint8_t* data, size_t size) {
  return absl::string_view(reinterpret_cast<const char*>(data), size);
}

}  // namespace passerelle::fuzz

#endif  // PASSERELLE_TESTS_FUZZ_FUZZ_SUPPORT_H_
