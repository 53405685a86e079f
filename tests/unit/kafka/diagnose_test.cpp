// `diagnose kafka-registration`: the safe command for a stale id, the owner's
// trail for a foreign one, never a delete for a live registration.
#include "kafka/kafka_diagnose.h"

#include <gtest/gtest.h>

namespace streamprobe::kafka {
namespace {

BrokerFacts Registered(int id, std::string host, int port, long long session) {
  BrokerFacts b;
  b.id = id;
  b.expected = true;
  b.expected_host = "127.0.0.1";
  b.registered = true;
  b.registered_host = std::move(host);
  b.registered_port = port;
  b.registration_session = session;
  return b;
}

KafkaRound Round() {
  KafkaRound r;
  r.metadata_ok = r.registry_ok = true;
  r.brokers = {Registered(0, "127.0.0.1", 9092, 0x100), Registered(1, "127.0.0.31", 9092, 0x1aa),
               Registered(2, "127.0.0.1", 9094, 0x2bb)};
  BrokerFacts missing;
  missing.id = 3;
  missing.expected = true;
  r.brokers.push_back(missing);
  r.states = {RegistrationState::kOk, RegistrationState::kHostMismatch, RegistrationState::kStale,
              RegistrationState::kMissing};
  return r;
}

std::string LineOf(const std::string& text, const std::string& start) {
  const auto at = text.find(start);
  if (at == std::string::npos) return "";
  return text.substr(at, text.find('\n', at) - at);
}

TEST(DiagnoseRegistrations, EachIdItsVerdictAndWhatIsSafe) {
  const auto d = DiagnoseRegistrations(Round(), "platform", "127.0.0.1:2181,127.0.0.2:2181", "/kafka");
  EXPECT_FALSE(d.all_live);
  EXPECT_NE(LineOf(d.text, "id 0").find("live"), std::string::npos) << d.text;
  EXPECT_NE(LineOf(d.text, "id 1").find("foreign"), std::string::npos);
  EXPECT_NE(LineOf(d.text, "id 2").find("stale"), std::string::npos);
  EXPECT_NE(LineOf(d.text, "id 3").find("missing"), std::string::npos);
  // foreign: its session and how to find the owner, and no delete
  EXPECT_NE(d.text.find("Do NOT delete /kafka/brokers/ids/1"), std::string::npos);
  EXPECT_NE(d.text.find("echo cons | nc 127.0.0.1 2181 | grep -i 'sid=0x1aa'"), std::string::npos);
  EXPECT_EQ(d.text.find("delete /kafka/brokers/ids/1\n"), std::string::npos);
  // stale: the checks first, then the exact delete
  const auto check = d.text.find("kafka-broker-api-versions.sh --bootstrap-server 127.0.0.1:9094");
  const auto remove =
      d.text.find("zkCli.sh -server 127.0.0.1:2181,127.0.0.2:2181 delete /kafka/brokers/ids/2");
  ASSERT_NE(check, std::string::npos) << d.text;
  ASSERT_NE(remove, std::string::npos) << d.text;
  EXPECT_LT(check, remove);
}

TEST(DiagnoseRegistrations, AllLiveAndCouldNotAsk) {
  KafkaRound r = Round();
  r.brokers.resize(1);
  r.states.resize(1);
  EXPECT_TRUE(DiagnoseRegistrations(r, "c", "z:2181", "/").all_live);
  const auto none = DiagnoseRegistrations(KafkaRound{}, "c", "z:2181", "/");
  EXPECT_FALSE(none.all_live);
  EXPECT_NE(none.text.find("could not ask"), std::string::npos);
}

}  // namespace
}  // namespace streamprobe::kafka
