"""Complaint routes. The receipt travels only in request bodies, never in a URL or a log; no IP
address, user agent or cookie is read, except the address turned at once into a keyed hash under
the day's salt for the per-source limits (core/sources.py)."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint, Rate, Response

from chalicelib.complaints import alerts, attachments, service
from chalicelib.complaints.models import (
    MAX_UPLOAD_BASE64,
    AttachmentUpload,
    ComplaintRequest,
    ComplaintView,
    MessageRequest,
    ReceiptRequest,
    Submitted,
    Uploaded,
)
from chalicelib.core import idempotency, metrics, proof
from chalicelib.core.errors import PayloadTooLarge
from chalicelib.core.http import RouteDoc, api_route, json_response, parse_body
from chalicelib.core.observability import logger
from chalicelib.core.sources import Source, source_of
from chalicelib.evidence.contract import Refusal

bp = Blueprint(__name__)


def _source() -> Source:
    return source_of(bp.current_request)


@api_route(bp, "/challenge", doc=RouteDoc("A proof-of-work challenge for an anonymous submission", proof.Challenge))
def challenge() -> Response:
    return json_response(proof.issue())


@api_route(
    bp,
    "/complaints",
    methods=("POST",),
    doc=RouteDoc(
        "An anonymous complaint: the answer holds the receipt, shown once",
        Submitted,
        201,
        ComplaintRequest,
        headers=(proof.HEADER, idempotency.HEADER),
    ),
)
def submit() -> Response:
    body = parse_body(bp.current_request, ComplaintRequest)
    key = idempotency.key_from(bp.current_request.headers)
    proof_header = bp.current_request.headers.get("x-proof")
    source = _source()

    def create(data: dict[str, Any]) -> dict[str, Any]:
        proof_id = proof.verify(proof_header)
        submitted = service.submit(ComplaintRequest.model_validate(data), proof_id, source)
        metrics.count("ComplaintsSubmitted")
        return submitted.model_dump(mode="json")

    if key is None:
        return json_response(create(body.model_dump(mode="json")), status=201)
    answer = idempotency.run("complaint", key, body.model_dump(mode="json"), create, "receipt", bp.lambda_context)
    return json_response(answer, status=201)


@api_route(
    bp,
    "/complaints/lookup",
    methods=("POST",),
    doc=RouteDoc("Status and messages of a complaint, by its receipt", ComplaintView, body=ReceiptRequest),
)
def lookup() -> ComplaintView:
    request = parse_body(bp.current_request, ReceiptRequest)
    return service.view(request.receipt, _source())


@api_route(
    bp,
    "/complaints/messages",
    methods=("POST",),
    doc=RouteDoc("Write to the caseworker, by the receipt", ComplaintView, body=MessageRequest),
)
def message() -> ComplaintView:
    request = parse_body(bp.current_request, MessageRequest)
    return service.add_message(request.receipt, request.text, _source(), request.attachments)


# The body of an upload: the file's base64 and the two ignored fields (names, quotes, braces).
MAX_UPLOAD_BODY = MAX_UPLOAD_BASE64 + 1024


@api_route(
    bp,
    "/complaints/attachments",
    methods=("POST",),
    doc=RouteDoc(
        "A photo (JPEG, PNG, WebP) or a PDF for a complaint or a message, cleaned before it is stored: "
        "attach its id within 24 hours. 415 unsupported_type, 413 too_large, 400 empty, 422 "
        "decompression_bomb, malformed, too_many_pages, pdf_encrypted, pdf_active_content, pdf_embedded_file",
        Uploaded,
        201,
        AttachmentUpload,
        headers=(proof.HEADER, idempotency.HEADER),
    ),
)
def upload() -> Response:
    try:
        body = parse_body(bp.current_request, AttachmentUpload, max_bytes=MAX_UPLOAD_BODY)
    except PayloadTooLarge:
        raise attachments.FileRefused(Refusal.TOO_LARGE) from None
    key = idempotency.key_from(bp.current_request.headers)
    proof_header = bp.current_request.headers.get("x-proof")
    source = _source()

    def create(data: dict[str, Any]) -> dict[str, Any]:
        proof_id = proof.verify(proof_header)
        uploaded = attachments.receive(data["data"], proof_id, source)
        return uploaded.model_dump(mode="json", exclude_none=True)

    # Only the bytes are passed on: the name and declared type are dropped here, read by nobody.
    data = {"data": body.data}
    answer = create(data) if key is None else idempotency.run("attachment", key, data, create, None, bp.lambda_context)
    logger.info("file received", extra={"kind": answer["kind"], "bytes": answer["bytes"]})
    return json_response(answer, status=201)


@bp.schedule(Rate(1, unit=Rate.HOURS))
def sweep_attachments(event: object) -> None:
    """Evidence files whose deletion is due: uploads never attached within 24 h, and closed cases'
    files at the end of their retention (complaints/attachments.py says why a sweep)."""
    attachments.sweep()


@bp.schedule(Rate(1, unit=Rate.HOURS))
def overdue_digest(event: object) -> None:
    """Each centre's overdue cases, by number only, to its staff at 08:00 centre time (complaints/alerts.py)."""
    sent = alerts.send_digests()
    logger.info("overdue digests", extra={"sent": sent})
