#!/usr/bin/env python3
"""A faithful fake of the subset of the Okta management API that idcsync uses.

One process is one Okta org. Start it with

    python okta_fake.py --port 0 [--host 127.0.0.1] [--verbose]

It prints exactly one line, ``LISTENING http://127.0.0.1:PORT``, once it accepts connections; that
base URL is the "org URL". It serves until SIGTERM/SIGINT.

What it imitates (see domain-facts section 2 and README.md next to this file):

* ``/api/v1/apps`` (list with filter/q/limit/after and Link pagination; POST creates an app,
  validated like Okta for Bookmark apps), ``/api/v1/apps/{id}`` (GET, PUT = full replace validated
  against the OIN app definition, DELETE of an inactive app), ``/api/v1/apps/{id}/lifecycle/*``,
  ``/api/v1/apps/{id}/groups[/{groupId}]`` (group assignments, paginated),
  ``/api/v1/apps/{id}/credentials/keys`` and ``/api/v1/apps/{id}/sso/saml/metadata``;
* authentication with SSWS API tokens and with OAuth 2.0 service apps
  (``POST /oauth2/v1/token``, private_key_jwt client assertions, DPoP with server nonces);
* Okta's response headers (X-Rate-Limit-*, X-Okta-Request-Id, Date) and rate-limit buckets;
* fault injection and a request log, through a control API under ``/_fake/`` (never logged).

Only the standard library is needed at start-up; ``cryptography`` is imported lazily, the first
time a signature must be checked or a certificate made, so that start-up stays fast.
"""

from __future__ import annotations

import argparse
import base64
import copy
import hashlib
import ipaddress
import json
import math
import re
import secrets
import signal
import socket
import socketserver
import struct
import sys
import threading
import time
import traceback
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit
from xml.sax.saxutils import escape as xml_escape, quoteattr as xml_quoteattr

from orphan_guard import stop_when_orphaned

# --------------------------------------------------------------------------------------------
# Constants
# --------------------------------------------------------------------------------------------

# OIN app definitions: the ordered settings.app keys of an app "name". The real key names of the
# 17 extra ACS URL slots of amazon_aws_sso are unpublished; acsURL1..acsURL17 is a guess, and tests
# can install other spellings with POST /_fake/definitions.
DEFAULT_DEFINITIONS = {
    "amazon_aws_sso": ["acsURL", "entityID"] + [f"acsURL{i}" for i in range(1, 18)],
    "bookmark": ["url", "requestIntegration"],
    # Okta's AWS Client VPN OIN app: its one setting is the port the AWS VPN client listens on (35001).
    "aws_clientvpn": ["port"],
}

# POST /api/v1/apps: the signOnMode each creatable app name requires, and settings.app defaults
# Okta fills in on create (Okta management OpenAPI spec: BookmarkApplication, BookmarkAppResponseEx).
SIGN_ON_MODES = {"bookmark": "BOOKMARK", "amazon_aws_sso": "SAML_2_0", "aws_clientvpn": "SAML_2_0"}
CREATE_DEFAULTS = {"bookmark": {"requestIntegration": False}}
GROUP_LIST_DEFAULT_LIMIT = 20  # Okta's default page size for /api/v1/apps/{id}/groups

# Rate-limit buckets: name -> (limit, windowSeconds). "apps" is the list endpoint, "app" is
# everything under /api/v1/apps/{id}, "token" is POST /oauth2/v1/token. "default" covers every
# other /api/v1 and /oauth2 path (not in the brief; they only ever answer 404/405 here).
DEFAULT_RATE_LIMITS = {
    "apps": {"limit": 100, "windowSeconds": 60},
    "app": {"limit": 500, "windowSeconds": 60},
    "token": {"limit": 600, "windowSeconds": 60},
    "default": {"limit": 1200, "windowSeconds": 60},
}

DEFAULT_TOKEN_LIFETIME = 3600
JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
DPOP_IAT_WINDOW = 300          # seconds either side of "now" for a DPoP proof's iat
ASSERTION_MAX_LIFETIME = 3600  # a client assertion may live at most one hour
CLOCK_LEEWAY = 2               # seconds of rounding slack when checking exp against "now"
KNOWN_SCOPE_RE = re.compile(r"^okta\.[A-Za-z]+\.(read|manage)$")
SCOPE_READ = "okta.apps.read"
SCOPE_MANAGE = "okta.apps.manage"

FAULT_ACTIONS = ("status", "rateLimit", "delay", "reset", "concurrentEdit", "dropField", "lostResponse", "mutateResponse", "trickle", "respond", "headers")
LOST_RESPONSE_MODES = ("status", "eof", "rst")

# Okta error codes used here, with their standard summaries.
E_VALIDATION = ("E0000001", "Api validation failed: {0}")
E_MALFORMED = ("E0000003", "The request body was not well-formed.")
E_FORBIDDEN = ("E0000006", "You do not have permission to perform the requested action")
E_NOT_FOUND = ("E0000007", "Not found: {0}")
E_INTERNAL = ("E0000009", "Internal Server Error")
E_INVALID_TOKEN = ("E0000011", "Invalid token provided")
E_METHOD = ("E0000022", "The endpoint does not support the provided HTTP method")
E_SEARCH = ("E0000031", "Invalid search criteria.")
E_RATE = ("E0000047", "API call exceeded rate limit due to too many requests.")
# DELETE of an ACTIVE app: Okta's Apps API reference (okta/okta.github.io,
# _source/_docs/api/resources/apps.md, "Delete Application"): 403 with this body.
E_DELETE_APP = ("E0000056", "Delete application forbidden.")
DELETE_ACTIVE_CAUSE = "The application must be deactivated before deletion."

STATUS_DEFAULT_CODES = {
    400: ("E0000001", "Api validation failed"),
    401: E_INVALID_TOKEN,
    403: E_FORBIDDEN,
    404: ("E0000007", "Not found"),
    405: E_METHOD,
    429: E_RATE,
}

# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------

_B64URL_RE = re.compile(r"^[A-Za-z0-9_-]*$")


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    if not isinstance(text, str) or not _B64URL_RE.match(text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def random_id(prefix: str = "", length: int = 20) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return prefix + "".join(secrets.choice(alphabet) for _ in range(length - len(prefix)))


def iso_ms(ms: int) -> str:
    """Okta's timestamp format: ISO 8601, UTC, milliseconds, 'Z'."""
    dt = datetime.fromtimestamp(ms / 1000.0, tz=timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def parse_iso_ms(text) -> int | None:
    if not isinstance(text, str):
        return None
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return int(round(dt.timestamp() * 1000))


def now_ms() -> int:
    return int(time.time() * 1000)


def json_bytes(value) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def mutate_document(document, rule: dict):
    """The fault "mutateResponse": the answer as a misbehaving server or proxy would send it, with
    dotted paths set (e.g. {"id": "0oaOther"}) and removed (e.g. ["credentials"]). State is untouched."""
    if not isinstance(document, dict):
        return document
    for dotted, value in (rule.get("set") or {}).items():
        set_dotted(document, dotted, copy.deepcopy(value))
    for dotted in rule.get("remove") or []:
        *parents, last = dotted.split(".")
        cur = document
        for part in parents:
            cur = cur.get(part) if isinstance(cur, dict) else None
        if isinstance(cur, dict):
            cur.pop(last, None)
    return document


def set_dotted(obj: dict, dotted: str, value) -> None:
    """Set obj["a"]["b"]["c"] for "a.b.c", creating (or replacing non-object) parents."""
    parts = dotted.split(".")
    cur = obj
    for part in parts[:-1]:
        nxt = cur.get(part)
        if not isinstance(nxt, dict):
            nxt = {}
            cur[part] = nxt
        cur = nxt
    cur[parts[-1]] = value


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


class OktaError(Exception):
    """An Okta management API error: {"errorCode","errorSummary","errorLink","errorId","errorCauses"}."""

    def __init__(self, status: int, code: str, summary: str, causes=None, headers=None):
        super().__init__(summary)
        self.status = status
        self.code = code
        self.summary = summary
        self.causes = causes or []
        self.headers = headers or []

    def body(self) -> dict:
        return okta_error_body(self.code, self.summary, self.causes)


def okta_error_body(code: str, summary: str, causes=None) -> dict:
    return {
        "errorCode": code,
        "errorSummary": summary,
        "errorLink": code,
        "errorId": random_id("oae", 25),
        "errorCauses": [{"errorSummary": c} for c in (causes or [])],
    }


def not_found(what: str) -> OktaError:
    return OktaError(404, E_NOT_FOUND[0], E_NOT_FOUND[1].format(what))


def validation_failed(field: str, causes) -> OktaError:
    return OktaError(400, E_VALIDATION[0], E_VALIDATION[1].format(field), causes)


def invalid_token(www_authenticate: str | None = None) -> OktaError:
    headers = [("WWW-Authenticate", www_authenticate)] if www_authenticate else []
    return OktaError(401, E_INVALID_TOKEN[0], E_INVALID_TOKEN[1], headers=headers)


class OAuthError(Exception):
    """An OAuth 2.0 token endpoint error: {"error","error_description"}."""

    def __init__(self, error: str, description: str, status: int = 400, headers=None):
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description
        self.headers = headers or []


class ProofError(Exception):
    """A DPoP proof (or client assertion) failed validation; the message says why."""


# --------------------------------------------------------------------------------------------
# JOSE: just enough JWS/JWK for ES256 and RS256 (cryptography is imported lazily)
# --------------------------------------------------------------------------------------------


def decode_jws(token: str):
    """Split a compact JWS into (header, claims, signing_input, signature). Raises ProofError."""
    if not isinstance(token, str):
        raise ProofError("The JWT is not a string.")
    parts = token.split(".")
    if len(parts) != 3:
        raise ProofError("The JWT is malformed.")
    try:
        header = json.loads(b64url_decode(parts[0]))
        claims = json.loads(b64url_decode(parts[1]))
        signature = b64url_decode(parts[2])
    except (ValueError, UnicodeDecodeError):
        raise ProofError("The JWT is malformed.") from None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise ProofError("The JWT is malformed.")
    return header, claims, (parts[0] + "." + parts[1]).encode("ascii"), signature


_PRIVATE_JWK_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "oth", "k")


def jwk_public_key(jwk: dict):
    """Build a cryptography public key from a public JWK (EC P-256 or RSA)."""
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    if not isinstance(jwk, dict):
        raise ProofError("The jwk is not a JSON object.")
    kty = jwk.get("kty")
    try:
        if kty == "EC":
            if jwk.get("crv") != "P-256":
                raise ProofError("Only EC keys on curve P-256 are supported.")
            x, y = b64url_decode(jwk["x"]), b64url_decode(jwk["y"])
            if len(x) != 32 or len(y) != 32:
                raise ProofError("The EC key coordinates have the wrong length.")
            return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b"\x04" + x + y)
        if kty == "RSA":
            n = int.from_bytes(b64url_decode(jwk["n"]), "big")
            e = int.from_bytes(b64url_decode(jwk["e"]), "big")
            return rsa.RSAPublicNumbers(e, n).public_key()
    except ProofError:
        raise
    except (KeyError, ValueError, TypeError):
        raise ProofError("The jwk is invalid.") from None
    raise ProofError(f"Unsupported key type: {kty!r}.")


