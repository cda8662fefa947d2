"""Staff ID tokens for tests, shaped like Amazon Cognito's: a test signing key, its JWKS served over
HTTP on loopback (the API fetches keys only over HTTP(S), as PyJWT's PyJWKClient does), and tokens
good or bad on purpose."""

from __future__ import annotations

import json
import threading
import uuid
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from devstack.dev_idp import mint_id_token

ISSUER = "https://idp.test/passerelle"
AUDIENCE = "passerelle-console-test"
KID = "test-key-1"

# The sample staff of the tests: groups and centres, as the identity provider would give them.
STAFF: dict[str, tuple[list[str], str]] = {
    "caseworker.dushanbe": (["caseworker"], "tj-dushanbe,tj-khujand"),
    "manager.dushanbe": (["manager", "caseworker"], "tj-dushanbe"),
    "caseworker.istanbul": (["caseworker"], "tr-istanbul"),
    "manager.istanbul": (["manager"], "tr-istanbul"),
    "focal.point": (["focal_point"], "tj-dushanbe,tr-istanbul"),
    "admin": (["admin"], "*"),
    "nobody": ([], "tj-dushanbe"),
}


def signing_key(name: str = "good") -> rsa.RSAPrivateKey:
    """The test key of that name (the same one however it is asked for)."""
    return _generated(name)


@cache
def _generated(name: str) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwks(*named: tuple[str, str]) -> dict[str, Any]:
    """A JWKS document of the public halves of the named keys, as (key name, kid) pairs."""
    keys = []
    for name, kid in named or (("good", KID),):
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(signing_key(name).public_key()))
        keys.append(public | {"kid": kid, "use": "sig", "alg": "RS256"})
    return {"keys": keys}


class JwksServer:
    """The identity provider's key endpoint on 127.0.0.1 (an ephemeral port), for the API to fetch
    over HTTP: `url` serves `document` (change it to rotate keys), `/moved` redirects to it, and
    `fetches` counts what was asked."""

    def __init__(self) -> None:
        self.document: dict[str, Any] = jwks()
        self.fetches = 0
        self.down = False
        served = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                served.fetches += 1
                if served.down:
                    self.send_error(503)
                elif self.path == "/moved":
                    self.send_response(302)
                    self.send_header("Location", served.url)
                    self.end_headers()
                else:
                    data = json.dumps(served.document).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.address = ("127.0.0.1", self.server.server_address[1])
        self.url = f"http://127.0.0.1:{self.address[1]}/.well-known/jwks.json"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> JwksServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def token(
    username: str,
    *,
    key: Any = None,
    kid: str = KID,
    algorithm: str = "RS256",
    expires_in: int = 3600,
    **overrides: Any,
) -> str:
    """A token minted as the development identity provider mints them (devstack/dev_idp.py)."""
    groups, centres = STAFF[username]
    identity = {
        "sub": str(uuid.uuid5(uuid.NAMESPACE_URL, username)),
        "cognito:username": username,
        "cognito:groups": groups,
        "custom:centres": centres,
        "name": username,
    }
    return mint_id_token(
        identity,
        issuer=ISSUER,
        audience=AUDIENCE,
        key=key if key is not None else signing_key(),
        lifetime=expires_in,
        kid=kid,
        alg=algorithm,
        **overrides,
    )


def bearer(username: str, **overrides: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(username, **overrides)}"}
