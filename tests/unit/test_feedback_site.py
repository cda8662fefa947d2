"""The public feedback pages as the build writes them (site/hooks/feedback.py): the widget on every
guide in every language, the service and needs forms in every language, the links to them, with
no inline script and every value the API accepts."""

from __future__ import annotations

import re
import shutil
import sys
from functools import cache
from pathlib import Path, PurePosixPath
from typing import get_args

import pytest
import yaml

from chalicelib.core import enums
from chalicelib.core.i18n import SITE_LANGUAGES
from chalicelib.feedback import models
from tests.conftest import ROOT, load_hook

PAGES = ROOT / "content" / "pages"
ENGLISH_GUIDES = sorted(p.relative_to(PAGES / "en").as_posix() for p in (PAGES / "en" / "guides").glob("*/*.md"))
SCRIPT = re.compile(r"<script\b([^>]*)>")


@cache
def ui(lang: str) -> dict[str, str]:
    return dict(yaml.safe_load((ROOT / "content" / "ui" / f"{lang}.yaml").read_text(encoding="utf-8")))


ENGLISH = ui("en")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The docs tree as hooks/docs.py assembles it (the parts the feedback depends on)."""
    docs = load_hook("docs")
    hooks = sys.modules  # the modules docs.py imported by name, as MkDocs runs them
    hooks["directory"].load()
    tree = tmp_path_factory.mktemp("docs")
    shutil.copytree(PAGES, tree, dirs_exist_ok=True)
    docs.add_guide_footers(tree)
    hooks["booking"].write_pages(tree, list(SITE_LANGUAGES))
    hooks["feedback"].add_page_widgets(tree, list(SITE_LANGUAGES))
    hooks["feedback"].write_pages(tree, list(SITE_LANGUAGES))
    return tree


def url_of(relative: str) -> PurePosixPath:
    """The page's URL path: content/pages/<lang>/a/b.md is /<lang>/a/b/ (English has no prefix)."""
    lang, rest = relative.split("/", 1)
    stem = rest.removesuffix(".md").removesuffix("index").rstrip("/")
    return PurePosixPath("/", *([] if lang == "en" else [lang]), *([stem] if stem else []))


def resolve(page: PurePosixPath, href: str) -> str:
    parts = list(page.parts[1:])
    for piece in href.split("/"):
        if piece == "..":
            parts = parts[:-1]  # as a browser does: never above the root
        elif piece:
            parts.append(piece)
    return "/" + "/".join(parts)


def assert_no_inline_code(text: str, where: str) -> None:
    for attributes in SCRIPT.findall(text):
        assert "src=" in attributes or 'type="application/json"' in attributes, f"{where}: inline script"
    assert not re.search(r"\sstyle=", text), f"{where}: inline style"
    assert not re.search(r"\son[a-z]+=", text), f"{where}: inline event handler"


@pytest.mark.parametrize("lang", SITE_LANGUAGES)
def test_every_guide_asks_was_this_page_helpful_after_its_footer(site: Path, lang: str) -> None:
    for guide in ENGLISH_GUIDES:
        text = (site / lang / guide).read_text(encoding="utf-8")
        assert text.count('id="px-feedback"') == 1, f"{lang}/{guide}"
        widget = text[text.index('id="px-feedback"') :]
        assert f'data-lang="{lang}"' in widget
        if "px-help" in text:  # translated guides have the "centres that can help" footer: the widget follows it
            assert text.index("px-help") < text.index('id="px-feedback"')
        assert ui(lang)["feedback.question"] in widget
        assert 'aria-pressed="false"' in widget and 'role="status"' in widget
        # no `hidden` on the widget itself: CSS keeps its room (invisible) until the script is ready
        assert "hidden" not in widget.split("\n")[0]
        page = url_of(f"{lang}/{guide}")
        scripts = re.findall(r'<script src="([^"]+)"', widget)
        assert [resolve(page, src) for src in scripts] == ["/assets/feedback.js"]
        need = re.search(r'id="pf-need" hidden><a href="([^"]+)"', widget)
        assert need and resolve(page, need.group(1)) == ("/feedback/need" if lang == "en" else f"/{lang}/feedback/need")
        assert_no_inline_code(widget, f"{lang}/{guide}")


@pytest.mark.parametrize("lang", SITE_LANGUAGES)
def test_the_service_and_needs_forms_exist_in_every_language(site: Path, lang: str) -> None:
    for name, title in (("service", "feedback.service_title"), ("need", "feedback.need_title")):
        relative = f"{lang}/feedback/{name}.md"
        text = (site / relative).read_text(encoding="utf-8")
        meta = yaml.safe_load(text.split("---", 2)[1])
        assert meta["title"] == ui(lang)[title]
        assert_no_inline_code(text, relative)
        scripts = re.findall(r'<script src="([^"]+)"', text)
        assert [resolve(url_of(relative), src) for src in scripts] == ["/assets/feedback.js"]
        assert ui(lang)["feedback.needs_js"] in text  # what a reader without JavaScript sees
    need = (site / lang / "feedback" / "need.md").read_text(encoding="utf-8")
    assert f'<option value="{lang}" selected>' in need  # the preferred language is the page's


