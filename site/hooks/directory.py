"""The centre directory and one page per centre, in every site language, generated at build
time from content/centres.yaml and content/services.yaml (validated by the same pydantic
models the backend uses). Called by hooks/docs.py.

Without JavaScript the directory filters with radio buttons and CSS `:has()` rules (written
to assets/directory.css: no inline styles under our CSP). With JavaScript (assets/directory.js)
the filters sync with the URL, centres are sorted by distance on the device, and "open now" is
computed in each centre's time zone. Each centre carries its hours as data attributes for that.
"""

from __future__ import annotations

import json
import sys
from datetime import date, timedelta
from html import escape
from pathlib import Path
from typing import Any

import yaml
from babel import Locale
from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from devstack.content import ContentError, load_catalogue  # noqa: E402

sys.path.insert(0, str(ROOT / "backend"))
from chalicelib.centres.models import WEEKDAYS, Catalogue, Centre  # noqa: E402
from chalicelib.core.i18n import SITE_LANGUAGES, pick  # noqa: E402

UI_DIR = ROOT / "content" / "ui"
AUDIENCES = ("leaving", "abroad", "returning", "transit")
STALE_AFTER = timedelta(days=183)
_state: dict[str, Any] = {}


def load_ui() -> dict[str, dict[str, str]]:
    strings: dict[str, dict[str, str]] = {}
    for lang in SITE_LANGUAGES:
        path = UI_DIR / f"{lang}.yaml"
        strings[lang] = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    return strings


def t(lang: str, key: str, **values: str) -> str:
    ui = _state["ui"]
    text = str(ui[lang].get(key) or ui["en"][key])
    # Without values the text stays a template ("{n} centres") for the browser to fill.
    return text.format(**values) if values else text


def e(lang: str, key: str, **values: str) -> str:
    """A UI string, escaped for HTML."""
    return escape(t(lang, key, **values))


def country_name(lang: str, code: str) -> str:
    return str(Locale.parse(lang).territories.get(code, code))


def language_name(lang: str, code: str) -> str:
    name = Locale.parse(lang).languages.get(code)
    return str(name[:1].upper() + name[1:]) if name else code


def page_head(title: str, description: str, *, quick_exit: bool = False) -> str:
    """Front matter and the H1 of a generated page. `quick_exit` gives it the "Exit this page"
    button (overrides/main.html): pages where a person writes about themselves."""
    flag = "quick_exit: true\n" if quick_exit else ""
    return (
        f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\n"
        f"description: {json.dumps(description, ensure_ascii=False)}\n{flag}---\n\n# {escape(title)}\n\n"
    )


def with_quick_exit(page: str) -> str:
    """A page of content/pages/ (which starts with front matter) with the quick exit flag set."""
    if not page.startswith("---\n"):
        raise PluginError("A page that takes a form needs front matter (a title and a description).")
    return "---\nquick_exit: true\n" + page[4:]


def exit_note(lang: str) -> str:
    """What the quick exit does and what it cannot do, at the top of a page that has it."""
    return f'<p class="px-sample px-exit-note">{e(lang, "exit.note")}</p>'


def date_formats(lang: str) -> dict[str, Any]:
    """How a day is written in `lang` ("5 Mar"), from CLDR through Babel: a phone's browser may
    have no data for Tajik, Khmer or Burmese and print "M03 5". Filled in by assets/proof.js."""
    locale = Locale.parse(lang)
    months = locale.months["format"]["abbreviated"]
    return {"pattern": locale.datetime_skeletons["MMMd"].pattern, "months": [str(months[m]) for m in range(1, 13)]}


def load() -> Catalogue:
    try:
        _state["catalogue"] = load_catalogue()
    except ContentError as exc:
        raise PluginError("Content has mistakes:\n  " + "\n  ".join(exc.problems)) from exc
    _state["ui"] = load_ui()
    return _state["catalogue"]


def _attr(value: Any) -> str:
    return escape(json.dumps(value, ensure_ascii=False, separators=(",", ":")), quote=True)


