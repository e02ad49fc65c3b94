// The replicated log's throughput on loopback (docs/cluster.md, "The replicated log"), beside raw
// nats-server in the same run:
// 1. the peer: core NATS request/reply round trips per second (no JetStream, no storage) to an echo
//    subscriber on the same servers: what one append could at best cost;
// 2. acknowledged appends per second, one appender waiting for each ack and `--appenders` in parallel,
//    on one server (stream with 1 replica) and on a three-server cluster (3 replicas, quorum acks);
// 3. entries read per second by one reader from the start of the stream.
// It starts its own nats-server processes (tests/cluster/nats_test_server.h) in a temporary directory.
//
// Usage: passerelle_log_benchmark [--appends=2000] [--appenders=4] [--payload_bytes=300]
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/cluster/nats/jetstream_log.h"
#include "tests/cluster/nats_test_server.h"

namespace passerelle::cluster {
namespace {

using Clock = std::chrono::steady_clock;
double Since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

struct Settings {
  int appends = 2000;
  int appenders = 4;
  int payload_bytes = 300;  // about one encoded record
};

double RoundTripsPerSecond(const std::string& servers, int count) {
  nats::NatsConnectionOptions options;
  options.servers = servers;
  auto echo = nats::NatsConnection::Connect(options);
  auto client = nats::NatsConnection::Connect(options);
  if (!echo.ok() || !client.ok()) return 0;
  nats::NatsConnection* echo_connection = echo->get();
  (*echo)->Subscribe("bench.echo", [echo_connection](nats::NatsMessage m) {
    echo_connection->Publish(m.reply, "", "", m.data).IgnoreError();
  }).IgnoreError();
  (*client)->Request("bench.echo", "", "warm-up", absl::Seconds(5)).IgnoreError();
  std::string payload(300, 'x');
  Clock::time_point start = Clock::now();
  for (int i = 0; i < count; ++i) {
    if (!(*client)->Request("bench.echo", "", payload, absl::Seconds(5)).ok()) return 0;
  }
  return count / Since(start);
}

// Appends/s with `appenders` threads, each waiting for its acks; reads/s of the whole stream after.
void MeasureLog(const char* label, const std::string& servers, int replicas, const Settings& s) {
  nats::JetStreamLogOptions options;
  options.connection.servers = servers;
  options.replicas = replicas;
  options.stream = absl::StrCat("bench", replicas);
  options.subject = absl::StrCat("bench.log", replicas);
  absl::StatusOr<std::unique_ptr<nats::JetStreamLog>> log = nats::JetStreamLog::Open(options);
  if (!log.ok()) {
    std::printf("%s: cannot open the log: %s\n", label, log.status().ToString().c_str());
    return;
  }
  std::string payload(s.payload_bytes, 'r');
  for (int threads : {1, s.appenders}) {
    Clock::time_point start = Clock::now();
    std::vector<std::thread> workers;
    std::atomic<int> failures{0};
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&, t] {
        for (int i = t; i < s.appends; i += threads) {
          if (!(*log)->Append(payload, absl::StrCat("b", threads, "-", i), absl::Seconds(10)).ok()) ++failures;
        }
      });
    }
    for (std::thread& w : workers) w.join();
    std::printf("%s: %d appends, %d appender(s): %.0f acknowledged appends/s (%d failed)\n", label, s.appends,
                threads, s.appends / Since(start), failures.load());
  }
  absl::StatusOr<uint64_t> last = (*log)->LastSequence(absl::Seconds(5));
  absl::StatusOr<std::unique_ptr<LogReader>> reader = (*log)->Read(0);
  if (!last.ok() || !reader.ok()) return;
  Clock::time_point start = Clock::now();
  uint64_t read = 0;
  while (read < *last) {
    absl::StatusOr<std::vector<LogEntry>> batch = (*reader)->Next(256, absl::Seconds(2));
    if (!batch.ok() || batch->empty()) break;
    read += batch->size();
  }
  std::printf("%s: read %llu entries: %.0f entries/s\n", label, static_cast<unsigned long long>(read),
              read / Since(start));
}

bool ParseFlag(const char* arg, const char* name, int* value) {
  std::string prefix = absl::StrCat("--", name, "=");
  return absl::StartsWith(arg, prefix) && absl::SimpleAtoi(arg + prefix.size(), value);
}

}  // namespace
}  // namespace passerelle::cluster

int main(int argc, char** argv) {
  using namespace passerelle::cluster;
  Settings s;
  for (int i = 1; i < argc; ++i) {
    if (!ParseFlag(argv[i], "appends", &s.appends) && !ParseFlag(argv[i], "appenders", &s.appenders) &&
        !ParseFlag(argv[i], "payload_bytes", &s.payload_bytes)) {
      std::fprintf(stderr, "unknown flag %s\n", argv[i]);
      return 2;
    }
  }
  for (int size : {1, 3}) {
    auto servers = testing::NatsTestCluster::Start(size);
    if (!servers.ok()) {
      std::fprintf(stderr, "cannot start nats-server: %s\n", servers.status().ToString().c_str());
      return 1;
    }
    std::string label = absl::StrCat(size, " server(s)");
    std::printf("%s: peer, core NATS request/reply: %.0f round trips/s\n", label.c_str(),
                RoundTripsPerSecond((*servers)->Servers(), s.appends));
    MeasureLog(label.c_str(), (*servers)->Servers(), size, s);
  }
  return 0;
}
