"""The template `make deploy` sends to CloudFormation: Chalice's resources merged with
infra/template.yaml pass cfn-lint, and the merge kept the safety properties (the unit tests in
tests/unit/test_infra.py read infra/template.yaml alone; here Chalice's side of the merge counts)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.integration.test_package import package_dir, packaged  # noqa: F401 - shared session fixtures

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("chalice-package")]


def of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in template["Resources"].items() if r["Type"] == kind}


def test_cfn_lint_passes_on_the_packaged_template(package_dir: Path) -> None:  # noqa: F811
    cfn_lint = Path(sys.executable).parent / "cfn-lint"
    result = subprocess.run(
        [str(cfn_lint), "--", str(package_dir / "sam.yaml")],  # as `make package` does
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_merge_configures_both_functions_from_the_stack(packaged: dict[str, Any]) -> None:  # noqa: F811
    functions = of_type(packaged, "AWS::Serverless::Function")
    assert set(functions) == {
        "APIHandler",
        "ReleaseExpiredOffers",
        "SweepAttachments",
        "EvidenceCleaner",
        "SendDueNotifications",
        "OverdueDigest",
        "SmsReply",
    }
    # The evidence cleaner is a bundle of its own (devstack/cleaner_bundle.py), not Chalice's.
    cleaner = functions.pop("EvidenceCleaner")["Properties"]
    assert cleaner["CodeUri"] == "../cleaner/cleaner.zip" and cleaner["Runtime"] == "python3.13"
    api = functions["APIHandler"]["Properties"]
    variables = api["Environment"]["Variables"]
    # Chalice's own variables are kept; the table name from config.json is replaced by the stack's.
    assert variables["POWERTOOLS_SERVICE_NAME"] == "passerelle-api" and variables["STAGE"] == "prod"
    assert variables["TABLE_NAME"] == {"Ref": "AppTable"}
    assert variables["PASSERELLE_SECRET_ARN"] == {"Ref": "ServerSecret"}
    assert {"STAFF_JWT_ISSUER", "STAFF_JWT_AUDIENCE", "STAFF_JWKS_URL", "STAFF_AUTH_URL"} <= set(variables)
    schedule = functions["ReleaseExpiredOffers"]["Properties"]
    assert schedule["Environment"]["Variables"]["TABLE_NAME"] == {"Ref": "AppTable"}
    assert "PASSERELLE_SECRET_ARN" not in schedule["Environment"]["Variables"]
    for function in functions.values():
        assert function["Properties"]["Handler"] and function["Properties"]["CodeUri"] == "./deployment.zip"
        assert function["Properties"]["MemorySize"] == 512 and function["Properties"]["Timeout"] == 10
        group = packaged["Resources"][function["DependsOn"]]
        assert group["Type"] == "AWS::Logs::LogGroup" and group["Properties"]["RetentionInDays"] == 30
        assert (
            group["Properties"]["LogGroupName"]["Fn::Sub"]
            == "/aws/lambda/" + function["Properties"]["FunctionName"]["Fn::Sub"]
        )


def test_the_roles_hold_only_the_hand_written_policies(packaged: dict[str, Any]) -> None:  # noqa: F811
    roles = of_type(packaged, "AWS::IAM::Role")
    for name in (
        "ApiHandlerRole",
        "ReleaseExpiredOffersRole",
        "SweepAttachmentsRole",
        "EvidenceCleanerRole",
        "SendDueNotificationsRole",
        "OverdueDigestRole",
        "SmsReplyRole",
    ):
        role = roles[name]["Properties"]
        # Chalice's trust policy is kept; its copy of policy-prod.json (a table name written as a
        # string) is replaced by the template's, which names the resources themselves.
        assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "lambda.amazonaws.com"}
        (policy,) = role["Policies"]
        text = json.dumps(policy)
        assert "passerelle-prod" not in text and "arn:aws:dynamodb:*" not in text
        for statement in policy["PolicyDocument"]["Statement"]:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
            assert all("*" not in a.split(":")[1] for a in actions), statement
            assert "*" not in resources, statement
            assert not any(a.startswith("logs:CreateLogGroup") for a in actions)
    assert not of_type(packaged, "AWS::IAM::Policy") and not of_type(packaged, "AWS::IAM::ManagedPolicy")


def test_the_api_is_regional_throttled_and_logs_no_client_data(packaged: dict[str, Any]) -> None:  # noqa: F811
    api = packaged["Resources"]["RestAPI"]
    assert api["Type"] == "AWS::Serverless::Api" and api["DependsOn"] == "ApiGatewayAccount"
    properties = api["Properties"]
    # Chalice's stage and routes are kept; the endpoint becomes regional (CloudFront is the edge).
    assert properties["StageName"] == "api" and "/api/health" in properties["DefinitionBody"]["paths"]
    assert properties["DefinitionBody"]["info"] == {"title": {"Ref": "AWS::StackName"}, "version": "1.0"}
    assert properties["EndpointConfiguration"] == "REGIONAL"
    log_format = properties["AccessLogSetting"]["Format"]
    for word in ("sourceIp", "userAgent", "caller", "user", "identity"):
        assert word not in log_format
    assert properties["MethodSettings"][0]["ThrottlingRateLimit"] == 50


def test_the_safety_properties_survive_the_merge(packaged: dict[str, Any]) -> None:  # noqa: F811
    resources = packaged["Resources"]
    table = resources["AppTable"]
    assert table["DeletionPolicy"] == "Retain" and table["Properties"]["DeletionProtectionEnabled"] is True
    assert table["Properties"]["SSESpecification"]["KMSMasterKeyId"] == {"Fn::GetAtt": ["DataKey", "Arn"]}
    assert table["Properties"]["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    bucket = resources["SiteBucket"]["Properties"]["PublicAccessBlockConfiguration"]
    assert all(bucket.values()) and len(bucket) == 4
    distribution = resources["Distribution"]["Properties"]["DistributionConfig"]
    assert "Logging" not in distribution
    assert distribution["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    headers = resources["SecurityHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    policy = headers["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    assert of_type(packaged, "AWS::CloudWatch::Alarm") and of_type(packaged, "AWS::WAFv2::WebACLAssociation")
    assert packaged["Transform"] == "AWS::Serverless-2016-10-31"
