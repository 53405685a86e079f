// The kubernetes section: in-cluster defaults, kubeconfig, and every mistake
// reported with its field.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "config/config.h"
#include "kubernetes/kubernetes_config.h"

namespace streamprobe::kubernetes {
namespace {

KubernetesConfig Decode(const std::string& yaml, ErrorList& errors) {
  Decoder section(YAML::Load(yaml), "kubernetes", &errors);
  KubernetesConfig c = DecodeKubernetesConfig(section);
  section.Finish();
  return c;
}

TEST(KubernetesConfig, InClusterDefaultsFromTheServiceEnvironment) {
  setenv("KUBERNETES_SERVICE_HOST", "10.96.0.1", 1);
  setenv("KUBERNETES_SERVICE_PORT", "443", 1);
  ErrorList errors;
  const KubernetesConfig c = Decode(
      "namespace: data-platform\n"
      "workloads:\n"
      "  - {component: doris_fe, statefulset: doris-fe}\n"
      "  - {component: kafka_connect, deployment: kafka-connect}\n"
      "  - {component: flink, namespace: flink, flinkdeployment: orders}\n",
      errors);
  unsetenv("KUBERNETES_SERVICE_HOST");
  unsetenv("KUBERNETES_SERVICE_PORT");
  EXPECT_TRUE(errors.empty()) << FormatErrors(errors);
  EXPECT_EQ(c.api_server, "https://10.96.0.1:443");
  EXPECT_EQ(c.token_file, kInClusterTokenFile);
  EXPECT_EQ(c.tls.ca_file, kInClusterCaFile);
  ASSERT_EQ(c.workloads.size(), 3u);
  EXPECT_EQ(c.workloads[0].kind, "StatefulSet");
  EXPECT_EQ(c.workloads[0].namespace_, "data-platform");
  EXPECT_EQ(c.workloads[1].kind, "Deployment");
  EXPECT_EQ(c.workloads[2].kind, "FlinkDeployment");
  EXPECT_EQ(c.workloads[2].namespace_, "flink");
}

TEST(KubernetesConfig, EveryMistakeIsAnErrorWithItsField) {
  unsetenv("KUBERNETES_SERVICE_HOST");
  ErrorList errors;
  Decode("workloads:\n"
         "  - {component: doris_fe, statefulset: a, deployment: b}\n"
         "  - {component: nonsense, statefulset: x, namespace: n}\n"
         "  - {component: doris_fe, namespace: n, statefulset: c}\n"
         "  - {component: flink, namespace: n}\n"
         "colour: blue\n",
         errors);
  const std::string text = FormatErrors(errors);
  EXPECT_NE(text.find("kubernetes.api_server: required outside a cluster"), std::string::npos) << text;
  EXPECT_NE(text.find("namespace: required"), std::string::npos) << text;
  EXPECT_NE(text.find("give one of statefulset, deployment"), std::string::npos) << text;
  EXPECT_NE(text.find("\"nonsense\" is not a component"), std::string::npos) << text;
  EXPECT_NE(text.find("\"doris_fe\" is listed twice"), std::string::npos) << text;
  EXPECT_NE(text.find("one of statefulset, deployment, flinkdeployment, flinksessionjob is required"),
            std::string::npos) << text;
  EXPECT_NE(text.find("colour"), std::string::npos) << text;
}

TEST(KubernetesConfig, KubeconfigGivesServerCaAndTokenFileOfItsCurrentContext) {
  const std::string dir = ::testing::TempDir();
  std::ofstream(dir + "/kubeconfig") << "apiVersion: v1\nkind: Config\ncurrent-context: demo\n"
                                        "contexts: [{name: demo, context: {cluster: c, user: u}}]\n"
                                        "clusters: [{name: c, cluster: {server: 'https://127.0.0.1:6443', "
                                        "certificate-authority: ca.crt}}]\n"
                                        "users: [{name: u, user: {tokenFile: token}}]\n";
  ErrorList errors;
  const KubernetesConfig c =
      Decode("kubeconfig: " + dir + "/kubeconfig\nnamespace: n\nworkloads: [{component: flink, flinkdeployment: f}]\n",
             errors);
  EXPECT_TRUE(errors.empty()) << FormatErrors(errors);
  EXPECT_EQ(c.api_server, "https://127.0.0.1:6443");
  EXPECT_EQ(c.tls.ca_file, dir + "/ca.crt");
  EXPECT_EQ(c.token_file, dir + "/token");
}

TEST(KubernetesConfig, InlineCredentialsInAKubeconfigAreRefusedWithoutTheirValue) {
  const std::string dir = ::testing::TempDir();
  std::ofstream(dir + "/inline") << "current-context: demo\n"
                                    "contexts: [{name: demo, context: {cluster: c, user: u}}]\n"
                                    "clusters: [{name: c, cluster: {server: 'https://h:6443', "
                                    "certificate-authority-data: QUJD}}]\n"
                                    "users: [{name: u, user: {token: s3cr3t-t0ken}}]\n";
  ErrorList errors;
  Decode("kubeconfig: " + dir + "/inline\nnamespace: n\nworkloads: [{component: flink, flinkdeployment: f}]\n",
         errors);
  const std::string text = FormatErrors(errors);
  EXPECT_NE(text.find("certificate-authority-data is not supported"), std::string::npos) << text;
  EXPECT_NE(text.find("only a tokenFile user is supported"), std::string::npos) << text;
  EXPECT_EQ(text.find("s3cr3t-t0ken"), std::string::npos);
}

}  // namespace
}  // namespace streamprobe::kubernetes