def jws_verify(alg: str, jwk: dict, signing_input: bytes, signature: bytes) -> bool:
    """Check an ES256 (raw r||s) or RS256 signature against a public JWK."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    key = jwk_public_key(jwk)
    try:
        if alg == "ES256":
            if not isinstance(key, ec.EllipticCurvePublicKey) or len(signature) != 64:
                return False
            der = encode_dss_signature(int.from_bytes(signature[:32], "big"),
                                       int.from_bytes(signature[32:], "big"))
            key.verify(der, signing_input, ec.ECDSA(hashes.SHA256()))
            return True
        if alg == "RS256":
            if not isinstance(key, rsa.RSAPublicKey):
                return False
            key.verify(signature, signing_input, padding.PKCS1v15(), hashes.SHA256())
            return True
    except InvalidSignature:
        return False
    return False


def jwk_thumbprint(jwk: dict) -> str:
    """RFC 7638 SHA-256 thumbprint: required members only, sorted, no whitespace."""
    kty = jwk.get("kty")
    if kty == "EC":
        members = {k: jwk[k] for k in ("crv", "kty", "x", "y")}
    elif kty == "RSA":
        members = {k: jwk[k] for k in ("e", "kty", "n")}
    else:
        raise ProofError(f"Unsupported key type: {kty!r}.")
    canonical = json.dumps(members, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return b64url_encode(hashlib.sha256(canonical).digest())


# --------------------------------------------------------------------------------------------
# Signing certificates for credentials/keys and SAML metadata
# --------------------------------------------------------------------------------------------

_cert_lock = threading.Lock()
_cert_key = None  # one RSA key per process is plenty for a fake


def make_signing_key_material(kid: str, created_ms: int, expires_ms: int) -> dict:
    """A real self-signed X.509 certificate valid until expiresAt, plus the JWK fields Okta shows."""
    global _cert_key
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    with _cert_lock:
        if _cert_key is None:
            _cert_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        key = _cert_key
    # Okta's app signing certificates look like this (subject = issuer, O=Okta, OU=SSOProvider).
    name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
        x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "California"),
        x509.NameAttribute(NameOID.LOCALITY_NAME, "San Francisco"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Okta"),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "SSOProvider"),
        x509.NameAttribute(NameOID.COMMON_NAME, "okta-fake"),
        x509.NameAttribute(NameOID.EMAIL_ADDRESS, "info@okta.com"),
    ])
    not_before = datetime.fromtimestamp(created_ms / 1000, tz=timezone.utc)
    not_after = datetime.fromtimestamp(expires_ms / 1000, tz=timezone.utc)
    if not_after <= not_before:
        not_before = not_after - timedelta(days=1)
    cert = (x509.CertificateBuilder()
            .subject_name(name).issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before).not_valid_after(not_after)
            .sign(key, hashes.SHA256()))
    der = cert.public_bytes(serialization.Encoding.DER)
    numbers = key.public_key().public_numbers()
    return {
        "x5c": [base64.b64encode(der).decode("ascii")],
        "e": b64url_encode(numbers.e.to_bytes((numbers.e.bit_length() + 7) // 8, "big")),
        "n": b64url_encode(numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")),
        "x5t#S256": b64url_encode(hashlib.sha256(der).digest()),
    }


def build_key(spec: dict) -> dict:
    """A credentials/keys entry in Okta's field order; missing fields are filled in."""
    created_ms = parse_iso_ms(spec.get("created")) or now_ms()
    expires_ms = parse_iso_ms(spec.get("expiresAt")) or (created_ms + 2 * 365 * 86400 * 1000)
    key = {
        "created": spec.get("created") or iso_ms(created_ms),
        "lastUpdated": spec.get("lastUpdated") or spec.get("created") or iso_ms(created_ms),
        "expiresAt": spec.get("expiresAt") or iso_ms(expires_ms),
    }
    if "x5c" in spec:
        key["x5c"] = spec["x5c"]
    else:
        key.update(make_signing_key_material(str(spec.get("kid")), created_ms, expires_ms))
    for k, v in spec.items():  # kid, and anything else the test gave (kept as given)
        if k not in key:
            key[k] = v
    key.setdefault("kty", "RSA")
    key.setdefault("use", "sig")
    return key


# --------------------------------------------------------------------------------------------
# The org's state
# --------------------------------------------------------------------------------------------


class State:
    def __init__(self):
        self.lock = threading.RLock()
        self.reset()

    def reset(self):
        with self.lock:
            self.api_tokens: list[str] = []
            self.clients: dict[str, dict] = {}
            self.rate_limits = copy.deepcopy(DEFAULT_RATE_LIMITS)
            self.token_lifetime = DEFAULT_TOKEN_LIFETIME
            self.definitions = copy.deepcopy(DEFAULT_DEFINITIONS)
            self.apps: dict[str, dict] = {}       # id -> app JSON, in insertion order
            self.app_seq: dict[str, int] = {}     # id -> insertion number (the list cursor)
            self.next_seq = 1
            self.keys: dict[str, list] = {}       # id -> credentials/keys list
            self.groups: dict[str, dict] = {}     # app id -> {group id: assignment}, in assignment order
            self.group_seq = 1                    # the group list cursor (one counter for all apps)
            self.entity_ids: dict[str, str] = {}  # id -> SAML IdP entityID
            self.faults: list[dict] = []
            self.requests: list[dict] = []
            self.tokens: dict[str, dict] = {}     # access token -> grant
            self.as_nonces: set[str] = set()      # authorization server DPoP nonces issued
            self.resource_nonce = secrets.token_urlsafe(24)
            self.proof_jtis: set[str] = set()
            self.assertion_jtis: set[str] = set()
            self.buckets = {name: {"start": None, "count": 0} for name in self.rate_limits}
            self.last_ts_ms = 0

    # -- timestamps ------------------------------------------------------------------------

    def next_timestamp(self, previous: str | None = None) -> str:
        """A lastUpdated that is strictly later than every earlier one (and than `previous`)."""
        with self.lock:
            ms = max(now_ms(), self.last_ts_ms + 1)
            prev = parse_iso_ms(previous)
            if prev is not None and ms <= prev:
                ms = prev + 1
            self.last_ts_ms = ms
            return iso_ms(ms)

    # -- rate limits -----------------------------------------------------------------------

    def _bucket(self, name: str):
        cfg = self.rate_limits.get(name) or DEFAULT_RATE_LIMITS["default"]
        b = self.buckets.setdefault(name, {"start": None, "count": 0})
        now = time.time()
        if b["start"] is None or now >= b["start"] + cfg["windowSeconds"]:
            b["start"], b["count"] = now, 0  # the window has passed: it restarts
        reset = int(math.ceil(b["start"] + cfg["windowSeconds"]))
        return cfg, b, reset

    def consume(self, name: str):
        """Count one request. Returns (limit, remaining, reset, allowed)."""
        with self.lock:
            cfg, b, reset = self._bucket(name)
            if b["count"] >= cfg["limit"]:
                return cfg["limit"], 0, reset, False
            b["count"] += 1
            return cfg["limit"], cfg["limit"] - b["count"], reset, True

    def peek(self, name: str):
        with self.lock:
            cfg, b, reset = self._bucket(name)
            return cfg["limit"], max(0, cfg["limit"] - b["count"]), reset

    # -- apps ------------------------------------------------------------------------------

    def normalize_settings_app(self, app: dict, keep_extra: bool) -> None:
        """Make settings.app carry every key of the app's definition, in order, unset ones null.

        Okta's GET returns every settings.app key of the OIN definition, unset ones as null.
        Keys outside the definition survive only when seeding (keep_extra) so that tests can
        build states Okta itself would refuse."""
        definition = self.definitions.get(app.get("name"))
        if definition is None:
            return
        settings = app.get("settings")
        if settings is None:
            settings = app["settings"] = {}
        if not isinstance(settings, dict):
            return  # odd seeded state: keep as given
        given = settings.get("app")
        if given is None:
            given = {}
        if not isinstance(given, dict):
            return
        normalized = {k: given.get(k) for k in definition}
        if keep_extra:
            for k, v in given.items():
                if k not in normalized:
                    normalized[k] = v
        settings["app"] = normalized

    def app_url(self, base: str, app_id: str) -> str:
        return f"{base}/api/v1/apps/{quote(app_id, safe='')}"

    def seed_app(self, app: dict, base: str) -> dict:
        app = copy.deepcopy(app)
        # Okta always returns these on an app; seeded apps get them as POST gives them.
        app.setdefault("visibility", {"autoLaunch": False, "autoSubmitToolbar": False,
                                      "hide": {"iOS": False, "web": False}, "appLinks": {"login": True}})
        app.setdefault("credentials", {"userNameTemplate": {"template": "${source.login}", "type": "BUILT_IN"}, "signing": {}})
        if "signOnMode" not in app and app.get("name") in SIGN_ON_MODES:
            app["signOnMode"] = SIGN_ON_MODES[app["name"]]
        with self.lock:
            self.normalize_settings_app(app, keep_extra=True)
            stamp = iso_ms(now_ms())
            app.setdefault("created", stamp)
            app.setdefault("lastUpdated", app["created"])
            links = app.get("_links")
            if links is None:
                links = app["_links"] = {}
            if isinstance(links, dict):
                self_link = links.get("self")
                if not isinstance(self_link, dict):
                    self_link = links["self"] = {}
                self_link.setdefault("href", self.app_url(base, app["id"]))
            self.insert_app(app)
            return copy.deepcopy(app)

    def concurrent_edit(self, app_id: str, edit: dict) -> bool:
        """Change the stored app as another admin would (the fault "concurrentEdit")."""
        with self.lock:
            app = self.apps.get(app_id)
            if app is None:
                return False
            for dotted, value in (edit or {}).items():
                set_dotted(app, dotted, copy.deepcopy(value))
            app["lastUpdated"] = self.next_timestamp(app.get("lastUpdated"))
            return True

    def keys_for(self, app_id: str) -> list:
        """The app's signing keys; by default one key whose kid is the app's
        credentials.signing.kid (what a client passes to the metadata endpoint), else "<id>-kid"."""
        with self.lock:
            if app_id not in self.keys:
                app = self.apps.get(app_id, {})
                signing = (app.get("credentials") or {}).get("signing") if isinstance(app.get("credentials"), dict) else None
                kid = signing.get("kid") if isinstance(signing, dict) and isinstance(signing.get("kid"), str) else f"{app_id}-kid"
                self.keys[app_id] = [build_key({"kid": kid})]
            return copy.deepcopy(self.keys[app_id])

    def insert_app(self, app: dict) -> None:
        """Store a new app at the end of the list order."""
        with self.lock:
            if app["id"] not in self.apps:
                self.app_seq[app["id"]] = self.next_seq
                self.next_seq += 1
            self.apps[app["id"]] = app

    def remove_app(self, app_id: str) -> bool:
        with self.lock:
            existed = self.apps.pop(app_id, None) is not None
            self.app_seq.pop(app_id, None)
            self.keys.pop(app_id, None)
            self.groups.pop(app_id, None)
            self.entity_ids.pop(app_id, None)
            return existed

    # -- group assignments -----------------------------------------------------------------

    def assign_group(self, base: str, app_id: str, group_id: str, priority=None) -> dict:
        """Assign (or re-assign) a group; returns the assignment as Okta shows it.

        A new assignment without a priority gets the next one (max + 1, from 0); assigning a group
        that is already assigned changes only a priority that is given."""
        with self.lock:
            groups = self.groups.setdefault(app_id, {})
            entry = groups.get(group_id)
            if entry is None:
                if priority is None:
                    priority = max((e["item"]["priority"] for e in groups.values()), default=-1) + 1
                app_url = self.app_url(base, app_id)
                item = {
                    "id": group_id,
                    "lastUpdated": self.next_timestamp(),
                    "priority": priority,
                    "profile": {},
                    "_links": {
                        "app": {"href": app_url},
                        "self": {"href": f"{app_url}/groups/{quote(group_id, safe='')}"},
                        "group": {"href": f"{base}/api/v1/groups/{quote(group_id, safe='')}"},
                    },
                }
                groups[group_id] = {"seq": self.group_seq, "item": item}
                self.group_seq += 1
            elif priority is not None and entry["item"]["priority"] != priority:
                entry["item"]["priority"] = priority
                entry["item"]["lastUpdated"] = self.next_timestamp(entry["item"]["lastUpdated"])
            return copy.deepcopy(groups[group_id]["item"])

    def group_entries(self, app_id: str) -> list:
        """[(cursor, assignment)] of an app, in assignment order."""
        with self.lock:
            return [(e["seq"], copy.deepcopy(e["item"])) for e in self.groups.get(app_id, {}).values()]

    # -- faults ----------------------------------------------------------------------------

    def take_fault(self, method: str, path: str):
        with self.lock:
            for rule in self.faults:
                if rule["times"] <= 0:
                    continue
                if rule["method"] not in ("*", method):
                    continue
                if "path" in rule and rule["path"] != path:
                    continue
                if "pathPrefix" in rule and not path.startswith(rule["pathPrefix"]):
                    continue
                # "skip": let the first N matching requests through (e.g. fault the second GET, not the first).
                if rule.get("skip", 0) > 0:
                    rule["skip"] -= 1
                    continue
                rule["times"] -= 1
                fired = copy.deepcopy(rule)
                self.faults = [r for r in self.faults if r["times"] > 0]
                return fired
            return None


