"""Proving a phone by a one-time code sent to it by SMS (optional for people).

    request_code(phone, centre_id, language, source)   -> a 6-digit code goes by SMS
    confirm(phone, centre_id, code, source)            -> a proof to give with the booking
    proved(phone, proof)                               -> whether that proof is good

Why: a booking from a verified phone is not counted under the per-source cap (bookings/holds.py),
which strangers behind one carrier-grade NAT address share; the per-phone cap (three upcoming
bookings) then holds, and means something, because a phone number can no longer be made up.

A code lives PHONE_CODE_MINUTES (10) and is kept only as a keyed hash, with the phone itself only
as a keyed hash too (core/keys.py: `phone_check`). Codes are limited per phone
(PHONE_CODES_PER_PHONE an hour) and per source (PHONE_CODES_PER_SOURCE per 10 minutes, and a
proof of work each: SMS cost money, and SMS pumping is a known fraud). PHONE_CODE_FAILURES (5)
wrong codes lock the phone for PHONE_LOCK_MINUTES (60): 429 with Retry-After, new codes included.
Six digits and five tries: one chance in 200,000 per code, and at most a few codes an hour.
The proof is a random token (kept as a keyed hash beside the phone's) good for an hour.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from chalicelib.centres.catalogue import get_catalogue
from chalicelib.core import dynamo, keys, proof, ratelimit
from chalicelib.core.aws import dynamodb_client
from chalicelib.core.dynamo import encode_item, encode_values, get, table
from chalicelib.core.errors import BadRequest, NotFound, ServiceUnavailable, TooManyRequests
from chalicelib.core.i18n import resolve_language
from chalicelib.core.phones import normalise_phone
from chalicelib.core.secrets import keyed_hash, matches
from chalicelib.core.settings import get_settings
from chalicelib.core.sources import Source
from chalicelib.notifications.senders import Outgoing, deliver
from chalicelib.notifications.templates import get_notifications

PHONE_PURPOSE = "phone-check"
CODE_PURPOSE = "phone-check-code"
PROOF_PURPOSE = "phone-check-proof"
SOURCE_SCOPE = "phone-code"
CODE_DIGITS = 6
PROOF_MINUTES = 60
HOUR = 3600


def now_utc() -> datetime:
    return datetime.now(UTC)


def _phone(raw: str, centre_id: str) -> str:
    centre = get_catalogue().centre(centre_id)
    if centre is None:
        raise NotFound(f"No centre has the id '{centre_id}'.", code="centre_not_found", field="centre_id")
    try:
        return normalise_phone(raw, centre.country)
    except ValueError as exc:
        raise BadRequest(f"phone: {exc}", code="phone_invalid", field="phone") from exc


def _state(phone: str) -> tuple[str, dict[str, Any] | None]:
    pk = keys.phone_check(keyed_hash(PHONE_PURPOSE, phone))
    return pk, get(pk, keys.PHONE_CODE)


def _locked(state: dict[str, Any] | None, now: int) -> None:
    until = int((state or {}).get("locked_until", 0))
    if until > now:
        raise TooManyRequests(
            "Too many wrong codes for this phone. Wait and ask for a new code, or book without it.",
            retry_after=until - now,
        )


def _read(raw_phone: str, centre_id: str) -> tuple[str, datetime, str, dict[str, Any] | None]:
    """The phone (E.164), the time, and the phone's state; 429 while it is locked."""
    phone = _phone(raw_phone, centre_id)
    now = now_utc()
    pk, state = _state(phone)
    _locked(state, int(now.timestamp()))
    return phone, now, pk, state


def request_code(raw_phone: str, centre_id: str, language: str, source: Source, proof_id: str) -> int:
    """Send a new code to the phone; the minutes it lives. The previous code stops working."""
    settings = get_settings()
    phone, now, pk, state = _read(raw_phone, centre_id)
    stamp = int(now.timestamp())
    window_start = int((state or {}).get("window_start", 0))
    sent = int((state or {}).get("sent", 0)) if stamp - window_start < HOUR else 0
    if sent >= settings.phone_codes_per_phone:
        raise TooManyRequests(
            "Several codes were sent to this phone in the last hour. Use the last one, or wait.",
            retry_after=window_start + HOUR - stamp,
        )
    ratelimit.reserve(SOURCE_SCOPE, source, settings.phone_codes_per_source)
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    minutes = settings.phone_code_minutes
    item = {
        "PK": pk,
        "SK": keys.PHONE_CODE,
        "type": "PhoneCheck",
        "code_hash": keyed_hash(CODE_PURPOSE, f"{phone}:{code}"),
        "code_expires": stamp + minutes * 60,
        "failures": int((state or {}).get("failures", 0)) if state else 0,
        "sent": sent + 1,
        "window_start": window_start if sent else stamp,
        "locked_until": int((state or {}).get("locked_until", 0)),
        "expires_at": stamp + HOUR + settings.phone_lock_minutes * 60,
    }
    _put_unchanged(item, state, proof_id, now)
    domain = urlsplit(settings.site_url).hostname or "localhost"
    text = get_notifications().compose(
        "verify", resolve_language(language), {"code": code, "minutes": str(minutes), "domain": domain}
    )
    if not deliver(Outgoing("sms", (phone,), text.text, template="verify")):
        raise ServiceUnavailable("The code could not be sent just now. Try again in a minute.", retry_after=60)
    return minutes


