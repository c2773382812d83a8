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
* EC2 Client VPN (none of it is in moto): Create/Describe/Modify/DeleteClientVpnEndpoint,
  Associate/Disassociate/DescribeClientVpnTargetNetwork(s), Authorize/RevokeClientVpnIngress,
  DescribeClientVpnAuthorizationRules, ExportClientVpnClientConfiguration, validated against moto's
  EC2, ACM and IAM backends; state per account and Region. EC2 responses get EC2's namespace and a
  real request id.
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

from orphan_guard import stop_when_orphaned

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
    # seconds a Client VPN target network association stays "associating" (then "associated";
    # the endpoint is "pending-associate" until its first association is associated)
    "clientVpnAssociationSeconds": 0.0,
    # seconds a Client VPN authorization rule stays "authorizing", then "active"
    "clientVpnAuthorizationSeconds": 0.0,
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
        # EC2 Client VPN, per (account, Region): {"endpoints": {id: endpoint}, "tokens": {...}}
        self.client_vpn: dict[tuple, dict] = {}
        self.initial_auth_count = None  # set in main()

    # ---- lifecycle ----

    def reset(self) -> None:
        with self.lock:
            self.config = dict(DEFAULT_CONFIG)
            self.instance = None
            self.faults = []
            self.requests = []
            self.client_vpn = {}

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
# EC2 Client VPN (moto 5.2.5 has none of it): patched into moto's EC2Response, so requests go
# through moto's routing, SigV4 check, Query parser (botocore model) and EC2 XML serializer.
# --------------------------------------------------------------------------------------------

CVPN_SESSION_HOURS = (8, 10, 12, 24)
CVPN_PORTS = (443, 1194)
CVPN_AUTH_TYPES = ("certificate-authentication", "directory-service-authentication",
                   "federated-authentication")
CVPN_CERT_KEYS = ("RSA_1024", "RSA_2048")


def cvpn_error(code: str, message: str):
    from moto.ec2.exceptions import EC2ClientError

    return EC2ClientError(code, message)


def cvpn_invalid(message: str):
    return cvpn_error("InvalidParameterValue", message)


def cvpn_state(resp) -> dict:
    """The Client VPN state of the request's account and Region."""
    key = (resp.current_account, resp.region)
    with SANDBOX.lock:
        return SANDBOX.client_vpn.setdefault(key, {"endpoints": {}, "tokens": {}})


def cvpn_iso(t: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t))


def cvpn_refresh(ep: dict) -> None:
    """Lazy associating->associated and authorizing->active transitions."""
    t = now()
    for a in ep["associations"]:
        if a["status"] == "associating" and t >= a["readyAt"]:
            a["status"] = "associated"
    for r in ep["rules"]:
        if r["status"] == "authorizing" and t >= r["readyAt"]:
            r["status"] = "active"


def cvpn_status(ep: dict) -> str:
    cvpn_refresh(ep)
    if any(a["status"] == "associated" for a in ep["associations"]):
        return "available"
    return "pending-associate"


def cvpn_find(resp, endpoint_id) -> dict:
    if not endpoint_id:
        raise cvpn_error("MissingParameter",
                         "The request must contain the parameter ClientVpnEndpointId")
    ep = cvpn_state(resp)["endpoints"].get(endpoint_id)
    if ep is None:
        raise cvpn_error("InvalidClientVpnEndpointId.NotFound",
                         f"The Client VPN endpoint ID '{endpoint_id}' does not exist")
    return ep


def cvpn_fingerprint(params: dict) -> str:
    doc = {k: v for k, v in params.items() if k not in ("DryRun", "ClientToken")}
    return json.dumps(doc, sort_keys=True, default=str)


def cvpn_idempotent(resp, kind: str, scope: str):
    """(token key, earlier result or None) for a ClientToken; IdempotentParameterMismatch when
    the same token came with different parameters."""
    token = resp._get_param("ClientToken")
    if not token:
        return None, None
    key = (kind, scope, token)
    seen = cvpn_state(resp)["tokens"].get(key)
    if seen is None:
        return key, None
    if seen["fingerprint"] != cvpn_fingerprint(resp.params):
        raise cvpn_error("IdempotentParameterMismatch",
                         f"The client token {token} was already used with different parameters")
    return key, seen["result"]


def cvpn_remember(resp, key, result) -> None:
    if key is not None:
        cvpn_state(resp)["tokens"][key] = {"fingerprint": cvpn_fingerprint(resp.params),
                                           "result": result}


def cvpn_network(value, what: str):
    if not isinstance(value, str) or "/" not in value:
        raise cvpn_invalid(f"{what} '{value}' is not a valid IPv4 CIDR block")
    try:
        net = ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise cvpn_invalid(f"{what} '{value}' is not a valid IPv4 CIDR block") from None
    if net.version != 4:
        raise cvpn_invalid(f"{what} '{value}' is not a valid IPv4 CIDR block")
    return net