STATE = State()

# --------------------------------------------------------------------------------------------
# Request handling
# --------------------------------------------------------------------------------------------

APP_PATH_RE = re.compile(r"^/api/v1/apps/([^/]+)(/.*)?$")


class Ctx:
    """Everything about one request that the endpoint functions need."""

    def __init__(self, handler, method, path, query, headers, body):
        self.handler = handler
        self.method = method
        self.path = path            # raw path, no query
        self.raw_target = handler.path
        self.query = query          # dict of lists
        self.headers = headers      # http.client.HTTPMessage (case-insensitive)
        self.body = body            # bytes
        self.base = handler.server.base_url
        self.drop_field = None      # settings.app key kept at its old value (fault "dropField")
        self.extra_headers: list[tuple[str, str]] = []

    def param(self, name):
        values = self.query.get(name)
        return values[0] if values else None


def bucket_for(path: str):
    if path == "/api/v1/apps":
        return "apps"
    if path.startswith("/api/v1/apps/"):
        return "app"
    if path == "/oauth2/v1/token":
        return "token"
    if path.startswith("/api/") or path.startswith("/oauth2/"):
        return "default"
    return None


# -- authentication of /api/v1 --------------------------------------------------------------


def verify_dpop_proof(ctx: Ctx, htu: str, access_token: str | None):
    """Validate the DPoP header of this request (RFC 9449) except for the nonce.

    Returns (jwk thumbprint, claims). Raises ProofError with the reason."""
    proofs = ctx.headers.get_all("DPoP") or []
    if not proofs:
        raise ProofError("DPoP proof is missing.")
    if len(proofs) > 1:
        raise ProofError("Multiple DPoP proofs are not allowed.")
    header, claims, signing_input, signature = decode_jws(proofs[0].strip())
    if header.get("typ") != "dpop+jwt":
        raise ProofError("The DPoP proof typ header must be 'dpop+jwt'.")
    alg = header.get("alg")
    if alg not in ("ES256", "RS256"):
        raise ProofError(f"The DPoP proof alg {alg!r} is not supported.")
    jwk = header.get("jwk")
    if not isinstance(jwk, dict):
        raise ProofError("The DPoP proof must carry the public key in the jwk header.")
    if any(m in jwk for m in _PRIVATE_JWK_MEMBERS):
        raise ProofError("The DPoP proof jwk header must not contain a private key.")
    if not jws_verify(alg, jwk, signing_input, signature):
        raise ProofError("The DPoP proof signature is invalid.")
    jti = claims.get("jti")
    if not isinstance(jti, str) or not jti:
        raise ProofError("The DPoP proof must have a jti claim.")
    with STATE.lock:  # a signed proof can be used once, whatever else is wrong with it
        replay = jti in STATE.proof_jtis
        STATE.proof_jtis.add(jti)
    if replay:
        raise ProofError("The DPoP proof jti has already been used.")
    if claims.get("htm") != ctx.method:
        raise ProofError(f"The DPoP proof htm claim does not match the request method {ctx.method}.")
    # Strict: htu must be exactly the org URL + path (no query, no fragment).
    if claims.get("htu") != htu:
        raise ProofError(f"The DPoP proof htu claim does not match the request URL {htu}.")
    iat = claims.get("iat")
    if not isinstance(iat, (int, float)) or isinstance(iat, bool) or abs(time.time() - iat) > DPOP_IAT_WINDOW:
        raise ProofError("The DPoP proof iat claim is missing or outside the allowed time window.")
    if access_token is not None:
        expected_ath = b64url_encode(hashlib.sha256(access_token.encode("ascii")).digest())
        if claims.get("ath") != expected_ath:
            raise ProofError("The DPoP proof ath claim does not match the access token.")
    return jwk_thumbprint(jwk), claims


def dpop_challenge(error: str, description: str) -> str:
    return f'DPoP error="{error}", error_description="{description}"'


def authenticate(ctx: Ctx) -> set:
    """Authenticate an /api/v1 request; returns the granted scopes. Raises OktaError."""
    auth = (ctx.headers.get("Authorization") or "").strip()
    scheme, _, credential = auth.partition(" ")
    scheme, credential = scheme.lower(), credential.strip()
    if scheme == "ssws":
        with STATE.lock:
            ok = credential != "" and credential in STATE.api_tokens
        if ok:
            return {SCOPE_READ, SCOPE_MANAGE}  # API tokens act with the admin's full rights
        raise invalid_token()
    if scheme not in ("bearer", "dpop") or not credential:
        raise invalid_token()

    with STATE.lock:
        grant = STATE.tokens.get(credential)
        grant = dict(grant) if grant else None
    if grant is None:
        raise invalid_token(dpop_challenge("invalid_token", "The access token is invalid.")
                            if scheme == "dpop" else
                            'Bearer error="invalid_token", error_description="The access token is invalid."')
    if time.time() >= grant["exp"]:
        challenge = "DPoP" if grant["jkt"] else "Bearer"
        raise invalid_token(f'{challenge} error="invalid_token", error_description="The access token is expired."')

    if scheme == "bearer":
        if grant["jkt"]:
            # A DPoP-bound token presented as a plain bearer token.
            raise invalid_token(dpop_challenge(
                "invalid_token", "The access token is DPoP-bound and must be used with the DPoP scheme."))
        return set(grant["scopes"])

    # scheme == "dpop"
    if not grant["jkt"]:
        raise invalid_token('Bearer error="invalid_token", error_description="The access token is not DPoP-bound."')
    htu = ctx.base + ctx.path
    try:
        thumbprint, claims = verify_dpop_proof(ctx, htu, credential)
        if thumbprint != grant["jkt"]:
            raise ProofError("The DPoP proof key does not match the key the access token is bound to.")
    except ProofError as exc:
        raise invalid_token(dpop_challenge("invalid_dpop_proof", str(exc))) from None
    client = STATE.clients.get(grant["clientId"], {})
    if client.get("resourceNonce"):
        with STATE.lock:
            nonce = STATE.resource_nonce
        if claims.get("nonce") != nonce:
            error = invalid_token(dpop_challenge("use_dpop_nonce", "Resource server requires nonce in DPoP proof."))
            error.headers.append(("DPoP-Nonce", nonce))
            raise error
    return set(grant["scopes"])


def require_scope(ctx: Ctx, scopes: set) -> None:
    needed = {SCOPE_READ, SCOPE_MANAGE} if ctx.method == "GET" else {SCOPE_MANAGE}
    if not (scopes & needed):
        raise OktaError(403, E_FORBIDDEN[0], E_FORBIDDEN[1], headers=[(
            "WWW-Authenticate",
            'Bearer error="insufficient_scope", '
            'error_description="The access token provided does not contain the required scopes."')])


# -- /api/v1/apps ---------------------------------------------------------------------------

