"""The SMS people receive (content/notifications/): complete in every language, never a manage code,
within two segments with the longest values, and mistakes caught when content is built."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from chalicelib.centres.models import Catalogue
from chalicelib.core.codes import new_manage_code
from chalicelib.core.i18n import SITE_LANGUAGES
from chalicelib.notifications import templates
from chalicelib.notifications.sms import gsm_friendly, is_gsm, length
from chalicelib.notifications.templates import (
    DROPPABLE,
    KINDS,
    MAX_SEGMENTS,
    PLACEHOLDERS,
    VALUES,
    Notifications,
    book_link,
    manage_link,
    optional_parts,
    placeholders,
)
from devstack.content import ContentError, load_catalogue
from devstack.notifications import compile_notifications, load_notifications
from tests.conftest import ROOT
from tests.sms_worst_case import DOMAIN, SITE, reference, times, value_sets, worst_message

FOLDER = ROOT / "content" / "notifications"
BOOKING_KINDS = [kind for kind in KINDS if "centre" in VALUES[kind]]
# Latin-script languages whose own words stay within the GSM alphabet, so that an SMS about a
# centre with a GSM name goes at 153 characters a part, not 67.
GSM_LANGUAGES = ("en", "fr", "ms")


@pytest.fixture(scope="module")
def notifications() -> Notifications:
    return load_notifications()


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture
def folder_copy(tmp_path: Path) -> Path:
    shutil.copytree(FOLDER, tmp_path / "notifications")
    return tmp_path


def _edit(content_dir: Path, lang: str, change: dict[str, object]) -> None:
    path = content_dir / "notifications" / f"{lang}.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    for dotted, value in change.items():
        *parents, last = dotted.split(".")
        node = doc
        for key in parents:
            node = node[key]
        if value is None:
            del node[last]
        else:
            node[last] = value
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")


def _spaces(text: str) -> str:
    """CLDR's no-break spaces as the SMS may carry them (folded when that keeps it GSM)."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def _sample(lang: str, **overrides: str) -> dict[str, str]:
    values = {
        "centre": "Migrant Information Centre Dushanbe",
        "city": "Dushanbe",
        "time": "Sat, Jan 10, 10:30 AM",
        "until": "9:30 AM",
        "reference": "ABCD-EFGH",
        "manage_link": manage_link(SITE, lang),
        "book_link": book_link(SITE, lang),
    }
    return {**values, **overrides}


def _values(kind: str, lang: str = "en", **overrides: str) -> dict[str, str]:
    extra = {"code": "482139", "minutes": "10", "domain": DOMAIN}
    return {k: v for k, v in {**_sample(lang, **overrides), **extra}.items() if k in VALUES[kind]}  # type: ignore[index]


# ---- the files ---------------------------------------------------------------------------------


def test_there_is_one_file_per_site_language() -> None:
    assert sorted(p.stem for p in FOLDER.glob("*.yaml")) == sorted(SITE_LANGUAGES)


def test_every_language_has_every_message_with_the_same_placeholders(notifications: Notifications) -> None:
    english = notifications.languages["en"].messages
    for lang in SITE_LANGUAGES:
        messages = notifications.languages[lang].messages
        for kind in KINDS:
            text = getattr(messages, kind)
            assert set(placeholders(text)) == PLACEHOLDERS[kind] == set(placeholders(getattr(english, kind))), (
                lang,
                kind,
            )
            # The same number of times too: the verification code is written twice, for people and for WebOTP
            assert sorted(placeholders(text)) == sorted(placeholders(getattr(english, kind))), (lang, kind)
            for part in optional_parts(text):
                assert set(placeholders(part)) <= DROPPABLE, (lang, kind, part)
        assert placeholders(notifications.languages[lang].centre_short) == ["city"]


def test_the_manage_code_has_no_place_in_any_sms(notifications: Notifications) -> None:
    # Given every text as written in the files
    code_like = re.compile(r"\{[^}]*(?:code|secret|pin|token|password|receipt|key)[^}]*\}", re.IGNORECASE)
    for path in FOLDER.glob("*.yaml"):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for kind, text in doc["messages"].items():
            found = set(code_like.findall(text))
            # Then the only code-like placeholder is the verification code, in the verification SMS
            assert found == ({"{code}"} if kind == "verify" else set()), (path.name, kind, found)
        assert not code_like.findall(str(doc["stop"]) + doc["centre_short"]), path.name
    # And no SMS speaks of the manage code in the site's own words for it
    for lang in SITE_LANGUAGES:
        ui = yaml.safe_load((ROOT / "content" / "ui" / f"{lang}.yaml").read_text(encoding="utf-8"))
        term = ui["book.manage_code"].casefold()
        texts = notifications.languages[lang]
        for kind in KINDS:
            assert term not in getattr(texts.messages, kind).casefold(), (lang, kind)


