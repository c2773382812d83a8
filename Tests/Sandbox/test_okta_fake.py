"""Self-tests of okta_fake.py: run with `python3 -m unittest -v test_okta_fake` in this folder.

Each test class starts one fake process (port 0) and every test starts from a reset org.
Standard library + cryptography only; the JOSE helpers below are written independently of the
fake's own code so that the two check each other.
"""

from __future__ import annotations

import base64
import copy
import hashlib
from http.client import HTTPException
import json
import os
import re
import select
import signal
import subprocess
import sys
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
import uuid
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from sandbox_testing import wait_until

HERE = os.path.dirname(os.path.abspath(__file__))
FAKE = os.path.join(HERE, "okta_fake.py")
API_TOKEN = "00fakeApiToken"
JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

AWS_SSO = {
    "id": "0oaSSO1",
    "name": "amazon_aws_sso",
    "label": "AWS IAM Identity Center",
    "status": "ACTIVE",
    "signOnMode": "SAML_2_0",
    "accessibility": {"selfService": False, "errorRedirectUrl": None},
    "credentials": {"signing": {"kid": "kidSSO1"}, "userNameTemplate": {"template": "${source.login}"}},
    "settings": {
        "app": {
            "acsURL": "https://us-east-1.signin.aws/platform/saml/acs/abc",
            "entityID": "https://us-east-1.signin.aws/platform/saml/d-1234567890",
            "acsURL1": "https://eu-west-1.signin.aws/platform/saml/acs/abc",
        },
        "notes": {"admin": None, "enduser": None},
    },
}
AWS_FED = {"id": "0oaFED1", "name": "amazon_aws", "label": "AWS Account Federation", "status": "ACTIVE"}
BOOKMARK = {"id": "0oaBM1", "name": "bookmark", "label": "AWS portal eu-west-1", "status": "INACTIVE",
            "signOnMode": "BOOKMARK", "settings": {"app": {"url": "https://d-123.awsapps.com/start"}}}
SLACK = {"id": "0oaSLK", "name": "slack", "label": "Slack", "status": "ACTIVE"}

IMF_FIXDATE = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                         r"\d{4} \d\d:\d\d:\d\d GMT$")
ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


# ------------------------------------------------------------------------------------------
# JOSE helpers (independent of the fake)
# ------------------------------------------------------------------------------------------


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def ec_jwk(private_key) -> dict:
    nums = private_key.public_key().public_numbers()
    return {"kty": "EC", "crv": "P-256", "x": b64u(nums.x.to_bytes(32, "big")), "y": b64u(nums.y.to_bytes(32, "big"))}


def rsa_jwk(private_key) -> dict:
    nums = private_key.public_key().public_numbers()
    return {"kty": "RSA", "e": b64u(nums.e.to_bytes(3, "big")), "n": b64u(nums.n.to_bytes(256, "big"))}


def sign_jwt(header: dict, claims: dict, key) -> str:
    signing_input = (b64u(json.dumps(header).encode()) + "." + b64u(json.dumps(claims).encode())).encode()
    if header["alg"] == "ES256":
        r, s = decode_dss_signature(key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    else:
        signature = key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    return signing_input.decode() + "." + b64u(signature)


def ath(token: str) -> str:
    return b64u(hashlib.sha256(token.encode("ascii")).digest())


# ------------------------------------------------------------------------------------------
# HTTP helpers
# ------------------------------------------------------------------------------------------


class Resp:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body)


def http(method, url, body=None, headers=None, timeout=10) -> Resp:
    headers = dict(headers or {})
    data = body
    if isinstance(body, (dict, list)):
        data = json.dumps(body).encode()
        headers.setdefault("Content-Type", "application/json")
    elif isinstance(body, str):
        data = body.encode()
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return Resp(r.status, r.headers, r.read())
    except urllib.error.HTTPError as e:
        return Resp(e.code, e.headers, e.read())


class FakeTestCase(unittest.TestCase):
    """Starts one fake per class; resets and seeds it before every test."""

    proc = None
    base = None
    startup_seconds = None

    @classmethod
    def setUpClass(cls):
        t0 = time.monotonic()
        cls.proc = subprocess.Popen([sys.executable, FAKE, "--port", "0"], stdout=subprocess.PIPE, text=True)
        ready, _, _ = select.select([cls.proc.stdout], [], [], 10)
        if not ready:
            cls.proc.kill()
            raise RuntimeError("the fake did not start")
        line = cls.proc.stdout.readline()
        cls.startup_seconds = time.monotonic() - t0
        m = re.fullmatch(r"LISTENING (http://127\.0\.0\.1:\d+)\n", line)
        if not m:
            cls.proc.kill()
            raise RuntimeError(f"unexpected first line {line!r}")
        cls.base = m.group(1)

    @classmethod
    def tearDownClass(cls):
        if cls.proc and cls.proc.poll() is None:
            cls.proc.send_signal(signal.SIGTERM)
            cls.proc.wait(5)
        if cls.proc:
            cls.proc.stdout.close()

    def setUp(self):
        self.ctl("POST", "/_fake/reset")
        self.ctl("POST", "/_fake/config", {"apiTokens": [API_TOKEN]})
        for app in (AWS_SSO, AWS_FED, BOOKMARK, SLACK):
            self.ctl("POST", "/_fake/apps", app)

    # control API
    def ctl(self, method, path, body=None):
        r = http(method, self.base + path, body)
        self.assertEqual(r.status, 200, r.body)
        return r.json()

    # Okta API with SSWS
    def api(self, method, path, body=None, headers=None, token=API_TOKEN):
        h = {"Authorization": f"SSWS {token}", "Accept": "application/json"}
        h.update(headers or {})
        return http(method, self.base + path, body, h)

    def assertOktaError(self, r, status, code):
        self.assertEqual(r.status, status, r.body)
        body = r.json()
        self.assertEqual(body["errorCode"], code, body)
        self.assertEqual(set(body), {"errorCode", "errorSummary", "errorLink", "errorId", "errorCauses"})
        self.assertIsInstance(body["errorCauses"], list)
        return body


# ------------------------------------------------------------------------------------------
# Start-up, headers, SSWS
# ------------------------------------------------------------------------------------------


class StartupAndBasicsTests(FakeTestCase):
    def test_startup_is_fast(self):
        sys.stderr.write(f"[start-up {self.startup_seconds * 1000:.0f} ms] ")
        # A bound against a hang, not a speed target (the figure is printed above).
        self.assertLess(self.startup_seconds, 15.0)

    def test_refuses_non_loopback_host(self):
        p = subprocess.run([sys.executable, FAKE, "--port", "0", "--host", "0.0.0.0"],
                           capture_output=True, text=True, timeout=10)
        self.assertNotEqual(p.returncode, 0)
        self.assertEqual(p.stdout, "")
        self.assertIn("loopback", p.stderr)

    def test_sigterm_exits_cleanly(self):
        p = subprocess.Popen([sys.executable, FAKE, "--port", "0"], stdout=subprocess.PIPE, text=True)
        self.assertTrue(p.stdout.readline().startswith("LISTENING http://127.0.0.1:"))
        p.send_signal(signal.SIGTERM)
        self.assertEqual(p.wait(5), 0)
        self.assertEqual(p.stdout.read(), "")  # exactly one line on stdout
        p.stdout.close()

    def test_ssws_ok_and_okta_headers(self):
        r = self.api("GET", "/api/v1/apps/0oaSSO1")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.headers["Content-Type"], "application/json")
        self.assertRegex(r.headers["Date"], IMF_FIXDATE)
        self.assertEqual(r.headers["X-Rate-Limit-Limit"], "500")
        self.assertEqual(r.headers["X-Rate-Limit-Remaining"], "499")
        self.assertGreater(int(r.headers["X-Rate-Limit-Reset"]), time.time())
        r2 = self.api("GET", "/api/v1/apps/0oaSSO1")
        self.assertEqual(r2.headers["X-Rate-Limit-Remaining"], "498")
        self.assertTrue(r.headers["X-Okta-Request-Id"])
        self.assertNotEqual(r.headers["X-Okta-Request-Id"], r2.headers["X-Okta-Request-Id"])

    def test_ssws_bad_or_missing(self):
        body = self.assertOktaError(self.api("GET", "/api/v1/apps", token="wrong"), 401, "E0000011")
        self.assertEqual(body["errorSummary"], "Invalid token provided")
        r = http("GET", self.base + "/api/v1/apps")
        self.assertOktaError(r, 401, "E0000011")
        self.assertIn("X-Okta-Request-Id", r.headers)

    def test_not_found_and_method_not_allowed(self):
        body = self.assertOktaError(self.api("GET", "/api/v1/apps/0oaNOPE"), 404, "E0000007")
        self.assertEqual(body["errorSummary"], "Not found: Resource not found: 0oaNOPE (AppInstance)")
        self.assertOktaError(self.api("GET", "/api/v1/users"), 404, "E0000007")
        self.assertOktaError(self.api("GET", "/api/v1/apps/0oaSSO1/users"), 404, "E0000007")
        self.assertOktaError(self.api("PATCH", "/api/v1/apps/0oaSSO1", {"label": "x"}), 405, "E0000022")
        self.assertOktaError(self.api("PATCH", "/api/v1/apps", {"label": "x"}), 405, "E0000022")
        self.assertOktaError(self.api("POST", "/api/v1/apps/0oaSSO1", {"label": "x"}), 405, "E0000022")
        self.assertOktaError(self.api("FROB", "/api/v1/apps"), 405, "E0000022")

    def test_seeding_normalizes_settings_app(self):
        app = self.ctl("GET", "/_fake/apps/0oaSSO1")
        keys = list(app["settings"]["app"])
        self.assertEqual(keys, ["acsURL", "entityID"] + [f"acsURL{i}" for i in range(1, 18)])
        self.assertIsNone(app["settings"]["app"]["acsURL2"])
        self.assertEqual(app["settings"]["app"]["acsURL1"], AWS_SSO["settings"]["app"]["acsURL1"])
        self.assertRegex(app["created"], ISO_MS)
        self.assertRegex(app["lastUpdated"], ISO_MS)
        self.assertEqual(app["_links"]["self"]["href"], self.base + "/api/v1/apps/0oaSSO1")
        self.assertEqual(self.api("GET", "/api/v1/apps/0oaSSO1").json(), app)

    def test_seeding_keeps_odd_keys_and_custom_definitions(self):
        self.ctl("POST", "/_fake/definitions", {"amazon_aws_sso": ["acsUrl", "entityId"] + [f"acsUrl_{i}" for i in range(1, 18)]})
        seeded = self.ctl("POST", "/_fake/apps", {"id": "0oaODD", "name": "amazon_aws_sso", "label": "Odd",
                                                  "settings": {"app": {"legacyKey": 1, "acsUrl_3": "https://x"}}})
        self.assertEqual(list(seeded["settings"]["app"])[:3], ["acsUrl", "entityId", "acsUrl_1"])
        self.assertEqual(list(seeded["settings"]["app"])[-1], "legacyKey")
        self.assertEqual(seeded["settings"]["app"]["acsUrl_3"], "https://x")
        self.assertEqual(len(seeded["settings"]["app"]), 20)


