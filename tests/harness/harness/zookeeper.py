"""ZooKeeperEnsemble: a ZooKeeper 3.8 ensemble (or standalone server) on 127.0.0.1.

Server jars come from the ``kafka39`` jar set (Kafka 3.9 depends on ZooKeeper 3.8.x and
Jetty, so the AdminServer works).  Each member is ``QuorumPeerMain <zoo.cfg>`` in its own
JVM with free client, quorum, election and AdminServer ports, all bound to 127.0.0.1.

Timing: ``tickTime`` defaults to 500 ms, so the server's session-timeout clamp is
[2*tick, 20*tick] = [1000 ms, 10000 ms]; a client asking for more gets 10 s.  Quorum
timing: initLimit=10 ticks, syncLimit=5 ticks (a paused follower drops out in ~2.5 s).
"""
import os
import time

from . import rundir, zk4lw
from .jars import JarSet, write_properties
from .ports import free_port, is_listening
from .proc import ServerProcess, stop_many, ServerStartError
from .wait import wait_until

QUORUM_MAIN = "org.apache.zookeeper.server.quorum.QuorumPeerMain"


class ZooKeeperMember(ServerProcess):
    """One ensemble member.  Properties: ``myid``, ``host``, ``client_port``,
    ``admin_port``, ``quorum_port``, ``election_port``, ``data_dir``, ``address``
    ("host:client_port").  Methods (besides ServerProcess controls): ``four_letter(word)``
    -> raw bytes, ``srvr()``/``mntr()`` -> parsed dict, ``mode()`` -> "leader" /
    "follower" / "standalone" / None, ``admin(command)`` -> (status, raw body)."""

    def __init__(self, myid, host, client_port, admin_port, quorum_port, election_port,
                 data_dir, argv, log_path, ready_modes):
        self.myid = myid
        self.host = host
        self.client_port = client_port
        self.admin_port = admin_port
        self.quorum_port = quorum_port
        self.election_port = election_port
        self.data_dir = data_dir
        super().__init__(f"zk{myid}", argv, log_path,
                         ready=lambda p: p.mode() in ready_modes, stop_grace=10.0)

    @property
    def address(self):
        return f"{self.host}:{self.client_port}"

    def four_letter(self, word, timeout=3.0):
        return zk4lw.four_letter(self.host, self.client_port, word, timeout)

    def srvr(self):
        return zk4lw.parse_srvr(self.four_letter("srvr").decode())

    def mntr(self):
        return zk4lw.parse_mntr(self.four_letter("mntr").decode())

    def mode(self):
        return zk4lw.mode(self.host, self.client_port)

    def admin(self, command):
        return zk4lw.admin_get(self.host, self.admin_port, command)


