// What an import tells the person running it: a progress line while it runs, and at the end how many
// records were stored and which lines were rejected, with field and reason.
//
// Thread-safety: thread-compatible.
#ifndef PASSERELLE_CLIENTS_IMPORT_REPORT_H_
#define PASSERELLE_CLIENTS_IMPORT_REPORT_H_

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "passerelle/v1/matching.pb.h"

namespace passerelle::clients {

struct RejectedLine {
  int64_t line = 0;    // 1-based line number in the file
  std::string id;      // the record's id, when known
  std::string code;    // gRPC status code name a single put would get ("INVALID_ARGUMENT")
  std::string field;   // path of the offending field in the record; "" when the line as a whole is wrong
  std::string reason;  // what is wrong
};

struct ReportOptions {
  std::string path;  // the file imported
  std::string kind;  // "candidates" or "openings"
  // Rejected lines listed by Summary(); ToJson() lists all. Default: 50.
  int64_t show_rejected = 50;
};

// Counts of one import, over all its batches.
struct ImportTally {
  int64_t lines_read = 0;                    // non-blank lines
  int64_t accepted = 0;                      // stored and synced
  int64_t rejected = 0;                      // not stored: unparsable here, or refused by the server
  // Sent to the server but absent from its report (neither stored nor rejected): always a fault, listed
  // in rejected_lines with code "UNACCOUNTED"; the import then exits non-zero.
  int64_t unaccounted = 0;
  std::vector<RejectedLine> rejected_lines;  // in line order

  // A line the CLI could not turn into a record (bad JSON, unknown field, bad enum value).
  void RejectUnparsed(int64_t line, absl::string_view text, absl::string_view reason);
  // Folds one batch's report in; `lines[i]` is the line of the batch's item i. Compares the items sent
  // (lines) with the items reported: one without a report counts in `unaccounted`.
  void AddServerReport(const v1::ImportResponse& response, const std::vector<int64_t>& lines);

  // "Imported FILE: N candidates stored, M lines rejected ..." and the table of rejected lines.
  std::string Summary(const ReportOptions& options) const;
  // {file, kind, lines_read, accepted, rejected, unaccounted, rejected_lines: [{line, id, code, field,
  // reason}]}.
  // As JSON text, keys in this order.
  std::string ToJson(const ReportOptions& options) const;
};

// A progress line on stderr for imports that take more than a second: rewritten in place on a
// terminal, one line every few seconds otherwise (logs of scripts and CI).
class ProgressLine {
 public:
  ProgressLine(std::ostream& err, std::string kind, bool enabled);

  // total_bytes < 0 when the input's size is unknown (stdin).
  void Update(const ImportTally& tally, int64_t bytes_read, int64_t total_bytes);
  // Ends the line on a terminal when one was shown.
  void Finish();

 private:
  std::ostream& err_;
  std::string kind_;
  bool enabled_;
  bool terminal_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace passerelle::clients

#endif  // PASSERELLE_CLIENTS_IMPORT_REPORT_H_
