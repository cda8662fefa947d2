"""seal/unseal (core/secrets.py) on AES-256-GCM: a sealed value opens only for its own purpose and
key, and unaltered; values of the earlier home-made format are refused, and an idempotent replay
that meets one answers 409 rather than failing (they lived a day at most)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets as random
from typing import Any

import pytest
from chalice.test import Client
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from chalicelib.core import idempotency
from chalicelib.core.secrets import SEALED_PREFIX, Unsealable, _subkey, seal, unseal
from tests.unit.conftest import body, with_proof


def test_a_sealed_value_opens_with_its_purpose_and_is_fresh_each_time(aws: None) -> None:
    sealed = seal("idempotent:booking", "ABCD-EFGH-JKMN")
    assert sealed.startswith(SEALED_PREFIX) and "ABCD" not in sealed
    assert unseal("idempotent:booking", sealed) == "ABCD-EFGH-JKMN"
    assert seal("idempotent:booking", "ABCD-EFGH-JKMN") != sealed  # a random nonce each time
    with pytest.raises(Unsealable):
        unseal("idempotent:complaint", sealed)  # another purpose, another key


def test_it_is_standard_aes_gcm_under_the_purpose_key(aws: None) -> None:
    raw = base64.urlsafe_b64decode(seal("p", "secret").removeprefix(SEALED_PREFIX))
    assert len(raw) == 12 + len("secret") + 16  # nonce, ciphertext, tag
    assert AESGCM(_subkey("p:aes-gcm")).decrypt(raw[:12], raw[12:], b"p") == b"secret"


@pytest.mark.parametrize("position", [0, 5, 13, -1])
def test_any_altered_byte_is_refused(aws: None, position: int) -> None:
    raw = bytearray(base64.urlsafe_b64decode(seal("p", "secret").removeprefix(SEALED_PREFIX)))
    raw[position] ^= 0x01
    with pytest.raises(Unsealable):
        unseal("p", SEALED_PREFIX + base64.urlsafe_b64encode(bytes(raw)).decode())


def _old_format(purpose: str, plaintext: str) -> str:
    """What the earlier seal() wrote: HMAC-SHA-512 keystream, encrypt-then-MAC, no prefix."""
    nonce, data = random.token_bytes(16), plaintext.encode()
    stream = hmac.new(_subkey(f"{purpose}:stream"), nonce, hashlib.sha512).digest()
    cipher = bytes(a ^ b for a, b in zip(data, stream, strict=False))
    tag = hmac.new(_subkey(f"{purpose}:tag"), nonce + cipher, hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(nonce + tag + cipher).decode()


def test_values_of_the_old_format_are_refused_not_misread(aws: None) -> None:
    with pytest.raises(Unsealable):
        unseal("p", _old_format("p", "secret"))
    with pytest.raises(Unsealable):
        unseal("p", "not base64 at all")


def test_a_replay_that_meets_an_old_sealed_answer_is_409_not_500(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    complaint = {"category": "unpaid_wages", "country": "MY", "description": "Three months unpaid.", "language": "km"}
    headers = {**with_proof(client), "Idempotency-Key": "retry-0123456789"}
    first = client.http.post("/api/complaints", body=json.dumps(complaint), headers=headers)
    assert first.status_code == 201
    # The stored answer as the previous release would have sealed it (a deploy between two tries).
    real_seal = seal

    def old_seal(purpose: str, plaintext: str) -> Any:
        return _old_format(purpose, plaintext)

    monkeypatch.setattr(idempotency, "seal", old_seal)
    idempotency.reset()
    headers = {**with_proof(client), "Idempotency-Key": "retry-abcdefghij"}
    client.http.post("/api/complaints", body=json.dumps(complaint), headers=headers)  # stored the old way
    monkeypatch.setattr(idempotency, "seal", real_seal)
    idempotency.reset()
    replay = client.http.post("/api/complaints", body=json.dumps(complaint), headers=headers)
    assert replay.status_code == 409
    assert body(replay)["error"]["field"] == "Idempotency-Key"
    # and an answer sealed now replays whole
    again = client.http.post(
        "/api/complaints", body=json.dumps(complaint), headers={**headers, "Idempotency-Key": "retry-0123456789"}
    )
    assert again.status_code == 201 and body(again)["receipt"] == body(first)["receipt"]
