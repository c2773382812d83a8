#!/usr/bin/env python3
"""AWS test sandbox for idcsync: moto 5.2.5 in server mode plus the pieces moto lacks.

Start it with

    python aws_sandbox.py --port 0 [--host 127.0.0.1] [--verbose]

It prints exactly one line, ``LISTENING http://127.0.0.1:PORT``, once it accepts connections, and
serves every AWS service on that one port (moto routes a request by its SigV4 credential scope:
signing name and Region). SIGTERM/SIGINT exit 0.

What is added on top of moto (see README-aws.md and ../shared/docs/domain-facts.md sections 1, 3):

* sso-admin: one IAM Identity Center instance per sandbox, shared by all its Regions:
  ListInstances, DescribeInstance, ListRegions, DescribeRegion, AddRegion, RemoveRegion
  (asynchronous ADDING/REMOVING computed lazily from timestamps, quota, one workflow at a time,
  primary-Region-only writes, KMS replica checks against moto's KMS backend of the target Region).
* KMS: ReplicateKey honours Policy/Description/Tags, the replica is ``Creating`` for a while,
  AlreadyExistsException, separate PRIMARY/REPLICA MultiRegionConfiguration, real-looking
  ``mrk-<32 hex>`` key ids, PolicyName optional (defaults to ``default``), key ARNs must name the
  Region of the endpoint.
* Organizations: ``sso.amazonaws.com`` is accepted as a delegated-administrator service principal.
* JSON-protocol services answer signature/credential failures as AWS does (400 JSON
  InvalidSignatureException / UnrecognizedClientException / AccessDeniedException) instead of
  moto's XML 403.
* A control API under ``/_sandbox/`` (plain JSON, no SigV4, never counted by moto's
  INITIAL_NO_AUTH_ACTION_COUNT, never logged): reset, seeding, config, faults, request log.

Environment: ``MOTO_ACM_VALIDATION_WAIT`` defaults to 0 here; ``INITIAL_NO_AUTH_ACTION_COUNT`` and
``MOTO_ACCOUNT_ID`` pass through to moto.
"""

from __future__ import annotations

import argparse
import base64
import copy as copy_module
import io
import ipaddress
import json
import os
import re
import secrets
import signal
import sys
import threading
import time
import traceback
import uuid
from http import HTTPStatus
from urllib.parse import parse_qs
from xml.sax.saxutils import escape as xml_escape

# Must be set before moto's settings module is imported.
os.environ.setdefault("MOTO_ACM_VALIDATION_WAIT", "0")

# --------------------------------------------------------------------------------------------
# Constants
# --------------------------------------------------------------------------------------------

DEFAULT_CONFIG = {
    # seconds a Region stays ADDING after AddRegion, then ACTIVE
    "addRegionDelaySeconds": 1.0,
    # seconds a Region stays REMOVING after RemoveRegion, then disappears
    "removeRegionDelaySeconds": 1.0,
    # seconds a KMS replica key stays "Creating" after ReplicateKey, then "Enabled"
    "replicaCreatingSeconds": 0.5,
    # Regions per instance, primary included
    "regionQuota": 6,
    # True: ListInstances (RegionScope CURRENT_REGION, the default) lists the instance only when
    # called in one of its serving Regions, and DescribeInstance/ListRegions/DescribeRegion answer
    # ResourceNotFoundException outside them. False: every Region sees the instance.
    "strictRegions": True,
    # True: AddRegion needs a customer managed multi-Region key (domain facts section 1)
    "requireCustomerManagedKey": True,
    # True: AddRegion also needs the target Region's replica key policy to name the
    # sso.amazonaws.com service principal (else AccessDeniedException, KMS_AccessDeniedException)
    "requireSsoInReplicaPolicy": False,
    # Error when the target Region has no replica of the instance key:
    # "ValidationException" (Reason KMS_InvalidStateException) or
    # "ResourceNotFoundException" (Reason KMS_NotFoundException)
    "missingReplicaError": "ValidationException",
    # The brief/domain facts say DescribeInstance has no PrimaryRegion (the botocore model lists
    # the member); True adds it.
    "describeInstancePrimaryRegion": False,
    # True: ADDING and REMOVING Regions stay so, whatever the delays say, until set back to False
    # (a test that must observe the in-between state on a loaded machine)
    "holdRegionTransitions": False,
}

INSTANCE_ARN_RE = re.compile(r"^arn:aws(-[a-z]{1,5}){0,3}:sso:::instance/(sso)?ins-[a-zA-Z0-9-.]{16}$")
REGION_NAME_RE = re.compile(r"^([a-z]+-){2,3}\d$")
KMS_REGION_RE = re.compile(r"^([a-z]+-){2,3}\d+$")
IDENTITY_STORE_ID_RE = re.compile(r"^d-[0-9a-f]{10}$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
ACCOUNT_RE = re.compile(r"^\d{12}$")
KEY_ID_RE = re.compile(
    r"^(mrk-[0-9a-f]{32}|(mrk-)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$",
    re.IGNORECASE,
)
KEY_ARN_RE = re.compile(r"^arn:(aws[a-z-]*):kms:([^:]*):(\d*):key/(.+)$")
CRED_RE = re.compile(r"Credential=([^/,\s]+)/(\d{8})/([^/,\s]+)/([^/,\s]+)/aws4_request")

JSON_CT = "application/x-amz-json-1.1"

# signing name -> sandbox service name (log / faults)
SIGNING_TO_SERVICE = {"sso": "sso-admin"}
# X-Amz-Target prefix -> service, for requests without a credential scope
TARGET_TO_SERVICE = {
    "SWBExternalService": "sso-admin",
    "TrentService": "kms",
    "AWSOrganizationsV20161128": "organizations",
    "CertificateManager": "acm",
    "AWSIdentityStore": "identitystore",
}
VERSION_TO_SERVICE = {"2011-06-15": "sts", "2010-05-08": "iam", "2016-11-15": "ec2"}
# member name of the message in each JSON service's error shapes (botocore models)
MESSAGE_KEY = {"sso-admin": "Message", "organizations": "Message", "identitystore": "Message"}
QUERY_XMLNS = {
    "sts": "https://sts.amazonaws.com/doc/2011-06-15/",
    "iam": "https://iam.amazonaws.com/doc/2010-05-08/",
}

ADMIN_POLICY = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)

VERBOSE = False


def log_err(msg: str) -> None:
    sys.stderr.write(msg.rstrip("\n") + "\n")
    sys.stderr.flush()


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


class AwsError(Exception):
    """An AWS JSON 1.1 error: HTTP status, __type, message and optional extra members."""

    def __init__(self, code: str, message: str, status: int = 400, message_key: str = "Message",
                 **fields):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.message_key = message_key
        self.fields = fields

    def body(self) -> str:
        doc = {"__type": self.code, self.message_key: self.message}
        doc.update({k: v for k, v in self.fields.items() if v is not None})
        return json.dumps(doc)

    def headers(self) -> dict:
        return {"x-amzn-ErrorType": f"{self.code}:", "Content-Type": JSON_CT,
                "x-amzn-RequestId": str(uuid.uuid4())}


def sso_validation(message: str, reason: str | None = None) -> AwsError:
    return AwsError("ValidationException", message, Reason=reason)


def kms_error(code: str, message: str) -> AwsError:
    return AwsError(code, message, message_key="message")


def aws_op(fn):
    """Wrap a moto response method: AwsError becomes a moto (body, headers) error tuple."""

    def wrapper(self):
        try:
            result = fn(self)
        except AwsError as e:
            headers = e.headers()
            headers["status"] = e.status
            return e.body(), headers
        return json.dumps(result), {"Content-Type": JSON_CT}

    wrapper.__name__ = fn.__name__
    wrapper.__qualname__ = fn.__qualname__
    return wrapper


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def credential_scope(headers) -> tuple | None:
    """(accessKeyId, date, region, service) from a SigV4 Authorization header, or None."""
    auth = headers.get("Authorization") or headers.get("authorization") or ""
    m = CRED_RE.search(auth)
    return m.groups() if m else None


