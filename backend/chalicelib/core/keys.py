"""Every key of the one DynamoDB table: partition, sort and index keys, and the counters' rows.

This module is the only code that joins key parts with `#` (a test greps for any other), and this
docstring is the one description of the layout. The table (infra/template.yaml) has generic
attributes `PK`/`SK`, two indexes `GSI1PK`/`GSI1SK` and `GSI2PK`/`GSI2SK`, a `type` attribute
naming the item's entity, and `expires_at` (TTL, Unix seconds). Dates are ISO (`2026-12-05`),
moments ISO with their offset, months `yyyy-mm`. `~` sorts after every character a key holds, so
`<prefix>#~` ends a range of keys that start with the prefix.

Bookings (bookings/)
    seat counter      CENTRE#<centre>          DAY#<local date>#SLOT#<service>#<HH:MM>   remaining, capacity
    staff exception   CENTRE#<centre>          DAY#<local date>#CLOSURE      hours (none: closed all day)
    waiting line      CENTRE#<centre>          WAIT#<service>#<date>#<joined at>#<reference>
    booking           BOOKING#<reference>      BOOKING
                      GSI1 CENTRE#<centre>#DAY#<local date> / <start>#<reference>  (the day's agenda)
                      GSI2 OFFERS / <offer held until>#<reference>              (offers only)
    contact           BOOKING#<reference>      CONTACT     phone, nickname; expires 30 days after
    place pointer     BOOKING#<reference>      HOLD        which places-held item and place to give back
    wrong codes       BOOKING#<reference>      TRIES#<window number>   count of wrong manage codes (bookings/tries.py)
    phone token       PHONE#<keyed hash>       TOKEN#<n>   held by one upcoming booking until it ends
    places held       HOLDS#<centre>#<source key of the day>   HOLDS   {place id: held until}, version

Notifications (notifications/, bookings/notices.py, complaints/alerts.py)
    SMS sent once     BOOKING#<reference>      SMS#<kind>#<stamp>   status, attempts; expires with the contact
    due job           DUE#<UTC hour>           <due at>#<job id>    a reminder or a retry to run then (no phone)
    SMS opt-out       OPTOUT#<keyed phone hash>   OPTOUT           a phone that replied STOP
    phone check       PHONECHECK#<keyed phone hash>   CODE         code hash, failures, locked until; short-lived
    verified phone    PHONECHECK#<keyed phone hash>   VERIFIED#<keyed token hash>   proof for one booking
    digest sent       DIGEST#<centre>          <local date>         the 08:00 e-mail went that day

Complaints (complaints/)
    case              COMPLAINT#<id>           META
                      GSI1 QUEUE#<lane>#<centre or ANY> / <submitted>#<id>       (a centre's queue)
                      GSI2 ASSIGNEE#<staff sub> / <submitted>#<id>               (when assigned)
    message           COMPLAINT#<id>           MSG#<at>#<n>       replies and the complainant's messages
    status change     COMPLAINT#<id>           STATUS#<at>        the status history
    internal note     COMPLAINT#<id>           NOTE#<at>#<n>      never shown to the complainant
    referral          COMPLAINT#<id>           REFERRAL#<centre>
                      GSI1 QUEUE#<lane>#<centre> / <submitted>#<id>    (the case in that centre's queue)
    receipt           RECEIPT#<keyed hash>     RECEIPT            complaint id; expires with access
    attachment        COMPLAINT#<id>           FILE#<attachment id>   kind, media type, bytes, pages, at, from

Evidence files (complaints/attachments.py): the clean copy is an object in the attachments bucket,
`files/<attachment id>` (a random id, never a name a user chose)
    upload            UPLOAD#<attachment id>   UPLOAD     kind, media type, bytes, pages; until attached
    due deletion      PURGE                    <due, UTC, to the second>#<attachment id>
                                               the object to delete then (an upload not attached
                                               within 24 h, or a closed case's file at the end of
                                               its retention): the sweep reads this range by key

Audit trails (core/audit.py): appended, never overwritten (IAM denies deleting `AUDIT#*`)
    a case's          AUDIT#<complaint id>     <at>#<n>
    a centre's        AUDIT#CENTRE#<centre>    <at>#<n>           check-ins, exceptions, reads of it

Feedback (feedback/)
    feedback          FEEDBACK#<kind>#<month>  <received at>#<n>  the text, for review
    given once        FEEDBACK#BOOKING#<reference>   FEEDBACK     one service feedback per booking

Counters: `ADD`ed in the transaction of the event they count, read by the dashboard (impact/)
    complaints        STATS#COMPLAINTS#<lane>#<centre or ANY>   MONTH#<month>
                          received, category_*, status_*, acknowledged, ack_days_<0..31>,
                          referred, outcome_*, comp_<currency>, comp_n_<currency>
    a centre's        STATS#CENTRE#<centre>    MONTH#<month>#SERVICE#<service>[<by whom>]
                          attended, no_show, feedback, rating_sum, delivered, waiting_*, ...
    guides            STATS#GUIDES             MONTH#<month>#LANG#<language>#PAGE#<path>
                          helpful_yes, helpful_no
    needs             STATS#NEEDS              MONTH#<month>#TOPIC#<topic>[<by whom>]   count
    <by whom>: rows beside each total, `#GENDER#<g>`, `#AGE#<band>`, `#GENDER#<g>#AGE#<band>`
    recruiters        STATS#RECRUITERS         AGENCY#<agency id>#YEAR#<year received>
                          upheld_<category>: general-lane complaints staff upheld against the
                          agency they confirmed (complaints/triage.py); one partition, one query

Recruiters' published figures (recruiters/)
    publication       PUBLISHED#RECRUITERS     FIGURES      counts of 5 or more only, when, period
    its audit trail   AUDIT#RECRUITERS         <at>#<n>     who published, what was withheld

Abuse limits and single use (core/)
    salt of a day     SALT#<day>               SALT         32 random bytes (core/sources.py)
    window            RATE#<scope>#<source key>   W#<window number>   count (core/ratelimit.py)
    used proof        PROOF#<challenge id>     PROOF        a solved challenge, used once
    idempotency       IDEMPOTENCY#<kind>       <Powertools' hash of the key>  (core/idempotency.py)

Two spellings are older than the names the code uses and are kept so that existing tables read
the same: a staff exception's sort key ends `#CLOSURE` (its `type` is `CentreException`), and a
places-held item's sort key is `HOLDS`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Literal

# ---- bookings ------------------------------------------------------------------------------------

BOOKING = "BOOKING"
CONTACT = "CONTACT"
PLACE_POINTER = "HOLD"
PLACES_HELD = "HOLDS"
OFFERS = "OFFERS"
_EXCEPTION = "CLOSURE"
_SLOT = "SLOT"


def centre(centre_id: str) -> str:
    """The partition of a centre's seat counters, staff exceptions and waiting lines."""
    return f"CENTRE#{centre_id}"


