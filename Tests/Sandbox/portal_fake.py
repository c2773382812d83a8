#!/usr/bin/env python3
"""A local HTTPS stand-in for AWS access portals and sign-in (ACS) hosts, for probe tests.

Start it with the host names its certificates must cover and the names of its listeners:

    python portal_fake.py --host-name ssoins-1.us-east-1.portal.amazonaws.com [--host-name ...] \
        [--listener primary --listener secondary ...]

At start-up it makes a throwaway test CA (and a second, untrusted one) and server certificates
with `cryptography`, in a temporary folder it removes on exit. Every listener is a TLS port on
127.0.0.1 with one behaviour (initially ``ok``), changeable at run time through a plain-HTTP
control API on loopback. Once every port accepts connections it prints exactly one line:

    READY {"control": "http://127.0.0.1:P", "caFile": "...", "listeners": {"primary": P1, ...},
           "refusedPort": P0, "hostNames": [...], "pid": N}

``refusedPort`` is a loopback port the fake bound and closed: connecting to it is refused.
SIGTERM/SIGINT exit 0. See README.md ("Portal fake") for the behaviours and the control API.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import ssl
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from orphan_guard import stop_when_orphaned

WRONG_HOST = "wrong-host.portal-fake.invalid"
MAX_HEAD = 16 * 1024
# A client that stops talking still frees its thread after this long.
IDLE_SECONDS = 120.0

BEHAVIOURS = {
    # kind: (required fields, optional fields with defaults)
    "ok": ({}, {}),
    "status": ({"status": int}, {"location": None}),
    "redirect": ({"location": str}, {"status": 302}),
    "head-405-then": ({}, {"status": 200, "location": None, "headStatus": 405}),
    "slow": ({"ms": int}, {"status": 200}),
    "hang-tls": ({}, {}),
    "hang-http": ({}, {}),
    "wrong-cert": ({}, {}),
    "untrusted-cert": ({}, {}),
    "expired-cert": ({}, {}),
    "not-http": ({}, {}),
    "close-before-head": ({}, {}),
}


class BehaviourError(ValueError):
    pass


def parse_behaviour(value) -> dict:
    """A behaviour as JSON: an object {"kind": ..., fields} or the kind alone as a string."""
    if isinstance(value, str):
        value = {"kind": value}
    if not isinstance(value, dict) or not isinstance(value.get("kind"), str):
        raise BehaviourError('behaviour must be {"kind": KIND, ...} or a KIND string')
    kind = value["kind"]
    if kind not in BEHAVIOURS:
        raise BehaviourError(f"unknown behaviour kind {kind!r}; known: {', '.join(BEHAVIOURS)}")
    required, optional = BEHAVIOURS[kind]
    result = {"kind": kind}
    for name, typ in required.items():
        if name not in value:
            raise BehaviourError(f"behaviour {kind!r} needs {name!r}")
    for name in value:
        if name != "kind" and name not in required and name not in optional:
            raise BehaviourError(f"behaviour {kind!r} has no field {name!r}")
    for name, default in optional.items():
        result[name] = value.get(name, default)
    for name, typ in required.items():
        result[name] = value[name]
    for name in ("status", "headStatus"):
        if name in result and (not isinstance(result[name], int) or isinstance(result[name], bool) or not 100 <= result[name] <= 599):
            raise BehaviourError(f"behaviour {kind!r}: {name!r} must be an HTTP status 100-599")
    if "ms" in result and (not isinstance(result["ms"], int) or isinstance(result["ms"], bool) or result["ms"] < 0):
        raise BehaviourError(f"behaviour {kind!r}: 'ms' must be a non-negative integer")
    if result.get("location") is not None and not isinstance(result["location"], str):
        raise BehaviourError(f"behaviour {kind!r}: 'location' must be a string")
    return result


# --------------------------------------------------------------------------------------------
# Certificates
# --------------------------------------------------------------------------------------------


def make_pki(folder: str, host_names: list[str]) -> dict:
    """Writes the CA, the untrusted CA and the server chains; returns their paths."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.now(timezone.utc)

    def name(common: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])

    def ca(common: str):
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (x509.CertificateBuilder().subject_name(name(common)).issuer_name(name(common))
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now - timedelta(hours=1)).not_valid_after(now + timedelta(days=2))
                .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                                             key_encipherment=False, data_encipherment=False, key_agreement=False,
                                             encipher_only=False, decipher_only=False), critical=True)
                .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
                .sign(key, hashes.SHA256()))
        return key, cert

    def leaf(issuer_key, issuer_cert, names: list[str], expired: bool = False):
        key = ec.generate_private_key(ec.SECP256R1())
        before, after = (now - timedelta(days=3), now - timedelta(days=1)) if expired else (now - timedelta(hours=1), now + timedelta(days=1))
        cert = (x509.CertificateBuilder().subject_name(name(names[0])).issuer_name(issuer_cert.subject)
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(before).not_valid_after(after)
                .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
                .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
                .sign(issuer_key, hashes.SHA256()))
        return key, cert

    def write(file: str, data: bytes) -> str:
        path = os.path.join(folder, file)
        with open(path, "wb") as handle:
            handle.write(data)
        return path

    def pem(cert) -> bytes:
        return cert.public_bytes(serialization.Encoding.PEM)

    def key_pem(key) -> bytes:
        return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())

    ca_key, ca_cert = ca("portal_fake test CA")
    other_key, other_cert = ca("portal_fake untrusted CA")
    paths = {"caFile": write("ca.pem", pem(ca_cert)), "untrustedCaFile": write("untrusted-ca.pem", pem(other_cert))}
    for label, (issuer_key, issuer_cert, names, expired) in {
        "good": (ca_key, ca_cert, host_names, False),
        "wrong": (ca_key, ca_cert, [WRONG_HOST], False),
        "untrusted": (other_key, other_cert, host_names, False),
        "expired": (ca_key, ca_cert, host_names, True),
    }.items():
        key, cert = leaf(issuer_key, issuer_cert, names, expired)
        paths[label] = (write(f"{label}.pem", pem(cert) + pem(issuer_cert)), write(f"{label}-key.pem", key_pem(key)))
    return paths


