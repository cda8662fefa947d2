"""Complaint triage: who sees which case, the statuses, replies and notes, referrals between
centres, outcomes, and the audit trail every action (a view included) is written to.

Every change is one transaction: the case under a condition on the status the caller saw (409 if
someone else changed it meanwhile), its audit line and the dashboard counters it moves.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from chalicelib.auth.users import CASEWORK, MANAGEMENT, StaffUser
from chalicelib.centres.catalogue import get_catalogue
from chalicelib.centres.recruiters import find_agency
from chalicelib.complaints import alerts, attachments
from chalicelib.complaints import repository as repo
from chalicelib.complaints.models import (
    UPHELD_OUTCOMES,
    AgencyIn,
    Allowed,
    Case,
    CaseAgency,
    CaseChange,
    CaseMessage,
    CaseSummary,
    HistoryEntry,
    Note,
    OutcomeIn,
    OutcomeView,
    Queue,
    QueueQuery,
    Referral,
    ReferralIn,
    StatusChange,
)
from chalicelib.complaints.service import reply_item
from chalicelib.core import audit as audit_trail
from chalicelib.core import dynamo, keys
from chalicelib.core.errors import BadRequest, Conflict, Forbidden, NotFound
from chalicelib.core.settings import get_settings

# The statuses a case may move to from each status. "referred" is reached by a referral and
# "resolved" usually by recording the outcome; reopening a resolved or closed case is a manager's call.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "new": ("acknowledged", "in_progress"),
    "acknowledged": ("in_progress",),
    "in_progress": ("resolved",),
    "referred": ("in_progress", "resolved"),
    "resolved": ("closed", "in_progress"),
    "closed": ("in_progress",),
}
DONE = ("resolved", "closed")


def now_utc() -> datetime:
    return datetime.now(UTC)


def centre_name(centre_id: str | None) -> str | None:
    centre = get_catalogue().centre(centre_id) if centre_id else None
    return centre.name.get("en") if centre else None


# ---- who sees what ----------------------------------------------------------------------------


def _lane_role(user: StaffUser, lane: str) -> bool:
    return "focal_point" in user.roles if lane == "restricted" else user.has(CASEWORK)


def can_see(user: StaffUser, meta: dict[str, Any]) -> bool:
    """Own centres' cases and cases referred to them, in a lane the user's role opens. A case filed
    without a centre is for administrators (general lane) and focal points (restricted lane)."""
    if not _lane_role(user, meta["lane"]):
        return False
    if any(user.works_at(c) for c in meta.get("referred_to") or []):
        return True
    centre = meta.get("centre_id")
    if centre is None:
        return user.all_centres or meta["lane"] == "restricted"
    return user.works_at(centre)


def _case(user: StaffUser, complaint_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    items = repo.case_items(complaint_id) if len(complaint_id) == 32 and complaint_id.isalnum() else []
    meta = next((i for i in items if i["SK"] == keys.CASE), None)
    if meta is None:
        raise NotFound("No such complaint.", code="case_not_found", field="complaint_id")
    if not can_see(user, meta):
        raise Forbidden("This case belongs to another centre or lane.", code="case_forbidden")
    return meta, items


def _overdue(meta: dict[str, Any], today: date) -> str | None:
    if meta["status"] == "new" and today > date.fromisoformat(meta["acknowledge_by"]):
        return "acknowledge"
    if meta["status"] not in DONE and today > date.fromisoformat(meta["answer_by"]):
        return "answer"
    return None


def _summary(meta: dict[str, Any], now: datetime) -> CaseSummary:
    submitted = datetime.fromisoformat(meta["submitted_at"])
    assignee = (
        {"sub": meta["assignee_sub"], "name": meta.get("assignee_name") or ""} if meta.get("assignee_sub") else None
    )
    return CaseSummary(
        id=meta["id"],
        category=meta["category"],
        status=meta["status"],
        priority=meta.get("priority", "normal"),
        lane=meta["lane"],
        centre_id=meta.get("centre_id"),
        centre_name=centre_name(meta.get("centre_id")),
        country=meta["country"],
        language=meta["language"],
        submitted_at=submitted,
        acknowledge_by=meta["acknowledge_by"],
        answer_by=meta["answer_by"],
        overdue=_overdue(meta, now.date()),
        assignee=assignee,
        referred_to=list(meta.get("referred_to") or []),
        age_days=(now - submitted).days,
    )


# ---- the queue --------------------------------------------------------------------------------


def _default_lane(user: StaffUser) -> str:
    return "restricted" if "focal_point" in user.roles and not user.has(CASEWORK) else "general"


def queue(user: StaffUser, query: QueueQuery) -> Queue:
    lane = query.lane or _default_lane(user)
    if not _lane_role(user, lane):
        raise Forbidden("Your role does not open this lane.", code="lane_forbidden")
    if query.centre and not user.works_at(query.centre):
        raise Forbidden("You do not work for this centre.", code="centre_forbidden")
    if query.assigned == "me":
        entries = repo.assigned_to(user.sub)
    else:
        centres: list[str | None] = [query.centre] if query.centre else list(user.centre_ids())
        if not query.centre and (user.all_centres or lane == "restricted"):
            centres.append(None)  # cases filed without a centre
        entries = [entry for centre in centres for entry in repo.queue(lane, centre)]
    found = {e["id"]: e for e in entries if e["SK"] == keys.CASE}
    referred = {e["complaint_id"] for e in entries if e["SK"].startswith(keys.REFERRAL)} - set(found)
    found |= {m["id"]: m for m in repo.metas(referred)}
    now = now_utc()
    cases = [_summary(m, now) for m in found.values() if m["lane"] == lane and can_see(user, m)]
    cases = [c for c in cases if _matches(c, query)]
    order = {
        "oldest": lambda c: c.submitted_at,
        "newest": lambda c: -c.submitted_at.timestamp(),
        "deadline": lambda c: c.acknowledge_by if c.status == "new" else c.answer_by,
    }
    cases.sort(key=order[query.sort])
    return Queue(complaints=cases, count=len(cases))


def _matches(case: CaseSummary, query: QueueQuery) -> bool:
    if query.status is None and case.status == "closed":
        return False  # closed cases only when asked for
    checks = [
        query.status is None or case.status == query.status,
        query.category is None or case.category == query.category,
        query.priority is None or case.priority == query.priority,
        query.centre is None or case.centre_id == query.centre or query.centre in case.referred_to,
        query.overdue is None or (case.overdue is not None) == (query.overdue == "true"),
        query.older_than_days is None or case.age_days >= query.older_than_days,
    ]
    return all(checks)


# ---- one case ---------------------------------------------------------------------------------


def _allowed(user: StaffUser, meta: dict[str, Any]) -> Allowed:
    status = meta["status"]
    statuses = [s for s in TRANSITIONS[status] if _may_set(user, meta, s)]
    open_case = status != "closed"
    return Allowed(
        statuses=statuses,
        reply=open_case,
        refer=open_case,
        close="closed" in statuses,
        audit=user.has(MANAGEMENT) or (meta["lane"] == "restricted" and "focal_point" in user.roles),
    )


def _may_set(user: StaffUser, meta: dict[str, Any], target: str) -> bool:
    """Closing and reopening are a manager's call; in the restricted lane, the focal point's."""
    if target != "closed" and meta["status"] not in DONE:
        return True
    return user.has(MANAGEMENT) if meta["lane"] == "general" else "focal_point" in user.roles


def _full(user: StaffUser, meta: dict[str, Any], items: list[dict[str, Any]]) -> Case:
    def at(item: dict[str, Any]) -> str:
        return str(item.get("at") or keys.stamped_at(item["SK"]))

    outcome = None
    if meta.get("outcome"):
        compensation = meta.get("compensation")
        outcome = OutcomeView(
            outcome=meta["outcome"], compensation=compensation, note=meta.get("outcome_note"), at=meta["outcome_at"]
        )
    return Case(
        **_summary(meta, now_utc()).model_dump(),
        description=meta["description"],
        against=meta.get("against"),
        agency=_case_agency(meta),
        when=meta.get("when"),
        woman_caseworker=bool(meta.get("woman_caseworker")),
        on_behalf=bool(meta.get("on_behalf")),
        phone=meta.get("phone"),
        messages=[
            CaseMessage(author=i["author"], text=i["text"], at=i["at"])
            for i in items
            if i["SK"].startswith(keys.MESSAGE)
        ],
        attachments=attachments.of_case(items),
        notes=[Note(author=i["author"], text=i["text"], at=i["at"]) for i in items if i["SK"].startswith(keys.NOTE)],
        history=[
            HistoryEntry(status=i["status"], at=at(i), by=i.get("by", ""))
            for i in items
            if i["SK"].startswith(keys.STATUS_CHANGE)
        ],
        referrals=[
            Referral(
                centre_id=i["centre_id"],
                centre_name=centre_name(i["centre_id"]) or i["centre_id"],
                note=i["note"],
                at=i["at"],
                by=i["by"],
            )
            for i in sorted((i for i in items if i["SK"].startswith(keys.REFERRAL)), key=at)
        ],
        outcome=outcome,
        allowed=_allowed(user, meta),
    )


def read(user: StaffUser, complaint_id: str) -> Case:
    meta, items = _case(user, complaint_id)
    audit_trail.append(keys.case_audit(complaint_id), user.username, "view", now_utc())
    return _full(user, meta, items)


def _reread(user: StaffUser, complaint_id: str) -> Case:
    meta, items = _case(user, complaint_id)
    return _full(user, meta, items)


def _guarded(
    meta: dict[str, Any],
    set_values: dict[str, Any],
    remove: tuple[str, ...] = (),
    expected: str | None = None,
    counted: bool = False,
) -> dict[str, Any]:
    """The case's update, on condition that its status is still the one this decision was made on
    (and, when it moves the agency counters, that they still count what this decision saw)."""
    seen = (meta.get("counted_as"),) if counted else None
    return repo.case_update(meta["id"], set_values, expected or meta["status"], remove, seen)


def _commit(items: list[dict[str, Any]]) -> None:
    try:
        repo.write(items)
    except dynamo.TransactionFailed as failed:
        if 0 in failed.failed:
            raise Conflict(
                "Someone changed this case meanwhile: it has been reloaded.", code="case_changed", field="status"
            ) from None
        raise


def _history(meta: dict[str, Any], status: str, by: str, at: datetime) -> dict[str, Any]:
    return repo.status_change(meta["id"], status, by, at)


def _moves(meta: dict[str, Any], new_status: str, now: datetime) -> tuple[dict[str, Any], dict[str, int]]:
    """What a status change sets on the case, and which counters it moves (acknowledgement counted once)."""
    values: dict[str, Any] = {"status": new_status, "updated_at": now.isoformat()}
    counters = {f"status_{meta['status']}": -1, f"status_{new_status}": 1}
    if meta["status"] == "new" and not meta.get("acknowledged_at"):
        days = (now - datetime.fromisoformat(meta["submitted_at"])).days
        values["acknowledged_at"] = now.isoformat()
        counters |= {"acknowledged": 1, f"ack_days_{min(days, keys.ACK_BUCKETS)}": 1}
    return values, counters


def change_status(user: StaffUser, complaint_id: str, change: StatusChange) -> Case:
    meta, _ = _case(user, complaint_id)
    if change.expected and change.expected != meta["status"]:
        raise Conflict(
            "Someone changed this case meanwhile: it has been reloaded.", code="case_changed", field="status"
        )
    if change.status not in TRANSITIONS[meta["status"]]:
        raise BadRequest(
            f"status: a case that is '{meta['status']}' cannot become '{change.status}'.",
            code="status_not_allowed",
            field="status",
        )
    if not _may_set(user, meta, change.status):
        raise Forbidden("Closing and reopening a case is for managers.", code="role_forbidden")
    now = now_utc()
    values, counters = _moves(meta, change.status, now)
    remove: tuple[str, ...] = ()
    expires = None
    if change.status == "closed":
        expires = int((now + timedelta(days=get_settings().complaint_retention_days)).timestamp())
        values |= {"closed_at": now.isoformat(), "expires_at": expires}
    elif meta["status"] == "closed":
        remove = ("closed_at", "expires_at")
    action = "reopen" if meta["status"] in DONE and change.status == "in_progress" else f"status:{change.status}"
    _commit(
        [
            _guarded(meta, values, remove, change.expected),
            _history(meta, change.status, user.username, now),
            audit_trail.line(
                keys.case_audit(complaint_id), user.username, action, now, f"{meta['status']} -> {change.status}"
            ),
            dynamo.add_counters(*repo.stats_key(meta), counters),
        ]
    )
    if change.status == "closed":
        # Closed cases are deleted `complaint_retention_days` later: every item gets the TTL, and
        # every evidence file a due deletion at the same moment (complaints/attachments.py).
        repo.stamp_expiry(complaint_id, expires)
        attachments.schedule_deletion(complaint_id, expires)
    elif meta["status"] == "closed":
        repo.stamp_expiry(complaint_id, None)
        attachments.schedule_deletion(complaint_id, None)
    return _reread(user, complaint_id)


def change_case(user: StaffUser, complaint_id: str, change: CaseChange) -> Case:
    meta, _ = _case(user, complaint_id)
    now = now_utc()
    values: dict[str, Any] = {}
    remove: tuple[str, ...] = ()
    details = []
    if change.priority is not None:
        values["priority"] = change.priority
        details.append(f"priority {meta.get('priority', 'normal')} -> {change.priority}")
    if change.assignee == "me":
        values |= {
            "assignee_sub": user.sub,
            "assignee_name": user.name,
            "GSI2PK": keys.assignee(user.sub),
            "GSI2SK": keys.queue_position(meta["submitted_at"], meta["id"]),
        }
        details.append(f"assigned to {user.username}")
    elif "assignee" in change.model_fields_set:
        remove = ("assignee_sub", "assignee_name", "GSI2PK", "GSI2SK")
        details.append("unassigned")
    if not details:
        raise BadRequest("Give a priority or an assignee.", code="change_required", field="body")
    _commit(
        [
            _guarded(meta, values | {"updated_at": now.isoformat()}, remove),
            audit_trail.line(keys.case_audit(complaint_id), user.username, "update", now, "; ".join(details)),
        ]
    )
    return _reread(user, complaint_id)


def _open(meta: dict[str, Any]) -> None:
    if meta["status"] == "closed":
        raise Conflict("This case is closed: reopen it first.", code="case_closed", field="status")


def reply(user: StaffUser, complaint_id: str, text: str) -> Case:
    """A reply the complainant reads with the receipt (complaints.service writes it)."""
    meta, _ = _case(user, complaint_id)
    _open(meta)
    now = now_utc()
    _commit(
        [
            _guarded(meta, {"updated_at": now.isoformat()}),
            reply_item(complaint_id, text, now),
            audit_trail.line(keys.case_audit(complaint_id), user.username, "reply", now),
        ]
    )
    return _reread(user, complaint_id)


def add_note(user: StaffUser, complaint_id: str, text: str) -> Case:
    meta, _ = _case(user, complaint_id)
    now = now_utc()
    note = repo.note(complaint_id, user.name, text, now)
    _commit(
        [
            _guarded(meta, {"updated_at": now.isoformat()}),
            note,
            audit_trail.line(keys.case_audit(complaint_id), user.username, "note", now),
        ]
    )
    return _reread(user, complaint_id)


def refer(user: StaffUser, complaint_id: str, referral: ReferralIn) -> Case:
    """Refer to another centre (an origin and a destination country working one case): the case
    enters that centre's queue, and the status becomes 'referred'."""
    meta, _ = _case(user, complaint_id)
    _open(meta)
    if get_catalogue().centre(referral.centre_id) is None:
        raise BadRequest(
            f"centre_id: no centre has the id '{referral.centre_id}'.", code="centre_unknown", field="centre_id"
        )
    if referral.centre_id == meta.get("centre_id") or referral.centre_id in (meta.get("referred_to") or []):
        raise Conflict("The case is already with this centre.", code="already_with_centre", field="centre_id")
    now = now_utc()
    values, counters = _moves(meta, "referred", now) if meta["status"] != "referred" else ({}, {})
    values |= {"referred_to": [*(meta.get("referred_to") or []), referral.centre_id], "updated_at": now.isoformat()}
    items = [
        _guarded(meta, values),
        repo.referral(meta, referral.centre_id, referral.note, user.name, now),
        audit_trail.line(keys.case_audit(complaint_id), user.username, "refer", now, referral.centre_id),
    ]
    if meta["status"] != "referred":
        items.append(_history(meta, "referred", user.username, now))
        items.append(dynamo.add_counters(*repo.stats_key(meta), counters | {"referred": 1}))
    _commit(items)
    alerts.new_case(complaint_id, referral.centre_id, meta["lane"])  # the centre it now is with
    return _reread(user, complaint_id)