def cvpn_vpc_networks(vpc) -> list:
    nets = []
    for assoc in vpc.cidr_block_association_set:
        state = (assoc.get("cidr_block_state") or {}).get("state")
        if state in (None, "associated", "associating"):
            nets.append(ipaddress.ip_network(assoc["cidr_block"], strict=False))
    if not nets and getattr(vpc, "cidr_block", None):
        nets.append(ipaddress.ip_network(vpc.cidr_block, strict=False))
    return nets


def cvpn_certificate(resp, arn, what: str):
    """An ISSUED RSA 1024/2048 certificate of moto's ACM backend in the request's Region."""
    from moto.acm.models import acm_backends

    if not arn:
        raise cvpn_error("MissingParameter", f"The request must contain the parameter {what}")
    try:
        cert = acm_backends[resp.current_account][resp.region].get_certificate(arn)
    except Exception:
        raise cvpn_invalid(f"Certificate {arn} does not exist") from None
    if cert.status != "ISSUED":
        raise cvpn_invalid(f"Certificate {arn} is not issued (status {cert.status})")
    key_algo = cert.describe()["Certificate"].get("KeyAlgorithm")
    if key_algo not in CVPN_CERT_KEYS:
        raise cvpn_invalid(f"Certificate {arn} uses key algorithm {key_algo}; "
                           "Client VPN supports RSA 1024 and RSA 2048 certificates")
    return cert


def cvpn_saml_provider(resp, arn, what: str) -> None:
    from moto.iam.models import iam_backends

    if not arn:
        raise cvpn_error("MissingParameter", f"The request must contain the parameter {what}")
    backend = iam_backends[resp.current_account][partition_of(resp.region)]
    try:
        backend.get_saml_provider(arn)
    except Exception:
        raise cvpn_invalid(f"SAML provider {arn} does not exist") from None


def cvpn_security_groups(resp, vpc_id: str, group_ids) -> list:
    be = resp.ec2_backend
    out = []
    for gid in group_ids or []:
        group = be.get_security_group_from_id(gid)
        if group is None:
            raise cvpn_error("InvalidGroup.NotFound",
                             f"The security group '{gid}' does not exist")
        if group.vpc_id != vpc_id:
            raise cvpn_invalid(f"Security group {gid} does not belong to VPC {vpc_id}")
        if gid not in out:
            out.append(gid)
    if not out:
        default = be.get_default_security_group(vpc_id)
        if default is not None:
            out.append(default.id)
    return out


def cvpn_check_session(value) -> int:
    if value is None:
        return 24
    if isinstance(value, bool) or not isinstance(value, int) or value not in CVPN_SESSION_HOURS:
        raise cvpn_invalid(f"Invalid SessionTimeoutHours value {value}. "
                           "Valid values are 8, 10, 12 and 24")
    return value


def cvpn_check_port(value) -> int:
    if value is None:
        return 443
    if isinstance(value, bool) or not isinstance(value, int) or value not in CVPN_PORTS:
        raise cvpn_invalid(f"Invalid VpnPort value {value}. Valid values are 443 and 1194")
    return value


def cvpn_check_dns(values) -> list:
    values = list(values or [])
    if len(values) > 2:
        raise cvpn_invalid("You can specify up to two DNS servers")
    for v in values:
        try:
            ipaddress.IPv4Address(v)
        except ValueError:
            raise cvpn_invalid(f"DNS server '{v}' is not a valid IPv4 address") from None
    return values


def cvpn_check_portal(value, auth: list) -> str:
    value = value or "disabled"
    if value not in ("enabled", "disabled"):
        raise cvpn_invalid(f"Invalid SelfServicePortal value '{value}'. "
                           "Valid values are enabled and disabled")
    if value == "enabled" and not any(a["Type"] in ("federated-authentication",
                                                    "directory-service-authentication")
                                      for a in auth):
        raise cvpn_invalid("The self-service portal needs federated or Active Directory "
                           "authentication")
    return value


def cvpn_connection_log(value) -> dict:
    if not isinstance(value, dict) or "Enabled" not in value:
        raise cvpn_error("MissingParameter",
                         "The request must contain the parameter ConnectionLogOptions.Enabled")
    enabled = bool(value.get("Enabled"))
    out = {"Enabled": enabled}
    if enabled:
        if not value.get("CloudwatchLogGroup"):
            raise cvpn_invalid("ConnectionLogOptions.CloudwatchLogGroup is required when "
                               "connection logging is enabled")
        out["CloudwatchLogGroup"] = value["CloudwatchLogGroup"]
        if value.get("CloudwatchLogStream"):
            out["CloudwatchLogStream"] = value["CloudwatchLogStream"]
    return out


