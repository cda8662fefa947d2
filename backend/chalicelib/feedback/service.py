"""Feedback is stored with no identifying metadata, and the counters dashboards read (guides'
helpfulness, a centre's ratings, needs by topic) are updated in the same transaction as the item,
so they always agree. A booking takes one service feedback. Each submission also counts against its
source's allowance (core/ratelimit.py), in the same transaction: a refused one writes nothing, and
concurrent ones cannot overrun it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chalicelib.bookings import service as bookings
from chalicelib.centres.catalogue import get_catalogue
from chalicelib.core import dynamo, keys, proof, ratelimit
from chalicelib.core.codes import normalise_reference
from chalicelib.core.errors import BadRequest, Conflict, NotFound
from chalicelib.core.settings import get_settings
from chalicelib.core.sources import Source
from chalicelib.feedback import repository as repo
from chalicelib.feedback.models import NeedFeedback, PageFeedback, Received, ServiceFeedback


def now_utc() -> datetime:
    return datetime.now(UTC)


def written_needs(month: str) -> list[dict[str, Any]]:
    """The needs people wrote in a month, as stored (for the dashboard, which decides what to show)."""
    return repo.needs_of(month)


def submit(feedback: PageFeedback | ServiceFeedback | NeedFeedback, proof_id: str, source: Source) -> Received:
    now = now_utc()
    if isinstance(feedback, PageFeedback):
        items = [
            repo.answer(
                "page",
                now,
                {
                    "page": feedback.page,
                    "language": feedback.language,
                    "helpful": feedback.helpful,
                    "comment": feedback.comment,
                },
            ),
            dynamo.add_counters(
                *keys.guide_counters(f"{now:%Y-%m}", feedback.language, feedback.page),
                {"helpful_yes" if feedback.helpful else "helpful_no": 1},
            ),
        ]
    elif isinstance(feedback, ServiceFeedback):
        items = _service_items(feedback, now)
    else:
        items = _need_items(feedback, now)
    named = {f"item{i}": item for i, item in enumerate(items)}
    named["proof"] = proof.used(proof_id, now.timestamp())
    named["allowance"], window = ratelimit.count_item(
        "feedback", source, get_settings().feedback_per_source, now.timestamp()
    )
    try:
        dynamo.transact(named)
    except dynamo.TransactionFailed as failed:
        if "item0" in failed.names and repo.stored(items[0]):
            # Our item is there (its key is random): a retry of a transaction that went through after
            # its answer was lost (DynamoDB Local ignores the ClientRequestToken that prevents this).
            return Received(kind=feedback.kind, received_at=now.isoformat())
        if "proof" in failed.names:
            raise BadRequest(
                "X-Proof: this challenge was already used. Get a new one.", code="proof_used", field="X-Proof"
            ) from None
        if isinstance(feedback, ServiceFeedback) and "item1" in failed.names:
            raise Conflict(
                "Feedback for this appointment was already given. Thank you.", code="feedback_given", field="reference"
            ) from None
        if "allowance" in failed.names:
            raise window.refused(
                "Too much feedback from this connection in a short time. Wait a few minutes and send it again.",
                now.timestamp(),
            ) from None
        raise
    return Received(kind=feedback.kind, received_at=now.isoformat())


def _service_items(feedback: ServiceFeedback, now: datetime) -> list[dict[str, Any]]:
    reference = normalise_reference(feedback.reference)
    booking = bookings.stored_booking(reference) if reference else None
    if (
        reference is None
        or booking is None
        or booking.get("status") not in ("confirmed", "attended")
        or not booking.get("starts_at")
    ):
        raise NotFound("No appointment matches this reference.", code="appointment_not_found", field="reference")
    month = datetime.fromisoformat(booking["starts_at"]).strftime("%Y-%m")
    counters = {"feedback": 1, "rating_sum": feedback.rating, "delivered": int(feedback.delivered)}
    if feedback.waiting_minutes is not None:
        counters |= {"waiting_reported": 1, "waiting_minutes_sum": feedback.waiting_minutes}
    if feedback.helped_decide is not None:
        counters |= {"decision_answered": 1, "helped_decide": int(feedback.helped_decide)}
    return [
        repo.answer(
            "service",
            now,
            {
                "centre_id": booking["centre_id"],
                "service_id": booking["service_id"],
                "rating": feedback.rating,
                "delivered": feedback.delivered,
                "waiting_minutes": feedback.waiting_minutes,
                "helped_decide": feedback.helped_decide,
                "comment": feedback.comment,
            },
        ),
        repo.given_once(reference),
        dynamo.add_counters(
            keys.centre_counters(booking["centre_id"]), keys.service_month(month, booking["service_id"]), counters
        ),
    ]


def _need_items(feedback: NeedFeedback, now: datetime) -> list[dict[str, Any]]:
    if feedback.centre_id and get_catalogue().centre(feedback.centre_id) is None:
        raise BadRequest(
            f"centre_id: no centre has the id '{feedback.centre_id}'.", code="centre_unknown", field="centre_id"
        )
    base = keys.need_topic(f"{now:%Y-%m}", feedback.topic)
    items = [
        repo.answer(
            "need",
            now,
            {
                "topic": feedback.topic,
                "text": feedback.text,
                "language": feedback.language,
                "centre_id": feedback.centre_id,
                "age_band": feedback.age_band,
                "gender": feedback.gender,
            },
        ),
        dynamo.add_counters(keys.NEED_COUNTERS, base, {"count": 1}),
    ]
    items += [
        dynamo.add_counters(keys.NEED_COUNTERS, f"{base}{suffix}", {"count": 1})
        for suffix in keys.by_whom(feedback.gender, feedback.age_band)
    ]
    return items
