"""Who is signed in, and where the console signs in."""

from typing import Literal

from pydantic import BaseModel

Role = Literal["caseworker", "manager", "focal_point", "admin"]


class CentreRef(BaseModel, defer_build=True):
    id: str
    name: str


class Me(BaseModel, defer_build=True):
    sub: str
    username: str
    name: str
    roles: list[Role]
    centres: list[CentreRef]
    all_centres: bool


class AuthConfig(BaseModel, defer_build=True):
    authorize_url: str
    token_url: str
    logout_url: str
    client_id: str
    scope: str = "openid"