# ------------------------------------------------------------------------------------------
# Listing
# ------------------------------------------------------------------------------------------


class ListTests(FakeTestCase):
    def ids(self, query):
        r = self.api("GET", "/api/v1/apps?" + urllib.parse.urlencode(query, quote_via=urllib.parse.quote))
        self.assertEqual(r.status, 200, r.body)
        return [a["id"] for a in r.json()]

    def test_filter_is_exact_and_q_is_loose(self):
        self.assertEqual(self.ids({"filter": 'name eq "amazon_aws_sso"'}), ["0oaSSO1"])
        self.assertEqual(self.ids({"filter": 'name eq "amazon_aws"'}), ["0oaFED1"])
        # q: case-insensitive prefix of name OR label
        self.assertEqual(self.ids({"q": "amazon_aws"}), ["0oaSSO1", "0oaFED1"])
        self.assertEqual(self.ids({"q": "aws"}), ["0oaSSO1", "0oaFED1", "0oaBM1"])
        self.assertEqual(self.ids({"q": "identity"}), [])

    def test_status_filter_and_conjunction(self):
        self.assertEqual(self.ids({"filter": 'status eq "INACTIVE"'}), ["0oaBM1"])
        self.assertEqual(self.ids({"filter": 'status eq "ACTIVE" and name eq "slack"'}), ["0oaSLK"])
        self.assertEqual(self.ids({"filter": 'name eq "bookmark" and status eq "ACTIVE"'}), [])

    def test_full_app_objects_in_insertion_order(self):
        r = self.api("GET", "/api/v1/apps")
        apps = r.json()
        self.assertEqual([a["id"] for a in apps], ["0oaSSO1", "0oaFED1", "0oaBM1", "0oaSLK"])
        self.assertEqual(apps[0], self.ctl("GET", "/_fake/apps/0oaSSO1"))
        self.assertEqual(r.headers["X-Rate-Limit-Limit"], "100")
        self.assertEqual(r.headers.get_all("Link"), [f'<{self.base}/api/v1/apps>; rel="self"'])

    def test_invalid_filters_and_limits(self):
        for f in ('label eq "x"', 'name sw "amazon"', 'status eq "DELETED"', 'name eq "a" or name eq "b"',
                  "name eq amazon", 'name eq "a" and'):
            r = self.api("GET", "/api/v1/apps?" + urllib.parse.urlencode({"filter": f}))
            body = self.assertOktaError(r, 400, "E0000031")
            self.assertEqual(body["errorSummary"], "Invalid search criteria.")
        for limit in ("0", "201", "abc"):
            self.assertOktaError(self.api("GET", f"/api/v1/apps?limit={limit}"), 400, "E0000001")
        self.assertEqual(self.api("GET", "/api/v1/apps?limit=200").status, 200)

    def test_pagination_two_link_headers_and_cursor(self):
        seen = []
        url = self.base + "/api/v1/apps?" + urllib.parse.urlencode({"q": "a", "limit": "1"})
        pages = 0
        while url:
            r = http("GET", url, headers={"Authorization": f"SSWS {API_TOKEN}"})
            self.assertEqual(r.status, 200)
            pages += 1
            links = r.headers.get_all("Link")
            # separate header lines, one relation each, never comma-joined
            self.assertTrue(all(link.count("rel=") == 1 for link in links), links)
            self.assertIn(f'<{url}>; rel="self"', links)
            seen += [a["id"] for a in r.json()]
            nexts = [link for link in links if link.endswith('rel="next"')]
            if pages < 3:
                self.assertEqual(len(links), 2, links)
                self.assertEqual(len(nexts), 1)
            url = nexts[0][1:nexts[0].index(">")] if nexts else None
            if url:
                self.assertIn("limit=1", url)
                self.assertIn("q=a", url)
                self.assertIn("after=", url)
        self.assertEqual(seen, ["0oaSSO1", "0oaFED1", "0oaBM1"])  # "a": amazon_aws_sso, amazon_aws, AWS portal
        self.assertEqual(pages, 3)


# ------------------------------------------------------------------------------------------
# PUT (full replace)
# ------------------------------------------------------------------------------------------


class PutTests(FakeTestCase):
    def read(self):
        return self.api("GET", "/api/v1/apps/0oaSSO1").json()

    def test_full_replace(self):
        app = self.read()
        body = json.loads(json.dumps(app))
        del body["settings"]["app"]["acsURL1"]          # omitted key -> null
        body["settings"]["app"]["acsURL2"] = "https://ap-south-1.signin.aws/platform/saml/acs/abc"
        del body["accessibility"]                        # omitted top-level field -> gone
        body["visibility"] = {"hide": {"web": True}}     # new field -> kept as sent
        body.update({"id": "0oaOTHER", "name": "slack", "status": "INACTIVE",
                     "created": "2000-01-01T00:00:00.000Z", "lastUpdated": "2000-01-01T00:00:00.000Z",
                     "_links": {"self": {"href": "https://evil"}}})
        r = self.api("PUT", "/api/v1/apps/0oaSSO1", body)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.headers["X-Rate-Limit-Limit"], "500")
        out = r.json()
        stored = self.ctl("GET", "/_fake/apps/0oaSSO1")
        self.assertEqual(out, stored)
        for k in ("id", "name", "status", "created", "_links"):  # read-only: ignored in the body
            self.assertEqual(stored[k], app[k], k)
        self.assertGreater(stored["lastUpdated"], app["lastUpdated"])
        self.assertRegex(stored["lastUpdated"], ISO_MS)
        self.assertNotIn("accessibility", stored)
        self.assertEqual(stored["visibility"], {"hide": {"web": True}})
        self.assertIn("acsURL1", stored["settings"]["app"])
        self.assertIsNone(stored["settings"]["app"]["acsURL1"])
        self.assertEqual(stored["settings"]["app"]["acsURL2"], body["settings"]["app"]["acsURL2"])
        self.assertEqual(list(stored["settings"]["app"]), ["acsURL", "entityID"] + [f"acsURL{i}" for i in range(1, 18)])
        self.assertEqual(stored["settings"]["notes"], {"admin": None, "enduser": None})

    def test_last_updated_strictly_increases(self):
        app = self.read()
        stamps = [app["lastUpdated"]]
        for _ in range(5):
            r = self.api("PUT", "/api/v1/apps/0oaSSO1", app)
            self.assertEqual(r.status, 200)
            stamps.append(r.json()["lastUpdated"])
        self.assertEqual(stamps, sorted(set(stamps)))

    def test_last_updated_beyond_seeded_future_value(self):
        self.ctl("POST", "/_fake/apps", {**SLACK, "lastUpdated": "2099-01-01T00:00:00.000Z"})
        r = self.api("PUT", "/api/v1/apps/0oaSLK", {"label": "Slack 2"})
        self.assertEqual(r.json()["lastUpdated"], "2099-01-01T00:00:00.001Z")

    def test_unknown_settings_key_rejected(self):
        app = self.read()
        app["settings"]["app"]["acsURL18"] = "https://x"
        app["settings"]["app"]["acsUrl_1"] = "https://y"
        body = self.assertOktaError(self.api("PUT", "/api/v1/apps/0oaSSO1", app), 400, "E0000001")
        self.assertEqual(body["errorSummary"], "Api validation failed: settings.app")
        causes = [c["errorSummary"] for c in body["errorCauses"]]
        self.assertEqual(causes, ["settings.app.acsURL18: unknown property", "settings.app.acsUrl_1: unknown property"])
        self.assertEqual(self.ctl("GET", "/_fake/apps/0oaSSO1"), app | {"settings": self.read()["settings"]})

    def test_label_required(self):
        app = self.read()
        for label in (None, "", "   "):
            body = dict(app)
            if label is None:
                del body["label"]
            else:
                body["label"] = label
            err = self.assertOktaError(self.api("PUT", "/api/v1/apps/0oaSSO1", body), 400, "E0000001")
            self.assertEqual(err["errorSummary"], "Api validation failed: label")
            self.assertEqual(err["errorCauses"], [{"errorSummary": "label: The field cannot be left blank"}])

    def test_malformed_bodies_and_missing_app(self):
        self.assertOktaError(self.api("PUT", "/api/v1/apps/0oaSSO1", "{not json",
                                      headers={"Content-Type": "application/json"}), 400, "E0000003")
        self.assertOktaError(self.api("PUT", "/api/v1/apps/0oaSSO1", [1, 2]), 400, "E0000003")
        self.assertOktaError(self.api("PUT", "/api/v1/apps/0oaNOPE", {"label": "x"}), 404, "E0000007")

    def test_bookmark_definition_and_undefined_app(self):
        r = self.api("PUT", "/api/v1/apps/0oaBM1", {"label": "Tile", "settings": {"app": {"url": "https://b"}}})
        self.assertEqual(r.json()["settings"]["app"], {"url": "https://b", "requestIntegration": None})
        # an app name without a definition: settings.app is stored as sent, not validated
        r = self.api("PUT", "/api/v1/apps/0oaSLK", {"label": "Slack", "settings": {"app": {"anything": 1}}})
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json()["settings"]["app"], {"anything": 1})


