"""Raw Kafka request/response exchanges for recording fixtures and cross-checking the
C++ codecs: ApiVersions v0 and DescribeQuorum v1 (api key 55; field list from Kafka's
DescribeQuorum{Request,Response}.json, flexible framing from KIP-482).

``exchange(host, port, request, timeout=5)`` sends one size-prefixed request and returns
the size-prefixed answer's body (the bytes after the 4-byte size).
``api_versions_request(correlation)``, ``describe_quorum_request(correlation)`` build
requests; ``parse_describe_quorum(body)`` decodes a v1 answer into a dict.
"""
import socket
import struct

CLIENT_ID = b"streamprobe-recorder"


def _uvarint(n):
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _frame(body):
    return struct.pack(">i", len(body)) + body


def api_versions_request(correlation):
    return _frame(struct.pack(">hhih", 18, 0, correlation, len(CLIENT_ID)) + CLIENT_ID)


def describe_quorum_request(correlation, version=1):
    topic = b"__cluster_metadata"
    body = struct.pack(">hhih", 55, version, correlation, len(CLIENT_ID)) + CLIENT_ID + b"\x00"
    body += _uvarint(2) + _uvarint(len(topic) + 1) + topic + _uvarint(2) + struct.pack(">i", 0)
    body += b"\x00" * 3  # partition, topic and request tagged fields
    return _frame(body)


def _read_exactly(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError(f"closed after {len(data)} of {n} bytes")
        data += chunk
    return data


def exchange(host, port, request, timeout=5):
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(request)
        (size,) = struct.unpack(">i", _read_exactly(sock, 4))
        return _read_exactly(sock, size)


class _Reader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, fmt):
        (v,) = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += struct.calcsize(fmt)
        return v

    def uvarint(self):
        shift = value = 0
        while True:
            b = self.data[self.pos]
            self.pos += 1
            value |= (b & 0x7F) << shift
            if not b & 0x80:
                return value
            shift += 7

    def tagged(self):
        for _ in range(self.uvarint()):
            self.uvarint()
            self.pos += self.uvarint()

    def string(self):
        n = self.uvarint() - 1
        s = self.data[self.pos:self.pos + n].decode()
        self.pos += n
        return s

    def replicas(self):
        out = []
        for _ in range(self.uvarint() - 1):
            r = {"id": self.take(">i"), "log_end_offset": self.take(">q"),
                 "last_fetch_ms": self.take(">q"), "last_caught_up_ms": self.take(">q")}
            self.tagged()
            out.append(r)
        return out


def parse_describe_quorum(body):
    r = _Reader(body)
    out = {"correlation_id": r.take(">i")}
    r.tagged()
    out["error_code"] = r.take(">h")
    topics = r.uvarint() - 1
    if topics != 1:
        return out
    out["topic"] = r.string()
    r.uvarint()
    out.update(partition=r.take(">i"), partition_error=r.take(">h"), leader_id=r.take(">i"),
               leader_epoch=r.take(">i"), high_watermark=r.take(">q"))
    out["voters"], out["observers"] = r.replicas(), r.replicas()
    return out
