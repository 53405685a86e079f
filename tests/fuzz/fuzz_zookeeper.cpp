// libFuzzer target: ZooKeeper's 4lw answers (srvr, mntr, ruok and the
// whitelist/not-serving sentences) and the AdminServer /commands/monitor JSON.
// Every input goes to every parser; none may crash or throw.
#include "fuzz_check.h"
#include "zookeeper/zookeeper_parse.h"

namespace zk = streamprobe::zookeeper;
using streamprobe::fuzz::AsText;
using streamprobe::fuzz::Require;

namespace {

void CheckStats(const streamprobe::Result<zk::ServerStats>& parsed) {
  if (!parsed.ok()) return;
  Require(!parsed.value.mode.empty(), "a parsed answer names a mode");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = AsText(data, size);
  CheckStats(zk::ParseSrvr(text));
  CheckStats(zk::ParseMntr(text));
  CheckStats(zk::ParseAdminMonitor(text));
  (void)zk::IsImOk(text);
  (void)zk::IsNotWhitelisted(text);
  (void)zk::IsNotServing(text);
  (void)zk::ShortVersion(text);
  return 0;
}