# ------------------------------------------------------------------------------------------
# OAuth 2.0 service apps and DPoP
# ------------------------------------------------------------------------------------------


class OAuthTests(FakeTestCase):
    def setUp(self):
        super().setUp()
        self.client_key = ec.generate_private_key(ec.SECP256R1())
        self.reader_key = ec.generate_private_key(ec.SECP256R1())
        self.rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.dpop_key = ec.generate_private_key(ec.SECP256R1())
        self.token_url = self.base + "/oauth2/v1/token"
        self.ctl("POST", "/_fake/config", {"clients": [
            {"clientId": "0oaDPOP", "jwks": {"keys": [{**ec_jwk(self.client_key), "kid": "k1"}]},
             "scopes": ["okta.apps.read", "okta.apps.manage"]},
            {"clientId": "0oaREAD", "jwks": {"keys": [{**ec_jwk(self.reader_key), "kid": "r1"}]},
             "scopes": ["okta.apps.read"]},
            {"clientId": "0oaRSA", "jwks": {"keys": [{**rsa_jwk(self.rsa_key), "kid": "rsa1"}]},
             "scopes": ["okta.apps.read", "okta.apps.manage"], "dpop": False},
            {"clientId": "0oaNONCE", "jwks": {"keys": [{**ec_jwk(self.client_key), "kid": "k1"}]},
             "scopes": ["okta.apps.read"], "resourceNonce": True},
        ]})

    # -- builders --
    def assertion(self, client_id="0oaDPOP", key=None, kid="k1", alg="ES256", **claims):
        now = int(time.time())
        c = {"iss": client_id, "sub": client_id, "aud": self.token_url, "iat": now, "exp": now + 300,
             "jti": str(uuid.uuid4())}
        c.update(claims)
        header = {"alg": alg, "typ": "JWT"}
        if kid:
            header["kid"] = kid
        return sign_jwt(header, c, key or self.client_key)

    def proof(self, method, url, key=None, **claims):
        key = key or self.dpop_key
        c = {"htm": method, "htu": url, "iat": int(time.time()), "jti": str(uuid.uuid4())}
        c.update(claims)
        return sign_jwt({"typ": "dpop+jwt", "alg": "ES256", "jwk": ec_jwk(key)}, c, key)

    def token_call(self, assertion, scope="okta.apps.read okta.apps.manage", proof=None, **extra):
        form = {"grant_type": "client_credentials", "scope": scope,
                "client_assertion_type": JWT_BEARER, "client_assertion": assertion}
        form.update(extra)
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
        if proof:
            headers["DPoP"] = proof
        return http("POST", self.token_url, urllib.parse.urlencode(form), headers)

    def dpop_token(self, client_id="0oaDPOP", key=None, kid="k1", scope="okta.apps.read okta.apps.manage"):
        r = self.token_call(self.assertion(client_id, key, kid), scope, self.proof("POST", self.token_url))
        self.assertEqual(r.status, 400, r.body)
        nonce = r.headers["DPoP-Nonce"]
        r = self.token_call(self.assertion(client_id, key, kid), scope, self.proof("POST", self.token_url, nonce=nonce))
        self.assertEqual(r.status, 200, r.body)
        return r.json()["access_token"]

    def dpop_get(self, token, path, **proof_claims):
        url = self.base + path.split("?")[0]
        claims = {"ath": ath(token)}
        claims.update(proof_claims)
        return http("GET", self.base + path, headers={
            "Authorization": f"DPoP {token}", "DPoP": self.proof("GET", url, **claims)})

    # -- tests --
    def test_first_token_call_needs_nonce_then_succeeds(self):
        r = self.token_call(self.assertion(), proof=self.proof("POST", self.token_url))
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json(), {"error": "use_dpop_nonce",
                                    "error_description": "Authorization server requires nonce in DPoP proof."})
        nonce = r.headers["DPoP-Nonce"]
        self.assertTrue(nonce)
        self.assertEqual(r.headers["X-Rate-Limit-Limit"], "600")
        # a made-up nonce is stale
        r = self.token_call(self.assertion(), proof=self.proof("POST", self.token_url, nonce="stale"))
        self.assertEqual(r.json()["error"], "use_dpop_nonce")
        r = self.token_call(self.assertion(), proof=self.proof("POST", self.token_url, nonce=nonce))
        self.assertEqual(r.status, 200, r.body)
        body = r.json()
        self.assertEqual(body["token_type"], "DPoP")
        self.assertEqual(body["expires_in"], 3600)
        self.assertEqual(body["scope"], "okta.apps.read okta.apps.manage")
        self.assertTrue(body["access_token"])
        # the nonce stays valid
        r = self.token_call(self.assertion(), "okta.apps.read", proof=self.proof("POST", self.token_url, nonce=nonce))
        self.assertEqual(r.status, 200, r.body)

    def test_resource_get_with_dpop_and_ath(self):
        token = self.dpop_token()
        r = self.dpop_get(token, "/api/v1/apps?filter=" + urllib.parse.quote('name eq "amazon_aws_sso"'))
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual([a["id"] for a in r.json()], ["0oaSSO1"])
        r = self.dpop_get(token, "/api/v1/apps/0oaSSO1")
        self.assertEqual(r.status, 200, r.body)

    def test_proof_failures(self):
        token = self.dpop_token()
        url = self.base + "/api/v1/apps/0oaSSO1"
        cases = {
            "wrong ath": dict(ath=ath(token + "x")),
            "missing ath": dict(ath=None),
            "wrong htm": dict(htm="PUT"),
            "htu with query": dict(htu=url + "?x=1"),
            "old iat": dict(iat=int(time.time()) - 600),
        }
        for name, claims in cases.items():
            with self.subTest(name):
                c = {"ath": ath(token)}
                c.update(claims)
                c = {k: v for k, v in c.items() if v is not None}
                r = http("GET", url, headers={"Authorization": f"DPoP {token}", "DPoP": self.proof("GET", url, **c)})
                self.assertOktaError(r, 401, "E0000011")
                self.assertTrue(r.headers["WWW-Authenticate"].startswith('DPoP error="invalid_dpop_proof", error_description="'),
                                r.headers["WWW-Authenticate"])
        # missing proof, proof signed by another key (thumbprint mismatch)
        r = http("GET", url, headers={"Authorization": f"DPoP {token}"})
        self.assertIn("invalid_dpop_proof", r.headers["WWW-Authenticate"])
        other = ec.generate_private_key(ec.SECP256R1())
        r = http("GET", url, headers={"Authorization": f"DPoP {token}",
                                      "DPoP": self.proof("GET", url, key=other, ath=ath(token))})
        self.assertEqual(r.status, 401)
        self.assertIn("invalid_dpop_proof", r.headers["WWW-Authenticate"])

    def test_reused_jti_rejected(self):
        token = self.dpop_token()
        url = self.base + "/api/v1/apps/0oaSSO1"
        proof = self.proof("GET", url, ath=ath(token))
        self.assertEqual(http("GET", url, headers={"Authorization": f"DPoP {token}", "DPoP": proof}).status, 200)
        r = http("GET", url, headers={"Authorization": f"DPoP {token}", "DPoP": proof})
        self.assertOktaError(r, 401, "E0000011")
        self.assertIn("invalid_dpop_proof", r.headers["WWW-Authenticate"])
        self.assertIn("jti", r.headers["WWW-Authenticate"])

    def test_dpop_token_as_bearer_rejected(self):
        token = self.dpop_token()
        r = http("GET", self.base + "/api/v1/apps", headers={"Authorization": f"Bearer {token}"})
        self.assertOktaError(r, 401, "E0000011")
        self.assertTrue(r.headers["WWW-Authenticate"].startswith('DPoP error="invalid_token"'))

    def test_missing_scope_is_403_with_www_authenticate(self):
        token = self.dpop_token("0oaREAD", self.reader_key, "r1", scope="okta.apps.read")
        self.assertEqual(self.dpop_get(token, "/api/v1/apps/0oaSSO1").status, 200)
        url = self.base + "/api/v1/apps/0oaSSO1"
        r = http("PUT", url, {"label": "x"}, {"Authorization": f"DPoP {token}",
                                             "DPoP": self.proof("PUT", url, ath=ath(token))})
        self.assertOktaError(r, 403, "E0000006")
        self.assertEqual(r.headers["WWW-Authenticate"],
                         'Bearer error="insufficient_scope", '
                         'error_description="The access token provided does not contain the required scopes."')
        self.assertEqual(self.ctl("GET", "/_fake/apps/0oaSSO1")["label"], AWS_SSO["label"])

    def test_scope_not_granted_or_unknown(self):
        r = self.token_call(self.assertion("0oaREAD", self.reader_key, "r1"), "okta.apps.manage",
                            self.proof("POST", self.token_url))
        self.assertEqual((r.status, r.json()["error"]), (400, "invalid_scope"))
        r = self.token_call(self.assertion(), "openid", self.proof("POST", self.token_url))
        self.assertEqual((r.status, r.json()["error"]), (400, "invalid_scope"))

    def test_rs256_assertion_and_bearer_token(self):
        r = self.token_call(self.assertion("0oaRSA", self.rsa_key, "rsa1", "RS256"))
        self.assertEqual(r.status, 200, r.body)
        body = r.json()
        self.assertEqual(body["token_type"], "Bearer")
        token = body["access_token"]
        r = http("GET", self.base + "/api/v1/apps/0oaSSO1", headers={"Authorization": f"Bearer {token}"})
        self.assertEqual(r.status, 200, r.body)
        # without kid: every key of the client is tried
        r = self.token_call(self.assertion("0oaRSA", self.rsa_key, None, "RS256"))
        self.assertEqual(r.status, 200, r.body)

    def test_invalid_client_cases(self):
        proof = lambda: self.proof("POST", self.token_url)  # noqa: E731
        now = int(time.time())
        cases = {
            "wrong aud": self.assertion(aud=self.base + "/oauth2/default/v1/token"),
            "sub != iss": self.assertion(sub="someone"),
            "expired": self.assertion(iat=now - 700, exp=now - 10),
            "exp too far": self.assertion(exp=now + 7200),
            "unknown client": self.assertion("0oaNOBODY"),
            "wrong key": self.assertion(key=self.reader_key),
            "unknown kid": self.assertion(kid="nope"),
            "no jti": self.assertion(jti=None),
        }
        for name, assertion in cases.items():
            with self.subTest(name):
                r = self.token_call(assertion, proof=proof())
                self.assertEqual((r.status, r.json()["error"]), (400, "invalid_client"), r.body)
        reused = self.assertion()
        self.assertEqual(self.token_call(reused, proof=proof()).json()["error"], "use_dpop_nonce")
        r = self.token_call(reused, proof=proof())
        self.assertEqual(r.json()["error"], "invalid_client")
        r = self.token_call(self.assertion(), proof=proof(), client_assertion_type="nope")
        self.assertEqual(r.json()["error"], "invalid_client")

    def test_grant_type_and_missing_dpop(self):
        r = self.token_call(self.assertion(), proof=self.proof("POST", self.token_url), grant_type="password")
        self.assertEqual((r.status, r.json()["error"]), (400, "unsupported_grant_type"))
        r = self.token_call(self.assertion())
        self.assertEqual((r.status, r.json()["error"]), (400, "invalid_dpop_proof"))
        r = self.token_call(self.assertion(), proof=self.proof("POST", self.base + "/oauth2/v1/other"))
        self.assertEqual((r.status, r.json()["error"]), (400, "invalid_dpop_proof"))

    def test_resource_nonce(self):
        token = self.dpop_token("0oaNONCE", scope="okta.apps.read")
        r = self.dpop_get(token, "/api/v1/apps/0oaSSO1")
        self.assertOktaError(r, 401, "E0000011")
        self.assertEqual(r.headers["WWW-Authenticate"],
                         'DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof."')
        nonce = r.headers["DPoP-Nonce"]
        r = self.dpop_get(token, "/api/v1/apps/0oaSSO1", nonce=nonce)
        self.assertEqual(r.status, 200, r.body)

    def test_expired_tokens(self):
        token = self.dpop_token()
        self.ctl("POST", "/_fake/tokens/expire")
        r = self.dpop_get(token, "/api/v1/apps/0oaSSO1")
        self.assertOktaError(r, 401, "E0000011")
        self.assertIn("expired", r.headers["WWW-Authenticate"])
        self.ctl("POST", "/_fake/config", {"tokenLifetimeSeconds": 1})
        asked = time.time()
        token = self.dpop_token()
        self.assertEqual(self.dpop_get(token, "/api/v1/apps/0oaSSO1").status, 200)

        def refused():
            r = self.dpop_get(token, "/api/v1/apps/0oaSSO1")
            return r if r.status != 200 else None

        r = wait_until(refused, what="the 1-second token to be refused")
        self.assertGreaterEqual(time.time() - asked, 1, "refused before its lifetime was over")
        self.assertOktaError(r, 401, "E0000011")
        self.assertIn("expired", r.headers["WWW-Authenticate"])


