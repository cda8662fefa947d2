"""The quick exit as the build writes it (devstack/pages/, site/hooks/nav.py): which pages get it,
where it may lead, and the day formats the "try again after" messages use where a phone has no
CLDR data."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from mkdocs.exceptions import PluginError

from chalicelib.core.i18n import SITE_LANGUAGES
from devstack.pages.render import date_formats
from tests.conftest import ROOT, load_hook
from tests.unit.site_pages import PRIVATE, forms_and_guides


def front_matter(path: Path) -> dict[str, object]:
    return dict(yaml.safe_load(path.read_text(encoding="utf-8").split("---", 2)[1]))


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The docs tree with the generated pages, as devstack/pages/ writes it."""
    return forms_and_guides(tmp_path_factory.mktemp("docs"))


@pytest.mark.parametrize("lang", SITE_LANGUAGES)
def test_every_page_that_takes_what_a_person_writes_has_the_quick_exit(docs: Path, lang: str) -> None:
    for relative in PRIVATE:
        page = docs / lang / relative
        assert front_matter(page).get("quick_exit") is True, f"{lang}/{relative}"
        assert 'class="px-sample px-exit-note"' in page.read_text(encoding="utf-8"), f"{lang}/{relative}"


def test_guides_and_the_directory_have_no_quick_exit(docs: Path) -> None:
    for page in [*docs.glob("*/guides/*/*.md"), *docs.glob("*/index.md")]:
        assert "quick_exit" not in front_matter(page), page


@pytest.mark.parametrize(
    "url",
    [
        None,
        "",
        "http://www.example.org/",
        "//www.example.org/",
        "/complaint/",
        "https://portal.example.org/weather/",
        "javascript:alert(1)",
    ],
)
def test_the_quick_exit_leads_only_to_another_site_over_https(url: str | None) -> None:
    nav = load_hook("nav")
    with pytest.raises(PluginError, match="quick_exit_url"):
        nav.check_quick_exit_url(url, "https://portal.example.org/")
    nav.check_quick_exit_url("https://www.google.com/", "https://portal.example.org/")


def test_the_site_says_where_the_quick_exit_leads() -> None:
    config = yaml.load((ROOT / "site" / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    assert "quick_exit_url" in config["extra"]


@pytest.mark.parametrize("lang", SITE_LANGUAGES)
def test_a_day_is_written_with_the_languages_own_pattern_and_month_names(lang: str) -> None:
    formats = date_formats(lang)
    assert "d" in formats["pattern"] and "MMM" in formats["pattern"]
    assert len(formats["months"]) == 12 and len(set(formats["months"])) == 12
    assert lang == "en" or formats["months"] != date_formats("en")["months"]
