"""Every translation says whether a native speaker read it (issue 18, finding 3), and the check that
`make content` runs holds a reviewed page to naming who reviewed it and when."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib.core.i18n import SITE_LANGUAGES
from devstack import review
from tests.conftest import ROOT

PAGES = ROOT / "content" / "pages"


def _page(tmp_path: Path, lang: str, matter: str) -> Path:
    path = tmp_path / lang / "guides" / "abroad" / "rights-at-work.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ntitle: A guide\n{matter}---\n\n# A guide\n", encoding="utf-8")
    return path


def test_the_pages_in_content_have_no_review_problem() -> None:
    assert review.check() == []


@pytest.mark.parametrize("lang", [code for code in SITE_LANGUAGES if code != "en"])
def test_every_translated_page_carries_a_status(lang: str) -> None:
    # Given every page of a translated language (all of them written by a language model)
    pages = sorted((PAGES / lang).rglob("*.md"))
    assert len(pages) == len(list((PAGES / "en").rglob("*.md")))
    # Then each says `pending` or `reviewed`: today no native speaker has read any of them
    assert {review.status(page) for page in pages} == {"pending"}


def test_english_pages_are_the_source_and_carry_none() -> None:
    assert {review.status(page) for page in (PAGES / "en").rglob("*.md")} == {None}


def test_a_reviewed_page_names_its_reviewer_and_date(tmp_path: Path) -> None:
    good = _page(tmp_path, "tg", "review: reviewed\nreviewed_by: Dilnoza R. (IOM Dushanbe)\nreviewed_on: 2026-11-20\n")
    assert review.page_problems(good, tmp_path) == []
    assert review.status(good, tmp_path) == "reviewed"

    nobody = _page(tmp_path, "km", "review: reviewed\nreviewed_on: 2026-11-20\n")
    assert review.page_problems(nobody, tmp_path) == [f"{nobody}: reviewed_by: a reviewed page names its reviewer"]

    undated = _page(tmp_path, "my", "review: reviewed\nreviewed_by: Ko Aung\n")
    assert review.page_problems(undated, tmp_path) == [
        f"{undated}: reviewed_on: a reviewed page says when it was reviewed (YYYY-MM-DD)"
    ]


@pytest.mark.parametrize(
    ("matter", "problem"),
    [
        ("", "review: say `review: pending` (a translation no native speaker has read yet)"),
        ("review: done\n", "review: Input should be 'pending' or 'reviewed'"),
        ("review: pending\nreviewed_by: Ko Aung\n", "review: a pending page names no reviewer and no review date"),
        (
            "review: reviewed\nreviewed_by: Ko Aung\nreviewed_on: 2999-01-01\n",
            "reviewed_on: 2999-01-01 is in the future",
        ),
        ("review: reviewed\nreviewed_by: Ko Aung\nreviewed_on: soon\n", "reviewed_on: Input should be a valid date"),
    ],
)
def test_a_status_that_does_not_add_up_is_named(tmp_path: Path, matter: str, problem: str) -> None:
    page = _page(tmp_path, "th", matter)
    problems = review.page_problems(page, tmp_path)
    assert len(problems) == 1
    assert problems[0].startswith(f"{page}: {problem}")


def test_an_english_page_is_not_a_translation_to_review(tmp_path: Path) -> None:
    page = _page(tmp_path, "en", "review: pending\n")
    assert review.page_problems(page, tmp_path) == [
        f"{page}: review: English is the source language, not a translation to review"
    ]