# ------------------------------------------------------------------------------------------
# Rate limits and faults
# ------------------------------------------------------------------------------------------


class RateLimitAndFaultTests(FakeTestCase):
    def test_rate_limit_bucket(self):
        self.ctl("POST", "/_fake/config", {"rateLimits": {"apps": {"limit": 2, "windowSeconds": 60}}})
        remaining = [self.api("GET", "/api/v1/apps").headers["X-Rate-Limit-Remaining"] for _ in range(2)]
        self.assertEqual(remaining, ["1", "0"])
        r = self.api("GET", "/api/v1/apps")
        body = self.assertOktaError(r, 429, "E0000047")
        self.assertEqual(body["errorSummary"], "API call exceeded rate limit due to too many requests.")
        self.assertEqual(body["errorLink"], "E0000047")
        self.assertEqual(body["errorCauses"], [])
        self.assertEqual(r.headers["X-Rate-Limit-Limit"], "2")
        self.assertEqual(r.headers["X-Rate-Limit-Remaining"], "0")
        reset = int(r.headers["X-Rate-Limit-Reset"])
        self.assertTrue(time.time() < reset <= time.time() + 61)
        self.assertEqual(self.api("GET", "/api/v1/apps/0oaSSO1").status, 200)  # other bucket

    def test_rate_limit_window_restarts(self):
        self.ctl("POST", "/_fake/config", {"rateLimits": {"app": {"limit": 1, "windowSeconds": 1}}})
        self.assertEqual(self.api("GET", "/api/v1/apps/0oaSSO1").status, 200)
        r = self.api("GET", "/api/v1/apps/0oaSSO1")
        self.assertEqual(r.status, 429)
        first = self.ctl("GET", "/_fake/stats")["buckets"]["app"]["windowStart"]
        wait_until(lambda: self.api("GET", "/api/v1/apps/0oaSSO1").status == 200,
                   what="the 1-second window of the app bucket to restart")
        second = self.ctl("GET", "/_fake/stats")["buckets"]["app"]["windowStart"]
        self.assertGreaterEqual(second, first + 1, "the window restarted before it was over")

    def test_fault_status(self):
        self.ctl("POST", "/_fake/faults", {"faults": [{"method": "PUT", "path": "/api/v1/apps/0oaSSO1",
                                                       "action": "status", "status": 500}]})
        before = self.ctl("GET", "/_fake/apps/0oaSSO1")
        r = self.api("PUT", "/api/v1/apps/0oaSSO1", {**before, "label": "Changed"})
        body = self.assertOktaError(r, 500, "E0000009")
        self.assertEqual(body["errorSummary"], "Internal Server Error")
        self.assertIn("X-Rate-Limit-Remaining", r.headers)
        self.assertEqual(self.ctl("GET", "/_fake/apps/0oaSSO1"), before)
        self.assertEqual(self.ctl("GET", "/_fake/faults"), [])
        self.assertEqual(self.api("PUT", "/api/v1/apps/0oaSSO1", {**before, "label": "Changed"}).status, 200)
        # a given errorCode, and times
        self.ctl("POST", "/_fake/faults", {"faults": [{"method": "*", "pathPrefix": "/api/v1/apps", "times": 2,
                                                       "action": "status", "status": 503, "errorCode": "E0000010"}]})
        self.assertOktaError(self.api("GET", "/api/v1/apps"), 503, "E0000010")
        self.assertEqual(self.ctl("GET", "/_fake/faults")[0]["times"], 1)
        self.assertOktaError(self.api("GET", "/api/v1/apps/0oaSSO1"), 503, "E0000010")
        self.assertEqual(self.api("GET", "/api/v1/apps").status, 200)

    def test_fault_respond_echoes_what_the_request_carried(self):
        self.ctl("POST", "/_fake/faults", {"faults": [{"method": "GET", "path": "/api/v1/apps/0oaSSO1", "action": "respond",
                                                       "status": 401, "contentType": "text/html",
                                                       "body": "<html>Invalid token provided: {authorization}</html>",
                                                       "headers": {"WWW-Authenticate": "SSWS realm=\"{authorization}\""}}]})
        r = self.api("GET", "/api/v1/apps/0oaSSO1")
        self.assertEqual(r.status, 401)
        self.assertEqual(r.headers["Content-Type"], "text/html")
        self.assertEqual(r.body.decode(), f"<html>Invalid token provided: SSWS {API_TOKEN}</html>")
        self.assertEqual(r.headers["WWW-Authenticate"], f'SSWS realm="SSWS {API_TOKEN}"')
        self.assertIn("X-Okta-Request-Id", r.headers)
        self.assertEqual(self.ctl("GET", "/_fake/faults"), [])
        self.assertEqual(self.api("GET", "/api/v1/apps/0oaSSO1").status, 200)

    def test_fault_headers(self):
        # With a status: that answer, the fake's rate-limit headers replaced by the given ones.
        self.ctl("POST", "/_fake/faults", {"faults": [{"method": "GET", "path": "/api/v1/apps/0oaSSO1", "action": "headers",
                                                       "status": 429, "headers": {"X-Rate-Limit-Reset": "1e30"}}]})
        r = self.api("GET", "/api/v1/apps/0oaSSO1")
        self.assertOktaError(r, 429, "E0000047")
        self.assertEqual(r.headers.get_all("X-Rate-Limit-Reset"), ["1e30"])
        self.assertIn("X-Rate-Limit-Limit", r.headers)
        self.assertEqual(self.ctl("GET", "/_fake/requests")[-1]["faults"], ["headers"])
        # Without: handled as usual, the given headers replace the fake's.
        self.ctl("POST", "/_fake/faults", {"faults": [{"method": "GET", "path": "/api/v1/apps/0oaSSO1", "action": "headers",
                                                       "headers": {"x-rate-limit-remaining": "0", "X-Rate-Limit-Reset": "nan"}}]})
        r = self.api("GET", "/api/v1/apps/0oaSSO1")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json()["id"], "0oaSSO1")
        self.assertEqual(r.headers.get_all("X-Rate-Limit-Remaining"), ["0"])
        self.assertEqual(r.headers.get_all("X-Rate-Limit-Reset"), ["nan"])
        # A redirect (PUT: urllib does not follow it), state untouched.
        before = self.ctl("GET", "/_fake/apps/0oaSSO1")
        self.ctl("POST", "/_fake/faults", {"faults": [{"method": "PUT", "path": "/api/v1/apps/0oaSSO1", "action": "headers",
                                                       "status": 301, "headers": {"Location": "https://elsewhere.example/x"}}]})
        r = self.api("PUT", "/api/v1/apps/0oaSSO1", {**before, "label": "Changed"})
        self.assertEqual(r.status, 301)
        self.assertEqual(r.headers["Location"], "https://elsewhere.example/x")
        self.assertEqual(self.ctl("GET", "/_fake/apps/0oaSSO1"), before)
        # Refused rules.
        for bad in ({"action": "headers"}, {"action": "headers", "headers": {}},
                    {"action": "headers", "headers": {"A": "1"}, "status": 200}):
            self.assertEqual(http("POST", self.base + "/_fake/faults", {"faults": [bad]}).status, 400, bad)

    def test_fault_rate_limit(self):
        self.ctl("POST", "/_fake/faults", {"faults": [{"method": "GET", "path": "/api/v1/apps", "action": "rateLimit",
                                                       "resetSeconds": 3}]})
        r = self.api("GET", "/api/v1/apps")
        body = self.assertOktaError(r, 429, "E0000047")
        self.assertEqual(body["errorSummary"], "API call exceeded rate limit due to too many requests.")
        self.assertEqual(r.headers["X-Rate-Limit-Remaining"], "0")
        self.assertEqual(r.headers["X-Rate-Limit-Limit"], "100")
        self.assertIn(int(r.headers["X-Rate-Limit-Reset"]) - int(time.time()), (2, 3))
        self.assertEqual(self.api("GET", "/api/v1/apps").status, 200)

    def test_fault_delay(self):
        self.ctl("POST", "/_fake/faults", {"faults": [{"method": "GET", "path": "/api/v1/apps/0oaSSO1",
                                                       "action": "delay", "ms": 300}]})
        t0 = time.monotonic()
        self.assertEqual(self.api("GET", "/api/v1/apps/0oaSSO1").status, 200)
        self.assertGreaterEqual(time.monotonic() - t0, 0.3)

    def test_fault_reset(self):
        self.ctl("POST", "/_fake/faults", {"faults": [{"method": "GET", "path": "/api/v1/apps/0oaSSO1", "action": "reset"}]})
        with self.assertRaises((urllib.error.URLError, ConnectionError, HTTPException)):
            self.api("GET", "/api/v1/apps/0oaSSO1")
        self.assertEqual(self.api("GET", "/api/v1/apps/0oaSSO1").status, 200)
        log = self.ctl("GET", "/_fake/requests")
        self.assertEqual([(e["status"], e["faults"]) for e in log], [(None, ["reset"]), (200, [])])

    def test_fault_concurrent_edit(self):
        before = self.api("GET", "/api/v1/apps/0oaSSO1").json()
        self.ctl("POST", "/_fake/faults", {"faults": [{"method": "GET", "path": "/api/v1/apps/0oaSSO1",
                                                       "action": "concurrentEdit",
                                                       "edit": {"label": "Edited", "settings.app.acsURL5": "https://x.example/acs"}}]})
        after = self.api("GET", "/api/v1/apps/0oaSSO1").json()
        self.assertEqual(after["label"], "Edited")
        self.assertEqual(after["settings"]["app"]["acsURL5"], "https://x.example/acs")
        self.assertGreater(after["lastUpdated"], before["lastUpdated"])
        self.assertEqual(after, self.ctl("GET", "/_fake/apps/0oaSSO1"))

    def test_fault_drop_field(self):
        app = self.api("GET", "/api/v1/apps/0oaSSO1").json()
        self.ctl("POST", "/_fake/faults", {"faults": [{"method": "PUT", "path": "/api/v1/apps/0oaSSO1",
                                                       "action": "dropField", "key": "acsURL1"}]})
        app["settings"]["app"]["acsURL1"] = "https://new.example/acs"
        app["settings"]["app"]["acsURL2"] = "https://two.example/acs"
        r = self.api("PUT", "/api/v1/apps/0oaSSO1", app)
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json()["settings"]["app"]["acsURL1"], "https://new.example/acs")
        stored = self.api("GET", "/api/v1/apps/0oaSSO1").json()
        self.assertEqual(stored["settings"]["app"]["acsURL1"], AWS_SSO["settings"]["app"]["acsURL1"])
        self.assertEqual(stored["settings"]["app"]["acsURL2"], "https://two.example/acs")
        self.assertEqual(stored["lastUpdated"], r.json()["lastUpdated"])

    def test_fault_mutate_response_changes_only_the_answer(self):
        self.ctl("POST", "/_fake/faults", {"faults": [{"method": "GET", "path": "/api/v1/apps/0oaSSO1", "action": "mutateResponse",
                                                       "set": {"id": "0oaOther", "settings.app.acsURL": None},
                                                       "remove": ["credentials", "settings.app.entityID"]}]})
        answered = self.api("GET", "/api/v1/apps/0oaSSO1").json()
        self.assertEqual(answered["id"], "0oaOther")
        self.assertIsNone(answered["settings"]["app"]["acsURL"])
        self.assertNotIn("credentials", answered)
        self.assertNotIn("entityID", answered["settings"]["app"])
        stored = self.api("GET", "/api/v1/apps/0oaSSO1").json()
        self.assertEqual(stored["id"], "0oaSSO1")
        self.assertIn("credentials", stored)
        self.assertEqual(stored["settings"]["app"]["acsURL"], AWS_SSO["settings"]["app"]["acsURL"])

    def test_seeded_apps_get_the_fields_okta_always_returns(self):
        for field in ("visibility", "credentials", "signOnMode"):
            self.assertIn(field, self.api("GET", "/api/v1/apps/0oaSSO1").json())

    def test_fault_skip_lets_the_first_matches_through(self):
        self.ctl("POST", "/_fake/faults", {"faults": [{"method": "GET", "path": "/api/v1/apps/0oaSSO1", "skip": 1,
                                                       "action": "status", "status": 500}]})
        self.assertEqual(self.api("GET", "/api/v1/apps/0oaSSO1").status, 200)
        self.assertOktaError(self.api("GET", "/api/v1/apps/0oaSSO1"), 500, "E0000009")
        self.assertEqual(self.api("GET", "/api/v1/apps/0oaSSO1").status, 200)

    def test_bad_fault_rule_refused(self):
        r = http("POST", self.base + "/_fake/faults", {"faults": [{"action": "explode"}]})
        self.assertEqual(r.status, 400)