def seat_counter(day: date, service_id: str, hhmm: str) -> str:
    return f"DAY#{day.isoformat()}#{_SLOT}#{service_id}#{hhmm}"


def staff_exception(day: date) -> str:
    return f"DAY#{day.isoformat()}#{_EXCEPTION}"


def centre_days(first: date, last: date) -> tuple[str, str]:
    """The sort key range of a centre's seat counters and staff exceptions from `first` to `last`."""
    return f"DAY#{first.isoformat()}", f"DAY#{last.isoformat()}#~"


DayItem = tuple[date, Literal["seat_counter", "staff_exception", "other"], str, str]


def centre_day_item(sk: str) -> DayItem:
    """What a `DAY#` sort key holds: its day, the item's kind and, for a seat counter, the service
    and the time of its slot."""
    parts = sk.split("#")
    day = date.fromisoformat(parts[1])
    if parts[2] == _SLOT:
        return day, "seat_counter", parts[3], parts[4]
    return day, "staff_exception" if parts[2] == _EXCEPTION else "other", "", ""


def waiting_line(service_id: str, day: date, joined: datetime, reference: str) -> str:
    """In the order people joined: the first in line is the first key under `waiting_line_prefix`."""
    return f"{waiting_line_prefix(service_id, day)}{joined.isoformat()}#{reference}"


