// passerelle-gateway's options, and their checks (apart from the HTTP server: cpp-httplib's headers and
// the engine's must not meet in one file, <resolv.h> defines a macro `_res` that breaks Eigen).
#ifndef PASSERELLE_SERVER_GATEWAY_GATEWAY_OPTIONS_H_
#define PASSERELLE_SERVER_GATEWAY_GATEWAY_OPTIONS_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"

namespace passerelle::gateway {

struct GatewayOptions {
  // host:port to listen on (port 0: any free port). Default: "127.0.0.1:8080" (loopback only)
  std::string listen_address = "127.0.0.1:8080";
  // passerelle-server's host:port. Default: "127.0.0.1:50051"
  std::string server_address = "127.0.0.1:50051";
  // PEM CA certificate(s) to verify the server by: the gateway then speaks TLS to it. Default: "" (plaintext,
  // which the server takes from loopback only)
  std::string server_ca_file;
  // PEM certificate chain and key of the gateway: HTTPS only. Default: "" (plain HTTP, loopback only)
  std::string tls_cert_file;
  std::string tls_key_file;
  // Serve a non-loopback address without TLS (behind a TLS-terminating proxy only). Default: false
  bool allow_insecure_remote = false;
  // Folder of the console's static files, served under /console/. Default: "" (no console)
  std::string console_dir;
  // Largest request body, and for imports (client-streaming rpcs). Default: 1 MiB, 16 MiB
  size_t max_body_bytes = 1u << 20;
  size_t max_import_body_bytes = 16u << 20;
  // Requests served at once (each open stream holds one). Default: 32
  int threads = 32;
  // Deadline the gateway sets on each call, in seconds; 0 = none (the server applies its own). Default: 0
  double call_deadline_seconds = 0;
};

// INVALID_ARGUMENT for TLS files given alone, a non-loopback address without TLS (unless
// allow_insecure_remote), caps under 1 KiB or threads out of [2, 1024].
absl::Status ValidateGatewayOptions(const GatewayOptions& options);

// "127.0.0.1:8080" -> "127.0.0.1", 8080; "[::1]:0" -> "::1", 0.
absl::Status SplitHostPort(const std::string& address, std::string& host, int& port);

}  // namespace passerelle::gateway

#endif  // PASSERELLE_SERVER_GATEWAY_GATEWAY_OPTIONS_H_
