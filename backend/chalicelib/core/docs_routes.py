"""GET /api/openapi.json: the contract, built from the running app's own route table."""

from __future__ import annotations

from functools import cache
from typing import Any

from chalice.app import Blueprint

from chalicelib.core import openapi
from chalicelib.core.http import RouteDoc, api_route

bp = Blueprint(__name__)


@cache
def _spec(app: Any) -> dict[str, Any]:
    return openapi.build(app)


@api_route(bp, "/openapi.json", doc=RouteDoc("This OpenAPI 3.1 contract"))
def spec() -> dict[str, Any]:
    return _spec(bp.current_app)
