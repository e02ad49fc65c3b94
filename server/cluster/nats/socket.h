// Blocking TCP helpers for the NATS connection (connection.cc): connect with a timeout, write all.
#ifndef PASSERELLE_SERVER_CLUSTER_NATS_SOCKET_H_
#define PASSERELLE_SERVER_CLUSTER_NATS_SOCKET_H_

#include <chrono>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace passerelle::cluster::nats {

struct HostPort {
  std::string host;
  std::string port;
};

// Parses "nats://h1:4222,h2:4223" (the scheme is optional). InvalidArgument on an empty list or an
// entry without a port.
absl::StatusOr<std::vector<HostPort>> ParseServerList(absl::string_view servers);

// A connected TCP socket (TCP_NODELAY, writes bounded by `write_timeout`). Unavailable on failure.
absl::StatusOr<int> ConnectTcp(const HostPort& server, absl::Duration connect_timeout,
                               absl::Duration write_timeout);

// Writes every byte of `data`. Unavailable on error or when the write timeout passes.
absl::Status WriteAll(int fd, absl::string_view data);

// Waits up to `timeout` for `fd` to be readable; then reads what is there, appending to `*buffer`.
// Returns false on EOF or error, true otherwise (also when nothing came in time).
bool ReadSome(int fd, absl::Duration timeout, std::string* buffer);

// now + `d` on the steady clock, for std::condition_variable waits (d is clamped to [0, 1 year] so that
// an infinite duration does not overflow).
std::chrono::steady_clock::time_point SteadyDeadline(absl::Duration d);

}  // namespace passerelle::cluster::nats

#endif  // PASSERELLE_SERVER_CLUSTER_NATS_SOCKET_H_
