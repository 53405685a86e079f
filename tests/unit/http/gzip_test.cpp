#include <zlib.h>

#include <vector>

#include <gtest/gtest.h>

#include "http/gzip.h"

namespace streamprobe {
namespace {

// Inflates a gzip file; stops at the end of the first member, as curl does.
std::string Gunzip(const std::string& gz) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, 16 + MAX_WBITS), Z_OK);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  std::string out;
  char buffer[4096];
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof buffer;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - z.avail_out);
  }
  EXPECT_EQ(rc, Z_STREAM_END) << "a valid, complete gzip member (CRC and length checked)";
  EXPECT_EQ(z.avail_in, 0u) << "nothing after the member";
  inflateEnd(&z);
  return out;
}

std::string Exposition(int families) {
  std::string text;
  for (int i = 0; i < families; ++i) {
    text += "# HELP streamprobe_x" + std::to_string(i) + " A value.\n# TYPE streamprobe_x" +
            std::to_string(i) + " gauge\nstreamprobe_x" + std::to_string(i) + "{cluster=\"a\"} " +
            std::to_string(i * 7) + "\n";
  }
  return text;
}

TEST(Gzip, PrefixOncePlusTailPerScrapeIsOneMemberOfTheWholeText) {
  const std::string text = Exposition(5000);
  const GzipPrefix prefix = GzipBegin(text);
  for (const std::string& tail : std::vector<std::string>{"streamprobe_snapshot_age_seconds 0.125\n", "", std::string(70000, 'x')}) {
    const std::string gz = prefix.bytes + GzipFinish(prefix, tail);
    EXPECT_EQ(Gunzip(gz), text + tail);
  }
  EXPECT_LT(prefix.bytes.size(), text.size() / 5) << "it compresses";
}

TEST(Gzip, EmptySnapshotText) {
  const GzipPrefix prefix = GzipBegin("");
  EXPECT_EQ(Gunzip(prefix.bytes + GzipFinish(prefix, "age 1\n")), "age 1\n");
}

TEST(Gzip, AcceptEncodingNegotiation) {
  EXPECT_TRUE(AcceptsGzip("gzip"));
  EXPECT_TRUE(AcceptsGzip("deflate, gzip;q=1.0, *;q=0.5"));  // Prometheus's header
  EXPECT_TRUE(AcceptsGzip("GZIP"));
  EXPECT_TRUE(AcceptsGzip("br, *"));
  EXPECT_TRUE(AcceptsGzip("gzip;q=0.001"));
  EXPECT_FALSE(AcceptsGzip(""));
  EXPECT_FALSE(AcceptsGzip("identity"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0.000"));
  EXPECT_FALSE(AcceptsGzip("xgzip, gzipx"));
}

}  // namespace
}  // namespace streamprobe
