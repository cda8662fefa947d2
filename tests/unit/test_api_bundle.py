"""The API bundle's slimming (devstack/api_bundle.py) keeps every AWS service model the code uses,
and drops only what nothing imports. (The packaged bundle itself is driven in a bare Python in
tests/integration/test_package.py.)"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from devstack.api_bundle import SERVICES, dropped, slim
from tests.conftest import ROOT

CLIENT = re.compile(r"""(?:client|resource)\(\s*["']([a-z0-9-]+)["']""")


def test_every_aws_client_the_api_builds_keeps_its_model() -> None:
    used = set()
    for path in (ROOT / "backend").rglob("*.py"):
        if "evidence" not in path.parts:  # the cleaner is a function of its own, with its own bundle
            used |= set(CLIENT.findall(path.read_text(encoding="utf-8")))
    assert used, "no client found: the pattern is stale"
    assert used <= SERVICES, f"add {sorted(used - SERVICES)} to devstack/api_bundle.py SERVICES"


def test_what_goes_and_what_stays() -> None:
    assert dropped("botocore/data/ec2/2016-11-15/service-2.json.gz")
    assert not dropped("botocore/data/dynamodb/2012-08-10/service-2.json.gz")
    assert not dropped("botocore/data/endpoints.json") and not dropped("botocore/data/partitions.json")
    assert dropped("icalendar/tests/calendars/big.ics")
    assert not dropped("icalendar/cal/event.py")
    assert not dropped("chalicelib/core/http.py") and not dropped("app.py")


def test_slimming_rewrites_the_zip_keeping_entries_and_modes(tmp_path: Path) -> None:
    archive = tmp_path / "deployment.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name in ("app.py", "botocore/data/ec2/x.json", "botocore/data/dynamodb/y.json", "lib/tests/t.py"):
            info = zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0))
            info.external_attr = 0o755 << 16
            bundle.writestr(info, b"x" * 100)
    report = slim(archive)
    with zipfile.ZipFile(archive) as bundle:
        assert bundle.namelist() == ["app.py", "botocore/data/dynamodb/y.json"]
        assert all(i.external_attr == 0o755 << 16 and i.date_time == (2026, 1, 1, 0, 0, 0) for i in bundle.infolist())
    assert report["unzipped_before"] == 400 and report["unzipped_bytes"] == 200 and report["dropped_files"] == 2
