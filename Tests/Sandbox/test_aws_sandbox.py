"""Self-tests of aws_sandbox.py: boto3 against the running sandbox.

    cd Tests/Sandbox && python -m unittest -v test_aws_sandbox

Needs the venv of requirements.txt (moto[server]==5.2.5, which brings boto3).
"""

from __future__ import annotations

import datetime
import gzip
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request

import boto3
import botocore
from botocore.config import Config
from botocore.exceptions import ClientError

from sandbox_testing import wait_until

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "aws_sandbox.py")
ACCOUNT = "123456789012"
PRIMARY = "ap-northeast-1"
NO_RETRY = Config(retries={"total_max_attempts": 1, "mode": "standard"})

IDC_POLICY = json.dumps({
    "Version": "2012-10-17",
    "Id": "idcsync",
    "Statement": [
        {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "AllowIAMIdentityCenterToUseTheKMSKey", "Effect": "Allow",
         "Principal": {"Service": "sso.amazonaws.com"},
         "Action": ["kms:Decrypt", "kms:ReEncryptTo", "kms:ReEncryptFrom",
                    "kms:GenerateDataKeyWithoutPlaintext"],
         "Resource": "*",
         "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}},
    ],
}, indent=2)


def model_members(service: str, version: str, shape: str) -> set:
    path = os.path.join(os.path.dirname(botocore.__file__), "data", service, version,
                        "service-2.json.gz")
    with gzip.open(path) as f:
        return set(json.load(f)["shapes"][shape]["members"])


class SandboxProcess:
    """One running aws_sandbox.py."""

    def __init__(self, env: dict | None = None, popen_hook=None):
        self.stderr = tempfile.TemporaryFile()
        full_env = dict(os.environ)
        full_env.pop("INITIAL_NO_AUTH_ACTION_COUNT", None)
        full_env.update(env or {})
        t0 = time.monotonic()
        start = popen_hook or subprocess.Popen
        self.proc = start([sys.executable, SCRIPT, "--port", "0"], stdout=subprocess.PIPE,
                          stderr=self.stderr, env=full_env)
        line = self.proc.stdout.readline().decode()
        self.startup_seconds = time.monotonic() - t0
        if not line.startswith("LISTENING http://127.0.0.1:"):
            self.stop()
            raise RuntimeError(f"sandbox did not start: {line!r} {self.errors()}")
        self.url = line.split()[1]

    def errors(self) -> str:
        if self.stderr.closed:
            return ""
        self.stderr.seek(0)
        return self.stderr.read().decode(errors="replace")

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        rest = self.proc.stdout.read().decode()
        self.proc.stdout.close()
        self.rest_of_stdout = rest
        if self.proc.returncode not in (0, None):
            sys.stderr.write(self.errors())
        self.stderr.close()
        return self.proc.returncode

    def ctl(self, method: str, path: str, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())

    def client(self, service: str, region: str = PRIMARY, key: str = "testing",
               secret: str = "testing"):
        return boto3.client(service, region_name=region, endpoint_url=self.url,
                            aws_access_key_id=key, aws_secret_access_key=secret,
                            config=NO_RETRY)


SB: SandboxProcess = None  # type: ignore[assignment]


def setUpModule():
    global SB
    SB = SandboxProcess()


def tearDownModule():
    if SB is not None:
        SB.stop()


class Base(unittest.TestCase):
    def setUp(self):
        self.ctl("POST", "/_sandbox/reset", {})
        self.ctl("POST", "/_sandbox/config", {
            "addRegionDelaySeconds": 0.3,
            "removeRegionDelaySeconds": 0.3,
            "replicaCreatingSeconds": 0.2,
        })

    # ---- helpers ----

    def ctl(self, method, path, body=None, expect=200):
        status, doc = SB.ctl(method, path, body)
        if expect is not None:
            self.assertEqual(status, expect, doc)
        return doc

    def client(self, service, region=PRIMARY, **kw):
        return SB.client(service, region, **kw)

    def assertAwsError(self, code, fn, *args, **kwargs) -> ClientError:
        with self.assertRaises(ClientError) as cm:
            fn(*args, **kwargs)
        self.assertEqual(cm.exception.response["Error"]["Code"], code, cm.exception.response)
        return cm.exception

    def make_key(self, region=PRIMARY, multi_region=True, policy=None):
        kw = {"MultiRegion": multi_region, "Description": "IdC key"}
        if policy:
            kw["Policy"] = policy
        return self.client("kms", region).create_key(**kw)["KeyMetadata"]

    def replicate(self, key, region, policy=IDC_POLICY, wait=True):
        out = self.client("kms", key["Arn"].split(":")[3]).replicate_key(
            KeyId=key["Arn"], ReplicaRegion=region, Policy=policy)
        if wait:
            self.wait_key_enabled(key["KeyId"], region)
        return out

    def wait_key_enabled(self, key_id, region, timeout=5):
        kms = self.client("kms", region)
        seen = {}

        def enabled():
            seen["md"] = kms.describe_key(KeyId=key_id)["KeyMetadata"]
            return seen["md"] if seen["md"]["KeyState"] == "Enabled" else None

        return wait_until(enabled, timeout=timeout,
                          what=lambda: f"the replica in {region} to be Enabled (last seen: {seen['md']})")

    def seed(self, regions=None, key=None, **extra):
        body = {"primaryRegion": PRIMARY, "kmsKeyArn": key["Arn"] if key else None}
        if regions is not None:
            body["regions"] = regions
        body.update(extra)
        return self.ctl("POST", "/_sandbox/instance", body)

    def seeded_with_key(self, replicas=()):
        key = self.make_key()
        for r in replicas:
            self.replicate(key, r)
        inst = self.seed(key=key)
        return key, inst

    def wait_region(self, arn, region, status, timeout=5, endpoint=PRIMARY):
        sso = self.client("sso-admin", endpoint)
        seen = {}

        def reached():
            names = seen["names"] = {r["RegionName"]: r["Status"]
                                     for r in sso.list_regions(InstanceArn=arn)["Regions"]}
            if names.get(region) == status or (status is None and region not in names):
                return names
            return None

        return wait_until(reached, timeout=timeout,
                          what=lambda: f"{region} to reach {status} (last seen: {seen['names']})")


# ------------------------------------------------------------------------------------------
# Process behaviour
# ------------------------------------------------------------------------------------------


class ProcessTests(unittest.TestCase):
    def test_starts_fast_prints_one_line_and_exits_on_sigterm_with_signals_blocked(self):
        # Start it from a thread that blocks SIGTERM/SIGINT: the child inherits the mask.
        box = {}

        def start():
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
            box["sb"] = SandboxProcess()

        t = threading.Thread(target=start)
        t.start()
        t.join()
        sb = box["sb"]
        # A bound against a hang, not a speed target (about 0.5 s on a quiet machine; 2 s was missed under load).
        self.assertLess(sb.startup_seconds, 15.0)
        sts = sb.client("sts", "us-east-1")
        self.assertEqual(sts.get_caller_identity()["Account"], ACCOUNT)
        t0 = time.monotonic()
        self.assertEqual(sb.stop(), 0, sb.errors())
        self.assertLess(time.monotonic() - t0, 5)
        self.assertEqual(sb.rest_of_stdout, "", "stdout must hold only the LISTENING line")

    def test_sigint_exits_zero(self):
        sb = SandboxProcess()
        sb.proc.send_signal(signal.SIGINT)
        self.assertEqual(sb.proc.wait(10), 0)
        sb.stop()

    def test_refuses_non_loopback_host(self):
        out = subprocess.run([sys.executable, SCRIPT, "--port", "0", "--host", "0.0.0.0"],
                             capture_output=True, timeout=20)
        self.assertNotEqual(out.returncode, 0)
        self.assertEqual(out.stdout, b"")


# ------------------------------------------------------------------------------------------
# sso-admin
# ------------------------------------------------------------------------------------------


class InstanceTests(Base):
    def test_no_instance_lists_nothing(self):
        self.assertEqual(self.client("sso-admin").list_instances()["Instances"], [])

    def test_list_and_describe_instance_shapes(self):
        key = self.make_key()
        inst = self.seed(key=key, name="corp", identityStoreId="d-0123456789",
                         instanceArn="arn:aws:sso:::instance/ssoins-0123456789abcdef")
        self.assertEqual(inst["instanceArn"], "arn:aws:sso:::instance/ssoins-0123456789abcdef")
        sso = self.client("sso-admin")
        listed = sso.list_instances()["Instances"]
        self.assertEqual(len(listed), 1)
        item = listed[0]
        self.assertLessEqual(set(item), model_members("sso-admin", "2020-07-20", "InstanceMetadata"))
        self.assertEqual(item["InstanceArn"], inst["instanceArn"])
        self.assertEqual(item["IdentityStoreId"], "d-0123456789")
        self.assertEqual(item["IdentityStoreArn"],
                         f"arn:aws:identitystore::{ACCOUNT}:identitystore/d-0123456789")
        self.assertEqual(item["OwnerAccountId"], ACCOUNT)
        self.assertEqual(item["Name"], "corp")
        self.assertEqual(item["Status"], "ACTIVE")
        self.assertEqual(item["PrimaryRegion"], PRIMARY)
        self.assertIsInstance(item["CreatedDate"], datetime.datetime)
        self.assertEqual(len(item["Regions"]), 1)
        region = item["Regions"][0]
        self.assertEqual(set(region), {"RegionName", "Status", "AddedDate", "IsPrimaryRegion"})
        self.assertEqual((region["RegionName"], region["Status"], region["IsPrimaryRegion"]),
                         (PRIMARY, "ACTIVE", True))
        self.assertEqual(region["AddedDate"], item["CreatedDate"])

        desc = sso.describe_instance(InstanceArn=inst["instanceArn"])
        desc.pop("ResponseMetadata")
        self.assertLessEqual(set(desc),
                             model_members("sso-admin", "2020-07-20", "DescribeInstanceResponse"))
        self.assertNotIn("PrimaryRegion", desc)
        self.assertEqual(desc["EncryptionConfigurationDetails"], {
            "KeyType": "CUSTOMER_MANAGED_KEY", "KmsKeyArn": key["Arn"], "EncryptionStatus": "ENABLED"})
        self.assertEqual(desc["Regions"], item["Regions"])

    def test_created_date_is_epoch_seconds_on_the_wire(self):
        self.seed(createdDate=1767225600.5)
        sso = self.client("sso-admin")
        raw = {}
        sso.meta.events.register("after-call.sso-admin.ListInstances",
                                 lambda http_response, **_: raw.update(
                                     body=json.loads(http_response.content)))
        sso.list_instances()
        created = raw["body"]["Instances"][0]["CreatedDate"]
        self.assertIsInstance(created, (int, float))
        self.assertEqual(created, 1767225600.5)

    def test_aws_owned_key_and_describe_primary_region_toggle(self):
        inst = self.seed()
        sso = self.client("sso-admin")
        desc = sso.describe_instance(InstanceArn=inst["instanceArn"])
        self.assertEqual(desc["EncryptionConfigurationDetails"],
                         {"KeyType": "AWS_OWNED_KMS_KEY", "EncryptionStatus": "ENABLED"})
        self.ctl("POST", "/_sandbox/config", {"describeInstancePrimaryRegion": True})
        self.assertEqual(sso.describe_instance(InstanceArn=inst["instanceArn"])["PrimaryRegion"],
                         PRIMARY)

    def test_describe_unknown_instance(self):
        self.seed()
        self.assertAwsError("ResourceNotFoundException",
                            self.client("sso-admin").describe_instance,
                            InstanceArn="arn:aws:sso:::instance/ssoins-ffffffffffffffff")
        self.assertAwsError("ValidationException", self.client("sso-admin").describe_instance,
                            InstanceArn="arn:aws:sso:::instance/bogus")

    def test_region_scope(self):
        self.seed(regions=[PRIMARY, "us-west-2"])
        self.assertEqual(len(self.client("sso-admin", "us-west-2").list_instances()["Instances"]), 1)
        other = self.client("sso-admin", "eu-west-1")
        self.assertEqual(other.list_instances()["Instances"], [])
        self.assertEqual(len(other.list_instances(RegionScope="ALL_REGIONS")["Instances"]), 1)
        inst = self.ctl("GET", "/_sandbox/instance")
        self.assertAwsError("ResourceNotFoundException", other.describe_instance,
                            InstanceArn=inst["instanceArn"])
        self.ctl("POST", "/_sandbox/config", {"strictRegions": False})
        self.assertEqual(len(other.list_instances()["Instances"]), 1)
        other.describe_instance(InstanceArn=inst["instanceArn"])


class RegionTests(Base):
    def test_list_regions_pagination(self):
        inst = self.seed(regions=[PRIMARY, "us-west-2", "eu-west-1", "us-east-1"])
        sso = self.client("sso-admin")
        seen, token = [], None
        pages = 0
        while True:
            kw = {"InstanceArn": inst["instanceArn"], "MaxResults": 1}
            if token:
                kw["NextToken"] = token
            out = sso.list_regions(**kw)
            pages += 1
            self.assertLessEqual(len(out["Regions"]), 1)
            seen += [r["RegionName"] for r in out["Regions"]]
            token = out.get("NextToken")
            if not token:
                break
        self.assertEqual(pages, 4)
        self.assertEqual(seen[0], PRIMARY)
        self.assertEqual(sorted(seen), sorted([PRIMARY, "us-west-2", "eu-west-1", "us-east-1"]))
        everything = sso.list_regions(InstanceArn=inst["instanceArn"])
        self.assertNotIn("NextToken", everything)
        self.assertEqual(len(everything["Regions"]), 4)
        self.assertEqual([r["IsPrimaryRegion"] for r in everything["Regions"]],
                         [True, False, False, False])
        self.assertAwsError("ValidationException", sso.list_regions,
                            InstanceArn=inst["instanceArn"], MaxResults=101)
        self.assertAwsError("ValidationException", sso.list_regions,
                            InstanceArn=inst["instanceArn"], NextToken="garbage")

    def test_add_region_happy_path(self):
        key, inst = self.seeded_with_key(replicas=["us-west-2"])
        arn = inst["instanceArn"]
        sso = self.client("sso-admin")
        out = sso.add_region(InstanceArn=arn, RegionName="us-west-2")
        self.assertEqual(out["Status"], "ADDING")
        r = sso.describe_region(InstanceArn=arn, RegionName="us-west-2")
        self.assertEqual((r["RegionName"], r["Status"], r["IsPrimaryRegion"]),
                         ("us-west-2", "ADDING", False))
        self.assertIsInstance(r["AddedDate"], datetime.datetime)
        # not served by the new Region while ADDING
        self.assertEqual(self.client("sso-admin", "us-west-2").list_instances()["Instances"], [])
        self.wait_region(arn, "us-west-2", "ACTIVE")
        r2 = sso.describe_region(InstanceArn=arn, RegionName="us-west-2")
        self.assertEqual(r2["Status"], "ACTIVE")
        self.assertEqual(r2["AddedDate"], r["AddedDate"])
        west = self.client("sso-admin", "us-west-2")
        listed = west.list_instances()["Instances"][0]
        self.assertEqual([x["RegionName"] for x in listed["Regions"]], [PRIMARY, "us-west-2"])
        self.assertEqual(west.describe_region(InstanceArn=arn, RegionName=PRIMARY)["IsPrimaryRegion"],
                         True)
        state = self.ctl("GET", "/_sandbox/state")["instance"]
        self.assertEqual([(r["regionName"], r["status"]) for r in state["regions"]],
                         [(PRIMARY, "ACTIVE"), ("us-west-2", "ACTIVE")])

    def test_add_region_delay_is_configurable(self):
        self.ctl("POST", "/_sandbox/config", {"addRegionDelaySeconds": 0})
        key, inst = self.seeded_with_key(replicas=["eu-west-1"])
        sso = self.client("sso-admin")
        sso.add_region(InstanceArn=inst["instanceArn"], RegionName="eu-west-1")
        self.assertEqual(sso.describe_region(InstanceArn=inst["instanceArn"],
                                             RegionName="eu-west-1")["Status"], "ACTIVE")

    def test_held_transitions_wait_for_release(self):
        self.ctl("POST", "/_sandbox/config", {"addRegionDelaySeconds": 0, "holdRegionTransitions": True})
        key, inst = self.seeded_with_key(replicas=["eu-west-1"])
        sso = self.client("sso-admin")
        sso.add_region(InstanceArn=inst["instanceArn"], RegionName="eu-west-1")
        # With no delay the transition is due at once: only the hold keeps the Region ADDING.
        held = [r for r in self.ctl("GET", "/_sandbox/state")["instance"]["regions"]
                if r["regionName"] == "eu-west-1"][0]
        self.assertEqual((held["status"], type(held["transitionAt"])), ("ADDING", float), held)
        wait_until(lambda: time.time() >= held["transitionAt"],
                   what=f"the ADDING->ACTIVE transition to fall due at {held['transitionAt']}")
        self.assertEqual(sso.describe_region(InstanceArn=inst["instanceArn"],
                                             RegionName="eu-west-1")["Status"], "ADDING")
        self.ctl("POST", "/_sandbox/config", {"holdRegionTransitions": False})
        self.assertEqual(sso.describe_region(InstanceArn=inst["instanceArn"],
                                             RegionName="eu-west-1")["Status"], "ACTIVE")

    def test_add_region_must_go_to_the_primary_endpoint(self):
        key, inst = self.seeded_with_key(replicas=["us-west-2"])
        err = self.assertAwsError("ValidationException",
                                  self.client("sso-admin", "us-east-1").add_region,
                                  InstanceArn=inst["instanceArn"], RegionName="us-west-2")
        self.assertIn("primary Region", err.response["Error"]["Message"])
        self.assertIn(PRIMARY, err.response["Error"]["Message"])

    def test_add_region_validation(self):
        key, inst = self.seeded_with_key()
        sso = self.client("sso-admin")
        for bad in ("US-WEST-2", "uswest2", "us-west-", "moon-base-alpha-9-x"):
            self.assertAwsError("ValidationException", sso.add_region,
                                InstanceArn=inst["instanceArn"], RegionName=bad)
        self.assertAwsError("ValidationException", sso.add_region,
                            InstanceArn=inst["instanceArn"], RegionName="xx-nowhere-9")

    def test_conflicts(self):
        key, inst = self.seeded_with_key(replicas=["us-west-2", "eu-west-1"])
        arn = inst["instanceArn"]
        sso = self.client("sso-admin")
        sso.add_region(InstanceArn=arn, RegionName="us-west-2")
        err = self.assertAwsError("ConflictException", sso.add_region,
                                  InstanceArn=arn, RegionName="eu-west-1")
        self.assertIn("Another region operation is in progress", err.response["Error"]["Message"])
        self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"], 400)
        self.assertEqual(err.response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"],
                         "ConflictException:")
        self.assertAwsError("ConflictException", sso.add_region, InstanceArn=arn,
                            RegionName="us-west-2")
        self.wait_region(arn, "us-west-2", "ACTIVE")
        # already enabled -> ConflictException (sandbox's choice)
        err = self.assertAwsError("ConflictException", sso.add_region, InstanceArn=arn,
                                  RegionName="us-west-2")
        self.assertIn("already enabled", err.response["Error"]["Message"])
        self.assertAwsError("ConflictException", sso.add_region, InstanceArn=arn,
                            RegionName=PRIMARY)
        sso.add_region(InstanceArn=arn, RegionName="eu-west-1")

    def test_quota(self):
        self.ctl("POST", "/_sandbox/config", {"regionQuota": 3, "addRegionDelaySeconds": 0})
        key, inst = self.seeded_with_key(replicas=["us-west-2", "eu-west-1", "us-east-1"])
        arn = inst["instanceArn"]
        sso = self.client("sso-admin")
        sso.add_region(InstanceArn=arn, RegionName="us-west-2")
        sso.add_region(InstanceArn=arn, RegionName="eu-west-1")
        err = self.assertAwsError("ServiceQuotaExceededException", sso.add_region,
                                  InstanceArn=arn, RegionName="us-east-1")
        self.assertIn("3", err.response["Error"]["Message"])

    def test_default_quota_is_six_including_primary(self):
        self.ctl("POST", "/_sandbox/config", {"addRegionDelaySeconds": 0})
        others = ["us-west-2", "eu-west-1", "us-east-1", "eu-central-1", "ap-southeast-1",
                  "ap-south-1"]
        key, inst = self.seeded_with_key(replicas=others)
        sso = self.client("sso-admin")
        for r in others[:5]:
            sso.add_region(InstanceArn=inst["instanceArn"], RegionName=r)
        self.assertAwsError("ServiceQuotaExceededException", sso.add_region,
                            InstanceArn=inst["instanceArn"], RegionName=others[5])

    def test_add_region_needs_an_enabled_replica_key(self):
        key, inst = self.seeded_with_key()
        arn = inst["instanceArn"]
        sso = self.client("sso-admin")
        err = self.assertAwsError("ValidationException", sso.add_region, InstanceArn=arn,
                                  RegionName="us-west-2")
        self.assertEqual(err.response["Reason"], "KMS_InvalidStateException")
        self.assertIn("replica", err.response["Error"]["Message"])
        # replica still Creating
        self.ctl("POST", "/_sandbox/config", {"replicaCreatingSeconds": 30})
        self.replicate(key, "us-west-2", wait=False)
        err = self.assertAwsError("ValidationException", sso.add_region, InstanceArn=arn,
                                  RegionName="us-west-2")
        self.assertEqual(err.response["Reason"], "KMS_InvalidStateException")
        self.assertIn("Creating", err.response["Error"]["Message"])
        # replica disabled
        self.ctl("POST", "/_sandbox/config", {"replicaCreatingSeconds": 0})
        self.replicate(key, "eu-west-1")
        self.client("kms", "eu-west-1").disable_key(KeyId=key["KeyId"])
        err = self.assertAwsError("ValidationException", sso.add_region, InstanceArn=arn,
                                  RegionName="eu-west-1")
        self.assertEqual(err.response["Reason"], "KMS_DisabledException")
        self.client("kms", "eu-west-1").enable_key(KeyId=key["KeyId"])
        self.assertEqual(sso.add_region(InstanceArn=arn, RegionName="eu-west-1")["Status"], "ADDING")

    def test_missing_replica_error_alternative(self):
        self.ctl("POST", "/_sandbox/config", {"missingReplicaError": "ResourceNotFoundException"})
        key, inst = self.seeded_with_key()
        err = self.assertAwsError("ResourceNotFoundException", self.client("sso-admin").add_region,
                                  InstanceArn=inst["instanceArn"], RegionName="us-west-2")
        self.assertEqual(err.response["Reason"], "KMS_NotFoundException")

    def test_add_region_rejects_aws_owned_and_single_region_keys(self):
        inst = self.seed()
        sso = self.client("sso-admin")
        self.assertAwsError("ValidationException", sso.add_region,
                            InstanceArn=inst["instanceArn"], RegionName="us-west-2")
        single = self.make_key(multi_region=False)
        inst = self.seed(key=single)
        err = self.assertAwsError("ValidationException", sso.add_region,
                                  InstanceArn=inst["instanceArn"], RegionName="us-west-2")
        self.assertIn("multi-Region", err.response["Error"]["Message"])
        self.ctl("POST", "/_sandbox/config", {"requireCustomerManagedKey": False})
        inst = self.seed()
        self.assertEqual(sso.add_region(InstanceArn=inst["instanceArn"],
                                        RegionName="us-west-2")["Status"], "ADDING")

    def test_optional_replica_policy_check(self):
        self.ctl("POST", "/_sandbox/config", {"requireSsoInReplicaPolicy": True})
        key = self.make_key()
        kms = self.client("kms")
        kms.replicate_key(KeyId=key["KeyId"], ReplicaRegion="us-west-2")  # default policy
        self.wait_key_enabled(key["KeyId"], "us-west-2")
        inst = self.seed(key=key)
        sso = self.client("sso-admin")
        err = self.assertAwsError("AccessDeniedException", sso.add_region,
                                  InstanceArn=inst["instanceArn"], RegionName="us-west-2")
        self.assertEqual(err.response["Reason"], "KMS_AccessDeniedException")
        self.client("kms", "us-west-2").put_key_policy(KeyId=key["KeyId"], PolicyName="default",
                                                       Policy=IDC_POLICY)
        sso.add_region(InstanceArn=inst["instanceArn"], RegionName="us-west-2")

    def test_remove_region_rules(self):
        key, inst = self.seeded_with_key()
        arn = inst["instanceArn"]
        self.seed(key=key, instanceArn=arn, regions=[PRIMARY, "us-west-2", "eu-west-1"])
        sso = self.client("sso-admin")
        self.assertAwsError("ValidationException", sso.remove_region, InstanceArn=arn,
                            RegionName=PRIMARY)
        self.assertAwsError("ResourceNotFoundException", sso.remove_region, InstanceArn=arn,
                            RegionName="us-east-1")
        self.assertAwsError("ValidationException",
                            self.client("sso-admin", "us-west-2").remove_region,
                            InstanceArn=arn, RegionName="eu-west-1")
        self.assertEqual(sso.remove_region(InstanceArn=arn, RegionName="us-west-2")["Status"],
                         "REMOVING")
        self.assertEqual(sso.describe_region(InstanceArn=arn, RegionName="us-west-2")["Status"],
                         "REMOVING")
        self.assertAwsError("ConflictException", sso.remove_region, InstanceArn=arn,
                            RegionName="eu-west-1")
        self.assertAwsError("ConflictException", sso.add_region, InstanceArn=arn,
                            RegionName="us-east-1")
        self.wait_region(arn, "us-west-2", None)
        self.assertAwsError("ResourceNotFoundException", sso.describe_region, InstanceArn=arn,
                            RegionName="us-west-2")
        sso.remove_region(InstanceArn=arn, RegionName="eu-west-1")

    def test_seeded_in_progress_region(self):
        inst = self.seed(regions=[PRIMARY, {"regionName": "us-west-2", "status": "ADDING"}])
        sso = self.client("sso-admin")
        self.assertEqual(sso.describe_region(InstanceArn=inst["instanceArn"],
                                             RegionName="us-west-2")["Status"], "ADDING")
        self.wait_region(inst["instanceArn"], "us-west-2", "ACTIVE")


# ------------------------------------------------------------------------------------------
# KMS
# ------------------------------------------------------------------------------------------


class KmsTests(Base):
    def test_create_multi_region_key(self):
        key = self.make_key()
        self.assertRegex(key["KeyId"], r"^mrk-[0-9a-f]{32}$")
        self.assertTrue(key["MultiRegion"])
        self.assertEqual(key["KeyUsage"], "ENCRYPT_DECRYPT")
        self.assertEqual(key["MultiRegionConfiguration"]["MultiRegionKeyType"], "PRIMARY")
        self.assertEqual(key["MultiRegionConfiguration"]["ReplicaKeys"], [])
        single = self.make_key(multi_region=False)
        self.assertNotIn("MultiRegionConfiguration", single)
        # moto's encrypt format needs 36-character key ids: mrk-<32 hex> fits
        kms = self.client("kms")
        blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"hi")["CiphertextBlob"]
        self.assertEqual(kms.decrypt(CiphertextBlob=blob)["Plaintext"], b"hi")

    def test_replicate_key_with_policy(self):
        key = self.make_key()
        kms = self.client("kms")
        primary_policy = kms.get_key_policy(KeyId=key["KeyId"], PolicyName="default")["Policy"]
        out = kms.replicate_key(KeyId=key["Arn"], ReplicaRegion="us-west-2", Policy=IDC_POLICY,
                                Description="replica", Tags=[{"TagKey": "app", "TagValue": "idc"}])
        md = out["ReplicaKeyMetadata"]
        self.assertEqual(out["ReplicaPolicy"], IDC_POLICY)
        self.assertEqual(md["KeyId"], key["KeyId"])
        self.assertEqual(md["Arn"], key["Arn"].replace(PRIMARY, "us-west-2"))
        self.assertEqual(md["KeyState"], "Creating")
        self.assertFalse(md["Enabled"])
        self.assertEqual(md["Description"], "replica")
        self.assertEqual(md["MultiRegionConfiguration"]["MultiRegionKeyType"], "REPLICA")
        west = self.client("kms", "us-west-2")
        self.assertEqual(west.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"],
                         "Creating")
        enabled = self.wait_key_enabled(key["KeyId"], "us-west-2")
        self.assertTrue(enabled["Enabled"])
        self.assertEqual(west.get_key_policy(KeyId=key["KeyId"], PolicyName="default")["Policy"],
                         IDC_POLICY)
        self.assertEqual(kms.get_key_policy(KeyId=key["KeyId"], PolicyName="default")["Policy"],
                         primary_policy)
        self.assertEqual(west.list_resource_tags(KeyId=key["KeyId"])["Tags"],
                         [{"TagKey": "app", "TagValue": "idc"}])
        self.assertEqual(kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["Description"],
                         "IdC key")

    def test_replicate_without_policy_attaches_default_policy(self):
        key = self.make_key(policy=IDC_POLICY)
        out = self.client("kms").replicate_key(KeyId=key["KeyId"], ReplicaRegion="eu-west-1")
        policy = json.loads(out["ReplicaPolicy"])
        self.assertEqual(policy["Id"], "key-default-1")
        self.assertEqual(policy["Statement"][0]["Principal"]["AWS"], f"arn:aws:iam::{ACCOUNT}:root")
        self.wait_key_enabled(key["KeyId"], "eu-west-1")
        self.assertEqual(self.client("kms", "eu-west-1").get_key_policy(KeyId=key["KeyId"])["Policy"],
                         out["ReplicaPolicy"])
        self.assertEqual(out["ReplicaKeyMetadata"]["Description"], "")

    def test_replicate_errors(self):
        key = self.make_key()
        kms = self.client("kms")
        self.replicate(key, "us-west-2", wait=False)
        self.assertAwsError("AlreadyExistsException", kms.replicate_key, KeyId=key["Arn"],
                            ReplicaRegion="us-west-2")
        single = self.make_key(multi_region=False)
        self.assertAwsError("UnsupportedOperationException", kms.replicate_key,
                            KeyId=single["KeyId"], ReplicaRegion="us-west-2")
        self.assertAwsError("UnsupportedOperationException",
                            self.client("kms", "us-west-2").replicate_key,
                            KeyId=key["KeyId"], ReplicaRegion="eu-west-1")
        self.assertAwsError("NotFoundException", kms.replicate_key,
                            KeyId="mrk-0123456789abcdef0123456789abcdef", ReplicaRegion="us-west-2")
        self.assertAwsError("MalformedPolicyDocumentException", kms.replicate_key,
                            KeyId=key["KeyId"], ReplicaRegion="eu-west-1", Policy="{not json")

    def test_separate_multi_region_configuration(self):
        key = self.make_key()
        self.replicate(key, "us-west-2")
        self.replicate(key, "eu-west-1")
        primary_arn = key["Arn"]
        expect_replicas = [
            {"Arn": primary_arn.replace(PRIMARY, "us-west-2"), "Region": "us-west-2"},
            {"Arn": primary_arn.replace(PRIMARY, "eu-west-1"), "Region": "eu-west-1"},
        ]
        p = self.client("kms").describe_key(KeyId=key["KeyId"])["KeyMetadata"]
        self.assertEqual(p["MultiRegionConfiguration"], {
            "MultiRegionKeyType": "PRIMARY",
            "PrimaryKey": {"Arn": primary_arn, "Region": PRIMARY},
            "ReplicaKeys": expect_replicas,
        })
        for region in ("us-west-2", "eu-west-1"):
            r = self.client("kms", region).describe_key(KeyId=key["KeyId"])["KeyMetadata"]
            self.assertEqual(r["Arn"], primary_arn.replace(PRIMARY, region))
            self.assertEqual(r["MultiRegionConfiguration"]["MultiRegionKeyType"], "REPLICA")
            self.assertEqual(r["MultiRegionConfiguration"]["PrimaryKey"],
                             {"Arn": primary_arn, "Region": PRIMARY})
            self.assertEqual(r["MultiRegionConfiguration"]["ReplicaKeys"], expect_replicas)
        # describing a replica must not turn the primary into a REPLICA (moto 5.2 bug)
        p = self.client("kms").describe_key(KeyId=primary_arn)["KeyMetadata"]
        self.assertEqual(p["MultiRegionConfiguration"]["MultiRegionKeyType"], "PRIMARY")

    def test_put_key_policy_per_region(self):
        key = self.make_key()
        self.replicate(key, "us-west-2")
        self.replicate(key, "eu-west-1")
        west = self.client("kms", "us-west-2")
        new_policy = IDC_POLICY.replace("idcsync", "idcsync-v2")
        west.put_key_policy(KeyId=key["Arn"].replace(PRIMARY, "us-west-2"), PolicyName="default",
                            Policy=new_policy)
        self.assertEqual(west.get_key_policy(KeyId=key["KeyId"], PolicyName="default")["Policy"],
                         new_policy)
        self.assertEqual(self.client("kms", "eu-west-1").get_key_policy(
            KeyId=key["KeyId"], PolicyName="default")["Policy"], IDC_POLICY)
        self.assertNotEqual(self.client("kms").get_key_policy(
            KeyId=key["KeyId"], PolicyName="default")["Policy"], new_policy)
        # PolicyName is optional in the API model (defaults to "default")
        self.assertEqual(west.get_key_policy(KeyId=key["KeyId"])["Policy"], new_policy)
        self.assertAwsError("NotFoundException", west.get_key_policy, KeyId=key["KeyId"],
                            PolicyName="other")

    def test_key_arn_must_name_the_endpoint_region(self):
        key = self.make_key()
        self.replicate(key, "us-west-2")
        west = self.client("kms", "us-west-2")
        self.assertAwsError("NotFoundException", west.describe_key, KeyId=key["Arn"])
        self.assertAwsError("NotFoundException", west.put_key_policy, KeyId=key["Arn"],
                            PolicyName="default", Policy=IDC_POLICY)
        west.describe_key(KeyId=key["Arn"].replace(PRIMARY, "us-west-2"))


