// libFuzzer target: the Doris FE/BE HTTP answers (/api/bootstrap, FE and BE
// /api/health, the manager node tables with their frontend and backend rows,
// times and percentages). None may crash or throw.
#include "doris/doris_parse.h"
#include "fuzz_check.h"

namespace sp = streamprobe;
using streamprobe::fuzz::AsText;
using streamprobe::fuzz::Require;

namespace {

// Zones as far west and east of UTC as Doris may be configured.
constexpr int kUtcOffsets[] = {-12 * 3600, 0, 14 * 3600};

void FuzzTable(std::string_view body) {
  const auto table = sp::ParseNodeTable(body);
  if (!table.ok()) return;
  for (int offset : kUtcOffsets) {
    const auto frontends = sp::ParseFrontends(table.value, offset);
    if (frontends.ok()) Require(frontends.value.size() == table.value.rows.size(), "one frontend per row");
    const auto backends = sp::ParseBackends(table.value, offset);
    if (backends.ok()) Require(backends.value.size() == table.value.rows.size(), "one backend per row");
  }
}

void FuzzCells(std::string_view text) {
  for (int offset : kUtcOffsets) {
    const auto unix = sp::ParseDorisTime(text, offset);
    if (unix) Require(*unix > 0, "a parsed time is after the epoch");
  }
  const auto ratio = sp::ParsePercentRatio(text);
  if (ratio) Require(*ratio >= 0, "a parsed ratio is not negative");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body = AsText(data, size);
  (void)sp::CheckDorisHttp(sp::HttpResponse{200, std::string(body), "application/json"});
  (void)sp::ParseBootstrap(body);
  (void)sp::ParseFeHealth(body);
  (void)sp::ParseBeHealth(body);
  FuzzTable(body);
  FuzzCells(body);
  return 0;
}
