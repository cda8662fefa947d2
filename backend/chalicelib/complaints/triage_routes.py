"""The staff console's complaint routes (triage). Each one checks the caller's token and role
itself (`staff_route`), whatever sits in front of the API; the centre and lane of the case asked
for are checked by complaints/triage.py."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint, Response
from pydantic import BaseModel

from chalicelib.auth.users import CASEWORK, MANAGEMENT, StaffUser, staff_route
from chalicelib.complaints import triage
from chalicelib.complaints.models import (
    AgencyIn,
    Case,
    CaseChange,
    OutcomeIn,
    Queue,
    QueueQuery,
    ReferralIn,
    StatusChange,
    TextIn,
)
from chalicelib.core.audit import AuditTrail
from chalicelib.core.errors import NotFound
from chalicelib.core.http import RouteDoc, parse_body, parse_query

bp = Blueprint(__name__)
TRIAGE = CASEWORK | {"focal_point"}


def _body(model: type[BaseModel]) -> Any:
    return parse_body(bp.current_request, model)


@staff_route(
    bp,
    "/staff/complaints",
    roles=TRIAGE,
    doc=RouteDoc("The complaint queue, filtered and sorted", Queue, query=QueueQuery),
)
def complaint_queue(user: StaffUser) -> Queue:
    return triage.queue(user, parse_query(bp.current_request, QueueQuery))


@staff_route(
    bp,
    "/staff/complaints/{complaint_id}",
    roles=TRIAGE,
    doc=RouteDoc("One case (the view is written to the audit trail)", Case),
)
def complaint(user: StaffUser, complaint_id: str) -> Case:
    return triage.read(user, complaint_id)


@staff_route(
    bp,
    "/staff/complaints/{complaint_id}",
    methods=("PATCH",),
    roles=TRIAGE,
    doc=RouteDoc("Priority and assignment", Case, body=CaseChange),
)
def change_complaint(user: StaffUser, complaint_id: str) -> Case:
    return triage.change_case(user, complaint_id, _body(CaseChange))


@staff_route(
    bp,
    "/staff/complaints/{complaint_id}/status",
    methods=("POST",),
    roles=TRIAGE,
    doc=RouteDoc("Move a case on (acknowledge, work, resolve, close, reopen)", Case, body=StatusChange),
)
def complaint_status(user: StaffUser, complaint_id: str) -> Case:
    return triage.change_status(user, complaint_id, _body(StatusChange))


@staff_route(
    bp,
    "/staff/complaints/{complaint_id}/replies",
    methods=("POST",),
    roles=TRIAGE,
    doc=RouteDoc("Reply to the complainant (read with the receipt)", Case, body=TextIn),
)
def complaint_reply(user: StaffUser, complaint_id: str) -> Case:
    return triage.reply(user, complaint_id, _body(TextIn).text)


@staff_route(
    bp,
    "/staff/complaints/{complaint_id}/notes",
    methods=("POST",),
    roles=TRIAGE,
    doc=RouteDoc("An internal note, never shown to the complainant", Case, body=TextIn),
)
def complaint_note(user: StaffUser, complaint_id: str) -> Case:
    return triage.add_note(user, complaint_id, _body(TextIn).text)


@staff_route(
    bp,
    "/staff/complaints/{complaint_id}/referrals",
    methods=("POST",),
    roles=TRIAGE,
    doc=RouteDoc("Refer the case to another centre, with a note", Case, body=ReferralIn),
)
def complaint_referral(user: StaffUser, complaint_id: str) -> Case:
    return triage.refer(user, complaint_id, _body(ReferralIn))


@staff_route(
    bp,
    "/staff/complaints/{complaint_id}/outcome",
    methods=("POST",),
    roles=TRIAGE,
    doc=RouteDoc("Record the outcome and any compensation recovered", Case, body=OutcomeIn),
)
def complaint_outcome(user: StaffUser, complaint_id: str) -> Case:
    return triage.record_outcome(user, complaint_id, _body(OutcomeIn))


@staff_route(
    bp,
    "/staff/complaints/{complaint_id}/agency",
    methods=("POST",),
    roles=TRIAGE,
    doc=RouteDoc("Confirm or correct the recruitment agency the case names (null: on no list)", Case, body=AgencyIn),
)
def complaint_agency(user: StaffUser, complaint_id: str) -> Case:
    return triage.set_agency(user, complaint_id, _body(AgencyIn))


@staff_route(
    bp,
    "/staff/complaints/{complaint_id}/audit",
    roles=MANAGEMENT | {"focal_point"},
    doc=RouteDoc("The case's audit trail (managers; focal points in their lane)", AuditTrail),
)
def complaint_audit(user: StaffUser, complaint_id: str) -> AuditTrail:
    return triage.audit(user, complaint_id)


# Evidence files go out as the clean copy only, never rendered by the browser as a page: a download
# (Content-Disposition), its sniffed type and nosniff, and a CSP that sandboxes anything opened
# directly. The console shows them from blob URLs (photos) or as page images (documents).
FILE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox; frame-ancestors 'none'",
    "Cross-Origin-Resource-Policy": "same-origin",
}
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "application/pdf": "pdf"}


def binary(data: bytes, media_type: str, filename: str) -> Response:
    headers: dict[str, str | list[str]] = {
        **FILE_HEADERS,
        "Content-Type": media_type,
        "Content-Disposition": f'attachment; filename="{filename}"',
    }
    return Response(body=data, status_code=200, headers=headers)


@staff_route(
    bp,
    "/staff/complaints/{complaint_id}/attachments/{attachment_id}",
    roles=TRIAGE,
    doc=RouteDoc(
        "The clean copy of a file on the case (the download is written to the audit trail)",
        content_type="application/octet-stream",
    ),
)
def complaint_attachment(user: StaffUser, complaint_id: str, attachment_id: str) -> Response:
    data, media_type = triage.attachment_file(user, complaint_id, attachment_id)
    return binary(data, media_type, f"evidence-{attachment_id[:8]}.{EXTENSIONS[media_type]}")


@staff_route(
    bp,
    "/staff/complaints/{complaint_id}/attachments/{attachment_id}/pages/{n}",
    roles=TRIAGE,
    doc=RouteDoc(
        "Page n (from 1) of a document on the case, drawn as an image (written to the audit trail)",
        content_type="image/webp",
    ),
)
def complaint_attachment_page(user: StaffUser, complaint_id: str, attachment_id: str, n: str) -> Response:
    if not n.isdigit() or len(n) > 3:
        raise NotFound("n: pages are numbered from 1.", code="page_not_found", field="n")
    image, media_type = triage.attachment_page(user, complaint_id, attachment_id, int(n))
    return binary(image, media_type, f"evidence-{attachment_id[:8]}-p{int(n)}.webp")