def _put_unchanged(item: dict[str, Any], state: dict[str, Any] | None, proof_id: str, now: datetime) -> None:
    """Write the phone's state if nobody changed it since it was read (two requests at once: one
    wins, the other is asked to try again), with the proof of work's single-use marker."""
    condition = "attribute_not_exists(PK)" if state is None else "sent = :sent AND failures = :failures"
    put: dict[str, Any] = {"TableName": table(), "Item": encode_item(item), "ConditionExpression": condition}
    if state is not None:
        put["ExpressionAttributeValues"] = encode_values(
            {":sent": int(state.get("sent", 0)), ":failures": int(state.get("failures", 0))}
        )
    try:
        dynamo.transact({"state": {"Put": put}, "proof": proof.used(proof_id, now.timestamp())})
    except dynamo.TransactionFailed as failed:
        if "proof" in failed.names:
            raise BadRequest(
                "X-Proof: this challenge was already used. Get a new one.", code="proof_used", field="X-Proof"
            ) from None
        raise ServiceUnavailable("Another code was just asked for this phone. Try again.") from None


def confirm(raw_phone: str, centre_id: str, code: str) -> tuple[str, datetime]:
    """The proof that this phone received its code (and when it expires), or 400, or 429 locked."""
    settings = get_settings()
    phone, now, pk, state = _read(raw_phone, centre_id)
    stamp = int(now.timestamp())
    if state is None or "code_hash" not in state or int(state.get("code_expires", 0)) <= stamp:
        raise BadRequest(
            "code: there is no code for this phone, or it has expired. Ask for a new one.",
            code="phone_code_expired",
            field="code",
        )
    typed = "".join(ch for ch in code if ch.isdigit())
    if not matches(CODE_PURPOSE, f"{phone}:{typed}", str(state["code_hash"])):
        _failed(pk, settings.phone_code_failures, stamp + settings.phone_lock_minutes * 60, stamp)
        raise BadRequest(
            "code: this is not the code we sent. Check it and type it again.", code="phone_code_wrong", field="code"
        )
    proof = secrets.token_urlsafe(24)
    until = now + timedelta(minutes=PROOF_MINUTES)
    client = dynamodb_client()
    client.transact_write_items(
        TransactItems=[
            {
                "Update": {
                    "TableName": table(),
                    "Key": encode_values({"PK": pk, "SK": keys.PHONE_CODE}),
                    "UpdateExpression": "REMOVE code_hash, code_expires SET failures = :zero",
                    "ConditionExpression": "code_hash = :hash",
                    "ExpressionAttributeValues": encode_values({":zero": 0, ":hash": state["code_hash"]}),
                }
            },
            {
                "Put": {
                    "TableName": table(),
                    "Item": encode_item(
                        {
                            "PK": pk,
                            "SK": keys.verified_phone(keyed_hash(PROOF_PURPOSE, proof)),
                            "type": "VerifiedPhone",
                            "expires_at": int(until.timestamp()),
                        }
                    ),
                }
            },
        ]
    )
    return proof, until


def _failed(pk: str, limit: int, lock_until: int, now: int) -> None:
    """Count a wrong code atomically; the one that reaches the limit locks the phone and voids the code."""
    answer = dynamodb_client().update_item(
        TableName=table(),
        Key=encode_values({"PK": pk, "SK": keys.PHONE_CODE}),
        UpdateExpression="ADD failures :one",
        ConditionExpression="attribute_exists(PK)",
        ExpressionAttributeValues=encode_values({":one": 1}),
        ReturnValues="ALL_NEW",
    )
    failures = int(answer["Attributes"]["failures"]["N"])
    if failures >= limit:
        dynamodb_client().update_item(
            TableName=table(),
            Key=encode_values({"PK": pk, "SK": keys.PHONE_CODE}),
            UpdateExpression="SET locked_until = :until, expires_at = :expires, failures = :zero "
            "REMOVE code_hash, code_expires",
            ExpressionAttributeValues=encode_values({":until": lock_until, ":expires": lock_until + HOUR, ":zero": 0}),
        )
        raise TooManyRequests(
            "Too many wrong codes for this phone. Wait and ask for a new code, or book without it.",
            retry_after=lock_until - now,
        )


def proved(phone: str, proof: str) -> bool:
    """Whether `proof` came from a right code for `phone` within the last hour."""
    pk = keys.phone_check(keyed_hash(PHONE_PURPOSE, phone))
    item = get(pk, keys.verified_phone(keyed_hash(PROOF_PURPOSE, proof)))
    return item is not None and int(item["expires_at"]) > now_utc().timestamp()
