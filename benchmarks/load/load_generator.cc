// passerelle-load: a closed-loop gRPC load generator for passerelle-server, on loopback only.
//
// For each concurrency level C of --concurrency and each rpc of --rpc, C streams (one thread each, one
// gRPC channel each unless --shared_channel) send one request, wait for its answer, then send the next,
// until --requests answers have come back or --duration_seconds have passed, whichever comes first.
// Every run is preceded by a warm-up (--warmup_seconds, also bounded by --requests) whose calls are not
// counted. The run reports QPS, latency percentiles (p50, p90, p99, p99.9, from every sample, sorted) and
// errors by status code.
//
// The no-op baseline: unless --health_baseline=false, every concurrency level also runs
// grpc.health.v1.Health/Check against the same server (it is served by the same process, same threads,
// same connection setup, and does no work), first, so each rpc's QPS is printed as a fraction of gRPC's
// own ceiling measured next to it.
//
// Requests: ids are drawn uniformly (a fixed-seed random stream per stream) from the cohort
// passerelle-generate / the engine's CohortGenerator makes with --seed, --candidates and --openings:
// cand-NNNNNN and open-NNNNNN. put_candidate sends the cohort's own records again (an update that
// changes nothing, so the stored data stays the same for the runs after it), from a pool of up to
// --put_pool records built before any timing.
//
//   passerelle-load --server=127.0.0.1:50051 --rpc=match_openings,match_candidates --concurrency=1,4,16
//                   --candidates=100000 --openings=10000 --requests=20000 --duration_seconds=10 --json=out.json
//   (every call carries the API key in $PASSERELLE_KEY: a counsellor key of the cohort's organisation)
//
// Exit status: 0 when every run completed (errors are reported, not fatal, unless --fail_on_errors: then
// 3 when any call failed), 2 on bad flags or a non-loopback --server, 1 when the server cannot be reached.
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "engine/refdata/reference_data.h"
#include "engine/sample/cohort_generator.h"
#include "engine/store/record_codec.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/channel.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "passerelle/v1/matching.grpc.pb.h"

ABSL_FLAG(std::string, server, "127.0.0.1:50051",
          "Server address, host:port. Must resolve to loopback only (127.0.0.0/8 or ::1); anything else is refused.");
ABSL_FLAG(std::string, rpc, "match_openings",
          "Comma-separated rpcs: match_openings, match_candidates, explain, put_candidate, health.");
ABSL_FLAG(std::string, concurrency, "1,4,16", "Comma-separated numbers of concurrent streams, each in [1, 256].");
ABSL_FLAG(int64_t, requests, 20000, "At most this many answers per run (warm-up calls not counted). Range >= 1.");
ABSL_FLAG(double, duration_seconds, 10, "At most this long per run, in seconds. Range (0, 600].");
ABSL_FLAG(double, warmup_seconds, 1, "Uncounted calls before each run, in seconds (also bounded by --requests).");
ABSL_FLAG(int32_t, k, 10, "k of the match requests.");
ABSL_FLAG(bool, explain, true, "Ask match requests for explanations (the server's default).");
ABSL_FLAG(std::string, language, "fr",
          "Language of the reasons asked in match and explain requests: fr (the server's default), en or both.");
ABSL_FLAG(bool, fail_on_errors, false, "Exit 3 when any counted call failed (for CI; never fails on a time).");
ABSL_FLAG(int64_t, candidates, 100000, "Candidates of the generated cohort (ids cand-000000 ..).");
ABSL_FLAG(int64_t, openings, 10000, "Openings of the generated cohort (ids open-000000 ..).");
ABSL_FLAG(uint64_t, seed, 42, "Seed the cohort was generated with (passerelle-generate --seed).");
ABSL_FLAG(int32_t, put_pool, 2000, "Distinct records put_candidate cycles through (built before timing).");
ABSL_FLAG(int32_t, deadline_ms, 10000, "Deadline of each call, in milliseconds.");
ABSL_FLAG(bool, health_baseline, true, "Also run grpc.health.v1.Health/Check at every concurrency level.");
ABSL_FLAG(bool, shared_channel, false, "All streams share one channel (one HTTP/2 connection) instead of one each.");
ABSL_FLAG(std::string, reference_data, "", "Reference data folder (for put_candidate records). Default: the build's data/.");
ABSL_FLAG(std::string, json, "", "Write the results as JSON to this file.");

