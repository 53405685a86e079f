// gzip for /metrics, compressed once per snapshot: the snapshot's text is
// deflated once into a prefix that ends on a byte boundary (Z_SYNC_FLUSH, no
// final block); each scrape only deflates its small dynamic tail (snapshot
// age, process and executor metrics) as the final blocks of the same stream
// and appends the gzip trailer (CRC-32 combined, length). The result is one
// ordinary gzip member, which every client decodes (curl reads only the first
// member of a multi-member file, so concatenating members would not do).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace streamprobe {

struct GzipPrefix {
  std::string bytes;       // gzip header + deflate blocks of the text, not final
  std::uint32_t crc = 0;   // CRC-32 of the text
  std::uint64_t size = 0;  // length of the text
};

// Compresses `text` as the beginning of a gzip stream.
GzipPrefix GzipBegin(std::string_view text);

// The rest of the stream after `prefix`: `tail` as the final deflate blocks
// plus the trailer. prefix.bytes + GzipFinish(prefix, tail) is a gzip file of
// text + tail.
std::string GzipFinish(const GzipPrefix& prefix, std::string_view tail);

// True if an Accept-Encoding header value accepts gzip (a q=0 refuses it).
bool AcceptsGzip(std::string_view accept_encoding);

}  // namespace streamprobe
