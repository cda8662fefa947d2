"""The SMS a booked person receives, if they gave a phone and ticked the consent box.

    booked(item)                confirmation now, and a reminder SMS_REMINDER_HOURS before
    moved(item)                 the new time now, and a reminder before it
    offered(reference)          a seat from the waiting list is held for them
    cancelled_by_centre(item)   the centre closed that day (bookings/agenda.py calls it after
                                its write: the seam of /work/briefs/i17-seam.md)

Each is in the booking's language, names the centre and the local time in its zone, the reference
and the manage page's short address (notifications/templates.py), never the manage code.

Sending never blocks or breaks the action: these functions never raise. Each SMS is claimed once
(an item beside the booking, core/keys.py: `sms_sent`): an idempotent retry of the booking, or two
runs of the schedule, send nothing twice. If the provider does not take it, a job retries it
(notifications/jobs.py). The phone is read from the booking's contact when the SMS goes, never
copied: a reminder due after the contact was deleted (a cancellation, its retention) finds no
phone and sends nothing. A phone that replied STOP gets nothing more until START.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib.bookings import repository as repo
from chalicelib.centres.catalogue import get_catalogue
from chalicelib.centres.models import Centre
from chalicelib.core import cldr
from chalicelib.core.codes import format_reference
from chalicelib.core.i18n import pick, resolve_language
from chalicelib.core.observability import logger
from chalicelib.core.secrets import keyed_hash
from chalicelib.core.settings import get_settings
from chalicelib.notifications import jobs
from chalicelib.notifications import repository as notices_repo
from chalicelib.notifications.senders import Outgoing, deliver
from chalicelib.notifications.templates import (
    TIME_SKELETON,
    Kind,
    book_link,
    get_notifications,
    manage_link,
)

# The keyed hash a phone's STOP is kept under (never the number).
OPT_OUT_PURPOSE = "sms-opt-out"
JOB = "sms"
# The SNS topic End User Messaging SMS publishes replies to (infra/template.yaml, SmsInboundTopic).
INBOUND_TOPIC = "passerelle-sms-inbound"
DAY = 86400


def now_utc() -> datetime:
    return datetime.now(UTC)


# ---- what the SMS says ------------------------------------------------------------------------


def appointment_time(lang: str, at: datetime, timezone: str) -> str:
    """The day and time as the SMS writes them: CLDR's MMMEd skeleton and the short time, joined
    the language's way, in the centre's zone ("Sat, Dec 5, 9:30 AM")."""
    data = cldr.locale_data(lang)
    day = cldr.format_date(lang, at, skeleton=TIME_SKELETON, tz=timezone)
    hour = cldr.format_time(lang, at, "short", tz=timezone)
    glue = str(data["dateTime"]["medium"]).replace("'", "")
    return glue.replace("{1}", "\x00").replace("{0}", hour).replace("\x00", day)


def _values(kind: Kind, item: dict[str, Any], centre: Centre, lang: str) -> dict[str, str]:
    site = get_settings().site_url
    start = datetime.fromisoformat(item["starts_at"])
    values = {
        "centre": pick(centre.name, lang),
        "city": pick(centre.city, lang),
        "time": appointment_time(lang, start, centre.timezone),
        "reference": format_reference(item["reference"]),
    }
    if kind == "cancelled":
        return values | {"book_link": book_link(site, lang)}
    values["manage_link"] = manage_link(site, lang)
    if kind == "offered" and item.get("hold_expires_at"):
        hold = datetime.fromisoformat(item["hold_expires_at"])
        values["until"] = cldr.format_time(lang, hold, "short", tz=centre.timezone)
    return values


def _phone(reference: str) -> str | None:
    """The phone to send to: given with the booking, consent ticked, and no STOP since."""
    contact = repo.contacts([reference]).get(reference)
    phone = contact.get("phone") if contact and contact.get("sms_consent") else None
    if not phone or notices_repo.opted_out(keyed_hash(OPT_OUT_PURPOSE, phone)):
        return None
    return str(phone)


def _still_true(kind: Kind, item: dict[str, Any], stamp: str) -> bool:
    """Whether the SMS still says something true when it goes (a reminder of a cancelled or moved
    booking, an offer already expired, say nothing)."""
    status = item.get("status")
    if kind in ("confirmed", "reminder", "moved"):
        return status == "confirmed" and item.get("starts_at") == stamp
    if kind == "offered":
        return status == "offered" and item.get("starts_at") == stamp
    return kind == "cancelled"


def _compose(kind: Kind, item: dict[str, Any]) -> str | None:
    centre = get_catalogue().centre(item["centre_id"])
    if centre is None or not item.get("starts_at"):
        return None
    lang = resolve_language(item.get("language"))
    values = _values(kind, item, centre, lang)
    return get_notifications().compose(kind, lang, values, two_way=get_settings().sms_two_way).text


# ---- sending once -------------------------------------------------------------------------------


def _expires(item: dict[str, Any]) -> int:
    end = item.get("ends_at") or item.get("starts_at")
    anchor = datetime.fromisoformat(end) if end else now_utc()
    return int((anchor + timedelta(days=get_settings().booking_contact_ttl_days)).timestamp())


def _send(reference: str, kind: Kind, stamp: str, now: datetime, attempts: int) -> jobs.Outcome:
    """Try the SMS once; "retry" if the provider did not take it."""
    item = repo.get_booking(reference)
    if item is None or not _still_true(kind, item, stamp):
        notices_repo.mark_sms(reference, kind, stamp, "void", attempts)
        return "done"
    phone = _phone(reference)
    text = _compose(kind, item) if phone else None
    if phone is None or text is None:
        notices_repo.mark_sms(reference, kind, stamp, "no_consent", attempts)
        return "done"
    if deliver(Outgoing("sms", (phone,), text, template=kind)):
        notices_repo.mark_sms(reference, kind, stamp, "sent", attempts + 1)
        return "done"
    last = attempts >= len(jobs.RETRY_MINUTES)
    notices_repo.mark_sms(reference, kind, stamp, "failed" if last else "retrying", attempts + 1)
    return "retry"


def _job_id(reference: str, kind: Kind, stamp: str) -> str:
    return f"{kind}:{reference}:{stamp}"


def _notify(item: dict[str, Any], kind: Kind, stamp: str) -> None:
    """Claim this SMS for this booking and try it now; a failure is retried by the schedule."""
    reference = item["reference"]
    now = now_utc()
    if not notices_repo.claim_sms(reference, kind, stamp, now, _expires(item)):
        return  # sent already, or going: an idempotent retry, a second call
    if _send(reference, kind, stamp, now, 0) == "retry":
        payload = {"reference": reference, "kind": kind, "stamp": stamp}
        jobs.retry(JOB, _job_id(reference, kind, stamp), payload, 0, now, _expires(item))


def _guarded(what: str, action: Any, *args: Any) -> None:
    """Run a notification step; an error is logged (without data) and never reaches the person."""
    try:
        action(*args)
    except Exception:
        logger.exception("notification not queued", extra={"what": what})


def _schedule_reminder(item: dict[str, Any]) -> None:
    start = datetime.fromisoformat(item["starts_at"])
    due = start - timedelta(hours=get_settings().sms_reminder_hours)
    if due <= now_utc():
        return  # booked less than that ahead: the confirmation is the reminder
    stamp = item["starts_at"]
    payload = {"reference": item["reference"], "kind": "reminder", "stamp": stamp}
    jobs.schedule(JOB, _job_id(item["reference"], "reminder", stamp), due, payload, int(start.timestamp()))


def _contact_consents(item: dict[str, Any]) -> bool:
    contact = repo.contacts([item["reference"]]).get(item["reference"])
    return bool(contact and contact.get("phone") and contact.get("sms_consent"))


def _booked(item: dict[str, Any]) -> None:
    if not _contact_consents(item):
        return
    _notify(item, "confirmed", item["starts_at"])
    _schedule_reminder(item)


def _moved(item: dict[str, Any]) -> None:
    if not _contact_consents(item):
        return
    _notify(item, "moved", item["starts_at"])
    _schedule_reminder(item)


def booked(item: dict[str, Any]) -> None:
    """A booking with a time was made (its item as stored)."""
    _guarded("booked", _booked, item)


def moved(item: dict[str, Any]) -> None:
    """A booking moved to a new time (its item with the new `starts_at`)."""
    _guarded("moved", _moved, item)


def offered(reference: str) -> None:
    """A seat freed is held for this waiting person."""

    def run() -> None:
        item = repo.get_booking(reference)
        if item is not None and item.get("starts_at") and _contact_consents(item):
            _notify(item, "offered", item["starts_at"])

    _guarded("offered", run)


def cancelled_by_centre(booking: dict[str, Any]) -> None:
    """The centre cancelled this booking (a closure entered by a manager). `booking`: the booking
    item as stored (reference, centre_id, language, starts_at). Call after the write; never raises;
    a second call for the same booking sends nothing more."""

    def run() -> None:
        if booking.get("starts_at") and _contact_consents(booking):
            _notify(booking, "cancelled", "centre")

    _guarded("cancelled_by_centre", run)


@jobs.handles(JOB)
def _run_job(payload: dict[str, Any], now: datetime) -> jobs.Outcome:
    """A reminder come due, or a retry. A reminder is claimed here, when it goes."""
    reference, kind, stamp = payload["reference"], payload["kind"], payload["stamp"]
    attempts = int(payload.get("attempts", 0))
    if kind == "reminder" and attempts == 0 and not notices_repo.claim_sms(reference, kind, stamp, now, _far(now)):
        return "done"
    return _send(reference, kind, stamp, now, attempts)


def _far(now: datetime) -> int:
    return int((now + timedelta(days=get_settings().booking_contact_ttl_days + 2)).timestamp())


# ---- STOP and START -----------------------------------------------------------------------------

STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "ARRET", "ARRÊT", "СТОП"})
START_WORDS = frozenset({"START", "UNSTOP", "YES"})


def _language_of(phone: str) -> str:
    """The language of the phone's latest booking still held (its phone tokens), else English."""
    phone_hash = keyed_hash(repo.PHONE_PURPOSE, phone)
    limit = get_settings().booking_max_upcoming_per_phone
    for token in range(limit, 0, -1):
        holder = repo.phone_token_holder(phone_hash, token)
        item = repo.get_booking(holder) if holder else None
        if item is not None:
            return resolve_language(item.get("language"))
    return "en"


def inbound(phone: str, text: str, now: datetime | None = None) -> str | None:
    """A reply to one of our SMS: STOP puts the phone on the opt-out list (kept by a keyed hash),
    START takes it off; each is answered once, in the language of the phone's booking. Anything
    else is ignored (nobody reads replies). Returns the kind answered, if any."""
    word = text.strip().upper().split()[0] if text.strip() else ""
    phone_hash = keyed_hash(OPT_OUT_PURPOSE, phone)
    if word in STOP_WORDS:
        notices_repo.opt_out(phone_hash, now or now_utc())
        kind: Kind = "stopped"
    elif word in START_WORDS:
        notices_repo.opt_in(phone_hash)
        kind = "started"
    else:
        return None
    body = get_notifications().compose(kind, _language_of(phone), {}).text
    deliver(Outgoing("sms", (phone,), body, template=kind))
    return kind


def local_day(centre: Centre, at: datetime) -> str:
    return at.astimezone(ZoneInfo(centre.timezone)).date().isoformat()
