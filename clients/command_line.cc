#include "clients/command_line.h"

#include <algorithm>
#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace passerelle::clients {
namespace {

// "min_score" and "min-score" name the same option.
std::string CanonicalName(absl::string_view name) {
  std::string out(name);
  std::replace(out.begin(), out.end(), '_', '-');
  return out;
}

const OptionSpec* FindSpec(absl::Span<const OptionSpec> specs, const std::string& name) {
  for (const OptionSpec& spec : specs) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

}  // namespace

std::string ParsedArgs::Get(absl::string_view name, absl::string_view fallback) const {
  auto it = values_.find(std::string(name));
  return it == values_.end() ? std::string(fallback) : it->second;
}

absl::StatusOr<int64_t> ParsedArgs::GetInt(absl::string_view name, int64_t fallback, int64_t lo, int64_t hi) const {
  if (!Has(name)) return fallback;
  int64_t value = 0;
  if (!absl::SimpleAtoi(Get(name), &value) || value < lo || value > hi) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", name, " must be a whole number in [", lo, ", ", hi, "], got \"", Get(name), "\""));
  }
  return value;
}

absl::StatusOr<double> ParsedArgs::GetDouble(absl::string_view name, double fallback, double lo, double hi) const {
  if (!Has(name)) return fallback;
  double value = 0;
  if (!absl::SimpleAtod(Get(name), &value) || !std::isfinite(value) || value < lo || value > hi) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", name, " must be a number in [", lo, ", ", hi, "], got \"", Get(name), "\""));
  }
  return value;
}

absl::StatusOr<std::string> ParsedArgs::Require(absl::string_view name) const {
  std::string value = Get(name);
  if (value.empty()) return absl::InvalidArgumentError(absl::StrCat("--", name, " is required"));
  return value;
}

absl::StatusOr<ParsedArgs> ParseArgs(absl::Span<const std::string> args, absl::Span<const OptionSpec> specs) {
  ParsedArgs parsed;
  bool options_ended = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (options_ended || arg.size() < 2 || arg[0] != '-') {
      parsed.AddPositional(arg);
      continue;
    }
    if (arg == "--") {
      options_ended = true;
      continue;
    }
    // "-h" is the only short option, kept because people type it.
    absl::string_view body = arg == "-h" ? "help" : absl::string_view(arg).substr(arg[1] == '-' ? 2 : 1);
    size_t eq = body.find('=');
    std::string name = CanonicalName(body.substr(0, eq));
    const OptionSpec* spec = FindSpec(specs, name);
    if (spec == nullptr) return absl::InvalidArgumentError(absl::StrCat("unknown option ", arg));
    if (spec->value_name.empty()) {
      if (eq != absl::string_view::npos) {
        return absl::InvalidArgumentError(absl::StrCat("--", name, " takes no value"));
      }
      parsed.Set(name, "true");
    } else if (eq != absl::string_view::npos) {
      parsed.Set(name, std::string(body.substr(eq + 1)));
    } else if (i + 1 < args.size()) {
      parsed.Set(name, args[++i]);
    } else {
      return absl::InvalidArgumentError(absl::StrCat("--", name, " needs a value (", spec->value_name, ")"));
    }
  }
  return parsed;
}

std::string FormatOptions(absl::Span<const OptionSpec> specs) {
  std::vector<std::string> heads;
  size_t width = 0;
  for (const OptionSpec& spec : specs) {
    std::string head = absl::StrCat("--", spec.name);
    if (!spec.value_name.empty()) absl::StrAppend(&head, " ", spec.value_name);
    width = std::max(width, head.size());
    heads.push_back(std::move(head));
  }
  std::string out;
  for (size_t i = 0; i < specs.size(); ++i) {
    absl::StrAppend(&out, "  ", heads[i], std::string(width - heads[i].size() + 2, ' '), specs[i].help, "\n");
  }
  return out;
}

std::vector<std::string> SplitList(absl::string_view text) {
  std::vector<std::string> out;
  for (absl::string_view item : absl::StrSplit(text, ',')) {
    item = absl::StripAsciiWhitespace(item);
    if (!item.empty()) out.emplace_back(item);
  }
  return out;
}

}  // namespace passerelle::clients