def now() -> float:
    return time.time()


def ts(value: float) -> float:
    return round(float(value), 3)


_KNOWN_REGIONS: set | None = None


def known_regions() -> set:
    global _KNOWN_REGIONS
    if _KNOWN_REGIONS is None:
        import botocore

        path = os.path.join(os.path.dirname(botocore.__file__), "data", "endpoints.json")
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        _KNOWN_REGIONS = {r for p in doc["partitions"] for r in p.get("regions", {})}
    return _KNOWN_REGIONS


def partition_of(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def encode_token(offset: int, kind: str) -> str:
    return base64.b64encode(json.dumps({"o": offset, "k": kind}).encode()).decode()


def decode_token(token, kind: str) -> int:
    if token in (None, ""):
        return 0
    try:
        doc = json.loads(base64.b64decode(str(token), validate=True))
        if doc.get("k") != kind or not isinstance(doc.get("o"), int) or doc["o"] < 0:
            raise ValueError
        return doc["o"]
    except Exception:
        raise sso_validation("The NextToken is invalid or has expired.") from None


def check_max_results(value) -> int:
    if value is None:
        return 100
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100:
        raise sso_validation(
            f"1 validation error detected: Value '{value}' at 'maxResults' failed to satisfy "
            "constraint: Member must have value between 1 and 100"
        )
    return value


def check_instance_arn(value) -> str:
    if not isinstance(value, str) or not value:
        raise sso_validation(
            "1 validation error detected: Value null at 'instanceArn' failed to satisfy "
            "constraint: Member must not be null"
        )
    if not INSTANCE_ARN_RE.match(value) or len(value) > 1224:
        raise sso_validation(
            f"1 validation error detected: Value '{value}' at 'instanceArn' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: "
            "arn:aws(-[a-z]{1,5}){0,3}:sso:::instance/(sso)?ins-[a-zA-Z0-9-.]{16}"
        )
    return value


def check_region_name(value) -> str:
    if not isinstance(value, str) or not value:
        raise sso_validation(
            "1 validation error detected: Value null at 'regionName' failed to satisfy "
            "constraint: Member must not be null"
        )
    if not REGION_NAME_RE.match(value) or len(value) > 32:
        raise sso_validation(
            f"1 validation error detected: Value '{value}' at 'regionName' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: ([a-z]+-){2,3}\\d"
        )
    return value


# --------------------------------------------------------------------------------------------
# Sandbox state (the IdC instance, config, faults, request log)
# --------------------------------------------------------------------------------------------


class Sandbox:
    def __init__(self, account_id: str):
        self.account_id = account_id
        self.lock = threading.RLock()
        # serialises every call into moto (moto's backends are not thread-safe)
        self.moto_lock = threading.RLock()
        self.config = dict(DEFAULT_CONFIG)
        self.instance: dict | None = None
        self.faults: list[dict] = []
        self.requests: list[dict] = []
        self.initial_auth_count = None  # set in main()

    # ---- lifecycle ----

    def reset(self) -> None:
        with self.lock:
            self.config = dict(DEFAULT_CONFIG)
            self.instance = None
            self.faults = []
            self.requests = []

    # ---- the instance ----

    def refresh(self) -> None:
        """Apply the lazy ADDING->ACTIVE and REMOVING->gone transitions."""
        inst = self.instance
        if inst is None or self.config.get("holdRegionTransitions"):
            return
        t = now()
        keep = []
        for r in inst["regions"]:
            if r["status"] == "ADDING" and r.get("until") is not None and t >= r["until"]:
                r["status"] = "ACTIVE"
                r["until"] = None
            if r["status"] == "REMOVING" and r.get("until") is not None and t >= r["until"]:
                continue
            keep.append(r)
        inst["regions"] = keep

    def region_metadata(self, r: dict) -> dict:
        return {
            "RegionName": r["name"],
            "Status": r["status"],
            "AddedDate": ts(r["addedDate"]),
            "IsPrimaryRegion": r["name"] == self.instance["primaryRegion"],
        }

    def sorted_regions(self) -> list[dict]:
        inst = self.instance
        return sorted(
            inst["regions"],
            key=lambda r: (r["name"] != inst["primaryRegion"], r["addedDate"], r["name"]),
        )

    def serving_regions(self) -> set:
        return {r["name"] for r in self.instance["regions"] if r["status"] in ("ACTIVE", "REMOVING")}

    def instance_summary(self) -> dict:
        inst = self.instance
        doc = {
            "InstanceArn": inst["instanceArn"],
            "IdentityStoreId": inst["identityStoreId"],
            "IdentityStoreArn": identity_store_arn(inst),
            "OwnerAccountId": inst["ownerAccountId"],
            "Name": inst["name"],
            "CreatedDate": ts(inst["createdDate"]),
            "Status": inst["status"],
            "PrimaryRegion": inst["primaryRegion"],
            "Regions": [self.region_metadata(r) for r in self.sorted_regions()],
        }
        return {k: v for k, v in doc.items() if v is not None}

    def state_json(self) -> dict | None:
        """The instance as the control API shows it."""
        if self.instance is None:
            return None
        self.refresh()
        inst = self.instance
        return {
            "instanceArn": inst["instanceArn"],
            "identityStoreId": inst["identityStoreId"],
            "identityStoreArn": identity_store_arn(inst),
            "ownerAccountId": inst["ownerAccountId"],
            "name": inst["name"],
            "status": inst["status"],
            "createdDate": ts(inst["createdDate"]),
            "primaryRegion": inst["primaryRegion"],
            "kmsKeyArn": inst["kmsKeyArn"],
            "keyType": "CUSTOMER_MANAGED_KEY" if inst["kmsKeyArn"] else "AWS_OWNED_KMS_KEY",
            "regions": [
                {
                    "regionName": r["name"],
                    "status": r["status"],
                    "addedDate": ts(r["addedDate"]),
                    "isPrimaryRegion": r["name"] == inst["primaryRegion"],
                    "transitionAt": ts(r["until"]) if r.get("until") is not None else None,
                }
                for r in self.sorted_regions()
            ],
        }

    # ---- faults ----

    def take_fault(self, info: dict) -> dict | None:
        with self.lock:
            for rule in self.faults:
                if not fault_matches(rule, info):
                    continue
                if rule.get("skip", 0) > 0:
                    rule["skip"] -= 1
                    continue
                if rule["times"] > 0:
                    rule["times"] -= 1
                    if rule["times"] == 0:
                        self.faults.remove(rule)
                # times < 0: unlimited
                return copy_module.deepcopy(rule)
        return None


def identity_store_arn(inst: dict) -> str:
    part = inst["instanceArn"].split(":")[1]
    return f"arn:{part}:identitystore::{inst['ownerAccountId']}:identitystore/{inst['identityStoreId']}"


def fault_matches(rule: dict, info: dict) -> bool:
    for field in ("service", "operation", "region"):
        want = rule.get(field)
        if want in (None, "*"):
            continue
        if want != info.get(field):
            return False
    return True


SANDBOX: Sandbox = None  # type: ignore[assignment]


# --------------------------------------------------------------------------------------------
# sso-admin operations (patched into moto's SSOAdminResponse so that moto's SigV4 check runs)
# --------------------------------------------------------------------------------------------


def _request_region(resp) -> str:
    scope = credential_scope(resp.headers)
    return scope[2] if scope else resp.region


def _params(resp) -> dict:
    try:
        doc = json.loads(resp.body or "{}")
    except ValueError:
        raise AwsError("SerializationException", "Malformed JSON request body") from None
    if not isinstance(doc, dict):
        raise AwsError("SerializationException", "Malformed JSON request body")
    return doc


def _find_instance(arn: str, region: str, reads: bool = True) -> dict:
    sb = SANDBOX
    inst = sb.instance
    if inst is None or inst["instanceArn"] != arn:
        raise AwsError("ResourceNotFoundException", f"Instance {arn} does not exist")
    if reads and sb.config["strictRegions"] and region not in sb.serving_regions():
        raise AwsError(
            "ResourceNotFoundException",
            f"Instance {arn} is not available in Region {region}: it is enabled in "
            f"{', '.join(sorted(sb.serving_regions()))}",
        )
    return inst


def op_list_instances(resp) -> dict:
    p = _params(resp)
    region = _request_region(resp)
    max_results = check_max_results(p.get("MaxResults"))
    scope = p.get("RegionScope") or "CURRENT_REGION"
    if scope not in ("CURRENT_REGION", "ALL_REGIONS"):
        raise sso_validation(
            f"1 validation error detected: Value '{scope}' at 'regionScope' failed to satisfy "
            "constraint: Member must satisfy enum value set: [CURRENT_REGION, ALL_REGIONS]"
        )
    sb = SANDBOX
    with sb.lock:
        sb.refresh()
        items = []
        if sb.instance is not None:
            visible = (
                scope == "ALL_REGIONS"
                or not sb.config["strictRegions"]
                or region in sb.serving_regions()
            )
            if visible:
                items.append(sb.instance_summary())
        offset = decode_token(p.get("NextToken"), "instances")
        page = items[offset: offset + min(max_results, 10)]
        out = {"Instances": page}
        if offset + len(page) < len(items):
            out["NextToken"] = encode_token(offset + len(page), "instances")
        return out


def op_describe_instance(resp) -> dict:
    p = _params(resp)
    arn = check_instance_arn(p.get("InstanceArn"))
    sb = SANDBOX
    with sb.lock:
        sb.refresh()
        inst = _find_instance(arn, _request_region(resp))
        out = sb.instance_summary()
        if not sb.config["describeInstancePrimaryRegion"]:
            out.pop("PrimaryRegion", None)
        enc = {"KeyType": "CUSTOMER_MANAGED_KEY" if inst["kmsKeyArn"] else "AWS_OWNED_KMS_KEY"}
        if inst["kmsKeyArn"]:
            enc["KmsKeyArn"] = inst["kmsKeyArn"]
        enc["EncryptionStatus"] = "ENABLED"
        out["EncryptionConfigurationDetails"] = enc
        return out


def op_list_regions(resp) -> dict:
    p = _params(resp)
    arn = check_instance_arn(p.get("InstanceArn"))
    max_results = check_max_results(p.get("MaxResults"))
    sb = SANDBOX
    with sb.lock:
        sb.refresh()
        _find_instance(arn, _request_region(resp))
        regions = [sb.region_metadata(r) for r in sb.sorted_regions()]
        offset = decode_token(p.get("NextToken"), "regions:" + arn)
        page = regions[offset: offset + max_results]
        out = {"Regions": page}
        if offset + len(page) < len(regions):
            out["NextToken"] = encode_token(offset + len(page), "regions:" + arn)
        return out


def op_describe_region(resp) -> dict:
    p = _params(resp)
    arn = check_instance_arn(p.get("InstanceArn"))
    name = check_region_name(p.get("RegionName"))
    sb = SANDBOX
    with sb.lock:
        sb.refresh()
        inst = _find_instance(arn, _request_region(resp))
        for r in inst["regions"]:
            if r["name"] == name:
                return sb.region_metadata(r)
        raise AwsError("ResourceNotFoundException",
                       f"Region {name} is not enabled for instance {arn}")


def _check_primary_endpoint(inst: dict, region: str, op: str) -> None:
    if region != inst["primaryRegion"]:
        raise sso_validation(
            f"{op} must be called in the primary Region of the instance "
            f"({inst['primaryRegion']}); this request was sent to {region}"
        )


def _in_progress(inst: dict) -> dict | None:
    return next((r for r in inst["regions"] if r["status"] in ("ADDING", "REMOVING")), None)


def _check_replica_key(inst: dict, target: str) -> None:
    """The instance's multi-Region key must have an Enabled replica in the target Region."""
    sb = SANDBOX
    key_arn = inst["kmsKeyArn"]
    if not key_arn:
        if sb.config["requireCustomerManagedKey"]:
            raise sso_validation(
                "Adding a Region requires the instance to be encrypted with a customer managed "
                "multi-Region KMS key; this instance uses an AWS owned key"
            )
        return
    m = KEY_ARN_RE.match(key_arn)
    key_id = m.group(4) if m else key_arn.rsplit("/", 1)[-1]
    if not key_id.startswith("mrk-"):
        raise sso_validation(
            f"The KMS key {key_arn} of the instance is not a multi-Region key; move the instance "
            "to a multi-Region key (UpdateInstance) before adding Regions",
            "KMS_InvalidKeyUsageException",
        )
    from moto.kms.models import kms_backends

    account = m.group(3) if m and m.group(3) else sb.account_id
    with sb.moto_lock:
        key = kms_backends[account][target].keys.get(key_id)
        if key is None:
            msg = (f"KMS key {key_id} has no replica in {target} (KMS NotFoundException): "
                   f"replicate the multi-Region key to {target} first")
            if sb.config["missingReplicaError"] == "ResourceNotFoundException":
                raise AwsError("ResourceNotFoundException", msg, Reason="KMS_NotFoundException")
            raise sso_validation(msg, "KMS_InvalidStateException")
        state = key.key_state
        if state == "Disabled":
            raise sso_validation(f"The replica key {key.arn} is disabled", "KMS_DisabledException")
        if state != "Enabled":
            raise sso_validation(
                f"The replica key {key.arn} is in state {state}, not Enabled",
                "KMS_InvalidStateException",
            )
        if key.key_usage != "ENCRYPT_DECRYPT" or key.key_spec != "SYMMETRIC_DEFAULT":
            raise sso_validation(
                f"The replica key {key.arn} is not a symmetric ENCRYPT_DECRYPT key",
                "KMS_InvalidKeyUsageException",
            )
        if sb.config["requireSsoInReplicaPolicy"] and not policy_names_sso(key.policy):
            raise AwsError(
                "AccessDeniedException",
                f"The key policy of {key.arn} does not allow sso.amazonaws.com to use the key",
                Reason="KMS_AccessDeniedException",
            )


def policy_names_sso(policy: str) -> bool:
    try:
        doc = json.loads(policy)
    except (TypeError, ValueError):
        return False
    stmts = doc.get("Statement", [])
    if isinstance(stmts, dict):
        stmts = [stmts]
    for st in stmts:
        if not isinstance(st, dict) or st.get("Effect") != "Allow":
            continue
        principal = st.get("Principal")
        services = principal.get("Service", []) if isinstance(principal, dict) else []
        if isinstance(services, str):
            services = [services]
        if "sso.amazonaws.com" in services:
            return True
    return False


def op_add_region(resp) -> dict:
    p = _params(resp)
    arn = check_instance_arn(p.get("InstanceArn"))
    name = check_region_name(p.get("RegionName"))
    region = _request_region(resp)
    sb = SANDBOX
    with sb.lock:
        sb.refresh()
        inst = _find_instance(arn, region, reads=False)
        _check_primary_endpoint(inst, region, "AddRegion")
        if name not in known_regions():
            raise sso_validation(f"{name} is not a valid AWS Region")
        existing = next((r for r in inst["regions"] if r["name"] == name), None)
        if existing is not None and existing["status"] == "ACTIVE":
            raise AwsError("ConflictException",
                           f"Region {name} is already enabled for instance {arn}")
        busy = _in_progress(inst)
        if busy is not None:
            raise AwsError(
                "ConflictException",
                f"Another region operation is in progress for instance {arn} "
                f"({busy['name']} is {busy['status']})",
            )
        quota = int(sb.config["regionQuota"])
        if len(inst["regions"]) >= quota:
            raise AwsError(
                "ServiceQuotaExceededException",
                f"The instance already has {len(inst['regions'])} Regions, the quota of Regions "
                f"per instance is {quota}",
            )
        _check_replica_key(inst, name)
        t = now()
        inst["regions"].append({
            "name": name,
            "status": "ADDING",
            "addedDate": t,
            "until": t + float(sb.config["addRegionDelaySeconds"]),
        })
        return {"Status": "ADDING"}


def op_remove_region(resp) -> dict:
    p = _params(resp)
    arn = check_instance_arn(p.get("InstanceArn"))
    name = check_region_name(p.get("RegionName"))
    region = _request_region(resp)
    sb = SANDBOX
    with sb.lock:
        sb.refresh()
        inst = _find_instance(arn, region, reads=False)
        _check_primary_endpoint(inst, region, "RemoveRegion")
        if name == inst["primaryRegion"]:
            raise sso_validation(f"The primary Region {name} cannot be removed")
        existing = next((r for r in inst["regions"] if r["name"] == name), None)
        if existing is None:
            raise AwsError("ResourceNotFoundException",
                           f"Region {name} is not enabled for instance {arn}")
        busy = _in_progress(inst)
        if busy is not None:
            raise AwsError(
                "ConflictException",
                f"Another region operation is in progress for instance {arn} "
                f"({busy['name']} is {busy['status']})",
            )
        existing["status"] = "REMOVING"
        existing["until"] = now() + float(sb.config["removeRegionDelaySeconds"])
        return {"Status": "REMOVING"}


# --------------------------------------------------------------------------------------------
# KMS
# --------------------------------------------------------------------------------------------


def _make_replica_class(Key):
    class SandboxReplicaKey(Key):
        """A replica whose KeyState is Creating until _sbx_ready_at, then Enabled (lazily)."""

        # moto's model metaclass derives the service from the module name
        __module__ = "moto.kms.models"

        @property
        def key_state(self):
            d = self.__dict__
            state = d.get("_sbx_state", "Enabled")
            if state == "Creating" and now() >= d.get("_sbx_ready_at", 0):
                d["_sbx_state"] = state = "Enabled"
                d["_sbx_enabled"] = True
            return state

        @key_state.setter
        def key_state(self, value):
            self.__dict__["_sbx_state"] = value

        @property
        def enabled(self):
            self.key_state  # noqa: B018 - triggers the lazy transition
            return self.__dict__.get("_sbx_enabled", True)

        @enabled.setter
        def enabled(self, value):
            self.__dict__["_sbx_enabled"] = value

    return SandboxReplicaKey


def mrk_configuration(key) -> dict:
    from moto.kms.models import kms_backends

    primary_region = key.__dict__.get("_sbx_primary_region") or key.region
    part = partition_of(primary_region)
    acct = key.account_id

    def arn(region):
        return f"arn:{part}:kms:{region}:{acct}:key/{key.id}"

    if primary_region == key.region:
        primary = key
    else:
        primary = kms_backends[acct][primary_region].keys.get(key.id)
    regions = list(primary.__dict__.get("_sbx_replica_regions", [])) if primary is not None else []
    replicas = [
        {"Arn": arn(r), "Region": r}
        for r in regions
        if key.id in kms_backends[acct][r].keys
    ]
    return {
        "MultiRegionKeyType": "PRIMARY" if primary_region == key.region else "REPLICA",
        "PrimaryKey": {"Arn": arn(primary_region), "Region": primary_region},
        "ReplicaKeys": replicas,
    }


def _validate_policy_doc(policy) -> None:
    if not isinstance(policy, str) or not 1 <= len(policy) <= 131072:
        raise kms_error(
            "ValidationException",
            "1 validation error detected: Value at 'policy' failed to satisfy constraint: "
            "Member must have length less than or equal to 131072",
        )
    try:
        doc = json.loads(policy)
        if not isinstance(doc, dict):
            raise ValueError
    except ValueError:
        raise kms_error("MalformedPolicyDocumentException",
                        "The new key policy will not allow you to update the key policy in the "
                        "future.") from None


def op_replicate_key(resp) -> dict:
    from moto.kms.models import kms_backends

    p = _params(resp)
    key_id = p.get("KeyId")
    replica_region = p.get("ReplicaRegion")
    policy = p.get("Policy")
    description = p.get("Description")
    tags = p.get("Tags") or []
    if not isinstance(key_id, str) or not key_id:
        raise kms_error("ValidationException", "1 validation error detected: Value null at "
                        "'keyId' failed to satisfy constraint: Member must not be null")
    if not isinstance(replica_region, str) or not KMS_REGION_RE.match(replica_region):
        raise kms_error(
            "ValidationException",
            f"1 validation error detected: Value '{replica_region}' at 'replicaRegion' failed to "
            "satisfy constraint: Member must satisfy regular expression pattern: ^([a-z]+-){2,3}\\d+$",
        )
    resp._validate_key_id(key_id)
    backend = resp.kms_backend
    key = backend.keys[backend.any_id_to_key_id(key_id)]
    if not key.multi_region:
        raise kms_error("UnsupportedOperationException",
                        f"{key.arn} is not a multi-Region key. You can only replicate "
                        "multi-Region primary keys.")
    primary_region = key.__dict__.get("_sbx_primary_region") or key.region
    if primary_region != backend.region_name:
        raise kms_error("UnsupportedOperationException",
                        f"{key.arn} is a multi-Region replica key. You can only replicate "
                        "multi-Region primary keys.")
    if replica_region not in known_regions() or partition_of(replica_region) != partition_of(
            backend.region_name):
        raise kms_error("UnsupportedOperationException",
                        f"Region {replica_region} is not supported for replication of {key.arn}")
    if replica_region == backend.region_name:
        raise kms_error("ValidationException",
                        f"The replica Region {replica_region} cannot be the primary key's Region")
    if key.key_state == "PendingDeletion":
        raise kms_error("KMSInvalidStateException",
                        f"{key.arn} is pending deletion.")
    target = kms_backends[key.account_id][replica_region]
    if key.id in target.keys:
        raise kms_error(
            "AlreadyExistsException",
            f"Multi-Region key {key.arn} already has a replica in {replica_region}: "
            f"{target.keys[key.id].arn}",
        )
    if policy is not None:
        _validate_policy_doc(policy)
    if description is not None and (not isinstance(description, str) or len(description) > 8192):
        raise kms_error("ValidationException", "1 validation error detected: Value at "
                        "'description' failed to satisfy constraint: Member must have length "
                        "less than or equal to 8192")

    replica = copy_module.copy(key)
    replica.__class__ = REPLICA_KEY_CLASS
    for attr in ("key_state", "enabled"):
        replica.__dict__.pop(attr, None)
    t = now()
    replica.__dict__["_sbx_state"] = "Creating"
    replica.__dict__["_sbx_enabled"] = False
    replica.__dict__["_sbx_ready_at"] = t + float(SANDBOX.config["replicaCreatingSeconds"])
    replica.__dict__["_sbx_primary_region"] = backend.region_name
    replica.__dict__.pop("_sbx_replica_regions", None)
    replica.region = replica_region
    replica.arn = f"arn:{partition_of(replica_region)}:kms:{replica_region}:{key.account_id}:key/{key.id}"
    replica.policy = policy if policy is not None else replica.generate_default_policy()
    replica.description = description or ""
    replica.creation_date = ts(t)
    replica.deletion_date = None
    replica.grants = {}
    replica.aliases = {}
    replica.rotations = list(getattr(key, "rotations", []))
    replica.multi_region_configuration = {}
    target.keys[replica.id] = replica
    if tags:
        target.tagger.tag_resource(replica.id, tags)
    regions = key.__dict__.setdefault("_sbx_replica_regions", [])
    if replica_region not in regions:
        regions.append(replica_region)
    out = {
        "ReplicaKeyMetadata": replica.to_dict()["KeyMetadata"],
        "ReplicaPolicy": replica.policy,
    }
    if tags:
        out["ReplicaTags"] = tags
    return out


REPLICA_KEY_CLASS = None


# --------------------------------------------------------------------------------------------
# Patching moto
# --------------------------------------------------------------------------------------------


def patch_moto() -> None:
    global REPLICA_KEY_CLASS
    import moto.kms.models as kms_models
    import moto.kms.responses as kms_responses
    import moto.organizations.models as org_models
    import moto.ssoadmin.models as sso_models
    import moto.ssoadmin.responses as sso_responses
    from moto.core.responses import BaseResponse

    # -- every service: the credential-scope Region wins over the User-Agent --
    orig_region = BaseResponse.get_region_from_url

    def get_region_from_url(self, request, full_url):
        scope = credential_scope(request.headers)
        if scope:
            return scope[2]
        return orig_region(self, request, full_url)

    BaseResponse.get_region_from_url = get_region_from_url

    # -- sso-admin --
    orig_sso_init = sso_models.SSOAdminBackend.__init__

    def sso_init(self, region_name, account_id):
        orig_sso_init(self, region_name, account_id)
        self.instances = []  # the sandbox's single instance replaces moto's per-Region one

    sso_models.SSOAdminBackend.__init__ = sso_init
    R = sso_responses.SSOAdminResponse
    R.list_instances = aws_op(op_list_instances)
    R.describe_instance = aws_op(op_describe_instance)
    R.list_regions = aws_op(op_list_regions)
    R.describe_region = aws_op(op_describe_region)
    R.add_region = aws_op(op_add_region)
    R.remove_region = aws_op(op_remove_region)
    for name in ("list_instances", "describe_instance", "list_regions", "describe_region",
                 "add_region", "remove_region"):
        getattr(R, name).__name__ = name

    # -- KMS --
    def generate_key_id(multi_region: bool = False) -> str:
        if multi_region:
            return "mrk-" + uuid.uuid4().hex
        return str(uuid.uuid4())

    kms_models.generate_key_id = generate_key_id
    REPLICA_KEY_CLASS = _make_replica_class(kms_models.Key)

    orig_to_dict = kms_models.Key.to_dict

    def to_dict(self):
        doc = orig_to_dict(self)
        md = doc["KeyMetadata"]
        if self.multi_region:
            md["MultiRegionConfiguration"] = mrk_configuration(self)
        # real KMS omits members that do not apply (moto sends null or [])
        for k in [k for k, v in md.items() if v is None]:
            del md[k]
        if md.get("SigningAlgorithms") == [] and md.get("KeyUsage") == "ENCRYPT_DECRYPT":
            del md["SigningAlgorithms"]
        return doc

    orig_create_key = kms_models.KmsBackend.create_key

    def create_key(self, policy, key_usage, key_spec, description, tags, *args, **kwargs):
        # KMS defaults KeyUsage to ENCRYPT_DECRYPT (moto stores None)
        return orig_create_key(self, policy, key_usage or "ENCRYPT_DECRYPT", key_spec,
                               description, tags, *args, **kwargs)

    kms_models.KmsBackend.create_key = create_key

    kms_models.Key.to_dict = to_dict

    def describe_key(self, key_id):
        return self.keys[self.any_id_to_key_id(key_id)]

    kms_models.KmsBackend.describe_key = describe_key

    def assert_default_policy(policy_name):
        if policy_name is not None and policy_name != "default":
            raise kms_responses.NotFoundException("No such policy exists")

    kms_responses._assert_default_policy = assert_default_policy

    KR = kms_responses.KmsResponse

    def _check_arn_scope(self, key_id):
        m = KEY_ARN_RE.match(key_id) if key_id.startswith("arn:") else None
        if m and (m.group(2) != self.region or m.group(3) != self.current_account):
            raise kms_responses.NotFoundException(f"Key '{key_id}' does not exist")

    def _validate_cmk_id(self, key_id):
        if not isinstance(key_id, str):
            raise kms_responses.NotFoundException(f"Invalid keyId {key_id}")
        is_arn = key_id.startswith("arn:") and ":key/" in key_id
        if not is_arn and not KEY_ID_RE.match(key_id):
            raise kms_responses.NotFoundException(f"Invalid keyId {key_id}")
        _check_arn_scope(self, key_id)
        cmk_id = self.kms_backend.get_key_id(key_id)
        if cmk_id not in self.kms_backend.keys:
            raise kms_responses.NotFoundException(
                f"Key '{self._display_arn(key_id)}' does not exist")

    KR._validate_cmk_id = _validate_cmk_id

    orig_validate_alias = KR._validate_alias

    def _validate_alias(self, key_id):
        if key_id.startswith("arn:"):
            m = re.match(r"^arn:[^:]+:kms:([^:]*):(\d*):alias/", key_id)
            if m and (m.group(1) != self.region or m.group(2) != self.current_account):
                raise kms_responses.NotFoundException(f"Alias {key_id} is not found.")
        return orig_validate_alias(self, key_id)

    KR._validate_alias = _validate_alias

    def replicate_key(self):
        return op_replicate_key(self)

    KR.replicate_key = aws_op(replicate_key)
    KR.replicate_key.__name__ = "replicate_key"

    # -- Organizations: sso.amazonaws.com may have delegated administrators --
    supported = org_models.FakeDelegatedAdministrator.SUPPORTED_SERVICES
    if "sso.amazonaws.com" not in supported:
        supported.append("sso.amazonaws.com")


# --------------------------------------------------------------------------------------------
# Control API helpers that touch moto
# --------------------------------------------------------------------------------------------


def moto_reset() -> None:
    from moto.core.authorization import ActionAuthenticatorMixin
    from moto.moto_api._internal.models import moto_api_backend

    moto_api_backend.reset()
    ActionAuthenticatorMixin.request_count = 0


def seed_organization(body: dict) -> dict:
    from moto.organizations import utils as org_utils
    from moto.organizations.models import (
        FakeAccount,
        FakeDelegatedAdministrator,
        organizations_backends,
    )

    acct = SANDBOX.account_id
    be = organizations_backends[acct]["aws"]
    if be.org is None:
        be.create_organization(region="us-east-1", FeatureSet=body.get("featureSet") or "ALL")

    def ensure_account(aid: str, name: str | None = None, email: str | None = None):
        if not isinstance(aid, str) or not ACCOUNT_RE.match(aid):
            raise ControlError(400, f"account id must be 12 digits: {aid!r}")
        found = next((a for a in be.accounts if a.id == aid), None)
        if found is not None:
            return found
        account = FakeAccount(be.org, AccountName=name or f"account-{aid}",
                              Email=email or f"aws+{aid}@example.com")
        account.id = aid
        be.accounts.append(account)
        for policy_id in (org_utils.DEFAULT_SCP_POLICY_ID, org_utils.DEFAULT_RCP_POLICY_ID):
            be.attach_policy(PolicyId=policy_id, TargetId=aid)
        organizations_backends.master_accounts[aid] = (acct, "aws")
        return account

    for a in body.get("accounts") or []:
        if not isinstance(a, dict):
            raise ControlError(400, "accounts: objects {id, name?, email?} expected")
        ensure_account(a.get("id"), a.get("name"), a.get("email"))

    admins_spec = body.get("delegatedAdministrators") or {}
    if not isinstance(admins_spec, dict):
        raise ControlError(400, "delegatedAdministrators: {servicePrincipal: [accountId]} expected")
    for principal, ids in admins_spec.items():
        if not isinstance(ids, list):
            raise ControlError(400, f"delegatedAdministrators[{principal!r}] must be a list")
        if principal not in FakeDelegatedAdministrator.SUPPORTED_SERVICES:
            FakeDelegatedAdministrator.SUPPORTED_SERVICES.append(principal)
        for admin in list(be.admins):
            if principal in admin.services and admin.account.id not in ids:
                admin.services.pop(principal)
                if not admin.services:
                    be.admins.remove(admin)
        for aid in ids:
            if aid == acct:
                raise ControlError(400, "the management account cannot be a delegated administrator")
            ensure_account(aid)
            admin = next((a for a in be.admins if a.account.id == aid), None)
            if admin is None or principal not in admin.services:
                be.register_delegated_administrator(AccountId=aid, ServicePrincipal=principal)
    return organization_state()


def organization_state() -> dict | None:
    from moto.organizations.models import organizations_backends

    be = organizations_backends[SANDBOX.account_id]["aws"]
    if be.org is None:
        return None
    principals: dict[str, list] = {}
    for admin in be.admins:
        for principal in admin.services:
            principals.setdefault(principal, []).append(admin.account.id)
    return {
        "organization": be.org.describe()["Organization"],
        "accounts": [a.id for a in be.accounts],
        "delegatedAdministrators": principals,
    }


def create_iam_admin(body: dict) -> dict:
    from moto.iam.models import iam_backends

    name = body.get("userName") or "sandbox-admin"
    be = iam_backends[SANDBOX.account_id]["aws"]
    if name not in be.users:
        be.create_user(region_name="us-east-1", user_name=name)
    be.put_user_policy(name, "sandbox-admin-all", ADMIN_POLICY)
    keys = be.list_access_keys(name)
    while len(keys) >= 2:
        be.delete_access_key(keys[0].access_key_id, name)
        keys = be.list_access_keys(name)
    key = be.create_access_key(name)
    user = be.get_user(name)
    return {
        "accessKeyId": key.access_key_id,
        "secretAccessKey": key.secret_access_key,
        "userName": name,
        "arn": user.arn,
        "accountId": SANDBOX.account_id,
    }


def auth_state() -> dict:
    from moto import settings
    from moto.core.authorization import ActionAuthenticatorMixin

    count = settings.INITIAL_NO_AUTH_ACTION_COUNT
    return {
        "initialNoAuthActionCount": None if count == float("inf") else int(count),
        "requestCount": ActionAuthenticatorMixin.request_count,
        "enforced": ActionAuthenticatorMixin.request_count >= count,
    }


def set_auth(value) -> None:
    from moto import settings
    from moto.core.authorization import ActionAuthenticatorMixin

    if value is None:
        settings.INITIAL_NO_AUTH_ACTION_COUNT = float("inf")
    else:
        settings.INITIAL_NO_AUTH_ACTION_COUNT = float(value)
    ActionAuthenticatorMixin.request_count = 0


def auth_enforced() -> bool:
    from moto import settings
    from moto.core.authorization import ActionAuthenticatorMixin

    return ActionAuthenticatorMixin.request_count >= settings.INITIAL_NO_AUTH_ACTION_COUNT


# --------------------------------------------------------------------------------------------
# Control API
# --------------------------------------------------------------------------------------------


class ControlError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def seed_instance(body: dict) -> dict:
    sb = SANDBOX
    arn = body.get("instanceArn") or f"arn:aws:sso:::instance/ssoins-{secrets.token_hex(8)}"
    if not isinstance(arn, str) or not INSTANCE_ARN_RE.match(arn):
        raise ControlError(400, f"instanceArn does not match the sso-admin pattern: {arn!r}")
    store = body.get("identityStoreId") or f"d-{secrets.token_hex(5)}"
    if not isinstance(store, str) or not IDENTITY_STORE_ID_RE.match(store):
        raise ControlError(400, f"identityStoreId must look like d-0123456789: {store!r}")
    owner = body.get("ownerAccountId") or sb.account_id
    if not isinstance(owner, str) or not ACCOUNT_RE.match(owner):
        raise ControlError(400, "ownerAccountId must be 12 digits")
    primary = body.get("primaryRegion")
    if not isinstance(primary, str) or not REGION_NAME_RE.match(primary):
        raise ControlError(400, "primaryRegion is required, e.g. \"ap-northeast-1\"")
    kms_arn = body.get("kmsKeyArn")
    if kms_arn is not None and (not isinstance(kms_arn, str) or not KEY_ARN_RE.match(kms_arn)):
        raise ControlError(400, "kmsKeyArn must be a KMS key ARN or null")
    status = body.get("status") or "ACTIVE"
    if status not in ("CREATE_IN_PROGRESS", "CREATE_FAILED", "DELETE_IN_PROGRESS", "ACTIVE"):
        raise ControlError(400, f"unknown instance status {status!r}")
    name = body.get("name")
    if name is not None and not isinstance(name, str):
        raise ControlError(400, "name must be a string")
    created = body.get("createdDate")
    created = float(created) if isinstance(created, (int, float)) else now()

    t = now()
    regions: list[dict] = []
    for item in body.get("regions") or []:
        if isinstance(item, str):
            item = {"regionName": item}
        if not isinstance(item, dict):
            raise ControlError(400, "regions: strings or {regionName, status?, addedDate?}")
        rname = item.get("regionName") or item.get("name")
        if not isinstance(rname, str) or not REGION_NAME_RE.match(rname):
            raise ControlError(400, f"bad Region name {rname!r}")
        if any(r["name"] == rname for r in regions):
            continue
        rstatus = item.get("status") or "ACTIVE"
        if rstatus not in ("ACTIVE", "ADDING", "REMOVING"):
            raise ControlError(400, f"bad Region status {rstatus!r}")
        if rname == primary and rstatus != "ACTIVE":
            raise ControlError(400, "the primary Region is always ACTIVE")
        until = None
        if rstatus == "ADDING":
            until = t + float(sb.config["addRegionDelaySeconds"])
        elif rstatus == "REMOVING":
            until = t + float(sb.config["removeRegionDelaySeconds"])
        added = item.get("addedDate")
        added = float(added) if isinstance(added, (int, float)) else (
            created if rname == primary else t)
        regions.append({"name": rname, "status": rstatus, "addedDate": added, "until": until})
    if not any(r["name"] == primary for r in regions):
        regions.insert(0, {"name": primary, "status": "ACTIVE", "addedDate": created, "until": None})
    with sb.lock:
        sb.instance = {
            "instanceArn": arn,
            "identityStoreId": store,
            "ownerAccountId": owner,
            "name": name,
            "primaryRegion": primary,
            "kmsKeyArn": kms_arn,
            "status": status,
            "createdDate": created,
            "regions": regions,
        }
        return sb.state_json()


CONFIG_TYPES = {
    "addRegionDelaySeconds": "number",
    "removeRegionDelaySeconds": "number",
    "replicaCreatingSeconds": "number",
    "regionQuota": "int",
    "strictRegions": "bool",
    "requireCustomerManagedKey": "bool",
    "requireSsoInReplicaPolicy": "bool",
    "missingReplicaError": ("ValidationException", "ResourceNotFoundException"),
    "describeInstancePrimaryRegion": "bool",
    "holdRegionTransitions": "bool",
}


def merge_config(body: dict) -> dict:
    sb = SANDBOX
    updates = {}
    for key, value in body.items():
        kind = CONFIG_TYPES.get(key)
        if kind is None:
            raise ControlError(400, f"unknown config key {key!r}; known: {sorted(CONFIG_TYPES)}")
        if kind == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ControlError(400, f"{key} must be a number >= 0")
            value = float(value)
        elif kind == "int":
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ControlError(400, f"{key} must be an integer >= 1")
        elif kind == "bool":
            if not isinstance(value, bool):
                raise ControlError(400, f"{key} must be true or false")
        elif isinstance(kind, tuple) and value not in kind:
            raise ControlError(400, f"{key} must be one of {list(kind)}")
        updates[key] = value
    with sb.lock:
        sb.config.update(updates)
        return dict(sb.config)


FAULT_ACTIONS = ("error", "status", "throttle", "delay")


def normalize_fault(rule) -> dict:
    if not isinstance(rule, dict):
        raise ControlError(400, "each fault must be an object")
    r = dict(rule)
    action = r.get("action") or "error"
    if action not in FAULT_ACTIONS:
        raise ControlError(400, f"unknown fault action {action!r}; known: {list(FAULT_ACTIONS)}")
    r["action"] = action
    times = r.get("times", 1)
    if isinstance(times, bool) or not isinstance(times, int) or times == 0:
        raise ControlError(400, "times must be a non-zero integer (negative = unlimited)")
    r["times"] = times
    skip = r.get("skip", 0)
    if isinstance(skip, bool) or not isinstance(skip, int) or skip < 0:
        raise ControlError(400, "skip must be an integer >= 0")
    r["skip"] = skip
    if "status" in r and (isinstance(r["status"], bool) or not isinstance(r["status"], int)
                          or not 100 <= r["status"] <= 599):
        raise ControlError(400, "status must be an HTTP status code")
    if action == "delay" and not isinstance(r.get("ms", 0), (int, float)):
        raise ControlError(400, "ms must be a number")
    for field in ("service", "operation", "region", "code", "message", "reason"):
        if field in r and r[field] is not None and not isinstance(r[field], str):
            raise ControlError(400, f"{field} must be a string")
    if "fields" in r and not isinstance(r["fields"], dict):
        raise ControlError(400, "fields must be an object")
    return r


def handle_control(method: str, path: str, body: bytes) -> tuple[int, object]:
    sb = SANDBOX
    route = path[len("/_sandbox"):].rstrip("/") or "/"
    doc = {}
    if body:
        try:
            doc = json.loads(body)
        except ValueError:
            raise ControlError(400, "body must be JSON") from None
        if doc is None:
            doc = {}
    if method == "POST" and not isinstance(doc, dict):
        raise ControlError(400, "body must be a JSON object")

    def allow(*methods):
        if method not in methods:
            raise ControlError(405, f"{method} not allowed on {path}; use {', '.join(methods)}")

    if route == "/reset":
        allow("POST")
        with sb.moto_lock, sb.lock:
            moto_reset()
            sb.reset()
            set_auth(sb.initial_auth_count)
        return 200, {"reset": True}
    if route == "/instance":
        allow("GET", "POST", "DELETE")
        if method == "POST":
            return 200, seed_instance(doc)
        with sb.lock:
            if method == "DELETE":
                sb.instance = None
            return 200, sb.state_json()
    if route == "/organization":
        allow("GET", "POST")
        with sb.moto_lock:
            if method == "POST":
                return 200, seed_organization(doc)
            return 200, organization_state()
    if route == "/config":
        allow("GET", "POST")
        if method == "POST":
            return 200, merge_config(doc)
        with sb.lock:
            return 200, dict(sb.config)
    if route == "/faults":
        allow("GET", "POST", "DELETE")
        with sb.lock:
            if method == "POST":
                faults = doc.get("faults")
                if not isinstance(faults, list):
                    raise ControlError(400, "body must be {\"faults\": [rule, ...]}")
                sb.faults.extend(normalize_fault(r) for r in faults)
            elif method == "DELETE":
                sb.faults = []
            return 200, {"faults": copy_module.deepcopy(sb.faults)}
    if route == "/requests":
        allow("GET", "DELETE")
        with sb.lock:
            if method == "DELETE":
                sb.requests = []
            return 200, copy_module.deepcopy(sb.requests)  # a bare JSON array
    if route == "/state":
        allow("GET")
        with sb.moto_lock, sb.lock:
            return 200, {
                "accountId": sb.account_id,
                "instance": sb.state_json(),
                "config": dict(sb.config),
                "organization": organization_state(),
                "auth": auth_state(),
                "faults": copy_module.deepcopy(sb.faults),
            }
    if route == "/iam-admin":
        allow("POST")
        with sb.moto_lock:
            return 200, create_iam_admin(doc)
    if route == "/auth":
        allow("GET", "POST")
        with sb.moto_lock:
            if method == "POST":
                if "initialNoAuthActionCount" not in doc:
                    raise ControlError(400, "body must be {\"initialNoAuthActionCount\": N|null}")
                value = doc["initialNoAuthActionCount"]
                if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                          or value < 0):
                    raise ControlError(400, "initialNoAuthActionCount must be an integer >= 0 or null")
                set_auth(value)
            return 200, auth_state()
    raise ControlError(404, f"no control endpoint {path}")


