#include "zookeeper/kafka_registry.h"

#include <gtest/gtest.h>

#include "fakes.h"

namespace streamprobe::zookeeper {
namespace {

using testing::FakeZnodeReader;
using testing::Fixture;

std::string Zk(const std::string& name) { return Fixture("zookeeper/" + name); }

std::string Kafka(const std::string& name) { return Fixture("kafka/" + name); }

TEST(ParseBrokerRegistration, RecordedKafka39Registration) {
  ZnodeStat stat;
  stat.czxid = 4294967358;
  stat.ephemeral_owner = 216172893390045184;
  auto reg = ParseBrokerRegistration(1, Kafka("brokers_ids__registered.json"), stat);
  ASSERT_TRUE(reg.parse_status.ok()) << reg.parse_status.detail();
  EXPECT_EQ(reg.version, 5);
  EXPECT_EQ(reg.host, "127.0.0.11");
  EXPECT_EQ(reg.port, 44591);
  EXPECT_EQ(reg.rack, "");
  EXPECT_EQ(reg.timestamp_ms, 1795496980416LL);
  EXPECT_EQ(reg.endpoints, std::vector<std::string>{"PLAINTEXT://127.0.0.11:44591"});
  EXPECT_EQ(reg.stat.ephemeral_owner, 216172893390045184);
}

TEST(ParseControllerRegistration, RecordedKafka39Controller) {
  auto c = ParseControllerRegistration(Kafka("controller__zk_broker.json"), {});
  ASSERT_TRUE(c.parse_status.ok());
  EXPECT_EQ(c.broker_id, 1);
  EXPECT_EQ(c.timestamp_ms, 1795496980891LL);
  EXPECT_EQ(c.kraft_controller_epoch, -1);
}

TEST(ParseControllerEpoch, RecordedEpochs) {
  EXPECT_EQ(ParseControllerEpoch(Kafka("controller_epoch__initial.txt")).value, 1);
  EXPECT_EQ(ParseControllerEpoch(Kafka("controller_epoch__after_failover.txt")).value, 2);
}

TEST(ParseClusterId, RecordedClusterId) {
  auto id = ParseClusterId(Kafka("cluster_id__zk_mode.json"));
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id.value, "gscCoR2HTbOmZ109RkN4wg");
}

TEST(ParseBrokerRegistration, V5WithRack) {
  ZnodeStat stat;
  stat.czxid = 0x100000042;
  stat.ephemeral_owner = 0x1000001a2b3c0001;
  auto reg = ParseBrokerRegistration(1, Zk("brokers_ids__v5_rack_handwritten.json"), stat);
  ASSERT_TRUE(reg.parse_status.ok()) << reg.parse_status.detail();
  EXPECT_EQ(reg.id, 1);
  EXPECT_EQ(reg.version, 5);
  EXPECT_EQ(reg.host, "kafka1");
  EXPECT_EQ(reg.port, 9092);
  EXPECT_EQ(reg.rack, "dc1");
  EXPECT_EQ(reg.jmx_port, -1);
  EXPECT_EQ(reg.timestamp_ms, 1718000000000LL);
  EXPECT_EQ(reg.endpoints, (std::vector<std::string>{"PLAINTEXT://kafka1:9092", "SSL://kafka1:9093"}));
  EXPECT_EQ(reg.stat.czxid, 0x100000042);
  EXPECT_EQ(reg.stat.ephemeral_owner, 0x1000001a2b3c0001);
}

TEST(ParseBrokerRegistration, HostNullPortMinusOneWithoutPlaintext) {
  auto reg = ParseBrokerRegistration(2, Zk("brokers_ids__host_null_handwritten.json"), {});
  ASSERT_TRUE(reg.parse_status.ok()) << reg.parse_status.detail();
  EXPECT_EQ(reg.host, "");
  EXPECT_EQ(reg.port, -1);
  EXPECT_EQ(reg.jmx_port, 9999);
  EXPECT_EQ(reg.rack, "");
  EXPECT_EQ(reg.endpoints, std::vector<std::string>{"SSL://kafka2:9093"});
}

TEST(ParseBrokerRegistration, TimestampAsNumberIsAccepted) {
  auto reg = ParseBrokerRegistration(1, Zk("brokers_ids__timestamp_number_handwritten.json"), {});
  ASSERT_TRUE(reg.parse_status.ok());
  EXPECT_EQ(reg.timestamp_ms, 1718000000000LL);
}

TEST(ParseBrokerRegistration, BadPayloadsNeverThrow) {
  for (const char* name : {"brokers_ids__timestamp_garbage_handwritten.json",
                           "brokers_ids__truncated_handwritten.json",
                           "brokers_ids__garbage_handwritten.txt"}) {
    auto reg = ParseBrokerRegistration(7, Zk(name), {});
    EXPECT_EQ(reg.parse_status.reason(), Reason::kBadPayload) << name;
    EXPECT_EQ(reg.id, 7) << name;
  }
  for (const char* text : {"", "[]", "null", "{}", "{\"version\":5}",
                           "{\"version\":5,\"endpoints\":\"x\"}",
                           "{\"version\":5,\"endpoints\":[1]}",
                           "{\"version\":5,\"endpoints\":[],\"host\":7}",
                           "{\"version\":5,\"endpoints\":[],\"port\":\"x\"}"}) {
    EXPECT_EQ(ParseBrokerRegistration(1, text, {}).parse_status.reason(), Reason::kBadPayload) << text;
  }
}

TEST(ParseControllerRegistration, Version1HasNoKraftEpoch) {
  auto c = ParseControllerRegistration(Zk("controller__v1_handwritten.json"), {});
  ASSERT_TRUE(c.parse_status.ok());
  EXPECT_TRUE(c.present);
  EXPECT_EQ(c.broker_id, 2);
  EXPECT_EQ(c.timestamp_ms, 1718000000000LL);
  EXPECT_FALSE(c.kraft_controller_epoch.has_value());
}

TEST(ParseControllerRegistration, Version2HasKraftEpoch) {
  auto c = ParseControllerRegistration(Zk("controller__v2_handwritten.json"), {});
  ASSERT_TRUE(c.parse_status.ok());
  EXPECT_EQ(c.broker_id, 2);
  EXPECT_EQ(c.kraft_controller_epoch, -1);
  auto m = ParseControllerRegistration(Zk("controller__v2_kraft_migration_handwritten.json"), {});
  EXPECT_EQ(m.broker_id, 3000);
  EXPECT_EQ(m.kraft_controller_epoch, 7);
}

TEST(ParseControllerRegistration, MissingBrokerIdIsBadPayload) {
  auto c = ParseControllerRegistration(Zk("controller__no_brokerid_handwritten.json"), {});
  EXPECT_EQ(c.parse_status.reason(), Reason::kBadPayload);
  EXPECT_TRUE(c.present);
  EXPECT_EQ(ParseControllerRegistration("{{", {}).parse_status.reason(), Reason::kBadPayload);
}

TEST(ParseControllerEpoch, PlainIntegerOrBadPayload) {
  auto ok = ParseControllerEpoch(Zk("controller_epoch__5_handwritten.txt"));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.value, 5);
  EXPECT_EQ(ParseControllerEpoch("12\n").value, 12);
  EXPECT_EQ(ParseControllerEpoch(Zk("controller_epoch__garbage_handwritten.txt")).status.reason(),
            Reason::kBadPayload);
  EXPECT_EQ(ParseControllerEpoch("").status.reason(), Reason::kBadPayload);
  EXPECT_EQ(ParseControllerEpoch("99999999999999999999999").status.reason(), Reason::kBadPayload);
}

