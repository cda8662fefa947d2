"""Runtime settings, read from the environment once per process and cached.

Nothing reads the environment at import time: Chalice sets stage variables per request
under `chalice.test.Client`, and tests reset the cache between cases.
"""

from __future__ import annotations

import os
from functools import cache

from pydantic import BaseModel, Field


class Settings(BaseModel, defer_build=True):
    stage: str = "dev"
    table_name: str = "passerelle-dev"
    aws_region: str = "eu-west-1"
    # Set only for DynamoDB Local; in AWS the regional endpoint is used.
    dynamodb_endpoint_url: str | None = None
    # Seconds before a DynamoDB call gives up, so a client gets a 503 rather than a hang.
    dynamodb_timeout_seconds: float = Field(default=3.0, gt=0)
    # Booking rules. Centres have fewer seats than people asking for them (the Tajik Red Crescent's
    # centres said so first), so nobody may hoard seats.
    booking_min_notice_minutes: int = Field(default=120, ge=0)
    booking_horizon_days: int = Field(default=30, ge=1, le=365)
    booking_max_upcoming_per_phone: int = Field(default=3, ge=1, le=10)
    # Places one source (an IPv4 address, an IPv6 /64) may hold at a centre at once: confirmed,
    # offered and waiting, until their appointment or day has passed (README, "Limits per source": why 5, and
    # carrier-grade NAT).
    booking_max_places_per_source: int = Field(default=5, ge=1, le=50)
    booking_contact_ttl_days: int = Field(default=30, ge=1)
    waitlist_hold_minutes: int = Field(default=120, ge=5)
    # Wrong manage codes one booking accepts per window before it refuses every code (429) until the
    # window ends: a 12-character code then stays out of reach (README, "Manage codes").
    manage_code_tries: int = Field(default=5, ge=1, le=20)
    manage_code_lock_minutes: int = Field(default=15, ge=1, le=24 * 60)
    idempotency_ttl_seconds: int = Field(default=24 * 3600, ge=60)
    # Complaints (README, "The public API"): access by receipt ends after this many days
    # without activity; a closed complaint is deleted this many days after closure.
    complaint_access_days: int = Field(default=90, ge=1)
    complaint_retention_days: int = Field(default=365, ge=1)
    complaint_acknowledge_days: int = Field(default=7, ge=1)
    complaint_answer_days: int = Field(default=90, ge=1)
    # Per source (a keyed hash of its address under a daily salt) and per 10 minutes: failed receipt
    # look-ups, complaints and feedback accepted. There is no overall limit: it would be a switch
    # anyone could flip to lock everybody out (README, "Limits per source": why receipts need none).
    lookup_failures_per_source: int = Field(default=10, ge=1)
    complaints_per_source: int = Field(default=10, ge=1)
    feedback_per_source: int = Field(default=10, ge=1)
    # Staff sign-in (Cognito in AWS, the development identity provider locally): tokens are
    # verified here against the issuer's JWKS, whatever sits in front of the API.
    staff_jwt_issuer: str | None = None
    staff_jwt_audience: str | None = None
    staff_jwks_url: str | None = None
    # Base URL of the hosted sign-in pages (Cognito's /oauth2/authorize, /oauth2/token, /logout).
    staff_auth_url: str | None = None
    # Evidence files on complaints (README, "Evidence files"): the bucket their clean copies are
    # kept in (SSE-KMS with the stack's key in AWS), the local S3's address, the cleaner function's
    # name (none: the cleaner runs in this process, as locally), uploads accepted per source and 10
    # minutes, and how long an upload may wait to be attached before it is deleted.
    attachments_bucket: str | None = None
    s3_endpoint_url: str | None = None
    attachments_kms_key_id: str | None = None
    cleaner_function_name: str | None = None
    attachments_per_source: int = Field(default=30, ge=1)
    attachment_unattached_hours: int = Field(default=24, ge=1, le=24)
    # Notifications (README, "SMS and staff alerts"). The site's public address, for the links an
    # SMS carries (notifications/templates.py: manage_link, book_link).
    site_url: str = "http://127.0.0.1:8000"
    sms_reminder_hours: int = Field(default=24, ge=1, le=168)
    # AWS End User Messaging SMS: the pool, phone number or sender ID SMS go from, and the
    # configuration set that logs their delivery. Two-way: the sender can receive "STOP".
    sms_origination_identity: str | None = None
    sms_configuration_set: str | None = None
    sms_two_way: bool = True
    # The countries SMS may go to (ISO 3166-1 alpha-2); empty: any (the local outbox).
    sms_countries: tuple[str, ...] = ()
    # SES v2: the verified address staff alerts come from.
    email_sender: str | None = None
    email_configuration_set: str | None = None
    # Where staff e-mail addresses come from: the Cognito user pool in AWS, a JSON file of the
    # sample accounts locally (devstack/stack.py writes it).
    staff_user_pool_id: str | None = None
    staff_directory_file: str | None = None
    # Phone verification: a code lives this long; at most so many codes per phone per hour and per
    # source per 10 minutes; this many wrong codes lock the phone for phone_lock_minutes.
    phone_code_minutes: int = Field(default=10, ge=1, le=60)
    phone_codes_per_phone: int = Field(default=3, ge=1)
    phone_codes_per_source: int = Field(default=5, ge=1)
    phone_code_failures: int = Field(default=5, ge=1)
    phone_lock_minutes: int = Field(default=60, ge=1)


