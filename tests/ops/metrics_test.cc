// The Prometheus endpoint over an in-process server: a scrape over HTTP shows the calls, errors, records
// and RocksDB gauges, the counts move with the calls made, and no label names an organisation or an id.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <regex>
#include <string>

#include "gtest/gtest.h"
#include "server/metrics/exporter.h"
#include "tests/server/test_util.h"

namespace passerelle::server::metrics {
namespace {

using ::passerelle::server::testing::InProcessServer;
using ::passerelle::server::testing::MasonCandidate;
using ::passerelle::server::testing::MasonOpening;

// GET `path` over a plain socket; the body, or "" on failure.
std::string Scrape(int port, const std::string& path = "/metrics") {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    close(fd);
    return "";
  }
  const std::string request = "GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n";
  if (write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
    close(fd);
    return "";
  }
  std::string response;
  char buffer[8192];
  for (ssize_t n; (n = read(fd, buffer, sizeof(buffer))) > 0;) response.append(buffer, static_cast<size_t>(n));
  close(fd);
  const size_t body = response.find("\r\n\r\n");
  return body == std::string::npos ? "" : response.substr(body + 4);
}

// The value of the sample whose line starts with `series` ("name{labels}"); -1 when absent.
double Sample(const std::string& text, const std::string& series) {
  const size_t at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 2));
}

class MetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MetricsOptions options;
    options.listen_address = "127.0.0.1:0";
    auto exporter = MetricsExporter::Start(options, &server_.server().catalog());
    ASSERT_TRUE(exporter.ok()) << exporter.status();
    exporter_ = *std::move(exporter);
    ASSERT_GT(exporter_->port(), 0);
  }
  void TearDown() override { exporter_.reset(); }

  void PutMason() {
    grpc::ClientContext context;
    v1::PutCandidateRequest request;
    *request.mutable_candidate() = MasonCandidate();
    v1::PutCandidateResponse response;
    ASSERT_TRUE(server_.stub().PutCandidate(&context, request, &response).ok());
  }
  grpc::Status GetMissing() {
    grpc::ClientContext context;
    v1::GetCandidateRequest request;
    request.set_candidate_id("nobody-here");
    v1::GetCandidateResponse response;
    return server_.stub().GetCandidate(&context, request, &response);
  }

  InProcessServer server_;
  std::unique_ptr<MetricsExporter> exporter_;
};

TEST_F(MetricsTest, CallCountsErrorsAndLatencyMoveWithCalls) {
  const std::string before = Scrape(exporter_->port());
  ASSERT_FALSE(before.empty());
  // Counters are process-wide: compare with what the scrape before saw (0 when the series is absent).
  const std::string put_ok = "passerelle_rpc_calls_total{code=\"OK\",rpc=\"PutCandidate\"}";
  const std::string get_missing = "passerelle_rpc_errors_total{code=\"NOT_FOUND\",rpc=\"GetCandidate\"}";
  const std::string put_latency = "passerelle_rpc_latency_seconds_count{code=\"OK\",rpc=\"PutCandidate\"}";
  const double puts_before = std::max(0.0, Sample(before, put_ok));
  const double misses_before = std::max(0.0, Sample(before, get_missing));
  const double latency_before = std::max(0.0, Sample(before, put_latency));

  PutMason();
  PutMason();
  EXPECT_EQ(GetMissing().error_code(), grpc::StatusCode::NOT_FOUND);

  const std::string after = Scrape(exporter_->port());
  EXPECT_EQ(Sample(after, put_ok), puts_before + 2);
  EXPECT_EQ(Sample(after, get_missing), misses_before + 1);
  EXPECT_EQ(Sample(after, put_latency), latency_before + 2);
  // An OK call is no error.
  EXPECT_EQ(after.find("passerelle_rpc_errors_total{code=\"OK\""), std::string::npos);
}

TEST_F(MetricsTest, RecordsIndexAndStoreGaugesFollowTheCatalog) {
  EXPECT_EQ(Sample(Scrape(exporter_->port()), "passerelle_records{kind=\"candidate\"}"), 0);
  PutMason();
  const std::string text = Scrape(exporter_->port());
  EXPECT_EQ(Sample(text, "passerelle_records{kind=\"candidate\"}"), 1);
  EXPECT_EQ(Sample(text, "passerelle_index_rows{kind=\"candidate\"}"), 1);
  EXPECT_GE(Sample(text, "passerelle_index_segments{kind=\"candidate\"}"), 1);
  EXPECT_EQ(Sample(text, "passerelle_rocksdb_write_stopped"), 0);
  EXPECT_GE(Sample(text, "passerelle_rocksdb_sst_files_bytes"), 0);
  EXPECT_GT(Sample(text, "passerelle_rocksdb_memtable_bytes"), 0);  // the put sits in a memtable
  EXPECT_GT(Sample(text, "passerelle_process_resident_memory_bytes"), 0);
  EXPECT_EQ(Sample(text, "passerelle_retention_erased_total{kind=\"candidate\"}"), 0);
}

