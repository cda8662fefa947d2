"""MkDocs hook: the staff console at /staff/ (English), /fr/staff/, /ru/staff/, /vi/staff/, /ar/staff/.

The console is one static page per language: the forms and headings are rendered here from
content/staff/<lang>.yaml, and assets/staff.js does the rest against /api/staff/ (sign-in with the
OAuth code + PKCE flow, the complaint queue and cases, the agenda, the dashboard). Everything the
script says travels in a JSON data island (not executed, so allowed by our Content-Security-Policy).

The pages are kept out of the navigation (nav.py lists pages explicitly), the search index (front
matter) and the sitemap (on_post_build), and carry `<meta name="robots" content="noindex">`.
They are written into build/docs/ after docs.py has assembled it (a lower on_config priority), and
before mkdocs-static-i18n reads it.
"""

from __future__ import annotations

import json
import re
from html import escape
from pathlib import Path
from typing import Any

import yaml
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.pages import Page

HOOKS = Path(__file__).resolve().parent
ROOT = HOOKS.parents[1]
STRINGS_DIR = ROOT / "content" / "staff"
DOCS = ROOT / "build" / "docs"
LANGUAGES = ("en", "fr", "ru", "vi", "ar")

# The values the API speaks; each has a label `<prefix>.<value>` in content/staff/<lang>.yaml.
ENUMS: dict[str, tuple[str, ...]] = {
    "category": (
        "recruitment_fees",
        "contract_breach",
        "non_deployment",
        "unpaid_wages",
        "work_accident",
        "passport_confiscated",
        "violence_abuse",
        "trafficking",
        "lost_contact",
        "discrimination",
        "sea_by_staff",
        "other",
    ),
    "status": ("new", "acknowledged", "in_progress", "referred", "resolved", "closed"),
    "priority": ("low", "normal", "high", "urgent"),
    "lane": ("general", "restricted"),
    "role": ("caseworker", "manager", "focal_point", "admin"),
    "outcome": ("resolved_in_favour", "partly_resolved", "not_upheld", "referred_elsewhere", "withdrawn", "no_contact"),
    "gender": ("woman", "man", "other", "prefer_not_to_say"),
    "age": ("under_18", "18_24", "25_34", "35_49", "50_plus"),
    "bstatus": ("confirmed", "attended", "no_show", "offered"),
    "mode": ("on_site", "phone", "video"),
    "sort": ("oldest", "newest", "deadline"),
    "overdue": ("acknowledge", "answer"),
    "author": ("complainant", "caseworker"),
    "topic": (
        "work_abroad",
        "documents",
        "legal",
        "health",
        "money",
        "family",
        "language_course",
        "shelter",
        "complaint",
        "other",
    ),
}
# Currencies offered first for compensation (any ISO 4217 code can be typed).
CURRENCIES = (
    "USD",
    "EUR",
    "RUB",
    "TJS",
    "KZT",
    "VND",
    "KHR",
    "LAK",
    "MMK",
    "THB",
    "MYR",
    "TRY",
    "ALL",
    "GEL",
    "KRW",
    "JPY",
    "AED",
    "SAR",
    "QAR",
    "KWD",
)
_cache: dict[str, dict[str, str]] = {}
_written: dict[str, bool] = {}


def strings(lang: str) -> dict[str, str]:
    if lang not in _cache:
        data = yaml.safe_load((STRINGS_DIR / f"{lang}.yaml").read_text(encoding="utf-8")) or {}
        _cache[lang] = {str(k): str(v) for k, v in data.items()}
    return _cache[lang]


def s(lang: str, key: str) -> str:
    """A console string, escaped for HTML (a missing key fails the build: the unit test names it)."""
    return escape(strings(lang)[key])


def _options(lang: str, prefix: str, *, blank: str | None = None) -> str:
    first = f'<option value="">{s(lang, blank)}</option>' if blank else ""
    return first + "".join(f'<option value="{v}">{s(lang, f"{prefix}.{v}")}</option>' for v in ENUMS[prefix])


def _field(lang: str, ident: str, label: str, control: str) -> str:
    return f'<p class="px-staff-field"><label for="{ident}">{s(lang, label)}</label>{control}</p>'


