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
    for block in ("site_meta", "extrahead", "config", "header", "scripts"):
        body = MAIN.split("{% block " + block + " %}")[1].split("{% endblock %}")[0]
        assert "super()" in body, block


@pytest.mark.parametrize(("url", "base_url"), [("guides/leaving/x/", "../../.."), ("fr/", "..")])
def test_the_bundle_loads_on_demand_from_the_themes_own_address_and_extra_javascript_stays(
    theme: Theme, url: str, base_url: str
) -> None:
    bundle = material_file(theme, "assets/javascripts/bundle.*.min.js")
    extra = ["assets/extra.js"]
    for quick_exit in (False, True):
        config = SimpleNamespace(extra={}, extra_javascript=extra, plugins={}, theme=theme)
        out = render_block(theme, "scripts", page=page(url, quick_exit=quick_exit), base_url=base_url, config=config)
        scripts = Scripts(out).tags
        main = scripts[0]
        assert main.get("type") == "module" and main.get("src") == f"{base_url}/assets/passerelle.js"
        assert main.get("data-bundle") == f"{base_url}/{bundle}" and main.get("data-scope") == base_url
        assert "async" in main  # it runs as soon as it is fetched, as the classic script did
        # the bundle is not loaded with the page; the extra_javascript loop is the theme's own
        assert not [s for s in scripts if "bundle." in (s.get("src") or "")]
        assert [s.get("src") for s in scripts[1:]] == [f"{base_url}/assets/extra.js"] + (
            [f"{base_url}/assets/exit.js"] if quick_exit else []
        )


def config_json(out: str) -> dict[str, Any]:
    (node,) = Scripts(out).tags
    assert node.get("id") == "__config"
    loaded: dict[str, Any] = json.loads(node.get("text") or "")
    return loaded


@pytest.mark.parametrize(("lang", "root"), [("en", ".."), ("fr", "../fr/"), ("ar", "../ar/")])
def test_search_looks_in_the_readers_language_with_the_themes_own_worker(theme: Theme, lang: str, root: str) -> None:
    config = SimpleNamespace(extra={}, extra_javascript=[], plugins={"i18n": i18n(lang)}, theme=theme)
    settings = config_json(render_block(theme, "config", page=page("x/"), base_url="..", config=config))
    assert settings["base"] == root  # hooks/search.py writes each language's index at its root
    assert settings["search"] == "../" + material_file(theme, "assets/javascripts/workers/search.*.min.js")
    assert settings["translations"]["search.result.none"]


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
