#include "server/cluster/nats/connection.h"

#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <algorithm>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "engine/common/status_macros.h"
#include "server/cluster/nats/protocol.h"
#include "server/cluster/nats/socket.h"

namespace passerelle::cluster::nats {
namespace {

std::string RandomToken() {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  absl::BitGen gen;
  std::string out(22, ' ');
  for (char& c : out) c = kAlphabet[absl::Uniform<size_t>(gen, 0, sizeof(kAlphabet) - 1)];
  return out;
}

class NatsConnectionImpl final : public NatsConnection {
 public:
  NatsConnectionImpl(NatsConnectionOptions options, std::vector<HostPort> servers)
      : options_(std::move(options)), servers_(std::move(servers)), prefix_("_INBOX." + RandomToken()) {}

  ~NatsConnectionImpl() override {
    {
      std::lock_guard<std::mutex> lock(write_mu_);
      closing_ = true;
      if (fd_ >= 0) shutdown(fd_, SHUT_RDWR);  // wakes the reader thread
    }
    closing_cv_.notify_all();
    if (reader_.joinable()) reader_.join();
    std::lock_guard<std::mutex> lock(write_mu_);
    if (fd_ >= 0) close(fd_);
  }

  absl::Status Start() {
    absl::Status last = absl::UnavailableError("no NATS server");
    for (size_t i = 0; i < servers_.size(); ++i) {
      last = Establish(i);
      if (last.ok()) break;
    }
    PASSERELLE_RETURN_IF_ERROR(last);
    PASSERELLE_RETURN_IF_ERROR(Subscribe(prefix_ + ".r.*", [this](NatsMessage m) { OnReply(std::move(m)); }).status());
    reader_ = std::thread([this] { ReadLoop(); });
    return absl::OkStatus();
  }

  absl::StatusOr<uint64_t> Subscribe(absl::string_view subject, Handler handler) override {
    std::lock_guard<std::mutex> lock(subs_mu_);
    uint64_t sid = next_sid_++;
    subs_[sid] = Subscription{std::string(subject), std::move(handler)};
    // While disconnected the reconnection sends it.
    absl::Status sent = Write(absl::StrCat("SUB ", subject, " ", sid, "\r\n"));
    if (!sent.ok() && !absl::IsUnavailable(sent)) return sent;
    return sid;
  }

  void Unsubscribe(uint64_t sid) override {
    std::lock_guard<std::mutex> lock(subs_mu_);
    if (subs_.erase(sid) == 0) return;
    Write(absl::StrCat("UNSUB ", sid, "\r\n")).IgnoreError();  // gone with the connection anyway
  }

  absl::Status Publish(absl::string_view subject, absl::string_view reply, absl::string_view headers,
                       absl::string_view data) override {
    // Checked here because the server would close the connection, failing every other caller too.
    int64_t size = static_cast<int64_t>(headers.size() + data.size());
    if (size > max_payload_bytes_.load(std::memory_order_relaxed)) {
      return absl::InvalidArgumentError(absl::StrCat("NATS message of ", size, " bytes exceeds the server's max_payload ",
                                                     max_payload_bytes_.load(std::memory_order_relaxed)));
    }
    return Write(FormatPublish(subject, reply, headers, data));
  }

  absl::StatusOr<NatsMessage> Request(absl::string_view subject, absl::string_view headers,
                                      absl::string_view data, absl::Duration timeout) override;

  std::string NewInbox() override {
    std::lock_guard<std::mutex> lock(requests_mu_);
    return absl::StrCat(prefix_, ".i", next_inbox_++);
  }

  std::string ConnectedServer() override {
    std::lock_guard<std::mutex> lock(write_mu_);
    return server_;
  }

 private:
  struct Subscription {
    std::string subject;
    Handler handler;
  };
  struct Pending {
    bool done = false;
    absl::StatusOr<NatsMessage> reply = absl::UnknownError("no reply");
  };

  absl::Status Write(absl::string_view bytes) {
    std::lock_guard<std::mutex> lock(write_mu_);
    if (fd_ < 0) return absl::UnavailableError("not connected to NATS");
    absl::Status s = WriteAll(fd_, bytes);
    if (!s.ok()) shutdown(fd_, SHUT_RDWR);  // a stuck or broken socket: the reader thread reconnects
    return s;
  }