def _select(lang: str, ident: str, label: str, options: str) -> str:
    return _field(lang, ident, label, f'<select id="{ident}">{options}</select>')


def _check(lang: str, ident: str, label: str) -> str:
    return (
        f'<p class="px-staff-field"><label class="px-radio"><input type="checkbox" id="{ident}"> '
        f"{s(lang, label)}</label></p>"
    )


def _data_island(lang: str) -> str:
    data = {"lang": lang, "strings": strings(lang), "enums": {k: list(v) for k, v in ENUMS.items()}}
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return f'<script type="application/json" id="px-staff-data">{text}</script>'


def _sign_in(lang: str) -> str:
    return f"""<section id="s-signin" class="px-staff-panel" hidden aria-labelledby="s-signin-title">
<h2 id="s-signin-title">{s(lang, "signin.title")}</h2>
<p>{s(lang, "signin.help")}</p>
<p><button type="button" class="md-button md-button--primary" id="s-signin-button">
{s(lang, "signin.button")}</button></p>
</section>"""


def _who(lang: str) -> str:
    return f"""<div class="px-staff-who">
<dl>
<div><dt>{s(lang, "who.signed_in")}</dt><dd id="s-who-name"></dd></div>
<div><dt>{s(lang, "who.roles")}</dt><dd id="s-who-roles"></dd></div>
<div><dt>{s(lang, "who.centres")}</dt><dd id="s-who-centres"></dd></div>
</dl>
<p><button type="button" class="md-button" id="s-signout">{s(lang, "signout")}</button></p>
</div>
<nav class="px-staff-nav" aria-label="{s(lang, "nav.label")}"><ul>
<li><a href="#/queue" id="s-nav-queue">{s(lang, "nav.queue")}</a></li>
<li><a href="#/agenda" id="s-nav-agenda">{s(lang, "nav.agenda")}</a></li>
<li id="s-nav-dashboard-item" hidden><a href="#/dashboard" id="s-nav-dashboard">{s(lang, "nav.dashboard")}</a></li>
</ul></nav>"""


def _queue(lang: str) -> str:
    filters = "".join(
        (
            f'<p class="px-staff-field" id="q-lane-field" hidden><label for="q-lane">{s(lang, "filter.lane")}</label>'
            f'<select id="q-lane">{_options(lang, "lane")}</select></p>',
            _select(lang, "q-status", "filter.status", _options(lang, "status", blank="filter.any")),
            _select(lang, "q-category", "filter.category", _options(lang, "category", blank="filter.any")),
            _select(lang, "q-centre", "filter.centre", f'<option value="">{s(lang, "filter.any")}</option>'),
            _select(lang, "q-priority", "filter.priority", _options(lang, "priority", blank="filter.any")),
            _field(
                lang,
                "q-older",
                "filter.older",
                '<input id="q-older" type="number" min="0" max="3650" step="1" inputmode="numeric">',
            ),
            _select(lang, "q-sort", "filter.sort", _options(lang, "sort")),
            _check(lang, "q-assigned", "filter.assigned"),
            _check(lang, "q-overdue", "filter.overdue"),
        )
    )
    return f"""<section id="v-queue" class="px-staff-view" hidden aria-labelledby="v-queue-title">
<h2 id="v-queue-title" tabindex="-1">{s(lang, "queue.title")}</h2>
<form id="q-filters" class="px-staff-filters" novalidate>
<fieldset><legend>{s(lang, "queue.filters")}</legend>
<div class="px-staff-grid">{filters}</div>
<p class="px-actions"><button type="submit" class="md-button md-button--primary">{s(lang, "filter.apply")}</button>
<button type="reset" class="md-button">{s(lang, "filter.reset")}</button></p>
</fieldset>
</form>
<p id="q-count" class="px-staff-count" role="status" aria-live="polite"></p>
<ul id="q-list" class="px-staff-cases"></ul>
</section>"""