_FILTER_TERM_RE = re.compile(r'\s*(name|status)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*')
_FILTER_AND_RE = re.compile(r"and(?=\s)")


def parse_filter(expr: str):
    """Supports `name eq "X"`, `status eq "ACTIVE"|"INACTIVE"` and their conjunction with `and`.
    Anything else is refused like Okta does: 400 E0000031."""
    terms = []
    pos = 0
    while True:
        m = _FILTER_TERM_RE.match(expr, pos)
        if not m:
            raise OktaError(400, *E_SEARCH)
        prop, value = m.group(1), re.sub(r"\\(.)", r"\1", m.group(2))
        if prop == "status" and value not in ("ACTIVE", "INACTIVE"):
            raise OktaError(400, *E_SEARCH)
        terms.append((prop, value))
        pos = m.end()
        if pos == len(expr):
            return terms
        a = _FILTER_AND_RE.match(expr, pos)
        if not a:
            raise OktaError(400, *E_SEARCH)
        pos = a.end()


def list_apps(ctx: Ctx):
    filter_expr = ctx.param("filter")
    terms = parse_filter(filter_expr) if filter_expr is not None else []
    q = ctx.param("q")
    limit = parse_limit(ctx, 20)
    after_seq = parse_after(ctx)

    with STATE.lock:
        candidates = [(STATE.app_seq[i], copy.deepcopy(a)) for i, a in STATE.apps.items()]

    def matches(app):
        for prop, value in terms:  # filter: exact match
            if app.get(prop) != value:
                return False
        if q:
            # Okta quirk: q is a case-insensitive *prefix* match on name OR label, so it is loose
            # ("amazon_aws" finds amazon_aws_sso, "AWS" finds every AWS app by label).
            ql = q.lower()
            name, label = app.get("name"), app.get("label")
            if not ((isinstance(name, str) and name.lower().startswith(ql)) or
                    (isinstance(label, str) and label.lower().startswith(ql))):
                return False
        return True

    selected = [(seq, app) for seq, app in candidates if seq > after_seq and matches(app)]
    page, rest = selected[:limit], selected[limit:]

    # Okta sends one Link header per relation (several Link lines, not one comma-joined line).
    links = [f'<{ctx.base}{ctx.raw_target}>; rel="self"']
    if rest:
        params = [(k, v) for k, vs in ctx.query.items() if k not in ("limit", "after") for v in vs]
        params += [("limit", str(limit)), ("after", str(page[-1][0]))]
        next_url = f"{ctx.base}/api/v1/apps?" + urlencode(params, quote_via=quote)
        links.append(f'<{next_url}>; rel="next"')
    ctx.extra_headers += [("Link", link) for link in links]
    return 200, [app for _, app in page]


def get_stored_app(app_id: str) -> dict:
    with STATE.lock:
        app = STATE.apps.get(app_id)
        if app is None:
            raise not_found(f"Resource not found: {app_id} (AppInstance)")
        return copy.deepcopy(app)


def replace_app(ctx: Ctx, app_id: str):
    """PUT /api/v1/apps/{id}: a FULL replace (there is no PATCH in Okta's apps API)."""
    get_stored_app(app_id)  # 404 first
    body = json_body(ctx)
    settings_app = check_label_and_settings(body)

    with STATE.lock:
        old = STATE.apps.get(app_id)
        if old is None:
            raise not_found(f"Resource not found: {app_id} (AppInstance)")
        old = copy.deepcopy(old)
        # settings.app is validated server-side against the OIN app definition (and, for a
        # Bookmark app, its url must be a valid URL).
        validate_settings_app(old.get("name"), settings_app)

        new = copy.deepcopy(body)
        # id, name, status, created (and _links) are read-only: the body's values are ignored.
        for k in ("id", "name", "status", "created", "_links"):
            if k in old:
                new[k] = old[k]
            else:
                new.pop(k, None)
        STATE.normalize_settings_app(new, keep_extra=False)  # omitted keys become null
        new["lastUpdated"] = STATE.next_timestamp(old.get("lastUpdated"))
        # Keep the stored layout: keys in the old order first, then new ones in body order.
        ordered = {k: new[k] for k in old if k in new}
        ordered.update({k: v for k, v in new.items() if k not in ordered})
        response = copy.deepcopy(ordered)

        if ctx.drop_field is not None:
            # Okta quirk (fault "dropField"): the PUT reports success, and its response shows the
            # value that was sent, but the field is not persisted: the old value stays.
            old_app = (old.get("settings") or {}).get("app") if isinstance(old.get("settings"), dict) else None
            old_value = old_app.get(ctx.drop_field) if isinstance(old_app, dict) else None
            settings_obj = ordered.get("settings")
            if isinstance(settings_obj, dict) and isinstance(settings_obj.get("app"), dict):
                settings_obj["app"][ctx.drop_field] = copy.deepcopy(old_value)

        STATE.apps[app_id] = ordered
    return 200, response


def list_keys(ctx: Ctx, app_id: str):
    get_stored_app(app_id)
    return 200, STATE.keys_for(app_id)


def saml_metadata(ctx: Ctx, app_id: str):
    app = get_stored_app(app_id)
    kid = ctx.param("kid")
    if not kid:
        raise validation_failed("kid", ["kid: The field cannot be left blank"])
    key = next((k for k in STATE.keys_for(app_id) if k.get("kid") == kid), None)
    if key is None:
        raise not_found(f"Resource not found: {kid} (AppInstanceKeyCredential)")
    with STATE.lock:
        entity_id = STATE.entity_ids.setdefault(app_id, "http://www.okta.com/" + random_id("exk", 20))
    x5c = key.get("x5c") or [""]
    sso = f"{ctx.base}/app/{quote(str(app.get('name') or 'app'), safe='')}/{quote(app_id, safe='')}/sso/saml"
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID={xml_quoteattr(entity_id)}>'
        '<md:IDPSSODescriptor WantAuthnRequestsSigned="false" '
        'protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
        '<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">'
        f'<ds:X509Data><ds:X509Certificate>{xml_escape(str(x5c[0]))}</ds:X509Certificate></ds:X509Data>'
        '</ds:KeyInfo></md:KeyDescriptor>'
        '<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified</md:NameIDFormat>'
        '<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>'
        '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" '
        f'Location={xml_quoteattr(sso)}/>'
        '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" '
        f'Location={xml_quoteattr(sso)}/>'
        '</md:IDPSSODescriptor></md:EntityDescriptor>'
    )
    return 200, xml.encode("utf-8"), "application/xml"


def json_body(ctx: Ctx, allow_empty: bool = False) -> dict:
    """The request's JSON object; anything else is Okta's 400 E0000003."""
    if not ctx.body and allow_empty:
        return {}
    try:
        body = json.loads(ctx.body.decode("utf-8")) if ctx.body else None
    except (ValueError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict):
        raise OktaError(400, *E_MALFORMED)
    return body


def parse_limit(ctx: Ctx, default: int) -> int:
    text = ctx.param("limit")
    if text is None:
        return default
    try:
        limit = int(text)
    except ValueError:
        raise validation_failed("limit", ["limit: The value must be an integer."]) from None
    if not 1 <= limit <= 200:
        raise validation_failed("limit", ["limit: The value must be between 1 and 200."])
    return limit


def parse_after(ctx: Ctx) -> int:
    after = ctx.param("after")
    if after is None or after == "":
        return 0
    try:
        return int(after)
    except ValueError:
        raise validation_failed("after", ["after: The cursor is invalid."]) from None


def is_web_url(value) -> bool:
    if not isinstance(value, str) or value != value.strip() or any(c.isspace() for c in value):
        return False
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def validate_settings_app(name, settings_app) -> None:
    """settings.app against the app definition: unknown keys, and the Bookmark app's own rules
    (url required and a valid http(s) URL, requestIntegration a boolean)."""
    with STATE.lock:
        definition = STATE.definitions.get(name)
    if definition is not None and settings_app:
        unknown = [k for k in settings_app if k not in definition]
        if unknown:
            raise validation_failed("settings.app", [f"settings.app.{k}: unknown property" for k in unknown])
    if name == "bookmark":
        url = (settings_app or {}).get("url")
        if url is None or (isinstance(url, str) and not url.strip()):
            raise validation_failed("url", ["url: The field cannot be left blank"])
        if not is_web_url(url):
            raise validation_failed("url", ["url: The URL is not valid"])
        flag = (settings_app or {}).get("requestIntegration")
        if flag is not None and not isinstance(flag, bool):
            raise validation_failed("requestIntegration", ["requestIntegration: The value must be a boolean"])


def check_label_and_settings(body: dict):
    """The checks PUT and POST share; returns settings.app (or None)."""
    label = body.get("label")
    if not isinstance(label, str) or not label.strip():
        raise validation_failed("label", ["label: The field cannot be left blank"])
    settings = body.get("settings")
    if settings is not None and not isinstance(settings, dict):
        raise validation_failed("settings", ["settings: The value must be an object"])
    settings_app = settings.get("app") if isinstance(settings, dict) else None
    if settings_app is not None and not isinstance(settings_app, dict):
        raise validation_failed("settings.app", ["settings.app: The value must be an object"])
    return settings_app


def set_lifecycle_links(app: dict, base: str) -> None:
    """_links.activate for an inactive app, _links.deactivate for an active one (as Okta does)."""
    links = app.get("_links")
    if not isinstance(links, dict):
        return
    links.pop("activate", None)
    links.pop("deactivate", None)
    verb = "deactivate" if app.get("status") == "ACTIVE" else "activate"
    links[verb] = {"href": f"{STATE.app_url(base, app['id'])}/lifecycle/{verb}"}