  absl::Status Establish(size_t index);
  void ReadLoop();
  bool Reconnect();
  void Drop();
  void OnReply(NatsMessage message);
  void Deliver(uint64_t sid, NatsMessage message);

  const NatsConnectionOptions options_;
  const std::vector<HostPort> servers_;
  const std::string prefix_;
  std::thread reader_;
  // The reader thread's own state (and Start()'s, before the thread exists).
  size_t current_ = 0;
  std::string in_;
  int pings_out_ = 0;
  // From the current server's INFO.
  std::atomic<int64_t> max_payload_bytes_{1 << 20};

  // std::mutex rather than absl::Mutex: ThreadSanitizer understands it without an instrumented Abseil.
  // Lock order: subs_mu_, then write_mu_; requests_mu_ alone or inside subs_mu_ (OnReply).
  std::mutex subs_mu_;  // also held while a handler runs
  absl::flat_hash_map<uint64_t, Subscription> subs_;  // guarded by subs_mu_
  uint64_t next_sid_ = 1;                             // guarded by subs_mu_

  std::mutex write_mu_;
  std::condition_variable closing_cv_;  // notified when closing_ becomes true
  int fd_ = -1;                         // guarded by write_mu_
  bool closing_ = false;                // guarded by write_mu_
  std::string server_;                  // guarded by write_mu_

