"""Jobs due at a time: reminders, and retries of messages the provider did not take.

A job is an item in the partition of its UTC hour (core/keys.py: `due_hour`), holding what to do
and for whom (a booking reference, a centre), never a phone number or an address. The schedule
(`run_due`, every five minutes) queries the hours from LOOKBACK_HOURS ago to now, one query each:
never a scan. Each job is taken by deleting it under a condition, so runs that overlap never run a
job twice; a job whose handler says "retry" comes back later (RETRY_MINUTES), at most
len(RETRY_MINUTES) times.

The domains register what runs a job of their kind (bookings/notices.py: SMS; complaints/alerts.py:
staff e-mails), so this module needs none of them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from chalicelib.core import keys
from chalicelib.core.observability import logger
from chalicelib.notifications import repository as repo

Outcome = Literal["done", "retry"]
# What runs a job: its payload and the time of the run -> done (or nothing to do), or retry.
Handler = Callable[[dict[str, Any], datetime], Outcome]

LOOKBACK_HOURS = 3
# Minutes before each new try of a message the provider did not take.
RETRY_MINUTES = (5, 15, 45, 120)

_handlers: dict[str, Handler] = {}


def handles(job: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _handlers[job] = handler
        return handler

    return register


def schedule(job: str, job_id: str, at: datetime, payload: dict[str, Any], expires_at: int, attempts: int = 0) -> None:
    """Run `job` with `payload` once `at` has come; forgotten at `expires_at` if never run."""
    repo.put_job(at.astimezone(UTC), job_id, job, payload, attempts, expires_at)


def retry(job: str, job_id: str, payload: dict[str, Any], attempts: int, now: datetime, expires_at: int) -> bool:
    """Queue try number `attempts + 1`; False once every try was used (the caller records failure)."""
    if attempts >= len(RETRY_MINUTES):
        return False
    at = now + timedelta(minutes=RETRY_MINUTES[attempts])
    schedule(job, job_id, at, payload, max(expires_at, int(at.timestamp()) + 3600), attempts + 1)
    return True


def run_due(now: datetime | None = None) -> int:
    """Run every job due by `now`; the number run."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    ran = 0
    hour = now.replace(minute=0, second=0, microsecond=0)
    for back in range(LOOKBACK_HOURS, -1, -1):
        for item in repo.due_jobs(hour - timedelta(hours=back), now):
            if not repo.take_job(item["PK"], item["SK"]):
                continue  # another run took it
            ran += 1
            _run(item, now)
    return ran


def _run(item: dict[str, Any], now: datetime) -> None:
    handler = _handlers.get(str(item.get("job")))
    if handler is None:
        logger.error("job without handler", extra={"job": item.get("job")})
        return
    attempts = int(item.get("attempts", 0))
    payload = {**dict(item.get("payload") or {}), "attempts": attempts}
    try:
        outcome = handler(payload, now)
    except Exception:  # a bug or the table down: the job is tried again, the others still run
        logger.exception("job failed", extra={"job": item["job"]})
        outcome = "retry"
    payload.pop("attempts")
    if outcome == "retry":
        job_id = keys.due_job_id(item["SK"])
        if not retry(item["job"], job_id, payload, attempts, now, int(item.get("expires_at", 0))):
            logger.warning("job given up", extra={"job": item["job"], "attempts": attempts + 1})