def record_outcome(user: StaffUser, complaint_id: str, outcome: OutcomeIn) -> Case:
    """The outcome (and any compensation recovered) resolves the case; recording it again replaces
    the earlier one in the counters too."""
    meta, _ = _case(user, complaint_id)
    _open(meta)
    now = now_utc()
    values, counters = _moves(meta, "resolved", now) if meta["status"] != "resolved" else ({}, {})
    compensation = outcome.compensation.model_dump(mode="json") if outcome.compensation else None
    values |= {
        "outcome": outcome.outcome,
        "compensation": compensation,
        "outcome_note": outcome.note,
        "outcome_at": now.isoformat(),
        "updated_at": now.isoformat(),
    }
    delta = {name: Decimal(amount) for name, amount in counters.items()}

    def bump(name: str, amount: Decimal | int | str) -> None:
        delta[name] = delta.get(name, Decimal(0)) + Decimal(amount)

    bump(f"outcome_{outcome.outcome}", 1)
    if meta.get("outcome"):  # recorded again: the earlier outcome leaves the counters
        bump(f"outcome_{meta['outcome']}", -1)
        if meta.get("compensation"):
            bump(f"comp_{meta['compensation']['currency']}", -Decimal(str(meta["compensation"]["amount"])))
            bump(f"comp_n_{meta['compensation']['currency']}", -1)
    if outcome.compensation:
        bump(f"comp_{outcome.compensation.currency}", outcome.compensation.amount)
        bump(f"comp_n_{outcome.compensation.currency}", 1)
    amounts = {name: str(amount) for name, amount in delta.items() if amount != 0}
    values["counted_as"] = counted_as(meta | values)
    items = [
        _guarded(
            meta,
            {k: v for k, v in values.items() if v is not None},
            tuple(k for k, v in values.items() if v is None and meta.get(k) is not None),
            counted=True,
        ),
        audit_trail.line(keys.case_audit(complaint_id), user.username, "outcome", now, outcome.outcome),
    ]
    if meta["status"] != "resolved":
        items.append(_history(meta, "resolved", user.username, now))
    if amounts:
        items.append(dynamo.add_counters(*repo.stats_key(meta), amounts))
    items += agency_counter_moves(meta.get("counted_as"), values["counted_as"])
    _commit(items)
    return _reread(user, complaint_id)


