"""The centre directory and one page per centre, in every site language, generated at build
time from content/centres.yaml and content/services.yaml (validated by the same pydantic
models the backend uses). Called by hooks/docs.py."""

from __future__ import annotations

import sys
from html import escape
from pathlib import Path
from typing import Any

import yaml
from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from devstack.content import ContentError, load_catalogue  # noqa: E402

sys.path.insert(0, str(ROOT / "backend"))
from chalicelib.centres.models import WEEKDAYS, Catalogue, Centre  # noqa: E402
from chalicelib.core.i18n import SITE_LANGUAGES, pick  # noqa: E402

UI_DIR = ROOT / "content" / "ui"
_state: dict[str, Any] = {}


def load_ui() -> dict[str, dict[str, str]]:
    strings: dict[str, dict[str, str]] = {}
    for lang in SITE_LANGUAGES:
        path = UI_DIR / f"{lang}.yaml"
        strings[lang] = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    return strings


def t(lang: str, key: str, **values: str) -> str:
    ui = _state["ui"]
    text = ui[lang].get(key) or ui["en"][key]
    return str(text).format(**values)


def load() -> Catalogue:
    try:
        _state["catalogue"] = load_catalogue()
    except ContentError as exc:
        raise PluginError("Content has mistakes:\n  " + "\n  ".join(exc.problems)) from exc
    _state["ui"] = load_ui()
    return _state["catalogue"]


def _services_html(catalogue: Catalogue, centre: Centre, lang: str) -> str:
    items = []
    for sid in centre.services:
        service = catalogue.service(sid)
        if service is not None:
            items.append(f'<li data-service="{sid}">{escape(pick(service.name, lang))}</li>')
    return "".join(items)


def directory_page(catalogue: Catalogue, lang: str) -> str:
    rows = []
    for centre in sorted(catalogue.centres, key=lambda c: (c.country, pick(c.city, lang))):
        rows.append(
            f'<li class="px-centre" data-id="{centre.id}" data-country="{centre.country}" '
            f'data-kind="{centre.kind}" data-services="{" ".join(centre.services)}" '
            f'data-languages="{" ".join(centre.languages)}" data-audiences="{" ".join(centre.audiences)}">'
            f'<a class="px-centre__name" href="{centre.id}/">{escape(pick(centre.name, lang))}</a>'
            f'<span class="px-centre__place">{escape(pick(centre.city, lang))} · {centre.country} · '
            f'{escape(t(lang, "kind." + centre.kind))}</span>'
            f'<ul class="px-centre__services">{_services_html(catalogue, centre, lang)}</ul></li>'
        )
    notice = f'<p class="px-sample" role="note">{escape(t(lang, "sample_notice"))}</p>' if catalogue.sample_data else ""
    return (
        f"---\ntitle: {t(lang, 'directory.title')}\n---\n\n# {escape(t(lang, 'directory.title'))}\n\n"
        f"{escape(t(lang, 'directory.intro'))}\n\n"
        f"{notice}\n\n"
        f'<p class="px-status" id="centre-status" aria-live="polite" '
        f'data-loading="{escape(t(lang, "directory.loading"))}" '
        f'data-offline="{escape(t(lang, "directory.offline"))}"></p>\n\n'
        f'<ul class="px-centres" id="centre-list" data-api="/api/centres" data-lang="{lang}">'
        f'{"".join(rows)}</ul>\n'
    )


def _hours(hours: list[tuple[str, str]] | tuple[tuple[str, str], ...]) -> str:
    return ", ".join(f"{a}–{b}" for a, b in hours)


def centre_page(catalogue: Catalogue, centre: Centre, lang: str) -> str:
    name = pick(centre.name, lang)
    parts = [f"---\ntitle: {yaml.safe_dump(name, allow_unicode=True).strip()}\n---\n", f"# {escape(name)}\n"]
    if catalogue.sample_data:
        parts.append(f'<p class="px-sample" role="note">{escape(t(lang, "sample_notice"))}</p>\n')
    parts.append(
        f'<p class="px-centre__place">{escape(pick(centre.city, lang))} · {centre.country} · '
        f'{escape(t(lang, "kind." + centre.kind))} · {escape(centre.operator)}</p>\n'
    )
    parts.append(f"## {escape(t(lang, 'directory.services'))}\n\n"
                 f'<ul class="px-centre__services">{_services_html(catalogue, centre, lang)}</ul>\n')
    if centre.opening_hours:
        closed = escape(t(lang, "centre.closed"))
        rows = "".join(
            f"<tr><th scope=\"row\">{escape(t(lang, 'day.' + day))}</th>"
            f"<td>{_hours(centre.opening_hours[day]) if day in centre.opening_hours else closed}</td></tr>"
            for day in WEEKDAYS
        )
        parts.append(f"## {escape(t(lang, 'centre.hours'))}\n\n"
                     f"<table class=\"px-hours\"><tbody>{rows}</tbody></table>\n")
    if centre.visits:
        visits = "".join(
            f"<li><time datetime=\"{v.date.isoformat()}\">{v.date.isoformat()}</time> · "
            f"{escape(pick(v.place, lang))} · {_hours(v.hours)}</li>" for v in centre.visits
        )
        parts.append(f"## {escape(t(lang, 'centre.visits'))}\n\n<ul class=\"px-visits\">{visits}</ul>\n")
    contact = centre.contact
    links = []
    if contact.phone:
        links.append(f'<li><a href="tel:{contact.phone}">{escape(t(lang, "centre.call"))} {contact.phone}</a></li>')
    if contact.whatsapp:
        links.append(f'<li><a href="https://wa.me/{contact.whatsapp.lstrip("+")}">'
                     f'{escape(t(lang, "centre.whatsapp"))}</a></li>')
    if contact.telegram:
        links.append(f'<li><a href="https://t.me/{contact.telegram}">'
                     f'{escape(t(lang, "centre.telegram"))}</a></li>')
    if contact.email:
        links.append(f'<li><a href="mailto:{contact.email}">{escape(contact.email)}</a></li>')
    geo = f"geo:{centre.coordinates.lat},{centre.coordinates.lon}"
    links.append(f'<li><a href="{geo}">{escape(t(lang, "centre.map"))}</a></li>')
    parts.append(f"## {escape(t(lang, 'centre.contact'))}\n\n<p>{escape(t(lang, 'centre.address'))}: "
                 f"{escape(centre.address)}</p>\n<ul class=\"px-contact\">{''.join(links)}</ul>\n")
    verified = t(lang, "centre.last_verified", date=centre.last_verified.isoformat())
    parts.append(f'<p class="px-verified">{escape(verified)}</p>'
                 f"\n\n[{escape(t(lang, 'centre.back'))}](index.md)\n")
    return "\n".join(parts)


def write_pages(docs_dir: Path) -> None:
    """Write the directory and the centre pages of every language into `docs_dir`."""
    catalogue = load()
    for lang in SITE_LANGUAGES:
        folder = docs_dir / lang / "centres"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.md").write_text(directory_page(catalogue, lang), encoding="utf-8")
        for centre in catalogue.centres:
            (folder / f"{centre.id}.md").write_text(centre_page(catalogue, centre, lang), encoding="utf-8")
