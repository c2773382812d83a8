"""Self-tests of orphan_guard.py: every sandbox server ends when the process that started it dies.

The server is started by a middle process that shares our stdout pipe with it; SIGKILL to the middle
process leaves the server orphaned, and the pipe reaches its end only once the server has exited too:
the same pipe `swift test` would otherwise wait on for ever after a crashed test process.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
MIDDLE = "import subprocess, sys, time\nsubprocess.Popen(sys.argv[1:])\ntime.sleep(600)\n"


class OrphanGuardTest(unittest.TestCase):
    def orphan(self, script: str, *args: str) -> str:
        """Starts SCRIPT under a middle process, kills the middle one, returns the server's first line
        once the shared pipe has ended (failing if it has not within 20 s)."""
        middle = subprocess.Popen([sys.executable, "-c", MIDDLE, sys.executable, os.path.join(HERE, script), *args],
                                  stdout=subprocess.PIPE, cwd=HERE, start_new_session=True)
        self.addCleanup(middle.stdout.close)
        # A server that outlives the test is killed through its process group, or it would hold our
        # own stderr open and hang this runner the way it would hang `swift test`.
        self.addCleanup(self.kill_group, middle.pid)
        first = middle.stdout.readline().decode()
        self.assertTrue(first.startswith(("LISTENING ", "READY ")), f"{script} printed {first!r}")
        middle.send_signal(signal.SIGKILL)
        middle.wait(timeout=10)
        deadline = time.monotonic() + 20
        fd = middle.stdout.fileno()
        while True:
            left = deadline - time.monotonic()
            self.assertGreater(left, 0, f"{script} outlived the process that started it")
            readable, _, _ = select.select([fd], [], [], left)
            if readable and not os.read(fd, 65536):
                return first

    @staticmethod
    def kill_group(pgid: int) -> None:
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def test_the_okta_fake_ends_with_its_parent(self):
        self.orphan("okta_fake.py", "--port", "0")

    def test_the_aws_sandbox_ends_with_its_parent(self):
        self.orphan("aws_sandbox.py", "--port", "0")

    def test_the_portal_fake_ends_with_its_parent_and_removes_its_certificates(self):
        first = self.orphan("portal_fake.py", "--host-name", "ssoins-1234567890abcdef.us-east-1.portal.amazonaws.com")
        ready = json.loads(first[len("READY "):])
        self.assertFalse(os.path.exists(ready["caFile"]), "the certificate folder was left behind")


if __name__ == "__main__":
    unittest.main()