TEST_F(MetricsTest, AuditEntriesCountCallsThatReturnCandidates) {
  const std::string series = "passerelle_audit_entries_written_total{rpc=\"GetCandidate\"}";
  const double before = std::max(0.0, Sample(Scrape(exporter_->port()), series));
  PutMason();
  grpc::ClientContext context;
  v1::GetCandidateRequest request;
  request.set_candidate_id("cand-mason");
  v1::GetCandidateResponse response;
  ASSERT_TRUE(server_.stub().GetCandidate(&context, request, &response).ok());
  EXPECT_EQ(Sample(Scrape(exporter_->port()), series), before + 1);
}

TEST_F(MetricsTest, RetentionSweepsShowInTheErasedCounters) {
  PutMason();
  const std::string series = "passerelle_retention_erased_total{kind=\"candidate\"}";
  EXPECT_EQ(Sample(Scrape(exporter_->port()), series), 0);
  // A sweep 800 days from now finds the candidate past the default 730-day retention.
  auto report = server_.server().catalog().Sweep(absl::Now() + absl::Hours(24 * 800), engine::RetentionOptions{});
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->candidates_erased, 1);
  const std::string text = Scrape(exporter_->port());
  EXPECT_EQ(Sample(text, series), 1);
  EXPECT_EQ(Sample(text, "passerelle_records{kind=\"candidate\"}"), 0);
}

TEST_F(MetricsTest, NoLabelNamesAnOrganisationOrAnId) {
  PutMason();
  GetMissing();
  const std::string text = Scrape(exporter_->port());
  for (const char* secret : {"cand-mason", "nobody-here", testing::kCounsellorOrg, testing::kEmployerOrg}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret;
  }
  // Only these label names appear.
  const std::regex label(R"(([a-z_]+)=")");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), label); it != std::sregex_iterator(); ++it) {
    const std::string name = (*it)[1];
    EXPECT_TRUE(name == "rpc" || name == "code" || name == "kind" || name == "le" ||
                name == "quantile")  // the last two: histogram buckets, the exporter's own summary
        << name;
  }
}

TEST_F(MetricsTest, ChecksumPageChangesWithTheRecords) {
  const std::regex checksum_line("\npasserelle_records_checksum\\{value=\"([0-9a-f]{64})\"\\} 1");
  std::smatch before;
  const std::string empty = Scrape(exporter_->port(), "/checksum");
  ASSERT_TRUE(std::regex_search(empty, before, checksum_line)) << empty;
  const std::string again = Scrape(exporter_->port(), "/checksum");
  std::smatch same;
  ASSERT_TRUE(std::regex_search(again, same, checksum_line)) << again;
  EXPECT_EQ(same[1].str(), before[1].str());  // the same records, the same checksum
  PutMason();
  const std::string after = Scrape(exporter_->port(), "/checksum");
  std::smatch changed;
  ASSERT_TRUE(std::regex_search(after, changed, checksum_line)) << after;
  EXPECT_NE(changed[1].str(), before[1].str());
  EXPECT_EQ(Sample(Scrape(exporter_->port()), "passerelle_records_checksum"), -1);  // not on /metrics
}

TEST(MetricsExporterTest, ReadyPageFollowsTheProbe) {
  InProcessServer server;
  std::atomic<bool> ready{false};
  MetricsOptions options;
  options.listen_address = "127.0.0.1:0";
  options.readiness.ready = [&ready] { return ready.load(); };
  options.readiness.applied_sequence = [] { return uint64_t{42}; };
  auto exporter = MetricsExporter::Start(options, &server.server().catalog());
  ASSERT_TRUE(exporter.ok()) << exporter.status();
  std::string text = Scrape((*exporter)->port(), "/ready");
  EXPECT_EQ(Sample(text, "passerelle_ready"), 0) << text;
  EXPECT_EQ(text.find("passerelle_ready 1"), std::string::npos) << text;  // haproxy's check: nowhere, help included
  EXPECT_EQ(Sample(text, "passerelle_cluster_applied_sequence"), 42);
  ready = true;
  text = Scrape((*exporter)->port(), "/ready");
  EXPECT_NE(text.find("passerelle_ready 1"), std::string::npos) << text;
}

TEST(MetricsExporterTest, ReadyPageOfASingleProcessSaysReady) {
  InProcessServer server;
  MetricsOptions options;
  options.listen_address = "127.0.0.1:0";
  auto exporter = MetricsExporter::Start(options, &server.server().catalog());
  ASSERT_TRUE(exporter.ok()) << exporter.status();
  const std::string text = Scrape((*exporter)->port(), "/ready");
  EXPECT_EQ(Sample(text, "passerelle_ready"), 1) << text;
  EXPECT_EQ(Sample(text, "passerelle_cluster_applied_sequence"), -1);
}

TEST(MetricsExporterTest, PortInUseIsUnavailable) {
  InProcessServer server;
  MetricsOptions options;
  options.listen_address = "127.0.0.1:0";
  auto first = MetricsExporter::Start(options, &server.server().catalog());
  ASSERT_TRUE(first.ok()) << first.status();
  options.listen_address = "127.0.0.1:" + std::to_string((*first)->port());
  auto second = MetricsExporter::Start(options, &server.server().catalog());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace passerelle::server::metrics
