"""Dates, times, numbers, lists and plurals from the CLDR data the portal ships (devstack/cldr.py):
the backend's chalicelib.core.cldr and the site's assets/i18n/format.js (run under Node) give
Babel's answer, in all 14 languages (tests/cldr_vectors.py), and the same answer as each other
where they part from Babel on purpose."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import brotli
import pytest
from babel import Locale
from babel.dates import format_time
from babel.plural import to_javascript

from chalicelib.core import cldr
from chalicelib.core.i18n import SITE_LANGUAGES
from devstack.cldr import NUMBERING_ZERO, check_pattern, compile_cldr, digits
from tests.cldr_vectors import vectors
from tests.conftest import ROOT

FORMAT_JS = ROOT / "site" / "overrides" / "assets" / "i18n" / "format.js"
RUNNER = Path(__file__).with_name("cldr_runner.mjs")
SATURDAY = "2026-12-05T13:05:09Z"
RU_SEATS = {"=0": "мест нет", "one": "{n} место", "few": "{n} места", "many": "{n} мест", "other": "{n} места"}
AR_FORMS = {c: f"{c} {{n}}" for c in ("zero", "one", "two", "few", "many", "other")}


def _hand_vectors() -> list[dict[str, Any]]:
    """Where the formatters part from Babel or refuse, both the same way."""
    myanmar = Locale.parse("my").meta_zones["Myanmar"]["long"]["standard"]
    cases: list[tuple[str, str, list[Any], dict[str, Any], str | None]] = [
        # Babel 2.18 names these two by their GMT offset (devstack/cldr.py says why)
        ("vi", "formatTime", [SATURDAY], {"style": "full", "timeZone": "Asia/Ho_Chi_Minh"}, "20:05:09 Giờ Đông Dương"),
        ("my", "formatTime", [SATURDAY], {"style": "full", "timeZone": "Asia/Yangon"}, f"{myanmar} ၁၉:၃၅:၀၉"),
        # a zone the site ships no name for is written as its offset, in summer time too
        (
            "en",
            "formatTime",
            [SATURDAY],
            {"style": "full", "timeZone": "America/New_York"},
            "8:05:09\u202fAM GMT-05:00",
        ),
        (
            "en",
            "formatTime",
            ["2026-07-05T13:05:09Z"],
            {"style": "long", "timeZone": "America/New_York"},
            "9:05:09\u202fAM -0400",
        ),
        ("fr", "formatTime", [SATURDAY], {"style": "full", "timeZone": "Asia/Kolkata"}, "18:35:09 UTC+05:30"),
        # Latin digits on request, in a language whose own are not
        ("my", "formatNumber", [1234.5], {"numberingSystem": "latn"}, "1,234.5"),
        ("my", "formatDate", ["2026-12-05"], {"style": "long", "numberingSystem": "latn"}, "2026 ဒီဇင်ဘာ 5"),
        ("ar", "formatNumber", [-5], {}, "\u200e-5"),
        ("en", "formatNumber", [-0.0], {}, "-0"),
        ("ru", "plural", [1e-7], {}, "other"),
        ("ru", "plural", ["0.0000001"], {}, "other"),
        # a regional locale reads its language; an unknown one, English
        ("fr-CA", "formatNumber", [1234.5], {}, "1\u202f234,5"),
        ("xx", "formatDate", ["2026-12-05"], {"style": "long"}, "December 5, 2026"),
        # message forms by plural category, an exact form first, the number in the language's digits
        ("ru", "pluralForm", [0, RU_SEATS], {}, "мест нет"),
        ("ru", "pluralForm", [1, RU_SEATS], {}, "1 место"),
        ("ru", "pluralForm", [3, RU_SEATS], {}, "3 места"),
        ("ru", "pluralForm", [5, RU_SEATS], {}, "5 мест"),
        ("ru", "pluralForm", [21, RU_SEATS], {}, "21 место"),
        ("ru", "pluralForm", [1.5, RU_SEATS], {}, "1,5 места"),
        ("en", "pluralForm", [1, {"one": "{n} seat left", "other": "{n} seats left"}], {}, "1 seat left"),
        ("en", "pluralForm", [1234, {"one": "{n} seat left", "other": "{n} seats left"}], {}, "1,234 seats left"),
        ("tg", "pluralForm", [1, {"one": "{n} ҷой", "other": "{n} ҷой"}], {}, "1 ҷой"),
        ("my", "pluralForm", [25, {"other": "နေရာ {n} ခု"}], {}, "နေရာ ၂၅ ခု"),
        ("ar", "pluralForm", [0, AR_FORMS], {}, "zero 0"),
        ("ar", "pluralForm", [2, AR_FORMS], {}, "two 2"),
        ("ar", "pluralForm", [11, AR_FORMS], {}, "many 11"),
        ("ar", "pluralForm", [100, AR_FORMS], {}, "other 100"),
        # refused by both: a time of day has no zone to name, a datetime without offset is ambiguous,
        # forms without "other", a numbering system the language does not use
        ("en", "formatTime", ["09:30"], {"style": "long"}, None),
        ("en", "formatDate", ["2026-12-05T09:30"], {}, None),
        ("en", "pluralForm", [2, {"one": "{n} seat"}], {}, None),
        ("my", "formatNumber", [5], {"numberingSystem": "arab"}, None),
        ("en", "monthName", [13], {}, None),
    ]
    return [
        {"lang": lang, "call": call, "args": args, "options": options, "expected": expected}
        for lang, call, args, options, expected in cases
    ]


HAND = _hand_vectors()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generator's output in a temporary folder: site/ (format.js beside cldr/) and backend/."""
    out = tmp_path_factory.mktemp("cldr")
    compile_cldr(site_out=out / "site" / "cldr", backend_out=out / "backend")
    shutil.copy(FORMAT_JS, out / "site" / "format.js")
    return out


