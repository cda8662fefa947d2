"""The API's side of the cleaner: one interface, run in this process or in the cleaner function.

    cleaner = InProcessCleaner()                     # the local stack and the tests
    cleaner = LambdaCleaner(function_name, client)   # AWS: a boto3 Lambda client
    cleaned = cleaner.clean(data)                    # Cleaned, or raises Refused
    pages = cleaner.render(pdf, first_page=0, max_pages=1, width=1200)

What goes wrong, and whose fault it is:
- `Refused`: the file (4xx, by `Refused.status`). A cleaner function that ran out of memory is
  taken as a decompression bomb, one that timed out or crashed as a malformed file: only a file
  can make a stateless parser do that, and a 5xx would invite the same upload again.
- `CleanerUnavailable`: the service (throttled, unreachable): 503 with Retry-After.
- `ProtocolError`: a bug between the two sides: 500.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.evidence.contract import (
    Cleaned,
    PageFormat,
    ProtocolError,
    Refusal,
    Refused,
    clean_request,
    read_clean_response,
    read_render_response,
    render_request,
)


class CleanerUnavailable(Exception):
    """The cleaner could not be asked (not the file's fault): try again shortly."""


class Cleaner(Protocol):
    def clean(self, data: bytes) -> Cleaned: ...

    def render(
        self,
        pdf: bytes,
        *,
        first_page: int = 0,
        max_pages: int = 1,
        width: int = 1200,
        page_format: PageFormat = "webp",
    ) -> list[bytes]: ...


class InProcessCleaner:
    """The cleaner's libraries imported here, on first use (they are not in the API's bundle)."""

    def clean(self, data: bytes) -> Cleaned:
        from chalicelib.evidence.cleaner import clean

        return clean(data)

    def render(
        self,
        pdf: bytes,
        *,
        first_page: int = 0,
        max_pages: int = 1,
        width: int = 1200,
        page_format: PageFormat = "webp",
    ) -> list[bytes]:
        from chalicelib.evidence.cleaner import render_pages

        return render_pages(pdf, max_pages, width, first_page=first_page, page_format=page_format)


# A FunctionError's errorType, as Lambda reports it, that only the file can have caused.
_OUT_OF_MEMORY = "Runtime.OutOfMemory"


class LambdaCleaner:
    """Synchronous invocations of the cleaner function (`handler.py`)."""

    def __init__(self, function_name: str, client: Any) -> None:
        self.function_name = function_name
        self.client = client

    def clean(self, data: bytes) -> Cleaned:
        return read_clean_response(self._invoke(clean_request(data)))

    def render(
        self,
        pdf: bytes,
        *,
        first_page: int = 0,
        max_pages: int = 1,
        width: int = 1200,
        page_format: PageFormat = "webp",
    ) -> list[bytes]:
        return read_render_response(
            self._invoke(
                render_request(pdf, first_page=first_page, max_pages=max_pages, width=width, page_format=page_format)
            )
        )

    def _invoke(self, event: dict[str, Any]) -> Any:
        try:
            response = self.client.invoke(
                FunctionName=self.function_name, InvocationType="RequestResponse", Payload=json.dumps(event).encode()
            )
            raw = response["Payload"].read()
        except (BotoCoreError, ClientError) as error:
            raise CleanerUnavailable("the cleaner function could not be invoked") from error
        try:
            payload = json.loads(raw)
        except ValueError:
            raise ProtocolError("the cleaner function answered something other than JSON") from None
        if response.get("FunctionError"):
            error_type = payload.get("errorType") if isinstance(payload, dict) else None
            if error_type == ProtocolError.__name__:
                raise ProtocolError("the cleaner function refused the invocation's shape")
            if error_type == _OUT_OF_MEMORY:
                raise Refused(Refusal.DECOMPRESSION_BOMB, "the cleaner ran out of memory on the file")
            raise Refused(Refusal.MALFORMED, "the cleaner could not finish with the file")
        return payload
