#include "server/config_file.h"

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace passerelle::server {

absl::StatusOr<std::vector<ConfigSetting>> ParseConfig(absl::string_view text) {
  std::vector<ConfigSetting> settings;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line.front() == '#') continue;
    const size_t equals = line.find('=');
    if (equals == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat("line ", line_number, ": expected name = value"));
    }
    ConfigSetting setting;
    setting.name = std::string(absl::StripAsciiWhitespace(line.substr(0, equals)));
    setting.value = std::string(absl::StripAsciiWhitespace(line.substr(equals + 1)));
    setting.line = line_number;
    if (setting.name.empty() || setting.name.front() == '-') {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", line_number, ": the name must be a flag's name without dashes"));
    }
    settings.push_back(std::move(setting));
  }
  return settings;
}

absl::StatusOr<std::vector<ConfigSetting>> ReadConfigFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read configuration file ", path));
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<std::vector<ConfigSetting>> settings = ParseConfig(text.str());
  if (!settings.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, " ", settings.status().message()));
  }
  return settings;
}

std::string ConfigPathInArgs(int argc, char** argv) {
  std::string path;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == "--") break;
    if (!absl::ConsumePrefix(&arg, "--")) absl::ConsumePrefix(&arg, "-");
    if (absl::ConsumePrefix(&arg, "config=")) {
      path = std::string(arg);
    } else if (arg == "config" && i + 1 < argc) {
      path = argv[++i];
    }
  }
  return path;  // the last one wins, as for any flag
}

}  // namespace passerelle::server