def cvpn_authentication(resp, options) -> list:
    options = list(options or [])
    if not options:
        raise cvpn_error("MissingParameter",
                         "The request must contain the parameter Authentication")
    if len(options) > 2:
        raise cvpn_invalid("You can specify at most two authentication options")
    out = []
    types = set()
    for i, opt in enumerate(options, 1):
        kind = (opt or {}).get("Type")
        if kind not in CVPN_AUTH_TYPES:
            raise cvpn_invalid(f"Invalid Authentication.{i}.Type '{kind}'. Valid values are "
                               + ", ".join(CVPN_AUTH_TYPES))
        if kind in types:
            raise cvpn_invalid(f"Authentication type {kind} is specified more than once")
        types.add(kind)
        if kind == "federated-authentication":
            fed = opt.get("FederatedAuthentication") or {}
            saml = fed.get("SAMLProviderArn")
            cvpn_saml_provider(resp, saml,
                               f"Authentication.{i}.FederatedAuthentication.SAMLProviderArn")
            entry = {"Type": kind, "FederatedAuthentication": {"SamlProviderArn": saml}}
            portal = fed.get("SelfServiceSAMLProviderArn")
            if portal:
                cvpn_saml_provider(resp, portal, f"Authentication.{i}.FederatedAuthentication."
                                                 "SelfServiceSAMLProviderArn")
                entry["FederatedAuthentication"]["SelfServiceSamlProviderArn"] = portal
        elif kind == "certificate-authentication":
            chain = (opt.get("MutualAuthentication") or {}).get("ClientRootCertificateChainArn")
            cvpn_certificate(resp, chain, f"Authentication.{i}.MutualAuthentication."
                                          "ClientRootCertificateChainArn")
            entry = {"Type": kind, "MutualAuthentication": {"ClientRootCertificateChain": chain}}
        else:
            directory = (opt.get("ActiveDirectory") or {}).get("DirectoryId")
            if not directory:
                raise cvpn_error("MissingParameter", "The request must contain the parameter "
                                 f"Authentication.{i}.ActiveDirectory.DirectoryId")
            entry = {"Type": kind, "ActiveDirectory": {"DirectoryId": directory}}
        out.append(entry)
    if types == {"federated-authentication", "directory-service-authentication"}:
        raise cvpn_invalid("Federated authentication cannot be combined with Active Directory "
                           "authentication")
    return out


def cvpn_tags(resp) -> list:
    tags = []
    for spec in resp._get_param("TagSpecifications") or []:
        rtype = spec.get("ResourceType")
        if rtype != "client-vpn-endpoint":
            raise cvpn_invalid(f"'{rtype}' is not a valid taggable resource type for this "
                               "operation.")
        for tag in spec.get("Tags") or []:
            tags.append({"Key": tag.get("Key"), "Value": tag.get("Value", "")})
    return tags


def cvpn_describe_endpoint(ep: dict) -> dict:
    status = cvpn_status(ep)
    doc = {
        "ClientVpnEndpointId": ep["id"],
        "Description": ep["description"],
        "Status": {"Code": status},
        "CreationTime": cvpn_iso(ep["createdAt"]),
        "DnsName": "*." + ep["host"],
        "ClientCidrBlock": ep["clientCidrBlock"],
        "DnsServers": list(ep["dnsServers"]),
        "SplitTunnel": ep["splitTunnel"],
        "VpnProtocol": "openvpn",
        "TransportProtocol": ep["transportProtocol"],
        "VpnPort": ep["vpnPort"],
        "AssociatedTargetNetworks": [{"NetworkId": a["subnetId"], "NetworkType": "vpc"}
                                     for a in ep["associations"]],
        "ServerCertificateArn": ep["serverCertificateArn"],
        "AuthenticationOptions": copy_module.deepcopy(ep["authenticationOptions"]),
        "ConnectionLogOptions": dict(ep["connectionLogOptions"]),
        "Tags": [dict(t) for t in ep["tags"]],
        "SecurityGroupIds": list(ep["securityGroupIds"]),
        "SessionTimeoutHours": ep["sessionTimeoutHours"],
        "ClientConnectOptions": {"Enabled": False, "Status": {"Code": "applied"}},
        "ClientLoginBannerOptions": {"Enabled": False},
        "DisconnectOnSessionTimeout": ep["disconnectOnSessionTimeout"],
        "EndpointIpAddressType": "ipv4",
        "TrafficIpAddressType": "ipv4",
    }
    if ep["vpcId"]:
        doc["VpcId"] = ep["vpcId"]
    if ep["selfServicePortal"] == "enabled":
        doc["SelfServicePortalUrl"] = (
            f"https://self-service.clientvpn.amazonaws.com/endpoints/{ep['id']}")
    if not doc["Description"]:
        del doc["Description"]
    return doc