  std::mutex requests_mu_;
  std::condition_variable replied_;  // a pending request got its answer (or its connection dropped)
  absl::flat_hash_map<std::string, std::shared_ptr<Pending>> pending_;  // guarded by requests_mu_
  uint64_t next_request_ = 1;                                           // guarded by requests_mu_
  uint64_t next_inbox_ = 1;                                             // guarded by requests_mu_
};

// Connects to servers_[index], runs the handshake, subscribes every subscription again and only then
// lets writers use the socket (so that no request goes out before its reply inbox is subscribed).
absl::Status NatsConnectionImpl::Establish(size_t index) {
  const HostPort& server = servers_[index];
  PASSERELLE_ASSIGN_OR_RETURN(int fd, ConnectTcp(server, options_.connect_timeout, options_.ping_interval));
  in_.clear();
  int64_t max_payload_bytes = 0;
  absl::Status s = Handshake(fd, options_.name, absl::Now() + options_.connect_timeout, &in_, &max_payload_bytes);
  std::lock_guard<std::mutex> subs_lock(subs_mu_);
  for (const auto& [sid, sub] : subs_) {
    if (s.ok()) s = WriteAll(fd, absl::StrCat("SUB ", sub.subject, " ", sid, "\r\n"));
  }
  std::lock_guard<std::mutex> lock(write_mu_);
  if (s.ok() && closing_) s = absl::CancelledError("closing");
  if (!s.ok()) {
    close(fd);
    return s;
  }
  fd_ = fd;
  max_payload_bytes_.store(max_payload_bytes, std::memory_order_relaxed);
  server_ = absl::StrCat(server.host, ":", server.port);
  current_ = index;
  pings_out_ = 0;
  return absl::OkStatus();
}

void NatsConnectionImpl::ReadLoop() {
  absl::Time next_ping = absl::Now() + options_.ping_interval;
  while (true) {
    int fd;
    {
      std::lock_guard<std::mutex> lock(write_mu_);
      if (closing_) return;
      fd = fd_;
    }
    bool ok = ReadSome(fd, std::max(next_ping - absl::Now(), absl::ZeroDuration()), &in_);
    ProtocolEvents events;
    if (ok) {
      ok = ParseMessages(&in_, &events);
      for (auto& [sid, message] : events.messages) Deliver(sid, std::move(message));
      for (int i = 0; ok && i < events.pings; ++i) ok = Write("PONG\r\n").ok();
      if (events.pongs > 0) pings_out_ = 0;
    }
    if (ok && absl::Now() >= next_ping) {
      ok = pings_out_ < options_.max_pings_outstanding && Write("PING\r\n").ok();
      ++pings_out_;
      next_ping = absl::Now() + options_.ping_interval;
    }
    if (!ok) {
      Drop();
      if (!Reconnect()) return;
      next_ping = absl::Now() + options_.ping_interval;
    }
  }
}

// Closes the dead socket and fails the requests waiting on it: their replies cannot come any more.
void NatsConnectionImpl::Drop() {
  {
    std::lock_guard<std::mutex> lock(write_mu_);
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
    server_.clear();
  }
  in_.clear();
  std::lock_guard<std::mutex> lock(requests_mu_);
  for (auto& [token, pending] : pending_) {
    pending->reply = absl::UnavailableError("NATS connection lost");
    pending->done = true;
  }
  pending_.clear();
  replied_.notify_all();
}

// Tries the next servers in a round, starting after the one just lost; pauses between rounds. False
// when the connection is being closed.
bool NatsConnectionImpl::Reconnect() {
  while (true) {
    for (size_t i = 1; i <= servers_.size(); ++i) {
      {
        std::lock_guard<std::mutex> lock(write_mu_);
        if (closing_) return false;
      }
      if (Establish((current_ + i) % servers_.size()).ok()) return true;
    }
    std::unique_lock<std::mutex> lock(write_mu_);
    closing_cv_.wait_until(lock, SteadyDeadline(options_.reconnect_wait), [this] { return closing_; });
  }
}

void NatsConnectionImpl::Deliver(uint64_t sid, NatsMessage message) {
  std::lock_guard<std::mutex> lock(subs_mu_);
  auto it = subs_.find(sid);
  if (it != subs_.end()) it->second.handler(std::move(message));
}

void NatsConnectionImpl::OnReply(NatsMessage message) {
  absl::string_view token = message.subject;
  token.remove_prefix(std::min(token.size(), prefix_.size() + 3));  // "<prefix>.r."
  std::lock_guard<std::mutex> lock(requests_mu_);
  auto it = pending_.find(token);
  if (it == pending_.end()) return;  // late: its requester gave up
  if (message.status == 503) {
    it->second->reply = absl::UnavailableError(absl::StrCat("no responders on the request's subject"));
  } else {
    it->second->reply = std::move(message);
  }
  it->second->done = true;
  pending_.erase(it);
  replied_.notify_all();
}

absl::StatusOr<NatsMessage> NatsConnectionImpl::Request(absl::string_view subject, absl::string_view headers,
                                                        absl::string_view data, absl::Duration timeout) {
  auto pending = std::make_shared<Pending>();
  std::string token;
  {
    std::lock_guard<std::mutex> lock(requests_mu_);
    token = absl::StrCat(next_request_++);
    pending_[token] = pending;
  }
  absl::Status sent = Publish(subject, absl::StrCat(prefix_, ".r.", token), headers, data);
  std::unique_lock<std::mutex> lock(requests_mu_);
  if (sent.ok()) replied_.wait_until(lock, SteadyDeadline(timeout), [&pending] { return pending->done; });
  pending_.erase(token);
  if (!sent.ok()) return sent;
  if (!pending->done) {
    return absl::DeadlineExceededError(absl::StrCat("no reply on ", subject, " within ", absl::FormatDuration(timeout)));
  }
  return std::move(pending->reply);
}

}  // namespace

std::string HeaderValue(absl::string_view headers, absl::string_view name) {
  for (absl::string_view line : absl::StrSplit(headers, "\r\n")) {
    size_t colon = line.find(':');
    if (colon == absl::string_view::npos) continue;
    if (absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(line.substr(0, colon)), name)) {
      return std::string(absl::StripAsciiWhitespace(line.substr(colon + 1)));
    }
  }
  return "";
}

absl::StatusOr<std::unique_ptr<NatsConnection>> NatsConnection::Connect(const NatsConnectionOptions& options) {
  // The name goes into CONNECT's JSON as it is.
  if (std::any_of(options.name.begin(), options.name.end(), [](char c) { return c < ' ' || c == '"' || c == '\\'; })) {
    return absl::InvalidArgumentError("NATS client name with a quote, a backslash or a control character");
  }
  PASSERELLE_ASSIGN_OR_RETURN(std::vector<HostPort> servers, ParseServerList(options.servers));
  auto connection = std::make_unique<NatsConnectionImpl>(options, std::move(servers));
  PASSERELLE_RETURN_IF_ERROR(connection->Start());
  return connection;
}

}  // namespace passerelle::cluster::nats
