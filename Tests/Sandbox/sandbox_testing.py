"""Helpers shared by the sandbox self-tests (test_okta_fake.py, test_aws_sandbox.py, test_portal_fake.py).

The self-tests never sleep a fixed time before an assertion: they wait for the state they
assert on, with a deadline, so that a slow machine makes them slower, not red.
"""

from __future__ import annotations

import time
from typing import Callable, TypeVar

T = TypeVar("T")


def wait_until(predicate: Callable[[], T], *, timeout: float = 5.0, interval: float = 0.02,
               what: str | Callable[[], str]) -> T:
    """Calls predicate until it returns a truthy value and returns that value.

    Raises AssertionError naming `what` (a text, or a function giving one, called only then,
    so that it can describe the last state seen) when the deadline passes first. The predicate
    is always called once more after the deadline, so a condition met while the test process
    was descheduled still counts.
    """
    deadline = time.monotonic() + timeout
    while True:
        expired = time.monotonic() >= deadline
        value = predicate()
        if value:
            return value
        if expired:
            description = what() if callable(what) else what
            raise AssertionError(f"timed out after {timeout:g} s waiting for {description}")
        time.sleep(interval)
