"""The pages where the public writes something, in every site language: booking and "manage my
booking", the anonymous complaint and its follow-up, feedback (the "was this page helpful?"
widget at the end of every guide, the service and needs forms), and each guide's footer.

Every page says everything in its own language: what its script will say travels in a JSON data
island; its script is an ES module of site/overrides/assets/. The values a form offers are the
ones the API accepts (build/allowed-values.json)."""

from __future__ import annotations

from typing import Any

from babel import Locale

from chalicelib.centres.models import Catalogue
from chalicelib.centres.recruiters import RecruiterList
from chalicelib.core.i18n import SITE_LANGUAGES, pick
from devstack.pages import recruiters
from devstack.pages.render import AllowedValues, Strings, country_name, date_formats, language_name, render, root

# How a page says what went wrong (assets/api.js, problem): no network, the service's trouble, and
# each refusal by its API code (core/error_codes.py), naming the field in the page's language.
ERROR_MESSAGES = (
    "net.offline",
    "net.server",
    "err.field_required",
    "err.field_invalid",
    "err.field_too_long",
    "err.field_not_allowed",
    "err.other",
    "err.proof",
    "err.phone_invalid",
    "err.phone_required",
    "err.phone_limit",
    "err.slot_not_bookable",
    "err.day_changed",
    "err.day_closed",
    "err.manage_code_invalid",
    "err.manage_code_locked",
    "err.booking_changed",
    "err.booking_passed",
    "err.offer_expired",
    "err.phone_consent_required",
    "err.service_not_bookable",
    "field.contact.phone",
    "field.contact.nickname",
    "field.start",
    "field.date",
    "field.mode",
    "field.language",
    "field.reference",
    "field.X-Manage-Code",
    "field.receipt",
    "field.description",
    "field.text",
    "field.country",
    "field.category",
)
# What assets/booking.js says once the page is built.
BOOKING_MESSAGES_BEFORE_MODES = (
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
    "status.cancelled_by_centre",
    "manage.by_centre",
    "manage.book_again",
    "book.phone",
    "book.phone_required_label",
    "book.will_call",
    "book.moved",
)
BOOKING_MESSAGES_AFTER_MODES = (
    "book.done",
    "limit.wait",
    "book.seat_limit",
    "book.seat_limit_no_phone",
    "book.sms_needs_phone",
    # proving the phone by a code (issue 17)
    "verify.send",
    "verify.resend",
    "verify.sending",
    "verify.sent",
    "verify.code_missing",
    "verify.checking",
    "verify.done",
    "verify.wait",
    "verify.after_limit",
    "verify.needs_phone",
    "err.phone_code_wrong",
    "err.phone_code_expired",
    "err.phone_proof_invalid",
    *ERROR_MESSAGES,
)
# What assets/complaint.js says, before the complaint statuses' names (cstatus.<status>).
COMPLAINT_MESSAGES = (
    "complaint.working",
    "complaint.saved_required",
    "complaint.done",
    "followup.not_found",
    "limit.wait",
    "followup.you",
    "followup.caseworker",
    "followup.none",
    "followup.sent",
    "book.error",
    *ERROR_MESSAGES,
    # evidence files (assets/evidence.js)
    "evidence.remove",
    "evidence.photo",
    "evidence.document",
    "evidence.preparing",
    "evidence.sending",
    "evidence.sent",
    "evidence.retrying",
    "evidence.failed",
    "evidence.retry",
    "evidence.limit",
    "evidence.wait",
    "evidence.error.empty",
    "evidence.error.too_large",
    "evidence.error.unsupported_type",
    "evidence.error.decompression_bomb",
    "evidence.error.malformed",
    "evidence.error.too_many_pages",
    "evidence.error.pdf_encrypted",
    "evidence.error.pdf_active_content",
    "evidence.error.pdf_embedded_file",
    "evidence.error.rate",
    "evidence.sent_count",
)
# What assets/feedback.js says: on a guide, and on the forms (errors next to fields).
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
# A service's rating: the API's range (ServiceFeedback.rating, 1 to 5), each with its own words.
RATINGS = (1, 2, 3, 4, 5)
# "I would rather not say": no answer for the age band; a value of its own for the gender.
PREFER_NOT_TO_SAY = "prefer_not_to_say"


