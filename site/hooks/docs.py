"""MkDocs hook: build from the docs tree that devstack/pages/ assembles in build/docs/.

content/pages/ with the generated pages beside it (the directory and centre pages, the forms,
the API reference, the staff console, the open data and QR codes): plain files, written before
mkdocs-static-i18n reads the docs folder, since it rebuilds every page from its path on disk.
site/mkdocs.yml names content/pages/ (MkDocs wants a docs folder that exists before any hook
runs); this points the build at build/docs/ once it is written, for the address being built."""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from devstack import pages
from devstack.content import ContentError

_built: dict[str, bool] = {}


@event_priority(100)  # before mkdocs-static-i18n reads docs_dir
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    if not _built.get(config.config_file_path):  # once per build, not once per language
        try:
            pages.build(pages.DOCS, site_url=config.site_url or "/")
        except ContentError as exc:
            raise PluginError("Content has mistakes:\n  " + "\n  ".join(exc.problems)) from exc
        except pages.PagesError as exc:
            raise PluginError(str(exc)) from exc
        _built[config.config_file_path] = True
    config.docs_dir = str(pages.DOCS)
    return config
