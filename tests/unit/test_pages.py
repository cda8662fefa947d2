"""The content build step for pages (devstack/pages/): the docs tree it assembles without MkDocs,
the errors it says in one sentence, the templates' escaping, and the site's ES modules it links."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path, PurePosixPath

import pytest
import segno

from chalicelib.core.i18n import SITE_LANGUAGES
from devstack import pages
from devstack.content import load_catalogue
from devstack.pages import __main__ as command
from devstack.pages import directory, staff
from devstack.pages.render import PagesError, load_allowed_values
from tests.conftest import ROOT
from tests.unit.site_pages import PRIVATE

SITE = "https://portal.example.org/"
ASSETS = ROOT / "site" / "overrides" / "assets"
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>")


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pages.build(tmp_path_factory.mktemp("build") / "docs", site_url=SITE)


def url_of(docs: Path, page: Path) -> PurePosixPath:
    """A page's address below the site's root (English has no language prefix)."""
    lang, *rest = page.relative_to(docs).with_suffix("").parts
    rest = rest[:-1] if rest[-1] == "index" else rest
    return PurePosixPath("/", *([] if lang == "en" else [lang]), *rest)


def test_every_generated_page_is_written_for_every_language(docs: Path) -> None:
    catalogue = load_catalogue()
    for lang in SITE_LANGUAGES:
        for relative in (
            *PRIVATE,
            "centres/index.md",
            "developers/api.md",
            *(f"centres/{c.id}.md" for c in catalogue.centres),
        ):
            assert (docs / lang / relative).is_file(), f"{lang}/{relative}"
    assert sorted(p.parent.parent.name for p in docs.glob("*/staff/index.md")) == sorted(staff.LANGUAGES)
    # content/ is copied, never written to
    assert (docs / "en" / "book" / "index.md").read_text(encoding="utf-8").startswith("---\nquick_exit: true\n")
    assert "quick_exit" not in (ROOT / "content" / "pages" / "en" / "book" / "index.md").read_text(encoding="utf-8")


def test_a_qr_code_beside_every_guide_and_centre_page_names_its_public_address(docs: Path) -> None:
    pages_with_code = [*docs.glob("*/guides/*/*.md"), *(p for p in docs.glob("*/centres/*.md") if p.stem != "index")]
    assert len(pages_with_code) > 500
    for page in pages_with_code:
        expected = io.BytesIO()
        address = SITE + str(url_of(docs, page)).lstrip("/") + "/"
        segno.make(address, error="m").save(
            expected, kind="svg", scale=4, border=2, xmldecl=False, svgns=True, nl=False
        )
        assert (page.with_suffix("") / "qr.svg").read_bytes() == expected.getvalue(), page
    assert sum(1 for _ in docs.rglob("qr.svg")) == len(pages_with_code)


def test_the_open_data_and_the_filter_rules_are_written_for_the_address_built_for(docs: Path) -> None:
    hsds = json.loads((docs / "open-data" / "hsds.json").read_text(encoding="utf-8"))
    assert SITE in json.dumps(hsds) and "127.0.0.1" not in json.dumps(hsds)
    assert (docs / "open-data" / "services.json").is_file()
    rules = (docs / "assets" / "directory.css").read_text(encoding="utf-8").splitlines()[1:]
    groups = directory.filter_options(load_catalogue(), "en")
    assert len(rules) == sum(len(g.options) for g in groups)
    assert all(rule.startswith(".px-directory:has(#f-") and rule.endswith("{display:none}") for rule in rules)


def test_pages_run_only_the_sites_own_modules(docs: Path) -> None:
    """No inline script: a data island (never executed) or an ES module of assets/, by a relative
    address that reaches it from the page's own."""
    seen: set[str] = set()
    for page in docs.rglob("*.md"):
        for attributes in SCRIPT_TAG.findall(page.read_text(encoding="utf-8")):
            if 'type="application/json"' in attributes:
                continue
            src = re.fullmatch(r' type="module" src="((?:\.\./)+)assets/([\w/]+\.js)"', attributes)
            assert src, f"{page.relative_to(docs)}: {attributes}"
            assert len(src.group(1)) // 3 == len(url_of(docs, page).parts) - 1, page  # exactly back to the root
            seen.add(src.group(2))
            assert (ASSETS / src.group(2)).is_file()
    assert seen == {"booking.js", "complaint.js", "feedback.js", "directory.js", "staff.js"}


def test_the_templates_escape_what_the_content_says() -> None:
    catalogue = load_catalogue()
    hostile = catalogue.centres[0].model_copy(
        update={"name": {"en": '<script>alert(1)</script>"'}, "operator": "<b onmouseover=x>"}
    )
    _, front, body = directory.centre_page(catalogue, hostile, "en", catalogue.centres[0].last_verified).split("---", 2)
    assert "<script>alert" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;&#34;" in body
    assert "<b onmouseover" not in body and "&lt;b onmouseover=x&gt;" in body
    assert 'title: "<script>alert(1)</script>\\""' in front  # a YAML string, which MkDocs escapes


def test_a_missing_list_of_allowed_values_says_how_to_make_it(tmp_path: Path) -> None:
    with pytest.raises(PagesError, match=r"allowed-values\.json is missing: run `make content`"):
        load_allowed_values(tmp_path / "allowed-values.json")
    (tmp_path / "broken.json").write_text('{"values": {"gender": "woman"}}', encoding="utf-8")
    with pytest.raises(PagesError, match="not a map of names to lists of values"):
        load_allowed_values(tmp_path / "broken.json")
    with pytest.raises(PagesError, match="has no 'no_such_list'"):
        load_allowed_values()["no_such_list"]


def test_the_command_builds_the_tree_or_says_what_is_wrong(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert command.main(["--site-url", SITE, "--out", str(tmp_path / "docs")]) == 0
    assert f"for {SITE}" in capsys.readouterr().out
    assert (tmp_path / "docs" / "fr" / "centres" / "index.md").is_file()
    assert command.main(["--site-url", "portal.example.org/", "--out", str(tmp_path / "bad")]) == 1
    assert "absolute address" in capsys.readouterr().err