def cvpn_page(resp, items: list, kind: str, low: int, high: int) -> tuple[list, str | None]:
    max_results = resp._get_param("MaxResults")
    if max_results is not None and not low <= max_results <= high:
        raise cvpn_invalid(f"MaxResults must be between {low} and {high}")
    size = max_results or high
    token = resp._get_param("NextToken")
    offset = 0
    if token:
        try:
            doc = json.loads(base64.b64decode(token, validate=True))
            if doc.get("k") != kind or not isinstance(doc.get("o"), int) or doc["o"] < 0:
                raise ValueError
            offset = doc["o"]
        except Exception:
            raise cvpn_error("InvalidNextToken", "The specified token is invalid") from None
    page = items[offset: offset + size]
    nxt = None
    if offset + len(page) < len(items):
        nxt = encode_token(offset + len(page), kind)
    return page, nxt


def cvpn_filter(filters: dict, known: dict, item) -> bool:
    """known: filter name -> function(item) giving the values to compare (a list)."""
    for name, wanted in filters.items():
        wanted = list(wanted or [])
        if name.startswith("tag:"):
            key = name[4:]
            values = [t["Value"] for t in item.get("tags", []) if t["Key"] == key]
        elif name == "tag-key":
            values = [t["Key"] for t in item.get("tags", [])]
        elif name in known:
            values = known[name](item)
        else:
            raise cvpn_error("InvalidParameterValue", f"The filter '{name}' is invalid")
        if not any(v in wanted for v in values):
            return False
    return True


def cvpn_create_endpoint(resp):
    from moto.core.responses import ActionResult

    resp.error_on_dryrun()
    region = resp.region
    with SANDBOX.lock:
        token_key, earlier = cvpn_idempotent(resp, "endpoint", "")
        if earlier is not None:
            ep = cvpn_state(resp)["endpoints"].get(earlier)
            if ep is not None:
                return ActionResult({"ClientVpnEndpointId": ep["id"],
                                     "Status": {"Code": cvpn_status(ep)},
                                     "DnsName": "*." + ep["host"]})
    traffic = resp._get_param("TrafficIpAddressType") or "ipv4"
    if traffic != "ipv4" or (resp._get_param("EndpointIpAddressType") or "ipv4") != "ipv4":
        raise cvpn_invalid("The sandbox emulates IPv4 Client VPN endpoints only")
    cidr_text = resp._get_param("ClientCidrBlock")
    if not cidr_text:
        raise cvpn_error("MissingParameter", "The request must contain the parameter ClientCidrBlock")
    cidr = cvpn_network(cidr_text, "Client CIDR block")
    if not 12 <= cidr.prefixlen <= 22:
        raise cvpn_invalid(f"Client CIDR block {cidr_text} is invalid: the prefix length must "
                           "be between /12 and /22")
    if str(cidr) != cidr_text:
        raise cvpn_invalid(f"Client CIDR block {cidr_text} is invalid: host bits are set "
                           f"(did you mean {cidr}?)")
    server_cert = resp._get_param("ServerCertificateArn")
    cvpn_certificate(resp, server_cert, "ServerCertificateArn")
    auth = cvpn_authentication(resp, resp._get_param("AuthenticationOptions"))
    log_options = cvpn_connection_log(resp._get_param("ConnectionLogOptions"))
    dns = cvpn_check_dns(resp._get_param("DnsServers"))
    transport = resp._get_param("TransportProtocol") or "udp"
    if transport not in ("udp", "tcp"):
        raise cvpn_invalid(f"Invalid TransportProtocol '{transport}'. Valid values are tcp and udp")
    port = cvpn_check_port(resp._get_param("VpnPort"))
    hours = cvpn_check_session(resp._get_param("SessionTimeoutHours"))
    portal = cvpn_check_portal(resp._get_param("SelfServicePortal"), auth)
    description = resp._get_param("Description") or ""
    if len(description) > 255:
        raise cvpn_invalid("Description must be at most 255 characters")
    vpc_id = resp._get_param("VpcId")
    group_ids = resp._get_param("SecurityGroupIds") or []
    groups: list = []
    if vpc_id:
        vpc = resp.ec2_backend.get_vpc(vpc_id)  # InvalidVpcID.NotFound
        for net in cvpn_vpc_networks(vpc):
            if net.overlaps(cidr):
                raise cvpn_invalid(f"Client CIDR block {cidr_text} overlaps with the CIDR "
                                   f"block {net} of VPC {vpc_id}")
        groups = cvpn_security_groups(resp, vpc_id, group_ids)
    elif group_ids:
        raise cvpn_invalid("VpcId is required when security groups are specified")
    tags = cvpn_tags(resp)
    split = bool(resp._get_param("SplitTunnel") or False)
    disconnect = resp._get_param("DisconnectOnSessionTimeout")

    endpoint_id = "cvpn-endpoint-" + secrets.token_hex(9)[:17]
    ep = {
        "id": endpoint_id,
        "region": region,
        "host": f"{endpoint_id}.prod.clientvpn.{region}.amazonaws.com",
        "description": description,
        "createdAt": now(),
        "clientCidrBlock": cidr_text,
        "dnsServers": dns,
        "splitTunnel": split,
        "transportProtocol": transport,
        "vpnPort": port,
        "serverCertificateArn": server_cert,
        "authenticationOptions": auth,
        "connectionLogOptions": log_options,
        "tags": tags,
        "securityGroupIds": groups,
        "vpcId": vpc_id,
        "selfServicePortal": portal,
        "sessionTimeoutHours": hours,
        "disconnectOnSessionTimeout": True if disconnect is None else bool(disconnect),
        "associations": [],
        "rules": [],
    }
    with SANDBOX.lock:
        cvpn_state(resp)["endpoints"][endpoint_id] = ep
        cvpn_remember(resp, token_key, endpoint_id)
    return ActionResult({"ClientVpnEndpointId": endpoint_id,
                         "Status": {"Code": "pending-associate"},
                         "DnsName": "*." + ep["host"]})


