"""Passerelle API: the Chalice app, its middleware and its blueprints. Nothing else lives here."""

from __future__ import annotations

from collections.abc import Callable

from aws_lambda_powertools.logging import correlation_paths
from chalice.app import Chalice, ConvertToMiddleware, Request, Response

from chalicelib.auth.routes import bp as auth_bp
from chalicelib.bookings.agenda_routes import bp as agenda_bp
from chalicelib.bookings.routes import bp as bookings_bp
from chalicelib.centres.routes import bp as centres_bp
from chalicelib.complaints.routes import bp as complaints_bp
from chalicelib.complaints.triage_routes import bp as triage_bp
from chalicelib.core import metrics
from chalicelib.core.docs_routes import bp as docs_bp
from chalicelib.core.edge import from_the_edge
from chalicelib.core.errors import Forbidden, NotFound
from chalicelib.core.http import api_route, error_response, normalise_chalice_error
from chalicelib.core.observability import logger
from chalicelib.feedback.routes import bp as feedback_bp
from chalicelib.health.routes import bp as health_bp
from chalicelib.impact.routes import bp as impact_bp
from chalicelib.recruiters.routes import bp as recruiters_bp
from chalicelib.recruiters.routes import open_data_bp as recruiters_open_data_bp

app = Chalice(app_name="passerelle")
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


app.register_blueprint(health_bp, url_prefix="/api")
app.register_blueprint(centres_bp, url_prefix="/api")
app.register_blueprint(bookings_bp, url_prefix="/api")
app.register_blueprint(complaints_bp, url_prefix="/api")
app.register_blueprint(feedback_bp, url_prefix="/api")
app.register_blueprint(auth_bp, url_prefix="/api")
app.register_blueprint(triage_bp, url_prefix="/api")
app.register_blueprint(agenda_bp, url_prefix="/api")
app.register_blueprint(impact_bp, url_prefix="/api")
app.register_blueprint(recruiters_bp, url_prefix="/api")
# /open-data/recruiters.json, beside the site's static open data (recruiters/routes.py says why)
app.register_blueprint(recruiters_open_data_bp)
app.register_blueprint(docs_bp, url_prefix="/api")


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
