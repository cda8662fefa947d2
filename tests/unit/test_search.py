"""The site's search (issue 18, finding 2): the index devstack/search.py cuts from the built pages, and
the module that answers as a phone keyboard types (assets/search/engine.js, run under Node)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from devstack import search
from tests.conftest import ROOT

ENGINE = ROOT / "site" / "overrides" / "assets" / "search" / "engine.js"
RUNNER = Path(__file__).with_name("search_runner.mjs")
ZWSP = "\u200b"

ARTICLE = """<html><head><title>Rights - Passerelle</title></head><body>
<nav class="md-nav"><a href="x">Navigation is not indexed</a></nav>
<article class="md-content__inner md-typeset">
<h1 id="your-rights">Your rights<a class="headerlink" href="#your-rights">¶</a></h1>
<aside class="px-review-note" role="note">Translated without review.</aside>
<p>This page is for you<br>if you work abroad.</p>
<h2 id="wages">Wages</h2>
<p>Be paid <strong>in full</strong> and on time.</p><img src="x.png" alt="">
<ul><li>Payslips</li><li>Contract</li></ul>
<form><label>Your name</label><select><option>Pseudo</option></select><button>Send</button></form>
<h3 id="deductions">Deductions</h3>
<p hidden>Hidden text.</p>
<table class="px-hours"><tr><th>Monday</th><td>09:00</td></tr></table>
<a class="md-button" href="../book/">Book</a>
<h2 id="more-guides">More guides</h2>
<ul><li><a href="../other/">Another guide</a></li></ul>
<figure class="px-print-qr"><img src="qr.svg"><figcaption>Scan</figcaption></figure>
</article>
<footer>Footer is not indexed</footer>
</body></html>"""


def test_a_page_is_cut_into_its_sections_with_only_what_a_reader_looks_for() -> None:
    title, sections = search.page_sections(ARTICLE)
    assert title == "Your rights"
    assert sections == [
        ["", "", "This page is for you if you work abroad."],
        ["wages", "Wages", "Be paid in full and on time. Payslips Contract"],
    ]


def test_a_section_with_a_heading_and_no_text_is_left_out() -> None:
    html = '<article class="md-content__inner"><h1>T</h1><h2 id="a">Empty</h2><h2 id="b">B</h2><p>text</p></article>'
    assert search.page_sections(html) == ("T", [["b", "B", "text"]])


def _site(tmp_path: Path) -> Path:
    pages = [
        "index.html",
        "guides/abroad/rights/index.html",
        "centres/tj-dushanbe/index.html",
        "staff/index.html",
        "developers/api/index.html",
        "book/manage/index.html",
        "feedback/need/index.html",
        "fr/index.html",
        "fr/guides/abroad/rights/index.html",
        "km/guides/abroad/rights/index.html",
    ]
    for page in pages:
        path = tmp_path / page
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(ARTICLE, encoding="utf-8")
    return tmp_path


def test_each_language_indexes_its_own_pages_and_not_the_staff_forms_or_api(tmp_path: Path) -> None:
    site = _site(tmp_path)
    english = [url for url, _ in search.language_pages(site, "en")]
    assert english == ["", "centres/tj-dushanbe/", "guides/abroad/rights/"]
    assert [url for url, _ in search.language_pages(site, "fr")] == ["", "guides/abroad/rights/"]


def test_languages_written_without_spaces_get_word_boundaries_at_build_time() -> None:
    # Khmer "your passport", "with you": no space between the words in the text
    segmented = search.segment("km", ["លិខិតឆ្លងដែនរបស់អ្នក", "ជាមួយអ្នក"])
    assert [text.replace(ZWSP, "") for text in segmented] == ["លិខិតឆ្លងដែនរបស់អ្នក", "ជាមួយអ្នក"]
    assert all(ZWSP in text for text in segmented)
    # Thai and Burmese too; a language with spaces is left as it is
    assert ZWSP in search.segment("th", ["หนังสือเดินทางเป็นของคุณ"])[0]
    assert ZWSP in search.segment("my", ["နိုင်ငံကူးလက်မှတ်"])[0]
    assert search.segment("ru", ["патент"]) == ["патент"]


def test_the_build_writes_one_index_per_language(tmp_path: Path) -> None:
    site = _site(tmp_path)
    written = search.build(site, ["en", "fr", "km"])
    assert written == {
        "en": site / "search" / "index.json",
        "fr": site / "fr" / "search" / "index.json",
        "km": site / "km" / "search" / "index.json",
    }
    index = json.loads(written["fr"].read_text(encoding="utf-8"))
    assert index["lang"] == "fr"
    assert [page[0] for page in index["pages"]] == ["", "guides/abroad/rights/"]
    with pytest.raises(RuntimeError, match="no th page"):
        search.build(site, ["th"])


def test_the_theme_lunr_index_and_worker_are_not_shipped(tmp_path: Path) -> None:
    site = _site(tmp_path)
    for path in ("search/search_index.json", "fr/search/search_index.json", "assets/javascripts/workers/search.js"):
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_text("{}", encoding="utf-8")
    search.build(site, ["en", "fr"])
    search.drop_theme_search(site)
    assert not (site / "search" / "search_index.json").exists()
    assert not (site / "fr" / "search" / "search_index.json").exists()
    assert not (site / "assets" / "javascripts" / "workers").exists()
    assert (site / "fr" / "search" / "index.json").exists()


# ---- the search module ----------------------------------------------------------------------


def run(tmp_path: Path, indexes: dict[str, Any], calls: list[dict[str, Any]]) -> list[Any]:
    path = tmp_path / "calls.json"
    path.write_text(json.dumps({"indexes": indexes, "calls": calls}, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run(["node", str(RUNNER), str(ENGINE), str(path)], capture_output=True, text=True, check=True)
    answers: list[Any] = json.loads(done.stdout)
    return answers


def test_text_and_query_fold_the_same_way(tmp_path: Path) -> None:
    pairs = [
        ("ПАТЕНТ", "патент"),
        ("Ёлка йод", "елка иод"),
        ("SÖZLEŞME", "sozlesme"),
        ("İstanbul Işık", "istanbul isik"),
        ("Hợp đồng", "hop dong"),
        ("عَقْدٌ", "عقد"),
        ("أجر إلى آخر", "اجر الي اخر"),
        ("Шартномаи  ҲУҚУҚӢ", "шартномаи ҳуқуқи"),
        ("don’t", "don t"),
        ("don't", "don t"),
        ("လက်\u200bမှတ်", "လက်မှတ်"),
    ]
    answers = run(tmp_path, {}, [{"fn": "foldQuery", "args": [text]} for text, _ in pairs])
    assert answers == [folded for _, folded in pairs]


def _index(lang: str, pages: list[tuple[str, str, list[tuple[str, str, str]]]]) -> dict[str, Any]:
    return {"lang": lang, "pages": [[url, title, [list(s) for s in sections]] for url, title, sections in pages]}


RU = _index(
    "ru",
    [
        (
            "guides/russia/",
            "Работа в России",
            [("", "", "Вступление."), ("patent", "Патент: сроки", "Патент нужно оплачивать каждый месяц.")],
        ),
        ("guides/wages/", "Зарплата", [("", "", "Патентный платёж и вычеты из зарплаты.")]),
        ("guides/contract/", "Договор", [("", "", "Прочитайте договор до подписи.")]),
    ],
)
KM = _index(
    "km",
    [
        (
            "guides/passport/",
            f"លិខិតឆ្លងដែន{ZWSP}ជា{ZWSP}របស់{ZWSP}អ្នក",
            [("", "", f"លិខិតឆ្លងដែន{ZWSP}ត្រូវ{ZWSP}នៅ{ZWSP}ជាមួយ{ZWSP}អ្នក")],
        ),
        ("guides/family/", "គ្រួសារ", [("", "", f"សរសេរ{ZWSP}លិខិត{ZWSP}ទៅ{ZWSP}គ្រួសារ")]),
        ("guides/wages/", f"ប្រាក់{ZWSP}ឈ្នួល", [("", "", f"ប្រាក់{ZWSP}ឈ្នួល{ZWSP}របស់{ZWSP}អ្នក")]),
    ],
)


def test_a_word_is_found_while_it_is_typed(tmp_path: Path) -> None:
    typed = ["па", "пат", "пате", "патен", "патент"]
    answers = run(tmp_path, {"ru": RU}, [{"fn": "find", "index": "ru", "args": [q]} for q in typed])
    for query, results in zip(typed, answers, strict=True):
        assert [r["url"] for r in results][:2] == ["guides/russia/", "guides/wages/"], query
    # the best section is linked, its heading named, the match marked in the snippet
    best = answers[-1][0]
    assert (best["anchor"], best["heading"]) == ("patent", "Патент: сроки")
    assert [best["snippet"][a:b] for a, b in best["marks"]] == ["Патент"]


def test_one_letter_finds_nothing_and_every_term_must_be_in_the_page(tmp_path: Path) -> None:
    calls = [
        {"fn": "find", "index": "ru", "args": ["п"]},
        {"fn": "find", "index": "ru", "args": ["патент месяц"]},
        {"fn": "find", "index": "ru", "args": ["патент, договор"]},
    ]
    one_letter, both, none = run(tmp_path, {"ru": RU}, calls)
    assert one_letter == []
    assert [r["url"] for r in both] == ["guides/russia/"]
    assert none == []


def test_khmer_finds_a_word_inside_the_longer_word_the_segmenter_keeps_whole(tmp_path: Path) -> None:
    # "លិខិត" (letter, document) is part of "លិខិតឆ្លងដែន" (passport), one word to ICU's segmenter
    calls = [
        {"fn": "find", "index": "km", "args": ["លិខិត"]},
        {"fn": "find", "index": "km", "args": ["លិខិតឆ្លងដែន"]},
        {"fn": "terms", "args": ["km", "ប្រាក់ឈ្នួលរបស់"]},
    ]
    letter, passport, terms = run(tmp_path, {"km": KM}, calls)
    # found inside the longer word too (its title makes the passport guide first)
    assert [r["url"] for r in letter] == ["guides/passport/", "guides/family/"]
    assert [r["url"] for r in passport] == ["guides/passport/"]
    assert passport[0]["title"] == "លិខិតឆ្លងដែនជារបស់អ្នក"  # shown without the boundaries
    # a typed run without spaces is cut into words by the browser's segmenter
    assert terms["runs"] == ["ប្រាក់ឈ្នួលរបស់"]
    assert len(terms["words"]) >= 2 and "".join(terms["words"]) == "ប្រាក់ឈ្នួលរបស់"


def test_a_title_ranks_above_a_heading_above_the_text_and_a_whole_word_above_a_part(tmp_path: Path) -> None:
    index = _index(
        "en",
        [
            ("text/", "Money and debt", [("", "", "Send your passport copy home.")]),
            ("title/", "Your passport is yours", [("", "", "Keep it.")]),
            ("heading/", "Documents", [("copies", "A passport copy", "Keep it at home.")]),
            ("part/", "Travel", [("", "", "Show your passport at the border.")]),
            ("whole/", "Exams", [("", "", "You pass the test.")]),
        ],
    )
    passport, pass_ = run(
        tmp_path,
        {"en": index},
        [{"fn": "find", "index": "en", "args": ["passport"]}, {"fn": "find", "index": "en", "args": ["pass"]}],
    )
    assert [r["url"] for r in passport][:2] == ["title/", "heading/"]
    urls = [r["url"] for r in pass_]
    assert urls[:2] == ["title/", "heading/"]
    assert urls.index("whole/") < urls.index("part/")
