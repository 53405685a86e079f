"""A small synchronous ZooKeeper client in pure Python (jute wire protocol).

Enough for tests and fixture recording: read znodes with their Stat (including
``ephemeral_owner``), list children, create (also ephemeral) / set / delete.  No watches.

    with ZkClient("127.0.0.1:2181", chroot="/kafka") as zk:
        data, stat = zk.get("/brokers/ids/1")
        zk.children("/brokers/ids")

A background thread pings while the client is open so its session (and ephemerals it
created) stay alive.  ``abandon()`` drops the TCP connection *without* closing the session,
so the server expires it after the negotiated timeout - the "crashed owner" case.
"""
import collections
import socket
import struct
import threading

from .wait import wait_until

Stat = collections.namedtuple(
    "Stat", "czxid mzxid ctime mtime version cversion aversion ephemeral_owner "
            "data_length num_children pzxid")
_STAT = struct.Struct(">qqqqiiiqiiq")

OP_CREATE, OP_DELETE, OP_EXISTS, OP_GETDATA, OP_SETDATA = 1, 2, 3, 4, 5
OP_PING, OP_GETCHILDREN2, OP_CLOSE = 11, 12, -11

ERRORS = {-4: "ConnectionLoss", -101: "NoNode", -102: "NoAuth", -103: "BadVersion",
          -110: "NodeExists", -111: "NotEmpty", -112: "SessionExpired"}


class ZkError(Exception):
    """A ZooKeeper error reply; ``code`` is the numeric KeeperException code."""

    def __init__(self, code, path):
        self.code, self.path = code, path
        super().__init__(f"{ERRORS.get(code, code)} for {path}")


class NoNode(ZkError):
    pass


class NodeExists(ZkError):
    pass


def _error(code, path):
    return {-101: NoNode, -110: NodeExists}.get(code, ZkError)(code, path)


class _Buf:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, fmt):
        s = struct.Struct(fmt)
        v = s.unpack_from(self.data, self.pos)
        self.pos += s.size
        return v if len(v) > 1 else v[0]

    def buffer(self):
        n = self.take(">i")
        if n < 0:
            return None
        v = self.data[self.pos:self.pos + n]
        self.pos += n
        return v

    def string(self):
        b = self.buffer()
        return None if b is None else b.decode()

    def stat(self):
        v = Stat(*_STAT.unpack_from(self.data, self.pos))
        self.pos += _STAT.size
        return v


def _buffer(b):
    return struct.pack(">i", -1) if b is None else struct.pack(">i", len(b)) + b


def _string(s):
    return _buffer(s.encode())


