"""The staff console's page, in the console's five languages: its views rendered from
content/staff/<lang>.yaml; assets/staff.js does the rest against /api/staff/ (sign-in with the
OAuth code + PKCE flow, the complaint queue and cases, the agenda, the dashboard)."""

from __future__ import annotations

from functools import cache

import yaml

from devstack import CONTENT
from devstack.pages.render import AllowedValues, render, root

STRINGS_DIR = CONTENT / "staff"
LANGUAGES = ("en", "fr", "ru", "vi", "ar")
# The lists of values the console labels, by the prefix of their labels in content/staff/<lang>.yaml
# (`category.unpaid_wages`), and their names in build/allowed-values.json.
ENUM_SOURCES = {
    "category": "complaint_category",
    "status": "complaint_status",
    "priority": "complaint_priority",
    "lane": "complaint_lane",
    "role": "staff_role",
    "outcome": "complaint_outcome",
    "gender": "gender",
    "age": "age_band",
    "bstatus": "agenda_status",
    "mode": "booking_mode",
    "sort": "queue_sort",
    "overdue": "complaint_overdue",
    "author": "message_author",
    "topic": "feedback_topic",
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


@cache
def strings(lang: str) -> dict[str, str]:
    data = yaml.safe_load((STRINGS_DIR / f"{lang}.yaml").read_text(encoding="utf-8")) or {}
    return {str(k): str(v) for k, v in data.items()}


def enums(allowed: AllowedValues) -> dict[str, list[str]]:
    return {prefix: list(allowed[name]) for prefix, name in ENUM_SOURCES.items()}


def console_page(lang: str, allowed: AllowedValues) -> str:
    texts = strings(lang)
    return render(
        "staff.md",
        s=texts.__getitem__,  # a missing string fails the build (tests/unit/test_staff_console.py names it)
        lang=lang,
        strings=texts,
        enums=enums(allowed),
        currencies=CURRENCIES,
        root=root(lang, 1),  # /staff/
    )
