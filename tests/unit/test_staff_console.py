"""The staff console's pages (devstack/pages/staff.py, site/overrides/pages/staff.md), strings
(content/staff/) and scripts (site/overrides/assets/staff.js and its views in assets/staff/),
without a browser: five languages, every string present, every refusal a staff route can answer
said in the console's language, no inline script, a label on every control, no way for API text
to become markup."""

from __future__ import annotations

import json
import re
import subprocess
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, get_args

import pytest
import yaml
from pydantic import BaseModel

from devstack import pages
from devstack.pages import staff
from devstack.pages.render import TEMPLATES, load_allowed_values
from tests.conftest import ROOT, load_hook
from tests.unit import refusals
from tests.unit.site_pages import accepted

sitemap = load_hook("sitemap")
STRINGS = ROOT / "content" / "staff"
ASSETS = ROOT / "site" / "overrides" / "assets"
# The console's code: its entry, its views, and the helpers they share with the public pages.
CONSOLE = "\n".join(
    path.read_text(encoding="utf-8") for path in [ASSETS / "staff.js", *sorted((ASSETS / "staff").glob("*.js"))]
)
SCRIPT = "\n".join([CONSOLE, *((ASSETS / name).read_text(encoding="utf-8") for name in ("dom.js", "api.js"))])
PROBLEM_RUNNER = Path(__file__).with_name("problem_runner.mjs")
TEMPLATE = "\n".join((TEMPLATES / name).read_text(encoding="utf-8") for name in ("staff.md", "staff-parts.html"))
LANGUAGES = ("en", "fr", "ru", "vi", "ar")
ALLOWED = load_allowed_values()
# Placeholder names are ASCII; a counted string's form may be one word in braces ("two {يومان}").
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


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
    page.feed(staff.console_page(lang, ALLOWED))
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


def test_every_key_the_template_and_the_script_use_exists() -> None:
    english = strings("en")
    used = set(re.findall(r'\bs\((?:"([\w.]+)"|\'([\w.]+)\')\)', TEMPLATE))
    used = {double or single for double, single in used}
    used |= set(re.findall(r'\b(?:select|field|check)\(s, "[\w-]+", "([\w.]+)"', TEMPLATE))
    used |= set(re.findall(r'blank="([\w.]+)"', TEMPLATE))
    used |= set(re.findall(r'\bt\("([\w.]+)"\)', CONSOLE))
    prefixes = {key.split(".")[0] for key in english if "." in key}
    # keys passed around as arguments, e.g. row(details, "field.status", ...) or chart("dash.served", ...)
    # (api.js's keys are looked up in a table a page may leave them out of: see the refusals below)
    used |= {k for k in re.findall(r'"([a-z_]+\.[a-z_0-9]+)"', CONSOLE) if k.split(".")[0] in prefixes}
    assert len(used) > 150
    assert sorted(k for k in used if k not in english) == []
    # label("status", c.status): every value the API may send has a label
    label_prefixes = set(re.findall(r'\blabel\("(\w+)"', SCRIPT))
    label_prefixes |= set(re.findall(r'options\(s, enums, "(\w+)"', TEMPLATE))
    label_prefixes |= set(re.findall(r'givenOr\([^,]+, "(\w+)"\)', SCRIPT))  # a select of one of the lists
    enums = staff.enums(ALLOWED)
    assert label_prefixes <= set(enums), label_prefixes - set(enums)
    for prefix, values in enums.items():
        for value in values:
            assert f"{prefix}.{value}" in english, f"{prefix}.{value}"


def test_the_lists_of_values_are_the_apis() -> None:
    """The console's lists come from build/allowed-values.json, which `make content` writes from the
    backend's models: the same lists the public forms offer."""
    from chalicelib.complaints import models as complaints
    from chalicelib.feedback import models

    enums = staff.enums(ALLOWED)
    assert tuple(enums["category"]) == get_args(complaints.Category) == ALLOWED["complaint_category"]
    assert tuple(enums["status"]) == get_args(complaints.Status) == ALLOWED["complaint_status"]
    assert tuple(enums["topic"]) == accepted(models.NeedFeedback, "topic")
    assert tuple(enums["age"]) == accepted(models.NeedFeedback, "age_band")
    assert tuple(enums["gender"]) == accepted(models.NeedFeedback, "gender")


