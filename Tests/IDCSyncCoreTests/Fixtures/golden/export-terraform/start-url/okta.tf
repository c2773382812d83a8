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

# The dashboard tile opening the company start URL (instance.startUrl). Attributes idcsync does not
# manage are not set (OPEN: the provider's defaults may differ from the app's).
resource "okta_app_bookmark" "start_url" {
  label      = "AWS access portal"
  url        = "https://aws.example.com"
  status     = "ACTIVE"
  admin_note = "Managed by idcsync: instance ssoins-7758a1b2c3d4e5f6, start URL."
}

resource "okta_app_group_assignments" "start_url" {
  app_id = okta_app_bookmark.start_url.id
  group {
    id = "00gengineers"
  }
  group {
    id = "00gfinance"
  }
}

# Import id: the app id (https://registry.terraform.io/providers/okta/okta/latest/docs/resources/app_bookmark#import)
import {
  to = okta_app_bookmark.start_url
  id = "0oatilestart"
}

# Import id: the app id (https://registry.terraform.io/providers/okta/okta/latest/docs/resources/app_group_assignments#import)
import {
  to = okta_app_group_assignments.start_url
  id = "0oatilestart"
}
