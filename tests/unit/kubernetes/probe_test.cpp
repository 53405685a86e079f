// The probe over a fake API server answering with recorded bodies: the
// report's states as notes and series, a 403 naming what the Role lacks,
// missing Flink CRDs, an unreadable token; the token never leaves the header.
#include <gtest/gtest.h>

#include <fstream>

#include "kubernetes/kubernetes_probe.h"
#include "support/fake_http.h"

namespace streamprobe::kubernetes {
namespace {

constexpr const char* kApi = "https://127.0.0.1:6443";
const std::string kNs = std::string(kApi) + "/api/v1/namespaces/data-platform";
const std::string kApps = std::string(kApi) + "/apis/apps/v1/namespaces/data-platform";
const std::string kFlink = std::string(kApi) + "/apis/flink.apache.org/v1beta1/namespaces/data-platform";

std::string Fixture(const std::string& name) { return testing::ReadFixture("kubernetes/" + name); }

struct Rig {
  std::shared_ptr<testing::FakeHttp> http = std::make_shared<testing::FakeHttp>();
  KubernetesConfig config;

  Rig() {
    const std::string token = ::testing::TempDir() + "/k8s-token";
    std::ofstream(token) << "s3cr3t-t0ken\n";
    config.api_server = kApi;
    config.token_file = token;
    config.workloads = {{"doris_fe", "data-platform", "StatefulSet", "doris-fe"},
                        {"doris_be", "data-platform", "StatefulSet", "doris-be"},
                        {"kafka_brokers", "data-platform", "StatefulSet", "kafka"},
                        {"kafka_connect", "data-platform", "Deployment", "kafka-connect"},
                        {"flink", "data-platform", "FlinkDeployment", "orders-etl"}};
    http->Answer(kNs + "/pods", 200, Fixture("pods__report.json"));
    http->Answer(kApps + "/statefulsets", 200, Fixture("statefulsets__report.json"));
    http->Answer(kApps + "/deployments", 200, Fixture("deployments__report.json"));
    http->Answer(kFlink + "/flinkdeployments", 200, Fixture("flinkdeployments__report.json"));
  }

