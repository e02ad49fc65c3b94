#include "clients/json_io.h"

#include <iostream>
#include <iterator>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace passerelle::clients {

// ParseJson is in json_parse.cc.

std::string ToJson(const google::protobuf::Message& message, const JsonStyle& style) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = !style.single_line;
  options.always_print_primitive_fields = style.include_defaults;
  options.preserve_proto_field_names = true;
  std::string out;
  // Printing a well-formed message cannot fail: every field of a generated message has a JSON form.
  (void)google::protobuf::util::MessageToJsonString(message, &out, options);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::string JsonQuote(absl::string_view text) {
  google::protobuf::Value value;
  value.set_string_value(std::string(text));
  return ToJson(value, {.single_line = true});
}

absl::StatusOr<std::string> ReadFileOrStdin(const std::string& path) {
  if (path == "-") {
    return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::ostringstream text;
  text << file.rdbuf();
  if (file.bad()) return absl::DataLossError(absl::StrCat("cannot read ", path));
  return text.str();
}

absl::StatusOr<std::unique_ptr<JsonLinesReader>> JsonLinesReader::Open(const std::string& path) {
  std::unique_ptr<JsonLinesReader> reader(new JsonLinesReader());
  reader->path_ = path;
  if (path == "-") {
    reader->in_ = &std::cin;
    return reader;
  }
  reader->file_.open(path, std::ios::binary | std::ios::ate);
  if (!reader->file_) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  reader->total_bytes_ = static_cast<int64_t>(reader->file_.tellg());
  reader->file_.seekg(0);
  reader->in_ = &reader->file_;
  return reader;
}

bool JsonLinesReader::Next(std::string& line) {
  while (std::getline(*in_, line)) {
    ++line_number_;
    bytes_read_ += static_cast<int64_t>(line.size()) + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();  // files written on Windows
    absl::string_view content = absl::StripLeadingAsciiWhitespace(line);
    if (content.empty() || content[0] == '#') continue;
    return true;
  }
  return false;
}

absl::Status JsonLinesReader::status() const {
  if (in_->bad()) return absl::DataLossError(absl::StrCat("cannot read ", path_, " after line ", line_number_));
  return absl::OkStatus();
}

}  // namespace passerelle::clients