# ------------------------------------------------------------------------------------------
# Organizations, STS
# ------------------------------------------------------------------------------------------


class OrganizationsStsTests(Base):
    def test_delegated_administrators_for_sso(self):
        seeded = self.ctl("POST", "/_sandbox/organization",
                          {"delegatedAdministrators": {"sso.amazonaws.com": ["444455556666"]}})
        self.assertEqual(seeded["delegatedAdministrators"], {"sso.amazonaws.com": ["444455556666"]})
        org = self.client("organizations", "us-east-1")
        admins = org.list_delegated_administrators(ServicePrincipal="sso.amazonaws.com")
        self.assertEqual([a["Id"] for a in admins["DelegatedAdministrators"]], ["444455556666"])
        self.assertLessEqual(set(admins["DelegatedAdministrators"][0]),
                             model_members("organizations", "2016-11-28", "DelegatedAdministrator"))
        self.assertEqual(org.list_delegated_administrators(
            ServicePrincipal="ssm.amazonaws.com")["DelegatedAdministrators"], [])
        # the API path works too
        acct = org.create_account(AccountName="dev", Email="dev@example.com")
        new_id = acct["CreateAccountStatus"]["AccountId"]
        org.register_delegated_administrator(AccountId=new_id, ServicePrincipal="sso.amazonaws.com")
        ids = {a["Id"] for a in org.list_delegated_administrators(
            ServicePrincipal="sso.amazonaws.com")["DelegatedAdministrators"]}
        self.assertEqual(ids, {"444455556666", new_id})
        # seeding is declarative per principal
        self.ctl("POST", "/_sandbox/organization",
                 {"delegatedAdministrators": {"sso.amazonaws.com": []}})
        self.assertEqual(org.list_delegated_administrators(
            ServicePrincipal="sso.amazonaws.com")["DelegatedAdministrators"], [])

    def test_describe_organization(self):
        org = self.client("organizations", "us-east-1")
        self.assertAwsError("AWSOrganizationsNotInUseException", org.describe_organization)
        self.ctl("POST", "/_sandbox/organization", {})
        o = org.describe_organization()["Organization"]
        self.assertEqual(o["MasterAccountId"], ACCOUNT)
        self.assertEqual(o["FeatureSet"], "ALL")
        self.ctl("POST", "/_sandbox/reset")
        org.create_organization(FeatureSet="ALL")
        self.assertEqual(org.describe_organization()["Organization"]["MasterAccountId"], ACCOUNT)

    def test_get_caller_identity(self):
        ident = self.client("sts", "us-east-1").get_caller_identity()
        self.assertEqual(ident["Account"], ACCOUNT)
        self.assertIn(ACCOUNT, ident["Arn"])


