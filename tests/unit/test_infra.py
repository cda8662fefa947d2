"""infra/: the safety properties of the AWS template, the deploy scripts, the site upload, and the
app's smoke flow against a table that CloudFormation (moto's) created from the template.

The packaged template (Chalice's resources merged with ours, cfn-lint) is checked in
tests/integration/test_deploy.py; here only infra/template.yaml is read, which is fast."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import string
import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import boto3
import moto
import pytest
from cfnlint.decode import decode
from chalice.test import Client

from chalicelib.core import proof
from chalicelib.core.aws import reset_clients
from chalicelib.core.edge import ORIGIN_HEADER
from chalicelib.core.settings import get_settings
from devstack.table import create_table_request, ttl_attribute
from tests import iam
from tests.conftest import ROOT
from tests.edge_paths import FOLDER_TRICKS, OFF_HOST_TRICKS, hosts
from tests.unit.conftest import with_proof

TEMPLATE = ROOT / "infra" / "template.yaml"
DATA_SERVICES = ("dynamodb", "s3", "secretsmanager", "kms", "logs", "lambda", "sms-voice", "ses", "cognito-idp")
# The functions that run the app's code (Chalice's, with the table), and their roles.
APP_FUNCTIONS = (
    "APIHandler",
    "ReleaseExpiredOffers",
    "SweepAttachments",
    "SendDueNotifications",
    "OverdueDigest",
    "SmsReply",
)
APP_ROLES = tuple(f"{name}Role" if name != "APIHandler" else "ApiHandlerRole" for name in APP_FUNCTIONS)
JSON = {"Content-Type": "application/json"}


@cache
def template() -> dict[str, Any]:
    loaded, problems = decode(str(TEMPLATE))
    assert not problems, problems
    return dict(loaded)


def resources(kind: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in template()["Resources"].items() if r.get("Type") == kind}


def props(name: str) -> dict[str, Any]:
    return dict(template()["Resources"][name]["Properties"])


def csp(policy: str) -> dict[str, set[str]]:
    directives = [d.split() for d in policy.split(";") if d.strip()]
    return {d[0]: set(d[1:]) for d in directives}


# ---- the table, its key and the secret -----------------------------------------------------------


def test_the_table_is_encrypted_with_a_rotating_customer_key_and_kept() -> None:
    table = template()["Resources"]["AppTable"]
    assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain"
    p = table["Properties"]
    assert p["BillingMode"] == "PAY_PER_REQUEST"
    assert p["DeletionProtectionEnabled"] is True
    assert p["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert p["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    sse = p["SSESpecification"]
    assert sse["SSEEnabled"] is True and sse["SSEType"] == "KMS"
    key_name = sse["KMSMasterKeyId"]["Fn::GetAtt"][0]
    key = template()["Resources"][key_name]
    assert key["Type"] == "AWS::KMS::Key" and key["Properties"]["EnableKeyRotation"] is True
    # A table whose key is deleted can never be read again: the key outlives the stack too.
    assert key["DeletionPolicy"] == key["UpdateReplacePolicy"] == "Retain"


def test_the_indexes_are_those_the_code_queries_and_the_local_table_still_builds() -> None:
    used = set(
        re.findall(
            r"IndexName\W+(GSI\d)", "\n".join(p.read_text() for p in (ROOT / "backend" / "chalicelib").rglob("*.py"))
        )
    )
    defined = {i["IndexName"] for i in props("AppTable")["GlobalSecondaryIndexes"]}
    assert used and used == defined
    # devstack/table.py reads the same resource for DynamoDB Local and moto (intrinsics included).
    request = create_table_request("passerelle-local")
    assert {i["IndexName"] for i in request["GlobalSecondaryIndexes"]} == defined
    assert ttl_attribute() == "expires_at"


# Secrets Manager's alphabet for generated secrets (GenerateSecretString / GetRandomPassword).
PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"


def test_the_generated_secret_is_exactly_64_hex_characters_and_kept() -> None:
    secret = template()["Resources"]["ServerSecret"]
    assert secret["DeletionPolicy"] == secret["UpdateReplacePolicy"] == "Retain"
    spec = secret["Properties"]["GenerateSecretString"]
    alphabet = set(string.ascii_lowercase + string.digits)
    if not spec.get("ExcludeUppercase"):
        alphabet |= set(string.ascii_uppercase)
    if not spec.get("ExcludePunctuation"):
        alphabet |= set(PUNCTUATION)
    if spec.get("IncludeSpace"):
        alphabet.add(" ")
    alphabet -= set(spec.get("ExcludeCharacters", ""))
    assert alphabet == set("0123456789abcdef")
    assert spec["PasswordLength"] == 64  # bytes.fromhex -> the 32 bytes secrets.py requires
    assert secret["Properties"]["KmsKeyId"] == {"Ref": "DataKey"}


# ---- the site: bucket and CloudFront -------------------------------------------------------------


def test_the_site_bucket_is_private_and_only_this_distribution_reads_it() -> None:
    bucket = props("SiteBucket")
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert bucket["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert "LoggingConfiguration" not in bucket
    statements = props("SiteBucketPolicy")["PolicyDocument"]["Statement"]
    tls = [s for s in statements if s["Effect"] == "Deny"]
    assert tls and tls[0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    allows = [s for s in statements if s["Effect"] == "Allow"]
    assert allows
    for statement in allows:
        assert statement["Principal"] == {"Service": "cloudfront.amazonaws.com"}, statement
        source = statement["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Sub"]
        assert source.endswith(":distribution/${Distribution}")
        assert set(statement.get("Action") if isinstance(statement["Action"], list) else [statement["Action"]]) <= {
            "s3:GetObject",
            "s3:ListBucket",
        }


def distribution() -> dict[str, Any]:
    return dict(props("Distribution")["DistributionConfig"])


def test_cloudfront_serves_the_bucket_through_origin_access_control_and_the_api_uncached() -> None:
    config = distribution()
    origins = {o["Id"]: o for o in config["Origins"]}
    assert origins["site"]["OriginAccessControlId"] == {"Fn::GetAtt": ["SiteOriginAccessControl", "Id"]}
    assert origins["site"]["S3OriginConfig"] == {"OriginAccessIdentity": ""}
    assert props("SiteOriginAccessControl")["OriginAccessControlConfig"]["SigningBehavior"] == "always"
    # API Gateway stage "api" + routes under /api/: the edge's /api/health is the stage's /api/api/health.
    assert origins["api"]["OriginPath"] == "/api"
    assert origins["api"]["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    # Only CloudFront can call the API: it sends the origin secret, which the function requires.
    (header,) = origins["api"]["OriginCustomHeaders"]
    from devstack import server

    assert ORIGIN_HEADER == server.ORIGIN_HEADER  # and the local server adds the same
    assert header == {
        "HeaderName": ORIGIN_HEADER,
        "HeaderValue": {"Fn::Sub": "{{resolve:secretsmanager:${OriginSecret}:SecretString}}"},
    }
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    assert config["DefaultCacheBehavior"]["Compress"] is True
    api = next(b for b in config["CacheBehaviors"] if b["PathPattern"] == "/api/*")
    assert api["TargetOriginId"] == "api" and api["ViewerProtocolPolicy"] == "https-only"
    assert api["CachePolicyId"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # Managed-CachingDisabled
    assert {"POST", "PATCH", "DELETE"} <= set(api["AllowedMethods"])
    for behaviour in (config["DefaultCacheBehavior"], api):
        assert behaviour["ResponseHeadersPolicyId"] == {"Ref": "SecurityHeadersPolicy"}
    assert config["HttpVersion"] == "http2and3"
    # CloudFront's standard logs record every viewer's address.
    assert "Logging" not in config
    assert not resources("AWS::CloudFront::RealtimeLogConfig")


def test_the_response_headers_are_those_the_local_server_sends() -> None:
    from devstack import server

    headers = props("SecurityHeadersPolicy")["ResponseHeadersPolicyConfig"]
    security = headers["SecurityHeadersConfig"]
    cloud = csp(security["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"])
    cognito = "https://${UserPoolDomain}.auth.${AWS::Region}.amazoncognito.com"
    assert cognito in cloud["connect-src"] and cognito in cloud["form-action"]
    assert {k: v - {cognito} for k, v in cloud.items()} == csp(server.CONTENT_SECURITY_POLICY)
    assert cloud["script-src"] == {"'self'"} and cloud["frame-ancestors"] == {"'none'"}
    assert cloud["object-src"] == {"'none'"} and "'unsafe-inline'" not in cloud["style-src"]
    # blob: for the evidence photos and page images the console fetches with its token (issue 14)
    assert cloud["img-src"] == {"'self'", "data:", "blob:"}
    hsts = security["StrictTransportSecurity"]
    assert hsts["AccessControlMaxAgeSec"] >= 63072000 and hsts["IncludeSubdomains"] and hsts["Preload"]
    assert security["ReferrerPolicy"]["ReferrerPolicy"] == "no-referrer"
    assert security["ContentTypeOptions"]["Override"] is True
    assert security["FrameOptions"]["FrameOption"] == "DENY"
    custom = {h["Header"]: h["Value"] for h in headers["CustomHeadersConfig"]["Items"]}
    for name in ("Permissions-Policy", "Cross-Origin-Opener-Policy"):
        assert custom[name] == server.SECURITY_HEADERS[name]
    assert all(s["Override"] for s in security.values())


# ---- the CloudFront functions, run in node -------------------------------------------------------

FUNCTION_RUNNER = """
const vm = require('vm');
const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const context = vm.createContext({});
vm.runInContext(input.code, context);
process.stdout.write(JSON.stringify(input.events.map((event) => context.handler(event))));
"""


def run_function(name: str, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What a CloudFront function (cloudfront-js-2.0, ES5 plus a few later features) answers."""
    node = shutil.which("node")
    assert node, "node (a prerequisite of make run) runs the CloudFront functions"
    done = subprocess.run(
        [node, "-e", FUNCTION_RUNNER],
        capture_output=True,
        text=True,
        timeout=60,
        input=json.dumps({"code": props(name)["FunctionCode"], "events": events}),
    )
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stdout))


