"""`make package`: `chalice package` merged with infra/template.yaml builds the Lambda bundle with the
compiled catalogue and the pinned runtime, slimmed to its budget (devstack/api_bundle.py). The
package takes a while: it is built once per test session and shared with
tests/integration/test_deploy.py (same xdist group, same worker).

The bundle is then imported and driven in a bare Python, as Lambda runs it: `python -I -S` with the
unpacked zip as the only thing on the path besides the standard library, API Gateway events in, the
handler's answers out, against the session's DynamoDB Local and identity provider. A dependency
missing from the requirements, or a file the slimming dropped and the API needs, fails here."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest
from cfnlint.decode import decode

from devstack.api_bundle import BUDGET_BYTES, package, unzipped_bytes
from devstack.server import ORIGIN_HEADER, build_event
from devstack.stack import LocalStack
from tests.conftest import ROOT

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("chalice-package")]


_built: dict[str, Path] = {}


@pytest.fixture(scope="session")
def package_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What `make package` builds (build/package), built into a temporary folder once per process
    (test_deploy.py imports this fixture, which makes it a second fixture of the same name)."""
    if "package" not in _built:
        _built["package"] = _package(tmp_path_factory.mktemp("package") / "package")
    return _built["package"]


def _package(out: Path) -> Path:
    return package(out)  # chalice package, then the slimming `make package` does


@pytest.fixture(scope="session")
def packaged(package_dir: Path) -> dict[str, Any]:
    """The merged template (YAML, since the merged template is YAML), intrinsics as JSON forms."""
    template, problems = decode(str(package_dir / "sam.yaml"))
    assert not problems, problems
    merged: dict[str, Any] = json.loads(json.dumps(template))
    return merged


def test_chalice_package_succeeds(package_dir: Path, packaged: dict[str, Any]) -> None:
    names = set(zipfile.ZipFile(package_dir / "deployment.zip").namelist())
    assert {"app.py", "chalicelib/data/catalogue.json", "chalicelib/core/http.py"} <= names
    assert any(n.startswith("aws_lambda_powertools/") for n in names)
    functions = [
        r
        for name, r in packaged["Resources"].items()
        if r["Type"] == "AWS::Serverless::Function" and name != "EvidenceCleaner"  # a bundle of its own
    ]
    assert len(functions) == 6 and all(f["Properties"]["Runtime"] == "python3.11" for f in functions)
    # Nothing of the local stack: the outbox, the development sign-in, the server.
    assert not any(n.startswith("devstack/") or "outbox" in n or "dev_idp" in n for n in names)
    assert all(f["Properties"]["Architectures"] == ["x86_64"] for f in functions)


@pytest.mark.parametrize(
    "role",
    [
        "ApiHandlerRole",
        "ReleaseExpiredOffersRole",
        "SweepAttachmentsRole",
        "SendDueNotificationsRole",
        "OverdueDigestRole",
        "SmsReplyRole",
    ],
)
def test_the_packaged_roles_keep_audit_lines_append_only(packaged: dict[str, Any], role: str) -> None:
    """What CloudFormation receives, after Chalice's merge: each function's role, evaluated as IAM
    does, denies changing or removing an audit line (AUDIT#...) and still appends and reads them."""
    from tests import iam

    table_arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/passerelle-prod-AppTable-1Q2W3E4R5T6Y"
    (policy,) = packaged["Resources"][role]["Properties"]["Policies"]
    statements = policy["PolicyDocument"]["Statement"]
    iam.assert_audit_lines_append_only(statements, table_arn, {"AppTable.Arn": table_arn})
    (deny,) = [s for s in statements if s["Effect"] == "Deny"]
    assert deny["Condition"] == {"ForAnyValue:StringLike": {"dynamodb:LeadingKeys": ["AUDIT#*"]}}
    assert {"dynamodb:UpdateItem", "dynamodb:DeleteItem"} <= set(deny["Action"])


def test_the_bundle_keeps_its_budget(package_dir: Path) -> None:
    archive = package_dir / "deployment.zip"
    assert unzipped_bytes(archive) <= BUDGET_BYTES
    names = set(zipfile.ZipFile(archive).namelist())
    assert "phonenumbers/__init__.py" in names and "tzdata/zoneinfo/Asia/Dushanbe" in names
    assert not any(n.startswith("phonenumbers/geodata/") or "/tests/" in n for n in names)
    assert "botocore/data/dynamodb/2012-08-10/service-2.json.gz" in names
    assert not any(n.startswith("botocore/data/ec2/") for n in names)


class Bundle:
    """The unpacked bundle, running in a bare Python: `call` sends it an API Gateway event."""

    def __init__(self, process: subprocess.Popen[str], origin_secret: str) -> None:
        self.process, self.origin_secret = process, origin_secret
        self.loaded: dict[str, Any] = self._next()
        self.domains: list[str] = []  # the routes modules loaded so far (chalicelib/core/domains.py)

    def _next(self) -> Any:
        stdout: IO[str] | None = self.process.stdout
        assert stdout is not None
        for line in stdout:
            if line.startswith("@bundle "):
                return json.loads(line.removeprefix("@bundle "))
        raise AssertionError(f"the bundle stopped: {self.process.stderr.read() if self.process.stderr else ''}")

    def call(
        self, method: str, resource: str, params: dict[str, str] | None = None, body: Any = None, **headers: str
    ) -> tuple[int, dict[str, str], Any]:
        path = resource
        for name, value in (params or {}).items():
            path = path.replace(f"{{{name}}}", value).replace(f"{{{name}+}}", value)
        sent = [(ORIGIN_HEADER, self.origin_secret), ("content-type", "application/json")]
        sent += [(name.replace("_", "-"), value) for name, value in headers.items()]
        data = json.dumps(body).encode() if body is not None else b""
        event = build_event(method, path, {}, sent, data, resource, params or {}, str(uuid.uuid4()))
        stdin = self.process.stdin
        assert stdin is not None
        stdin.write(json.dumps(event) + "\n")
        stdin.flush()
        reply = self._next()
        answer, self.domains = reply["answer"], reply["domains"]
        text = answer.get("body") or ""
        is_json = answer["headers"].get("Content-Type", "").startswith("application/json")
        return int(answer["statusCode"]), answer["headers"], json.loads(text) if is_json else text


