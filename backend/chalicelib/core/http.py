"""The edge between HTTP and the domain: parse input into models, turn results and errors into
JSON responses. Every route is registered through `api_route`, so no view can leak a traceback
and every error has the same shape."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from botocore.exceptions import ClientError, ConnectionError, ReadTimeoutError
from chalice.app import Blueprint, Chalice, Request, Response
from pydantic import BaseModel, ValidationError

from chalicelib.core.errors import ApiError, BadRequest, PayloadTooLarge, ServiceUnavailable
from chalicelib.core.observability import logger

ModelT = TypeVar("ModelT", bound=BaseModel)
View = Callable[..., Any]

JSON_HEADERS = {
    "Content-Type": "application/json; charset=utf-8",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}
# API Gateway's payload limit is 10 MB; ours is far lower: nothing legitimate is larger.
MAX_BODY_BYTES = 64 * 1024
# No request body nests deeper than three levels; a deeply nested one (json.loads recurses, about
# 1,000 levels exhaust the stack) is refused before it is parsed.
MAX_NESTING = 32
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(rb"[\[\]{}]")
# Transient answers of DynamoDB and S3 (the evidence files): the client gets 503 with Retry-After
# and can simply try again. (A transaction cancelled by a failed condition never gets here:
# services turn it into 409.) S3 says SlowDown, InternalError or RequestTimeout, and to a HEAD
# request, which has no body, only the status ("500", "503").
TRANSIENT_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
        "TransactionConflictException",
        "TransactionCanceledException",
        "TransactionInProgressException",
        "SlowDown",
        "InternalError",
        "RequestTimeout",
        "500",
        "503",
    }
)


def json_response(
    body: BaseModel | Mapping[str, Any], status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    payload = body.model_dump(mode="json") if isinstance(body, BaseModel) else dict(body)
    return Response(
        body=json.dumps(payload, ensure_ascii=False, separators=(",", ":")),
        status_code=status,
        headers={**JSON_HEADERS, **(headers or {})},
    )


def error_response(error: ApiError) -> Response:
    return json_response(error.body(logger.get_correlation_id()), error.status, error.headers)


def _field_name(loc: Iterable[Any]) -> str:
    return ".".join(str(part) for part in loc) or "body"


# What pydantic found wrong with a field, as the stable codes clients translate (core/error_codes.py).
_FIELD_CODES = {
    "missing": "field_required",
    "string_too_long": "field_too_long",
    "too_long": "field_too_long",
    "string_too_short": "field_too_short",
    "too_short": "field_too_short",
    "greater_than": "field_out_of_range",
    "greater_than_equal": "field_out_of_range",
    "less_than": "field_out_of_range",
    "less_than_equal": "field_out_of_range",
    "literal_error": "field_not_allowed",
    "enum": "field_not_allowed",
    "extra_forbidden": "field_unknown",
}


def field_code(error_type: str) -> str:
    return _FIELD_CODES.get(error_type, "field_invalid")


def validation_error(exc: ValidationError, prefix: str = "") -> BadRequest:
    first = exc.errors()[0]
    field = _field_name(first["loc"])
    field = f"{prefix}{field}" if prefix else field
    message = first["msg"]
    if field and field != "body":
        message = f"{field}: {message}"
    problems = [
        {"field": f"{prefix}{_field_name(e['loc'])}", "code": field_code(e["type"]), "message": e["msg"]}
        for e in exc.errors()
    ]
    return BadRequest(message, code=field_code(first["type"]), field=field, extra={"problems": problems})


def nesting(raw: bytes) -> int:
    """How deeply a JSON text nests arrays and objects (brackets inside strings do not count)."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_JSON_STRING.sub(b'""', raw)):
        depth += 1 if bracket in b"[{" else -1
        deepest = max(deepest, depth)
    return deepest


def parse_body(request: Request, model: type[ModelT], max_bytes: int = MAX_BODY_BYTES) -> ModelT:
    """The body as `model`; `max_bytes` is raised only by a route that takes files."""
    raw = request.raw_body or b""
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    if len(raw) > max_bytes:
        raise PayloadTooLarge(
            f"The request body is larger than {max_bytes} bytes.", code="body_too_large", field="body"
        )
    if not raw.strip():
        raise BadRequest("A JSON body is required.", code="body_required", field="body")
    if nesting(raw) > MAX_NESTING:
        raise BadRequest(f"The body nests more than {MAX_NESTING} levels deep.", code="body_invalid", field="body")
    try:
        data = json.loads(raw)
    except RecursionError as exc:  # (cannot happen after the check above; kept as the last guard)
        raise BadRequest(
            f"The body nests more than {MAX_NESTING} levels deep.", code="body_invalid", field="body"
        ) from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest("The body is not valid JSON.", code="body_invalid", field="body") from exc
    if not isinstance(data, dict):
        raise BadRequest("The body must be a JSON object.", code="body_invalid", field="body")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc) from exc


def parse_query(request: Request, model: type[ModelT]) -> ModelT:
    params = dict(request.query_params or {})
    try:
        return model.model_validate(params)
    except ValidationError as exc:
        raise validation_error(exc) from exc


def _is_transient(exc: Exception) -> bool:
    if isinstance(exc, ConnectionError | ReadTimeoutError):
        return True
    if isinstance(exc, ClientError):
        return exc.response.get("Error", {}).get("Code") in TRANSIENT_CODES
    return False


@dataclass(frozen=True)
class RouteDoc:
    """What the OpenAPI contract says of a route (core/openapi.py reads it from the route table)."""

    summary: str
    response: type[BaseModel] | None = None
    status: int = 200
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    headers: tuple[tuple[str, bool, str], ...] = ()  # (name, required, description)
    content_type: str = "application/json"
    other: dict[int, type[BaseModel]] = field(default_factory=dict)  # statuses with a non-error body
    staff: bool = False  # needs a staff ID token (Authorization: Bearer): 401 and 403 are possible


def api_route(
    bp: Blueprint | Chalice, path: str, methods: Iterable[str] = ("GET",), doc: RouteDoc | None = None, **options: Any
) -> Callable[[View], View]:
    """Register `func` as a route whose errors always become our JSON error shape."""

    def decorator(func: View) -> View:
        @functools.wraps(func)
        def view(*args: Any, **kwargs: Any) -> Response:
            try:
                result = func(*args, **kwargs)
            except ApiError as exc:
                return error_response(exc)
            except Exception as exc:
                if _is_transient(exc):
                    logger.warning("database unavailable", extra={"error_type": type(exc).__name__})
                    return error_response(ServiceUnavailable())
                logger.exception("unhandled error")
                return error_response(ApiError("Something went wrong on our side.", code="internal_error"))
            if isinstance(result, Response):
                return result
            return json_response(result)

        view.openapi = doc  # type: ignore[attr-defined]
        bp.route(path, methods=list(methods), **options)(view)
        return func

    return decorator


def normalise_chalice_error(response: Response) -> Response:
    """Chalice answers some errors itself (405, 415, its own 500) as {"Code", "Message"}:
    give them our shape so every client sees one error format."""
    body = response.body
    if response.status_code < 400 or not isinstance(body, dict) or "Code" not in body:
        return response
    status = response.status_code
    code = {405: "method_not_allowed", 415: "unsupported_media_type"}.get(status) or (
        "internal_error" if status >= 500 else "bad_request"
    )
    message = str(body.get("Message", "")) if status < 500 else "Something went wrong on our side."
    error = ApiError(message, headers={k: str(v) for k, v in (response.headers or {}).items() if k.lower() == "allow"})
    error.status, error.code = status, code
    return error_response(error)
