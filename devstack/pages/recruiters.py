"""The "Check a recruiter" page in every site language (/recruiters/), the complaint form's agency
picker, and the lists both search: one small JSON per origin country under assets/recruiters/
(devstack/recruiters.py writes them), which the service worker keeps with the page and
assets/recruiters/match.js, so that the check works offline after the first visit. Nothing typed
on either page leaves the phone until a complaint is sent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chalicelib.centres.recruiters import RecruiterList
from devstack.pages.render import AllowedValues, Strings, country_name, render, root
from devstack.recruiters import write_phone_lists

# What assets/recruiters/check.js says once the page is built (recruiters.<state> for each verdict).
VERDICTS = ("licensed", "not_yet_valid", "suspended", "revoked", "expired", "not_listed")
CHECK_MESSAGES = (
    "recruiters.loading",
    "recruiters.load_failed",
    "recruiters.found",
    "recruiters.licence",
    *(f"recruiters.{state}" for state in VERDICTS),
    "recruiters.source",
    "recruiters.guide",
    "recruiters.book",
    "recruiters.figures",
    "recruiters.figures_title",
    "recruiters.figures_period",
    "recruiters.figures_count",
    "recruiters.figures_none",
    "recruiters.figures_note",
    "recruiters.figures_offline",
)
# What the complaint form's agency picker says (assets/recruiters/picker.js).
PICKER_MESSAGES = (
    "recruiters.loading",
    "recruiters.load_failed",
    "complaint.agency_none",
    "complaint.agency_picked",
)
# The list a page opens first, by the page's language; otherwise the first by name.
FIRST_LIST = {"tg": "TJ", "ru": "TJ", "vi": "VN", "km": "KH", "my": "MM"}
# A `lang` for the names written in a list's script, so that screen readers and fonts read them right.
SCRIPT_LANGUAGE = {"Cyrl": "tg", "Latn": "en", "Khmr": "km", "Mymr": "my", "Deva": "ne"}
LISTS = "assets/recruiters/"


def countries(recruiters: RecruiterList, lang: str) -> list[tuple[str, str]]:
    """(code in lower case, name in the page's language) of each list, by name, the page's own first."""
    named = sorted(((c.country, country_name(lang, c.country)) for c in recruiters.countries), key=lambda c: c[1])
    named.sort(key=lambda c: c[0] != FIRST_LIST.get(lang))
    return [(code.lower(), name) for code, name in named]


def check_data(recruiters: RecruiterList, lang: str, allowed: AllowedValues) -> dict[str, Any]:
    t = Strings(lang)
    return {
        "messages": {key: t(key) for key in CHECK_MESSAGES},
        "categories": {c: t(f"category.{c}") for c in allowed["complaint_category"]},
        "scripts": {c.country.lower(): SCRIPT_LANGUAGE[c.script] for c in recruiters.countries},
        "lists": root(lang, 1) + LISTS,
        # Both in the page's language: /<lang>/recruiters/ -> /<lang>/guides/..., /<lang>/book/
        "guide": "../guides/leaving/licensed-recruiters-and-fees/",
        "book": "../book/",
    }


def check_page(recruiters: RecruiterList, lang: str, allowed: AllowedValues) -> str:
    return render(
        "recruiters.md",
        t=Strings(lang),
        root=root(lang, 1),  # /recruiters/
        countries=countries(recruiters, lang),
        data=check_data(recruiters, lang, allowed),
    )


def picker_data(recruiters: RecruiterList, lang: str) -> dict[str, Any]:
    """What the complaint form's agency picker needs (its countries are in the form itself)."""
    t = Strings(lang)
    return {"messages": {key: t(key) for key in PICKER_MESSAGES}, "lists": root(lang, 1) + LISTS}


def write_pages(out: Path, recruiters: RecruiterList, languages: list[str], allowed: AllowedValues) -> None:
    write_phone_lists(out / LISTS, recruiters)
    for lang in languages:
        folder = out / lang / "recruiters"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.md").write_text(check_page(recruiters, lang, allowed), encoding="utf-8")
