"""POST /api/feedback: anonymous, proof of work, rate-limited per source, idempotent."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint, Response
from pydantic import ValidationError

from chalicelib.core import idempotency, proof
from chalicelib.core.http import RouteDoc, api_route, json_response, parse_body, validation_error
from chalicelib.core.sources import source_of
from chalicelib.feedback import service
from chalicelib.feedback.models import FeedbackRequest, Received

bp = Blueprint(__name__)


def _parse() -> FeedbackRequest:
    try:
        return parse_body(bp.current_request, FeedbackRequest)
    except Exception as exc:
        cause = exc.__cause__
        if isinstance(cause, ValidationError):
            # Name the field as the client sent it: drop the union's tag ("page.helpful" -> "helpful").
            error = validation_error(cause)
            if cause.errors()[0]["type"] in ("union_tag_invalid", "union_tag_not_found"):
                error.field, error.message = "kind", "kind: give one of page, service, need"
            elif error.field and "." in error.field and error.field.split(".", 1)[0] in ("page", "service", "need"):
                error.field = error.field.split(".", 1)[1]
                error.message = f"{error.field}: {cause.errors()[0]['msg']}"
            raise error from cause
        raise


@api_route(
    bp,
    "/feedback",
    methods=("POST",),
    doc=RouteDoc(
        "Feedback: `kind` page (was this page helpful?), service (after an appointment) or need",
        Received,
        201,
        FeedbackRequest,
        headers=(proof.HEADER, idempotency.HEADER),
    ),
)
def submit() -> Response:
    body = _parse()
    source = source_of(bp.current_request)
    key = idempotency.key_from(bp.current_request.headers)
    proof_header = bp.current_request.headers.get("x-proof")

    def create(data: dict[str, Any]) -> dict[str, Any]:
        proof_id = proof.verify(proof_header)
        return service.submit(FeedbackRequest.model_validate(data).root, proof_id, source).model_dump(mode="json")

    if key is None:
        return json_response(create(body.model_dump(mode="json")), status=201)
    return json_response(
        idempotency.run("feedback", key, body.model_dump(mode="json"), create, None, bp.lambda_context), status=201
    )
