"""Staff ID tokens, checked here whatever sits in front of the API.

Tokens are OpenID Connect ID tokens from the staff identity provider (Amazon Cognito in AWS, the
development provider of the local stack): RS256 only, signature against the provider's JWKS, then
issuer, audience (the console's client id), token use, expiry and issue time.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from chalicelib.core.errors import ApiError, Unauthorized
from chalicelib.core.settings import get_settings

if TYPE_CHECKING:  # PyJWT and cryptography load on the first staff request, not on every cold start
    import jwt

ALGORITHMS = ["RS256"]
LEEWAY_SECONDS = 30
JWKS_TTL_SECONDS = 3600
JWKS_RETRY_SECONDS = 60


class StaffAuthUnavailable(ApiError):
    status = 503
    code = "service_unavailable"


class _Keys:
    """The provider's signing keys by key id, fetched once an hour, and again (at most once a
    minute) when a token names a key we have not seen: keys rotate."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._url: str | None = None
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched = 0.0

    def get(self, url: str, kid: str) -> jwt.PyJWK | None:
        with self._lock:
            age = time.monotonic() - self._fetched
            stale = url != self._url or age > JWKS_TTL_SECONDS
            if stale or (kid not in self._keys and age > JWKS_RETRY_SECONDS):
                self._keys, self._url, self._fetched = _fetch(url), url, time.monotonic()
            return self._keys.get(kid)

    def clear(self) -> None:
        with self._lock:
            self._url, self._keys, self._fetched = None, {}, 0.0


def _fetch(url: str) -> dict[str, jwt.PyJWK]:
    parts = urlsplit(url)
    local = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if not (parts.scheme == "https" or (parts.scheme == "http" and local) or parts.scheme == "file"):
        raise StaffAuthUnavailable("Staff sign-in is misconfigured.")
    try:
        with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310 - scheme checked above
            document = json.loads(response.read())
    except (OSError, ValueError) as exc:
        raise StaffAuthUnavailable(
            "Staff sign-in cannot be checked right now. Try again shortly.", headers={"Retry-After": "5"}
        ) from exc
    import jwt

    keys: dict[str, jwt.PyJWK] = {}
    for entry in document.get("keys", []):
        if entry.get("kty") == "RSA" and entry.get("kid") and entry.get("use", "sig") == "sig":
            keys[entry["kid"]] = jwt.PyJWK(entry, algorithm="RS256")
    return keys


signing_keys = _Keys()


def unauthorised(message: str, code: str) -> Unauthorized:
    return Unauthorized(
        message, code=code, field="Authorization", headers={"WWW-Authenticate": 'Bearer realm="passerelle-staff"'}
    )


def verify(token: str) -> dict[str, Any]:
    """The token's claims, or 401 for any token we cannot fully trust."""
    import jwt

    settings = get_settings()
    if not (settings.staff_jwt_issuer and settings.staff_jwt_audience and settings.staff_jwks_url):
        raise StaffAuthUnavailable("Staff sign-in is not configured.")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise unauthorised("The sign-in token is not valid. Sign in again.", code="sign_in_invalid") from None
    if header.get("alg") not in ALGORITHMS or not isinstance(header.get("kid"), str):
        raise unauthorised("The sign-in token is not valid. Sign in again.", code="sign_in_invalid")
    key = signing_keys.get(settings.staff_jwks_url, header["kid"])
    if key is None:
        raise unauthorised("The sign-in token is not valid. Sign in again.", code="sign_in_invalid")
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key=key,
            algorithms=ALGORITHMS,
            audience=settings.staff_jwt_audience,
            issuer=settings.staff_jwt_issuer,
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "iat", "iss", "aud", "sub", "token_use"]},
        )
    except jwt.ExpiredSignatureError:
        raise unauthorised("The sign-in has expired. Sign in again.", code="sign_in_expired") from None
    except jwt.PyJWTError:
        raise unauthorised("The sign-in token is not valid. Sign in again.", code="sign_in_invalid") from None
    if claims.get("token_use") != "id" or claims["iat"] > time.time() + LEEWAY_SECONDS:
        raise unauthorised("The sign-in token is not valid. Sign in again.", code="sign_in_invalid")
    return claims