def test_a_caller_cannot_slip_a_manage_code_in(notifications: Notifications) -> None:
    code = new_manage_code()
    for kind in BOOKING_KINDS:
        with pytest.raises(ValueError, match="no place for manage_code"):
            notifications.compose(kind, "en", {**_values(kind), "manage_code": code})


def test_a_missing_value_is_named(notifications: Notifications) -> None:
    values = _values("offered")
    del values["until"]
    with pytest.raises(ValueError, match="until missing"):
        notifications.compose("offered", "en", values)
    with pytest.raises(ValueError, match="unknown SMS kind"):
        notifications.compose("newsletter", "en", {})  # type: ignore[arg-type]


# ---- the budget: two segments with the longest values -------------------------------------------


@pytest.mark.parametrize("lang", SITE_LANGUAGES)
def test_every_sms_stays_within_two_segments_with_the_longest_values(
    lang: str, notifications: Notifications, catalogue: Catalogue
) -> None:
    for kind in KINDS:
        worst = worst_message(notifications, catalogue, kind, lang)
        message, values = worst.message, worst.values
        assert message.segments <= MAX_SEGMENTS, (lang, kind, message)
        # What it gave up is only ever the centre's full name and the [parts]: never the rest
        text = _spaces(message.text)
        for name in VALUES[kind] - {"centre", "city", "reference"}:
            assert _spaces(values[name]) in text, (lang, kind, name, message.text)
        if "reference" in VALUES[kind]:
            assert (values["reference"] in text) != ("reference" in message.left_out), (lang, kind)
        if "centre" in VALUES[kind]:
            short = notifications.languages[lang].centre_short.replace("{city}", values["city"])
            assert (short if message.short_centre else _spaces(values["centre"])) in text, (lang, kind)
        assert message.left_out == () or kind in BOOKING_KINDS


@pytest.mark.parametrize("lang", SITE_LANGUAGES)
def test_the_worst_case_covers_the_longest_names_and_dates(lang: str, catalogue: Catalogue) -> None:
    # The appointment times measured include the longest this locale writes over a year
    longest = max(times(lang), key=length)
    assert len(longest) >= 14, longest
    # and every centre of the catalogue, with its name in this language
    names = {values["centre"] for values in value_sets("confirmed", lang, catalogue)}
    assert names == {c.name.get(lang, c.name["en"]) for c in catalogue.centres}


def test_a_message_that_fits_is_sent_whole_with_the_full_centre_name(notifications: Notifications) -> None:
    message = notifications.compose("confirmed", "en", _values("confirmed"))
    assert message.encoding == "gsm7" and message.segments == 1
    assert not message.short_centre and message.left_out == ()
    assert message.text == (
        "Booked: Migrant Information Centre Dushanbe, Sat, Jan 10, 10:30 AM. Ref. ABCD-EFGH\n"
        "https://passerelle-centres.example.org/b/\nReply STOP: no more SMS"
    )


def test_space_runs_out_step_by_step(notifications: Notifications) -> None:
    # Given a centre whose name makes the English SMS UCS-2 (134 units for two segments)
    base = {"city": "Bihać", "time": "Wed, Sep 30, 12:45\u202fPM"}
    # The full name fits
    fits = notifications.compose("confirmed", "en", _values("confirmed", centre="Migrant Centre Bihać", **base))
    assert (fits.encoding, fits.segments, fits.short_centre, fits.left_out) == ("ucs2", 2, False, ())
    # A longer one gives way to the short form, "Bihać centre", before anything else goes
    longer = "Migrant Transit Centre Bihać"
    short = notifications.compose("confirmed", "en", _values("confirmed", centre=longer, **base))
    assert (short.segments, short.short_centre, short.left_out) == (2, True, ())
    assert short.text.startswith("Booked: Bihać centre, Wed")
    # An offer says more: it then leaves out its [parts], the last first (how to stop SMS, then the reference)
    offer = notifications.compose("offered", "en", _values("offered", centre=longer, **base))
    assert offer.segments == 2 and offer.left_out == ("reference", "stop")
    assert "Accept it by 9:30 AM" in offer.text and offer.text.endswith("https://passerelle-centres.example.org/b/")
    fewer = notifications.compose("offered", "en", _values("offered", centre="Bihać", **base))
    assert fewer.left_out == ("stop",) and "Ref. ABCD-EFGH" in fewer.text


