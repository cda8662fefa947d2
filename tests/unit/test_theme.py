"""site/overrides/main.html, each block rendered on its own with MkDocs's theme environment (the
installed mkdocs-material and our overrides): every block prints the theme's own with super() and
changes only what it says, so a theme upgrade is a version bump."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from mkdocs.theme import Theme

from tests.conftest import ROOT

OVERRIDES = ROOT / "site" / "overrides"
MAIN = (OVERRIDES / "main.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def theme() -> Theme:
    return Theme(name="material", custom_dir=str(OVERRIDES), language="en", features=[], font=False)


def material_file(theme: Theme, pattern: str) -> str:
    """A file of the installed theme, by pattern: the name it has in this version."""
    (found,) = Path(theme.dirs[1]).glob(pattern)
    return found.relative_to(theme.dirs[1]).as_posix()


def i18n(lang: str) -> Any:
    return SimpleNamespace(current_language=lang, default_language="en")


def render_block(theme: Theme, name: str, **context: Any) -> str:
    """One block of main.html, with the theme's base.html behind it (for super())."""
    env = theme.get_env()
    main, base = env.get_template("main.html"), env.get_template("base.html")
    context.setdefault("config", SimpleNamespace(extra={}, extra_javascript=[], plugins={}, theme=theme))
    context.setdefault("features", [])
    context["lang"] = env.get_template("partials/language.html").make_module({"config": context["config"]})
    bound = main.new_context(context)
    for block, render in base.blocks.items():
        bound.blocks.setdefault(block, []).append(render)
    return "".join(main.blocks[name](bound))


class Scripts(HTMLParser):
    """The <script> tags of a piece of HTML, their attributes, and their text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[dict[str, str | None]] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.tags.append({**dict(attrs), "text": ""})

    def handle_data(self, data: str) -> None:
        if self.tags and self.lasttag == "script":
            self.tags[-1]["text"] = (self.tags[-1]["text"] or "") + data


def page(url: str, **meta: Any) -> Any:
    return SimpleNamespace(url=url, meta=meta, canonical_url=None, previous_page=None, next_page=None)


def test_no_file_of_the_theme_is_named() -> None:
    """The bundle's and the search worker's names carry a hash that changes with every release."""
    assert not re.search(r"\.[0-9a-f]{8}\.min\.(js|css)", MAIN)
    for block in ("site_meta", "extrahead", "header", "scripts"):
        body = MAIN.split("{% block " + block + " %}")[1].split("{% endblock %}")[0]
        assert "super()" in body, block


@pytest.mark.parametrize(("url", "base_url"), [("guides/leaving/x/", "../../.."), ("fr/", "..")])
def test_the_bundle_is_never_loaded_and_extra_javascript_stays(theme: Theme, url: str, base_url: str) -> None:
    texts = {"placeholder": "Type a word", "results": {"one": "{n} page found", "other": "{n} pages found"}}
    extra = ["assets/extra.js"]
    for quick_exit in (False, True):
        config = SimpleNamespace(extra={"search_texts": texts}, extra_javascript=extra, plugins={}, theme=theme)
        out = render_block(theme, "scripts", page=page(url, quick_exit=quick_exit), base_url=base_url, config=config)
        scripts = Scripts(out).tags
        main = scripts[0]
        assert main.get("type") == "module" and main.get("src") == f"{base_url}/assets/passerelle.js"
        assert main.get("data-scope") == base_url
        assert "async" in main  # it runs as soon as it is fetched, as the classic script did
        # search's texts for assets/search/search.js: data, never run
        island = scripts[1]
        assert island.get("type") == "application/json" and island.get("id") == "px-search-data"
        assert json.loads(island.get("text") or "") == texts
        # the theme's bundle is not on the page at all; the extra_javascript loop is the theme's own
        assert not [s for s in scripts if "bundle." in (s.get("src") or "")]
        assert "bundle." not in out
        assert [s.get("src") for s in scripts[2:]] == [f"{base_url}/assets/extra.js"]  # exit.js is in the head


@pytest.mark.parametrize(("url", "base_url"), [("complaint/", ".."), ("fr/book/manage/", "../../..")])
def test_the_quick_exit_runs_before_anything_of_the_page_is_shown(theme: Theme, url: str, base_url: str) -> None:
    """Its script is a classic one in the head, neither async, deferred nor a module: the browser
    parses and shows nothing of the page until it has run, so no link can be tapped (one between
    these pages would keep its page in the tab's history) and no Esc pressed before it listens."""
    config = SimpleNamespace(extra={}, extra_javascript=[], plugins={}, theme=theme)
    head = render_block(theme, "extrahead", page=page(url, quick_exit=True), base_url=base_url, config=config)
    (script,) = Scripts(head).tags
    assert {name: value for name, value in script.items() if name != "text"} == {
        "src": f"{base_url}/assets/exit.js",
        "data-scope": base_url,
    }
    elsewhere = render_block(theme, "extrahead", page=page("guides/x/"), base_url="../..", config=config)
    assert Scripts(elsewhere).tags == []


def test_the_themes_configuration_is_its_own() -> None:
    """No block changes it: the theme's search worker it names is never started (the site's search
    answers the box, assets/search/), and nothing else of the site reads it."""
    assert "{% block config %}" not in MAIN


def test_no_alternate_link_for_the_bundle_to_fetch_a_sitemap_beside(theme: Theme) -> None:
    alternates = [
        {"name": "Français", "link": "/fr/x/", "lang": "fr"},
        {"name": "English", "link": "/x/", "lang": "en"},
    ]
    config = SimpleNamespace(
        extra={"alternate": alternates},
        extra_javascript=[],
        plugins={},
        theme=theme,
        site_description="Safe migration guides",
        site_author=None,
    )
    out = render_block(theme, "site_meta", page=page("x/", description="A guide"), base_url="..", config=config)
    assert 'rel="alternate"' not in out and "hreflang" not in out
    assert '<meta name="description" content="A guide">' in out and 'rel="icon"' in out


def test_the_console_says_noindex_and_loads_its_stylesheet(theme: Theme) -> None:
    for url, prefix in (("staff/", "../"), ("ar/staff/", "../../")):
        out = render_block(theme, "extrahead", page=page(url, staff_console=True), base_url=prefix.rstrip("/"))
        assert '<meta name="robots" content="noindex, nofollow">' in out
        assert f'<link rel="stylesheet" href="{prefix}assets/staff.css">' in out
    other = render_block(theme, "extrahead", page=page("guides/x/"), base_url="../..")
    assert "robots" not in other and "staff.css" not in other
