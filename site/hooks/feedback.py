"""Public feedback, in every site language. Called by docs.py.

- "Was this page helpful?" at the end of every guide (after its "centres that can help" footer),
  also on the "not yet translated" notices: a No there says which translation is missing.
- /feedback/service/: after an appointment, reached with the booking reference (the manage page
  links here with the reference in the URL fragment, which is never sent to a server).
- /feedback/need/: "tell us what you need".

Everything shown is rendered here in the page's language; assets/feedback.js shows the widget and
the forms (nothing is shown without JavaScript but a sentence saying so) and sends them to
POST /api/feedback with a proof of work (assets/proof.js, loaded only when something is sent).
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

import directory
from directory import SITE_LANGUAGES, Catalogue, country_name, e, exit_note, language_name, page_head, pick, t

# The values of backend/chalicelib/feedback/models.py (tests/unit/test_feedback_site.py keeps them in step).
TOPICS = (
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
)
AGE_BANDS = ("under_18", "18_24", "25_34", "35_49", "50_plus")
GENDERS = ("woman", "man", "other")
RATINGS = (1, 2, 3, 4, 5)
# What feedback.js says after the page was built: on a guide, and on the forms (errors next to fields).
WIDGET_MESSAGES = (
    "feedback.thanks",
    "feedback.queued",
    "feedback.not_sent",
    "limit.wait",
    "book.error",
    "book.sending",
)
FORM_MESSAGES = (
    *WIDGET_MESSAGES,
    "feedback.error_required",
    "feedback.error_reference",
    "feedback.error_unknown",
    "feedback.error_already",
    "feedback.error_minutes",
    "feedback.error_check",
)


def _data(lang: str, keys: tuple[str, ...] = FORM_MESSAGES) -> str:
    text = json.dumps({key: t(lang, key) for key in keys}, ensure_ascii=False).replace("</", "<\\/")
    return f'<script type="application/json" id="px-feedback-data">{text}</script>'


def _script(depth: int) -> str:
    return f'<script type="module" src="{"../" * depth}assets/feedback.js"></script>'


def _error(field: str) -> str:
    """Where an error about `field` (the API's name for it) is shown, next to the field."""
    return f'<span class="px-field-error" id="err-{field}" data-field="{field}"></span>'


def _radios(lang: str, name: str, legend_key: str, options: list[tuple[str, str]], optional: bool = False) -> str:
    labels = "".join(
        f'<label class="px-radio"><input type="radio" name="{name}" value="{value}"> {escape(label)}</label>'
        for value, label in options
    )
    required = "" if optional else ' aria-required="true"'
    return (
        f'<fieldset class="px-pick" id="f-{name}" role="radiogroup" aria-describedby="err-{name}"{required}>'
        f'<legend>{e(lang, legend_key)}</legend><div class="px-choices">{labels}</div>{_error(name)}</fieldset>'
    )


def _form_end(lang: str, prefix: str, submit_key: str, done_key: str, depth: int) -> str:
    """How both forms end: the submit button, the status line, what replaces the form once sent,
    the sentence shown without JavaScript, the page's messages and the script."""
    return f"""<p><button type="submit" class="md-button md-button--primary" id="{prefix}-submit">\
{e(lang, submit_key)}</button></p>
<p class="px-message" id="{prefix}-status" role="status" aria-live="polite"></p>
</form>
<section class="px-done" id="{prefix}-done" hidden tabindex="-1">
<h2>{e(lang, done_key)}</h2>
</section>
</section>
<noscript><p class="px-sample">{e(lang, "feedback.needs_js")}</p></noscript>
{_data(lang)}
{_script(depth)}
"""


# ---- "Was this page helpful?" ---------------------------------------------------------------------------


def page_widget(lang: str) -> str:
    """The widget at the end of a guide (/<lang>/guides/<stage>/<slug>/): hidden (its room kept, so
    nothing moves) until feedback.js is ready, and not there at all without JavaScript. The status
    line (its height kept) comes before the buttons: when the thanks replace them, nothing moves up."""
    depth = 3 if lang == "en" else 4
    answers = "".join(
        f'<button type="button" class="px-choice" id="pf-{key}" aria-pressed="false" '
        f'data-helpful="{str(key == "yes").lower()}">{e(lang, "feedback." + key)}</button>'
        for key in ("yes", "no")
    )
    return f"""

<section class="px-feedback" id="px-feedback" data-lang="{lang}" aria-labelledby="pf-question" markdown="0">
<h2 id="pf-question">{e(lang, "feedback.question")}</h2>
<p class="px-feedback__status" id="pf-status" role="status" aria-live="polite"></p>
<div id="pf-ask">
<p class="px-choices" role="group" aria-labelledby="pf-question">{answers}</p>
<form id="pf-more" novalidate hidden autocomplete="off">
<p><label for="pf-comment">{e(lang, "feedback.comment")}</label>
<textarea id="pf-comment" name="comment" autocomplete="off" maxlength="500" rows="3" \
aria-describedby="pf-comment-help"></textarea>
<small id="pf-comment-help">{e(lang, "feedback.comment_help")}</small></p>
<p><button type="submit" class="md-button md-button--primary" id="pf-send">{e(lang, "feedback.send")}</button></p>
</form>
</div>
<p id="pf-need" hidden><a href="{"../" * 3}feedback/need/">{e(lang, "feedback.need_title")}</a></p>
</section>
{_data(lang, WIDGET_MESSAGES)}
{_script(depth)}
"""


def add_page_widgets(docs_dir: Path, languages: list[str]) -> int:
    """Append the widget to every guide of every language (translated or a "not yet" notice)."""
    count = 0
    for lang in languages:
        for path in sorted((docs_dir / lang / "guides").glob("*/*.md")):
            path.write_text(path.read_text(encoding="utf-8").rstrip() + page_widget(lang), encoding="utf-8")
            count += 1
    return count


# ---- after an appointment ---------------------------------------------------------------------------------


def service_page(lang: str) -> str:
    depth = 3 if lang == "en" else 4  # /feedback/service/ or /<lang>/feedback/service/
    yes_no = [("true", t(lang, "feedback.yes")), ("false", t(lang, "feedback.no"))]
    ratings = [(str(n), t(lang, f"feedback.rating_{n}")) for n in RATINGS]
    helped = [*yes_no, ("", t(lang, "feedback.not_sure"))]
    return (
        page_head(t(lang, "feedback.service_title"), t(lang, "feedback.service_intro"), quick_exit=True)
        + f"""\
{e(lang, "feedback.service_intro")}

<section class="px-book-app" id="service-feedback" markdown="0" hidden>
{exit_note(lang)}
<form id="sf-form" novalidate autocomplete="off">
<p><label for="sf-reference">{e(lang, "book.reference")}</label>
<input id="sf-reference" name="reference" autocomplete="off" autocapitalize="characters" spellcheck="false" dir="ltr" \
maxlength="12" aria-required="true" aria-describedby="sf-reference-help err-reference">
<small id="sf-reference-help">{e(lang, "feedback.reference_help")}</small>{_error("reference")}</p>
{_radios(lang, "delivered", "feedback.delivered", yes_no)}
{_radios(lang, "rating", "feedback.rating", ratings)}
<p><label for="sf-waiting">{e(lang, "feedback.waiting")}</label>
<input id="sf-waiting" name="waiting_minutes" type="number" autocomplete="off" inputmode="numeric" min="0" \
max="600" step="1" dir="ltr" \
aria-describedby="err-waiting_minutes">{_error("waiting_minutes")}</p>
{_radios(lang, "helped_decide", "feedback.helped", helped, optional=True)}
<p><label for="sf-comment">{e(lang, "feedback.comment")}</label>
<textarea id="sf-comment" name="comment" autocomplete="off" maxlength="1000" rows="4" \
aria-describedby="sf-comment-help err-comment"></textarea>
<small id="sf-comment-help">{e(lang, "feedback.comment_help")}</small>{_error("comment")}</p>
{_form_end(lang, "sf", "feedback.submit", "feedback.service_done", depth)}"""
    )


# ---- "tell us what you need" ---------------------------------------------------------------------------------


def need_page(catalogue: Catalogue, lang: str) -> str:
    depth = 3 if lang == "en" else 4  # /feedback/need/ or /<lang>/feedback/need/
    topics = "".join(f'<option value="{topic}">{e(lang, "topic." + topic)}</option>' for topic in TOPICS)
    centres = "".join(
        f'<option value="{c.id}">{escape(pick(c.name, lang))} ({escape(country_name(lang, c.country))})</option>'
        for c in sorted(catalogue.centres, key=lambda c: (country_name(lang, c.country), pick(c.name, lang)))
    )
    languages = "".join(
        f'<option value="{code}"{" selected" if code == lang else ""}>{escape(language_name(lang, code))}</option>'
        for code in SITE_LANGUAGES
    )
    prefer_not = ("", t(lang, "feedback.prefer_not"))
    ages = [*((band, t(lang, "age." + band)) for band in AGE_BANDS), prefer_not]
    genders = [*((g, t(lang, "gender." + g)) for g in GENDERS), ("prefer_not_to_say", prefer_not[1])]
    return (
        page_head(t(lang, "feedback.need_title"), t(lang, "feedback.need_intro"), quick_exit=True)
        + f"""\
{e(lang, "feedback.need_intro")}

<section class="px-book-app" id="need-feedback" markdown="0" hidden>
{exit_note(lang)}
<form id="nf-form" novalidate autocomplete="off">
<p><label for="nf-topic">{e(lang, "feedback.topic")}</label>
<select id="nf-topic" name="topic" aria-required="true" aria-describedby="err-topic">\
<option value="">{e(lang, "book.choose")}</option>{topics}</select>{_error("topic")}</p>
<p><label for="nf-text">{e(lang, "feedback.need_text")}</label>
<textarea id="nf-text" name="text" autocomplete="off" maxlength="1000" rows="5" aria-required="true" \
aria-describedby="nf-text-help err-text"></textarea>
<small id="nf-text-help">{e(lang, "feedback.comment_help")}</small>{_error("text")}</p>
<p><label for="nf-centre">{e(lang, "feedback.centre")}</label>
<select id="nf-centre" name="centre_id" aria-describedby="err-centre_id">\
<option value="">{e(lang, "feedback.centre_any")}</option>{centres}</select>{_error("centre_id")}</p>
<p><label for="nf-language">{e(lang, "feedback.language")}</label>
<select id="nf-language" name="language" aria-describedby="err-language">{languages}</select>{_error("language")}</p>
<p class="px-sample" id="nf-why">{e(lang, "feedback.why_ask")}</p>
{_radios(lang, "age_band", "feedback.age", ages, optional=True)}
{_radios(lang, "gender", "feedback.gender", genders, optional=True)}
{_form_end(lang, "nf", "feedback.send", "feedback.need_done", depth)}"""
    )


def write_pages(docs_dir: Path, languages: list[str]) -> None:
    catalogue = directory._state["catalogue"]
    for lang in languages:
        folder = docs_dir / lang / "feedback"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "service.md").write_text(service_page(lang), encoding="utf-8")
        (folder / "need.md").write_text(need_page(catalogue, lang), encoding="utf-8")
