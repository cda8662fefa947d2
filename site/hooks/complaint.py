"""The anonymous complaint form and the follow-up page, in every site language. Called by docs.py.

The complaint page's own text says how to complain through a centre: what a reader without
JavaScript gets. The form needs a script anyway (its proof of work is solved by the browser).
Everything shown is rendered here in the page's language.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

import directory
from babel import Locale
from directory import (
    SITE_LANGUAGES,
    Catalogue,
    country_name,
    e,
    exit_note,
    page_head,
    pick,
    t,
    with_quick_exit,
)

CATEGORIES = (
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
)
STATUSES = ("new", "acknowledged", "in_progress", "referred", "resolved", "closed")
MESSAGES = (
    "complaint.working",
    "complaint.saved_required",
    "complaint.done",
    "followup.not_found",
    "limit.wait",
    "followup.you",
    "followup.caseworker",
    "followup.none",
    "followup.sent",
    "book.offline",
    "book.error",
    *(f"cstatus.{s}" for s in STATUSES),
)


def _countries(lang: str) -> list[tuple[str, str]]:
    names = Locale.parse(lang).territories
    codes = [code for code in names if len(code) == 2 and code.isalpha() and code not in ("EU", "EZ", "UN", "ZZ", "QO")]
    return sorted(((code, str(names[code])) for code in codes), key=lambda pair: pair[1])


def _texts(lang: str) -> str:
    text = json.dumps({key: t(lang, key) for key in MESSAGES}, ensure_ascii=False).replace("</", "<\\/")
    return f'<script type="application/json" id="px-complaint-data">{text}</script>'


def _script(depth: int) -> str:
    return f'<script type="module" src="{"../" * depth}assets/complaint.js"></script>'  # an ES module


def complaint_form(catalogue: Catalogue, lang: str) -> str:
    categories = "".join(f'<option value="{c}">{e(lang, "category." + c)}</option>' for c in CATEGORIES)
    countries = "".join(f'<option value="{code}">{escape(name)}</option>' for code, name in _countries(lang))
    languages = Locale.parse(lang).languages
    answer_languages = "".join(
        f'<option value="{code}"{" selected" if code == lang else ""}>{escape(str(languages.get(code, code)))}</option>'
        for code in SITE_LANGUAGES
    )
    centres = "".join(
        f'<option value="{c.id}">{escape(pick(c.name, lang))} ({escape(country_name(lang, c.country))})</option>'
        for c in sorted(catalogue.centres, key=lambda c: country_name(lang, c.country))
    )
    depth = 2 if lang == "en" else 3
    return f"""

