"""The dashboard routes: managers and administrators, their centres only."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.core.http import RouteDoc, parse_query
from chalicelib.impact import service
from chalicelib.impact.models import Dashboard, DashboardQuery
from chalicelib.staff.auth import MANAGE, StaffUser, staff_route

bp = Blueprint(__name__)


@staff_route(bp, "/staff/dashboard", roles=MANAGE,
             doc=RouteDoc("What the centres achieved: counts under 5 are withheld (null)", Dashboard,
                          query=DashboardQuery))
def dashboard(user: StaffUser) -> Dashboard:
    return service.dashboard(user, parse_query(bp.current_request, DashboardQuery))


@staff_route(bp, "/staff/dashboard.csv", roles=MANAGE,
             doc=RouteDoc("The dashboard as CSV: counts under 5 read \"<5\"", query=DashboardQuery,
                          content_type="text/csv"))
def dashboard_csv(user: StaffUser) -> Response:
    board = service.dashboard(user, parse_query(bp.current_request, DashboardQuery))
    return Response(body=service.as_csv(board), status_code=200, headers={
        "Content-Type": "text/csv; charset=utf-8", "Cache-Control": "no-store",
        "Content-Disposition": 'attachment; filename="passerelle-dashboard.csv"', "X-Content-Type-Options": "nosniff"})
