"""MkDocs hook: assemble the docs tree the site is built from, in build/docs/.

mkdocs-static-i18n rebuilds every file from its path on disk, so generated pages must be real
files: content/pages/ is copied, then the centre directory and centre pages (directory.py) and
the "not yet translated" notices (untranslated.py) are written beside it. content/ stays the
only source; build/ is never committed.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority

HOOKS = Path(__file__).resolve().parent
sys.path.insert(0, str(HOOKS))
import directory  # noqa: E402
import untranslated  # noqa: E402

ROOT = HOOKS.parents[1]
SOURCE = ROOT / "content" / "pages"
DOCS = ROOT / "build" / "docs"
_assembled: dict[str, bool] = {}


@event_priority(100)  # before mkdocs-static-i18n reads docs_dir
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    if not _assembled.get(config.config_file_path):  # once per build, not once per language
        if DOCS.exists():
            shutil.rmtree(DOCS)
        shutil.copytree(SOURCE, DOCS)
        directory.write_pages(DOCS)
        i18n = config.plugins["i18n"]
        languages = {lang.locale: lang.name for lang in i18n.config.languages}
        default = next(lang.locale for lang in i18n.config.languages if lang.default)
        untranslated.write_pages(DOCS, languages, default)
        _assembled[config.config_file_path] = True
    config.docs_dir = str(DOCS)
    return config
