"""MkDocs hook: the navigation, built from the guides' front matter (stage, order) so a new guide
needs no edit here, with section titles (and the footer's text) from content/ui/<lang>.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from mkdocs.config.defaults import MkDocsConfig

ROOT = Path(__file__).resolve().parents[2]
GUIDES = ROOT / "content" / "pages" / "en" / "guides"
UI_DIR = ROOT / "content" / "ui"
STAGES = ("leaving", "on_the_way", "abroad", "home", "destinations")
SECTION_KEYS = ("nav.guides", *(f"stage.{s}" for s in STAGES))


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


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    english = yaml.safe_load((UI_DIR / "en.yaml").read_text(encoding="utf-8"))
    # Leaf pages without a title take their own (translated) page title.
    config["nav"] = [
        "index.md",
        {english["nav.guides"]: [
            {english[f"stage.{stage}"]: [path for _, path in entries]}
            for stage, entries in guides_by_stage().items() if entries
        ]},
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
            # Strings the theme templates show (overrides/partials/copyright.html).
            language.extra = {"offline_note": ui.get("offline.note") or english["offline.note"]}
    return config