# --------------------------------------------------------------------------------------------
# State
# --------------------------------------------------------------------------------------------


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.behaviours: dict[str, dict] = {}
        self.requests: list[dict] = []
        self.connections: list[dict] = []
        self.sockets: set[socket.socket] = set()
        self.stopping = threading.Event()

    def behaviour(self, listener: str) -> dict:
        with self.lock:
            return dict(self.behaviours[listener])

    def log_connection(self, entry: dict) -> dict:
        with self.lock:
            self.connections.append(entry)
        return entry

    def log_request(self, entry: dict):
        with self.lock:
            self.requests.append(entry)

    def track(self, sock: socket.socket):
        with self.lock:
            self.sockets.add(sock)

    def untrack(self, sock: socket.socket):
        with self.lock:
            self.sockets.discard(sock)


class Listener:
    def __init__(self, name: str, state: State, contexts: dict[str, ssl.SSLContext]):
        self.name = name
        self.state = state
        self.contexts = contexts
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(128)
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self.accept_loop, name=f"listener-{name}", daemon=True)

    def accept_loop(self):
        while not self.state.stopping.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.state.track(conn)
            threading.Thread(target=self.serve, args=(conn,), daemon=True).start()

    def serve(self, conn: socket.socket):
        behaviour = self.state.behaviour(self.name)
        entry = self.state.log_connection({"listener": self.name, "behaviour": behaviour["kind"], "sni": None, "tls": "pending"})
        try:
            conn.settimeout(IDLE_SECONDS)
            # Without it, Nagle holds the answer behind the unacknowledged session tickets (40 ms).
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if behaviour["kind"] == "hang-tls":
                entry["tls"] = "never answered"
                self.drain(conn)
                return
            context = self.contexts[{"wrong-cert": "wrong", "untrusted-cert": "untrusted", "expired-cert": "expired"}.get(behaviour["kind"], "good")]
            tls = context.wrap_socket(conn, server_side=True, do_handshake_on_connect=False)
            try:
                tls.do_handshake()
            except (ssl.SSLError, OSError) as error:
                entry["tls"] = f"failed: {getattr(error, 'reason', None) or error}"
                entry["sni"] = getattr(tls, "portal_fake_sni", None)
                return
            entry["tls"] = "ok"
            entry["sni"] = getattr(tls, "portal_fake_sni", None)
            if behaviour["kind"] == "hang-http":
                self.drain(tls)
                return
            head = self.read_head(tls)
            if head is None:
                return
            method, path, headers = head
            self.state.log_request({"listener": self.name, "method": method, "path": path, "host": headers.get("host"),
                                    "sni": entry["sni"], "userAgent": headers.get("user-agent"),
                                    "connection": headers.get("connection")})
            if behaviour["kind"] == "close-before-head":
                return
            if behaviour["kind"] == "not-http":
                tls.sendall(b"SSH-2.0-portal_fake this is not HTTP\r\n\r\n")
                return
            status, location = self.answer(behaviour, method)
            if behaviour["kind"] == "slow":
                if self.state.stopping.wait(behaviour["ms"] / 1000.0):
                    return
            body = f"portal_fake {self.name} {status}\n".encode()
            lines = [f"HTTP/1.1 {status} {STATUS_TEXT.get(status, 'Status')}", "Content-Type: text/plain", "Connection: close",
                     f"Content-Length: {len(body)}"]
            if method == "HEAD":
                body = b""
            if location is not None:
                lines.append(f"Location: {location}")
            tls.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
            try:
                tls.unwrap()
            except (ssl.SSLError, OSError):
                pass
        except OSError:
            pass
        finally:
            self.state.untrack(conn)
            try:
                conn.close()
            except OSError:
                pass

    @staticmethod
    def answer(behaviour: dict, method: str) -> tuple[int, str | None]:
        kind = behaviour["kind"]
        if kind == "status":
            return behaviour["status"], behaviour["location"]
        if kind == "redirect":
            return behaviour["status"], behaviour["location"]
        if kind == "head-405-then":
            if method == "HEAD":
                return behaviour["headStatus"], None
            return behaviour["status"], behaviour["location"]
        if kind == "slow":
            return behaviour["status"], None
        return 200, None

    def drain(self, sock):
        """Reads and discards until the peer closes or the fake stops; never answers."""
        while not self.state.stopping.is_set():
            try:
                if not sock.recv(4096):
                    return
            except OSError:
                return

    @staticmethod
    def read_head(sock):
        data = b""
        while b"\r\n\r\n" not in data:
            try:
                chunk = sock.recv(4096)
            except OSError:
                return None
            if not chunk:
                return None
            data += chunk
            if len(data) > MAX_HEAD:
                return None
        text = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
        first, *rest = text.split("\r\n")
        parts = first.split(" ")
        if len(parts) != 3:
            return None
        headers = {}
        for line in rest:
            if ":" in line:
                key, value = line.split(":", 1)
                headers[key.strip().lower()] = value.strip()
        return parts[0], parts[1], headers


