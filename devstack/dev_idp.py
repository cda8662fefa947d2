"""The local development identity provider: a stand-in for Amazon Cognito's hosted UI.

In AWS, staff sign in through a Cognito user pool (OAuth 2 authorisation code with PKCE) and the
backend checks the ID token against the pool's JWKS. Locally, this module plays the pool on the
portal's own origin under `/dev-idp/` (the hosted UI's paths), for the sample staff accounts of
`devstack/staff_accounts.yaml`, which all share one password that exists only here. Tokens carry
Cognito's claims and are signed RS256 with a key generated into the data folder, published as
JWKS, so the backend verifies local tokens exactly as it verifies Cognito's. Never deployed.

Everything here is plain functions and one class without sockets: `devstack/server.py` calls
`DevIdentityProvider.handle` from the server process, the tests call it directly.

Sign-in and tokens are for the machine that runs the stack only: the server says whether a request
was made there (devstack/network.py), and from anywhere else the provider shows no form and issues
no code or token. When the portal listens on the network (PASSERELLE_ALLOW_NETWORK=1), the sign-in
page does not list the accounts either: the username is typed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import re
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, get_args
from urllib.parse import parse_qs, urlencode

import jwt
import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib.auth.models import Role
from devstack import CONTENT

PREFIX = "/dev-idp"
CLIENT_ID = "passerelle-console-local"
# The one password of every sample account. Local stack only: printed by `make run`.
LOCAL_PASSWORD = "passerelle-local"  # noqa: S105
ACCOUNTS_FILE = Path(__file__).with_name("staff_accounts.yaml")
ROLES = get_args(Role)  # the Cognito groups the backend knows
ALL_CENTRES = "*"
SAMPLE_MAIL_DOMAIN = "centres.example.org"
TOKEN_LIFETIME = 3600
CODE_LIFETIME = 300
SCOPES = frozenset({"openid", "profile", "email", "phone", "aws.cognito.signin.user.admin"})
# `sub` is a stable UUID per username, as a user pool's is per user.
SUB_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://passerelle.invalid/dev-idp")

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
_CHALLENGE = re.compile(r"^[A-Za-z0-9_-]{43}$")  # base64url of a SHA-256 digest, no padding
_VERIFIER = re.compile(r"^[A-Za-z0-9._~-]{43,128}$")  # RFC 7636 section 4.1
_MAX_PENDING_CODES = 10_000
# JOSE header fields `mint_id_token` takes from its overrides; everything else is a claim.
_HEADER_FIELDS = frozenset({"alg", "kid", "typ"})
# Friendlier names for the Cognito claims tests change most.
_CLAIM_ALIASES = {"groups": "cognito:groups", "centres": "custom:centres", "username": "cognito:username"}


class AccountsError(ValueError):
    """staff_accounts.yaml is not valid."""


# ---- accounts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    username: str
    name: str
    groups: tuple[str, ...]
    centres: tuple[str, ...]  # ("*",) for every centre
    # Cognito's `email`: where staff alerts go (notifications/staff.py). Sample addresses name the
    # account, at a reserved domain (RFC 2606): caseworker.istanbul@centres.example.org.
    email: str = ""

    @property
    def sub(self) -> str:
        return str(uuid.uuid5(SUB_NAMESPACE, self.username))

    @property
    def all_centres(self) -> bool:
        return self.centres == (ALL_CENTRES,)

    def identity_claims(self) -> dict[str, Any]:
        """The claims of a Cognito ID token that say who this is."""
        return {
            "sub": self.sub,
            "cognito:username": self.username,
            "cognito:groups": list(self.groups),
            "custom:centres": ",".join(self.centres),
            "name": self.name,
            **({"email": self.email, "email_verified": True} if self.email else {}),
        }


def _entry_problems(entry: dict[str, Any], centre_ids: Collection[str] | None) -> list[str]:
    """What is wrong with an account's name, groups and centres."""
    name, groups, centres = entry["name"], entry["groups"], entry["centres"]
    problems = []
    if not isinstance(name, str) or not name.strip():
        problems.append("name must be a non-empty string")
    if not isinstance(groups, list) or not groups or not set(groups) <= set(ROLES):
        problems.append(f"groups must be a non-empty list of {', '.join(ROLES)}")
    if not isinstance(centres, list) or not centres or not all(isinstance(c, str) for c in centres):
        problems.append('centres must be a non-empty list of centre ids, or ["*"]')
    elif ALL_CENTRES in centres and centres != [ALL_CENTRES]:
        problems.append('"*" (every centre) stands alone')
    elif centre_ids is not None and centres != [ALL_CENTRES]:
        unknown = sorted(set(centres) - set(centre_ids))
        if unknown:
            problems.append(f"no such centre in content/centres.yaml: {', '.join(unknown)}")
    return problems


