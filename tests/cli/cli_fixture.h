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

#include <memory>
#include <string>
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

  // Runs `passerelle args...` with PASSERELLE_SERVER set to the test server.
  ProcessResult Cli(std::vector<std::string> args, const std::string& stdin_path = "/dev/null") {
    args.insert(args.begin(), PASSERELLE_CLI_BINARY);
    return RunProcess(args, {{"PASSERELLE_SERVER", server_->address()}}, stdin_path, dir_);
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
};

}  // namespace passerelle::clients::testing

#endif  // PASSERELLE_TESTS_CLI_CLI_FIXTURE_H_
