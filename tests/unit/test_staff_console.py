"""The staff console's pages (site/hooks/staff.py), strings (content/staff/) and script
(site/overrides/assets/staff.js), without a browser: five languages, every string present,
no inline script, a label on every control, no way for API text to become markup."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from typing import Any, get_args

import pytest
import yaml

from tests.conftest import ROOT, load_hook

staff = load_hook("staff")
STRINGS = ROOT / "content" / "staff"
SCRIPT = (ROOT / "site" / "overrides" / "assets" / "staff.js").read_text(encoding="utf-8")
HOOK = (ROOT / "site" / "hooks" / "staff.py").read_text(encoding="utf-8")
LANGUAGES = ("en", "fr", "ru", "vi", "ar")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def strings(lang: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((STRINGS / f"{lang}.yaml").read_text(encoding="utf-8"))
    return loaded


class Page(HTMLParser):
    """The tags of a generated page, with their attributes, and which <label> wraps what."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.labelled: set[str] = set()
        self.wrapped = 0
        self._open_labels = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "label":
            self._open_labels += 1
            if attributes.get("for"):
                self.labelled.add(str(attributes["for"]))
        elif tag in ("input", "select", "textarea") and self._open_labels:
            self.wrapped += 1
            attributes["data-wrapped"] = "1"

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._open_labels -= 1


def parse(lang: str) -> Page:
    page = Page()
    page.feed(staff.console_page(lang))
    return page


def test_the_five_languages_have_the_same_keys_each_with_a_value() -> None:
    english = strings("en")
    assert len(english) > 200
    for lang in LANGUAGES:
        texts = strings(lang)
        assert set(texts) == set(english), (lang, set(english) ^ set(texts))
        for key, value in texts.items():
            assert isinstance(value, str) and value.strip(), (lang, key)
            # the console fills {placeholders}: a translation keeps every one of them
            assert set(PLACEHOLDER.findall(value)) == set(PLACEHOLDER.findall(english[key])), (lang, key)
        if lang != "en":
            same = [k for k, v in texts.items() if v == english[k] and not re.fullmatch(r"[\d\W{}n<]+|[A-Z]+", v)]
            assert len(same) < len(english) // 10, (lang, same)  # translated, not copied from English


def test_every_key_the_hook_and_the_script_use_exists() -> None:
    english = strings("en")
    used = set(re.findall(r'\bs\(lang, "([\w.]+)"\)', HOOK))
    used |= set(re.findall(r'_(?:select|field|check)\(lang, "[\w-]+", "([\w.]+)"', HOOK))
    used |= set(re.findall(r'blank="([\w.]+)"', HOOK))
    used |= set(re.findall(r'\bt\("([\w.]+)"\)', SCRIPT))
    prefixes = {key.split(".")[0] for key in english if "." in key}
    # keys passed around as arguments, e.g. row(details, "field.status", ...) or chart("dash.served", ...)
    used |= {k for k in re.findall(r'"([a-z_]+\.[a-z_0-9]+)"', SCRIPT) if k.split(".")[0] in prefixes}
    assert len(used) > 150
    assert sorted(k for k in used if k not in english) == []
    # label("status", c.status): every value the API may send has a label
    label_prefixes = set(re.findall(r'\blabel\("(\w+)"', SCRIPT)) | set(re.findall(r'_options\(lang, "(\w+)"', HOOK))
    label_prefixes |= set(re.findall(r"ENUMS\.(\w+)\.forEach", SCRIPT))
    assert label_prefixes <= set(staff.ENUMS), label_prefixes - set(staff.ENUMS)
    for prefix, values in staff.ENUMS.items():
        for value in values:
            assert f"{prefix}.{value}" in english, f"{prefix}.{value}"


def test_the_lists_of_values_are_the_apis() -> None:
    complaint = load_hook("complaint")
    assert staff.ENUMS["category"] == complaint.CATEGORIES
    assert staff.ENUMS["status"] == complaint.STATUSES
    from chalicelib.core import enums
    from chalicelib.feedback import models

    assert staff.ENUMS["topic"] == get_args(models.Topic)
    assert staff.ENUMS["age"] == get_args(enums.AgeBand)
    assert staff.ENUMS["gender"] == get_args(enums.Gender)