def cvpn_describe_endpoints(resp):
    from moto.core.responses import ActionResult

    resp.error_on_dryrun()
    ids = resp._get_param("ClientVpnEndpointIds") or []
    filters = resp._filters_from_querystring()
    with SANDBOX.lock:
        endpoints = cvpn_state(resp)["endpoints"]
        for i in ids:
            if i not in endpoints:
                raise cvpn_error("InvalidClientVpnEndpointId.NotFound",
                                 f"The Client VPN endpoint ID '{i}' does not exist")
        chosen = [ep for ep in endpoints.values() if not ids or ep["id"] in ids]
        known = {
            "endpoint-id": lambda ep: [ep["id"]],
            "transport-protocol": lambda ep: [ep["transportProtocol"]],
        }
        chosen = [ep for ep in chosen if cvpn_filter(filters, known, ep)]
        page, nxt = cvpn_page(resp, chosen, "cvpn-endpoints", 5, 1000)
        out = {"ClientVpnEndpoints": [cvpn_describe_endpoint(ep) for ep in page]}
    if nxt:
        out["NextToken"] = nxt
    return ActionResult(out)


def cvpn_modify_endpoint(resp):
    from moto.core.responses import ActionResult

    resp.error_on_dryrun()
    with SANDBOX.lock:
        ep = cvpn_find(resp, resp._get_param("ClientVpnEndpointId"))
    changes = {}
    cert = resp._get_param("ServerCertificateArn")
    if cert is not None:
        cvpn_certificate(resp, cert, "ServerCertificateArn")
        changes["serverCertificateArn"] = cert
    if resp._get_param("ConnectionLogOptions") is not None:
        changes["connectionLogOptions"] = cvpn_connection_log(resp._get_param("ConnectionLogOptions"))
    dns = resp._get_param("DnsServers")
    if dns is not None:
        if dns.get("Enabled") is False:
            changes["dnsServers"] = []
        else:
            changes["dnsServers"] = cvpn_check_dns(dns.get("CustomDnsServers"))
    if resp._get_param("VpnPort") is not None:
        changes["vpnPort"] = cvpn_check_port(resp._get_param("VpnPort"))
    if resp._get_param("Description") is not None:
        changes["description"] = resp._get_param("Description")
    if resp._get_param("SplitTunnel") is not None:
        changes["splitTunnel"] = bool(resp._get_param("SplitTunnel"))
    if resp._get_param("SessionTimeoutHours") is not None:
        changes["sessionTimeoutHours"] = cvpn_check_session(resp._get_param("SessionTimeoutHours"))
    if resp._get_param("SelfServicePortal") is not None:
        changes["selfServicePortal"] = cvpn_check_portal(resp._get_param("SelfServicePortal"),
                                                         ep["authenticationOptions"])
    if resp._get_param("DisconnectOnSessionTimeout") is not None:
        changes["disconnectOnSessionTimeout"] = bool(resp._get_param("DisconnectOnSessionTimeout"))
    vpc_id = resp._get_param("VpcId")
    group_ids = resp._get_param("SecurityGroupIds")
    if vpc_id is not None or group_ids is not None:
        target_vpc = vpc_id or ep["vpcId"]
        if not target_vpc:
            raise cvpn_invalid("VpcId is required when security groups are specified")
        if vpc_id and vpc_id != ep["vpcId"]:
            vpc = resp.ec2_backend.get_vpc(vpc_id)
            if ep["associations"]:
                raise cvpn_invalid(f"The VPC of Client VPN endpoint {ep['id']} cannot be changed "
                                   "while it has target network associations")
            cidr = ipaddress.ip_network(ep["clientCidrBlock"])
            for net in cvpn_vpc_networks(vpc):
                if net.overlaps(cidr):
                    raise cvpn_invalid(f"Client CIDR block {ep['clientCidrBlock']} overlaps with "
                                       f"the CIDR block {net} of VPC {vpc_id}")
            changes["vpcId"] = vpc_id
        changes["securityGroupIds"] = cvpn_security_groups(resp, target_vpc, group_ids)
    with SANDBOX.lock:
        ep.update(changes)
    return ActionResult({"Return": True})


