"""Guides that lead to each other without JavaScript (issue 18, finding 8): the home page opens each stage's
list of guides, every guide ends with the other guides of its stage, and the obvious links exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from chalicelib.core.i18n import SITE_LANGUAGES
from tests.conftest import ROOT

PAGES = ROOT / "content" / "pages"
STAGES = ("leaving", "on_the_way", "abroad", "home", "destinations")
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _meta(path: Path) -> dict[str, object]:
    meta: dict[str, object] = yaml.safe_load(path.read_text(encoding="utf-8").split("---", 2)[1])
    return meta


def _by_stage() -> dict[str, list[str]]:
    stages: dict[str, list[tuple[int, str]]] = {s: [] for s in STAGES}
    for path in (PAGES / "en" / "guides").rglob("*.md"):
        meta = _meta(path)
        stages[str(meta["stage"])].append((int(str(meta["order"])), path.relative_to(PAGES / "en").as_posix()))
    return {s: [p for _, p in sorted(v)] for s, v in stages.items()}


@pytest.mark.parametrize("lang", SITE_LANGUAGES)
def test_every_guide_ends_with_the_other_guides_of_its_stage(lang: str) -> None:
    for guides in _by_stage().values():
        for guide in guides:
            text = (PAGES / lang / guide).read_text(encoding="utf-8")
            heads = re.findall(r"^## .*$", text, flags=re.M)
            assert heads and heads[-1].endswith("{#more-guides}"), f"{lang}/{guide}: no more-guides section at the end"
            section = text.split(heads[-1], 1)[1]
            expected = [f"../{other.split('/', 1)[1]}" for other in guides if other != guide]
            assert LINK.findall(section) == expected, f"{lang}/{guide}"


@pytest.mark.parametrize("lang", SITE_LANGUAGES)
def test_the_home_page_opens_each_stage_on_its_guides(lang: str) -> None:
    text = (PAGES / lang / "index.md").read_text(encoding="utf-8")
    blocks = re.findall(r'<details markdown="1">\n<summary>([^<]+)</summary>\n(.*?)</details>', text, flags=re.S)
    ui = yaml.safe_load((ROOT / "content" / "ui" / f"{lang}.yaml").read_text(encoding="utf-8"))
    assert [summary for summary, _ in blocks] == [ui[f"stage.{s}"] for s in STAGES]
    assert [LINK.findall(body) for _, body in blocks] == list(_by_stage().values())


@pytest.mark.parametrize(
    ("guide", "links"),
    [
        (
            "abroad/rights-at-work.md",
            [
                "../abroad/passport-confiscation.md",
                "../abroad/wages-and-deductions.md",
                "../abroad/work-accidents-and-compensation.md",
                "../abroad/wages-and-deductions.md#hotlines",
            ],
        ),
        ("abroad/wages-and-deductions.md", ["../abroad/work-accidents-and-compensation.md"]),
        ("abroad/work-accidents-and-compensation.md", ["../abroad/wages-and-deductions.md#hotlines"]),
        (
            "abroad/passport-confiscation.md",
            [
                "../abroad/trafficking-and-forced-labour.md",
                "../destinations/malaysia.md#passport-law",
                "../destinations/thailand.md#papers-law",
                "../on-the-way/consular-help-and-voluntary-return.md#hotlines",
            ],
        ),
        (
            "abroad/trafficking-and-forced-labour.md",
            ["../abroad/passport-confiscation.md", "../destinations/malaysia.md#hotlines"],
        ),
        ("on-the-way/stranded-or-in-need.md", ["../destinations/turkey.md#hotlines"]),
        ("leaving/safe-migration-checklist.md", ["../destinations/thailand.md#hotlines"]),
    ],
)
def test_the_obvious_links_exist_outside_the_more_guides_section(guide: str, links: list[str]) -> None:
    text = (PAGES / "en" / "guides" / guide).read_text(encoding="utf-8").split("{#more-guides}")[0]
    assert set(links) <= set(LINK.findall(text)), guide


@pytest.mark.parametrize("lang", SITE_LANGUAGES)
def test_section_anchors_are_the_same_in_every_language(lang: str) -> None:
    """Links to #hotlines, #passport-law... must land: the ids are written, not made from translated titles."""
    for path in (PAGES / "en").rglob("*.md"):
        ids = re.findall(r"\{#([\w-]+)\}", path.read_text(encoding="utf-8"))
        translated = PAGES / lang / path.relative_to(PAGES / "en")
        assert re.findall(r"\{#([\w-]+)\}", translated.read_text(encoding="utf-8")) == ids, f"{lang}: {translated}"
