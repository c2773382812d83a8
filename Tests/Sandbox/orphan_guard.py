"""Ends a sandbox server when the process that started it is gone.

A test process that crashes cannot stop its servers. Orphaned, they would keep the test runner's
inherited stdout/stderr open, and `swift test` would wait for that pipe's end for ever instead of
failing. A thread compares the parent pid with the one at start (an orphan is re-parented to init or
to a subreaper) and sends SIGTERM to this process, so its own handler cleans up; if that has not ended
it in five seconds, it exits at once.
"""

from __future__ import annotations

import os
import signal
import threading
import time


def stop_when_orphaned(interval: float = 0.5) -> None:
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)
        os._exit(3)

    threading.Thread(target=watch, name="orphan-guard", daemon=True).start()