def test_pages_are_written_for_the_five_languages_and_arabic_is_right_to_left(tmp_path: Path) -> None:
    written = pages.write_staff_console(tmp_path, ALLOWED)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in written) == sorted(
        f"{lang}/staff/index.md" for lang in LANGUAGES
    )
    config = yaml.safe_load(re.sub(r"!ENV \[[^\]]*\]", "x", (ROOT / "site" / "mkdocs.yml").read_text(encoding="utf-8")))
    assert "hooks/sitemap.py" in config["hooks"]  # the console stays out of the sitemaps
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
        assert f'<script type="module" src="{depth}assets/staff.js"></script>' in text


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
    # no third-party request: every fetch goes to our origin (the API, the site's own open data at its
    # root, which the page's data island names relatively) or the sign-in provider's configured URL
    for target in re.findall(r"fetch\(([^,)]+)", SCRIPT):
        assert target.strip().startswith(('"/api', "config.token_url", 'DATA.root + "open-data/')), target
    # the token is kept for the tab only, and only ever sent in a header
    assert "localStorage" not in SCRIPT and "document.cookie" not in SCRIPT
    assert "sessionStorage.setItem(TOKEN" in SCRIPT and '"Bearer " + value' in SCRIPT


def test_the_sitemap_loses_the_console_and_keeps_the_rest() -> None:
    text = """<?xml version="1.0" encoding="UTF-8"?>
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
    cleaned = sitemap.strip_sitemap(text)
    assert "/staff/" not in cleaned
    assert cleaned.count("<url>") == 2 and "/complaint/" in cleaned and "/book/" in cleaned
    assert len(ElementTree.fromstring(cleaned)) == 2  # still well-formed


# ---- what a staff route refuses, in the console's words -------------------------------------------
# The console says a refusal from its code (assets/api.js, problem, with content/staff/<lang>.yaml as
# its table: err.<code>, field.<name>, net.*), never with the API's English message. Which codes and
# fields a staff route can answer is read from the backend (tests/unit/refusals.py), not listed here.
GENERAL = ("net.offline", "net.server", "err.other")  # no connection, the server's trouble, any other refusal


def _staff_routes() -> Iterator[tuple[str, Any]]:
    """(path, view) of every staff route in the app's route table (`staff_route` marks its views)."""
    from app import app

    for path, methods in app.routes.items():
        for entry in methods.values():
            if hasattr(entry.view_function, "staff_roles"):
                yield path, entry.view_function


def _inputs(model: type[BaseModel], prefix: str = "") -> Iterator[str]:
    """A request model's fields as `error.field` names them: by alias, dotted into nested models."""
    for name, info in model.model_fields.items():
        key = prefix + (info.alias or name)
        yield key
        for inner in (info.annotation, *get_args(info.annotation)):
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                yield from _inputs(inner, key + ".")


def staff_refusals() -> tuple[set[str], set[str], set[tuple[str, str | None]]]:
    """The codes of the refusals (4xx) any staff route can answer, the inputs they can blame (`body`,
    the request as a whole, is no field to name), and each code with an input it blames."""
    from chalicelib.core.error_codes import CODES

    backend = refusals.backend()
    views = set(backend.views("staff_route"))
    # the source's staff views are the route table's: none is missed, none is extra
    table = {f"{view.__module__}.{view.__name__}" for _, view in _staff_routes()}
    assert views == table, views ^ table
    found = backend.refusals(views)
    inputs = set()
    for path, view in _staff_routes():
        doc = view.openapi
        inputs |= set(re.findall(r"{(\w+)}", path))
        inputs |= {name for model in (doc.body, doc.query) if model for name in _inputs(model)}
    # an input named where the refusal is computed (`field=field`) may be any of them
    pairs = {(c, f) for c, f in found.pairs if f != refusals.ANY}
    pairs |= {(c, name) for c, f in found.pairs if f == refusals.ANY for name in inputs}
    codes = set(found.codes)
    if "chalicelib.core.http.validation_error" in found.reached:  # a body or query the models refuse
        validation = {c for c in CODES if c.startswith("field_")}
        codes |= validation
        pairs |= {(code, name) for code in validation for name in inputs}
    assert codes <= set(CODES), codes - set(CODES)
    refused = {c for c in codes if CODES[c].status < 500}  # 5xx: the server's trouble, net.server
    fields = (found.fields | inputs) - {"body"}
    return refused, fields, {(c, f if f != "body" else None) for c, f in pairs if c in refused}