def waiting_line_prefix(service_id: str, day: date) -> str:
    return f"WAIT#{service_id}#{day.isoformat()}#"


def booking(reference: str) -> str:
    """The partition of a booking, its contact and its place pointer."""
    return f"BOOKING#{reference}"


def manage_tries(reference: str, number: int) -> tuple[str, str]:
    """A booking's count of wrong manage codes in one window (kept in the booking's partition)."""
    return booking(reference), f"TRIES#{number}"


def reference_of(booking_pk: str) -> str:
    return booking_pk.removeprefix("BOOKING#")


def agenda_day(centre_id: str, day: date) -> str:
    """GSI1: a centre's bookings on one local day."""
    return f"CENTRE#{centre_id}#DAY#{day.isoformat()}"


def by_time(at: datetime | str, reference: str) -> str:
    """GSI1SK of a booking and GSI2SK of an offer: in time order, then by reference."""
    return f"{at.isoformat() if isinstance(at, datetime) else at}#{reference}"


def booking_indexes(centre_id: str, start: datetime, reference: str) -> dict[str, str]:
    """The GSI1 attributes that put a booking on its centre's agenda for its day."""
    return {"GSI1PK": agenda_day(centre_id, start.date()), "GSI1SK": by_time(start, reference)}


def phone_token(phone_hash: str, token: int) -> tuple[str, str]:
    return f"PHONE#{phone_hash}", f"TOKEN#{token}"


def places_held(centre_id: str, source_key: str) -> str:
    return f"HOLDS#{centre_id}#{source_key}"


# ---- complaints ----------------------------------------------------------------------------------

CASE = "META"
RECEIPT = "RECEIPT"
MESSAGE = "MSG#"
STATUS_CHANGE = "STATUS#"
NOTE = "NOTE#"
REFERRAL = "REFERRAL#"
NO_CENTRE = "ANY"  # a complaint filed without a centre


def complaint(complaint_id: str) -> str:
    """The partition of a case and everything filed under it."""
    return f"COMPLAINT#{complaint_id}"


def queue(lane: str, centre_id: str | None) -> str:
    """GSI1: a lane's cases at a centre (its own and those referred to it), or filed without one."""
    return f"QUEUE#{lane}#{centre_id or NO_CENTRE}"


def queue_position(submitted_at: str, complaint_id: str) -> str:
    """GSI1SK and GSI2SK of a case: in the order cases came in."""
    return f"{submitted_at}#{complaint_id}"


def assignee(sub: str) -> str:
    """GSI2: the cases assigned to one member of staff."""
    return f"ASSIGNEE#{sub}"


def message(at: datetime, unique: str) -> str:
    return f"{MESSAGE}{at.isoformat()}#{unique}"


def status_change(at: datetime) -> str:
    return f"{STATUS_CHANGE}{at.isoformat()}"


def note(at: datetime, unique: str) -> str:
    return f"{NOTE}{at.isoformat()}#{unique}"


def referral(centre_id: str) -> str:
    return f"{REFERRAL}{centre_id}"


def stamped_at(sk: str) -> str:
    """The moment in a `STATUS#<at>`, `MSG#<at>#<n>` or `NOTE#<at>#<n>` sort key."""
    return sk.split("#")[1]


def receipt(receipt_hash: str) -> str:
    return f"RECEIPT#{receipt_hash}"


# ---- evidence files ------------------------------------------------------------------------------

ATTACHMENT = "FILE#"
UPLOAD = "UPLOAD"
PURGE = "PURGE"


def attachment(attachment_id: str) -> str:
    """A file's sort key in its case's partition."""
    return f"{ATTACHMENT}{attachment_id}"