# ------------------------------------------------------------------------------------------
# Control API: faults, request log, reset, errors
# ------------------------------------------------------------------------------------------


class ControlTests(Base):
    def test_fault_json_service(self):
        key, inst = self.seeded_with_key(replicas=["us-west-2"])
        self.ctl("POST", "/_sandbox/faults", {"faults": [
            {"service": "sso-admin", "operation": "AddRegion", "times": 1, "status": 400,
             "code": "ConflictException", "message": "injected"}]})
        sso = self.client("sso-admin")
        err = self.assertAwsError("ConflictException", sso.add_region,
                                  InstanceArn=inst["instanceArn"], RegionName="us-west-2")
        self.assertEqual(err.response["Error"]["Message"], "injected")
        self.assertEqual(err.response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"],
                         "ConflictException:")
        # the fault left state alone, and it was used up
        self.assertEqual(sso.list_regions(InstanceArn=inst["instanceArn"])["Regions"][-1]["RegionName"],
                         PRIMARY)
        self.assertEqual(self.ctl("GET", "/_sandbox/faults")["faults"], [])
        self.assertEqual(sso.add_region(InstanceArn=inst["instanceArn"],
                                        RegionName="us-west-2")["Status"], "ADDING")

    def test_fault_throttle_status_region_skip(self):
        self.ctl("POST", "/_sandbox/faults", {"faults": [
            {"service": "kms", "operation": "ListKeys", "region": "us-west-2", "action": "throttle"},
            {"service": "kms", "operation": "DescribeKey", "action": "status", "status": 500,
             "code": "KMSInternalException", "skip": 1, "times": 2},
        ]})
        self.client("kms", PRIMARY).list_keys()  # other Region: not faulted
        err = self.assertAwsError("ThrottlingException", self.client("kms", "us-west-2").list_keys)
        self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"], 400)
        key = self.make_key()
        kms = self.client("kms")
        kms.describe_key(KeyId=key["KeyId"])  # skipped
        for _ in range(2):
            err = self.assertAwsError("KMSInternalException", kms.describe_key, KeyId=key["KeyId"])
            self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"], 500)
        kms.describe_key(KeyId=key["KeyId"])

    def test_fault_query_service_is_xml(self):
        self.ctl("POST", "/_sandbox/faults", {"faults": [
            {"service": "sts", "operation": "GetCallerIdentity", "action": "throttle"},
            {"service": "iam", "action": "status", "status": 500},
        ]})
        sts = self.client("sts", "us-east-1")
        raw = {}
        sts.meta.events.register("after-call.sts.GetCallerIdentity",
                                 lambda http_response, **_: raw.update(body=http_response.content))
        err = self.assertAwsError("Throttling", sts.get_caller_identity)
        self.assertEqual(err.response["Error"]["Type"], "Sender")
        self.assertIn(b"<ErrorResponse", raw["body"])
        self.assertEqual(sts.get_caller_identity()["Account"], ACCOUNT)
        err = self.assertAwsError("InternalFailure", self.client("iam", "us-east-1").list_users)
        self.assertEqual(err.response["Error"]["Type"], "Receiver")

    def test_fault_validation(self):
        self.ctl("POST", "/_sandbox/faults", {"faults": [{"action": "explode"}]}, expect=400)
        self.ctl("POST", "/_sandbox/faults", {"faults": [{"times": 0}]}, expect=400)
        self.ctl("POST", "/_sandbox/faults", {"nope": 1}, expect=400)
        self.ctl("POST", "/_sandbox/faults", {"faults": [{"service": "kms"}]})
        self.ctl("DELETE", "/_sandbox/faults")
        self.assertEqual(self.ctl("GET", "/_sandbox/faults")["faults"], [])

    def test_request_log(self):
        self.ctl("DELETE", "/_sandbox/requests")
        self.client("sts", "us-east-1").get_caller_identity()
        self.client("kms", "us-west-2").list_keys()
        inst = self.seed()
        self.assertAwsError("ResourceNotFoundException", self.client("sso-admin").describe_region,
                            InstanceArn=inst["instanceArn"], RegionName="us-west-2")
        log = self.ctl("GET", "/_sandbox/requests")
        self.assertEqual([(e["service"], e["operation"], e["region"], e["status"]) for e in log], [
            ("sts", "GetCallerIdentity", "us-east-1", 200),
            ("kms", "ListKeys", "us-west-2", 200),
            ("sso-admin", "DescribeRegion", PRIMARY, 400),
        ])
        for e in log:
            self.assertTrue(e["signed"])
            self.assertEqual(e["accessKeyId"], "testing")
        self.assertEqual(log[2]["errorCode"], "ResourceNotFoundException")
        self.ctl("DELETE", "/_sandbox/requests")
        self.assertEqual(self.ctl("GET", "/_sandbox/requests"), [])

    def test_reset_clears_everything(self):
        key = self.make_key()
        self.seed(key=key)
        self.ctl("POST", "/_sandbox/organization", {})
        self.ctl("POST", "/_sandbox/config", {"regionQuota": 2})
        self.ctl("POST", "/_sandbox/faults", {"faults": [{"service": "ec2"}]})
        self.client("sts", "us-east-1").get_caller_identity()
        self.ctl("POST", "/_sandbox/reset")
        state = self.ctl("GET", "/_sandbox/state")
        self.assertIsNone(state["instance"])
        self.assertIsNone(state["organization"])
        self.assertEqual(state["faults"], [])
        self.assertEqual(state["config"]["regionQuota"], 6)
        self.assertEqual(state["accountId"], ACCOUNT)
        self.assertEqual(self.ctl("GET", "/_sandbox/requests"), [])
        self.assertEqual(self.client("kms").list_keys()["Keys"], [])

    def test_control_errors(self):
        self.ctl("POST", "/_sandbox/instance", {}, expect=400)
        self.ctl("POST", "/_sandbox/instance", {"primaryRegion": PRIMARY, "instanceArn": "bad"},
                 expect=400)
        self.ctl("POST", "/_sandbox/config", {"bogus": 1}, expect=400)
        self.ctl("POST", "/_sandbox/config", {"regionQuota": 0}, expect=400)
        self.ctl("GET", "/_sandbox/nothing", expect=404)
        self.ctl("GET", "/_sandbox/reset", expect=405)
        self.ctl("POST", "/_sandbox/organization",
                 {"delegatedAdministrators": {"sso.amazonaws.com": ["12"]}}, expect=400)

    def test_instance_control_defaults(self):
        inst = self.ctl("POST", "/_sandbox/instance", {"primaryRegion": "eu-west-1"})
        self.assertRegex(inst["instanceArn"], r"^arn:aws:sso:::instance/ssoins-[0-9a-f]{16}$")
        self.assertRegex(inst["identityStoreId"], r"^d-[0-9a-f]{10}$")
        self.assertEqual(inst["ownerAccountId"], ACCOUNT)
        self.assertIsNone(inst["kmsKeyArn"])
        self.assertEqual(inst["keyType"], "AWS_OWNED_KMS_KEY")
        self.assertEqual([r["regionName"] for r in inst["regions"]], ["eu-west-1"])
        self.assertEqual(self.ctl("GET", "/_sandbox/state")["instance"], inst)
        self.assertIsNone(self.ctl("DELETE", "/_sandbox/instance"))
        self.assertEqual(self.client("sso-admin", "eu-west-1").list_instances()["Instances"], [])