# --------------------------------------------------------------------------------------------
# WSGI middleware
# --------------------------------------------------------------------------------------------


def status_line(code: int) -> str:
    try:
        return f"{code} {HTTPStatus(code).phrase}"
    except ValueError:
        return f"{code} Unknown"


def read_body(environ) -> bytes:
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    length = environ.get("CONTENT_LENGTH")
    if length:
        try:
            n = int(length)
        except ValueError:
            n = 0
        data = stream.read(n) if n > 0 else b""
    elif environ.get("wsgi.input_terminated"):
        data = stream.read()
    else:
        data = b""
    environ["wsgi.input"] = io.BytesIO(data)
    environ["CONTENT_LENGTH"] = str(len(data))
    environ.pop("wsgi.input_terminated", None)
    environ.pop("HTTP_TRANSFER_ENCODING", None)
    return data


def classify(environ, body: bytes) -> dict:
    """service, operation, region, protocol, signed, accessKeyId of an AWS request."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    m = CRED_RE.search(auth)
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    form: dict = {}
    ctype = environ.get("CONTENT_TYPE", "")
    if ctype.startswith("application/x-www-form-urlencoded") and body:
        try:
            form = {k: v[0] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()}
        except UnicodeDecodeError:
            form = {}
    query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    action = form.get("Action") or query.get("Action")
    version = form.get("Version") or query.get("Version")

    service = None
    region = None
    access_key = None
    if m:
        access_key, _, region, signing = m.groups()
        service = SIGNING_TO_SERVICE.get(signing, signing)
    elif "X-Amz-Credential" in query:
        parts = query["X-Amz-Credential"].split("/")
        if len(parts) == 5:
            access_key, _, region, signing, _ = parts
            service = SIGNING_TO_SERVICE.get(signing, signing)
    if service is None:
        if target:
            service = TARGET_TO_SERVICE.get(target.split(".", 1)[0])
        elif version:
            service = VERSION_TO_SERVICE.get(version)

    if target:
        operation = target.rsplit(".", 1)[-1]
        protocol = "json"
    elif action:
        operation = action
        protocol = "ec2" if service == "ec2" else "query"
    else:
        operation = None
        protocol = "rest"
    return {
        "service": service,
        "operation": operation,
        "region": region,
        "protocol": protocol,
        "signed": bool(auth) or "X-Amz-Signature" in query,
        "accessKeyId": access_key,
    }


def error_response(info: dict, status: int, code: str, message: str,
                   reason: str | None = None, fields: dict | None = None) -> tuple[int, list, bytes]:
    request_id = str(uuid.uuid4())
    if info["protocol"] in ("query", "ec2"):
        if info["protocol"] == "ec2":
            body = (
                '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error>'
                f"<Code>{xml_escape(code)}</Code><Message>{xml_escape(message)}</Message>"
                f"</Error></Errors><RequestID>{request_id}</RequestID></Response>"
            )
        else:
            xmlns = QUERY_XMLNS.get(info["service"], "")
            attr = f' xmlns="{xmlns}"' if xmlns else ""
            kind = "Receiver" if status >= 500 else "Sender"
            body = (
                f"<ErrorResponse{attr}>\n  <Error>\n    <Type>{kind}</Type>\n"
                f"    <Code>{xml_escape(code)}</Code>\n    <Message>{xml_escape(message)}</Message>\n"
                f"  </Error>\n  <RequestId>{request_id}</RequestId>\n</ErrorResponse>\n"
            )
        headers = [("Content-Type", "text/xml"), ("x-amzn-RequestId", request_id)]
        return status, headers, body.encode()
    key = MESSAGE_KEY.get(info["service"], "message")
    doc = {"__type": code, key: message}
    if reason:
        doc["Reason"] = reason
    if fields:
        doc.update(fields)
    headers = [("Content-Type", JSON_CT), ("x-amzn-ErrorType", f"{code}:"),
               ("x-amzn-RequestId", request_id)]
    return status, headers, json.dumps(doc).encode()


def fault_response(rule: dict, info: dict) -> tuple[int, list, bytes]:
    action = rule["action"]
    if action == "throttle":
        if info["protocol"] == "ec2":
            default_code, default_status = "RequestLimitExceeded", 503
        elif info["protocol"] == "query":
            default_code, default_status = "Throttling", 400
        else:
            default_code, default_status = "ThrottlingException", 400
        status = rule.get("status") or default_status
        code = rule.get("code") or default_code
        message = rule.get("message") or "Rate exceeded"
    else:
        status = rule.get("status") or 400
        if status >= 500:
            default_code = "InternalFailure" if info["protocol"] in ("query", "ec2") else "InternalServerException"
        else:
            default_code = "ValidationException"
        code = rule.get("code") or default_code
        message = rule.get("message") or f"Injected fault ({code})"
    return error_response(info, status, code, message, rule.get("reason"), rule.get("fields"))


AUTH_TRANSLATION = {
    "SignatureDoesNotMatch": "InvalidSignatureException",
    "InvalidClientTokenId": "UnrecognizedClientException",
    "AccessDenied": "AccessDeniedException",
}


def translate_auth_error(info: dict, status: int, headers: list, body: bytes):
    """moto answers SigV4 failures with XML 403 for every protocol; JSON services answer 400 JSON."""
    if info["protocol"] != "json" or status != 403 or not body.lstrip().startswith(b"<"):
        return status, headers, body
    m = re.search(rb"<Code>([^<]+)</Code>", body)
    code = m.group(1).decode() if m else ""
    if code not in AUTH_TRANSLATION:
        return status, headers, body
    mm = re.search(rb"<Message>([^<]*)</Message>", body)
    message = mm.group(1).decode() if mm else code
    import html

    return error_response(info, 400, AUTH_TRANSLATION[code], html.unescape(message))


def fix_content_type(info: dict, headers: list, payload: bytes) -> list:
    """moto labels many AWS responses text/html; AWS sends the protocol's media type."""
    ctype = next((v for k, v in headers if k.lower() == "content-type"), "")
    if ctype and not ctype.startswith("text/html"):
        return headers
    if payload.lstrip().startswith(b"<"):
        wanted = "text/xml"
    elif info["protocol"] == "json":
        wanted = JSON_CT
    elif payload.lstrip().startswith((b"{", b"[")):
        wanted = "application/json"
    else:
        return headers
    return [(k, v) for k, v in headers if k.lower() != "content-type"] + [("Content-Type", wanted)]