# ---- the agency a case names --------------------------------------------------------------------


def counted_as(meta: dict[str, Any]) -> str | None:
    """What a case counts in the recruiters' figures (`<agency>|<year received>|<category>`): only a
    general-lane case that staff upheld against an agency they confirmed. An allegation (the
    agency the complainant picked, unconfirmed) and the restricted lane never count."""
    if meta["lane"] != "general" or not meta.get("agency_confirmed") or not meta.get("agency_id"):
        return None
    if meta.get("outcome") not in UPHELD_OUTCOMES:
        return None
    return f"{meta['agency_id']}|{meta['submitted_at'][:4]}|{meta['category']}"


def agency_counter_moves(before: str | None, after: str | None) -> list[dict[str, Any]]:
    """The counter updates that take a case from what it counted to what it counts now, written
    in the same transaction as the change (a correction takes the count back from the first row)."""
    if before == after:
        return []
    moves = []
    for tally, amount in ((before, -1), (after, 1)):
        if tally:
            agency_id, year, category = tally.split("|")
            moves.append(dynamo.add_counters(*keys.recruiter_year(agency_id, year), {f"upheld_{category}": amount}))
    return moves


def _case_agency(meta: dict[str, Any]) -> CaseAgency | None:
    claimed, confirmed = meta.get("agency_claimed"), bool(meta.get("agency_confirmed"))
    if not claimed and not confirmed:
        return None
    agency_id = meta.get("agency_id") if confirmed else claimed
    found = find_agency(agency_id) if agency_id else None
    country, agency = found if found else (None, None)
    return CaseAgency(
        id=agency_id,
        name_latin=agency.name_latin if agency else None,
        name_local=agency.name_local if agency else None,
        country=country.country if country else None,
        status=agency.status if agency else None,
        claimed_id=claimed,
        confirmed=confirmed,
        counted=bool(meta.get("counted_as")),
    )


