#include "server/gateway/static_files.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace passerelle::gateway {
namespace {

// Console files are small; anything larger is not one of them.
constexpr std::uintmax_t kMaxFileBytes = 8u << 20;

// Every segment a plain name: no "", ".", "..", hidden names, backslashes or NUL.
bool SafeRelativePath(absl::string_view relative) {
  if (absl::StrContains(relative, '\\') || absl::StrContains(relative, '\0')) return false;
  for (absl::string_view segment : absl::StrSplit(relative, '/')) {
    if (segment.empty() || segment.front() == '.') return false;
  }
  return true;
}

}  // namespace

std::string ContentTypeOf(absl::string_view name) {
  struct Type {
    const char* extension;
    const char* content_type;
  };
  static constexpr Type kTypes[] = {
      {".html", "text/html; charset=utf-8"},  {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},           {".svg", "image/svg+xml"},
      {".png", "image/png"},                   {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},                {".txt", "text/plain; charset=utf-8"},
  };
  const std::string lower = absl::AsciiStrToLower(name);
  for (const Type& type : kTypes) {
    if (absl::EndsWith(lower, type.extension)) return type.content_type;
  }
  return "application/octet-stream";
}

std::optional<StaticFile> ReadStaticFile(const std::string& root, absl::string_view relative) {
  std::string wanted(relative);
  if (wanted.empty() || wanted.back() == '/') wanted += "index.html";
  if (root.empty() || !SafeRelativePath(wanted)) return std::nullopt;
  std::error_code error;
  const std::filesystem::path base = std::filesystem::canonical(root, error);
  if (error) return std::nullopt;
  const std::filesystem::path file = std::filesystem::canonical(base / wanted, error);
  if (error) return std::nullopt;
  // A symbolic link inside the folder must not lead out of it.
  const std::string base_text = base.string() + "/";
  if (!absl::StartsWith(file.string(), base_text)) return std::nullopt;
  if (!std::filesystem::is_regular_file(file, error) || std::filesystem::file_size(file, error) > kMaxFileBytes) {
    return std::nullopt;
  }
  std::ifstream in(file, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  if (!in.good() && !in.eof()) return std::nullopt;
  return StaticFile{content.str(), ContentTypeOf(file.filename().string())};
}

}  // namespace passerelle::gateway