# ------------------------------------------------------------------------------------------
# Signature checking (INITIAL_NO_AUTH_ACTION_COUNT=0)
# ------------------------------------------------------------------------------------------


class SignatureTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sb = SandboxProcess(env={"INITIAL_NO_AUTH_ACTION_COUNT": "0"})

    @classmethod
    def tearDownClass(cls):
        cls.sb.stop()

    def setUp(self):
        status, _ = self.sb.ctl("POST", "/_sandbox/reset")
        self.assertEqual(status, 200)
        status, self.keys = self.sb.ctl("POST", "/_sandbox/iam-admin", {})
        self.assertEqual(status, 200)
        self.assertEqual(self.sb.ctl("GET", "/_sandbox/auth")[1]["enforced"], True)

    def good(self, service, region="us-east-1"):
        return self.sb.client(service, region, self.keys["accessKeyId"],
                              self.keys["secretAccessKey"])

    def bad(self, service, region="us-east-1"):
        return self.sb.client(service, region, self.keys["accessKeyId"], "not-the-secret")

    def test_correctly_signed_calls_succeed(self):
        ident = self.good("sts").get_caller_identity()
        self.assertEqual(ident["Arn"], f"arn:aws:iam::{ACCOUNT}:user/sandbox-admin")
        key = self.good("kms", PRIMARY).create_key(MultiRegion=True)["KeyMetadata"]
        self.good("kms", PRIMARY).replicate_key(KeyId=key["KeyId"], ReplicaRegion="us-west-2",
                                                Policy=IDC_POLICY)
        self.sb.ctl("POST", "/_sandbox/instance", {"primaryRegion": PRIMARY, "kmsKeyArn": key["Arn"]})
        self.assertEqual(len(self.good("sso-admin", PRIMARY).list_instances()["Instances"]), 1)

    def test_wrong_secret_fails(self):
        with self.assertRaises(ClientError) as cm:
            self.bad("sts").get_caller_identity()
        self.assertEqual(cm.exception.response["Error"]["Code"], "SignatureDoesNotMatch")
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)
        for service in ("kms", "sso-admin"):
            client = self.bad(service, PRIMARY)
            call = client.list_keys if service == "kms" else client.list_instances
            with self.assertRaises(ClientError) as cm:
                call()
            self.assertEqual(cm.exception.response["Error"]["Code"], "InvalidSignatureException")
            self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)

    def test_unknown_access_key_fails(self):
        client = self.sb.client("kms", PRIMARY, "AKIAIOSFODNN7EXAMPLE", "x")
        with self.assertRaises(ClientError) as cm:
            client.list_keys()
        self.assertEqual(cm.exception.response["Error"]["Code"], "UnrecognizedClientException")
        with self.assertRaises(ClientError) as cm:
            self.sb.client("sts", "us-east-1", "AKIAIOSFODNN7EXAMPLE", "x").get_caller_identity()
        self.assertEqual(cm.exception.response["Error"]["Code"], "InvalidClientTokenId")

    def test_unsigned_request_is_rejected(self):
        req = urllib.request.Request(
            self.sb.url + "/", method="POST", data=b"{}",
            headers={"X-Amz-Target": "TrentService.ListKeys",
                     "Content-Type": "application/x-amz-json-1.1"})
        with self.assertRaises(urllib.error.HTTPError) as cm:
            urllib.request.urlopen(req, timeout=10)
        self.assertEqual(cm.exception.code, 400)
        self.assertEqual(json.loads(cm.exception.read())["__type"],
                         "MissingAuthenticationTokenException")

    def test_control_api_is_not_counted_or_logged(self):
        for _ in range(3):
            self.sb.ctl("GET", "/_sandbox/state")
        self.assertEqual(self.sb.ctl("GET", "/_sandbox/auth")[1]["requestCount"], 0)
        self.good("sts").get_caller_identity()
        log = self.sb.ctl("GET", "/_sandbox/requests")[1]
        self.assertEqual([(e["service"], e["operation"]) for e in log],
                         [("sts", "GetCallerIdentity")])
        self.assertEqual(log[0]["accessKeyId"], self.keys["accessKeyId"])

    def test_auth_can_be_switched_at_run_time(self):
        self.sb.ctl("POST", "/_sandbox/auth", {"initialNoAuthActionCount": None})
        self.assertEqual(self.bad("kms", PRIMARY).list_keys()["Keys"], [])
        self.sb.ctl("POST", "/_sandbox/auth", {"initialNoAuthActionCount": 1})
        self.bad("kms", PRIMARY).list_keys()  # the one free request
        with self.assertRaises(ClientError):
            self.bad("kms", PRIMARY).list_keys()