STATUS_TEXT = {200: "OK", 301: "Moved Permanently", 302: "Found", 303: "See Other", 307: "Temporary Redirect",
               308: "Permanent Redirect", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
               500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway", 503: "Service Unavailable",
               504: "Gateway Timeout"}


def remember_sni(tls: ssl.SSLSocket, server_name, context):
    """sni_callback: keeps the name the client sent on the socket, for the logs."""
    tls.portal_fake_sni = server_name
    return None


def server_context(chain: tuple[str, str]) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(*chain)
    context.sni_callback = remember_sni
    return context


# --------------------------------------------------------------------------------------------
# Control API
# --------------------------------------------------------------------------------------------


class ControlHandler(BaseHTTPRequestHandler):
    server_version = "portal_fake"
    protocol_version = "HTTP/1.1"
    fake = None  # set in main

    def log_message(self, format, *args):
        pass

    def send_json(self, status: int, payload):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            return json.loads(raw or b"null")
        except ValueError as error:
            raise BehaviourError(f"body is not JSON: {error}")

    def do_GET(self):
        state = self.fake.state
        with state.lock:
            if self.path == "/requests":
                return self.send_json(200, list(state.requests))
            if self.path == "/connections":
                return self.send_json(200, [dict(c) for c in state.connections])
            if self.path == "/listeners":
                return self.send_json(200, {name: {"port": listener.port, "behaviour": state.behaviours[name]}
                                            for name, listener in self.fake.listeners.items()})
        self.send_json(404, {"error": f"no GET {self.path}; see README.md (Portal fake)"})

    def do_DELETE(self):
        if self.path == "/requests":
            with self.fake.state.lock:
                self.fake.state.requests.clear()
                self.fake.state.connections.clear()
            return self.send_json(200, {})
        self.send_json(404, {"error": f"no DELETE {self.path}"})

    def do_POST(self):
        state = self.fake.state
        try:
            body = self.body()
            if self.path == "/behaviour":
                if not isinstance(body, dict) or "listener" not in body or "behaviour" not in body:
                    raise BehaviourError('body must be {"listener": NAME, "behaviour": BEHAVIOUR}')
                name = body["listener"]
                if name not in self.fake.listeners:
                    raise BehaviourError(f"no listener {name!r}; listeners: {', '.join(self.fake.listeners)}")
                behaviour = parse_behaviour(body["behaviour"])
                with state.lock:
                    state.behaviours[name] = behaviour
                return self.send_json(200, behaviour)
            if self.path == "/reset":
                with state.lock:
                    for name in state.behaviours:
                        state.behaviours[name] = {"kind": "ok"}
                    state.requests.clear()
                    state.connections.clear()
                return self.send_json(200, {})
        except BehaviourError as error:
            return self.send_json(400, {"error": str(error)})
        self.send_json(404, {"error": f"no POST {self.path}"})


