"""The note on pages no native speaker has reviewed (issue 18, finding 3), as devstack/pages writes it:
under the title of exactly the pages whose front matter says `review: pending`, in their language,
with "report a problem" one tap away."""

from __future__ import annotations

from pathlib import Path

import yaml

from devstack.pages import add_review_notes
from tests.conftest import ROOT

WIDGET = '<section class="px-feedback" id="px-feedback">'


def ui(lang: str) -> dict[str, object]:
    strings: dict[str, object] = yaml.safe_load((ROOT / "content" / "ui" / f"{lang}.yaml").read_text(encoding="utf-8"))
    return strings


def _page(out: Path, relative: str, matter: str, body: str = "") -> Path:
    path = out / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ntitle: T\n{matter}---\n\n# Title\n\nFirst paragraph.\n{body}", encoding="utf-8")
    return path


def test_the_note_goes_under_the_title_of_pending_pages_only(tmp_path: Path) -> None:
    pending_guide = _page(tmp_path, "ar/guides/abroad/rights.md", "review: pending\n", WIDGET)
    pending_page = _page(tmp_path, "ar/book/index.md", "review: pending\n")
    pending_home = _page(tmp_path, "ar/index.md", "review: pending\n")
    reviewed = _page(
        tmp_path, "my/guides/abroad/rights.md", "review: reviewed\nreviewed_by: K\nreviewed_on: 2026-11-01\n"
    )
    english = _page(tmp_path, "en/guides/abroad/rights.md", "", WIDGET)
    assert add_review_notes(tmp_path, ["en", "ar", "my"]) == 3

    guide = pending_guide.read_text(encoding="utf-8")
    before, after = guide.split("# Title", 1)
    assert "px-review-note" not in before
    assert after.index("px-review-note") < after.index("First paragraph.")
    assert str(ui("ar")["review.note"]) in guide and str(ui("ar")["review.report"]) in guide
    # a guide reports through its own "was this page helpful?"
    assert 'href="#px-feedback"' in guide
    # a page without one, through "tell us what you need", naming the page (in the fragment only)
    assert 'href="../feedback/need/#page=/ar/book/"' in pending_page.read_text(encoding="utf-8")
    assert 'href="feedback/need/#page=/ar/"' in pending_home.read_text(encoding="utf-8")
    assert "px-review-note" not in reviewed.read_text(encoding="utf-8")
    assert "px-review-note" not in english.read_text(encoding="utf-8")
