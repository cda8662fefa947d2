"""The two base models every domain's models build on, one per kind of data."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class RequestModel(BaseModel):
    """What a caller sends, a body or a query: a field the API does not know is refused (400 naming
    it) rather than ignored, and spaces around text are dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ContentModel(BaseModel):
    """What content/ declares (centres, services, recruiters' lists): a misspelt field is a content
    mistake, and a record cannot change once loaded (the catalogue is shared by every request)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