# ------------------------------------------------------------------------------------------
# Creating and removing apps (Bookmark tiles), group assignments, lost responses
# ------------------------------------------------------------------------------------------

TILE = {"name": "bookmark", "label": "AWS access portal (eu-central-1)", "signOnMode": "BOOKMARK",
        "settings": {"app": {"url": "https://d-123.awsapps.com/start/#/?region=eu-central-1"},
                     "notes": {"admin": "managed by idcsync", "enduser": None}}}


class CreateAndLifecycleTests(FakeTestCase):
    def create(self, app=TILE, query=""):
        return self.api("POST", "/api/v1/apps" + query, app)

    def test_create_bookmark_active_by_default(self):
        r = self.create()
        self.assertEqual(r.status, 200, r.body)
        app = r.json()
        self.assertRegex(app["id"], r"^0oa[A-Za-z0-9]{17}$")
        self.assertEqual((app["name"], app["label"], app["status"], app["signOnMode"]),
                         ("bookmark", TILE["label"], "ACTIVE", "BOOKMARK"))
        self.assertEqual(app["settings"]["app"], {"url": TILE["settings"]["app"]["url"], "requestIntegration": False})
        self.assertEqual(app["settings"]["notes"], {"admin": "managed by idcsync", "enduser": None})
        self.assertRegex(app["created"], ISO_MS)
        self.assertEqual(app["created"], app["lastUpdated"])
        url = f"{self.base}/api/v1/apps/{app['id']}"
        self.assertEqual(app["_links"]["self"]["href"], url)
        self.assertEqual(app["_links"]["groups"]["href"], url + "/groups")
        self.assertEqual(app["_links"]["deactivate"]["href"], url + "/lifecycle/deactivate")
        self.assertNotIn("activate", app["_links"])
        self.assertEqual(self.api("GET", f"/api/v1/apps/{app['id']}").json(), app)
        self.assertEqual(self.ctl("GET", f"/_fake/apps/{app['id']}"), app)

    def test_create_inactive_and_listed_by_filter_after_the_seeded_apps(self):
        a = self.create(query="?activate=false").json()
        b = self.create(dict(TILE, label="second"), "?activate=TRUE").json()
        self.assertEqual((a["status"], b["status"]), ("INACTIVE", "ACTIVE"))
        self.assertIn("activate", a["_links"])
        self.assertNotEqual(a["id"], b["id"])
        r = self.api("GET", "/api/v1/apps?" + urllib.parse.urlencode({"filter": 'name eq "bookmark"'}, quote_via=urllib.parse.quote))
        self.assertEqual([x["id"] for x in r.json()], ["0oaBM1", a["id"], b["id"]])
        r = self.api("GET", "/api/v1/apps?limit=5")
        self.assertEqual([x["id"] for x in r.json()], ["0oaSSO1", "0oaFED1", "0oaBM1", "0oaSLK", a["id"]])
        self.assertIn('rel="next"', r.headers.get_all("Link")[1])

    def test_create_ignores_read_only_fields(self):
        app = self.create(dict(TILE, id="0oaMINE", status="INACTIVE", created="2001-01-01T00:00:00.000Z",
                               _links={"self": {"href": "https://elsewhere"}})).json()
        self.assertNotEqual(app["id"], "0oaMINE")
        self.assertEqual(app["status"], "ACTIVE")
        self.assertNotEqual(app["created"], "2001-01-01T00:00:00.000Z")
        self.assertTrue(app["_links"]["self"]["href"].startswith(self.base))

    def test_create_validation(self):
        def err(body, field, query=""):
            e = self.assertOktaError(self.create(body, query), 400, "E0000001")
            self.assertEqual(e["errorSummary"], f"Api validation failed: {field}")
            self.assertTrue(e["errorCauses"])
            return e
        no_url = copy.deepcopy(TILE)
        del no_url["settings"]["app"]["url"]
        self.assertEqual(err(no_url, "url")["errorCauses"], [{"errorSummary": "url: The field cannot be left blank"}])
        for bad in ("", "not a url", "ftp://x.example/", "https://", "https://exa mple.com/", 42):
            body = copy.deepcopy(TILE)
            body["settings"]["app"]["url"] = bad
            err(body, "url")
        err(dict(TILE, signOnMode="SAML_2_0"), "signOnMode")
        err({k: v for k, v in TILE.items() if k != "signOnMode"}, "signOnMode")
        err(dict(TILE, label="  "), "label")
        err(dict(TILE, name="slack"), "name")
        err({k: v for k, v in TILE.items() if k != "name"}, "name")
        extra = copy.deepcopy(TILE)
        extra["settings"]["app"]["launchURL"] = "https://x"
        self.assertEqual(err(extra, "settings.app")["errorCauses"], [{"errorSummary": "settings.app.launchURL: unknown property"}])
        flag = copy.deepcopy(TILE)
        flag["settings"]["app"]["requestIntegration"] = "no"
        err(flag, "requestIntegration")
        err(TILE, "activate", "?activate=maybe")
        self.assertOktaError(self.api("POST", "/api/v1/apps", "{nope", headers={"Content-Type": "application/json"}), 400, "E0000003")
        self.assertOktaError(self.api("POST", "/api/v1/apps", [TILE]), 400, "E0000003")
        self.assertEqual(len(self.ctl("GET", "/_fake/apps")), 4, "nothing was created")

    def test_put_full_replace_of_a_created_bookmark(self):
        app = self.create().json()
        app["label"] = "renamed"
        app["settings"]["app"]["url"] = "https://d-123.awsapps.com/start/#/?region=eu-west-3"
        del app["settings"]["notes"]
        r = self.api("PUT", f"/api/v1/apps/{app['id']}", app)
        self.assertEqual(r.status, 200, r.body)
        stored = self.api("GET", f"/api/v1/apps/{app['id']}").json()
        self.assertEqual(stored["label"], "renamed")
        self.assertEqual(stored["settings"]["app"]["url"], app["settings"]["app"]["url"])
        self.assertNotIn("notes", stored["settings"], "full replace: omitted fields are gone")
        self.assertGreater(stored["lastUpdated"], stored["created"])
        bad = copy.deepcopy(app)
        bad["settings"]["app"]["url"] = "javascript:alert(1)"
        self.assertOktaError(self.api("PUT", f"/api/v1/apps/{app['id']}", bad), 400, "E0000001")
        del bad["settings"]["app"]["url"]
        self.assertOktaError(self.api("PUT", f"/api/v1/apps/{app['id']}", bad), 400, "E0000001")

    def test_lifecycle_and_delete(self):
        app = self.create().json()
        path = f"/api/v1/apps/{app['id']}"
        e = self.assertOktaError(self.api("DELETE", path), 403, "E0000056")
        self.assertEqual(e["errorSummary"], "Delete application forbidden.")
        self.assertEqual(e["errorCauses"], [{"errorSummary": "The application must be deactivated before deletion."}])
        r = self.api("POST", path + "/lifecycle/deactivate")
        self.assertEqual((r.status, r.json()), (200, {}))
        stored = self.api("GET", path).json()
        self.assertEqual(stored["status"], "INACTIVE")
        self.assertGreater(stored["lastUpdated"], app["lastUpdated"])
        self.assertIn("activate", stored["_links"])
        self.assertEqual(self.api("POST", path + "/lifecycle/deactivate").status, 200, "already inactive: still 200")
        self.assertEqual(self.api("POST", path + "/lifecycle/activate").json(), {})
        self.assertEqual(self.api("GET", path).json()["status"], "ACTIVE")
        self.api("POST", path + "/lifecycle/deactivate")
        self.api("PUT", path + "/groups/00g1", {})
        r = self.api("DELETE", path)
        self.assertEqual((r.status, r.body), (204, b""))
        self.assertNotIn("Content-Type", r.headers)
        self.assertOktaError(self.api("GET", path), 404, "E0000007")
        self.assertOktaError(self.api("DELETE", path), 404, "E0000007")
        self.assertOktaError(self.api("POST", path + "/lifecycle/activate"), 404, "E0000007")
        self.assertEqual([a["id"] for a in self.ctl("GET", "/_fake/apps")], ["0oaSSO1", "0oaFED1", "0oaBM1", "0oaSLK"])
        # a seeded INACTIVE app can be deleted straight away
        self.assertEqual(self.api("DELETE", "/api/v1/apps/0oaBM1").status, 204)
        self.assertOktaError(self.api("GET", "/api/v1/apps/0oaSSO1/lifecycle/activate"), 405, "E0000022")

    def test_writes_need_the_manage_scope_and_are_logged(self):
        self.create()
        self.api("POST", "/api/v1/apps/0oaBM1/lifecycle/activate")
        self.api("PUT", "/api/v1/apps/0oaBM1/groups/00g1")
        self.api("GET", "/api/v1/apps/0oaBM1/groups?limit=5")
        self.api("DELETE", "/api/v1/apps/0oaBM1/groups/00g1")
        log = self.ctl("GET", "/_fake/requests")
        self.assertEqual([(e["method"], e["path"], e["status"]) for e in log], [
            ("POST", "/api/v1/apps", 200), ("POST", "/api/v1/apps/0oaBM1/lifecycle/activate", 200),
            ("PUT", "/api/v1/apps/0oaBM1/groups/00g1", 200), ("GET", "/api/v1/apps/0oaBM1/groups", 200),
            ("DELETE", "/api/v1/apps/0oaBM1/groups/00g1", 204)])
        self.assertEqual(log[0]["body"], TILE)
        self.assertEqual(log[3]["query"], {"limit": ["5"]})
        stats = self.ctl("GET", "/_fake/stats")
        self.assertEqual(stats["byBucket"]["apps"]["requests"], 1)
        self.assertEqual(stats["byBucket"]["app"]["requests"], 4)


