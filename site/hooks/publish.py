"""MkDocs hook: what the build publishes besides pages, written once all languages are built.

- assets/directory.css: the directory's no-JavaScript filter rules (directory.filter_css).
- open-data/hsds.json and services.json: the centre directory as Open Referral HSDS 3.0, written by
  devstack/open_data.py for the address this site is built for (the deploy builds for the public one).
- qr.svg beside every guide and centre page: for posters and brochures, and shown on print.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import segno
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

HOOKS = Path(__file__).resolve().parent
sys.path.insert(0, str(HOOKS))
import directory  # noqa: E402

sys.path.insert(0, str(HOOKS.parents[1]))
from devstack import open_data  # noqa: E402


def write_qr_codes(site_dir: Path, site_url: str) -> int:
    count = 0
    pages = list(site_dir.glob("guides/*/*/index.html")) + list(site_dir.glob("*/guides/*/*/index.html"))
    pages += [p for p in site_dir.glob("centres/*/index.html")] + list(site_dir.glob("*/centres/*/index.html"))
    for page in pages:
        url = site_url + page.parent.relative_to(site_dir).as_posix() + "/"
        segno.make(url, error="m").save(
            str(page.parent / "qr.svg"), scale=4, border=2, xmldecl=False, svgns=True, nl=False
        )
        count += 1
    return count


@event_priority(-200)  # after mkdocs-static-i18n has built every language
def on_post_build(config: MkDocsConfig) -> None:
    i18n = config.plugins.get("i18n")
    if i18n is not None and i18n.building:
        return
    site_dir = Path(config.site_dir)
    catalogue = directory._state["catalogue"]
    (site_dir / "assets" / "directory.css").write_text(directory.filter_css(catalogue), encoding="utf-8")
    site_url = config.site_url or "/"
    try:
        open_data.write(site_dir / "open-data", catalogue, site_url, datetime.now(UTC).date())
    except ValueError as exc:  # a site_url that is not an absolute address
        raise PluginError(str(exc)) from exc
    write_qr_codes(site_dir, site_url)
