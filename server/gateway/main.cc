// passerelle-gateway: the Passerelle API as JSON over HTTP, and the console, in front of passerelle-server.
//
//   passerelle-gateway [--listen=127.0.0.1:8080] [--server=127.0.0.1:50051] [--console_dir=DIR] ...
//
// A gRPC client of the server: every call carries the caller's key, and the server applies its rules
// (docs/api.md "HTTP/JSON gateway"). SIGTERM or SIGINT stop it after the requests being served.
// Logs: one JSON object per line on stderr (method, route template, status, latency; no key, no body).
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/call_log.h"
#include "server/gateway/gateway.h"
#include "server/status_convert.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:8080",
          "Address to listen on, host:port (port 0: any free port). Loopback by default; a non-loopback address "
          "needs --tls_cert and --tls_key (or --allow_insecure_remote).");
ABSL_FLAG(std::string, server, "127.0.0.1:50051", "passerelle-server's address, host:port.");
ABSL_FLAG(std::string, server_ca, "",
          "PEM CA certificate(s) that signed the server's certificate: the gateway then speaks TLS to the server. "
          "Empty: plaintext, which the server accepts from loopback only.");
ABSL_FLAG(std::string, tls_cert, "", "PEM certificate chain of the gateway; with --tls_key, it speaks HTTPS only.");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls_cert.");
ABSL_FLAG(bool, allow_insecure_remote, false,
          "Serve a non-loopback --listen address without TLS (behind a TLS-terminating proxy only: keys cross the "
          "network in clear). Without it such an address is refused.");
ABSL_FLAG(std::string, console_dir, "",
          "Folder of the console's files, served under /console/. Default: <prefix>/share/passerelle/console next "
          "to an installed binary, else the clients/console/ folder of the source tree this binary was built from.");
ABSL_FLAG(int64_t, max_body_bytes, 1 << 20, "Largest request body, in bytes (413 beyond).");
ABSL_FLAG(int64_t, max_import_body_bytes, 16 << 20, "Largest body of an import (a JSON array or JSON Lines), in bytes.");
ABSL_FLAG(int32_t, threads, 32, "Requests served at once, in [2, 1024]; each open stream (watch, rerank) holds one.");
ABSL_FLAG(double, call_deadline_seconds, 0, "Deadline the gateway sets on each call, in seconds; 0 = the server's.");
ABSL_FLAG(std::string, port_file, "",
          "If set, the bound port is written to this file once the gateway is serving (for scripts and tests).");

namespace passerelle::gateway {
namespace {

std::string ConsoleDir() {
  std::string dir = absl::GetFlag(FLAGS_console_dir);
  if (!dir.empty()) return dir;
  std::error_code error;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", error);
  if (!error) {
    const std::filesystem::path installed = (exe.parent_path() / PASSERELLE_INSTALLED_CONSOLE_RELATIVE).lexically_normal();
    if (std::filesystem::is_directory(installed, error)) return installed.string();
  }
  return PASSERELLE_SOURCE_CONSOLE_DIR;
}

bool WritePortFile(const std::string& path, int port) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << port << "\n";
    if (!out.good()) return false;
  }
  std::error_code error;
  std::filesystem::rename(tmp, path, error);
  return !error;
}

int Run() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before any thread starts: only sigwait receives them

  GatewayOptions options;
  options.listen_address = absl::GetFlag(FLAGS_listen);
  options.server_address = absl::GetFlag(FLAGS_server);
  options.server_ca_file = absl::GetFlag(FLAGS_server_ca);
  options.tls_cert_file = absl::GetFlag(FLAGS_tls_cert);
  options.tls_key_file = absl::GetFlag(FLAGS_tls_key);
  options.allow_insecure_remote = absl::GetFlag(FLAGS_allow_insecure_remote);
  options.console_dir = ConsoleDir();
  options.max_body_bytes = static_cast<size_t>(std::max<int64_t>(0, absl::GetFlag(FLAGS_max_body_bytes)));
  options.max_import_body_bytes = static_cast<size_t>(std::max<int64_t>(0, absl::GetFlag(FLAGS_max_import_body_bytes)));
  options.threads = absl::GetFlag(FLAGS_threads);
  options.call_deadline_seconds = absl::GetFlag(FLAGS_call_deadline_seconds);

  absl::StatusOr<std::unique_ptr<Gateway>> gateway = Gateway::Start(options);
  if (!gateway.ok()) {
    server::LogEvent("fatal", {{"code", server::StatusCodeName(gateway.status().code())},
                               {"message", gateway.status().message()}});
    return 1;
  }
  server::LogEvent("gateway", {{"listen", options.listen_address},
                               {"port", (*gateway)->port()},
                               {"server", options.server_address},
                               {"console_dir", options.console_dir}});
  const std::string port_file = absl::GetFlag(FLAGS_port_file);
  if (!port_file.empty() && !WritePortFile(port_file, (*gateway)->port())) {
    server::LogEvent("fatal", {{"message", absl::StrCat("cannot write --port_file ", port_file)}});
    return 1;
  }
  int signal = 0;
  while (sigwait(&signals, &signal) != 0) {
  }
  server::LogEvent("signal", {{"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"}});
  (*gateway)->Shutdown();
  return 0;
}

}  // namespace
}  // namespace passerelle::gateway

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "The Passerelle API as JSON over HTTP, and the console, in front of passerelle-server.\n"
      "Usage: passerelle-gateway [--listen=127.0.0.1:8080] [--server=127.0.0.1:50051] [flags]");
  absl::FlagsUsageConfig config;
  config.contains_help_flags = [](absl::string_view file) { return absl::EndsWith(file, "server/gateway/main.cc"); };
  config.contains_helpshort_flags = config.contains_help_flags;
  absl::SetFlagsUsageConfig(config);
  absl::ParseCommandLine(argc, argv);
  return passerelle::gateway::Run();
}
