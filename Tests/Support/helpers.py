"""Shared by the test servers in this folder."""
import os
import signal
import threading
import time


def exit_with_parent(limit_seconds=900):
    """Unblocks SIGTERM/SIGINT (the test runner's mask is inherited) and ends this
    helper when the test process is gone, or after a bounded time (15 min, or
    $WATCHLISTD_TEST_SERVER_SECONDS)."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
    # A script that needs the server longer (scripts/longrun.py) says so.
    limit_seconds = float(os.environ.get("WATCHLISTD_TEST_SERVER_SECONDS", limit_seconds))
    parent = os.getppid()
    started = time.monotonic()

    def watch():
        while os.getppid() == parent and time.monotonic() - started < limit_seconds:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()
