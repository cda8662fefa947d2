"""The API reference page (developers/api.md), rendered at build time from the OpenAPI contract the
backend serves at /api/openapi.json: one source, no copy to drift. Called by docs.py. It is
technical reference in English; other languages' copies say so."""

from __future__ import annotations

import json
import sys
from html import escape
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def load_spec() -> dict[str, Any]:
    sys.path.insert(0, str(ROOT / "backend"))
    from app import app  # the real route table
    from chalicelib.core import openapi

    return openapi.build(app)


def _type(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{name.lower()})"
    if "anyOf" in schema:
        return " or ".join(_type(s) for s in schema["anyOf"])
    if schema.get("type") == "array":
        return f"array of {_type(schema.get('items', {}))}"
    if "enum" in schema:
        return " \\| ".join(f"`{v}`" for v in schema["enum"])
    if "const" in schema:
        return f"`{schema['const']}`"
    kind = str(schema.get("type", "any"))
    return f"{kind} ({schema['format']})" if "format" in schema else kind


def _limits(schema: dict[str, Any]) -> str:
    keys = ("minLength", "maxLength", "minimum", "maximum", "pattern", "default")
    return ", ".join(f"{k}: `{schema[k]}`" for k in keys if k in schema)


def render(spec: dict[str, Any], lang: str) -> str:
    lines = [
        "---",
        'title: "API reference"',
        'description: "Every route of the Passerelle API, from its OpenAPI 3.1 contract."',
        "---",
        "",
        "# API reference",
        "",
    ]
    if lang != "en":
        lines += ['<p class="px-untranslated" lang="en">This technical reference is in English.</p>', ""]
    lines += [
        '<div lang="en" markdown>',
        "",
        "Generated from the OpenAPI 3.1 contract served at `/api/openapi.json`. Every error is "
        '`{"error": {"code", "message", "field"}}`; 429 and 503 carry `Retry-After`. Secrets (manage codes, '
        "receipts) travel in headers or bodies, never in a URL.",
        "",
    ]
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            lines += [f"## {method.upper()} `{path}`", "", escape(op["summary"]), ""]
            if op["parameters"]:
                lines += ["| parameter | in | required | type |", "|---|---|---|---|"]
                for p in op["parameters"]:
                    lines.append(
                        f"| `{p['name']}` | {p['in']} | {'yes' if p['required'] else 'no'} | "
                        f"{_type(p['schema'])} {_limits(p['schema'])} |"
                    )
                lines.append("")
            if "requestBody" in op:
                schema = op["requestBody"]["content"]["application/json"]["schema"]
                lines += [f"Body: {_type(schema)}", ""]
            success = [s for s in op["responses"] if s.startswith("2")]
            for status in success:
                content = op["responses"][status].get("content", {})
                kind = next(iter(content), "")
                schema = content.get(kind, {}).get("schema", {})
                lines += [f"Answer {status}: {_type(schema) if kind == 'application/json' else '`' + kind + '`'}", ""]
    lines += ["## Schemas", ""]
    for name, schema in sorted(spec["components"]["schemas"].items()):
        lines += [f"### {name}", ""]
        properties = schema.get("properties", {})
        if properties:
            required = set(schema.get("required", []))
            lines += ["| field | type | required | limits |", "|---|---|---|---|"]
            for field, prop in properties.items():
                lines.append(
                    f"| `{field}` | {_type(prop)} | {'yes' if field in required else 'no'} | {_limits(prop)} |"
                )
        else:
            lines.append(f"`{json.dumps(schema)[:200]}`")
        lines.append("")
    lines += [open_data_section(lang), "</div>"]
    return "\n".join(lines) + "\n"


def open_data_section(lang: str) -> str:
    """The open data files, and the properties we add to HSDS's (HSDS asks publishers to document them)."""
    sys.path.insert(0, str(ROOT))
    from devstack.open_data import CENTRE_ID_TYPE, EXTENSIONS, TAXONOMY_NAME

    up = "../../" if lang == "en" else "../../../"  # the page is /developers/api/ or /<lang>/developers/api/
    lines = [
        "## Open data {#open-data}",
        "",
        "The centre directory is published as [Open Referral HSDS 3.0](https://github.com/openreferral/specification/tree/3.0), "
        "valid against its JSON schemas:",
        "",
        f'- <a href="{up}open-data/hsds.json" type="application/json">hsds.json</a>: every table (organizations, '
        "organization_identifiers, locations, addresses, phones, languages, schedules, services, "
        "service_at_locations, taxonomies, taxonomy_terms, attributes), rows linked by id.",
        f'- <a href="{up}open-data/services.json" type="application/json">services.json</a>: one compiled service '
        "per service at a centre, with its organization, locations, address, phones, schedules, languages and "
        "category nested, in the `Page` envelope of the HSDS API (`GET /services?full=true`).",
        "",
        f"A centre's id is its organization's identifier of type `{CENTRE_ID_TYPE}`; a service's id in this API is "
        f"the code of its taxonomy term (taxonomy `{TAXONOMY_NAME}`). Schedules give local times with their UTC "
        "offset; where a centre's clocks change, each schedule is valid only between the changes. Properties "
        "HSDS does not define:",
        "",
        "| property | meaning |",
        "|---|---|",
        *(f"| `{name}` | {escape(meaning)} |" for name, meaning in EXTENSIONS.items()),
        "",
    ]
    return "\n".join(lines)


def write_pages(docs_dir: Path, languages: list[str]) -> None:
    spec = load_spec()
    for lang in languages:
        folder = docs_dir / lang / "developers"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "api.md").write_text(render(spec, lang), encoding="utf-8")
