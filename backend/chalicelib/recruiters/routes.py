"""The recruiters' routes: an agency with its published figures (public), the open-data file of
every list (public, at /open-data/recruiters.json on the portal's address), and the managers'
publication step (staff, checked by `staff_route`)."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.auth.users import MANAGEMENT, StaffUser, staff_route
from chalicelib.core.audit import AuditTrail
from chalicelib.core.http import RouteDoc, api_route, json_response
from chalicelib.recruiters import service
from chalicelib.recruiters.models import OpenRecruiters, PendingFigures, Recruiter

bp = Blueprint(__name__)
# Registered without the /api prefix: CloudFront sends /open-data/recruiters.json to the API
# (infra/template.yaml), the local server too (devstack/server.py).
open_data_bp = Blueprint(f"{__name__}.open_data")
OPEN_DATA_PATH = "/open-data/recruiters.json"
# Lists change when a centre loads a new one, figures when a manager publishes: minutes are fine.
CACHE = {"Cache-Control": "public, max-age=300"}


@api_route(
    bp,
    "/recruiters/{agency_id}",
    doc=RouteDoc(
        "A recruitment agency on its regulator's list (status, source) and the figures a manager "
        "published: complaints staff upheld, by year and category, counts of 5 or more only",
        Recruiter,
    ),
)
def get_recruiter(agency_id: str) -> Response:
    return json_response(service.recruiter(agency_id), headers=CACHE)


@api_route(
    open_data_bp,
    OPEN_DATA_PATH,
    doc=RouteDoc(
        "Open data: every recruiters' list (status, source, sample-data label) and the published figures",
        OpenRecruiters,
    ),
)
def open_recruiters() -> Response:
    return json_response(service.open_data(), headers=CACHE)


@staff_route(
    bp,
    "/staff/recruiters/figures",
    roles=MANAGEMENT,
    doc=RouteDoc("The recruiters' figures: what is published, what publishing now would publish", PendingFigures),
)
def recruiter_figures(user: StaffUser) -> PendingFigures:
    return service.pending(user)


@staff_route(
    bp,
    "/staff/recruiters/figures/publish",
    methods=("POST",),
    roles=MANAGEMENT,
    doc=RouteDoc("Publish the recruiters' figures, rebuilt from the counters (audited)", PendingFigures),
)
def publish_recruiter_figures(user: StaffUser) -> PendingFigures:
    return service.publish(user)


@staff_route(
    bp,
    "/staff/recruiters/figures/audit",
    roles=MANAGEMENT,
    doc=RouteDoc("Who published the recruiters' figures, and when", AuditTrail),
)
def recruiter_figures_audit(user: StaffUser) -> AuditTrail:
    return service.audit(user)
