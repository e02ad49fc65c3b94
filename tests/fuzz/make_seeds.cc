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
#include "passerelle/v1/access.pb.h"
#include "passerelle/v1/discovery.pb.h"
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
  v1::FormCohortsRequest cohorts;
  cohorts.add_regions("11");
  cohorts.set_min_cohort_size(2);
  cohorts.set_max_cohort_size(4);
  Write("request_fuzz", "form-cohorts", request(18, kBatch, cohorts.SerializeAsString()));
  v1::ListCandidatesRequest list_candidates;
  list_candidates.set_page_size(2);
  list_candidates.mutable_filter()->add_departements("93");
  Write("request_fuzz", "list-candidates", request(19, kCounsellor, list_candidates.SerializeAsString()));
  v1::ListOpeningsRequest list_openings;
  list_openings.set_page_size(2);
  list_openings.mutable_filter()->add_occupations("F");
  Write("request_fuzz", "list-openings", request(20, kEmployer, list_openings.SerializeAsString()));
  if (!candidates.empty()) {
    v1::SearchOpeningsRequest search;
    *search.mutable_profile() = candidates[0];
    search.set_k(3);
    Write("request_fuzz", "search-openings", request(21, kCounsellor, search.SerializeAsString()));
  }
  if (!openings.empty()) {
    v1::SearchCandidatesRequest search;
    *search.mutable_profile() = openings[0];
    search.set_k(3);
    Write("request_fuzz", "search-candidates", request(22, kEmployer, search.SerializeAsString()));
  }
  v1::LookupOccupationsRequest occupations;
  occupations.set_query("maçon");
  occupations.set_limit(5);
  Write("request_fuzz", "lookup-occupations", request(23, kCounsellor, occupations.SerializeAsString()));
  v1::LookupCommunesRequest communes;
  communes.set_query("saint-denis");
  communes.set_departement("93");
  Write("request_fuzz", "lookup-communes", request(24, kCounsellor, communes.SerializeAsString()));
  v1::LookupSkillsRequest skills;
  skills.set_rome_code("F1703");
  Write("request_fuzz", "lookup-skills", request(25, kCounsellor, skills.SerializeAsString()));
  Write("request_fuzz", "whoami", request(26, kCounsellor, ""));
  v1::CreateKeyRequest create_key;
  create_key.set_organisation("fuzz-org");
  create_key.set_role("counsellor");
  create_key.set_ttl_seconds(3600);
  create_key.set_description("fuzz seed");
  Write("request_fuzz", "create-key", request(27, kAdmin, create_key.SerializeAsString()));
  v1::ListKeysRequest list_keys;
  list_keys.set_organisation("fuzz-org");
  Write("request_fuzz", "list-keys", request(28, kAdmin, list_keys.SerializeAsString()));
  v1::RevokeKeyRequest revoke;
  revoke.set_key_id("k-unknown");
  Write("request_fuzz", "revoke-key", request(29, kAdmin, revoke.SerializeAsString()));
  v1::PutSharingAgreementRequest share;
  share.mutable_agreement()->set_owner_organisation("fuzz-org");
  share.mutable_agreement()->set_reader_organisation("other-org");
  Write("request_fuzz", "put-agreement", request(30, kAdmin, share.SerializeAsString()));
  v1::DeleteSharingAgreementRequest unshare;
  unshare.set_owner_organisation("fuzz-org");
  unshare.set_reader_organisation("other-org");
  Write("request_fuzz", "delete-agreement", request(31, kAdmin, unshare.SerializeAsString()));
  Write("request_fuzz", "list-agreements", request(32, kAdmin, ""));
  v1::EraseOrganisationRequest erase;
  erase.set_organisation("other-org");
  Write("request_fuzz", "erase-organisation", request(33, kAdmin, erase.SerializeAsString()));

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
