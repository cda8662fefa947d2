"""The public feedback pages as the build writes them (devstack/pages/forms.py and the templates of
site/overrides/pages/): the widget on every guide in every language, the service and needs forms in
every language, the links to them, with no inline script and every value the API accepts."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path, PurePosixPath

import pytest
import yaml

from chalicelib.core.i18n import SITE_LANGUAGES
from chalicelib.feedback import models
from devstack.pages import forms
from devstack.pages.render import TEMPLATES, load_allowed_values
from tests.conftest import ROOT
from tests.unit.site_pages import PAGES, accepted, forms_and_guides

ENGLISH_GUIDES = sorted(p.relative_to(PAGES / "en").as_posix() for p in (PAGES / "en" / "guides").glob("*/*.md"))
SCRIPT = re.compile(r"<script\b([^>]*)>")
# A page's scripts: ES modules of assets/.
MODULE = re.compile(r'<script type="module" src="([^"]+)"></script>')
ASSETS = ROOT / "site" / "overrides" / "assets"


@cache
def ui(lang: str) -> dict[str, str]:
    return dict(yaml.safe_load((ROOT / "content" / "ui" / f"{lang}.yaml").read_text(encoding="utf-8")))


ENGLISH = ui("en")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The docs tree as devstack/pages/ assembles it (the parts the feedback depends on)."""
    return forms_and_guides(tmp_path_factory.mktemp("docs"))


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
        scripts = MODULE.findall(widget)
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
        scripts = MODULE.findall(text)
        assert [resolve(url_of(relative), src) for src in scripts] == ["/assets/feedback.js"]
        assert ui(lang)["feedback.needs_js"] in text  # what a reader without JavaScript sees
    need = (site / lang / "feedback" / "need.md").read_text(encoding="utf-8")
    assert f'<option value="{lang}" selected>' in need  # the preferred language is the page's


def test_the_forms_offer_exactly_the_values_the_api_accepts(site: Path) -> None:
    allowed = load_allowed_values()  # build/allowed-values.json, written from the models by `make content`
    topics, ages, genders = (accepted(models.NeedFeedback, name) for name in ("topic", "age_band", "gender"))
    assert topics == allowed["feedback_topic"]
    assert ages == allowed["age_band"]
    assert genders == allowed["gender"] and genders[-1] == forms.PREFER_NOT_TO_SAY
    need = (site / "fr" / "feedback" / "need.md").read_text(encoding="utf-8")
    offered = need.split('id="nf-topic"')[1].split("</select>")[0]
    assert re.findall(r'<option value="(\w+)">', offered) == list(topics)
    assert re.findall(r'name="age_band" value="(\w*)"', need) == [*ages, ""]
    assert re.findall(r'name="gender" value="(\w*)"', need) == list(genders)
    service = (site / "fr" / "feedback" / "service.md").read_text(encoding="utf-8")
    assert re.findall(r'name="rating" value="(\d)"', service) == ["1", "2", "3", "4", "5"]
    # every error is shown next to a field the API names
    fields = {**models.ServiceFeedback.model_fields, **models.NeedFeedback.model_fields}
    for text in (need, service):
        for field in re.findall(r'id="err-(\w+)"', text):
            assert field in fields, field


def test_every_string_the_pages_and_script_use_exists_in_english() -> None:
    templates = "".join(
        (TEMPLATES / name).read_text(encoding="utf-8")
        for name in ("feedback-widget.html", "feedback-service.md", "feedback-need.md", "feedback-parts.html")
    )
    script = (ASSETS / "feedback.js").read_text(encoding="utf-8")
    allowed = load_allowed_values()
    used = set(re.findall(r'\bt\("([\w.]+)"\)', templates))  # t("feedback.comment"), in the page's language
    # keys passed to the templates' macros: f.radios(t, "rating", "feedback.rating", ...), f.form_end(...)
    prefixes = {key.split(".")[0] for key in ENGLISH}
    used |= {key for key in re.findall(r'"([a-z_]+\.[a-z_0-9]+)"', templates) if key.split(".")[0] in prefixes}
    used |= {f"feedback.{key}" for key in ("yes", "no")}  # t("feedback." ~ key) on the widget's buttons
    used |= set(forms.FORM_MESSAGES)
    genders = [g for g in allowed["gender"] if g != forms.PREFER_NOT_TO_SAY]
    prefixed = {
        f"{prefix}{value}"
        for prefix, values in (
            ("topic.", allowed["feedback_topic"]),
            ("age.", allowed["age_band"]),
            ("gender.", genders),
            ("feedback.rating_", forms.RATINGS),
        )
        for value in values
    }
    assert used | prefixed <= set(ENGLISH), (used | prefixed) - set(ENGLISH)
    assert set(re.findall(r'msg\["([\w.]+)"\]', script)) <= set(forms.FORM_MESSAGES)
    assert set(re.findall(r'msg\["([\w.]+)"\]', script.split("---- the forms")[0])) <= set(forms.WIDGET_MESSAGES)


def test_the_manage_page_and_the_home_page_link_to_the_feedback(site: Path) -> None:
    for lang in SITE_LANGUAGES:
        manage = f"{lang}/book/manage.md"
        text = (site / manage).read_text(encoding="utf-8")
        link = re.search(r'<a id="m-feedback" href="([^"]+)"', text)
        assert link and resolve(url_of(manage), link.group(1)) == (
            "/feedback/service" if lang == "en" else f"/{lang}/feedback/service"
        )
        assert any(resolve(url_of(manage), src) == "/assets/feedback.js" for src in MODULE.findall(text))
        assert "](feedback/need.md)" in (PAGES / lang / "index.md").read_text(encoding="utf-8"), lang


def test_the_complaint_pages_load_one_module_that_shares_the_request_helper(site: Path) -> None:
    for relative in ("en/complaint/index.md", "ar/complaint/follow-up.md"):
        text = (site / relative).read_text(encoding="utf-8")
        scripts = [resolve(url_of(relative), src) for src in MODULE.findall(text)]
        assert scripts == ["/assets/complaint.js"], relative
    script = (ASSETS / "complaint.js").read_text(encoding="utf-8")
    # one solver (proof.js, which api.js fetches when a proof is first needed) and one request helper
    assert "sha256" not in script.lower() and 'from "./api.js"' in script
    api = (ASSETS / "api.js").read_text(encoding="utf-8")
    assert "sha256" not in api.lower() and "import(address)" in api and '"./proof.js"' in api
    assert "export function sha256Words" in (ASSETS / "proof.js").read_text(encoding="utf-8")
