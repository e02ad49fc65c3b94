// A small client of the NATS client protocol (text over TCP: INFO, CONNECT, PUB/HPUB, SUB, UNSUB,
// MSG/HMSG, PING/PONG, +OK/-ERR), enough for the JetStream log (jetstream_log.h). Debian bookworm ships
// nats-server but no C or C++ client, hence this one.
//
// What it does: connects to the first reachable server of a list, reads on its own thread, answers the
// server's PINGs and sends its own (a connection that misses `max_pings_outstanding` PONGs is dead),
// reconnects to the next server of the list when the connection drops and subscribes again there, and
// offers request/reply through one wildcard inbox with per-request timeouts.
// What it does not: TLS, authentication, the cluster's advertised server list (only the configured list
// is used), buffering of publishes while disconnected (they fail with Unavailable; callers retry).
//
// Example:
//   PASSERELLE_ASSIGN_OR_RETURN(std::unique_ptr<NatsConnection> nc, NatsConnection::Connect(options));
//   PASSERELLE_ASSIGN_OR_RETURN(NatsMessage reply, nc->Request("$JS.API.INFO", "", "", absl::Seconds(2)));
#ifndef PASSERELLE_SERVER_CLUSTER_NATS_CONNECTION_H_
#define PASSERELLE_SERVER_CLUSTER_NATS_CONNECTION_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace passerelle::cluster::nats {

struct NatsConnectionOptions {
  // Servers tried in this order, comma-separated; after a loss the next one is tried first.
  // Default: "nats://127.0.0.1:4222"
  std::string servers = "nats://127.0.0.1:4222";
  // Reported to the server in CONNECT (seen in its monitoring); no quotes or backslashes.
  // Default: "passerelle"
  std::string name = "passerelle";
  // TCP connect plus the INFO/CONNECT/PING/PONG handshake, per server.
  // Default: 2 s
  absl::Duration connect_timeout = absl::Seconds(2);
  // Pause after a full round over the list failed.
  // Default: 100 ms
  absl::Duration reconnect_wait = absl::Milliseconds(100);
  // Client PINGs on an idle connection; also bounds how long a blocked write may take.
  // Default: 2 s
  absl::Duration ping_interval = absl::Seconds(2);
  // PINGs without PONG after which the connection is taken as dead.
  // Default: 2
  int max_pings_outstanding = 2;
};

struct NatsMessage {
  std::string subject;
  std::string reply;    // empty when none
  std::string headers;  // the raw header block ("NATS/1.0 ...\r\n...\r\n\r\n"), empty for MSG
  std::string data;
  int status = 0;       // the header's status code ("NATS/1.0 503" gives 503), 0 when none
};

// The value of header `name` in a raw header block (names compared case-insensitively), empty if absent.
std::string HeaderValue(absl::string_view headers, absl::string_view name);

// Thread-safe. Handlers run on the connection's reader thread: they must be quick and must not call
// Request(), Subscribe() or Unsubscribe() (they may Publish).
class NatsConnection {
 public:
  using Handler = std::function<void(NatsMessage)>;

  // Unavailable when no server of the list answers the handshake.
  static absl::StatusOr<std::unique_ptr<NatsConnection>> Connect(const NatsConnectionOptions& options);
  virtual ~NatsConnection() = default;

  // Subscribes `subject` (wildcards allowed), also on every server reconnected to later. Returns the sid.
  virtual absl::StatusOr<uint64_t> Subscribe(absl::string_view subject, Handler handler) = 0;
  // No more messages reach the handler once this returns (except one already running).
  virtual void Unsubscribe(uint64_t sid) = 0;

  // PUB, or HPUB when `headers` (a full header block) is not empty. Unavailable while disconnected;
  // InvalidArgument when headers and data exceed the server's max_payload (1 MiB by default).
  virtual absl::Status Publish(absl::string_view subject, absl::string_view reply, absl::string_view headers,
                               absl::string_view data) = 0;

  // Publishes with a fresh reply inbox and waits for the first answer. Unavailable when disconnected, when
  // the connection drops meanwhile or when the server says no one subscribes (status 503);
  // DeadlineExceeded after `timeout`.
  virtual absl::StatusOr<NatsMessage> Request(absl::string_view subject, absl::string_view headers,
                                              absl::string_view data, absl::Duration timeout) = 0;

  // A subject no other client uses, for replies ("_INBOX.<random>.<n>").
  virtual std::string NewInbox() = 0;

  // The "host:port" of the server currently connected to, empty while disconnected.
  virtual std::string ConnectedServer() = 0;
};

}  // namespace passerelle::cluster::nats

#endif  // PASSERELLE_SERVER_CLUSTER_NATS_CONNECTION_H_
