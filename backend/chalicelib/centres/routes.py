"""GET /api/centres and GET /api/centres/{centre_id}."""

from __future__ import annotations

from datetime import UTC, datetime

from chalice.app import Blueprint

from chalicelib.centres import service
from chalicelib.centres.models import CentreDetail, CentreList, LangQuery
from chalicelib.core.http import RouteDoc, api_route, parse_query
from chalicelib.core.i18n import resolve_language

bp = Blueprint(__name__)


@api_route(
    bp, "/centres", doc=RouteDoc("Centres and their services, in the language asked for", CentreList, query=LangQuery)
)
def list_centres() -> CentreList:
    query = parse_query(bp.current_request, LangQuery)
    return service.list_centres(resolve_language(query.lang))


@api_route(
    bp,
    "/centres/{centre_id}",
    doc=RouteDoc("One centre: hours, exceptions, visits, contacts, services", CentreDetail, query=LangQuery),
)
def get_centre(centre_id: str) -> CentreDetail:
    query = parse_query(bp.current_request, LangQuery)
    return service.get_centre(centre_id, resolve_language(query.lang), datetime.now(UTC).date())