def viewer_request(uri: str, ip: str = "203.0.113.9", headers: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "version": "1.0",
        "context": {"eventType": "viewer-request"},
        "viewer": {"ip": ip},
        "request": {"method": "GET", "uri": uri, "querystring": {}, "headers": headers or {}, "cookies": {}},
    }


def test_the_directory_function_serves_index_pages_and_adds_the_slash() -> None:
    folder, page, asset, nested, complaint = run_function(
        "DirectoryIndexFunction",
        [
            viewer_request(u)
            for u in ("/fr", "/fr/", "/assets/passerelle.js", "/guides/leaving/reading-your-contract", "/fr/complaint")
        ],
    )
    assert folder["statusCode"] == 301 and folder["headers"]["location"] == {"value": "/fr/"}
    assert page["uri"] == "/fr/index.html" and asset["uri"] == "/assets/passerelle.js"
    assert nested["headers"]["location"] == {"value": "/guides/leaving/reading-your-contract/"}
    # a redirect is not kept: a cached one would say which page someone opened
    assert complaint["headers"] == {"location": {"value": "/fr/complaint/"}, "cache-control": {"value": "no-store"}}


def test_the_sms_short_address_leads_to_the_manage_page_as_the_local_server_does() -> None:
    """`/b/` and `/<lang>/b/` (notifications/templates.py, manage_link) redirect to the manage page
    in that language, unkept; nothing else moves."""
    from devstack.server import SHORT_MANAGE

    uris = ["/b/", "/b", "/tg/b/", "/km/b", "/b/x", "/tg/bb/", "/book/", "/toolong/b/"]
    answers = run_function("DirectoryIndexFunction", [viewer_request(u) for u in uris])
    for uri, answer in zip(uris, answers, strict=True):
        local = SHORT_MANAGE.match(uri)
        if local is None:
            assert answer.get("statusCode") != 302, uri
            continue
        expected = f"/{local.group(1)}/book/manage/" if local.group(1) else "/book/manage/"
        assert answer["statusCode"] == 302 and answer["headers"]["location"] == {"value": expected}, uri
        assert answer["headers"]["cache-control"] == {"value": "no-store"}
    assert [u for u in uris if SHORT_MANAGE.match(u)] == ["/b/", "/b", "/tg/b/", "/km/b"]


def test_the_directory_function_never_redirects_to_another_host() -> None:
    tricks = OFF_HOST_TRICKS + FOLDER_TRICKS
    answers = run_function("DirectoryIndexFunction", [viewer_request(uri) for uri in tricks])
    # each is either passed on to the bucket as a file (a last segment with a dot) or redirected
    assert all(a.get("statusCode") == 301 or a["uri"] == uri for uri, a in zip(tricks, answers, strict=True))
    redirected = {
        uri: a["headers"]["location"]["value"]
        for uri, a in zip(tricks, answers, strict=True)
        if a.get("statusCode") == 301
    }
    assert len(redirected) > len(tricks) / 2
    assert hosts(list(redirected.values())) == ["portal.example.org"] * len(redirected), redirected
    for location in redirected.values():
        assert location.startswith("/") and location[1] not in "/\\" and location.endswith("/")
        assert not any(ord(c) <= 0x20 or c == "\\" for c in location)
    assert redirected["//evil.example/x"] == "/evil.example/x/" and redirected["////fr"] == "/fr/"
    assert redirected["/\\evil.example/x"] == "/%5Cevil.example/x/"


VIEWERS = [
    "203.0.113.9",
    "198.51.100.250",
    "2001:db8:1:2:3:4:5:6",
    "2001:db8::1",
    "2001:DB8:0:0:8:800:200C:417A",
    "2001:0db8:0001:0002::1",
    "2001:db8:1:2::",
    "::1",
    "::",
    "fe80::1",
    "::ffff:198.51.100.7",
    "64:ff9b::198.51.100.7",
    "2a02:ff0:3:4:5:6:7:8",
]


def test_the_viewer_function_writes_the_address_and_network_the_local_server_writes() -> None:
    from devstack.server import VIEWER_HEADER, VIEWER_NETWORK_HEADER, viewer_network

    forged = {VIEWER_HEADER: {"value": "192.0.2.1"}, VIEWER_NETWORK_HEADER: {"value": "192.0.2.1"}}
    answers = run_function("ViewerAddressFunction", [viewer_request("/api/complaints", ip, forged) for ip in VIEWERS])
    for ip, answer in zip(VIEWERS, answers, strict=True):
        # whatever the viewer sent is overwritten
        assert answer["headers"][VIEWER_HEADER] == {"value": ip}
        assert answer["headers"][VIEWER_NETWORK_HEADER] == {"value": viewer_network(ip)}, ip
    networks = {ip: a["headers"][VIEWER_NETWORK_HEADER]["value"] for ip, a in zip(VIEWERS, answers, strict=True)}
    # an IPv4 address is its own source; an IPv6 subscriber's whole /64 is one source
    assert networks["203.0.113.9"] == "203.0.113.9" and networks["::ffff:198.51.100.7"] == "198.51.100.7"
    assert (
        networks["2001:db8:1:2:3:4:5:6"]
        == networks["2001:0db8:0001:0002::1"]
        == networks["2001:db8:1:2::"]
        == "2001:db8:1:2::/64"
    )
    assert networks["2001:db8::1"] == networks["2001:DB8:0:0:8:800:200C:417A"] == "2001:db8:0:0::/64"


# ---- complaint pages: never kept on the phone -----------------------------------------------------


def test_complaint_pages_are_served_no_store_by_their_own_behaviours() -> None:
    from devstack import server

    config = distribution()
    behaviours = config["CacheBehaviors"]
    assert behaviours[0]["PathPattern"] == "/api/*"  # first: /api/complaints/... is never a page
    complaint = [b for b in behaviours if b["PathPattern"] not in ("/api/*", *server.API_PATHS)]
    assert tuple(b["PathPattern"] for b in complaint) == server.NO_STORE_PATHS
    site = config["DefaultCacheBehavior"]
    for behaviour in complaint:
        # the site's behaviour in all but the response headers
        assert {k: v for k, v in behaviour.items() if k not in ("PathPattern", "ResponseHeadersPolicyId")} == {
            k: v for k, v in site.items() if k != "ResponseHeadersPolicyId"
        }
        assert behaviour["ResponseHeadersPolicyId"] == {"Ref": "ComplaintPagesHeadersPolicy"}
    security = props("SecurityHeadersPolicy")["ResponseHeadersPolicyConfig"]
    complaint_policy = props("ComplaintPagesHeadersPolicy")["ResponseHeadersPolicyConfig"]
    assert complaint_policy["SecurityHeadersConfig"] == security["SecurityHeadersConfig"]
    extra = [
        h for h in complaint_policy["CustomHeadersConfig"]["Items"] if h not in security["CustomHeadersConfig"]["Items"]
    ]
    assert extra == [{"Header": "Cache-Control", "Value": "no-store", "Override": True}]
    assert len(complaint_policy["CustomHeadersConfig"]["Items"]) == len(security["CustomHeadersConfig"]["Items"]) + 1


def test_the_paths_the_api_answers_outside_api_go_to_the_api_cached_as_it_says() -> None:
    from devstack import server

    behaviours = {b["PathPattern"]: b for b in distribution()["CacheBehaviors"]}
    assert {"/open-data/recruiters.json"} == server.API_PATHS
    for path in server.API_PATHS:
        behaviour = behaviours[path]
        assert behaviour["TargetOriginId"] == "api" and behaviour["AllowedMethods"] == ["GET", "HEAD"]
        # Managed-CachingOptimized honours the API's Cache-Control; no viewer header is passed on
        assert behaviour["CachePolicyId"] == "658327ea-f89d-4fab-a63d-7e88639e58f6"
        assert "OriginRequestPolicyId" not in behaviour and "FunctionAssociations" not in behaviour