class ZkClient:
    """Synchronous client.  Args: ``connect_string`` "h:p,h:p[/chroot]", ``chroot`` (added
    to every path), ``session_timeout`` (ms requested; the server clamps it), ``timeout``
    (seconds, for connecting and for each request)."""

    def __init__(self, connect_string, chroot="", session_timeout=10000, timeout=10.0):
        hosts, _, cs_chroot = connect_string.partition("/")
        self.chroot = ("/" + cs_chroot if cs_chroot else "") + (chroot or "")
        self.chroot = self.chroot.rstrip("/")
        self.hosts = [(h.rsplit(":", 1)[0], int(h.rsplit(":", 1)[1])) for h in hosts.split(",")]
        self.timeout = timeout
        self._lock = threading.Lock()
        self._xid = 0
        self._sock = None
        self._closed = threading.Event()
        self.session_id, self.negotiated_timeout = self._connect(session_timeout)
        self._pinger = threading.Thread(target=self._ping_loop, daemon=True)
        self._pinger.start()

    # ------------------------------------------------------------- connection
    def _connect(self, session_timeout):
        errors = []
        for host, port in self.hosts:
            try:
                sock = socket.create_connection((host, port), timeout=self.timeout)
                req = struct.pack(">iqiq", 0, 0, session_timeout, 0) + _buffer(b"\0" * 16) + b"\0"
                sock.sendall(struct.pack(">i", len(req)) + req)
                buf = _Buf(self._read_frame(sock))
                _, negotiated, session_id = buf.take(">iiq")
                if negotiated <= 0:
                    raise OSError("server refused the session (not serving?)")
                self._sock = sock
                return session_id, negotiated
            except OSError as exc:
                errors.append(f"{host}:{port}: {exc}")
        raise ConnectionError("could not connect to ZooKeeper: " + "; ".join(errors))

    @staticmethod
    def _read_exact(sock, n):
        out = b""
        while len(out) < n:
            chunk = sock.recv(n - len(out))
            if not chunk:
                raise ConnectionError("ZooKeeper closed the connection")
            out += chunk
        return out

    def _read_frame(self, sock):
        (n,) = struct.unpack(">i", self._read_exact(sock, 4))
        return self._read_exact(sock, n)

    def _call(self, op, body, path=None):
        with self._lock:
            if self._sock is None:
                raise ConnectionError("client is closed")
            if op == OP_PING:
                xid = -2
            else:
                self._xid += 1
                xid = self._xid
            req = struct.pack(">ii", xid, op) + body
            self._sock.sendall(struct.pack(">i", len(req)) + req)
            while True:
                buf = _Buf(self._read_frame(self._sock))
                rxid, _zxid, err = buf.take(">iqi")
                if rxid == xid:
                    break  # (watch events, xid -1, are not used by this client)
        if err:
            raise _error(err, path)
        return buf

    def _ping_loop(self):
        interval = max(0.2, self.negotiated_timeout / 3000.0)
        while not self._closed.wait(interval):
            try:
                self._call(OP_PING, b"")
            except Exception:  # noqa: BLE001 - connection gone: stop pinging
                return

    def _p(self, path):
        return self.chroot + path if path != "/" else (self.chroot or "/")

    # ------------------------------------------------------------- operations
    def get(self, path):
        """(data bytes or None, Stat); raises NoNode."""
        buf = self._call(OP_GETDATA, _string(self._p(path)) + b"\0", path)
        return buf.buffer(), buf.stat()

    def exists(self, path):
        """Stat or None."""
        try:
            return self._call(OP_EXISTS, _string(self._p(path)) + b"\0", path).stat()
        except NoNode:
            return None

    def children(self, path):
        """Sorted child names; raises NoNode."""
        buf = self._call(OP_GETCHILDREN2, _string(self._p(path)) + b"\0", path)
        return sorted(buf.string() for _ in range(buf.take(">i")))

    def create(self, path, data=b"", ephemeral=False, makepath=False):
        """Create a znode (open ACL).  ``makepath`` creates missing parents (persistent)."""
        if makepath:
            parent = path.rsplit("/", 1)[0]
            if parent and not self.exists(parent):
                self.create(parent, b"", makepath=True)
        if isinstance(data, str):
            data = data.encode()
        acl = struct.pack(">ii", 1, 31) + _string("world") + _string("anyone")
        body = _string(self._p(path)) + _buffer(data) + acl + struct.pack(">i", 1 if ephemeral else 0)
        return self._call(OP_CREATE, body, path).string()

    def set(self, path, data, version=-1):
        if isinstance(data, str):
            data = data.encode()
        return self._call(OP_SETDATA, _string(self._p(path)) + _buffer(data) + struct.pack(">i", version), path).stat()

    def delete(self, path, version=-1, recursive=False):
        if recursive:
            for child in self.children(path):
                self.delete(f"{path.rstrip('/')}/{child}", recursive=True)
        self._call(OP_DELETE, _string(self._p(path)) + struct.pack(">i", version), path)

    def wait_exists(self, path, timeout=30.0, gone=False):
        """Poll until ``path`` exists (or, with ``gone``, until it does not)."""
        what = f"{self.chroot}{path} to {'disappear' if gone else 'exist'}"
        return wait_until(lambda: (self.exists(path) is None) == gone, timeout, what=what)

    # ------------------------------------------------------------- teardown
    def close(self):
        """Close the session (its ephemerals are deleted at once)."""
        if self._sock is None:
            return
        try:
            self._call(OP_CLOSE, b"")
        except Exception:  # noqa: BLE001
            pass
        self.abandon()

    def abandon(self):
        """Drop the connection without closing the session (it expires on the server)."""
        self._closed.set()
        with self._lock:
            if self._sock is not None:
                self._sock.close()
                self._sock = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