def upload(attachment_id: str) -> str:
    """An upload's partition, until it is attached to a complaint (or deleted)."""
    return f"UPLOAD#{attachment_id}"


def attachment_object(attachment_id: str) -> str:
    """The clean copy's key in the attachments bucket."""
    return f"files/{attachment_id}"


def _moment(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def purge_entry(due: datetime, attachment_id: str) -> str:
    """A due deletion's sort key in the PURGE partition: in the order they fall due."""
    return f"{_moment(due)}#{attachment_id}"


def purge_until(now: datetime) -> str:
    """The end of the range of deletions due at `now` (inclusive)."""
    return f"{_moment(now)}#~"


# ---- audit trails --------------------------------------------------------------------------------


def case_audit(complaint_id: str) -> str:
    return f"AUDIT#{complaint_id}"


def centre_audit(centre_id: str) -> str:
    return f"AUDIT#CENTRE#{centre_id}"


RECRUITERS_AUDIT = "AUDIT#RECRUITERS"  # publications of the recruiters' figures


def audit_line(at: datetime, unique: str) -> str:
    return f"{at.isoformat()}#{unique}"


def audit_days(first: date, last: date) -> tuple[str, str]:
    """The sort key range of a trail's lines from `first` to `last` (whole days)."""
    return first.isoformat(), f"{last.isoformat()}~"


def audit_at(sk: str) -> str:
    return sk.split("#")[0]


# ---- feedback ------------------------------------------------------------------------------------

FEEDBACK_GIVEN = "FEEDBACK"


def feedback(kind: str, month: str) -> str:
    """A month's feedback of one kind (`page`, `service`, `need`): one query reads it."""
    return f"FEEDBACK#{kind}#{month}"


def feedback_line(at: datetime, unique: str) -> str:
    return f"{at.isoformat()}#{unique}"


def feedback_given(reference: str) -> str:
    return f"FEEDBACK#BOOKING#{reference}"


# ---- counters ------------------------------------------------------------------------------------

GUIDE_COUNTERS = "STATS#GUIDES"
NEED_COUNTERS = "STATS#NEEDS"
# Days to acknowledge a complaint are counted per day up to 30, then "31 or more"
# (`ack_days_31`): the dashboard's median needs no scan.
ACK_BUCKETS = 31


def complaint_counters(lane: str, centre_id: str | None, month: str) -> tuple[str, str]:
    """A lane's complaint counters for a centre (or none) and month: lanes never share a row, so
    no general-lane figure can include a restricted case."""
    return f"STATS#COMPLAINTS#{lane}#{centre_id or NO_CENTRE}", month_row(month)


def centre_counters(centre_id: str) -> str:
    return f"STATS#CENTRE#{centre_id}"


def service_month(month: str, service_id: str) -> str:
    return f"{month_row(month)}#SERVICE#{service_id}"


def guide_counters(month: str, language: str, page: str) -> tuple[str, str]:
    """Where a guide's helpfulness is counted: one partition, a month's rows read by one query."""
    return GUIDE_COUNTERS, f"{month_row(month)}#LANG#{language}#PAGE#{page}"


def need_topic(month: str, topic: str) -> str:
    return f"{month_row(month)}#TOPIC#{topic}"


RECRUITER_COUNTERS = "STATS#RECRUITERS"
PUBLISHED_RECRUITERS = ("PUBLISHED#RECRUITERS", "FIGURES")


def recruiter_year(agency_id: str, year: str) -> tuple[str, str]:
    """Where complaints upheld against an agency are counted, per year the complaints came in."""
    return RECRUITER_COUNTERS, f"AGENCY#{agency_id}#YEAR#{year}"


def recruiter_row(sk: str) -> tuple[str, str]:
    """(agency id, year) of a recruiter counter row (agency ids hold no `#`)."""
    _, agency_id, _, year = sk.split("#")
    return agency_id, year


def month_row(month: str) -> str:
    return f"MONTH#{month}"


def year_rows(year: int) -> tuple[str, str]:
    """The sort key range of a counter partition's rows in one calendar year."""
    return month_row(f"{year}-01"), f"{month_row(f'{year}-12')}#~"


def by_whom(gender: str | None, age_band: str | None) -> list[str]:
    """The suffixes of the counter rows beside a total that let dashboards filter by gender, age
    band or both (none when neither was given)."""
    rows = [f"#GENDER#{gender}"] if gender else []
    rows += [f"#AGE#{age_band}"] if age_band else []
    return rows + ([f"#GENDER#{gender}#AGE#{age_band}"] if gender and age_band else [])


def counter_month(sk: str) -> str:
    """The month of any counter row."""
    return sk.split("#")[1]


def service_row(sk: str) -> tuple[str, str] | None:
    """(month, service) of a centre's total row; None for its rows by gender or age band."""
    parts = sk.split("#")  # MONTH, m, SERVICE, s, [GENDER, g], [AGE, a]
    return (parts[1], parts[3]) if len(parts) == 4 else None


def guide_row(sk: str) -> tuple[str, str, str]:
    """(month, language, page) of a guide's row (a page's path may hold `#`: it comes last)."""
    _, month, _, language, _, page = sk.split("#", 5)
    return month, language, page


def need_row(sk: str) -> tuple[str, str, dict[str, str]]:
    """(month, topic, {"GENDER": g, "AGE": a} as far as the row is split by them)."""
    parts = sk.split("#")  # MONTH, m, TOPIC, t, [GENDER, g], [AGE, a]
    return parts[1], parts[3], dict(zip(parts[4::2], parts[5::2], strict=True))


# ---- abuse limits and single use ------------------------------------------------------------------

SALT = "SALT"
USED_PROOF = "PROOF"


def salt(day: date) -> tuple[str, str]:
    return f"SALT#{day.isoformat()}", SALT


def salt_day(salt_pk: str) -> str:
    return salt_pk.removeprefix("SALT#")


def rate_window(scope: str, source_key: str, number: int) -> tuple[str, str]:
    return f"RATE#{scope}#{source_key}", f"W#{number}"


def used_proof(proof_id: str) -> str:
    return f"PROOF#{proof_id}"


def idempotency(kind: str) -> str:
    """The partition Powertools keeps a kind of request's idempotency records in."""
    return f"IDEMPOTENCY#{kind}"


# ---- notifications -------------------------------------------------------------------------------

OPT_OUT = "OPTOUT"
PHONE_CODE = "CODE"
_DUE = "DUE"


def sms_sent(kind: str, stamp: str) -> str:
    """Beside a booking: the SMS of `kind` for this `stamp` (its time, or what it was about) went,
    or is going; a second attempt to send it finds this item and sends nothing."""
    return f"SMS#{kind}#{stamp}"


def due_hour(at: datetime) -> str:
    """The partition of the jobs due in one UTC hour: the schedule reads the hours that have come,
    never the whole table."""
    return f"{_DUE}#{at.strftime('%Y-%m-%dT%H')}"


def due_job(at: datetime, job_id: str) -> str:
    return f"{at.isoformat()}#{job_id}"


def due_job_id(sk: str) -> str:
    """The job id in a due job's sort key."""
    return sk.split("#", 1)[1]


def due_before(at: datetime) -> str:
    """The sort key bound of the jobs due by `at` in their hour."""
    return f"{at.isoformat()}#~"


def sms_opt_out(phone_hash: str) -> tuple[str, str]:
    return f"{OPT_OUT}#{phone_hash}", OPT_OUT


def phone_check(phone_hash: str) -> str:
    return f"PHONECHECK#{phone_hash}"


def verified_phone(token_hash: str) -> str:
    return f"VERIFIED#{token_hash}"


def digest_sent(centre_id: str, day: date) -> tuple[str, str]:
    return f"DIGEST#{centre_id}", day.isoformat()