def test_the_no_store_patterns_take_every_complaint_page_and_nothing_else() -> None:
    from devstack.server import no_store

    languages = sorted(p.name for p in (ROOT / "content" / "pages").iterdir() if p.is_dir())
    assert len(languages) >= 14
    for prefix in ["", *(f"/{lang}" for lang in languages if lang != "en")]:
        for page in (
            "/complaint/",
            "/complaint/index.html",
            "/complaint/follow-up/",
            "/complaint/follow-up/index.html",
        ):
            assert no_store(prefix + page), prefix + page
        for page in ("/", "/book/", "/guides/leaving/reading-your-contract/", "/complaints-policy/"):
            assert not no_store(prefix + page), prefix + page
    for other in ("/assets/complaint.js", "/assets/passerelle.css", "/sw.js", "/open-data/hsds.json"):
        assert not no_store(other), other


# ---- API Gateway, WAF, logs, alarms --------------------------------------------------------------


def test_api_access_logs_hold_no_client_data_and_requests_are_throttled() -> None:
    api = props("RestAPI")
    assert api["EndpointConfiguration"] == "REGIONAL"
    log_format = api["AccessLogSetting"]["Format"]
    assert set(json.loads(log_format)) == {
        "requestId",
        "time",
        "httpMethod",
        "resourcePath",
        "status",
        "responseLatency",
        "integrationLatency",
    }
    for word in ("identity", "sourceIp", "userAgent", "caller", "user", "authorizer"):
        assert word not in log_format
    (settings,) = api["MethodSettings"]
    assert settings["ThrottlingBurstLimit"] > 0 and settings["ThrottlingRateLimit"] > 0
    assert settings["LoggingLevel"] == "OFF" and settings["DataTraceEnabled"] is False
    assert props("ApiGatewayAccount")["CloudWatchRoleArn"]


# How AWS WAF reads a request, for the statements and text transformations the web ACL uses.
def waf_transform(value: str, transformations: list[dict[str, Any]]) -> str:
    for step in sorted(transformations, key=lambda t: t["Priority"]):
        kind = step["Type"]
        if kind == "URL_DECODE":
            value = unquote(value)
        elif kind == "NORMALIZE_PATH":  # multiple slashes, /./ and /x/../, except at the start
            value = re.sub(r"/{2,}", "/", value)
            while True:
                folded = re.sub(r"/\./", "/", re.sub(r"(?<=.)/(?!\.\.?/)[^/]+/\.\./", "/", value))
                if folded == value:
                    break
                value = folded
        elif kind == "LOWERCASE":
            value = value.lower()
        elif kind != "NONE":
            raise AssertionError(f"transformation {kind} is not simulated here")
    return value


def waf_field(field: dict[str, Any], request: dict[str, Any]) -> str | None:
    if "UriPath" in field:
        return str(request["path"])
    if "Method" in field:
        return str(request["method"])
    if "SingleHeader" in field:
        value = request["headers"].get(field["SingleHeader"]["Name"].lower())
        return None if value is None else str(value)
    raise AssertionError(f"field {field} is not simulated here")


def waf_matches(statement: dict[str, Any], request: dict[str, Any], refs: dict[str, str]) -> bool:
    ((kind, spec),) = statement.items()
    if kind == "AndStatement":
        return all(waf_matches(s, request, refs) for s in spec["Statements"])
    if kind == "OrStatement":
        return any(waf_matches(s, request, refs) for s in spec["Statements"])
    if kind == "NotStatement":
        return not waf_matches(spec["Statement"], request, refs)
    value = waf_field(spec["FieldToMatch"], request)
    if value is None:  # a missing header matches nothing
        return False
    value = waf_transform(value, spec["TextTransformations"])
    if kind == "RegexMatchStatement":
        return re.search(spec["RegexString"], value) is not None
    if kind == "ByteMatchStatement":
        wanted = iam.resolve(spec["SearchString"], refs)
        return {
            "EXACTLY": value == wanted,
            "STARTS_WITH": value.startswith(wanted),
            "ENDS_WITH": value.endswith(wanted),
            "CONTAINS": wanted in value,
        }[spec["PositionalConstraint"]]
    raise AssertionError(f"statement {kind} is not simulated here")


ORIGIN_SECRET = "s3cr3t-the-cloudfront-distribution-sends-0123456789"
SECRET_REF = "{{resolve:secretsmanager:${OriginSecret}:SecretString}}"
WAF_REFS = {"{{resolve:secretsmanager:${OriginSecret}:SecretString}}": ORIGIN_SECRET}


def waf_rules() -> list[dict[str, Any]]:
    (acl,) = resources("AWS::WAFv2::WebACL").values()
    return sorted(acl["Properties"]["Rules"], key=lambda r: r["Priority"])


def waf_verdict(method: str, edge_path: str, headers: dict[str, str] | None = None) -> str | None:
    """The first rule whose statement (a rate rule's scope-down) takes the request, as API Gateway
    receives it from CloudFront: the stage's /api before the edge's path."""
    request = {
        "method": method,
        "path": "/api" + edge_path,
        "headers": {ORIGIN_HEADER: ORIGIN_SECRET} if headers is None else headers,
    }
    for rule in waf_rules():
        statement = rule["Statement"]
        if "RateBasedStatement" in statement:
            statement = statement["RateBasedStatement"]["ScopeDownStatement"]
        if waf_matches(iam_refs_sub(statement), request, WAF_REFS):
            return str(rule["Name"])
    return None


def iam_refs_sub(statement: dict[str, Any]) -> dict[str, Any]:
    """The origin secret's dynamic reference, as CloudFormation resolves it, in place of the Fn::Sub."""
    text = json.dumps(statement).replace(json.dumps({"Fn::Sub": SECRET_REF}), json.dumps(ORIGIN_SECRET))
    return dict(json.loads(text))


@pytest.mark.parametrize(
    ("method", "path", "rule"),
    [
        # submissions: with and without the trailing slash API Gateway ignores, however written
        ("POST", "/api/bookings", "booking-submissions"),
        ("POST", "/api/bookings/", "booking-submissions"),
        ("POST", "/api/waitlist", "booking-submissions"),
        ("POST", "/api/waitlist/", "booking-submissions"),
        ("POST", "/api/complaints", "complaint-submissions"),
        ("POST", "/api/complaints/", "complaint-submissions"),
        ("POST", "/API/Complaints", "complaint-submissions"),
        ("POST", "/api//complaints", "complaint-submissions"),
        ("POST", "/api/./complaints/", "complaint-submissions"),
        ("POST", "/api/%63omplaints", "complaint-submissions"),
        ("POST", "/api/x/../bookings", "booking-submissions"),
        # look-ups: receipts and manage codes, any method
        ("POST", "/api/complaints/lookup", "complaint-receipts"),
        ("POST", "/api/complaints/lookup/", "complaint-receipts"),
        ("POST", "/api/complaints/messages", "complaint-receipts"),
        ("POST", "/api/complaints/%6Cookup", "complaint-receipts"),
        ("GET", "/api/bookings/K7QX3M", "booking-lookups"),
        ("PATCH", "/api/bookings/K7QX3M/", "booking-lookups"),
        ("DELETE", "/api/bookings/K7QX3M", "booking-lookups"),
        ("GET", "/api/bookings/K7QX3M/calendar.ics", "booking-lookups"),
        # evidence files: each upload runs the cleaner, so a flood is stopped at the edge
        ("POST", "/api/complaints/attachments", "evidence-uploads"),
        ("POST", "/api/complaints/attachments/", "evidence-uploads"),
        ("POST", "/API/Complaints/%61ttachments", "evidence-uploads"),
        ("GET", "/api/complaints/attachments", None),
        # everything else passes untouched
        ("GET", "/api/complaints", None),
        ("GET", "/api/bookings", None),
        ("GET", "/api/waitlist", None),
        ("GET", "/api/centres/tj-dushanbe/services/legal_advice/slots", None),
        ("GET", "/api/challenge", None),
        ("POST", "/api/feedback", None),
        ("GET", "/api/health", None),
    ],
)
def test_each_rate_rule_takes_its_routes_with_or_without_the_slash(method: str, path: str, rule: str | None) -> None:
    assert waf_verdict(method, path) == rule


def test_only_requests_from_cloudfront_reach_the_rate_rules() -> None:
    # CloudFront adds the origin secret to every API request; the first rule blocks the rest, so
    # nobody going around CloudFront can write the viewer headers the rate rules count.
    first = waf_rules()[0]
    assert first["Name"] == "through-cloudfront-only" and "Block" in first["Action"]
    origin = next(o for o in distribution()["Origins"] if o["Id"] == "api")
    (custom,) = origin["OriginCustomHeaders"]
    matcher = first["Statement"]["NotStatement"]["Statement"]["ByteMatchStatement"]
    assert matcher["FieldToMatch"] == {"SingleHeader": {"Name": custom["HeaderName"]}}
    assert matcher["SearchString"] == custom["HeaderValue"] == {"Fn::Sub": SECRET_REF}
    assert matcher["PositionalConstraint"] == "EXACTLY" and matcher["TextTransformations"] == [
        {"Priority": 0, "Type": "NONE"}
    ]
    for headers in (
        {},
        {ORIGIN_HEADER: ORIGIN_SECRET[:-1]},
        {ORIGIN_HEADER: ORIGIN_SECRET + " "},
        {ORIGIN_HEADER: ORIGIN_SECRET.upper()},
    ):
        assert waf_verdict("POST", "/api/complaints", headers) == "through-cloudfront-only"
        assert waf_verdict("GET", "/api/health", headers) == "through-cloudfront-only"
    assert waf_verdict("GET", "/api/health") is None


