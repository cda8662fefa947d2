"""Only CloudFront (locally, the portal's server) may call the API: it adds the origin secret, and
a request without it is refused before any route runs (chalicelib/core/edge.py)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from chalice.test import Client

from chalicelib.core.aws import reset_clients
from chalicelib.core.edge import ORIGIN_HEADER, from_the_edge
from chalicelib.core.secrets import origin_secret


@pytest.fixture
def origin(client: Client, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    path = tmp_path / "origin-secret"
    monkeypatch.setenv("PASSERELLE_ORIGIN_SECRET_FILE", str(path))
    reset_clients()
    secret = origin_secret()
    assert secret is not None and len(secret) >= 40 and path.read_text().strip() == secret
    return secret


def test_without_a_configured_secret_every_request_passes(aws: None) -> None:
    assert origin_secret() is None
    assert from_the_edge({}) and from_the_edge(None) and from_the_edge({ORIGIN_HEADER: "anything"})


@pytest.mark.parametrize("given", [None, "", "guess-7f3a9e", "x" * 48], ids=["none", "empty", "guess", "long"])
def test_a_request_that_went_around_the_edge_is_refused_with_403(
    client: Client, origin: str, given: str | None, log_lines: io.StringIO
) -> None:
    headers = {} if given is None else {ORIGIN_HEADER: given}
    for method, path in (
        ("get", "/api/health"),
        ("get", "/api/centres"),
        ("post", "/api/bookings"),
        ("get", "/api/staff/complaints"),
        ("get", "/api/nothing"),
    ):
        response = getattr(client.http, method)(
            path, headers={"Content-Type": "application/json", **headers}, body=b"{}" if method == "post" else None
        )
        assert response.status_code == 403 and b"forbidden" in response.body, (path, response.body)
        error = json.loads(response.body)["error"]
        assert error["code"] == "origin_forbidden" and "address" in error["message"]
    # Still one access line per request, and the secret (or the guess) never in a log.
    records = [json.loads(line) for line in log_lines.getvalue().splitlines()]
    assert [r["status"] for r in records if r.get("message") == "request"] == [403] * 5
    assert origin not in log_lines.getvalue() and (not given or given not in log_lines.getvalue())


def test_the_right_header_passes_and_a_near_miss_does_not(client: Client, origin: str) -> None:
    assert client.http.get("/api/centres", headers={ORIGIN_HEADER: origin}).status_code == 200
    assert client.http.get("/api/centres", headers={ORIGIN_HEADER.upper(): origin}).status_code == 200
    for near in (origin[:-1], origin + "x", origin.swapcase()):
        assert client.http.get("/api/centres", headers={ORIGIN_HEADER: near}).status_code == 403
