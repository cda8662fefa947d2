"""A page that is not yet translated into a language gets, in that language's
site, a page that says so plainly and links to the languages it exists in. Never a silent
fall-back to English. (tests/unit/test_translations.py requires the complete languages to
have every page, so this only ever shows for the partial ones.)"""

from __future__ import annotations

from html import escape
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "content" / "pages"
UI_DIR = ROOT / "content" / "ui"


def _title(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    if text.startswith("---"):
        meta = yaml.safe_load(text.split("---", 2)[1]) or {}
        if meta.get("title"):
            return str(meta["title"])
    return path.stem


def _url(lang: str, default: str, relative: str) -> str:
    stem = relative.removesuffix(".md")
    stem = stem.removesuffix("index")
    prefix = "" if lang == default else f"{lang}/"
    return f"/{prefix}{stem}" + ("" if stem.endswith("/") or not stem else "/")


def write_pages(docs_dir: Path, languages: dict[str, str], default: str) -> None:
    """For every page of the default language missing in another language, write a notice page."""
    english_pages = sorted(p.relative_to(PAGES / default).as_posix() for p in (PAGES / default).rglob("*.md"))
    for lang in languages:
        if lang == default:
            continue
        ui_path = UI_DIR / f"{lang}.yaml"
        ui = yaml.safe_load(ui_path.read_text(encoding="utf-8")) if ui_path.exists() else {}
        english_ui = yaml.safe_load((UI_DIR / "en.yaml").read_text(encoding="utf-8"))
        for relative in english_pages:
            if (PAGES / lang / relative).exists():
                continue
            available = [code for code in languages if (PAGES / code / relative).exists()]
            title = _title(PAGES / default / relative)
            notice = (ui.get("guide.not_translated") or english_ui["guide.not_translated"]).format(
                language=languages[lang])
            read_in = ui.get("guide.read_in") or english_ui["guide.read_in"]
            links = "".join(
                f'<li><a href="{_url(code, default, relative)}" hreflang="{code}" lang="{code}">'
                f"{escape(languages[code])}: {escape(_title(PAGES / code / relative))}</a></li>"
                for code in available
            )
            content = (
                f"---\ntitle: {yaml.safe_dump(title, allow_unicode=True).strip()}\n---\n\n"
                f'# <span lang="{default}">{escape(title)}</span>\n\n'
                f'<div class="px-untranslated" role="note"><p><strong>{escape(notice)}</strong></p>'
                f"<p>{escape(read_in)}</p><ul>{links}</ul></div>\n"
            )
            target = docs_dir / lang / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