namespace passerelle::benchmarks {
namespace {

using Clock = std::chrono::steady_clock;

enum class Rpc { kMatchOpenings, kMatchCandidates, kExplain, kPutCandidate, kHealth };

const char* RpcName(Rpc rpc) {
  switch (rpc) {
    case Rpc::kMatchOpenings: return "match_openings";
    case Rpc::kMatchCandidates: return "match_candidates";
    case Rpc::kExplain: return "explain";
    case Rpc::kPutCandidate: return "put_candidate";
    case Rpc::kHealth: return "health";
  }
  return "?";
}

bool ParseRpc(absl::string_view name, Rpc* rpc) {
  for (Rpc r : {Rpc::kMatchOpenings, Rpc::kMatchCandidates, Rpc::kExplain, Rpc::kPutCandidate, Rpc::kHealth}) {
    if (name == RpcName(r)) {
      *rpc = r;
      return true;
    }
  }
  return false;
}

[[noreturn]] void Usage(const std::string& message) {
  std::fprintf(stderr, "passerelle-load: %s\n", message.c_str());
  std::exit(2);
}

// Resolves host:port and checks that every address it resolves to is a loopback address. Returns the
// numeric target to connect to (the first address), so that what is checked is what is used.
std::string LoopbackTarget(const std::string& server) {
  std::string host, port;
  if (!server.empty() && server.front() == '[') {  // [::1]:50051
    const size_t close = server.find(']');
    if (close == std::string::npos || close + 1 >= server.size() || server[close + 1] != ':') {
      Usage("--server: expected host:port or [ipv6]:port, got \"" + server + "\"");
    }
    host = server.substr(1, close - 1);
    port = server.substr(close + 2);
  } else {
    const size_t colon = server.rfind(':');
    if (colon == std::string::npos || server.find(':') != colon) {
      Usage("--server: expected host:port, got \"" + server + "\"");
    }
    host = server.substr(0, colon);
    port = server.substr(colon + 1);
  }
  int port_number = 0;
  if (host.empty() || !absl::SimpleAtoi(port, &port_number) || port_number < 1 || port_number > 65535) {
    Usage("--server: expected host:port with a port in [1, 65535], got \"" + server + "\"");
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0 || found == nullptr) {
    Usage("--server: cannot resolve \"" + host + "\"");
  }
  std::string target;
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    char text[INET6_ADDRSTRLEN] = {};
    bool loopback = false;
    if (a->ai_family == AF_INET) {
      const auto* in = reinterpret_cast<const sockaddr_in*>(a->ai_addr);
      loopback = (ntohl(in->sin_addr.s_addr) >> 24) == 127;
      inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
      if (target.empty() && loopback) target = absl::StrCat(text, ":", port_number);
    } else if (a->ai_family == AF_INET6) {
      const auto* in6 = reinterpret_cast<const sockaddr_in6*>(a->ai_addr);
      loopback = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
      inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
      if (target.empty() && loopback) target = absl::StrCat("[", text, "]:", port_number);
    } else {
      text[0] = '?';
    }
    if (!loopback) {
      freeaddrinfo(found);
      Usage(absl::StrCat("--server: \"", host, "\" resolves to ", text,
                         ", which is not a loopback address; this tool only loads a server on this machine"));
    }
  }
  freeaddrinfo(found);
  return target;
}

std::vector<int> ParseConcurrency(const std::string& text) {
  std::vector<int> levels;
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    int c = 0;
    if (!absl::SimpleAtoi(part, &c) || c < 1 || c > 256) Usage("--concurrency: each level must be in [1, 256]");
    levels.push_back(c);
  }
  if (levels.empty()) Usage("--concurrency: give at least one level");
  return levels;
}

std::vector<Rpc> ParseRpcs(const std::string& text) {
  std::vector<Rpc> rpcs;
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    Rpc rpc;
    if (!ParseRpc(part, &rpc)) {
      Usage(absl::StrCat("--rpc: unknown rpc \"", part,
                         "\" (match_openings, match_candidates, explain, put_candidate, health)"));
    }
    if (std::find(rpcs.begin(), rpcs.end(), rpc) == rpcs.end()) rpcs.push_back(rpc);
  }
  if (rpcs.empty()) Usage("--rpc: give at least one rpc");
  return rpcs;
}

// What every stream shares: the settings, the id formats and the put pool.
struct Workload {
  int64_t candidates = 0;
  int64_t openings = 0;
  int k = 10;
  bool explain = true;
  v1::ReasonLanguage language = v1::REASON_LANGUAGE_FR;
  int deadline_ms = 10000;
  int candidate_id_width = 6;
  int opening_id_width = 6;
  std::vector<v1::PutCandidateRequest> put_pool;