def schedule_attributes(centre: Centre) -> str:
    """What the browser needs to say 'open now' in the centre's time zone, offline too."""
    hours = {day: [list(r) for r in ranges] for day, ranges in centre.opening_hours.items()}
    exceptions = {x.date.isoformat(): ([] if x.closed else [list(r) for r in x.hours or []]) for x in centre.exceptions}
    for visit in centre.visits:
        exceptions[visit.date.isoformat()] = [list(r) for r in visit.hours]
    return (
        f'data-timezone="{centre.timezone}" data-hours="{_attr(hours)}" '
        f'data-exceptions="{_attr(exceptions)}" data-verified="{centre.last_verified.isoformat()}" '
        f'data-lat="{centre.coordinates.lat}" data-lon="{centre.coordinates.lon}" '
        f'data-kind="{centre.kind}"'
    )


def _service_chips(catalogue: Catalogue, centre: Centre, lang: str) -> str:
    items = []
    for sid in centre.services:
        service = catalogue.service(sid)
        if service is not None:
            items.append(f'<li data-service="{sid}">{escape(pick(service.name, lang))}</li>')
    return f'<ul class="px-chips">{"".join(items)}</ul>'


def _is_stale(centre: Centre, today: date) -> bool:
    return today - centre.last_verified > STALE_AFTER


def _filter_group(lang: str, name: str, label_key: str, options: list[tuple[str, str]]) -> str:
    radios = [
        f'<input type="radio" name="{name}" id="f-{name}-all" value="" checked>'
        f'<label for="f-{name}-all">{e(lang, "filter.all")}</label>'
    ]
    for value, label in options:
        radios.append(
            f'<input type="radio" name="{name}" id="f-{name}-{value}" value="{value}">'
            f'<label for="f-{name}-{value}">{escape(label)}</label>'
        )
    return (
        f'<details class="px-filter"><summary>{e(lang, label_key)}</summary>'
        f"<fieldset><legend>{e(lang, label_key)}</legend>{''.join(radios)}</fieldset></details>"
    )


def filter_options(catalogue: Catalogue, lang: str) -> dict[str, list[tuple[str, str]]]:
    countries = sorted({c.country for c in catalogue.centres}, key=lambda code: country_name(lang, code))
    languages = sorted(
        {code for c in catalogue.centres for code in c.languages}, key=lambda code: language_name(lang, code)
    )
    return {
        "country": [(code, country_name(lang, code)) for code in countries],
        "service": [(s.id, pick(s.name, lang)) for s in catalogue.services],
        "language": [(code, language_name(lang, code)) for code in languages],
        "audience": [(a, t(lang, f"audience.{a}")) for a in AUDIENCES],
    }


def filter_css(catalogue: Catalogue) -> str:
    """One rule per filter value: a checked value hides the centres that do not match it."""
    attribute = {
        "country": ("data-country", "="),
        "service": ("data-services", "~="),
        "language": ("data-languages", "~="),
        "audience": ("data-audiences", "~="),
    }
    rules = ["/* Generated by site/hooks/directory.py: directory filters that work without JavaScript. */"]
    for name, options in filter_options(catalogue, "en").items():
        attr, op = attribute[name]
        for value, _ in options:
            rules.append(
                f'.px-directory:has(#f-{name}-{value}:checked) .px-centre:not([{attr}{op}"{value}"]){{display:none}}'
            )
    return "\n".join(rules) + "\n"


def status_node(lang: str, hidden: bool = False) -> str:
    """A live region, carrying the texts the script needs in the page's language."""
    texts = {
        "offline": "directory.offline",
        "denied": "nearest.denied",
        "count": "directory.count",
        "none": "filter.none",
        "open": "open.now",
        "closed": "open.closed",
        "closes": "open.closes",
        "distance": "nearest.distance",
        "stale": "stale.warning",
    }
    attributes = " ".join(f'data-{name}="{e(lang, key)}"' for name, key in texts.items())
    return f'<p class="px-status" id="centre-status" aria-live="polite"{" hidden" if hidden else ""} {attributes}></p>'


