"""The recruiters' lists (content/recruiters.yaml): per origin country, the agencies its regulator
licenses, with the status the regulator gives them, and the compiled list the phone searches.

`devstack/recruiters.py` validates the file with these models at build time and loads a
regulator's CSV into it; `compiled_list` is what the "Check a recruiter" page loads (one small
JSON per country) and what the phone searches offline with `match.js`.

An agency's id is made from its country and licence number (`tj-117`, `vn-45-ldtbxh-gp`), so it
stays the same when a newer list is loaded: complaints name agencies by id. The Lambda reads the
lists from its packaged copy (`get_recruiters`, `find_agency`).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    Field,
    StrictBool,
    ValidationInfo,
    field_validator,
    model_validator,
)

from chalicelib.centres.catalogue import read_packaged
from chalicelib.centres.matching import Matcher, Script, matcher, rules_for
from chalicelib.core.models import ContentModel

Status = Literal["licensed", "suspended", "revoked", "expired"]
STATUSES: tuple[Status, ...] = ("licensed", "suspended", "revoked", "expired")
# The Unicode character-name prefix of each script's letters.
SCRIPT_LETTERS: dict[Script, str] = {
    "Cyrl": "CYRILLIC",
    "Latn": "LATIN",
    "Khmr": "KHMER",
    "Mymr": "MYANMAR",
    "Deva": "DEVANAGARI",
}
FORMAT = 1  # of the compiled list: a page that reads another format refuses it


def _clean_text(value: str) -> str:
    value = unicodedata.normalize("NFC", value.strip())
    if not value:
        raise ValueError("is empty")
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise ValueError("has a control character (a line break or tab?)")
    return value


Text = Annotated[str, Field(max_length=300), AfterValidator(_clean_text)]
HttpsUrl = Annotated[str, Field(pattern=r"^https://[^\s/$.?#][^\s]*$", max_length=500)]
_PHONE = re.compile(r"^\+[1-9]\d{6,14}$")


def _phone(value: str) -> str:
    compact = re.sub(r"[\s().-]", "", value)
    if not _PHONE.match(compact):
        raise ValueError("must be an international number: + and 7 to 15 digits (+992000000000)")
    return compact


Phone = Annotated[str, AfterValidator(_phone)]


def _letters(text: str) -> list[str]:
    return [ch for ch in text if unicodedata.category(ch).startswith("L")]


def in_script(text: str, script: Script) -> bool:
    """Whether `text` is written in `script`: it has letters of it (Latin: only Latin letters)."""
    prefix = SCRIPT_LETTERS[script]
    letters = _letters(text)
    if script == "Latn":
        return bool(letters) and all(unicodedata.name(ch, "").startswith(prefix) for ch in letters)
    return any(unicodedata.name(ch, "").startswith(prefix) for ch in letters)


class Agency(ContentModel):
    """One line of a regulator's list. Field names are the CSV's column names."""

    licence: Text
    name_local: Text
    name_latin: Text
    aliases: list[Text] = Field(default_factory=list, max_length=10)
    status: Status
    valid_from: date | None = None
    valid_until: date | None = Field(default=None, validate_default=True)
    suspended_on: date | None = Field(default=None, validate_default=True)
    suspended_until: date | None = Field(default=None, validate_default=True)
    revoked_on: date | None = Field(default=None, validate_default=True)
    address: Text
    phone: Phone | None = None
    sample_data: StrictBool

    @field_validator("licence")
    @classmethod
    def _has_digits(cls, value: str) -> str:
        if not any(unicodedata.category(ch) == "Nd" for ch in value):
            raise ValueError("has no digits")
        return value

    @field_validator("name_latin")
    @classmethod
    def _latin(cls, value: str) -> str:
        if not in_script(value, "Latn"):
            raise ValueError("must be written in Latin letters")
        return value

    @field_validator("valid_until")
    @classmethod
    def _until(cls, value: date | None, info: ValidationInfo) -> date | None:
        status = info.data.get("status")
        if value is None:
            if status in ("licensed", "suspended", "expired"):
                raise ValueError(f"is required for a {status} licence")
            return value
        start = info.data.get("valid_from")
        if start and value < start:
            raise ValueError(f"{value} is before valid_from {start}")
        return value

    @field_validator("suspended_on", "revoked_on")
    @classmethod
    def _event(cls, value: date | None, info: ValidationInfo) -> date | None:
        status = info.data.get("status")
        needed = {"suspended_on": "suspended", "revoked_on": "revoked"}[str(info.field_name)]
        if status is None:  # the status itself is wrong: that error says enough
            return value
        if status == needed and value is None:
            raise ValueError(f"is required for a {needed} licence")
        if status != needed and value is not None:
            raise ValueError(f"is only for a {needed} licence (this one is {status})")
        start = info.data.get("valid_from")
        if value and start and value < start:
            raise ValueError(f"{value} is before valid_from {start}")
        return value

    @field_validator("suspended_until")
    @classmethod
    def _suspension_end(cls, value: date | None, info: ValidationInfo) -> date | None:
        if value is None:
            return value
        if info.data.get("status") not in (None, "suspended"):
            raise ValueError("is only for a suspended licence")
        start = info.data.get("suspended_on")
        if start and value <= start:
            raise ValueError(f"{value} is not after suspended_on {start}")
        return value


class Regulator(ContentModel):
    name: Text
    local_name: Text | None = None
    url: HttpsUrl | None = None


class ListSource(ContentModel):
    """The regulator's publication the agencies come from, and when we checked it."""

    title: Text
    url: HttpsUrl | None = None
    published_on: date | None = None
    checked_on: date

    @model_validator(mode="after")
    def _order(self) -> ListSource:
        if self.published_on and self.published_on > self.checked_on:
            raise ValueError(f"published_on {self.published_on} is after checked_on {self.checked_on}")
        return self

    @property
    def as_of(self) -> date:
        """The date the statuses were true on: the list's own date, else the day we checked it."""
        return self.published_on or self.checked_on