class GroupAssignmentTests(FakeTestCase):
    def groups(self, app_id="0oaBM1", query=""):
        r = self.api("GET", f"/api/v1/apps/{app_id}/groups{query}")
        self.assertEqual(r.status, 200, r.body)
        return r

    def test_assign_list_and_unassign(self):
        self.assertEqual(self.groups().json(), [])
        r = self.api("PUT", "/api/v1/apps/0oaBM1/groups/00gA", {})
        self.assertEqual(r.status, 200, r.body)
        item = r.json()
        self.assertEqual(set(item), {"id", "lastUpdated", "priority", "profile", "_links"})
        self.assertEqual((item["id"], item["priority"]), ("00gA", 0))
        self.assertRegex(item["lastUpdated"], ISO_MS)
        self.assertEqual(item["_links"]["app"]["href"], self.base + "/api/v1/apps/0oaBM1")
        self.assertEqual(item["_links"]["self"]["href"], self.base + "/api/v1/apps/0oaBM1/groups/00gA")
        self.assertEqual(item["_links"]["group"]["href"], self.base + "/api/v1/groups/00gA")
        self.assertEqual(self.api("PUT", "/api/v1/apps/0oaBM1/groups/00gB").json()["priority"], 1, "no body at all is fine too")
        self.assertEqual(self.api("PUT", "/api/v1/apps/0oaBM1/groups/00gA", {}).json(), item, "assigning again changes nothing")
        self.assertEqual(self.api("PUT", "/api/v1/apps/0oaBM1/groups/00gC", {"priority": 7}).json()["priority"], 7)
        self.assertEqual([g["id"] for g in self.groups().json()], ["00gA", "00gB", "00gC"])
        self.assertEqual(self.api("GET", "/api/v1/apps/0oaBM1/groups/00gB").json()["id"], "00gB")
        r = self.api("DELETE", "/api/v1/apps/0oaBM1/groups/00gB")
        self.assertEqual((r.status, r.body), (204, b""))
        self.assertEqual([g["id"] for g in self.groups().json()], ["00gA", "00gC"])
        self.assertOktaError(self.api("DELETE", "/api/v1/apps/0oaBM1/groups/00gB"), 404, "E0000007")
        self.assertOktaError(self.api("GET", "/api/v1/apps/0oaBM1/groups/00gB"), 404, "E0000007")
        self.assertEqual([g["id"] for g in self.groups("0oaSSO1").json()], [], "assignments are per app")

    def test_errors(self):
        self.assertOktaError(self.api("GET", "/api/v1/apps/0oaNOPE/groups"), 404, "E0000007")
        self.assertOktaError(self.api("PUT", "/api/v1/apps/0oaNOPE/groups/00g1", {}), 404, "E0000007")
        self.assertOktaError(self.api("DELETE", "/api/v1/apps/0oaNOPE/groups/00g1"), 404, "E0000007")
        self.assertOktaError(self.api("PUT", "/api/v1/apps/0oaBM1/groups/00g1", {"priority": "high"}), 400, "E0000001")
        self.assertOktaError(self.api("PUT", "/api/v1/apps/0oaBM1/groups/00g1", "{x", headers={"Content-Type": "application/json"}), 400, "E0000003")
        self.assertOktaError(self.api("GET", "/api/v1/apps/0oaBM1/groups?limit=0"), 400, "E0000001")
        self.assertOktaError(self.api("GET", "/api/v1/apps/0oaBM1/groups?after=zz"), 400, "E0000001")
        self.assertOktaError(self.api("POST", "/api/v1/apps/0oaBM1/groups", {}), 405, "E0000022")
        self.assertOktaError(self.api("PATCH", "/api/v1/apps/0oaBM1/groups/00g1", {}), 405, "E0000022")
        self.assertEqual(self.ctl("GET", "/_fake/apps/0oaBM1/groups"), [])

    def test_pagination_default_limit_20_with_link_next(self):
        ids = [f"00g{i:03d}" for i in range(45)]
        seeded = self.ctl("POST", "/_fake/apps/0oaBM1/groups", ids)
        self.assertEqual([g["id"] for g in seeded], ids)
        self.assertEqual([g["priority"] for g in seeded], list(range(45)))
        seen, url, pages = [], "/api/v1/apps/0oaBM1/groups", 0
        while url:
            r = self.groups(query=url[len("/api/v1/apps/0oaBM1/groups"):])
            pages += 1
            seen += [g["id"] for g in r.json()]
            links = r.headers.get_all("Link")
            self.assertTrue(links[0].endswith('; rel="self"'))
            nxt = [l for l in links if l.endswith('; rel="next"')]
            url = None
            if nxt:
                target = re.fullmatch(r"<([^>]+)>; rel=\"next\"", nxt[0]).group(1)
                self.assertTrue(target.startswith(self.base + "/api/v1/apps/0oaBM1/groups?"))
                url = target[len(self.base):]
        self.assertEqual((seen, pages), (ids, 3))
        r = self.groups(query="?limit=44")
        self.assertEqual(len(r.json()), 44)
        self.assertEqual(len(r.headers.get_all("Link")), 2)
        r = self.groups(query="?limit=45")
        self.assertEqual(len(r.headers.get_all("Link")), 1, "no next link on the last page")

    def test_control_seed_replaces_and_reads_back(self):
        self.api("PUT", "/api/v1/apps/0oaBM1/groups/00gOLD", {})
        got = self.ctl("POST", "/_fake/apps/0oaBM1/groups", {"groups": [{"id": "00gX", "priority": 5}, "00gY"]})
        self.assertEqual([(g["id"], g["priority"]) for g in got], [("00gX", 5), ("00gY", 6)])
        self.assertEqual(self.ctl("GET", "/_fake/apps/0oaBM1/groups"), got)
        self.assertEqual(self.groups().json(), got)
        self.assertEqual(self.ctl("GET", "/_fake/requests")[-1]["path"], "/api/v1/apps/0oaBM1/groups", "control calls are not logged")
        self.assertEqual(http("POST", self.base + "/_fake/apps/0oaNOPE/groups", ["00g1"]).status, 404)
        self.assertEqual(http("POST", self.base + "/_fake/apps/0oaBM1/groups", [1]).status, 400)
        self.assertEqual(http("POST", self.base + "/_fake/apps/0oaBM1/groups", ["00g1", "00g1"]).status, 400)
        self.ctl("DELETE", "/_fake/apps/0oaBM1")
        self.ctl("POST", "/_fake/apps", BOOKMARK)
        self.assertEqual(self.ctl("GET", "/_fake/apps/0oaBM1/groups"), [], "deleting the app drops its assignments")


