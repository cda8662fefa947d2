"""A small proof of work for anonymous submissions, instead of a third-party captcha.

GET /api/challenge gives a signed challenge (no database write). The browser finds a nonce such
that SHA-256(challenge + ":" + nonce) starts with `difficulty` zero bits and sends
`X-Proof: <challenge>:<nonce>`. A challenge lasts 10 minutes and is used once: the submission's
transaction writes a marker for it under the condition that none exists.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from typing import Any

from pydantic import BaseModel

from chalicelib.core import keys, metrics
from chalicelib.core.dynamo import put_new
from chalicelib.core.errors import BadRequest
from chalicelib.core.secrets import keyed_hash

LIFETIME_SECONDS = 600


class Challenge(BaseModel, defer_build=True):
    challenge: str
    difficulty: int


# How routes that need a proof of work document the header (core/openapi.py).
HEADER = ("X-Proof", True, "<challenge>:<nonce> solving GET /api/challenge")


def difficulty() -> int:
    return int(os.environ.get("PROOF_DIFFICULTY", "14"))


def issue() -> Challenge:
    body = f"{int(time.time())}.{secrets.token_hex(12)}"
    return Challenge(challenge=f"{body}.{keyed_hash('proof', body)[:32]}", difficulty=difficulty())


def leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte == 0:
            bits += 8
            continue
        return bits + (8 - byte.bit_length())
    return bits


def verify(header: str | None, now: float | None = None) -> str:
    """Check an X-Proof header; return the challenge's id for the single-use marker."""
    try:
        return _verify(header, now)
    except BadRequest:
        metrics.count("ProofFailures")
        raise


def _verify(header: str | None, now: float | None) -> str:
    if not header or header.count(":") != 1:
        raise BadRequest(
            "X-Proof is missing: get a challenge from /api/challenge and solve it.",
            code="proof_missing",
            field="X-Proof",
        )
    challenge, nonce = header.split(":")
    parts = challenge.split(".")
    if len(parts) != 3 or len(nonce) > 32:
        raise BadRequest("X-Proof is not a solved challenge.", code="proof_invalid", field="X-Proof")
    issued, _, signature = parts
    if not hmac.compare_digest(keyed_hash("proof", f"{issued}.{parts[1]}")[:32], signature):
        raise BadRequest("X-Proof: this challenge was not issued here.", code="proof_invalid", field="X-Proof")
    if not issued.isdigit() or (now or time.time()) - int(issued) > LIFETIME_SECONDS:
        raise BadRequest("X-Proof: the challenge expired. Get a new one.", code="proof_expired", field="X-Proof")
    digest = hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()
    if leading_zero_bits(digest) < difficulty():
        raise BadRequest("X-Proof: the nonce does not solve the challenge.", code="proof_invalid", field="X-Proof")
    return hashlib.sha256(challenge.encode()).hexdigest()


def solve(challenge: str, bits: int) -> str:
    """What the browser does (used by tests and the benchmark)."""
    nonce = 0
    while leading_zero_bits(hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()) < bits:
        nonce += 1
    return str(nonce)


def used(proof_id: str, now: float) -> dict[str, Any]:
    """A transaction item: the challenge's single-use marker, written with the submission it
    allowed (the transaction fails on it if the challenge was used already). It outlives the
    challenge's lifetime, then DynamoDB deletes it."""
    return put_new(
        {
            "PK": keys.used_proof(proof_id),
            "SK": keys.USED_PROOF,
            "type": "UsedProof",
            "expires_at": int(now) + LIFETIME_SECONDS + 300,
        }
    )