def load_accounts(path: Path = ACCOUNTS_FILE, centre_ids: Collection[str] | None = None) -> dict[str, Account]:
    """The sample accounts by username; with `centre_ids`, every centre named must be one of them."""
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = document.get("accounts") if isinstance(document, dict) else None
    if not isinstance(entries, list) or not entries:
        raise AccountsError(f"{path.name}: `accounts` must be a non-empty list")
    accounts: dict[str, Account] = {}
    problems: list[str] = []
    for index, entry in enumerate(entries):
        where = f"{path.name}: accounts[{index}]"
        if not isinstance(entry, dict) or set(entry) - {"email"} != {"username", "name", "groups", "centres"}:
            problems.append(f"{where}: needs exactly username, name, groups and centres (and an email)")
            continue
        username = entry["username"]
        if not isinstance(username, str) or not _USERNAME.match(username):
            problems.append(f"{where}: username must be lower-case letters, digits, '.', '_' or '-'")
            continue
        if username in accounts:
            problems.append(f"{where}: username {username!r} is used twice")
        problems += [f"{where}: {problem}" for problem in _entry_problems(entry, centre_ids)]
        if not problems:
            email = str(entry.get("email") or f"{username}@{SAMPLE_MAIL_DOMAIN}")
            accounts[username] = Account(
                username, str(entry["name"]), tuple(entry["groups"]), tuple(entry["centres"]), email
            )
    if problems:
        raise AccountsError("\n".join(problems))
    return accounts


def describe_accounts(accounts: Mapping[str, Account]) -> list[str]:
    """One line per account for `make run`: username, roles and centres."""
    width = max(len(username) for username in accounts)
    roles_width = max(len(", ".join(a.groups)) for a in accounts.values())
    return [
        f"{a.username:<{width}}  {', '.join(a.groups):<{roles_width}}  "
        f"{'every centre' if a.all_centres else ', '.join(a.centres)}"
        for a in accounts.values()
    ]


# ---- keys ---------------------------------------------------------------------------------------


def load_key(path: Path) -> rsa.RSAPrivateKey:
    """The signing key, generated on first use. Several processes may start at once: the key is
    written to a private temporary file and linked into place (core/secrets.py's write_once), so
    nobody reads a half-written key, and whoever loses the race reads the winner's."""
    from chalicelib.core.secrets import write_once

    write_once(
        path,
        lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
    )
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey) or key.key_size < 2048:
        raise ValueError(f"{path} does not hold an RSA key of at least 2048 bits")
    return key