def set_agency(user: StaffUser, complaint_id: str, change: AgencyIn) -> Case:
    """Staff confirm the agency the complainant picked, correct it, or find it is on no list (null).
    One transaction: the case, its audit line and, if the case is upheld, the agency counters."""
    meta, _ = _case(user, complaint_id)
    _open(meta)
    if change.agency_id is not None and find_agency(change.agency_id) is None:
        raise BadRequest(
            f"agency_id: no agency on the recruiters' lists has the id '{change.agency_id}'.",
            code="agency_unknown",
            field="agency_id",
        )
    now = now_utc()
    values: dict[str, Any] = {"agency_id": change.agency_id, "agency_confirmed": True, "updated_at": now.isoformat()}
    values["counted_as"] = counted_as(meta | values)
    before = meta.get("agency_id") if meta.get("agency_confirmed") else meta.get("agency_claimed")
    verb = "confirmed" if before == change.agency_id else f"{before or 'none'} ->"
    _commit(
        [
            _guarded(
                meta,
                {k: v for k, v in values.items() if v is not None},
                tuple(k for k, v in values.items() if v is None and meta.get(k) is not None),
                counted=True,
            ),
            audit_trail.line(
                keys.case_audit(complaint_id), user.username, "agency", now, f"{verb} {change.agency_id or 'none'}"
            ),
            *agency_counter_moves(meta.get("counted_as"), values["counted_as"]),
        ]
    )
    return _reread(user, complaint_id)