def response_error_code(headers: list, body: bytes) -> str | None:
    for k, v in headers:
        if k.lower() == "x-amzn-errortype":
            return v.split(":", 1)[0] or None
    m = re.search(rb"<Code>([^<]+)</Code>", body[:4096])
    if m:
        return m.group(1).decode(errors="replace")
    return None


class SandboxApp:
    def __init__(self, moto_app, sandbox: Sandbox):
        self.moto_app = moto_app
        self.sandbox = sandbox

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if isinstance(path, bytes):
            path = path.decode("utf-8", "replace")
        if path == "/_sandbox" or path.startswith("/_sandbox/"):
            return self.control(environ, start_response, path)
        if path.startswith("/moto-api"):
            if path.rstrip("/") == "/moto-api/reset" and environ.get("REQUEST_METHOD") == "POST":
                with self.sandbox.lock:
                    self.sandbox.instance = None
            with self.sandbox.moto_lock:
                return self.call_moto_raw(environ, start_response)
        return self.aws(environ, start_response)

    # ---- control ----

    def control(self, environ, start_response, path):
        method = environ.get("REQUEST_METHOD", "GET")
        body = read_body(environ)
        try:
            status, doc = handle_control(method, path, body)
        except ControlError as e:
            status, doc = e.status, {"error": e.message}
        except Exception as e:  # a bug in the sandbox
            traceback.print_exc(file=sys.stderr)
            status, doc = 500, {"error": f"{type(e).__name__}: {e}"}
        payload = json.dumps(doc, indent=None).encode()
        start_response(status_line(status), [("Content-Type", "application/json"),
                                             ("Content-Length", str(len(payload)))])
        return [payload]

    # ---- AWS ----

    def call_moto_raw(self, environ, start_response):
        result = self.moto_app(environ, start_response)
        try:
            return [b"".join(result)]
        finally:
            if hasattr(result, "close"):
                result.close()

    def call_moto(self, environ) -> tuple[int, list, bytes]:
        captured = {}

        def sr(status, headers, exc_info=None):
            captured["status"] = int(status.split(" ", 1)[0])
            captured["headers"] = list(headers)
            return lambda data: None

        result = self.moto_app(environ, sr)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        return captured["status"], captured["headers"], body

    def aws(self, environ, start_response):
        sb = self.sandbox
        body = read_body(environ)
        info = classify(environ, body)
        status, headers, payload = None, [], b""
        rule = sb.take_fault(info)
        if rule is not None and rule["action"] == "delay":
            time.sleep(float(rule.get("ms", 0)) / 1000.0)
            rule = None
        if rule is not None:
            status, headers, payload = fault_response(rule, info)
        else:
            with sb.moto_lock:
                if not info["signed"] and auth_enforced():
                    if info["protocol"] in ("query", "ec2"):
                        status, headers, payload = error_response(
                            info, 403, "MissingAuthenticationToken",
                            "Request is missing Authentication Token")
                    else:
                        status, headers, payload = error_response(
                            info, 400, "MissingAuthenticationTokenException",
                            "Missing Authentication Token")
                else:
                    try:
                        status, headers, payload = self.call_moto(environ)
                    except NotImplementedError as e:
                        status, headers, payload = error_response(
                            info, 501, "NotImplemented", f"Not emulated by the sandbox/moto: {e}")
                    except Exception as e:  # a bug in moto or the sandbox
                        traceback.print_exc(file=sys.stderr)
                        status, headers, payload = error_response(
                            info, 500, "InternalFailure" if info["protocol"] != "json"
                            else "InternalServerException", f"{type(e).__name__}: {e}")
            status, headers, payload = translate_auth_error(info, status, headers, payload)
        entry = {
            "time": ts(now()),
            "service": info["service"],
            "operation": info["operation"],
            "region": info["region"],
            "status": status,
            "signed": info["signed"],
            "accessKeyId": info["accessKeyId"],
            "errorCode": response_error_code(headers, payload) if status >= 300 else None,
            "fault": rule["action"] if rule is not None else None,
        }
        with sb.lock:
            sb.requests.append(entry)
        headers = [(k, v) for k, v in headers if k.lower() not in ("content-length", "status")]
        headers = fix_content_type(info, headers, payload)
        headers.append(("Content-Length", str(len(payload))))
        start_response(status_line(status), headers)
        return [payload]