def _case(lang: str) -> str:
    outcome = "".join(
        (
            _select(lang, "a-outcome", "field.outcome", _options(lang, "outcome", blank="choose")),
            _field(
                lang,
                "a-amount",
                "action.amount",
                '<input id="a-amount" inputmode="decimal" pattern="[0-9]+([.][0-9]{1,2})?" maxlength="14" dir="ltr"'
                ' aria-describedby="a-amount-help">',
            ),
            '<small id="a-amount-help" class="px-staff-help">' + s(lang, "action.amount_help") + "</small>",
            _field(
                lang,
                "a-currency",
                "action.currency",
                '<input id="a-currency" list="a-currencies" maxlength="3" pattern="[A-Za-z]{3}" dir="ltr" '
                'autocapitalize="characters">',
            ),
            '<datalist id="a-currencies">'
            + "".join(f'<option value="{c}"></option>' for c in CURRENCIES)
            + "</datalist>",
            _field(
                lang,
                "a-outcome-note",
                "action.outcome_note",
                '<textarea id="a-outcome-note" rows="2" maxlength="2000"></textarea>',
            ),
        )
    )
    return f"""<section id="v-case" class="px-staff-view" hidden aria-labelledby="c-title">
<p><a href="#/queue" id="c-back">{s(lang, "case.back")}</a></p>
<h2 id="c-title" tabindex="-1"></h2>
<p id="c-overdue" class="px-staff-overdue" hidden></p>
<div class="px-staff-case">
<div class="px-staff-case__main">
<section aria-labelledby="c-details-title"><h3 id="c-details-title">{s(lang, "case.details")}</h3>
<dl id="c-details" class="px-staff-dl"></dl></section>
<section aria-labelledby="c-text-title"><h3 id="c-text-title">{s(lang, "case.complaint")}</h3>
<dl id="c-text" class="px-staff-dl px-staff-dl--text"></dl></section>
<section class="px-staff-thread" aria-labelledby="c-messages-title">
<h3 id="c-messages-title">{s(lang, "case.messages")}</h3>
<p class="px-staff-help">{s(lang, "case.messages_help")}</p>
<ol id="c-messages" class="px-messages"></ol></section>
<section class="px-staff-notes" aria-labelledby="c-notes-title">
<h3 id="c-notes-title">{s(lang, "case.notes")}</h3>
<p class="px-staff-help">{s(lang, "case.notes_help")}</p>
<ol id="c-notes" class="px-messages"></ol></section>
<section aria-labelledby="c-referrals-title"><h3 id="c-referrals-title">{s(lang, "case.referrals")}</h3>
<ol id="c-referrals" class="px-staff-log"></ol></section>
<section aria-labelledby="c-outcome-title"><h3 id="c-outcome-title">{s(lang, "case.outcome")}</h3>
<dl id="c-outcome" class="px-staff-dl"></dl></section>
<section aria-labelledby="c-history-title"><h3 id="c-history-title">{s(lang, "case.history")}</h3>
<ol id="c-history" class="px-staff-log"></ol></section>
</div>
<div class="px-staff-case__actions">
<h3>{s(lang, "action.title")}</h3>
<form id="a-status-form" class="px-staff-action" novalidate>
{_select(lang, "a-status", "action.status", "")}
<p><button type="submit" class="md-button md-button--primary">{s(lang, "action.set_status")}</button></p>
</form>
<p id="a-status-none" class="px-staff-help" hidden>{s(lang, "action.no_status")}</p>
<form id="a-assign-form" class="px-staff-action" novalidate>
<p><button type="button" class="md-button" id="a-assign">{s(lang, "action.assign_me")}</button>
<button type="button" class="md-button" id="a-unassign">{s(lang, "action.unassign")}</button></p>
</form>
<form id="a-priority-form" class="px-staff-action" novalidate>
{_select(lang, "a-priority", "field.priority", _options(lang, "priority"))}
<p><button type="submit" class="md-button">{s(lang, "action.save_priority")}</button></p>
</form>
<form id="a-reply-form" class="px-staff-action" novalidate>
<p class="px-staff-field"><label for="a-reply">{s(lang, "action.reply")}</label>
<small id="a-reply-language" class="px-staff-help"></small>
<textarea id="a-reply" rows="5" maxlength="5000" required aria-describedby="a-reply-language"></textarea></p>
<p><button type="submit" class="md-button md-button--primary">{s(lang, "action.send_reply")}</button></p>
</form>
<form id="a-note-form" class="px-staff-action" novalidate>
<p class="px-staff-field"><label for="a-note">{s(lang, "action.note")}</label>
<small id="a-note-help" class="px-staff-help">{s(lang, "case.notes_help")}</small>
<textarea id="a-note" rows="3" maxlength="5000" required aria-describedby="a-note-help"></textarea></p>
<p><button type="submit" class="md-button">{s(lang, "action.add_note")}</button></p>
</form>
<form id="a-refer-form" class="px-staff-action" novalidate>
<fieldset><legend>{s(lang, "action.refer")}</legend>
{_select(lang, "a-refer-centre", "action.refer_centre", "")}
{
        _field(
            lang,
            "a-refer-note",
            "action.refer_note",
            '<textarea id="a-refer-note" rows="3" maxlength="2000" required></textarea>',
        )
    }
<p><button type="submit" class="md-button">{s(lang, "action.send_refer")}</button></p>
</fieldset>
</form>
<form id="a-outcome-form" class="px-staff-action" novalidate>
<fieldset><legend>{s(lang, "action.outcome")}</legend>
{outcome}
<p><button type="submit" class="md-button">{s(lang, "action.save_outcome")}</button></p>
</fieldset>
</form>
<div id="a-audit-block" class="px-staff-action" hidden>
<p><button type="button" class="md-button" id="a-audit" aria-controls="a-audit-section">
{s(lang, "action.audit")}</button></p>
<section id="a-audit-section" hidden aria-labelledby="a-audit-title">
<h4 id="a-audit-title">{s(lang, "audit.title")}</h4>
<ol id="a-audit-list" class="px-staff-log"></ol></section>
</div>
</div>
</div>
</section>"""


