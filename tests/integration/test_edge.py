"""The portal's server plays CloudFront's part: it adds the origin secret to every API request and
replaces any the viewer sent; the app refuses whoever reaches it without (chalicelib/core/edge.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from chalice.test import Client

from chalicelib.core.aws import reset_clients
from chalicelib.core.edge import ORIGIN_HEADER
from chalicelib.core.settings import get_settings
from devstack import server
from devstack.stack import LocalStack
from tests.conftest import ROOT, Viewer

pytestmark = pytest.mark.integration


def test_a_viewer_cannot_forge_or_remove_the_origin_header(stack: LocalStack) -> None:
    assert server.ORIGIN_HEADER == ORIGIN_HEADER and ORIGIN_HEADER in server.EDGE_HEADERS
    for forged in ({}, {ORIGIN_HEADER: "forged"}, {ORIGIN_HEADER: ""}, {"X-Passerelle-Origin": "x" * 64}):
        answer = Viewer(stack.url).call("GET", "/api/health", headers=forged)
        assert answer.status == 200 and answer.body["database"] == "up", (forged, answer.body)


def test_the_app_refuses_a_caller_who_goes_around_the_portal(in_process: LocalStack) -> None:
    from app import app

    secret = Path(in_process.api_env()["PASSERELLE_ORIGIN_SECRET_FILE"]).read_text().strip()
    with Client(app, stage_name="dev", project_dir=str(ROOT / "backend")) as api:
        reset_clients()
        assert get_settings().table_name == in_process.config.table_name  # read once, as in Lambda
        around = api.http.get("/api/health", headers={ORIGIN_HEADER: "forged"})
        assert around.status_code == 403 and json.loads(around.body)["error"]["code"] == "origin_forbidden"
        assert api.http.get("/api/health").status_code == 403
        through = api.http.get("/api/health", headers={ORIGIN_HEADER: secret})
        assert through.status_code == 200 and json.loads(through.body)["database"] == "up"
