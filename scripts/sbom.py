#!/usr/bin/env python3
"""Writes the SPDX 2.3 JSON SBOM of an idcsync release on stdout (called by scripts/release).

Describes: idcsync (the tarball's checksum, every file in it with SHA-1 and SHA-256, the git commit),
every Swift package the build resolved (.build-release/workspace-state.json: version, source URL,
licence read from the package's own LICENSE file) and the Swift toolchain whose runtime, Foundation and
Dispatch are linked in (--static-swift-stdlib). Deterministic for one input: no clock, sorted lists.
"""
import argparse
import datetime
import hashlib
import json
import os
import re
import subprocess
import sys


def digest(path, algorithm):
    hasher = hashlib.new(algorithm)
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def licence(folder):
    """The SPDX licence expression of a package checkout, from its top-level licence file."""
    names = sorted(n for n in os.listdir(folder) if re.match(r"(?i)^(licen[cs]e|copying)(\.(txt|md))?$", n))
    if not names:
        return "NOASSERTION", None
    with open(os.path.join(folder, names[0]), encoding="utf-8", errors="replace") as handle:
        text = handle.read()
    if "Apache License" in text and "Version 2.0" in text:
        expression = "Apache-2.0 WITH Swift-exception" if "Runtime Library Exception" in text else "Apache-2.0"
    elif "Permission is hereby granted, free of charge" in text:
        expression = "MIT"
    else:
        expression = "NOASSERTION"
    return expression, names[0]


def spdx_id(text):
    return re.sub(r"[^A-Za-z0-9.-]", "-", text)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--version", required=True)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--stage", required=True, help="the folder packed into the tarball (its top-level folder)")
    parser.add_argument("--tarball", required=True)
    parser.add_argument("--state", required=True, help="SwiftPM's workspace-state.json of the release build")
    parser.add_argument("--checkouts", required=True)
    parser.add_argument("--created", required=True, type=int, help="seconds since the epoch (the commit's time)")
    args = parser.parse_args()

    commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip() or "unknown"
    swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout
    swift_version = (re.search(r"Swift version (\S+)", swift) or re.search(r"(\d+\.\d+(\.\d+)?)", swift or "0"))
    swift_version = swift_version.group(1) if swift_version else "NOASSERTION"

    top = os.path.basename(os.path.normpath(args.stage))
    files, sha1s = [], []
    for folder, _, names in sorted(os.walk(args.stage)):
        for name in sorted(names):
            path = os.path.join(folder, name)
            relative = "./" + os.path.join(top, os.path.relpath(path, args.stage))
            sha1 = digest(path, "sha1")
            sha1s.append(sha1)
            files.append({
                "fileName": relative,
                "SPDXID": "SPDXRef-File-" + spdx_id(relative[2:]),
                "checksums": [{"algorithm": "SHA1", "checksumValue": sha1},
                              {"algorithm": "SHA256", "checksumValue": digest(path, "sha256")}],
                "licenseConcluded": "NOASSERTION",
                "copyrightText": "NOASSERTION",
            })
    files.sort(key=lambda f: f["fileName"])
    verification = hashlib.sha1("".join(sorted(sha1s)).encode()).hexdigest()

    idcsync = {
        "name": "idcsync",
        "SPDXID": "SPDXRef-Package-idcsync",
        "versionInfo": args.version,
        "packageFileName": os.path.basename(args.tarball),
        "downloadLocation": "NOASSERTION",
        "sourceInfo": f"built from git commit {commit}",
        "primaryPackagePurpose": "APPLICATION",
        "checksums": [{"algorithm": "SHA256", "checksumValue": digest(args.tarball, "sha256")}],
        "filesAnalyzed": True,
        "packageVerificationCode": {"packageVerificationCodeValue": verification},
        "licenseConcluded": "Apache-2.0",
        "licenseDeclared": "Apache-2.0",
        "licenseInfoFromFiles": ["NOASSERTION"],
        "copyrightText": "NOASSERTION",
        "hasFiles": [f["SPDXID"] for f in files],
    }
    packages = [idcsync]
    with open(args.state) as handle:
        dependencies = json.load(handle)["object"]["dependencies"]
    for dependency in sorted(dependencies, key=lambda d: d["packageRef"]["identity"]):
        reference, state = dependency["packageRef"], dependency["state"].get("checkoutState", {})
        location = reference["location"]
        version = state.get("version") or state.get("revision") or "NOASSERTION"
        expression, licence_file = licence(os.path.join(args.checkouts, dependency["subpath"]))
        host_path = re.sub(r"^https?://", "", location).removesuffix(".git")
        package = {
            "name": reference["identity"],
            "SPDXID": "SPDXRef-Package-swift-" + spdx_id(reference["identity"]),
            "versionInfo": version,
            "downloadLocation": f"git+{location}@{version}",
            "homepage": location.removesuffix(".git"),
            "filesAnalyzed": False,
            "licenseConcluded": expression,
            "licenseDeclared": expression,
            "copyrightText": "NOASSERTION",
            "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                              "referenceLocator": f"pkg:swift/{host_path}@{version}"}],
        }
        if licence_file:
            package["licenseComments"] = f"read from the package's {licence_file}"
            notice = os.path.join(args.checkouts, dependency["subpath"], "NOTICE.txt")
            if os.path.exists(notice) and "boringssl" in open(notice, encoding="utf-8", errors="replace").read().lower():
                package["licenseComments"] += "; the package vendors BoringSSL, whose licence its NOTICE.txt names"
        packages.append(package)
    packages.append({
        "name": "swift",
        "SPDXID": "SPDXRef-Package-swift-toolchain",
        "versionInfo": swift_version,
        "downloadLocation": f"https://download.swift.org/swift-{swift_version}-release/",
        "homepage": "https://www.swift.org",
        "filesAnalyzed": False,
        "licenseConcluded": "Apache-2.0 WITH Swift-exception",
        "licenseDeclared": "Apache-2.0 WITH Swift-exception",
        "copyrightText": "NOASSERTION",
        "comment": "The Swift runtime, standard library, Foundation and Dispatch, linked into the binary (--static-swift-stdlib).",
    })

    relationships = [{"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES", "relatedSpdxElement": idcsync["SPDXID"]}]
    relationships += [{"spdxElementId": idcsync["SPDXID"], "relationshipType": "CONTAINS", "relatedSpdxElement": f["SPDXID"]} for f in files]
    relationships += [{"spdxElementId": idcsync["SPDXID"], "relationshipType": "DEPENDS_ON", "relatedSpdxElement": p["SPDXID"]}
                      for p in packages[1:]]
    created = datetime.datetime.fromtimestamp(args.created, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    document = {
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": f"idcsync-{args.version}",
        "documentNamespace": f"https://github.com/example/idcsync/spdx/idcsync-{args.version}-{commit}",
        "creationInfo": {"created": created, "creators": ["Tool: idcsync-scripts-release"]},
        "packages": packages,
        "files": files,
        "relationships": relationships,
    }
    json.dump(document, sys.stdout, indent=2, sort_keys=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
