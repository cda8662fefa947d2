"""What every generated page is rendered with: the Jinja templates of site/overrides/pages/, the
interface strings of content/ui/<lang>.yaml, names of countries and languages from CLDR (Babel),
and the values the API accepts (build/allowed-values.json).

Templates escape everything they print (autoescape); a value that is already markup or data says
so with a filter (`island` for a JSON data island, `yaml` for a front matter string)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import yaml
from babel import Locale
from markupsafe import Markup

from chalicelib.core.i18n import DEFAULT_LANGUAGE
from devstack import BUILD, CONTENT, ROOT

TEMPLATES = ROOT / "site" / "overrides" / "pages"
UI_DIR = CONTENT / "ui"
# Written by `python -m devstack.content` from the backend's models (`make content`).
ALLOWED_VALUES = BUILD / "allowed-values.json"


class PagesError(Exception):
    """Something the pages cannot be built without, said in one sentence."""


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,  # a misspelt name fails the build instead of printing nothing
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["island"] = island
    env.filters["yaml"] = yaml_string
    env.filters["attr_json"] = attr_json
    env.filters["spaceless"] = spaceless
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


def island(value: Any) -> Markup:
    """JSON for a `<script type="application/json">` data island: never executed (so allowed by the
    Content-Security-Policy), and no `</script>` can end it early."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("</", "<\\/"))  # noqa: S704 - JSON with its only way out of <script> closed


def yaml_string(value: str) -> Markup:
    """A front matter string: JSON's quoting is YAML's double-quoted style."""
    return Markup(json.dumps(value, ensure_ascii=False))  # noqa: S704 - front matter, not HTML


_LINE_BETWEEN_TAGS = re.compile(r">[ \t]*\n\s*<")


def spaceless(markup: str) -> Markup:
    """A template written one element a line, printed as one line: a line break between two tags
    goes, with the indentation after it (spaces between inline elements are kept: they show)."""
    return Markup(_LINE_BETWEEN_TAGS.sub("><", str(markup)))  # noqa: S704 - rendered by an autoescaping template


def attr_json(value: Any) -> str:
    """Compact JSON to put in an attribute (escaped there like any text)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# ---- interface strings -----------------------------------------------------------------------------


@cache
def _ui(lang: str) -> Mapping[str, str]:
    path = UI_DIR / f"{lang}.yaml"
    loaded = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    return {str(k): str(v) for k, v in (loaded or {}).items() if v is not None}


@dataclass(frozen=True)
class Strings:
    """The interface strings of one language, English where a string is missing. Called from a
    template: `{{ t("book.title") }}`. Without values a string stays a template ("{n} centres")
    for the browser to fill."""

    lang: str

    def __call__(self, key: str, **values: str) -> str:
        text = _ui(self.lang).get(key) or _ui("en")[key]
        return text.format(**values) if values else text


def country_name(lang: str, code: str) -> str:
    return str(Locale.parse(lang).territories.get(code, code))


def language_name(lang: str, code: str) -> str:
    name = Locale.parse(lang).languages.get(code)
    return str(name[:1].upper() + name[1:]) if name else code


def date_formats(lang: str) -> dict[str, Any]:
    """How a day is written in `lang` ("5 Mar"), from CLDR through Babel: a phone's browser may
    have no data for Tajik, Khmer or Burmese and print "M03 5". Used by assets/api.js (retryTime)."""
    locale = Locale.parse(lang)
    months = locale.months["format"]["abbreviated"]
    return {"pattern": locale.datetime_skeletons["MMMd"].pattern, "months": [str(months[m]) for m in range(1, 13)]}


# ---- the values the API accepts ----------------------------------------------------------------------


@dataclass(frozen=True)
class AllowedValues:
    """build/allowed-values.json: each name's values in the backend model's own order."""

    values: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __getitem__(self, name: str) -> tuple[str, ...]:
        try:
            return self.values[name]
        except KeyError:
            raise PagesError(f"{ALLOWED_VALUES.name} has no {name!r}: run `make content` again.") from None


def load_allowed_values(path: Path = ALLOWED_VALUES) -> AllowedValues:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PagesError(f"{path} is missing: run `make content` (it writes the values the API accepts).") from None
    values = document.get("values") if isinstance(document, dict) else None
    if not isinstance(values, dict) or not all(
        isinstance(v, list) and all(isinstance(x, str) for x in v) for v in values.values()
    ):
        raise PagesError(f"{path} is not a map of names to lists of values: run `make content` again.")
    return AllowedValues({str(name): tuple(v) for name, v in values.items()})


# ---- pages ------------------------------------------------------------------------------------------


def with_quick_exit(page: str) -> str:
    """A page of content/pages/ (which starts with front matter) given the quick exit flag: the
    "Exit this page" button (overrides/main.html), on pages where a person writes about themselves."""
    if not page.startswith("---\n"):
        raise PagesError("A page that takes a form needs front matter (a title and a description).")
    return "---\nquick_exit: true\n" + page[4:]


def root(lang: str, folders: int) -> str:
    """The relative way back to the site's root from a page `folders` folders below its language's
    root: /book/manage/ is two below the site's root, /fr/book/manage/ three."""
    return "../" * (folders if lang == DEFAULT_LANGUAGE else folders + 1)
