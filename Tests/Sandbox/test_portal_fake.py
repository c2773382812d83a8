"""Self-tests of portal_fake.py: run with `python3 -m unittest -v test_portal_fake` in this folder.

One fake process for the class (port 0 everywhere); every test starts from POST /reset. The
clients here are the standard library's (ssl, http.client, socket), independent of the fake.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import time
import unittest
import urllib.error
import urllib.request

from sandbox_testing import wait_until

HERE = os.path.dirname(os.path.abspath(__file__))
FAKE = os.path.join(HERE, "portal_fake.py")
HOST = "ssoins-1234567890abcdef.us-east-1.portal.amazonaws.com"
ACS = "us-east-1.signin.aws"


def start_fake(*args: str):
    proc = subprocess.Popen([sys.executable, FAKE, *args], stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    match = re.fullmatch(r"READY (\{.*\})\n", line)
    if not match:
        proc.kill()
        raise AssertionError(f"portal_fake did not print its READY line: {line!r}")
    return proc, json.loads(match.group(1))


class PortalFakeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.proc, cls.ready = start_fake("--host-name", HOST, "--host-name", ACS, "--listener", "a", "--listener", "b")

    @classmethod
    def tearDownClass(cls):
        cls.proc.send_signal(signal.SIGTERM)
        cls.proc.wait(timeout=10)
        cls.proc.stdout.close()

    def setUp(self):
        self.control("POST", "/reset", {})

    # helpers ---------------------------------------------------------------------------------

    def control(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.ready["control"] + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def behave(self, listener, behaviour):
        status, body = self.control("POST", "/behaviour", {"listener": listener, "behaviour": behaviour})
        self.assertEqual(status, 200, body)

    def context(self, ca=None):
        return ssl.create_default_context(cafile=ca or self.ready["caFile"])

    def connect_tls(self, listener, host=HOST, ca=None, timeout=5.0):
        raw = socket.create_connection(("127.0.0.1", self.ready["listeners"][listener]), timeout=timeout)
        try:
            return self.context(ca).wrap_socket(raw, server_hostname=host)
        except BaseException:
            raw.close()
            raise

    def request(self, listener, method="HEAD", path="/start/", host=HOST, timeout=5.0):
        """One request over TLS to a listener (SNI and Host = host); returns (status, headers, body)."""
        connection = http.client.HTTPSConnection(host, self.ready["listeners"][listener], context=self.context(), timeout=timeout)
        connection._create_connection = lambda address, timeout=None, source_address=None: socket.create_connection(
            ("127.0.0.1", address[1]), timeout)
        try:
            connection.request(method, path, headers={"User-Agent": "self-test", "Connection": "close"})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    # tests -------------------------------------------------------------------------------------

    def test_the_ready_line_names_the_ca_the_control_port_the_listeners_and_a_refused_port(self):
        self.assertTrue(os.path.isfile(self.ready["caFile"]))
        self.assertTrue(os.path.isfile(self.ready["untrustedCaFile"]))
        self.assertEqual(sorted(self.ready["listeners"]), ["a", "b"])
        self.assertEqual(self.ready["hostNames"], [HOST, ACS])
        self.assertRegex(self.ready["control"], r"^http://127\.0\.0\.1:\d+$")
        with self.assertRaises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", self.ready["refusedPort"]), timeout=5).close()

    def test_ok_answers_200_to_any_method_and_records_method_path_host_and_sni(self):
        self.assertEqual(self.request("a", "HEAD")[0], 200)
        status, headers, body = self.request("a", "GET", "/start/?x=1", host=ACS)
        self.assertEqual(status, 200)
        self.assertEqual(headers["Connection"], "close")
        self.assertEqual(body, b"portal_fake a 200\n")
        _, requests = self.control("GET", "/requests")
        port = self.ready["listeners"]["a"]
        self.assertEqual(requests, [
            {"listener": "a", "method": "HEAD", "path": "/start/", "host": f"{HOST}:{port}", "sni": HOST, "userAgent": "self-test", "connection": "close"},
            {"listener": "a", "method": "GET", "path": "/start/?x=1", "host": f"{ACS}:{port}", "sni": ACS, "userAgent": "self-test", "connection": "close"},
        ])

    def test_listeners_have_their_own_behaviour(self):
        self.behave("b", {"kind": "status", "status": 503})
        self.assertEqual(self.request("a")[0], 200)
        self.assertEqual(self.request("b")[0], 503)
        _, listeners = self.control("GET", "/listeners")
        self.assertEqual(listeners["b"], {"port": self.ready["listeners"]["b"], "behaviour": {"kind": "status", "status": 503, "location": None}})

    def test_redirect_sends_the_location_and_code(self):
        self.behave("a", {"kind": "redirect", "location": "https://elsewhere.example/start/", "status": 307})
        status, headers, _ = self.request("a", "HEAD")
        self.assertEqual((status, headers["Location"]), (307, "https://elsewhere.example/start/"))
        self.behave("a", {"kind": "redirect", "location": "https://x.example/"})
        self.assertEqual(self.request("a")[0], 302)

    def test_head_405_then_answers_head_405_and_get_the_given_status(self):
        self.behave("a", {"kind": "head-405-then", "status": 302, "location": "https://p.example/"})
        self.assertEqual(self.request("a", "HEAD")[0], 405)
        status, headers, _ = self.request("a", "GET")
        self.assertEqual((status, headers["Location"]), (302, "https://p.example/"))
        self.behave("a", {"kind": "head-405-then", "headStatus": 501})
        self.assertEqual(self.request("a", "HEAD")[0], 501)
        self.assertEqual(self.request("a", "GET")[0], 200)

    def test_slow_answers_after_the_delay(self):
        self.behave("a", {"kind": "slow", "ms": 300, "status": 204})
        start = time.monotonic()
        self.assertEqual(self.request("a", "GET")[0], 204)
        self.assertGreaterEqual(time.monotonic() - start, 0.3)

    def test_hang_tls_accepts_and_never_answers_the_handshake_and_others_are_not_blocked(self):
        self.behave("a", "hang-tls")
        with self.assertRaises((TimeoutError, socket.timeout)):
            self.connect_tls("a", timeout=0.5).close()
        self.assertEqual(self.request("b")[0], 200)
        wait_until(lambda: any(c["listener"] == "a" and c["tls"] == "never answered" for c in self.control("GET", "/connections")[1]),
                   what="the hang-tls connection in the log")

    def test_hang_http_completes_tls_and_never_answers(self):
        self.behave("a", "hang-http")
        tls = self.connect_tls("a", timeout=0.5)
        try:
            tls.sendall(b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\n")
            with self.assertRaises((TimeoutError, socket.timeout)):
                tls.recv(1)
        finally:
            tls.close()
        self.assertEqual(self.control("GET", "/requests")[1], [])

    def test_wrong_cert_is_for_another_host_from_the_same_ca(self):
        self.behave("a", "wrong-cert")
        with self.assertRaises(ssl.SSLCertVerificationError) as caught:
            self.connect_tls("a").close()
        self.assertIn("Hostname mismatch", str(caught.exception))
        tls = self.connect_tls("a", host=self.ready["wrongHostName"])
        tls.close()

    def test_untrusted_cert_is_for_the_hosts_from_another_ca(self):
        self.behave("a", "untrusted-cert")
        with self.assertRaises(ssl.SSLCertVerificationError):
            self.connect_tls("a").close()
        self.connect_tls("a", ca=self.ready["untrustedCaFile"]).close()
        wait_until(lambda: any(c["tls"].startswith("failed:") for c in self.control("GET", "/connections")[1]),
                   what="the failed handshake in the connection log")

    def test_expired_cert_is_expired(self):
        self.behave("a", "expired-cert")
        with self.assertRaises(ssl.SSLCertVerificationError) as caught:
            self.connect_tls("a").close()
        self.assertIn("expired", str(caught.exception))

    def test_not_http_and_close_before_head(self):
        self.behave("a", "not-http")
        with self.assertRaises(http.client.BadStatusLine):
            self.request("a")
        self.behave("a", "close-before-head")
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionError, ssl.SSLError)):
            self.request("a")

    def test_bad_control_calls_say_what_is_wrong(self):
        cases = [
            ({"listener": "z", "behaviour": "ok"}, "no listener 'z'; listeners: a, b"),
            ({"listener": "a", "behaviour": "sideways"}, "unknown behaviour kind 'sideways'; known: "),
            ({"listener": "a", "behaviour": {"kind": "status"}}, "behaviour 'status' needs 'status'"),
            ({"listener": "a", "behaviour": {"kind": "status", "status": 700}}, "behaviour 'status': 'status' must be an HTTP status 100-599"),
            ({"listener": "a", "behaviour": {"kind": "ok", "extra": 1}}, "behaviour 'ok' has no field 'extra'"),
            ({"listener": "a", "behaviour": {"kind": "slow", "ms": -1}}, "behaviour 'slow': 'ms' must be a non-negative integer"),
            ({"behaviour": "ok"}, 'body must be {"listener": NAME, "behaviour": BEHAVIOUR}'),
        ]
        for body, message in cases:
            status, answer = self.control("POST", "/behaviour", body)
            self.assertEqual(status, 400, body)
            self.assertTrue(answer["error"].startswith(message), (answer, message))
        self.assertEqual(self.control("GET", "/nothing")[0], 404)


class PortalFakeLifecycleTest(unittest.TestCase):
    def test_sigterm_exits_0_and_removes_the_certificate_folder_even_with_a_hanging_connection(self):
        proc, ready = start_fake("--host-name", HOST)
        try:
            urllib.request.urlopen(urllib.request.Request(ready["control"] + "/behaviour", method="POST",
                                                          data=json.dumps({"listener": "main", "behaviour": "hang-tls"}).encode()),
                                   timeout=10).close()
            hanging = socket.create_connection(("127.0.0.1", ready["listeners"]["main"]), timeout=5)
            proc.send_signal(signal.SIGTERM)
            self.assertEqual(proc.wait(timeout=10), 0)
            hanging.close()
            self.assertFalse(os.path.exists(os.path.dirname(ready["caFile"])))
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.stdout.close()

    def test_host_names_are_required(self):
        result = subprocess.run([sys.executable, FAKE], capture_output=True, text=True, timeout=30)
        self.assertEqual(result.returncode, 2)
        self.assertIn("--host-name", result.stderr)


if __name__ == "__main__":
    unittest.main()