def test_pages_are_written_for_the_five_languages_and_arabic_is_right_to_left(tmp_path: Path) -> None:
    written = staff.write_pages(tmp_path)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in written) == sorted(
        f"{lang}/staff/index.md" for lang in LANGUAGES
    )
    config = yaml.safe_load(re.sub(r"!ENV \[[^\]]*\]", "x", (ROOT / "site" / "mkdocs.yml").read_text(encoding="utf-8")))
    assert "hooks/staff.py" in config["hooks"]
    i18n = next(p["i18n"] for p in config["plugins"] if isinstance(p, dict) and "i18n" in p)
    built = {lang["locale"] for lang in i18n["languages"] if lang.get("build")}
    assert set(LANGUAGES) <= built
    # The theme sets <body dir="rtl"> from the language's direction (checked in the browser in e2e).
    material = next((ROOT / ".venv" / "lib").glob("python3.*/site-packages/material/templates/partials/languages"))
    assert '"direction": "rtl"' in (material / "ar.html").read_text(encoding="utf-8")
    for lang in LANGUAGES:
        text = (tmp_path / lang / "staff" / "index.md").read_text(encoding="utf-8")
        meta = yaml.safe_load(text.split("---", 2)[1])
        assert meta["title"] == strings(lang)["page.title"]
        assert meta["staff_console"] is True and meta["search"] == {"exclude": True}
        assert f'"lang":"{lang}"' in text
        depth = "../" if lang == "en" else "../../"
        assert f'<script src="{depth}assets/staff.js" defer></script>' in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_inline_script_or_style_and_a_label_on_every_control(lang: str) -> None:
    page = parse(lang)
    scripts = [attrs for tag, attrs in page.tags if tag == "script"]
    assert len(scripts) == 2
    for attrs in scripts:
        assert attrs.get("src") or attrs.get("type") == "application/json", attrs
    for tag, attrs in page.tags:
        assert "style" not in attrs and tag != "style", (tag, attrs)
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
    ids = [attrs["id"] for _, attrs in page.tags if attrs.get("id")]
    assert len(ids) == len(set(ids)), "ids are unique"
    controls = [
        attrs for tag, attrs in page.tags if tag in ("input", "select", "textarea") and attrs.get("type") != "hidden"
    ]
    assert len(controls) > 30
    for attrs in controls:
        assert attrs.get("id") in page.labelled or attrs.get("data-wrapped"), attrs
    # the error region exists before any error, so screen readers announce what appears in it
    assert ("div", {"id": "s-alert", "class": "px-staff-alert", "role": "alert"}) in page.tags


def test_the_script_never_turns_text_into_markup() -> None:
    for forbidden in (
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "eval(",
        "new Function",
        'setTimeout("',
        "DOMParser",
        "createContextualFragment",
        "srcdoc",
    ):
        assert forbidden not in SCRIPT, forbidden
    # no third-party request: every fetch goes to our origin (or the sign-in provider's configured URL)
    for target in re.findall(r"fetch\(([^,)]+)", SCRIPT):
        assert target.strip().startswith(('"/api', "config.token_url")), target
    # the token is kept for the tab only, and only ever sent in a header
    assert "localStorage" not in SCRIPT and "document.cookie" not in SCRIPT
    assert "sessionStorage.setItem(TOKEN" in SCRIPT and '"Bearer " + value' in SCRIPT


def test_the_page_head_says_noindex_and_loads_the_stylesheet() -> None:
    html = "<html><head><title>x</title></head><body></body></html>"
    for url, prefix in (("staff/", "../"), ("ar/staff/", "../../")):
        page: Any = SimpleNamespace(meta={"staff_console": True}, url=url)
        out = staff.on_post_page(html, page, None)
        assert (
            '<meta name="robots" content="noindex, nofollow">'
            f'<link rel="stylesheet" href="{prefix}assets/staff.css"></head>'
        ) in out
    other: Any = SimpleNamespace(meta={}, url="guides/x/")
    assert staff.on_post_page(html, other, None) == html


def test_the_sitemap_loses_the_console_and_keeps_the_rest() -> None:
    sitemap = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">
    <url>
         <loc>http://127.0.0.1:8000/complaint/</loc>
         <xhtml:link rel="alternate" hreflang="fr" href="http://127.0.0.1:8000/fr/complaint/"/>
    </url>
    <url>
         <loc>http://127.0.0.1:8000/staff/</loc>
         <xhtml:link rel="alternate" hreflang="fr" href="http://127.0.0.1:8000/fr/staff/"/>
    </url>
    <url>
         <loc>http://127.0.0.1:8000/ar/staff/</loc>
    </url>
    <url>
         <loc>http://127.0.0.1:8000/book/</loc>
    </url>
</urlset>"""
    cleaned = staff.strip_sitemap(sitemap)
    assert "/staff/" not in cleaned
    assert cleaned.count("<url>") == 2 and "/complaint/" in cleaned and "/book/" in cleaned
    assert len(ElementTree.fromstring(cleaned)) == 2  # still well-formed