class CountryHeader(ContentModel):
    country: str = Field(pattern=r"^[A-Z]{2}$")
    name: Text
    script: Script
    regulator: Regulator
    source: ListSource
    sample_data: StrictBool

    def matcher(self) -> Matcher:
        return matcher(rules_for(self.script))

    def agency_id(self, licence: str) -> str:
        """`tj-117` from "№ 0000117": the country and the licence's Latin letters and digits."""
        runs = self.matcher().licence_key(licence)["full"].split("-")
        return "-".join([self.country.lower(), *(r for r in runs if r.isascii() and r.isalnum())])

    def agency_problems(self, agency: Agency) -> list[tuple[str, str]]:
        """What is wrong with `agency` on this country's list, as (field, problem)."""
        problems: list[tuple[str, str]] = []
        if not in_script(agency.name_local, self.script):
            problems.append(("name_local", f"must be written in the country's script ({self.script})"))
        if agency.sample_data != self.sample_data:
            problems.append(("sample_data", f"must be {str(self.sample_data).lower()}, as the country's list says"))
        as_of = self.source.as_of
        if agency.status == "licensed" and agency.valid_until and agency.valid_until < as_of:
            problems.append(
                (
                    "valid_until",
                    f"{agency.valid_until} is before the list's date {as_of}: a licence that had run out is 'expired'",
                )
            )
        if agency.status == "expired" and agency.valid_until and agency.valid_until >= as_of:
            problems.append(
                (
                    "valid_until",
                    f"{agency.valid_until} is not before the list's date {as_of}: the licence had not expired yet",
                )
            )
        for field in ("suspended_on", "revoked_on"):
            when = getattr(agency, field)
            if when and when > as_of:
                problems.append((field, f"{when} is after the list's date {as_of}"))
        return problems

    def repeated_licences(self, licences: list[str]) -> list[tuple[int, int]]:
        """(position, position of the first) for each licence number that repeats an earlier one,
        as the phone would find them: "№ 0000117" repeats "117"."""
        first: dict[str, int] = {}
        repeats: list[tuple[int, int]] = []
        for position, licence in enumerate(licences):
            key = self.agency_id(licence)
            if key in first:
                repeats.append((position, first[key]))
            else:
                first[key] = position
        return repeats