def _agenda(lang: str) -> str:
    return f"""<section id="v-agenda" class="px-staff-view" hidden aria-labelledby="v-agenda-title">
<h2 id="v-agenda-title" tabindex="-1">{s(lang, "agenda.title")}</h2>
<form id="g-form" class="px-staff-filters" novalidate>
<div class="px-staff-grid">
{_select(lang, "g-centre", "agenda.centre", "")}
{_field(lang, "g-date", "agenda.date", '<input id="g-date" type="date" required>')}
</div>
<p><button type="submit" class="md-button md-button--primary">{s(lang, "agenda.show")}</button></p>
</form>
<div id="g-day" hidden>
<p id="g-timezone" class="px-staff-help"></p>
<dl class="px-staff-dl">
<div><dt>{s(lang, "agenda.opening")}</dt><dd id="g-opening"></dd></div>
<div><dt>{s(lang, "agenda.exception")}</dt><dd id="g-exception"></dd></div>
</dl>
<h3>{s(lang, "agenda.bookings")}</h3>
<ol id="g-bookings" class="px-staff-bookings"></ol>
<form id="x-form" class="px-staff-action" hidden novalidate>
<fieldset><legend>{s(lang, "exception.title")}</legend>
<p class="px-staff-field">
<label class="px-radio"><input type="radio" name="x-kind" id="x-closed" value="closed" checked>
{s(lang, "exception.closed")}</label>
<label class="px-radio"><input type="radio" name="x-kind" id="x-special" value="hours">
{s(lang, "exception.hours")}</label></p>
<div class="px-staff-grid" id="x-hours">
{_field(lang, "x-from-1", "exception.from", '<input id="x-from-1" type="time">')}
{_field(lang, "x-to-1", "exception.to", '<input id="x-to-1" type="time">')}
{_field(lang, "x-from-2", "exception.from_2", '<input id="x-from-2" type="time">')}
{_field(lang, "x-to-2", "exception.to_2", '<input id="x-to-2" type="time">')}
</div>
{_field(lang, "x-note", "exception.note", '<input id="x-note" maxlength="200">')}
<p class="px-actions"><button type="submit" class="md-button md-button--primary">{s(lang, "exception.save")}</button>
<button type="button" class="md-button px-danger" id="x-remove">{s(lang, "exception.remove")}</button></p>
</fieldset>
</form>
</div>
</section>"""