def create_app(ctx: Ctx):
    """POST /api/v1/apps[?activate=true|false]: 200 with the new app (Okta answers 200, not 201)."""
    activate_text = ctx.param("activate")
    if activate_text is None:
        activate = True  # Okta's default
    elif activate_text.lower() in ("true", "false"):
        activate = activate_text.lower() == "true"
    else:
        raise validation_failed("activate", ["activate: The value must be true or false"])
    body = json_body(ctx)
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise validation_failed("name", ["name: The field cannot be left blank"])
    with STATE.lock:
        known = name in STATE.definitions
    if not known:
        raise validation_failed("name", [f"name: No app definition found for the app name '{name}'"])
    settings_app = check_label_and_settings(body)
    expected_mode = SIGN_ON_MODES.get(name)
    mode = body.get("signOnMode")
    if expected_mode is not None and mode != expected_mode:
        raise validation_failed("signOnMode", [f"signOnMode: The sign-on mode must be {expected_mode} for the {name} app"])
    validate_settings_app(name, settings_app)

    app_id = random_id("0oa", 20)
    stamp = STATE.next_timestamp()
    rest = {k: copy.deepcopy(v) for k, v in body.items()
            if k not in ("id", "name", "label", "status", "created", "lastUpdated", "_links", "_embedded")}
    app = {"id": app_id, "name": name, "label": body["label"], "status": "ACTIVE" if activate else "INACTIVE",
           "created": stamp, "lastUpdated": stamp}
    app.update(rest)
    if expected_mode is not None or mode is not None:
        app["signOnMode"] = mode if mode is not None else expected_mode
    app.setdefault("accessibility", {"selfService": False, "errorRedirectUrl": None, "loginRedirectUrl": None})
    app.setdefault("visibility", {"autoLaunch": False, "autoSubmitToolbar": False,
                                  "hide": {"iOS": False, "web": False}, "appLinks": {"login": True}})
    app.setdefault("features", [])
    app.setdefault("credentials", {"userNameTemplate": {"template": "${source.login}", "type": "BUILT_IN"}, "signing": {}})
    settings = app.get("settings")
    if not isinstance(settings, dict):
        settings = app["settings"] = {}
    notes = settings.get("notes")
    if not isinstance(notes, dict):
        notes = settings["notes"] = {}
    notes.setdefault("admin", None)
    notes.setdefault("enduser", None)
    STATE.normalize_settings_app(app, keep_extra=False)
    if isinstance(settings.get("app"), dict):
        for key, value in CREATE_DEFAULTS.get(name, {}).items():
            if settings["app"].get(key) is None:
                settings["app"][key] = value
    url = STATE.app_url(ctx.base, app_id)
    app["_links"] = {
        "self": {"href": url},
        "groups": {"href": f"{url}/groups"},
        "users": {"href": f"{url}/users"},
        "appLinks": [{"name": f"{name}_link", "href": f"{ctx.base}/home/{quote(name, safe='')}/{app_id}/{random_id('aln', 20)}",
                      "type": "text/html"}],
    }
    set_lifecycle_links(app, ctx.base)
    with STATE.lock:
        STATE.insert_app(app)
        return 200, copy.deepcopy(app)


def change_lifecycle(ctx: Ctx, app_id: str, verb: str):
    """POST /api/v1/apps/{id}/lifecycle/activate|deactivate: 200 {} (also when already there)."""
    target = "ACTIVE" if verb == "activate" else "INACTIVE"
    with STATE.lock:
        app = STATE.apps.get(app_id)
        if app is None:
            raise not_found(f"Resource not found: {app_id} (AppInstance)")
        if app.get("status") != target:
            app["status"] = target
            app["lastUpdated"] = STATE.next_timestamp(app.get("lastUpdated"))
            set_lifecycle_links(app, ctx.base)
    return 200, {}


def delete_app(ctx: Ctx, app_id: str):
    """DELETE /api/v1/apps/{id}: 204 for an inactive app; an ACTIVE one is 403 E0000056."""
    with STATE.lock:
        app = STATE.apps.get(app_id)
        if app is None:
            raise not_found(f"Resource not found: {app_id} (AppInstance)")
        if app.get("status") == "ACTIVE":
            raise OktaError(403, *E_DELETE_APP, [DELETE_ACTIVE_CAUSE])
        STATE.remove_app(app_id)
    return 204, b"", None


def list_groups(ctx: Ctx, app_id: str):
    """GET /api/v1/apps/{id}/groups: limit (default 20) and an opaque after cursor, Link headers."""
    get_stored_app(app_id)
    limit = parse_limit(ctx, GROUP_LIST_DEFAULT_LIMIT)
    after = parse_after(ctx)
    selected = [(seq, item) for seq, item in STATE.group_entries(app_id) if seq > after]
    page, rest = selected[:limit], selected[limit:]
    links = [f'<{ctx.base}{ctx.raw_target}>; rel="self"']
    if rest:
        params = [(k, v) for k, vs in ctx.query.items() if k not in ("limit", "after") for v in vs]
        params += [("limit", str(limit)), ("after", str(page[-1][0]))]
        links.append(f'<{ctx.base}{ctx.path}?' + urlencode(params, quote_via=quote) + '>; rel="next"')
    ctx.extra_headers += [("Link", link) for link in links]
    return 200, [item for _, item in page]


def group_not_found(group_id: str) -> OktaError:
    return not_found(f"Resource not found: {group_id} (ApplicationGroupAssignment)")


def get_group(ctx: Ctx, app_id: str, group_id: str):
    get_stored_app(app_id)
    for _, item in STATE.group_entries(app_id):
        if item["id"] == group_id:
            return 200, item
    raise group_not_found(group_id)


def put_group(ctx: Ctx, app_id: str, group_id: str):
    """PUT /api/v1/apps/{id}/groups/{groupId}: body {} or {"priority": n}; 200 with the assignment."""
    get_stored_app(app_id)
    body = json_body(ctx, allow_empty=True)
    priority = body.get("priority")
    if priority is not None and (not isinstance(priority, int) or isinstance(priority, bool) or not 0 <= priority <= 100):
        raise validation_failed("priority", ["priority: The value must be an integer between 0 and 100"])
    return 200, STATE.assign_group(ctx.base, app_id, group_id, priority)


def delete_group(ctx: Ctx, app_id: str, group_id: str):
    """DELETE /api/v1/apps/{id}/groups/{groupId}: 204; a group not assigned is 404 E0000007."""
    get_stored_app(app_id)
    with STATE.lock:
        groups = STATE.groups.get(app_id, {})
        if group_id not in groups:
            raise group_not_found(group_id)
        del groups[group_id]
    return 204, b"", None


GROUP_PATH_RE = re.compile(r"^/groups/([^/]+)$")


def route_api(ctx: Ctx):
    """Dispatch /api/v1/*. Returns (status, JSON value) or (status, bytes, content type)."""
    scopes = authenticate(ctx)
    path = ctx.path
    if path == "/api/v1/apps":
        allowed = ("GET", "POST")
        handler = (lambda: list_apps(ctx)) if ctx.method == "GET" else (lambda: create_app(ctx))
    else:
        m = APP_PATH_RE.match(path)
        if not m:
            raise not_found(f"Resource not found: {path}")
        app_id, rest = unquote(m.group(1)), m.group(2) or ""
        group = GROUP_PATH_RE.match(rest)
        if rest == "":
            allowed = ("GET", "PUT", "DELETE")
            handler = {"GET": lambda: get_app_response(app_id), "PUT": lambda: replace_app(ctx, app_id),
                       "DELETE": lambda: delete_app(ctx, app_id)}.get(ctx.method)
        elif rest in ("/lifecycle/activate", "/lifecycle/deactivate"):
            verb = rest.rsplit("/", 1)[1]
            allowed, handler = ("POST",), lambda: change_lifecycle(ctx, app_id, verb)
        elif rest == "/groups":
            allowed, handler = ("GET",), lambda: list_groups(ctx, app_id)
        elif group:
            group_id = unquote(group.group(1))
            allowed = ("GET", "PUT", "DELETE")
            handler = {"GET": lambda: get_group(ctx, app_id, group_id), "PUT": lambda: put_group(ctx, app_id, group_id),
                       "DELETE": lambda: delete_group(ctx, app_id, group_id)}.get(ctx.method)
        elif rest == "/credentials/keys":
            allowed, handler = ("GET",), lambda: list_keys(ctx, app_id)
        elif rest == "/sso/saml/metadata":
            allowed, handler = ("GET",), lambda: saml_metadata(ctx, app_id)
        else:
            raise not_found(f"Resource not found: {path}")
    if ctx.method not in allowed:
        raise OktaError(405, *E_METHOD, headers=[("Allow", ", ".join(allowed))])
    require_scope(ctx, scopes)
    return handler()


def get_app_response(app_id: str):
    return 200, get_stored_app(app_id)


# -- /oauth2/v1/token -----------------------------------------------------------------------


