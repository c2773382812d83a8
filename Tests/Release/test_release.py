"""The binary as shipped, its container image and the release artifacts (issue 14).

Run by scripts/test after the Swift tests, with the sandbox Python, from the repository root:
    IDCSYNC_RELEASE_BINARY=$(scripts/build-release) python -m unittest -v Tests/Release/test_release.py
- BinaryTests: the version needs (readelf, objdump) against the oldest systems idcsync supports,
  PIE, the static Swift runtime, the separate debug file, `--version`.
- ImageTests: the tree scripts/image-rootfs assembles, entered with chroot as user 65532 with the
  tree read-only (a read-only bind mount in a private mount namespace, as readOnlyRootFilesystem)
  and /tmp writable: --version, urls, reconcile against the sandboxes on loopback, TLS through the
  image's CA bundle, and the image itself built with buildah when a builder is on the machine.
- ReleaseTests: scripts/release: the tarball against SHA256SUMS and the SPDX SBOM.
Needs root (chroot, mount namespaces), as CI has.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import re
import shutil
import ssl
import subprocess
import sys
import tarfile
import tempfile
import threading
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "Tests", "Sandbox"))

from sandbox_testing import wait_until  # noqa: E402

# The oldest systems the binary must start on: Amazon Linux 2023 and RHEL 9 (glibc 2.34, GCC 11's
# libstdc++: GLIBCXX_3.4.29, CXXABI_1.3.13, GCC_7.0.0 for libgcc_s).
NEWEST_ALLOWED = {"GLIBC": (2, 34), "GLIBCXX": (3, 4, 29), "CXXABI": (1, 3, 13), "GCC": (7, 0, 0)}
ALLOWED_LIBRARIES = {"libc.so.6", "libm.so.6", "libstdc++.so.6", "libgcc_s.so.1", "libz.so.1", "ld-linux-x86-64.so.2"}
INTERPRETER = "/lib64/ld-linux-x86-64.so.2"
# An instance described in full, so that a command needs no AWS credentials.
OFFLINE_INSTANCE = ("instance:\n  arn: arn:aws:sso:::instance/ssoins-7758a1b2c3d4e5f6\n  primaryRegion: ap-northeast-1\n"
                    "  regions: [ap-northeast-1, ap-northeast-3]\n  identityStoreId: d-9067a1b2c3\n"
                    "  tenantId: 4455422d-7e3f-4b1a-9c2d-5e6f7a8b9c0d\n")


def binary_path() -> str:
    path = os.environ.get("IDCSYNC_RELEASE_BINARY")
    if not path:
        raise RuntimeError("IDCSYNC_RELEASE_BINARY is not set: run these tests through scripts/test, "
                           "or set it to the output of scripts/build-release")
    return path


def run(*args, check=True, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(list(args), capture_output=True, text=True, errors="replace", **kwargs)
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(args)} exited {result.returncode}:\n{result.stderr}{result.stdout}")
    return result


def version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def version_violations(readelf_version_info: str) -> list[str]:
    """The version needs (readelf -V) newer than NEWEST_ALLOWED, and GLIBC_ABI_DT_RELR (glibc 2.36)."""
    needs = re.findall(r"Name: (\S+)\s+Flags", readelf_version_info)
    violations = []
    for need in needs:
        if need.startswith("GLIBC_ABI_"):
            violations.append(f"{need} (a glibc 2.36 loader feature)")
            continue
        match = re.fullmatch(r"(GLIBCXX|GLIBC|CXXABI|GCC)_([0-9.]+)", need)
        if match is None:
            violations.append(f"{need} (a version idcsync does not know to be on glibc 2.34 systems)")
        elif version_tuple(match.group(2)) > NEWEST_ALLOWED[match.group(1)]:
            newest = ".".join(str(n) for n in NEWEST_ALLOWED[match.group(1)])
            violations.append(f"{need} (newer than {match.group(1)}_{newest})")
    return violations


def symbols_needing(objdump_dynamic: str, versions: set[str]) -> list[str]:
    """The undefined dynamic symbols (objdump -T) that ask for one of versions."""
    found = []
    for line in objdump_dynamic.splitlines():
        match = re.search(r"\*UND\*\s+\S+\s+\(?([A-Za-z_]+_[0-9.]+)\)?\s+(\S+)$", line)
        if match and match.group(1) in versions:
            found.append(f"{match.group(2)}@{match.group(1)}")
    return sorted(set(found))


class VersionCheckerTests(unittest.TestCase):
    """The checker itself, on readelf output of a binary that would not start on glibc 2.34."""

    SAMPLE = """
