"""Write the site's search index: one small file per language, read by `assets/search/search.js`.

    python -m devstack.search        # run by `make site`, after MkDocs: build/site/<lang>/search/index.json

Why not the theme's lunr search: lunr matches whole tokens cut at spaces, so a word still being typed
("патент" before its space) or a word inside a longer one finds nothing, and a language written
without spaces (Thai, Lao, Khmer, Burmese) is one "token" per sentence; its index for all 14 languages
took 4.5 s to build on a phone before the first answer. This index is the pages' text, by section,
and the search module matches what is typed anywhere in a word (after folding case and accents the
same way in text and query), as each `input` event arrives.

Word segmentation at build time: for th, lo, km and my, ICU's dictionary segmenter (Node's
`Intl.Segmenter`, devstack/search_segment.mjs; Chromium's is the same engine) marks where each word
starts with a zero-width space. The search module does not match on it (a typed word may be cut
differently, and Khmer's segmenter keeps "លិខិតឆ្លងដែន", passport, as one word where a reader looks
for "លិខិត"): it ranks a match that starts and ends on word boundaries above one inside a word.

The file: {"lang": "km", "pages": [[url, title, [[anchor, heading, text], ...]], ...]}, urls relative
to the language's root ("guides/abroad/rights-at-work/"), the first section's anchor and heading
empty. Only what a reader looks for is indexed: guides, the home page, the directory and centre
pages, booking and complaint pages; not the staff console, the forms' follow-up pages or the API
reference.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from chalicelib.core.i18n import SITE_LANGUAGES
from devstack import SITE_DIR

SEGMENTER = Path(__file__).with_name("search_segment.mjs")
DEFAULT_LANGUAGE = "en"
# Written without spaces between words: segmented at build time.
UNSPACED = frozenset({"th", "lo", "km", "my"})
# Folders of a language's root that are not pages a reader searches for.
NOT_SEARCHED = ("assets/", "search/", "staff/", "developers/", "feedback/", "book/manage/", "complaint/follow-up/")
# Text a reader does not search for: controls and buttons, the print-only QR code, heading anchors,
# the notes every page repeats (sample data, review status), a centre's hours and dated changes (read
# on its page), the links to other guides and services that end each guide.
SKIPPED_TAGS = frozenset({"script", "style", "svg", "noscript", "template", "select", "button", "textarea", "form"})
SKIPPED_CLASSES = frozenset(
    {
        "headerlink",
        "md-button",
        "md-source-file",
        "px-print-qr",
        "px-feedback",
        "px-review-note",
        "px-sample",
        "px-status",
        "px-hours",
        "px-dated",
        "px-verified",
        "px-help",
    }
)
SKIPPED_SECTIONS = frozenset({"more-guides"})
BLOCKS = frozenset(
    {"p", "li", "dt", "dd", "td", "th", "tr", "div", "br", "summary", "figcaption", "blockquote", "section"}
)
SECTION_HEADINGS = frozenset({"h2", "h3"})
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})

Section = list[str]  # [anchor, heading, text]
Page = list[Any]  # [url, title, [Section, ...]]


class _Article(HTMLParser):
    """The text of a page's article (mkdocs-material's `article.md-content__inner`), cut into sections at
    its h2 and h3 headings."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # > 0 inside the article
        self.skip_depth = 0  # > 0 inside an element whose text is left out
        self.title: list[str] = []
        self.sections: list[tuple[str, list[str], list[str]]] = [("", [], [])]
        self.target: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        classes = set((attributes.get("class") or "").split())
        if not self.depth:
            if tag == "article" and "md-content__inner" in classes:
                self.depth = 1
                self.target = self.sections[0][2]
            return
        if tag in VOID:
            if tag == "br" and not self.skip_depth and self.target is not None:
                self.target.append(" ")
            return
        self.depth += 1
        if self.skip_depth or tag in SKIPPED_TAGS or classes & SKIPPED_CLASSES or "hidden" in attributes:
            self.skip_depth += 1
            return
        if tag == "h1":
            self.target = self.title
        elif tag in SECTION_HEADINGS:
            self.sections.append((attributes.get("id") or "", [], []))
            self.target = self.sections[-1][1]
        elif tag in BLOCKS and self.target is not None:
            self.target.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if not self.depth or tag in VOID:
            return
        self.depth -= 1
        if self.skip_depth:
            self.skip_depth -= 1
            return
        if tag == "h1" or tag in SECTION_HEADINGS:
            self.target = self.sections[-1][2]
        elif tag in BLOCKS and self.target is not None:
            self.target.append(" ")

    def handle_data(self, data: str) -> None:
        if self.depth and not self.skip_depth and self.target is not None:
            self.target.append(data)


