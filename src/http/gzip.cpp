#include "http/gzip.h"

#include <zlib.h>

#include <cctype>
#include <stdexcept>

namespace streamprobe {
namespace {

constexpr int kLevel = 6;  // zlib's default: most of the gain of 9 at a third of the time

// Runs raw deflate over `input` with `flush`, appending to `out`.
void Deflate(z_stream& z, std::string_view input, int flush, std::string& out) {
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  z.avail_in = static_cast<uInt>(input.size());
  char buffer[16384];
  do {
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof buffer;
    const int rc = deflate(&z, flush);
    if (rc == Z_STREAM_ERROR) throw std::runtime_error("deflate failed");
    out.append(buffer, sizeof buffer - z.avail_out);
  } while (z.avail_out == 0 || z.avail_in > 0);
}

// A raw deflate stream (no zlib header); windowBits and memLevel as given.
struct RawDeflate {
  z_stream z{};
  RawDeflate(int window_bits, int mem_level) {
    if (deflateInit2(&z, kLevel, Z_DEFLATED, -window_bits, mem_level, Z_DEFAULT_STRATEGY) != Z_OK) {
      throw std::runtime_error("deflateInit2 failed");
    }
  }
  ~RawDeflate() { deflateEnd(&z); }
};

void PutLittleEndian32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

}  // namespace

GzipPrefix GzipBegin(std::string_view text) {
  GzipPrefix prefix;
  // ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL=0 OS=unix
  prefix.bytes.assign("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10);
  RawDeflate d(15, 8);
  // zlib counts avail_in in uInt: feed very large texts in pieces
  constexpr std::size_t kPiece = 1u << 30;
  for (std::size_t at = 0; at < text.size(); at += kPiece) {
    Deflate(d.z, text.substr(at, kPiece), Z_NO_FLUSH, prefix.bytes);
  }
  Deflate(d.z, {}, Z_SYNC_FLUSH, prefix.bytes);  // byte-aligned, not final
  prefix.crc = static_cast<std::uint32_t>(crc32_z(0, reinterpret_cast<const Bytef*>(text.data()), text.size()));
  prefix.size = text.size();
  return prefix;
}

std::string GzipFinish(const GzipPrefix& prefix, std::string_view tail) {
  std::string out;
  // A fresh stream: its blocks never refer back into the prefix. A small
  // window is plenty for a tail of a few KiB and keeps the setup cheap.
  RawDeflate d(10, 2);
  Deflate(d.z, tail, Z_FINISH, out);
  const uLong tail_crc = crc32_z(0, reinterpret_cast<const Bytef*>(tail.data()), tail.size());
  const auto crc = static_cast<std::uint32_t>(
      crc32_combine(prefix.crc, tail_crc, static_cast<z_off_t>(tail.size())));
  PutLittleEndian32(out, crc);
  PutLittleEndian32(out, static_cast<std::uint32_t>((prefix.size + tail.size()) & 0xffffffffu));
  return out;
}

bool AcceptsGzip(std::string_view header) {
  std::size_t at = 0;
  while (at <= header.size()) {
    std::size_t end = header.find(',', at);
    if (end == std::string_view::npos) end = header.size();
    std::string_view item = header.substr(at, end - at);
    at = end + 1;
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.front()))) item.remove_prefix(1);
    const std::size_t semi = item.find(';');
    std::string_view coding = item.substr(0, semi);
    while (!coding.empty() && std::isspace(static_cast<unsigned char>(coding.back()))) coding.remove_suffix(1);
    if (coding.size() != 4 && coding != "*") continue;
    std::string lower;
    for (char c : coding) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower != "gzip" && lower != "*") continue;
    if (semi == std::string_view::npos) return true;
    std::string_view params = item.substr(semi + 1);
    const std::size_t q = params.find("q=");
    if (q == std::string_view::npos) return true;
    std::string_view value = params.substr(q + 2);
    // q=0, q=0.0, q=0.000 refuse; anything else accepts
    bool zero = !value.empty() && value.front() == '0';
    for (std::size_t i = 1; zero && i < value.size() && value[i] != ';' && value[i] != ' '; ++i) {
      if (value[i] != '.' && value[i] != '0') zero = false;
    }
    return !zero;
  }
  return false;
}

}  // namespace streamprobe