@pytest.fixture
def bundle(package_dir: Path, stack: LocalStack, tmp_path: Path) -> Iterator[Bundle]:
    unpacked = tmp_path / "bundle"
    zipfile.ZipFile(package_dir / "deployment.zip").extractall(unpacked)
    env = stack.api_env() | {"AWS_LAMBDA_FUNCTION_NAME": "passerelle-bundle"}  # as Lambda sets it
    origin_secret = Path(env["PASSERELLE_ORIGIN_SECRET_FILE"]).read_text().strip()
    process = subprocess.Popen(
        [sys.executable, "-I", "-S", str(ROOT / "tests" / "bundle_driver.py"), str(unpacked)],
        env=env,  # Lambda's environment and nothing of this one
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield Bundle(process, origin_secret)
    finally:
        if process.stdin:
            process.stdin.close()
        process.wait(timeout=30)


def test_the_packaged_bundle_runs_in_a_bare_python(bundle: Bundle, stack: LocalStack) -> None:
    from chalicelib.core import proof

    assert bundle.loaded["loaded_outside"] == []  # nothing from any site-packages
    assert "/bundle/app.py" in bundle.loaded["handler"]
    # Lambda's init loads the core and the SDK, no domain: each loads with its first request.
    assert {m.split(".")[1] for m in bundle.loaded["modules"]} == {"core"}, bundle.loaded["modules"]

    status, _, health = bundle.call("GET", "/api/health")
    assert status == 200, health
    assert bundle.domains == ["chalicelib.health.routes"]
    status, _, centre = bundle.call("GET", "/api/centres/{centre_id}", {"centre_id": "kh-phnom-penh"})
    assert status == 200 and centre["id"] == "kh-phnom-penh"
    assert "chalicelib.bookings.routes" in bundle.domains and "chalicelib.impact.routes" not in bundle.domains

    where = {"centre_id": "tj-dushanbe", "service_id": "legal_advice"}
    status, _, listed = bundle.call("GET", "/api/centres/{centre_id}/services/{service_id}/slots", where)
    assert status == 200 and listed["slots"], listed
    _, _, challenge = bundle.call("GET", "/api/challenge")
    solved = f"{challenge['challenge']}:{proof.solve(challenge['challenge'], challenge['difficulty'])}"
    booking = {**where, "start": listed["slots"][0]["start"], "mode": "phone", "language": "ru"}
    booking["contact"] = {"phone": "+992 93 123 4567"}  # phonenumbers, from the bundle
    status, _, created = bundle.call("POST", "/api/bookings", body=booking, x_proof=solved)
    assert status == 201, created
    status, headers, ics = bundle.call(
        "GET",
        "/api/bookings/{reference}/calendar.ics",
        {"reference": created["reference"]},
        x_manage_code=created["manage_code"],
    )
    assert status == 200 and headers["Content-Type"].startswith("text/calendar")  # icalendar and tzdata
    assert "BEGIN:VTIMEZONE" in ics and "TZID:Asia/Dushanbe" in ics

    status, _, refused = bundle.call("GET", "/api/staff/me")
    assert status == 401, refused
    assert "chalicelib.impact.routes" not in bundle.domains  # /api/staff/me needs only sign-in
    token = stack.staff_headers("manager.dushanbe")["Authorization"]
    status, _, me = bundle.call("GET", "/api/staff/me", authorization=token)  # PyJWT, cryptography, the JWKS
    assert status == 200 and "tj-dushanbe" in json.dumps(me), me


def test_api_gateway_carries_evidence_files_as_bytes(packaged: dict[str, Any]) -> None:
    """The staff console's file and page routes answer bytes: API Gateway must know their types
    as binary (x-amazon-apigateway-binary-media-types, from the app's binary_types), or it would
    hand the browser base64 text."""
    definition = packaged["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
    binary = set(definition["x-amazon-apigateway-binary-media-types"])
    assert {"image/jpeg", "image/png", "image/webp", "application/pdf"} <= binary
    assert "application/json" not in binary and "*/*" not in binary  # JSON stays text, both ways


def test_in_lambda_every_route_loads_its_own_domain(bundle: Bundle) -> None:
    """One request to each route of the whole table, into the bundle as Lambda runs it (domains
    loading on demand): none answers 405 or 500, which a route whose domain did not load would.
    The catch-all answers 404 and loads nothing; the contract loads every domain."""
    from app import app  # here, out of Lambda: the whole table

    status, _, body = bundle.call("GET", "/api/{proxy+}", {"proxy": "nothing/here"})
    assert status == 404 and body["error"]["code"] == "route_not_found" and bundle.domains == []
    for path, methods in sorted(app.routes.items()):
        if "+}" in path or path == "/api/openapi.json":
            continue
        for method in methods:
            params = {name: "x" for name in re.findall(r"{(\w+)}", path)}
            status, _, body = bundle.call(method, path, params)
            assert status not in (405, 500), (method, path, body)
    assert set(bundle.domains) == set(app.blueprints) - {"chalicelib.core.docs_routes"}
    status, _, _ = bundle.call("GET", "/api/openapi.json")
    assert status == 200 and set(bundle.domains) == set(app.blueprints)