def test_the_forms_offer_exactly_the_values_the_api_accepts(site: Path) -> None:
    feedback = load_hook("feedback")
    assert get_args(models.Topic) == feedback.TOPICS
    assert get_args(enums.AgeBand) == feedback.AGE_BANDS
    assert get_args(enums.Gender) == (*feedback.GENDERS, "prefer_not_to_say")
    need = (site / "fr" / "feedback" / "need.md").read_text(encoding="utf-8")
    assert re.findall(r'<option value="(\w+)">', need.split('id="nf-topic"')[1].split("</select>")[0]) == list(
        get_args(models.Topic)
    )
    assert re.findall(r'name="age_band" value="(\w*)"', need) == [*get_args(enums.AgeBand), ""]
    assert re.findall(r'name="gender" value="(\w*)"', need) == list(get_args(enums.Gender))
    service = (site / "fr" / "feedback" / "service.md").read_text(encoding="utf-8")
    assert re.findall(r'name="rating" value="(\d)"', service) == ["1", "2", "3", "4", "5"]
    # every error is shown next to a field the API names
    fields = {**models.ServiceFeedback.model_fields, **models.NeedFeedback.model_fields}
    for text in (need, service):
        for field in re.findall(r'id="err-(\w+)"', text):
            assert field in fields, field


def test_every_string_the_pages_and_script_use_exists_in_english() -> None:
    hook = (ROOT / "site" / "hooks" / "feedback.py").read_text(encoding="utf-8")
    script = (ROOT / "site" / "overrides" / "assets" / "feedback.js").read_text(encoding="utf-8")
    feedback = load_hook("feedback")
    used = {key for key in re.findall(r'\b[et]\(lang, "([\w.]+)"', hook) if not key.endswith(".")}
    used |= set(feedback.FORM_MESSAGES)
    prefixed = {
        f"{prefix}{value}"
        for prefix, values in (
            ("topic.", feedback.TOPICS),
            ("age.", feedback.AGE_BANDS),
            ("gender.", feedback.GENDERS),
            ("feedback.rating_", feedback.RATINGS),
        )
        for value in values
    }
    assert used | prefixed <= set(ENGLISH), (used | prefixed) - set(ENGLISH)
    assert set(re.findall(r'msg\["([\w.]+)"\]', script)) <= set(feedback.FORM_MESSAGES)
    assert set(re.findall(r'msg\["([\w.]+)"\]', script.split("---- the forms")[0])) <= set(feedback.WIDGET_MESSAGES)


def test_the_manage_page_and_the_home_page_link_to_the_feedback(site: Path) -> None:
    for lang in SITE_LANGUAGES:
        manage = f"{lang}/book/manage.md"
        text = (site / manage).read_text(encoding="utf-8")
        link = re.search(r'<a id="m-feedback" href="([^"]+)"', text)
        assert link and resolve(url_of(manage), link.group(1)) == (
            "/feedback/service" if lang == "en" else f"/{lang}/feedback/service"
        )
        assert any(
            resolve(url_of(manage), src) == "/assets/feedback.js" for src in re.findall(r'<script src="([^"]+)"', text)
        )
        assert "](feedback/need.md)" in (PAGES / lang / "index.md").read_text(encoding="utf-8"), lang


def test_the_complaint_pages_load_the_shared_proof_of_work_first(site: Path) -> None:
    complaint = sys.modules["complaint"]
    tree = site.parent / "complaint-check"
    for lang in ("en", "ar"):
        (tree / lang / "complaint").mkdir(parents=True, exist_ok=True)
        shutil.copy(PAGES / lang / "complaint" / "index.md", tree / lang / "complaint" / "index.md")
    complaint.write_pages(tree, ["en", "ar"])
    for relative in ("en/complaint/index.md", "ar/complaint/follow-up.md"):
        text = (tree / relative).read_text(encoding="utf-8")
        scripts = [resolve(url_of(relative), src) for src in re.findall(r'<script src="([^"]+)"', text)]
        assert scripts == ["/assets/proof.js", "/assets/complaint.js"], relative
    script = (ROOT / "site" / "overrides" / "assets" / "complaint.js").read_text(encoding="utf-8")
    assert "sha256" not in script.lower() and "window.PxProof" in script  # one solver, in proof.js
