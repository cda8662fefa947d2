"""The development identity provider over real HTTP on the stack's one origin: the sign-in page,
the authorisation code + PKCE flow, and tokens that verify against the JWKS it serves."""

from __future__ import annotations

import base64
import hashlib
import secrets
import stat
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest

from devstack.dev_idp import CLIENT_ID, LOCAL_PASSWORD, public_jwk
from devstack.server import CONTENT_SECURITY_POLICY
from devstack.stack import LocalStack
from tests.conftest import Answer, Viewer

pytestmark = pytest.mark.integration


def request(stack: LocalStack, method: str, path: str, form: dict[str, str] | None = None) -> Answer:
    """A GET, or a form when `form` is given (redirects are not followed: the Location is tested)."""
    viewer = Viewer(stack.url)
    return viewer.form(path, form) if form is not None else viewer.call(method, path)


class Console:
    """What the console's sign-in script does: a verifier, its S256 challenge, a state."""

    def __init__(self, stack: LocalStack) -> None:
        self.stack = stack
        self.redirect_uri = stack.console_url
        self.verifier = secrets.token_urlsafe(48)
        self.challenge = base64.urlsafe_b64encode(hashlib.sha256(self.verifier.encode()).digest()).rstrip(b"=").decode()
        self.state = secrets.token_urlsafe(16)

    def params(self, **changes: str) -> dict[str, str]:
        return {
            "response_type": "code",
            "client_id": CLIENT_ID,
            "redirect_uri": self.redirect_uri,
            "state": self.state,
            "scope": "openid",
            "code_challenge": self.challenge,
            "code_challenge_method": "S256",
            **changes,
        }

    def sign_in(self, username: str = "caseworker.dushanbe", password: str = LOCAL_PASSWORD, **changes: str) -> Answer:
        return request(
            self.stack, "POST", "/dev-idp/login", {**self.params(**changes), "username": username, "password": password}
        )

    def code(self, username: str = "caseworker.dushanbe") -> str:
        status, headers, _ = self.sign_in(username)
        assert status == 302
        location = urlsplit(str(headers["location"]))
        assert f"{location.scheme}://{location.netloc}{location.path}" == self.redirect_uri
        query = parse_qs(location.query)
        assert query["state"] == [self.state]
        return query["code"][0]

    def exchange(self, code: str, verifier: str | None = None) -> tuple[int, Any]:
        status, headers, body = request(
            self.stack,
            "POST",
            "/dev-idp/oauth2/token",
            {
                "grant_type": "authorization_code",
                "client_id": CLIENT_ID,
                "code": code,
                "redirect_uri": self.redirect_uri,
                "code_verifier": verifier or self.verifier,
            },
        )
        assert headers["cache-control"] == "no-store"
        return status, body


def verify(stack: LocalStack, token: str) -> dict[str, Any]:
    """As the backend does: the key from the served JWKS by kid, RS256 only, issuer and audience."""
    signing_key = jwt.PyJWKClient(stack.staff_jwks_url, cache_keys=False).get_signing_key_from_jwt(token)
    return jwt.decode(
        token,
        signing_key.key,
        algorithms=["RS256"],
        audience=stack.staff_audience,
        issuer=stack.staff_issuer,
        options={"require": ["exp", "iat", "iss", "aud", "sub"]},
    )


def test_the_sign_in_page_renders_with_the_sites_security_headers(stack: LocalStack) -> None:
    console = Console(stack)
    status, headers, body = request(stack, "GET", f"/dev-idp/oauth2/authorize?{urlencode(console.params())}")
    page = body.decode()
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert (
        headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        and "form-action 'self'" in headers["content-security-policy"]
    )
    assert headers["x-content-type-options"] == "nosniff" and headers["cache-control"] == "no-store"
    assert "<title>Local sign-in (development only)</title>" in page and '<html lang="en"' in page
    assert 'action="/dev-idp/login"' in page and "<script" not in page and "style=" not in page
    assert f'value="{console.state}"' in page and 'value="manager.dushanbe"' in page


def test_a_wrong_password_fails(stack: LocalStack) -> None:
    status, headers, body = Console(stack).sign_in(password="not-the-password")
    assert status == 401 and "location" not in headers
    assert "Wrong account or password." in body.decode() and "<form" in body.decode()


