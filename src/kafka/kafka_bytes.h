// Big-endian integer writers of the Kafka wire protocol, shared by the request
// builders (kafka_parse, kafka_kraft_wire).
#pragma once

#include <cstdint>
#include <string>

namespace streamprobe::kafka {

inline void PutInt16(std::string& out, std::int16_t v) {
  const auto u = static_cast<std::uint16_t>(v);
  out.push_back(static_cast<char>(u >> 8));
  out.push_back(static_cast<char>(u & 0xff));
}

inline void PutInt32(std::string& out, std::int32_t v) {
  const auto u = static_cast<std::uint32_t>(v);
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((u >> shift) & 0xff));
}

}  // namespace streamprobe::kafka
