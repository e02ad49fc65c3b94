// The NATS client protocol's wire format (docs.nats.io, "Client Protocol"): the handshake, PUB/HPUB
// framing and the parsing of what the server sends. No sockets here beyond the handshake's.
#ifndef PASSERELLE_SERVER_CLUSTER_NATS_PROTOCOL_H_
#define PASSERELLE_SERVER_CLUSTER_NATS_PROTOCOL_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/cluster/nats/connection.h"

namespace passerelle::cluster::nats {

// "PUB subject [reply] n\r\n<data>\r\n", or HPUB with the header block when `headers` is not empty.
std::string FormatPublish(absl::string_view subject, absl::string_view reply, absl::string_view headers,
                          absl::string_view data);

// A header block with one header: "NATS/1.0\r\n<name>: <value>\r\n\r\n".
std::string FormatHeader(absl::string_view name, absl::string_view value);

// Reads INFO, sends CONNECT (headers and no-responders on, verbose off) and PING, and waits for PONG
// until `deadline`. What the server sent after the PONG stays in `*rest`; `*max_payload_bytes` gets
// the INFO's max_payload (the server closes a connection that publishes more). Unavailable on
// failure, with the server's -ERR text when it sent one.
absl::Status Handshake(int fd, absl::string_view client_name, absl::Time deadline, std::string* rest,
                       int64_t* max_payload_bytes);

struct ProtocolEvents {
  std::vector<std::pair<uint64_t, NatsMessage>> messages;  // by subscription id, in arrival order
  int pings = 0;
  int pongs = 0;
};

// Consumes every complete operation at the front of `*buffer` (a partial one stays). False when the
// buffer holds something that is not the protocol: the connection must be dropped.
bool ParseMessages(std::string* buffer, ProtocolEvents* events);

}  // namespace passerelle::cluster::nats

#endif  // PASSERELLE_SERVER_CLUSTER_NATS_PROTOCOL_H_
