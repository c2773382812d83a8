#!/usr/bin/env python3
"""Seeds the AWS sandbox (aws_sandbox.py) with what an AWS Client VPN endpoint needs in one Region:
a VPC (10.0.0.0/16 by default), two /24 subnets in two different Availability Zones, and an ACM
certificate that is ISSUED with an RSA 2048 key (a self-signed certificate generated here with the
`cryptography` package and imported). Prints {"vpcId", "subnetIds", "certificateArn"} as JSON
(one line on stdout).

    python aws_seed_vpn.py --endpoint http://127.0.0.1:PORT --region eu-west-1

Used by the Client VPN end-to-end tests.
"""
import argparse
import datetime
import ipaddress
import json
import sys

import boto3
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


def self_signed_certificate(common_name: str) -> tuple[bytes, bytes]:
    """(certificate PEM, private key PEM): RSA 2048, SHA-256, valid for a year."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=366))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(common_name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_encipherment=True,
                                     content_commitment=False, data_encipherment=False,
                                     key_agreement=False, key_cert_sign=True, crl_sign=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]),
                       critical=False)
        .sign(key, hashes.SHA256())
    )
    return (cert.public_bytes(serialization.Encoding.PEM),
            key.private_bytes(serialization.Encoding.PEM,
                              serialization.PrivateFormat.TraditionalOpenSSL,
                              serialization.NoEncryption()))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--endpoint", required=True, help="the sandbox URL (LISTENING line)")
    parser.add_argument("--region", default="ap-northeast-1")
    parser.add_argument("--vpc-cidr", default="10.0.0.0/16")
    parser.add_argument("--common-name", default="server.clientvpn.example.com",
                        help="subject CN (and DNS SAN) of the server certificate")
    parser.add_argument("--access-key", default="testing")
    parser.add_argument("--secret-key", default="testing")
    args = parser.parse_args()

    session = boto3.session.Session(aws_access_key_id=args.access_key,
                                    aws_secret_access_key=args.secret_key, region_name=args.region)
    ec2 = session.client("ec2", endpoint_url=args.endpoint)
    acm = session.client("acm", endpoint_url=args.endpoint)

    vpc_id = ec2.create_vpc(CidrBlock=args.vpc_cidr)["Vpc"]["VpcId"]
    zones = sorted(z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]
                   if z.get("State", "available") == "available")
    if len(zones) < 2:
        sys.exit(f"aws_seed_vpn: {args.region} has fewer than two Availability Zones")
    blocks = list(ipaddress.ip_network(args.vpc_cidr).subnets(new_prefix=24))
    subnet_ids = []
    for zone, block in zip(zones[:2], blocks[:2]):
        subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock=str(block), AvailabilityZone=zone)
        subnet_ids.append(subnet["Subnet"]["SubnetId"])

    cert_pem, key_pem = self_signed_certificate(args.common_name)
    arn = acm.import_certificate(Certificate=cert_pem, PrivateKey=key_pem)["CertificateArn"]
    status = acm.describe_certificate(CertificateArn=arn)["Certificate"]["Status"]
    if status != "ISSUED":
        sys.exit(f"aws_seed_vpn: certificate {arn} is {status}, not ISSUED")

    json.dump({"vpcId": vpc_id, "subnetIds": subnet_ids, "certificateArn": arn}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