if __name__ == "__main__":
    unittest.main()


# ------------------------------------------------------------------------------------------
# EC2 Client VPN (emulated by the sandbox) and the moto operations around it
# ------------------------------------------------------------------------------------------

VPN_REGION = "eu-west-1"
EC2_NS = "http://ec2.amazonaws.com/doc/2016-11-15/"
SAML_METADATA = ("<?xml version=\"1.0\"?><md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:"
                 "metadata\" entityID=\"http://www.okta.com/exk1\">" + "<!-- padding -->" * 70
                 + "</md:EntityDescriptor>")


def self_signed(common_name="server.vpn.example", key_size=2048, ec=False):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec as ec_keys
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = (ec_keys.generate_private_key(ec_keys.SECP256R1()) if ec
           else rsa.generate_private_key(public_exponent=65537, key_size=key_size))
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(start + datetime.timedelta(days=365))
            .sign(key, hashes.SHA256()))
    return (cert.public_bytes(serialization.Encoding.PEM),
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption()))


class ClientVpnBase(Base):
    def setUp(self):
        super().setUp()
        self.ec2 = self.client("ec2", VPN_REGION)
        self.acm = self.client("acm", VPN_REGION)
        self.iam = self.client("iam", VPN_REGION)
        self.vpc = self.ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        self.subnet_a = self.subnet("10.0.1.0/24", "eu-west-1a")
        self.subnet_b = self.subnet("10.0.2.0/24", "eu-west-1b")
        cert, key = self.__class__.pem()
        self.cert = self.acm.import_certificate(Certificate=cert, PrivateKey=key)["CertificateArn"]
        self.cert_pem = cert.decode()
        self.saml = self.iam.create_saml_provider(
            Name="okta-clientvpn", SAMLMetadataDocument=SAML_METADATA)["SAMLProviderArn"]
        self.portal_saml = self.iam.create_saml_provider(
            Name="okta-clientvpn-portal", SAMLMetadataDocument=SAML_METADATA)["SAMLProviderArn"]

    _pem = None

    @classmethod
    def pem(cls):
        if ClientVpnBase._pem is None:
            ClientVpnBase._pem = self_signed()
        return ClientVpnBase._pem

    def subnet(self, cidr, zone, vpc=None):
        return self.ec2.create_subnet(VpcId=vpc or self.vpc, CidrBlock=cidr,
                                      AvailabilityZone=zone)["Subnet"]["SubnetId"]

    def endpoint_args(self, **overrides):
        args = {
            "ClientCidrBlock": "172.16.0.0/22",
            "ServerCertificateArn": self.cert,
            "AuthenticationOptions": [{"Type": "federated-authentication",
                                       "FederatedAuthentication": {
                                           "SAMLProviderArn": self.saml,
                                           "SelfServiceSAMLProviderArn": self.portal_saml}}],
            "ConnectionLogOptions": {"Enabled": False},
            "DnsServers": ["10.0.0.2"],
            "SplitTunnel": True,
            "VpcId": self.vpc,
            "SelfServicePortal": "enabled",
            "SessionTimeoutHours": 12,
            "TransportProtocol": "udp",
            "VpnPort": 443,
            "Description": "idcsync",
            "TagSpecifications": [{"ResourceType": "client-vpn-endpoint",
                                   "Tags": [{"Key": "Name", "Value": "idc-vpn"}]}],
        }
        args.update(overrides)
        return {k: v for k, v in args.items() if v is not None}

    def create(self, **overrides):
        return self.ec2.create_client_vpn_endpoint(**self.endpoint_args(**overrides))

    def describe(self, endpoint_id):
        return self.ec2.describe_client_vpn_endpoints(
            ClientVpnEndpointIds=[endpoint_id])["ClientVpnEndpoints"][0]

    def raw_body(self, client, operation):
        """Captures the raw HTTP body of the next `operation` call."""
        seen = {}

        def hook(http_response, **_):
            seen["body"] = http_response.content.decode()
            seen["status"] = http_response.status_code

        client.meta.events.register(f"after-call.ec2.{operation}", hook)
        return seen