  std::string CandidateId(int64_t i) const { return Id("cand-", i, candidate_id_width); }
  std::string OpeningId(int64_t i) const { return Id("open-", i, opening_id_width); }
  static std::string Id(const char* prefix, int64_t i, int width) {
    std::string digits = std::to_string(i);
    if (static_cast<int>(digits.size()) < width) digits.insert(0, width - digits.size(), '0');
    return prefix + digits;
  }
};

// The generator's id width: the digits of the largest index, at least 6 (cohort_generator.h).
int IdWidth(int64_t count) { return std::max<int>(6, static_cast<int>(std::to_string(std::max<int64_t>(count - 1, 0)).size())); }

// One stream: its stubs and its random stream of ids.
class Stream {
 public:
  Stream(std::shared_ptr<grpc::Channel> channel, const Workload& w, uint64_t seed)
      : matching_(v1::Matching::NewStub(channel)), health_(grpc::health::v1::Health::NewStub(channel)), w_(w), rng_(seed) {}

  // One call; returns its status code.
  grpc::StatusCode Call(Rpc rpc) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(w_.deadline_ms));
    // The API key of every call (docs/security.md); health needs none but takes it.
    static const std::string* const key = [] {
      const char* env = std::getenv("PASSERELLE_KEY");
      return new std::string(env == nullptr ? "" : env);
    }();
    if (!key->empty()) context.AddMetadata("authorization", "Bearer " + *key);
    switch (rpc) {
      case Rpc::kMatchOpenings: {
        v1::MatchOpeningsRequest request;
        request.set_candidate_id(w_.CandidateId(Draw(w_.candidates)));
        request.set_k(w_.k);
        request.set_explain(w_.explain);
        request.set_language(w_.language);
        v1::MatchOpeningsResponse response;
        return matching_->MatchOpenings(&context, request, &response).error_code();
      }
      case Rpc::kMatchCandidates: {
        v1::MatchCandidatesRequest request;
        request.set_opening_id(w_.OpeningId(Draw(w_.openings)));
        request.set_k(w_.k);
        request.set_explain(w_.explain);
        request.set_language(w_.language);
        v1::MatchCandidatesResponse response;
        return matching_->MatchCandidates(&context, request, &response).error_code();
      }
      case Rpc::kExplain: {
        v1::ExplainRequest request;
        request.set_candidate_id(w_.CandidateId(Draw(w_.candidates)));
        request.set_opening_id(w_.OpeningId(Draw(w_.openings)));
        request.set_language(w_.language);
        v1::ExplainResponse response;
        return matching_->Explain(&context, request, &response).error_code();
      }
      case Rpc::kPutCandidate: {
        const v1::PutCandidateRequest& request = w_.put_pool[Draw(static_cast<int64_t>(w_.put_pool.size()))];
        v1::PutCandidateResponse response;
        return matching_->PutCandidate(&context, request, &response).error_code();
      }
      case Rpc::kHealth: {
        grpc::health::v1::HealthCheckRequest request;
        grpc::health::v1::HealthCheckResponse response;
        const grpc::Status status = health_->Check(&context, request, &response);
        if (status.ok() && response.status() != grpc::health::v1::HealthCheckResponse::SERVING) {
          return grpc::StatusCode::UNAVAILABLE;  // answered, but not serving: count it as an error
        }
        return status.error_code();
      }
    }
    return grpc::StatusCode::INTERNAL;
  }

 private:
  int64_t Draw(int64_t n) { return n <= 1 ? 0 : static_cast<int64_t>(rng_() % static_cast<uint64_t>(n)); }

  std::unique_ptr<v1::Matching::Stub> matching_;
  std::unique_ptr<grpc::health::v1::Health::Stub> health_;
  const Workload& w_;
  std::mt19937_64 rng_;
};

const char* CodeName(grpc::StatusCode code) {
  static const char* const kNames[] = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
                                       "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED",
                                       "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
                                       "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};
  const int i = static_cast<int>(code);
  return i >= 0 && i < 17 ? kNames[i] : "UNKNOWN_CODE";
}

struct RunResult {
  Rpc rpc = Rpc::kHealth;
  int concurrency = 1;
  int64_t answered = 0;  // ok + errors
  int64_t ok = 0;
  std::map<std::string, int64_t> errors;  // code name -> count
  double seconds = 0;
  double qps = 0;  // answers (ok or not) per second
  double p50_us = 0, p90_us = 0, p99_us = 0, p999_us = 0, mean_us = 0, max_us = 0;
  bool stopped_by_time = false;
};

