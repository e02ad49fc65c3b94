// The passerelle CLI end to end on access: keys create|list|revoke, where the CLI finds its key (--key,
// --key-file, $PASSERELLE_KEY), and the answers without a key or with a revoked one.
#include "tests/cli/cli_fixture.h"

namespace passerelle::clients::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST_F(CliTest, WithoutAKeyTheServerAnswersUnauthenticated) {
  ProcessResult result = CliWithKey("", {"get", "candidate", "c-mason"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr("UNAUTHENTICATED"));
  EXPECT_THAT(result.err, HasSubstr("no API key"));
}

TEST_F(CliTest, KeysAreCreatedListedAndRevokedByTheAdminAndARevokedKeyStopsAtOnce) {
  ImportFixtures();
  ProcessResult created = Cli({"keys", "create", "--organisation", "test", "--role", "reader", "--description",
                               "supervisor"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_THAT(created.out, HasSubstr("Secret (shown once"));
  const std::string secret = created.out.substr(created.out.rfind("psk_"));
  const std::string key = secret.substr(0, secret.find('\n'));
  const std::string id = key.substr(4, key.find('_', 4) - 4);

  // The key from a file, then from --key: the reader reads and cannot write.
  const std::string key_file = dir_.Write("reader.key", key + "\n");
  ProcessResult read = CliWithKey("", {"get", "candidate", "c-mason", "--key-file", key_file});
  EXPECT_EQ(read.exit_code, 0) << read.err;
  ProcessResult write = CliWithKey("", {"delete", "candidate", "c-mason", "--key", key});
  EXPECT_EQ(write.exit_code, 1);
  EXPECT_THAT(write.err, HasSubstr("PERMISSION_DENIED"));

  ProcessResult list = Cli({"keys", "list", "--organisation", "test"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr(id));
  EXPECT_THAT(list.out, HasSubstr("supervisor"));
  EXPECT_THAT(list.out, Not(HasSubstr(key.substr(key.rfind('_') + 1))));

  ProcessResult revoked = Cli({"keys", "revoke", id});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  ProcessResult after = CliWithKey(key, {"get", "candidate", "c-mason"});
  EXPECT_EQ(after.exit_code, 1);
  EXPECT_THAT(after.err, HasSubstr("UNAUTHENTICATED: API key revoked"));
  // A counsellor may not manage keys.
  ProcessResult denied = CliWithKey(KeyFor("test", "counsellor"), {"keys", "list"});
  EXPECT_EQ(denied.exit_code, 1);
  EXPECT_THAT(denied.err, HasSubstr("PERMISSION_DENIED"));
}

}  // namespace
}  // namespace passerelle::clients::testing