def _clean(parts: Iterable[str]) -> str:
    return " ".join("".join(parts).split())


def page_sections(html: str) -> tuple[str, list[Section]]:
    """(title, [[anchor, heading, text], ...]) of a built page; sections with no text are left out."""
    parser = _Article()
    parser.feed(html)
    parser.close()
    sections = [
        [anchor, _clean(heading), _clean(text)]
        for anchor, heading, text in parser.sections
        if anchor not in SKIPPED_SECTIONS
    ]
    return _clean(parser.title), [s for s in sections if s[2]]


def language_pages(site_dir: Path, lang: str) -> list[tuple[str, Path]]:
    """(url relative to the language root, file) of each page of `lang` a reader may search for."""
    root = site_dir if lang == DEFAULT_LANGUAGE else site_dir / lang
    others = tuple(f"{code}/" for code in SITE_LANGUAGES if code != DEFAULT_LANGUAGE)
    pages = []
    for path in sorted(root.rglob("index.html")):
        url = path.parent.relative_to(root).as_posix() + "/"
        url = "" if url == "./" else url
        if url.startswith(NOT_SEARCHED) or (lang == DEFAULT_LANGUAGE and url.startswith(others)):
            continue
        pages.append((url, path))
    return sorted(pages)


def segment(lang: str, texts: list[str]) -> list[str]:
    """The texts with U+200B where a word starts without a space before it (languages without spaces)."""
    if lang not in UNSPACED or not texts:
        return texts
    try:
        done = subprocess.run(
            ["node", str(SEGMENTER)],
            input=json.dumps({"lang": lang, "texts": texts}),
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError as exc:
        raise RuntimeError("search: segmenting th, lo, km and my needs Node.js 20 or newer (`node`)") from exc
    if done.returncode != 0:
        raise RuntimeError(f"search: segmenting {lang} failed: {done.stderr.strip()}")
    out: list[str] = json.loads(done.stdout)
    return out


def language_index(site_dir: Path, lang: str) -> dict[str, Any]:
    pages: list[Page] = []
    for url, path in language_pages(site_dir, lang):
        title, sections = page_sections(path.read_text(encoding="utf-8"))
        if title:
            pages.append([url, title, sections])
    # One call per language: headings and texts of every section, titles, in that order.
    texts = [page[1] for page in pages] + [part for page in pages for section in page[2] for part in section[1:]]
    segmented = iter(segment(lang, texts))
    for page in pages:
        page[1] = next(segmented)
    for page in pages:
        for section in page[2]:
            section[1], section[2] = next(segmented), next(segmented)
    return {"lang": lang, "pages": pages}


def index_path(site_dir: Path, lang: str) -> Path:
    root = site_dir if lang == DEFAULT_LANGUAGE else site_dir / lang
    return root / "search" / "index.json"


# What the theme's search plugin writes for its lunr search, which the site does not use (its search box
# is answered by assets/search/): not shipped.
THEME_SEARCH = ("search/search_index.json", "assets/javascripts/lunr", "assets/javascripts/workers")


def drop_theme_search(site_dir: Path) -> None:
    roots = [site_dir, *(site_dir / code for code in SITE_LANGUAGES if code != DEFAULT_LANGUAGE)]
    for root in roots:
        for relative in THEME_SEARCH:
            path = root / relative
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()


def build(site_dir: Path = SITE_DIR, languages: Iterable[str] = SITE_LANGUAGES) -> dict[str, Path]:
    written = {}
    for lang in languages:
        index = language_index(site_dir, lang)
        if not index["pages"]:
            raise RuntimeError(f"search: no {lang} page under {site_dir}: build the site first (make site)")
        target = index_path(site_dir, lang)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".tmp")
        tmp.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        tmp.replace(target)
        written[lang] = target
    return written


def main(argv: list[str] | None = None) -> int:
    import argparse

    import brotli

    parser = argparse.ArgumentParser(prog="python -m devstack.search", description=__doc__.split("\n\n")[0])
    parser.add_argument("--site-dir", type=Path, default=SITE_DIR, help="the built site (default build/site)")
    site_dir = parser.parse_args(argv).site_dir.resolve()
    written = build(site_dir)
    drop_theme_search(site_dir)
    sizes = {lang: len(brotli.compress(path.read_bytes())) for lang, path in written.items()}
    largest = max(sizes, key=sizes.__getitem__)
    print(
        f"search: {len(written)} indexes -> {site_dir}/<lang>/search/index.json "
        f"(brotli {min(sizes.values())}-{sizes[largest]} bytes a language, largest {largest})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
