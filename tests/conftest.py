"""Shared test set-up: import paths and a clean AWS environment (never a real account)."""

from __future__ import annotations

import http.client
import json
import os
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

import pytest

if TYPE_CHECKING:
    from devstack.stack import LocalStack

ROOT = Path(__file__).resolve().parent.parent

# Tests never reach AWS: fake credentials, a fixed region, no profile from the developer's machine.
for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
    os.environ.pop(name, None)
os.environ.update(
    {
        # Any client a test forgets to point somewhere fails fast here, never reaching AWS.
        "DYNAMODB_ENDPOINT_URL": "http://127.0.0.1:9",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_REGION": "eu-west-1",
    }
)


def load_hook(name: str) -> Any:
    """A module of site/hooks/, loaded exactly as MkDocs loads a hook: its folder is on the path only
    while the module runs (hooks import each other by name), then the path is as it was."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, ROOT / "site" / "hooks" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    saved = sys.path.copy()
    sys.path.insert(0, str(ROOT / "site" / "hooks"))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path[:] = saved
    return module


# What the session's stack changes from the defaults: limits that would make tests wait for each
# other, and a cheaper proof of work (Python solves it ~20 times slower than a browser; what it
# costs is not what these tests are about).
LIFTED_LIMITS = {
    "LOOKUP_FAILURES_PER_SOURCE": "100000",
    "COMPLAINTS_PER_SOURCE": "100000",
    "FEEDBACK_PER_SOURCE": "100000",
    "BOOKING_MAX_PLACES_PER_SOURCE": "50",
    "PROOF_DIFFICULTY": "10",
}


@dataclass
class Answer:
    status: int
    headers: dict[str, str]  # names in lower case
    body: Any  # parsed JSON, else the raw bytes

    def __iter__(self) -> Iterator[Any]:
        """`status, headers, body = answer`."""
        return iter((self.status, self.headers, self.body))


class Viewer:
    """The one HTTP helper: requests to a running portal from one source address. Every
    127.x.y.z address is loopback, and the portal's server passes the TCP peer's address on to the
    API as CloudFront passes the viewer's, so `Viewer(stack.url, "127.0.0.7")` is another person
    (another phone, another network) than `Viewer(stack.url)`. With `source=None` the system
    chooses the address, as for a machine on the network. Redirects are not followed: a test
    reads the Location itself."""

    def __init__(self, url: str, source: str | None = "127.0.0.1", timeout: float = 60.0) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.source = source
        self.timeout = timeout

    def call(
        self,
        method: str,
        path: str,
        payload: Any = None,
        headers: Mapping[str, str] | None = None,
        raw: bytes | None = None,
    ) -> Answer:
        """One request on its own connection; `payload` is sent as JSON, `raw` as it is."""
        data = raw if raw is not None else (json.dumps(payload).encode() if payload is not None else None)
        sent = {"Content-Type": "application/json", **(headers or {})}
        connection = http.client.HTTPConnection(
            self.host, self.port, timeout=self.timeout, source_address=(self.source, 0) if self.source else None
        )
        try:
            connection.request(method, path, body=data, headers=sent)
            response = connection.getresponse()
            content = response.read()
            answer_headers = {k.lower(): v for k, v in response.getheaders()}
        finally:
            connection.close()
        try:
            parsed: Any = json.loads(content)
        except ValueError:
            parsed = content
        return Answer(response.status, answer_headers, parsed)

    def form(self, path: str, fields: Mapping[str, str]) -> Answer:
        """POST an HTML form, as a browser sends it."""
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return self.call("POST", path, headers=headers, raw=urlencode(fields).encode())

    def proof(self) -> str:
        """An X-Proof value: a challenge this viewer asked for, solved as a browser does."""
        from chalicelib.core import proof

        challenge = self.call("GET", "/api/challenge").body
        return f"{challenge['challenge']}:{proof.solve(challenge['challenge'], challenge['difficulty'])}"

    def submit(
        self, path: str, payload: Any, headers: Mapping[str, str] | None = None, proof: str | None = None
    ) -> Answer:
        """POST an anonymous submission (a booking, a complaint, feedback) with its proof of work."""
        return self.call("POST", path, payload, {**(headers or {}), "X-Proof": proof or self.proof()})


def table_items(stack: LocalStack) -> list[dict[str, Any]]:
    """Every item of a running stack's table, as DynamoDB returns them (a scan: tests only)."""
    from devstack.dynamodb_local import local_client

    client = local_client(stack.dynamodb.endpoint)
    items: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"TableName": stack.config.table_name}
    while True:
        page = client.scan(**kwargs)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    """One DynamoDB Local and one portal server per test session (per xdist worker), on free
    ports, with data in a temporary folder; all stopped at the end. Staff tokens without the
    browser: `stack.staff_token("manager.dushanbe", **overrides)` or `stack.staff_headers(...)`
    (devstack/staff_accounts.yaml; overrides as `devstack.dev_idp.mint_id_token` takes them)."""
    from devstack.dynamodb_local import free_port
    from devstack.stack import LocalStack, StackConfig

    config = StackConfig(
        data_dir=tmp_path_factory.mktemp("stack"),
        port=0,
        dynamodb_port=free_port(),
        table_name="passerelle-test",
        workers=4,
        # most test requests come from one address: the fuzzer's wrong receipts and the
        # races' bookings must not make a later test wait (the limits are tested with
        # their defaults in tests/integration/test_abuse.py, and in tests/unit)
        env=LIFTED_LIMITS,
    )
    with LocalStack(config) as running:
        yield running


@pytest.fixture
def in_process(stack: LocalStack, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalStack]:
    """Backend code called in this process, against the session's DynamoDB Local."""
    from chalicelib.core.aws import reset_clients

    for name, value in stack.api_env().items():
        monkeypatch.setenv(name, value)
    reset_clients()
    yield stack
    reset_clients()
