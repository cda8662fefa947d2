"""The compiled catalogue packaged with the Lambda (chalicelib/data/catalogue.json).

`devstack/content.py` writes it from content/ at build time, after validating it; the
Lambda only reads it, once per container.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from chalicelib.centres.models import Catalogue

CATALOGUE_PATH = Path(__file__).resolve().parent.parent / "data" / "catalogue.json"


@cache
def get_catalogue() -> Catalogue:
    try:
        raw = CATALOGUE_PATH.read_bytes()
    except FileNotFoundError as exc:  # a packaging mistake, not a client error
        raise RuntimeError(f"{CATALOGUE_PATH} is missing: run `make content`") from exc
    return Catalogue.model_validate_json(raw)