Version needs section '.gnu.version_r' contains 3 entries:
 Addr: 0x0000000000000000  Offset: 0x000000  Link: 7 (.dynstr)
  000000: Version: 1  File: libm.so.6  Cnt: 2
  0x0010:   Name: GLIBC_2.35  Flags: none  Version: 9
  0x0020:   Name: GLIBC_2.2.5  Flags: none  Version: 8
  0x0030: Version: 1  File: libstdc++.so.6  Cnt: 2
  0x0040:   Name: GLIBCXX_3.4.30  Flags: none  Version: 7
  0x0050:   Name: GLIBCXX_3.4.29  Flags: none  Version: 6
  0x0060: Version: 1  File: libc.so.6  Cnt: 3
  0x0070:   Name: GLIBC_ABI_DT_RELR  Flags: none  Version: 5
  0x0080:   Name: GLIBC_2.34  Flags: none  Version: 4
  0x0090:   Name: GLIBC_2.4  Flags: none  Version: 3
"""

    def test_newer_versions_and_dt_relr_are_named(self):
        self.assertEqual(version_violations(self.SAMPLE), [
            "GLIBC_2.35 (newer than GLIBC_2.34)",
            "GLIBCXX_3.4.30 (newer than GLIBCXX_3.4.29)",
            "GLIBC_ABI_DT_RELR (a glibc 2.36 loader feature)",
        ])

    def test_the_symbols_asking_for_them_are_named(self):
        dump = ("0000000000000000      DF *UND*\t0000000000000000 (GLIBC_2.35) hypot\n"
                "0000000000000000      DF *UND*\t0000000000000000 (GLIBC_2.2.5) hypotf\n"
                "0000000000000000      DF *UND*\t0000000000000000  GLIBCXX_3.4.30 _ZNSt18condition_variable4waitERSt11unique_lockISt5mutexE\n")
        self.assertEqual(symbols_needing(dump, {"GLIBC_2.35", "GLIBCXX_3.4.30"}),
                         ["_ZNSt18condition_variable4waitERSt11unique_lockISt5mutexE@GLIBCXX_3.4.30", "hypot@GLIBC_2.35"])


class BinaryTests(unittest.TestCase):
    """The binary scripts/build-release ships."""

    @classmethod
    def setUpClass(cls):
        cls.binary = binary_path()

    def test_version_needs_are_at_most_glibc_2_34_and_gcc_11(self):
        info = run("readelf", "-V", "--wide", self.binary).stdout
        self.assertIn("GLIBC_2.2.5", info, "readelf printed no version needs: is this the shipped binary?")
        violations = version_violations(info)
        offenders = symbols_needing(run("objdump", "-T", self.binary).stdout, {v.split()[0] for v in violations})
        self.assertEqual(violations, [], f"symbols asking for them: {offenders}; pin them in Sources/GlibcCompat")

    def test_needed_libraries_interpreter_and_pie(self):
        dynamic = run("readelf", "-d", "--wide", self.binary).stdout
        needed = set(re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", dynamic))
        self.assertTrue(needed <= ALLOWED_LIBRARIES, f"unexpected libraries: {sorted(needed - ALLOWED_LIBRARIES)}")
        self.assertFalse(any("swift" in n or "Foundation" in n or "dispatch" in n for n in needed), "the Swift runtime must be linked in")
        self.assertNotIn("(RELR)", dynamic, "packed relative relocations need glibc 2.36")
        self.assertRegex(dynamic, r"\(FLAGS_1\)\s+Flags:.*\bPIE\b")
        self.assertIn("DYN (Position-Independent Executable file)", run("readelf", "-h", self.binary).stdout)
        self.assertIn(f"Requesting program interpreter: {INTERPRETER}", run("readelf", "-l", "--wide", self.binary).stdout)

    def test_stripped_with_debug_information_beside_it(self):
        sections = run("readelf", "-S", "--wide", self.binary).stdout
        self.assertNotIn(".debug_info", sections)
        self.assertNotIn(".symtab", sections)
        link = run("readelf", "--string-dump=.gnu_debuglink", self.binary).stdout
        self.assertIn("idcsync.debug", link)
        debug = self.binary + ".debug"
        self.assertTrue(os.path.isfile(debug), f"{debug} is missing")
        debug_sections = run("readelf", "-S", "--wide", debug).stdout
        self.assertIn(".debug_info", debug_sections)
        self.assertIn(".symtab", debug_sections)
        build_ids = [re.search(r"Build ID: (\w+)", run("readelf", "-n", path).stdout) for path in (self.binary, debug)]
        self.assertTrue(all(build_ids), "both files carry a GNU build id")
        self.assertEqual(build_ids[0].group(1), build_ids[1].group(1), "the debug file belongs to this binary")

    def test_version_names_the_commit(self):
        output = run(self.binary, "--version").stdout.strip()
        head = run("git", "rev-parse", "HEAD", cwd=ROOT).stdout.strip()
        self.assertRegex(output, rf"^\d+\.\d+\.\d+\S* \(commit {head}(, modified)?\)$")


class ChrootImage:
    """A copy of the image's tree entered with chroot as the image's user, the tree read-only."""

    def __init__(self, rootfs: str, work: str):
        self.root = os.path.join(work, "root")
        shutil.copytree(rootfs, self.root, symlinks=True)
        self.tmp = os.path.join(work, "tmp")  # the writable /tmp, readable here after the run
        os.makedirs(self.tmp)
        os.chmod(self.tmp, 0o1777)
        self.config = os.path.join(self.root, "config")
        os.makedirs(self.config)
        with open(os.path.join(ROOT, "Containerfile")) as handle:
            containerfile = handle.read()
        self.user = re.search(r"^USER (\S+)$", containerfile, re.M).group(1)
        self.env = dict(re.findall(r"(\w+)=(\S+)", re.search(r"^ENV (.+)$", containerfile, re.M).group(1)))
        self.entrypoint = json.loads(re.search(r"^ENTRYPOINT (.+)$", containerfile, re.M).group(1))

    def run(self, *args, env=None, timeout=120) -> subprocess.CompletedProcess:
        # The mounts live in a private mount namespace and vanish with it: the tree bind-mounted onto
        # itself and made read-only, /proc (the Swift runtime reads its arguments there), /dev, and the
        # writable /tmp.
        # The environment is the image's (ENV in the Containerfile) and nothing else: `env -i` outside,
        # so it reaches idcsync through unshare, sh and chroot, which the script finds on the host's PATH.
        script = r"""