def test_the_refusals_are_read_from_the_staff_routes_and_what_they_run() -> None:
    codes, fields, _ = staff_refusals()
    # what signing in, triage, the agenda and the dashboard refuse...
    assert {"sign_in_expired", "role_forbidden", "case_changed", "case_closed", "bookings_affected"} <= codes
    assert {"centre_unknown", "agency_unknown", "attachment_deleted", "range_invalid", "date_invalid"} <= codes
    assert {"body_invalid", "field_required", "field_too_long", "field_unknown"} <= codes
    assert {"complaint_id", "status", "hours", "compensation.amount", "from", "to", "Authorization"} <= fields
    # ...and nothing of the public routes that share their modules (bookings, complaints, recruiters)
    assert not codes & {"proof_missing", "seat_limit", "receipt_not_found", "agency_not_found", "slot_taken"}
    assert not codes & {"too_many_requests", "request_in_progress"}  # no staff route limits or replays
    # the walk follows functions, not methods called on objects: no method names a code
    assert refusals.backend().methods_naming_codes() == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_refusal_a_staff_route_can_answer_has_words_in_the_console_language(lang: str) -> None:
    codes, fields, _ = staff_refusals()
    texts = strings(lang)
    wanted = [*GENERAL, *(f"err.{code}" for code in sorted(codes)), *(f"field.{name}" for name in sorted(fields))]
    assert [key for key in wanted if key not in texts] == []
    for key in wanted:
        # as the public pages' table: a message that names the field starts with it
        assert "{field}" not in texts[key] or texts[key].startswith("{field}"), (lang, key)
        assert set(PLACEHOLDER.findall(texts[key])) <= {"field"}, (lang, key)


ENGLISH = "SENTINEL: the API's English message"


def _said(lang: str, answers: list[tuple[int, str | None, str | None]]) -> list[str]:
    """What the console in `lang` says for each answer (status, code, field) whose message is
    ENGLISH: `problem()` of assets/api.js run under Node, given what staff/common.js `errorText`
    gives it (the console's strings as the table)."""
    texts = strings(lang)
    given = {"table": texts, "error": texts["error.api"]}
    cases = [
        {
            "result": {
                "status": status,
                "body": {"error": {"code": code, "message": ENGLISH, **({"field": field} if field else {})}}
                if code
                else None,
            },
            "texts": given,
        }
        for status, code, field in answers
    ]
    done = subprocess.run(
        ["node", str(PROBLEM_RUNNER), str(ASSETS / "api.js")],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    said: list[str] = json.loads(done.stdout)
    return said


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_console_says_each_refusal_in_its_language_and_never_the_apis_english(lang: str) -> None:
    """Each code as a staff route raises it, with the field it blames: said from the console's
    table, with the field's name filled in, and never with the API's message."""
    from chalicelib.core.error_codes import CODES

    _, _, pairs = staff_refusals()
    texts = strings(lang)
    answers: list[tuple[int, str | None, str | None]] = []
    expected = []
    for code, blamed in sorted(pairs, key=str):
        answers.append((CODES[code].status, code, blamed))
        text = texts[f"err.{code}"]
        expected.append(text.replace("{field}", texts[f"field.{blamed}"]) if "{field}" in text else text)
    # an item of a list is named by its list; no connection; the server's trouble; a code with no words
    answers += [(400, "field_invalid", "hours.0.1"), (0, None, None), (503, "service_unavailable", None)]
    answers += [(403, "origin_forbidden", None)]
    expected += [
        texts["err.field_invalid"].replace("{field}", texts["field.hours"]),
        texts["net.offline"],
        texts["net.server"],
        texts["err.other"],
    ]
    said = _said(lang, answers)
    assert said == expected
    assert not any(ENGLISH in text or "{" in text for text in said)