// Nearest-rank percentile of sorted samples.
double Percentile(const std::vector<float>& sorted, double p) {
  if (sorted.empty()) return 0;
  const size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1)];
}

// Runs `streams` closed loops of `rpc` until `max_requests` answers or `max_seconds`, whichever first.
// With record=false (warm-up) nothing is kept.
RunResult RunLoop(std::vector<std::unique_ptr<Stream>>& streams, Rpc rpc, int concurrency, int64_t max_requests,
                  double max_seconds, bool record) {
  std::atomic<int64_t> tickets{0};
  std::atomic<bool> stop{false};
  std::vector<std::vector<float>> samples(concurrency);  // microseconds
  std::vector<std::map<grpc::StatusCode, int64_t>> codes(concurrency);
  const Clock::time_point start = Clock::now();
  const Clock::time_point end = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(max_seconds));
  std::vector<std::thread> threads;
  for (int s = 0; s < concurrency; ++s) {
    threads.emplace_back([&, s] {
      if (record) samples[s].reserve(static_cast<size_t>(std::min<int64_t>(max_requests, 1 << 20) / concurrency + 16));
      while (!stop.load(std::memory_order_relaxed)) {
        if (tickets.fetch_add(1, std::memory_order_relaxed) >= max_requests) break;
        const Clock::time_point sent = Clock::now();
        if (sent >= end) break;
        const grpc::StatusCode code = streams[s]->Call(rpc);
        const Clock::time_point answered = Clock::now();
        if (record) {
          samples[s].push_back(std::chrono::duration<float, std::micro>(answered - sent).count());
          ++codes[s][code];
        }
        if (answered >= end) stop.store(true, std::memory_order_relaxed);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  RunResult r;
  r.rpc = rpc;
  r.concurrency = concurrency;
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (!record) return r;
  std::vector<float> all;
  for (auto& v : samples) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  for (const auto& per_stream : codes) {
    for (const auto& [code, count] : per_stream) {
      if (code == grpc::StatusCode::OK) {
        r.ok += count;
      } else {
        r.errors[CodeName(code)] += count;
      }
    }
  }
  r.answered = static_cast<int64_t>(all.size());
  r.stopped_by_time = r.answered < max_requests;
  r.qps = r.seconds > 0 ? static_cast<double>(r.answered) / r.seconds : 0;
  r.p50_us = Percentile(all, 50);
  r.p90_us = Percentile(all, 90);
  r.p99_us = Percentile(all, 99);
  r.p999_us = Percentile(all, 99.9);
  r.max_us = all.empty() ? 0 : all.back();
  double sum = 0;
  for (float x : all) sum += x;
  r.mean_us = all.empty() ? 0 : sum / static_cast<double>(all.size());
  return r;
}

std::string Machine() {
  std::string model;
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) == 0) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  }
  return absl::StrCat(model, ", ", std::thread::hardware_concurrency(), " hardware threads");
}

std::string JsonString(absl::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    out += c;
  }
  return out + "\"";
}

}  // namespace
}  // namespace passerelle::benchmarks

