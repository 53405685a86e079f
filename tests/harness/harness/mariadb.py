"""MariaDbServer: a throw-away MariaDB server on 127.0.0.1 (Debian's mariadb-server).

``mariadb-install-db`` initialises a temp datadir; ``mariadbd`` runs with ``--no-defaults``
(no system config), TCP on 127.0.0.1:<free port>, its socket and pid file in the temp dir,
and (when running as root) ``--user=root``.  After start it creates database ``database``
and user ``user``@'%' / @'localhost' with ``password`` and all privileges on that database.
Root connects over the socket without a password.
"""
import os
import shutil
import subprocess
import time

from . import rundir
from .ports import free_port
from .proc import ServerProcess


def _find(name, *dirs):
    found = shutil.which(name)
    if found:
        return found
    for d in dirs:
        if os.path.exists(os.path.join(d, name)):
            return os.path.join(d, name)
    raise FileNotFoundError(f"{name} not found (apt-get install mariadb-server)")


class MariaDbServer(ServerProcess):
    """Args: ``user`` ("probe"), ``password`` ("probe-secret"), ``database`` ("streamprobe"),
    ``start`` (start and wait in the constructor), ``timeout``.

    Properties: ``host`` ("127.0.0.1"), ``port``, ``socket``, ``datadir``, ``user``,
    ``password``, ``database``, ``dsn`` (dict host/port/user/password/database),
    ``startup_seconds`` (install-db + start).
    Methods: ``execute(sql, as_root=False, database=None)`` -> list of rows (tuples of str;
    NULL -> None) via the ``mariadb`` CLI over TCP as ``user`` (or as root over the
    socket); raises subprocess.CalledProcessError with stderr on SQL errors.  Plus the
    ServerProcess controls (stop/kill9/pause/resume/restart keep port and data).
    """

    def __init__(self, user="probe", password="probe-secret", database="streamprobe",
                 start=True, timeout=60.0, host="127.0.0.1"):
        self.host = host
        self.user, self.password, self.database = user, password, database
        self.dir = rundir.new_dir("mariadb")
        self.datadir = os.path.join(self.dir, "data")
        self.socket = os.path.join(self.dir, "mariadb.sock")
        self.port = free_port(host)
        self.client = _find("mariadb", "/usr/bin")
        mariadbd = _find("mariadbd", "/usr/sbin")
        argv = [mariadbd, "--no-defaults", f"--datadir={self.datadir}", f"--socket={self.socket}",
                f"--port={self.port}", f"--bind-address={host}", f"--pid-file={self.dir}/mariadb.pid",
                "--skip-name-resolve", "--skip-log-bin", "--innodb-buffer-pool-size=32M",
                "--innodb-log-file-size=16M", "--max-connections=100", "--log-error",
                f"--tmpdir={self.dir}"]
        if os.geteuid() == 0:
            argv.append("--user=root")
        super().__init__("mariadb", argv, os.path.join(self.dir, "mariadb.log"),
                         ready=lambda p: p._ping(), stop_grace=20.0)
        self.startup_seconds = None
        self._initialised = False
        if start:
            self.start(timeout=timeout)

    def start(self, wait=True, timeout=60.0):
        t0 = time.monotonic()
        if not self._initialised:
            self._install_db()
        super().start(wait=wait, timeout=timeout)
        if wait and not self._initialised:
            self._create_user()
            self._initialised = True
            self.startup_seconds = time.monotonic() - t0
        return self

    def _install_db(self):
        argv = [_find("mariadb-install-db", "/usr/bin"), "--no-defaults", f"--datadir={self.datadir}",
                "--auth-root-authentication-method=normal", "--skip-test-db"]
        if os.geteuid() == 0:
            argv.append("--user=root")
        p = subprocess.run(argv, capture_output=True, text=True, timeout=120)
        if p.returncode != 0:
            raise RuntimeError(f"mariadb-install-db failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")

    def _root_argv(self):
        return [self.client, "--no-defaults", f"--socket={self.socket}", "-uroot", "--batch",
                "--skip-column-names", "--raw"]

    def _ping(self):
        p = subprocess.run(self._root_argv() + ["-e", "SELECT 1"], capture_output=True, timeout=10)
        return p.returncode == 0

    def _create_user(self):
        db, u, pw = self.database, self.user, self.password.replace("'", "''")
        self.execute(f"CREATE DATABASE IF NOT EXISTS `{db}`;"
                     f"CREATE USER IF NOT EXISTS '{u}'@'%' IDENTIFIED BY '{pw}';"
                     f"CREATE USER IF NOT EXISTS '{u}'@'localhost' IDENTIFIED BY '{pw}';"
                     f"GRANT ALL PRIVILEGES ON `{db}`.* TO '{u}'@'%';"
                     f"GRANT ALL PRIVILEGES ON `{db}`.* TO '{u}'@'localhost';"
                     "FLUSH PRIVILEGES;", as_root=True)

    @property
    def dsn(self):
        return dict(host=self.host, port=self.port, user=self.user, password=self.password,
                    database=self.database)

    def execute(self, sql, as_root=False, database=None):
        """Run ``sql`` (one or more statements); return the rows of the last result set."""
        if as_root:
            argv = self._root_argv()
        else:
            argv = [self.client, "--no-defaults", "--protocol=TCP", f"-h{self.host}", f"-P{self.port}",
                    f"-u{self.user}", f"-p{self.password}", "--batch", "--skip-column-names", "--raw"]
            database = database or self.database
        if database:
            argv.append(database)
        p = subprocess.run(argv + ["-e", sql], capture_output=True, text=True, timeout=60)
        if p.returncode != 0:
            raise subprocess.CalledProcessError(p.returncode, argv[:1] + ["-e", sql], p.stdout, p.stderr)
        return [tuple(None if v == "NULL" else v for v in line.split("\t"))
                for line in p.stdout.splitlines()]
