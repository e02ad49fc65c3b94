#include "server/cluster/nats/socket.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace passerelle::cluster::nats {

absl::StatusOr<std::vector<HostPort>> ParseServerList(absl::string_view servers) {
  std::vector<HostPort> out;
  for (absl::string_view entry : absl::StrSplit(servers, ',', absl::SkipWhitespace())) {
    entry = absl::StripAsciiWhitespace(entry);
    absl::ConsumePrefix(&entry, "nats://");
    size_t colon = entry.rfind(':');
    if (colon == absl::string_view::npos || colon == 0 || colon + 1 == entry.size()) {
      return absl::InvalidArgumentError(absl::StrCat("NATS server without host:port: '", entry, "'"));
    }
    out.push_back(HostPort{std::string(entry.substr(0, colon)), std::string(entry.substr(colon + 1))});
  }
  if (out.empty()) return absl::InvalidArgumentError("empty NATS server list");
  return out;
}

namespace {

// Non-blocking connect so that a dead address costs `timeout`, not the kernel's minutes.
bool ConnectWithin(int fd, const sockaddr* addr, socklen_t len, absl::Duration timeout) {
  int flags = fcntl(fd, F_GETFL, 0);
  fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  int rc = connect(fd, addr, len);
  if (rc != 0 && errno != EINPROGRESS) return false;
  if (rc != 0) {
    pollfd p{fd, POLLOUT, 0};
    if (poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(timeout))) != 1) return false;
    int error = 0;
    socklen_t error_len = sizeof(error);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &error_len) != 0 || error != 0) return false;
  }
  fcntl(fd, F_SETFL, flags);
  return true;
}

}  // namespace

absl::StatusOr<int> ConnectTcp(const HostPort& server, absl::Duration connect_timeout,
                               absl::Duration write_timeout) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(server.host.c_str(), server.port.c_str(), &hints, &found) != 0) {
    return absl::UnavailableError(absl::StrCat("cannot resolve ", server.host));
  }
  int fd = -1;
  for (addrinfo* a = found; a != nullptr && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd >= 0 && !ConnectWithin(fd, a->ai_addr, a->ai_addrlen, connect_timeout)) {
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  if (fd < 0) return absl::UnavailableError(absl::StrCat("cannot connect to ", server.host, ":", server.port));
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  timeval tv{};
  tv.tv_sec = absl::ToInt64Seconds(write_timeout);
  tv.tv_usec = absl::ToInt64Microseconds(write_timeout) % 1000000;
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  return fd;
}

absl::Status WriteAll(int fd, absl::string_view data) {
  while (!data.empty()) {
    ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return absl::UnavailableError(absl::StrCat("NATS write failed: ", std::strerror(errno)));
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

std::chrono::steady_clock::time_point SteadyDeadline(absl::Duration d) {
  d = std::clamp(d, absl::ZeroDuration(), absl::Hours(24 * 365));
  return std::chrono::steady_clock::now() + absl::ToChronoNanoseconds(d);
}

bool ReadSome(int fd, absl::Duration timeout, std::string* buffer) {
  pollfd p{fd, POLLIN, 0};
  int rc = poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(timeout)));
  if (rc < 0) return errno == EINTR;
  if (rc == 0) return true;
  char chunk[64 * 1024];
  ssize_t n = recv(fd, chunk, sizeof(chunk), 0);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
  if (n <= 0) return false;
  buffer->append(chunk, static_cast<size_t>(n));
  return true;
}

}  // namespace passerelle::cluster::nats
