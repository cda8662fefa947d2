"""Who is asking, without keeping who it is: the source behind per-source limits.

A source is what one subscriber controls: an IPv4 address, or an IPv6 /64 (a home or a phone gets
a whole /64 and can rotate its address inside it at will). Its address comes from the viewer
header CloudFront's function sets (devstack/server.py plays that part locally), else from API
Gateway's source IP, and lives only in memory for the request. What is stored is a keyed hash:

    key(source, day) = HMAC-SHA-256(HMAC(server key, "passerelle:source:" + salt[day]), network)

`salt[day]` is 32 random bytes drawn for each UTC day, stored in the table with a TTL. It is
random, not derived from the long-lived server key: once a day's salt has expired and DynamoDB has
deleted it, nobody (not even someone holding the table and the server key) can test an address
against the hashes made that day. A salt lives as long as a place booked that day can be held (the
booking horizon and two days): the seat caps count a source's places across the days it booked them
(bookings/holds.py); rate-limit windows last minutes. Each request ensures today's and tomorrow's
salts, so that two requests on either side of midnight can still see each other's keys."""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from botocore.exceptions import ClientError

from chalicelib.core import dynamo, keys
from chalicelib.core.aws import dynamodb_client, forget_on_reset
from chalicelib.core.secrets import keyed_hash
from chalicelib.core.settings import get_settings

# Behind CloudFront, API Gateway sees the edge's address: a CloudFront Function puts the viewer's
# in this header, overwriting whatever the viewer sent (infra/template.yaml, ViewerAddressFunction).
VIEWER_HEADER = "x-passerelle-viewer"
UNKNOWN = "unknown"

# Salts by day, per process. A salt never changes once drawn; a day found without one is
# remembered only once nobody can draw it any more (two days back: requests ensure tomorrow's).
_salts: dict[date, str | None] = {}


def reset() -> None:
    _salts.clear()


forget_on_reset(reset)


def network_of(address: str | None) -> str:
    """The part of an address one subscriber controls: the IPv4 address, or the IPv6 /64
    (an IPv4-mapped IPv6 address counts as its IPv4 address). Anything else is 'unknown'."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return UNKNOWN
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def _salt_expiry(day: date) -> int:
    """The end of `day` plus the booking horizon and two days: places booked that day have passed."""
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), UTC)
    return int((end + timedelta(days=get_settings().booking_horizon_days + 2)).timestamp())


def _ensure(day: date) -> str:
    """The day's salt, drawn now if nobody has drawn it yet (whoever loses the race reads the winner's)."""
    cached = _salts.get(day)
    if cached:
        return cached
    salt = secrets.token_hex(32)
    pk, sk = keys.salt(day)
    try:
        dynamodb_client().put_item(
            TableName=dynamo.table(),
            ConditionExpression="attribute_not_exists(PK)",
            Item=dynamo.encode_item(
                {"PK": pk, "SK": sk, "type": "SourceSalt", "salt": salt, "expires_at": _salt_expiry(day)}
            ),
        )
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
            raise
        stored = dynamo.get(pk, sk)
        if stored is None:  # deleted between the two calls: only a TTL far in the past could do that
            raise
        salt = str(stored["salt"])
    _salts[day] = salt
    return salt


def salts(days: Iterable[date], today: date) -> dict[date, str]:
    """The salts that exist for `days` (one BatchGetItem for those not yet known here)."""
    wanted = sorted(set(days))
    unknown = [d for d in wanted if d not in _salts]
    if unknown:
        found = {
            keys.salt_day(item["PK"]): str(item["salt"])
            for item in dynamo.batch_get([keys.salt(d) for d in unknown], consistent=True)
        }
        for day in unknown:
            salt = found.get(day.isoformat())
            if salt is not None or day <= today - timedelta(days=2):
                _salts[day] = salt
    return {d: s for d in wanted if (s := _salts.get(d))}


def salt_exists_check(day: date) -> dict[str, object]:
    """A transaction item: nobody drew this day's salt meanwhile (so nobody keyed anything with it)."""
    pk, sk = keys.salt(day)
    return {
        "ConditionCheck": {
            "TableName": dynamo.table(),
            "Key": dynamo.encode_values({"PK": pk, "SK": sk}),
            "ConditionExpression": "attribute_not_exists(PK)",
        }
    }


def _key(salt: str, network: str) -> str:
    return keyed_hash(f"source:{salt}", network)[:32]


@dataclass(frozen=True)
class Source:
    """One source, for the length of one request. Its network never leaves this object (not in
    its repr either, so it cannot reach a log by accident); only keyed hashes of it do."""

    _network: str = field(repr=False)

    @classmethod
    def of(cls, address: str | None) -> Source:
        return cls(network_of(address))

    @staticmethod
    def today(now: datetime | None = None) -> date:
        return (now or datetime.now(UTC)).astimezone(UTC).date()

    def key(self, now: datetime | None = None) -> str:
        """Today's key (UTC), drawing today's and tomorrow's salts if need be."""
        today = self.today(now)
        _ensure(today + timedelta(days=1))
        return _key(_ensure(today), self._network)

    def keys(self, days: Iterable[date], now: datetime | None = None) -> dict[date, str]:
        """The keys of the days in `days` that have a salt; today's and tomorrow's always do."""
        today = self.today(now)
        days = set(days)
        for day in (today, today + timedelta(days=1)):
            if day in days:
                _ensure(day)
        return {day: _key(salt, self._network) for day, salt in salts(days, today).items()}


def source_of(request: object) -> Source:
    """Who is asking: the viewer's address as CloudFront saw it, else the address API Gateway saw."""
    headers = getattr(request, "headers", None) or {}
    identity = (getattr(request, "context", None) or {}).get("identity") or {}
    return Source.of(headers.get(VIEWER_HEADER) or identity.get("sourceIp"))