@cache
def get_settings() -> Settings:
    env = os.environ
    return Settings(
        stage=env.get("STAGE", "dev"),
        table_name=env.get("TABLE_NAME", "passerelle-dev"),
        aws_region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "eu-west-1",
        dynamodb_endpoint_url=env.get("DYNAMODB_ENDPOINT_URL") or None,
        dynamodb_timeout_seconds=float(env.get("DYNAMODB_TIMEOUT_SECONDS", "3")),
        staff_jwt_issuer=env.get("STAFF_JWT_ISSUER") or None,
        staff_jwt_audience=env.get("STAFF_JWT_AUDIENCE") or None,
        staff_jwks_url=env.get("STAFF_JWKS_URL") or None,
        staff_auth_url=env.get("STAFF_AUTH_URL") or None,
        attachments_bucket=env.get("ATTACHMENTS_BUCKET") or None,
        s3_endpoint_url=env.get("S3_ENDPOINT_URL") or None,
        attachments_kms_key_id=env.get("ATTACHMENTS_KMS_KEY_ID") or None,
        cleaner_function_name=env.get("CLEANER_FUNCTION_NAME") or None,
        site_url=env.get("SITE_URL") or "http://127.0.0.1:8000",
        sms_origination_identity=env.get("SMS_ORIGINATION_IDENTITY") or None,
        sms_configuration_set=env.get("SMS_CONFIGURATION_SET") or None,
        sms_two_way=env.get("SMS_TWO_WAY", "1") != "0",
        sms_countries=tuple(c.strip().upper() for c in env.get("SMS_COUNTRIES", "").split(",") if c.strip()),
        email_sender=env.get("EMAIL_SENDER") or None,
        email_configuration_set=env.get("EMAIL_CONFIGURATION_SET") or None,
        staff_user_pool_id=env.get("STAFF_USER_POOL_ID") or None,
        staff_directory_file=env.get("STAFF_DIRECTORY_FILE") or None,
        **{field: int(env[name]) for field, name in _INT_SETTINGS.items() if env.get(name)},
    )


# Optional overrides, one environment variable each (README, "The public API": settings).
_INT_SETTINGS = {
    "booking_min_notice_minutes": "BOOKING_MIN_NOTICE_MINUTES",
    "booking_horizon_days": "BOOKING_HORIZON_DAYS",
    "booking_max_upcoming_per_phone": "BOOKING_MAX_UPCOMING_PER_PHONE",
    "booking_max_places_per_source": "BOOKING_MAX_PLACES_PER_SOURCE",
    "booking_contact_ttl_days": "BOOKING_CONTACT_TTL_DAYS",
    "waitlist_hold_minutes": "WAITLIST_HOLD_MINUTES",
    "manage_code_tries": "MANAGE_CODE_TRIES",
    "manage_code_lock_minutes": "MANAGE_CODE_LOCK_MINUTES",
    "idempotency_ttl_seconds": "IDEMPOTENCY_TTL_SECONDS",
    "complaint_access_days": "COMPLAINT_ACCESS_DAYS",
    "complaint_retention_days": "COMPLAINT_RETENTION_DAYS",
    "complaint_acknowledge_days": "COMPLAINT_ACKNOWLEDGE_DAYS",
    "complaint_answer_days": "COMPLAINT_ANSWER_DAYS",
    "lookup_failures_per_source": "LOOKUP_FAILURES_PER_SOURCE",
    "complaints_per_source": "COMPLAINTS_PER_SOURCE",
    "feedback_per_source": "FEEDBACK_PER_SOURCE",
    "attachments_per_source": "ATTACHMENTS_PER_SOURCE",
    "attachment_unattached_hours": "ATTACHMENT_UNATTACHED_HOURS",
    "sms_reminder_hours": "SMS_REMINDER_HOURS",
    "phone_code_minutes": "PHONE_CODE_MINUTES",
    "phone_codes_per_phone": "PHONE_CODES_PER_PHONE",
    "phone_codes_per_source": "PHONE_CODES_PER_SOURCE",
    "phone_code_failures": "PHONE_CODE_FAILURES",
    "phone_lock_minutes": "PHONE_LOCK_MINUTES",
}
