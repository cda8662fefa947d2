"""MkDocs hook: the staff console stays out of the sitemaps (it is also kept out of the navigation
and the search index, and says noindex: overrides/main.html)."""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority

_CONSOLE_ENTRY = re.compile(r"\s*<url>(?:(?!</url>).)*?/staff/</loc>.*?</url>", re.S)


def strip_sitemap(text: str) -> str:
    return _CONSOLE_ENTRY.sub("", text)


@event_priority(-300)  # after every language is built and search.py has copied the sitemaps
def on_post_build(config: MkDocsConfig) -> None:
    i18n: Any = config.plugins.get("i18n")
    if i18n is not None and i18n.building:
        return
    site_dir = Path(config.site_dir)
    for path in [site_dir / "sitemap.xml", *site_dir.glob("*/sitemap.xml")]:
        if path.exists():
            cleaned = strip_sitemap(path.read_text(encoding="utf-8"))
            path.write_text(cleaned, encoding="utf-8")
            packed = path.with_name("sitemap.xml.gz")
            if packed.exists():
                packed.write_bytes(gzip.compress(cleaned.encode("utf-8"), mtime=0))
