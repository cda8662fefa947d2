"""The docs tree the site is built from, for the tests of its generated pages: content/pages/ and
what devstack/pages/ writes beside it, as the build writes it (without the MkDocs build)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Literal, get_args, get_origin

from pydantic import BaseModel

from chalicelib.core.i18n import SITE_LANGUAGES
from devstack import pages
from devstack.content import load_catalogue
from devstack.pages.render import load_allowed_values
from tests.conftest import ROOT

PAGES = ROOT / "content" / "pages"
# The pages where a person writes about themselves, below <lang>/ in the docs tree.
PRIVATE = (
    "book/index.md",
    "book/manage.md",
    "complaint/index.md",
    "complaint/follow-up.md",
    "feedback/service.md",
    "feedback/need.md",
)


def accepted(model: type[BaseModel], field: str) -> tuple[str, ...]:
    """The values a request model's field accepts: its Literal (optional or not), wherever the
    backend defines it."""
    annotation = model.model_fields[field].annotation
    for candidate in (annotation, *get_args(annotation)):
        if get_origin(candidate) is Literal:
            return get_args(candidate)
    raise AssertionError(f"{model.__name__}.{field} is not a list of values")


def forms_and_guides(out: Path) -> Path:
    """The guides (with their footer and "was this page helpful?") and every form's page."""
    shutil.copytree(PAGES, out, dirs_exist_ok=True)
    catalogue, allowed = load_catalogue(), load_allowed_values()
    languages = [lang for lang in SITE_LANGUAGES if (out / lang).is_dir()]
    pages.finish_guides(out, catalogue, languages)
    pages.write_forms(out, catalogue, languages, allowed)
    return out
