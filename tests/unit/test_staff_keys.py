"""The staff identity provider's keys through PyJWT's PyJWKClient (auth/tokens.py), fetched over
HTTP from a key endpoint this test serves on loopback: the set is kept and not fetched per request,
a rotated key is found after one more fetch, an unknown key id cannot make the API hammer the
endpoint, and a redirect, a file:// address or an endpoint that is down never let a token in."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from chalice.test import Client

from chalicelib.auth import tokens
from chalicelib.core.settings import get_settings
from tests import staff_tokens
from tests.staff_tokens import JwksServer, bearer, jwks
from tests.unit.conftest import body


@pytest.fixture
def api(client: Client, monkeypatch: pytest.MonkeyPatch, jwks_server: JwksServer) -> Iterator[Client]:
    monkeypatch.setenv("STAFF_JWT_ISSUER", staff_tokens.ISSUER)
    monkeypatch.setenv("STAFF_JWT_AUDIENCE", staff_tokens.AUDIENCE)
    monkeypatch.setenv("STAFF_JWKS_URL", jwks_server.url)
    monkeypatch.setenv("STAFF_AUTH_URL", "https://auth.test")
    get_settings.cache_clear()
    tokens.signing_keys.clear()
    yield client
    tokens.signing_keys.clear()
    get_settings.cache_clear()


def me(api: Client, headers: dict[str, str]) -> Any:
    return api.http.get("/api/staff/me", headers=headers)


def test_the_key_set_is_fetched_once_not_per_request(api: Client, jwks_server: JwksServer) -> None:
    for _ in range(4):
        assert me(api, bearer("manager.dushanbe")).status_code == 200
    assert jwks_server.fetches == 1


def test_a_rotated_key_is_fetched_once_the_cooldown_allows(
    api: Client, jwks_server: JwksServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert me(api, bearer("manager.dushanbe")).status_code == 200
    jwks_server.document = jwks(("good", staff_tokens.KID), ("next", "test-key-2"))
    rotated = bearer("manager.dushanbe", key=staff_tokens.signing_key("next"), kid="test-key-2")
    # within the cooldown the set is not fetched again, whatever key ids tokens name
    for _ in range(3):
        assert me(api, rotated).status_code == 401
    assert jwks_server.fetches <= 2
    monkeypatch.setattr(tokens, "JWKS_RETRY_SECONDS", 0)
    tokens.signing_keys.clear()
    assert me(api, rotated).status_code == 200


def test_a_token_signed_by_an_unknown_key_is_401(api: Client) -> None:
    forged = bearer("admin", key=staff_tokens.signing_key("attacker"))  # the right kid, another key
    answer = me(api, forged)
    assert answer.status_code == 401 and answer.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("path", ["/moved", "/down"])
def test_a_redirect_or_an_endpoint_that_is_down_is_503_and_lets_nobody_in(
    api: Client, jwks_server: JwksServer, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    jwks_server.down = path == "/down"
    monkeypatch.setenv("STAFF_JWKS_URL", jwks_server.url.rsplit("/.well-known", 1)[0] + path)
    get_settings.cache_clear()
    answer = me(api, bearer("admin"))
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "5"
    assert body(answer)["error"]["code"] == "service_unavailable"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://idp.example/jwks.json", "ftp://127.0.0.1/jwks.json"])
def test_only_https_or_loopback_http_is_asked_for_keys(
    api: Client, jwks_server: JwksServer, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.setenv("STAFF_JWKS_URL", url)
    get_settings.cache_clear()
    answer = me(api, bearer("admin"))
    assert answer.status_code == 503 and "misconfigured" in body(answer)["error"]["message"]
    assert jwks_server.fetches == 0
