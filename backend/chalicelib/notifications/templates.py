"""The SMS texts of content/notifications/<lang>.yaml and how they are filled in. Pure, no I/O.

Every text is checked when content is built: each language has every kind, each kind holds
exactly the placeholders listed in PLACEHOLDERS (one syntax, `{name}`), and the keywords people
reply are written STOP and START in Latin capitals whatever the language. A mistake is a build
error, never a failure at send time.

Nothing secret goes into an SMS: a phone's lock screen is read by others. There is no placeholder
for a manage code, and `compose` refuses any value it has no place for, so a caller cannot slip
one in. The one code an SMS carries is the phone verification code the person asked for.

Two segments at most, in every language. That is 306 characters in GSM 7-bit but 134 in UCS-2,
which Cyrillic, Khmer, Arabic... and one letter outside the GSM alphabet in a centre's name
("Şanlıurfa") impose on the whole SMS. The texts are short, and an SMS that would still need a
third segment gives something up, in this order: the centre's full name for its short form
(`centre_short`: its city, with a word for "centre" where the language can afford one), then the
parts a text puts in square brackets, the last first (how to stop SMS, then the booking reference:
STOP works unsaid, and people have the reference on their saved booking). What the longest values
cost in each language: `PYTHONPATH=backend .venv/bin/python -m tests.sms_worst_case`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Literal, NamedTuple, get_args

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator, model_validator

from chalicelib.core.i18n import DEFAULT_LANGUAGE, SITE_LANGUAGES, resolve_language
from chalicelib.notifications.sms import Encoding, gsm_friendly, length, segments

Kind = Literal["confirmed", "reminder", "cancelled", "moved", "offered", "verify", "stopped", "started"]
KINDS: tuple[Kind, ...] = get_args(Kind)
MAX_SEGMENTS = 2
# The form of {time} the budget is measured with: the CLDR skeleton for abbreviated weekday, day
# and month ("Wed, Sep 30"), then the locale's short time, joined by its date-time pattern. A
# longer form (a year, full names) does not fit two UCS-2 segments in Khmer.
TIME_SKELETON = "MMMEd"

# What a caller gives for each kind, already formatted in the message's language:
#   centre, city    the centre's name and its city in that language (content/centres.yaml)
#   time            the appointment's date and time, local to the centre (TIME_SKELETON), as the
#                   CLDR formatter writes them; until, the short time an offer is held to
#   reference       the booking reference as people read it (`format_reference`: ABCD-EFGH)
#   manage_link     `manage_link(site, lang)`; book_link, `book_link(site, lang)` (a cancelled
#                   booking has nothing left to manage: its SMS leads to booking another time)
#   code, minutes   a phone verification code and how many minutes it lives
#   domain          the site's host name, for the one-time-code line browsers read (WebOTP)
VALUES: dict[Kind, frozenset[str]] = {
    "confirmed": frozenset({"centre", "city", "time", "reference", "manage_link"}),
    "reminder": frozenset({"centre", "city", "time", "reference", "manage_link"}),
    "moved": frozenset({"centre", "city", "time", "reference", "manage_link"}),
    "cancelled": frozenset({"centre", "city", "time", "reference", "book_link"}),
    "offered": frozenset({"centre", "city", "time", "until", "reference", "manage_link"}),
    "verify": frozenset({"code", "minutes", "domain"}),
    "stopped": frozenset(),
    "started": frozenset(),
}
# Messages that others may follow say how to stop SMS: `{stop}`, one of the language's `stop`
# texts. A cancelled booking gets no more SMS. The city is not a placeholder: it only makes the
# centre's short form.
_STOPPABLE = frozenset({"confirmed", "reminder", "moved", "offered"})
PLACEHOLDERS: dict[Kind, frozenset[str]] = {
    kind: (names - {"city"}) | ({"stop"} if kind in _STOPPABLE else set()) for kind, names in VALUES.items()
}
# Only these may stand in a [part] that goes when space runs out.
DROPPABLE = frozenset({"reference", "stop"})

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_OPTIONAL = re.compile(r"\[([^\[\]]*)\]")
TEMPLATES_PATH = Path(__file__).resolve().parent.parent / "data" / "notifications.json"


def placeholders(text: str) -> list[str]:
    """The placeholder names in `text`, in order, repeats included."""
    return _PLACEHOLDER.findall(text)


def optional_parts(text: str) -> list[str]:
    """The [parts] of a text, in order, without their brackets."""
    return _OPTIONAL.findall(text)


def _braced(names: list[str]) -> str:
    return ", ".join("{" + name + "}" for name in names)


def _clean(text: str, allowed: frozenset[str]) -> str:
    """A text as stored: stripped, NFC; every placeholder known, every brace part of one, every
    square bracket part of a [part] that holds something and only placeholders that may go."""
    text = unicodedata.normalize("NFC", text.strip())
    if not text:
        raise ValueError("the text is empty")
    if any(ch in _PLACEHOLDER.sub("", text) for ch in "{}"):
        raise ValueError("a brace that is not part of a {placeholder}")
    if any(ch in _OPTIONAL.sub("", text) for ch in "[]"):
        raise ValueError("a square bracket that does not open or close a [part] (parts do not nest)")
    controls = sorted({f"U+{ord(ch):04X}" for ch in text if unicodedata.category(ch) == "Cc" and ch != "\n"})
    if controls:
        raise ValueError(f"control characters {', '.join(controls)}: only line breaks are allowed")
    found = set(placeholders(text))
    if unknown := sorted(found - allowed):
        raise ValueError(f"unknown placeholder(s) {_braced(unknown)}")
    if missing := sorted(allowed - found):
        raise ValueError(f"missing placeholder(s) {_braced(missing)}")
    for part in optional_parts(text):
        if not part.strip():
            raise ValueError("an empty [part]")
        if kept := sorted(set(placeholders(part)) - DROPPABLE):
            raise ValueError(f"{_braced(kept)} may not go: take it out of the [part]")
    return text


def _whole(text: str, allowed: frozenset[str]) -> str:
    """A text that goes into an SMS whole: no [part] of it may go."""
    text = _clean(text, allowed)
    if optional_parts(text):
        raise ValueError("no [part] here: this text goes in whole")
    return text


def _must_say(text: str, keyword: str) -> None:
    if not re.search(rf"(?<![A-Za-z]){keyword}(?![A-Za-z])", text):
        raise ValueError(f"must tell people to reply {keyword}, in Latin capitals (the keyword the network reads)")


class StopTexts(BaseModel):
    """How to stop SMS: by replying STOP where the sender can receive replies (a long code), else
    by the link in the SMS (an alphanumeric sender ID is one-way)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    two_way: str
    one_way: str

    @field_validator("two_way", "one_way")
    @classmethod
    def _text(cls, value: str) -> str:
        return _whole(value, frozenset())

    @field_validator("two_way")
    @classmethod
    def _says_stop(cls, value: str) -> str:
        _must_say(value, "STOP")
        return value


