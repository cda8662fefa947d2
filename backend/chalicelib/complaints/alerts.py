"""E-mails that tell staff a case is waiting for them, and nothing of the case itself.

- A new complaint alerts the caseworkers of its centre (managers and administrators work cases
  too, but the alert goes to the `caseworker` group: they act on it); a referral alerts the
  caseworkers of the centre it was referred to. The e-mail says "A new case arrived at <centre>;
  open the console": no category, no words of the complaint, no complainant's data. An e-mail is
  read on phones, in shared inboxes, by mail providers.
- A restricted-lane complaint (sexual exploitation and abuse by staff) alerts only the focal
  points of that centre, and does not name its category either.
- A daily digest at 08:00 centre time lists the centre's overdue cases by number only, general
  lane to its caseworkers, restricted lane to its focal points, once a day (claimed).

The texts are in the five console languages in one e-mail (staff addresses carry no language).
Sending never breaks the filing: a failure is retried by the schedule (notifications/jobs.py).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib.centres.catalogue import get_catalogue
from chalicelib.complaints import repository as repo
from chalicelib.core import keys
from chalicelib.core.i18n import pick
from chalicelib.core.observability import logger
from chalicelib.core.settings import get_settings
from chalicelib.notifications import jobs
from chalicelib.notifications import repository as notices_repo
from chalicelib.notifications.senders import Outgoing, deliver
from chalicelib.notifications.staff import addresses

JOB = "staff-alert"
DIGEST_HOUR = 8
CONSOLE_LANGUAGES = ("en", "fr", "ru", "vi", "ar")
# Who acts on a lane's cases.
LANE_GROUP = {"general": "caseworker", "restricted": "focal_point"}

NEW_CASE = {
    "en": ("New case at {centre}", "A new case arrived at {centre}. Open the console: {console}"),
    "fr": ("Nouveau dossier à {centre}", "Un nouveau dossier est arrivé à {centre}. Ouvrez la console : {console}"),
    "ru": ("Новое обращение: {centre}", "В {centre} поступило новое обращение. Откройте консоль: {console}"),
    "vi": ("Hồ sơ mới tại {centre}", "Có một hồ sơ mới tại {centre}. Hãy mở bảng điều khiển: {console}"),
    "ar": ("حالة جديدة في {centre}", "وصلت حالة جديدة إلى {centre}. افتح لوحة التحكم: {console}"),
}
DIGEST = {
    "en": ("Overdue cases at {centre}", "Cases overdue at {centre}: {cases}. Open the console: {console}"),
    "fr": ("Dossiers en retard à {centre}", "Dossiers en retard à {centre} : {cases}. Ouvrez la console : {console}"),
    "ru": (
        "Просроченные обращения: {centre}",
        "Просроченные обращения в {centre}: {cases}. Откройте консоль: {console}",
    ),
    "vi": ("Hồ sơ quá hạn tại {centre}", "Hồ sơ quá hạn tại {centre}: {cases}. Hãy mở bảng điều khiển: {console}"),
    "ar": ("حالات متأخرة في {centre}", "حالات متأخرة في {centre}: {cases}. افتح لوحة التحكم: {console}"),
}


def now_utc() -> datetime:
    return datetime.now(UTC)


def _centre_names(centre_id: str | None) -> dict[str, str]:
    centre = get_catalogue().centre(centre_id) if centre_id else None
    if centre is None:
        return dict.fromkeys(CONSOLE_LANGUAGES, "Passerelle")
    return {lang: pick(centre.name, lang) for lang in CONSOLE_LANGUAGES}


def _console() -> str:
    return get_settings().site_url.rstrip("/") + "/staff/"


def _email(texts: dict[str, tuple[str, str]], to: list[str], template: str, **values: str) -> Outgoing:
    names = _centre_names(values.pop("centre_id", None))
    subject = texts["en"][0].format(centre=names["en"])
    body = "\n\n".join(
        texts[lang][1].format(centre=names[lang], console=_console(), **values) for lang in CONSOLE_LANGUAGES
    )
    return Outgoing("email", tuple(to), body, template=template, subject=subject)


def _recipients(centre_id: str | None, lane: str) -> list[str]:
    """Who acts on a case at `centre_id`. A case filed without a centre is for the administrators
    (general lane) and every focal point (restricted lane), as the console shows it (triage.can_see)."""
    if centre_id is not None:
        return addresses(LANE_GROUP[lane], centre_id)
    if lane == "restricted":
        return addresses("focal_point", None, anywhere=True)
    return addresses("admin", None)


def _alert(centre_id: str | None, lane: str) -> jobs.Outcome:
    to = _recipients(centre_id, lane)
    if not to:
        logger.info("no staff to alert", extra={"lane": lane})
        return "done"
    template = "staff_alert_restricted" if lane == "restricted" else "staff_alert"
    return "done" if deliver(_email(NEW_CASE, to, template, centre_id=centre_id or "")) else "retry"


def new_case(complaint_id: str, centre_id: str | None, lane: str) -> None:
    """A complaint was filed (or referred to `centre_id`): alert who acts on it there. Never raises."""
    try:
        outcome = _alert(centre_id, lane)
    except Exception:  # the directory or the table did not answer: try again later
        logger.exception("staff alert not sent")
        outcome = "retry"
    if outcome == "done":
        return
    try:
        now = now_utc()
        payload = {"centre_id": centre_id or "", "lane": lane}
        jobs.retry(JOB, f"alert:{complaint_id}:{centre_id}", payload, 0, now, int(now.timestamp()) + 86400)
    except Exception:
        logger.exception("staff alert not queued")


@jobs.handles(JOB)
def _retry_alert(payload: dict[str, Any], now: datetime) -> jobs.Outcome:
    return _alert(payload.get("centre_id") or None, str(payload["lane"]))


# ---- the 08:00 digest ---------------------------------------------------------------------------


def _overdue(meta: dict[str, Any], today: date) -> bool:
    if meta.get("status") in ("closed", "resolved"):
        return False
    if meta.get("status") == "new" and today > date.fromisoformat(meta["acknowledge_by"]):
        return True
    return today > date.fromisoformat(meta["answer_by"])


def overdue_cases(centre_id: str, lane: str, today: date) -> list[str]:
    """The ids of a centre's overdue cases in a lane, its own and those referred to it (its queue:
    one query, then the referred cases read by key), oldest first."""
    entries = repo.queue(lane, centre_id)
    cases = [e for e in entries if e["SK"] == keys.CASE]
    referred = {e["complaint_id"] for e in entries if e["SK"].startswith(keys.REFERRAL)} - {c["id"] for c in cases}
    cases += repo.metas(referred)
    cases.sort(key=lambda c: str(c.get("submitted_at", "")))
    return [str(c["id"]) for c in cases if c.get("lane") == lane and _overdue(c, today)]


def send_digests(now: datetime | None = None) -> int:
    """For each centre where it is 08:00-08:59 now: the day's digest, once. The number sent."""
    now = now or now_utc()
    sent = 0
    for centre in get_catalogue().centres:
        local = now.astimezone(ZoneInfo(centre.timezone))
        if local.hour != DIGEST_HOUR:
            continue
        expires = int((now + timedelta(days=3)).timestamp())
        if not notices_repo.claim_digest(centre.id, local.date(), expires):
            continue
        for lane, group in LANE_GROUP.items():
            cases = overdue_cases(centre.id, lane, local.date())
            to = addresses(group, centre.id)
            if cases and to:
                numbers = ", ".join(f"#{case}" for case in cases)
                sent += deliver(_email(DIGEST, to, f"digest_{lane}", centre_id=centre.id, cases=numbers))
    return sent
