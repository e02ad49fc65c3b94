// Contents-checking crash test: writers put, overwrite and delete candidates and openings, one by one
// and through import streams, against the real passerelle-server over gRPC on loopback; the server gets
// SIGKILL at a random moment; after each restart every record must hold exactly what the expected state
// allows. As in RocksDB's crash test (db_crashtest.py), the expected state keeps per record its last
// acknowledged value and the values of writes still in flight: an acknowledged value (or delete) must be
// what is read back unless a later write to the same record was in flight, in which case that write's
// value may be read instead; anything else is a failure.
// Cycles: $PASSERELLE_CRASH_CYCLES (default 50, the CI run); docs/operations.md gives the 1,000-cycle run.
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/crash/server_process.h"
#include "tests/server/test_util.h"

namespace passerelle::tests {
namespace {

using server::testing::KeyedChannel;
using server::testing::MasonCandidate;
using server::testing::MasonOpening;

constexpr int kWriters = 3;
constexpr int kRecordsPerKind = 24;  // per writer
// Valid values the writers cycle through (reference data of data/).
constexpr const char* kCommunes[] = {"93008", "93066", "75056", "69123"};

// What a record may hold: nullopt = absent. The value is a signature of the fields the writers vary.
using Value = std::optional<std::string>;

struct Expected {
  Value acknowledged;       // the last acknowledged write (absent before any)
  std::vector<Value> pending;  // writes sent since, not acknowledged: each may have been applied
};

// The expected state of every record, by "c:<id>" or "o:<id>". Each record belongs to one writer.
class ExpectedState {
 public:
  void Begin(const std::string& key, const Value& value) {
    std::lock_guard<std::mutex> lock(mu_);
    records_[key].pending.push_back(value);
  }
  void Acknowledge(const std::string& key, const Value& value) {
    std::lock_guard<std::mutex> lock(mu_);
    Expected& e = records_[key];
    e.acknowledged = value;
    e.pending.clear();  // a writer has one call per record in flight at most
  }
  // Checks `observed` against the record's expectation and adopts it as acknowledged. False on a mismatch.
  bool Observe(const std::string& key, const Value& observed, std::string* why) {
    std::lock_guard<std::mutex> lock(mu_);
    Expected& e = records_[key];
    bool allowed = observed == e.acknowledged;
    for (const Value& v : e.pending) allowed = allowed || observed == v;
    if (!allowed) {
      *why = absl::StrCat(key, ": read ", observed.value_or("<absent>"), ", acknowledged ",
                          e.acknowledged.value_or("<absent>"), " with ", e.pending.size(), " write(s) in flight");
    }
    e.acknowledged = observed;
    e.pending.clear();
    return allowed;
  }
  std::vector<std::string> Keys() {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string> keys;
    for (const auto& [key, e] : records_) keys.push_back(key);
    return keys;
  }
  int Present() {
    std::lock_guard<std::mutex> lock(mu_);
    int n = 0;
    for (const auto& [key, e] : records_) n += e.acknowledged.has_value();
    return n;
  }

