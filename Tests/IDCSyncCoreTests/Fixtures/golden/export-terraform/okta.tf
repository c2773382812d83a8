# Written by `idcsync export terraform`. Provider constraint: okta/okta 4.0.0 and later (https://github.com/okta/terraform-provider-okta/blob/main/CHANGELOG.md#400-april-28-2023).
terraform {
  required_version = ">= 1.5.0"
  required_providers {
    okta = { source = "okta/okta", version = ">= 4.0.0" }
  }
}

# The complete settings.app of the IAM Identity Center app: the ACS URL slots as idcsync plans them,
# every other key as read from Okta. This resource replaces the whole settings object.
# OPEN: whether the provider compares this JSON by meaning (key order, spacing) is not documented.
resource "okta_app_saml_app_settings" "idcsync" {
  app_id = "0oaidc1"
  settings = <<-EOT
    {
      "acsURL": "https://ap-northeast-1.signin.aws/platform/saml/acs/0a1b2c3d-1111-2222-3333-444455556666",
      "acsURL2": "https://ap-northeast-3.signin.aws/platform/saml/acs/0a1b2c3d-1111-2222-3333-444455556666",
      "acsURL3": null,
      "sessionDuration": 3600.0,
      "roleValuePattern": "arn:aws:iam::$${accountid}:role/$${role} %%{if x}",
      "nested": {
        "list": [
          1,
          false,
          null
        ],
        "名前": "大阪"
      }
    }
  EOT
}

# Import id: the app id (https://registry.terraform.io/providers/okta/okta/latest/docs/resources/app_saml_app_settings#import)
import {
  to = okta_app_saml_app_settings.idcsync
  id = "0oaidc1"
}

# The dashboard tile opening the access portal of ap-northeast-3. Attributes idcsync does not
# manage are not set (OPEN: the provider's defaults may differ from the app's).
resource "okta_app_bookmark" "portal_ap_northeast_3" {
  label        = "AWS access portal - Osaka (ap-northeast-3)"
  url          = "https://ssoins-7758a1b2c3d4e5f6.ap-northeast-3.portal.amazonaws.com"
  status       = "ACTIVE"
  admin_note   = "Managed by idcsync: instance ssoins-7758a1b2c3d4e5f6, Region ap-northeast-3."
  enduser_note = "Use when \"Tokyo\" is down"
}

resource "okta_app_group_assignments" "portal_ap_northeast_3" {
  app_id = okta_app_bookmark.portal_ap_northeast_3.id
  group {
    id = "00gengineers"
  }
  group {
    id = "00gfinance"
  }
}

# Import id: the app id (https://registry.terraform.io/providers/okta/okta/latest/docs/resources/app_bookmark#import)
import {
  to = okta_app_bookmark.portal_ap_northeast_3
  id = "0oatile3"
}

# Import id: the app id (https://registry.terraform.io/providers/okta/okta/latest/docs/resources/app_group_assignments#import)
import {
  to = okta_app_group_assignments.portal_ap_northeast_3
  id = "0oatile3"
}

# The dashboard tile opening the access portal of eu-west-1. Attributes idcsync does not
# manage are not set (OPEN: the provider's defaults may differ from the app's).
resource "okta_app_bookmark" "portal_eu_west_1" {
  label      = "AWS access portal - Ireland (eu-west-1)"
  url        = "https://ssoins-7758a1b2c3d4e5f6.eu-west-1.portal.amazonaws.com"
  status     = "ACTIVE"
  admin_note = "Managed by idcsync: instance ssoins-7758a1b2c3d4e5f6, Region eu-west-1."
}

resource "okta_app_group_assignments" "portal_eu_west_1" {
  app_id = okta_app_bookmark.portal_eu_west_1.id
}