class ControlServer(ThreadingHTTPServer):
    daemon_threads = True


class Fake:
    def __init__(self, host_names: list[str], listener_names: list[str]):
        self.folder = tempfile.mkdtemp(prefix="portal-fake-")
        self.pki = make_pki(self.folder, host_names)
        contexts = {label: server_context(self.pki[label]) for label in ("good", "wrong", "untrusted", "expired")}
        self.state = State()
        self.listeners = {name: Listener(name, self.state, contexts) for name in listener_names}
        for name in listener_names:
            self.state.behaviours[name] = {"kind": "ok"}
        refused = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        refused.bind(("127.0.0.1", 0))
        self.refused_port = refused.getsockname()[1]
        refused.close()
        ControlHandler.fake = self
        self.control = ControlServer(("127.0.0.1", 0), ControlHandler)
        self.host_names = host_names

    def ready_line(self) -> str:
        return "READY " + json.dumps({
            "control": f"http://127.0.0.1:{self.control.server_address[1]}",
            "caFile": self.pki["caFile"],
            "untrustedCaFile": self.pki["untrustedCaFile"],
            "listeners": {name: listener.port for name, listener in self.listeners.items()},
            "refusedPort": self.refused_port,
            "hostNames": self.host_names,
            "wrongHostName": WRONG_HOST,
            "pid": os.getpid(),
        })

    def start(self):
        for listener in self.listeners.values():
            listener.thread.start()

    def stop(self):
        self.state.stopping.set()
        for listener in self.listeners.values():
            try:
                listener.sock.close()
            except OSError:
                pass
        with self.state.lock:
            open_sockets = list(self.state.sockets)
        for sock in open_sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.control.server_close()
        shutil.rmtree(self.folder, ignore_errors=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Local HTTPS fake of AWS access-portal and sign-in hosts (loopback only).")
    parser.add_argument("--host-name", action="append", required=True, dest="host_names",
                        help="a host name the certificates cover (repeat; wildcards such as *.example.com allowed)")
    parser.add_argument("--listener", action="append", dest="listeners",
                        help="a listener name (repeat; default: one listener named main)")
    args = parser.parse_args(argv)
    listener_names = args.listeners or ["main"]
    if len(set(listener_names)) != len(listener_names):
        parser.error("listener names must be distinct")

    def stop(signum, frame):
        raise KeyboardInterrupt

    # A parent that starts us from a thread with signals blocked (libdispatch workers do) passes the
    # mask on; unblock them or SIGTERM would never arrive.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    stop_when_orphaned()
    fake = None
    try:
        fake = Fake(args.host_names, listener_names)
        fake.start()
        print(fake.ready_line(), flush=True)
        fake.control.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        if fake is not None:
            fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