def cvpn_delete_endpoint(resp):
    from moto.core.responses import ActionResult

    resp.error_on_dryrun()
    with SANDBOX.lock:
        ep = cvpn_find(resp, resp._get_param("ClientVpnEndpointId"))
        if ep["associations"]:
            raise cvpn_error("IncorrectState",
                             f"Client VPN endpoint {ep['id']} still has target network "
                             "associations; disassociate them first")
        del cvpn_state(resp)["endpoints"][ep["id"]]
    return ActionResult({"Status": {"Code": "deleting"}})


def cvpn_associate(resp):
    from moto.core.responses import ActionResult

    resp.error_on_dryrun()
    with SANDBOX.lock:
        ep = cvpn_find(resp, resp._get_param("ClientVpnEndpointId"))
        token_key, earlier = cvpn_idempotent(resp, "association", ep["id"])
        if earlier is not None:
            cvpn_refresh(ep)
            a = next((a for a in ep["associations"] if a["id"] == earlier), None)
            if a is not None:
                return ActionResult({"AssociationId": a["id"], "Status": {"Code": a["status"]}})
    subnet_id = resp._get_param("SubnetId")
    if not subnet_id:
        raise cvpn_error("MissingParameter", "The request must contain the parameter SubnetId")
    subnet = resp.ec2_backend.get_subnet(subnet_id)  # InvalidSubnetID.NotFound
    with SANDBOX.lock:
        if ep["vpcId"] and subnet.vpc_id != ep["vpcId"]:
            raise cvpn_error("InvalidClientVpnSubnetId.NotFound",
                             f"Subnet {subnet_id} is in VPC {subnet.vpc_id}, not in VPC "
                             f"{ep['vpcId']} of Client VPN endpoint {ep['id']}")
        if any(a["subnetId"] == subnet_id for a in ep["associations"]):
            raise cvpn_error("InvalidClientVpnDuplicateAssociationException",
                             f"Subnet {subnet_id} is already associated with Client VPN endpoint "
                             f"{ep['id']}")
        zone = subnet.availability_zone
        if any(a["availabilityZone"] == zone for a in ep["associations"]):
            raise cvpn_error("InvalidClientVpnSubnetId.DuplicateAz",
                             "You have already associated a subnet from Availability Zone "
                             f"{zone} with Client VPN endpoint {ep['id']}")
        net = ipaddress.ip_network(subnet.cidr_block, strict=False)
        if net.overlaps(ipaddress.ip_network(ep["clientCidrBlock"])):
            raise cvpn_error("InvalidClientVpnSubnetId.OverlappingCidr",
                             f"The CIDR block {net} of subnet {subnet_id} overlaps with the client "
                             f"CIDR block {ep['clientCidrBlock']}")
        if net.prefixlen > 27:
            raise cvpn_invalid(f"Subnet {subnet_id} ({net}) is too small: a Client VPN target "
                               "network needs at least a /27")
        free = subnet.available_ip_address_count
        if free < 20:
            raise cvpn_invalid(f"Subnet {subnet_id} has {free} free IP addresses; a Client VPN "
                               "target network needs at least 20")
        if not ep["vpcId"]:
            ep["vpcId"] = subnet.vpc_id
            ep["securityGroupIds"] = cvpn_security_groups(resp, subnet.vpc_id, [])
        t = now()
        a = {
            "id": "cvpn-assoc-" + secrets.token_hex(9)[:17],
            "subnetId": subnet_id,
            "vpcId": subnet.vpc_id,
            "availabilityZone": zone,
            "availabilityZoneId": getattr(subnet, "availability_zone_id", None),
            "status": "associating",
            "readyAt": t + float(SANDBOX.config["clientVpnAssociationSeconds"]),
        }
        ep["associations"].append(a)
        cvpn_remember(resp, token_key, a["id"])
    return ActionResult({"AssociationId": a["id"], "Status": {"Code": "associating"}})


def cvpn_disassociate(resp):
    from moto.core.responses import ActionResult

    resp.error_on_dryrun()
    with SANDBOX.lock:
        ep = cvpn_find(resp, resp._get_param("ClientVpnEndpointId"))
        assoc_id = resp._get_param("AssociationId")
        a = next((a for a in ep["associations"] if a["id"] == assoc_id), None)
        if a is None:
            raise cvpn_error("InvalidClientVpnAssociationIdNotFound",
                             f"The association ID '{assoc_id}' does not exist")
        ep["associations"].remove(a)
    return ActionResult({"AssociationId": assoc_id, "Status": {"Code": "disassociating"}})


def cvpn_target_network(ep: dict, a: dict) -> dict:
    doc = {
        "AssociationId": a["id"],
        "VpcId": a["vpcId"],
        "TargetNetworkId": a["subnetId"],
        "ClientVpnEndpointId": ep["id"],
        "Status": {"Code": a["status"]},
        "SecurityGroups": list(ep["securityGroupIds"]),
    }
    return doc