def booking_messages(allowed: AllowedValues) -> tuple[str, ...]:
    modes = tuple(f"mode.{mode}" for mode in allowed["booking_mode"])
    return (*BOOKING_MESSAGES_BEFORE_MODES, *modes, *BOOKING_MESSAGES_AFTER_MODES)


def complaint_messages(allowed: AllowedValues) -> tuple[str, ...]:
    # The follow-up page shows `follow_up` (the status, or "answered"; "received" is cstatus.new).
    statuses = dict.fromkeys([*allowed["complaint_status"], *allowed["complaint_follow_up"]])
    statuses.pop("received", None)
    return (*COMPLAINT_MESSAGES, *(f"cstatus.{status}" for status in statuses))


PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")


def plural_forms(text: str) -> dict[str, str]:
    """A count's message forms as content/ui writes them, "one: {n} seat left | other: {n} seats
    left" (CLDR's categories, or "=1" for one exact number), for format.js's pluralForm."""
    forms: dict[str, str] = {}
    for part in text.split("|"):
        category, _, form = part.partition(":")
        category = category.strip()
        if not (category in PLURAL_CATEGORIES or (category.startswith("=") and category[1:].isdigit())) or not form:
            raise ValueError(f"not a plural form: {part!r}")
        forms[category] = form.strip()
    if "other" not in forms:
        raise ValueError(f"plural forms need 'other': {text!r}")
    return forms


def messages(lang: str, keys: tuple[str, ...]) -> dict[str, str]:
    t = Strings(lang)
    return {key: t(key) for key in keys}


# ---- booking ------------------------------------------------------------------------------------------


def booking_data(catalogue: Catalogue, lang: str, allowed: AllowedValues) -> dict[str, Any]:
    """What assets/booking.js knows without asking the API. The centres' phones are there for the
    one answer that says "call the centre instead" (too many places held from one connection):
    from the site's own centre data, so it shows offline too."""
    return {
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
        "messages": messages(lang, booking_messages(allowed)),
        "seats_left": plural_forms(Strings(lang)("book.seats_left_forms")),
        "dates": date_formats(lang),
    }


def booking_form(catalogue: Catalogue, lang: str, allowed: AllowedValues) -> str:
    """Appended to the book page (content/pages/<lang>/book/index.md)."""
    bookable = [
        c
        for c in catalogue.centres
        if any((s := catalogue.service(sid)) is not None and s.bookable for sid in c.services)
    ]
    by_country: dict[str, list[tuple[str, str]]] = {}
    for centre in sorted(bookable, key=lambda c: (country_name(lang, c.country), pick(c.city, lang))):
        by_country.setdefault(country_name(lang, centre.country), []).append((centre.id, pick(centre.name, lang)))
    return render(
        "booking.html",
        t=Strings(lang),
        root=root(lang, 1),  # /book/
        centres_by_country=list(by_country.items()),
        modes=allowed["booking_mode"],
        data=booking_data(catalogue, lang, allowed),
    )


def manage_page(catalogue: Catalogue, lang: str, allowed: AllowedValues) -> str:
    return render(
        "manage.md",
        t=Strings(lang),
        root=root(lang, 2),  # /book/manage/
        data=booking_data(catalogue, lang, allowed),
    )


# ---- complaints ---------------------------------------------------------------------------------------


# CLDR's territories that are not countries a complaint could be about: unions and groupings, the
# unknown region, and the pseudo-locales' test territories ("Pseudo-Accents", "Pseudo-Bidi").
NOT_COUNTRIES = ("EU", "EZ", "UN", "ZZ", "QO", "XA", "XB")


def _countries(lang: str) -> list[tuple[str, str]]:
    names = Locale.parse(lang).territories
    codes = [str(code) for code in names]
    countries = [code for code in codes if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES]
    return sorted(((code, str(names[code])) for code in countries), key=lambda pair: pair[1])


