"""MkDocs hook: one search index per language.

mkdocs-static-i18n builds every language into one index, so a Russian reader would get French
and Arabic results and download all 14 languages. After the last language is built, this splits
the index: `search/search_index.json` keeps the default language, `<lang>/search/search_index.json`
holds that language's pages with locations relative to the language root, and overrides/main.html
points each page's search (and the language switcher's sitemap) at its own language root. Each
index also gets the lunr language that suits it (languages lunr cannot stem are not stemmed).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority

LUNR_LANGUAGE = {"fr": "fr", "ru": "ru", "vi": "vi", "ar": "ar", "tr": "tr", "th": "th"}
# Khmer, Lao and Burmese write no spaces between words; a zero-width space often marks them.
SEPARATOR = r"[\s\u200b\-]+"


@event_priority(-200)  # after mkdocs-static-i18n has merged every language's entries
def on_post_build(config: MkDocsConfig) -> None:
    i18n = config.plugins.get("i18n")
    if i18n is None or i18n.building:
        return  # a nested per-language build: the merged index does not exist yet
    site_dir = Path(config.site_dir)
    index_path = site_dir / "search" / "search_index.json"
    index: dict[str, Any] = json.loads(index_path.read_text(encoding="utf-8"))
    locales = [lang.locale for lang in i18n.config.languages]
    default = i18n.default_language
    per_language: dict[str, list[dict[str, Any]]] = {code: [] for code in locales}
    for doc in index["docs"]:
        location = doc["location"]
        code = next((c for c in locales if c != default and location.startswith(f"{c}/")), default)
        if code != default:
            doc = {**doc, "location": location[len(code) + 1 :]}
        per_language[code].append(doc)
    for code, docs in per_language.items():
        target = index_path if code == default else site_dir / code / "search" / "search_index.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        config_for_lang = {**index["config"], "lang": [LUNR_LANGUAGE.get(code, "en")], "separator": SEPARATOR}
        target.write_text(
            json.dumps({"config": config_for_lang, "docs": docs}, ensure_ascii=False, separators=(",", ":")),
            encoding="utf-8",
        )
        if code != default:
            # Material's language switcher reads the sitemap at the same base as the index.
            for name in ("sitemap.xml", "sitemap.xml.gz"):
                if (site_dir / name).exists():
                    shutil.copyfile(site_dir / name, site_dir / code / name)
