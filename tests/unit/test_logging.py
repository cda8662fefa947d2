"""Logs carry a correlation id, and never a request body, client IP, user agent, cookie or path value."""

from __future__ import annotations

import io
import json

from chalice.test import Client

CANARY = "canary-7f3a9e"


def test_request_log_has_route_status_and_correlation_id(client: Client, log_lines: io.StringIO) -> None:
    client.http.get("/api/centres?lang=fr")
    records = [json.loads(line) for line in log_lines.getvalue().splitlines()]
    request = next(r for r in records if r.get("message") == "request")
    assert request["route"] == "/api/centres"
    assert request["status"] == 200
    assert request["correlation_id"]


def test_no_identifying_data_reaches_the_logs(client: Client, log_lines: io.StringIO) -> None:
    headers = {
        "X-Forwarded-For": f"203.0.113.9, {CANARY}-xff",
        "User-Agent": f"{CANARY}-ua",
        "Cookie": f"session={CANARY}-cookie",
        "Content-Type": "application/json",
    }
    client.http.get(f"/api/centres/{CANARY}-path?lang=en", headers=headers)
    client.http.get(f"/api/{CANARY}-unknown", headers=headers)
    client.http.post("/api/centres", headers=headers, body=json.dumps({"secret": f"{CANARY}-body"}))
    output = log_lines.getvalue()
    assert output, "the requests were logged"
    assert CANARY not in output
    assert "203.0.113.9" not in output