class MotoAroundClientVpnTests(ClientVpnBase):
    """What moto 5.2.5 does by itself and the Client VPN work relies on."""

    def test_saml_providers(self):
        got = self.iam.get_saml_provider(SAMLProviderArn=self.saml)
        self.assertIn("entityID", got["SAMLMetadataDocument"])
        self.iam.update_saml_provider(SAMLProviderArn=self.saml,
                                      SAMLMetadataDocument=SAML_METADATA.replace("exk1", "exk2"))
        self.assertIn("exk2", self.iam.get_saml_provider(SAMLProviderArn=self.saml)["SAMLMetadataDocument"])
        arns = {p["Arn"] for p in self.iam.list_saml_providers()["SAMLProviderList"]}
        self.assertEqual(arns, {self.saml, self.portal_saml})

    def test_acm_imported_and_requested_certificates_are_issued(self):
        cert = self.acm.describe_certificate(CertificateArn=self.cert)["Certificate"]
        self.assertEqual((cert["Status"], cert["KeyAlgorithm"], cert["Type"]),
                         ("ISSUED", "RSA_2048", "IMPORTED"))
        self.assertTrue(self.cert.startswith(f"arn:aws:acm:{VPN_REGION}:{ACCOUNT}:certificate/"))
        requested = self.acm.request_certificate(DomainName="vpn.example.com",
                                                 ValidationMethod="DNS")["CertificateArn"]
        # MOTO_ACM_VALIDATION_WAIT=0 (set by the launcher): issued at once
        self.assertEqual(self.acm.describe_certificate(CertificateArn=requested)["Certificate"]["Status"],
                         "ISSUED")

    def test_vpc_subnets_and_security_groups(self):
        subnets = self.ec2.describe_subnets(SubnetIds=[self.subnet_a, self.subnet_b])["Subnets"]
        self.assertEqual({s["AvailabilityZone"] for s in subnets}, {"eu-west-1a", "eu-west-1b"})
        self.assertEqual({s["AvailableIpAddressCount"] for s in subnets}, {251})
        self.assertEqual({s["VpcId"] for s in subnets}, {self.vpc})
        sg = self.ec2.create_security_group(GroupName="cvpn", Description="Client VPN",
                                           VpcId=self.vpc)["GroupId"]
        groups = self.ec2.describe_security_groups(
            Filters=[{"Name": "vpc-id", "Values": [self.vpc]}])["SecurityGroups"]
        self.assertIn(sg, {g["GroupId"] for g in groups})
        self.assertIn("default", {g["GroupName"] for g in groups})