def directory_page(catalogue: Catalogue, lang: str, today: date) -> str:
    rows = []
    for centre in sorted(catalogue.centres, key=lambda c: (country_name(lang, c.country), pick(c.city, lang))):
        stale = f'<p class="px-stale">{e(lang, "stale.warning")}</p>' if _is_stale(centre, today) else ""
        rows.append(
            f'<li class="px-centre" data-id="{centre.id}" data-country="{centre.country}" '
            f'data-services="{" ".join(centre.services)}" data-languages="{" ".join(centre.languages)}" '
            f'data-audiences="{" ".join(centre.audiences)}" {schedule_attributes(centre)}>'
            f'<a class="px-centre__name" href="{centre.id}/">{escape(pick(centre.name, lang))}</a>'
            f'<span class="px-centre__place">{escape(pick(centre.city, lang))}, '
            f"{escape(country_name(lang, centre.country))} · {e(lang, 'kind.' + centre.kind)}</span>"
            f'<span class="px-open" hidden></span><span class="px-distance" hidden></span>'
            f"{_service_chips(catalogue, centre, lang)}{stale}</li>"
        )
    notice = f'<p class="px-sample" role="note">{e(lang, "sample_notice")}</p>' if catalogue.sample_data else ""
    groups = "".join(
        _filter_group(lang, name, f"filter.{name}", options)
        for name, options in filter_options(catalogue, lang).items()
    )
    return (
        page_head(t(lang, "directory.title"), t(lang, "directory.intro"))
        + f"{e(lang, 'directory.intro')}\n\n{notice}\n\n"
        f'<link rel="stylesheet" href="{"../" if lang == "en" else "../../"}assets/directory.css">\n\n'
        f'<div class="px-directory">'
        f'<form class="px-filters" id="centre-filters" aria-label="{e(lang, "filter.title")}">{groups}</form>'
        f'<div class="px-nearest" hidden><button type="button" class="md-button" id="nearest">'
        f"{e(lang, 'nearest.button')}</button><small>{e(lang, 'nearest.note')}</small></div>"
        f"{status_node(lang)}"
        f'<ul class="px-centres" id="centre-list" data-api="/api/centres" data-lang="{lang}">'
        f"{''.join(rows)}</ul></div>\n"
        f'<script type="module" src="{"../" if lang == "en" else "../../"}assets/directory.js"></script>\n'
    )


def _hours(hours: list[tuple[str, str]] | tuple[tuple[str, str], ...]) -> str:
    return ", ".join(f"{a}–{b}" for a, b in hours)


def _ltr(text: str) -> str:
    """Times and numbers read left to right inside right-to-left text."""
    return f'<bdi dir="ltr">{text}</bdi>'


def _dated_item(day: date, *details: str) -> str:
    iso = day.isoformat()
    return (
        f'<li data-date="{iso}"><time datetime="{iso}">{iso}</time>'
        + "".join(f" · {d}" for d in details if d)
        + "</li>"
    )


def _contact_links(centre: Centre, lang: str) -> str:
    contact = centre.contact
    links = []
    if contact.phone:
        links.append(
            f'<a class="md-button md-button--primary" href="tel:{contact.phone}">'
            f'{e(lang, "centre.call")} <bdi dir="ltr">{contact.phone}</bdi></a>'
        )
    if contact.whatsapp:
        links.append(
            f'<a class="md-button" href="https://wa.me/{contact.whatsapp.lstrip("+")}">{e(lang, "centre.whatsapp")}</a>'
        )
    if contact.telegram:
        links.append(f'<a class="md-button" href="https://t.me/{contact.telegram}">{e(lang, "centre.telegram")}</a>')
    if contact.email:
        links.append(f'<a class="md-button" href="mailto:{contact.email}">{e(lang, "centre.email")}</a>')
    geo = f"geo:{centre.coordinates.lat},{centre.coordinates.lon}"
    links.append(f'<a class="md-button" href="{geo}">{e(lang, "centre.map")}</a>')
    return f'<p class="px-actions">{"".join(links)}</p>'


