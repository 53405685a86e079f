"""Free TCP ports and loopback addresses.

On Linux every address in 127.0.0.0/8 is routable on ``lo`` without configuration, so
servers that must look like different hosts (e.g. Kafka brokers) get distinct 127.0.0.x
addresses.  Ports are found by binding port 0 on the address that will be used; a port
handed out once is never handed out again by this process (a small guard against the
bind-close-reuse race between two servers started by the same harness).
"""
import socket
import threading

_lock = threading.Lock()
_handed_out = set()


def free_port(host="127.0.0.1"):
    """Return a TCP port that is free on ``host`` right now (and not yet handed out)."""
    for _ in range(100):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind((host, 0))
            port = s.getsockname()[1]
        with _lock:
            if (host, port) not in _handed_out:
                _handed_out.add((host, port))
                return port
    raise RuntimeError(f"no free port found on {host}")


def is_listening(host, port, timeout=0.5):
    """True when a TCP connect to host:port succeeds."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def loopback(x):
    """The loopback address 127.0.0.x (1 <= x <= 254)."""
    if not 1 <= x <= 254:
        raise ValueError(f"loopback host number out of range: {x}")
    return f"127.0.0.{x}"