class ZooKeeperEnsemble:
    """A ZooKeeper ensemble of ``size`` members (size=1: standalone mode).

    Args:
        size: number of voting members (1 = standalone, 3 = typical ensemble).
        observers: extra non-voting members (``peerType=observer``, listed as
            ``server.N=...:observer``); they get myids size+1.. and follow the leader
            without counting towards its quorum.
        four_letter_whitelist: value of ``4lw.commands.whitelist`` ("*" = all commands);
            None leaves it unset, i.e. the stock default where only ``srvr`` is allowed.
        tick_time: ms (default 500; session timeouts are clamped to [2, 20] ticks).
        jars: a JarSet (default: the ``kafka39`` set).
        start: start all members and wait for a quorum (one leader) in the constructor.
        timeout: seconds to wait for the quorum.

    Properties: ``members`` (list of ZooKeeperMember, index 0 = myid 1; voters first, then
    observers), ``voters``, ``observers`` (the two parts of ``members``),
    ``connect_string`` ("127.0.0.1:p1,127.0.0.1:p2,..."), ``min_session_timeout_ms``,
    ``max_session_timeout_ms``, ``startup_seconds``.
    Methods: ``member(myid)``, ``leader()``, ``followers()``, ``wait_for_quorum(timeout)``
    -> leader member, ``stop()``; use as a context manager to stop on exit.
    """

    def __init__(self, size=3, four_letter_whitelist="*", tick_time=500, jars=None,
                 start=True, timeout=90.0, host="127.0.0.1", observers=0):
        if observers and size < 2:
            raise ValueError("observers need an ensemble of at least 2 voters")
        self.size = size
        self.tick_time = tick_time
        self.four_letter_whitelist = four_letter_whitelist
        self.min_session_timeout_ms = 2 * tick_time
        self.max_session_timeout_ms = 20 * tick_time
        self.jars = jars or JarSet("kafka39")
        self.dir = rundir.new_dir("zookeeper")
        self.startup_seconds = None
        ports = [dict(client=free_port(host), admin=free_port(host), quorum=free_port(host),
                      election=free_port(host)) for _ in range(size + observers)]
        self.members = []
        for i, p in enumerate(ports, start=1):
            mdir = os.path.join(self.dir, f"zk{i}")
            data_dir = os.path.join(mdir, "data")
            os.makedirs(data_dir)
            cfg = {
                "tickTime": tick_time,
                "initLimit": 10,
                "syncLimit": 5,
                "dataDir": data_dir,
                "clientPort": p["client"],
                "clientPortAddress": host,
                "maxClientCnxns": 0,
                "admin.enableServer": "true",
                "admin.serverAddress": host,
                "admin.serverPort": p["admin"],
                "autopurge.purgeInterval": 0,
            }
            if four_letter_whitelist is not None:
                cfg["4lw.commands.whitelist"] = four_letter_whitelist
            observer = i > size
            if observer:
                cfg["peerType"] = "observer"
            if size > 1:
                with open(os.path.join(data_dir, "myid"), "w") as f:
                    f.write(f"{i}\n")
                for j, q in enumerate(ports, start=1):
                    role = ":observer" if j > size else ""
                    cfg[f"server.{j}"] = f"{host}:{q['quorum']}:{q['election']}{role}"
            conf = write_properties(os.path.join(mdir, "zoo.cfg"), cfg)
            argv = self.jars.java_argv(QUORUM_MAIN, [conf], mdir,
                                       extra_jvm=["-Dzookeeper.jmx.log4j.disable=true"], heap="128m")
            ready_modes = ("standalone",) if size == 1 else \
                ("observer",) if observer else ("leader", "follower")
            self.members.append(ZooKeeperMember(
                i, host, p["client"], p["admin"], p["quorum"], p["election"], data_dir,
                argv, os.path.join(mdir, "zookeeper.log"), ready_modes))
        if start:
            self.start(timeout)

    # ---------------------------------------------------------------- control
    def start(self, timeout=90.0):
        """Start every member and wait for a quorum; records ``startup_seconds``."""
        t0 = time.monotonic()
        for m in self.members:
            m.start(wait=False)
        self.wait_for_quorum(timeout, require_all=True)
        self.startup_seconds = time.monotonic() - t0
        return self

    def wait_for_quorum(self, timeout=60.0, require_all=False):
        """Wait until exactly one running member is leader (or standalone) and every other
        running, unpaused member is a follower (or observer).  Returns the leader member.  With
        ``require_all``, a member that has exited fails the wait at once."""
        def check():
            for m in self.members:
                if require_all and not m.running:
                    raise ServerStartError(f"{m.name} exited with code {m.exit_code}:\n{m.log_tail(40)}")
            up = [m for m in self.members if m.running and not m.paused]
            modes = {m.myid: m.mode() for m in up}
            leaders = [m for m in up if modes[m.myid] in ("leader", "standalone")]
            settled = ("leader", "follower", "standalone", "observer")
            if len(leaders) == 1 and all(v in settled for v in modes.values()):
                return leaders[0]
            return None
        return wait_until(check, timeout, interval=0.25, what="a ZooKeeper quorum with one leader",
                          describe=self._describe, fatal=(ServerStartError,))

    def _describe(self):
        lines = []
        for m in self.members:
            lines.append(f"{m!r} mode={m.mode() if m.running else None} log={m.log_path}")
            lines.append("  " + m.log_tail(10).replace("\n", "\n  "))
        return "\n".join(lines)

    def stop(self):
        """Stop all members (in parallel)."""
        stop_many(self.members)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    # ---------------------------------------------------------------- queries
    @property
    def connect_string(self):
        return ",".join(m.address for m in self.members)

    def member(self, myid):
        return self.members[myid - 1]

    def leader(self):
        """The member that reports Mode: leader/standalone now, or None."""
        for m in self.members:
            if m.running and not m.paused and m.mode() in ("leader", "standalone"):
                return m
        return None

    @property
    def voters(self):
        return self.members[:self.size]

    @property
    def observers(self):
        return self.members[self.size:]

    def followers(self):
        return [m for m in self.members if m.running and not m.paused and m.mode() == "follower"]

    def client_ports_open(self):
        return all(is_listening(m.host, m.client_port) for m in self.members if m.running)