class LostResponseTests(FakeTestCase):
    def test_create_happens_but_the_answer_is_a_500(self):
        self.ctl("POST", "/_fake/faults", {"faults": [{"method": "POST", "path": "/api/v1/apps", "action": "lostResponse"}]})
        e = self.assertOktaError(self.api("POST", "/api/v1/apps", TILE), 500, "E0000009")
        self.assertEqual(e["errorSummary"], "Internal Server Error")
        tiles = self.api("GET", "/api/v1/apps?filter=" + urllib.parse.quote('name eq "bookmark"')).json()
        self.assertEqual([t["label"] for t in tiles], [BOOKMARK["label"], TILE["label"]], "the app was created all the same")
        log = self.ctl("GET", "/_fake/requests")
        self.assertEqual((log[0]["status"], log[0]["processedStatus"], log[0]["faults"]), (500, 200, ["lostResponse"]))
        self.assertEqual(self.api("POST", "/api/v1/apps", dict(TILE, label="again")).status, 200, "the fault fired once")

    def test_dropped_connection_after_processing(self):
        self.ctl("POST", "/_fake/faults", {"faults": [
            {"method": "DELETE", "pathPrefix": "/api/v1/apps/0oaBM1/groups/", "action": "lostResponse", "mode": "eof"},
            {"method": "PUT", "pathPrefix": "/api/v1/apps/0oaBM1/groups/", "action": "lostResponse", "mode": "rst", "status": 503}]})
        with self.assertRaises((urllib.error.URLError, ConnectionError, HTTPException)):
            self.api("PUT", "/api/v1/apps/0oaBM1/groups/00g1", {})
        self.assertEqual([g["id"] for g in self.ctl("GET", "/_fake/apps/0oaBM1/groups")], ["00g1"])
        with self.assertRaises((urllib.error.URLError, ConnectionError, HTTPException)):
            self.api("DELETE", "/api/v1/apps/0oaBM1/groups/00g1")
        self.assertEqual(self.ctl("GET", "/_fake/apps/0oaBM1/groups"), [])
        log = self.ctl("GET", "/_fake/requests")
        self.assertEqual([(e["status"], e["processedStatus"]) for e in log], [(None, 200), (None, 204)])

    def test_errors_are_lost_too_and_bad_rules_refused(self):
        self.ctl("POST", "/_fake/faults", {"faults": [{"method": "*", "path": "/api/v1/apps", "action": "lostResponse", "status": 502}]})
        self.assertOktaError(self.api("POST", "/api/v1/apps", dict(TILE, label="")), 502, "E0000009")
        self.assertEqual(self.ctl("GET", "/_fake/requests")[0]["processedStatus"], 400)
        for bad in ({"mode": "explode"}, {"status": 200}, {"status": "500"}):
            r = http("POST", self.base + "/_fake/faults", {"faults": [dict(bad, action="lostResponse")]})
            self.assertEqual(r.status, 400, bad)


# ------------------------------------------------------------------------------------------
# Request log
# ------------------------------------------------------------------------------------------


class RequestLogTests(FakeTestCase):
    def test_log_contents(self):
        self.api("GET", "/api/v1/apps?filter=" + urllib.parse.quote('name eq "bookmark"') + "&limit=5")
        tile = {"label": "Tile", "settings": {"app": {"url": "https://x.example/start"}}}
        self.api("PUT", "/api/v1/apps/0oaBM1", tile, headers={"X-Okta-Retry-Count": "1"})
        self.ctl("GET", "/_fake/apps/0oaBM1")  # control calls are never logged
        http("POST", self.base + "/oauth2/v1/token", "grant_type=client_credentials&scope=okta.apps.read",
             {"Content-Type": "application/x-www-form-urlencoded"})
        log = self.ctl("GET", "/_fake/requests")
        self.assertEqual([(e["method"], e["path"], e["status"]) for e in log],
                         [("GET", "/api/v1/apps", 200), ("PUT", "/api/v1/apps/0oaBM1", 200),
                          ("POST", "/oauth2/v1/token", 400)])
        self.assertEqual(log[0]["query"], {"filter": ['name eq "bookmark"'], "limit": ["5"]})
        self.assertEqual(log[0]["headers"]["authorization"], f"SSWS {API_TOKEN}")
        self.assertIsNone(log[0]["body"])
        self.assertEqual(log[1]["body"], tile)
        self.assertEqual(log[1]["headers"]["x-okta-retry-count"], "1")
        self.assertEqual(log[2]["body"], {"grant_type": "client_credentials", "scope": "okta.apps.read"})
        self.assertTrue(all(e["faults"] == [] for e in log))
        self.assertTrue(all(e["requestId"] for e in log))
        r = http("DELETE", self.base + "/_fake/requests")
        self.assertEqual(r.status, 200)
        self.assertEqual(self.ctl("GET", "/_fake/requests"), [])

    def test_request_id_in_log_matches_header(self):
        r = self.api("GET", "/api/v1/apps/0oaSSO1")
        self.assertEqual(self.ctl("GET", "/_fake/requests")[0]["requestId"], r.headers["X-Okta-Request-Id"])


# ------------------------------------------------------------------------------------------
# Bulk seeding and request statistics (benchmarks)
# ------------------------------------------------------------------------------------------


class BulkSeedAndStatsTests(FakeTestCase):
    TEMPLATE = {"name": "amazon_aws_sso", "label": "IdC {n}", "status": "ACTIVE",
                "settings": {"app": {"acsURL": "https://ap-northeast-1.signin.aws/platform/saml/acs/t-{id}",
                                     "acsURL1": "https://ap-northeast-3.signin.aws/platform/saml/acs/t-{id}"}}}

    def test_bulk_seed_from_a_template_by_count(self):
        t0 = time.monotonic()
        result = self.ctl("POST", "/_fake/apps/bulk", {"template": self.TEMPLATE, "count": 1000, "idPrefix": "0oabench"})
        self.assertLess(time.monotonic() - t0, 5)
        self.assertEqual(result["created"], 1000)
        self.assertEqual(result["ids"][:2], ["0oabench0001", "0oabench0002"])
        self.assertEqual(len(self.ctl("GET", "/_fake/apps")), 4 + 1000)
        app = self.api("GET", "/api/v1/apps/0oabench0042").json()
        self.assertEqual(app["id"], "0oabench0042")
        self.assertEqual(app["label"], "IdC 42")
        self.assertEqual(app["settings"]["app"]["acsURL1"], "https://ap-northeast-3.signin.aws/platform/saml/acs/t-0oabench0042")
        self.assertIsNone(app["settings"]["app"]["acsURL2"])  # normalized like any seeded app
        self.assertEqual(len(app["settings"]["app"]), 19)

    def test_bulk_seed_by_ids_or_a_list_of_apps(self):
        self.ctl("POST", "/_fake/apps/bulk", {"template": self.TEMPLATE, "ids": ["0oaA", "0oaB"]})
        self.assertEqual(self.ctl("GET", "/_fake/apps/0oaB")["label"], "IdC 2")
        self.ctl("POST", "/_fake/apps/bulk", {"apps": [{**AWS_FED, "id": "0oaC"}, {**SLACK, "id": "0oaD"}]})
        self.assertEqual(self.ctl("GET", "/_fake/apps/0oaD")["name"], "slack")
        for bad in ({"template": self.TEMPLATE, "ids": ["x", "x"]}, {"template": self.TEMPLATE}, {"apps": [{"name": "x"}]}, []):
            self.assertEqual(http("POST", self.base + "/_fake/apps/bulk", bad).status, 400, bad)

    def test_stats_count_requests_per_path_and_429s(self):
        self.ctl("POST", "/_fake/config", {"rateLimits": {"app": {"limit": 2, "windowSeconds": 60}}})
        statuses = [self.api("GET", "/api/v1/apps/0oaSSO1").status for _ in range(3)]
        self.assertEqual(statuses, [200, 200, 429])
        self.api("GET", "/api/v1/apps")
        self.ctl("GET", "/_fake/apps")  # control calls are not counted
        stats = self.ctl("GET", "/_fake/stats")
        self.assertEqual(stats["requests"], 4)
        self.assertEqual(stats["rateLimited"], 1)
        self.assertEqual(stats["byStatus"], {"200": 3, "429": 1})
        self.assertEqual(stats["byPath"], {"GET /api/v1/apps/0oaSSO1": 3, "GET /api/v1/apps": 1})
        self.assertEqual(stats["maxPerPath"], 3)
        self.assertEqual(stats["byBucket"]["app"], {"requests": 3, "rateLimited": 1})
        self.assertEqual(stats["buckets"]["app"]["limit"], 2)
        self.assertEqual(stats["buckets"]["app"]["used"], 2)
        self.assertLessEqual(stats["firstRequestAt"], stats["lastRequestAt"])
        self.assertTrue(all(isinstance(e["time"], float) for e in self.ctl("GET", "/_fake/requests")))
        self.ctl("DELETE", "/_fake/requests")
        self.assertEqual(self.ctl("GET", "/_fake/stats")["requests"], 0)

    def test_app_bucket_of_500_per_minute(self):
        self.ctl("POST", "/_fake/config", {"rateLimits": {"app": {"limit": 500, "windowSeconds": 60}}})
        r = self.api("GET", "/api/v1/apps/0oaSSO1")
        self.assertEqual((r.headers["X-Rate-Limit-Limit"], r.headers["X-Rate-Limit-Remaining"]), ("500", "499"))
        self.assertTrue(time.time() + 59 <= int(r.headers["X-Rate-Limit-Reset"]) <= time.time() + 61)
        self.assertEqual(self.ctl("GET", "/_fake/stats")["buckets"]["app"]["windowSeconds"], 60)


