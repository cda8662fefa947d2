"""GET /api/centres and GET /api/centres/{centre_id}."""

from __future__ import annotations

from datetime import UTC, datetime

from chalice.app import Blueprint

from chalicelib.centres import service
from chalicelib.centres.models import CentreDetail, CentreList, LangQuery
from chalicelib.core.http import api_route, parse_query
from chalicelib.core.i18n import resolve_language

bp = Blueprint(__name__)


@api_route(bp, "/centres")
def list_centres() -> CentreList:
    query = parse_query(bp.current_request, LangQuery)
    return service.list_centres(resolve_language(query.lang))


@api_route(bp, "/centres/{centre_id}")
def get_centre(centre_id: str) -> CentreDetail:
    query = parse_query(bp.current_request, LangQuery)
    return service.get_centre(centre_id, resolve_language(query.lang), datetime.now(UTC).date())
