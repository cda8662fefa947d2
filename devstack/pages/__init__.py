"""The site's docs tree, assembled in build/docs/: the content build step for pages.

    python -m devstack.pages [--site-url URL] [--out DIR]

content/pages/ is copied, then what is generated from content/ and the backend's models is
written beside it as plain Markdown and files:

- the centre directory and one page per centre (directory.py), and the directory's
  no-JavaScript filter rules (assets/directory.css);
- at the end of every guide, its "centres that can help" and a QR code for print, then the
  "was this page helpful?" widget (forms.py);
- the booking form and "manage my booking", the complaint form and its follow-up, the feedback
  forms (forms.py);
- the API reference, from the OpenAPI contract (developers.py);
- the staff console (staff.py);
- the directory as open data, Open Referral HSDS 3.0 (devstack/open_data.py), and the QR codes
  beside every guide and centre page: both name the address the site is built for.

The MkDocs build runs this first (site/hooks/docs.py) and reads build/docs/. Nothing here needs
MkDocs: a builder that runs no MkDocs hooks (Zensical) runs `python -m devstack.pages` first and
reads build/docs/. What stays in site/hooks/ is MkDocs's own business (the navigation from the
guides' front matter, one search index per language, the sitemaps, an ARIA name for the theme's
search dialog). The HTML is rendered by the Jinja templates of site/overrides/pages/. content/
stays the only source; build/ is never committed."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path

import segno
import yaml

from chalicelib.centres.models import Catalogue
from chalicelib.core.i18n import SITE_LANGUAGES
from devstack import BUILD, CONTENT
from devstack import open_data as hsds
from devstack.content import load_catalogue
from devstack.pages import developers, directory, forms, staff
from devstack.pages.render import AllowedValues, PagesError, load_allowed_values, with_quick_exit

DOCS = BUILD / "docs"
SOURCE = CONTENT / "pages"

__all__ = ["DOCS", "PagesError", "build"]


def _front_matter(text: str) -> dict[str, object]:
    return dict(yaml.safe_load(text.split("---", 2)[1]) or {}) if text.startswith("---") else {}


def _append(path: Path, addition: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").rstrip() + addition, encoding="utf-8")


def write_directory(out: Path, catalogue: Catalogue, languages: Iterable[str], today: date) -> None:
    for lang in languages:
        folder = out / lang / "centres"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.md").write_text(directory.directory_page(catalogue, lang, today), encoding="utf-8")
        for centre in catalogue.centres:
            page = directory.centre_page(catalogue, centre, lang, today)
            (folder / f"{centre.id}.md").write_text(page, encoding="utf-8")
    (out / "assets").mkdir(exist_ok=True)
    (out / "assets" / "directory.css").write_text(directory.filter_css(catalogue), encoding="utf-8")


def finish_guides(out: Path, catalogue: Catalogue, languages: Iterable[str]) -> int:
    """Every guide of every language (translated, or a "not yet translated" notice) ends with its
    "centres that can help" and QR code, then "was this page helpful?"."""
    count = 0
    for lang in languages:
        for path in sorted((out / lang / "guides").glob("*/*.md")):
            services = _front_matter(path.read_text(encoding="utf-8")).get("services") or []
            if not isinstance(services, list):
                raise PagesError(f"{path.relative_to(out)}: `services` must be a list of service ids.")
            _append(path, forms.guide_footer(catalogue, lang, [str(s) for s in services]))
            _append(path, forms.page_widget(lang))
            count += 1
    return count


def write_forms(out: Path, catalogue: Catalogue, languages: Iterable[str], allowed: AllowedValues) -> None:
    for lang in languages:
        book, complaint = out / lang / "book" / "index.md", out / lang / "complaint" / "index.md"
        for page, form in (
            (book, forms.booking_form(catalogue, lang, allowed)),
            (complaint, forms.complaint_form(catalogue, lang, allowed)),
        ):
            if page.exists():  # the page's own text says how to do it without the form
                page.write_text(with_quick_exit(page.read_text(encoding="utf-8")).rstrip() + form, encoding="utf-8")
        (out / lang / "book" / "manage.md").write_text(forms.manage_page(catalogue, lang, allowed), encoding="utf-8")
        (out / lang / "complaint" / "follow-up.md").write_text(forms.follow_up_page(lang, allowed), encoding="utf-8")
        feedback = out / lang / "feedback"
        feedback.mkdir(parents=True, exist_ok=True)
        (feedback / "service.md").write_text(forms.service_page(lang), encoding="utf-8")
        (feedback / "need.md").write_text(forms.need_page(catalogue, lang, allowed), encoding="utf-8")


def write_developers(out: Path, languages: Iterable[str]) -> None:
    spec = developers.load_spec()
    for lang in languages:
        folder = out / lang / "developers"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "api.md").write_text(developers.api_page(spec, lang), encoding="utf-8")


def write_staff_console(out: Path, allowed: AllowedValues) -> list[Path]:
    written = []
    for lang in staff.LANGUAGES:
        folder = out / lang / "staff"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.md").write_text(staff.console_page(lang, allowed), encoding="utf-8")
        written.append(folder / "index.md")
    return written


def page_url(out: Path, page: Path) -> str:
    """The address of a page of the docs tree below the site's root: <lang>/a/b.md is a/b/ in
    English (the default language has no prefix) and <lang>/a/b/ in the others."""
    lang, *rest = page.relative_to(out).with_suffix("").parts
    return "/".join([*([] if lang == "en" else [lang]), *rest]) + "/"


def write_qr_codes(out: Path, site_url: str) -> int:
    """qr.svg beside every guide and centre page, for posters and brochures (and shown on print)."""
    pages = [*out.glob("*/guides/*/*.md"), *(p for p in out.glob("*/centres/*.md") if p.name != "index.md")]
    for page in pages:
        folder = page.with_suffix("")
        folder.mkdir(exist_ok=True)
        segno.make(site_url + page_url(out, page), error="m").save(
            str(folder / "qr.svg"), scale=4, border=2, xmldecl=False, svgns=True, nl=False
        )
    return len(pages)


def build(out: Path = DOCS, *, site_url: str, today: date | None = None) -> Path:
    """Assemble the docs tree in `out` for a site served at `site_url` (an absolute address)."""
    today = today or datetime.now(UTC).date()
    catalogue = load_catalogue()
    allowed = load_allowed_values()
    languages = [lang for lang in SITE_LANGUAGES if (SOURCE / lang).is_dir()]
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(SOURCE, out)
    write_directory(out, catalogue, SITE_LANGUAGES, today)
    finish_guides(out, catalogue, languages)
    write_forms(out, catalogue, languages, allowed)
    write_developers(out, languages)
    write_staff_console(out, allowed)
    try:
        hsds.write(out / "open-data", catalogue, site_url, today)
    except ValueError as exc:  # a site_url that is not an absolute address
        raise PagesError(str(exc)) from exc
    write_qr_codes(out, site_url)
    return out
