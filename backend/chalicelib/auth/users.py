"""Who is calling a staff route: the staff user and their roles, checked by every staff route itself.

Groups in the ID token (auth/tokens.py) give roles; the `custom:centres` attribute gives the centres
a person works for (`*`: all of them).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, get_args

from chalice.app import Blueprint

from chalicelib.auth.models import Role
from chalicelib.auth.tokens import unauthorised, verify
from chalicelib.centres.catalogue import get_catalogue
from chalicelib.core.errors import Forbidden
from chalicelib.core.http import RouteDoc, api_route

ROLES: tuple[str, ...] = get_args(Role)
# Who may do what. A manager is also a caseworker; an administrator works in every centre's
# general lane; the restricted lane (sexual exploitation and abuse by staff) is for focal points only.
ANY_STAFF = frozenset(ROLES)
CASEWORK = frozenset({"caseworker", "manager", "admin"})
# Managing a centre: closing days, reading audit trails, closing and reopening cases, the dashboard.
MANAGEMENT = frozenset({"manager", "admin"})


@dataclass(frozen=True)
class StaffUser:
    sub: str
    username: str
    name: str
    roles: frozenset[str]
    centres: frozenset[str]
    all_centres: bool

    def has(self, roles: frozenset[str]) -> bool:
        return bool(self.roles & roles)

    def works_at(self, centre_id: str | None) -> bool:
        return self.all_centres or (centre_id is not None and centre_id in self.centres)

    def centre_ids(self) -> list[str]:
        """The centres this person works for, in a stable order (every centre for an administrator)."""
        return [c.id for c in get_catalogue().centres] if self.all_centres else sorted(self.centres)


def user_from(claims: dict[str, Any]) -> StaffUser:
    groups = claims.get("cognito:groups") or []
    roles = frozenset(g for g in groups if g in ROLES) if isinstance(groups, list) else frozenset()
    centres_claim = str(claims.get("custom:centres") or "")
    centres = frozenset(c.strip() for c in centres_claim.split(",") if c.strip() and c.strip() != "*")
    username = str(claims.get("cognito:username") or claims["sub"])
    return StaffUser(
        sub=str(claims["sub"]),
        username=username,
        name=str(claims.get("name") or username),
        roles=roles,
        centres=centres,
        all_centres="admin" in roles or centres_claim.strip() == "*",
    )


def authenticate(headers: dict[str, str] | Any, roles: frozenset[str]) -> StaffUser:
    """The caller of a staff route: 401 without a valid token, 403 without one of `roles`."""
    authorization = headers.get("authorization") or ""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorised("Sign in to use the staff console.", code="sign_in_required")
    user = user_from(verify(token.strip()))
    if not user.has(roles):
        raise Forbidden("Your role does not allow this.", code="role_forbidden")
    return user


def staff_route(
    bp: Blueprint, path: str, methods: Iterable[str] = ("GET",), *, roles: frozenset[str], doc: RouteDoc
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A route for signed-in staff with one of `roles`: the view gets the caller first. The
    authorisation test finds every such route in the app's route table by its `staff_roles`; the
    contract documents its bearer token and its 401 and 403 (RouteDoc.staff)."""

    def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def view(**params: str) -> Any:
            user = authenticate(bp.current_request.headers, roles)
            return func(user, **params)

        view.staff_roles = roles  # type: ignore[attr-defined]
        api_route(bp, path, methods, doc=dataclasses.replace(doc, staff=True))(view)
        return func

    return decorator