def test_the_rate_rules_count_each_viewer_network_and_keep_no_addresses() -> None:
    (acl,) = resources("AWS::WAFv2::WebACL").values()
    assert acl["Properties"]["Scope"] == "REGIONAL"
    assert acl["Properties"]["VisibilityConfig"]["SampledRequestsEnabled"] is False
    rules = waf_rules()
    assert [r["Priority"] for r in rules] == list(range(len(rules)))
    assert all(not r["VisibilityConfig"]["SampledRequestsEnabled"] for r in rules)
    assert all(r["Action"] == {"Block": {}} for r in rules)
    rates = {r["Name"]: r["Statement"]["RateBasedStatement"] for r in rules if "RateBasedStatement" in r["Statement"]}
    assert set(rates) == {
        "complaint-submissions",
        "booking-submissions",
        "evidence-uploads",
        "complaint-receipts",
        "booking-lookups",
    }
    from devstack.server import VIEWER_NETWORK_HEADER

    for name, rate in rates.items():
        # per viewer (the CloudFront function's header), never per CloudFront edge (AggregateKeyType IP)
        assert rate["AggregateKeyType"] == "CUSTOM_KEYS", name
        assert rate["CustomKeys"] == [
            {"Header": {"Name": VIEWER_NETWORK_HEADER, "TextTransformations": [{"Priority": 0, "Type": "NONE"}]}}
        ]
        assert rate["EvaluationWindowSec"] == 300 and 10 <= rate["Limit"] <= 200, name
    # submissions are held tighter than look-ups, and complaints tightest
    assert (
        rates["complaint-submissions"]["Limit"]
        < rates["booking-submissions"]["Limit"]
        < rates["evidence-uploads"]["Limit"]
        < rates["complaint-receipts"]["Limit"]
        < rates["booking-lookups"]["Limit"]
    )
    # A person uploading many files meets the application's own limit (a 429 that says until when)
    # before the edge's plain refusal.
    from chalicelib.core.settings import Settings

    assert rates["evidence-uploads"]["Limit"] > Settings().attachments_per_source
    assert not resources("AWS::WAFv2::LoggingConfiguration")
    association = props("ApiWebAclAssociation")["ResourceArn"]["Fn::Sub"]
    assert "/restapis/${RestAPI}/stages/${RestAPI.Stage}" in association


def test_every_log_group_expires_and_each_function_has_its_own() -> None:
    groups = resources("AWS::Logs::LogGroup")
    assert groups and all(0 < g["Properties"]["RetentionInDays"] <= 90 for g in groups.values())
    names = {g["Properties"]["LogGroupName"]["Fn::Sub"] for g in groups.values()}
    for function in (*APP_FUNCTIONS, "EvidenceCleaner"):
        name = props(function)["FunctionName"]["Fn::Sub"]
        assert f"/aws/lambda/{name}" in names


def test_alarms_cover_5xx_lambda_errors_and_throttles() -> None:
    alarms = [a["Properties"] for a in resources("AWS::CloudWatch::Alarm").values()]
    metrics = {(a["Namespace"], a["MetricName"]) for a in alarms}
    assert {("AWS/ApiGateway", "5XXError"), ("AWS/Lambda", "Errors"), ("AWS/Lambda", "Throttles")} <= metrics
    assert all(a["AlarmActions"] == [{"Ref": "AlarmTopic"}] for a in alarms)


# ---- IAM -----------------------------------------------------------------------------------------


def role_statements() -> list[dict[str, Any]]:
    found = []
    for role in resources("AWS::IAM::Role").values():
        for policy in role["Properties"].get("Policies", []):
            found += policy["PolicyDocument"]["Statement"]
    return found


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_iam_names_every_resource_and_no_wildcard_action() -> None:
    statements = role_statements()
    assert statements
    for statement in statements:
        assert statement["Effect"] == "Allow" or statement["Sid"] == "AuditLinesAreAppendOnly"
        for action in as_list(statement["Action"]):
            service, _, verb = action.partition(":")
            assert service in DATA_SERVICES and "*" not in verb, action
        for resource in as_list(statement["Resource"]):
            assert resource != "*", statement
            assert "passerelle-" not in json.dumps(resource), "name resources by reference, not by string"


def test_the_functions_may_call_exactly_the_dynamodb_operations_the_code_uses() -> None:
    sources = "\n".join(p.read_text() for p in (ROOT / "backend" / "chalicelib").rglob("*.py"))
    called = set(
        re.findall(
            r"\.(get_item|batch_get_item|put_item|update_item|delete_item|query|scan|"
            r"transact_write_items|transact_get_items|batch_write_item|describe_table)\(",
            sources,
        )
    )
    # A transaction is authorised through the actions of the items it writes or checks.
    needed = {"".join(w.title() for w in c.split("_")) for c in called} - {"TransactWriteItems"}
    if "transact_write_items" in called:
        needed |= {"PutItem", "UpdateItem", "DeleteItem", "ConditionCheckItem"}
    chalice_policy = json.loads((ROOT / "backend" / ".chalice" / "policy-prod.json").read_text())
    chalice_actions = {
        a
        for s in chalice_policy["Statement"]
        if s["Effect"] == "Allow"
        for a in as_list(s["Action"])
        if a.startswith("dynamodb:")
    }
    for role in APP_ROLES:
        statement = next(
            s for s in props(role)["Policies"][0]["PolicyDocument"]["Statement"] if s["Sid"] == "AppTableData"
        )
        granted = {a.removeprefix("dynamodb:") for a in statement["Action"]}
        assert granted == needed, role
        assert {f"dynamodb:{a}" for a in granted} == chalice_actions  # `chalice deploy` gets the same
        assert statement["Resource"] == [{"Fn::GetAtt": ["AppTable", "Arn"]}, {"Fn::Sub": "${AppTable.Arn}/index/*"}]


TABLE_ARN = "arn:aws:dynamodb:eu-west-1:123456789012:table/passerelle-prod-AppTable-1Q2W3E4R5T6Y"
TABLE_REFS = {"AppTable.Arn": TABLE_ARN}


@pytest.mark.parametrize("role", APP_ROLES)
def test_audit_lines_can_be_appended_and_read_but_never_changed_or_removed(role: str) -> None:
    """Each function's role, evaluated as IAM does: UpdateItem, DeleteItem and any other write that
    could change an audit line (partition key AUDIT#...) is denied whatever allows it; PutItem (a
    new line, under the code's condition) and reads stay allowed, and a booking's or a complaint's
    items can still be updated and deleted."""
    statements = props(role)["Policies"][0]["PolicyDocument"]["Statement"]
    iam.assert_audit_lines_append_only(statements, TABLE_ARN, TABLE_REFS)
    decisions = iam.audit_decisions(statements, TABLE_ARN, TABLE_REFS)
    assert decisions["DeleteItem", "AUDIT#CENTRE#tj-dushanbe"] == iam.EXPLICIT_DENY
    assert decisions["DeleteItem", "BOOKING#K7QX3M"] == iam.ALLOW
    assert decisions["PutItem", "AUDIT#CENTRE#tj-dushanbe"] == iam.ALLOW
    # an index holds no audit line to change: the deny names the table, and reads of indexes go on
    assert (
        iam.decide(
            statements,
            "dynamodb:Query",
            f"{TABLE_ARN}/index/GSI1",
            {"dynamodb:LeadingKeys": ["QUEUE#general#tj-dushanbe"]},
            TABLE_REFS,
        )
        == iam.ALLOW
    )


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_chalices_own_policies_keep_audit_lines_append_only_too(stage: str) -> None:
    """`chalice deploy` (without the template) uses .chalice/policy-<stage>.json: the same deny."""
    policy = json.loads((ROOT / "backend" / ".chalice" / f"policy-{stage}.json").read_text())
    iam.assert_audit_lines_append_only(
        policy["Statement"], f"arn:aws:dynamodb:eu-west-1:123456789012:table/passerelle-{stage}"
    )
    (chalice_deny,) = [s for s in policy["Statement"] if s["Effect"] == "Deny"]
    template_deny = next(
        s for s in props("ApiHandlerRole")["Policies"][0]["PolicyDocument"]["Statement"] if s["Effect"] == "Deny"
    )
    assert {k: v for k, v in chalice_deny.items() if k != "Resource"} == {
        k: v for k, v in template_deny.items() if k != "Resource"
    }