# --------------------------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------------------------


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def main(argv=None) -> int:
    global SANDBOX, VERBOSE
    parser = argparse.ArgumentParser(description="AWS sandbox for idcsync (moto + extensions)")
    parser.add_argument("--port", type=int, default=0, help="TCP port (0: any free port)")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind")
    parser.add_argument("--verbose", action="store_true", help="log every HTTP request to stderr")
    args = parser.parse_args(argv)
    VERBOSE = args.verbose
    if not is_loopback(args.host):
        log_err(f"aws_sandbox: refusing to bind non-loopback host {args.host}")
        return 2

    # The harness may start us from a thread with these signals blocked; the mask is inherited.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    account = os.environ.get("MOTO_ACCOUNT_ID") or DEFAULT_ACCOUNT_ID
    SANDBOX = Sandbox(account)
    raw = os.environ.get("INITIAL_NO_AUTH_ACTION_COUNT")
    SANDBOX.initial_auth_count = None if raw in (None, "") else int(float(raw))
    patch_moto()

    class Handler(MotoRequestHandler):
        def log_request(self, code="-", size="-"):
            if VERBOSE:
                super().log_request(code, size)

        def log_error(self, *a):
            if VERBOSE:
                super().log_error(*a)

    moto_app = DomainDispatcherApplication(create_backend_app)
    app = SandboxApp(moto_app, SANDBOX)
    server = make_server(args.host, args.port, app, threaded=True, request_handler=Handler)
    port = server.socket.getsockname()[1]
    os.environ["MOTO_PORT"] = str(port)
    host = f"[{args.host}]" if ":" in args.host else args.host
    thread = threading.Thread(target=server.serve_forever, name="aws-sandbox", daemon=True)
    thread.start()
    sys.stdout.write(f"LISTENING http://{host}:{port}\n")
    sys.stdout.flush()
    # moto sometimes print()s diagnostics; keep stdout to the one line.
    sys.stdout = sys.stderr
    try:
        while not stop.wait(0.5):
            pass
    finally:
        server.shutdown()
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