TEST(ParseClusterId, StringOrIntegerVersion) {
  auto s = ParseClusterId(Zk("cluster_id__string_version_handwritten.json"));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s.value, "q1Wc0p9sQ2a5lY0bqZf3bw");
  EXPECT_EQ(ParseClusterId(Zk("cluster_id__int_version_handwritten.json")).value,
            "q1Wc0p9sQ2a5lY0bqZf3bw");
  EXPECT_EQ(ParseClusterId(Zk("cluster_id__no_id_handwritten.json")).status.reason(),
            Reason::kBadPayload);
  EXPECT_EQ(ParseClusterId("[").status.reason(), Reason::kBadPayload);
}

FakeZnodeReader KafkaTree(const std::string& root) {
  FakeZnodeReader zk;
  ZnodeStat owned;
  owned.ephemeral_owner = 0x100000abc;
  owned.czxid = 42;
  zk.Put(root + "/brokers/ids", "");
  zk.Put(root + "/brokers/ids/2", Zk("brokers_ids__host_null_handwritten.json"), owned);
  zk.Put(root + "/brokers/ids/1", Zk("brokers_ids__v5_rack_handwritten.json"), owned);
  zk.Put(root + "/brokers/ids/10", "garbage");
  zk.Put(root + "/brokers/ids/not-a-number", "{}");
  zk.Put(root + "/controller", Zk("controller__v2_handwritten.json"));
  zk.Put(root + "/controller_epoch", "3");
  zk.Put(root + "/cluster/id", Zk("cluster_id__string_version_handwritten.json"));
  zk.Put(root + "/admin/delete_topics", "");
  zk.Put(root + "/admin/delete_topics/old-topic", "");
  zk.Put(root + "/isr_change_notification", "");
  zk.Put(root + "/isr_change_notification/isr_change_0000000001", "{}");
  zk.Put(root + "/isr_change_notification/isr_change_0000000002", "{}");
  return zk;
}

