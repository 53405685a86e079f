#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "kafka/kafka_parse.h"

namespace streamprobe::kafka {
namespace {

std::string ReadFixture(const std::string& name) {
  std::ifstream in(std::string(STREAMPROBE_FIXTURES) + "/kafka/" + name, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

TEST(ApiVersionsRequest, BytesMatchTheWireFormat) {
  const std::string req = BuildApiVersionsRequest(7, "streamprobe");
  const std::string expected(
      "\x00\x00\x00\x15"   // size 21
      "\x00\x12"           // api_key 18
      "\x00\x00"           // api_version 0
      "\x00\x00\x00\x07"   // correlation id
      "\x00\x0b"           // client id length 11
      "streamprobe",
      25);
  EXPECT_EQ(req, expected);
}

TEST(ApiVersionsRequest, EqualsTheRequestSentWhenRecording) {
  EXPECT_EQ(BuildApiVersionsRequest(7, "streamprobe"), ReadFixture("api_versions__v0_request.bin"));
}

TEST(ApiVersionsResponse, ParsesRecordedKafka39Response) {
  const std::string raw = ReadFixture("api_versions__v0_response.bin");
  ASSERT_GT(raw.size(), 10u);
  auto size = ParseResponseSize(raw.substr(0, 4));
  ASSERT_TRUE(size.ok()) << size.status.detail();
  ASSERT_EQ(static_cast<std::size_t>(size.value), raw.size() - 4);
  auto parsed = ParseApiVersionsResponse(raw.substr(4));
  ASSERT_TRUE(parsed.ok()) << parsed.status.detail();
  EXPECT_EQ(parsed.value.correlation_id, 7);
  EXPECT_EQ(parsed.value.error_code, 0);
  EXPECT_GT(parsed.value.api_count, 40);
}

TEST(ApiVersionsResponse, TruncatedHeaderIsBadPayload) {
  auto parsed = ParseApiVersionsResponse(std::string("\x00\x00\x00", 3));
  EXPECT_EQ(parsed.status.reason(), Reason::kBadPayload);
}

TEST(ApiVersionsResponse, ArrayLengthMustMatchBody) {
  // correlation 1, error 0, count 2 but only one entry
  std::string body("\x00\x00\x00\x01\x00\x00\x00\x00\x00\x02\x00\x12\x00\x00\x00\x03", 16);
  EXPECT_EQ(ParseApiVersionsResponse(body).status.reason(), Reason::kBadPayload);
  body.append(std::string("\x00\x00\x00\x00\x00\x09", 6));
  auto ok = ParseApiVersionsResponse(body);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.value.api_count, 2);
}

TEST(ApiVersionsResponse, ErrorCodeOnlyBodyIsAccepted) {
  // UNSUPPORTED_VERSION (35) without an array: still a live broker.
  auto parsed = ParseApiVersionsResponse(std::string("\x00\x00\x00\x05\x00\x23", 6));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed.value.error_code, 35);
}

TEST(ApiVersionsResponse, GarbageSizePrefixIsRejected) {
  EXPECT_EQ(ParseResponseSize("HTTP").status.reason(), Reason::kBadPayload);  // ~1.2 GB
  EXPECT_EQ(ParseResponseSize(std::string("\xff\xff\xff\xff", 4)).status.reason(),
            Reason::kBadPayload);
  EXPECT_EQ(ParseResponseSize("ab").status.reason(), Reason::kBadPayload);
}

TEST(Endpoint, ParsesListenerAndPlainForms) {
  std::string host;
  int port = 0;
  ASSERT_TRUE(ParseEndpoint("PLAINTEXT://127.0.0.11:45321", &host, &port));
  EXPECT_EQ(host, "127.0.0.11");
  EXPECT_EQ(port, 45321);
  ASSERT_TRUE(ParseEndpoint("kafka-0.svc:9092", &host, &port));
  EXPECT_EQ(host, "kafka-0.svc");
  EXPECT_FALSE(ParseEndpoint("SSL://nohost", &host, &port));
  EXPECT_FALSE(ParseEndpoint("", &host, &port));
}

TEST(GroupState, NamesEveryLibrdkafkaState) {
  EXPECT_EQ(GroupStateName(RD_KAFKA_CONSUMER_GROUP_STATE_STABLE), "stable");
  EXPECT_EQ(GroupStateName(RD_KAFKA_CONSUMER_GROUP_STATE_EMPTY), "empty");
  EXPECT_EQ(GroupStateName(RD_KAFKA_CONSUMER_GROUP_STATE_DEAD), "dead");
  EXPECT_EQ(GroupStateName(RD_KAFKA_CONSUMER_GROUP_STATE_PREPARING_REBALANCE), "preparing_rebalance");
  EXPECT_EQ(GroupStateName(RD_KAFKA_CONSUMER_GROUP_STATE_COMPLETING_REBALANCE), "completing_rebalance");
  EXPECT_EQ(GroupStateName(RD_KAFKA_CONSUMER_GROUP_STATE_UNKNOWN), "unknown");
  EXPECT_EQ(GroupStateName(99), "unknown");
}

TEST(ConvertMetadata, SortsAndCopiesEverything) {
  rd_kafka_metadata_broker_t brokers[2] = {{2, const_cast<char*>("127.0.0.12"), 9092},
                                           {1, const_cast<char*>("127.0.0.11"), 9093}};
  int32_t replicas[3] = {2, 1, 3};
  int32_t isr[2] = {2, 1};
  rd_kafka_metadata_partition_t parts[2] = {
      {1, RD_KAFKA_RESP_ERR_NO_ERROR, 2, 3, replicas, 2, isr},
      {0, RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE, -1, 0, nullptr, 0, nullptr}};
  rd_kafka_metadata_topic_t topics[2] = {
      {const_cast<char*>("zeta"), 2, parts, RD_KAFKA_RESP_ERR_NO_ERROR},
      {const_cast<char*>("alpha"), 0, nullptr, RD_KAFKA_RESP_ERR_NO_ERROR}};
  rd_kafka_metadata_t md{2, brokers, 2, topics, 1, const_cast<char*>("127.0.0.11:9093/1")};

  ClusterMeta meta = ConvertMetadata(md, "abc", 2);
  EXPECT_EQ(meta.cluster_id, "abc");
  EXPECT_EQ(meta.metadata_controller_id, 2);
  ASSERT_EQ(meta.brokers.size(), 2u);
  EXPECT_EQ(meta.brokers[0].id, 1);
  EXPECT_EQ(meta.brokers[0].port, 9093);
  ASSERT_EQ(meta.topics.size(), 2u);
  EXPECT_EQ(meta.topics[0].name, "alpha");
  const auto& zeta = meta.topics[1];
  ASSERT_EQ(zeta.partitions.size(), 2u);
  EXPECT_EQ(zeta.partitions[0].id, 0);
  EXPECT_EQ(zeta.partitions[0].leader, -1);
  EXPECT_EQ(zeta.partitions[0].error, RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE);
  EXPECT_EQ(zeta.partitions[1].replicas, (std::vector<int>{2, 1, 3}));
  EXPECT_EQ(zeta.partitions[1].isr, (std::vector<int>{2, 1}));
}

}  // namespace
}  // namespace streamprobe::kafka