@pytest.fixture(scope="module")
def backend(built: Path) -> Iterator[Path]:
    """chalicelib.core.cldr reading the freshly generated data."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cldr, "CLDR_DIR", built / "backend")
        cldr._load.cache_clear()
        yield built / "backend"
    cldr._load.cache_clear()


@pytest.fixture(scope="module")
def babel_vectors() -> list[dict[str, Any]]:
    return vectors()


@pytest.fixture(scope="module")
def node_run(built: Path, babel_vectors: list[dict[str, Any]]) -> dict[str, Any]:
    path = built / "vectors.json"
    path.write_text(json.dumps(babel_vectors + HAND, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run(
        ["node", str(RUNNER), str(built / "site"), str(path)], capture_output=True, text=True, timeout=300, check=True
    )
    answer: dict[str, Any] = json.loads(done.stdout)
    return answer


def _when(text: str) -> date | datetime | time:
    if "T" in text:
        return datetime.fromisoformat(text)
    if ":" in text:
        return time.fromisoformat(text)
    return date.fromisoformat(text)


def call_python(vector: dict[str, Any]) -> Any:
    """The backend's function for a vector's JavaScript call."""
    lang, args, o = vector["lang"], vector["args"], vector["options"]
    numbering = o.get("numberingSystem")
    match vector["call"]:
        case "formatDate":
            day = _when(args[0])
            assert isinstance(day, date)
            return cldr.format_date(
                lang,
                day,
                o.get("style", "medium"),
                skeleton=o.get("skeleton"),
                tz=o.get("timeZone"),
                numbering=numbering,
            )
        case "formatTime":
            moment = _when(args[0])
            assert isinstance(moment, datetime | time)
            return cldr.format_time(lang, moment, o.get("style", "medium"), tz=o.get("timeZone"), numbering=numbering)
        case "formatDateTime":
            instant = _when(args[0])
            assert isinstance(instant, datetime)
            return cldr.format_datetime(
                lang,
                instant,
                o.get("style", "medium"),
                date_style=o.get("dateStyle"),
                time_style=o.get("timeStyle"),
                tz=o.get("timeZone"),
                numbering=numbering,
            )
        case "formatNumber":
            return cldr.format_number(
                lang,
                args[0],
                min_fraction=o.get("minimumFractionDigits"),
                max_fraction=o.get("maximumFractionDigits"),
                grouping=o.get("useGrouping", True),
                numbering=numbering,
            )
        case "plural":
            return cldr.plural(lang, args[0])
        case "pluralForm":
            return cldr.plural_form(lang, args[0], args[1], numbering=numbering)
        case "formatList":
            return cldr.format_list(lang, args[0], o["type"])
        case "monthName":
            return cldr.month_name(lang, args[0], o.get("width", "wide"), o.get("context", "stand-alone"))
        case "dayName":
            return cldr.day_name(lang, args[0], o.get("width", "wide"), o.get("context", "stand-alone"))
    raise AssertionError(f"no Python function for {vector['call']}")


def _mismatches(vectors_: list[dict[str, Any]], answers: list[Any]) -> list[str]:
    out = []
    for vector, answer in zip(vectors_, answers, strict=True):
        refused = isinstance(answer, dict) and "error" in answer
        wrong = not refused if vector["expected"] is None else answer != vector["expected"]
        if wrong:
            args = ", ".join(json.dumps(a, ensure_ascii=False) for a in vector["args"])
            out.append(
                f"{vector['lang']} {vector['call']}({args}, {vector['options']}): {answer!r} != {vector['expected']!r}"
            )
    return out


def _python_answers(vectors_: list[dict[str, Any]]) -> list[Any]:
    answers = []
    for vector in vectors_:
        try:
            answers.append(call_python(vector))
        except (ValueError, TypeError, KeyError) as exc:
            answers.append({"error": f"{type(exc).__name__}: {exc}"})
    return answers


def test_python_writes_what_babel_writes_in_every_language(backend: Path, babel_vectors: list[dict[str, Any]]) -> None:
    assert {v["lang"] for v in babel_vectors} == set(SITE_LANGUAGES)
    assert len(babel_vectors) > 5000
    mismatches = _mismatches(babel_vectors, _python_answers(babel_vectors))
    assert not mismatches, f"{len(mismatches)} differ from Babel, e.g.\n" + "\n".join(mismatches[:25])


def test_javascript_writes_what_babel_writes_in_every_language(
    node_run: dict[str, Any], babel_vectors: list[dict[str, Any]]
) -> None:
    answers = node_run["results"][: len(babel_vectors)]
    mismatches = _mismatches(babel_vectors, answers)
    assert not mismatches, f"{len(mismatches)} differ from Babel, e.g.\n" + "\n".join(mismatches[:25])


def test_python_and_javascript_part_from_babel_and_refuse_alike(backend: Path, node_run: dict[str, Any]) -> None:
    js = node_run["results"][-len(HAND) :]
    assert not _mismatches(HAND, js), _mismatches(HAND, js)
    py = _python_answers(HAND)
    assert not _mismatches(HAND, py), _mismatches(HAND, py)
    # Babel itself falls back to the offset for Ho Chi Minh City (the first hand vector's reason)
    moment = datetime.fromisoformat(SATURDAY)
    assert format_time(moment, "full", tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"), locale="vi") == "20:05:09 GMT+07:00"


def test_a_phone_gets_real_month_names_and_seat_counts(backend: Path) -> None:
    """The cases of issue 18: 5 December 2026 on a Tajik, Khmer and Burmese phone, "1 seats left"."""
    saturday = date(2026, 12, 5)
    assert cldr.format_date("tg", saturday, "full") == "Шанбе, 05 Декабр 2026"
    assert cldr.format_date("km", saturday, "full") == "សៅរ៍ 5 ធ្នូ 2026"
    assert cldr.format_date("my", saturday, "full") == "၂၀၂၆ ဒီဇင်ဘာ ၅ စနေ"
    assert cldr.format_date("ru", saturday, "long") == "5 декабря 2026\u202fг."  # genitive in a date
    assert cldr.month_name("ru", 12) == "декабрь"  # nominative on its own
    forms = {"one": "{n} seat left", "other": "{n} seats left"}
    assert [cldr.plural_form("en", n, forms) for n in (0, 1, 2, 5, 21)] == [
        "0 seats left",
        "1 seat left",
        "2 seats left",
        "5 seats left",
        "21 seats left",
    ]


def test_site_module_and_backend_file_hold_the_same_data(built: Path, node_run: dict[str, Any]) -> None:
    for lang in SITE_LANGUAGES:
        backend_data = json.loads((built / "backend" / f"{lang}.json").read_text(encoding="utf-8"))
        assert backend_data.pop("plural") is not None
        assert node_run["data"][lang] == backend_data, lang


def test_each_language_file_is_small_and_needs_no_eval(built: Path) -> None:
    sizes = {}
    for lang in SITE_LANGUAGES:
        module = (built / "site" / "cldr" / f"{lang}.js").read_bytes()
        sizes[lang] = len(brotli.compress(module))
        assert b"eval(" not in module and b"Function(" not in module
    assert max(sizes.values()) < 3000, sizes
    script = FORMAT_JS.read_text(encoding="utf-8")
    assert "eval(" not in script and "Function(" not in script and "innerHTML" not in script


def test_numbering_systems_follow_cldr(built: Path) -> None:
    """CLDR 47's default numbering system of each language: Burmese digits for my, Latin for the
    others (Arabic included; its native Arabic-Indic digits are not its default)."""
    systems = {}
    for lang in SITE_LANGUAGES:
        number = json.loads((built / "backend" / f"{lang}.json").read_text(encoding="utf-8"))["number"]
        assert number["system"] == Locale.parse(lang).default_numbering_system
        assert number["digits"] == digits(number["system"])
        systems[lang] = number["system"]
    assert systems == {lang: "mymr" if lang == "my" else "latn" for lang in SITE_LANGUAGES}


def test_digit_tables_agree_with_icu() -> None:
    script = (
        "const out = {}; for (const s of process.argv.slice(1)) "
        "out[s] = new Intl.NumberFormat(`en-u-nu-${s}`, {useGrouping: false}).format(1234567890); "
        "console.log(JSON.stringify(out));"
    )
    done = subprocess.run(["node", "-e", script, *NUMBERING_ZERO], capture_output=True, text=True, check=True)
    icu = json.loads(done.stdout)
    for system in NUMBERING_ZERO:
        table = digits(system)
        assert icu[system] == table[1:] + table[0], system


def test_babels_own_javascript_plurals_would_call_one_and_a_half_one() -> None:
    """Why devstack/cldr.py compiles the rules itself: Babel's to_javascript drops the v operand."""
    english = to_javascript(Locale.parse("en").plural_form)
    done = subprocess.run(["node", "-e", f"console.log(({english})(1.5))"], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "one"
    assert Locale.parse("en").plural_form(1.5) == "other"


def test_the_generator_refuses_a_pattern_the_formatters_cannot_write() -> None:
    check_pattern("en", "EEEE d MMMM y 'at' HH:mm zzzz", "test")
    for pattern in ("QQQ y", "h:mm B", "w", "EEEEEE"):
        with pytest.raises(ValueError, match="formatters do not know"):
            check_pattern("en", pattern, "test")


def test_the_backend_formats_without_babel(built: Path) -> None:
    """Babel's locale data are 32 MB: the Lambda formats from the compiled JSON alone."""
    script = (
        "import sys; from datetime import date; from pathlib import Path; "
        "from chalicelib.core import cldr; cldr.CLDR_DIR = Path(sys.argv[1]); "
        "print(cldr.format_date('my', date(2026, 12, 5), 'full')); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'babel'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(built / "backend")], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines() == ["၂၀၂၆ ဒီဇင်ဘာ ၅ စနေ", "[]"]


def test_missing_data_say_how_to_make_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cldr, "CLDR_DIR", tmp_path)
    cldr._load.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="make content"):
            cldr.format_number("en", 1)
    finally:
        cldr._load.cache_clear()
