"""The dates and times the API accepts: from 2000-01-01 to 2099-12-31 (UTC).

Nothing the portal does lies outside that range (its records start with it; bookings look at most
a year ahead; staff periods and exceptions stay within decades). Refusing the rest in the models
keeps every later computation (a day more, a week of slots, a shift to a centre's time zone) far
from the years 1 and 9999, where Python's dates overflow: a far date is a 400 naming the field,
never a 500.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import AwareDatetime, Field

FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2099, 12, 31)
_RANGE = "between 2000-01-01 and 2099-12-31"

# A calendar day (YYYY-MM-DD) in the accepted range.
Day = Annotated[date, Field(ge=FIRST_DAY, le=LAST_DAY, description=f"A day {_RANGE}")]
# A moment with its UTC offset, in the accepted range.
Moment = Annotated[
    AwareDatetime,
    Field(
        ge=datetime(2000, 1, 1, tzinfo=UTC),
        lt=datetime(2100, 1, 1, tzinfo=UTC),
        description=f"A time with its UTC offset, {_RANGE}",
    ),
]


def day_in_range(value: date) -> bool:
    return FIRST_DAY <= value <= LAST_DAY
