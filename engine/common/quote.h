// Quoting of outside input in error messages. An error that names a bad value shows at most a short,
// escaped prefix of it, so that a 1 MB field never comes back as a 1 MB message (gRPC clients refuse
// oversized metadata) and control or bidirectional characters never reach a terminal or a log as such.
//
//   Quote("93066")             -> "\"93066\""
//   Quote("a\x1b[2Jb")         -> "\"a\\x1b[2Jb\""
//   Quote(std::string(1 << 20, 'x')) -> "\"xxxx...xxxx\"... (1048576 bytes)"   (kMaxQuotedBytes of them)
//
// Header only (no .cc to list in a build). Thread-safety: stateless functions.
#ifndef PASSERELLE_ENGINE_COMMON_QUOTE_H_
#define PASSERELLE_ENGINE_COMMON_QUOTE_H_

#include <cstddef>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace passerelle::engine {

// Bytes of a value an error message quotes at most (before escaping: an escaped byte takes up to 4).
inline constexpr size_t kMaxQuotedBytes = 64;

// `value` in double quotes, C-escaped (quotes, backslashes, control bytes and every byte >= 0x80 as
// \xNN or \n-style escapes), cut to its first `max_bytes` bytes with the full size said after it.
inline std::string Quote(absl::string_view value, size_t max_bytes = kMaxQuotedBytes) {
  if (value.size() <= max_bytes) return absl::StrCat("\"", absl::CHexEscape(value), "\"");
  return absl::StrCat("\"", absl::CHexEscape(value.substr(0, max_bytes)), "\"... (", value.size(), " bytes)");
}

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_COMMON_QUOTE_H_