<section class="px-book-app" id="complaint" markdown="0" hidden>
<h2>{e(lang, "complaint.title")}</h2>
<p class="px-sample">{e(lang, "complaint.safety")}</p>
{exit_note(lang)}
<form id="complaint-form" novalidate autocomplete="off">
<p><label for="c-category">{e(lang, "complaint.category")}</label>
<select id="c-category" name="category" required><option value="">{e(lang, "book.choose")}</option>{categories}</select>
<small id="c-restricted" hidden>{e(lang, "complaint.restricted_note")}</small></p>
<p><label for="c-country">{e(lang, "complaint.country")}</label>
<select id="c-country" name="country" required><option value="">{e(lang, "book.choose")}</option>{countries}</select></p>
<p><label for="c-against">{e(lang, "complaint.against")}</label><input id="c-against" name="against" autocomplete="off" maxlength="200"></p>
<p><label for="c-when">{e(lang, "complaint.when")}</label><input id="c-when" name="when" autocomplete="off" maxlength="100"></p>
<p><label for="c-description">{e(lang, "complaint.description")}</label>
<textarea id="c-description" name="description" autocomplete="off" required minlength="10" maxlength="5000" rows="7" aria-describedby="c-description-help"></textarea>
<small id="c-description-help">{e(lang, "complaint.description_help")}</small></p>
<p><label for="c-language">{e(lang, "complaint.language")}</label><select id="c-language" name="language" required>{answer_languages}</select></p>
<p><label class="px-radio"><input type="checkbox" id="c-woman" name="woman_caseworker"> {e(lang, "complaint.woman")}</label></p>
<p><label class="px-radio"><input type="checkbox" id="c-behalf" name="on_behalf"> {e(lang, "complaint.for_someone")}</label></p>
<p><label for="c-centre">{e(lang, "complaint.centre")}</label>
<select id="c-centre" name="centre_id"><option value="">{e(lang, "complaint.centre_any")}</option>{centres}</select></p>
<p><label for="c-phone">{e(lang, "complaint.phone")}</label><input id="c-phone" name="phone" type="tel" inputmode="tel" autocomplete="off" dir="ltr" maxlength="32"></p>
<p><label class="px-radio"><input type="checkbox" id="c-consent" name="phone_consent"> {e(lang, "complaint.phone_consent")}</label></p>
<p><button type="submit" class="md-button md-button--primary" id="c-submit">{e(lang, "complaint.submit")}</button></p>
<p class="px-message" id="c-status" role="status" aria-live="polite"></p>
</form>
<section class="px-done" id="c-done" hidden tabindex="-1">
<h2>{e(lang, "complaint.receipt")}</h2>
<p class="px-code px-receipt" id="c-receipt" dir="ltr"></p>
<p class="px-sample">{e(lang, "complaint.receipt_help")}</p>
<p class="px-actions"><button type="button" class="md-button" id="c-print">{e(lang, "book.print")}</button></p>
<p><label class="px-radio"><input type="checkbox" id="c-saved"> {e(lang, "complaint.saved_check")}</label></p>
<p class="px-message" id="c-after" role="status" aria-live="polite"></p>
<p><a class="md-button md-button--primary" id="c-followup" href="follow-up/" hidden>{e(lang, "followup.title")}</a></p>
</section>
</section>
<noscript><p class="px-sample">{e(lang, "book.needs_js")}</p></noscript>
{_texts(lang)}
{_script(depth)}
"""


def follow_up_page(lang: str) -> str:
    depth = 3 if lang == "en" else 4
    return (
        page_head(t(lang, "followup.title"), t(lang, "followup.intro"), quick_exit=True)
        + f"""\
{e(lang, "followup.intro")}

<section class="px-book-app" id="followup" markdown="0" hidden>
{exit_note(lang)}
<form id="followup-form" novalidate autocomplete="off">
<p><label for="f-receipt">{e(lang, "complaint.receipt")}</label>
<input id="f-receipt" name="receipt" required autocomplete="off" inputmode="numeric" dir="ltr" maxlength="60"></p>
<p><button type="submit" class="md-button md-button--primary">{e(lang, "followup.open")}</button></p>
<p class="px-message" id="f-status" role="status" aria-live="polite"></p>
</form>
<section id="f-complaint" hidden tabindex="-1">
<p><strong>{e(lang, "followup.status")}:</strong> <span id="f-state"></span></p>
<h2>{e(lang, "followup.messages")}</h2>
<ol class="px-messages" id="f-messages"></ol>
<form id="f-reply-form" novalidate autocomplete="off">
<p><label for="f-reply">{e(lang, "followup.reply")}</label>\
<textarea id="f-reply" autocomplete="off" rows="4" maxlength="5000" required></textarea></p>
<p><button type="submit" class="md-button">{e(lang, "followup.send")}</button></p>
</form>
</section>
</section>
<noscript><p class="px-sample">{e(lang, "book.needs_js")}</p></noscript>
{_texts(lang)}
{_script(depth)}
"""
    )


def write_pages(docs_dir: Path, languages: list[str]) -> None:
    catalogue = directory._state["catalogue"]
    for lang in languages:
        page = docs_dir / lang / "complaint" / "index.md"
        if page.exists():
            text = with_quick_exit(page.read_text(encoding="utf-8"))
            page.write_text(text.rstrip() + complaint_form(catalogue, lang), encoding="utf-8")
        (docs_dir / lang / "complaint" / "follow-up.md").write_text(follow_up_page(lang), encoding="utf-8")
