#include "kafka/kafka_diagnose.h"

#include <cstdio>

namespace streamprobe::kafka {
namespace {

std::string Hex(long long session) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(session));
  return buf;
}

std::string ZnodePath(const std::string& chroot, int id) {
  const std::string root = chroot == "/" ? "" : chroot;
  return root + "/brokers/ids/" + std::to_string(id);
}

std::string Endpoint(const BrokerFacts& b) {
  return b.registered_host + ":" + std::to_string(b.registered_port);
}

std::string FirstServer(const std::string& connect) {
  return connect.substr(0, connect.find(','));
}

// How to find the client that holds a ZooKeeper session: `cons` lists every
// connection with its session id and client address.
std::string FindSessionOwner(const BrokerFacts& b, const std::string& zk_connect) {
  const std::string server = FirstServer(zk_connect);
  const std::string host = server.substr(0, server.rfind(':'));
  const std::string port = server.substr(server.rfind(':') + 1);
  return "    find the session's client: echo cons | nc " + host + " " + port +
         " | grep -i 'sid=" + Hex(b.registration_session) +
         "'   (run against each ZooKeeper member; the client address is the owner)\n";
}

std::string Line(int id, std::string_view verdict, const std::string& what) {
  char head[32];
  std::snprintf(head, sizeof head, "id %-4d %-9s", id, std::string(verdict).c_str());
  return std::string(head) + what + "\n";
}

std::string Describe(const BrokerFacts& b, RegistrationState state, const std::string& zk_connect,
                     const std::string& chroot) {
  const std::string path = ZnodePath(chroot, b.id);
  const std::string session = "ZooKeeper session " + Hex(b.registration_session);
  switch (state) {
    case RegistrationState::kOk:
      return Line(b.id, "live", b.registered ? "registered by " + Endpoint(b) + ", answers, as expected"
                                              : "in the cluster metadata, answers");
    case RegistrationState::kMissing:
      return Line(b.id, "missing", "not registered at " + path) +
             "    the broker never registered: read its log (kubectl logs --previous); a\n"
             "    NodeExistsException there means another registration holds the id\n";
    case RegistrationState::kStale:
      return Line(b.id, "stale", "registered by " + Endpoint(b) + ", which refuses: left by an "
                                 "unclean stop (" + session + ")") +
             "    it disappears when that session expires (the broker's zookeeper.session.timeout.ms).\n"
             "    To remove it sooner, first check that nothing answers there and no client holds the session:\n"
             "      kafka-broker-api-versions.sh --bootstrap-server " + Endpoint(b) + "   # must fail\n" +
             FindSessionOwner(b, zk_connect) +
             "    then: zkCli.sh -server " + zk_connect + " delete " + path + "\n";
    case RegistrationState::kHostMismatch:
      return Line(b.id, "foreign", "registered by " + Endpoint(b) + ", which answers; expected " +
                                       (b.expected_host.empty() ? "another host" : b.expected_host)) +
             "    a live broker of another deployment holds the id (" + session + ").\n"
             "    Do NOT delete " + path + ": its owner is alive and would keep the conflict.\n" +
             FindSessionOwner(b, zk_connect) +
             "    then stop the broker on " + b.registered_host +
             " (kubectl get pods -A -o wide | grep " + b.registered_host +
             "), or give this deployment other broker ids\n";
    case RegistrationState::kUnreachable:
      return Line(b.id, "down", "in the cluster metadata at " +
                                    (b.metadata ? b.metadata->host + ":" + std::to_string(b.metadata->port) : "?") +
                                    ", which refuses");
    case RegistrationState::kMetadataDisagreement:
      return Line(b.id, "disagrees", "ZooKeeper's registration and the cluster metadata differ");
    case RegistrationState::kUnexpected:
      return Line(b.id, "unexpected", "registered or in the metadata, but not an expected id" +
                                          (b.registered ? " (" + Endpoint(b) + ")" : std::string()));
  }
  return "";
}

}  // namespace

RegistrationDiagnosis DiagnoseRegistrations(const KafkaRound& round, const std::string& cluster,
                                            const std::string& zk_connect,
                                            const std::string& chroot) {
  RegistrationDiagnosis out;
  out.text = "Kafka broker registrations of cluster " + cluster;
  out.text += zk_connect.empty() ? " (KRaft: from the cluster metadata)\n"
                                 : " (ZooKeeper " + zk_connect + ", chroot " + chroot + ")\n";
  if (round.brokers.empty()) {
    out.all_live = false;
    out.text += round.metadata_ok || round.registry_ok
                    ? "no broker registered, none in the metadata\n"
                    : "could not ask: neither ZooKeeper nor the brokers answered\n";
    return out;
  }
  for (std::size_t i = 0; i < round.brokers.size() && i < round.states.size(); ++i) {
    const RegistrationState state = round.states[i];
    if (state != RegistrationState::kOk && state != RegistrationState::kUnexpected) {
      out.all_live = false;
    }
    out.text += Describe(round.brokers[i], state, zk_connect, chroot);
  }
  return out;
}

}  // namespace streamprobe::kafka
