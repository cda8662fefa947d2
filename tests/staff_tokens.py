"""Staff ID tokens for tests, shaped like Amazon Cognito's: a test signing key, its JWKS written to a
file the backend reads (unit tests have no network), and tokens good or bad on purpose."""

from __future__ import annotations

import json
import uuid
from functools import cache
from pathlib import Path
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


@cache
def signing_key(name: str = "good") -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def write_jwks(folder: Path) -> str:
    """The public half as a JWKS document; returns the file:// URL to give STAFF_JWKS_URL."""
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(signing_key().public_key()))
    path = folder / "jwks.json"
    path.write_text(json.dumps({"keys": [public | {"kid": KID, "use": "sig", "alg": "RS256"}]}))
    return path.as_uri()


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