@cache
def ephemeral_key() -> rsa.RSAPrivateKey:
    """A key that lives as long as this process: `mint_id_token`'s default, for unit tests."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_uint(value: int) -> str:
    return _b64url(value.to_bytes((value.bit_length() + 7) // 8 or 1, "big"))


def thumbprint(jwk: Mapping[str, Any]) -> str:
    """RFC 7638 JWK thumbprint (SHA-256) of an RSA public key: the `kid`."""
    canonical = json.dumps({"e": jwk["e"], "kty": "RSA", "n": jwk["n"]}, separators=(",", ":"), sort_keys=True)
    return _b64url(hashlib.sha256(canonical.encode("ascii")).digest())


def public_jwk(key: rsa.RSAPrivateKey | rsa.RSAPublicKey) -> dict[str, str]:
    numbers = (key.public_key() if isinstance(key, rsa.RSAPrivateKey) else key).public_numbers()
    jwk = {"kty": "RSA", "n": _b64url_uint(numbers.n), "e": _b64url_uint(numbers.e)}
    return {**jwk, "kid": thumbprint(jwk), "alg": "RS256", "use": "sig"}


def jwks(key: rsa.RSAPrivateKey) -> dict[str, list[dict[str, str]]]:
    return {"keys": [public_jwk(key)]}


# ---- tokens -------------------------------------------------------------------------------------


def _sign(header: dict[str, Any], claims: dict[str, Any], key: Any) -> str:
    alg = header["alg"]
    if alg == "none" or alg.startswith("HS"):
        # Forged tokens for tests (PyJWT refuses to make them, rightly): unsigned, or an HMAC keyed
        # with whatever the caller passes, such as the public key (the algorithm confusion attack).
        signing_input = ".".join(_b64url(json.dumps(part, separators=(",", ":")).encode()) for part in (header, claims))
        signature = b""
        if alg != "none":
            secret = key if isinstance(key, bytes) else str(key).encode()
            digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}[alg]
            signature = hmac.new(secret, signing_input.encode("ascii"), digest).digest()
        return f"{signing_input}.{_b64url(signature)}"
    return jwt.encode(claims, key, algorithm=alg, headers={k: v for k, v in header.items() if k != "alg"})


def _token(claims: dict[str, Any], key: Any, overrides: dict[str, Any]) -> str:
    if key is None:
        key = ephemeral_key()
    header: dict[str, Any] = {"alg": "RS256", "typ": "JWT"}
    if isinstance(key, rsa.RSAPrivateKey):
        header["kid"] = public_jwk(key)["kid"]
    for name, value in overrides.items():
        name = _CLAIM_ALIASES.get(name, name)
        if name == "custom:centres" and isinstance(value, list | tuple):
            value = ",".join(value)
        target = header if name in _HEADER_FIELDS else claims
        if value is None:
            target.pop(name, None)
        else:
            target[name] = value
    return _sign(header, claims, key)


def mint_id_token(
    account_or_claims: Account | Mapping[str, Any],
    *,
    issuer: str,
    audience: str,
    key: Any = None,
    lifetime: int = TOKEN_LIFETIME,
    now: float | None = None,
    **overrides: Any,
) -> str:
    """An ID token as Cognito's: signed RS256 with `key` (a process-wide throwaway key if None).

    `overrides` replace claims (`exp=0`, `token_use="access"`; `groups=`, `centres=` and `username=`
    stand for the Cognito names, centres may be a list) or JOSE header fields (`alg`, `kid`, `typ`);
    None removes one. `alg="none"` makes an unsigned token, `alg="HS256"` an HMAC keyed with `key`
    given as bytes: tokens a verifier must refuse.
    """
    issued = int(time.time() if now is None else now)
    identity = (
        account_or_claims.identity_claims() if isinstance(account_or_claims, Account) else dict(account_or_claims)
    )
    claims: dict[str, Any] = {
        **identity,
        "iss": issuer,
        "aud": audience,
        "token_use": "id",
        "auth_time": issued,
        "iat": issued,
        "exp": issued + lifetime,
        "jti": str(uuid.uuid4()),
    }
    return _token(claims, key, overrides)


def mint_access_token(
    account: Account,
    *,
    issuer: str,
    client_id: str,
    scope: str,
    key: Any = None,
    lifetime: int = TOKEN_LIFETIME,
    now: float | None = None,
    **overrides: Any,
) -> str:
    """An access token as Cognito's: no `aud`, but `client_id`, `scope` and `username`."""
    issued = int(time.time() if now is None else now)
    claims: dict[str, Any] = {
        "sub": account.sub,
        "cognito:groups": list(account.groups),
        "iss": issuer,
        "client_id": client_id,
        "token_use": "access",
        "scope": scope,
        "auth_time": issued,
        "iat": issued,
        "exp": issued + lifetime,
        "jti": str(uuid.uuid4()),
        "username": account.username,
    }
    return _token(claims, key, overrides)


def pkce_challenge(verifier: str) -> str:
    """The S256 code challenge of a PKCE code verifier (RFC 7636 section 4.2)."""
    return _b64url(hashlib.sha256(verifier.encode("ascii")).digest())


# ---- the provider -------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes = b""


@dataclass(frozen=True)
class AuthorizationRequest:
    client_id: str
    redirect_uri: str
    state: str
    scope: str
    code_challenge: str
    nonce: str

    def hidden_fields(self) -> dict[str, str]:
        return {
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "state": self.state,
            "scope": self.scope,
            "code_challenge": self.code_challenge,
            "code_challenge_method": "S256",
            "nonce": self.nonce,
            "response_type": "code",
        }


