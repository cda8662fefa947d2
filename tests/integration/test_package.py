"""`chalice package` builds the Lambda bundle with the compiled catalogue and the pinned runtime."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.integration


def test_chalice_package_succeeds(tmp_path: Path) -> None:
    chalice = Path(sys.executable).parent / "chalice"
    env = {**os.environ, "AWS_DEFAULT_REGION": "eu-west-1"}
    result = subprocess.run([str(chalice), "package", "--stage", "prod", str(tmp_path)],
                            cwd=ROOT / "backend", env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    names = set(zipfile.ZipFile(tmp_path / "deployment.zip").namelist())
    assert {"app.py", "chalicelib/data/catalogue.json", "chalicelib/core/http.py"} <= names
    assert any(n.startswith("aws_lambda_powertools/") for n in names)
    template = json.loads((tmp_path / "sam.json").read_text())
    functions = [r for r in template["Resources"].values() if r["Type"] == "AWS::Serverless::Function"]
    assert functions and all(f["Properties"]["Runtime"] == "python3.11" for f in functions)
