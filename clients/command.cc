#include "clients/command.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <ostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

namespace passerelle::clients {
namespace {

constexpr char kProgram[] = "passerelle";

// "candidates" and "candidate" select the same command.
bool SameWord(const std::string& typed, const std::string& word) {
  return typed == word || typed == word + "s" || typed + "s" == word;
}

std::string UsageLine(const Command& command) {
  std::string line = absl::StrCat(kProgram, " ", absl::StrJoin(command.path, " "));
  if (!command.arguments.empty()) absl::StrAppend(&line, " ", command.arguments);
  if (!command.options.empty()) absl::StrAppend(&line, " [OPTIONS]");
  return line;
}

std::string CommandHelp(const Command& command) {
  std::string out = absl::StrCat("Usage: ", UsageLine(command), "\n\n", command.summary, "\n");
  if (!command.details.empty()) absl::StrAppend(&out, "\n", command.details, "\n");
  if (!command.options.empty()) absl::StrAppend(&out, "\nOptions:\n", FormatOptions(command.options));
  if (!command.examples.empty()) {
    absl::StrAppend(&out, "\nExamples:\n");
    for (const std::string& example : command.examples) absl::StrAppend(&out, "  ", example, "\n");
  }
  return out;
}

std::string GlobalHelp() {
  return absl::StrCat("\nGlobal options (any command):\n", FormatOptions(GlobalOptions()),
                      "\nExit codes: 0 success; 1 the server answered with an error or could not be reached;\n"
                      "2 wrong command line or input file; 3 import finished with rejected lines.\n");
}

std::string ProgramHelp(absl::Span<const Command> commands) {
  std::string out =
      absl::StrCat(kProgram, ": command-line client of the Passerelle matching service (passerelle.v1.Matching).\n",
                   "Records are JSON objects in the proto3 JSON mapping of proto/passerelle/v1/records.proto.\n\n",
                   "Usage: ", kProgram, " COMMAND [ARGUMENTS] [OPTIONS]\n\nCommands:\n");
  size_t width = 0;
  std::vector<std::string> heads;
  for (const Command& command : commands) {
    heads.push_back(absl::StrCat(absl::StrJoin(command.path, " "), " ", command.arguments));
    width = std::max(width, heads.back().size());
  }
  for (size_t i = 0; i < commands.size(); ++i) {
    absl::StrAppend(&out, "  ", heads[i], std::string(width - heads[i].size() + 2, ' '), commands[i].summary, "\n");
  }
  absl::StrAppend(&out, GlobalHelp(), "\nRun '", kProgram, " COMMAND --help' for a command's options, e.g. '", kProgram,
                  " match --help'.\n");
  return out;
}

// Every command whose path starts with `words` (all of them for an empty list).
std::vector<const Command*> CommandsUnder(absl::Span<const Command> commands, absl::Span<const std::string> words) {
  std::vector<const Command*> found;
  for (const Command& command : commands) {
    if (words.size() > command.path.size()) continue;
    bool match = true;
    for (size_t i = 0; i < words.size() && match; ++i) match = SameWord(words[i], command.path[i]);
    if (match) found.push_back(&command);
  }
  return found;
}

// Positions in `args` of the leading words (not options, nor values of global options), at most two.
std::vector<size_t> LeadingWords(absl::Span<const std::string> args) {
  std::vector<size_t> positions;
  auto globals = GlobalOptions();
  for (size_t i = 0; i < args.size() && positions.size() < 2; ++i) {
    const std::string& arg = args[i];
    if (arg.size() < 2 || arg[0] != '-') {
      positions.push_back(i);
      continue;
    }
    std::string name = arg.substr(arg.find_first_not_of('-'));
    for (const OptionSpec& spec : globals) {
      if (spec.name == name && !spec.value_name.empty()) ++i;  // skip the value
    }
  }
  return positions;
}

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

// The first line of `path`, trimmed.
absl::StatusOr<std::string> ReadKeyFile(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (!in.is_open() || !std::getline(in, line)) return UsageError(absl::StrCat("cannot read the key file ", path));
  return std::string(absl::StripAsciiWhitespace(line));
}

// --key, else --key-file, else $PASSERELLE_KEY, else $PASSERELLE_KEY_FILE, else kDefaultKeyFile when it
// exists, else none.
absl::StatusOr<std::string> FindKey(const ParsedArgs& args) {
  if (args.Has("key")) return args.Get("key");
  if (args.Has("key-file")) return ReadKeyFile(args.Get("key-file"));
  if (!Env("PASSERELLE_KEY").empty()) return Env("PASSERELLE_KEY");
  if (!Env("PASSERELLE_KEY_FILE").empty()) return ReadKeyFile(Env("PASSERELLE_KEY_FILE"));
  std::error_code error;
  if (std::filesystem::exists(kDefaultKeyFile, error)) return ReadKeyFile(kDefaultKeyFile);
  return std::string();
}

absl::StatusOr<SessionOptions> SessionOptionsFrom(const ParsedArgs& args) {
  SessionOptions options;
  const char* env = std::getenv("PASSERELLE_SERVER");
  options.server = args.Get("server", env != nullptr && *env != '\0' ? env : kDefaultServer);
  options.json = args.Has("json");
  auto timeout = args.GetDouble("timeout", options.timeout_seconds, 0, 86400);
  if (!timeout.ok()) return timeout.status();
  options.timeout_seconds = *timeout;
  auto min_sequence = args.GetInt("min-sequence", 0, 0, std::numeric_limits<int64_t>::max());
  if (!min_sequence.ok()) return min_sequence.status();
  options.min_sequence = *min_sequence;
  std::string lang = args.Get("lang", "en");
  if (lang != "en" && lang != "fr") return UsageError("--lang must be en or fr");
  options.language = lang == "fr" ? Language::kFrench : Language::kEnglish;
  absl::StatusOr<std::string> key = FindKey(args);
  if (!key.ok()) return key.status();
  options.key = *std::move(key);
  options.ca_cert_file = args.Get("ca-cert");
  options.client_cert_file = args.Get("client-cert");
  options.client_key_file = args.Get("client-key");
  options.tls = args.Has("tls") || !options.ca_cert_file.empty() || !options.client_cert_file.empty();
  if (options.client_cert_file.empty() != options.client_key_file.empty()) {
    return UsageError("--client-cert and --client-key go together");
  }
  return options;
}

int ReportError(const absl::Status& status, const std::string& help_hint, std::ostream& err) {
  if (IsServerError(status)) {
    err << kProgram << ": " << StatusCodeName(status.code()) << ": " << status.message() << "\n";
    return kExitServerError;
  }
  err << kProgram << ": " << status.message() << "\n" << help_hint;
  return kExitUsage;
}

struct CommandLineSplit {
  const Command* command = nullptr;  // null when the words name no command
  std::vector<std::string> words;    // the leading words typed
  std::vector<std::string> rest;     // everything but the command's words
};

// Finds the command the leading words spell (the longest path wins) and separates its words from the rest.
CommandLineSplit SplitCommandLine(absl::Span<const Command> commands, absl::Span<const std::string> args) {
  CommandLineSplit split;
  std::vector<size_t> positions = LeadingWords(args);
  for (size_t p : positions) split.words.push_back(args[p]);
  for (size_t n = split.words.size(); n > 0 && split.command == nullptr; --n) {
    for (const Command* c : CommandsUnder(commands, absl::MakeConstSpan(split.words).first(n))) {
      if (c->path.size() == n) split.command = c;
    }
  }
  const size_t used = split.command == nullptr ? 0 : split.command->path.size();
  for (size_t i = 0; i < args.size(); ++i) {
    if (std::find(positions.begin(), positions.begin() + used, i) == positions.begin() + used) {
      split.rest.push_back(args[i]);
    }
  }
  return split;
}

// No command named: the program's help, a group's help ("passerelle match"), or an unknown word.
int ShowGroupOrFail(absl::Span<const Command> commands, const std::vector<std::string>& words, bool wants_help,
                    std::ostream& out, std::ostream& err) {
  if (words.empty()) {
    (wants_help ? out : err) << ProgramHelp(commands);
    return wants_help ? kExitOk : kExitUsage;
  }
  std::vector<const Command*> group = CommandsUnder(commands, absl::MakeConstSpan(words).first(1));
  if (group.empty()) {
    err << kProgram << ": unknown command '" << words[0] << "'\nRun '" << kProgram << " --help' for the list.\n";
    return kExitUsage;
  }
  std::string help;
  for (const Command* c : group) absl::StrAppend(&help, help.empty() ? "" : "\n", CommandHelp(*c));
  absl::StrAppend(&help, GlobalHelp());
  if (!wants_help) {
    err << kProgram << ": '" << absl::StrJoin(words, " ") << "' is not a command; the '" << words[0]
        << "' commands are:\n\n";
  }
  (wants_help ? out : err) << help;
  return wants_help ? kExitOk : kExitUsage;
}

}  // namespace

std::vector<OptionSpec> GlobalOptions() {
  return {
      {"server", "HOST:PORT",
       absl::StrCat("Address of passerelle-server. Default: $PASSERELLE_SERVER, else ", kDefaultServer, ".")},
      {"json", "", "Print the proto3 JSON of the server's responses instead of tables."},
      {"timeout", "SECONDS", "Deadline of each call (imports have none). Default: 30."},
      {"lang", "en|fr", "Language of the reasons, asked from the server (tables and --json). Default: en."},
      {"key", "KEY", "API key sent on every call. Default: $PASSERELLE_KEY, see --key-file."},
      {"key-file", "FILE",
       absl::StrCat("File whose first line is the API key. Default: $PASSERELLE_KEY_FILE, else ", kDefaultKeyFile,
                    " when it exists (the bootstrap admin key of a server started here).")},
      {"tls", "", "Connect with TLS (implied by --ca-cert and --client-cert). Default: plaintext (loopback only)."},
      {"ca-cert", "FILE", "PEM of the CA that signed the server's certificate. Default: the system's roots."},
      {"client-cert", "FILE", "PEM client certificate for mutual TLS (subject O=organisation, OU=role)."},
      {"client-key", "FILE", "PEM private key of --client-cert."},
      {"min-sequence", "N",
       "Cluster mode: answer only once the node has applied the write of sequence N (the x-passerelle-sequence "
       "of its answer). Default: none."},
      {"help", "", "Show help for the command and exit."},
  };
}

absl::Status UsageError(absl::string_view message) { return absl::InvalidArgumentError(message); }

std::vector<Command> AllCommands() {
  std::vector<Command> commands;
  AddRecordCommands(commands);
  AddImportCommands(commands);
  AddMatchCommands(commands);
  AddProfileCommands(commands);
  AddBatchCommands(commands);
  AddCohortCommands(commands);
  AddGovernanceCommands(commands);
  AddAccessCommands(commands);
  AddDiscoveryCommands(commands);
  return commands;
}

int RunCommandLine(absl::Span<const std::string> args, std::ostream& out, std::ostream& err) {
  const std::vector<Command> commands = AllCommands();
  CommandLineSplit split = SplitCommandLine(commands, args);
  bool wants_help = false;
  for (const std::string& arg : split.rest) wants_help |= arg == "--help" || arg == "-h";
  if (split.command == nullptr) return ShowGroupOrFail(commands, split.words, wants_help, out, err);
  const Command& command = *split.command;
  if (wants_help) {
    out << CommandHelp(command) << GlobalHelp();
    return kExitOk;
  }

  std::string hint = absl::StrCat("Run '", kProgram, " ", absl::StrJoin(command.path, " "), " --help' for usage.\n");
  std::vector<OptionSpec> specs = command.options;
  for (OptionSpec& global : GlobalOptions()) specs.push_back(std::move(global));
  absl::StatusOr<ParsedArgs> parsed = ParseArgs(split.rest, specs);
  if (!parsed.ok()) return ReportError(parsed.status(), hint, err);
  // Commands whose usage names no positional argument take none: "match openings c-1" is a mistake.
  const bool takes_positionals = !command.arguments.empty() && command.arguments[0] != '-';
  if (!takes_positionals && !parsed->positionals().empty()) {
    return ReportError(UsageError(absl::StrCat("unexpected argument '", parsed->positionals()[0], "'")), hint, err);
  }
  absl::StatusOr<SessionOptions> options = SessionOptionsFrom(*parsed);
  if (!options.ok()) return ReportError(options.status(), hint, err);

  Session session(*std::move(options), out, err);
  absl::StatusOr<CommandOutcome> outcome = command.run(session, *parsed);
  out.flush();
  if (!outcome.ok()) return ReportError(outcome.status(), hint, err);
  return outcome->exit_code;
}

}  // namespace passerelle::clients
