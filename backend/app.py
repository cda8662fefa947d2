"""Passerelle API: the Chalice app, its middleware and its blueprints. Nothing else lives here.

In Lambda each domain's blueprints load with the first request to one of its routes
(chalicelib/core/domains.py); everywhere else they all load at import."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from aws_lambda_powertools.logging import correlation_paths
from chalice.app import ConvertToMiddleware, Request, Response

from chalicelib.core import metrics
from chalicelib.core.domains import DomainApp, in_lambda
from chalicelib.core.edge import from_the_edge
from chalicelib.core.errors import Forbidden, NotFound
from chalicelib.core.http import api_route, error_response, normalise_chalice_error
from chalicelib.core.observability import logger

# Every domain reads DynamoDB: the SDK loads at init, where Lambda gives the most CPU, not with a
# first request. A domain's own modules load with its first request (core/domains.py).
importlib.import_module("chalicelib.core.aws")

# Each routes module and its blueprints: (attribute, URL prefix).
BLUEPRINTS: dict[str, tuple[tuple[str, str | None], ...]] = {
    "chalicelib.health.routes": (("bp", "/api"),),
    "chalicelib.centres.routes": (("bp", "/api"),),
    "chalicelib.bookings.routes": (("bp", "/api"),),
    "chalicelib.complaints.routes": (("bp", "/api"),),
    "chalicelib.feedback.routes": (("bp", "/api"),),
    "chalicelib.auth.routes": (("bp", "/api"),),
    "chalicelib.complaints.triage_routes": (("bp", "/api"),),
    "chalicelib.bookings.agenda_routes": (("bp", "/api"),),
    "chalicelib.impact.routes": (("bp", "/api"),),
    # and /open-data/recruiters.json, beside the site's static open data (recruiters/routes.py says why)
    "chalicelib.recruiters.routes": (("bp", "/api"), ("open_data_bp", None)),
    "chalicelib.core.docs_routes": (("bp", "/api"),),
}
# A route template's first segments -> the modules whose routes start with them (the longest
# listed prefix wins). test_domains.py checks every route against this table.
SERVED_BY: dict[str, tuple[str, ...]] = {
    "/api/health": ("chalicelib.health.routes",),
    "/api/centres": ("chalicelib.centres.routes", "chalicelib.bookings.routes"),  # and their slots
    "/api/bookings": ("chalicelib.bookings.routes",),
    "/api/waitlist": ("chalicelib.bookings.routes",),
    "/api/phone": ("chalicelib.bookings.routes",),
    "/api/challenge": ("chalicelib.complaints.routes",),
    "/api/complaints": ("chalicelib.complaints.routes",),
    "/api/feedback": ("chalicelib.feedback.routes",),
    "/api/auth": ("chalicelib.auth.routes",),
    "/api/recruiters": ("chalicelib.recruiters.routes",),
    "/open-data": ("chalicelib.recruiters.routes",),
    "/api/staff/me": ("chalicelib.auth.routes",),
    "/api/staff/complaints": ("chalicelib.complaints.triage_routes",),
    "/api/staff/centres": ("chalicelib.bookings.agenda_routes",),
    "/api/staff/bookings": ("chalicelib.bookings.agenda_routes",),
    "/api/staff/dashboard": ("chalicelib.impact.routes",),
    "/api/staff/dashboard.csv": ("chalicelib.impact.routes",),
    "/api/staff/recruiters": ("chalicelib.recruiters.routes",),
    "/api/openapi.json": tuple(BLUEPRINTS),  # the contract names every route
}

app = DomainApp("passerelle", BLUEPRINTS, SERVED_BY)
# Evidence files and their page images go out as bytes (API Gateway's binary media types; a client
# asks with an Accept header naming the type, as the staff console does).
app.api.binary_types = sorted({*app.api.binary_types, "image/jpeg", "image/png", "image/webp", "application/pdf"})
# Chalice's own error bodies can carry stack traces in debug mode: it stays off.
app.debug = False

# Correlation id = API Gateway's request id; the event itself is never logged (log_event off).
app.register_middleware(
    ConvertToMiddleware(
        logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, log_event=False)
    ),
    "http",
)


@app.middleware("http")
def access_log(request: Request, get_response: Callable[[Request], Response]) -> Response:
    """One line per request: method, route template and status. Never the path values, query,
    body, client IP or user agent: people using the public routes may be in danger."""
    if not logger.get_correlation_id() and request.lambda_context is not None:
        logger.set_correlation_id(getattr(request.lambda_context, "aws_request_id", None))
    try:
        response = normalise_chalice_error(get_response(request))
        context = request.context or {}
        logger.info(
            "request",
            extra={"method": request.method, "route": context.get("resourcePath"), "status": response.status_code},
        )
        if response.status_code == 429:
            metrics.count("RateLimited")
        return response
    finally:
        metrics.flush()  # this request's counts, one EMF line (core/metrics.py)


@app.middleware("http")
def only_through_the_edge(request: Request, get_response: Callable[[Request], Response]) -> Response:
    """A caller who goes around CloudFront to API Gateway's own address is refused (core/edge.py)."""
    if not from_the_edge(request.headers):
        return error_response(
            Forbidden("The API answers only through the portal's own address.", code="origin_forbidden")
        )
    return get_response(request)


# Unknown routes are 404 whatever the body's type (Chalice would answer 415 first).
@api_route(
    app,
    "/api/{proxy+}",
    methods=("GET", "POST", "PUT", "PATCH", "DELETE"),
    content_types=[
        "application/json",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "text/plain",
        "application/octet-stream",
    ],
)
def unknown_route(**_path: str) -> None:
    raise NotFound("No such API route.", code="route_not_found")


if not in_lambda():
    app.load_all()  # the whole route table, for the local server, the tests and `chalice package`
