"""The dashboard routes: the general lane for managers and administrators, the restricted lane
for focal points, each for the caller's centres only."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.auth.users import MANAGEMENT, StaffUser, staff_route
from chalicelib.core.http import RouteDoc, parse_query
from chalicelib.impact import service
from chalicelib.impact.models import Dashboard, DashboardQuery

bp = Blueprint(__name__)
# Focal points get the dashboard of their lane; nobody else sees a figure of it.
DASHBOARD = MANAGEMENT | {"focal_point"}


@staff_route(
    bp,
    "/staff/dashboard",
    roles=DASHBOARD,
    doc=RouteDoc(
        "What the centres achieved in a month, quarter or year, for one lane: counts under 5 "
        "(0 included) are withheld (null), and so is every count that would let one be worked out",
        Dashboard,
        query=DashboardQuery,
    ),
)
def dashboard(user: StaffUser) -> Dashboard:
    return service.dashboard(user, parse_query(bp.current_request, DashboardQuery))


@staff_route(
    bp,
    "/staff/dashboard.csv",
    roles=DASHBOARD,
    doc=RouteDoc('The dashboard as CSV: withheld counts read "<5"', query=DashboardQuery, content_type="text/csv"),
)
def dashboard_csv(user: StaffUser) -> Response:
    board = service.dashboard(user, parse_query(bp.current_request, DashboardQuery))
    return Response(
        body=service.as_csv(board),
        status_code=200,
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Cache-Control": "no-store",
            "Content-Disposition": 'attachment; filename="passerelle-dashboard.csv"',
            "X-Content-Type-Options": "nosniff",
        },
    )