class ClientVpnEndpointTests(ClientVpnBase):
    def test_create_and_describe(self):
        seen = self.raw_body(self.ec2, "CreateClientVpnEndpoint")
        out = self.create()
        eid = out["ClientVpnEndpointId"]
        self.assertRegex(eid, r"^cvpn-endpoint-[0-9a-f]{17}$")
        self.assertEqual(out["Status"], {"Code": "pending-associate"})
        self.assertEqual(out["DnsName"], f"*.{eid}.prod.clientvpn.{VPN_REGION}.amazonaws.com")
        self.assertIn(f'<CreateClientVpnEndpointResponse xmlns="{EC2_NS}">', seen["body"])
        self.assertRegex(seen["body"], r"<requestId>[0-9a-f-]{36}</requestId>")
        self.assertIn(f"<clientVpnEndpointId>{eid}</clientVpnEndpointId>", seen["body"])

        seen = self.raw_body(self.ec2, "DescribeClientVpnEndpoints")
        ep = self.describe(eid)
        self.assertIn(f'<DescribeClientVpnEndpointsResponse xmlns="{EC2_NS}">', seen["body"])
        self.assertIn("<tagSet>", seen["body"])
        default_sg = self.ec2.describe_security_groups(Filters=[
            {"Name": "vpc-id", "Values": [self.vpc]},
            {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]["GroupId"]
        expected = {
            "ClientVpnEndpointId": eid,
            "Description": "idcsync",
            "Status": {"Code": "pending-associate"},
            "DnsName": out["DnsName"],
            "ClientCidrBlock": "172.16.0.0/22",
            "DnsServers": ["10.0.0.2"],
            "SplitTunnel": True,
            "VpnProtocol": "openvpn",
            "TransportProtocol": "udp",
            "VpnPort": 443,
            "AssociatedTargetNetworks": [],
            "ServerCertificateArn": self.cert,
            "AuthenticationOptions": [{"Type": "federated-authentication",
                                       "FederatedAuthentication": {
                                           "SamlProviderArn": self.saml,
                                           "SelfServiceSamlProviderArn": self.portal_saml}}],
            "ConnectionLogOptions": {"Enabled": False},
            "Tags": [{"Key": "Name", "Value": "idc-vpn"}],
            "SecurityGroupIds": [default_sg],
            "VpcId": self.vpc,
            "SelfServicePortalUrl": f"https://self-service.clientvpn.amazonaws.com/endpoints/{eid}",
            "SessionTimeoutHours": 12,
        }
        for k, v in expected.items():
            self.assertEqual(ep[k], v, k)
        self.assertRegex(ep["CreationTime"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$")

    def test_defaults_and_explicit_security_group(self):
        sg = self.ec2.create_security_group(GroupName="cvpn", Description="x", VpcId=self.vpc)["GroupId"]
        eid = self.create(DnsServers=None, SplitTunnel=None, SelfServicePortal=None,
                          SessionTimeoutHours=None, TransportProtocol=None, VpnPort=None,
                          Description=None, TagSpecifications=None,
                          SecurityGroupIds=[sg])["ClientVpnEndpointId"]
        ep = self.describe(eid)
        self.assertEqual((ep["TransportProtocol"], ep["VpnPort"], ep["SessionTimeoutHours"],
                          ep["SplitTunnel"], ep["DnsServers"], ep["Tags"], ep["SecurityGroupIds"]),
                         ("udp", 443, 24, False, [], [], [sg]))
        self.assertNotIn("SelfServicePortalUrl", ep)

    def test_validation_errors_are_ec2_xml(self):
        seen = self.raw_body(self.ec2, "CreateClientVpnEndpoint")
        err = self.assertAwsError("InvalidParameterValue", self.create, ClientCidrBlock="172.16.0.0/24")
        self.assertIn("between /12 and /22", err.response["Error"]["Message"])
        self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"], 400)
        self.assertRegex(seen["body"], r"<Response><Errors><Error><Code>InvalidParameterValue</Code>"
                                       r"<Message>[^<]+</Message></Error></Errors>"
                                       r"<RequestID>[0-9a-f-]{36}</RequestID></Response>")

    def test_client_cidr_rules(self):
        for bad in ("172.16.0.0/11", "172.16.0.0/23", "172.16.0.1/22", "not-a-cidr", "fd00::/48"):
            self.assertAwsError("InvalidParameterValue", self.create, ClientCidrBlock=bad)
        err = self.assertAwsError("InvalidParameterValue", self.create, ClientCidrBlock="10.0.0.0/22")
        self.assertIn("overlaps", err.response["Error"]["Message"])
        self.assertAwsError("InvalidParameterValue", self.create, ClientCidrBlock="10.0.0.0/12")
        for good in ("172.16.0.0/12", "192.168.252.0/22"):
            self.create(ClientCidrBlock=good)
        self.assertAwsError("MissingParameter", self.create, ClientCidrBlock=None)

    def test_server_certificate_must_be_issued_rsa_in_acm_of_the_region(self):
        missing = self.cert.rsplit("/", 1)[0] + "/00000000-0000-0000-0000-000000000000"
        err = self.assertAwsError("InvalidParameterValue", self.create, ServerCertificateArn=missing)
        self.assertEqual(err.response["Error"]["Message"], f"Certificate {missing} does not exist")
        cert, key = self.pem()
        other = self.client("acm", "us-east-1").import_certificate(Certificate=cert, PrivateKey=key)["CertificateArn"]
        self.assertAwsError("InvalidParameterValue", self.create, ServerCertificateArn=other)
        ec_cert, ec_key = self_signed(ec=True)
        ec_arn = self.acm.import_certificate(Certificate=ec_cert, PrivateKey=ec_key)["CertificateArn"]
        err = self.assertAwsError("InvalidParameterValue", self.create, ServerCertificateArn=ec_arn)
        self.assertIn("RSA", err.response["Error"]["Message"])

    def test_saml_providers_must_exist(self):
        gone = f"arn:aws:iam::{ACCOUNT}:saml-provider/nope"
        err = self.assertAwsError("InvalidParameterValue", self.create, AuthenticationOptions=[
            {"Type": "federated-authentication", "FederatedAuthentication": {"SAMLProviderArn": gone}}])
        self.assertEqual(err.response["Error"]["Message"], f"SAML provider {gone} does not exist")
        self.assertAwsError("InvalidParameterValue", self.create, AuthenticationOptions=[
            {"Type": "federated-authentication", "FederatedAuthentication": {
                "SAMLProviderArn": self.saml, "SelfServiceSAMLProviderArn": gone}}])
        self.assertAwsError("MissingParameter", self.create, AuthenticationOptions=[
            {"Type": "federated-authentication", "FederatedAuthentication": {}}])
        # the self-service portal needs federated (or AD) authentication
        self.assertAwsError("InvalidParameterValue", self.create, AuthenticationOptions=[
            {"Type": "certificate-authentication",
             "MutualAuthentication": {"ClientRootCertificateChainArn": self.cert}}])

    def test_other_parameter_rules(self):
        for hours in (1, 9, 48):
            self.assertAwsError("InvalidParameterValue", self.create, SessionTimeoutHours=hours)
        for hours in (8, 10, 12, 24):
            self.create(SessionTimeoutHours=hours)
        self.assertAwsError("InvalidParameterValue", self.create, VpnPort=8443)
        self.create(VpnPort=1194, TransportProtocol="tcp")
        self.assertAwsError("InvalidParameterValue", self.create, DnsServers=["1.1.1.1", "8.8.8.8", "9.9.9.9"])
        self.assertAwsError("InvalidParameterValue", self.create, SelfServicePortal="maybe")
        self.assertAwsError("InvalidParameterValue", self.create,
                            ConnectionLogOptions={"Enabled": True})
        self.assertAwsError("InvalidVpcID.NotFound", self.create, VpcId="vpc-0123456789abcdef0")
        self.assertAwsError("InvalidGroup.NotFound", self.create, SecurityGroupIds=["sg-0123456789abcdef0"])
        other_vpc = self.ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
        foreign_sg = self.ec2.create_security_group(GroupName="x", Description="x", VpcId=other_vpc)["GroupId"]
        self.assertAwsError("InvalidParameterValue", self.create, SecurityGroupIds=[foreign_sg])
        self.assertAwsError("InvalidParameterValue", self.create, TagSpecifications=[
            {"ResourceType": "vpc", "Tags": [{"Key": "a", "Value": "b"}]}])

    def test_client_token_idempotency(self):
        first = self.create(ClientToken="token-1")
        again = self.create(ClientToken="token-1")
        self.assertEqual(first["ClientVpnEndpointId"], again["ClientVpnEndpointId"])
        self.assertEqual(len(self.ec2.describe_client_vpn_endpoints()["ClientVpnEndpoints"]), 1)
        self.assertAwsError("IdempotentParameterMismatch", self.create, ClientToken="token-1",
                            SessionTimeoutHours=8)
        other = self.create(ClientToken="token-2")
        self.assertNotEqual(other["ClientVpnEndpointId"], first["ClientVpnEndpointId"])
        # tokens are per Region
        self.client("acm", "us-east-1")
        self.assertEqual(len(self.ec2.describe_client_vpn_endpoints()["ClientVpnEndpoints"]), 2)

    def test_describe_ids_filters_and_regions(self):
        a = self.create()["ClientVpnEndpointId"]
        b = self.create(TagSpecifications=[{"ResourceType": "client-vpn-endpoint",
                                            "Tags": [{"Key": "Name", "Value": "other"},
                                                     {"Key": "team", "Value": "net"}]}],
                        TransportProtocol="tcp")["ClientVpnEndpointId"]

        def ids(**kw):
            return sorted(e["ClientVpnEndpointId"]
                          for e in self.ec2.describe_client_vpn_endpoints(**kw)["ClientVpnEndpoints"])

        self.assertEqual(ids(), sorted([a, b]))
        self.assertEqual(ids(ClientVpnEndpointIds=[b]), [b])
        self.assertEqual(ids(Filters=[{"Name": "endpoint-id", "Values": [a]}]), [a])
        self.assertEqual(ids(Filters=[{"Name": "tag:Name", "Values": ["idc-vpn"]}]), [a])
        self.assertEqual(ids(Filters=[{"Name": "tag:Name", "Values": ["idc-vpn", "other"]}]), sorted([a, b]))
        self.assertEqual(ids(Filters=[{"Name": "tag-key", "Values": ["team"]}]), [b])
        self.assertEqual(ids(Filters=[{"Name": "transport-protocol", "Values": ["tcp"]}]), [b])
        self.assertEqual(ids(Filters=[{"Name": "tag:Name", "Values": ["nope"]}]), [])
        self.assertAwsError("InvalidParameterValue", self.ec2.describe_client_vpn_endpoints,
                            Filters=[{"Name": "bogus", "Values": ["x"]}])
        self.assertAwsError("InvalidClientVpnEndpointId.NotFound",
                            self.ec2.describe_client_vpn_endpoints,
                            ClientVpnEndpointIds=["cvpn-endpoint-0123456789abcdef0"])
        page = self.ec2.describe_client_vpn_endpoints(MaxResults=5)
        self.assertNotIn("NextToken", page)
        # per account and Region
        self.assertEqual(self.client("ec2", "us-east-1").describe_client_vpn_endpoints()["ClientVpnEndpoints"], [])
        self.assertAwsError("InvalidClientVpnEndpointId.NotFound",
                            self.client("ec2", "us-east-1").export_client_vpn_client_configuration,
                            ClientVpnEndpointId=a)

    def test_modify(self):
        eid = self.create()["ClientVpnEndpointId"]
        self.assertTrue(self.ec2.modify_client_vpn_endpoint(
            ClientVpnEndpointId=eid, SessionTimeoutHours=8, SelfServicePortal="disabled",
            Description="changed", VpnPort=1194, SplitTunnel=False,
            DnsServers={"CustomDnsServers": ["10.0.0.2", "10.0.0.3"], "Enabled": True})["Return"])
        ep = self.describe(eid)
        self.assertEqual((ep["SessionTimeoutHours"], ep["Description"], ep["VpnPort"],
                          ep["SplitTunnel"], ep["DnsServers"]),
                         (8, "changed", 1194, False, ["10.0.0.2", "10.0.0.3"]))
        self.assertNotIn("SelfServicePortalUrl", ep)
        self.assertAwsError("InvalidParameterValue", self.ec2.modify_client_vpn_endpoint,
                            ClientVpnEndpointId=eid, SessionTimeoutHours=7)
        self.assertAwsError("InvalidParameterValue", self.ec2.modify_client_vpn_endpoint,
                            ClientVpnEndpointId=eid, ServerCertificateArn=self.cert + "x")
        self.assertAwsError("InvalidClientVpnEndpointId.NotFound", self.ec2.modify_client_vpn_endpoint,
                            ClientVpnEndpointId="cvpn-endpoint-0123456789abcdef0", Description="x")

    def test_delete(self):
        eid = self.create()["ClientVpnEndpointId"]
        assoc = self.ec2.associate_client_vpn_target_network(
            ClientVpnEndpointId=eid, SubnetId=self.subnet_a)["AssociationId"]
        self.assertAwsError("IncorrectState", self.ec2.delete_client_vpn_endpoint, ClientVpnEndpointId=eid)
        out = self.ec2.disassociate_client_vpn_target_network(ClientVpnEndpointId=eid, AssociationId=assoc)
        self.assertEqual(out["Status"], {"Code": "disassociating"})
        self.assertEqual(self.describe(eid)["Status"], {"Code": "pending-associate"})
        self.assertEqual(self.ec2.delete_client_vpn_endpoint(ClientVpnEndpointId=eid)["Status"],
                         {"Code": "deleting"})
        self.assertEqual(self.ec2.describe_client_vpn_endpoints()["ClientVpnEndpoints"], [])
        self.assertAwsError("InvalidClientVpnEndpointId.NotFound", self.ec2.delete_client_vpn_endpoint,
                            ClientVpnEndpointId=eid)

    def test_request_log_and_reset(self):
        self.ctl("DELETE", "/_sandbox/requests")
        eid = self.create()["ClientVpnEndpointId"]
        self.assertAwsError("InvalidParameterValue", self.create, VpnPort=1)
        self.ec2.describe_client_vpn_endpoints()
        log = [(e["service"], e["operation"], e["region"], e["status"], e["errorCode"])
               for e in self.ctl("GET", "/_sandbox/requests")]
        self.assertEqual(log, [
            ("ec2", "CreateClientVpnEndpoint", VPN_REGION, 200, None),
            ("ec2", "CreateClientVpnEndpoint", VPN_REGION, 400, "InvalidParameterValue"),
            ("ec2", "DescribeClientVpnEndpoints", VPN_REGION, 200, None),
        ])
        self.ctl("POST", "/_sandbox/reset", {})
        self.assertEqual(self.ec2.describe_client_vpn_endpoints()["ClientVpnEndpoints"], [])
        self.assertAwsError("InvalidClientVpnEndpointId.NotFound", self.describe, eid)

    def test_faults_apply_to_client_vpn(self):
        self.ctl("POST", "/_sandbox/faults", {"faults": [
            {"service": "ec2", "operation": "CreateClientVpnEndpoint", "action": "throttle"}]})
        self.assertAwsError("RequestLimitExceeded", self.create)
        self.assertEqual(self.ec2.describe_client_vpn_endpoints()["ClientVpnEndpoints"], [])


class ClientVpnNetworkTests(ClientVpnBase):
    def test_association_makes_the_endpoint_available(self):
        self.ctl("POST", "/_sandbox/config", {"clientVpnAssociationSeconds": 0.4})
        eid = self.create()["ClientVpnEndpointId"]
        out = self.ec2.associate_client_vpn_target_network(ClientVpnEndpointId=eid, SubnetId=self.subnet_a)
        self.assertRegex(out["AssociationId"], r"^cvpn-assoc-[0-9a-f]{17}$")
        self.assertEqual(out["Status"], {"Code": "associating"})
        nets = self.ec2.describe_client_vpn_target_networks(ClientVpnEndpointId=eid)["ClientVpnTargetNetworks"]
        self.assertEqual(len(nets), 1)
        self.assertEqual((nets[0]["AssociationId"], nets[0]["TargetNetworkId"], nets[0]["VpcId"],
                          nets[0]["ClientVpnEndpointId"], nets[0]["Status"]["Code"]),
                         (out["AssociationId"], self.subnet_a, self.vpc, eid, "associating"))
        self.assertEqual(nets[0]["SecurityGroups"], self.describe(eid)["SecurityGroupIds"])
        self.assertEqual(self.describe(eid)["Status"]["Code"], "pending-associate")
        wait_until(lambda: self.ec2.describe_client_vpn_target_networks(ClientVpnEndpointId=eid)
                   ["ClientVpnTargetNetworks"][0]["Status"]["Code"] == "associated",
                   what=f"the association of {self.subnet_a} to become associated")
        ep = self.describe(eid)
        self.assertEqual(ep["Status"]["Code"], "available")
        self.assertEqual(ep["AssociatedTargetNetworks"], [{"NetworkId": self.subnet_a, "NetworkType": "vpc"}])

    def test_default_association_delay_is_zero(self):
        eid = self.create()["ClientVpnEndpointId"]
        self.ec2.associate_client_vpn_target_network(ClientVpnEndpointId=eid, SubnetId=self.subnet_a)
        self.assertEqual(self.describe(eid)["Status"]["Code"], "available")

    def test_association_rules(self):
        eid = self.create()["ClientVpnEndpointId"]
        self.assertAwsError("InvalidSubnetID.NotFound", self.ec2.associate_client_vpn_target_network,
                            ClientVpnEndpointId=eid, SubnetId="subnet-0123456789abcdef0")
        other_vpc = self.ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
        foreign = self.subnet("10.1.1.0/24", "eu-west-1c", vpc=other_vpc)
        self.assertAwsError("InvalidClientVpnSubnetId.NotFound", self.ec2.associate_client_vpn_target_network,
                            ClientVpnEndpointId=eid, SubnetId=foreign)
        small = self.subnet("10.0.9.0/28", "eu-west-1c")
        err = self.assertAwsError("InvalidParameterValue", self.ec2.associate_client_vpn_target_network,
                                  ClientVpnEndpointId=eid, SubnetId=small)
        self.assertIn("/27", err.response["Error"]["Message"])
        first = self.ec2.associate_client_vpn_target_network(ClientVpnEndpointId=eid, SubnetId=self.subnet_a)
        self.assertAwsError("InvalidClientVpnDuplicateAssociationException",
                            self.ec2.associate_client_vpn_target_network,
                            ClientVpnEndpointId=eid, SubnetId=self.subnet_a)
        same_zone = self.subnet("10.0.3.0/24", "eu-west-1a")
        err = self.assertAwsError("InvalidClientVpnSubnetId.DuplicateAz",
                                  self.ec2.associate_client_vpn_target_network,
                                  ClientVpnEndpointId=eid, SubnetId=same_zone)
        self.assertIn("eu-west-1a", err.response["Error"]["Message"])
        second = self.ec2.associate_client_vpn_target_network(ClientVpnEndpointId=eid, SubnetId=self.subnet_b)
        nets = self.ec2.describe_client_vpn_target_networks(ClientVpnEndpointId=eid)["ClientVpnTargetNetworks"]
        self.assertEqual([n["TargetNetworkId"] for n in nets], [self.subnet_a, self.subnet_b])
        only = self.ec2.describe_client_vpn_target_networks(
            ClientVpnEndpointId=eid, AssociationIds=[second["AssociationId"]])["ClientVpnTargetNetworks"]
        self.assertEqual([n["TargetNetworkId"] for n in only], [self.subnet_b])
        filtered = self.ec2.describe_client_vpn_target_networks(
            ClientVpnEndpointId=eid, Filters=[{"Name": "target-network-id", "Values": [self.subnet_a]}])
        self.assertEqual([n["AssociationId"] for n in filtered["ClientVpnTargetNetworks"]],
                         [first["AssociationId"]])
        self.assertAwsError("InvalidClientVpnEndpointId.NotFound",
                            self.ec2.associate_client_vpn_target_network,
                            ClientVpnEndpointId="cvpn-endpoint-0123456789abcdef0", SubnetId=self.subnet_a)

    def test_overlapping_subnet_and_endpoint_without_vpc(self):
        # no VpcId: the first association picks the VPC (and its default security group)
        vpc2 = self.ec2.create_vpc(CidrBlock="172.16.0.0/16")["Vpc"]["VpcId"]
        inside = self.subnet("172.16.1.0/24", "eu-west-1a", vpc=vpc2)
        eid = self.create(VpcId=None, ClientCidrBlock="172.16.0.0/22")["ClientVpnEndpointId"]
        self.assertNotIn("VpcId", self.describe(eid))
        self.assertAwsError("InvalidClientVpnSubnetId.OverlappingCidr",
                            self.ec2.associate_client_vpn_target_network,
                            ClientVpnEndpointId=eid, SubnetId=inside)
        self.ec2.associate_client_vpn_target_network(ClientVpnEndpointId=eid, SubnetId=self.subnet_a)
        ep = self.describe(eid)
        self.assertEqual(ep["VpcId"], self.vpc)
        self.assertEqual(len(ep["SecurityGroupIds"]), 1)

    def test_association_client_token(self):
        eid = self.create()["ClientVpnEndpointId"]
        a = self.ec2.associate_client_vpn_target_network(ClientVpnEndpointId=eid, SubnetId=self.subnet_a,
                                                         ClientToken="t")
        b = self.ec2.associate_client_vpn_target_network(ClientVpnEndpointId=eid, SubnetId=self.subnet_a,
                                                         ClientToken="t")
        self.assertEqual(a["AssociationId"], b["AssociationId"])
        self.assertAwsError("IdempotentParameterMismatch", self.ec2.associate_client_vpn_target_network,
                            ClientVpnEndpointId=eid, SubnetId=self.subnet_b, ClientToken="t")


class ClientVpnAuthorizationTests(ClientVpnBase):
    def test_rules_go_authorizing_then_active(self):
        self.ctl("POST", "/_sandbox/config", {"clientVpnAuthorizationSeconds": 0.4})
        eid = self.create()["ClientVpnEndpointId"]
        out = self.ec2.authorize_client_vpn_ingress(ClientVpnEndpointId=eid, TargetNetworkCidr="10.0.0.0/16",
                                                    AccessGroupId="00g1abcd", Description="admins")
        self.assertEqual(out["Status"], {"Code": "authorizing"})
        rules = self.ec2.describe_client_vpn_authorization_rules(ClientVpnEndpointId=eid)["AuthorizationRules"]
        self.assertEqual(rules, [{"ClientVpnEndpointId": eid, "Description": "admins", "GroupId": "00g1abcd",
                                  "AccessAll": False, "DestinationCidr": "10.0.0.0/16",
                                  "Status": {"Code": "authorizing"}}])
        wait_until(lambda: self.ec2.describe_client_vpn_authorization_rules(ClientVpnEndpointId=eid)
                   ["AuthorizationRules"][0]["Status"] == {"Code": "active"},
                   what="the rule for 10.0.0.0/16 to become active")

    def test_rule_validation_duplicates_filters_and_revoke(self):
        eid = self.create()["ClientVpnEndpointId"]
        auth = self.ec2.authorize_client_vpn_ingress
        auth(ClientVpnEndpointId=eid, TargetNetworkCidr="0.0.0.0/0", AuthorizeAllGroups=True)
        auth(ClientVpnEndpointId=eid, TargetNetworkCidr="10.0.0.0/16", AccessGroupId="engineers")
        auth(ClientVpnEndpointId=eid, TargetNetworkCidr="10.0.0.0/16", AccessGroupId="admins")
        self.assertAwsError("InvalidClientVpnDuplicateAuthorizationRule", auth,
                            ClientVpnEndpointId=eid, TargetNetworkCidr="10.0.0.0/16", AccessGroupId="admins")
        self.assertAwsError("InvalidClientVpnDuplicateAuthorizationRule", auth,
                            ClientVpnEndpointId=eid, TargetNetworkCidr="0.0.0.0/0", AuthorizeAllGroups=True)
        self.assertAwsError("MissingParameter", auth, ClientVpnEndpointId=eid, TargetNetworkCidr="10.1.0.0/16")
        self.assertAwsError("InvalidParameterCombination", auth, ClientVpnEndpointId=eid,
                            TargetNetworkCidr="10.1.0.0/16", AccessGroupId="a", AuthorizeAllGroups=True)
        self.assertAwsError("InvalidParameterValue", auth, ClientVpnEndpointId=eid,
                            TargetNetworkCidr="10.1.0.0", AuthorizeAllGroups=True)
        self.assertAwsError("InvalidClientVpnEndpointId.NotFound", auth,
                            ClientVpnEndpointId="cvpn-endpoint-0123456789abcdef0",
                            TargetNetworkCidr="10.1.0.0/16", AuthorizeAllGroups=True)
        describe = self.ec2.describe_client_vpn_authorization_rules
        rules = describe(ClientVpnEndpointId=eid)["AuthorizationRules"]
        self.assertEqual([(r["DestinationCidr"], r["GroupId"], r["AccessAll"]) for r in rules],
                         [("0.0.0.0/0", "", True), ("10.0.0.0/16", "engineers", False),
                          ("10.0.0.0/16", "admins", False)])
        by_group = describe(ClientVpnEndpointId=eid, Filters=[{"Name": "group-id", "Values": ["admins"]}])
        self.assertEqual([r["GroupId"] for r in by_group["AuthorizationRules"]], ["admins"])
        by_cidr = describe(ClientVpnEndpointId=eid, Filters=[{"Name": "destination-cidr", "Values": ["10.0.0.0/16"]}])
        self.assertEqual(len(by_cidr["AuthorizationRules"]), 2)
        self.assertEqual(self.ec2.revoke_client_vpn_ingress(ClientVpnEndpointId=eid, TargetNetworkCidr="10.0.0.0/16",
                                                            AccessGroupId="engineers")["Status"],
                         {"Code": "revoking"})
        self.assertAwsError("InvalidClientVpnEndpointAuthorizationRuleNotFound", self.ec2.revoke_client_vpn_ingress,
                            ClientVpnEndpointId=eid, TargetNetworkCidr="10.0.0.0/16", AccessGroupId="engineers")
        self.assertEqual(len(describe(ClientVpnEndpointId=eid)["AuthorizationRules"]), 2)

    def test_authorize_client_token(self):
        eid = self.create()["ClientVpnEndpointId"]
        for _ in range(2):
            self.ec2.authorize_client_vpn_ingress(ClientVpnEndpointId=eid, TargetNetworkCidr="10.0.0.0/16",
                                                  AuthorizeAllGroups=True, ClientToken="r1")
        self.assertEqual(len(self.ec2.describe_client_vpn_authorization_rules(
            ClientVpnEndpointId=eid)["AuthorizationRules"]), 1)


class ClientVpnExportTests(ClientVpnBase):
    def test_export_is_a_realistic_ovpn(self):
        eid = self.create()["ClientVpnEndpointId"]
        seen = self.raw_body(self.ec2, "ExportClientVpnClientConfiguration")
        conf = self.ec2.export_client_vpn_client_configuration(ClientVpnEndpointId=eid)["ClientConfiguration"]
        self.assertIn(f'<ExportClientVpnClientConfigurationResponse xmlns="{EC2_NS}">', seen["body"])
        lines = conf.splitlines()
        self.assertEqual(lines[:10], [
            "client", "dev tun", "proto udp",
            f"remote {eid}.prod.clientvpn.{VPN_REGION}.amazonaws.com 443",
            "remote-random-hostname", "resolv-retry infinite", "nobind", "remote-cert-tls server",
            "cipher AES-256-GCM", "verb 3"])
        self.assertNotIn("auth-federate", conf)
        ca = conf[conf.index("<ca>\n") + 5: conf.index("</ca>")]
        self.assertEqual(ca.strip(), self.cert_pem.strip())
        self.assertIn("reneg-sec 0", lines)

    def test_export_follows_transport_and_port(self):
        eid = self.create(TransportProtocol="tcp", VpnPort=1194)["ClientVpnEndpointId"]
        conf = self.ec2.export_client_vpn_client_configuration(ClientVpnEndpointId=eid)["ClientConfiguration"]
        self.assertIn("\nproto tcp\n", conf)
        self.assertIn(f"\nremote {eid}.prod.clientvpn.{VPN_REGION}.amazonaws.com 1194\n", conf)
        self.assertAwsError("InvalidClientVpnEndpointId.NotFound",
                            self.ec2.export_client_vpn_client_configuration,
                            ClientVpnEndpointId="cvpn-endpoint-0123456789abcdef0")


class SeedVpnScriptTests(Base):
    def test_seed_vpn_prints_vpc_subnets_and_an_issued_rsa_2048_certificate(self):
        out = subprocess.run([sys.executable, os.path.join(HERE, "aws_seed_vpn.py"), "--endpoint", SB.url,
                              "--region", "us-west-2"], capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        doc = json.loads(out.stdout)
        self.assertEqual(set(doc), {"vpcId", "subnetIds", "certificateArn"})
        ec2 = self.client("ec2", "us-west-2")
        vpc = ec2.describe_vpcs(VpcIds=[doc["vpcId"]])["Vpcs"][0]
        self.assertEqual(vpc["CidrBlock"], "10.0.0.0/16")
        subnets = ec2.describe_subnets(SubnetIds=doc["subnetIds"])["Subnets"]
        self.assertEqual(len(subnets), 2)
        self.assertEqual(len({s["AvailabilityZone"] for s in subnets}), 2)
        self.assertEqual({s["CidrBlock"] for s in subnets}, {"10.0.0.0/24", "10.0.1.0/24"})
        self.assertEqual({s["VpcId"] for s in subnets}, {doc["vpcId"]})
        cert = self.client("acm", "us-west-2").describe_certificate(
            CertificateArn=doc["certificateArn"])["Certificate"]
        self.assertEqual((cert["Status"], cert["KeyAlgorithm"]), ("ISSUED", "RSA_2048"))
        self.assertIn(":acm:us-west-2:", doc["certificateArn"])
