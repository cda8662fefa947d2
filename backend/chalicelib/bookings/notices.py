"""What people are told when the centre changes their appointment: the seam the SMS work fills.

`cancelled_by_centre(booking)` is called once for each appointment or waiting entry a closure
cancelled, after its transaction succeeded (bookings/agenda.py). `booking` is the booking item as
stored (a dict with at least `reference`, `centre_id`, `service_id`, `language`, and `starts_at`
for an appointment; its status is not read). The booking's contact item is kept, so the notice can
read the phone number and consent. It never raises and never blocks the closure.

This branch keeps the body a no-op; the notifications work (issue 17) fills it: an SMS in the
booking's language, idempotent per booking, retried by its schedule.
"""

from __future__ import annotations

from typing import Any


def cancelled_by_centre(booking: dict[str, Any]) -> None:
    """Tell the person their appointment (or waiting entry) was cancelled by the centre."""
    del booking  # nothing is sent from this branch: issue 17 sends the SMS
