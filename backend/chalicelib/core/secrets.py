"""The server secret, and what it keys: hashes of receipts and manage codes, and sealed values.

Secrets people hold (booking manage codes, complaint receipts) are stored only as
HMAC-SHA-256 under this key and compared in constant time. Locally the key is generated into the
data folder (PASSERELLE_SECRET_FILE); in AWS it comes from Secrets Manager (PASSERELLE_SECRET_ARN).

Also the origin secret: the value CloudFront adds to every request it forwards to the API, so that
the API can refuse callers who go around CloudFront (core/edge.py). Locally
PASSERELLE_ORIGIN_SECRET_FILE, in AWS PASSERELLE_ORIGIN_SECRET_ARN; neither set, no check.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from collections.abc import Callable
from functools import cache
from pathlib import Path

import boto3

from chalicelib.core.settings import get_settings


class SecretUnavailable(RuntimeError):
    """Neither a secret file nor a Secrets Manager secret is configured."""


def _configured(file_variable: str, arn_variable: str, make: Callable[[], bytes]) -> str | None:
    """A secret's text: from the file the first variable names (created with `make()` on first
    use), else from the Secrets Manager secret the second names, else None."""
    path = os.environ.get(file_variable)
    if path:
        write_once(Path(path), make)
        return Path(path).read_text().strip()
    arn = os.environ.get(arn_variable)
    if arn:
        client = boto3.client("secretsmanager", region_name=get_settings().aws_region)
        return str(client.get_secret_value(SecretId=arn)["SecretString"]).strip()
    return None


def _new_key() -> bytes:
    return secrets.token_hex(32).encode()


@cache
def server_key() -> bytes:
    text = _configured("PASSERELLE_SECRET_FILE", "PASSERELLE_SECRET_ARN", _new_key)
    if text is None:
        raise SecretUnavailable("set PASSERELLE_SECRET_FILE (local) or PASSERELLE_SECRET_ARN (AWS)")
    return _as_key(text, "the server secret")


def _as_key(text: str, where: str) -> bytes:
    key = bytes.fromhex(text)
    if len(key) != 32:
        raise SecretUnavailable(f"{where} does not hold a 32-byte hex key")
    return key


def new_origin_secret() -> bytes:
    return secrets.token_urlsafe(36).encode()


@cache
def origin_secret() -> str | None:
    return _configured("PASSERELLE_ORIGIN_SECRET_FILE", "PASSERELLE_ORIGIN_SECRET_ARN", new_origin_secret)


def write_once(path: Path, make: Callable[[], bytes]) -> None:
    """Create `path` with `make()` unless it exists. Several processes may start at once: the
    content is written to a private temporary file and linked into place, so nobody reads a
    half-written file, and whoever loses the race reads the winner's."""
    if path.exists():
        return
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(make())
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()


def _file_key(path: Path) -> bytes:
    """Read the key, creating it first if needed (by several processes at once, safely)."""
    write_once(path, _new_key)
    return _as_key(path.read_text().strip(), str(path))


def _subkey(purpose: str) -> bytes:
    return hmac.new(server_key(), f"passerelle:{purpose}".encode(), hashlib.sha256).digest()


def keyed_hash(purpose: str, value: str) -> str:
    """HMAC-SHA-256 of `value` under a key derived for `purpose` (hex)."""
    return hmac.new(_subkey(purpose), value.encode(), hashlib.sha256).hexdigest()


def matches(purpose: str, value: str, stored_hash: str) -> bool:
    """Constant-time comparison of `value`'s keyed hash with a stored one."""
    return hmac.compare_digest(keyed_hash(purpose, value), stored_hash)


SEALED_PREFIX = "g1."  # AES-256-GCM; "." is not in the base64url alphabet, so no older value starts so


class Unsealable(ValueError):
    """A sealed value that was altered, sealed for another purpose or key, or in an older format."""


def seal(purpose: str, plaintext: str) -> str:
    """Encrypt a short secret with AES-256-GCM (`cryptography`) under a key derived for `purpose`,
    with a random 96-bit nonce and the purpose as associated data.

    Used only where a first answer must be replayed (an idempotent retry returns the manage code
    or receipt it created) and the record expires within a day (IDEMPOTENCY_TTL_SECONDS): the
    secret itself is never stored in clear. Values sealed by the earlier home-made cipher are not
    opened: they lived at most that day, and one still met is refused like an altered one."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # on the first sealed answer only

    data = plaintext.encode()
    if len(data) > 64:
        raise ValueError("seal() is for short secrets")
    nonce = secrets.token_bytes(12)
    cipher = AESGCM(_subkey(f"{purpose}:aes-gcm")).encrypt(nonce, data, purpose.encode())
    return SEALED_PREFIX + base64.urlsafe_b64encode(nonce + cipher).decode()


def unseal(purpose: str, sealed: str) -> str:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if not sealed.startswith(SEALED_PREFIX):
        raise Unsealable("sealed value is in an unknown format")
    try:
        raw = base64.urlsafe_b64decode(sealed.removeprefix(SEALED_PREFIX).encode())
        plain = AESGCM(_subkey(f"{purpose}:aes-gcm")).decrypt(raw[:12], raw[12:], purpose.encode())
    except (InvalidTag, ValueError) as exc:
        raise Unsealable("sealed value was altered") from exc
    return plain.decode()
