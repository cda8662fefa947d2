"""MkDocs hook: the navigation, built from the guides' front matter (stage, order) so a new guide
needs no edit here, with section titles (and the theme templates' texts: the footer, the quick
exit, the search box) from content/ui/<lang>.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[2]
GUIDES = ROOT / "content" / "pages" / "en" / "guides"
UI_DIR = ROOT / "content" / "ui"
STAGES = ("leaving", "on_the_way", "abroad", "home", "destinations")
SECTION_KEYS = ("nav.guides", *(f"stage.{s}" for s in STAGES))
# Strings the theme templates show (overrides/main.html, partials/copyright.html): extra.<name>.
TEMPLATE_KEYS = {
    "offline_note": "offline.note",
    "open_data_label": "footer.open_data",
    "quick_exit_label": "exit.button",
    "quick_exit_hint": "exit.hint",
}
# The texts of the site's search (assets/search/search.js reads them from a data island): extra.search_texts.
SEARCH_KEYS = {
    "placeholder": "search.placeholder",
    "loading": "search.loading",
    "none": "search.none",
    "results": "search.results",
    "unavailable": "search.unavailable",
}


def front_matter(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---"):
        return {}
    return yaml.safe_load(text.split("---", 2)[1]) or {}


def guides_by_stage() -> dict[str, list[tuple[int, str]]]:
    stages: dict[str, list[tuple[int, str]]] = {s: [] for s in STAGES}
    for path in sorted(GUIDES.rglob("*.md")):
        meta = front_matter(path)
        stages[meta["stage"]].append((int(meta["order"]), path.relative_to(GUIDES.parent).as_posix()))
    return {s: sorted(entries) for s, entries in stages.items()}


def check_quick_exit_url(url: object, site_url: str | None) -> None:
    """The quick exit leaves the portal for another site, over HTTPS: a page at the portal's own
    address would leave the portal in the address bar and the history."""
    parts = urlsplit(str(url or ""))
    if parts.scheme != "https" or not parts.hostname or parts.hostname == urlsplit(site_url or "").hostname:
        raise PluginError(f"extra.quick_exit_url must be an https:// address of another site, not {url!r}.")


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    check_quick_exit_url(config.extra.get("quick_exit_url"), config.site_url)
    english = yaml.safe_load((UI_DIR / "en.yaml").read_text(encoding="utf-8"))
    # Leaf pages without a title take their own (translated) page title.
    config["nav"] = [
        "index.md",
        {
            english["nav.guides"]: [
                {english[f"stage.{stage}"]: [path for _, path in entries]}
                for stage, entries in guides_by_stage().items()
                if entries
            ]
        },
        "centres/index.md",
        "book/index.md",
        "book/manage.md",
        "complaint/index.md",
        "complaint/follow-up.md",
        "developers/api.md",
    ]
    i18n = config.plugins.get("i18n")
    if i18n is not None:
        for language in i18n.config.languages:
            path = UI_DIR / f"{language.locale}.yaml"
            ui = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
            language.nav_translations = {english[k]: ui[k] for k in SECTION_KEYS if ui.get(k)}
            language.extra = {name: ui.get(key) or english[key] for name, key in TEMPLATE_KEYS.items()}
            language.extra["search_texts"] = {name: ui.get(key) or english[key] for name, key in SEARCH_KEYS.items()}
    return config
