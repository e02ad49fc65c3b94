#include "server/cluster/nats/protocol.h"

#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "server/cluster/nats/socket.h"

namespace passerelle::cluster::nats {

std::string FormatPublish(absl::string_view subject, absl::string_view reply, absl::string_view headers,
                          absl::string_view data) {
  std::string out;
  out.reserve(subject.size() + reply.size() + headers.size() + data.size() + 48);
  if (headers.empty()) {
    absl::StrAppend(&out, "PUB ", subject, " ");
    if (!reply.empty()) absl::StrAppend(&out, reply, " ");
    absl::StrAppend(&out, data.size(), "\r\n");
  } else {
    absl::StrAppend(&out, "HPUB ", subject, " ");
    if (!reply.empty()) absl::StrAppend(&out, reply, " ");
    absl::StrAppend(&out, headers.size(), " ", headers.size() + data.size(), "\r\n", headers);
  }
  absl::StrAppend(&out, data, "\r\n");
  return out;
}

std::string FormatHeader(absl::string_view name, absl::string_view value) {
  return absl::StrCat("NATS/1.0\r\n", name, ": ", value, "\r\n\r\n");
}

namespace {

// The header block's status: "NATS/1.0 503 No Responders" gives 503; 0 when there is none.
int StatusOf(absl::string_view headers) {
  absl::string_view first = headers.substr(0, headers.find("\r\n"));
  if (!absl::ConsumePrefix(&first, "NATS/1.0")) return 0;
  first = absl::StripLeadingAsciiWhitespace(first);
  int status = 0;
  return absl::SimpleAtoi(first.substr(0, 3), &status) ? status : 0;
}

// MSG <subject> <sid> [reply] <bytes> / HMSG <subject> <sid> [reply] <header bytes> <total bytes>.
bool ParseMessageLine(absl::string_view line, bool with_headers, uint64_t* sid, NatsMessage* m,
                      size_t* header_bytes, size_t* total_bytes) {
  std::vector<absl::string_view> f = absl::StrSplit(line, ' ', absl::SkipEmpty());
  size_t counts = with_headers ? 2 : 1;
  if (f.size() != 3 + counts && f.size() != 4 + counts) return false;
  m->subject = std::string(f[1]);
  if (!absl::SimpleAtoi(f[2], sid)) return false;
  if (f.size() == 4 + counts) m->reply = std::string(f[3]);
  *header_bytes = 0;
  if (with_headers && !absl::SimpleAtoi(f[f.size() - 2], header_bytes)) return false;
  return absl::SimpleAtoi(f.back(), total_bytes) && *header_bytes <= *total_bytes;
}

}  // namespace

bool ParseMessages(std::string* buffer, ProtocolEvents* events) {
  size_t pos = 0;
  bool ok = true;
  while (ok) {
    size_t eol = buffer->find("\r\n", pos);
    if (eol == std::string::npos) break;
    absl::string_view line(buffer->data() + pos, eol - pos);
    size_t next = eol + 2;
    bool is_msg = absl::StartsWith(line, "MSG ");
    bool is_hmsg = absl::StartsWith(line, "HMSG ");
    if (is_msg || is_hmsg) {
      uint64_t sid = 0;
      NatsMessage m;
      size_t header_bytes = 0, total_bytes = 0;
      if (!ParseMessageLine(line, is_hmsg, &sid, &m, &header_bytes, &total_bytes)) {
        ok = false;
        break;
      }
      if (buffer->size() < next + total_bytes + 2) break;  // the payload is not all there yet
      m.headers = buffer->substr(next, header_bytes);
      m.data = buffer->substr(next + header_bytes, total_bytes - header_bytes);
      m.status = StatusOf(m.headers);
      next += total_bytes + 2;
      events->messages.emplace_back(sid, std::move(m));
    } else if (line == "PING") {
      ++events->pings;
    } else if (line == "PONG") {
      ++events->pongs;
    } else if (!absl::StartsWith(line, "+OK") && !absl::StartsWith(line, "-ERR") &&
               !absl::StartsWith(line, "INFO ")) {
      ok = false;  // -ERR: the server closes the connection itself when the error is fatal
      break;
    }
    pos = next;
  }
  buffer->erase(0, pos);
  return ok;
}

absl::Status Handshake(int fd, absl::string_view client_name, absl::Time deadline, std::string* rest,
                       int64_t* max_payload_bytes) {
  std::string& in = *rest;
  size_t eol;
  while ((eol = in.find("\r\n")) == std::string::npos) {
    if (absl::Now() >= deadline || !ReadSome(fd, deadline - absl::Now(), &in)) {
      return absl::UnavailableError("no INFO from the NATS server");
    }
  }
  if (!absl::StartsWith(in, "INFO ")) return absl::UnavailableError("not a NATS server");
  nlohmann::json info = nlohmann::json::parse(in.begin() + 5, in.begin() + eol, nullptr, /*allow_exceptions=*/false);
  // nats-server's default when INFO does not say (it always does).
  *max_payload_bytes = 1 << 20;
  if (info.is_object() && info.contains("max_payload") && info["max_payload"].is_number_integer()) {
    *max_payload_bytes = info["max_payload"].get<int64_t>();
  }
  in.erase(0, eol + 2);
  std::string connect = absl::StrCat(
      "CONNECT {\"verbose\":false,\"pedantic\":false,\"tls_required\":false,\"name\":\"", client_name,
      "\",\"lang\":\"cpp\",\"version\":\"0.1\",\"protocol\":1,\"headers\":true,\"no_responders\":true}\r\n"
      "PING\r\n");
  absl::Status written = WriteAll(fd, connect);
  if (!written.ok()) return written;
  while (true) {
    while ((eol = in.find("\r\n")) == std::string::npos) {
      if (absl::Now() >= deadline || !ReadSome(fd, deadline - absl::Now(), &in)) {
        return absl::UnavailableError("no PONG from the NATS server");
      }
    }
    std::string line = in.substr(0, eol);
    in.erase(0, eol + 2);
    if (line == "PONG") return absl::OkStatus();
    if (absl::StartsWith(line, "-ERR")) return absl::UnavailableError(absl::StrCat("NATS server: ", line));
    if (line == "PING") {
      written = WriteAll(fd, "PONG\r\n");
      if (!written.ok()) return written;
    }
  }
}

}  // namespace passerelle::cluster::nats
