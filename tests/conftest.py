"""Shared test set-up: import paths and a clean AWS environment (never a real account)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from devstack.stack import LocalStack

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "backend"))

# Tests never reach AWS: fake credentials, a fixed region, no profile from the developer's machine.
for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
    os.environ.pop(name, None)
os.environ.update({
    # Any client a test forgets to point somewhere fails fast here, never reaching AWS.
    "DYNAMODB_ENDPOINT_URL": "http://127.0.0.1:9",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "eu-west-1",
    "AWS_REGION": "eu-west-1",
})


def load_hook(name: str) -> Any:
    """A module of site/hooks/ (they import each other by name, as MkDocs loads them)."""
    import importlib.util

    sys.path.insert(0, str(ROOT / "site" / "hooks"))
    spec = importlib.util.spec_from_file_location(name, ROOT / "site" / "hooks" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    """One DynamoDB Local and one portal server per test session (per xdist worker), on free
    ports, with data in a temporary folder; all stopped at the end. Staff tokens without the
    browser: `stack.staff_token("manager.dushanbe", **overrides)` or `stack.staff_headers(...)`
    (devstack/staff_accounts.yaml; overrides as `devstack.dev_idp.mint_id_token` takes them)."""
    from devstack.dynamodb_local import free_port
    from devstack.stack import LocalStack, StackConfig

    config = StackConfig(data_dir=tmp_path_factory.mktemp("stack"), port=0, dynamodb_port=free_port(),
                         table_name="passerelle-test", workers=4,
                         # every test request comes from one address: the fuzzer's wrong receipts must not
                         # make a later test wait (the limits themselves are tested in tests/unit)
                         env={"LOOKUP_FAILURES_PER_SOURCE": "100000", "LOOKUP_FAILURES_OVERALL": "1000000"})
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
