"""Unit tests: no network at all (sockets are blocked), moto where AWS is needed."""

from __future__ import annotations

import io
import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import moto  # imported before any boto3 client is built, so every client is mocked
import pytest
from chalice.test import Client

from chalicelib.core.aws import dynamodb_client, reset_clients
from devstack.table import ensure_table
from tests.conftest import ROOT

TABLE = "passerelle-unit"


class NetworkBlocked(RuntimeError):
    pass


# Servers a test runs itself on loopback (the staff key endpoint, tests/staff_tokens.py): the only
# addresses a unit test may connect to.
LOCAL_SERVERS: set[tuple[str, int]] = set()


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def guard(self: socket.socket, address: Any) -> None:
        if self.family == socket.AF_UNIX or (isinstance(address, tuple) and tuple(address[:2]) in LOCAL_SERVERS):
            return real_connect(self, address)
        raise NetworkBlocked(f"unit tests must not open network connections (tried {address!r})")

    real_connect = socket.socket.connect
    monkeypatch.setattr(socket.socket, "connect", guard)
    monkeypatch.setattr(socket.socket, "connect_ex", guard)


def reset_all() -> None:
    from chalicelib.core import idempotency

    reset_clients()
    idempotency.reset()


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """A moto DynamoDB with the table built from infra/template.yaml, and a fresh server key."""
    monkeypatch.setenv("TABLE_NAME", TABLE)
    monkeypatch.setenv("PASSERELLE_SECRET_FILE", str(tmp_path / "secret.key"))
    monkeypatch.delenv("DYNAMODB_ENDPOINT_URL", raising=False)
    with moto.mock_aws():
        reset_all()
        ensure_table(dynamodb_client(), TABLE)
        yield
    reset_all()


@pytest.fixture
def client(aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Client]:
    from app import app

    with Client(app, stage_name="dev", project_dir=str(ROOT / "backend")) as test_client:
        # The stage config names the dev table; unit tests use their own.
        monkeypatch.setenv("TABLE_NAME", TABLE)
        yield test_client


def body(response: Any) -> Any:
    return json.loads(response.body)


@pytest.fixture(autouse=True)
def _easy_proof(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROOF_DIFFICULTY", "6")  # unit tests need not burn CPU (a test may ask for more)


def solved(api: Client, headers: dict[str, str] | None = None) -> str:
    """An X-Proof value: a challenge from the API, solved at the difficulty it asks."""
    from chalicelib.core import proof

    challenge = body(api.http.get("/api/challenge", headers=headers or {}))
    return f"{challenge['challenge']}:{proof.solve(challenge['challenge'], challenge['difficulty'])}"


def with_proof(api: Client, headers: dict[str, str] | None = None) -> dict[str, str]:
    """JSON headers with a solved X-Proof (and `headers`), as a page sends a booking or a complaint."""
    return {"Content-Type": "application/json", **(headers or {}), "X-Proof": solved(api, headers)}


def book(api: Client, start: str, headers: dict[str, str] | None = None, **fields: Any) -> Any:
    """POST /api/bookings with a solved proof: an on-site legal consultation at the Dushanbe centre,
    in Tajik, at `start`, with `fields` added or replaced. The raw response."""
    payload = {"centre_id": "tj-dushanbe", "service_id": "legal_advice", "start": start, "mode": "on_site"}
    payload |= {"language": "tg", **fields}
    return api.http.post("/api/bookings", body=json.dumps(payload), headers=with_proof(api, headers))


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """What the API logs during the test, one JSON line per record."""
    from chalicelib.core.observability import logger

    handler = logger.registered_handler
    buffer = io.StringIO()
    previous = handler.setStream(buffer)  # type: ignore[attr-defined]
    yield buffer
    handler.setStream(previous)  # type: ignore[attr-defined]


@pytest.fixture
def jwks_server() -> Iterator[Any]:
    """The staff identity provider's key endpoint, served on loopback for this test."""
    from tests.staff_tokens import JwksServer

    with JwksServer() as server:
        LOCAL_SERVERS.add(server.address)
        try:
            yield server
        finally:
            LOCAL_SERVERS.discard(server.address)
