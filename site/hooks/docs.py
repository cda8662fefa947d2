"""MkDocs hook: assemble the docs tree the site is built from, in build/docs/.

mkdocs-static-i18n rebuilds every file from its path on disk, so generated pages must be real
files: content/pages/ is copied, each guide gets its "centres that can help" links and a QR code
for print, then the centre directory and centre pages (directory.py), the booking form and manage
page (booking.py), the complaint form and follow-up page (complaint.py), the API reference
(developers.py) and the feedback widget and forms (feedback.py) are written.
content/ stays the only source; build/ is never committed.
"""

from __future__ import annotations

import shutil
import sys
from datetime import UTC, datetime
from html import escape
from pathlib import Path

import yaml
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority

HOOKS = Path(__file__).resolve().parent
sys.path.insert(0, str(HOOKS))
import booking  # noqa: E402
import complaint  # noqa: E402
import developers  # noqa: E402
import directory  # noqa: E402
import feedback  # noqa: E402

ROOT = HOOKS.parents[1]
SOURCE = ROOT / "content" / "pages"
DOCS = ROOT / "build" / "docs"
_assembled: dict[str, bool] = {}


def guide_footer(lang: str, services: list[str]) -> str:
    """Links to the directory filtered by each service the guide's front matter names, and the
    page's QR code, shown only on paper (lazy, so screens never download it)."""
    catalogue = directory._state["catalogue"]
    links = []
    for sid in services:
        service = catalogue.service(sid)
        if service is not None:
            links.append(
                f'<li><a href="../../../centres/?service={sid}">{escape(directory.pick(service.name, lang))}</a></li>'
            )
    return (
        f'\n\n<aside class="px-help" markdown="0"><h2>{directory.e(lang, "guide.centres_help")}</h2>'
        f"<ul>{''.join(links)}</ul></aside>\n\n"
        f'<figure class="px-print-qr" markdown="0"><img src="qr.svg" loading="lazy" width="120" height="120" '
        f'alt=""><figcaption>{directory.e(lang, "print.qr")}</figcaption></figure>\n'
    )


def add_guide_footers(docs_dir: Path) -> None:
    for path in docs_dir.glob("*/guides/*/*.md"):
        lang = path.relative_to(docs_dir).parts[0]
        text = path.read_text(encoding="utf-8")
        meta = yaml.safe_load(text.split("---", 2)[1]) if text.startswith("---") else {}
        path.write_text(text.rstrip() + guide_footer(lang, list(meta.get("services") or [])), encoding="utf-8")


@event_priority(100)  # before mkdocs-static-i18n reads docs_dir
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    if not _assembled.get(config.config_file_path):  # once per build, not once per language
        if DOCS.exists():
            shutil.rmtree(DOCS)
        shutil.copytree(SOURCE, DOCS)
        today = datetime.now(UTC).date()
        directory.write_pages(DOCS, today)
        add_guide_footers(DOCS)
        i18n = config.plugins["i18n"]
        languages = {lang.locale: lang.name for lang in i18n.config.languages}
        booking.write_pages(DOCS, list(languages))
        complaint.write_pages(DOCS, list(languages))
        developers.write_pages(DOCS, list(languages))
        # after the footers: every guide page ends with it
        feedback.add_page_widgets(DOCS, list(languages))
        feedback.write_pages(DOCS, list(languages))
        _assembled[config.config_file_path] = True
    config.docs_dir = str(DOCS)
    return config
