"""What the evidence cleaner promises, in the standard library only, so the API can import it
without Pillow, pikepdf or pypdfium2 (they are in the cleaner function's bundle, not the API's).

A file is either `Cleaned` (the clean bytes and what they are) or `Refused` with a stable code
that the API maps to an HTTP status (`Refusal.status`) and the complaint form to a sentence in
the page's language. Refusal details are written from a fixed vocabulary: nothing read from the
file (a name, a string, a byte) ever reaches a message or a log.

The cleaner function (`handler.py`) speaks JSON, because a Lambda invocation carries JSON:
`clean_request()` / `read_clean_response()` on the API's side, `clean_response()` on the
function's; likewise for `render`. Files travel as base64: 4 MiB of file is 5.6 MB of base64,
within the 6 MB a synchronous invocation carries each way.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal, cast, get_args

Kind = Literal["photo", "document"]
MediaType = Literal["image/jpeg", "image/png", "image/webp", "application/pdf"]
PageFormat = Literal["webp", "png"]

PAGE_MEDIA_TYPES: dict[PageFormat, str] = {"webp": "image/webp", "png": "image/png"}


class Refusal(StrEnum):
    """Why a file was not accepted. The values are the API's error codes: never rename one."""

    EMPTY = "empty"
    TOO_LARGE = "too_large"
    UNSUPPORTED_TYPE = "unsupported_type"
    DECOMPRESSION_BOMB = "decompression_bomb"
    MALFORMED = "malformed"
    TOO_MANY_PAGES = "too_many_pages"
    PDF_ENCRYPTED = "pdf_encrypted"
    PDF_ACTIVE_CONTENT = "pdf_active_content"
    PDF_EMBEDDED_FILE = "pdf_embedded_file"

    @property
    def status(self) -> int:
        """415 for a type we do not take, 413 for too many bytes, 400 for nothing at all, and 422
        for a file of a type we take that we will not or cannot process (its content is the
        problem, not the request)."""
        return {Refusal.UNSUPPORTED_TYPE: 415, Refusal.TOO_LARGE: 413, Refusal.EMPTY: 400}.get(self, 422)

    @property
    def message(self) -> str:
        """The API's English message; the site says the same by code in the page's language."""
        return MESSAGES[self]


MESSAGES: dict[Refusal, str] = {
    Refusal.EMPTY: "The file is empty.",
    Refusal.TOO_LARGE: "The file is too large: send at most 4 MB.",
    Refusal.UNSUPPORTED_TYPE: "Send a photo (JPEG, PNG or WebP) or a PDF; other kinds of file are not accepted.",
    Refusal.DECOMPRESSION_BOMB: "The image or document is too large once opened: send a smaller one.",
    Refusal.MALFORMED: "The file is damaged or incomplete and could not be read.",
    Refusal.TOO_MANY_PAGES: "The PDF has too many pages: send at most 50, or the pages that matter.",
    Refusal.PDF_ENCRYPTED: "The PDF is protected by a password or encryption: send an unprotected copy.",
    Refusal.PDF_ACTIVE_CONTENT: "The PDF contains scripts, automatic actions or forms that run code: "
    "print it again to PDF, or send photos of the pages.",
    Refusal.PDF_EMBEDDED_FILE: "The PDF has other files inside it: send each document on its own.",
}


class Refused(Exception):
    """The file is not accepted. `detail` is for logs and tests, from a fixed vocabulary."""

    def __init__(self, code: Refusal, detail: str = "") -> None:
        super().__init__(f"{code.value}: {detail}" if detail else code.value)
        self.code = code
        self.detail = detail

    @property
    def status(self) -> int:
        return self.code.status


@dataclass(frozen=True)
class Limits:
    """What the cleaner accepts. The defaults are the product's limits; tests may lower them."""

    max_bytes: int = 4 * 1024 * 1024  # of the file as sent (decoded from base64)
    max_side: int = 2000  # longest side of a cleaned photo, in pixels
    max_pixels: int = 50_000_000  # an image (or an image in a PDF) larger than this is a bomb
    max_pages: int = 50
    max_output_bytes: int = 4 * 1024 * 1024  # a clean file must also fit an invocation's answer
    max_stream_bytes: int = 200 * 1024 * 1024  # all of a PDF's Flate streams, decompressed
    max_objects: int = 100_000  # a 50-page contract has a few thousand
    jpeg_quality: int = 85
    webp_quality: int = 85