def test_values_longer_than_any_worst_case_still_give_an_sms(notifications: Notifications) -> None:
    message = notifications.compose("reminder", "km", _values("reminder", "km", centre="ក" * 300, city="ខ" * 200))
    # Three segments or more: the shortest of the forms, never an error at send time
    assert message.segments > 2 and message.short_centre and message.left_out == ("reference", "stop")


def test_words_of_latin_script_languages_stay_in_the_gsm_alphabet(notifications: Notifications) -> None:
    for lang in GSM_LANGUAGES:
        texts = notifications.languages[lang]
        words = [
            texts.centre_short,
            texts.stop.two_way,
            texts.stop.one_way,
            *(getattr(texts.messages, kind) for kind in KINDS),
        ]
        for text in words:
            bare = re.sub(r"\{[a-z_]+\}|[\[\]]", "", text)
            assert is_gsm(bare), (lang, [ch for ch in bare if not is_gsm(ch)])
        # So an SMS about a centre with a GSM name, at a GSM time, goes GSM
        message = notifications.compose("reminder", lang, _values("reminder", lang))
        assert message.encoding == "gsm7", (lang, message.text)


def test_the_link_stands_on_its_own_line(notifications: Notifications) -> None:
    # Thai, Khmer, Lao and Burmese put no space between words: a link touching a word would take it in
    for lang in SITE_LANGUAGES:
        for kind in BOOKING_KINDS:
            link = book_link(SITE, lang) if kind == "cancelled" else manage_link(SITE, lang)
            for two_way in (True, False):
                text = notifications.compose(kind, lang, _values(kind, lang), two_way=two_way).text
                assert link in text.split("\n"), (lang, kind, text)


def test_how_to_stop_follows_what_the_sender_allows(notifications: Notifications) -> None:
    for lang in SITE_LANGUAGES:
        stop = notifications.languages[lang].stop
        values = _values("confirmed", lang, centre="C", city="C")
        assert notifications.compose("confirmed", lang, values).text.endswith(stop.two_way)
        one_way = notifications.compose("confirmed", lang, values, two_way=False).text
        assert one_way.endswith(stop.one_way) and "STOP" not in one_way
        # The replies name the keyword that undoes them
        assert "START" in notifications.languages[lang].messages.stopped
        assert "STOP" in notifications.languages[lang].messages.started


def test_an_unknown_language_gets_english_and_a_regional_one_its_language(notifications: Notifications) -> None:
    values = _values("reminder")
    english = notifications.compose("reminder", "en", values).text
    assert notifications.compose("reminder", "de", values).text == english
    assert notifications.compose("reminder", "fr-CA", values).text.startswith("Rappel : ")


def test_a_decomposed_accent_does_not_turn_the_sms_into_ucs2(notifications: Notifications) -> None:
    # A name typed on a keyboard that sends "e" + U+0301 is composed first: é is in the GSM alphabet
    message = notifications.compose("reminder", "fr", _values("reminder", "fr", centre="Centre de Douchanbe\u0301"))
    assert message.encoding == "gsm7" and "Douchanbé" in message.text


def test_a_value_is_filled_in_once(notifications: Notifications) -> None:
    message = notifications.compose("confirmed", "en", _values("confirmed", centre="Centre {time} [x]"))
    assert "Centre {time} [x]" in message.text


def test_verification_sms_carries_the_code_for_people_and_for_the_browser(notifications: Notifications) -> None:
    for lang in SITE_LANGUAGES:
        text = notifications.compose("verify", lang, _values("verify")).text
        assert text.startswith("482139") or "482139" in text.split("\n")[0], lang
        # WebOTP: the last line is "@host #code", so a browser on the phone can offer the code
        assert text.split("\n")[-1] == f"@{DOMAIN} #482139", lang


