// JSON in and out of the passerelle tools, with the proto3 JSON mapping of the API messages.
//
// Output keeps the .proto field names (`commune_insee`, not `communeInsee`), as docs/api.md shows them;
// input accepts both spellings, as the mapping requires. Unknown fields are rejected on input, so a typo
// in a record is reported instead of silently dropped. Output is protobuf's printer; input is read with
// simdjson (json_parse.cc), several times faster than protobuf's parser, and the only JSON reader here.
//
// Thread-safety: functions are thread-safe; JsonLinesReader is thread-compatible.
#ifndef PASSERELLE_CLIENTS_JSON_IO_H_
#define PASSERELLE_CLIENTS_JSON_IO_H_

#include <cstdint>
#include <fstream>
#include <istream>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace passerelle::clients {

// How a message is printed.
struct JsonStyle {
  // One object per line (JSON Lines) instead of indented. Default: false.
  bool single_line = false;
  // Print fields holding their default value (0, false, "") too, so that scripts find every key.
  // Default: true.
  bool include_defaults = true;
};

// Parses one JSON object into `message` (cleared first, and left clear on error). On error
// InvalidArgument "path: reason" naming the field ("comune_insee: no such field (see
// proto/passerelle/v1/records.proto)", "languages[0].level: invalid value \"Z9\" for type CefrLevel"),
// or "not a valid JSON record: reason" when the text is not one JSON object.
absl::Status ParseJson(absl::string_view json, google::protobuf::Message& message);

// The message in the proto3 JSON mapping, without a trailing newline.
std::string ToJson(const google::protobuf::Message& message, const JsonStyle& style = {});

// `text` as a JSON string literal, quotes included, escaped as the proto3 JSON printer does.
std::string JsonQuote(absl::string_view text);

// Reads a whole file, or stdin when `path` is "-".
absl::StatusOr<std::string> ReadFileOrStdin(const std::string& path);

// Reads a JSON Lines file (or stdin for "-") one line at a time, skipping blank lines and lines whose
// first non-space character is '#', and counting lines (from 1) and bytes for progress reports.
class JsonLinesReader {
 public:
  // NotFound naming the path when the file cannot be opened.
  static absl::StatusOr<std::unique_ptr<JsonLinesReader>> Open(const std::string& path);

  // Next non-blank line into `line`; false at end of input.
  bool Next(std::string& line);
  // Line number of the line last returned by Next (1-based).
  int64_t line_number() const { return line_number_; }
  int64_t bytes_read() const { return bytes_read_; }
  // Size of the file in bytes, or -1 when unknown (stdin, pipes).
  int64_t total_bytes() const { return total_bytes_; }
  // Not OK when reading failed for another reason than the end of the file.
  absl::Status status() const;

 private:
  JsonLinesReader() = default;

  std::string path_;
  std::ifstream file_;
  std::istream* in_ = nullptr;
  int64_t line_number_ = 0;
  int64_t bytes_read_ = 0;
  int64_t total_bytes_ = -1;
};

}  // namespace passerelle::clients

#endif  // PASSERELLE_CLIENTS_JSON_IO_H_
