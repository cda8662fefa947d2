"""Counts in the reader's language (issue 18, finding 4; issue 16): an interface string that holds a
number is a set of CLDR plural forms ({one: "{n} centre", other: "{n} centres"}), written for every
category the language's numbers reach, so no language shows "1 centres". The site renders them with
assets/i18n/format.js (pluralForm) and the build with chalicelib.core.cldr (plural_form): the same
rules, held to Babel's by tests/unit/test_cldr.py."""

from __future__ import annotations

import re

import pytest
import yaml

from chalicelib.core.cldr import format_number, plural, plural_form
from chalicelib.core.i18n import SITE_LANGUAGES
from tests.conftest import ROOT

UI = ROOT / "content" / "ui"
CATEGORIES = {"zero", "one", "two", "few", "many", "other"}
COUNTS = (0, 1, 2, 5, 21)


def ui(lang: str) -> dict[str, object]:
    strings: dict[str, object] = yaml.safe_load((UI / f"{lang}.yaml").read_text(encoding="utf-8"))
    return strings


PLURAL_KEYS = sorted(key for key, text in ui("en").items() if isinstance(text, dict))


def reached(lang: str) -> set[str]:
    """The categories whole numbers fall in, in `lang` (every rule repeats within 0..1000, but French's
    "many", which starts at a million)."""
    return {plural(lang, n) for n in [*range(1001), 10**6, 2 * 10**6]}


def test_the_counts_the_site_shows_are_plural_forms() -> None:
    assert {"directory.count", "search.results"} <= set(PLURAL_KEYS)


@pytest.mark.parametrize("lang", SITE_LANGUAGES)
def test_every_category_a_count_reaches_has_its_form(lang: str) -> None:
    strings = ui(lang)
    for key in PLURAL_KEYS:
        forms = strings[key]
        assert isinstance(forms, dict), f"{lang}: {key} is not a set of plural forms"
        assert "other" in forms, f"{lang}: {key}"
        assert set(forms) <= CATEGORIES | {k for k in forms if re.fullmatch(r"=\d+", k)}, f"{lang}: {key}"
        missing = reached(lang) - set(forms)
        assert not missing, f"{lang}: {key} has no form for {sorted(missing)}"
        for form in forms.values():
            assert set(re.findall(r"\{\w+\}", form)) <= {"{n}"}, f"{lang}: {key}: {form!r}"


@pytest.mark.parametrize("lang", SITE_LANGUAGES)
def test_counts_read_right_in_every_language(lang: str) -> None:
    strings = ui(lang)
    for key in PLURAL_KEYS:
        forms = strings[key]
        assert isinstance(forms, dict)
        for n in COUNTS:
            text = plural_form(lang, n, forms)
            category = plural(lang, n)
            # the language's own form for n, with n in the language's digits where the form writes it
            expected = str(forms.get(category, forms["other"])).replace("{n}", format_number(lang, n))
            assert text == expected, (lang, key, n)
            assert category in forms or category == "other", (lang, key, n)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", ["0 centres", "1 centre", "2 centres", "5 centres", "21 centres"]),
        ("fr", ["0 centre", "1 centre", "2 centres", "5 centres", "21 centres"]),
        ("ru", ["0 центров", "1 центр", "2 центра", "5 центров", "21 центр"]),
        ("ar", ["لا توجد مراكز", "مركز واحد", "مركزان", "5 مراكز", "21 مركزًا"]),
        ("my", ["စင်တာ ၀ ခု", "စင်တာ ၁ ခု", "စင်တာ ၂ ခု", "စင်တာ ၅ ခု", "စင်တာ ၂၁ ခု"]),
        ("sq", ["0 qendra", "1 qendër", "2 qendra", "5 qendra", "21 qendra"]),
    ],
)
def test_the_directory_counts_its_centres(lang: str, expected: list[str]) -> None:
    forms = ui(lang)["directory.count"]
    assert isinstance(forms, dict)
    assert [plural_form(lang, n, forms) for n in COUNTS] == expected
