"""Check content/hotlines.yaml, the official numbers the guides may print, and the pages against it.
`make content` (devstack/content.py) runs it, so `make site` stops on a number nobody checked.

The guides write the numbers themselves, in every language, as `[show](tel:dial)` links. A page
may print no phone number that is not in the register, a tel: link must show the number it dials,
and a page that prints a number links its source: directly, or through the country page's
`#hotlines` section that it links to. A mistake is reported as `file: problem`, e.g.
`content/pages/fr/guides/abroad/wages-and-deductions.md: 03-8000 8001 is not in content/hotlines.yaml`.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError, field_validator, model_validator

from devstack import CONTENT
from devstack.content import ContentError, _entry_problems, _read_yaml, _rel

REGISTER = CONTENT / "hotlines.yaml"
PAGES = CONTENT / "pages"

# A link, with its text and target; a target may carry a "title".
LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
# Something a reader could dial: three digits or more, in any script, spaced or dashed. Not part of
# a Latin word or address (alo170.gov.tr, RM10), not a decimal, not a law's number (115-FZ).
NUMBER = re.compile(r"(?<![A-Za-z0-9.,+/@_])\+?\d(?:[\d \-]*\d)?(?![A-Za-z0-9]|[.,]\d|-\w)")


def _is_year(group: str) -> bool:
    return len(group) == 4 and 1900 <= int(group) <= 2099


class Number(BaseModel):
    model_config = ConfigDict(extra="forbid")

    show: Annotated[str, Field(pattern=r"^\+?[0-9][0-9 \-]*[0-9]$")]
    dial: Annotated[str, Field(pattern=r"^\+?[0-9]{3,15}$")]

    @model_validator(mode="after")
    def show_is_what_is_dialled(self) -> Number:
        shown = re.sub(r"\D", "", self.show)
        # "03-8000 8000" dials as +60380008000: the national trunk 0 gives way to the country code.
        if not self.dial.lstrip("+").endswith(shown.lstrip("0")):
            raise ValueError(f"{self.show!r} is not the number {self.dial!r} dials")
        if all(_is_year(g) for g in re.split(r"[ \-]+", self.show)):
            raise ValueError(f"{self.show!r} reads like a year, which the page check passes over")
        return self


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: HttpUrl
    title: Annotated[str, Field(min_length=3)]
    publisher: Annotated[str, Field(min_length=2)]
    date: str | None = Field(description="as precise as the source shows it: 2019, 2017-12 or 2025-11-20")

    @field_validator("date", mode="before")
    @classmethod
    def iso(cls, value: object) -> object:
        return value.isoformat() if isinstance(value, date) else value

    @field_validator("date")
    @classmethod
    def year_month_or_day(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
            raise ValueError("write the source's date as 2019, 2017-12 or 2025-11-20")
        return value


class Hotline(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Annotated[str, Field(pattern=r"^[a-z]{2}-[a-z0-9-]+$")]
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    organisation: str
    purpose: str
    numbers: Annotated[list[Number], Field(min_length=1)]
    email: str | None = None
    web: HttpUrl | None = None
    languages: str | None = None
    # The research's "low" rows and everything "not verified" are never printed: ask a centre.
    confidence: Literal["high", "medium"]
    caveat: str | None = None
    checked: date
    sources: Annotated[list[Source], Field(min_length=1)]

    @model_validator(mode="after")
    def medium_says_why(self) -> Hotline:
        if self.confidence == "medium" and not (self.caveat or "").strip():
            raise ValueError("a medium-confidence number carries its caveat, which the guides print with it")
        for source in self.sources:
            if source.date and source.date > self.checked.isoformat():
                raise ValueError(f"source dated {source.date} after the day it was checked ({self.checked})")
        return self


def load_hotlines(path: Path = REGISTER) -> list[Hotline]:
    doc = _read_yaml(path)
    entries = doc.get("hotlines") if isinstance(doc, dict) else None
    problems = _entry_problems(path, "hotlines", entries, Hotline)
    if problems or not isinstance(entries, list):
        raise ContentError(problems)
    hotlines = [Hotline.model_validate(entry) for entry in entries]
    ids = [h.id for h in hotlines]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise ContentError([f"{_rel(path)}: id '{i}' is used twice" for i in repeated])
    return hotlines


def _links(text: str) -> list[tuple[str, str]]:
    return LINK.findall(text)


def _body(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return text.split("---", 2)[2] if text.startswith("---") else text


def _resolve(page: Path, target: str) -> Path | None:
    """The page a relative `.md#hotlines` link leads to."""
    file, _, anchor = target.partition("#")
    if anchor != "hotlines" or not file.endswith(".md") or "://" in file:
        return None
    return (page.parent / file).resolve()


def page_problems(page: Path, hotlines: list[Hotline]) -> list[str]:
    by_dial: dict[str, list[Hotline]] = {}
    show_of: dict[str, str] = {}
    for hotline in hotlines:
        for number in hotline.numbers:
            by_dial.setdefault(number.dial, []).append(hotline)
            show_of[number.dial] = number.show
    body = _body(page)
    name = _rel(page)
    dialled, problems = _dialled(body, name, by_dial, show_of)
    problems += _prose_problems(body, name, {n.show for h in hotlines for n in h.numbers})
    return problems + _unsourced(page, body, name, dialled, by_dial, show_of)


def _dialled(
    body: str, name: str, by_dial: dict[str, list[Hotline]], show_of: dict[str, str]
) -> tuple[set[str], list[str]]:
    """The register's numbers the page's tel: links dial, and what is wrong with its other links."""
    problems: list[str] = []
    dialled: set[str] = set()
    for text, target in _links(body):
        if not target.startswith("tel:"):
            continue
        dial = target.removeprefix("tel:")
        if dial not in by_dial:
            problems.append(f"{name}: tel:{dial} is not in {_rel(REGISTER)}")
        elif text != show_of[dial]:
            problems.append(f"{name}: [{text}](tel:{dial}) shows another number than it dials: write [{show_of[dial]}]")
        else:
            dialled.add(dial)
    return dialled, problems


def _prose_problems(body: str, name: str, shown_numbers: set[str]) -> list[str]:
    """Every other number on the page: link targets (URLs) are not read, link texts are."""
    problems: list[str] = []
    prose = LINK.sub(lambda m: "" if m.group(2).startswith("tel:") else m.group(1), body)
    for found in NUMBER.findall(prose):
        candidate = found.strip()
        groups = [g for g in re.split(r"[ \-]+", candidate.lstrip("+")) if g]
        if sum(len(g) for g in groups) < 3 or all(_is_year(g) for g in groups):
            continue
        if candidate in shown_numbers and candidate.isascii():
            problems.append(
                f"{name}: {candidate} is printed without its link: write it as "
                f"[{candidate}](tel:…) so that a phone can dial it"
            )
        else:
            problems.append(
                f"{name}: {candidate} is not in {_rel(REGISTER)} (write phone numbers in ASCII digits, "
                "and only numbers the register holds with their source)"
            )
    return problems


def _unsourced(
    page: Path, body: str, name: str, dialled: set[str], by_dial: dict[str, list[Hotline]], show_of: dict[str, str]
) -> list[str]:
    """Each number dialled here is sourced here, or in a country page's #hotlines section linked from here."""
    reachable = {target for _, target in _links(body)}
    for _, target in _links(body):
        linked = _resolve(page, target)
        if linked is not None and linked.exists():
            reachable |= {t for _, t in _links(_body(linked))}
    problems = []
    for dial in sorted(dialled):
        sources = {str(s.url) for h in by_dial[dial] for s in h.sources}
        if not sources & {_normal(t) for t in reachable}:
            problems.append(
                f"{name}: {show_of[dial]} names no source: link one of {sorted(sources)}, "
                "or the #hotlines section of a page that does"
            )
    return problems


def _normal(url: str) -> str:
    """Links as pydantic writes URLs (a bare host gains its slash)."""
    try:
        return str(HttpUrl(url))
    except ValidationError:
        return url


def check(pages_dir: Path | None = None, register: Path | None = None) -> list[str]:
    pages_dir, register = pages_dir or PAGES, register or REGISTER
    try:
        hotlines = load_hotlines(register)
    except ContentError as exc:
        return exc.problems
    problems: list[str] = []
    for page in sorted(pages_dir.rglob("*.md")):
        problems += page_problems(page, hotlines)
    english = "\n".join(_body(p) for p in (pages_dir / "en").rglob("*.md"))
    for hotline in hotlines:
        for number in hotline.numbers:
            if f"(tel:{number.dial})" not in english:
                problems.append(f"{_rel(register)}: {hotline.id}: {number.show} is in no English page")
    return problems
