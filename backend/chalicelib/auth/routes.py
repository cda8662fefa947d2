"""Where the console signs in, and who is signed in."""

from __future__ import annotations

from chalice.app import Blueprint

from chalicelib.auth.models import AuthConfig, CentreRef, Me
from chalicelib.auth.tokens import StaffAuthUnavailable
from chalicelib.auth.users import ANY_STAFF, StaffUser, staff_route
from chalicelib.centres.catalogue import get_catalogue
from chalicelib.core.http import RouteDoc, api_route
from chalicelib.core.settings import get_settings

bp = Blueprint(__name__)


@api_route(
    bp, "/auth/config", doc=RouteDoc("Where the staff console signs in (OAuth 2 code flow with PKCE)", AuthConfig)
)
def auth_config() -> AuthConfig:
    settings = get_settings()
    if not (settings.staff_auth_url and settings.staff_jwt_audience):
        raise StaffAuthUnavailable("Staff sign-in is not configured.")
    base = settings.staff_auth_url.rstrip("/")
    return AuthConfig(
        authorize_url=f"{base}/oauth2/authorize",
        token_url=f"{base}/oauth2/token",
        logout_url=f"{base}/logout",
        client_id=settings.staff_jwt_audience,
    )


@staff_route(bp, "/staff/me", roles=ANY_STAFF, doc=RouteDoc("Who is signed in: roles and centres", Me))
def me(user: StaffUser) -> Me:
    catalogue = get_catalogue()
    centres = [c for c in catalogue.centres if user.works_at(c.id)]
    return Me(
        sub=user.sub,
        username=user.username,
        name=user.name,
        roles=sorted(user.roles),
        centres=[CentreRef(id=c.id, name=c.name.get("en", c.id)) for c in centres],
        all_centres=user.all_centres,
    )
