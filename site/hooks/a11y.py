"""MkDocs hook: accessibility fixes to mkdocs-material's markup that CSS cannot make.

Material's search dialog has role="dialog" but no name (axe: aria-dialog-name). It is given the
name Material already uses, in the page's language, for the search options beside it.
"""

from __future__ import annotations

import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
SEARCH_NAME = re.compile(r'<nav class="md-search__options" aria-label="([^"]*)">')


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    name = SEARCH_NAME.search(output)
    if DIALOG in output and name:
        output = output.replace(DIALOG, DIALOG[:-1] + f' aria-label="{name.group(1)}">', 1)
    return output