def _dashboard(lang: str) -> str:
    # The periods (months, quarters, years up to today) are listed by the script: it knows the date.
    # Someone who is both a manager and a focal point picks a lane; everyone else has one.
    filters = "".join(
        (
            f'<p class="px-staff-field" id="d-lane-field" hidden><label for="d-lane">{s(lang, "filter.lane")}</label>'
            f'<select id="d-lane">{_options(lang, "lane")}</select></p>',
            _select(lang, "d-centre", "dash.centre", f'<option value="">{s(lang, "filter.all_centres")}</option>'),
            _select(lang, "d-period", "dash.period", ""),
            _select(lang, "d-gender", "dash.gender", _options(lang, "gender", blank="filter.any")),
            _select(lang, "d-age", "dash.age_band", _options(lang, "age", blank="filter.any")),
        )
    )
    return f"""<section id="v-dashboard" class="px-staff-view" hidden aria-labelledby="v-dashboard-title">
<h2 id="v-dashboard-title" tabindex="-1">{s(lang, "dash.title")}</h2>
<form id="d-form" class="px-staff-filters" novalidate>
<div class="px-staff-grid">{filters}</div>
<p class="px-actions"><button type="submit" class="md-button md-button--primary">{s(lang, "dash.show")}</button>
<button type="button" class="md-button" id="d-csv">{s(lang, "dash.csv")}</button></p>
</form>
<p class="px-staff-help" id="d-note"></p>
<div id="d-charts" class="px-staff-charts"></div>
</section>"""


def console_page(lang: str) -> str:
    depth = 1 if lang == "en" else 2  # the page is /staff/ or /<lang>/staff/
    head = (
        f"---\ntitle: {json.dumps(strings(lang)['page.title'], ensure_ascii=False)}\n"
        f"description: {json.dumps(strings(lang)['page.description'], ensure_ascii=False)}\n"
        "staff_console: true\nsearch:\n  exclude: true\nhide:\n  - navigation\n  - toc\n---\n\n"
        f"# {s(lang, 'page.title')}\n\n"
    )
    return (
        head
        + f"""<div class="px-staff" id="staff" markdown="0">
<p class="px-staff-intro">{s(lang, "page.intro")}</p>
<div id="s-alert" class="px-staff-alert" role="alert"></div>
<p id="s-status" class="px-message" role="status" aria-live="polite"></p>
{_sign_in(lang)}
<div id="s-app" hidden>
{_who(lang)}
{_queue(lang)}
{_case(lang)}
{_agenda(lang)}
{_dashboard(lang)}
</div>
</div>
<noscript><p class="px-sample">{s(lang, "noscript")}</p></noscript>
{_data_island(lang)}
<script type="module" src="{"../" * depth}assets/staff.js"></script>
"""
    )


def write_pages(docs_dir: Path) -> list[Path]:
    written = []
    for lang in LANGUAGES:
        folder = docs_dir / lang / "staff"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.md").write_text(console_page(lang), encoding="utf-8")
        written.append(folder / "index.md")
    return written


@event_priority(90)  # after docs.py (100) has assembled build/docs/, before mkdocs-static-i18n (-100)
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    if not _written.get(config.config_file_path):
        _cache.clear()
        write_pages(Path(config.docs_dir))
        _written[config.config_file_path] = True
    return config


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    """No search engine indexes the console; its stylesheet is only loaded on its pages."""
    if not page.meta.get("staff_console"):
        return output
    prefix = "../" * page.url.count("/")
    extra = f'<meta name="robots" content="noindex, nofollow"><link rel="stylesheet" href="{prefix}assets/staff.css">'
    return output.replace("</head>", extra + "</head>", 1)


_SITEMAP_ENTRY = re.compile(r"\s*<url>(?:(?!</url>).)*?/staff/</loc>.*?</url>", re.S)


def strip_sitemap(text: str) -> str:
    return _SITEMAP_ENTRY.sub("", text)


@event_priority(-300)  # after every language is built and search.py has copied the sitemaps
def on_post_build(config: MkDocsConfig) -> None:
    import gzip

    i18n: Any = config.plugins.get("i18n")
    if i18n is not None and i18n.building:
        return
    site_dir = Path(config.site_dir)
    for path in [site_dir / "sitemap.xml", *site_dir.glob("*/sitemap.xml")]:
        if path.exists():
            cleaned = strip_sitemap(path.read_text(encoding="utf-8"))
            path.write_text(cleaned, encoding="utf-8")
            packed = path.with_name("sitemap.xml.gz")
            if packed.exists():
                packed.write_bytes(gzip.compress(cleaned.encode("utf-8"), mtime=0))
