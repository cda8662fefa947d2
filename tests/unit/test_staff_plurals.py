"""The console's counted strings (content/staff/<lang>.yaml) in each language's CLDR plural forms,
through the console's own module (assets/staff/plural.js on assets/i18n/format.js) under Node: no
"1 cases" or "1 days" in any of its five languages, Russian's and Arabic's forms where they fall,
and the count in the language's digits."""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest
import yaml

from devstack.cldr import compile_cldr
from tests.conftest import ROOT

ASSETS = ROOT / "site" / "overrides" / "assets"
LANGUAGES = ("en", "fr", "ru", "vi", "ar")
COUNTED = ("queue.count", "queue.received", "queue.days")
COUNTS = (0, 1, 2, 5, 21, 1.5)
SCRIPT = """
const [folder, stringsJson, countsJson] = process.argv.slice(1);
const { load, formatNumber } = await import(folder + "/i18n/format.js");
const { counted } = await import(folder + "/staff/plural.js");
const strings = JSON.parse(stringsJson), counts = JSON.parse(countsJson), out = {};
for (const [lang, texts] of Object.entries(strings)) {
  const code = await load(lang);
  out[lang] = {};
  for (const [key, text] of Object.entries(texts)) {
    out[lang][key] = counts.map((n) => [formatNumber(code, n), counted(code, text, n)]);
  }
}
process.stdout.write(JSON.stringify(out));
"""


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, list[tuple[str, str]]]]:
    out = tmp_path_factory.mktemp("console")
    compile_cldr(site_out=out / "i18n" / "cldr", backend_out=out / "backend", languages=LANGUAGES, zones=[])
    shutil.copy(ASSETS / "i18n" / "format.js", out / "i18n" / "format.js")
    (out / "staff").mkdir()
    shutil.copy(ASSETS / "staff" / "plural.js", out / "staff" / "plural.js")
    strings = {}
    for lang in LANGUAGES:
        texts = yaml.safe_load((ROOT / "content" / "staff" / f"{lang}.yaml").read_text(encoding="utf-8"))
        strings[lang] = {key: texts[key] for key in COUNTED}
    done = subprocess.run(
        ["node", "--input-type=module", "-e", SCRIPT, out.as_uri(), json.dumps(strings), json.dumps(COUNTS)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    answer: dict[str, Any] = json.loads(done.stdout)
    return answer


def form(rendered: dict[str, Any], lang: str, key: str, count: float) -> str:
    return str(rendered[lang][key][COUNTS.index(count)][1])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_count_gets_a_whole_sentence_with_the_languages_digits(rendered: dict[str, Any], lang: str) -> None:
    for key in COUNTED:
        for number, text in rendered[lang][key]:
            assert "{n}" not in text and not any(c in text.replace("{date}", "") for c in "{}"), (lang, key, text)
            words = text.replace("{date}", "")
            assert number in words or lang == "ar", (lang, key, text)  # Arabic writes one and two as words


@pytest.mark.parametrize(
    ("lang", "key", "count", "expected"),
    [
        ("en", "queue.count", 1, "1 case"),
        ("en", "queue.count", 21, "21 cases"),
        ("en", "queue.days", 1, "1 day"),
        ("en", "queue.days", 0, "0 days"),
        ("en", "queue.received", 1, "Received {date} (1 day ago)"),
        ("fr", "queue.count", 0, "0 dossier"),
        ("fr", "queue.count", 1, "1 dossier"),
        ("fr", "queue.days", 1.5, "1,5 jour"),
        ("fr", "queue.count", 2, "2 dossiers"),
        ("ru", "queue.count", 1, "1 дело"),
        ("ru", "queue.count", 2, "2 дела"),
        ("ru", "queue.count", 5, "5 дел"),
        ("ru", "queue.count", 21, "21 дело"),
        ("ru", "queue.days", 1.5, "1,5 дня"),
        ("ru", "queue.received", 5, "Получена {date} (5 дней назад)"),
        ("ar", "queue.count", 1, "حالة واحدة"),
        ("ar", "queue.count", 2, "حالتان"),
        ("ar", "queue.days", 2, "يومان"),
        ("vi", "queue.days", 1, "1 ngày"),
    ],
)
def test_the_plural_forms_fall_where_the_language_puts_them(
    rendered: dict[str, Any], lang: str, key: str, count: float, expected: str
) -> None:
    assert form(rendered, lang, key, count) == expected


def test_arabic_counts_three_to_ten_and_eleven_up_apart_in_its_cldr_digits(rendered: dict[str, Any]) -> None:
    five, twenty_one = rendered["ar"]["queue.days"][COUNTS.index(5)], rendered["ar"]["queue.days"][COUNTS.index(21)]
    # the number as format.js writes it in Arabic (CLDR's default numbering system for the language)
    assert five[1] == f"{five[0]} أيام" and twenty_one[1] == f"{twenty_one[0]} يومًا"