def cvpn_describe_targets(resp):
    from moto.core.responses import ActionResult

    resp.error_on_dryrun()
    ids = resp._get_param("AssociationIds") or []
    filters = resp._filters_from_querystring()
    with SANDBOX.lock:
        ep = cvpn_find(resp, resp._get_param("ClientVpnEndpointId"))
        cvpn_refresh(ep)
        known = {
            "association-id": lambda a: [a["id"]],
            "target-network-id": lambda a: [a["subnetId"]],
            "vpc-id": lambda a: [a["vpcId"]],
        }
        chosen = [a for a in ep["associations"]
                  if (not ids or a["id"] in ids) and cvpn_filter(filters, known, a)]
        page, nxt = cvpn_page(resp, chosen, "cvpn-targets:" + ep["id"], 5, 1000)
        out = {"ClientVpnTargetNetworks": [cvpn_target_network(ep, a) for a in page]}
    if nxt:
        out["NextToken"] = nxt
    return ActionResult(out)


def cvpn_rule_params(resp):
    cidr_text = resp._get_param("TargetNetworkCidr")
    if not cidr_text:
        raise cvpn_error("MissingParameter",
                         "The request must contain the parameter TargetNetworkCidr")
    cidr = str(cvpn_network(cidr_text, "Target network CIDR"))
    group = resp._get_param("AccessGroupId") or None
    all_groups = bool(resp._get_param("AuthorizeAllGroups") or False)
    return cidr, group, all_groups


def cvpn_authorize(resp):
    from moto.core.responses import ActionResult

    resp.error_on_dryrun()
    with SANDBOX.lock:
        ep = cvpn_find(resp, resp._get_param("ClientVpnEndpointId"))
        token_key, earlier = cvpn_idempotent(resp, "rule", ep["id"])
        if earlier is not None:
            cvpn_refresh(ep)
            rule = next((r for r in ep["rules"] if r["key"] == earlier), None)
            if rule is not None:
                return ActionResult({"Status": {"Code": rule["status"]}})
        cidr, group, all_groups = cvpn_rule_params(resp)
        if group and all_groups:
            raise cvpn_error("InvalidParameterCombination",
                             "AccessGroupId cannot be combined with AuthorizeAllGroups=true")
        if not group and not all_groups:
            raise cvpn_error("MissingParameter",
                             "The request must contain the parameter AccessGroupId, or "
                             "AuthorizeAllGroups must be true")
        if group and len(group) > 255:
            raise cvpn_invalid("AccessGroupId must be at most 255 characters")
        key = f"{cidr}|{group or '*'}"
        if any(r["key"] == key for r in ep["rules"]):
            raise cvpn_error("InvalidClientVpnDuplicateAuthorizationRule",
                             f"An authorization rule for {cidr} and "
                             f"{'group ' + group if group else 'all groups'} already exists on "
                             f"Client VPN endpoint {ep['id']}")
        rule = {
            "key": key,
            "destinationCidr": cidr,
            "groupId": group or "",
            "accessAll": not group,
            "description": resp._get_param("Description") or "",
            "status": "authorizing",
            "readyAt": now() + float(SANDBOX.config["clientVpnAuthorizationSeconds"]),
        }
        ep["rules"].append(rule)
        cvpn_remember(resp, token_key, key)
    return ActionResult({"Status": {"Code": "authorizing"}})


def cvpn_revoke(resp):
    from moto.core.responses import ActionResult

    resp.error_on_dryrun()
    with SANDBOX.lock:
        ep = cvpn_find(resp, resp._get_param("ClientVpnEndpointId"))
        cidr, group, all_groups = cvpn_rule_params(resp)
        key = f"{cidr}|{group or '*'}" if (group or all_groups) else None
        rule = next((r for r in ep["rules"]
                     if r["key"] == key or (key is None and r["destinationCidr"] == cidr)), None)
        if rule is None:
            raise cvpn_error("InvalidClientVpnEndpointAuthorizationRuleNotFound",
                             f"No authorization rule for {cidr} on Client VPN endpoint {ep['id']}")
        ep["rules"].remove(rule)
    return ActionResult({"Status": {"Code": "revoking"}})


def cvpn_describe_rules(resp):
    from moto.core.responses import ActionResult

    resp.error_on_dryrun()
    filters = resp._filters_from_querystring()
    with SANDBOX.lock:
        ep = cvpn_find(resp, resp._get_param("ClientVpnEndpointId"))
        cvpn_refresh(ep)
        known = {
            "description": lambda r: [r["description"]],
            "destination-cidr": lambda r: [r["destinationCidr"]],
            "group-id": lambda r: [r["groupId"]],
        }
        chosen = [r for r in ep["rules"] if cvpn_filter(filters, known, r)]
        page, nxt = cvpn_page(resp, chosen, "cvpn-rules:" + ep["id"], 5, 1000)
        rules = []
        for r in page:
            doc = {"ClientVpnEndpointId": ep["id"], "GroupId": r["groupId"],
                   "AccessAll": r["accessAll"], "DestinationCidr": r["destinationCidr"],
                   "Status": {"Code": r["status"]}}
            if r["description"]:
                doc["Description"] = r["description"]
            rules.append(doc)
    out = {"AuthorizationRules": rules}
    if nxt:
        out["NextToken"] = nxt
    return ActionResult(out)


