#include "clients/import_report.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ostream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "clients/json_io.h"
#include "clients/table.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace passerelle::clients {
namespace {

// The "id" of a line that is valid JSON but not a valid record, so the report can name it.
std::string IdOfLine(absl::string_view text) {
  google::protobuf::Struct object;
  if (!google::protobuf::util::JsonStringToMessage(google::protobuf::StringPiece(text.data(), text.size()), &object)
           .ok()) {
    return "";
  }
  auto it = object.fields().find("id");
  return it != object.fields().end() && it->second.has_string_value() ? it->second.string_value() : "";
}

}  // namespace

void ImportTally::RejectUnparsed(int64_t line, absl::string_view text, absl::string_view reason) {
  ++rejected;
  // ParseJson says "field: reason" when the parser named a field, "not a valid JSON record: ..." when not.
  RejectedLine rejected_line{line, IdOfLine(text), "INVALID_ARGUMENT", "", std::string(reason)};
  size_t colon = reason.find(": ");
  if (!absl::StartsWith(reason, "not a valid JSON") && colon != absl::string_view::npos) {
    rejected_line.field = std::string(reason.substr(0, colon));
    rejected_line.reason = std::string(reason.substr(colon + 2));
  }
  rejected_lines.push_back(std::move(rejected_line));
}

void ImportTally::AddServerReport(const v1::ImportResponse& response, const std::vector<int64_t>& lines) {
  std::vector<bool> reported(lines.size(), false);
  for (const v1::ImportItemReport& item : response.items()) {
    const bool known = item.index() >= 0 && item.index() < static_cast<int64_t>(lines.size());
    if (!known || reported[item.index()]) continue;  // not an item sent: counted below as missing
    reported[item.index()] = true;
    if (item.status() == v1::IMPORT_ITEM_STATUS_ACCEPTED) {
      ++accepted;
      continue;
    }
    ++rejected;
    rejected_lines.push_back({lines[item.index()], item.id(), item.code(), item.field(), item.reason()});
  }
  // Every line sent must come back stored or rejected; a server that ends a stream early (issue 16)
  // must not make an import look complete.
  for (size_t i = 0; i < lines.size(); ++i) {
    if (reported[i]) continue;
    ++unaccounted;
    rejected_lines.push_back({lines[i], "", "UNACCOUNTED", "",
                              "sent, but the server's report neither stored nor rejected it; import it again"});
  }
  // Lines rejected here and by the server interleave; keep the report in file order.
  std::stable_sort(rejected_lines.begin(), rejected_lines.end(),
                   [](const RejectedLine& a, const RejectedLine& b) { return a.line < b.line; });
}

std::string ImportTally::Summary(const ReportOptions& options) const {
  // "1 candidate", "2 candidates": options.kind is the plural.
  const std::string kind = accepted == 1 ? options.kind.substr(0, options.kind.size() - 1) : options.kind;
  std::string out =
      absl::StrFormat("Imported %s: %d %s stored, %d %s rejected (%d %s read).\n", options.path, accepted, kind,
                      rejected, rejected == 1 ? "line" : "lines", lines_read, lines_read == 1 ? "line" : "lines");
  if (unaccounted > 0) {
    absl::StrAppendFormat(&out, "%d %s sent but not accounted for by the server (code UNACCOUNTED below).\n",
                          unaccounted, unaccounted == 1 ? "line was" : "lines were");
  }
  if (rejected_lines.empty() || options.show_rejected <= 0) return out;
  Table table({{"line", Align::kRight}, {"id"}, {"code"}, {"field"}, {"reason"}});
  int64_t shown = std::min<int64_t>(options.show_rejected, static_cast<int64_t>(rejected_lines.size()));
  for (int64_t i = 0; i < shown; ++i) {
    const RejectedLine& r = rejected_lines[i];
    table.AddRow({absl::StrCat(r.line), r.id, r.code, r.field.empty() ? "-" : r.field, r.reason});
  }
  absl::StrAppend(&out, "\nRejected lines:\n", table.Render());
  if (shown < static_cast<int64_t>(rejected_lines.size())) {
    absl::StrAppend(&out, "... and ", rejected_lines.size() - shown, " more (--json lists them all).\n");
  }
  return out;
}

std::string ImportTally::ToJson(const ReportOptions& options) const {
  // Written by hand to keep the keys in this order (a protobuf Struct prints them in hash order).
  std::string out = absl::StrFormat(
      "{\n \"file\": %s,\n \"kind\": %s,\n \"lines_read\": %d,\n \"accepted\": %d,\n \"rejected\": %d,\n"
      " \"unaccounted\": %d,\n \"rejected_lines\": [",
      JsonQuote(options.path), JsonQuote(options.kind), lines_read, accepted, rejected, unaccounted);
  for (size_t i = 0; i < rejected_lines.size(); ++i) {
    const RejectedLine& r = rejected_lines[i];
    absl::StrAppendFormat(&out, "%s\n  {\"line\": %d, \"id\": %s, \"code\": %s, \"field\": %s, \"reason\": %s}",
                          i == 0 ? "" : ",", r.line, JsonQuote(r.id), JsonQuote(r.code), JsonQuote(r.field),
                          JsonQuote(r.reason));
  }
  absl::StrAppend(&out, rejected_lines.empty() ? "]\n}" : "\n ]\n}");
  return out;
}

ProgressLine::ProgressLine(std::ostream& err, std::string kind, bool enabled)
    : err_(err), kind_(std::move(kind)), enabled_(enabled), terminal_(isatty(fileno(stderr)) != 0) {
  start_ = last_ = std::chrono::steady_clock::now();
}

void ProgressLine::Update(const ImportTally& tally, int64_t bytes_read, int64_t total_bytes) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  // Short imports show nothing; long ones every second on a terminal, every 5 s in a log.
  const auto every = terminal_ ? std::chrono::seconds(1) : std::chrono::seconds(5);
  if (now - last_ < every) return;
  last_ = now;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  std::string line = absl::StrFormat("%s: %d lines read", kind_, tally.lines_read);
  if (total_bytes > 0) absl::StrAppendFormat(&line, " (%.0f%%)", 100.0 * bytes_read / total_bytes);
  absl::StrAppendFormat(&line, ", %d stored, %d rejected, %.0f lines/s", tally.accepted, tally.rejected,
                        tally.lines_read / std::max(seconds, 1e-3));
  err_ << (terminal_ ? "\r\033[K" : "") << line << (terminal_ ? "" : "\n") << std::flush;
  shown_ = true;
}

void ProgressLine::Finish() {
  if (shown_ && terminal_) err_ << "\n" << std::flush;
  shown_ = false;
}

}  // namespace passerelle::clients