int main(int argc, char** argv) {
  using namespace passerelle::benchmarks;  // NOLINT
  namespace engine = passerelle::engine;
  absl::SetProgramUsageMessage(
      "Closed-loop gRPC load on a passerelle-server on loopback, next to the no-op health rpc.\n"
      "Usage: passerelle-load --server=127.0.0.1:50051 --rpc=match_openings,explain --concurrency=1,4,16 "
      "[--requests=N] [--duration_seconds=S] [--json=FILE]");
  const std::vector<char*> rest = absl::ParseCommandLine(argc, argv);
  if (rest.size() > 1) Usage(absl::StrCat("unexpected argument \"", rest[1], "\""));

  const std::string target = LoopbackTarget(absl::GetFlag(FLAGS_server));
  std::vector<Rpc> rpcs = ParseRpcs(absl::GetFlag(FLAGS_rpc));
  const std::vector<int> levels = ParseConcurrency(absl::GetFlag(FLAGS_concurrency));
  const int64_t max_requests = absl::GetFlag(FLAGS_requests);
  const double max_seconds = absl::GetFlag(FLAGS_duration_seconds);
  const double warmup_seconds = absl::GetFlag(FLAGS_warmup_seconds);
  if (max_requests < 1) Usage("--requests: must be at least 1");
  if (!(max_seconds > 0 && max_seconds <= 600)) Usage("--duration_seconds: must be in (0, 600]");
  if (!(warmup_seconds >= 0 && warmup_seconds <= 60)) Usage("--warmup_seconds: must be in [0, 60]");

  Workload w;
  w.candidates = absl::GetFlag(FLAGS_candidates);
  w.openings = absl::GetFlag(FLAGS_openings);
  w.k = absl::GetFlag(FLAGS_k);
  w.explain = absl::GetFlag(FLAGS_explain);
  const std::string language = absl::GetFlag(FLAGS_language);
  if (language == "fr") {
    w.language = passerelle::v1::REASON_LANGUAGE_FR;
  } else if (language == "en") {
    w.language = passerelle::v1::REASON_LANGUAGE_EN;
  } else if (language == "both") {
    w.language = passerelle::v1::REASON_LANGUAGE_BOTH;
  } else {
    Usage("--language: expected fr, en or both, got \"" + language + "\"");
  }
  w.deadline_ms = absl::GetFlag(FLAGS_deadline_ms);
  w.candidate_id_width = IdWidth(w.candidates);
  w.opening_id_width = IdWidth(w.openings);
  if (w.candidates < 1 || w.openings < 1) Usage("--candidates and --openings: must be at least 1");
  if (w.deadline_ms < 1) Usage("--deadline_ms: must be at least 1");

  // Health first at every level: the baseline the others are compared with.
  const bool baseline = absl::GetFlag(FLAGS_health_baseline);
  std::vector<Rpc> order;
  if (baseline || std::find(rpcs.begin(), rpcs.end(), Rpc::kHealth) != rpcs.end()) order.push_back(Rpc::kHealth);
  for (Rpc r : rpcs) {
    if (r != Rpc::kHealth) order.push_back(r);
  }

  if (std::find(order.begin(), order.end(), Rpc::kPutCandidate) != order.end()) {
    const std::string dir = absl::GetFlag(FLAGS_reference_data).empty() ? engine::ReferenceData::DefaultDataDir()
                                                                         : absl::GetFlag(FLAGS_reference_data);
    auto data = engine::ReferenceData::Load(dir);
    if (!data.ok()) {
      std::fprintf(stderr, "passerelle-load: reference data: %s\n", std::string(data.status().message()).c_str());
      return 2;
    }
    engine::CohortOptions options;
    options.seed = absl::GetFlag(FLAGS_seed);
    options.candidates = w.candidates;
    options.openings = w.openings;
    engine::CohortGenerator generator(*data, options);
    const int64_t pool = std::clamp<int64_t>(absl::GetFlag(FLAGS_put_pool), 1, w.candidates);
    for (int64_t j = 0; j < pool; ++j) {
      const int64_t i = j * w.candidates / pool;  // spread over the cohort
      passerelle::v1::PutCandidateRequest request;
      *request.mutable_candidate() = engine::CandidateToProto(generator.MakeCandidate(i));
      w.put_pool.push_back(std::move(request));
    }
  }

  const int max_level = *std::max_element(levels.begin(), levels.end());
  const bool shared = absl::GetFlag(FLAGS_shared_channel);
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int s = 0; s < (shared ? 1 : max_level); ++s) {
    grpc::ChannelArguments args;
    args.SetInt("passerelle.load.stream", s);  // distinct arguments: a connection of its own per stream
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    channels.push_back(grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args));
    if (!channels.back()->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(5))) {
      std::fprintf(stderr, "passerelle-load: cannot connect to %s within 5 s\n", target.c_str());
      return 1;
    }
  }
  std::vector<std::unique_ptr<Stream>> streams;
  for (int s = 0; s < max_level; ++s) {
    streams.push_back(std::make_unique<Stream>(channels[shared ? 0 : s], w, absl::GetFlag(FLAGS_seed) * 1000003 + s));
  }

  std::printf("passerelle-load: %s, %s, cohort %lld candidates / %lld openings (seed %llu), k=%d, explain=%s, "
              "language=%s\n",
              target.c_str(), shared ? "one shared channel" : "one channel per stream",
              static_cast<long long>(w.candidates), static_cast<long long>(w.openings),
              static_cast<unsigned long long>(absl::GetFlag(FLAGS_seed)), w.k, w.explain ? "true" : "false",
              language.c_str());
  std::printf("each run: at most %lld answers and %.1f s, after %.1f s of warm-up\n\n",
              static_cast<long long>(max_requests), max_seconds, warmup_seconds);
  std::printf("%-17s %5s %9s %10s %9s %9s %9s %9s %9s %8s  %s\n", "rpc", "conc", "answers", "QPS", "p50 ms",
              "p90 ms", "p99 ms", "p99.9 ms", "max ms", "of health", "errors");

  std::vector<RunResult> results;
  std::map<int, double> health_qps;
  for (int level : levels) {
    for (Rpc rpc : order) {
      if (warmup_seconds > 0) RunLoop(streams, rpc, level, max_requests, warmup_seconds, /*record=*/false);
      RunResult r = RunLoop(streams, rpc, level, max_requests, max_seconds, /*record=*/true);
      if (rpc == Rpc::kHealth) health_qps[level] = r.qps;
      std::string errors;
      for (const auto& [code, count] : r.errors) absl::StrAppend(&errors, errors.empty() ? "" : " ", code, "=", count);
      std::string fraction = "-";
      if (rpc != Rpc::kHealth && health_qps.count(level) && health_qps[level] > 0) {
        fraction = absl::StrCat(static_cast<int>(std::lround(100 * r.qps / health_qps[level])), "%");
      }
      std::printf("%-17s %5d %9lld %10.1f %9.3f %9.3f %9.3f %9.3f %9.3f %8s  %s\n", RpcName(rpc), level,
                  static_cast<long long>(r.answered), r.qps, r.p50_us / 1e3, r.p90_us / 1e3, r.p99_us / 1e3,
                  r.p999_us / 1e3, r.max_us / 1e3, fraction.c_str(), errors.empty() ? "none" : errors.c_str());
      std::fflush(stdout);
      results.push_back(std::move(r));
    }
  }

  const std::string json_path = absl::GetFlag(FLAGS_json);
  if (!json_path.empty()) {
    std::string json = absl::StrCat(
        "{\"server\": ", JsonString(target), ", \"machine\": ", JsonString(Machine()),
        ", \"candidates\": ", w.candidates, ", \"openings\": ", w.openings, ", \"k\": ", w.k,
        ", \"explain\": ", w.explain ? "true" : "false", ", \"language\": ", JsonString(language),
        ", \"shared_channel\": ", shared ? "true" : "false",
        ", \"max_requests\": ", max_requests, ", \"max_seconds\": ", max_seconds, ", \"runs\": [");
    for (size_t i = 0; i < results.size(); ++i) {
      const RunResult& r = results[i];
      std::string errors;
      for (const auto& [code, count] : r.errors) absl::StrAppend(&errors, errors.empty() ? "" : ", ", "\"", code, "\": ", count);
      const double h = health_qps.count(r.concurrency) ? health_qps[r.concurrency] : 0;
      absl::StrAppend(&json, i ? ", " : "", "{\"rpc\": \"", RpcName(r.rpc), "\", \"concurrency\": ", r.concurrency,
                      ", \"answers\": ", r.answered, ", \"ok\": ", r.ok, ", \"errors\": {", errors,
                      "}, \"seconds\": ", r.seconds, ", \"qps\": ", r.qps, ", \"p50_ms\": ", r.p50_us / 1e3,
                      ", \"p90_ms\": ", r.p90_us / 1e3, ", \"p99_ms\": ", r.p99_us / 1e3,
                      ", \"p999_ms\": ", r.p999_us / 1e3, ", \"mean_ms\": ", r.mean_us / 1e3,
                      ", \"max_ms\": ", r.max_us / 1e3, ", \"stopped_by_time\": ", r.stopped_by_time ? "true" : "false",
                      ", \"health_qps\": ", h, ", \"fraction_of_health\": ", h > 0 ? r.qps / h : 0, "}");
    }
    json += "]}\n";
    std::ofstream out(json_path, std::ios::trunc);
    out << json;
    if (!out.good()) {
      std::fprintf(stderr, "passerelle-load: cannot write %s\n", json_path.c_str());
      return 1;
    }
  }
  if (absl::GetFlag(FLAGS_fail_on_errors)) {
    for (const RunResult& r : results) {
      if (!r.errors.empty() || r.ok == 0) {
        std::fprintf(stderr, "passerelle-load: %s at concurrency %d: %lld of %lld calls failed\n", RpcName(r.rpc),
                     r.concurrency, static_cast<long long>(r.answered - r.ok), static_cast<long long>(r.answered));
        return 3;
      }
    }
  }
  return 0;
}
