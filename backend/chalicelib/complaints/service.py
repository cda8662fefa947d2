"""Complaint rules: submission, follow-up by receipt, the restricted lane, expiry.

A complaint is filed with its first status, its receipt (stored only as a keyed hash; it stops
opening the complaint `complaint_access_days` after the last activity), the proof of work's
single-use marker, the dashboard's counters and the source's count (core/ratelimit.py), in one
transaction. Messages are the complainant's and the caseworkers' replies, never internal notes.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from chalicelib.centres.catalogue import get_catalogue
from chalicelib.centres.recruiters import find_agency
from chalicelib.complaints import alerts, attachments
from chalicelib.complaints import repository as repo
from chalicelib.complaints.models import (
    RESTRICTED_CATEGORIES,
    ComplaintRequest,
    ComplaintView,
    FollowUp,
    Message,
    Submitted,
)
from chalicelib.core import dynamo as db
from chalicelib.core import keys, metrics, proof, ratelimit
from chalicelib.core.codes import format_receipt, new_receipt, normalise_receipt
from chalicelib.core.errors import BadRequest, NotFound
from chalicelib.core.phones import normalise_phone
from chalicelib.core.secrets import keyed_hash
from chalicelib.core.settings import get_settings
from chalicelib.core.sources import Source

# What a receipt's keyed hash is made for, and the per-source limits' scopes (core/ratelimit.py).
RECEIPT_PURPOSE = "complaint-receipt"
LOOKUP_SCOPE = "receipt-lookup"
SUBMISSION_SCOPE = "complaint"
# Cases that start at high priority in the queue: people may be in danger or held.
URGENT_CATEGORIES = frozenset({"violence_abuse", "trafficking", "passport_confiscated", "sea_by_staff"})


def now_utc() -> datetime:
    return datetime.now(UTC)


def _access_expiry(at: datetime) -> int:
    return int((at + timedelta(days=get_settings().complaint_access_days)).timestamp())


def _check_request(request: ComplaintRequest) -> str | None:
    """What the body names that no model can check alone (the centre, the agency, the phone and its
    consent), refused with the field named; the phone normalised, if one was given."""
    if request.centre_id and get_catalogue().centre(request.centre_id) is None:
        raise BadRequest(
            f"centre_id: no centre has the id '{request.centre_id}'.", code="centre_unknown", field="centre_id"
        )
    if request.agency_id and find_agency(request.agency_id) is None:
        raise BadRequest(
            f"agency_id: no agency on the recruiters' lists has the id '{request.agency_id}'.",
            code="agency_unknown",
            field="agency_id",
        )
    phone = None
    if request.phone and not request.phone_consent:
        raise BadRequest(
            "phone_consent: say yes to being called, or leave the phone number out.",
            code="phone_consent_required",
            field="phone_consent",
        )
    if request.phone:
        try:
            phone = normalise_phone(request.phone, request.country)
        except ValueError as exc:
            raise BadRequest(f"phone: {exc}", code="phone_invalid", field="phone") from exc
    return phone


def submit(request: ComplaintRequest, proof_id: str, source: Source) -> Submitted:
    phone = _check_request(request)
    settings = get_settings()
    now = now_utc()
    complaint_id = uuid.uuid4().hex
    receipt = new_receipt()
    lane = "restricted" if request.category in RESTRICTED_CATEGORIES else "general"
    acknowledge_by = (now + timedelta(days=settings.complaint_acknowledge_days)).date()
    fields = {
        "category": request.category,
        "lane": lane,
        "country": request.country,
        "against": request.against,
        # What the complainant picked: an allegation until staff confirm it (complaints/triage.py).
        "agency_claimed": request.agency_id,
        "when": request.when,
        "description": request.description,
        "language": request.language,
        "woman_caseworker": request.woman_caseworker,
        "on_behalf": request.on_behalf,
        "centre_id": request.centre_id,
        "phone": phone,
        "status": "new",
        "acknowledge_by": acknowledge_by.isoformat(),
        "answer_by": (now + timedelta(days=settings.complaint_answer_days)).date().isoformat(),
        "priority": "high" if request.category in URGENT_CATEGORIES else "normal",
    }
    uploads = attachments.pending(request.attachments)
    items = _submission(fields, complaint_id, receipt, proof_id, now)
    first_file = len(items)
    # Files are filed with the complaint: each upload is taken once, in the same transaction.
    items += attachments.attach_items(complaint_id, uploads, "complainant", now)
    # The source's allowance is counted with the complaint itself: both are written, or neither.
    count, window = ratelimit.count_item(SUBMISSION_SCOPE, source, settings.complaints_per_source, now.timestamp())
    items.append(count)
    try:
        db.transact(items)
    except db.TransactionFailed as failed:
        if 0 not in failed.failed or not repo.case_exists(complaint_id):
            if 3 in failed.failed:
                raise BadRequest(
                    "X-Proof: this challenge was already used. Get a new one.", code="proof_used", field="X-Proof"
                ) from None
            refused = attachments.refused_attachment(failed.failed, first_file, len(uploads))
            if refused is not None:
                raise refused from None
            if len(items) - 1 in failed.failed:
                raise window.refused(
                    "Too many complaints from this connection in a short time. Wait a few minutes and send it again.",
                    now.timestamp(),
                ) from None
            raise
        # Our complaint exists (its id is random): this was a retry of a transaction that went through
        # after its answer was lost (DynamoDB Local ignores the ClientRequestToken that prevents this).
    else:
        alerts.new_case(complaint_id, request.centre_id, lane)  # never raises; nothing of the case in it
    return Submitted(receipt=format_receipt(receipt), submitted_at=now, acknowledge_by=acknowledge_by)


def _submission(
    fields: dict[str, Any], complaint_id: str, receipt: str, proof_id: str, now: datetime
) -> list[dict[str, Any]]:
    return [
        repo.new_case(complaint_id, now, fields),
        repo.status_change(complaint_id, "new", "complainant", now),
        repo.new_receipt(_receipt_hash(receipt), complaint_id, now, _access_expiry(now)),
        proof.used(proof_id, now.timestamp()),
        # Dashboards count complaints per lane, centre and month of submission, never by scanning:
        # the lanes in rows of their own, so that no general-lane figure ever includes a restricted case.
        db.add_counters(
            *keys.complaint_counters(fields["lane"], fields["centre_id"], f"{now:%Y-%m}"),
            {"received": 1, f"category_{fields['category']}": 1, "status_new": 1},
        ),
    ]


def _complaint_for(receipt_text: str, source: Source) -> tuple[dict[str, Any], str, ratelimit.Window]:
    """The complaint behind a receipt. Each look-up is counted against its source before the
    receipt is even read (429 once the source has failed too often), and given back if the receipt
    is right: only failures count, and only the failing source waits. A wrong receipt, an unknown
    one and an expired one all get the same answer."""
    attempt = ratelimit.reserve(LOOKUP_SCOPE, source, get_settings().lookup_failures_per_source)
    receipt = normalise_receipt(receipt_text)
    found = None
    if receipt is not None:
        found = repo.receipt(_receipt_hash(receipt))
        if found and int(found["expires_at"]) < now_utc().timestamp():
            found = None  # TTL deletes it within a day or two; access has already ended
    if found is None or receipt is None:
        metrics.count("LookupFailures")
        raise NotFound("No complaint matches this receipt number.", code="receipt_not_found", field="receipt")
    return found, receipt, attempt


def _receipt_hash(receipt: str) -> str:
    """Receipts are stored only as this keyed hash."""
    return keyed_hash(RECEIPT_PURPOSE, receipt)


def _touch(receipt: str) -> dict[str, Any]:
    now = now_utc()
    return repo.touch_receipt(_receipt_hash(receipt), now, _access_expiry(now))


def view(receipt_text: str, source: Source) -> ComplaintView:
    found, receipt, attempt = _complaint_for(receipt_text, source)
    db.transact([_touch(receipt), ratelimit.refund_item(attempt)])
    return _read(found["complaint_id"])


def _read(complaint_id: str) -> ComplaintView:
    items = repo.case_items(complaint_id)  # one partition: the complaint, its messages and its history
    meta = next(i for i in items if i["SK"] == keys.CASE)
    messages = [
        Message(author=i["author"], text=i["text"], at=i["at"]) for i in items if i["SK"].startswith(keys.MESSAGE)
    ]  # internal notes are filed apart (keys.NOTE): never here
    return ComplaintView(
        status=meta["status"],
        follow_up=follow_up(meta["status"], messages),
        category=meta["category"],
        submitted_at=meta["submitted_at"],
        language=meta["language"],
        messages=messages,
        attachments=attachments.sent_by_complainant(items),
        access_until=datetime.fromtimestamp(_access_expiry(now_utc()), UTC),
    )


def follow_up(status: str, messages: list[Message]) -> FollowUp:
    """What the follow-up page says: "answered" while the latest message is a caseworker's (the
    person has an answer to read) and the case is still open; otherwise the case's status ("new"
    reads "received")."""
    if status in ("resolved", "closed"):
        return cast(FollowUp, status)
    if messages and max(messages, key=lambda m: m.at).author == "caseworker":
        return "answered"
    return "received" if status == "new" else cast(FollowUp, status)


def add_message(receipt_text: str, text: str, source: Source, attachment_ids: list[str] | None = None) -> ComplaintView:
    """A message, files, or both. Files attach in the message's transaction."""
    found, receipt, attempt = _complaint_for(receipt_text, source)
    now = now_utc()
    uploads = attachments.pending(attachment_ids or [])
    items = [_touch(receipt), ratelimit.refund_item(attempt)]
    if text:
        items.append(repo.message(found["complaint_id"], "complainant", text, now))
    first_file = len(items)
    items += attachments.attach_items(found["complaint_id"], uploads, "complainant", now)
    try:
        db.transact(items)
    except db.TransactionFailed as failed:
        refused = attachments.refused_attachment(failed.failed, first_file, len(uploads))
        if refused is not None:
            raise refused from None
        raise
    return _read(found["complaint_id"])


def reply_item(complaint_id: str, text: str, at: datetime) -> dict[str, Any]:
    """A caseworker's reply, as a transaction item: the staff console writes it with its audit line."""
    return repo.message(complaint_id, "caseworker", text, at)


def add_reply(complaint_id: str, text: str) -> None:
    """A caseworker's reply without the console (tests use it)."""
    db.transact([reply_item(complaint_id, text, now_utc())])
