"""The official numbers the guides print: each in content/hotlines.yaml with its source, dialled as shown,
and sourced on the page that prints it (issue 18, finding 9)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from devstack import hotlines
from devstack.content import ContentError
from devstack.hotlines import check, load_hotlines, page_problems
from tests.conftest import ROOT

REGISTER = ROOT / "content" / "hotlines.yaml"
JTKSM = "http://jtksm.mohr.gov.my/en/pengendalian-aduan-perburuhan"


def test_every_number_in_every_language_is_registered_dialled_as_shown_and_sourced() -> None:
    assert check() == []


def test_the_register_holds_only_checked_rows_with_their_caveats() -> None:
    lines = load_hotlines()
    assert {h.country for h in lines} >= {"MY", "TH", "RU", "TR"}
    assert all(h.confidence in {"high", "medium"} for h in lines)
    assert all(h.caveat for h in lines if h.confidence == "medium")
    # Malaysia's labour and anti-trafficking lines are one daytime call centre, not an emergency line.
    by_id = {h.id: h for h in lines}
    assert by_id["my-labour"].numbers == by_id["my-trafficking"].numbers
    assert "999" in (by_id["my-trafficking"].caveat or "")


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    (tmp_path / "en" / "guides" / "destinations").mkdir(parents=True)
    return tmp_path


def _write(pages: Path, relative: str, body: str) -> Path:
    path = pages / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ntitle: t\n---\n\n{body}\n", encoding="utf-8")
    return path


def test_an_invented_number_is_refused_in_any_script(pages: Path) -> None:
    lines = load_hotlines()
    page = _write(pages, "en/a.md", "Call 03-8000 8001 or the police on ၁၉၁, or 1300 5555.")
    problems = page_problems(page, lines)
    assert any("03-8000 8001 is not in" in p for p in problems), problems
    assert any("၁၉၁ is not in" in p for p in problems), problems  # people dial ASCII digits
    assert any("1300 5555 is not in" in p for p in problems), problems


def test_a_registered_number_must_be_a_link_that_dials_what_it_shows(pages: Path) -> None:
    lines = load_hotlines()
    page = _write(
        pages, "en/a.md", f"Call 999. Or [03-8000 8000](tel:+60380008001), [1506](tel:1546). [JTKSM]({JTKSM})"
    )
    problems = page_problems(page, lines)
    assert any("999 is printed without its link" in p for p in problems), problems
    assert any("tel:+60380008001 is not in" in p for p in problems), problems
    assert any("[1506](tel:1546) shows another number than it dials" in p for p in problems), problems


def test_a_number_names_its_source_here_or_in_a_linked_hotlines_section(pages: Path) -> None:
    lines = load_hotlines()
    bare = _write(pages, "en/a.md", "Labour complaints: [03-8000 8000](tel:+60380008000).")
    assert any("03-8000 8000 names no source" in p for p in page_problems(bare, lines))
    sourced = _write(pages, "en/b.md", f"Labour complaints: [03-8000 8000](tel:+60380008000). [JTKSM]({JTKSM})")
    assert page_problems(sourced, lines) == []
    _write(pages, "en/guides/destinations/malaysia.md", f"## Hotlines {{#hotlines}}\n\n[JTKSM]({JTKSM})")
    linked = _write(
        pages,
        "en/index.md",
        "[03-8000 8000](tel:+60380008000), see [Malaysia](guides/destinations/malaysia.md#hotlines).",
    )
    assert page_problems(linked, lines) == []
    elsewhere = _write(
        pages, "en/c.md", "[03-8000 8000](tel:+60380008000), [Malaysia](guides/destinations/malaysia.md)."
    )
    assert any("names no source" in p for p in page_problems(elsewhere, lines)), "only #hotlines counts"


def test_years_dates_times_and_laws_are_not_phone_numbers(pages: Path) -> None:
    text = (
        "Checked on 4 December 2026. The Passports Act 1966, section 12(1)(f); Employment Act 1955, "
        "section 90B; law 115-FZ; valid 2025-2026; open 7.30 to 21.00; 1.5 million; [Sabah, 20 August 2025](x); "
        "[www.alo170.gov.tr](https://www.alo170.gov.tr); ၂၀၂၆ ခုနှစ်; within 30 days, 12 months, 88 kinds of work."
    )
    assert page_problems(_write(pages, "en/a.md", text), load_hotlines()) == []


def _broken_register(tmp_path: Path, change: dict[str, object], index: int = 1) -> Path:
    doc = yaml.safe_load(REGISTER.read_text(encoding="utf-8"))
    doc["hotlines"][index].update(change)
    path = tmp_path / "hotlines.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"confidence": "low"}, "confidence"),
        ({"caveat": None}, "caveat"),
        ({"numbers": [{"show": "03-8000 8000", "dial": "+60380008080"}]}, "is not the number"),
        ({"numbers": [{"show": "2024", "dial": "2024"}]}, "reads like a year"),
        ({"sources": [{"url": "not a link", "title": "x y z", "publisher": "JTKSM", "date": None}]}, "sources.0.url"),
        (
            {"sources": [{"url": JTKSM, "title": "x y z", "publisher": "JTKSM", "date": "2027-01"}]},
            "after the day it was checked",
        ),
        ({"id": "my-emergency"}, "used twice"),
    ],
)
def test_a_wrong_row_is_named_with_its_field(tmp_path: Path, change: dict[str, object], message: str) -> None:
    with pytest.raises(ContentError) as excinfo:
        load_hotlines(_broken_register(tmp_path, change))
    assert any("hotlines.yaml" in p and message in p for p in excinfo.value.problems), excinfo.value.problems


def test_a_number_no_english_page_prints_is_reported(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "content" / "pages", tmp_path / "pages")
    register = _broken_register(tmp_path, {"numbers": [{"show": "1111", "dial": "1111"}]}, index=0)
    problems = check(tmp_path / "pages", register)
    assert any("1111 is in no English page" in p for p in problems), problems


def test_the_content_build_fails_on_a_bad_number(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from devstack import content

    shutil.copytree(ROOT / "content" / "pages", tmp_path / "pages")
    guide = tmp_path / "pages" / "fr" / "guides" / "abroad" / "wages-and-deductions.md"
    guide.write_text(guide.read_text(encoding="utf-8") + "\nAppelez le 03-8000 8001.\n", encoding="utf-8")
    monkeypatch.setattr(hotlines, "PAGES", tmp_path / "pages")
    monkeypatch.setattr(content, "compile_catalogue", lambda: None)
    assert content.main() == 1
    assert "fr/guides/abroad/wages-and-deductions.md: 03-8000 8001 is not in" in capsys.readouterr().err
