// The passerelle CLI end to end on access: keys create|list|revoke, where the CLI finds its key (--key,
// --key-file, $PASSERELLE_KEY), and the answers without a key or with a revoked one.
#include <cstdlib>

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
  EXPECT_THAT(list.out, Not(HasSubstr(key.substr(key.find('_', 4) + 1))));

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

// The CLI's TLS flags against a server under mutual TLS, with certificates from the openssl command line
// (as docs/security.md shows): the client certificate's subject names the organisation and the role.
TEST(CliTlsTest, TheCliConnectsUnderMutualTlsWithItsCertificateAndNotWithout) {
  TempDir dir;
  const std::string d = dir.path();
  const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes ";
  const std::vector<std::string> commands = {
      "openssl req -x509" + ec + "-keyout " + d + "/ca.key -out " + d + "/ca.pem -days 2 -subj '/CN=test CA'",
      "openssl req" + ec + "-keyout " + d + "/server.key -out " + d + "/server.csr -subj '/CN=localhost'",
      "printf 'subjectAltName=DNS:localhost,IP:127.0.0.1' > " + d + "/san.ext",
      "openssl x509 -req -in " + d + "/server.csr -CA " + d + "/ca.pem -CAkey " + d + "/ca.key -CAcreateserial -days 2 -out " +
          d + "/server.pem -extfile " + d + "/san.ext",
      "openssl req" + ec + "-keyout " + d + "/client.key -out " + d + "/client.csr -subj '/O=test/OU=counsellor/CN=t'",
      "openssl x509 -req -in " + d + "/client.csr -CA " + d + "/ca.pem -CAkey " + d + "/ca.key -CAcreateserial -days 2 -out " +
          d + "/client.pem",
  };
  for (const std::string& command : commands) ASSERT_EQ(std::system((command + " 2>/dev/null").c_str()), 0) << command;
  ServerProcess server(PASSERELLE_SERVER_BINARY, dir,
                       {"--tls_cert=" + d + "/server.pem", "--tls_key=" + d + "/server.key", "--tls_client_ca=" + d + "/ca.pem"});
  ASSERT_TRUE(server.ok()) << server.log();
  const std::map<std::string, std::string> env = {{"PASSERELLE_SERVER", server.address()}, {"PASSERELLE_KEY", ""}};
  ProcessResult with_cert = RunProcess({PASSERELLE_CLI_BINARY, "profiles", "list", "--ca-cert", d + "/ca.pem",
                                        "--client-cert", d + "/client.pem", "--client-key", d + "/client.key"},
                                       env, "/dev/null", dir);
  EXPECT_EQ(with_cert.exit_code, 0) << with_cert.out << with_cert.err;
  EXPECT_THAT(with_cert.out, HasSubstr("default"));
  ProcessResult without = RunProcess({PASSERELLE_CLI_BINARY, "profiles", "list", "--ca-cert", d + "/ca.pem"}, env,
                                     "/dev/null", dir);
  EXPECT_EQ(without.exit_code, 1);
  EXPECT_THAT(without.err, HasSubstr("UNAVAILABLE"));
  ProcessResult plaintext = RunProcess({PASSERELLE_CLI_BINARY, "profiles", "list"}, env, "/dev/null", dir);
  EXPECT_EQ(plaintext.exit_code, 1);
  EXPECT_EQ(server.Stop(), 0);
}

}  // namespace
}  // namespace passerelle::clients::testing
