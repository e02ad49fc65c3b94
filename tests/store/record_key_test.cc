// RecordKeyer computes HMAC-SHA256 from precomputed pad states: its keys must equal OpenSSL's one-shot
// HMAC over (organisation "\0" id) for every secret length, short, block-sized and longer than a block.
#include "engine/store/record_key.h"

#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "openssl/evp.h"
#include "openssl/hmac.h"

namespace passerelle::engine::record_key_test {
namespace {

std::string OneShot(const std::string& secret, const std::string& message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string Message(const std::string& organisation, const std::string& id) {
  return organisation + std::string(1, '\0') + id;
}

TEST(RecordKeyerTest, EqualsOneShotHmacForEverySecretLength) {
  for (size_t secret_bytes : {1, 32, 63, 64, 65, 200}) {
    std::string secret(secret_bytes, '\0');
    for (size_t i = 0; i < secret_bytes; ++i) secret[i] = static_cast<char>(i * 37 + secret_bytes);
    const RecordKeyer keyer(secret);
    for (const auto& [organisation, id] : std::vector<std::pair<std::string, std::string>>{
             {"ft-93", "c-1"}, {"ft-93", ""}, {"a", "b:c"}, {"a:b", "c"}, {"sample", std::string(300, 'x')}}) {
      SCOPED_TRACE(secret_bytes);
      EXPECT_EQ(keyer.Key(organisation, id), OneShot(secret, Message(organisation, id))) << organisation << " " << id;
    }
  }
}

TEST(RecordKeyerTest, SeparatesOrganisationFromIdAndSecrets) {
  const RecordKeyer keyer(std::string(32, 's'));
  EXPECT_EQ(keyer.Key("ft-93", "c-1").size(), kRecordKeyBytes);
  EXPECT_NE(keyer.Key("a", "b:c"), keyer.Key("a:b", "c"));
  EXPECT_NE(keyer.Key("ft-93", "c-1"), RecordKeyer(std::string(32, 't')).Key("ft-93", "c-1"));
}

TEST(RecordKeyerTest, ConcurrentKeysEqualTheSequentialOnes) {
  const std::string secret(32, 'q');
  const RecordKeyer keyer(secret);
  std::vector<std::string> expected;
  for (int i = 0; i < 200; ++i) expected.push_back(OneShot(secret, Message("org", "id-" + std::to_string(i))));
  std::vector<std::vector<std::string>> got(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) got[t].push_back(keyer.Key("org", "id-" + std::to_string(i)));
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const auto& keys : got) EXPECT_EQ(keys, expected);
}

}  // namespace
}  // namespace passerelle::engine::record_key_test