class CountryList(CountryHeader):
    agencies: list[Agency] = Field(min_length=1)

    @model_validator(mode="after")
    def _agencies_fit(self) -> CountryList:
        problems = [
            f"agencies[{i}]: {field}: {problem}"
            for i, agency in enumerate(self.agencies)
            for field, problem in self.agency_problems(agency)
        ]
        problems += [
            f"agencies[{i}]: licence: same licence number as agencies[{j}]"
            for i, j in self.repeated_licences([a.licence for a in self.agencies])
        ]
        if problems:
            raise ValueError("; ".join(problems))
        return self


class RecruiterList(ContentModel):
    """content/recruiters.yaml."""

    countries: list[CountryList] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_list_per_country(self) -> RecruiterList:
        codes = [c.country for c in self.countries]
        repeated = sorted({c for c in codes if codes.count(c) > 1})
        if repeated:
            raise ValueError(f"more than one list for: {', '.join(repeated)}")
        return self

    def country(self, code: str) -> CountryList | None:
        return next((c for c in self.countries if c.country == code), None)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def compiled_list(country: CountryList) -> dict[str, Any]:
    """The list the phone loads for one country (`assets/recruiters/<cc>.json`): every agency
    with its search keys, and the matching rules those keys were made with."""
    m = country.matcher()
    agencies = []
    for agency in country.agencies:
        names = [agency.name_local, agency.name_latin, *agency.aliases]
        entry: dict[str, Any] = {
            "id": country.agency_id(agency.licence),
            "name": {"local": agency.name_local, "latin": agency.name_latin},
            "aliases": list(agency.aliases),
            "keys": [m.name_key(name) for name in names],
            "licence": agency.licence,
            "licence_key": m.licence_key(agency.licence),
            "status": agency.status,
            "valid_from": _iso(agency.valid_from),
            "valid_until": _iso(agency.valid_until),
            "suspended_on": _iso(agency.suspended_on),
            "suspended_until": _iso(agency.suspended_until),
            "revoked_on": _iso(agency.revoked_on),
            "address": agency.address,
            "phone": agency.phone,
        }
        agencies.append({k: v for k, v in entry.items() if v not in (None, [])})
    source = {
        k: v
        for k, v in {
            "title": country.source.title,
            "url": country.source.url,
            "published_on": _iso(country.source.published_on),
            "checked_on": _iso(country.source.checked_on),
        }.items()
        if v is not None
    }
    regulator = {k: v for k, v in country.regulator.model_dump().items() if v is not None}
    return {
        "format": FORMAT,
        "country": country.country,
        "name": country.name,
        "script": country.script,
        "sample_data": country.sample_data,
        "regulator": regulator,
        "source": source,
        "rules": m.rules,
        "agencies": agencies,
    }


# ---- the list the Lambda packages (chalicelib/data/recruiters.json, written by `make content`) ----

RECRUITERS_DATA_PATH = Path(__file__).resolve().parent.parent / "data" / "recruiters.json"


@cache
def get_recruiters() -> RecruiterList:
    """The recruiters' lists compiled from content/recruiters.yaml, read once per container."""
    return read_packaged(RECRUITERS_DATA_PATH, RecruiterList)


@cache
def _agencies_by_id() -> dict[str, tuple[CountryList, Agency]]:
    lists = get_recruiters()
    return {c.agency_id(a.licence): (c, a) for c in lists.countries for a in c.agencies}


def find_agency(agency_id: str) -> tuple[CountryList, Agency] | None:
    """The agency with this id (`tj-117`) and the country list it is on, or None."""
    return _agencies_by_id().get(agency_id)


def agency_ids() -> list[str]:
    return list(_agencies_by_id())


def write_packaged(lists: RecruiterList, target: Path = RECRUITERS_DATA_PATH) -> None:
    """What `make content` packages with the Lambda (devstack/content.py calls it)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    tmp.write_text(lists.model_dump_json(), encoding="utf-8")
    tmp.replace(target)
    get_recruiters.cache_clear()
    _agencies_by_id.cache_clear()