def attachment_file(user: StaffUser, complaint_id: str, attachment_id: str) -> tuple[bytes, str]:
    """The clean copy of a file on a case the user may see; each download is a line in the trail."""
    _, items = _case(user, complaint_id)
    found = attachments.find(items, attachment_id)
    data = attachments.content(found)
    audit_trail.append(keys.case_audit(complaint_id), user.username, "file", now_utc(), attachment_id)
    return data, found.media_type


def attachment_page(user: StaffUser, complaint_id: str, attachment_id: str, number: int) -> tuple[bytes, str]:
    """A document's page drawn as an image; each page view is a line in the trail."""
    _, items = _case(user, complaint_id)
    image, media_type = attachments.page(attachments.find(items, attachment_id), number)
    audit_trail.append(
        keys.case_audit(complaint_id), user.username, "file_page", now_utc(), f"{attachment_id} p{number}"
    )
    return image, media_type


def audit(user: StaffUser, complaint_id: str) -> audit_trail.AuditTrail:
    meta, _ = _case(user, complaint_id)
    if not _allowed(user, meta).audit:
        raise Forbidden("The audit trail is for managers (and focal points in their lane).", code="role_forbidden")
    trail = keys.case_audit(complaint_id)
    audit_trail.append(trail, user.username, "audit", now_utc())
    return audit_trail.read(trail)
