"""Who is calling a staff route, checked here whatever sits in front of the API.

Tokens are OpenID Connect ID tokens from the staff identity provider (Amazon Cognito in AWS, the
development provider of the local stack): RS256 only, signature against the provider's JWKS, then
issuer, audience (the console's client id), token use, expiry and issue time. Groups give roles;
the `custom:centres` attribute gives the centres a person works for (`*`: all of them).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import threading
import time
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from chalice.app import Blueprint

from chalicelib.centres.catalogue import get_catalogue
from chalicelib.core.errors import ApiError, Forbidden, Unauthorized
from chalicelib.core.http import RouteDoc, api_route
from chalicelib.core.settings import get_settings

if TYPE_CHECKING:  # PyJWT and cryptography load on the first staff request, not on every cold start
    import jwt

ALGORITHMS = ["RS256"]
ROLES = ("caseworker", "manager", "focal_point", "admin")
# Who may do what. A manager is also a caseworker; an administrator works in every centre's
# general lane; the restricted lane (sexual exploitation and abuse by staff) is for focal points only.
CASEWORK = frozenset({"caseworker", "manager", "admin"})
MANAGE = frozenset({"manager", "admin"})
LEEWAY_SECONDS = 30
JWKS_TTL_SECONDS = 3600
JWKS_RETRY_SECONDS = 60


@dataclass(frozen=True)
class StaffUser:
    sub: str
    username: str
    name: str
    roles: frozenset[str]
    centres: frozenset[str]
    all_centres: bool

    def has(self, roles: frozenset[str]) -> bool:
        return bool(self.roles & roles)

    def works_at(self, centre_id: str | None) -> bool:
        return self.all_centres or (centre_id is not None and centre_id in self.centres)

    def centre_ids(self) -> list[str]:
        """The centres this person works for, in a stable order (every centre for an administrator)."""
        return [c.id for c in get_catalogue().centres] if self.all_centres else sorted(self.centres)


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


def _unauthorised(message: str) -> Unauthorized:
    return Unauthorized(message, headers={"WWW-Authenticate": 'Bearer realm="passerelle-staff"'})


def verify(token: str) -> dict[str, Any]:
    """The token's claims, or 401 for any token we cannot fully trust."""
    import jwt

    settings = get_settings()
    if not (settings.staff_jwt_issuer and settings.staff_jwt_audience and settings.staff_jwks_url):
        raise StaffAuthUnavailable("Staff sign-in is not configured.")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise _unauthorised("The sign-in token is not valid. Sign in again.") from None
    if header.get("alg") not in ALGORITHMS or not isinstance(header.get("kid"), str):
        raise _unauthorised("The sign-in token is not valid. Sign in again.")
    key = signing_keys.get(settings.staff_jwks_url, header["kid"])
    if key is None:
        raise _unauthorised("The sign-in token is not valid. Sign in again.")
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
        raise _unauthorised("The sign-in has expired. Sign in again.") from None
    except jwt.PyJWTError:
        raise _unauthorised("The sign-in token is not valid. Sign in again.") from None
    if claims.get("token_use") != "id" or claims["iat"] > time.time() + LEEWAY_SECONDS:
        raise _unauthorised("The sign-in token is not valid. Sign in again.")
    return claims


def user_from(claims: dict[str, Any]) -> StaffUser:
    groups = claims.get("cognito:groups") or []
    roles = frozenset(g for g in groups if g in ROLES) if isinstance(groups, list) else frozenset()
    centres_claim = str(claims.get("custom:centres") or "")
    centres = frozenset(c.strip() for c in centres_claim.split(",") if c.strip() and c.strip() != "*")
    username = str(claims.get("cognito:username") or claims["sub"])
    return StaffUser(
        sub=str(claims["sub"]),
        username=username,
        name=str(claims.get("name") or username),
        roles=roles,
        centres=centres,
        all_centres="admin" in roles or centres_claim.strip() == "*",
    )


def authenticate(headers: dict[str, str] | Any, roles: frozenset[str]) -> StaffUser:
    """The caller of a staff route: 401 without a valid token, 403 without one of `roles`."""
    authorization = headers.get("authorization") or ""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorised("Sign in to use the staff console.")
    user = user_from(verify(token.strip()))
    if not user.has(roles):
        raise Forbidden("Your role does not allow this.")
    return user


def staff_route(
    bp: Blueprint, path: str, methods: Iterable[str] = ("GET",), *, roles: frozenset[str], doc: RouteDoc
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A route for signed-in staff with one of `roles`: the view gets the caller first. The
    authorisation test finds every such route in the app's route table by its `staff_roles`; the
    contract documents its bearer token and its 401 and 403 (RouteDoc.staff)."""

    def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def view(**params: str) -> Any:
            user = authenticate(bp.current_request.headers, roles)
            return func(user, **params)

        view.staff_roles = roles  # type: ignore[attr-defined]
        api_route(bp, path, methods, doc=dataclasses.replace(doc, staff=True))(view)
        return func

    return decorator
