// The console's static files, read from one directory: regular files only, no directory listing, no
// path out of the directory (no "..", no hidden names, symbolic links resolved and checked).
#ifndef PASSERELLE_SERVER_GATEWAY_STATIC_FILES_H_
#define PASSERELLE_SERVER_GATEWAY_STATIC_FILES_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace passerelle::gateway {

struct StaticFile {
  std::string content;
  // "text/javascript; charset=utf-8" for .js and .mjs (ES modules need a JavaScript type).
  std::string content_type;
};

// The file at `relative` (the decoded path below the mount point; "" or ending in "/" = index.html)
// under `root`; nullopt when absent, a directory, or outside `root`.
std::optional<StaticFile> ReadStaticFile(const std::string& root, absl::string_view relative);

// The content type for a file name, by its extension.
std::string ContentTypeOf(absl::string_view name);

}  // namespace passerelle::gateway

#endif  // PASSERELLE_SERVER_GATEWAY_STATIC_FILES_H_
