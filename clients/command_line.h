// Command-line parsing for the passerelle tools: sub-commands of one or two words ("match openings"),
// each with its own options and help text. absl/flags is global to a binary and has no sub-commands, so
// the CLI keeps this small parser instead.
//
// Options are written `--name VALUE`, `--name=VALUE` or, for switches, `--name`. Dashes and underscores
// in names are the same (`--min-score` = `--min_score`). A lone `-` is a positional (stdin), and `--` ends
// the options.
//
// Thread-safety: value types, thread-compatible.
//
// Example:
//   std::vector<OptionSpec> specs = {{"candidate", "ID", "the candidate's id"}, {"json", "", "print JSON"}};
//   absl::StatusOr<ParsedArgs> args = ParseArgs({"--candidate", "c-1", "--json"}, specs);
//   args->Get("candidate");  // "c-1"
#ifndef PASSERELLE_CLIENTS_COMMAND_LINE_H_
#define PASSERELLE_CLIENTS_COMMAND_LINE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace passerelle::clients {

// One option a command accepts.
struct OptionSpec {
  std::string name;        // without dashes, words joined by '-': "min-score"
  std::string value_name;  // shown in help ("ID", "N"); empty for a switch that takes no value
  std::string help;        // one line; ends with "Default: ..." when there is one
};

// The options and positional arguments of one command line, after checking them against the specs.
class ParsedArgs {
 public:
  bool Has(absl::string_view name) const { return values_.count(std::string(name)) > 0; }
  // The option's value, or `fallback` when it was not given.
  std::string Get(absl::string_view name, absl::string_view fallback = "") const;
  // Parses the option as a number in [lo, hi]; InvalidArgument naming the option otherwise.
  absl::StatusOr<int64_t> GetInt(absl::string_view name, int64_t fallback, int64_t lo, int64_t hi) const;
  absl::StatusOr<double> GetDouble(absl::string_view name, double fallback, double lo, double hi) const;
  // A required option: InvalidArgument "--name ID is required" when absent or empty.
  absl::StatusOr<std::string> Require(absl::string_view name) const;

  const std::vector<std::string>& positionals() const { return positionals_; }

  // Used by ParseArgs.
  void Set(const std::string& name, std::string value) { values_[name] = std::move(value); }
  void AddPositional(std::string value) { positionals_.push_back(std::move(value)); }

 private:
  std::map<std::string, std::string> values_;  // switches map to "true"
  std::vector<std::string> positionals_;
};

// Checks every option against `specs` (unknown options, missing values) and splits off positionals.
// Errors are InvalidArgument with a message a person can act on ("unknown option --candiate").
absl::StatusOr<ParsedArgs> ParseArgs(absl::Span<const std::string> args, absl::Span<const OptionSpec> specs);

// Renders the options as an aligned help block, one option per line, indented by two spaces.
std::string FormatOptions(absl::Span<const OptionSpec> specs);

// Splits a comma-separated list, trimming spaces and dropping empty items: "CDI, CDD" -> {"CDI", "CDD"}.
std::vector<std::string> SplitList(absl::string_view text);

}  // namespace passerelle::clients

#endif  // PASSERELLE_CLIENTS_COMMAND_LINE_H_
