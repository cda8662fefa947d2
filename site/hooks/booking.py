"""The booking flow and the "manage my booking" page, in every site language. Called by docs.py.

The book page's own text (content/pages/<lang>/book/index.md) says how to book by phone or on
site: that is what a reader without JavaScript gets. The form below it is shown by
assets/booking.js, which talks to the API. Everything it needs to say is rendered here, in the
page's language; centre and service names travel in a JSON data island (not executed, so
allowed by our Content-Security-Policy).
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

import directory
from directory import (
    Catalogue,
    country_name,
    date_formats,
    e,
    exit_note,
    language_name,
    page_head,
    pick,
    t,
    with_quick_exit,
)

MESSAGES = (
    "book.choose",
    "book.loading",
    "book.no_slots",
    "book.seats_left",
    "book.full",
    "book.waitlist",
    "book.waitlist_done",
    "book.sending",
    "book.taken",
    "book.offline",
    "book.error",
    "manage.not_found",
    "manage.cancelled",
    "manage.offered",
    "status.confirmed",
    "status.cancelled",
    "status.waiting",
    "status.offered",
    "status.expired",
    "mode.on_site",
    "mode.phone",
    "mode.video",
    "book.done",
    "limit.wait",
    "book.seat_limit",
    "book.seat_limit_no_phone",
)


def _data_island(catalogue: Catalogue, lang: str) -> str:
    """The centres' phones are there for the one answer that says "call the centre instead" (too many
    places held from one connection): from the site's own centre data, so it shows offline too."""
    data = {
        "centres": {
            c.id: {
                "name": pick(c.name, lang),
                "city": pick(c.city, lang),
                "languages": c.languages,
                "services": c.services,
                "timezone": c.timezone,
                "phone": c.contact.phone,
            }
            for c in catalogue.centres
        },
        "services": {
            s.id: {"name": pick(s.name, lang), "modes": s.modes, "bookable": s.bookable, "seats": s.seats_per_slot or 0}
            for s in catalogue.services
        },
        "languages": {code: language_name(lang, code) for c in catalogue.centres for code in c.languages},
        "messages": {key: t(lang, key) for key in MESSAGES},
        "dates": date_formats(lang),
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return f'<script type="application/json" id="px-booking-data">{text}</script>'


def _slot_picker(lang: str) -> str:
    return (
        f'<fieldset class="px-pick" id="b-days" hidden><legend>{e(lang, "book.day")}</legend>'
        f'<div class="px-choices" id="b-day-list"></div></fieldset>'
        f'<fieldset class="px-pick" id="b-times" hidden><legend>{e(lang, "book.time")}</legend>'
        f'<div class="px-choices" id="b-time-list"></div>'
        f'<button type="button" class="md-button" id="b-waitlist" hidden>{e(lang, "book.waitlist")}</button>'
        f"</fieldset>"
    )


def _script(depth: int) -> str:
    return f'<script type="module" src="{"../" * depth}assets/booking.js"></script>'  # an ES module


def booking_widget(catalogue: Catalogue, lang: str) -> str:
    centres = [
        c
        for c in catalogue.centres
        if any((s := catalogue.service(sid)) is not None and s.bookable for sid in c.services)
    ]
    by_country: dict[str, list[str]] = {}
    for centre in sorted(centres, key=lambda c: (country_name(lang, c.country), pick(c.city, lang))):
        by_country.setdefault(country_name(lang, centre.country), []).append(
            f'<option value="{centre.id}">{escape(pick(centre.name, lang))}</option>'
        )
    centre_options = "".join(
        f'<optgroup label="{escape(country)}">{"".join(options)}</optgroup>' for country, options in by_country.items()
    )
    modes = "".join(
        f'<label class="px-radio"><input type="radio" name="mode" value="{m}" required> {e(lang, "mode." + m)}</label>'
        for m in ("on_site", "phone", "video")
    )
    depth = 2 if lang == "en" else 3  # the page is /book/ or /<lang>/book/
    return f"""

<section class="px-book-app" id="booking" markdown="0" hidden>
<h2>{e(lang, "book.title")}</h2>
{exit_note(lang)}
<form id="book-form" novalidate autocomplete="off">
<p><label for="b-centre">{e(lang, "book.centre")}</label>
<select id="b-centre" name="centre_id" required><option value="">{e(lang, "book.choose")}</option>{centre_options}</select></p>
<p><label for="b-service">{e(lang, "book.service")}</label>
<select id="b-service" name="service_id" required disabled><option value="">{e(lang, "book.choose")}</option></select></p>
{_slot_picker(lang)}
<fieldset class="px-pick" id="b-details" hidden><legend>{e(lang, "book.mode")}</legend>
<div class="px-choices" id="b-modes">{modes}</div>
<p><label for="b-language">{e(lang, "book.language")}</label><select id="b-language" name="language" required></select></p>
<p><label for="b-phone">{e(lang, "book.phone")}</label>
<input id="b-phone" name="phone" type="tel" inputmode="tel" autocomplete="off" dir="ltr" maxlength="32" aria-describedby="b-phone-help">
<small id="b-phone-help">{e(lang, "book.phone_help")}</small></p>
<p><label for="b-nickname">{e(lang, "book.nickname")}</label>
<input id="b-nickname" name="nickname" autocomplete="off" maxlength="40"></p>
<p><button type="submit" class="md-button md-button--primary" id="b-submit">{e(lang, "book.submit")}</button></p>
</fieldset>
<p class="px-message" id="b-status" role="status" aria-live="polite"></p>
</form>
<section class="px-done" id="b-done" hidden tabindex="-1">
<h2>{e(lang, "book.done")}</h2>
<dl class="px-codes"><dt>{e(lang, "book.reference")}</dt><dd class="px-code" id="b-ref" dir="ltr"></dd>
<dt>{e(lang, "book.manage_code")}</dt><dd class="px-code" id="b-code" dir="ltr"></dd></dl>
<p class="px-summary" id="b-summary"></p>
<p class="px-sample">{e(lang, "book.save")}</p>
<p class="px-actions"><button type="button" class="md-button" id="b-print">{e(lang, "book.print")}</button>
<button type="button" class="md-button" id="b-ics">{e(lang, "book.calendar")}</button></p>
<p><label class="px-radio"><input type="checkbox" id="b-saved"> {e(lang, "book.saved")}</label></p>
<p><a class="md-button md-button--primary" id="b-manage" href="manage/" hidden>{e(lang, "book.manage_link")}</a></p>
</section>
</section>
<noscript><p class="px-sample">{e(lang, "book.needs_js")}</p></noscript>
{_data_island(catalogue, lang)}
{_script(depth)}
"""


def manage_page(catalogue: Catalogue, lang: str) -> str:
    """Also links to the service feedback page; feedback.js puts the reference in that link's
    fragment (#ref=...), which browsers never send to a server."""
    depth = 3 if lang == "en" else 4  # /book/manage/ or /<lang>/book/manage/
    return (
        page_head(t(lang, "manage.title"), t(lang, "manage.intro"), quick_exit=True)
        + f"""\
{e(lang, "manage.intro")}

<section class="px-book-app" id="manage" markdown="0" hidden>
{exit_note(lang)}
<form id="manage-form" novalidate autocomplete="off">
<p><label for="m-reference">{e(lang, "book.reference")}</label>
<input id="m-reference" name="reference" required autocomplete="off" autocapitalize="characters" spellcheck="false" dir="ltr" maxlength="12"></p>
<p><label for="m-code">{e(lang, "book.manage_code")}</label>
<input id="m-code" name="code" required autocomplete="off" autocapitalize="characters" spellcheck="false" dir="ltr" maxlength="40"></p>
<p><button type="submit" class="md-button md-button--primary">{e(lang, "manage.open")}</button></p>
<p class="px-message" id="m-status" role="status" aria-live="polite"></p>
</form>
<section id="m-booking" hidden tabindex="-1">
<p class="px-summary" id="m-summary"></p>
<p class="px-status-label" id="m-state"></p>
<p class="px-actions">
<button type="button" class="md-button md-button--primary" id="m-accept" hidden>{e(lang, "manage.accept")}</button>
<button type="button" class="md-button" id="m-move" hidden>{e(lang, "manage.move")}</button>
<button type="button" class="md-button" id="m-ics" hidden>{e(lang, "book.calendar")}</button>
<button type="button" class="md-button" id="m-cancel" hidden>{e(lang, "manage.cancel")}</button>
<button type="button" class="md-button px-danger" id="m-cancel-confirm" hidden>{e(lang, "manage.cancel_confirm")}</button>
</p>
<form id="m-move-form" hidden>{_slot_picker(lang)}</form>
<p><a id="m-feedback" href="../../feedback/service/">{e(lang, "feedback.service_link")}</a></p>
</section>
</section>
<noscript><p class="px-sample">{e(lang, "book.needs_js")}</p></noscript>
{_data_island(catalogue, lang)}
{_script(depth)}
<script type="module" src="{"../" * depth}assets/feedback.js"></script>
"""
    )


def write_pages(docs_dir: Path, languages: list[str]) -> None:
    catalogue = directory._state["catalogue"]
    for lang in languages:
        book = docs_dir / lang / "book" / "index.md"
        if book.exists():
            page = with_quick_exit(book.read_text(encoding="utf-8"))
            book.write_text(page.rstrip() + booking_widget(catalogue, lang), encoding="utf-8")
        (docs_dir / lang / "book" / "manage.md").write_text(manage_page(catalogue, lang), encoding="utf-8")
