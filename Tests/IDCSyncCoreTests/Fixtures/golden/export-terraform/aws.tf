# Written by `idcsync export terraform`: what idcsync makes true for instance arn:aws:sso:::instance/ssoins-7758a1b2c3d4e5f6.
# aws_ssoadmin_region is in hashicorp/aws from https://github.com/hashicorp/terraform-provider-aws/pull/48126; the first release with it
# was not verified, 6.0.0 (per-resource `region`) is a lower bound: raise it if `terraform init` fails.
terraform {
  required_version = ">= 1.5.0"
  required_providers {
    aws = { source = "hashicorp/aws", version = ">= 6.0.0" }
  }
}

provider "aws" {
  region = "ap-northeast-1"
}

provider "aws" {
  alias  = "ap_northeast_3"
  region = "ap-northeast-3"
}

provider "aws" {
  alias  = "eu_west_1"
  region = "eu-west-1"
}

# The attributes that force a new key (ForceNew in https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/kms/key.go:
# multi_region, key_usage, customer_master_key_spec, custom_key_store_id, xks_key_id) are set to what
# DescribeKey says, so the import adopts the key instead of replacing it.
# Assumed: the key is in the AWS KMS key store (no custom_key_store_id, no xks_key_id).
# OPEN: idcsync does not read key rotation; if it is on, set enable_key_rotation = true (else an in-place change).
resource "aws_kms_key" "idcsync" {
  multi_region             = true
  policy                   = file("${path.module}/key-policy.json")
  key_usage                = "ENCRYPT_DECRYPT"
  customer_master_key_spec = "SYMMETRIC_DEFAULT"
}

# Import id: the key id (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kms_key#import)
import {
  to = aws_kms_key.idcsync
  id = "mrk-1234abcd12ab34cd56ef1234567890ab"
}

# KMS does not copy key policies to replicas: each replica gets the same policy.
resource "aws_kms_replica_key" "ap_northeast_3" {
  provider        = aws.ap_northeast_3
  primary_key_arn = aws_kms_key.idcsync.arn
  policy          = file("${path.module}/key-policy.json")
}

# Import id: the replica's key id, the same as the primary's, read in its Region (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kms_replica_key#import)
import {
  provider = aws.ap_northeast_3
  to       = aws_kms_replica_key.ap_northeast_3
  id       = "mrk-1234abcd12ab34cd56ef1234567890ab"
}

# KMS does not copy key policies to replicas: each replica gets the same policy.
resource "aws_kms_replica_key" "eu_west_1" {
  provider        = aws.eu_west_1
  primary_key_arn = aws_kms_key.idcsync.arn
  policy          = file("${path.module}/key-policy.json")
}

resource "aws_ssoadmin_region" "ap_northeast_3" {
  instance_arn = "arn:aws:sso:::instance/ssoins-7758a1b2c3d4e5f6"
  region_name  = "ap-northeast-3"
}

# Import id: instance_arn,region_name (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ssoadmin_region#import)
import {
  to = aws_ssoadmin_region.ap_northeast_3
  id = "arn:aws:sso:::instance/ssoins-7758a1b2c3d4e5f6,ap-northeast-3"
}

resource "aws_ssoadmin_region" "eu_west_1" {
  instance_arn = "arn:aws:sso:::instance/ssoins-7758a1b2c3d4e5f6"
  region_name  = "eu-west-1"
}

# Import id: instance_arn,region_name (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ssoadmin_region#import)
import {
  to = aws_ssoadmin_region.eu_west_1
  id = "arn:aws:sso:::instance/ssoins-7758a1b2c3d4e5f6,eu-west-1"
}
