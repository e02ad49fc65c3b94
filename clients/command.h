// The passerelle CLI's commands: a table of sub-commands of one or two words, their help texts, and
// the dispatch from a command line to one of them.
//
// Exit codes (also in docs/api.md, "Command-line client"):
//   0  success
//   1  the server answered with an error, or could not be reached (its message is printed)
//   2  the command line is wrong: unknown command or option, bad value, unreadable or invalid input file
//   3  import: some lines were rejected (each is reported); every other line was stored
//
// Thread-safety: thread-compatible.
#ifndef PASSERELLE_CLIENTS_COMMAND_H_
#define PASSERELLE_CLIENTS_COMMAND_H_

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "clients/command_line.h"
#include "clients/session.h"

namespace passerelle::clients {

inline constexpr int kExitOk = 0;
inline constexpr int kExitServerError = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitImportRejected = 3;

// The longest list an option may ask for (--k, --pool, --slots, --near-misses, --reasons): the largest k the
// server accepts by default (its --max_k flag); the server has the last word.
inline constexpr int64_t kMaxListLength = 1000;

// What a command's run function returns besides a status: the exit code on success (an import with
// rejected lines succeeds but exits 3).
struct CommandOutcome {
  int exit_code = kExitOk;
};

struct Command {
  // Words that select the command: {"match", "openings"}. A plural and its singular are the same word
  // ("candidates" = "candidate").
  std::vector<std::string> path;
  // Positional arguments, for the usage line: "FILE", "ID".
  std::string arguments;
  // One line, shown in lists.
  std::string summary;
  // A paragraph or two, shown by --help.
  std::string details;
  // The command's own options; the global ones (--server, --json, ...) are added to every command.
  std::vector<OptionSpec> options;
  // Shown by --help, one command line each.
  std::vector<std::string> examples;
  std::function<absl::StatusOr<CommandOutcome>(Session&, const ParsedArgs&)> run;
};

// Options every command accepts.
std::vector<OptionSpec> GlobalOptions();

// The commands, grouped by file.
void AddRecordCommands(std::vector<Command>& commands);   // put, get, delete, status, health
void AddImportCommands(std::vector<Command>& commands);   // import
void AddFranceTravailImportCommand(std::vector<Command>& commands);  // import francetravail
void AddMatchCommands(std::vector<Command>& commands);    // match openings|candidates, explain
void AddProfileCommands(std::vector<Command>& commands);  // profiles put|get|list
void AddBatchCommands(std::vector<Command>& commands);    // rerank, assign
void AddCohortCommands(std::vector<Command>& commands);   // cohorts
void AddGovernanceCommands(std::vector<Command>& commands);  // audit, expiring, offboard
void AddAccessCommands(std::vector<Command>& commands);   // keys create|list|revoke, share put|delete|list
void AddDiscoveryCommands(std::vector<Command>& commands);  // list, search, lookup, watch
std::vector<Command> AllCommands();

// Runs the command line (without argv[0]) and returns the process exit code. Results go to `out`,
// errors, help for mistakes and progress to `err`; --help goes to `out`.
int RunCommandLine(absl::Span<const std::string> args, std::ostream& out, std::ostream& err);

// A status meaning "the command line is wrong" (exit code 2); any status not from the server is one.
absl::Status UsageError(absl::string_view message);

}  // namespace passerelle::clients

#endif  // PASSERELLE_CLIENTS_COMMAND_H_
