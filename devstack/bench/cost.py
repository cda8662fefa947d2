"""What the portal costs to run on AWS, from figures measured by `make bench`.

Inputs measured on this machine: DynamoDB capacity units per API call (ReturnConsumedCapacity on
DynamoDB Local, which counts units as DynamoDB does), the handler's time per call (in process,
against DynamoDB Local) and the bytes and requests of a guide's first view. Prices are list prices
(infra/README.md says where and when); anything not measured is an assumption written here.
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.notifications.templates import Kind

# List prices, eu-west-1 (Ireland), USD, as published in 2025 (DynamoDB on-demand after the
# November 2024 price cut). Free tiers are left out: they would make most of this $0.
PRICES = {
    "dynamodb_write_unit": 0.7068 / 1e6,  # on-demand, per write request unit
    "dynamodb_read_unit": 0.1415 / 1e6,  # on-demand, per read request unit
    "lambda_gb_second": 0.0000166667,  # x86
    "lambda_request": 0.20 / 1e6,
    "api_gateway_request": 3.50 / 1e6,  # REST API, first 333 million a month
    "waf_request": 0.60 / 1e6,
    "cloudfront_gb": 0.085,  # Europe and North America; Asia and India cost up to ~40% more
    "cloudfront_request": 0.0120 / 1e4,  # HTTPS
    "logs_gb": 0.57,  # CloudWatch Logs ingestion
}
# Monthly, whatever the traffic: KMS key, 2 secrets, WAF web ACL and its rules, the alarms, and the
# waiting-list schedule (8,640 runs of about 50 ms, one query each). The counts are the template's
# (tests/unit/test_infra.py checks them).
WAF_RULES = 6
ALARMS = 8
FIXED_MONTHLY = {
    "KMS key": 1.00,
    "Secrets Manager secrets (server key, origin header)": 2 * 0.40,
    f"WAF web ACL + {WAF_RULES} rules": 5.00 + WAF_RULES * 1.00,
    f"CloudWatch alarms ({ALARMS})": ALARMS * 0.10,
    "waiting-list schedule": 8640 * (0.05 * 0.5 * 0.0000166667 + 0.20 / 1e6 + 0.1415 / 1e6),
}
LAMBDA_GB = 0.5  # lambda_memory_size 512 in backend/.chalice/config.json
# Lambda at 512 MB has about a third of a vCPU: the handler time measured here is doubled.
LAMBDA_SLOWER = 2.0
LOG_BYTES_PER_API_CALL = 1500  # one app log line, START/END/REPORT, one access-log line

# What each outcome costs in API calls (route labels of devstack/bench/__main__.py's scenario).
BOOKING = ("GET .../slots (14 days)", "POST /api/bookings", "GET /api/bookings/{reference}")
COMPLAINT = (
    "GET /api/challenge",
    "POST /api/complaints",
    "POST /api/complaints/lookup",
    "POST /api/complaints/lookup",
    "POST /api/complaints/messages",
)
# A person served, as the seeds count them: reads guides, books once; one in ten complains.
GUIDE_VIEWS_PER_PERSON = 10
COMPLAINTS_PER_PERSON = 0.1


@dataclass(frozen=True)
class RouteUse:
    """One API call as measured: DynamoDB read and write units, handler milliseconds."""

    read_units: float
    write_units: float
    milliseconds: float


def api_call_cost(use: RouteUse) -> float:
    p = PRICES
    seconds = max(use.milliseconds, 1.0) * LAMBDA_SLOWER / 1000
    return (
        use.read_units * p["dynamodb_read_unit"]
        + use.write_units * p["dynamodb_write_unit"]
        + seconds * LAMBDA_GB * p["lambda_gb_second"]
        + p["lambda_request"]
        + p["api_gateway_request"]
        + p["waf_request"]
        + LOG_BYTES_PER_API_CALL / 1e9 * p["logs_gb"]
        + p["cloudfront_request"]
        + 2048 / 1e9 * p["cloudfront_gb"]
    )


def flow_cost(routes: dict[str, RouteUse], labels: tuple[str, ...]) -> float:
    return sum(api_call_cost(routes[label]) for label in labels)


def page_view_cost(page_bytes: float, requests: int) -> float:
    return page_bytes / 1e9 * PRICES["cloudfront_gb"] + requests * PRICES["cloudfront_request"]


def cost_rows(routes: dict[str, RouteUse], guide_bytes: float, guide_requests: int) -> list[tuple[str, str]]:
    """Report rows: dollars per 1,000 outcomes, per person served, and the fixed monthly floor."""
    booking = flow_cost(routes, BOOKING)
    complaint = flow_cost(routes, COMPLAINT)
    guide = page_view_cost(guide_bytes, guide_requests)
    person = booking + COMPLAINTS_PER_PERSON * complaint + GUIDE_VIEWS_PER_PERSON * guide
    fixed = sum(FIXED_MONTHLY.values())
    return [
        ("cost per 1,000 bookings (USD; slots, book, read back)", f"{1000 * booking:.4f}"),
        ("cost per 1,000 complaints (USD; challenge, submit, 2 look-ups, 1 message)", f"{1000 * complaint:.4f}"),
        ("cost per 1,000 guide views (USD; first view, CloudFront)", f"{1000 * guide:.4f}"),
        (
            f"cost per person served (USD; {GUIDE_VIEWS_PER_PERSON} guide views, 1 booking, "
            f"{COMPLAINTS_PER_PERSON:g} complaint)",
            f"{person:.6f}",
        ),
        ("fixed cost per month (USD; key, secrets, WAF, alarms, schedule)", f"{fixed:.2f}"),
    ]


# ---- evidence files on complaints (issue 14) ------------------------------------------------------
# Assumed per complaint that carries files: 2 photos and 1 PDF of 3 pages (what the bench measures:
# a phone photo re-encoded on the phone, a scanned contract), each file opened by staff twice (a
# photo inline, a PDF's pages as images), kept for 15 months (a case open 3 months, then a year's
# retention). S3 Standard, SSE-KMS with a bucket key (KMS calls are per bucket key, not per object:
# about one per upload session, assumed one per file here, which overstates it).
EVIDENCE_PRICES = {
    "s3_gb_month": 0.023,
    "s3_put": 0.005 / 1000,
    "s3_get": 0.0004 / 1000,
    "kms_request": 0.03 / 1e4,
    "cloudfront_to_origin_gb": 0.020,  # uploads: CloudFront's transfer to the origin, Europe
}
PHOTOS_PER_COMPLAINT = 2
PDF_PAGES = 3
VIEWS_PER_FILE = 2
STORED_MONTHS = 15
CLEANER_GB = 1.5  # EvidenceCleaner's MemorySize (infra/template.yaml)


@dataclass(frozen=True)
class EvidenceUse:
    """What the bench measured: bytes sent and stored for a photo and a PDF, the cleaner's time
    for each (and for drawing one page), and the upload route's handler time."""

    photo_sent: int
    photo_stored: int
    pdf_sent: int
    pdf_stored: int
    clean_photo_ms: float
    clean_pdf_ms: float
    render_page_ms: float


