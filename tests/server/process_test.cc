// The real passerelle-server binary, started with fork/exec on a temporary data directory:
// - SIGKILL right after acknowledged writes, restart, every acknowledged write is there (and every
//   acknowledged delete is not), over several cycles ($PASSERELLE_CRASH_CYCLES, default 5);
// - SIGTERM with an import in flight: health turns NOT_SERVING, the import finishes, the process exits 0
//   within a few seconds, and the import's items are there after a restart.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/server/test_util.h"

namespace passerelle::server {
namespace {

using ::passerelle::server::testing::MasonCandidate;
using ::passerelle::server::testing::NewStub;
using ::passerelle::server::testing::TempDir;
using Clock = std::chrono::steady_clock;

// One passerelle-server process.
// A key of `role` for the fixtures' counsellor organisation, created with the bootstrap admin key of the
// server's data directory.
std::string NewKey(const TempDir& dir, int port, const std::string& role) {
  auto admin = v1::Access::NewStub(testing::KeyedChannel(
      "127.0.0.1:" + std::to_string(port), {{"", testing::ReadFirstLine(dir.Sub("data") + "/bootstrap-admin.key")}}));
  grpc::ClientContext context;
  v1::CreateKeyRequest request;
  request.set_organisation(testing::kCounsellorOrg);
  request.set_role(role);
  v1::CreateKeyResponse response;
  const grpc::Status status = admin->CreateKey(&context, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response.secret();
}

class ServerProcess {
 public:
  ServerProcess(const TempDir& dir, double grace_seconds) {
    port_file_ = dir.Sub("port");
    log_file_ = dir.Sub("server.log");
    std::remove(port_file_.c_str());
    args_ = {PASSERELLE_SERVER_BINARY, "--listen=127.0.0.1:0", "--data_dir=" + dir.Sub("data"),
             "--port_file=" + port_file_, "--shutdown_grace_seconds=" + std::to_string(grace_seconds)};
  }
  ~ServerProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  // Starts the process and waits until it serves; false (with the log printed) if it does not in 30 s.
  bool Start() {
    std::vector<char*> argv;
    for (std::string& arg : args_) argv.push_back(arg.data());
    argv.push_back(nullptr);
    const int log = open(log_file_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    pid_ = fork();
    if (pid_ == 0) {  // child: only async-signal-safe calls until exec
      dup2(log, STDERR_FILENO);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(log);
    const auto give_up = Clock::now() + std::chrono::seconds(30);
    while (Clock::now() < give_up) {
      std::ifstream in(port_file_);
      if (in >> port_) return true;
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "passerelle-server did not start; its log:\n" << Log();
    return false;
  }

  void Signal(int signal) { kill(pid_, signal); }

  // Waits for the process to end; its wait status, or -1 after `timeout` (the process is then killed).
  int Wait(std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    const auto give_up = Clock::now() + timeout;
    int status = 0;
    while (Clock::now() < give_up) {
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        std::remove(port_file_.c_str());
        return status;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
  }

  std::string Log() const {
    std::ifstream in(log_file_);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  int port() const { return port_; }

 private:
  std::vector<std::string> args_;
  std::string port_file_, log_file_;
  pid_t pid_ = -1;
  int port_ = 0;
};

int CrashCycles() {
  const char* env = std::getenv("PASSERELLE_CRASH_CYCLES");
  return env ? std::max(1, std::atoi(env)) : 5;
}

// What the writers were told, so that a restart can be checked against it.
struct Ledger {
  std::mutex mu;
  std::set<std::string> present;  // acknowledged puts, not deleted since
  std::set<std::string> absent;   // acknowledged deletes
};

// Writes until `stop`: single puts, small imports, and deletes of its own earlier puts.
void Writer(v1::Matching::Stub* stub, const std::string& prefix, const std::atomic<bool>* stop, Ledger* ledger) {
  std::vector<std::string> mine;
  for (int n = 0; !*stop; ++n) {
    if (n % 10 == 9) {  // an import of 8
      grpc::ClientContext context;
      v1::ImportResponse response;
      auto writer = stub->ImportCandidates(&context, &response);
      for (int i = 0; i < 8; ++i) {
        v1::ImportCandidatesRequest item;
        *item.mutable_candidate() = MasonCandidate(prefix + "-" + std::to_string(n) + "-" + std::to_string(i));
        if (!writer->Write(item)) break;
      }
      writer->WritesDone();
      if (!writer->Finish().ok()) return;
      std::lock_guard<std::mutex> lock(ledger->mu);
      for (const v1::ImportItemReport& item : response.items()) {
        if (item.status() == v1::IMPORT_ITEM_STATUS_ACCEPTED) ledger->present.insert(item.id());
      }
    } else if (n % 10 == 4 && !mine.empty()) {  // a delete
      const std::string id = mine.back();
      mine.pop_back();
      {
        std::lock_guard<std::mutex> lock(ledger->mu);
        ledger->present.erase(id);  // from now on its fate is unknown until acknowledged
      }
      grpc::ClientContext context;
      v1::DeleteCandidateRequest request;
      request.set_candidate_id(id);
      v1::DeleteCandidateResponse response;
      if (!stub->DeleteCandidate(&context, request, &response).ok()) return;
      std::lock_guard<std::mutex> lock(ledger->mu);
      ledger->absent.insert(id);
    } else {
      const std::string id = prefix + "-" + std::to_string(n);
      grpc::ClientContext context;
      v1::PutCandidateRequest request;
      *request.mutable_candidate() = MasonCandidate(id);
      v1::PutCandidateResponse response;
      if (!stub->PutCandidate(&context, request, &response).ok()) return;
      mine.push_back(id);
      std::lock_guard<std::mutex> lock(ledger->mu);
      ledger->present.insert(id);
    }
  }
}

// Every id the ledger says is present is, and every id it says is absent is not.
void ExpectLedgerHolds(v1::Matching::Stub& stub, Ledger& ledger, int cycle) {
  std::lock_guard<std::mutex> lock(ledger.mu);
  int missing = 0, resurrected = 0;
  for (const std::string& id : ledger.present) {
    grpc::ClientContext context;
    v1::GetCandidateRequest request;
    request.set_candidate_id(id);
    v1::GetCandidateResponse response;
    missing += !stub.GetCandidate(&context, request, &response).ok();
  }
  for (const std::string& id : ledger.absent) {
    grpc::ClientContext context;
    v1::GetCandidateRequest request;
    request.set_candidate_id(id);
    v1::GetCandidateResponse response;
    resurrected += stub.GetCandidate(&context, request, &response).ok();
  }
  EXPECT_EQ(missing, 0) << "acknowledged puts lost after crash " << cycle << " (of " << ledger.present.size() << ")";
  EXPECT_EQ(resurrected, 0) << "acknowledged deletes undone after crash " << cycle;
}

TEST(CrashTest, AcknowledgedWritesSurviveSigkill) {
  TempDir dir;
  Ledger ledger;
  std::mt19937 random(20260302);
  const int cycles = CrashCycles();
  for (int cycle = 0; cycle < cycles; ++cycle) {
    ServerProcess server(dir, 1);
    ASSERT_TRUE(server.Start());
    auto stub = NewStub(server.port(), NewKey(dir, server.port(), "counsellor"));
    ExpectLedgerHolds(*stub, ledger, cycle);

    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    for (int w = 0; w < 3; ++w) {
      writers.emplace_back(Writer, stub.get(), "c" + std::to_string(cycle) + "w" + std::to_string(w), &stop, &ledger);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(150 + random() % 250));
    server.Signal(SIGKILL);  // mid-write: some calls are acknowledged, some in flight
    const int status = server.Wait();
    stop = true;
    for (std::thread& t : writers) t.join();
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
  }
  ServerProcess server(dir, 1);
  ASSERT_TRUE(server.Start());
  auto stub = NewStub(server.port(), NewKey(dir, server.port(), "counsellor"));
  ExpectLedgerHolds(*stub, ledger, cycles);
  EXPECT_GE(ledger.present.size(), static_cast<size_t>(cycles)) << "the writers barely wrote";
  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(), 0);
}

TEST(ShutdownTest, SigtermLetsTheCallInFlightFinishThenExits) {
  TempDir dir;
  auto server = std::make_unique<ServerProcess>(dir, 5);
  ASSERT_TRUE(server->Start());
  auto channel = testing::KeyedChannel("127.0.0.1:" + std::to_string(server->port()),
                                       {{"", NewKey(dir, server->port(), "counsellor")}});
  auto stub = v1::Matching::NewStub(channel);
  auto health = grpc::health::v1::Health::NewStub(channel);

  grpc::ClientContext watch_context;
  grpc::health::v1::HealthCheckRequest watch_request;
  watch_request.set_service("passerelle.v1.Matching");
  auto watch = health->Watch(&watch_context, watch_request);
  grpc::health::v1::HealthCheckResponse health_status;
  ASSERT_TRUE(watch->Read(&health_status));
  EXPECT_EQ(health_status.status(), grpc::health::v1::HealthCheckResponse::SERVING);

  grpc::ClientContext import_context;
  v1::ImportResponse response;
  auto writer = stub->ImportCandidates(&import_context, &response);
  auto write = [&](int from, int to) {
    for (int i = from; i < to; ++i) {
      v1::ImportCandidatesRequest item;
      *item.mutable_candidate() = MasonCandidate("inflight-" + std::to_string(i));
      ASSERT_TRUE(writer->Write(item));
    }
  };
  write(0, 50);
  writer->WaitForInitialMetadata();  // the server's handler has the stream
  const auto signalled = Clock::now();
  server->Signal(SIGTERM);
  ASSERT_TRUE(watch->Read(&health_status));
  EXPECT_EQ(health_status.status(), grpc::health::v1::HealthCheckResponse::NOT_SERVING);
  watch_context.TryCancel();
  {
    grpc::ClientContext context;  // a new call is refused, and changes nothing
    v1::PutCandidateRequest request;
    *request.mutable_candidate() = MasonCandidate("too-late");
    v1::PutCandidateResponse ignored;
    EXPECT_EQ(stub->PutCandidate(&context, request, &ignored).error_code(), grpc::StatusCode::UNAVAILABLE);
  }
  write(50, 100);  // the call started before SIGTERM goes on
  writer->WritesDone();
  const grpc::Status finished = writer->Finish();
  ASSERT_TRUE(finished.ok()) << finished.error_message() << "\n" << server->Log();
  EXPECT_EQ(response.accepted_count(), 100);
  const int status = server->Wait(std::chrono::seconds(10));
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status << "\n" << server->Log();
  EXPECT_LT(Clock::now() - signalled, std::chrono::seconds(3));

  server = std::make_unique<ServerProcess>(dir, 5);
  ASSERT_TRUE(server->Start());
  auto restarted = NewStub(server->port(), NewKey(dir, server->port(), "admin"));
  grpc::ClientContext context;
  v1::GetStatusResponse after;
  ASSERT_TRUE(restarted->GetStatus(&context, v1::GetStatusRequest(), &after).ok());
  EXPECT_EQ(after.candidate_count(), 100);
  server->Signal(SIGTERM);
  EXPECT_EQ(server->Wait(), 0);
}

}  // namespace
}  // namespace passerelle::server
