"""Polling with deadlines.  Every wait in the harness goes through ``wait_until``."""
import time


class WaitTimeout(AssertionError):
    """A polled condition did not become true before its deadline.

    Subclasses AssertionError so pytest shows it as a test failure with its message.
    """


def wait_until(predicate, timeout, interval=0.2, what="condition", describe=None, fatal=()):
    """Call ``predicate()`` until it returns a truthy value; return that value.

    Raises WaitTimeout after ``timeout`` seconds.  The message names ``what`` and, if
    given, appends ``describe()`` (called once, at timeout) - use it to attach the state
    that explains the failure (log tail, last response...).  Exceptions raised by the
    predicate count as "not yet" (the last one is included in the message), except those
    of the types in ``fatal``, which propagate at once.
    """
    deadline = time.monotonic() + timeout
    last_exc = None
    while True:
        try:
            value = predicate()
            if value:
                return value
            last_exc = None
        except fatal:
            raise
        except Exception as exc:  # noqa: BLE001 - "not ready yet" for the poller
            last_exc = exc
        if time.monotonic() >= deadline:
            msg = f"timed out after {timeout:.1f} s waiting for {what}"
            if last_exc is not None:
                msg += f"\nlast error: {type(last_exc).__name__}: {last_exc}"
            if describe is not None:
                try:
                    msg += "\n" + describe()
                except Exception as exc:  # noqa: BLE001
                    msg += f"\n(describe failed: {exc})"
            raise WaitTimeout(msg)
        time.sleep(interval)