 private:
  std::mutex mu_;
  std::map<std::string, Expected> records_;
};

std::string CandidateSignature(const v1::Candidate& c) { return c.commune_insee() + "|" + c.available_from(); }
std::string OpeningSignature(const v1::Opening& o) { return o.title() + "|" + std::to_string(o.positions()); }

v1::Candidate CandidateVersion(const std::string& id, int version) {
  v1::Candidate c = MasonCandidate(id);
  c.set_commune_insee(kCommunes[version % 4]);
  c.set_available_from(absl::StrCat("2026-0", 1 + version % 9, "-", 10 + version % 19));
  return c;
}

v1::Opening OpeningVersion(const std::string& id, int version) {
  v1::Opening o = MasonOpening(id);
  o.set_title(absl::StrCat("Maçon version ", version));
  o.set_positions(1 + version % 7);
  return o;
}

std::unique_ptr<v1::Matching::Stub> Stub(const ServerProcess& server, const std::string& counsellor,
                                         const std::string& employer) {
  server::testing::KeysByMethod keys = {{"", counsellor}};
  for (const char* method : {"PutOpening", "GetOpening", "DeleteOpening", "ImportOpenings"}) keys[method] = employer;
  return v1::Matching::NewStub(KeyedChannel(server.address(), keys));
}

template <class Context>
void Deadline(Context& context) {
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
}

// Writes until `stop` or until a call fails (the server is gone): random puts, overwrites, deletes
// and imports over the writer's own records.
void Writer(v1::Matching::Stub* stub, int writer, uint32_t seed, const std::atomic<bool>* stop, ExpectedState* state) {
  std::mt19937 random(seed);
  auto id = [&](char kind) { return absl::StrCat(kind == 'c' ? "cand-w" : "open-w", writer, "-", random() % kRecordsPerKind); };
  while (!*stop) {
    const int op = static_cast<int>(random() % 10);
    const int version = static_cast<int>(random() % 1000);
    if (op < 3) {  // put a candidate
      const v1::Candidate c = CandidateVersion(id('c'), version);
      const std::string key = "c:" + c.id();
      state->Begin(key, CandidateSignature(c));
      grpc::ClientContext context;
      Deadline(context);
      v1::PutCandidateRequest request;
      *request.mutable_candidate() = c;
      v1::PutCandidateResponse response;
      if (!stub->PutCandidate(&context, request, &response).ok()) return;
      state->Acknowledge(key, CandidateSignature(c));
    } else if (op < 5) {  // put an opening
      const v1::Opening o = OpeningVersion(id('o'), version);
      const std::string key = "o:" + o.id();
      state->Begin(key, OpeningSignature(o));
      grpc::ClientContext context;
      Deadline(context);
      v1::PutOpeningRequest request;
      *request.mutable_opening() = o;
      v1::PutOpeningResponse response;
      if (!stub->PutOpening(&context, request, &response).ok()) return;
      state->Acknowledge(key, OpeningSignature(o));
    } else if (op < 7) {  // delete a candidate or an opening; NOT_FOUND acknowledges the absence too
      const bool candidate = op == 5;
      const std::string record = id(candidate ? 'c' : 'o');
      const std::string key = (candidate ? "c:" : "o:") + record;
      state->Begin(key, std::nullopt);
      grpc::ClientContext context;
      Deadline(context);
      grpc::Status status;
      if (candidate) {
        v1::DeleteCandidateRequest request;
        request.set_candidate_id(record);
        v1::DeleteCandidateResponse response;
        status = stub->DeleteCandidate(&context, request, &response);
      } else {
        v1::DeleteOpeningRequest request;
        request.set_opening_id(record);
        v1::DeleteOpeningResponse response;
        status = stub->DeleteOpening(&context, request, &response);
      }
      if (!status.ok() && status.error_code() != grpc::StatusCode::NOT_FOUND) return;
      state->Acknowledge(key, std::nullopt);
    } else {  // an import stream of distinct candidates; each item acknowledged by its report
      std::map<std::string, std::string> sent;  // id -> signature
      grpc::ClientContext context;
      Deadline(context);
      v1::ImportResponse response;
      auto stream = stub->ImportCandidates(&context, &response);
      for (int i = 0; i < 6; ++i) {
        const v1::Candidate c = CandidateVersion(id('c'), version + i);
        if (sent.contains(c.id())) continue;
        sent[c.id()] = CandidateSignature(c);
        state->Begin("c:" + c.id(), CandidateSignature(c));
        v1::ImportCandidatesRequest item;
        *item.mutable_candidate() = c;
        if (!stream->Write(item)) break;
      }
      stream->WritesDone();
      if (!stream->Finish().ok()) return;
      for (const v1::ImportItemReport& item : response.items()) {
        if (item.status() == v1::IMPORT_ITEM_STATUS_ACCEPTED && sent.contains(item.id())) {
          state->Acknowledge("c:" + item.id(), sent[item.id()]);
        }
      }
    }
  }
}

// Reads every record the writers touched and checks it against the expected state.
void Verify(v1::Matching::Stub& stub, ExpectedState& state, int cycle) {
  int mismatches = 0;
  for (const std::string& key : state.Keys()) {
    const std::string id = key.substr(2);
    Value observed;
    grpc::Status status;
    grpc::ClientContext context;
    Deadline(context);
    if (key[0] == 'c') {
      v1::GetCandidateRequest request;
      request.set_candidate_id(id);
      v1::GetCandidateResponse response;
      status = stub.GetCandidate(&context, request, &response);
      if (status.ok()) observed = CandidateSignature(response.candidate());
    } else {
      v1::GetOpeningRequest request;
      request.set_opening_id(id);
      v1::GetOpeningResponse response;
      status = stub.GetOpening(&context, request, &response);
      if (status.ok()) observed = OpeningSignature(response.opening());
    }
    ASSERT_TRUE(status.ok() || status.error_code() == grpc::StatusCode::NOT_FOUND)
        << key << ": " << status.error_message();
    std::string why;
    if (!state.Observe(key, observed, &why) && ++mismatches <= 10) ADD_FAILURE() << "after crash " << cycle << ": " << why;
  }
  EXPECT_EQ(mismatches, 0) << "records differing from their last acknowledged value after crash " << cycle;
}

int Cycles() {
  const char* env = std::getenv("PASSERELLE_CRASH_CYCLES");
  return env != nullptr ? std::max(1, std::atoi(env)) : 50;
}

TEST(ContentsCrashTest, AcknowledgedContentsSurviveSigkill) {
  TempDir dir("passerelle-crash-test");
  ServerProcess server(dir.Sub("data"), dir.path());
  ExpectedState state;
  std::mt19937 random(20261201);
  const int cycles = Cycles();
  std::string counsellor, employer;
  for (int cycle = 0; cycle <= cycles; ++cycle) {
    ASSERT_TRUE(server.Start()) << "restart " << cycle << " failed; the server's log:\n" << server.Log();
    if (cycle == 0) {
      counsellor = server.NewKey(server::testing::kCounsellorOrg, "counsellor");
      employer = server.NewKey(server::testing::kEmployerOrg, "employer");
      ASSERT_FALSE(counsellor.empty() || employer.empty()) << server.Log();
    }
    auto stub = Stub(server, counsellor, employer);
    Verify(*stub, state, cycle);
    if (::testing::Test::HasFailure() || cycle == cycles) break;

    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back(Writer, stub.get(), w, static_cast<uint32_t>(random()), &stop, &state);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100 + random() % 400));
    server.Signal(SIGKILL);  // mid-write: some calls acknowledged, some in flight
    const int status = server.Wait();
    stop = true;
    for (std::thread& t : writers) t.join();
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
  }
  EXPECT_GT(state.Present(), 0) << "the writers never got a write acknowledged";
  std::printf("crash test: %d kill -9 cycles, %zu records checked after each restart, %d present at the end\n",
              cycles, state.Keys().size(), state.Present());
  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(), 0);
}

}  // namespace
}  // namespace passerelle::tests
