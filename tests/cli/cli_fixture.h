// The fixture of the CLI's end-to-end tests: a real passerelle-server on an ephemeral loopback port with
// a temporary data directory, the real passerelle binary run against it, and a few records as JSON Lines.
//
// The records are written here rather than taken from data/sample, so that the expectations (who is
// near whom) hold whatever seed the sample is generated with:
//   c-mason  Saint-Denis (93066), wishes maçon F1703, B1, public transport (30 km), no relocation
//   c-cook   Paris (75056), wishes commis de cuisine G1602, A2
//   c-far    Marseille (13055), wishes F1703, no relocation
//   o-bobigny  maçon F1703 in Bobigny (93008, 6 km from Saint-Denis), CDI
//   o-lyon     maçon F1703 in Lyon (69123, ~390 km away), CDI
//   o-kitchen  commis de cuisine G1602 in Paris, CDD
#ifndef PASSERELLE_TESTS_CLI_CLI_FIXTURE_H_
#define PASSERELLE_TESTS_CLI_CLI_FIXTURE_H_

#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/cli/process.h"

namespace passerelle::clients::testing {

inline const char kMason[] =
    R"({"id": "c-mason", "owner_id": "test", "commune_insee": "93066", "french_level": "CEFR_LEVEL_B1",)"
    R"( "french_attested": true, "wished_occupations": ["F1703"], "right_to_work": true})";
inline const char kCook[] =
    R"({"id": "c-cook", "owner_id": "test", "commune_insee": "75056", "french_level": "CEFR_LEVEL_A2",)"
    R"( "wished_occupations": ["G1602"], "right_to_work": true})";
inline const char kFar[] =
    R"({"id": "c-far", "owner_id": "test", "commune_insee": "13055", "french_level": "CEFR_LEVEL_B1",)"
    R"( "wished_occupations": ["F1703"], "right_to_work": true})";
// Valid JSON, but the commune does not exist: the server rejects it, naming commune_insee.
inline const char kBadCommune[] =
    R"({"id": "c-bad", "owner_id": "test", "commune_insee": "99999", "right_to_work": true})";

inline const char kBobigny[] =
    R"({"id": "o-bobigny", "owner_id": "test", "title": "Maçon / Maçonne", "rome_code": "F1703",)"
    R"( "commune_insee": "93008", "contract": "CONTRACT_TYPE_CDI"})";
inline const char kLyon[] = R"({"id": "o-lyon", "owner_id": "test", "title": "Maçon / Maçonne", "rome_code": "F1703",)"
                            R"( "commune_insee": "69123", "contract": "CONTRACT_TYPE_CDI"})";
inline const char kKitchen[] =
    R"({"id": "o-kitchen", "owner_id": "test", "title": "Commis de cuisine", "rome_code": "G1602",)"
    R"( "commune_insee": "75056", "contract": "CONTRACT_TYPE_CDD"})";

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    server_ = std::make_unique<ServerProcess>(PASSERELLE_SERVER_BINARY, dir_);
    ASSERT_TRUE(server_->ok()) << "passerelle-server did not start:\n" << server_->log();
  }

  void TearDown() override {
    // SIGTERM is the documented way to stop: the server must exit 0.
    if (server_ != nullptr && server_->ok()) {
      EXPECT_EQ(server_->Stop(), 0) << server_->log();
    }
  }

  // Runs `passerelle args...` with PASSERELLE_SERVER set to the test server and PASSERELLE_KEY to a key
  // of organisation_ whose role may run the command: openings are written by an employer, scoring
  // profiles, status, keys and sharing by the admin, everything else by a counsellor.
  ProcessResult Cli(std::vector<std::string> args, const std::string& stdin_path = "/dev/null") {
    const std::string key = KeyFor(organisation_, RoleFor(args));
    return CliWithKey(key, std::move(args), stdin_path);
  }
  ProcessResult CliWithKey(const std::string& key, std::vector<std::string> args,
                           const std::string& stdin_path = "/dev/null") {
    args.insert(args.begin(), PASSERELLE_CLI_BINARY);
    return RunProcess(args, {{"PASSERELLE_SERVER", server_->address()}, {"PASSERELLE_KEY", key}}, stdin_path, dir_);
  }

  static std::string RoleFor(const std::vector<std::string>& args) {
    auto word = [&](size_t i) { return i < args.size() ? args[i] : std::string(); };
    const bool openings = word(1).rfind("opening", 0) == 0;
    if ((word(0) == "import" || word(0) == "put" || word(0) == "delete") && openings) return "employer";
    if ((word(0) == "profiles" && word(1) == "put") || word(0) == "status" || word(0) == "keys" ||
        word(0) == "share") {
      return "admin";
    }
    return "counsellor";
  }

  std::string AdminKey() {
    std::ifstream in(dir_.Sub("data") + "/bootstrap-admin.key");
    std::string key;
    std::getline(in, key);
    return key;
  }

  // A key of `role` for `organisation`, made once with `passerelle keys create` as the admin.
  std::string KeyFor(const std::string& organisation, const std::string& role) {
    if (role == "admin") return AdminKey();
    auto it = keys_.find({organisation, role});
    if (it != keys_.end()) return it->second;
    ProcessResult created = CliWithKey(
        AdminKey(), {"keys", "create", "--organisation", organisation, "--role", role, "--secret-only"});
    EXPECT_EQ(created.exit_code, 0) << created.out << created.err;
    std::string key = created.out.substr(0, created.out.find('\n'));
    keys_[{organisation, role}] = key;
    return key;
  }

  // Writes the lines as a JSON Lines file and imports it; expects every line stored.
  void Import(const std::string& kind, const std::vector<std::string>& lines) {
    std::string text;
    for (const std::string& line : lines) text += line + "\n";
    ProcessResult result = Cli({"import", kind, dir_.Write(kind + ".jsonl", text)});
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  }

  void ImportFixtures() {
    Import("candidates", {kMason, kCook, kFar});
    Import("openings", {kBobigny, kLyon, kKitchen});
  }

  // Parses what the CLI printed with --json into `message`; fails the test when it does not parse.
  template <typename Message>
  Message ParseOutput(const ProcessResult& result) {
    Message message;
    auto status = google::protobuf::util::JsonStringToMessage(result.out, &message);
    EXPECT_TRUE(status.ok()) << status.ToString() << "\n" << result.out << result.err;
    return message;
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  // The organisation Cli() acts for: the fixtures' records are owned by "test", data/sample's by "sample".
  std::string organisation_ = "test";
  std::map<std::pair<std::string, std::string>, std::string> keys_;
};

}  // namespace passerelle::clients::testing

#endif  // PASSERELLE_TESTS_CLI_CLI_FIXTURE_H_
