"""The compiled catalogue packaged with the Lambda (chalicelib/data/catalogue.json).

`devstack/content.py` writes it from content/ at build time, after validating it; the
Lambda only reads it, once per container.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from chalicelib.centres.models import Catalogue

Packaged = TypeVar("Packaged", bound=BaseModel)
CATALOGUE_PATH = Path(__file__).resolve().parent.parent / "data" / "catalogue.json"


def read_packaged(path: Path, model: type[Packaged]) -> Packaged:
    """A file `make content` compiled into chalicelib/data/, checked by its model."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:  # a packaging mistake, not a client error
        raise RuntimeError(f"{path} is missing: run `make content`") from exc
    return model.model_validate_json(raw)


@cache
def get_catalogue() -> Catalogue:
    return read_packaged(CATALOGUE_PATH, Catalogue)