@dataclass(frozen=True)
class _Grant:
    request: AuthorizationRequest
    username: str
    auth_time: int
    expires_at: float


class _Refused(Exception):
    """A request that cannot be answered by a redirect (unknown client or redirect URI)."""


class _RedirectedError(Exception):
    """An error sent back to the (validated) redirect URI, as OAuth 2 wants."""

    def __init__(self, request: Mapping[str, str], error: str, description: str) -> None:
        super().__init__(description)
        self.location = _with_query(
            request["redirect_uri"],
            {"error": error, "error_description": description, "state": request.get("state", "")},
        )


def _with_query(uri: str, params: Mapping[str, str]) -> str:
    return f"{uri}{'&' if '?' in uri else '?'}{urlencode({k: v for k, v in params.items() if v})}"


def _single_values(raw: str) -> dict[str, str]:
    """Form or query parameters; OAuth 2 forbids repeating one (RFC 6749 section 3.1)."""
    parsed = parse_qs(raw, keep_blank_values=True, max_num_fields=30)
    if any(len(values) > 1 for values in parsed.values()):
        raise ValueError("a parameter is repeated")
    return {name: values[0] for name, values in parsed.items()}


@dataclass
class DevIdentityProvider:
    key: rsa.RSAPrivateKey
    accounts: Mapping[str, Account]
    issuer: str  # http://<host>:<port>/dev-idp
    # The client's allowed callback and sign-out URLs, as a user pool client lists them.
    allowed_uris: frozenset[str]
    client_id: str = CLIENT_ID
    password: str = LOCAL_PASSWORD
    clock: Callable[[], float] = time.time
    # False when the portal listens on the network: the sign-in page then names no account.
    list_accounts: bool = True
    _codes: dict[str, _Grant] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    # -- the HTTP surface, without sockets --

    def handle(
        self, method: str, path: str, query: str, body: bytes = b"", content_type: str = "", *, local: bool
    ) -> Response:
        """Answer one request to `/dev-idp/...`; `local` says whether it was made on this machine."""
        if not local and path in (f"{PREFIX}/oauth2/authorize", f"{PREFIX}/login", f"{PREFIX}/oauth2/token"):
            return self._remote_refused(path)
        routes: dict[str, tuple[str, Callable[[], Response]]] = {
            f"{PREFIX}/.well-known/jwks.json": ("GET", self._jwks),
            f"{PREFIX}/oauth2/authorize": ("GET", lambda: self.authorize(query)),
            f"{PREFIX}/login": ("POST", lambda: self.login(self._form(body, content_type))),
            f"{PREFIX}/oauth2/token": ("POST", lambda: self.token(self._form(body, content_type))),
            f"{PREFIX}/logout": ("GET", lambda: self.logout(query)),
        }
        route = routes.get(path)
        if route is None:
            return Response(404, {"Content-Type": "text/plain; charset=utf-8"}, b"Not found\n")
        allowed, answer = route
        if method not in (allowed, "HEAD" if allowed == "GET" else allowed):
            return Response(
                405,
                {"Allow": "GET, HEAD" if allowed == "GET" else allowed, "Content-Type": "text/plain; charset=utf-8"},
                b"Method not allowed\n",
            )
        try:
            return answer()
        except ValueError:  # a malformed form or query string
            if path.endswith("/token"):
                return self._token_error("invalid_request")
            return self._page(400, error="The request is not valid.")

    @staticmethod
    def _form(body: bytes, content_type: str) -> dict[str, str]:
        if content_type.split(";")[0].strip().lower() != "application/x-www-form-urlencoded":
            raise ValueError("not a form")
        return _single_values(body.decode("utf-8"))

    def _jwks(self) -> Response:
        return Response(
            200,
            {"Content-Type": "application/json", "Cache-Control": "public, max-age=300"},
            json.dumps(jwks(self.key)).encode(),
        )

    def _checked(self, params: Mapping[str, str]) -> AuthorizationRequest | Response:
        """The authorization request the parameters make, or the answer that refuses them."""
        try:
            return self._authorization_request(params)
        except _Refused as refused:
            return self._page(400, error=str(refused))
        except _RedirectedError as redirected:
            return self._redirect(redirected.location)

    def authorize(self, query: str) -> Response:
        request = self._checked(_single_values(query))
        return request if isinstance(request, Response) else self._page(200, request=request)

    def login(self, form: Mapping[str, str]) -> Response:
        request = self._checked(form)
        if isinstance(request, Response):
            return request
        username = form.get("username", "")
        account = self.accounts.get(username)
        # Compare digests, in constant time, whether or not the account exists.
        given = hashlib.sha256(form.get("password", "").encode()).digest()
        expected = hashlib.sha256(self.password.encode()).digest()
        if not hmac.compare_digest(given, expected) or account is None:
            return self._page(401, request=request, username=username, error="Wrong account or password.")
        code = secrets.token_urlsafe(32)
        now = self.clock()
        with self._lock:
            for stale in [k for k, grant in self._codes.items() if grant.expires_at <= now]:
                del self._codes[stale]
            if len(self._codes) >= _MAX_PENDING_CODES:
                return self._page(503, request=request, error="Too many sign-ins at once: try again.")
            self._codes[self._code_key(code)] = _Grant(request, account.username, int(now), now + CODE_LIFETIME)
        return self._redirect(_with_query(request.redirect_uri, {"code": code, "state": request.state}))

    def token(self, form: Mapping[str, str]) -> Response:
        if form.get("grant_type") != "authorization_code":
            return self._token_error("unsupported_grant_type")
        if form.get("client_id") != self.client_id:
            return self._token_error("invalid_client", 401)
        code, verifier = form.get("code", ""), form.get("code_verifier", "")
        with self._lock:  # a code is used once: taken now, whatever follows
            grant = self._codes.pop(self._code_key(code), None)
        now = self.clock()
        if (
            grant is None
            or grant.expires_at <= now
            or not hmac.compare_digest(grant.request.client_id, form.get("client_id", ""))
            or not hmac.compare_digest(grant.request.redirect_uri.encode(), form.get("redirect_uri", "").encode())
            or not _VERIFIER.match(verifier)
            or not hmac.compare_digest(pkce_challenge(verifier), grant.request.code_challenge)
            or grant.username not in self.accounts
        ):
            return self._token_error("invalid_grant")
        account = self.accounts[grant.username]
        id_token = mint_id_token(
            account,
            issuer=self.issuer,
            audience=self.client_id,
            key=self.key,
            now=now,
            auth_time=grant.auth_time,
            nonce=grant.request.nonce or None,
        )
        access_token = mint_access_token(
            account,
            issuer=self.issuer,
            client_id=self.client_id,
            scope=grant.request.scope,
            key=self.key,
            now=now,
            auth_time=grant.auth_time,
        )
        body = {
            "id_token": id_token,
            "access_token": access_token,
            "expires_in": TOKEN_LIFETIME,
            "token_type": "Bearer",
        }
        return Response(
            200,
            {"Content-Type": "application/json", "Cache-Control": "no-store", "Pragma": "no-cache"},
            json.dumps(body).encode(),
        )

    def logout(self, query: str) -> Response:
        """Cognito ends its session and goes to `logout_uri`; this provider keeps no session."""
        params = _single_values(query)
        if params.get("client_id") != self.client_id:
            return self._page(400, error="Unknown client.")
        if params.get("logout_uri") not in self.allowed_uris:
            return self._page(400, error="This sign-out address is not allowed for this client.")
        return self._redirect(params["logout_uri"])

    def _remote_refused(self, path: str) -> Response:
        """From another machine: no form, no code, no token, and nothing said about the accounts."""
        if path.endswith("/token"):
            return self._token_error("access_denied", 403)
        return self._page(403, error=REMOTE_REFUSED)

    # -- helpers --

    def _authorization_request(self, params: Mapping[str, str]) -> AuthorizationRequest:
        if params.get("client_id") != self.client_id:
            raise _Refused("Unknown client.")
        if params.get("redirect_uri") not in self.allowed_uris:
            raise _Refused("This redirect address is not allowed for this client.")
        if params.get("response_type") != "code":
            raise _RedirectedError(params, "unsupported_response_type", "response_type must be code")
        if params.get("code_challenge_method") != "S256" or not _CHALLENGE.match(params.get("code_challenge", "")):
            raise _RedirectedError(params, "invalid_request", "PKCE is required: code_challenge_method=S256")
        scope = params.get("scope") or "openid"
        if "openid" not in scope.split() or not set(scope.split()) <= SCOPES:
            raise _RedirectedError(params, "invalid_scope", "the scope must include openid")
        state, nonce = params.get("state", ""), params.get("nonce", "")
        if len(state) > 2048 or len(nonce) > 2048:
            raise _RedirectedError(params, "invalid_request", "state or nonce is too long")
        return AuthorizationRequest(
            self.client_id, params["redirect_uri"], state, scope, params["code_challenge"], nonce
        )

    @staticmethod
    def _code_key(code: str) -> str:
        return hashlib.sha256(code.encode()).hexdigest()  # codes are kept only as hashes

    @staticmethod
    def _redirect(location: str) -> Response:
        return Response(
            302, {"Location": location, "Cache-Control": "no-store", "Content-Type": "text/plain; charset=utf-8"}
        )

    @staticmethod
    def _token_error(error: str, status: int = 400) -> Response:
        return Response(
            status,
            {"Content-Type": "application/json", "Cache-Control": "no-store", "Pragma": "no-cache"},
            json.dumps({"error": error}).encode(),
        )

    def _page(
        self, status: int, *, request: AuthorizationRequest | None = None, username: str = "", error: str = ""
    ) -> Response:
        listed = self.accounts if self.list_accounts else None
        return Response(
            status,
            {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"},
            render_sign_in(listed, request, username=username, error=error).encode(),
        )


REMOTE_REFUSED = (
    "The development sign-in works only on the machine that runs the local stack: "
    "open the staff console there, at http://127.0.0.1."
)


def render_sign_in(
    accounts: Mapping[str, Account] | None, request: AuthorizationRequest | None, *, username: str = "", error: str = ""
) -> str:
    """The sign-in page (or, without a request, just the error). No inline script or style. With
    `accounts` None the username is typed: no account is named."""
    esc = html.escape
    parts = [
        '<!doctype html>\n<html lang="en" dir="ltr">\n<head>\n<meta charset="utf-8">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        '<meta name="robots" content="noindex">\n',
        "<title>Local sign-in (development only)</title>\n",
        '<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">\n',
        '<link rel="stylesheet" href="/assets/passerelle.css">\n</head>\n<body>\n<main>\n',
        "<h1>Local sign-in (development only)</h1>\n",
        '<p class="px-sample">This page stands in for the Amazon Cognito sign-in page, in the local stack only. '
        "The sample staff accounts and their shared password are printed by <code>make run</code>.</p>\n",
    ]
    if error:
        parts.append(f'<p role="alert" id="error"><strong>{esc(error)}</strong></p>\n')
    if request is not None:
        parts.append(f'<form method="post" action="{PREFIX}/login">\n')
        parts += [
            f'<input type="hidden" name="{esc(k)}" value="{esc(v)}">\n' for k, v in request.hidden_fields().items()
        ]
        if accounts is None:
            parts.append(
                '<p><label for="username">Account</label><br>\n<input id="username" name="username" '
                f'autocomplete="username" required value="{esc(username)}"></p>\n'
            )
        else:
            parts.append(
                '<p><label for="username">Account</label><br>\n<select id="username" name="username" required>\n'
            )
            for account in accounts.values():
                selected = " selected" if account.username == username else ""
                scope = "every centre" if account.all_centres else ", ".join(account.centres)
                label = f"{account.username}: {account.name} ({', '.join(account.groups)}; {scope})"
                parts.append(f'<option value="{esc(account.username)}"{selected}>{esc(label)}</option>\n')
            parts.append("</select></p>\n")
        parts.append(
            '<p><label for="password">Password</label><br>\n'
            '<input id="password" name="password" type="password" autocomplete="current-password" '
            'required></p>\n<p><button type="submit">Sign in</button></p>\n</form>\n'
        )
    parts.append("</main>\n</body>\n</html>\n")
    return "".join(parts)


def content_centre_ids(path: Path = CONTENT / "centres.yaml") -> set[str]:
    """The ids of the centres in content/centres.yaml (read quickly; the content build validates them)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open(encoding="utf-8") as fh:
        document = yaml.load(fh, Loader=loader)  # noqa: S506 (a safe loader)
    return {centre["id"] for centre in document.get("centres") or []}