def test_only_the_functions_that_hash_secrets_read_the_secret() -> None:
    """The API (receipts, manage codes, phones), and the SMS functions (a phone's STOP is kept by its
    keyed hash); not the offers' or the digest's."""

    def secret_readers(role: str) -> list[Any]:
        return [
            s
            for s in props(role)["Policies"][0]["PolicyDocument"]["Statement"]
            if "secretsmanager:GetSecretValue" in as_list(s["Action"])
        ]

    (reader,) = secret_readers("ApiHandlerRole")
    assert reader["Resource"] == [{"Ref": "ServerSecret"}, {"Ref": "OriginSecret"}]
    assert not secret_readers("ReleaseExpiredOffersRole") and not secret_readers("OverdueDigestRole")
    assert not secret_readers("SweepAttachmentsRole") and not secret_readers("EvidenceCleanerRole")
    for role in ("SendDueNotificationsRole", "SmsReplyRole"):
        (reader,) = secret_readers(role)
        assert reader["Resource"] == [{"Ref": "ServerSecret"}]


def test_the_functions_are_configured_from_the_stack() -> None:
    api = props("APIHandler")["Environment"]["Variables"]
    assert api["TABLE_NAME"] == {"Ref": "AppTable"} and api["PASSERELLE_SECRET_ARN"] == {"Ref": "ServerSecret"}
    assert api["PASSERELLE_ORIGIN_SECRET_ARN"] == {"Ref": "OriginSecret"}
    assert api["STAFF_JWT_AUDIENCE"] == {"Ref": "UserPoolClient"}
    issuer = api["STAFF_JWT_ISSUER"]["Fn::Sub"]
    assert issuer == "https://cognito-idp.${AWS::Region}.amazonaws.com/${UserPool}"
    assert api["STAFF_JWKS_URL"]["Fn::Sub"] == issuer + "/.well-known/jwks.json"
    assert api["STAFF_AUTH_URL"]["Fn::Sub"] == "https://${UserPoolDomain}.auth.${AWS::Region}.amazoncognito.com"
    assert props("ReleaseExpiredOffers")["Environment"]["Variables"] == {"TABLE_NAME": {"Ref": "AppTable"}}
    assert api["ATTACHMENTS_BUCKET"] == {"Ref": "AttachmentsBucket"}
    assert api["ATTACHMENTS_KMS_KEY_ID"] == {"Fn::GetAtt": ["DataKey", "Arn"]}
    assert api["CLEANER_FUNCTION_NAME"] == {"Ref": "EvidenceCleaner"}
    assert props("SweepAttachments")["Environment"]["Variables"] == {
        "TABLE_NAME": {"Ref": "AppTable"},
        "ATTACHMENTS_BUCKET": {"Ref": "AttachmentsBucket"},
    }


# ---- evidence files ------------------------------------------------------------------------------


def statements_of(role: str) -> list[dict[str, Any]]:
    return list(props(role)["Policies"][0]["PolicyDocument"]["Statement"])