def test_the_code_and_pkce_flow_returns_an_id_token_that_verifies_against_the_jwks(stack: LocalStack) -> None:
    # Given the console sending a manager to sign in
    console = Console(stack)
    # When the manager signs in and the console exchanges the code
    status, body = console.exchange(console.code("manager.dushanbe"))
    # Then the ID token verifies against the served keys and says who it is, as Cognito's would
    assert status == 200 and body["token_type"] == "Bearer" and body["expires_in"] == 3600
    claims = verify(stack, body["id_token"])
    account = stack.staff_accounts()["manager.dushanbe"]
    assert claims["token_use"] == "id" and claims["sub"] == account.sub
    assert claims["cognito:username"] == "manager.dushanbe" and claims["cognito:groups"] == ["manager", "caseworker"]
    assert claims["custom:centres"] == "tj-dushanbe" and claims["name"] == account.name
    assert jwt.get_unverified_header(body["id_token"])["kid"] == public_jwk(stack.staff_key())["kid"]
    access = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert access["token_use"] == "access" and access["client_id"] == CLIENT_ID


def test_a_code_cannot_be_used_twice(stack: LocalStack) -> None:
    console = Console(stack)
    code = console.code()
    assert console.exchange(code)[0] == 200
    assert console.exchange(code) == (400, {"error": "invalid_grant"})


def test_a_wrong_verifier_fails(stack: LocalStack) -> None:
    console = Console(stack)
    code = console.code()
    assert console.exchange(code, verifier=secrets.token_urlsafe(48)) == (400, {"error": "invalid_grant"})
    assert console.exchange(code) == (400, {"error": "invalid_grant"})  # and the code is spent


@pytest.mark.parametrize(
    "redirect_uri",
    ["https://evil.example/staff/", "http://127.0.0.1:1/staff/", "{origin}/", "{origin}/staff/../api/health"],
)
def test_a_foreign_redirect_uri_is_refused(stack: LocalStack, redirect_uri: str) -> None:
    console = Console(stack)
    console.redirect_uri = redirect_uri.format(origin=stack.browser_url)
    status, headers, _ = request(stack, "GET", f"/dev-idp/oauth2/authorize?{urlencode(console.params())}")
    assert status == 400 and "location" not in headers
    status, headers, _ = console.sign_in()
    assert status == 400 and "location" not in headers
    status, headers, _ = request(
        stack, "GET", "/dev-idp/logout?" + urlencode({"client_id": CLIENT_ID, "logout_uri": console.redirect_uri})
    )
    assert status == 400 and "location" not in headers


def test_sign_out_returns_to_the_console(stack: LocalStack) -> None:
    status, headers, _ = request(
        stack, "GET", "/dev-idp/logout?" + urlencode({"client_id": CLIENT_ID, "logout_uri": stack.console_url})
    )
    assert (status, headers["location"]) == (302, stack.console_url)


def test_tokens_minted_for_tests_verify_like_signed_in_ones_and_the_key_is_private(stack: LocalStack) -> None:
    claims = verify(stack, stack.staff_token("admin"))
    assert claims["cognito:groups"] == ["admin"] and claims["custom:centres"] == "*"
    with pytest.raises(jwt.ExpiredSignatureError):
        verify(stack, stack.staff_token("admin", lifetime=-60))
    key_file = stack.config.data_dir / "dev-idp" / "key.pem"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    env = stack.api_env()
    assert env["STAFF_JWT_ISSUER"] == f"http://127.0.0.1:{stack.config.port}/dev-idp" == env["STAFF_AUTH_URL"]
    assert env["STAFF_JWKS_URL"] == stack.staff_jwks_url and env["STAFF_JWT_AUDIENCE"] == CLIENT_ID


def test_an_oversized_sign_in_form_is_refused_unread(stack: LocalStack) -> None:
    """The sign-in form holds a password: a body over the provider's 16 KB limit is answered 413
    before it is read, and the API's larger limit does not apply here."""
    status, _, body = request(stack, "POST", "/dev-idp/login", {"password": "x" * (16 * 1024)})
    assert (status, body) == (413, b"Request too large\n")
    status, _, _ = request(stack, "POST", "/dev-idp/login", {"password": "x" * 100})
    assert status != 413