def cvpn_ca_pem(resp, arn: str) -> str:
    """The CA block of the .ovpn: the chain of the server certificate (its own PEM without one)."""
    from moto.acm.models import acm_backends

    try:
        cert = acm_backends[resp.current_account][resp.region].get_certificate(arn)
    except Exception:
        return ""
    from moto.acm.models import AWS_ROOT_CA

    def pems(data) -> list:
        text = data.decode() if isinstance(data, bytes) else (data or "")
        return re.findall(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", text, re.S)

    # moto appends Amazon's root CA to every chain; an imported certificate's CA is the chain it
    # was imported with, or the certificate itself when it is self-signed (no chain)
    amazon = set(pems(AWS_ROOT_CA))
    chain = [p for p in pems(cert.chain) if p not in amazon]
    if cert.type == "IMPORTED":
        return "\n".join(chain or pems(cert.cert))
    return "\n".join(chain + sorted(amazon))


def cvpn_export(resp):
    from moto.core.responses import ActionResult

    resp.error_on_dryrun()
    with SANDBOX.lock:
        ep = cvpn_find(resp, resp._get_param("ClientVpnEndpointId"))
        ep = copy_module.deepcopy(ep)
    ca = cvpn_ca_pem(resp, ep["serverCertificateArn"])
    lines = [
        "client",
        "dev tun",
        f"proto {ep['transportProtocol']}",
        f"remote {ep['host']} {ep['vpnPort']}",
        "remote-random-hostname",
        "resolv-retry infinite",
        "nobind",
        "remote-cert-tls server",
        "cipher AES-256-GCM",
        "verb 3",
        "<ca>",
        ca,
        "</ca>",
        "",
        "",
        "reneg-sec 0",
        "",
    ]
    return ActionResult({"ClientConfiguration": "\n".join(lines)})


CVPN_OPERATIONS = {
    "create_client_vpn_endpoint": cvpn_create_endpoint,
    "describe_client_vpn_endpoints": cvpn_describe_endpoints,
    "modify_client_vpn_endpoint": cvpn_modify_endpoint,
    "delete_client_vpn_endpoint": cvpn_delete_endpoint,
    "associate_client_vpn_target_network": cvpn_associate,
    "disassociate_client_vpn_target_network": cvpn_disassociate,
    "describe_client_vpn_target_networks": cvpn_describe_targets,
    "authorize_client_vpn_ingress": cvpn_authorize,
    "revoke_client_vpn_ingress": cvpn_revoke,
    "describe_client_vpn_authorization_rules": cvpn_describe_rules,
    "export_client_vpn_client_configuration": cvpn_export,
}


def patch_ec2_client_vpn() -> None:
    from moto.ec2.responses import EC2Response

    for name, fn in CVPN_OPERATIONS.items():
        def method(self, _fn=fn):
            return _fn(self)

        method.__name__ = name
        method.__qualname__ = f"EC2Response.{name}"
        setattr(EC2Response, name, method)


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

    # -- EC2 Client VPN --
    patch_ec2_client_vpn()


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
    "clientVpnAssociationSeconds": "number",
    "clientVpnAuthorizationSeconds": "number",
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


EC2_XMLNS = b"http://ec2.amazonaws.com/doc/2016-11-15/"


def fix_ec2_envelope(headers: list, payload: bytes) -> tuple[list, bytes]:
    """moto's EC2 serializer writes xmlns ".../2016-11-15" (EC2 ends it with a slash) and the
    request id "request-id"; EC2 sends a UUID, also in x-amzn-RequestId."""
    if not payload.lstrip().startswith(b"<"):
        return headers, payload
    payload = payload.replace(b'xmlns="http://ec2.amazonaws.com/doc/2016-11-15"',
                              b'xmlns="' + EC2_XMLNS + b'"', 1)
    # EC2 error envelopes carry no namespace: <Response><Errors>...
    payload = payload.replace(b'<Response xmlns="' + EC2_XMLNS + b'"><Errors>', b"<Response><Errors>", 1)
    if b">request-id</" not in payload:
        return headers, payload
    request_id = str(uuid.uuid4())
    payload = re.sub(rb"<(requestId|RequestID)>request-id</\1>",
                     lambda m: b"<%s>%s</%s>" % (m.group(1), request_id.encode(), m.group(1)),
                     payload, count=1)
    headers = [(k, v) for k, v in headers if k.lower() != "x-amzn-requestid"]
    headers.append(("x-amzn-RequestId", request_id))
    return headers, payload


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
                    self.sandbox.client_vpn = {}
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
            if info["protocol"] == "ec2":
                headers, payload = fix_ec2_envelope(headers, payload)
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
    stop_when_orphaned()

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