def test_the_attachments_bucket_is_private_encrypted_with_the_stacks_key_and_kept() -> None:
    bucket = template()["Resources"]["AttachmentsBucket"]
    assert bucket["DeletionPolicy"] == bucket["UpdateReplacePolicy"] == "Retain"
    p = bucket["Properties"]
    assert p["PublicAccessBlockConfiguration"] == dict.fromkeys(
        ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"), True
    )
    assert p["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    (encryption,) = p["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert encryption["ServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "aws:kms",
        "KMSMasterKeyID": {"Fn::GetAtt": ["DataKey", "Arn"]},
    }
    assert "VersioningConfiguration" not in p and "LoggingConfiguration" not in p  # deleted means gone
    policy = props("AttachmentsBucketPolicy")["PolicyDocument"]["Statement"]
    tls = next(s for s in policy if s["Sid"] == "TlsOnly")
    assert tls["Effect"] == "Deny" and tls["Principal"] == "*" and tls["Action"] == "s3:*"
    assert tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert len(tls["Resource"]) == 2  # the bucket and its objects
    key_only = next(s for s in policy if s["Sid"] == "StackKeyOnly")
    assert key_only["Effect"] == "Deny" and key_only["Action"] == "s3:PutObject"
    condition = key_only["Condition"]["StringNotEqualsIfExists"]
    assert condition["s3:x-amz-server-side-encryption-aws-kms-key-id"] == {"Fn::GetAtt": ["DataKey", "Arn"]}
    assert all(s["Effect"] == "Deny" for s in policy)  # nobody is granted anything by the bucket


def test_uploads_never_attached_expire_by_their_tag_and_the_app_tags_them_so() -> None:
    from chalicelib.complaints import files

    rules = {r["Id"]: r for r in props("AttachmentsBucket")["LifecycleConfiguration"]["Rules"]}
    unattached = rules["UnattachedUploads"]
    assert unattached["Status"] == "Enabled" and unattached["ExpirationInDays"] <= 2
    (tag,) = unattached["TagFilters"]
    assert f"{tag['Key']}={tag['Value']}" == files.PENDING_TAG
    assert "Prefix" not in unattached  # attached files are never under this rule's reach by path


def test_the_cleaner_may_only_write_its_logs_and_the_api_may_only_invoke_it() -> None:
    cleaner = props("EvidenceCleaner")
    assert cleaner["Handler"] == "chalicelib.evidence.handler.handler" and cleaner["Runtime"] == "python3.13"
    assert cleaner["Role"] == {"Fn::GetAtt": ["EvidenceCleanerRole", "Arn"]}
    assert cleaner["ReservedConcurrentExecutions"] > 0 and cleaner["Timeout"] < 10  # below the API's own
    assert "Environment" not in cleaner and "VpcConfig" not in cleaner
    (logs,) = statements_of("EvidenceCleanerRole")
    assert logs["Action"] == ["logs:CreateLogStream", "logs:PutLogEvents"]
    assert logs["Resource"] == {"Fn::GetAtt": ["EvidenceCleanerLogGroup", "Arn"]}
    invokers = [
        (name, s)
        for name in resources("AWS::IAM::Role")
        for policy in props(name).get("Policies", [])
        for s in policy["PolicyDocument"]["Statement"]
        if "lambda:InvokeFunction" in as_list(s["Action"])
    ]
    assert [(n, s["Resource"]) for n, s in invokers] == [("ApiHandlerRole", {"Fn::GetAtt": ["EvidenceCleaner", "Arn"]})]


def test_the_api_reads_and_writes_only_the_files_and_the_sweep_only_deletes_them() -> None:
    def s3_grants(role: str) -> dict[str, Any]:
        return {
            action: s["Resource"]
            for s in statements_of(role)
            if s["Effect"] == "Allow"
            for action in as_list(s["Action"])
            if action.startswith("s3:")
        }

    files = {"Fn::Sub": "${AttachmentsBucket.Arn}/files/*"}
    assert s3_grants("ApiHandlerRole") == dict.fromkeys(("s3:PutObject", "s3:GetObject", "s3:PutObjectTagging"), files)
    assert s3_grants("SweepAttachmentsRole") == {"s3:DeleteObject": files}
    assert s3_grants("ReleaseExpiredOffersRole") == {}
    through_s3 = next(s for s in statements_of("ApiHandlerRole") if s["Sid"] == "AttachmentsKey")
    assert set(through_s3["Action"]) == {"kms:GenerateDataKey", "kms:Decrypt"}
    assert through_s3["Condition"] == {
        "StringEquals": {"kms:ViaService": {"Fn::Sub": "s3.${AWS::Region}.amazonaws.com"}}
    }
    # The object keys the role allows are the ones the code writes.
    from chalicelib.core import keys

    assert keys.attachment_object("0" * 32).startswith("files/")


# ---- staff sign-in -------------------------------------------------------------------------------


def test_staff_accounts_are_created_by_admins_with_mfa_and_cannot_widen_their_own_access() -> None:
    pool = props("UserPool")
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    assert pool["MfaConfiguration"] == "ON" and pool["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] >= 12
    (centres,) = [a for a in pool["Schema"] if a["Name"] == "centres"]
    assert centres["AttributeDataType"] == "String" and centres["Mutable"] is True
    groups = {g["Properties"]["GroupName"] for g in resources("AWS::Cognito::UserPoolGroup").values()}
    assert groups == {"caseworker", "manager", "focal_point", "admin"}
    client = props("UserPoolClient")
    assert client["GenerateSecret"] is False
    assert client["AllowedOAuthFlows"]["Fn::If"][1] == ["code"]
    assert client["CallbackURLs"]["Fn::If"][1] == [{"Fn::Sub": "${SiteUrl}/staff/"}]
    assert client["PreventUserExistenceErrors"] == "ENABLED"
    assert client["ExplicitAuthFlows"] == ["ALLOW_REFRESH_TOKEN_AUTH"]
    assert "custom:centres" in client["ReadAttributes"]
    assert "custom:centres" not in client["WriteAttributes"]
    units = client["TokenValidityUnits"]
    assert (client["IdTokenValidity"], units["IdToken"]) == (1, "hours")
    assert (client["RefreshTokenValidity"], units["RefreshToken"]) == (12, "hours")


def test_the_stack_outputs_what_deploy_and_destroy_read() -> None:
    outputs = set(template()["Outputs"])
    assert {
        "SiteBucket",
        "DistributionId",
        "DistributionDomain",
        "UserPoolId",
        "UserPoolClientId",
        "AuthDomain",
        "TableName",
        "ApiUrl",
    } <= outputs
    scripts = (ROOT / "infra" / "deploy.sh").read_text() + (ROOT / "infra" / "destroy.sh").read_text()
    for name in set(re.findall(r"output (\w+)\)", scripts)):
        assert name in outputs, name


# ---- the scripts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("script", ["deploy.sh", "destroy.sh"])
def test_the_scripts_parse(script: str) -> None:
    result = subprocess.run(["bash", "-n", str(ROOT / "infra" / script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("script", ["deploy.sh", "destroy.sh"])
def test_without_the_aws_cli_a_script_says_so_in_one_sentence(script: str, tmp_path: Path) -> None:
    bash = shutil.which("bash")
    assert bash
    result = subprocess.run(
        [bash, str(ROOT / "infra" / script)],
        env={"PATH": str(tmp_path), "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert "needs the AWS CLI" in line and line.endswith(".")


def test_make_deploy_checks_builds_packages_lints_then_deploys() -> None:
    result = subprocess.run(
        ["make", "-n", "deploy", "STAGE=prod"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    steps = [
        "bash infra/deploy.sh --check",
        "chalice package --stage prod",
        "--merge-template ../infra/template.yaml ../build/package",
        "-m devstack.cleaner_bundle",  # the EvidenceCleaner's CodeUri, which `aws cloudformation package` uploads
        "cfn-lint -- build/package/sam.yaml",
        "STAGE=prod PYTHON=.venv/bin/python bash infra/deploy.sh",
    ]
    positions = [result.stdout.find(step) for step in steps]
    assert all(p >= 0 for p in positions), result.stdout
    assert positions == sorted(positions)
    script = (ROOT / "infra" / "deploy.sh").read_text()
    for step in (
        "aws cloudformation package",
        "aws cloudformation deploy",
        "--no-fail-on-empty-changeset",
        "CAPABILITY_IAM CAPABILITY_AUTO_EXPAND",
        "infra/sync_site.py",
        "create-invalidation",
    ):
        assert step in script


# deploy.sh against a stand-in AWS CLI and Python: which calls, in which order, with which values.
FAKE_AWS = r"""#!/usr/bin/env bash
echo "aws $*" >> "$FAKE_LOG"
case "$1 $2" in
  "sts get-caller-identity") echo 123456789012 ;;
  "s3api head-bucket"|"cloudformation package"|"cloudfront create-invalidation") ;;
  "pinpoint-sms-voice-v2 set-text-spend-limit-override") ;;
  "cloudformation deploy") touch "$FAKE_STATE" ;;
  "cloudformation describe-stacks")
    [[ -f "$FAKE_STATE" ]] || { echo "Stack with id passerelle-prod does not exist" >&2; exit 255; }
    case "$*" in
      *DistributionDomain*) echo d111abc.cloudfront.net ;;
      *SiteBucket*) echo passerelle-prod-sitebucket ;;
      *DistributionId*) echo E2EXAMPLE ;;
      *) echo None ;;
    esac ;;
  *) echo "unexpected aws $*" >&2; exit 2 ;;
esac
"""
FAKE_PYTHON = r"""#!/usr/bin/env bash
echo "python SITE_URL=${SITE_URL:-} $*" >> "$FAKE_LOG"
if [[ "$1 $2 $3" == "-m mkdocs build" ]]; then  # a page that names the address it was built for
  out="${*: -1}"; mkdir -p "$out"; echo "<a href=\"${FAKE_NAMED:-$SITE_URL}guides/\">" > "$out/index.html"
elif [[ "$1 $2" == "-m devstack.search" ]]; then  # the site's search indexes, written into the build
  :
elif [[ "$1" == "infra/sync_site.py" ]]; then
  echo "3 changed"
else
  exit 2
fi
"""


def run_deploy(
    tmp_path: Path, *, exists: bool = False, **env: str
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for name, text in (("aws", FAKE_AWS), ("python", FAKE_PYTHON)):
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    log, state = tmp_path / "calls.log", tmp_path / "stack-exists"
    log.write_text("")
    if exists:
        state.touch()
    result = subprocess.run(
        ["bash", str(ROOT / "infra" / "deploy.sh")],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        env={
            "PATH": f"{bin_dir}:/usr/bin:/bin",
            "HOME": str(tmp_path),
            "AWS_REGION": "eu-west-1",
            "PYTHON": str(bin_dir / "python"),
            "SITE_DIR": str(tmp_path / "site"),
            "FAKE_LOG": str(log),
            "FAKE_STATE": str(state),
            **env,
        },
    )
    return result, log.read_text().splitlines()


def deploys(calls: list[str]) -> list[str]:
    return [re.sub(r".*--parameter-overrides ", "", c) for c in calls if c.startswith("aws cloudformation deploy")]


def test_a_new_stack_is_deployed_twice_and_its_site_built_for_cloudfronts_address(tmp_path: Path) -> None:
    result, calls = run_deploy(tmp_path)
    assert result.returncode == 0, result.stderr
    assert deploys(calls) == ["SiteUrl=", "SiteUrl=https://d111abc.cloudfront.net"]
    (build,) = [i for i, c in enumerate(calls) if "-m mkdocs build" in c]
    assert calls[build].startswith("python SITE_URL=https://d111abc.cloudfront.net/ -m mkdocs build")
    last_deploy = max(i for i, c in enumerate(calls) if c.startswith("aws cloudformation deploy"))
    search = next(i for i, c in enumerate(calls) if "-m devstack.search" in c)
    upload = next(i for i, c in enumerate(calls) if "infra/sync_site.py" in c)
    invalidation = next(i for i, c in enumerate(calls) if "create-invalidation" in c)
    assert last_deploy < build < search < upload < invalidation
    assert "E2EXAMPLE" in calls[invalidation] and "passerelle-prod-sitebucket" in calls[upload]
    assert "Passerelle is at https://d111abc.cloudfront.net/" in result.stdout


def test_an_existing_stack_is_deployed_once(tmp_path: Path) -> None:
    result, calls = run_deploy(tmp_path, exists=True)
    assert result.returncode == 0, result.stderr
    assert deploys(calls) == ["SiteUrl=https://d111abc.cloudfront.net"]


def test_the_portals_own_domain_is_deployed_once_with_its_certificate(tmp_path: Path) -> None:
    certificate = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
    result, calls = run_deploy(tmp_path, SITE_DOMAIN="portal.example.org", SITE_CERTIFICATE_ARN=certificate)
    assert result.returncode == 0, result.stderr
    assert deploys(calls) == [
        f"SiteUrl=https://portal.example.org SiteDomain=portal.example.org SiteCertificateArn={certificate}"
    ]
    assert any(c.startswith("python SITE_URL=https://portal.example.org/ -m mkdocs build") for c in calls)
    assert "Point portal.example.org at d111abc.cloudfront.net" in result.stdout
    assert "Passerelle is at https://portal.example.org/" in result.stdout


def test_a_domain_without_its_certificate_is_refused_before_anything_changes(tmp_path: Path) -> None:
    result, calls = run_deploy(tmp_path, SITE_DOMAIN="portal.example.org")
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert "needs SITE_CERTIFICATE_ARN" in line and "us-east-1" in line
    assert deploys(calls) == [] and not any("mkdocs" in c for c in calls)


def test_a_site_that_still_names_the_local_portal_is_not_uploaded(tmp_path: Path) -> None:
    result, calls = run_deploy(tmp_path, exists=True, FAKE_NAMED="http://127.0.0.1:8000/")
    assert result.returncode == 1
    assert "still names the local portal" in result.stderr and "index.html" in result.stderr
    assert not any("sync_site" in c or "create-invalidation" in c for c in calls)


def test_the_portals_own_domain_gets_tls_1_2_and_needs_a_certificate() -> None:
    parameters = template()["Parameters"]
    domain = re.compile(parameters["SiteDomain"]["AllowedPattern"])
    certificate = re.compile(parameters["SiteCertificateArn"]["AllowedPattern"])
    assert all(domain.fullmatch(d) for d in ("", "portal.example.org", "passerelle.redcross.tj"))
    assert not any(domain.fullmatch(d) for d in ("https://portal.example.org", "portal", "-x.org", "a.b/c"))
    assert certificate.fullmatch("arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789")
    assert not certificate.fullmatch("arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6789")
    rule = template()["Rules"]["SiteDomainNeedsItsCertificate"]
    assert rule["Assertions"][0]["Assert"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "SiteCertificateArn"}, ""]}]}
    config = props("Distribution")["DistributionConfig"]
    assert config["Aliases"] == {"Fn::If": ["HasSiteDomain", [{"Ref": "SiteDomain"}], {"Ref": "AWS::NoValue"}]}
    own, default = config["ViewerCertificate"]["Fn::If"][1:]
    assert own == {
        "AcmCertificateArn": {"Ref": "SiteCertificateArn"},
        "SslSupportMethod": "sni-only",
        "MinimumProtocolVersion": "TLSv1.2_2021",
    }
    assert default == {"CloudFrontDefaultCertificate": True}


# ---- the site upload -----------------------------------------------------------------------------


def test_cache_headers_follow_the_names() -> None:
    from infra import sync_site

    assert sync_site.cache_control("assets/javascripts/bundle.f55a23d4.min.js") == "public, max-age=31536000, immutable"
    assert sync_site.cache_control("assets/stylesheets/main.342714a4.min.css").endswith("immutable")
    for key in ("index.html", "ar/guides/x/index.html", "sw.js", "assets/passerelle.js", "open-data/hsds.json"):
        assert sync_site.cache_control(key) == "no-cache", key
    assert sync_site.cache_control("guides/x/qr.svg") == "public, max-age=3600"
    assert sync_site.content_type("index.html") == "text/html; charset=utf-8"
    assert sync_site.content_type("manifest.webmanifest") == "application/manifest+json; charset=utf-8"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "guides" / "x").mkdir(parents=True)
    (root / "index.html").write_text("<h1>Passerelle</h1>")
    (root / "guides" / "x" / "index.html").write_text("<p>guide</p>")
    (root / "sw.js").write_text("self.addEventListener('fetch', () => {});")
    return root


def test_a_second_upload_of_the_same_build_changes_nothing(site: Path) -> None:
    from infra import sync_site

    with moto.mock_aws():
        s3 = boto3.client("s3", region_name="eu-west-1")
        s3.create_bucket(Bucket="site", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        s3.put_object(Bucket="site", Key="old/page.html", Body=b"gone")
        assert sync_site.sync(s3, "site", site) == 4  # three uploads, one stale object deleted
        for path in site.rglob("*"):  # a rebuild: same content, new modification times
            if path.is_file():
                os.utime(path)
        assert sync_site.sync(s3, "site", site) == 0
        (site / "sw.js").write_text("self.addEventListener('fetch', () => { /* v2 */ });")
        assert sync_site.sync(s3, "site", site) == 1
        head = s3.head_object(Bucket="site", Key="sw.js")
        assert head["CacheControl"] == "no-cache" and head["ContentType"].startswith("text/javascript")
        assert head["ETag"].strip('"') == hashlib.md5((site / "sw.js").read_bytes(), usedforsecurity=False).hexdigest()
        assert sorted(o["Key"] for o in s3.list_objects_v2(Bucket="site")["Contents"]) == [
            "guides/x/index.html",
            "index.html",
            "sw.js",
        ]


# ---- moto's CloudFormation: the stack's table, then the app's smoke flow -------------------------


def moto_template() -> dict[str, Any]:
    """The template's resources that moto's CloudFormation can create. It cannot create
    AWS::Serverless::* (no SAM transform) nor AWS::SecretsManager::Secret, and it accepts but
    ignores SSE, PITR and TTL (those are checked on the template above, not here)."""
    keep = ("DataKey", "DataKeyAlias", "AppTable")
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {name: template()["Resources"][name] for name in keep},
        "Outputs": {"TableName": template()["Outputs"]["TableName"], "DataKeyArn": template()["Outputs"]["DataKeyArn"]},
    }


@pytest.fixture
def deployed(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    for name in ("PASSERELLE_SECRET_FILE", "DYNAMODB_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PROOF_DIFFICULTY", "8")
    with moto.mock_aws():
        cloudformation = boto3.client("cloudformation", region_name="eu-west-1")
        cloudformation.create_stack(StackName="passerelle-prod", TemplateBody=json.dumps(moto_template()))
        stack = cloudformation.describe_stacks(StackName="passerelle-prod")["Stacks"][0]
        assert stack["StackStatus"] == "CREATE_COMPLETE"
        outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
        # What CloudFormation does for ServerSecret, which moto's CloudFormation cannot: generate
        # the value from the template's GenerateSecretString and store it.
        spec = template()["Resources"]["ServerSecret"]["Properties"]["GenerateSecretString"]
        secrets = boto3.client("secretsmanager", region_name="eu-west-1")
        value = secrets.get_random_password(**spec)["RandomPassword"]
        outputs["SecretArn"] = secrets.create_secret(
            Name="passerelle-prod-secret", SecretString=value, KmsKeyId=outputs["DataKeyArn"]
        )["ARN"]
        spec = template()["Resources"]["OriginSecret"]["Properties"]["GenerateSecretString"]
        outputs["OriginSecret"] = secrets.get_random_password(**spec)["RandomPassword"]
        outputs["OriginSecretArn"] = secrets.create_secret(
            Name="passerelle-prod-origin", SecretString=outputs["OriginSecret"], KmsKeyId=outputs["DataKeyArn"]
        )["ARN"]
        reset_clients()
        yield outputs
    reset_clients()


def test_the_app_runs_on_the_table_the_stack_created(deployed: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    from app import app

    table = deployed["TableName"]
    assert table.startswith("passerelle-prod-AppTable")
    with Client(app, stage_name="prod", project_dir=str(ROOT / "backend")) as api:
        # What the stack sets in the function's environment. The test client lays the stage's
        # config.json variables (another table name) over it on each request: settings are read
        # once per process, as in Lambda, so read them now.
        monkeypatch.setenv("TABLE_NAME", table)
        monkeypatch.setenv("PASSERELLE_SECRET_ARN", deployed["SecretArn"])
        monkeypatch.setenv("PASSERELLE_ORIGIN_SECRET_ARN", deployed["OriginSecretArn"])
        reset_clients()
        assert get_settings().table_name == table
        # Straight to API Gateway, without CloudFront's header: refused.
        around = api.http.get("/api/health", headers={ORIGIN_HEADER: deployed["OriginSecret"][:-1]})
        assert around.status_code == 403 and json.loads(around.body)["error"]["code"] == "origin_forbidden"
        edge = {ORIGIN_HEADER: deployed["OriginSecret"]}
        json_edge = {**JSON, **edge}
        health = api.http.get("/api/health", headers=edge)
        assert health.status_code == 200 and json.loads(health.body)["database"] == "up"

        slots = "/api/centres/tr-ankara/services/language_course/slots?days=14"
        found = json.loads(api.http.get(slots, headers=edge).body)
        free = [s["start"] for s in found["slots"] if s["seats_left"] > 0]
        booked = api.http.post(
            "/api/bookings",
            headers=with_proof(api, edge),
            body=json.dumps(
                {
                    "centre_id": "tr-ankara",
                    "service_id": "language_course",
                    "start": free[0],
                    "mode": "on_site",
                    "language": "tr",
                }
            ),
        )
        assert booked.status_code == 201, booked.body
        booking = json.loads(booked.body)
        again = api.http.get(
            f"/api/bookings/{booking['reference']}", headers={**edge, "X-Manage-Code": booking["manage_code"]}
        )
        assert again.status_code == 200 and json.loads(again.body)["start"] == free[0]

        challenge = json.loads(api.http.get("/api/challenge", headers=edge).body)
        solved = f"{challenge['challenge']}:{proof.solve(challenge['challenge'], challenge['difficulty'])}"
        submitted = api.http.post(
            "/api/complaints",
            headers={**json_edge, "X-Proof": solved},
            body=json.dumps(
                {
                    "category": "unpaid_wages",
                    "country": "MY",
                    "language": "vi",
                    "description": "Smoke test: wages unpaid for two months.",
                }
            ),
        )
        assert submitted.status_code == 201, submitted.body
        receipt = json.loads(submitted.body)["receipt"]
        looked_up = api.http.post("/api/complaints/lookup", headers=json_edge, body=json.dumps({"receipt": receipt}))
        assert looked_up.status_code == 200, looked_up.body
        assert json.loads(looked_up.body)["category"] == "unpaid_wages"

    # Everything went to the stack's table, and the key came from the stack's secret.
    items = boto3.client("dynamodb", region_name="eu-west-1").scan(TableName=table)["Items"]
    assert {i["PK"]["S"].split("#")[0] for i in items} >= {"BOOKING", "COMPLAINT"}
    from chalicelib.core.secrets import server_key

    secret = boto3.client("secretsmanager", region_name="eu-west-1").get_secret_value(SecretId=deployed["SecretArn"])[
        "SecretString"
    ]
    assert server_key() == bytes.fromhex(secret) and len(server_key()) == 32


# ---- the cost model ------------------------------------------------------------------------------


def test_the_cost_model_prices_what_was_measured() -> None:
    from devstack.bench.cost import BOOKING, COMPLAINT, PRICES, RouteUse, cost_rows

    free = {label: RouteUse(0, 0, 0) for label in BOOKING + COMPLAINT}
    heavy = {**free, "POST /api/bookings": RouteUse(read_units=0.5, write_units=8, milliseconds=40)}
    rows = dict(cost_rows(free, guide_bytes=40_000, guide_requests=5))
    guide = float(rows["cost per 1,000 guide views (USD; first view, CloudFront)"])
    assert guide == pytest.approx(
        1000 * (40_000 / 1e9 * PRICES["cloudfront_gb"] + 5 * PRICES["cloudfront_request"]), abs=1e-4
    )
    cheap = float(rows["cost per 1,000 bookings (USD; slots, book, read back)"])
    dear = float(dict(cost_rows(heavy, 40_000, 5))["cost per 1,000 bookings (USD; slots, book, read back)"])
    expected = 1000 * (
        8 * PRICES["dynamodb_write_unit"]
        + 0.5 * PRICES["dynamodb_read_unit"]
        + (0.080 - 0.002) * 0.5 * PRICES["lambda_gb_second"]
    )
    assert dear - cheap == pytest.approx(expected, abs=1e-4)


def test_the_evidence_cost_model_prices_what_was_measured() -> None:
    from devstack.bench.cost import (
        EVIDENCE_PRICES,
        PHOTOS_PER_COMPLAINT,
        STORED_MONTHS,
        EvidenceUse,
        evidence_cost,
        evidence_cost_rows,
    )

    use = EvidenceUse(1_000_000, 900_000, 2_000_000, 2_000_000, 200.0, 100.0, 300.0)
    more_stored = EvidenceUse(1_000_000, 1_900_000, 2_000_000, 2_000_000, 200.0, 100.0, 300.0)
    extra = evidence_cost(more_stored)["storage"] - evidence_cost(use)["storage"]
    assert extra == pytest.approx(PHOTOS_PER_COMPLAINT * 1e6 / 1e9 * EVIDENCE_PRICES["s3_gb_month"] * STORED_MONTHS)
    slower = EvidenceUse(1_000_000, 900_000, 2_000_000, 2_000_000, 400.0, 100.0, 300.0)
    assert evidence_cost(slower)["compute"] > evidence_cost(use)["compute"]
    assert evidence_cost(slower)["storage"] == evidence_cost(use)["storage"]
    rows = dict(evidence_cost_rows(use))
    (total,) = [float(v) for k, v in rows.items() if k.startswith("evidence total")]
    assert total == pytest.approx(1000 * sum(evidence_cost(use).values()), abs=1e-4)


# ---- SMS and e-mail --------------------------------------------------------------------------------


def statements_by_sid(role: str) -> dict[str, dict[str, Any]]:
    return {s["Sid"]: s for s in props(role)["Policies"][0]["PolicyDocument"]["Statement"]}


def test_sms_go_through_end_user_messaging_from_the_stacks_pool_only() -> None:
    """Sender IDs per country and the spend limit are stack parameters; STOP is self-managed (the
    portal's keyed-hash list); replies reach SmsReply through an encrypted topic only the service
    of this account may publish to; no event destination (it would log phone numbers)."""
    parameters = template()["Parameters"]
    assert {"SmsSenderIdTJ", "SmsSenderIdVN", "SmsSenderIdKH", "SmsSenderIdTR"} <= set(parameters)
    assert parameters["SmsMonthlySpendLimit"]["Type"] == "Number"
    assert parameters["SmsCountries"]["Default"] == "TJ,VN,KH,TR"
    pool = props("SmsPool")
    # STOP is the portal's own list of keyed hashes: AWS keeps no list of numbers in clear.
    assert pool["SelfManagedOptOutsEnabled"] is True and "OptOutListName" not in pool
    assert not resources("AWS::SMSVOICE::OptOutList")
    assert "STOP" in pool["MandatoryKeywords"] and "START" in pool["MandatoryKeywords"]["STOP"]["Message"]
    assert not resources("AWS::SMSVOICE::ConfigurationSet")["SmsConfigurationSet"].get("Properties")
    topic_policy = props("SmsInboundTopicPolicy")["PolicyDocument"]["Statement"][0]
    assert topic_policy["Principal"] == {"Service": "sms-voice.amazonaws.com"}
    assert topic_policy["Condition"]["StringEquals"]["aws:SourceAccount"] == {"Ref": "AWS::AccountId"}
    assert props("SmsInboundTopic")["KmsMasterKeyId"] == "alias/aws/sns"
    events = props("SmsReply")["Events"]["SmsReplySnsSubscription"]["Properties"]
    assert events["Topic"] == {"Fn::Sub": "${SmsInboundTopic}"}


def test_each_function_may_send_only_what_it_sends() -> None:
    for role in ("ApiHandlerRole", "SendDueNotificationsRole", "SmsReplyRole"):
        sms = statements_by_sid(role)["SendSms"]
        assert sms["Action"] == "sms-voice:SendTextMessage"
        assert {"Fn::GetAtt": ["SmsConfigurationSet", "Arn"]} in sms["Resource"]
    for role in ("ApiHandlerRole", "SendDueNotificationsRole", "OverdueDigestRole"):
        found = statements_by_sid(role)
        assert found["SendEmail"]["Action"] == "ses:SendEmail"
        assert all(
            "${EmailSender}" in r["Fn::Sub"] or "${EmailConfigurationSet}" in r["Fn::Sub"]
            for r in found["SendEmail"]["Resource"]
        )
        assert found["StaffAddresses"] == {
            "Sid": "StaffAddresses",
            "Effect": "Allow",
            "Action": "cognito-idp:ListUsersInGroup",
            "Resource": {"Fn::GetAtt": ["UserPool", "Arn"]},
        }
    assert "SendEmail" not in statements_by_sid("SmsReplyRole")
    assert "SendSms" not in statements_by_sid("OverdueDigestRole")
    assert not {"SendSms", "SendEmail"} & set(statements_by_sid("ReleaseExpiredOffersRole"))


def test_email_goes_through_ses_v2_from_a_verified_sender_over_tls() -> None:
    assert props("EmailIdentity")["EmailIdentity"] == {"Ref": "EmailSender"}
    assert template()["Resources"]["EmailIdentity"]["Condition"] == "HasEmailSender"
    assert props("EmailConfigurationSet")["DeliveryOptions"]["TlsPolicy"] == "REQUIRE"
    assert not resources("AWS::SES::ConfigurationSetEventDestination")


def test_the_notifying_functions_are_configured_from_the_stack() -> None:
    for function in ("APIHandler", "SendDueNotifications", "OverdueDigest", "SmsReply"):
        variables = props(function)["Environment"]["Variables"]
        assert variables["SMS_ORIGINATION_IDENTITY"] == {"Fn::If": ["HasSms", {"Fn::GetAtt": ["SmsPool", "Arn"]}, ""]}
        assert variables["EMAIL_SENDER"] == {"Ref": "EmailSender"}
        assert variables["STAFF_USER_POOL_ID"] == {"Ref": "UserPool"}
        assert variables["SITE_URL"] == {"Ref": "SiteUrl"}
        assert variables["SMS_COUNTRIES"] == {"Fn::Join": [",", {"Ref": "SmsCountries"}]}


def test_the_cost_model_counts_a_bookings_sms_in_parts_per_country() -> None:
    """A booking's confirmation and reminder, in the language of each country's centres, with the
    longest name: each SMS is at most two parts (Tajik and Khmer are UCS-2), and a country without
    a copied price says so instead of a number."""
    from devstack.bench.cost import SMS_PRICE_PER_PART, sms_parts, sms_rows

    parts = {country: sms_parts(country) for country in ("TJ", "VN", "KH", "TR")}
    assert all(2 <= n <= 4 for n in parts.values()), parts
    rows = dict(sms_rows())
    tajik = next(v for k, v in rows.items() if " TJ " in k)
    assert float(tajik) == pytest.approx(1000 * parts["TJ"] * (SMS_PRICE_PER_PART["TJ"] or 0))
    assert all(v == "price not copied yet" for k, v in rows.items() if SMS_PRICE_PER_PART[k.split(" ")[5]] is None)


def test_sms_sender_ids_the_spend_limit_and_the_email_sender_are_deployed_when_given(tmp_path: Path) -> None:
    result, calls = run_deploy(
        tmp_path,
        exists=True,
        SMS_SENDER_ID_TJ="Passerelle",
        SMS_SENDER_ID_TR="PASSERELLE",
        SMS_MONTHLY_SPEND_LIMIT="150",
        EMAIL_SENDER="alerts@portal.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert deploys(calls) == [
        "SiteUrl=https://d111abc.cloudfront.net SmsSenderIdTJ=Passerelle SmsSenderIdTR=PASSERELLE "
        "SmsMonthlySpendLimit=150 EmailSender=alerts@portal.example.org"
    ]
    (limit,) = [c for c in calls if "set-text-spend-limit-override" in c]
    assert limit.endswith("--monthly-limit 150")
    assert calls.index(limit) > max(i for i, c in enumerate(calls) if c.startswith("aws cloudformation deploy"))


def test_the_cost_models_fixed_month_counts_the_templates_rules_and_alarms() -> None:
    from devstack.bench.cost import ALARMS, WAF_RULES

    (acl,) = resources("AWS::WAFv2::WebACL").values()
    assert len(acl["Properties"]["Rules"]) == WAF_RULES
    assert len(resources("AWS::CloudWatch::Alarm")) == ALARMS
