"""The two base models every domain's models build on, one per kind of data.

Cold starts (the handler's import has a budget, devstack/bench): every model of the backend is
declared with `defer_build=True`, so pydantic builds its validator on first use rather than at
import, and the domains' models.py modules do without `from __future__ import annotations`, whose
string annotations pydantic would compile one by one (a validator returning its own class says
`Self`). A request pays only for the models it touches."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class RequestModel(BaseModel):
    """What a caller sends, a body or a query: a field the API does not know is refused (400 naming
    it) rather than ignored, and spaces around text are dropped."""

    model_config = ConfigDict(defer_build=True, extra="forbid", str_strip_whitespace=True)


class ContentModel(BaseModel):
    """What content/ declares (centres, services, recruiters' lists): a misspelt field is a content
    mistake, and a record cannot change once loaded (the catalogue is shared by every request)."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
