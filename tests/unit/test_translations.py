"""Completeness per language: the complete languages have everything, the partial ones have what
they promise, and nothing silently falls back to English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from chalicelib.core.i18n import SITE_LANGUAGES
from devstack.content import load_catalogue
from tests.conftest import ROOT

PAGES = ROOT / "content" / "pages"
UI = ROOT / "content" / "ui"
ENGLISH_PAGES = sorted(p.relative_to(PAGES / "en").as_posix() for p in (PAGES / "en").rglob("*.md"))
LINK = re.compile(r"\]\(([^)]+)\)")


def front_matter(path: Path) -> dict[str, object]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---"), f"{path}: no front matter"
    matter: dict[str, object] = yaml.safe_load(text.split("---", 2)[1])
    return matter


def ui(lang: str) -> dict[str, str]:
    strings: dict[str, str] = yaml.safe_load((UI / f"{lang}.yaml").read_text(encoding="utf-8"))
    return strings


def test_there_are_at_least_fifteen_guides_in_english() -> None:
    guides = [p for p in ENGLISH_PAGES if p.startswith("guides/")]
    assert len(guides) >= 15
    stages = {front_matter(PAGES / "en" / g)["stage"] for g in guides}
    assert stages == {"leaving", "on_the_way", "abroad", "home", "destinations"}


@pytest.mark.parametrize("lang", SITE_LANGUAGES)
def test_every_language_has_the_whole_interface(lang: str) -> None:
    english = ui("en")
    strings = ui(lang)
    assert list(strings) == list(english)
    for key, text in english.items():
        assert set(re.findall(r"\{\w+\}", str(text))) == set(re.findall(r"\{\w+\}", str(strings[key]))), key
        assert str(strings[key]).strip(), key


@pytest.mark.parametrize("lang", SITE_LANGUAGES)
def test_every_language_has_every_page(lang: str) -> None:
    missing = [p for p in ENGLISH_PAGES if not (PAGES / lang / p).exists()]
    assert missing == []


@pytest.mark.parametrize("lang", [code for code in SITE_LANGUAGES if code != "en"])
def test_translated_pages_keep_structure_and_links(lang: str) -> None:
    for relative in ENGLISH_PAGES:
        translated = PAGES / lang / relative
        if not translated.exists():
            continue
        source = PAGES / "en" / relative
        meta, english_meta = front_matter(translated), front_matter(source)
        # A translation also says whether a native speaker reviewed it (`review: pending`).
        assert set(meta) - {"review"} == set(english_meta), relative
        for key in ("stage", "order", "services"):
            assert meta.get(key) == english_meta.get(key), f"{lang}/{relative}: {key}"
        assert meta["title"] != english_meta["title"] or lang == "en", f"{lang}/{relative}: title not translated"
        assert sorted(LINK.findall(translated.read_text(encoding="utf-8"))) == sorted(
            LINK.findall(source.read_text(encoding="utf-8"))
        ), f"{lang}/{relative}: links differ"


@pytest.mark.parametrize("lang", SITE_LANGUAGES)
def test_every_centre_and_service_name_is_translated(lang: str) -> None:
    catalogue = load_catalogue()
    for service in catalogue.services:
        assert lang in service.name, f"{service.id}: no {lang} name"
    for centre in catalogue.centres:
        assert lang in centre.name and lang in centre.city, f"{centre.id}: no {lang} name"


THEME_KEY = re.compile(r'^\s*"([\w.]+)":', re.M)


@pytest.mark.parametrize("lang", ["tg", "km", "lo"])
def test_theme_strings_exist_where_material_has_none(lang: str) -> None:
    """Our translations of mkdocs-material's interface strings: every key of the theme's English
    file (a theme upgrade that adds one fails here), in its order, and translated."""
    english = (ROOT / ".venv" / "lib").glob("python3.*/site-packages/material/templates/partials/languages/en.html")
    source = next(iter(english)).read_text(encoding="utf-8")
    ours = (ROOT / "site" / "overrides" / "partials" / "languages" / f"{lang}.html").read_text(encoding="utf-8")
    assert f'"language": "{lang}"' in ours
    assert '"search.placeholder": "Search"' in source
    assert '"search.placeholder": "Search"' not in ours, f"{lang}.html is still in English"
    assert THEME_KEY.findall(ours) == THEME_KEY.findall(source)
    assert "automatically generated" not in ours  # they are translated by hand, and say so