set -e
image_path="$PATH"; PATH=/usr/sbin:/usr/bin:/sbin:/bin
root="$1"; tmp="$2"; user="$3"; shift 3
mount --make-rprivate /
mount --bind "$root" "$root"
mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev"
mount --bind "$tmp" "$root/tmp"
mount -o remount,bind,ro "$root"
exec env PATH="$image_path" "$(command -v chroot)" --userspec="$user" "$root" "$@"
"""
        environment = [f"{k}={v}" for k, v in {**self.env, **(env or {})}.items()]
        command = ["/usr/bin/env", "-i", *environment, shutil.which("unshare"), "--mount", "/bin/sh", "-c", script, "sh",
                   self.root, self.tmp, self.user, *self.entrypoint, *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout)


class ImageTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.binary = binary_path()
        cls.work = tempfile.mkdtemp(prefix="idcsync-image-")
        cls.rootfs = os.path.join(cls.work, "context", "rootfs")
        run(os.path.join(ROOT, "scripts", "image-rootfs"), "--binary", cls.binary, cls.rootfs, cwd=ROOT)
        cls.image = ChrootImage(cls.rootfs, os.path.join(cls.work, "chroot"))
        cls.servers = []

    @classmethod
    def tearDownClass(cls):
        for server in cls.servers:
            server.terminate()
            server.wait(timeout=10)
            server.stdout.close()
        shutil.rmtree(cls.work, ignore_errors=True)

    def write_config(self, name: str, text: str) -> str:
        with open(os.path.join(self.image.config, name), "w") as handle:
            handle.write(text)
        return f"/config/{name}"

    def test_tree_holds_exactly_what_the_loader_resolves(self):
        listed = run(INTERPRETER, "--list", self.binary).stdout
        resolved = {m.group(2) or m.group(1) for m in re.finditer(r"^\s*(\S+)(?: => (\S+))? \(0x", listed, re.M)}
        resolved = {path for path in resolved if path.startswith("/")}
        shipped = set()
        for folder, _, names in os.walk(self.rootfs):
            for name in names:
                path = "/" + os.path.relpath(os.path.join(folder, name), self.rootfs)
                if ".so" in name:
                    shipped.add(path)
        self.assertEqual(shipped, resolved | {INTERPRETER})
        self.assertTrue(os.path.isfile(os.path.join(self.rootfs, "etc/ssl/certs/ca-certificates.crt")))
        with open(os.path.join(self.rootfs, "etc/passwd")) as handle:
            self.assertIn("nonroot:x:65532:65532:nonroot:/home/nonroot:", handle.read())
        for folder, dirs, names in os.walk(self.rootfs):
            for name in dirs + names:
                path = os.path.join(folder, name)
                info = os.lstat(path)
                if os.path.relpath(path, self.rootfs) == "tmp":
                    continue
                self.assertFalse(info.st_mode & 0o022, f"{path} is writable by others")
                self.assertEqual(info.st_uid, 0, f"{path} is not owned by root")

    def test_version_and_urls_as_the_image_user(self):
        version = self.image.run("--version")
        self.assertEqual(version.returncode, 0, version.stderr)
        self.assertRegex(version.stdout, r"^\d+\.\d+\.\d+\S* \(commit [0-9a-f]{40}")
        config = self.write_config("urls.yaml", OFFLINE_INSTANCE)
        urls = self.image.run("urls", "--config", config, "--output", "json")
        self.assertEqual(urls.returncode, 0, urls.stderr)
        text = json.dumps(json.loads(urls.stdout))
        self.assertIn("https://ap-northeast-3.signin.aws.amazon.com/platform/saml/acs/4455422d-7e3f-4b1a-9c2d-5e6f7a8b9c0d", text)

    def test_the_tree_is_read_only_for_the_image_user(self):
        result = self.image.run("init", "--config", "/home/nonroot/idcsync.yaml")
        self.assertEqual(result.returncode, 1, result.stderr + result.stdout)
        self.assertIn("/home/nonroot/idcsync.yaml", result.stderr)
        self.assertRegex(result.stderr, r"(?i)read-only file system")
        self.assertEqual(os.listdir(os.path.join(self.image.root, "home", "nonroot")), [])
        written = self.image.run("init", "--config", "/tmp/idcsync.yaml")
        self.assertEqual(written.returncode, 0, written.stderr)
        self.assertTrue(os.path.isfile(os.path.join(self.image.tmp, "idcsync.yaml")), "/tmp is writable")

    def start(self, script: str) -> str:
        python = os.environ.get("IDCSYNC_SANDBOX_PYTHON", sys.executable)
        with open(os.path.join(self.work, script + ".log"), "w") as log:
            server = subprocess.Popen([python, os.path.join(ROOT, "Tests", "Sandbox", script), "--port", "0"],
                                      stdout=subprocess.PIPE, stderr=log, text=True, cwd=ROOT)
        type(self).servers.append(server)
        line = server.stdout.readline()
        self.assertTrue(line.startswith("LISTENING "), f"{script} did not start: {line!r}")
        return line.split()[1]

    def test_reconcile_against_the_sandboxes(self):
        aws, okta = self.start("aws_sandbox.py"), self.start("okta_fake.py")
        primary, additional, token = "ap-northeast-1", "ap-northeast-3", "image-test-token"
        env = {"OKTA_API_TOKEN": token, "AWS_ACCESS_KEY_ID": "image", "AWS_SECRET_ACCESS_KEY": "image-secret",
               "AWS_ENDPOINT_URL": aws, "AWS_REGION": primary, "AWS_EC2_METADATA_DISABLED": "true"}
        seed_config = os.path.join(self.work, "policy.yaml")
        with open(seed_config, "w") as handle:
            handle.write(f"instance: {{primaryRegion: {primary}}}\nkms:\n  delegatedAdministrators: []\n"
                         "  keyArn: arn:aws:kms:ap-northeast-1:123456789012:key/mrk-00000000000000000000000000000000\n")
        policy = run(self.binary, "policy", "kms", "--config", seed_config, "--quiet").stdout
        policy_file = os.path.join(self.work, "key-policy.json")
        with open(policy_file, "w") as handle:
            handle.write(policy)
        python = os.environ.get("IDCSYNC_SANDBOX_PYTHON", sys.executable)
        control(f"{aws}/_sandbox/config", {"replicaCreatingSeconds": 0})
        seeded = json.loads(run(python, "Tests/Sandbox/aws_seed.py", "--endpoint", aws, "--primary", primary,
                                "--regions", additional, "--key-policy-file", policy_file, cwd=ROOT).stdout)
        import boto3  # the sandbox venv's
        boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=primary) \
            .client("kms", endpoint_url=aws).replicate_key(KeyId=seeded["keyArn"], ReplicaRegion=additional, Policy=policy)
        control(f"{okta}/_fake/config", {"apiTokens": [token]})
        tenant = "4455422d-7e3f-4b1a-9c2d-5e6f7a8b9c0d"
        control(f"{okta}/_fake/apps", {
            "id": "0oaimage", "name": "amazon_aws_sso", "label": "AWS IAM Identity Center", "status": "ACTIVE",
            "settings": {"app": {"acsURL": f"https://{primary}.signin.aws.amazon.com/platform/saml/acs/{tenant}",
                                 "entityID": f"https://{primary}.signin.aws.amazon.com/platform/saml/d-9067a1b2c3"}}})
        text = (f"instance:\n  primaryRegion: {primary}\nkms:\n  delegatedAdministrators: auto\n"
                f"okta:\n  orgUrl: {okta}\n  appId: 0oaimage\n")
        host_config = os.path.join(self.work, "idcsync.yaml")
        with open(host_config, "w") as handle:
            handle.write(text)
        run(self.binary, "okta", "apply", "--yes", "--config", host_config, "--backup-dir", os.path.join(self.work, "backups"),
            env={**env, "PATH": "/usr/bin:/bin"})
        config = self.write_config("idcsync.yaml", text)

        result = self.image.run("reconcile", "--config", config, "--output", "json", "--lock-dir", "/tmp/locks",
                                "--metrics-file", "/tmp/idcsync.prom", env=env)
        self.assertEqual(result.returncode, 0, result.stderr + result.stdout)
        report = json.loads(result.stdout)
        self.assertEqual([t["state"] for t in report["targets"]], ["in-sync"])
        with open(os.path.join(self.image.tmp, "idcsync.prom")) as handle:
            self.assertIn('idcsync_reconcile_target_ok{target="default"} 1', handle.read())
        self.assertTrue(os.path.isdir(os.path.join(self.image.tmp, "locks")))

        # Without --lock-dir the lock goes next to the config, in the read-only tree: refused, nothing written.
        refused = self.image.run("reconcile", "--config", config, env=env)
        self.assertEqual(refused.returncode, 1, refused.stderr + refused.stdout)
        self.assertIn("/config/.idcsync-locks", refused.stderr)
        self.assertIn("--lock-dir", refused.stderr)

    def test_tls_through_the_image_ca_bundle(self):
        ca, server_context = make_test_ca(self.work)
        requests = []
        port = serve_https(server_context, requests)
        config = self.write_config("tls.yaml", OFFLINE_INSTANCE + f"okta:\n  orgUrl: https://localhost:{port}\n  appId: 0oatls\n")
        env = {"OKTA_API_TOKEN": "tls-test-token"}
        # The image's own bundle does not hold the test CA: the handshake fails, no request arrives.
        untrusted = self.image.run("okta", "plan", "--config", config, env=env)
        self.assertEqual(untrusted.returncode, 1, untrusted.stderr)
        self.assertRegex(untrusted.stderr, r"(?i)certificate")
        self.assertEqual(requests, [])
        # With the test CA added to the image's bundle, localhost resolves through /etc/hosts and the
        # handshake verifies: the request arrives.
        bundle = os.path.join(self.image.root, "etc/ssl/certs/ca-certificates.crt")
        with open(bundle) as handle:
            original = handle.read()
        with open(ca) as handle:
            test_ca = handle.read()
        try:
            with open(bundle, "a") as handle:
                handle.write(test_ca)
            trusted = self.image.run("okta", "plan", "--config", config, env=env)
        finally:
            with open(bundle, "w") as handle:
                handle.write(original)
        wait_until(lambda: requests, what=f"a request over TLS (idcsync said: {trusted.stderr[-500:]})")
        self.assertTrue(requests[0].startswith("GET /api/v1/apps/0oatls"), requests)

    def test_image_builds_with_a_container_builder(self):
        builder = shutil.which("buildah")
        if builder is None:
            print("\nImageTests: no container builder (buildah) on this machine; the chroot tests stand for the image",
                  file=sys.stderr)
            return
        storage = os.path.join(self.work, "storage")
        common = [builder, "--root", storage, "--runroot", os.path.join(self.work, "runroot"), "--storage-driver", "vfs"]
        context = os.path.dirname(self.rootfs)
        run(*common, "build", "--isolation", "chroot", "-f", os.path.join(ROOT, "Containerfile"), "-t", "idcsync:test", context)
        config = json.loads(run(*common, "inspect", "--type", "image", "idcsync:test").stdout)["OCIv1"]["config"]
        self.assertEqual(config["User"], "65532:65532")
        self.assertEqual(config["Entrypoint"], ["/usr/local/bin/idcsync"])
        self.assertIn("HOME=/home/nonroot", config["Env"])
        container = run(*common, "from", "idcsync:test").stdout.strip()
        mounted = run(*common, "mount", container).stdout.strip()
        try:
            self.assertEqual(tree_listing(mounted), tree_listing(self.rootfs))
        finally:
            run(*common, "umount", container)
            run(*common, "rm", container)


def tree_listing(root: str) -> list[tuple[str, int, int, str]]:
    """Every path with its mode, owner and content hash (files only)."""
    entries = []
    for folder, dirs, names in os.walk(root):
        for name in dirs + names:
            path = os.path.join(folder, name)
            info = os.lstat(path)
            content = ""
            if os.path.isfile(path) and not os.path.islink(path):
                with open(path, "rb") as handle:
                    content = hashlib.sha256(handle.read()).hexdigest()
            entries.append((os.path.relpath(path, root), info.st_mode, info.st_uid, content))
    return sorted(entries)


def control(url: str, body) -> None:
    import urllib.request
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()


def make_test_ca(work: str) -> tuple[str, ssl.SSLContext]:
    """A throwaway CA and a certificate for localhost signed by it (openssl)."""
    folder = os.path.join(work, "tls")
    os.makedirs(folder, exist_ok=True)
    ca_key, ca_cert = os.path.join(folder, "ca.key"), os.path.join(folder, "ca.pem")
    key, request, cert = (os.path.join(folder, n) for n in ("server.key", "server.csr", "server.pem"))
    extensions = os.path.join(folder, "server.ext")
    with open(extensions, "w") as handle:
        handle.write("subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n")
    run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", ca_key,
        "-out", ca_cert, "-days", "2", "-subj", "/CN=idcsync image test CA")
    run("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
        "-out", request, "-subj", "/CN=localhost")
    run("openssl", "x509", "-req", "-in", request, "-CA", ca_cert, "-CAkey", ca_key, "-CAcreateserial",
        "-out", cert, "-days", "2", "-extfile", extensions)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return ca_cert, context


def serve_https(context: ssl.SSLContext, requests: list) -> int:
    """An HTTPS server on loopback that records each request line and answers Okta's 404."""
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.requestline)
            body = json.dumps({"errorCode": "E0000007", "errorSummary": "Not found: Resource not found: 0oatls (AppInstance)",
                               "errorId": "oaeTLS", "errorCauses": []}).encode()
            self.send_response(404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.server_address[1]


class ReleaseTests(unittest.TestCase):
    VERSION = "9.8.7-test.1"

    @classmethod
    def setUpClass(cls):
        cls.out = tempfile.mkdtemp(prefix="idcsync-release-")
        run(os.path.join(ROOT, "scripts", "release"), cls.VERSION, "--out", cls.out, cwd=ROOT)
        cls.name = f"idcsync-{cls.VERSION}-linux-x86_64"
        cls.tarball = os.path.join(cls.out, f"{cls.name}.tar.gz")
        with open(os.path.join(cls.out, f"idcsync-{cls.VERSION}.spdx.json")) as handle:
            cls.sbom = json.load(handle)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.out, ignore_errors=True)

    def test_checksums_verify(self):
        result = run("sha256sum", "--check", "--strict", "SHA256SUMS", cwd=self.out)
        self.assertEqual(sorted(line.split(":")[0] for line in result.stdout.splitlines()),
                         sorted([f"{self.name}.tar.gz", f"{self.name}.debug", f"idcsync-{self.VERSION}.spdx.json"]))

    def test_tarball_holds_the_binary_licence_readme_policies_and_runbooks(self):
        with tarfile.open(self.tarball) as archive:
            members = {m.name: m for m in archive.getmembers() if m.isfile()}
        expected = {f"{self.name}/idcsync", f"{self.name}/LICENSE", f"{self.name}/README.md"}
        for folder in ("policies", "runbooks"):
            for name in os.listdir(os.path.join(ROOT, folder)):
                expected.add(f"{self.name}/{folder}/{name}")
        self.assertEqual(set(members), expected)
        self.assertTrue(members[f"{self.name}/idcsync"].mode & 0o111)
        self.assertTrue(all(m.uid == 0 and m.gid == 0 for m in members.values()))

    def test_sbom_lists_every_file_with_its_checksums(self):
        files = {f["fileName"]: {c["algorithm"]: c["checksumValue"] for c in f["checksums"]} for f in self.sbom["files"]}
        with tarfile.open(self.tarball) as archive:
            contents = {m.name: archive.extractfile(m).read() for m in archive.getmembers() if m.isfile()}
        self.assertEqual(set(files), {f"./{name}" for name in contents})
        for name, data in contents.items():
            self.assertEqual(files[f"./{name}"]["SHA256"], hashlib.sha256(data).hexdigest(), name)
            self.assertEqual(files[f"./{name}"]["SHA1"], hashlib.sha1(data).hexdigest(), name)
        package = self.sbom["packages"][0]
        self.assertEqual((package["name"], package["versionInfo"]), ("idcsync", self.VERSION))
        with open(self.tarball, "rb") as handle:
            self.assertEqual(package["checksums"], [{"algorithm": "SHA256", "checksumValue": hashlib.sha256(handle.read()).hexdigest()}])
        sha1s = sorted(hashlib.sha1(data).hexdigest() for data in contents.values())
        self.assertEqual(package["packageVerificationCode"]["packageVerificationCodeValue"],
                         hashlib.sha1("".join(sha1s).encode()).hexdigest())

    def test_sbom_names_every_swift_package_of_the_build(self):
        with open(os.path.join(ROOT, ".build-release", "workspace-state.json")) as handle:
            resolved = {d["packageRef"]["identity"]: d for d in json.load(handle)["object"]["dependencies"]}
        packages = {p["name"]: p for p in self.sbom["packages"][1:]}
        self.assertEqual(set(packages), set(resolved) | {"swift"})
        for identity, dependency in resolved.items():
            package = packages[identity]
            self.assertEqual(package["versionInfo"], dependency["state"]["checkoutState"]["version"], identity)
            self.assertEqual(package["downloadLocation"], f"git+{dependency['packageRef']['location']}@{package['versionInfo']}")
            self.assertIn(package["licenseDeclared"], {"Apache-2.0", "Apache-2.0 WITH Swift-exception", "MIT"}, identity)
        self.assertEqual(packages["yams"]["licenseDeclared"], "MIT")
        self.assertEqual(packages["swift-argument-parser"]["licenseDeclared"], "Apache-2.0 WITH Swift-exception")

    def test_sbom_is_valid_spdx_2_3(self):
        self.assertEqual(self.sbom["spdxVersion"], "SPDX-2.3")
        tool = os.path.join(os.path.dirname(os.environ.get("IDCSYNC_SANDBOX_PYTHON", sys.executable)), "pyspdxtools")
        result = run(tool, "--infile", os.path.join(self.out, f"idcsync-{self.VERSION}.spdx.json"), check=False)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(result.stdout + result.stderr, "")

    def test_the_tarball_binary_names_the_release_version_and_commit(self):
        extract = tempfile.mkdtemp(dir=self.out)
        with tarfile.open(self.tarball) as archive:
            archive.extractall(extract, filter="data")
        output = run(os.path.join(extract, self.name, "idcsync"), "--version").stdout.strip()
        head = run("git", "rev-parse", "HEAD", cwd=ROOT).stdout.strip()
        self.assertRegex(output, rf"^{re.escape(self.VERSION)} \(commit {head}(, modified)?\)$")


if __name__ == "__main__":
    unittest.main()
