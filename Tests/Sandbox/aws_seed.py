#!/usr/bin/env python3
"""Seeds the AWS sandbox (aws_sandbox.py) the way a real account looks before `idcsync regions add`:
a multi-Region customer managed KMS key in the primary Region and an IAM Identity Center instance
encrypted with it. Prints {"keyArn", "instanceArn", "identityStoreId", "account"} as JSON.

Used by the end-to-end tests and by scripts/demo.
"""
import argparse
import json
import sys
import urllib.request

import boto3


def control(endpoint, path, body):
    request = urllib.request.Request(endpoint + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read() or b"null")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--endpoint", required=True, help="the sandbox URL (LISTENING line)")
    parser.add_argument("--primary", default="ap-northeast-1")
    parser.add_argument("--regions", default="", help="comma-separated enabled Regions besides the primary")
    parser.add_argument("--key-policy-file", help="a policy to put on the primary key (default: KMS's default policy)")
    parser.add_argument("--aws-owned-key", action="store_true", help="seed an instance without a customer managed key")
    parser.add_argument("--access-key", default="testing")
    parser.add_argument("--secret-key", default="testing")
    parser.add_argument("--delegated-admin", action="append", default=[], help="account id of a delegated administrator")
    args = parser.parse_args()

    session = boto3.session.Session(aws_access_key_id=args.access_key, aws_secret_access_key=args.secret_key,
                                    region_name=args.primary)
    account = session.client("sts", endpoint_url=args.endpoint).get_caller_identity()["Account"]
    key_arn = None
    if not args.aws_owned_key:
        kms = session.client("kms", endpoint_url=args.endpoint)
        key = kms.create_key(MultiRegion=True, KeySpec="SYMMETRIC_DEFAULT", KeyUsage="ENCRYPT_DECRYPT",
                             Description="IAM Identity Center")["KeyMetadata"]
        key_arn = key["Arn"]
        if args.key_policy_file:
            with open(args.key_policy_file) as handle:
                kms.put_key_policy(KeyId=key_arn, PolicyName="default", Policy=handle.read())
    regions = [args.primary] + [name for name in args.regions.split(",") if name and name != args.primary]
    instance = control(args.endpoint, "/_sandbox/instance",
                       {"primaryRegion": args.primary, "kmsKeyArn": key_arn, "regions": regions, "ownerAccountId": account})
    control(args.endpoint, "/_sandbox/organization",
            {"delegatedAdministrators": {"sso.amazonaws.com": args.delegated_admin}})
    json.dump({"keyArn": key_arn, "instanceArn": instance["instanceArn"], "identityStoreId": instance["identityStoreId"],
               "account": account}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
