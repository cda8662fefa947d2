"""The OpenAPI 3.1 contract, built from the app's route table and the pydantic models each route
declares (Chalice's own generator has no request schemas). Served at /api/openapi.json and
rendered in the site's developer section; a test fails if a route is missing from it."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic.json_schema import CoreModeRef, DefsRef, GenerateJsonSchema

from chalicelib.core.error_codes import CODES
from chalicelib.core.http import RouteDoc

HEADER_SCHEMAS = {
    "Idempotency-Key": {"type": "string", "pattern": "^[\\x21-\\x7e]{8,128}$"},
    "X-Manage-Code": {"type": "string", "minLength": 1, "maxLength": 80},
    "X-Proof": {"type": "string", "minLength": 1, "maxLength": 200},
}
ERROR_STATUSES = {
    400: "Bad input: `error.field` names the field",
    404: "Not found",
    409: "Conflict",
    413: "Body too large",
    415: "Unsupported media type",
    422: "Idempotency-Key reused",
    429: "Too many requests from this connection (`too_many_requests`), or, when booking, too many "
    "places held at the centre from it (`seat_limit`: call the centre): see Retry-After",
    503: "Busy: see Retry-After",
}


class ErrorDetail(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="allow")
    code: str
    message: str
    field: str | None = None
    correlation_id: str | None = None


def error_code_schema() -> dict[str, Any]:
    """`error.code`: every code the API answers, each with its status and meaning (core/error_codes.py)."""
    return {
        "type": "string",
        "description": "A stable code: clients show their own message for it, in the reader's language "
        "(`message` is English, for developers). `field` names the input at fault: a body field as a dotted "
        "path, a query or path parameter, a header, or `body`; absent when no one input is (403, 429 per "
        "connection, 405, 415, 5xx).",
        "oneOf": [
            {"const": code, "title": code, "description": f"{entry.status}: {entry.meaning}"}
            for code, entry in CODES.items()
        ],
    }


class ErrorBody(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="allow")
    error: ErrorDetail


def published_names() -> dict[str, str]:
    """The models whose schema keeps a name other than their class's: `module.QualName` -> the
    name the contract published, given as the model's `title`."""
    found, unseen = {}, list(BaseModel.__subclasses__())
    while unseen:
        model = unseen.pop()
        unseen += model.__subclasses__()
        title = model.model_config.get("title")
        if title and title != model.__name__:
            found[f"{model.__module__}.{model.__qualname__}"] = title
    return found


class PublishedNames(GenerateJsonSchema):
    """Schemas named as the contract published them. Clients are generated from the contract, so a
    model renamed in Python keeps its published name (its `title`) in the contract."""

    def get_defs_ref(self, core_mode_ref: CoreModeRef) -> DefsRef:
        defs_ref = super().get_defs_ref(core_mode_ref)
        published = published_names().get(core_mode_ref[0].rsplit(":", 1)[0])
        if published:
            self._prioritized_defsref_choices[defs_ref].insert(0, DefsRef(published))
        return defs_ref


def _schema(model: type[BaseModel], components: dict[str, Any], mode: str) -> dict[str, Any]:
    schema = model.model_json_schema(
        ref_template="#/components/schemas/{model}",
        mode=mode,  # type: ignore[arg-type]
        schema_generator=PublishedNames,
    )
    for name, definition in schema.pop("$defs", {}).items():
        components.setdefault(name, definition)
    name = model.model_config.get("title") or model.__name__
    components.setdefault(name, schema)
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def operation(path: str, method: str, doc: RouteDoc, components: dict[str, Any]) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string", "minLength": 1}}
        for name in re.findall(r"{(\w+)}", path)
    ]
    if doc.query is not None:
        query = doc.query.model_json_schema(by_alias=True)
        for name, prop in query.get("properties", {}).items():
            parameters.append(
                {"name": name, "in": "query", "required": name in query.get("required", []), "schema": prop}
            )
    for name, required, description in doc.headers:
        parameters.append(
            {
                "name": name,
                "in": "header",
                "required": required,
                "description": description,
                "schema": HEADER_SCHEMAS.get(name, {"type": "string"}),
            }
        )
    if doc.content_type == "application/json":
        success: dict[str, Any] = (
            _json(_schema(doc.response, components, "serialization")) if doc.response else _json({"type": "object"})
        )
    else:
        success = {"content": {doc.content_type: {"schema": {"type": "string"}}}}
    responses: dict[str, Any] = {str(doc.status): {"description": "Success", **success}}
    error_ref = _schema(ErrorBody, components, "serialization")
    for status, description in ERROR_STATUSES.items():
        model = doc.other.get(status)
        schema = _schema(model, components, "serialization") if model else error_ref
        responses[str(status)] = {"description": description, **_json(schema)}
    op: dict[str, Any] = {
        "summary": doc.summary,
        "operationId": f"{method.lower()}_{_slug(path)}",
        "parameters": parameters,
        "responses": responses,
    }
    if doc.staff:
        op["security"] = [{"staffIdToken": []}]
        responses["401"] = {"description": "No valid sign-in: sign in again", **_json(error_ref)}
        responses["403"] = {"description": "Signed in, but the role or centre does not allow this", **_json(error_ref)}
    if doc.body is not None:
        op["requestBody"] = {"required": True, **_json(_schema(doc.body, components, "validation"))}
    return op


def _slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", path.lower()).strip("_")


def build(app: Any, server_url: str = "/") -> dict[str, Any]:
    components: dict[str, Any] = {}
    paths: dict[str, Any] = {}
    for path, methods in sorted(app.routes.items()):
        if "+}" in path:
            continue  # the catch-all that answers 404 for unknown routes
        for method, entry in sorted(methods.items()):
            doc = getattr(entry.view_function, "openapi", None)
            if doc is None:
                raise ValueError(f"{method} {path} has no RouteDoc: every route is in the contract")
            paths.setdefault(path, {})[method.lower()] = operation(path, method, doc, components)
    if "ErrorDetail" in components:
        components["ErrorCode"] = error_code_schema()
        components["ErrorDetail"]["properties"]["code"] = {"$ref": "#/components/schemas/ErrorCode"}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Passerelle API",
            "version": "1.0.0",
            "description": "Centres, booking with no e-mail, anonymous complaints. Errors are always "
            '{"error": {"code", "message", "field"}}: `code` is one of `ErrorCode` (stable, one meaning each), '
            "`field` the input at fault.",
        },
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "staffIdToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": "An OpenID Connect ID token from the staff sign-in (Amazon Cognito)",
                }
            },
        },
    }
