"""Check each page's review status: who vouches for a translation. `make content` runs it, so `make site`
stops on a page whose status is missing or does not add up.

English is the source language; every other page is a translation written by a language model and
says so in its front matter until a native speaker has read it:

    review: pending                 # translated without review by a native speaker (the site says so)

    review: reviewed                # a native speaker read it: the note goes
    reviewed_by: Dilnoza R. (IOM Dushanbe)
    reviewed_on: 2027-01-15

The site shows a short note in the page's language, with a one-tap way to report a problem, on every
page whose status is `pending` (devstack/pages, tests/e2e/test_review_note.py). A mistake is
reported as `file: field: problem`, e.g.
`content/pages/tg/guides/abroad/rights-at-work.md: reviewed_by: a reviewed page names its reviewer`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError, model_validator

from devstack import CONTENT
from devstack.content import _rel

PAGES = CONTENT / "pages"
SOURCE_LANGUAGE = "en"
Review = Literal["pending", "reviewed"]


class ReviewStatus(BaseModel):
    """The review fields of a translated page's front matter (its other fields are checked elsewhere)."""

    model_config = ConfigDict(extra="ignore")

    review: Review
    reviewed_by: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2)] | None = None
    reviewed_on: date | None = None

    @model_validator(mode="after")
    def reviewed_names_who_and_when(self) -> ReviewStatus:
        if self.review == "reviewed":
            if self.reviewed_by is None:
                raise ValueError("reviewed_by: a reviewed page names its reviewer")
            if self.reviewed_on is None:
                raise ValueError("reviewed_on: a reviewed page says when it was reviewed (YYYY-MM-DD)")
            if self.reviewed_on > datetime.now(UTC).date():
                raise ValueError(f"reviewed_on: {self.reviewed_on} is in the future")
        elif self.reviewed_by is not None or self.reviewed_on is not None:
            raise ValueError("review: a pending page names no reviewer and no review date")
        return self


def front_matter(path: Path) -> dict[str, object]:
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        return {}
    matter = yaml.safe_load(text.split("---", 2)[1])
    return matter if isinstance(matter, dict) else {}


def language_of(path: Path, pages_dir: Path = PAGES) -> str:
    return path.relative_to(pages_dir).parts[0]


def status(path: Path, pages_dir: Path = PAGES) -> Review | None:
    """`pending` or `reviewed` for a translation, None for a page in the source language."""
    if language_of(path, pages_dir) == SOURCE_LANGUAGE:
        return None
    return ReviewStatus.model_validate(front_matter(path)).review


def page_problems(path: Path, pages_dir: Path = PAGES) -> list[str]:
    matter = front_matter(path)
    if language_of(path, pages_dir) == SOURCE_LANGUAGE:
        extra = sorted(k for k in ("review", "reviewed_by", "reviewed_on") if k in matter)
        return [f"{_rel(path)}: {k}: English is the source language, not a translation to review" for k in extra]
    if "review" not in matter:
        return [f"{_rel(path)}: review: say `review: pending` (a translation no native speaker has read yet)"]
    try:
        ReviewStatus.model_validate(matter)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            field = ".".join(str(part) for part in err["loc"])
            message = err["msg"].removeprefix("Value error, ")
            problems.append(f"{_rel(path)}: {field + ': ' if field else ''}{message}")
        return problems
    return []


def check(pages_dir: Path | None = None) -> list[str]:
    pages_dir = pages_dir or PAGES
    problems: list[str] = []
    for page in sorted(pages_dir.rglob("*.md")):
        problems += page_problems(page, pages_dir)
    return problems