def token_endpoint(ctx: Ctx):
    """Client credentials with a private_key_jwt client assertion, optionally DPoP-bound."""
    ctype = (ctx.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if ctype != "application/x-www-form-urlencoded":
        raise OAuthError("invalid_request", "The request must use Content-Type application/x-www-form-urlencoded.")
    try:
        form_lists = parse_qs(ctx.body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError:
        raise OAuthError("invalid_request", "The request body is not valid UTF-8.") from None
    for k, v in form_lists.items():
        if len(v) > 1:
            raise OAuthError("invalid_request", f"The '{k}' parameter was repeated.")
    form = {k: v[0] for k, v in form_lists.items()}

    grant_type = form.get("grant_type")
    if not grant_type:
        raise OAuthError("invalid_request", "The 'grant_type' parameter is required.")
    if grant_type != "client_credentials":
        raise OAuthError("unsupported_grant_type",
                         f"The authorization grant type '{grant_type}' is not supported by the authorization server. "
                         "Configured grant types: [client_credentials].")

    # ---- client authentication (private_key_jwt) ----
    if "client_secret" in form:
        raise OAuthError("invalid_client", "Client authentication failed. Either the client or the client credentials are invalid.")
    if form.get("client_assertion_type") != JWT_BEARER:
        raise OAuthError("invalid_client", f"The client_assertion_type must be '{JWT_BEARER}'.")
    assertion = form.get("client_assertion")
    if not assertion:
        raise OAuthError("invalid_client", "The client_assertion parameter is required.")
    try:
        header, claims, signing_input, signature = decode_jws(assertion)
    except ProofError:
        raise OAuthError("invalid_client", "The client_assertion is not a valid JWT.") from None
    client_id = claims.get("iss")
    with STATE.lock:
        client = copy.deepcopy(STATE.clients.get(client_id)) if isinstance(client_id, str) else None
    if client is None:
        raise OAuthError("invalid_client", "The client_assertion token has an unknown issuer (client_id).")
    if "client_id" in form and form["client_id"] != client_id:
        raise OAuthError("invalid_client", "The client_id does not match the client_assertion issuer.")
    alg = header.get("alg")
    if alg not in ("RS256", "ES256"):
        raise OAuthError("invalid_client", f"The client_assertion alg {alg!r} is not supported (use RS256 or ES256).")
    keys = [k for k in client["jwks"].get("keys", []) if isinstance(k, dict)]
    if "kid" in header:
        keys = [k for k in keys if k.get("kid") == header["kid"]]
        if not keys:
            raise OAuthError("invalid_client", "The client_assertion kid does not identify a key of the client.")
    verified = False
    for key in keys:
        if key.get("alg") not in (None, alg):
            continue
        try:
            if jws_verify(alg, key, signing_input, signature):
                verified = True
                break
        except ProofError:
            continue
    if not verified:
        raise OAuthError("invalid_client", "The client_assertion signature is invalid.")
    jti = claims.get("jti")
    if not isinstance(jti, str) or not jti:
        raise OAuthError("invalid_client", "The client_assertion token must have a jti claim.")
    with STATE.lock:  # strict: every signed assertion is single-use, even when the call fails later
        replay = jti in STATE.assertion_jtis
        STATE.assertion_jtis.add(jti)
    if replay:
        raise OAuthError("invalid_client", "The client_assertion token has already been used (jti).")
    if claims.get("sub") != client_id:
        raise OAuthError("invalid_client", "The client_assertion sub claim must equal its iss claim (the client_id).")
    token_url = ctx.base + "/oauth2/v1/token"
    aud = claims.get("aud")
    if not (aud == token_url or (isinstance(aud, list) and token_url in aud)):
        raise OAuthError("invalid_client",
                         "The audience claim for client_assertion must be the endpoint invoked for the request.")
    now = time.time()
    exp, iat = claims.get("exp"), claims.get("iat")
    if not isinstance(exp, (int, float)) or isinstance(exp, bool):
        raise OAuthError("invalid_client", "The client_assertion token must have an exp claim.")
    if exp <= now:
        raise OAuthError("invalid_client", "The client_assertion token is expired.")
    if isinstance(iat, (int, float)) and not isinstance(iat, bool):
        if iat > now + DPOP_IAT_WINDOW:
            raise OAuthError("invalid_client", "The client_assertion token was issued in the future.")
        if exp - iat > ASSERTION_MAX_LIFETIME:
            raise OAuthError("invalid_client", "The client_assertion token has an expiration too far in the future.")
    if exp > now + ASSERTION_MAX_LIFETIME + CLOCK_LEEWAY:
        raise OAuthError("invalid_client", "The client_assertion token has an expiration too far in the future.")
    nbf = claims.get("nbf")
    if isinstance(nbf, (int, float)) and nbf > now + DPOP_IAT_WINDOW:
        raise OAuthError("invalid_client", "The client_assertion token is not valid yet (nbf).")

    # ---- scopes ----
    requested = (form.get("scope") or "").split()
    if not requested:
        raise OAuthError("invalid_scope", "The authorization server resource does not have any configured default scopes, 'scope' must be provided.")
    unknown = [s for s in requested if not KNOWN_SCOPE_RE.match(s)]
    if unknown:
        raise OAuthError("invalid_scope", "One or more scopes are not configured for the authorization server resource.")
    not_granted = [s for s in requested if s not in client["scopes"]]
    if not_granted:
        raise OAuthError("invalid_scope", "The requested scope is invalid, unknown, or malformed: "
                         + " ".join(not_granted) + " is not granted to the client.")

    # ---- DPoP ----
    jkt = None
    if client.get("dpop", True):
        try:
            jkt, proof_claims = verify_dpop_proof(ctx, token_url, None)
        except ProofError as exc:
            raise OAuthError("invalid_dpop_proof", str(exc)) from None
        with STATE.lock:
            valid_nonce = proof_claims.get("nonce") in STATE.as_nonces
            if not valid_nonce:
                fresh = secrets.token_urlsafe(24)
                STATE.as_nonces.add(fresh)  # stays valid for the life of the process (or a reset)
        if not valid_nonce:
            # The first token call of a DPoP client always ends here: Okta demands a server nonce.
            raise OAuthError("use_dpop_nonce", "Authorization server requires nonce in DPoP proof.",
                             headers=[("DPoP-Nonce", fresh)])

    # ---- issue ----
    access_token = secrets.token_urlsafe(48)
    with STATE.lock:
        lifetime = STATE.token_lifetime
        STATE.tokens[access_token] = {
            "clientId": client_id, "scopes": list(requested), "jkt": jkt, "exp": time.time() + lifetime,
        }
    ctx.extra_headers += [("Cache-Control", "no-cache, no-store"), ("Pragma", "no-cache")]
    return 200, {
        "token_type": "DPoP" if jkt else "Bearer",
        "expires_in": lifetime,
        "access_token": access_token,
        "scope": " ".join(requested),
    }


def route_oauth(ctx: Ctx):
    if ctx.path != "/oauth2/v1/token":
        raise not_found(f"Resource not found: {ctx.path}")
    if ctx.method != "POST":
        raise OktaError(405, *E_METHOD, headers=[("Allow", "POST")])
    return token_endpoint(ctx)


# --------------------------------------------------------------------------------------------
# The control API (/_fake/*)
# --------------------------------------------------------------------------------------------


class ControlError(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


def _expect(cond, message):
    if not cond:
        raise ControlError(400, message)


def control_config_view():
    with STATE.lock:
        return {
            "apiTokens": list(STATE.api_tokens),
            "clients": copy.deepcopy(list(STATE.clients.values())),
            "rateLimits": copy.deepcopy(STATE.rate_limits),
            "tokenLifetimeSeconds": STATE.token_lifetime,
        }


def control_config(body):
    """Merge settings: each top-level key given replaces that setting; rateLimits merge per bucket."""
    _expect(isinstance(body, dict), "body must be a JSON object")
    with STATE.lock:
        if "apiTokens" in body:
            _expect(isinstance(body["apiTokens"], list) and all(isinstance(t, str) for t in body["apiTokens"]),
                    "apiTokens must be a list of strings")
            STATE.api_tokens = list(body["apiTokens"])
        if "clients" in body:
            _expect(isinstance(body["clients"], list), "clients must be a list")
            clients = {}
            for c in body["clients"]:
                _expect(isinstance(c, dict) and isinstance(c.get("clientId"), str), "each client needs a clientId")
                jwks = c.get("jwks")
                _expect(isinstance(jwks, dict) and isinstance(jwks.get("keys"), list), "each client needs jwks.keys")
                scopes = c.get("scopes", [])
                _expect(isinstance(scopes, list) and all(isinstance(s, str) for s in scopes), "scopes must be strings")
                clients[c["clientId"]] = {
                    "clientId": c["clientId"], "jwks": copy.deepcopy(jwks), "scopes": list(scopes),
                    "dpop": bool(c.get("dpop", True)), "resourceNonce": bool(c.get("resourceNonce", False)),
                }
            STATE.clients = clients
        if "rateLimits" in body:
            _expect(isinstance(body["rateLimits"], dict), "rateLimits must be an object")
            for name, spec in body["rateLimits"].items():
                _expect(isinstance(spec, dict), f"rateLimits.{name} must be an object")
                merged = dict(STATE.rate_limits.get(name, DEFAULT_RATE_LIMITS["default"]))
                for k in ("limit", "windowSeconds"):
                    if k in spec:
                        _expect(isinstance(spec[k], int) and spec[k] >= (0 if k == "limit" else 1),
                                f"rateLimits.{name}.{k} must be an integer")
                        merged[k] = spec[k]
                STATE.rate_limits[name] = merged
                STATE.buckets[name] = {"start": None, "count": 0}  # a new setting starts a new window
        if "tokenLifetimeSeconds" in body:
            _expect(isinstance(body["tokenLifetimeSeconds"], int) and body["tokenLifetimeSeconds"] > 0,
                    "tokenLifetimeSeconds must be a positive integer")
            STATE.token_lifetime = body["tokenLifetimeSeconds"]
    return control_config_view()


def control_definitions(body):
    _expect(isinstance(body, dict), "body must be an object {appName: [keys...]}")
    with STATE.lock:
        for name, keys in body.items():
            _expect(isinstance(keys, list) and all(isinstance(k, str) for k in keys),
                    f"definition of {name} must be a list of strings")
            STATE.definitions[name] = list(keys)
        return copy.deepcopy(STATE.definitions)



def control_faults(body):
    _expect(isinstance(body, dict) and isinstance(body.get("faults"), list), 'body must be {"faults": [...]}')
    rules = []
    for raw in body["faults"]:
        _expect(isinstance(raw, dict), "each fault must be an object")
        rule = copy.deepcopy(raw)
        _expect(rule.get("action") in FAULT_ACTIONS, f"action must be one of {', '.join(FAULT_ACTIONS)}")
        rule["method"] = str(rule.get("method", "*")).upper()
        rule["times"] = rule.get("times", 1)
        _expect(isinstance(rule["times"], int) and rule["times"] >= 1, "times must be a positive integer")
        rule["skip"] = rule.get("skip", 0)
        _expect(isinstance(rule["skip"], int) and rule["skip"] >= 0, "skip must be a non-negative integer")
        if rule["action"] == "status":
            _expect(isinstance(rule.get("status"), int) and 100 <= rule["status"] <= 599, "status fault needs an int status")
        if rule["action"] == "delay":
            _expect(isinstance(rule.get("ms"), (int, float)) and rule["ms"] >= 0, "delay fault needs ms")
        if rule["action"] == "dropField":
            _expect(isinstance(rule.get("key"), str), "dropField fault needs key")
        if rule["action"] == "concurrentEdit":
            _expect(isinstance(rule.get("edit", {}), dict), "concurrentEdit edit must be an object")
        if rule["action"] == "mutateResponse":
            _expect(isinstance(rule.get("set", {}), dict), "mutateResponse set must be an object of dotted paths")
            _expect(isinstance(rule.get("remove", []), list) and all(isinstance(k, str) for k in rule.get("remove", [])),
                    "mutateResponse remove must be a list of dotted paths")
        if rule["action"] == "respond":
            _expect(isinstance(rule.get("status"), int) and 100 <= rule["status"] <= 599, "respond fault needs an int status")
            _expect(isinstance(rule.get("body", ""), str), "respond body must be a string")
            _expect(isinstance(rule.get("contentType", "application/json"), str), "respond contentType must be a string")
            _expect(isinstance(rule.get("headers", {}), dict), "respond headers must be an object")
        if rule["action"] == "headers":
            _expect(isinstance(rule.get("headers"), dict) and rule["headers"], "headers fault needs a non-empty headers object")
            _expect("status" not in rule or (isinstance(rule["status"], int) and 300 <= rule["status"] <= 599),
                    "headers fault status must be an int 300..599")
        if rule["action"] == "lostResponse":
            rule["mode"] = rule.get("mode", "status")
            _expect(rule["mode"] in LOST_RESPONSE_MODES, f"lostResponse mode must be one of {', '.join(LOST_RESPONSE_MODES)}")
            rule["status"] = rule.get("status", 500)
            _expect(isinstance(rule["status"], int) and 400 <= rule["status"] <= 599, "lostResponse status must be 400..599")
        if rule["action"] == "trickle":
            rule["bytesPerSecond"] = rule.get("bytesPerSecond", 1)
            _expect(isinstance(rule["bytesPerSecond"], (int, float)) and not isinstance(rule["bytesPerSecond"], bool)
                    and 0 < rule["bytesPerSecond"] <= 1_000_000, "trickle fault needs bytesPerSecond in (0, 1000000]")
        rules.append(rule)
    with STATE.lock:
        STATE.faults.extend(rules)
        return copy.deepcopy(STATE.faults)


def control_seed_groups(app_id: str, body, base: str) -> None:
    """Replace an app's group assignments: a list of group ids or of {"id", "priority"?} (or
    {"groups": [...]}), assigned in that order as PUT /api/v1/apps/{id}/groups/{gid} would."""
    if isinstance(body, dict):
        body = body.get("groups")
    _expect(isinstance(body, list), 'body must be a list of group ids or {"id", "priority"} (or {"groups": [...]})')
    specs = []
    for g in body:
        if isinstance(g, str):
            g = {"id": g}
        _expect(isinstance(g, dict) and isinstance(g.get("id"), str) and g["id"], "each group needs a string id")
        priority = g.get("priority")
        _expect(priority is None or (isinstance(priority, int) and not isinstance(priority, bool)), "priority must be an integer")
        specs.append((g["id"], priority))
    _expect(len({i for i, _ in specs}) == len(specs), "group ids must be unique")
    with STATE.lock:
        STATE.groups[app_id] = {}
        for group_id, priority in specs:
            STATE.assign_group(base, app_id, group_id, priority)


def fill_placeholders(value, app_id: str, n: int):
    """The template of a bulk seed with "{id}" and "{n}" replaced in every string."""
    if isinstance(value, str):
        return value.replace("{id}", app_id).replace("{n}", str(n))
    if isinstance(value, list):
        return [fill_placeholders(v, app_id, n) for v in value]
    if isinstance(value, dict):
        return {k: fill_placeholders(v, app_id, n) for k, v in value.items()}
    return value


def control_bulk_apps(body, base):
    """Seed many apps in one call (a benchmark org holds hundreds): either {"apps": [app...]} or
    {"template": {...}, "ids": [...]} / {"template", "count", "idPrefix"?, "start"?} where the ids
    are idPrefix + the number zero-padded to 4 digits. "{id}" and "{n}" in the template's strings
    become each app's id and number."""
    _expect(isinstance(body, dict), "body must be a JSON object")
    if "apps" in body:
        apps = body["apps"]
        _expect(isinstance(apps, list) and all(isinstance(a, dict) and isinstance(a.get("id"), str) and a["id"] for a in apps),
                "apps must be a list of apps with string ids")
    else:
        template = body.get("template")
        _expect(isinstance(template, dict), "give apps, or a template with ids or count")
        if "ids" in body:
            ids = body["ids"]
            _expect(isinstance(ids, list) and all(isinstance(i, str) and i for i in ids), "ids must be non-empty strings")
            numbered = list(enumerate(ids, start=1))
        else:
            count, start, prefix = body.get("count"), body.get("start", 1), body.get("idPrefix", "0oabulk")
            _expect(isinstance(count, int) and count >= 0, "count must be a non-negative integer")
            _expect(isinstance(start, int) and isinstance(prefix, str) and prefix, "start must be an integer, idPrefix a string")
            numbered = [(n, f"{prefix}{n:04d}") for n in range(start, start + count)]
        _expect(len({i for _, i in numbered}) == len(numbered), "ids must be unique")
        apps = [{**fill_placeholders(template, app_id, n), "id": app_id} for n, app_id in numbered]
    with STATE.lock:
        for app in apps:
            STATE.seed_app(app, base)
    return {"created": len(apps), "ids": [a["id"] for a in apps]}


def control_stats():
    """Counts over the request log (since the last reset or DELETE /_fake/requests)."""
    with STATE.lock:
        log = list(STATE.requests)
        buckets = {name: {"limit": cfg["limit"], "windowSeconds": cfg["windowSeconds"],
                          "windowStart": STATE.buckets.get(name, {}).get("start"),
                          "used": STATE.buckets.get(name, {}).get("count", 0)}
                   for name, cfg in STATE.rate_limits.items()}
    by_status, by_path, by_bucket = {}, {}, {}
    for entry in log:
        status = str(entry["status"]) if entry["status"] is not None else "none"
        by_status[status] = by_status.get(status, 0) + 1
        key = f'{entry["method"]} {entry["path"]}'
        by_path[key] = by_path.get(key, 0) + 1
        counts = by_bucket.setdefault(bucket_for(entry["path"]) or "none", {"requests": 0, "rateLimited": 0})
        counts["requests"] += 1
        counts["rateLimited"] += entry["status"] == 429
    times = [e["time"] for e in log]
    return {
        "requests": len(log), "rateLimited": by_status.get("429", 0), "byStatus": by_status,
        "byBucket": by_bucket, "byPath": by_path, "maxPerPath": max(by_path.values(), default=0),
        "firstRequestAt": min(times, default=None), "lastRequestAt": max(times, default=None),
        "buckets": buckets,
    }


def handle_control(handler, method, path, body):
    """Returns (status, JSON value)."""
    def parsed():
        if not body:
            return {}
        try:
            return json.loads(body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            raise ControlError(400, "body is not JSON") from None

    base = handler.server.base_url
    parts = [unquote(p) for p in path.split("/")[2:]]  # after "/_fake/"
    route = (method, parts[0] if parts else "", len(parts))

    if route == ("POST", "reset", 1):
        STATE.reset()
        return 200, {"ok": True}
    if route == ("POST", "config", 1):
        return 200, control_config(parsed())
    if route == ("GET", "config", 1):
        return 200, control_config_view()
    if route == ("POST", "definitions", 1):
        return 200, control_definitions(parsed())
    if route == ("GET", "definitions", 1):
        with STATE.lock:
            return 200, copy.deepcopy(STATE.definitions)
    if route == ("POST", "apps", 1):
        app = parsed()
        _expect(isinstance(app, dict) and isinstance(app.get("id"), str) and app["id"], "app needs a string id")
        return 200, STATE.seed_app(app, base)
    if route == ("POST", "apps", 2) and parts[1] == "bulk":
        return 200, control_bulk_apps(parsed(), base)
    if route == ("GET", "stats", 1):
        return 200, control_stats()
    if route == ("GET", "apps", 1):
        with STATE.lock:
            return 200, copy.deepcopy(list(STATE.apps.values()))
    if parts and parts[0] == "apps" and len(parts) == 2:
        with STATE.lock:
            if method == "GET":
                if parts[1] not in STATE.apps:
                    raise ControlError(404, f"no app {parts[1]}")
                return 200, copy.deepcopy(STATE.apps[parts[1]])
            if method == "DELETE":
                return 200, {"deleted": STATE.remove_app(parts[1])}
    if parts and parts[0] == "apps" and len(parts) == 3 and parts[2] == "groups" and method in ("GET", "POST"):
        with STATE.lock:
            if parts[1] not in STATE.apps:
                raise ControlError(404, f"no app {parts[1]}")
            if method == "POST":
                control_seed_groups(parts[1], parsed(), base)
            return 200, [item for _, item in STATE.group_entries(parts[1])]
    if route == ("POST", "apps", 3) and parts[2] == "keys":
        spec = parsed()
        if isinstance(spec, dict):
            spec = spec.get("keys")
        _expect(isinstance(spec, list) and all(isinstance(k, dict) and isinstance(k.get("kid"), str) for k in spec),
                'body must be a list of keys [{"kid","expiresAt",...}] (or {"keys": [...]})')
        keys = [build_key(k) for k in spec]
        with STATE.lock:
            STATE.keys[parts[1]] = keys
        return 200, copy.deepcopy(keys)
    if route == ("POST", "faults", 1):
        return 200, control_faults(parsed())
    if route == ("GET", "faults", 1):
        with STATE.lock:
            return 200, copy.deepcopy(STATE.faults)
    if route == ("DELETE", "faults", 1):
        with STATE.lock:
            STATE.faults = []
        return 200, []
    if route == ("GET", "requests", 1):
        with STATE.lock:
            return 200, copy.deepcopy(STATE.requests)
    if route == ("DELETE", "requests", 1):
        with STATE.lock:
            STATE.requests = []
        return 200, []
    if route == ("POST", "tokens", 2) and parts[1] == "expire":
        # Expire every access token issued so far (to test re-authentication without sleeping).
        with STATE.lock:
            for grant in STATE.tokens.values():
                grant["exp"] = 0
            return 200, {"expired": len(STATE.tokens)}
    if route == ("POST", "nonces", 2) and parts[1] == "rotate":
        # Forget every DPoP nonce handed out (authorization server) and change the resource nonce.
        with STATE.lock:
            STATE.as_nonces = set()
            STATE.resource_nonce = secrets.token_urlsafe(24)
        return 200, {"ok": True}
    raise ControlError(404, f"no control endpoint {method} {path}")


# --------------------------------------------------------------------------------------------
# HTTP plumbing
# --------------------------------------------------------------------------------------------


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like Okta's front end
    verbose = False

    def version_string(self):
        return "nginx"  # what Okta's edge answers with

    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        if self.verbose:
            sys.stderr.write("okta_fake: " + (format % args) + "\n")

    # Every method (GET, PUT, PATCH, FOO...) goes through _dispatch, so that unknown methods get
    # Okta's 405 instead of http.server's 501.
    def __getattr__(self, name):
        if name.startswith("do_"):
            return self._dispatch
        raise AttributeError(name)

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _send(self, status, payload: bytes, content_type: str | None, headers, entry=None, trickle=None):
        if entry is not None:
            with STATE.lock:
                entry["status"] = status  # before writing, so the log is complete when the client reads
        self.send_response(status)  # also writes Server and Date (RFC 7231 IMF-fixdate)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in headers:
            self.send_header(name, value)
        send_body = self.command != "HEAD"
        self.send_header("Content-Length", str(len(payload) if send_body else 0))
        self.end_headers()
        if send_body and payload and trickle is not None:
            self._trickle(payload, trickle["bytesPerSecond"])
        elif send_body and payload:
            self.wfile.write(payload)

    def _trickle(self, payload: bytes, bytes_per_second):
        """Fault "trickle": the head at once, then the body one byte at a time, `bytes_per_second`;
        stops when the client goes away."""
        self.wfile.flush()
        interval = 1.0 / bytes_per_second
        try:
            for index in range(len(payload)):
                self.wfile.write(payload[index:index + 1])
                self.wfile.flush()
                if index + 1 < len(payload):
                    time.sleep(interval)
        except OSError:  # the client gave up (reset, broken pipe)
            self.close_connection = True

    def _abort_connection(self, mode: str = "eof"):
        """Fault "reset": close the socket without writing any response.

        mode "eof" (default): shutdown + close; the client reads EOF where the status line should
        be (urllib: RemoteDisconnected). mode "rst": close with SO_LINGER 0 and no shutdown, so the
        kernel sends a TCP RST (the client sees ECONNRESET)."""
        sock = self.connection
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        if mode != "rst":
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        try:
            sock.close()
        except OSError:
            pass
        self.close_connection = True

    def _dispatch(self):
        method = self.command.upper()
        target = urlsplit(self.path)
        path = target.path or "/"
        body = self._read_body()
        if path == "/_fake" or path.startswith("/_fake/"):
            self._dispatch_control(method, path, body)
        else:
            self._dispatch_okta(method, path, target.query, body)

    def _dispatch_control(self, method, path, body):
        try:
            status, value = handle_control(self, method, path, body)
        except ControlError as exc:
            status, value = exc.status, {"error": exc.message}
        except Exception as exc:  # a bug in the fake: say so loudly
            traceback.print_exc()
            status, value = 500, {"error": f"{type(exc).__name__}: {exc}"}
        self._send(status, json_bytes(value), "application/json", [])

    def _log_entry(self, method, path, query, body):
        headers = {}
        for name, value in self.headers.items():
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        logged_body = None
        if body:
            text = body.decode("utf-8", errors="replace")
            if ctype == "application/x-www-form-urlencoded":
                logged_body = {k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items()}
            else:
                try:
                    logged_body = json.loads(text)
                except ValueError:
                    logged_body = text
        return {
            "method": method, "path": path, "query": query, "headers": headers,
            "status": None, "body": logged_body, "faults": [], "requestId": None, "time": time.time(),
        }

    def _dispatch_okta(self, method, path, raw_query, body):
        query = parse_qs(raw_query, keep_blank_values=True)
        entry = self._log_entry(method, path, query, body)
        with STATE.lock:
            STATE.requests.append(entry)
        request_id = random_id("", 27)
        entry["requestId"] = request_id
        bucket = bucket_for(path)
        okta_headers = [("X-Okta-Request-Id", request_id)]

        def rate_headers(limit, remaining, reset):
            return [("X-Rate-Limit-Limit", str(limit)), ("X-Rate-Limit-Remaining", str(remaining)),
                    ("X-Rate-Limit-Reset", str(reset))]

        def send_okta_error(status, code, summary, causes=None, headers=()):
            self._send(status, json_bytes(okta_error_body(code, summary, causes)), "application/json",
                       okta_headers + list(headers), entry)

        ctx = Ctx(self, method, path, query, self.headers, body)
        lost = None  # fault "lostResponse": handle the request, then lose its response
        mutate = None  # fault "mutateResponse": handle the request, then change its JSON answer
        trickle = None  # fault "trickle": handle the request, then send the body slowly
        override = {}  # fault "headers": lowercased name -> (name, value), replacing the fake's own

        def overridden(headers):
            kept = [(name, value) for name, value in headers if name.lower() not in override]
            return kept + list(override.values())

        # 1. Fault injection (first matching rule fires).
        rule = STATE.take_fault(method, path)
        if rule is not None:
            action = rule["action"]
            with STATE.lock:
                entry["faults"].append(action)
            if action == "reset":
                self._abort_connection(rule.get("mode", "eof"))
                return
            if action == "status":
                status = rule["status"]
                if "errorCode" in rule:
                    code, summary = rule["errorCode"], rule.get("errorSummary", "Injected error")
                elif status >= 500:
                    code, summary = E_INTERNAL
                else:
                    code, summary = STATUS_DEFAULT_CODES.get(status, ("E0000009", "Injected error"))
                    summary = rule.get("errorSummary", summary)
                extra = rate_headers(*STATE.peek(bucket)) if bucket else []
                extra += [(str(k), str(v)) for k, v in (rule.get("headers") or {}).items()]
                send_okta_error(status, code, summary, headers=extra)
                return
            if action == "respond":
                # A hostile or broken server: exactly the status, body and headers given, with what
                # the request carried echoed where the text says {authorization}, {dpop} or {clientAssertion}.
                form = parse_qs(body.decode("utf-8", errors="replace")) if body else {}
                echoes = {"{authorization}": self.headers.get("Authorization") or "",
                          "{dpop}": self.headers.get("DPoP") or "",
                          "{clientAssertion}": (form.get("client_assertion") or [""])[0]}

                def fill(text):
                    for placeholder, value in echoes.items():
                        text = text.replace(placeholder, value)
                    return text
                self._send(rule["status"], fill(rule.get("body", "")).encode("utf-8"), rule.get("contentType", "application/json"),
                           okta_headers + [(str(k), fill(str(v))) for k, v in (rule.get("headers") or {}).items()], entry)
                return
            if action == "headers":
                override = {str(k).lower(): (str(k), str(v)) for k, v in rule["headers"].items()}
                if "status" in rule:
                    status = rule["status"]
                    code, summary = E_RATE if status == 429 else E_INTERNAL if status >= 500 else \
                        STATUS_DEFAULT_CODES.get(status, ("E0000009", "Injected error"))
                    extra = rate_headers(*STATE.peek(bucket)) if bucket else []
                    self._send(status, json_bytes(okta_error_body(code, summary)), "application/json",
                               overridden(okta_headers + extra), entry)
                    return
            if action == "rateLimit":
                limit = STATE.peek(bucket)[0] if bucket else 0
                reset = int(time.time()) + int(rule.get("resetSeconds", 1))
                send_okta_error(429, *E_RATE, headers=rate_headers(limit, 0, reset))
                return
            if action == "delay":
                time.sleep(rule["ms"] / 1000.0)
            elif action == "concurrentEdit":
                app_id = rule.get("appId")
                if app_id is None:
                    m = APP_PATH_RE.match(path)
                    app_id = unquote(m.group(1)) if m else None
                if app_id is not None:
                    STATE.concurrent_edit(app_id, rule.get("edit") or {})
            elif action == "dropField":
                ctx.drop_field = rule["key"]
            elif action == "lostResponse":
                lost = rule
            elif action == "mutateResponse":
                mutate = rule
            elif action == "trickle":
                trickle = rule

        # 2. Rate limit.
        if bucket is not None:
            limit, remaining, reset, allowed = STATE.consume(bucket)
            okta_headers += rate_headers(limit, remaining, reset)
            if not allowed:
                send_okta_error(429, *E_RATE)
                return

        # 3. The endpoint.
        try:
            if path.startswith("/api/v1/") or path == "/api/v1":
                result = route_api(ctx)
            elif path.startswith("/oauth2/"):
                result = route_oauth(ctx)
            else:
                raise not_found(f"Resource not found: {path}")
            if len(result) == 3:
                status, payload, content_type = result
            else:
                status, value = result
                payload, content_type = json_bytes(value), "application/json"
            headers = okta_headers + ctx.extra_headers
        except OktaError as exc:
            status, payload, content_type = exc.status, json_bytes(exc.body()), "application/json"
            headers = okta_headers + exc.headers + ctx.extra_headers
        except OAuthError as exc:
            status, content_type = exc.status, "application/json"
            payload = json_bytes({"error": exc.error, "error_description": exc.description})
            headers = okta_headers + exc.headers + [("Cache-Control", "no-cache, no-store"), ("Pragma", "no-cache")]
        except Exception:  # a bug in the fake: answer like Okta would, and show the traceback
            traceback.print_exc()
            status, payload, content_type = 500, json_bytes(okta_error_body(*E_INTERNAL)), "application/json"
            headers = list(okta_headers)

        if mutate is not None and content_type == "application/json":
            payload = json_bytes(mutate_document(json.loads(payload), mutate))

        # 4. The answer (or, with "lostResponse", the request took effect but its answer is lost).
        if lost is not None:
            with STATE.lock:
                entry["processedStatus"] = status
            if lost["mode"] in ("eof", "rst"):
                self._abort_connection(lost["mode"])
                return
            code, summary = E_INTERNAL if lost["status"] >= 500 else STATUS_DEFAULT_CODES.get(lost["status"], E_INTERNAL)
            send_okta_error(lost["status"], code, summary)
            return
        self._send(status, payload, content_type, overridden(headers), entry, trickle=trickle)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    base_url = ""

    def server_bind(self):
        # HTTPServer.server_bind calls socket.getfqdn(), which can stall on DNS; skip it.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = host, port


class Server6(Server):
    address_family = socket.AF_INET6


def loopback_address(host: str) -> str:
    """Resolve --host and refuse anything that is not a loopback address."""
    if host == "localhost":
        return "127.0.0.1"
    try:
        addr = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        raise SystemExit(f"okta_fake: --host must be a loopback IP address, not {host!r}")
    if not addr.is_loopback:
        raise SystemExit(f"okta_fake: refusing to listen on non-loopback address {host}")
    return str(addr)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Fake Okta management API (one process = one org).")
    parser.add_argument("--port", type=int, default=0, help="TCP port (0 = pick a free one)")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind (default 127.0.0.1)")
    parser.add_argument("--verbose", action="store_true", help="log requests to stderr")
    args = parser.parse_args(argv)

    host = loopback_address(args.host)
    Handler.verbose = args.verbose
    server_cls = Server6 if ":" in host else Server
    server = server_cls((host, args.port), Handler)
    port = server.server_address[1]
    shown_host = f"[{host}]" if ":" in host else host
    server.base_url = f"http://{shown_host}:{port}"

    def stop(signum, frame):
        raise KeyboardInterrupt

    # A parent that starts us from a thread with signals blocked (libdispatch workers do) passes the
    # mask on; unblock them or SIGTERM would never arrive.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    stop_when_orphaned()
    try:
        # Inside the try: a SIGTERM that arrives right after the line is printed still exits 0.
        print(f"LISTENING {server.base_url}", flush=True)
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