def test_links() -> None:
    assert manage_link("https://portal.example.org/", "en") == "https://portal.example.org/b/"
    assert manage_link("https://portal.example.org", "km") == "https://portal.example.org/km/b/"
    assert manage_link("https://portal.example.org", "fr-BE") == "https://portal.example.org/fr/b/"
    assert manage_link("https://portal.example.org", "de") == "https://portal.example.org/b/"
    assert book_link("https://portal.example.org", "tg") == "https://portal.example.org/tg/book/"
    # The production address's budget: https:// and a 30-character host name
    assert len(DOMAIN) == 30
    assert SITE.removeprefix("https://") == DOMAIN
    assert len(reference()) == 9


def test_gsm_friendly_is_applied_to_the_whole_sms(notifications: Notifications) -> None:
    message = notifications.compose("confirmed", "en", _values("confirmed"))
    assert "10:30 AM" in message.text and message.text == gsm_friendly(message.text)


# ---- mistakes are build errors -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"messages.offered": "{centre} {time} {manage_link} {reference} {stop}"},
            "fr.yaml: messages.offered: Value error, missing placeholder(s) {until}",
        ),
        (
            {"messages.confirmed": "{centre} {time} {reference} {manage_link} {stop} {manage_code}"},
            "unknown placeholder(s) {manage_code}",
        ),
        ({"messages.reminder": "{centre} {time} {reference} {manage_link} {stop} {"}, "a brace"),
        ({"messages.reminder": "{centre} [{time}] {reference} {manage_link} {stop}"}, "{time} may not go"),
        ({"messages.reminder": "{centre} {time} [{reference} {manage_link} {stop}"}, "square bracket"),
        ({"messages.reminder": "{centre} {time}\t{reference} {manage_link} {stop}"}, "U+0009"),
        ({"stop.two_way": "Répondez ARRÊT"}, "stop.two_way: Value error, must tell people to reply STOP"),
        ({"messages.stopped": "Vous ne recevrez plus de SMS."}, "reply START"),
        ({"messages.verify": None}, "messages.verify: Field required"),
        ({"centre_short": "centre"}, "centre_short: Value error, missing placeholder(s) {city}"),
        ({"welcome": "Bonjour"}, "welcome: Extra inputs are not permitted"),
    ],
)
def test_a_mistake_names_the_file_the_field_and_the_problem(
    folder_copy: Path, change: dict[str, object], expected: str
) -> None:
    _edit(folder_copy, "fr", change)
    with pytest.raises(ContentError) as excinfo:
        load_notifications(folder_copy)
    assert any(expected in problem and "fr.yaml" in problem for problem in excinfo.value.problems), (
        excinfo.value.problems
    )


def test_a_missing_or_stray_language_file_is_named(folder_copy: Path) -> None:
    (folder_copy / "notifications" / "lo.yaml").unlink()
    shutil.copy(folder_copy / "notifications" / "fr.yaml", folder_copy / "notifications" / "de.yaml")
    with pytest.raises(ContentError) as excinfo:
        load_notifications(folder_copy)
    problems = excinfo.value.problems
    assert any("lo.yaml: file is missing" in p for p in problems), problems
    assert any("de.yaml: not a site language" in p for p in problems), problems


def test_the_compiled_texts_are_what_render_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, notifications: Notifications
) -> None:
    target = tmp_path / "notifications.json"
    compiled = compile_notifications(target=target)
    assert compiled == notifications == Notifications.model_validate_json(target.read_bytes())
    monkeypatch.setattr(templates, "TEMPLATES_PATH", target)
    templates.get_notifications.cache_clear()
    try:
        values = _values("moved", "tg")
        assert templates.render("moved", "tg", values) == notifications.compose("moved", "tg", values).text
    finally:
        templates.get_notifications.cache_clear()


def test_a_missing_compiled_file_says_how_to_make_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(templates, "TEMPLATES_PATH", tmp_path / "absent.json")
    templates.get_notifications.cache_clear()
    try:
        with pytest.raises(RuntimeError, match=r"devstack\.notifications"):
            templates.get_notifications()
    finally:
        templates.get_notifications.cache_clear()


def test_each_centre_has_its_own_short_name(notifications: Notifications, catalogue: Catalogue) -> None:
    # The short form still names one centre: two centres in one city would need a longer one
    for lang in SITE_LANGUAGES:
        pattern = notifications.languages[lang].centre_short
        shorts = [pattern.replace("{city}", c.city.get(lang, c.city["en"])) for c in catalogue.centres]
        assert len(set(shorts)) == len(shorts), lang
