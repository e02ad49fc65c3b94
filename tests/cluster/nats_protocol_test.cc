// The NATS wire format (server/cluster/nats/protocol.h, jetstream_reader.h) on hand-written bytes.
#include "server/cluster/nats/protocol.h"

#include <string>

#include "gtest/gtest.h"
#include "server/cluster/nats/jetstream_api.h"
#include "server/cluster/nats/jetstream_reader.h"
#include "server/cluster/nats/socket.h"

namespace passerelle::cluster::nats::nats_protocol_test {
namespace {

TEST(NatsProtocolTest, PublishWithoutHeadersIsPubAndWithHeadersIsHpub) {
  EXPECT_EQ(FormatPublish("a.b", "", "", "hello"), "PUB a.b 5\r\nhello\r\n");
  EXPECT_EQ(FormatPublish("a.b", "_INBOX.x", "", ""), "PUB a.b _INBOX.x 0\r\n\r\n");
  std::string headers = FormatHeader("Nats-Msg-Id", "put-1");
  EXPECT_EQ(headers, "NATS/1.0\r\nNats-Msg-Id: put-1\r\n\r\n");
  EXPECT_EQ(FormatPublish("a.b", "r", headers, "xy"),
            "HPUB a.b r 32 34\r\nNATS/1.0\r\nNats-Msg-Id: put-1\r\n\r\nxy\r\n");
}

TEST(NatsProtocolTest, MessageSplitAcrossReadsIsParsedOnceComplete) {
  std::string buffer = "PING\r\nMSG foo 7 _INBOX.r 11\r\nhello";
  ProtocolEvents events;
  ASSERT_TRUE(ParseMessages(&buffer, &events));
  EXPECT_EQ(events.pings, 1);
  EXPECT_TRUE(events.messages.empty());
  EXPECT_EQ(buffer, "MSG foo 7 _INBOX.r 11\r\nhello");
  buffer += " world\r\nPONG\r\n";
  ASSERT_TRUE(ParseMessages(&buffer, &events));
  ASSERT_EQ(events.messages.size(), 1u);
  EXPECT_EQ(events.messages[0].first, 7u);
  EXPECT_EQ(events.messages[0].second.subject, "foo");
  EXPECT_EQ(events.messages[0].second.reply, "_INBOX.r");
  EXPECT_EQ(events.messages[0].second.data, "hello world");
  EXPECT_EQ(events.pongs, 1);
  EXPECT_TRUE(buffer.empty());
}

TEST(NatsProtocolTest, PayloadThatLooksLikeProtocolIsData) {
  std::string payload = "PING\r\nMSG x 1 2\r\n";
  std::string buffer = "MSG s 3 " + std::to_string(payload.size()) + "\r\n" + payload + "\r\n";
  ProtocolEvents events;
  ASSERT_TRUE(ParseMessages(&buffer, &events));
  ASSERT_EQ(events.messages.size(), 1u);
  EXPECT_EQ(events.messages[0].second.data, payload);
  EXPECT_EQ(events.pings, 0);
}

TEST(NatsProtocolTest, HmsgCarriesHeadersAndStatus) {
  std::string buffer = "HMSG _INBOX.a.1 4 32 32\r\nNATS/1.0 408 Request Timeout\r\n\r\n\r\n"
           "HMSG s 2 $JS.ACK.x 24 26\r\nNATS/1.0\r\nA-B:  c d \r\n\r\nhi\r\n";
  ProtocolEvents events;
  ASSERT_TRUE(ParseMessages(&buffer, &events));
  ASSERT_EQ(events.messages.size(), 2u);
  EXPECT_EQ(events.messages[0].second.status, 408);
  EXPECT_EQ(events.messages[0].second.data, "");
  EXPECT_EQ(events.messages[1].second.status, 0);
  EXPECT_EQ(events.messages[1].second.data, "hi");
  EXPECT_EQ(HeaderValue(events.messages[1].second.headers, "a-b"), "c d");
}

TEST(NatsProtocolTest, GarbageIsAProtocolError) {
  std::string buffer = "HELLO\r\n";
  ProtocolEvents events;
  EXPECT_FALSE(ParseMessages(&buffer, &events));
  buffer = "MSG only-subject\r\n";
  EXPECT_FALSE(ParseMessages(&buffer, &events));
}

TEST(NatsProtocolTest, ServerListTakesSchemesAndRejectsEntriesWithoutPort) {
  absl::StatusOr<std::vector<HostPort>> servers = ParseServerList("nats://10.0.0.1:4222, host-b:4223");
  ASSERT_TRUE(servers.ok());
  ASSERT_EQ(servers->size(), 2u);
  EXPECT_EQ((*servers)[0].host, "10.0.0.1");
  EXPECT_EQ((*servers)[1].port, "4223");
  EXPECT_FALSE(ParseServerList("nats://host-without-port").ok());
  EXPECT_FALSE(ParseServerList(" , ").ok());
}

TEST(JetStreamWireTest, AckSubjectGivesStreamSequenceAndPending) {
  Delivery d = ParseAckSubject("$JS.ACK.passerelle.abc.1.42.7.1700000000000000000.3");
  EXPECT_EQ(d.consumer, "abc");
  EXPECT_EQ(d.stream_sequence, 42u);
  EXPECT_EQ(d.pending, 3u);
  d = ParseAckSubject("$JS.ACK.domain.hash.passerelle.abc.1.43.8.1700000000000000000.0.token");
  EXPECT_EQ(d.consumer, "abc");
  EXPECT_EQ(d.stream_sequence, 43u);
  EXPECT_EQ(d.pending, 0u);
  EXPECT_EQ(ParseAckSubject("_INBOX.x.1").stream_sequence, 0u);
}

TEST(JetStreamWireTest, ApiErrorsBecomeStatuses) {
  EXPECT_EQ(ParseApiReply(R"({"error":{"code":503,"err_code":10008,"description":"no leader"}})").status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(ParseApiReply(R"({"error":{"code":404,"err_code":10059,"description":"stream not found"}})")
                .status()
                .code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(ParseApiReply("not json").status().code(), absl::StatusCode::kInternal);
  absl::StatusOr<nlohmann::json> ack = ParseApiReply(R"({"stream":"passerelle","seq":18446744073709551615})");
  ASSERT_TRUE(ack.ok());
  EXPECT_EQ(JsonUint(*ack, "seq"), 18446744073709551615ull);
}

}  // namespace
}  // namespace passerelle::cluster::nats::nats_protocol_test
