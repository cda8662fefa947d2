"""Feedback requests: one route, three kinds, each with its own fields."""

from typing import Annotated, Literal

from pydantic import BaseModel, Field, RootModel

from chalicelib.core.enums import AgeBand, Gender
from chalicelib.core.models import RequestModel

Topic = Literal[
    "work_abroad", "documents", "legal", "health", "money", "family", "language_course", "shelter", "complaint", "other"
]


class PageFeedback(RequestModel):
    kind: Literal["page"]
    page: str = Field(pattern=r"^/[a-z0-9/_-]{0,200}$", description="the page's path, e.g. /km/guides/abroad/x/")
    language: str = Field(pattern=r"^[a-z]{2}$")
    helpful: bool
    comment: str | None = Field(default=None, max_length=500)


class ServiceFeedback(RequestModel):
    kind: Literal["service"]
    reference: str = Field(min_length=8, max_length=12, description="the booking reference")
    delivered: bool
    rating: int = Field(ge=1, le=5)
    waiting_minutes: int | None = Field(default=None, ge=0, le=600)
    helped_decide: bool | None = None
    comment: str | None = Field(default=None, max_length=1000)


class NeedFeedback(RequestModel):
    kind: Literal["need"]
    topic: Topic
    text: str = Field(min_length=3, max_length=1000)
    language: str = Field(pattern=r"^[a-z]{2}$")
    centre_id: str | None = Field(default=None, max_length=60)
    age_band: AgeBand | None = None
    gender: Gender | None = None


Feedback = Annotated[PageFeedback | ServiceFeedback | NeedFeedback, Field(discriminator="kind")]


class FeedbackRequest(RootModel[Feedback]):
    """The body of POST /api/feedback: `kind` says which fields follow."""


class Received(BaseModel, defer_build=True):
    kind: str
    received_at: str
