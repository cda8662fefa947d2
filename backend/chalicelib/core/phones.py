"""Phone numbers people give (to be called back about a booking or a complaint), read in the
country's own national form too. `phonenumbers` comes from phonenumberslite (the same module
without geocoding and carrier data, which nothing here uses)."""

from __future__ import annotations


def normalise_phone(raw: str, region: str | None) -> str:
    """E.164, or ValueError with a message a person understands."""
    import phonenumbers  # on the first phone number given, not on every cold start (devstack/bench)

    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise ValueError("this is not a phone number") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError("this phone number is not valid: give it with the country code, e.g. +992…")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def region_of(e164: str) -> str | None:
    """The country (ISO 3166 code) an E.164 number belongs to, None if it names none."""
    import phonenumbers

    region: str | None = phonenumbers.region_code_for_number(phonenumbers.parse(e164))
    return region
