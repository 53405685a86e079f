"""ZooKeeper four-letter words (client port) and AdminServer (HTTP) requests.

``four_letter(host, port, "srvr")`` returns the raw reply bytes exactly as served (the
server writes its reply and closes the connection).  Parsers turn ``srvr``/``mntr`` text
into dicts for assertions.
"""
import socket
import urllib.request


def four_letter(host, port, word, timeout=3.0):
    """Send a 4-letter word; return the raw reply bytes (read until the server closes)."""
    with socket.create_connection((host, port), timeout=timeout) as s:
        s.sendall(word.encode("ascii"))
        chunks = []
        while True:
            data = s.recv(65536)
            if not data:
                break
            chunks.append(data)
    return b"".join(chunks)


def parse_srvr(text):
    """``srvr``/``stat`` text -> {"Mode": "leader", "Zxid": "0x...", ...}; {} if not serving."""
    out = {}
    for line in text.splitlines():
        key, sep, value = line.partition(": ")
        if sep:
            out[key.strip()] = value.strip()
    return out


def parse_mntr(text):
    """``mntr`` text -> {"zk_server_state": "leader", ...} (values kept as strings)."""
    out = {}
    for line in text.splitlines():
        key, sep, value = line.partition("\t")
        if sep:
            out[key] = value
    return out


def mode(host, port, timeout=2.0):
    """The ``Mode:`` of a member via ``srvr`` ("leader", "follower", "standalone",
    "observer"), or None when it does not answer or is not serving."""
    try:
        return parse_srvr(four_letter(host, port, "srvr", timeout).decode()).get("Mode")
    except OSError:
        return None


def admin_get(host, port, command, timeout=3.0):
    """GET http://host:port/commands/<command>; returns (status, raw body bytes)."""
    url = f"http://{host}:{port}/commands/{command}"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