  ProbeOutcome Run() {
    KubernetesProbe probe(http, config);
    return probe.Run(ProbeContext{Clock::now() + Millis(2000), nullptr});
  }
};

const WorkloadNote* NoteOf(const ProbeOutcome& out, const std::string& component) {
  for (const WorkloadNote& n : out.notes) {
    if (n.component == component) return &n;
  }
  return nullptr;
}

bool Has(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

TEST(KubernetesProbe, TheReportsThreePodStatesNamed) {
  Rig rig;
  const ProbeOutcome out = rig.Run();
  EXPECT_TRUE(out.status.ok()) << out.status.detail();
  const WorkloadNote* fe = NoteOf(out, "doris_fe");
  ASSERT_NE(fe, nullptr);
  EXPECT_EQ(fe->cause, "doris-fe-0, doris-fe-1, doris-fe-2: ImagePullBackOff: "
                       "apache/doris:2.0.3-fe-x86_64 (manifest unknown)");
  EXPECT_EQ(fe->replicas, 3);
  EXPECT_EQ(fe->ready, 0);
  const WorkloadNote* kafka = NoteOf(out, "kafka_brokers");
  ASSERT_NE(kafka, nullptr);
  EXPECT_EQ(kafka->cause, "kafka-1: CrashLoopBackOff, 7 restarts, last exit Error");
  EXPECT_EQ(kafka->ready, 2);
  const WorkloadNote* connect = NoteOf(out, "kafka_connect");
  ASSERT_NE(connect, nullptr);
  EXPECT_EQ(connect->health, Health::kDown);
  EXPECT_EQ(connect->cause,
            "kafka-connect-6d8f7c9b54-4xkzp, kafka-connect-6d8f7c9b54-9qv7t: CrashLoopBackOff, 5 "
            "restarts, last exit Error; kafka-connect-6d8f7c9b54-mw2lr: CrashLoopBackOff, 4 "
            "restarts, last exit Error");
  const WorkloadNote* flink = NoteOf(out, "flink");
  ASSERT_NE(flink, nullptr);
  EXPECT_EQ(flink->health, Health::kOk);
  const std::string text = "\n" + RenderText(out.metrics.Families());
  EXPECT_TRUE(Has(text, "streamprobe_kubernetes_container_waiting{component=\"doris_fe\",namespace="
                        "\"data-platform\",pod=\"doris-fe-0\",container=\"doris-fe\",reason="
                        "\"ImagePullBackOff\"} 1"))
      << text;
  EXPECT_TRUE(Has(text, "streamprobe_kubernetes_container_info{component=\"doris_fe\",namespace="
                        "\"data-platform\",pod=\"doris-fe-0\",container=\"doris-fe\",image="
                        "\"apache/doris:2.0.3-fe-x86_64\"} 1"));
  EXPECT_TRUE(Has(text, "streamprobe_kubernetes_container_restarts{component=\"kafka_brokers\","
                        "namespace=\"data-platform\",pod=\"kafka-1\",container=\"kafka\"} 7"));
  EXPECT_TRUE(Has(text, "streamprobe_kubernetes_workload_ready_replicas{component=\"kafka_brokers\","
                        "namespace=\"data-platform\",kind=\"StatefulSet\",workload=\"kafka\"} 2"));
  EXPECT_TRUE(Has(text, "streamprobe_kubernetes_flink_lifecycle_state{component=\"flink\",namespace="
                        "\"data-platform\",kind=\"FlinkDeployment\",workload=\"orders-etl\",state="
                        "\"STABLE\"} 1"));
  EXPECT_EQ(text.find("s3cr3t"), std::string::npos);
  // The token travels only as the bearer header.
  ASSERT_FALSE(rig.http->requests.empty());
  for (const HttpRequest& r : rig.http->requests) {
    EXPECT_NE(std::find(r.headers.begin(), r.headers.end(), "Authorization: Bearer s3cr3t-t0ken"),
              r.headers.end());
    EXPECT_EQ(r.url.find("s3cr3t"), std::string::npos);
  }
}

TEST(KubernetesProbe, ForbiddenSaysWhichVerbOnWhichResource) {
  Rig rig;
  rig.http->Answer(kNs + "/pods", 403, Fixture("pods__forbidden_403.json"));
  const ProbeOutcome out = rig.Run();
  EXPECT_EQ(out.status.reason(), Reason::kAuth);
  EXPECT_EQ(out.status.detail(),
            "list pods in namespace data-platform: 403 forbidden (the Role needs get/list on "
            "pods): pods is forbidden: User \"streamprobe\" cannot list resource \"pods\" in API "
            "group \"\" in the namespace \"data-platform\"");
  EXPECT_EQ(NoteOf(out, "doris_fe"), nullptr);  // not read: no word on it
  EXPECT_NE(NoteOf(out, "flink"), nullptr);     // its own list answered
}

TEST(KubernetesProbe, MissingFlinkCrdsAreNotAFailure) {
  Rig rig;
  rig.http->Answer(kFlink + "/flinkdeployments", 404, Fixture("flinkdeployments__crd_missing_404.json"),
                   "text/plain; charset=utf-8");
  const ProbeOutcome out = rig.Run();
  EXPECT_TRUE(out.status.ok()) << out.status.detail();
  const WorkloadNote* flink = NoteOf(out, "flink");
  ASSERT_NE(flink, nullptr);
  EXPECT_EQ(flink->health, Health::kUnknown);
  EXPECT_NE(flink->cause.find("not installed"), std::string::npos);
}

TEST(KubernetesProbe, UnreachableApiServerAndUnreadableTokenGiveAReason) {
  Rig refused;
  refused.http = std::make_shared<testing::FakeHttp>();  // answers nothing: refused
  const ProbeOutcome down = refused.Run();
  EXPECT_EQ(down.status.reason(), Reason::kRefused);
  EXPECT_NE(down.status.detail().find("list pods in namespace data-platform"), std::string::npos);
  EXPECT_TRUE(down.notes.empty());

  Rig no_token;
  no_token.config.token_file = ::testing::TempDir() + "/no-such-token";
  const ProbeOutcome out = no_token.Run();
  EXPECT_EQ(out.status.reason(), Reason::kAuth);
  EXPECT_NE(out.status.detail().find("token_file"), std::string::npos);
  EXPECT_TRUE(no_token.http->requests.empty());
}

TEST(KubernetesProbe, BodyOverTheCapIsBadPayload) {
  Rig rig;
  rig.config.max_body_bytes = 1024;
  const ProbeOutcome out = rig.Run();
  EXPECT_EQ(out.status.reason(), Reason::kBadPayload);
}

}  // namespace
}  // namespace streamprobe::kubernetes
