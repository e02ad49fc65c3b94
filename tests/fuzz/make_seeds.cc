// Writes the seed corpora of tests/fuzz/corpus/<target>/ from the sample records (data/sample) and the
// reference-data fixture. Run by hand after a format change, then check the files in:
//   build-asan/tests/fuzz/passerelle_fuzz_seeds
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "clients/json_io.h"
#include "engine/scoring/profile.h"
#include "engine/store/record_codec.h"
#include "engine/store/record_key.h"
#include "passerelle/v1/governance.pb.h"
#include "passerelle/v1/matching.pb.h"

namespace passerelle::fuzz {
namespace {

const std::string kSource = PASSERELLE_SOURCE_DIR;
const std::string kCorpus = kSource + "/tests/fuzz/corpus";
constexpr int kRecords = 4;
// server::Role values.
constexpr char kCounsellor = 0, kEmployer = 1, kBatch = 2, kAdmin = 4;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::vector<std::string> FirstLines(const std::string& path) {
  std::vector<std::string> lines;
  std::istringstream in(ReadFile(path));
  for (std::string line; lines.size() < kRecords && std::getline(in, line);) lines.push_back(line);
  return lines;
}

void Write(const std::string& target, const std::string& name, const std::string& bytes) {
  std::filesystem::create_directories(kCorpus + "/" + target);
  std::ofstream(kCorpus + "/" + target + "/" + name, std::ios::binary) << bytes;
}

template <class Message>
std::vector<Message> Sample(const std::string& file) {
  std::vector<Message> out;
  for (const std::string& line : FirstLines(kSource + "/data/sample/" + file)) {
    Message m;
    if (clients::ParseJson(line, m).ok()) out.push_back(m);
  }
  return out;
}

void Main() {
  std::vector<v1::Candidate> candidates = Sample<v1::Candidate>("candidates.jsonl");
  std::vector<v1::Opening> openings = Sample<v1::Opening>("openings.jsonl");
  const std::string profile = engine::ScoringProfileToProto(engine::DefaultScoringProfile()).SerializeAsString();
  std::string candidate_lines(1, '\0'), opening_lines(1, '\1');
  for (const std::string& line : FirstLines(kSource + "/data/sample/candidates.jsonl")) candidate_lines += line + "\n";
  for (const std::string& line : FirstLines(kSource + "/data/sample/openings.jsonl")) opening_lines += line + "\n";
  Write("json_import_fuzz", "candidates", candidate_lines);
  Write("json_import_fuzz", "openings", opening_lines);

  Write("record_codec_fuzz", "profile", std::string(1, '\2') + profile);
  auto request = [](int rpc, char role, const std::string& bytes) {
    return std::string{static_cast<char>(rpc), role} + bytes;
  };
  Write("request_fuzz", "put-profile", request(6, kAdmin, [&] {
          v1::PutScoringProfileRequest r;
          r.mutable_profile()->ParseFromString(profile);
          r.mutable_profile()->set_name("fuzz");
          return r.SerializeAsString();
        }()));
  for (size_t i = 0; i < candidates.size(); ++i) {
    v1::Candidate c = candidates[i];
    Write("record_codec_fuzz", "candidate-" + std::to_string(i),
          std::string(1, '\0') + engine::EncodeStoredValue(1767225600, c.SerializeAsString()));
    c.clear_owner_id();
    v1::PutCandidateRequest put;
    *put.mutable_candidate() = c;
    Write("request_fuzz", "put-candidate-" + std::to_string(i), request(0, kCounsellor, put.SerializeAsString()));
    v1::ImportCandidatesRequest item;
    *item.mutable_candidate() = c;
    Write("request_fuzz", "import-candidate-" + std::to_string(i), request(11, kCounsellor, item.SerializeAsString()));
    v1::GetCandidateRequest get;
    get.set_candidate_id(c.id());
    Write("request_fuzz", "get-candidate-" + std::to_string(i), request(2, kCounsellor, get.SerializeAsString()));
    v1::MatchOpeningsRequest match;
    match.set_candidate_id(c.id());
    match.set_k(5);
    match.add_occupations("G1602");
    Write("request_fuzz", "match-openings-" + std::to_string(i), request(13, kCounsellor, match.SerializeAsString()));
  }
  for (size_t i = 0; i < openings.size(); ++i) {
    v1::Opening o = openings[i];
    Write("record_codec_fuzz", "opening-" + std::to_string(i),
          std::string(1, '\1') + engine::EncodeStoredValue(1767225600, o.SerializeAsString()));
    o.clear_owner_id();
    v1::PutOpeningRequest put;
    *put.mutable_opening() = o;
    Write("request_fuzz", "put-opening-" + std::to_string(i), request(1, kEmployer, put.SerializeAsString()));
    v1::ImportOpeningsRequest item;
    *item.mutable_opening() = o;
    Write("request_fuzz", "import-opening-" + std::to_string(i), request(12, kEmployer, item.SerializeAsString()));
    v1::DeleteOpeningRequest del;
    del.set_opening_id(o.id());
    Write("request_fuzz", "delete-opening-" + std::to_string(i), request(5, kEmployer, del.SerializeAsString()));
    v1::MatchCandidatesRequest match;
    match.set_opening_id(o.id());
    match.set_k(5);
    Write("request_fuzz", "match-candidates-" + std::to_string(i), request(14, kEmployer, match.SerializeAsString()));
  }
  v1::RerankRequest rerank;
  rerank.set_k(3);
  rerank.add_departements("93");
  rerank.add_occupations("F");
  Write("request_fuzz", "rerank", request(15, kBatch, rerank.SerializeAsString()));
  v1::AssignRequest assign;
  assign.add_departements("69");
  Write("request_fuzz", "assign", request(10, kBatch, assign.SerializeAsString()));
  Write("request_fuzz", "status", request(9, kAdmin, ""));
  Write("request_fuzz", "list-profiles", request(8, kAdmin, ""));
  v1::ListAuditEntriesRequest audit;
  audit.set_rpc("GetCandidate");
  Write("request_fuzz", "audit", request(16, kAdmin, audit.SerializeAsString()));
  v1::ListExpiringRecordsRequest expiring;
  expiring.set_within_days(30);
  Write("request_fuzz", "expiring", request(17, kAdmin, expiring.SerializeAsString()));

  const char* files[] = {"VERSION", "rome/occupations.tsv", "rome/mobility.tsv", "rome/skills.tsv",
                         "rome/occupation_skills.tsv", "rome/appellations.tsv", "geo/regions.tsv",
                         "geo/communes.tsv", "tension/tension.tsv"};
  for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); ++i) {
    Write("refdata_fuzz", "file-" + std::to_string(i),
          std::string(1, static_cast<char>(i)) + ReadFile(kCorpus + "/refdata_fixture/" + files[i]));
  }
}

}  // namespace
}  // namespace passerelle::fuzz

int main() {
  passerelle::fuzz::Main();
  std::printf("seeds written under %s\n", passerelle::fuzz::kCorpus.c_str());
  return 0;
}