class Messages(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    confirmed: str
    reminder: str
    cancelled: str
    moved: str
    offered: str
    verify: str
    stopped: str
    started: str

    @field_validator(*KINDS)
    @classmethod
    def _text(cls, value: str, info: ValidationInfo) -> str:
        kind: Kind = info.field_name  # type: ignore[assignment]
        return _clean(value, PLACEHOLDERS[kind])

    @model_validator(mode="after")
    def _keywords(self) -> Messages:
        _must_say(self.stopped, "START")  # how to undo it
        _must_say(self.started, "STOP")
        return self


class LanguageTexts(BaseModel):
    """content/notifications/<lang>.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    centre_short: str
    stop: StopTexts
    messages: Messages

    @field_validator("centre_short")
    @classmethod
    def _short(cls, value: str) -> str:
        return _whole(value, frozenset({"city"}))


class Message(NamedTuple):
    text: str
    encoding: Encoding
    segments: int
    short_centre: bool  # the centre is named by its short form: the full name did not fit
    left_out: tuple[str, ...]  # the placeholders of the [parts] that did not fit, e.g. ("stop",)


def _fill(template: str, values: Mapping[str, str]) -> str:
    """One pass: a value that happens to contain `{x}` is not filled in again."""
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], template)


def _keep(template: str, parts: int) -> tuple[str, tuple[str, ...]]:
    """The template with its first `parts` [parts] kept (without brackets) and the others taken
    out, and the placeholders taken out with them."""
    seen = 0
    left_out: list[str] = []

    def one(match: re.Match[str]) -> str:
        nonlocal seen
        seen += 1
        if seen <= parts:
            return match.group(1)
        left_out.extend(placeholders(match.group(1)))
        return ""

    return _OPTIONAL.sub(one, template), tuple(left_out)


def _message(template: str, values: Mapping[str, str], *, short_centre: bool, parts: int) -> Message:
    kept, left_out = _keep(template, parts)
    # NFC: a name typed as e + combining accent is one GSM character, not two UCS-2 units
    text = gsm_friendly(unicodedata.normalize("NFC", _fill(kept, values)))
    enc, count = segments(text)
    return Message(text, enc, count, short_centre, left_out)


def _cost(message: Message) -> tuple[int, int]:
    return message.segments, length(message.text)


class Notifications(BaseModel):
    """Every site language's SMS texts: the compiled content/notifications/."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    languages: dict[str, LanguageTexts]

    @field_validator("languages")
    @classmethod
    def _every_language(cls, value: dict[str, LanguageTexts]) -> dict[str, LanguageTexts]:
        if missing := [lang for lang in SITE_LANGUAGES if lang not in value]:
            raise ValueError(f"no texts for: {', '.join(missing)}")
        if unknown := sorted(set(value) - set(SITE_LANGUAGES)):
            raise ValueError(f"not a site language: {', '.join(unknown)}")
        return value

    def compose(self, kind: Kind, lang: str, values: Mapping[str, str], *, two_way: bool = True) -> Message:
        """The SMS of `kind` in `lang` (English for a language the site does not have), `values`
        already formatted. `two_way`: whether the sender can receive a reply (say "reply STOP")
        or not (say how to stop SMS on the site). The first that fits two segments: everything
        with the centre's full name, then its short form; then the same without the last
        [part], and so on. If none fits (values longer than the tests' worst case), the
        shortest: an SMS is never lost for its length."""
        if kind not in VALUES:
            raise ValueError(f"unknown SMS kind {kind!r}")
        given, wanted = set(values), VALUES[kind]
        if extra := sorted(given - wanted):
            raise ValueError(f"{kind} SMS: no place for {', '.join(extra)}")
        if missing := sorted(wanted - given):
            raise ValueError(f"{kind} SMS: {', '.join(missing)} missing")
        texts = self.languages[resolve_language(lang)]
        template: str = getattr(texts.messages, kind)
        fill = dict(values)
        if kind in _STOPPABLE:
            fill["stop"] = texts.stop.two_way if two_way else texts.stop.one_way
        names = [fill]
        if "centre" in fill:
            names.append({**fill, "centre": _fill(texts.centre_short, {"city": values["city"]})})
        shortest: Message | None = None
        for parts in range(len(optional_parts(template)), -1, -1):
            for short, filled in enumerate(names):
                message = _message(template, filled, short_centre=bool(short), parts=parts)
                if message.segments <= MAX_SEGMENTS:
                    return message
                if shortest is None or _cost(message) < _cost(shortest):
                    shortest = message
        assert shortest is not None
        return shortest


def manage_link(site: str, lang: str) -> str:
    """The short address of "manage my booking" in `lang`: `/b/` (English, at the site's root)
    or `/<lang>/b/`, 13 characters shorter than the page's own `/<lang>/book/manage/`, which two
    UCS-2 segments cannot afford. The site serves the page there too. It takes no reference: the
    page promises that the reference and the manage code are never put in a web address, and
    people type both."""
    return f"{_root(site, lang)}/b/"


def book_link(site: str, lang: str) -> str:
    """The booking page in `lang` (written by devstack/pages/forms.py)."""
    return f"{_root(site, lang)}/book/"


def _root(site: str, lang: str) -> str:
    lang = resolve_language(lang)
    return site.rstrip("/") + ("" if lang == DEFAULT_LANGUAGE else f"/{lang}")


@cache
def get_notifications() -> Notifications:
    """The compiled texts packaged with the Lambda, read once per container."""
    try:
        raw = TEMPLATES_PATH.read_bytes()
    except FileNotFoundError as exc:  # a packaging mistake, not a client error
        raise RuntimeError(f"{TEMPLATES_PATH} is missing: run `python -m devstack.notifications`") from exc
    return Notifications.model_validate_json(raw)


def render(kind: Kind, lang: str, values: Mapping[str, str], *, two_way: bool = True) -> str:
    """The text of an SMS: see `Notifications.compose`."""
    return get_notifications().compose(kind, lang, values, two_way=two_way).text
