"""Feedback is stored with no identifying metadata, and the counters dashboards read are updated in
the same transaction as the item, so they always agree.

Keys:
- item     PK=FEEDBACK#<kind>#<yyyy-mm>  SK=<received at>#<id>   (the text, for review)
- once     PK=FEEDBACK#BOOKING#<ref>     SK=FEEDBACK             (one service feedback per booking)
- counters PK=STATS#PAGE#<path>           SK=LANG#<lang>                         helpful_yes / helpful_no
           PK=STATS#CENTRE#<centre>       SK=MONTH#<yyyy-mm>#SERVICE#<service>   feedback, rating_sum, ...
           PK=STATS#NEEDS                 SK=MONTH#<yyyy-mm>#TOPIC#<topic>[#GENDER#..|#AGE#..]  count
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from chalicelib.bookings import repository as bookings_repo
from chalicelib.centres.catalogue import get_catalogue
from chalicelib.core import dynamo
from chalicelib.core.codes import normalise_reference
from chalicelib.core.errors import BadRequest, Conflict, NotFound
from chalicelib.feedback.models import NeedFeedback, PageFeedback, Received, ServiceFeedback


def now_utc() -> datetime:
    return datetime.now(UTC)


def _add(pk: str, sk: str, amounts: dict[str, int]) -> dict[str, Any]:
    """Atomically add to counters (created at zero on first use)."""
    names = {f"#c{i}": name for i, name in enumerate(amounts)}
    values = {f":v{i}": {"N": str(amount)} for i, amount in enumerate(amounts.values())}
    return {"Update": {
        "TableName": dynamo.table(), "Key": {"PK": {"S": pk}, "SK": {"S": sk}},
        "UpdateExpression": "ADD " + ", ".join(f"#c{i} :v{i}" for i in range(len(amounts))),
        "ExpressionAttributeNames": names, "ExpressionAttributeValues": values,
    }}


def _item(kind: str, now: datetime, fields: dict[str, Any]) -> dict[str, Any]:
    return dynamo.put_new({"PK": f"FEEDBACK#{kind}#{now:%Y-%m}", "SK": f"{now.isoformat()}#{uuid.uuid4().hex[:8]}",
                           "type": "Feedback", "kind": kind, **fields})


def submit(feedback: PageFeedback | ServiceFeedback | NeedFeedback, proof_id: str) -> Received:
    now = now_utc()
    if isinstance(feedback, PageFeedback):
        items = [_item("page", now, {"page": feedback.page, "language": feedback.language,
                                     "helpful": feedback.helpful, "comment": feedback.comment}),
                 _add(f"STATS#PAGE#{feedback.page}", f"LANG#{feedback.language}",
                      {"helpful_yes" if feedback.helpful else "helpful_no": 1})]
    elif isinstance(feedback, ServiceFeedback):
        items = _service_items(feedback, now)
    else:
        items = _need_items(feedback, now)
    items.append(dynamo.put_new({"PK": f"PROOF#{proof_id}", "SK": "PROOF", "type": "UsedProof",
                                 "expires_at": int(now.timestamp()) + 900}))
    try:
        dynamo.transact(items)
    except dynamo.TransactionFailed as failed:
        if len(items) - 1 in failed.failed:
            raise BadRequest("X-Proof: this challenge was already used. Get a new one.", field="X-Proof") from None
        if isinstance(feedback, ServiceFeedback) and 1 in failed.failed:
            raise Conflict("Feedback for this appointment was already given. Thank you.", field="reference") from None
        raise
    return Received(kind=feedback.kind, received_at=now.isoformat())


def _service_items(feedback: ServiceFeedback, now: datetime) -> list[dict[str, Any]]:
    reference = normalise_reference(feedback.reference)
    booking = bookings_repo.get_booking(reference) if reference else None
    if booking is None or booking.get("status") != "confirmed" or not booking.get("starts_at"):
        raise NotFound("No appointment matches this reference.", field="reference")
    month = datetime.fromisoformat(booking["starts_at"]).strftime("%Y-%m")
    counters = {"feedback": 1, "rating_sum": feedback.rating, "delivered": int(feedback.delivered)}
    if feedback.waiting_minutes is not None:
        counters |= {"waiting_reported": 1, "waiting_minutes_sum": feedback.waiting_minutes}
    if feedback.helped_decide is not None:
        counters |= {"decision_answered": 1, "helped_decide": int(feedback.helped_decide)}
    return [
        _item("service", now, {"centre_id": booking["centre_id"], "service_id": booking["service_id"],
                               "rating": feedback.rating, "delivered": feedback.delivered,
                               "waiting_minutes": feedback.waiting_minutes, "helped_decide": feedback.helped_decide,
                               "comment": feedback.comment}),
        dynamo.put_new({"PK": f"FEEDBACK#BOOKING#{reference}", "SK": "FEEDBACK", "type": "FeedbackGiven"}),
        _add(f"STATS#CENTRE#{booking['centre_id']}", f"MONTH#{month}#SERVICE#{booking['service_id']}", counters),
    ]


def _need_items(feedback: NeedFeedback, now: datetime) -> list[dict[str, Any]]:
    if feedback.centre_id and get_catalogue().centre(feedback.centre_id) is None:
        raise BadRequest(f"centre_id: no centre has the id '{feedback.centre_id}'.", field="centre_id")
    base = f"MONTH#{now:%Y-%m}#TOPIC#{feedback.topic}"
    items = [_item("need", now, {"topic": feedback.topic, "text": feedback.text, "language": feedback.language,
                                 "centre_id": feedback.centre_id, "age_band": feedback.age_band,
                                 "gender": feedback.gender}),
             _add("STATS#NEEDS", base, {"count": 1})]
    if feedback.gender:
        items.append(_add("STATS#NEEDS", f"{base}#GENDER#{feedback.gender}", {"count": 1}))
    if feedback.age_band:
        items.append(_add("STATS#NEEDS", f"{base}#AGE#{feedback.age_band}", {"count": 1}))
    return items
