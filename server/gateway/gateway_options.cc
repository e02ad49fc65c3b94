#include "server/gateway/gateway_options.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "server/server.h"

namespace passerelle::gateway {

absl::Status SplitHostPort(const std::string& address, std::string& host, int& port) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos || !absl::SimpleAtoi(address.substr(colon + 1), &port) || port < 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("listen: \"", address, "\" is not host:port"));
  }
  absl::string_view h = absl::string_view(address).substr(0, colon);
  if (absl::ConsumePrefix(&h, "[")) absl::ConsumeSuffix(&h, "]");
  host = std::string(h);
  return absl::OkStatus();
}

absl::Status ValidateGatewayOptions(const GatewayOptions& o) {
  if (o.tls_cert_file.empty() != o.tls_key_file.empty()) {
    return absl::InvalidArgumentError("tls_cert and tls_key: give both or neither");
  }
  if (o.tls_cert_file.empty() && !o.allow_insecure_remote && !server::IsLoopbackAddress(o.listen_address)) {
    return absl::InvalidArgumentError(
        absl::StrCat("listen: \"", o.listen_address, "\" is not a loopback address and TLS is off; pass --tls_cert "
                     "and --tls_key (or --allow_insecure_remote behind a TLS-terminating proxy)"));
  }
  if (o.max_body_bytes < 1024 || o.max_import_body_bytes < 1024) {
    return absl::InvalidArgumentError("max_body_bytes, max_import_body_bytes: at least 1024");
  }
  if (o.threads < 2 || o.threads > 1024) return absl::InvalidArgumentError("threads: must be in [2, 1024]");
  return absl::OkStatus();
}

}  // namespace passerelle::gateway