def complaint_form(catalogue: Catalogue, lang: str, allowed: AllowedValues, lists: RecruiterList) -> str:
    """Appended to the complaint page (content/pages/<lang>/complaint/index.md), with the picker
    of an agency from the recruiters' lists (devstack/pages/recruiters.py)."""
    names = Locale.parse(lang).languages
    return render(
        "complaint.html",
        t=Strings(lang),
        recruiter_countries=recruiters.countries(lists, lang),
        agency_data=recruiters.picker_data(lists, lang),
        lang=lang,
        root=root(lang, 1),  # /complaint/
        categories=allowed["complaint_category"],
        countries=_countries(lang),
        answer_languages=[(code, str(names.get(code, code))) for code in SITE_LANGUAGES],
        centres=[
            (c.id, f"{pick(c.name, lang)} ({country_name(lang, c.country)})")
            for c in sorted(catalogue.centres, key=lambda c: country_name(lang, c.country))
        ],
        messages=messages(lang, complaint_messages(allowed)),
    )


def follow_up_page(lang: str, allowed: AllowedValues) -> str:
    return render(
        "follow-up.md",
        t=Strings(lang),
        root=root(lang, 2),  # /complaint/follow-up/
        messages=messages(lang, complaint_messages(allowed)),
    )


# ---- feedback ------------------------------------------------------------------------------------------


def page_widget(lang: str) -> str:
    """Appended to every guide (/<lang>/guides/<stage>/<slug>/), translated or a "not yet" notice:
    a No there says which translation is missing."""
    return render(
        "feedback-widget.html",
        t=Strings(lang),
        lang=lang,
        root=root(lang, 3),  # /guides/<stage>/<guide>/
        messages=messages(lang, WIDGET_MESSAGES),
    )


def service_page(lang: str) -> str:
    t = Strings(lang)
    yes_no = [("true", t("feedback.yes")), ("false", t("feedback.no"))]
    return render(
        "feedback-service.md",
        t=t,
        root=root(lang, 2),  # /feedback/service/
        yes_no=yes_no,
        ratings=[(str(n), t(f"feedback.rating_{n}")) for n in RATINGS],
        helped=[*yes_no, ("", t("feedback.not_sure"))],
        messages=messages(lang, FORM_MESSAGES),
    )


def need_page(catalogue: Catalogue, lang: str, allowed: AllowedValues) -> str:
    t = Strings(lang)
    prefer_not = t("feedback.prefer_not")
    genders = [g for g in allowed["gender"] if g != PREFER_NOT_TO_SAY]
    return render(
        "feedback-need.md",
        t=t,
        lang=lang,
        root=root(lang, 2),  # /feedback/need/
        topics=allowed["feedback_topic"],
        centres=[
            (c.id, f"{pick(c.name, lang)} ({country_name(lang, c.country)})")
            for c in sorted(catalogue.centres, key=lambda c: (country_name(lang, c.country), pick(c.name, lang)))
        ],
        languages=[(code, language_name(lang, code)) for code in SITE_LANGUAGES],
        ages=[*((band, t("age." + band)) for band in allowed["age_band"]), ("", prefer_not)],
        genders=[*((g, t("gender." + g)) for g in genders), (PREFER_NOT_TO_SAY, prefer_not)],
        messages=messages(lang, FORM_MESSAGES),
    )


# ---- guides ---------------------------------------------------------------------------------------------


def review_note(lang: str, report: str) -> str:
    """Under the title of a page no native speaker has reviewed (`review: pending`), with `report`,
    where "report a problem" leads."""
    return render("review-note.html", t=Strings(lang), report=report)


def guide_footer(catalogue: Catalogue, lang: str, services: list[str]) -> str:
    return render(
        "guide-footer.html",
        t=Strings(lang),
        services=[(sid, pick(s.name, lang)) for sid in services if (s := catalogue.service(sid)) is not None],
    )
