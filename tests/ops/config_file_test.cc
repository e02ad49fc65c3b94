// The --config file of passerelle-server: parsing, and where --config is found on the command line.
#include "server/config_file.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace passerelle::server {
namespace {

using ::testing::HasSubstr;

TEST(ConfigFileTest, ParsesNameValueLinesSkippingCommentsAndBlanks) {
  auto settings = ParseConfig("# a comment\n\n  listen = 127.0.0.1:6000  \ndata_dir=/var/lib/passerelle/data\n"
                              "tls_cert = /etc/passerelle/a b.pem\nbackup_dir =\n");
  ASSERT_TRUE(settings.ok()) << settings.status();
  ASSERT_EQ(settings->size(), 4u);
  EXPECT_EQ((*settings)[0].name, "listen");
  EXPECT_EQ((*settings)[0].value, "127.0.0.1:6000");
  EXPECT_EQ((*settings)[0].line, 3);
  EXPECT_EQ((*settings)[1].value, "/var/lib/passerelle/data");
  EXPECT_EQ((*settings)[2].value, "/etc/passerelle/a b.pem");  // runs to the end of the line
  EXPECT_EQ((*settings)[3].value, "");
}

TEST(ConfigFileTest, RejectsLinesWithoutNameOrEquals) {
  EXPECT_THAT(ParseConfig("listen 127.0.0.1:1\n").status().message(), HasSubstr("line 1"));
  EXPECT_THAT(ParseConfig("ok = 1\n = 2\n").status().message(), HasSubstr("line 2"));
  EXPECT_THAT(ParseConfig("--listen = 2\n").status().message(), HasSubstr("without dashes"));
}

TEST(ConfigFileTest, MissingFileIsNotFound) {
  EXPECT_EQ(ReadConfigFile("/nonexistent/passerelle.conf").status().code(), absl::StatusCode::kNotFound);
}

TEST(ConfigFileTest, FindsConfigFlagInEitherForm) {
  char a0[] = "passerelle-server", a1[] = "--listen=x", a2[] = "--config=/etc/a.conf";
  char* equals[] = {a0, a1, a2};
  EXPECT_EQ(ConfigPathInArgs(3, equals), "/etc/a.conf");
  char b1[] = "-config", b2[] = "/etc/b.conf";
  char* separate[] = {a0, b1, b2};
  EXPECT_EQ(ConfigPathInArgs(3, separate), "/etc/b.conf");
  char* none[] = {a0, a1};
  EXPECT_EQ(ConfigPathInArgs(2, none), "");
}

}  // namespace
}  // namespace passerelle::server