DEFAULT_LIMITS = Limits()

#: Rendering pages for the staff console (`render_pages`): widths allowed, pages per call.
RENDER_MIN_WIDTH = 200
RENDER_MAX_WIDTH = 2000
RENDER_MAX_PAGES_PER_CALL = 5


@dataclass(frozen=True)
class Cleaned:
    """A file that passed: only these bytes are ever stored or shown."""

    kind: Kind
    media_type: MediaType
    data: bytes
    width: int | None = None  # photos
    height: int | None = None
    pages: int | None = None  # documents

    @property
    def size(self) -> int:
        return len(self.data)

    def summary(self) -> dict[str, Any]:
        """What the upload route answers: `{"kind", "bytes", "pages"?}` (issue 14's contract)."""
        answer: dict[str, Any] = {"kind": self.kind, "bytes": self.size}
        if self.pages is not None:
            answer["pages"] = self.pages
        return answer


# ---- the cleaner function's JSON ------------------------------------------------------------


class ProtocolError(Exception):
    """An invocation or an answer that is not of the cleaner's shape (a bug, never the file)."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(value: Any, what: str) -> bytes:
    if not isinstance(value, str):
        raise ProtocolError(f"{what} must be base64 text")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ProtocolError(f"{what} is not valid base64") from None


Operation = Literal["clean", "render"]


def read_request(event: Any) -> tuple[Operation, bytes]:
    """The cleaner function's side: which operation, on which bytes."""
    if not isinstance(event, dict) or event.get("op") not in get_args(Operation):
        raise ProtocolError("op must be clean or render")
    return cast(Operation, event["op"]), _unb64(event.get("data"), "data")


def clean_request(data: bytes) -> dict[str, Any]:
    return {"op": "clean", "data": _b64(data)}


def render_request(
    pdf: bytes, *, first_page: int = 0, max_pages: int = 1, width: int = 1200, page_format: PageFormat = "webp"
) -> dict[str, Any]:
    return {
        "op": "render",
        "data": _b64(pdf),
        "first_page": first_page,
        "max_pages": max_pages,
        "width": width,
        "format": page_format,
    }


def refused_response(refused: Refused) -> dict[str, Any]:
    return {"ok": False, "code": refused.code.value, "detail": refused.detail}


def clean_response(cleaned: Cleaned) -> dict[str, Any]:
    return {
        "ok": True,
        "kind": cleaned.kind,
        "media_type": cleaned.media_type,
        "data": _b64(cleaned.data),
        "width": cleaned.width,
        "height": cleaned.height,
        "pages": cleaned.pages,
    }


def render_response(pages: list[bytes], page_format: PageFormat) -> dict[str, Any]:
    return {"ok": True, "media_type": PAGE_MEDIA_TYPES[page_format], "pages": [_b64(page) for page in pages]}


def _raise_if_refused(payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict) or not isinstance(payload.get("ok"), bool):
        raise ProtocolError("the answer is not a cleaner answer")
    if not payload["ok"]:
        try:
            code = Refusal(str(payload.get("code")))
        except ValueError:
            raise ProtocolError("the answer has an unknown refusal code") from None
        raise Refused(code, str(payload.get("detail") or ""))
    return payload


def _optional_int(payload: dict[str, Any], name: str) -> int | None:
    value = payload.get(name)
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise ProtocolError(f"{name} must be an integer")


def read_clean_response(payload: Any) -> Cleaned:
    """The cleaner's answer as a `Cleaned`, or its `Refused` raised again on this side."""
    answer = _raise_if_refused(payload)
    kind, media_type = answer.get("kind"), answer.get("media_type")
    if kind not in get_args(Kind) or media_type not in get_args(MediaType):
        raise ProtocolError("the answer names an unknown kind or media type")
    return Cleaned(
        kind=cast(Kind, kind),
        media_type=cast(MediaType, media_type),
        data=_unb64(answer.get("data"), "data"),
        width=_optional_int(answer, "width"),
        height=_optional_int(answer, "height"),
        pages=_optional_int(answer, "pages"),
    )


def read_render_response(payload: Any) -> list[bytes]:
    answer = _raise_if_refused(payload)
    pages = answer.get("pages")
    if not isinstance(pages, list):
        raise ProtocolError("pages must be a list")
    return [_unb64(page, "page") for page in pages]