def evidence_cost(use: EvidenceUse) -> dict[str, float]:
    """USD per complaint with files, by part: storage, transfer, requests and compute."""
    p, e = PRICES, EVIDENCE_PRICES
    sent = PHOTOS_PER_COMPLAINT * use.photo_sent + use.pdf_sent
    stored = PHOTOS_PER_COMPLAINT * use.photo_stored + use.pdf_stored
    files = PHOTOS_PER_COMPLAINT + 1
    views = files * VIEWS_PER_FILE
    viewed_bytes = VIEWS_PER_FILE * (PHOTOS_PER_COMPLAINT * use.photo_stored + PDF_PAGES * 150_000)
    cleaner_seconds = (PHOTOS_PER_COMPLAINT * use.clean_photo_ms + use.clean_pdf_ms) / 1000 * LAMBDA_SLOWER
    render_seconds = VIEWS_PER_FILE * PDF_PAGES * use.render_page_ms / 1000 * LAMBDA_SLOWER
    # Each upload and each view is also an API call (request, gateway, WAF, log), priced as one.
    api_calls = (files + views) * (p["lambda_request"] + p["api_gateway_request"] + p["waf_request"])
    return {
        "storage": stored / 1e9 * e["s3_gb_month"] * STORED_MONTHS,
        "transfer": sent / 1e9 * e["cloudfront_to_origin_gb"] + viewed_bytes / 1e9 * p["cloudfront_gb"],
        "requests": files * (e["s3_put"] + e["kms_request"]) + views * (e["s3_get"] + e["kms_request"]) + api_calls,
        "compute": (cleaner_seconds + render_seconds) * CLEANER_GB * p["lambda_gb_second"]
        + (files + VIEWS_PER_FILE * PDF_PAGES) * p["lambda_request"],
    }