TEST(ReadKafkaRegistry, ReadsWholeRegistrySortedById) {
  FakeZnodeReader zk = KafkaTree("");
  auto r = ReadKafkaRegistry(zk, "/", {});
  ASSERT_TRUE(r.ok()) << r.status.detail();
  ASSERT_EQ(r.value.brokers.size(), 3u);
  EXPECT_EQ(r.value.brokers[0].id, 1);
  EXPECT_EQ(r.value.brokers[1].id, 2);
  EXPECT_EQ(r.value.brokers[2].id, 10);
  EXPECT_EQ(r.value.brokers[0].stat.ephemeral_owner, 0x100000abc);
  EXPECT_EQ(r.value.brokers[2].parse_status.reason(), Reason::kBadPayload);
  EXPECT_TRUE(r.value.controller.present);
  EXPECT_EQ(r.value.controller.broker_id, 2);
  EXPECT_EQ(r.value.controller_epoch, 3);
  EXPECT_EQ(r.value.cluster_id, "q1Wc0p9sQ2a5lY0bqZf3bw");
  EXPECT_EQ(r.value.pending_topic_deletions, std::vector<std::string>{"old-topic"});
  EXPECT_EQ(r.value.isr_change_notifications, 2u);
}

TEST(ReadKafkaRegistry, HonoursChroot) {
  FakeZnodeReader zk = KafkaTree("/kafka");
  auto r = ReadKafkaRegistry(zk, "/kafka/", {});
  ASSERT_TRUE(r.ok()) << r.status.detail();
  EXPECT_EQ(r.value.brokers.size(), 3u);
  EXPECT_EQ(ReadKafkaRegistry(zk, "kafka", {}).value.brokers.size(), 3u);
}

TEST(ReadKafkaRegistry, NoRegistryIsNotServing) {
  FakeZnodeReader zk;
  auto r = ReadKafkaRegistry(zk, "", {});
  EXPECT_EQ(r.status.reason(), Reason::kNotServing);
}

TEST(ReadKafkaRegistry, EmptyRegistryHasNoControllerNorClusterId) {
  FakeZnodeReader zk;
  zk.Put("/brokers/ids", "");
  auto r = ReadKafkaRegistry(zk, "", {});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.value.brokers.empty());
  EXPECT_FALSE(r.value.controller.present);
  EXPECT_FALSE(r.value.controller_epoch.has_value());
  EXPECT_EQ(r.value.cluster_id, "");
  EXPECT_TRUE(r.value.cluster_id_status.ok());
}

TEST(ReadKafkaRegistry, BadZnodesOnlySetTheirStatus) {
  FakeZnodeReader zk = KafkaTree("");
  zk.Put("/controller_epoch", "x");
  zk.Put("/cluster/id", "{");
  zk.Put("/controller", "[]");
  auto r = ReadKafkaRegistry(zk, "", {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value.controller_epoch_status.reason(), Reason::kBadPayload);
  EXPECT_EQ(r.value.cluster_id_status.reason(), Reason::kBadPayload);
  EXPECT_EQ(r.value.controller.parse_status.reason(), Reason::kBadPayload);
}

TEST(ReadKafkaRegistry, ReaderFailureFailsTheRead) {
  FakeZnodeReader zk = KafkaTree("");
  zk.Fail("/brokers/ids/2", Reason::kTimeout);
  EXPECT_EQ(ReadKafkaRegistry(zk, "", {}).status.reason(), Reason::kTimeout);
  FakeZnodeReader zk2 = KafkaTree("");
  zk2.Fail("/brokers/ids", Reason::kRefused);
  EXPECT_EQ(ReadKafkaRegistry(zk2, "", {}).status.reason(), Reason::kRefused);
}

}  // namespace
}  // namespace streamprobe::zookeeper
