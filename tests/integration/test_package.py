"""`make package`: `chalice package` merged with infra/template.yaml builds the Lambda bundle with the
compiled catalogue and the pinned runtime. The package takes a while: it is built once per test
session and shared with tests/integration/test_deploy.py (same xdist group, same worker)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from cfnlint.decode import decode

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
    chalice = Path(sys.executable).parent / "chalice"
    env = {**os.environ, "AWS_DEFAULT_REGION": "eu-west-1"}
    result = subprocess.run(
        [
            str(chalice),
            "package",
            "--stage",
            "prod",
            "--merge-template",
            str(ROOT / "infra" / "template.yaml"),
            str(out),
        ],
        cwd=ROOT / "backend",
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return out


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
    functions = [r for r in packaged["Resources"].values() if r["Type"] == "AWS::Serverless::Function"]
    assert len(functions) == 5 and all(f["Properties"]["Runtime"] == "python3.11" for f in functions)
    # Nothing of the local stack: the outbox, the development sign-in, the server.
    assert not any(n.startswith("devstack/") or "outbox" in n or "dev_idp" in n for n in names)
    assert all(f["Properties"]["Architectures"] == ["x86_64"] for f in functions)


@pytest.mark.parametrize(
    "role",
    ["ApiHandlerRole", "ReleaseExpiredOffersRole", "SendDueNotificationsRole", "OverdueDigestRole", "SmsReplyRole"],
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
