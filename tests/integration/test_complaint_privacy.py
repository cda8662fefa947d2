"""Complaints against DynamoDB Local: nothing identifying is stored or logged, and concurrent
retries with one Idempotency-Key make one complaint."""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from devstack.dynamodb_local import local_client
from devstack.stack import LocalStack
from tests.conftest import Viewer, table_items

pytestmark = pytest.mark.integration
CANARY = "canary-5e1f"
COMPLAINT = {
    "category": "passport_confiscated",
    "country": "TH",
    "language": "my",
    "description": "The employer keeps our passports in the office safe.",
}


@pytest.fixture
def logs() -> Iterator[io.StringIO]:
    from chalicelib.core.observability import logger

    buffer = io.StringIO()
    previous = logger.registered_handler.setStream(buffer)  # type: ignore[attr-defined]
    yield buffer
    logger.registered_handler.setStream(previous)  # type: ignore[attr-defined]


def api_gateway_event(method: str, path: str, body: Any, headers: dict[str, str]) -> dict[str, Any]:
    """The event API Gateway would send, client address and all."""
    return {
        "resource": path,
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "body": json.dumps(body) if body is not None else None,
        "isBase64Encoded": False,
        "requestContext": {
            "resourcePath": path,
            "httpMethod": method,
            "path": f"/api{path}",
            "stage": "api",
            "requestId": str(uuid.uuid4()),
            "identity": {
                "sourceIp": "198.51.100.77",
                "userAgent": f"{CANARY}-identity-ua",
                "caller": f"{CANARY}-caller",
            },
        },
    }


class Context:
    function_name = "passerelle-api"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:eu-west-1:000000000000:function:passerelle-api"
    aws_request_id = "canary-test"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


def test_no_canary_reaches_the_database_or_the_logs(
    in_process: LocalStack, logs: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app import app
    from chalicelib.core import proof

    monkeypatch.setenv("PROOF_DIFFICULTY", "10")
    headers = {
        "Content-Type": "application/json",
        "X-Forwarded-For": f"203.0.113.5, {CANARY}-xff",
        "User-Agent": f"{CANARY}-user-agent",
        "Cookie": f"session={CANARY}-cookie",
        "X-Real-IP": f"{CANARY}-real-ip",
        "Idempotency-Key": f"{CANARY}-idem-key",
    }
    # What CloudFront adds on its way to the function (chalicelib/core/edge.py).
    origin = Path(in_process.api_env()["PASSERELLE_ORIGIN_SECRET_FILE"]).read_text().strip()
    headers["x-passerelle-origin"] = origin
    challenge = json.loads(app(api_gateway_event("GET", "/api/challenge", None, headers), Context())["body"])
    headers["X-Proof"] = f"{challenge['challenge']}:{proof.solve(challenge['challenge'], 10)}"
    response = app(api_gateway_event("POST", "/api/complaints", COMPLAINT, headers), Context())
    assert response["statusCode"] == 201, response["body"]
    receipt = json.loads(response["body"])["receipt"]
    looked = app(api_gateway_event("POST", "/api/complaints/lookup", {"receipt": receipt}, headers), Context())
    assert looked["statusCode"] == 200
    wrong = app(api_gateway_event("POST", "/api/complaints/lookup", {"receipt": "1" * 21}, headers), Context())
    assert wrong["statusCode"] in (400, 404)

    stored = json.dumps(table_items(in_process))
    assert "passports in the office safe" in stored  # the complaint is there...
    for secret in (CANARY, "198.51.100.77", "203.0.113.5", receipt.replace(" ", "")):
        assert secret not in stored, secret  # ...and nothing that identifies or opens it
    logged = logs.getvalue()
    assert logged, "the requests were logged"
    for secret in (CANARY, "198.51.100.77", "203.0.113.5", receipt.replace(" ", ""), receipt, "passports", origin):
        assert secret not in logged, secret


def test_concurrent_retries_with_one_key_make_one_complaint(stack: LocalStack) -> None:
    viewer = Viewer(stack.url)

    def attempt(_: int) -> tuple[int, Any]:
        answer = viewer.submit(
            "/api/complaints",
            {**COMPLAINT, "description": "Flaky network retry test, one complaint."},
            {"Idempotency-Key": "one-complaint-many-retries"},
        )
        return answer.status, answer.body

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(attempt, range(6)))
    assert {s for s, _ in results} <= {201, 409}, results
    status, final = attempt(99)
    assert status == 201
    assert all(r["receipt"] == final["receipt"] for s, r in results if s == 201)
    client = local_client(stack.dynamodb.endpoint)
    metas = client.scan(
        TableName=stack.config.table_name,
        FilterExpression="SK = :m AND contains(description, :d)",
        ExpressionAttributeValues={":m": {"S": "META"}, ":d": {"S": "Flaky network retry"}},
    )["Items"]
    assert len(metas) == 1
