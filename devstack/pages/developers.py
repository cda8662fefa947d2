"""The API reference page (developers/api.md), from the OpenAPI contract the backend serves at
/api/openapi.json (the real route table, read at build time), and the open data files it
documents (devstack/open_data.py)."""

from __future__ import annotations

import json
from typing import Any

from devstack.open_data import CENTRE_ID_TYPE, EXTENSIONS, TAXONOMY_NAME
from devstack.pages.render import render, root


def load_spec() -> dict[str, Any]:
    from app import app  # the backend's Chalice app: its routes are the contract
    from chalicelib.core import openapi

    return openapi.build(app)


def type_of(schema: dict[str, Any]) -> str:
    """A schema's type in Markdown: a link to a named schema, a union, an array, an enum."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{name.lower()})"
    if "anyOf" in schema:
        return " or ".join(type_of(s) for s in schema["anyOf"])
    if schema.get("type") == "array":
        return f"array of {type_of(schema.get('items', {}))}"
    if "enum" in schema:
        return " \\| ".join(f"`{v}`" for v in schema["enum"])
    if "const" in schema:
        return f"`{schema['const']}`"
    kind = str(schema.get("type", "any"))
    return f"{kind} ({schema['format']})" if "format" in schema else kind


def limits(schema: dict[str, Any]) -> str:
    keys = ("minLength", "maxLength", "minimum", "maximum", "pattern", "default")
    return ", ".join(f"{k}: `{schema[k]}`" for k in keys if k in schema)


def _answer(response: dict[str, Any]) -> str:
    content = response.get("content", {})
    kind = next(iter(content), "")
    if kind == "application/json":
        return type_of(content[kind].get("schema", {}))
    return f"`{kind}`"


def operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            found.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op["summary"],
                    "parameters": [
                        {
                            "name": p["name"],
                            "where": p["in"],
                            "required": p["required"],
                            "type": type_of(p["schema"]),
                            "limits": limits(p["schema"]),
                        }
                        for p in op["parameters"]
                    ],
                    "body": type_of(body) if body is not None else "",
                    "answers": [(s, _answer(r)) for s, r in op["responses"].items() if s.startswith("2")],
                }
            )
    return found


def schemas(spec: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for name, schema in sorted(spec["components"]["schemas"].items()):
        required = set(schema.get("required", []))
        found.append(
            {
                "name": name,
                "fields": [
                    {"name": field, "type": type_of(prop), "required": field in required, "limits": limits(prop)}
                    for field, prop in schema.get("properties", {}).items()
                ],
                "json": json.dumps(schema)[:200],
            }
        )
    return found


def api_page(spec: dict[str, Any], lang: str) -> str:
    return render(
        "api.md",
        lang=lang,
        root=root(lang, 2),  # /developers/api/
        operations=operations(spec),
        schemas=schemas(spec),
        centre_id_type=CENTRE_ID_TYPE,
        taxonomy_name=TAXONOMY_NAME,
        extensions=list(EXTENSIONS.items()),
    )
