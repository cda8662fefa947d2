"""Wrong manage codes, counted per booking: whoever guesses (one source or a million) gets
`MANAGE_CODE_TRIES` wrong codes per booking and window (`MANAGE_CODE_LOCK_MINUTES`); past that,
every code for that booking, right or wrong, is refused with 429 until the window ends, and no
other booking is affected. A try is counted before the code is checked (a conditional update, so
concurrent guesses cannot all slip under the limit) and given back when the code was right, so the
owner opening their booking uses up nothing. The count lives in the booking's partition
(core/keys.py) and expires one window after it ends. The arithmetic: README, "Manage codes"."""

from __future__ import annotations

import time

from chalicelib.core import keys, ratelimit
from chalicelib.core.settings import get_settings


def window(reference: str, now: float | None = None) -> ratelimit.Window:
    length = get_settings().manage_code_lock_minutes * 60
    number = int((now or time.time()) // length)
    return ratelimit.Window("manage", *keys.manage_tries(reference, number), (number + 1) * length, length)


def reserve(reference: str, now: float | None = None) -> ratelimit.Window:
    """Count a try at `reference`'s manage code, or 429 `manage_code_locked` for that booking."""
    return ratelimit.reserve_in(
        window(reference, now),
        get_settings().manage_code_tries,
        "Too many wrong manage codes for this booking. Wait, then type the code again, or call the centre.",
        code="manage_code_locked",
        field="X-Manage-Code",
        now=now,
    )


def right_code(tried: ratelimit.Window) -> None:
    """The code was right: its try does not count."""
    ratelimit.refund(tried)