def centre_page(catalogue: Catalogue, centre: Centre, lang: str, today: date) -> str:
    name = pick(centre.name, lang)
    place = f"{pick(centre.city, lang)}, {country_name(lang, centre.country)}"
    parts = [page_head(name, f"{place} · {t(lang, 'kind.' + centre.kind)}")]
    if catalogue.sample_data:
        parts.append(f'<p class="px-sample" role="note">{e(lang, "sample_notice")}</p>\n')
    stale = f'<p class="px-stale">{e(lang, "stale.warning")}</p>' if _is_stale(centre, today) else ""
    parts.append(
        f'<div class="px-centre-page px-centre" data-id="{centre.id}" {schedule_attributes(centre)}>'
        f'<p class="px-centre__place">{escape(place)} · {e(lang, "kind." + centre.kind)} · '
        f'{escape(centre.operator)}</p><p><span class="px-open" hidden></span></p>{stale}'
        f"{_contact_links(centre, lang)}<p>{e(lang, 'centre.address')}: <bdi>{escape(centre.address)}</bdi></p></div>\n"
        f"{status_node(lang, hidden=True)}\n"
        f'<script type="module" src="{"../../" if lang == "en" else "../../../"}assets/directory.js"></script>\n'
    )
    services = []
    for sid in centre.services:
        service = catalogue.service(sid)
        if service is None:
            continue
        book = (
            f'<a class="md-button md-button--primary px-book" '
            f'href="../../book/?centre={centre.id}&amp;service={sid}">{e(lang, "service.book")}</a>'
            if service.bookable
            else ""
        )
        services.append(
            f'<li data-service="{sid}"><strong>{escape(pick(service.name, lang))}</strong>'
            f"<br>{escape(pick(service.description, lang))}{book}</li>"
        )
    parts.append(f'## {e(lang, "directory.services")}\n\n<ul class="px-services">{"".join(services)}</ul>\n')
    parts.append(
        f"## {e(lang, 'directory.languages')}\n\n"
        + ", ".join(escape(language_name(lang, code)) for code in centre.languages)
        + "\n"
    )
    if centre.opening_hours:
        closed = e(lang, "centre.closed")
        rows = "".join(
            f'<tr data-day="{day}"><th scope="row">{e(lang, "day." + day)}</th>'
            f'<td><bdi dir="ltr">{_hours(centre.opening_hours[day]) if day in centre.opening_hours else ""}</bdi>'
            f"{'' if day in centre.opening_hours else closed}</td></tr>"
            for day in WEEKDAYS
        )
        parts.append(f'## {e(lang, "centre.hours")}\n\n<table class="px-hours"><tbody>{rows}</tbody></table>\n')
    upcoming = [x for x in centre.exceptions if x.date >= today]
    if upcoming:
        items = "".join(
            _dated_item(
                x.date,
                e(lang, "centre.closed") if x.closed else _ltr(_hours(x.hours or [])),
                escape(pick(x.reason, lang)) if x.reason else "",
            )
            for x in upcoming
        )
        parts.append(f'## {e(lang, "centre.exceptions")}\n\n<ul class="px-dated">{items}</ul>\n')
    visits = [v for v in centre.visits if v.date >= today]
    if visits:
        items = "".join(_dated_item(v.date, escape(pick(v.place, lang)), _ltr(_hours(v.hours))) for v in visits)
        parts.append(f'## {e(lang, "centre.visits")}\n\n<ul class="px-dated px-visits">{items}</ul>\n')
    audiences = ", ".join(e(lang, f"audience.{a}") for a in centre.audiences)
    parts.append(f"## {e(lang, 'centre.serves')}\n\n{audiences}\n")
    parts.append(
        f'<p class="px-verified">{e(lang, "centre.last_verified", date=centre.last_verified.isoformat())}'
        f"</p>\n\n[{e(lang, 'centre.back')}](index.md)\n"
    )
    return "\n".join(parts)


def write_pages(docs_dir: Path, today: date) -> None:
    """Write the directory and the centre pages of every language into `docs_dir`."""
    catalogue = load()
    for lang in SITE_LANGUAGES:
        folder = docs_dir / lang / "centres"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.md").write_text(directory_page(catalogue, lang, today), encoding="utf-8")
        for centre in catalogue.centres:
            (folder / f"{centre.id}.md").write_text(centre_page(catalogue, centre, lang, today), encoding="utf-8")
