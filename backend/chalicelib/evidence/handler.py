"""The cleaner function: `chalicelib.evidence.handler.handler` in its own Lambda bundle
(`python -m devstack.cleaner_bundle`), invoked synchronously by the API with the JSON of
`contract.py`. It has no rights beyond writing its logs: no table, no bucket, no key. A hostile
file that broke a parser here would find nothing to take.

Events:
    {"op": "clean", "data": <base64>}
        -> {"ok": true, "kind", "media_type", "data": <base64>, "width", "height", "pages"}
    {"op": "render", "data": <base64 of a cleaned PDF>, "first_page", "max_pages", "width", "format"}
        -> {"ok": true, "media_type", "pages": [<base64>, ...]}
    either -> {"ok": false, "code", "detail"} when the file is refused.
An event of another shape raises (the invocation fails with a FunctionError): that is the API's
bug, never the file's. Nothing of the file is logged: only the operation, the outcome and sizes.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any, cast, get_args

from chalicelib.evidence.cleaner import clean, render_pages
from chalicelib.evidence.contract import (
    PageFormat,
    ProtocolError,
    Refused,
    clean_response,
    read_request,
    refused_response,
    render_response,
)


def _integer(event: dict[str, Any], name: str, default: int) -> int:
    value = event.get(name, default)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ProtocolError(f"{name} must be an integer")
    return value


def handle(event: Any) -> dict[str, Any]:
    op, data = read_request(event)
    try:
        if op == "clean":
            return clean_response(clean(data))
        page_format = event.get("format", "webp")
        if page_format not in get_args(PageFormat):
            raise ProtocolError("format must be webp or png")
        pages = render_pages(
            data,
            _integer(event, "max_pages", 1),
            _integer(event, "width", 1200),
            first_page=_integer(event, "first_page", 0),
            page_format=cast(PageFormat, page_format),
        )
        return render_response(pages, cast(PageFormat, page_format))
    except Refused as refused:
        return refused_response(refused)
    except ValueError as error:  # render arguments out of range
        raise ProtocolError(str(error)) from None


def handler(event: Any, context: Any) -> dict[str, Any]:
    started = time.perf_counter()
    answer = handle(event)
    # One line per invocation, for the function's own log group: no byte or text of the file.
    print(
        json.dumps(
            {
                "op": event.get("op"),
                "ok": answer["ok"],
                "code": answer.get("code"),
                "bytes_in": len(event.get("data", "")) * 3 // 4,
                "ms": round((time.perf_counter() - started) * 1000),
            }
        ),
        file=sys.stdout,
        flush=True,
    )
    return answer
