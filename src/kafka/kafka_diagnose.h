// `streamprobe diagnose kafka-registration`: per broker id, what holds it and
// what is safe to do, as text. A pure function of one probe round.
#pragma once

#include <string>

#include "kafka/kafka_round.h"

namespace streamprobe::kafka {

struct RegistrationDiagnosis {
  std::string text;
  bool all_live = true;  // every expected id registered, reachable and where expected
};

// `zk_connect` and `chroot` name the ZooKeeper ensemble and Kafka's chroot
// in the commands printed ("" when the cluster has no ZooKeeper).
RegistrationDiagnosis DiagnoseRegistrations(const KafkaRound& round, const std::string& cluster,
                                            const std::string& zk_connect,
                                            const std::string& chroot);

}  // namespace streamprobe::kafka
