// The configuration file of passerelle-server (--config=FILE): the server's flags as key=value lines.
//
//   # /etc/passerelle/passerelle.conf
//   listen = 127.0.0.1:50051
//   data_dir = /var/lib/passerelle/data
//   metrics_listen = 127.0.0.1:9464
//
// One setting per line, `name = value` (spaces around both trimmed, no quoting: the value runs to the end
// of the line); blank lines and lines starting with '#' are ignored. A name is a flag's name without
// dashes. Flags given on the command line override the file.
#ifndef PASSERELLE_SERVER_CONFIG_FILE_H_
#define PASSERELLE_SERVER_CONFIG_FILE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace passerelle::server {

struct ConfigSetting {
  std::string name;
  std::string value;
  int line = 0;  // 1-based, for error messages
};

// Parses the text of a configuration file. InvalidArgument naming the line for a line without '=',
// an empty name or a name that starts with '-'.
absl::StatusOr<std::vector<ConfigSetting>> ParseConfig(absl::string_view text);

// Reads and parses `path`; NotFound when it cannot be read.
absl::StatusOr<std::vector<ConfigSetting>> ReadConfigFile(const std::string& path);

// The value of --config in argv ("--config=FILE", "-config=FILE" or "--config FILE"), "" when absent.
std::string ConfigPathInArgs(int argc, char** argv);

}  // namespace passerelle::server

#endif  // PASSERELLE_SERVER_CONFIG_FILE_H_