def evidence_cost_rows(use: EvidenceUse) -> list[tuple[str, str]]:
    parts = evidence_cost(use)
    what = f"{PHOTOS_PER_COMPLAINT} photos + a {PDF_PAGES}-page PDF, each viewed {VIEWS_PER_FILE} times"
    rows = [
        (f"evidence {name} per 1,000 complaints with files (USD; {what})", f"{1000 * value:.4f}")
        for name, value in parts.items()
    ]
    total = 1000 * sum(parts.values())
    rows.append((f"evidence total per 1,000 complaints with files (USD; kept {STORED_MONTHS} months)", f"{total:.4f}"))
    return rows


# ---- SMS (issue 17) ---------------------------------------------------------------------------------
# What a booking's SMS cost: the confirmation and the reminder (a move, a closure or an offer adds
# one each), each billed per part. The parts are counted on the real texts
# (content/notifications/), in the language people in that country book in, with the country's
# longest sample centre name: what `sms_parts` returns. A phone verification adds one SMS.
#
# Price per SMS part, USD. AWS End User Messaging SMS publishes its per-country prices only as an
# interactive table (aws.amazon.com/end-user-messaging/pricing/), which this machine could not
# read: None until someone copies them from there with the date. Tajikistan's is a stand-in from
# a published comparison of four providers' 2025 list prices (sent.dm, "Tajikistan SMS Pricing
# 2025": Twilio $0.4505, Plivo $0.35511, Sinch $0.3368, Infobip $0.2116 a message); the highest is
# used, as a ceiling, until AWS's own is copied in.
SMS_PRICE_PER_PART: dict[str, float | None] = {"TJ": 0.4505, "VN": None, "KH": None, "TR": None}
SMS_LANGUAGE = {"TJ": "tg", "VN": "vi", "KH": "km", "TR": "tr"}
SMS_PER_BOOKING: tuple[Kind, ...] = ("confirmed", "reminder")


def sms_parts(country: str) -> int:
    """The parts of a booking's SMS (confirmation and reminder) to `country`, in its language, for
    its centre with the longest name, a long weekday and the booking reference."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from chalicelib.bookings.notices import appointment_time
    from chalicelib.centres.catalogue import get_catalogue
    from chalicelib.core.i18n import pick
    from chalicelib.notifications.templates import get_notifications, manage_link

    lang = SMS_LANGUAGE[country]
    centres = [c for c in get_catalogue().centres if c.country == country]
    centre = max(centres, key=lambda c: len(pick(c.name, lang)))
    when = datetime(2026, 9, 30, 10, 45, tzinfo=ZoneInfo(centre.timezone))  # a Wednesday in September
    values = {
        "centre": pick(centre.name, lang),
        "city": pick(centre.city, lang),
        "time": appointment_time(lang, when, centre.timezone),
        "reference": "ABCD-EFGH",
        "manage_link": manage_link("https://portal-of-thirty-characters.org", lang),
    }
    notifications = get_notifications()
    return sum(notifications.compose(kind, lang, values).segments for kind in SMS_PER_BOOKING)


def sms_rows() -> list[tuple[str, str]]:
    """Report rows: the SMS of 1,000 bookings per country (those with a price)."""
    rows = []
    for country, price in SMS_PRICE_PER_PART.items():
        parts = sms_parts(country)
        shown = f"{1000 * parts * price:.2f}" if price is not None else "price not copied yet"
        rows.append((f"SMS of 1,000 bookings to {country} (USD; {parts} parts: confirmation, reminder)", shown))
    return rows