# ------------------------------------------------------------------------------------------
# Keys and SAML metadata
# ------------------------------------------------------------------------------------------


class KeysAndMetadataTests(FakeTestCase):
    NS = {"md": "urn:oasis:names:tc:SAML:2.0:metadata", "ds": "http://www.w3.org/2000/09/xmldsig#"}

    def test_default_key(self):
        r = self.api("GET", "/api/v1/apps/0oaSSO1/credentials/keys")
        self.assertEqual(r.status, 200)
        keys = r.json()
        self.assertEqual(len(keys), 1)
        key = keys[0]
        self.assertEqual(key["kid"], "kidSSO1")  # the app's credentials.signing.kid
        self.assertEqual((key["kty"], key["use"]), ("RSA", "sig"))
        for f in ("created", "lastUpdated", "expiresAt"):
            self.assertRegex(key[f], ISO_MS)
        expires = datetime.fromisoformat(key["expiresAt"].replace("Z", "+00:00"))
        self.assertAlmostEqual((expires - datetime.now(timezone.utc)).days, 730, delta=2)
        cert = x509.load_der_x509_certificate(base64.b64decode(key["x5c"][0]))
        self.assertAlmostEqual(cert.not_valid_after_utc.timestamp(), expires.timestamp(), delta=1)
        # an app without credentials.signing.kid: "<id>-kid"
        self.assertEqual(self.api("GET", "/api/v1/apps/0oaFED1/credentials/keys").json()[0]["kid"], "0oaFED1-kid")
        self.assertOktaError(self.api("GET", "/api/v1/apps/0oaNOPE/credentials/keys"), 404, "E0000007")

    def test_metadata(self):
        key = self.api("GET", "/api/v1/apps/0oaSSO1/credentials/keys").json()[0]
        r = self.api("GET", "/api/v1/apps/0oaSSO1/sso/saml/metadata?kid=kidSSO1", headers={"Accept": "application/xml"})
        self.assertEqual(r.status, 200)
        self.assertEqual(r.headers["Content-Type"], "application/xml")
        self.assertIn("X-Rate-Limit-Remaining", r.headers)
        root = ET.fromstring(r.body)
        self.assertEqual(root.tag, "{urn:oasis:names:tc:SAML:2.0:metadata}EntityDescriptor")
        self.assertTrue(root.get("entityID").startswith("http://www.okta.com/"))
        idp = root.find("md:IDPSSODescriptor", self.NS)
        self.assertEqual(idp.get("WantAuthnRequestsSigned"), "false")
        self.assertEqual(idp.find("md:KeyDescriptor", self.NS).get("use"), "signing")
        cert = idp.find("md:KeyDescriptor/ds:KeyInfo/ds:X509Data/ds:X509Certificate", self.NS).text
        self.assertEqual(cert, key["x5c"][0])
        self.assertTrue(idp.findall("md:NameIDFormat", self.NS))
        sso = {e.get("Binding").rsplit(":", 1)[1]: e.get("Location") for e in idp.findall("md:SingleSignOnService", self.NS)}
        self.assertEqual(sso, {"HTTP-POST": self.base + "/app/amazon_aws_sso/0oaSSO1/sso/saml",
                               "HTTP-Redirect": self.base + "/app/amazon_aws_sso/0oaSSO1/sso/saml"})
        # stable entityID
        again = ET.fromstring(self.api("GET", "/api/v1/apps/0oaSSO1/sso/saml/metadata?kid=kidSSO1").body)
        self.assertEqual(again.get("entityID"), root.get("entityID"))

    def test_metadata_errors(self):
        self.assertOktaError(self.api("GET", "/api/v1/apps/0oaSSO1/sso/saml/metadata"), 400, "E0000001")
        self.assertOktaError(self.api("GET", "/api/v1/apps/0oaSSO1/sso/saml/metadata?kid=nope"), 404, "E0000007")
        self.assertOktaError(self.api("GET", "/api/v1/apps/0oaNOPE/sso/saml/metadata?kid=x"), 404, "E0000007")

    def test_keys_set_by_control(self):
        keys = self.ctl("POST", "/_fake/apps/0oaSSO1/keys", [
            {"kid": "old", "expiresAt": "2020-01-01T00:00:00.000Z", "created": "2018-01-01T00:00:00.000Z"},
            {"kid": "new", "expiresAt": "2036-01-01T00:00:00.000Z", "x5c": ["TUlJQg=="]},
        ])
        self.assertEqual([k["kid"] for k in keys], ["old", "new"])
        listed = self.api("GET", "/api/v1/apps/0oaSSO1/credentials/keys").json()
        self.assertEqual(listed, keys)
        self.assertEqual(listed[0]["created"], "2018-01-01T00:00:00.000Z")
        cert = x509.load_der_x509_certificate(base64.b64decode(listed[0]["x5c"][0]))
        self.assertEqual(cert.not_valid_after_utc.year, 2020)
        r = self.api("GET", "/api/v1/apps/0oaSSO1/sso/saml/metadata?kid=new")
        self.assertIn(b"<ds:X509Certificate>TUlJQg==</ds:X509Certificate>", r.body)
        self.assertOktaError(self.api("GET", "/api/v1/apps/0oaSSO1/sso/saml/metadata?kid=kidSSO1"), 404, "E0000007")


# ------------------------------------------------------------------------------------------
# Fault "trickle": the body arrives slowly
# ------------------------------------------------------------------------------------------


class TrickleTests(FakeTestCase):
    def open_get(self, path):
        import http.client
        connection = http.client.HTTPConnection(self.base.removeprefix("http://"), timeout=10)
        connection.request("GET", path, headers={"Authorization": f"SSWS {API_TOKEN}", "Accept": "application/json"})
        return connection, connection.getresponse()

    def test_head_at_once_then_the_body_at_the_given_rate(self):
        expected = self.api("GET", "/api/v1/apps/0oaSSO1").body
        rate = 4000
        self.ctl("POST", "/_fake/faults", {"faults": [{"method": "GET", "path": "/api/v1/apps/0oaSSO1",
                                                       "action": "trickle", "bytesPerSecond": rate}]})
        t0 = time.monotonic()
        connection, response = self.open_get("/api/v1/apps/0oaSSO1")
        head = time.monotonic() - t0
        self.assertEqual(response.status, 200)
        self.assertEqual(int(response.headers["Content-Length"]), len(expected))
        body = response.read()
        total = time.monotonic() - t0
        connection.close()
        self.assertEqual(json.loads(body)["id"], "0oaSSO1")
        self.assertEqual(len(body), len(expected))
        self.assertLess(head, (len(expected) - 1) / rate / 2, "the head is not held back")
        self.assertGreaterEqual(total, (len(expected) - 1) / rate, "the body took at least its length / rate")
        log = self.ctl("GET", "/_fake/requests")
        self.assertEqual((log[-1]["status"], log[-1]["faults"]), (200, ["trickle"]))
        self.assertEqual(self.api("GET", "/api/v1/apps/0oaSSO1").body, expected, "the fault fired once")

    def test_a_client_that_gives_up_does_not_stall_the_fake(self):
        self.ctl("POST", "/_fake/faults", {"faults": [{"method": "GET", "path": "/api/v1/apps/0oaSSO1", "action": "trickle"}]})
        connection, response = self.open_get("/api/v1/apps/0oaSSO1")
        self.assertEqual(response.read(1), b"{")
        connection.close()
        t0 = time.monotonic()
        self.assertEqual(self.api("GET", "/api/v1/apps/0oaSSO1").status, 200)
        self.assertLess(time.monotonic() - t0, 2)

    def test_bad_rules_refused(self):
        for bad in ({"bytesPerSecond": 0}, {"bytesPerSecond": -1}, {"bytesPerSecond": "1"}, {"bytesPerSecond": True}):
            r = http("POST", self.base + "/_fake/faults", {"faults": [dict(bad, action="trickle")]})
            self.assertEqual(r.status, 400, bad)


class WaitUntilTests(unittest.TestCase):
    """sandbox_testing.wait_until, which both self-test files use instead of fixed sleeps."""

    def test_returns_the_first_truthy_value(self):
        answers = iter([None, 0, "", {"state": "done"}])
        self.assertEqual(wait_until(lambda: next(answers), interval=0, what="the state"), {"state": "done"})

    def test_names_what_did_not_happen_and_describes_it_only_then(self):
        calls, described = [], []

        def describe():
            described.append(True)
            return f"the replica to be Enabled (last seen: Creating after {len(calls)} calls)"

        with self.assertRaises(AssertionError) as cm:
            wait_until(lambda: calls.append(1), timeout=0.1, interval=0.01, what=describe)
        self.assertRegex(str(cm.exception), r"^timed out after 0\.1 s waiting for the replica to be Enabled "
                                            r"\(last seen: Creating after \d+ calls\)$")
        self.assertEqual(described, [True])
        self.assertGreaterEqual(len(calls), 2, "polled until the deadline")

    def test_looks_once_more_after_the_deadline(self):
        calls = []

        def descheduled_then_done():
            calls.append(1)
            if len(calls) == 1:
                time.sleep(0.1)  # the subject: the first look outlasts the deadline
            return len(calls) == 2

        self.assertTrue(wait_until(descheduled_then_done, timeout=0.05, interval=0, what="a second look"))
        self.assertEqual(len(calls), 2)


if __name__ == "__main__":
    unittest.main()
